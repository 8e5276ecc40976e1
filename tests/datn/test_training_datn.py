"""The DATN recipe on tiny fixtures: a dev-tuned threshold lands in the saved config, and a source
dataset with unknown sentiment labels is refused with their names."""

import json

import pytest
from datasets import ClassLabel, Dataset, DatasetDict, Features, Sequence, Value

from hf_emotion.training.datn import DatnTrainingSetup, sentiment_label_ids, train_datn

EMOTIONS = ["anger", "joy", "sadness"]
WORDS = {"angry": 0, "furious": 0, "happy": 1, "glad": 1, "sad": 2, "crying": 2}


def target_split(n, offset):
    words = list(WORDS)
    texts, labels = [], []
    for i in range(n):
        a, b = words[(i + offset) % 6], words[(3 * i + offset) % 6]
        texts.append(f"i am {a} and {b} today" if i % 5 else "nothing to say")
        labels.append(sorted({WORDS[a], WORDS[b]}) if i % 5 else [])
    features = Features({"text": Value("string"), "labels": Sequence(ClassLabel(names=EMOTIONS))})
    return Dataset.from_dict({"text": texts, "labels": labels}, features=features)


def source_split(n, names=("negative", "neutral", "positive"), labels=None):
    labels = labels or [i % len(names) for i in range(n)]
    texts = [["awful day", "a day", "great day"][i % 3] for i in range(n)]
    features = Features({"text": Value("string"), "label": ClassLabel(names=list(names))})
    return Dataset.from_dict({"text": texts, "label": labels}, features=features)


def tiny_data():
    """(target, source): 24 + 10 emotion rows, 12 + 6 sentiment rows."""
    target = DatasetDict(train=target_split(24, 0), validation=target_split(10, 1))
    source = DatasetDict(train=source_split(12), validation=source_split(6))
    return target, source


@pytest.fixture
def data():
    return tiny_data()


def write_vectors(folder) -> str:
    """A 6-dimensional GloVe-format file covering most fixture words, in `folder`."""
    path = folder / "vectors.txt"
    words = ["i", "am", "and", "today", "day", "great", *WORDS]
    path.write_text("".join(f"{w} " + " ".join(f"{(i * 7 + j) % 5 / 5:.2f}" for j in range(6)) + "\n"
                            for i, w in enumerate(words)))
    return str(path)


@pytest.fixture
def vectors(tmp_path):
    return write_vectors(tmp_path)


def tiny_setup(vectors, **overrides):
    settings = dict(vectors=vectors, epochs=2, batch_size=6, patience=None, use_cpu=True, learning_rate=0.01,
                    config_overrides=dict(hidden_size=4, attention_dim=4, mlp_hidden_size=4))
    settings.update(overrides)
    return DatnTrainingSetup(**settings)


def test_dev_tuned_threshold_is_written_to_the_saved_config(tmp_path, data, vectors):
    from transformers import AutoModelForSequenceClassification

    target, source = data
    result = train_datn(target, source, tmp_path / "out", tiny_setup(vectors, variant="datn1"))
    config = json.loads((tmp_path / "out" / "config.json").read_text())
    assert config["threshold_mode"] == "global" and config["threshold_metric"] == "jaccard"
    assert len(set(config["thresholds"])) == 1 and 0 < config["thresholds"][0] < 1
    assert config["variant"] == "datn1" and config["embedding_dim"] == 6
    assert config["id2label"] == {"0": "anger", "1": "joy", "2": "sadness"}
    record = json.loads((tmp_path / "out" / "training_record.json").read_text())
    assert record["vectors"] == vectors and record["source_rows"] == 18
    assert "eval_jaccard" in record["log_history"][-2] or any("eval_jaccard" in h for h in record["log_history"])
    loaded = AutoModelForSequenceClassification.from_pretrained(tmp_path / "out")
    assert loaded.config.thresholds == result.model.config.thresholds


def test_checkpoint_predicts_through_the_pipeline(tmp_path, data, vectors):
    """Empty, out-of-vocabulary and very long texts all get a valid answer, by the config's rule."""
    import torch
    from transformers import pipeline

    target, source = data
    result = train_datn(target, source, tmp_path / "out", tiny_setup(vectors, epochs=1))
    classify = pipeline("emotion-multilabel", model=str(tmp_path / "out"))
    texts = ["i am happy and glad today", "", "zzz qqq", "so sad " * 2000]
    answers = classify(texts)
    assert len(answers) == 4
    threshold = result.model.config.thresholds[0]
    tokenizer = result.tokenizer
    for text, answer in zip(texts, answers):
        encoded = tokenizer(text, truncation=True, return_tensors="pt")
        with torch.no_grad():
            scores = result.model(**encoded).scores[0]
        expected = {EMOTIONS[i] for i, s in enumerate(scores.tolist()) if s >= threshold}
        assert {a["label"] for a in answer} == expected
        assert all(0 <= a["score"] <= 1 for a in answer)


def test_base_trains_without_a_source(tmp_path, data, vectors):
    target, _ = data
    result = train_datn(target, None, tmp_path / "base", tiny_setup(vectors, variant="base", epochs=1))
    assert result.model.sentiment_head is None and result.record["source_rows"] == 0


def test_unknown_sentiment_labels_are_refused_by_name(tmp_path, data, vectors):
    target, _ = data
    odd = source_split(6, names=("negative", "neutral", "positive", "mixed"), labels=[0, 3, 1, 3, 2, 0])
    source = DatasetDict(train=odd, validation=source_split(3))
    with pytest.raises(ValueError, match=r"source split 'train' .*\['mixed'\].*expected only \['negative', 'neutral', 'positive'\]"):
        train_datn(target, source, tmp_path / "x", tiny_setup(vectors))
    strings = Dataset.from_dict({"text": ["a", "b"], "label": ["positive", "very positive"]})
    with pytest.raises(ValueError, match=r"\['very positive'\]"):
        sentiment_label_ids(strings, ["negative", "neutral", "positive"])
    assert sentiment_label_ids(strings.select([0]), ["positive", "negative"]) == [0]
