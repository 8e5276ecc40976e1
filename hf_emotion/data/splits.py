"""Seeded, label-stratified splits for corpora that ship without one (user files, Ren-CECps)."""

from __future__ import annotations

import random
from collections.abc import Sequence

SPLIT_NAMES = ("train", "validation", "test")


def stratified_split(
    label_sets: Sequence[Sequence[int]], fractions: Sequence[float], seed: int = 0
) -> list[int]:
    """Assign each item to a split so every label keeps roughly the same share in each split.

    Greedy iterative stratification: items are visited rarest label first (ties in a
    seeded random order) and each goes to the split that most lacks that label, then the
    split that most lacks items. Split sizes are exact (`round(fraction * n)`, the
    remainder to the first split). Returns the split index of each item.
    """
    if not fractions or any(f < 0 for f in fractions) or abs(sum(fractions) - 1.0) > 1e-6:
        raise ValueError(f"split fractions must be non-negative and sum to 1, got {list(fractions)}")
    n = len(label_sets)
    sizes = [round(f * n) for f in fractions]
    sizes[0] += n - sum(sizes)

    label_totals: dict[int, int] = {}
    for labels in label_sets:
        for label in set(labels):
            label_totals[label] = label_totals.get(label, 0) + 1
    wanted = {label: [f * total for f in fractions] for label, total in label_totals.items()}
    room = list(sizes)

    rng = random.Random(seed)
    order = list(range(n))
    rng.shuffle(order)
    rarest = {i: min((label_totals[l] for l in label_sets[i]), default=n + 1) for i in order}
    order.sort(key=rarest.__getitem__)  # stable: keeps the seeded order within a rarity

    assignment = [0] * n
    for i in order:
        labels = set(label_sets[i])
        open_splits = [s for s in range(len(fractions)) if room[s] > 0]
        rare = min(labels, key=label_totals.__getitem__, default=None)

        def need(s: int) -> tuple[float, int]:
            return (wanted[rare][s] if rare is not None else 0.0, room[s])

        best = max(open_splits, key=need)
        assignment[i] = best
        room[best] -= 1
        for label in labels:
            wanted[label][best] -= 1
    return assignment
