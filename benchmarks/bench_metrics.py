"""Speed of hf_emotion's multi-label metrics against scikit-learn, side by side in one run.

    python benchmarks/bench_metrics.py [--rows 200000] [--labels 28] [--density 0.1] [--repeats 3]

Random gold (each cell positive with probability --density) and uniform random scores.
Prints the time of all multilabel metrics in one call (target: under 2 s for 200,000 x 28
on 2 cores) and, per metric, the best-of-repeats time of ours and of scikit-learn's
counterpart with the ratio ours / sklearn (target: <= 1 for every row). Each pair of
results is also checked for equality, so a fast wrong answer cannot pass.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import numpy as np
import sklearn
from sklearn import metrics as sk

from hf_emotion.evaluation import (
    coverage_error,
    label_ranking_average_precision,
    macro_average_precision,
    multilabel_metrics,
    one_error,
    ranking_loss,
)


def best_time(function, repeats: int, budget_s: float = 10.0):
    """(best wall time over up to `repeats` calls, stopping once `budget_s` is spent; last result)."""
    best, result, spent = float("inf"), None, 0.0
    for _ in range(repeats):
        start = time.perf_counter()
        result = function()
        elapsed = time.perf_counter() - start
        best, spent = min(best, elapsed), spent + elapsed
        if spent > budget_s:
            break
    return best, result


def comparisons(gold, scores, predicted):
    """(name, our function -> value, sklearn function -> value or None)."""
    def sklearn_quietly(function, *args, **kwargs):
        def call():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return function(*args, **kwargs)

        return call

    def ours_classification(key):
        # One call computes every example- and label-based metric; timed whole against each sklearn metric.
        return lambda: multilabel_metrics(gold, y_pred=predicted)[key]

    prf = sk.precision_recall_fscore_support
    return [
        ("hamming_loss", ours_classification("hamming_loss"), sklearn_quietly(sk.hamming_loss, gold, predicted)),
        ("subset_accuracy", ours_classification("subset_accuracy"), sklearn_quietly(sk.accuracy_score, gold, predicted)),
        (
            "jaccard (samples)",
            ours_classification("jaccard"),
            sklearn_quietly(sk.jaccard_score, gold, predicted, average="samples", zero_division=1.0),
        ),
        (
            "example_f1 (samples)",
            ours_classification("example_f1"),
            sklearn_quietly(sk.f1_score, gold, predicted, average="samples", zero_division=1.0),
        ),
        ("micro_f1", ours_classification("micro_f1"), sklearn_quietly(sk.f1_score, gold, predicted, average="micro")),
        ("macro_f1", ours_classification("macro_f1"), sklearn_quietly(sk.f1_score, gold, predicted, average="macro")),
        (
            "weighted_f1",
            ours_classification("weighted_f1"),
            sklearn_quietly(sk.f1_score, gold, predicted, average="weighted"),
        ),
        (
            "per-label P/R/F1",
            lambda: multilabel_metrics(gold, y_pred=predicted, per_label=True)["per_label"]["f1"][0],
            lambda: sklearn_quietly(prf, gold, predicted, average=None)()[2][0],
        ),
        ("ranking_loss", lambda: ranking_loss(gold, scores), sklearn_quietly(sk.label_ranking_loss, gold, scores)),
        ("coverage_error", lambda: coverage_error(gold, scores), sklearn_quietly(sk.coverage_error, gold, scores)),
        (
            "lrap (example AP)",
            lambda: label_ranking_average_precision(gold, scores),
            sklearn_quietly(sk.label_ranking_average_precision_score, gold, scores),
        ),
        (
            "macro_ap (label AP)",
            lambda: macro_average_precision(gold, scores),
            sklearn_quietly(sk.average_precision_score, gold, scores, average="macro"),
        ),
        ("one_error", lambda: one_error(gold, scores), None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--labels", type=int, default=28)
    parser.add_argument("--density", type=float, default=0.1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    rng = np.random.default_rng(args.seed)
    gold = rng.random((args.rows, args.labels)) < args.density
    scores = rng.random((args.rows, args.labels))
    predicted = scores >= 0.5
    print(
        f"{args.rows} x {args.labels}, gold density {args.density}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}, numpy {np.__version__}, scikit-learn {sklearn.__version__}, "
        f"Python {platform.python_version()}"
    )
    total, _ = best_time(lambda: multilabel_metrics(gold, scores, per_label=True, cardinality=True), args.repeats)
    print(f"all multilabel metrics in one call (per_label, by_cardinality): {total:.3f} s (target < 2 s)\n")

    print("| metric | ours (s) | scikit-learn (s) | ours / sklearn |\n|---|---:|---:|---:|")
    for name, ours, theirs in comparisons(gold, scores, predicted):
        our_time, our_value = best_time(ours, args.repeats)
        if theirs is None:
            print(f"| {name} | {our_time:.3f} | (none) | |")
            continue
        their_time, their_value = best_time(theirs, args.repeats)
        if not np.isclose(our_value, their_value, rtol=0, atol=1e-9):
            raise SystemExit(f"{name}: ours {our_value!r} != sklearn {their_value!r}")
        print(f"| {name} | {our_time:.3f} | {their_time:.3f} | {our_time / their_time:.3f} |")


if __name__ == "__main__":
    main()
