"""`Trainer(compute_metrics=...)` for the multi-label models, driven by the model config.

The models return ModelOutput(loss, logits, scores, ...); the Trainer drops the loss, so
`EvalPrediction.predictions` is the tuple (logits, scores, ...) and the scores are element
`scores_index` (default 1). The config's `thresholds` are read at every call, so thresholds
tuned during training are the ones evaluated.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._validation import as_array, refuse_where
from .multilabel import multilabel_metrics


def build_compute_metrics(
    config, *, scores_index: int = 1, degenerate: str = "sklearn"
) -> Callable[[object], dict[str, float]]:
    """A compute_metrics function: flat float metrics of the scores under the config's decision rule.

    config: a multi-label config with `num_labels` and optionally `thresholds` (K floats;
    0.5 for every label when absent or None). A predictions array that is not a tuple is
    taken as the scores themselves.
    """
    n_labels = int(config.num_labels)

    def compute_metrics(eval_prediction) -> dict[str, float]:
        scores = _select_scores(eval_prediction.predictions, scores_index, n_labels)
        thresholds = getattr(config, "thresholds", None)
        threshold = [0.5] * n_labels if thresholds is None else list(thresholds)
        if len(threshold) != n_labels:
            raise ValueError(f"config.thresholds has {len(threshold)} values but config.num_labels is {n_labels}")
        results = multilabel_metrics(eval_prediction.label_ids, scores, threshold=threshold, degenerate=degenerate)
        return {name: float(value) for name, value in results.items()}

    return compute_metrics


def _select_scores(predictions, scores_index: int, n_labels: int) -> np.ndarray:
    """The (n, K) probability scores out of the Trainer's predictions, checked so logits are not taken by mistake."""
    if isinstance(predictions, (tuple, list)):
        if not -len(predictions) <= scores_index < len(predictions):
            raise ValueError(
                f"scores_index={scores_index} but predictions has {len(predictions)} elements; "
                "pass the index of the model's `scores` output"
            )
        name = f"predictions[{scores_index}]"
        scores = as_array(predictions[scores_index], name)
    else:
        name = "predictions"
        scores = as_array(predictions, name)
    if scores.shape[1] != n_labels:
        raise ValueError(f"{name} has shape {scores.shape} but config.num_labels is {n_labels}: expected (n, {n_labels})")
    outside = (scores < 0) | (scores > 1)
    refuse_where(outside, scores, f"{name} must be probabilities in [0, 1] (the model's `scores`, not its logits)")
    return scores
