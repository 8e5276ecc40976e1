"""The DATN model folder is self-contained: a checkpoint carrying its two files loads with
trust_remote_code=True in a process where hf_emotion cannot be imported."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import hf_emotion.models.datn as datn_package
from hf_emotion.models.datn import DatnConfig, DatnForSequenceClassification
from hf_emotion.registry import auto_map_for

LOAD = """
import sys
sys.modules["hf_emotion"] = None  # any import of hf_emotion now fails
import torch
from transformers import AutoModelForSequenceClassification
model = AutoModelForSequenceClassification.from_pretrained(sys.argv[1], trust_remote_code=True).eval()
ids = torch.tensor([[5, 6, 7, 0]])
scores = model(ids, (ids != 0).long()).scores
torch.save(scores, sys.argv[2])
print(type(model).__module__)
"""


@pytest.mark.slow  # a fresh interpreter importing torch and transformers
def test_checkpoint_loads_without_hf_emotion(tmp_path):
    torch.manual_seed(0)
    config = DatnConfig(vocab_size=20, embedding_dim=4, hidden_size=4, attention_dim=4, mlp_hidden_size=4,
                        num_labels=3, variant="datn2", thresholds=[0.2] * 3, threshold_mode="global")
    config.auto_map = auto_map_for("datn")
    model = DatnForSequenceClassification(config).eval()
    checkpoint = tmp_path / "checkpoint"
    model.save_pretrained(checkpoint)
    for name in ("configuration_datn.py", "modeling_datn.py"):
        shutil.copy(Path(datn_package.__file__).parent / name, checkpoint / name)
    env = {**os.environ, "HF_MODULES_CACHE": str(tmp_path / "modules"), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", LOAD, str(checkpoint), str(tmp_path / "scores.pt")],
                          capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "hf_emotion" not in done.stdout
    ids = torch.tensor([[5, 6, 7, 0]])
    expected = model(ids, (ids != 0).long()).scores
    assert torch.equal(torch.load(tmp_path / "scores.pt", weights_only=True), expected)
