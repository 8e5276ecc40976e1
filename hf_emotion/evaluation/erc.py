"""Emotion recognition in conversations (one class per utterance): accuracy, F1s, confusion matrix.

Input is what an ERC model and the Trainer produce: padded conversation batches (labels
(B, T) with `ignore_index`, usually -100, on padding; predictions (B, T) class ids or
(B, T, C) scores) or lists of per-conversation sequences of different lengths. Macro-F1
averages the classes present in gold or predictions (scikit-learn's default), weighted-F1
weights each class by its gold support (MultiEMO's headline metric); precision, recall or
F1 of a class that is never predicted / never gold is 0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ._validation import as_array, refuse_where, safe_divide
from .multilabel import f1_from_counts


def erc_metrics(
    labels,
    predictions,
    *,
    num_classes: int | None = None,
    label_names: Sequence[str] | None = None,
    ignore_index: int = -100,
) -> dict:
    """accuracy, macro_f1, weighted_f1, per-class F1 and the confusion matrix (rows: gold, columns: predicted)."""
    gold, predicted = _flatten(labels, predictions)
    if gold.size == 0:
        raise ValueError(f"labels is empty (shape {gold.shape}): nothing to evaluate")
    has_scores = predicted.ndim == gold.ndim + 1
    if (predicted.shape[:-1] if has_scores else predicted.shape) != gold.shape:
        raise ValueError(
            f"shape mismatch: labels has shape {gold.shape} but predictions has shape {predicted.shape} "
            f"(expected {gold.shape} class ids or {gold.shape + ('C',)} scores)"
        )
    keep = gold != ignore_index
    if not keep.any():
        raise ValueError(f"labels has no utterance to evaluate: every label is ignore_index={ignore_index}")
    score_width = predicted.shape[-1] if has_scores else None
    if has_scores:
        refuse_where(~np.isfinite(predicted) & keep[..., None], predicted, "predictions (scores) must be finite")
        predicted = np.argmax(predicted, axis=-1)
    n_classes = _number_of_classes(num_classes, label_names, score_width, gold, predicted, keep)
    for name, ids in (("labels", gold), ("predictions", predicted)):
        not_id = (ids != np.round(ids)) | (ids < 0) | (ids >= n_classes)
        refuse_where(not_id & keep, ids, f"{name} must be class ids in [0, {n_classes}) or ignore_index={ignore_index}")
    gold, predicted = gold[keep].astype(np.int64), predicted[keep].astype(np.int64)
    confusion = np.bincount(gold * n_classes + predicted, minlength=n_classes**2).reshape(n_classes, n_classes)
    support, n_predicted, correct = confusion.sum(axis=1), confusion.sum(axis=0), np.diag(confusion)
    f1 = f1_from_counts(correct, n_predicted, support)
    present = (support + n_predicted) > 0
    names = [str(name) for name in label_names] if label_names is not None else [str(c) for c in range(n_classes)]
    return {
        "accuracy": float(correct.sum() / gold.size),
        "macro_f1": float(f1[present].mean()),
        "weighted_f1": float(safe_divide((f1 * support).sum(), support.sum(), 0.0)),
        "per_class_f1": dict(zip(names, f1.tolist())),
        "confusion_matrix": confusion.tolist(),
    }


def _flatten(labels, predictions) -> tuple[np.ndarray, np.ndarray]:
    """Padded arrays as they are; per-conversation lists of different lengths concatenated, checked pairwise."""
    try:
        return np.asarray(labels, dtype=np.float64), np.asarray(predictions, dtype=np.float64)
    except ValueError:
        pass  # ragged: one sequence per conversation
    if len(labels) != len(predictions):
        raise ValueError(f"labels has {len(labels)} conversations but predictions has {len(predictions)}")
    gold_parts, predicted_parts = [], []
    for index, (gold, predicted) in enumerate(zip(labels, predictions)):
        gold = as_array(gold, f"labels[{index}]", ndim=1)
        predicted = np.asarray(predicted, dtype=np.float64)
        if predicted.shape[:1] != gold.shape:
            raise ValueError(
                f"conversation {index}: labels has {gold.shape[0]} utterances but predictions has shape {predicted.shape}"
            )
        gold_parts.append(gold)
        predicted_parts.append(predicted)
    try:
        return np.concatenate(gold_parts), np.concatenate(predicted_parts)
    except ValueError as error:
        raise ValueError(f"predictions mix class ids and score vectors across conversations: {error}") from None


def _number_of_classes(num_classes, label_names, score_width, gold, predicted, keep) -> int:
    """The one number of classes that num_classes, label_names and the scores' width agree on, else inferred."""
    candidates = {
        "num_classes": num_classes,
        "label_names": None if label_names is None else len(label_names),
        "the last axis of predictions": score_width,
    }
    given = {source: value for source, value in candidates.items() if value is not None}
    if len(set(given.values())) > 1:
        raise ValueError(f"the number of classes disagrees: {given}")
    if given:
        return int(next(iter(given.values())))
    return int(max(np.nanmax(gold[keep]), np.nanmax(predicted[keep]))) + 1

