"""Pieces every multi-label text trainer needs (LEM, DATN, the `hf-emotion train` command).

They turn a `DatasetDict` with a text column and a `Sequence(ClassLabel)` label column into model
inputs, build the word-level tokenizer and its pretrained embedding matrix from the training split
only, and write the dev-tuned decision rule into the model config.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from datasets import DatasetDict, IterableDataset

from .precision import device_arguments


def label_names(dataset: DatasetDict, label_column: str = "labels") -> list[str]:
    """The label names from the dataset's `Sequence(ClassLabel)` feature (so id2label comes from the data)."""
    split = next(iter(dataset.values()))
    if label_column not in split.features:
        raise ValueError(f"dataset has no column {label_column!r}; columns: {list(split.features)}")
    feature = split.features[label_column]
    inner = getattr(feature, "feature", None)
    names = getattr(inner, "names", None)
    if not names:
        raise ValueError(f"column {label_column!r} must be Sequence(ClassLabel(names=...)), got {feature}")
    return list(names)


def require_splits(dataset: DatasetDict, *names: str) -> None:
    missing = [n for n in names if n not in dataset]
    if missing:
        raise ValueError(f"dataset lacks split(s) {missing}; it has {list(dataset)}")


def encode_multilabel(
    dataset: DatasetDict,
    tokenizer,
    num_labels: int,
    *,
    text_column: str = "text",
    label_column: str = "labels",
    max_length: int | None = None,
) -> DatasetDict:
    """Tokenize every split (a `Dataset` or a streamed `IterableDataset`) and turn label-id lists into
    float multi-hot `labels`."""

    def encode(batch):
        encoded = tokenizer(batch[text_column], truncation=True, max_length=max_length)
        encoded["labels"] = multi_hot(batch[label_column], num_labels).astype(np.float32).tolist()
        return encoded

    encoded = {}
    for split, data in dataset.items():
        progress = {} if isinstance(data, IterableDataset) else {"desc": "tokenizing"}  # streams have no progress bar
        encoded[split] = data.map(encode, batched=True, remove_columns=data.column_names, **progress)
    return DatasetDict(encoded)


@dataclass
class TextInputs:
    """The tokenizer and embedding matrix built from the training texts, and how well the vectors cover it."""

    tokenizer: object
    embeddings: np.ndarray
    vectors_source: str
    coverage: dict = field(default_factory=dict)


def build_text_inputs(train_texts, *, language: str, vectors: str, max_length: int, min_frequency: int = 1) -> TextInputs:
    from hf_emotion.text import build_tokenizer, load_word_vectors

    tokenizer = build_tokenizer(train_texts, language=language, min_frequency=min_frequency, model_max_length=max_length)
    matrix, coverage = load_word_vectors(vectors, tokenizer)
    return TextInputs(tokenizer, matrix, str(vectors), _as_dict(coverage))


def _as_dict(record) -> dict:
    try:
        return asdict(record)
    except TypeError:
        return dict(record) if isinstance(record, dict) else {"summary": str(record)}


def predict_scores(trainer, dataset) -> tuple[np.ndarray, np.ndarray]:
    """(gold multi-hot, scores) for a split, through the Trainer's own prediction loop."""
    output = trainer.predict(dataset)
    predictions = output.predictions
    scores = predictions[1] if isinstance(predictions, tuple) else predictions
    return np.asarray(output.label_ids), np.asarray(scores, dtype=np.float64)


def write_decision_rule(config, thresholds, *, mode: str, metric: str) -> None:
    """Store the tuned decision rule in the config, where pipeline, CLI and remote code all read it."""
    thresholds = [float(t) for t in np.broadcast_to(np.asarray(thresholds, dtype=np.float64), (config.num_labels,))]
    config.thresholds = thresholds
    config.threshold_mode = mode
    config.threshold_metric = metric


def epoch_training_arguments(setup, output_dir, **overrides):
    """The TrainingArguments the text trainers share: evaluate (and save) every epoch, keep the dev-best
    checkpoint by `setup.selection_metric`, a constant learning rate, the setup's seed, the setup's
    device and precision (`device_arguments`). `overrides` are the trainer's own differences."""
    from transformers import TrainingArguments

    values = dict(
        output_dir=str(output_dir),
        num_train_epochs=setup.epochs,
        per_device_train_batch_size=setup.batch_size,
        per_device_eval_batch_size=256,
        learning_rate=setup.learning_rate,
        weight_decay=setup.weight_decay,
        lr_scheduler_type="constant",
        eval_strategy="epoch",
        save_strategy="epoch",
        load_best_model_at_end=True,
        metric_for_best_model=setup.selection_metric,
        greater_is_better=True,
        logging_strategy="epoch",
        report_to="none",
        seed=setup.seed,
        data_seed=setup.seed,
        dataloader_num_workers=0,
        disable_tqdm=not setup.progress_bar,
        **device_arguments(setup),
    )
    values.update(overrides)
    return TrainingArguments(**values)


def tune_and_save(trainer, dev_dataset, tokenizer, output_dir, *, mode: str, metric: str) -> tuple[dict, float]:
    """After training: tune the decision rule on dev, write it into the config, and save the model and
    tokenizer (from one process, never with non-finite weights). Returns (flat dev metrics, tuned score)."""
    from hf_emotion.evaluation import multilabel_metrics, tune_thresholds

    from .guards import require_finite_parameters

    model = trainer.model
    gold, scores = predict_scores(trainer, dev_dataset)
    tuned = tune_thresholds(gold, scores, mode=mode, metric=metric)
    write_decision_rule(model.config, tuned.thresholds, mode=mode, metric=metric)
    dev_metrics = multilabel_metrics(gold, scores, threshold=model.config.thresholds)
    require_finite_parameters(model, str(output_dir))
    if trainer.args.should_save:  # one writer when several processes train together
        model.save_pretrained(output_dir)
        tokenizer.save_pretrained(output_dir)
    return {k: float(v) for k, v in dev_metrics.items() if np.isscalar(v)}, float(tuned.score)


def set_embeddings(model, matrix: np.ndarray) -> None:
    embedding = model.get_input_embeddings()
    if tuple(embedding.weight.shape) != matrix.shape:
        raise ValueError(f"embedding matrix has shape {matrix.shape}, the model expects {tuple(embedding.weight.shape)}")
    with torch.no_grad():
        embedding.weight.copy_(torch.from_numpy(matrix))


def save_record(path: Path, record: dict) -> None:
    path.write_text(json.dumps(record, indent=2, sort_keys=True, default=float) + "\n")


def score_texts(model, tokenizer, texts, *, batch_size: int = 256, max_length: int | None = None) -> np.ndarray:
    """The model's `scores` for raw texts, in batches, without a Trainer (for held-out evaluation)."""
    model.eval()
    chunks = []
    with torch.no_grad():
        for start in range(0, len(texts), batch_size):
            batch = tokenizer(list(texts[start : start + batch_size]), padding=True, truncation=True,
                              max_length=max_length, return_tensors="pt")
            out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
            chunks.append(out.scores.float().numpy())
    return np.concatenate(chunks) if chunks else np.zeros((0, model.config.num_labels))


def multi_hot(label_lists, num_labels: int) -> np.ndarray:
    gold = np.zeros((len(label_lists), num_labels), dtype=np.int64)
    for row, ids in enumerate(label_lists):
        gold[row, ids] = 1
    return gold
