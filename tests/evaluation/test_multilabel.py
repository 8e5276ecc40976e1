"""multilabel_metrics against scikit-learn (property-based, to 1e-12) and by hand where sklearn has no such metric."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics as sk

from hf_emotion.evaluation import (
    coverage_error,
    decide,
    label_ranking_average_precision,
    macro_average_precision,
    multilabel_metrics,
    one_error,
    ranking_loss,
)

TOL = 1e-12
# Few distinct values make ties in scores and exact threshold hits; free floats cover the rest.
SCORE = st.one_of(st.sampled_from([0.0, 0.25, 0.5, 1.0]), st.floats(-3, 3, allow_nan=False, width=64))


@st.composite
def gold_and_scores(draw, min_labels=2):
    n = draw(st.integers(1, 12))
    k = draw(st.integers(min_labels, 6))
    gold = draw(arrays(bool, (n, k)))
    edge = draw(st.sampled_from(["none", "zero_row", "one_row", "dead_label", "all_zero", "all_one"]))
    if edge == "zero_row":
        gold[0] = False
    elif edge == "one_row":
        gold[0] = True
    elif edge == "dead_label":
        gold[:, 0] = False
    elif edge in ("all_zero", "all_one"):
        gold[:] = edge == "all_one"
    return gold, draw(arrays(np.float64, (n, k), elements=SCORE))


def sklearn_quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # undefined-metric and no-positive-class warnings
        return function(*args, **kwargs)


@settings(max_examples=100, deadline=None)
@given(gold_and_scores(), st.sampled_from([0.0, 1.0]))
def test_classification_metrics_equal_sklearn(data, zero_division):
    gold, scores = data
    predicted = scores >= 0.5
    ours = multilabel_metrics(gold, scores, zero_division=zero_division, per_label=True)
    assert ours["hamming_loss"] == pytest.approx(sk.hamming_loss(gold, predicted), abs=TOL)
    assert ours["subset_accuracy"] == pytest.approx(sk.accuracy_score(gold, predicted), abs=TOL)
    # SemEval-2018 E-c: empty gold and empty prediction score 1, which is sklearn with zero_division=1.
    jaccard = sklearn_quiet(sk.jaccard_score, gold, predicted, average="samples", zero_division=1.0)
    assert ours["jaccard"] == pytest.approx(jaccard, abs=TOL)
    example_f1 = sklearn_quiet(sk.f1_score, gold, predicted, average="samples", zero_division=1.0)
    assert ours["example_f1"] == pytest.approx(example_f1, abs=TOL)
    for average in ("micro", "macro", "weighted"):
        p, r, f, _ = sklearn_quiet(
            sk.precision_recall_fscore_support, gold, predicted, average=average, zero_division=zero_division
        )
        assert [ours[f"{average}_{m}"] for m in ("precision", "recall", "f1")] == pytest.approx([p, r, f], abs=TOL)
    p, r, f, support = sklearn_quiet(
        sk.precision_recall_fscore_support, gold, predicted, average=None, zero_division=zero_division
    )
    table = ours["per_label"]
    for name, expected in (("precision", p), ("recall", r), ("f1", f), ("support", support)):
        np.testing.assert_allclose(table[name], expected, atol=TOL, rtol=0)


@settings(max_examples=100, deadline=None)
@given(gold_and_scores())
def test_ranking_metrics_equal_sklearn(data):
    gold, scores = data
    ours = multilabel_metrics(gold, scores)
    assert ours["ranking_loss"] == pytest.approx(sk.label_ranking_loss(gold, scores), abs=TOL)
    assert ours["coverage_error"] == pytest.approx(sk.coverage_error(gold, scores), abs=TOL)
    assert ours["lrap"] == pytest.approx(sk.label_ranking_average_precision_score(gold, scores), abs=TOL)
    macro_ap = sklearn_quiet(sk.average_precision_score, gold, scores, average="macro")
    assert ours["macro_ap"] == pytest.approx(macro_ap, abs=TOL)
    assert ranking_loss(gold, scores) == ours["ranking_loss"]
    assert coverage_error(gold, scores) == ours["coverage_error"]
    assert label_ranking_average_precision(gold, scores) == ours["lrap"]
    assert macro_average_precision(gold, scores) == ours["macro_ap"]


@settings(max_examples=100, deadline=None)
@given(gold_and_scores())
def test_exclude_equals_sklearn_on_the_rows_and_labels_it_keeps(data):
    gold, scores = data
    ours = multilabel_metrics(gold, scores, degenerate="exclude")
    n_gold = gold.sum(axis=1)
    keep = (n_gold > 0) & (n_gold < gold.shape[1])
    assert ours["degenerate_rows"] == (~keep).sum()
    if keep.any():
        assert ours["ranking_loss"] == pytest.approx(sk.label_ranking_loss(gold[keep], scores[keep]), abs=TOL)
        assert ours["coverage_error"] == pytest.approx(sk.coverage_error(gold[keep], scores[keep]), abs=TOL)
        lrap = sk.label_ranking_average_precision_score(gold[keep], scores[keep])
        assert ours["lrap"] == pytest.approx(lrap, abs=TOL)
    else:
        assert np.isnan([ours[m] for m in ("ranking_loss", "one_error", "coverage_error", "lrap")]).all()
    alive = gold.any(axis=0)
    if alive.any():
        expected = np.mean([sk.average_precision_score(gold[:, k], scores[:, k]) for k in np.flatnonzero(alive)])
        assert ours["macro_ap"] == pytest.approx(expected, abs=TOL)
    else:
        assert np.isnan(ours["macro_ap"])


def brute_one_error(gold, scores):
    """Expected one-error when ties at the top are broken uniformly at random."""
    errors = []
    for g, s in zip(gold, scores):
        if not g.any():
            errors.append(0.0)
            continue
        top = s == s.max()
        errors.append(1 - (top & g).sum() / top.sum())
    return float(np.mean(errors))


@settings(max_examples=100, deadline=None)
@given(gold_and_scores(min_labels=1))
def test_one_error_and_decisions_by_brute_force(data):
    gold, scores = data
    assert one_error(gold, scores) == pytest.approx(brute_one_error(gold, scores), abs=TOL)
    k = gold.shape[1]
    thresholds = np.linspace(-1, 1, k)
    np.testing.assert_array_equal(decide(scores, threshold=thresholds), scores >= thresholds)
    top = decide(scores, top_k=1)
    np.testing.assert_array_equal(top.sum(axis=1), 1)
    assert (scores[top] == scores.max(axis=1)).all()


@settings(max_examples=100, deadline=None)
@given(gold_and_scores(min_labels=1), st.sampled_from([None, 2]))
def test_by_cardinality_equals_metrics_of_each_group(data, cap):
    gold, scores = data
    results = multilabel_metrics(gold, scores, cardinality=True, cardinality_cap=cap)["by_cardinality"]
    groups = gold.sum(axis=1) if cap is None else np.minimum(gold.sum(axis=1), cap)
    assert sum(group["rows"] for group in results.values()) == len(gold)
    for key, group in results.items():
        rows = groups == int(key.rstrip("+"))
        assert key.endswith("+") == (cap is not None and int(key.rstrip("+")) == cap)
        expected = multilabel_metrics(gold[rows], scores[rows])
        for name in ("micro_f1", "jaccard", "example_f1", "hamming_loss", "subset_accuracy"):
            assert group[name] == pytest.approx(expected[name], abs=TOL)


def test_hand_computed_example():
    gold = np.array([[1, 0, 0], [0, 0, 0], [1, 1, 0], [0, 1, 1]])
    scores = np.array([[0.9, 0.9, 0.1], [0.2, 0.6, 0.1], [0.3, 0.8, 0.7], [0.5, 0.5, 0.5]])
    # predictions at 0.5: [1,1,0] [0,1,0] [0,1,1] [1,1,1]
    ours = multilabel_metrics(gold, scores, cardinality=True)
    assert ours["jaccard"] == pytest.approx((1 / 2 + 0 + 1 / 3 + 2 / 3) / 4)
    assert ours["example_f1"] == pytest.approx((2 / 3 + 0 + 2 / 4 + 4 / 5) / 4)
    assert ours["hamming_loss"] == pytest.approx(5 / 12)
    # one-error: row 0 ties label 0 (gold) with label 1 (not): 1/2; row 1 no gold: 0; row 2 top is label 1: 0;
    # row 3 three-way tie, two gold: 1/3.
    assert ours["one_error"] == pytest.approx((1 / 2 + 0 + 0 + 1 / 3) / 4)
    assert ours["by_cardinality"]["0"]["rows"] == 1.0
    assert ours["by_cardinality"]["2"]["micro_f1"] == pytest.approx(2 * 3 / (5 + 4))


def test_neutral_rows_sklearn_vs_exclude():
    gold = np.array([[0, 0, 0], [1, 0, 0]])
    scores = np.array([[0.9, 0.5, 0.1], [0.1, 0.5, 0.9]])
    sklearn_like = multilabel_metrics(gold, scores)
    excluded = multilabel_metrics(gold, scores, degenerate="exclude")
    assert sklearn_like["lrap"] == pytest.approx((1 + 1 / 3) / 2) and excluded["lrap"] == pytest.approx(1 / 3)
    assert sklearn_like["ranking_loss"] == pytest.approx(0.5) and excluded["ranking_loss"] == 1.0
    assert sklearn_like["one_error"] == 0.5 and excluded["one_error"] == 1.0
    assert sklearn_like["coverage_error"] == 1.5 and excluded["coverage_error"] == 3.0
    assert sklearn_like["degenerate_rows"] == excluded["degenerate_rows"] == 1


def test_top_k_ties_go_to_the_lower_column_and_binary_predictions_skip_ranking():
    np.testing.assert_array_equal(decide([[0.5, 0.5, 0.5, 0.1]], top_k=2), [[True, True, False, False]])
    ours = multilabel_metrics([[1, 0], [0, 1]], y_pred=[[1, 0], [1, 1]], label_names=["joy", "fear"], per_label=True)
    assert "lrap" not in ours and ours["per_label"]["label"] == ["joy", "fear"]
    assert ours["micro_f1"] == pytest.approx(2 * 2 / (3 + 2))


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: multilabel_metrics([[1, 0]], [[0.1, 0.2, 0.3]]), r"shape mismatch: y_true has shape \(1, 2\)"),
        (lambda: multilabel_metrics([[1, 0], [0, 2]], [[0.1, 0.2]] * 2), r"binary \(0/1\): found 2.0 at row 1, column 1"),
        (lambda: multilabel_metrics([[1, np.nan]], [[0.1, 0.2]]), r"y_true must be binary .* row 0, column 1"),
        (lambda: multilabel_metrics([[1, 0]], [[0.1, np.nan]]), r"scores must be finite: found nan at row 0, column 1"),
        (lambda: multilabel_metrics([[1, 0]], [[np.inf, 0.1]]), r"scores must be finite: found inf at row 0, column 0"),
        (lambda: multilabel_metrics([[1, 0]], [[0.1, 0.2]], threshold=[0.5] * 3), "threshold has 3 values but scores have 2"),
        (lambda: multilabel_metrics([[1, 0]], [[0.1, 0.2]], threshold=[np.nan, 0.5]), "threshold must be finite"),
        (lambda: multilabel_metrics(np.zeros((0, 3)), np.zeros((0, 3))), r"y_true is empty \(shape \(0, 3\)\)"),
        (lambda: multilabel_metrics([], []), r"y_true must have shape \(n_samples, n_labels\)"),
        (lambda: multilabel_metrics([[1, 0], [1]], [[0.1, 0.2]] * 2), "y_true must be a rectangular numeric array"),
        (lambda: multilabel_metrics([[1, 0]], [[0.1, 0.2]], top_k=3), "top_k must be an integer between 1 and 2"),
        (lambda: multilabel_metrics([[1, 0]], [[0.1, 0.2]], threshold=0.5, top_k=1), "exactly one decision rule"),
        (lambda: multilabel_metrics([[1, 0]], [[0.1, 0.2]], y_pred=[[1, 0]], threshold=0.3), "not both"),
        (lambda: multilabel_metrics([[1, 0]]), "needs scores, y_pred, or both"),
        (lambda: multilabel_metrics([[1, 0]], y_pred=[[1, 0, 1]]), "y_pred has shape"),
        (lambda: multilabel_metrics([[1, 0]], [[0.1, 0.2]], degenerate="drop"), "degenerate must be one of"),
        (lambda: multilabel_metrics([[1, 0]], [[0.1, 0.2]], label_names=["a"]), "label_names has 1 names"),
        (lambda: multilabel_metrics([[1, 0]], [[0.1, 0.2]], cardinality=True, cardinality_cap=0), "cardinality_cap must"),
    ],
)
def test_bad_input_raises_value_error_naming_it(call, message):
    with pytest.raises(ValueError, match=message):
        call()
