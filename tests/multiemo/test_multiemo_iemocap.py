"""MultiEMO on IEMOCAP's layout: synthetic ERC pickle with per-utterance feature arrays (the corpus is licensed)."""

import pickle

import numpy as np
import pytest
from helpers_multiemo import tiny_config

from hf_emotion.data import load_dataset
from hf_emotion.data.readers import load_plain_pickle
from hf_emotion.features import attach_features
from hf_emotion.models.multiemo import MultiEmoForConversationClassification
from hf_emotion.training.conversation import DialogueCollator, prepare_dialogues

DIMS = {"text": 12, "audio": 10, "visual": 8}


def _write_pickle(folder):
    """The 9-item ERC layout: speakers, labels, text/audio/visual features (plain lists), sentences, splits."""
    rng = np.random.default_rng(0)
    ids = {"train": ["Ses01F_impro01", "Ses02M_script01"], "validation": ["Ses03F_impro02"], "test": ["Ses05M_impro03"]}
    lengths = {"Ses01F_impro01": 4, "Ses02M_script01": 3, "Ses03F_impro02": 2, "Ses05M_impro03": 1}
    speakers = {d: ["M", "F"] * n for d, n in lengths.items()}
    speakers = {d: s[: lengths[d]] for d, s in speakers.items()}
    labels = {d: rng.integers(0, 6, n).tolist() for d, n in lengths.items()}
    sentences = {d: [f"utterance {i}" for i in range(n)] for d, n in lengths.items()}
    feats = [{d: rng.standard_normal((n, DIMS[m])).round(3).tolist() for d, n in lengths.items()} for m in DIMS]
    data = [speakers, labels, *feats, sentences, ids["train"], ids["test"], ids["validation"]]
    folder.mkdir()
    (folder / "iemocap_features.pkl").write_bytes(pickle.dumps(data))
    return folder / "iemocap_features.pkl"


def test_iemocap_pickle_features_train_multiemo(tmp_path):
    path = _write_pickle(tmp_path / "iemocap")
    corpus = load_dataset("iemocap", data_dir=str(tmp_path / "iemocap"), cache_dir=str(tmp_path / "cache"))
    raw = load_plain_pickle(path)
    arrays = dict(zip(("text_features", "audio_features", "visual_features"), raw[2:5]))
    for column, mapping in arrays.items():
        corpus = {split: attach_features(ds, mapping, column) for split, ds in corpus.items()}
    names = corpus["train"].features["emotions"].feature.names
    assert len(names) == 6
    data = {split: prepare_dialogues(ds) for split, ds in corpus.items()}
    batch = DialogueCollator()([data["train"][0], data["train"][1]])
    assert batch["audio_features"].shape == (2, 4, 10)
    config = tiny_config(id2label=dict(enumerate(names)), label2id={n: i for i, n in enumerate(names)})
    model = MultiEmoForConversationClassification(config)
    out = model(**batch)
    out.loss.backward()
    assert out.logits.shape == (2, 4, 6)


def test_attach_features_names_the_dialogue(tmp_path):
    import datasets

    ds = datasets.Dataset.from_dict({"dialogue_id": ["a", "b"], "utterances": [["x", "y"], ["z"]]})
    with pytest.raises(ValueError, match="no features for dialogue 'b'"):
        attach_features(ds, {"a": np.zeros((2, 3))}, "audio_features")
    with pytest.raises(ValueError, match=r"dialogue 'b' has 1 turns but features of shape \(2, 3\)"):
        attach_features(ds, {"a": np.zeros((2, 3)), "b": np.zeros((2, 3))}, "audio_features")
    with pytest.raises(ValueError, match="dialogue 'b' has dim 4"):
        attach_features(ds, {"a": np.zeros((2, 3)), "b": np.zeros((1, 4))}, "audio_features")
