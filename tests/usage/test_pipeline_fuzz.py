"""Property tests of the emotion-multilabel pipeline (tiny LEM and tiny DATN) on arbitrary texts,
arguments and inputs: every answer is a well-formed, sorted subset of the model's labels with finite
scores in [0, 1] that follows the config's per-label thresholds (or the caller's threshold/top_k);
a batch, a stream and 10k-character texts answer like the texts one by one; and a bad input or
argument is a TypeError/ValueError naming the offending item or argument, never anything else."""

import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers import pipeline

FUZZ = settings.get_profile("fuzz")
CASES = {"rule": 500, "threshold": 300, "batch": 200, "long": 200, "bad_item": 300, "bad_input": 200, "bad_argument": 300}
assert sum(CASES.values()) >= FUZZ.max_examples  # the emotion-multilabel surface's budget (tests/conftest.py)

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=80) | st.lists(
    st.sampled_from(["happy", "angry", "scared", "😂", ":(", "#joy", "@u", "http://x.y", "42", "[PAD]", "[UNK]",
                     "\u200b", "\ufeff", "\x00", " ", "\n", "喜欢"]), max_size=30
).map(" ".join)  # fmt: skip
MODEL = st.sampled_from(["lem", "datn"])
SURROGATE_TEXT = st.tuples(TEXT, st.characters(categories=["Cs"]), TEXT).map("".join)
NOT_TEXT = st.none() | st.integers() | st.floats() | st.binary(max_size=3) | st.dictionaries(st.text(max_size=2), st.text(max_size=2))
NOT_TEXTS = NOT_TEXT | st.frozensets(st.text(max_size=2), max_size=2) | st.complex_numbers()  # neither a text nor a list
NOT_NUMBER = st.text("abc ", max_size=3) | st.dictionaries(st.text(max_size=2), st.integers(), max_size=1) | st.just([None])
LABELS = 3  # the tiny checkpoints' labels


@pytest.fixture(scope="module")
def classifiers(checkpoint, datn_checkpoint):
    return {"lem": pipeline("emotion-multilabel", model=str(checkpoint)),
            "datn": pipeline("emotion-multilabel", model=str(datn_checkpoint))}  # fmt: skip


def labels_of(clf):
    return list(clf.model.config.id2label.values())


def well_formed(answer, labels):
    names = [a["label"] for a in answer]
    scores = [a["score"] for a in answer]
    assert len(set(names)) == len(names) and set(names) <= set(labels)
    assert all(isinstance(s, float) and math.isfinite(s) and 0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)


@settings(FUZZ, max_examples=CASES["rule"])
@given(MODEL, TEXT)
def test_any_text_gets_the_config_rule(classifiers, model, text):
    clf = classifiers[model]
    labels = labels_of(clf)
    everything = clf(text, return_all_scores=True)
    well_formed(everything, labels)
    assert sorted(a["label"] for a in everything) == sorted(labels)
    rule = dict(zip(labels, clf.model.config.thresholds))
    assert clf(text) == [a for a in everything if a["score"] >= rule[a["label"]]]


@settings(FUZZ, max_examples=CASES["threshold"])
@given(MODEL, TEXT, st.floats(0.0, 1.0), st.integers(1, 3))
def test_threshold_and_top_k_select_from_all_scores(classifiers, model, text, threshold, top_k):
    clf = classifiers[model]
    everything = clf(text, return_all_scores=True)
    answer = clf(text, threshold=threshold, top_k=top_k)
    well_formed(answer, labels_of(clf))
    assert answer == [a for a in everything if a["score"] >= threshold][:top_k]
    assert clf(text, top_k=top_k) == everything[:top_k]


@settings(FUZZ, max_examples=CASES["batch"])
@given(MODEL, st.lists(TEXT, min_size=0, max_size=5), st.integers(1, 4))
def test_a_batch_and_a_stream_answer_like_one_text_at_a_time(classifiers, model, texts, batch_size):
    clf = classifiers[model]
    batched = clf(texts, batch_size=batch_size, return_all_scores=True)
    streamed = list(clf(iter(texts), batch_size=batch_size, return_all_scores=True))
    assert len(batched) == len(streamed) == len(texts)
    for text, answer, flowed in zip(texts, batched, streamed, strict=True):
        alone = clf(text, return_all_scores=True)
        for other in (answer, flowed):
            assert [a["label"] for a in other] == [a["label"] for a in alone]
            assert [a["score"] for a in other] == pytest.approx([a["score"] for a in alone], abs=1e-6)


