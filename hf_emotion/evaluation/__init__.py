"""The one functional core of hf_emotion's metrics.

The `evaluate` modules in metrics/, the Trainer's compute_metrics and the benchmarks all
call these functions, so each formula and each decision rule is defined once.
"""

from .distribution import DISTRIBUTION_METRICS, distribution_metrics
from .erc import erc_metrics
from .multilabel import (
    DEGENERATE_MODES,
    coverage_error,
    decide,
    label_ranking_average_precision,
    macro_average_precision,
    multilabel_metrics,
    one_error,
    ranking_loss,
)
from .thresholds import DEFAULT_GRID, TunedThresholds, tune_thresholds
from .trainer_metrics import build_compute_metrics

__all__ = [
    "DEFAULT_GRID",
    "DEGENERATE_MODES",
    "DISTRIBUTION_METRICS",
    "TunedThresholds",
    "build_compute_metrics",
    "coverage_error",
    "decide",
    "distribution_metrics",
    "erc_metrics",
    "label_ranking_average_precision",
    "macro_average_precision",
    "multilabel_metrics",
    "one_error",
    "ranking_loss",
    "tune_thresholds",
]
