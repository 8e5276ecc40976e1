"""A tiny LEM checkpoint folder (random weights, a word-level tokenizer built from a few sentences)
that every usage test loads the way a user would: from disk."""

import json

import pytest
import torch

from hf_emotion.text import build_tokenizer
from lem.tiny import LABELS, tiny_model


SENTENCES = [
    "I am so happy and glad today",
    "this makes me angry and furious",
    "I am scared , afraid of the dark",
    "happy happy joy",
    "what a terrible awful day",
]
THRESHOLDS = [0.45, 0.5, 0.55]


def save_tiny_checkpoint(folder, *, language="en", texts=SENTENCES, seed=0):
    """A save_pretrained folder as train_lem writes it, with a training_record.json."""
    tokenizer = build_tokenizer(texts, language=language, model_max_length=16)
    model = tiny_model(seed, vocab_size=len(tokenizer), emotion_vocab_ids=list(range(5, min(len(tokenizer), 12))))
    model.config.thresholds = list(THRESHOLDS)
    model.config.threshold_mode, model.config.threshold_metric = "per_label", "micro_f1"
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    record = {
        "model_type": "lem",
        "labels": LABELS,
        "dev_metrics": {"micro_f1": 0.5, "macro_f1": 0.25, "jaccard": 0.4},
        "setup": {"epochs": 2, "learning_rate": 0.001, "vectors": "glove-6b-50d"},
        "vocab_size": len(tokenizer),
        "epochs_run": 2,
        "train_seconds": 1.5,
        "data": {"name": "multilabel_file", "files": ["tiny.csv"]},
    }
    (folder / "training_record.json").write_text(json.dumps(record))
    return folder


def copy_checkpoint(checkpoint, folder):
    folder.mkdir()
    for path in checkpoint.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


@pytest.fixture(scope="session")
def checkpoint(tmp_path_factory):
    return save_tiny_checkpoint(tmp_path_factory.mktemp("lem") / "tiny-lem")


@pytest.fixture(scope="session")
def datn_checkpoint(tmp_path_factory):
    """A tiny DATN-2 folder: the same pipeline and export must serve it."""
    from hf_emotion.models.datn import DatnConfig, DatnForSequenceClassification

    folder = tmp_path_factory.mktemp("datn") / "tiny-datn"
    tokenizer = build_tokenizer(SENTENCES, model_max_length=16)
    torch.manual_seed(0)
    config = DatnConfig(vocab_size=len(tokenizer), embedding_dim=4, hidden_size=4, attention_dim=4, mlp_hidden_size=4,
                        id2label=dict(enumerate(LABELS)), label2id={n: i for i, n in enumerate(LABELS)},
                        thresholds=[0.2] * 3, threshold_mode="global", threshold_metric="jaccard")
    DatnForSequenceClassification(config).eval().save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
