"""Distances between gold and predicted emotion distributions (label distribution learning).

LEM Table 5 compares its latent distribution Z with the normalised Ren-CECps intensities
by Euclidean, squared chi-square and KL; Chebyshev, cosine and intersection complete the
usual set (Geng 2016). Each is computed per row and averaged. With p the gold and q the
predicted distribution of a row:

* euclidean sqrt(sum (p - q)^2), chebyshev max |p - q| (lower is better);
* squared_chi2 sum (p - q)^2 / (p + q), terms with p + q = 0 counted 0 (lower is better);
* kl KL(p || q) = sum p log(p / q), 0 log 0 = 0, inf where q = 0 < p (lower is better);
* cosine sum p q / (|p| |q|), intersection sum min(p, q) (higher is better).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_array, check_finite, check_same_shape, refuse_where, safe_divide

DISTRIBUTION_METRICS = ("euclidean", "squared_chi2", "kl", "chebyshev", "cosine", "intersection")


def distribution_metrics(y_true, y_pred, *, normalize: bool = False, atol: float = 1e-6) -> dict[str, float]:
    """Mean of each distance/similarity over rows; rows must sum to 1 (within atol) unless `normalize`."""
    gold = _distributions(y_true, "y_true", normalize, atol)
    predicted = _distributions(y_pred, "y_pred", normalize, atol)
    check_same_shape(gold, "y_true", predicted, "y_pred")
    difference = gold - predicted
    kl_terms = np.zeros_like(gold)
    supported = gold > 0  # 0 log 0 = 0
    with np.errstate(divide="ignore"):  # q = 0 < p gives +inf, as it should
        kl_terms[supported] = gold[supported] * (np.log(gold[supported]) - np.log(predicted[supported]))
    per_row = {
        "euclidean": np.sqrt(np.square(difference).sum(axis=1)),
        "squared_chi2": safe_divide(np.square(difference), gold + predicted, 0.0).sum(axis=1),
        "kl": kl_terms.sum(axis=1),
        "chebyshev": np.abs(difference).max(axis=1),
        "cosine": (gold * predicted).sum(axis=1) / np.sqrt(np.square(gold).sum(axis=1) * np.square(predicted).sum(axis=1)),
        "intersection": np.minimum(gold, predicted).sum(axis=1),
    }
    return {name: float(values.mean()) for name, values in per_row.items()}


def _distributions(values, name: str, normalize: bool, atol: float) -> np.ndarray:
    array = check_finite(as_array(values, name), name)
    refuse_where(array < 0, array, f"{name} must be non-negative")
    totals = array.sum(axis=1)
    if normalize:
        empty = totals == 0
        if empty.any():
            raise ValueError(f"{name} cannot be normalised: row {np.flatnonzero(empty)[0]} sums to 0")
        return array / totals[:, None]
    off = np.abs(totals - 1) > atol
    if off.any():
        raise ValueError(
            f"{name} rows must sum to 1 (or pass normalize=True): row {np.flatnonzero(off)[0]} sums to {totals[off][0]}"
        )
    return array
