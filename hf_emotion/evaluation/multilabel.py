"""Multi-label metrics (example-based, label-based, ranking) from one vectorised core.

Every formula lives here once; the `evaluate` module in metrics/multilabel, the Trainer's
`compute_metrics` and the benchmarks call these functions. Definitions:

* Decision rule: a label is predicted when its score is >= its threshold (a global float
  or one per label), or when it is among the row's `top_k` scores (ties: lower column first),
  or the caller gives the binary predictions.
* Example-based: Hamming loss; subset accuracy; Jaccard accuracy |y & p| / |y | p| as in
  the official SemEval-2018 E-c script (empty gold and empty prediction score 1);
  example-based F1 2|y & p| / (|y| + |p|) (empty/empty scores 1 as well).
* Label-based: micro/macro/weighted precision, recall and F1 as scikit-learn defines them;
  `zero_division` is the value of an undefined ratio (sklearn's `zero_division`).
* Ranking (Zhang and Zhou 2014, ties counted pessimistically as scikit-learn does):
  ranking loss, one-error (a tie at the top counts the share of tied labels that are not
  gold), coverage error (sklearn's `coverage_error`: Zhang and Zhou's coverage + 1),
  example-based average precision (= sklearn's LRAP) and label-based macro AP.
* Degenerate rows: gold rows with no positive (SemEval's ~3% "neutral" tweets) or no
  negative label have no meaningful ranking. `degenerate="sklearn"` scores them as
  scikit-learn does (LRAP 1, ranking loss 0, coverage error 0 for an empty row, one-error 0);
  `degenerate="exclude"` leaves them out of the four example-based ranking metrics (NaN if
  no row is left). For macro AP the same switch treats labels that are never positive:
  AP 0 as in sklearn, or left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ._validation import as_array, as_binary, check_finite, check_same_shape, safe_divide

DEGENERATE_MODES = ("sklearn", "exclude")
RANKING_METRICS = ("ranking_loss", "one_error", "coverage_error", "lrap")


# ----------------------------------------------------------------------------- inputs


def check_gold_and_scores(y_true, scores) -> tuple[np.ndarray, np.ndarray]:
    """Validated (bool gold, float64 scores) of the same (n, K) shape."""
    gold = as_binary(y_true, "y_true")
    values = check_finite(as_array(scores, "scores"), "scores")
    check_same_shape(gold, "y_true", values, "scores")
    return gold, values


def decide(scores, *, threshold: float | Sequence[float] | None = None, top_k: int | None = None) -> np.ndarray:
    """Binary predictions from scores: `score >= threshold` (global or per label) or the row's top k."""
    values = check_finite(as_array(scores, "scores"), "scores")
    if (threshold is None) == (top_k is None):
        raise ValueError("decide needs exactly one decision rule: threshold=... or top_k=...")
    n_labels = values.shape[1]
    if top_k is not None:
        if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or not 1 <= top_k <= n_labels:
            raise ValueError(f"top_k must be an integer between 1 and {n_labels} (the number of labels), got {top_k!r}")
        chosen = np.argsort(-values, axis=1, kind="stable")[:, :top_k]
        predicted = np.zeros(values.shape, dtype=bool)
        np.put_along_axis(predicted, chosen, True, axis=1)
        return predicted
    return values >= _thresholds(threshold, n_labels)


def _thresholds(threshold, n_labels: int) -> np.ndarray:
    cut = np.asarray(threshold, dtype=np.float64)
    if cut.ndim == 1 and cut.shape[0] != n_labels:
        raise ValueError(f"threshold has {cut.shape[0]} values but scores have {n_labels} labels (columns)")
    if cut.ndim > 1:
        raise ValueError(f"threshold must be a float or a list of {n_labels} floats, got shape {cut.shape}")
    return check_finite(cut.reshape(-1), "threshold")


def _check_degenerate(degenerate: str) -> None:
    if degenerate not in DEGENERATE_MODES:
        raise ValueError(f"degenerate must be one of {DEGENERATE_MODES}, got {degenerate!r}")


# ----------------------------------------------------------------------------- shared formulas


def f1_from_counts(tp, n_pred, n_gold, zero_division: float = 0.0):
    """F1 = 2 TP / (|predicted| + |gold|); the one F1 formula (label-based, example-based, tuning)."""
    return safe_divide(2 * np.asarray(tp), np.asarray(n_pred) + np.asarray(n_gold), zero_division)


