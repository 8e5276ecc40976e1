"""Input checks shared by every metric: each bad input is a ValueError naming the argument and the place."""

from __future__ import annotations

import numpy as np


def position(mask: np.ndarray) -> str:
    """Human-readable place of the first True in `mask` ("row 3, column 5")."""
    index = tuple(int(i) for i in np.argwhere(mask)[0])
    if len(index) == 1:
        return f"position {index[0]}"
    if len(index) == 2:
        return f"row {index[0]}, column {index[1]}"
    return f"index {index}"


def as_array(values, name: str, *, ndim: int = 2, dtype=np.float64) -> np.ndarray:
    """`values` as a non-empty array of `ndim` dimensions; ragged or non-numeric input is refused here."""
    try:
        array = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be a rectangular numeric array: {error}") from None
    if array.ndim != ndim:
        expected = "(n_samples, n_labels)" if ndim == 2 else f"{ndim} dimensions"
        raise ValueError(f"{name} must have shape {expected}, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} is empty (shape {array.shape}): nothing to evaluate")
    return array


def refuse_where(bad: np.ndarray, values: np.ndarray, message: str) -> None:
    """Raise `message` with the first offending value and its place when any of `bad` is set."""
    if bad.any():
        raise ValueError(f"{message}: found {values[bad][0]} at {position(bad)}")


def check_finite(array: np.ndarray, name: str) -> np.ndarray:
    refuse_where(~np.isfinite(array), array, f"{name} must be finite")
    return array


def as_binary(values, name: str) -> np.ndarray:
    """Gold indicator matrix as bool; anything but 0/1 (including NaN) is refused with its place."""
    array = as_array(values, name, dtype=None)
    if array.dtype == bool:
        return array
    array = as_array(array, name)
    refuse_where((array != 0) & (array != 1), array, f"{name} must be binary (0/1)")
    return array == 1


def check_same_shape(a: np.ndarray, a_name: str, b: np.ndarray, b_name: str) -> None:
    if a.shape != b.shape:
        raise ValueError(f"shape mismatch: {a_name} has shape {a.shape} but {b_name} has shape {b.shape}")


def safe_divide(numerator, denominator, zero_division: float):
    """numerator / denominator, with `zero_division` where the denominator is 0 (the metric is undefined)."""
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast(numerator, denominator).shape, float(zero_division))
    np.divide(numerator, denominator, out=out, where=denominator != 0)
    return out
