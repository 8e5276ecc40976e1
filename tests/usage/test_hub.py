import json
import os
import subprocess
import sys

import pytest
from huggingface_hub import HfApi
from transformers import AutoModel, AutoModelForSequenceClassification, pipeline

from hf_emotion.hub import CheckpointError, export, load_checkpoint, push, upload_files
from hf_emotion.registry import auto_map_for

from .conftest import SENTENCES, copy_checkpoint

EXPORTED = [
    "README.md", "config.json", "configuration_lem.py", "model.safetensors", "modeling_lem.py",
    "multilabel.py", "tokenizer.json", "tokenizer_config.json", "training_record.json",
]

# Runs where hf_emotion cannot be imported; prints what the remote code gives for SENTENCES.
REMOTE = """
import sys
sys.modules["hf_emotion"] = None
import json, torch
from transformers import AutoModel, AutoModelForSequenceClassification, AutoTokenizer, pipeline
texts, report = json.loads(sys.argv[1]), {}
for folder in sys.argv[2:]:
    base = AutoModel.from_pretrained(folder, trust_remote_code=True)
    model = AutoModelForSequenceClassification.from_pretrained(folder, trust_remote_code=True).eval()
    tokenizer = AutoTokenizer.from_pretrained(folder, trust_remote_code=True)
    with torch.no_grad():
        scores = [model(**tokenizer(t, return_tensors="pt")).scores[0].tolist() for t in texts]
    named = pipeline("emotion-multilabel", model=folder, trust_remote_code=True)
    inferred = pipeline(model=folder, trust_remote_code=True)
    report[folder] = {
        "modules": [type(base).__module__, type(model).__module__, type(named).__module__],
        "scores": scores,
        "named": named(texts, return_all_scores=True),
        "inferred": inferred(texts),
    }
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def exported(checkpoint, tmp_path_factory):
    return export(checkpoint, tmp_path_factory.mktemp("export") / "lem-tiny", repo_id="someone/lem-tiny")


@pytest.fixture(scope="module")
def exported_datn(datn_checkpoint, tmp_path_factory):
    return export(datn_checkpoint, tmp_path_factory.mktemp("export") / "datn-tiny")


def test_export_is_a_hub_model_repo(exported):
    assert upload_files(exported) == EXPORTED
    config = json.loads((exported / "config.json").read_text())
    assert config["auto_map"] == auto_map_for("lem")
    assert set(config["auto_map"]) == {"AutoConfig", "AutoModel", "AutoModelForSequenceClassification"}
    assert config["custom_pipelines"] == {
        "emotion-multilabel": {
            "impl": "multilabel.MultiLabelEmotionPipeline", "pt": ["AutoModelForSequenceClassification"], "type": "text",
        }
    }
    for name in ("configuration_lem.py", "modeling_lem.py", "multilabel.py"):
        assert "hf_emotion" not in (exported / name).read_text().replace("hf-emotion", "").split('"""', 2)[-1]
    assert 'pipeline("emotion-multilabel", model="someone/lem-tiny")' in (exported / "README.md").read_text()