def jaccard_from_counts(intersection, n_pred, n_gold):
    """|y & p| / |y | p| per row, 1 when both are empty (the SemEval-2018 E-c definition)."""
    intersection = np.asarray(intersection)
    return safe_divide(intersection, np.asarray(n_pred) + np.asarray(n_gold) - intersection, 1.0)


@dataclass(frozen=True)
class _Counts:
    """Confusion counts computed once per call, per row and per label."""

    row_inter: np.ndarray
    row_pred: np.ndarray
    row_gold: np.ndarray
    label_tp: np.ndarray
    label_pred: np.ndarray
    label_gold: np.ndarray

    @classmethod
    def of(cls, gold: np.ndarray, predicted: np.ndarray) -> _Counts:
        both = gold & predicted
        return cls(
            np.count_nonzero(both, axis=1),
            np.count_nonzero(predicted, axis=1),
            np.count_nonzero(gold, axis=1),
            np.count_nonzero(both, axis=0),
            np.count_nonzero(predicted, axis=0),
            np.count_nonzero(gold, axis=0),
        )

    def example_based(self) -> dict[str, float]:
        n_rows, n_cells = self.row_gold.size, self.row_gold.size * self.label_gold.size
        errors = self.row_pred + self.row_gold - 2 * self.row_inter
        return {
            "hamming_loss": float(errors.sum() / n_cells),
            "subset_accuracy": float(np.count_nonzero(errors == 0) / n_rows),
            "jaccard": float(jaccard_from_counts(self.row_inter, self.row_pred, self.row_gold).mean()),
            "example_f1": float(f1_from_counts(self.row_inter, self.row_pred, self.row_gold, 1.0).mean()),
        }

    def per_label(self, zero_division: float) -> dict[str, np.ndarray]:
        return {
            "precision": safe_divide(self.label_tp, self.label_pred, zero_division),
            "recall": safe_divide(self.label_tp, self.label_gold, zero_division),
            "f1": f1_from_counts(self.label_tp, self.label_pred, self.label_gold, zero_division),
        }

    def label_based(self, zero_division: float) -> dict[str, float]:
        tp, n_pred, n_gold = self.label_tp.sum(), self.label_pred.sum(), self.label_gold.sum()
        results = {
            "micro_precision": float(safe_divide(tp, n_pred, zero_division)),
            "micro_recall": float(safe_divide(tp, n_gold, zero_division)),
            "micro_f1": float(f1_from_counts(tp, n_pred, n_gold, zero_division)),
        }
        # Weighted by gold support; with no gold positive at all, the plain mean (as scikit-learn).
        weights = self.label_gold if self.label_gold.any() else None
        for name, values in self.per_label(zero_division).items():
            results[f"macro_{name}"] = float(values.mean())
            results[f"weighted_{name}"] = float(np.average(values, weights=weights))
        return results


# ----------------------------------------------------------------------------- ranking


