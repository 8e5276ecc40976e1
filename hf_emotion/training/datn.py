"""Training DATN the way the paper does: emotion (target) with help from sentiment (source).

`train_datn` builds one word-level vocabulary over the target and source training texts,
initialises the embeddings from pretrained vectors, alternates sentiment and emotion batches
(`GuardedInterleavedTrainer`; "base" trains on emotion alone with `GuardedTrainer`), keeps the epoch
whose dev Jaccard (at the threshold tuned on dev for that epoch) is best, tunes the final
threshold on dev and writes it into the config. The test split is never read here.
Training runs under the non-finite guard (guards.py; `DatnTrainingSetup.nonfinite_policy`), whose
reports name the bad batch's dataset (source or target) and its rows' positions in that dataset,
and an interrupted run resumes from its last checkpoint (`resume_from_checkpoint`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import datasets
import numpy as np
from datasets import DatasetDict
from transformers import DataCollatorWithPadding, EarlyStoppingCallback, set_seed

from .checkpoints import resume_point
from .guards import GuardedTrainer, check_policy, with_example_ids
from .interleaved import GuardedInterleavedTrainer
from .multilabel import (
    build_text_inputs,
    encode_multilabel,
    epoch_training_arguments,
    label_names,
    require_splits,
    save_record,
    set_embeddings,
    tune_and_save,
)
from .precision import device_arguments


@dataclass
class DatnTrainingSetup:
    """Everything `train_datn` takes besides the data; defaults follow the paper and its public code
    (Adam 1e-3, batch 60, dropout 0.5, lambda 0.05, hidden 200), with GloVe 6B 50d as the offline
    vectors (the paper used 300d GloVe, which is not available offline)."""

    variant: str = "datn2"
    loss_type: str = "kl"
    language: str = "en"
    vectors: str = "glove-6b-50d"
    max_length: int = 64
    min_frequency: int = 1
    epochs: int = 15
    patience: int | None = 4  # evaluations without dev improvement before stopping; None: run all epochs
    batch_size: int = 60
    learning_rate: float = 1e-3
    weight_decay: float = 0.0
    max_grad_norm: float = 5.0
    seed: int = 42
    source_splits: tuple[str, ...] = ("train", "validation")
    source_labels: tuple[str, ...] = ("negative", "neutral", "positive")
    source_batches: int = 1  # per round, with target_batches: the interleaving ratio
    target_batches: int = 1
    order: str = "source_first"
    selection_metric: str = "jaccard"
    threshold_mode: str = "global"
    threshold_metric: str = "jaccard"
    use_cpu: bool | None = None  # None: the CPU unless a GPU is there
    bf16: bool = False  # mixed precision: bf16 autocast (CPU or GPU); fp16 needs a GPU
    fp16: bool = False
    progress_bar: bool = False  # the Trainer's tqdm bar (the CLI turns it on)
    nonfinite_policy: str = "stop"  # on a NaN/inf loss: "stop" (raise) or "skip" (drop that update)
    config_overrides: dict = field(default_factory=dict)


@dataclass
class DatnTrainingResult:
    model: object
    tokenizer: object
    trainer: object
    dev_metrics: dict
    record: dict


def sentiment_label_ids(dataset: datasets.Dataset, source_labels, label_column: str = "label",
                        name: str = "source dataset") -> list[int]:
    """The rows' sentiment labels as ids into `source_labels`; labels outside it are refused by name."""
    if label_column not in dataset.features:
        raise ValueError(f"{name} has no column {label_column!r}; columns: {list(dataset.features)}")
    feature = dataset.features[label_column]
    values = list(dataset[label_column])
    if isinstance(feature, datasets.ClassLabel):
        values = [feature.names[v] for v in values]
    elif not (isinstance(feature, datasets.Value) and feature.dtype in ("string", "large_string")):
        raise ValueError(f"{name}: column {label_column!r} must be a ClassLabel or strings, got {feature}")
    unknown = sorted(set(values) - set(source_labels))
    if unknown:
        raise ValueError(
            f"{name} has sentiment labels {unknown} that the model does not know; "
            f"expected only {list(source_labels)}"
        )
    index = {name: i for i, name in enumerate(source_labels)}
    return [index[v] for v in values]


def encode_sentiment(dataset: datasets.Dataset, tokenizer, source_labels, *, text_column: str = "text",
                     label_column: str = "label", max_length: int | None = None,
                     name: str = "source dataset") -> datasets.Dataset:
    """Tokenized source-task rows with `sentiment_labels` ids (see `sentiment_label_ids`)."""
    ids = sentiment_label_ids(dataset, source_labels, label_column, name)
    encoded = tokenizer(list(dataset[text_column]), truncation=True, max_length=max_length)
    return datasets.Dataset.from_dict({**encoded, "sentiment_labels": ids})


def dev_tuned_compute_metrics(config, mode: str, metric: str):
    """compute_metrics for model selection: the dev metrics at the threshold tuned on that same dev
    prediction. The softmax-with-"none" scores sum to at most 1, so a fixed 0.5 would say nothing."""
    from hf_emotion.evaluation import build_compute_metrics, tune_thresholds

    def compute(eval_prediction):
        scores = np.asarray(eval_prediction.predictions[1])
        tuned = tune_thresholds(eval_prediction.label_ids, scores, mode=mode, metric=metric)
        rule = SimpleNamespace(num_labels=config.num_labels, thresholds=tuned.thresholds)
        return {**build_compute_metrics(rule)(eval_prediction), "threshold": float(np.mean(tuned.thresholds))}

    return compute


