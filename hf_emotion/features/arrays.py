"""User-supplied per-utterance feature arrays (the pickles the ERC literature passes around), used as-is."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def attach_features(dataset, features: Mapping, column: str, id_column: str = "dialogue_id", length_column: str = "utterances"):
    """Add `column` (one vector per utterance) to a dialogue-level dataset from a mapping
    dialogue id -> (turns, dim) array, e.g. the `videoAudio` dict of an ERC pickle.

    Every dialogue must be in the mapping with one vector per turn and the same dim throughout;
    otherwise a ValueError names the dialogue.
    """
    if column not in ("text_features", "audio_features", "visual_features"):
        raise ValueError(f"attach_features: column must be text_features, audio_features or visual_features, got {column!r}")
    for name in (id_column, length_column):
        if name not in dataset.column_names:
            raise ValueError(f"attach_features: column {name!r} not in the dataset (columns: {dataset.column_names})")
    keys = {str(k): k for k in features}
    dims = set()

    def add(example):
        dialogue = str(example[id_column])
        if dialogue not in keys:
            raise ValueError(f"attach_features({column}): no features for dialogue {dialogue!r}")
        array = np.asarray(features[keys[dialogue]], dtype=np.float32)
        turns = len(example[length_column])
        if array.ndim != 2 or array.shape[0] != turns:
            raise ValueError(f"attach_features({column}): dialogue {dialogue!r} has {turns} turns but features of shape {array.shape}")
        dims.add(array.shape[1])
        if len(dims) > 1:
            raise ValueError(f"attach_features({column}): dialogue {dialogue!r} has dim {array.shape[1]}, others {sorted(dims)}")
        return {column: array}

    return dataset.map(add, desc=f"attach {column}")
