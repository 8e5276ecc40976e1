"""Decision-threshold tuning on a dev split, vectorised over a grid of candidate thresholds.

Each score is binned once against the sorted grid (a label is predicted at grid[g] iff
score >= grid[g], the rule of `decide`), so the counts at every candidate come from one
histogram and a reverse cumulative sum instead of one pass per candidate. Per-label tuning
is coordinate ascent from the best global threshold: each label in turn takes the
candidate that most improves the dev metric with the others fixed, until no label moves;
for macro-F1 (labels independent) this is each label's exact optimum on the grid.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validation import as_array, check_finite
from .multilabel import check_gold_and_scores, f1_from_counts, jaccard_from_counts

TUNING_METRICS = ("micro_f1", "macro_f1", "jaccard")
TUNING_MODES = ("global", "per_label")
DEFAULT_GRID = np.round(np.arange(0.01, 1.0, 0.01), 2)  # 99 candidates: scores are probabilities


class TunedThresholds(NamedTuple):
    thresholds: list[float]  # one per label (K equal values in global mode)
    score: float  # the dev metric reached with them


def tune_thresholds(y_true, scores, mode: str = "global", metric: str = "micro_f1", grid=None) -> TunedThresholds:
    """Thresholds maximising `metric` on (y_true, scores); ties go to the lowest threshold."""
    if mode not in TUNING_MODES:
        raise ValueError(f"mode must be one of {TUNING_MODES}, got {mode!r}")
    if metric not in TUNING_METRICS:
        raise ValueError(f"metric must be one of {TUNING_METRICS}, got {metric!r}")
    gold, values = check_gold_and_scores(y_true, scores)
    candidates = _check_grid(grid)
    bins = np.searchsorted(candidates, values, side="right")  # predicted at grid[g] iff g < bins
    if metric == "jaccard":
        objective = _JaccardObjective(gold, bins, candidates.size)
    else:
        objective = _F1Objective(gold, bins, candidates.size, micro=metric == "micro_f1")
    curve = objective.global_curve()
    start = int(np.argmax(curve))
    chosen = np.full(gold.shape[1], start)
    best = float(curve[start])
    if mode == "per_label":
        best = _coordinate_ascent(objective, chosen, best)
    return TunedThresholds([float(candidates[g]) for g in chosen], best)


def _check_grid(grid) -> np.ndarray:
    if grid is None:
        return DEFAULT_GRID
    candidates = check_finite(as_array(grid, "grid", ndim=1), "grid")
    return np.unique(candidates)


def _coordinate_ascent(objective, chosen: np.ndarray, best: float) -> float:
    """Move one label's threshold at a time while the metric strictly improves (so it terminates)."""
    moved = True
    while moved:
        moved = False
        for label in range(chosen.size):
            curve = objective.label_curve(chosen, label)
            g = int(np.argmax(curve))
            if curve[g] > best + 1e-12:
                chosen[label], best, moved = g, float(curve[g]), True
    return best


def _above(histogram: np.ndarray) -> np.ndarray:
    """Counts with bin > g for each candidate g, from counts per bin (last axis: bins 0..G)."""
    return np.cumsum(histogram[..., ::-1], axis=-1)[..., ::-1][..., 1:]


class _F1Objective:
    """Micro- or macro-F1 at each candidate, from per-label (TP, predicted) counts, shape (K, G)."""

    def __init__(self, gold: np.ndarray, bins: np.ndarray, n_candidates: int, *, micro: bool):
        n_labels = gold.shape[1]
        width = n_candidates + 1
        cell = np.arange(n_labels) * width + bins
        self.tp = _above(np.bincount(cell[gold], minlength=n_labels * width).reshape(n_labels, width))
        self.pred = _above(np.bincount(cell.ravel(), minlength=n_labels * width).reshape(n_labels, width))
        self.gold = np.count_nonzero(gold, axis=0)[:, None]
        self.micro = micro

    def _score(self, tp: np.ndarray, pred: np.ndarray) -> np.ndarray:
        if self.micro:
            return f1_from_counts(tp.sum(axis=0), pred.sum(axis=0), self.gold.sum())
        return f1_from_counts(tp, pred, self.gold).mean(axis=0)

    def global_curve(self) -> np.ndarray:
        return self._score(self.tp, self.pred)

    def label_curve(self, chosen: np.ndarray, label: int) -> np.ndarray:
        labels = np.arange(chosen.size)
        tp = np.repeat(self.tp[labels, chosen][:, None], self.tp.shape[1], axis=1)
        pred = np.repeat(self.pred[labels, chosen][:, None], self.pred.shape[1], axis=1)
        tp[label], pred[label] = self.tp[label], self.pred[label]
        return self._score(tp, pred)


class _JaccardObjective:
    """Mean Jaccard accuracy at each candidate, from per-row (intersection, predicted) counts."""

    def __init__(self, gold: np.ndarray, bins: np.ndarray, n_candidates: int):
        self.gold_cells, self.bins = gold, bins
        self.n_candidates = n_candidates
        self.n_gold = np.count_nonzero(gold, axis=1)[:, None]

    def global_curve(self) -> np.ndarray:
        n_rows, width = self.bins.shape[0], self.n_candidates + 1
        cell = np.arange(n_rows)[:, None] * width + self.bins
        inter = _above(np.bincount(cell[self.gold_cells], minlength=n_rows * width).reshape(n_rows, width))
        pred = _above(np.bincount(cell.ravel(), minlength=n_rows * width).reshape(n_rows, width))
        return jaccard_from_counts(inter, pred, self.n_gold).mean(axis=0)

    def label_curve(self, chosen: np.ndarray, label: int) -> np.ndarray:
        predicted = self.bins > chosen
        predicted[:, label] = False
        inter = np.count_nonzero(predicted & self.gold_cells, axis=1)[:, None]
        pred = np.count_nonzero(predicted, axis=1)[:, None]
        candidate = self.bins[:, label][:, None] > np.arange(self.n_candidates)
        inter = inter + (candidate & self.gold_cells[:, label][:, None])
        return jaccard_from_counts(inter, pred + candidate, self.n_gold).mean(axis=0)