def train_datn(target: DatasetDict, source: DatasetDict | None, output_dir: str | Path,
               setup: DatnTrainingSetup | None = None, *, resume_from_checkpoint: str | bool | None = None,
               callbacks: list | None = None) -> DatnTrainingResult:
    """Train DATN on `target` (train/validation; text + Sequence(ClassLabel) labels) with `source`
    (sentiment; text + label; the splits in `setup.source_splits`) and save the dev-selected model,
    its tokenizer and `training_record.json` to `output_dir`. "base" needs no source.

    `resume_from_checkpoint` (a checkpoint folder under `output_dir/checkpoints`, or True for the
    newest one whose save finished) continues an interrupted run with the same data and setup: weights, optimizer, RNG,
    best epoch so far and the data position come from the checkpoint. Non-finite-loss reports give
    target ids as rows of `target["train"]` and source ids as rows of the source splits
    concatenated in `setup.source_splits` order."""
    from hf_emotion.models.datn import DatnConfig, DatnForSequenceClassification

    setup = setup or DatnTrainingSetup()
    check_policy(setup.nonfinite_policy)
    device_arguments(setup)  # an impossible device or precision is refused before the slow steps
    transfer = setup.variant != "base"
    require_splits(target, "train", "validation")
    if transfer:
        if source is None:
            raise ValueError(f"DATN variant {setup.variant!r} learns from a source (sentiment) dataset: pass one")
        require_splits(source, *setup.source_splits)
        for split in setup.source_splits:  # refuse unknown labels before the slow steps
            sentiment_label_ids(source[split], setup.source_labels, name=f"source split {split!r}")
    output_dir = Path(output_dir)
    resume_from_checkpoint = resume_point(resume_from_checkpoint, output_dir / "checkpoints")  # before the slow steps
    names = label_names(target)
    started = time.perf_counter()

    source_splits = setup.source_splits if transfer else ()
    texts = list(target["train"]["text"]) + [t for split in source_splits for t in source[split]["text"]]
    inputs = build_text_inputs(texts, language=setup.language, vectors=setup.vectors,
                               max_length=setup.max_length, min_frequency=setup.min_frequency)
    tokenizer = inputs.tokenizer
    config = DatnConfig(
        vocab_size=len(tokenizer),
        embedding_dim=inputs.embeddings.shape[1],
        variant=setup.variant,
        loss_type=setup.loss_type,
        source_labels=list(setup.source_labels),
        id2label=dict(enumerate(names)),
        label2id={name: i for i, name in enumerate(names)},
        pad_token_id=tokenizer.pad_token_id,
        **setup.config_overrides,
    )
    set_seed(setup.seed)
    model = DatnForSequenceClassification(config)
    set_embeddings(model, inputs.embeddings)

    encoded = encode_multilabel(target, tokenizer, len(names), max_length=setup.max_length)
    encoded["train"] = with_example_ids(encoded["train"])  # lets the non-finite guard name the rows
    args = epoch_training_arguments(
        setup,
        output_dir / "checkpoints",
        max_grad_norm=setup.max_grad_norm,
        save_total_limit=2,  # the best and the last (to resume from); with 1 the Trainer deletes the last at the end
        label_names=["labels"],  # sentiment_labels is a training-only input, never evaluated
        restore_callback_states_from_checkpoint=True,  # early stopping's count of stale epochs resumes too
    )
    common = dict(
        model=model,
        args=args,
        train_dataset=encoded["train"],
        eval_dataset=encoded["validation"],
        data_collator=DataCollatorWithPadding(tokenizer),
        processing_class=tokenizer,
        compute_metrics=dev_tuned_compute_metrics(config, setup.threshold_mode, setup.threshold_metric),
        callbacks=[*([EarlyStoppingCallback(setup.patience)] if setup.patience else []), *(callbacks or [])],
        nonfinite_policy=setup.nonfinite_policy,
    )
    if transfer:
        sentiment = with_example_ids(datasets.concatenate_datasets([
            encode_sentiment(source[split], tokenizer, setup.source_labels, max_length=setup.max_length,
                             name=f"source split {split!r}")
            for split in source_splits
        ]))
        trainer = GuardedInterleavedTrainer(**common, source_dataset=sentiment, source_batches=setup.source_batches,
                                            target_batches=setup.target_batches, order=setup.order)
    else:
        trainer = GuardedTrainer(**common)
    trainer.train(resume_from_checkpoint=resume_from_checkpoint)
    model = trainer.model.eval()
    train_seconds = time.perf_counter() - started

    dev_metrics, _ = tune_and_save(trainer, encoded["validation"], tokenizer, output_dir,
                                   mode=setup.threshold_mode, metric=setup.threshold_metric)
    record = {
        "model_type": "datn",
        "setup": {k: list(v) if isinstance(v, tuple) else v for k, v in vars(setup).items()},
        "labels": names,
        "vectors": inputs.vectors_source,
        "vector_coverage": inputs.coverage,
        "vocab_size": config.vocab_size,
        "source_rows": len(sentiment) if transfer else 0,
        "dev_metrics": dev_metrics,
        "thresholds": model.config.thresholds,
        "nonfinite_batches": trainer.nonfinite_batches,
        "epochs_run": trainer.state.epoch,
        "best_checkpoint": trainer.state.best_model_checkpoint,
        "train_seconds": train_seconds,
        "log_history": trainer.state.log_history,
    }
    if trainer.args.should_save:
        save_record(output_dir / "training_record.json", record)
    return DatnTrainingResult(model=model, tokenizer=tokenizer, trainer=trainer, dev_metrics=record["dev_metrics"],
                              record=record)