@settings(FUZZ, max_examples=CASES["long"])
@given(MODEL, TEXT.filter(str.strip), st.integers(1, 40))
def test_ten_thousand_character_texts_are_cut_at_max_length(classifiers, model, part, max_length):
    clf = classifiers[model]
    text = (part + " ") * (10_000 // (len(part) + 1) + 1)
    ids = clf.tokenizer(text)["input_ids"][:max_length]
    with torch.no_grad():
        expected = clf.model(input_ids=torch.tensor([ids], dtype=torch.long), attention_mask=torch.ones(1, len(ids), dtype=torch.long)).scores[0]
    answer = clf(text, max_length=max_length, return_all_scores=True)
    well_formed(answer, labels_of(clf))
    by_label = {a["label"]: a["score"] for a in answer}
    assert [by_label[name] for name in labels_of(clf)] == pytest.approx(expected.tolist(), abs=1e-6)


@settings(FUZZ, max_examples=CASES["bad_item"])
@given(MODEL, st.lists(TEXT, max_size=4), st.integers(0, 4), NOT_TEXT | st.lists(TEXT, max_size=2) | SURROGATE_TEXT)
def test_a_bad_item_is_named_by_its_index(classifiers, model, texts, position, bad):
    position = min(position, len(texts))
    inputs = texts[:position] + [bad] + texts[position:]
    if isinstance(bad, str):
        error, message = ValueError, rf"inputs\[{position}\] holds the lone surrogate"
    else:
        error, message = TypeError, rf"expects a string \(or a list of strings\): inputs\[{position}\] is {type(bad).__name__}"
    with pytest.raises(error, match=message):
        classifiers[model](inputs, batch_size=2)


@settings(FUZZ, max_examples=CASES["bad_input"])
@given(MODEL, NOT_TEXTS | SURROGATE_TEXT)
def test_an_input_that_is_neither_a_text_nor_a_list_is_named(classifiers, model, bad):
    """bytes, a dict or a set is never taken for a list of texts (a dict's keys were once classified)."""
    if isinstance(bad, str):
        error, message = ValueError, "the text holds the lone surrogate"
    else:
        error, message = TypeError, rf"expects a string \(or a list of strings\), got {type(bad).__name__}"
    with pytest.raises(error, match=message):
        classifiers[model](bad)


def threshold_ok(threshold) -> bool:
    values = threshold if isinstance(threshold, list) else [threshold]
    return len(values) in (1, LABELS) and all(isinstance(v, (int, float)) and math.isfinite(v) for v in values)


def count_ok(value, largest) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= largest


@settings(FUZZ, max_examples=CASES["bad_argument"])
@given(
    MODEL,
    st.sampled_from([[], ["so happy", ""]]) | TEXT,
    st.fixed_dictionaries(
        {},
        optional={
            "threshold": st.floats() | st.integers(-1, 2) | st.lists(st.floats(), max_size=4) | NOT_NUMBER,
            "top_k": st.integers(-1, 4) | st.booleans() | st.floats(0, 3) | st.text(max_size=1),
            "max_length": st.integers(-1, 40) | st.booleans() | st.floats(0, 3),
            "return_all_scores": st.booleans(),
            "temperature": st.floats(),
        },
    ),
)
def test_any_argument_is_taken_or_refused_by_name(classifiers, model, inputs, kwargs):
    clf = classifiers[model]
    checks = [
        ("temperature", lambda v: False, r"unknown argument\(s\) \['temperature'\]"),
        ("threshold", threshold_ok, "threshold must be a float or 3 floats"),
        ("top_k", lambda v: count_ok(v, LABELS), "top_k must be an integer from 1 to 3"),
        ("max_length", lambda v: count_ok(v, 10**9), "max_length must be a positive integer"),
    ]
    refused = [message for name, ok, message in checks if name in kwargs and not ok(kwargs[name])]
    if refused:
        with pytest.raises((TypeError, ValueError), match=refused[0]):
            clf(inputs, **kwargs)
        return
    answers = clf(inputs, **kwargs)
    for answer in [answers] if isinstance(inputs, str) else answers:
        well_formed(answer, labels_of(clf))