def test_exports_load_without_hf_emotion_and_predict_identically(exported, exported_datn, tmp_path):
    env = {**os.environ, "HF_MODULES_CACHE": str(tmp_path / "modules"), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", REMOTE, json.dumps(SENTENCES), str(exported), str(exported_datn)],
        capture_output=True, text=True, env=env, cwd=tmp_path, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    for folder, model_type in ((exported, "lem"), (exported_datn, "datn")):
        remote = report[str(folder)]
        assert all(m.startswith("transformers_modules.") for m in remote["modules"]), remote["modules"]
        installed = pipeline("emotion-multilabel", model=str(folder))  # no trust_remote_code: hf_emotion serves it
        assert type(installed).__module__ == "hf_emotion.pipelines.multilabel"
        assert type(installed.model).__module__ == f"hf_emotion.models.{model_type}.modeling_{model_type}"
        assert installed(SENTENCES, return_all_scores=True) == remote["named"]
        assert installed(SENTENCES) == remote["inferred"]
        assert [sorted(s, reverse=True) for s in remote["scores"]] == [[o["score"] for o in out] for out in remote["named"]]
    assert (exported_datn / "configuration_datn.py").is_file()
    assert json.loads((exported_datn / "config.json").read_text())["auto_map"] == auto_map_for("datn")


def test_multiemo_exports_with_its_conversation_pipeline(tmp_path):
    from multiemo.helpers_multiemo import tiny_config

    from hf_emotion.models.multiemo import MultiEmoForConversationClassification

    MultiEmoForConversationClassification(tiny_config()).save_pretrained(tmp_path / "multiemo")
    folder = export(tmp_path / "multiemo", tmp_path / "hub")
    config = json.loads((folder / "config.json").read_text())
    assert config["auto_map"] == auto_map_for("multiemo")
    assert config["custom_pipelines"]["emotion-conversation"]["impl"] == "conversation.ConversationEmotionPipeline"
    assert {"conversation.py", "modeling_multiemo.py", "configuration_multiemo.py", "README.md"} <= set(upload_files(folder))


def test_installed_auto_classes_load_the_export_without_remote_code(exported):
    assert type(AutoModel.from_pretrained(exported)).__module__ == "hf_emotion.models.lem.modeling_lem"
    assert type(AutoModelForSequenceClassification.from_pretrained(exported)).__name__ == "LemForSequenceClassification"


def test_push_uploads_exactly_the_exported_files(exported, monkeypatch):
    calls = {}
    monkeypatch.setattr(HfApi, "create_repo", lambda self, repo_id, **kw: calls.setdefault("create", (repo_id, kw, self.token)))
    monkeypatch.setattr(HfApi, "upload_folder", lambda self, **kw: calls.setdefault("upload", kw))
    for junk in (".cache/x.lock", "checkpoints/checkpoint-1/model.safetensors", "__pycache__/modeling_lem.pyc"):
        (exported / junk).parent.mkdir(parents=True, exist_ok=True)
        (exported / junk).write_text("x")
    push(exported, "someone/lem-tiny", private=True, token="hf_test")
    assert calls["create"] == ("someone/lem-tiny", {"private": True, "exist_ok": True}, "hf_test")
    assert calls["upload"]["repo_id"] == "someone/lem-tiny"
    assert calls["upload"]["allow_patterns"] == EXPORTED


def test_push_refuses_a_folder_that_is_not_an_export(checkpoint):
    with pytest.raises(CheckpointError, match="not an exported checkpoint.*hf-emotion export"):
        upload_files(checkpoint)


def test_export_refuses_a_non_empty_folder(checkpoint, exported):
    with pytest.raises(FileExistsError, match="not empty.*--overwrite"):
        export(checkpoint, exported)


def test_broken_checkpoints_are_named(checkpoint, tmp_path):
    with pytest.raises(CheckpointError, match="not a model checkpoint: it has no config.json"):
        load_checkpoint(tmp_path)
    truncated = copy_checkpoint(checkpoint, tmp_path / "truncated")
    weights = (truncated / "model.safetensors").read_bytes()
    (truncated / "model.safetensors").write_bytes(weights[: len(weights) - 100])
    with pytest.raises(CheckpointError, match="model.safetensors is truncated or corrupt"):
        load_checkpoint(truncated)
    relabelled = copy_checkpoint(checkpoint, tmp_path / "relabelled")
    config = json.loads((relabelled / "config.json").read_text())
    config.update(id2label={"0": "joy", "1": "anger"}, label2id={"joy": 0, "anger": 1}, thresholds=[0.5, 0.5])
    (relabelled / "config.json").write_text(json.dumps(config))
    with pytest.raises(CheckpointError, match=r"weights do not fit config.json.*2 labels \['joy', 'anger'\]"):
        load_checkpoint(relabelled)
    config.update(model_type="bert2")
    (relabelled / "config.json").write_text(json.dumps(config))
    with pytest.raises(ValueError, match="unknown model type 'bert2'"):
        load_checkpoint(relabelled)
