"""Property tests of the emotion-multilabel pipeline on arbitrary texts and arguments: every answer
is a well-formed, sorted subset of the model's labels with finite scores in [0, 1] that follows the
config's per-label thresholds (or the caller's threshold/top_k), and a batch answers like the
texts one by one."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers import pipeline

from .conftest import THRESHOLDS

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.lists(
    st.sampled_from(["happy", "angry", "scared", "😂", ":(", "#joy", "@u", "http://x.y", "42", "[PAD]", "[UNK]",
                     "\u200b", "\x00", " ", "\n", "喜欢"]), max_size=30
).map(" ".join)


@pytest.fixture(scope="module")
def clf(checkpoint):
    return pipeline("emotion-multilabel", model=str(checkpoint))


def well_formed(answer, labels):
    names = [a["label"] for a in answer]
    scores = [a["score"] for a in answer]
    assert len(set(names)) == len(names) and set(names) <= set(labels)
    assert all(isinstance(s, float) and math.isfinite(s) and 0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)


@settings(max_examples=40, deadline=None)
@given(TEXT)
def test_any_text_gets_the_config_rule(clf, text):
    labels = list(clf.model.config.id2label.values())
    everything = clf(text, return_all_scores=True)
    well_formed(everything, labels)
    assert sorted(a["label"] for a in everything) == sorted(labels)
    rule = dict(zip(labels, THRESHOLDS))
    assert clf(text) == [a for a in everything if a["score"] >= rule[a["label"]]]


@settings(max_examples=40, deadline=None)
@given(TEXT, st.floats(0.0, 1.0), st.integers(1, 3))
def test_threshold_and_top_k_select_from_all_scores(clf, text, threshold, top_k):
    everything = clf(text, return_all_scores=True)
    answer = clf(text, threshold=threshold, top_k=top_k)
    well_formed(answer, [a["label"] for a in everything])
    assert answer == [a for a in everything if a["score"] >= threshold][:top_k]


@settings(max_examples=15, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=5), st.integers(1, 4))
def test_a_batch_answers_like_one_text_at_a_time(clf, texts, batch_size):
    batched = clf(texts, batch_size=batch_size, return_all_scores=True)
    for text, answer in zip(texts, batched, strict=True):
        alone = clf(text, return_all_scores=True)
        assert [a["label"] for a in answer] == [a["label"] for a in alone]
        assert [a["score"] for a in answer] == pytest.approx([a["score"] for a in alone], abs=1e-6)


def test_an_empty_batch_gets_an_empty_answer(clf):  # found by fuzzing: it was a bare IndexError
    assert clf([]) == []
    assert clf([], batch_size=4) == []


def test_a_datasets_column_is_taken_like_a_list(clf):
    from datasets import Dataset

    texts = Dataset.from_dict({"text": ["so happy", "so angry"]})["text"]
    assert clf(texts) == clf(["so happy", "so angry"])
