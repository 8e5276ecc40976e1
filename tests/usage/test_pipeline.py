import numpy as np
import pytest
import torch
from datasets import Dataset
from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline
from transformers.pipelines import PIPELINE_REGISTRY
from transformers.pipelines.pt_utils import KeyDataset

import hf_emotion
from hf_emotion.pipelines.multilabel import MultiLabelEmotionPipeline, segment_han_runs

from .conftest import SENTENCES, THRESHOLDS, save_tiny_checkpoint

TASK = "emotion-multilabel"


@pytest.fixture(scope="module")
def clf(checkpoint):
    return pipeline(TASK, model=str(checkpoint))


def model_scores(checkpoint, texts):
    model = AutoModelForSequenceClassification.from_pretrained(checkpoint).eval()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    with torch.no_grad():
        return [model(**tokenizer(t, return_tensors="pt")).scores[0].numpy() for t in texts]


def test_registered_on_import_and_follows_the_config_rule(clf, checkpoint):
    assert isinstance(clf, MultiLabelEmotionPipeline)
    labels = clf.model.config.id2label
    for text, scores in zip(SENTENCES, model_scores(checkpoint, SENTENCES)):
        out = clf(text)
        expected = sorted((i for i in range(3) if scores[i] >= THRESHOLDS[i]), key=lambda i: -scores[i])
        assert [o["label"] for o in out] == [labels[i] for i in expected]
        assert [o["score"] for o in out] == [float(scores[i]) for i in expected]


def test_threshold_top_k_and_all_scores_override_the_rule(clf):
    text = SENTENCES[0]
    everything = clf(text, return_all_scores=True)
    assert len(everything) == 3 and [e["score"] for e in everything] == sorted((e["score"] for e in everything), reverse=True)
    assert clf(text, threshold=0.0) == everything
    assert clf(text, threshold=1.01) == []
    per_label = clf(text, threshold=[0.0, 1.01, 1.01])
    assert [o["label"] for o in per_label] == ["joy"]
    assert clf(text, top_k=2) == everything[:2]
    assert clf(text, top_k=2, threshold=0.0) == everything[:2]  # top_k caps the labels above the threshold
    assert clf(text, top_k=2, threshold=1.01) == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"threshold": [0.5, 0.5]}, "3 floats"),
        ({"top_k": 4}, "top_k must be an integer from 1 to 3"),
        ({"max_length": 0}, "max_length"),
        ({"temperature": 2}, "unknown argument"),
    ],
)
def test_bad_arguments_are_named(clf, kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        clf("happy", **kwargs)


def test_lists_batches_and_streamed_datasets_agree(clf):
    one_by_one = [clf(t, return_all_scores=True) for t in SENTENCES]
    batched = clf(SENTENCES, batch_size=3, return_all_scores=True)
    streamed = clf(KeyDataset(Dataset.from_dict({"text": SENTENCES}), "text"), batch_size=2, return_all_scores=True)
    assert not isinstance(streamed, list)  # an iterator: the column is never materialised
    for a, b, c in zip(one_by_one, batched, list(streamed)):
        assert [x["label"] for x in a] == [x["label"] for x in b] == [x["label"] for x in c]
        np.testing.assert_allclose([x["score"] for x in a], [x["score"] for x in b], atol=1e-6)
        np.testing.assert_allclose([x["score"] for x in a], [x["score"] for x in c], atol=1e-6)
    with pytest.raises(TypeError, match="expects a string"):
        clf([3])


def test_long_texts_are_cut_at_the_tokenizer_limit(clf):
    long_text = " ".join(["happy"] * 100)
    assert clf.preprocess(long_text)["input_ids"].shape[1] == 16  # model_max_length of the checkpoint
    assert clf.preprocess(long_text, max_length=5)["input_ids"].shape[1] == 5
    assert clf(long_text) == clf(" ".join(["happy"] * 16))


def test_chinese_checkpoint_is_segmented_like_the_text_layer(tmp_path):
    pytest.importorskip("jieba")
    from hf_emotion.text import segment_chinese

    texts = ["我今天非常高兴", "他很生气 @user http://t.co/x", "害怕黑暗的夜晚"]
    folder = save_tiny_checkpoint(tmp_path / "zh", language="zh", texts=texts)
    assert all(segment_han_runs(t) == segment_chinese(t) for t in texts)
    clf = pipeline(TASK, model=str(folder))
    scores = model_scores(folder, [segment_chinese(texts[0])])[0]
    assert [o["score"] for o in clf(texts[0], return_all_scores=True)] == sorted(map(float, scores), reverse=True)


def test_datn_predicts_through_the_same_pipeline(datn_checkpoint):
    clf = pipeline(TASK, model=str(datn_checkpoint))
    for text, scores in zip(SENTENCES, model_scores(datn_checkpoint, SENTENCES)):
        assert [o["score"] for o in clf(text)] == sorted((float(s) for s in scores if s >= 0.2), reverse=True)


def test_no_model_loads_the_embedded_checkpoint(checkpoint, monkeypatch):
    default = PIPELINE_REGISTRY.supported_tasks[TASK]["default"]["model"]
    assert default == (str(hf_emotion.registry.PACKAGE_DIR / "checkpoints" / "lem-semeval18"), None)
    monkeypatch.setitem(PIPELINE_REGISTRY.supported_tasks[TASK], "default", {"model": (str(checkpoint), None)})
    assert pipeline(TASK)(SENTENCES[0]) == pipeline(TASK, model=str(checkpoint))(SENTENCES[0])
