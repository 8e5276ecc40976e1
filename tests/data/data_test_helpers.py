"""Helpers shared by the dataset tests (imported by name: tests/data is on sys.path under pytest)."""

from pathlib import Path


def write_lines(path: Path, lines, newline="\n") -> Path:
    """Write a small fixture file (our own made-up lines, never corpus text)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + newline for line in lines), encoding="utf-8")
    return path


def label_counts(split, column="labels"):
    """Per-label-name counts of a split's multi-label (or single-label) ClassLabel column."""
    feature = split.features[column]
    names = (feature.feature if hasattr(feature, "feature") else feature).names
    counts = dict.fromkeys(names, 0)
    for value in split[column]:
        for label in value if isinstance(value, list) else [value]:
            counts[names[label]] += 1
    return counts
