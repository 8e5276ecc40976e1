"""Dialogue batches for the stock Trainer: turn a dialogue-level dataset into MultiEMO inputs and pad them.

A dialogue example holds one list per field (utterance features, speakers, labels); the collator
pads every dialogue of a batch to the longest one, with `attention_mask` marking real turns and
label -100 on padding, which is what `MultiEmoForConversationClassification` expects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from ..pipelines.conversation import speaker_indices

MODALITY_COLUMNS = ("text_features", "audio_features", "visual_features")


def prepare_dialogues(dataset, speaker_column: str = "speakers", label_column: str | None = "emotions"):
    """Keep the model's input columns (`*_features`, `speaker_ids`, `labels`) of a dialogue dataset,
    plus `length` (turns) for `TrainingArguments(train_sampling_strategy="group_by_length",
    remove_unused_columns=False)`; the collator ignores it."""
    features = [c for c in MODALITY_COLUMNS if c in dataset.column_names]
    if not features:
        raise ValueError(f"prepare_dialogues: the dataset has none of {MODALITY_COLUMNS} (columns: {dataset.column_names})")
    for column in (speaker_column, label_column):
        if column is not None and column not in dataset.column_names:
            raise ValueError(f"prepare_dialogues: column {column!r} not in the dataset (columns: {dataset.column_names})")

    def convert(example):
        out = {"speaker_ids": speaker_indices(example[speaker_column]), "length": len(example[speaker_column])}
        if label_column is not None:
            out["labels"] = example[label_column]
        return out

    return dataset.map(convert, remove_columns=[c for c in dataset.column_names if c not in features])

@dataclass
class DialogueCollator:
    """Pads dialogues to the longest of the batch: features (B, T, D), speaker_ids and
    attention_mask (B, T), labels (B, T) with -100 on padding. Checks that every modality has
    one vector per turn and names the dialogue and modality when not."""

    label_pad_id: int = -100

    def __call__(self, examples: list[dict]) -> dict[str, torch.Tensor]:
        lengths = [len(ex["speaker_ids"]) for ex in examples]
        if min(lengths) == 0:
            raise ValueError(f"dialogue {lengths.index(0)} of the batch has no turns")
        batch_size, steps = len(examples), max(lengths)
        mask = torch.zeros(batch_size, steps, dtype=torch.long)
        speakers = torch.zeros(batch_size, steps, dtype=torch.long)
        for i, (ex, n) in enumerate(zip(examples, lengths)):
            mask[i, :n] = 1
            speakers[i, :n] = torch.as_tensor(ex["speaker_ids"])
        batch = {"speaker_ids": speakers, "attention_mask": mask}
        for column in MODALITY_COLUMNS:
            if column not in examples[0]:
                continue
            arrays = [np.asarray(ex[column], dtype=np.float32) for ex in examples]
            for i, (array, n) in enumerate(zip(arrays, lengths)):
                if array.ndim != 2 or array.shape[0] != n:
                    raise ValueError(f"dialogue {i} of the batch: {column} has shape {array.shape}, expected ({n}, dim)")
            out = torch.zeros(batch_size, steps, arrays[0].shape[1])
            for i, array in enumerate(arrays):
                out[i, : len(array)] = torch.from_numpy(array)
            batch[column] = out
        if "labels" in examples[0]:
            labels = torch.full((batch_size, steps), self.label_pad_id, dtype=torch.long)
            for i, ex in enumerate(examples):
                labels[i, : len(ex["labels"])] = torch.as_tensor(ex["labels"])
            batch["labels"] = labels
        return batch



def build_conversation_compute_metrics(label_names: Sequence[str]):
    """`Trainer(compute_metrics=...)` for per-turn predictions: the padded (B, T, C) logits and
    (B, T) labels (-100 on padding) go straight to hf_emotion.evaluation.erc_metrics."""
    from hf_emotion.evaluation import erc_metrics

    def compute_metrics(eval_prediction) -> dict[str, float]:
        logits = eval_prediction.predictions
        logits = logits[0] if isinstance(logits, (tuple, list)) else logits
        results = erc_metrics(eval_prediction.label_ids, logits, label_names=list(label_names))
        return {k: v for k, v in results.items() if isinstance(v, float)}

    return compute_metrics
