"""tune_thresholds against brute force over the grid, and its contract with multilabel_metrics."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hf_emotion.evaluation import DEFAULT_GRID, multilabel_metrics, tune_thresholds

GRID = np.array([0.1, 0.25, 0.4, 0.5, 0.75, 0.9])


@st.composite
def dev_sets(draw):
    n = draw(st.integers(1, 25))
    k = draw(st.integers(1, 5))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    gold = rng.random((n, k)) < draw(st.sampled_from([0.0, 0.3, 1.0]))
    scores = np.round(rng.random((n, k)), draw(st.sampled_from([1, 3])))  # rounding makes ties and grid hits
    return gold, scores


@settings(max_examples=60, deadline=None)
@given(dev_sets(), st.sampled_from(["micro_f1", "macro_f1", "jaccard"]))
def test_global_equals_brute_force_and_reported_score_is_real(data, metric):
    gold, scores = data
    tuned = tune_thresholds(gold, scores, mode="global", metric=metric, grid=GRID)
    brute = [multilabel_metrics(gold, scores, threshold=t)[metric] for t in GRID]
    assert tuned.score == pytest.approx(max(brute), abs=1e-12)
    assert tuned.thresholds == [GRID[int(np.argmax(brute))]] * gold.shape[1]  # ties: lowest threshold


@settings(max_examples=60, deadline=None)
@given(dev_sets(), st.sampled_from(["micro_f1", "macro_f1", "jaccard"]))
def test_per_label_is_at_least_global_and_scores_what_it_says(data, metric):
    gold, scores = data
    per_label = tune_thresholds(gold, scores, mode="per_label", metric=metric, grid=GRID)
    glob = tune_thresholds(gold, scores, mode="global", metric=metric, grid=GRID)
    assert per_label.score >= glob.score - 1e-12
    assert len(per_label.thresholds) == gold.shape[1]
    reached = multilabel_metrics(gold, scores, threshold=per_label.thresholds)[metric]
    assert reached == pytest.approx(per_label.score, abs=1e-12)


def test_per_label_macro_f1_is_each_labels_optimum():
    rng = np.random.default_rng(3)
    gold, scores = rng.random((60, 4)) < 0.3, rng.random((60, 4))
    tuned = tune_thresholds(gold, scores, mode="per_label", metric="macro_f1", grid=GRID)
    for k, threshold in enumerate(tuned.thresholds):
        column_f1 = [multilabel_metrics(gold[:, [k]], scores[:, [k]], threshold=t)["micro_f1"] for t in GRID]
        assert multilabel_metrics(gold[:, [k]], scores[:, [k]], threshold=threshold)["micro_f1"] == max(column_f1)


def test_default_grid_finds_a_separating_threshold():
    gold = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
    scores = np.array([[0.7, 0.1], [0.2, 0.35], [0.9, 0.4], [0.05, 0.3]])
    tuned = tune_thresholds(gold, scores, mode="per_label", metric="micro_f1")
    assert tuned.score == 1.0
    assert 0.2 < tuned.thresholds[0] <= 0.7 and 0.3 < tuned.thresholds[1] <= 0.35
    assert set(DEFAULT_GRID) >= set(tuned.thresholds) and len(DEFAULT_GRID) == 99


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"mode": "per-label"}, "mode must be one of"),
        ({"metric": "accuracy"}, "metric must be one of"),
        ({"grid": []}, "grid is empty"),
        ({"grid": [0.5, np.nan]}, "grid must be finite"),
        ({"grid": [[0.5]]}, "grid must have shape"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        tune_thresholds([[1, 0]], [[0.4, 0.6]], **kwargs)


def test_bad_data_is_named():
    with pytest.raises(ValueError, match=r"y_true must be binary .* row 0, column 1"):
        tune_thresholds([[1, 2]], [[0.4, 0.6]])
    with pytest.raises(ValueError, match="shape mismatch"):
        tune_thresholds([[1, 0]], [[0.4, 0.6, 0.1]])


def test_all_modes_and_metrics_run_on_one_row():
    for mode, metric in itertools.product(["global", "per_label"], ["micro_f1", "macro_f1", "jaccard"]):
        tuned = tune_thresholds([[0, 0, 0]], [[0.2, 0.5, 0.8]], mode=mode, metric=metric)
        assert len(tuned.thresholds) == 3
