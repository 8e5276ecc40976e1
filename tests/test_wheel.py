"""The built wheel is complete: the package, metrics/ and dataset_scripts/ resolve from it alone."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

CHECK = r"""
import sys, json
from pathlib import Path
import hf_emotion
from hf_emotion.paths import dataset_scripts_dir, metrics_dir
from hf_emotion.text import build_tokenizer
site = Path(sys.argv[1]).resolve()
assert Path(hf_emotion.__file__).resolve().is_relative_to(site), hf_emotion.__file__
assert metrics_dir().resolve().is_relative_to(site) and dataset_scripts_dir().resolve().is_relative_to(site)
assert Path(hf_emotion.metric_path("multilabel"), "multilabel.py").is_file()
assert "semeval2018_ec" in hf_emotion.list_datasets()
tok = build_tokenizer(["so happy today 😂 #blessed http://x.y"])
tok.save_pretrained(sys.argv[2])
print(json.dumps(tok("so happy today 😂 #blessed http://x.y")["input_ids"]))
"""

LOAD_WITHOUT_PACKAGE = r"""
import sys, json
sys.modules["hf_emotion"] = None  # hf_emotion cannot be imported in this process
from transformers import AutoTokenizer
tok = AutoTokenizer.from_pretrained(sys.argv[1])
print(json.dumps(tok("so happy today 😂 #blessed http://x.y")["input_ids"]))
"""


@pytest.mark.slow
def test_wheel_installs_and_works_without_the_source_tree(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q", "-w", str(dist)],
                   check=True, capture_output=True)
    wheel = next(dist.glob("hf_emotion-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "hf_emotion/_metrics/multilabel/multilabel.py" in names
    assert "hf_emotion/_dataset_scripts/semeval2018_ec/semeval2018_ec.py" in names
    assert "hf_emotion/_model_cards/lem-semeval18.md" in names
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    env = {"PYTHONPATH": str(site), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    saved = tmp_path / "tokenizer"
    first = subprocess.run([sys.executable, "-c", CHECK, str(site), str(saved)], cwd=tmp_path, env=env,
                           capture_output=True, text=True)
    assert first.returncode == 0, first.stderr[-2000:]
    second = subprocess.run([sys.executable, "-c", LOAD_WITHOUT_PACKAGE, str(saved)], cwd=tmp_path, env=env,
                            capture_output=True, text=True)
    assert second.returncode == 0, second.stderr[-2000:]
    assert first.stdout.strip().splitlines()[-1] == second.stdout.strip().splitlines()[-1]