class _Ranking:
    """Per-row ranking metrics of one (gold, scores) pair; shared counts are computed at most once.

    Ranking loss and LRAP need, for each gold label j of a row, how many labels and how
    many gold labels score at least s_j (ties count against the prediction, as in
    scikit-learn). Each label column is compared, in one vector pass, with the score of
    every gold label of the same row: O(#gold x K) work and no per-row sort (numpy is slow
    along short rows).
    One-error and coverage error need only row maxima/minima.
    """

    def __init__(self, gold: np.ndarray, scores: np.ndarray):
        self.gold, self.scores = gold, scores
        self.n_gold = np.count_nonzero(gold, axis=1)

    @cached_property
    def by_label(self) -> tuple[np.ndarray, np.ndarray]:
        """(scores, gold) label-major, (K, n) contiguous: one column per label for the per-label passes."""
        return _label_major(self.scores), _label_major(self.gold)

    @cached_property
    def _gold_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, at_least, gold_at_least) for every gold label, in row-major order."""
        rows, columns = np.nonzero(self.gold)
        gold_score = self.scores[rows, columns]
        at_least = np.zeros(rows.size, dtype=np.int32)
        gold_at_least = np.zeros(rows.size, dtype=np.int32)
        for label_scores, label_gold in zip(*self.by_label):
            higher = label_scores[rows] >= gold_score
            at_least += higher
            gold_at_least += higher & label_gold[rows]
        return rows, at_least, gold_at_least

    def _per_row_sum(self, values: np.ndarray) -> np.ndarray:
        rows = self._gold_counts[0]
        return np.bincount(rows, weights=values, minlength=self.n_gold.size)

    def degenerate(self) -> np.ndarray:
        return (self.n_gold == 0) | (self.n_gold == self.gold.shape[1])

    def ranking_loss(self) -> np.ndarray:
        _, at_least, gold_at_least = self._gold_counts
        wrong_pairs = self._per_row_sum(at_least - gold_at_least)
        return safe_divide(wrong_pairs, self.n_gold * (self.gold.shape[1] - self.n_gold), 0.0)

    def lrap(self) -> np.ndarray:
        _, at_least, gold_at_least = self._gold_counts
        return safe_divide(self._per_row_sum(gold_at_least / at_least), self.n_gold, 1.0)

    def one_error(self) -> np.ndarray:
        """Share of the top-scored (tied) labels that are not gold; 0 for a row without gold."""
        top = self.scores == self.scores.max(axis=1, keepdims=True)
        top_gold = np.count_nonzero(top & self.gold, axis=1)
        return np.where(self.n_gold == 0, 0.0, 1.0 - top_gold / np.count_nonzero(top, axis=1))

    def coverage_error(self) -> np.ndarray:
        """Labels scoring at least the lowest-scored gold label; 0 for a row without gold."""
        lowest_gold = np.where(self.gold, self.scores, np.inf).min(axis=1, keepdims=True)
        return np.count_nonzero(self.scores >= lowest_gold, axis=1).astype(np.float64)

    def summary(self, degenerate: str, names: Sequence[str] = RANKING_METRICS) -> dict[str, float]:
        """Mean of each named per-row metric over the rows that `degenerate` keeps (NaN if none)."""
        keep = ~self.degenerate() if degenerate == "exclude" else np.ones(self.n_gold.shape, dtype=bool)
        if not keep.any():
            return {name: float("nan") for name in names}
        return {name: float(getattr(self, name)()[keep].mean()) for name in names}


def _label_major(array: np.ndarray, block: int = 4096) -> np.ndarray:
    """(n, K) -> contiguous (K, n), copied in row blocks (a one-shot copy of a tall transpose is cache-hostile)."""
    out = np.empty(array.shape[::-1], dtype=array.dtype)
    for start in range(0, array.shape[0], block):
        out[:, start : start + block] = array[start : start + block].T
    return out


def _label_average_precision(scores_by_label: np.ndarray, gold_by_label: np.ndarray) -> np.ndarray:
    """AP of each label (sklearn's step-wise average_precision_score); NaN for a label never positive.

    AP_k = mean over gold positives j of precision at score s_j, ties counted together;
    one sort of the column and one of its positives give both counts by binary search.
    Inputs are label-major (K, n).
    """
    n_rows = scores_by_label.shape[1]
    ap = np.full(scores_by_label.shape[0], np.nan)
    for k, (column, is_gold) in enumerate(zip(scores_by_label, gold_by_label)):
        positives = np.sort(column[is_gold])
        if positives.size == 0:
            continue
        at_least = n_rows - np.searchsorted(np.sort(column), positives, side="left")
        gold_at_least = positives.size - np.searchsorted(positives, positives, side="left")
        ap[k] = float(np.mean(gold_at_least / at_least))
    return ap


def _macro_ap(label_ap: np.ndarray, degenerate: str) -> float:
    if degenerate == "sklearn":
        return float(np.nan_to_num(label_ap, nan=0.0).mean())
    return float(np.nanmean(label_ap)) if not np.isnan(label_ap).all() else float("nan")


# ----------------------------------------------------------------------------- by cardinality


def _by_cardinality(counts: _Counts, cap: int | None, zero_division: float) -> dict[str, dict[str, float]]:
    """Metrics of the rows grouped by their number of gold labels (LEM Table 4); `cap` merges >= cap."""
    if cap is not None and (isinstance(cap, bool) or not isinstance(cap, (int, np.integer)) or cap < 1):
        raise ValueError(f"cardinality_cap must be a positive integer or None, got {cap!r}")
    groups = counts.row_gold if cap is None else np.minimum(counts.row_gold, cap)
    n_groups = int(groups.max()) + 1

    def mean(values):
        return np.bincount(groups, weights=values, minlength=n_groups) / np.maximum(rows, 1)

    rows = np.bincount(groups, minlength=n_groups)
    errors = counts.row_pred + counts.row_gold - 2 * counts.row_inter
    inter, pred, gold = mean(counts.row_inter), mean(counts.row_pred), mean(counts.row_gold)
    table = {
        "micro_f1": f1_from_counts(inter, pred, gold, zero_division),
        "jaccard": mean(jaccard_from_counts(counts.row_inter, counts.row_pred, counts.row_gold)),
        "example_f1": mean(f1_from_counts(counts.row_inter, counts.row_pred, counts.row_gold, 1.0)),
        "hamming_loss": mean(errors) / counts.label_gold.size,
        "subset_accuracy": mean(errors == 0),
    }
    return {
        (f"{group}+" if group == cap else str(group)): {
            "rows": float(rows[group]),
            **{name: float(values[group]) for name, values in table.items()},
        }
        for group in np.flatnonzero(rows)
    }


# ----------------------------------------------------------------------------- public API


def multilabel_metrics(
    y_true,
    scores=None,
    *,
    y_pred=None,
    threshold: float | Sequence[float] | None = None,
    top_k: int | None = None,
    degenerate: str = "sklearn",
    zero_division: float = 0.0,
    per_label: bool = False,
    cardinality: bool = False,
    cardinality_cap: int | None = None,
    label_names: Sequence[str] | None = None,
) -> dict:
    """All multi-label metrics in one pass.

    y_true: gold indicators (n, K). scores: per-label scores (n, K), needed for the ranking
    metrics. Decision rule: `y_pred` (given binary predictions), else `top_k`, else
    `threshold` (float or K floats; 0.5 when nothing is given). Returns flat floats, plus
    "per_label" (lists, K entries) and "by_cardinality" (dict per number of gold labels)
    when asked. See the module docstring for the definitions.
    """
    _check_degenerate(degenerate)
    if scores is None and y_pred is None:
        raise ValueError("multilabel_metrics needs scores, y_pred, or both")
    if y_pred is not None and (threshold is not None or top_k is not None):
        raise ValueError("give either y_pred (binary predictions) or a threshold/top_k rule, not both")
    if scores is not None:
        gold, values = check_gold_and_scores(y_true, scores)
    else:
        gold, values = as_binary(y_true, "y_true"), None
    if y_pred is not None:
        predicted = as_binary(y_pred, "y_pred")
        check_same_shape(gold, "y_true", predicted, "y_pred")
    else:
        predicted = decide(values, threshold=0.5 if threshold is None and top_k is None else threshold, top_k=top_k)
    names = _label_names(label_names, gold.shape[1])

    counts = _Counts.of(gold, predicted)
    results: dict = {**counts.example_based(), **counts.label_based(zero_division)}
    label_ap = None
    if values is not None:
        ranks = _Ranking(gold, values)
        label_ap = _label_average_precision(*ranks.by_label)
        results.update(ranks.summary(degenerate))
        results["macro_ap"] = _macro_ap(label_ap, degenerate)
        results["degenerate_rows"] = float(np.count_nonzero(ranks.degenerate()))
    if per_label:
        table = {name: values.tolist() for name, values in counts.per_label(zero_division).items()}
        table["support"] = counts.label_gold.tolist()
        if label_ap is not None:
            table["average_precision"] = label_ap.tolist()
        results["per_label"] = {"label": names, **table}
    if cardinality:
        results["by_cardinality"] = _by_cardinality(counts, cardinality_cap, zero_division)
    return results


def _label_names(label_names, n_labels: int) -> list[str]:
    if label_names is None:
        return [str(k) for k in range(n_labels)]
    names = [str(name) for name in label_names]
    if len(names) != n_labels:
        raise ValueError(f"label_names has {len(names)} names but the data have {n_labels} labels (columns)")
    return names


def _ranking_metric(name: str):
    def metric(y_true, scores, *, degenerate: str = "sklearn") -> float:
        _check_degenerate(degenerate)
        gold, values = check_gold_and_scores(y_true, scores)
        return _Ranking(gold, values).summary(degenerate, (name,))[name]

    metric.__name__ = name
    metric.__doc__ = f"{name} of `scores` against gold indicators (see the module docstring for ties and degenerate rows)."
    return metric


ranking_loss = _ranking_metric("ranking_loss")
one_error = _ranking_metric("one_error")
coverage_error = _ranking_metric("coverage_error")
label_ranking_average_precision = _ranking_metric("lrap")


def macro_average_precision(y_true, scores, *, degenerate: str = "sklearn") -> float:
    """Label-based mean AP (macro AP); labels never positive count 0 ("sklearn") or are left out ("exclude")."""
    _check_degenerate(degenerate)
    gold, values = check_gold_and_scores(y_true, scores)
    return _macro_ap(_label_average_precision(_label_major(values), _label_major(gold)), degenerate)
