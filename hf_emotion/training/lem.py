"""Training LEM the way the paper does, on top of the stock `Trainer`.

The schedule (Fei et al. 2020, section "Training"): pre-train the VAE alone, then train everything
jointly (ELBO + BCE); when the dev metric stops improving, train the VAE alone again for a few
epochs, then jointly again; stop when a joint phase plateaus and the refreshes are used up.
`LemPhaseSchedule` drives this from Trainer events, one phase per epoch, and its state is part of
every checkpoint (`ExportableState`), so a resumed run continues the same phase.
Training runs under `GuardedTrainer` (guards.py): a non-finite loss is reported with its step and
example ids and stops the run or skips the batch (`LemTrainingSetup.nonfinite_policy`).
Model selection and threshold tuning use the dev split only.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path

from datasets import DatasetDict, IterableDataset
from transformers import DataCollatorWithPadding, TrainerCallback
from transformers.trainer_callback import ExportableState

from .checkpoints import resume_point
from .guards import GuardedTrainer, check_policy, with_example_ids
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


class LemPhaseSchedule(TrainerCallback, ExportableState):
    """Alternates LEM's "vae" and "joint" phases on dev plateaus; anneals the KL weight by global step."""

    def __init__(
        self,
        vae_pretrain_epochs: int = 10,
        joint_patience: int = 2,
        vae_refresh_epochs: int = 1,
        max_refreshes: int = 2,
        kl_anneal_steps: int = 1000,
        metric: str = "eval_micro_f1",
        min_delta: float = 1e-4,
    ):
        self.vae_pretrain_epochs = vae_pretrain_epochs
        self.joint_patience = joint_patience
        self.vae_refresh_epochs = vae_refresh_epochs
        self.max_refreshes = max_refreshes
        self.kl_anneal_steps = kl_anneal_steps
        self.metric = metric
        self.min_delta = min_delta
        self.phase = "vae" if vae_pretrain_epochs > 0 else "joint"
        self.phase_epochs_left = vae_pretrain_epochs
        self.best = None
        self.stale_evaluations = 0
        self.refreshes = 0
        self.history: list[str] = []
        self.epoch_open = False  # True between epoch begin and end: a checkpoint taken mid-epoch says so

    def state(self) -> dict:
        return {
            "args": {
                "vae_pretrain_epochs": self.vae_pretrain_epochs,
                "joint_patience": self.joint_patience,
                "vae_refresh_epochs": self.vae_refresh_epochs,
                "max_refreshes": self.max_refreshes,
                "kl_anneal_steps": self.kl_anneal_steps,
                "metric": self.metric,
                "min_delta": self.min_delta,
            },
            "attributes": {
                "phase": self.phase,
                "phase_epochs_left": self.phase_epochs_left,
                "best": self.best,
                "stale_evaluations": self.stale_evaluations,
                "refreshes": self.refreshes,
                "history": list(self.history),
                "epoch_open": self.epoch_open,
            },
        }

    def on_epoch_begin(self, args, state, control, model=None, **kwargs):
        model.training_phase = self.phase
        if not self.epoch_open:  # a run resumed mid-epoch re-enters an epoch already in the history
            self.history.append(self.phase)
        self.epoch_open = True

    def on_epoch_end(self, args, state, control, **kwargs):
        self.epoch_open = False

    def on_step_begin(self, args, state, control, model=None, **kwargs):
        model.kl_weight = min(1.0, (state.global_step + 1) / max(self.kl_anneal_steps, 1))

    def on_evaluate(self, args, state, control, metrics=None, **kwargs):
        if self.phase == "vae":
            self.phase_epochs_left -= 1
            if self.phase_epochs_left <= 0:
                self.phase = "joint"
            return
        if self.metric not in metrics:
            raise ValueError(f"LEM schedule watches {self.metric!r}, but evaluation gave {sorted(metrics)}")
        value = metrics[self.metric]
        if self.best is None or value > self.best + self.min_delta:
            self.best, self.stale_evaluations = value, 0
            return
        self.stale_evaluations += 1
        if self.stale_evaluations < self.joint_patience:
            return
        if self.refreshes < self.max_refreshes:
            self.phase, self.phase_epochs_left = "vae", self.vae_refresh_epochs
            self.refreshes += 1
            self.stale_evaluations = 0
        else:
            control.should_training_stop = True


@dataclass
class LemTrainingSetup:
    """Everything `train_lem` takes besides the data; the defaults are the package's recipe."""

    language: str = "en"
    vectors: str = "glove-6b-50d"
    lexicon: str | None = None  # a word list file; None: the default English lexicon
    max_length: int = 64
    min_frequency: int = 1
    epochs: int = 40
    max_steps: int | None = None  # caps training; required when the train split is an IterableDataset
    batch_size: int = 32  # per process; the global batch is batch_size x processes x gradient_accumulation_steps
    gradient_accumulation_steps: int = 1
    learning_rate: float = 1e-3
    weight_decay: float = 0.0
    seed: int = 42
    vae_pretrain_epochs: int = 10
    joint_patience: int = 2
    vae_refresh_epochs: int = 1
    max_refreshes: int = 2
    kl_anneal_steps: int = 1000
    selection_metric: str = "micro_f1"
    threshold_mode: str = "global"
    threshold_metric: str = "micro_f1"
    use_cpu: bool | None = None  # None: the CPU unless a GPU is there
    bf16: bool = False  # mixed precision: bf16 autocast (CPU or GPU); fp16 needs a GPU
    fp16: bool = False
    config_overrides: dict = field(default_factory=dict)
    save_checkpoints: bool = True
    progress_bar: bool = False  # the Trainer's tqdm bar (the CLI turns it on; benchmarks log per epoch)
    nonfinite_policy: str = "stop"  # on a NaN/inf loss: "stop" (raise) or "skip" (drop that update)


@dataclass
class LemTrainingResult:
    model: object
    tokenizer: object
    dev_metrics: dict
    record: dict


def emotion_vocabulary(tokenizer, language: str, lexicon_path: str | None) -> list[int]:
    from hf_emotion.text import default_english_lexicon, emotion_vocabulary_ids, load_lexicon, stopwords

    if lexicon_path is not None:
        lexicon = load_lexicon(lexicon_path)
    elif language == "en":
        lexicon = default_english_lexicon()
    else:
        raise ValueError(f"no default emotion lexicon for language {language!r}: pass a lexicon file")
    ids = emotion_vocabulary_ids(tokenizer.get_vocab(), lexicon, stopwords(language))
    if not ids:
        raise ValueError("no word of the training vocabulary is in the emotion lexicon: the VAE would have no input")
    return list(ids)


def train_lem(
    dataset: DatasetDict,
    output_dir: str | Path,
    setup: LemTrainingSetup | None = None,
    *,
    resume_from_checkpoint: str | bool | None = None,
    callbacks: list | None = None,
) -> LemTrainingResult:
    """Train LEM on `dataset` (train/validation splits; text + Sequence(ClassLabel) labels) and save it.

    Writes the best dev checkpoint (model, tokenizer, dev-tuned thresholds in config.json) and
    `training_record.json` (setup, vector coverage, dev metrics, phase history, time) to `output_dir`.
    The train split may be an `IterableDataset` (streamed; then `setup.max_steps` is required and
    an epoch is one pass over the stream). `resume_from_checkpoint` (a checkpoint folder under
    `output_dir/checkpoints`, or True for the newest one whose save finished) continues an interrupted run with the same
    setup: weights, optimizer, RNG, data position and the phase schedule come from the checkpoint.
    """
    from hf_emotion.evaluation import build_compute_metrics
    from hf_emotion.models.lem.configuration_lem import LemConfig
    from hf_emotion.models.lem.modeling_lem import LemForSequenceClassification

    setup = setup or LemTrainingSetup()
    check_policy(setup.nonfinite_policy)
    device_arguments(setup)  # an impossible device or precision is refused before the slow steps
    require_splits(dataset, "train", "validation")
    if isinstance(dataset["train"], IterableDataset) and not setup.max_steps:
        raise ValueError("the train split is an IterableDataset (no length): set LemTrainingSetup.max_steps")
    output_dir = Path(output_dir)
    resume_from_checkpoint = resume_point(resume_from_checkpoint, output_dir / "checkpoints")  # before the slow steps
    names = label_names(dataset)
    started = time.perf_counter()

    inputs = build_text_inputs(
        dataset["train"]["text"],
        language=setup.language,
        vectors=setup.vectors,
        max_length=setup.max_length,
        min_frequency=setup.min_frequency,
    )
    tokenizer = inputs.tokenizer
    config = LemConfig(
        vocab_size=len(tokenizer),
        embedding_dim=inputs.embeddings.shape[1],
        emotion_vocab_ids=emotion_vocabulary(tokenizer, setup.language, setup.lexicon),
        id2label=dict(enumerate(names)),
        label2id={name: i for i, name in enumerate(names)},
        pad_token_id=tokenizer.pad_token_id,
        **setup.config_overrides,
    )
    from transformers import set_seed

    set_seed(setup.seed)
    model = LemForSequenceClassification(config)
    set_embeddings(model, inputs.embeddings)

    fitting = DatasetDict({split: dataset[split] for split in ("train", "validation")})  # test stays unseen
    encoded = encode_multilabel(fitting, tokenizer, len(names), max_length=setup.max_length)
    encoded["train"] = with_example_ids(encoded["train"])  # lets the non-finite guard name the rows
    schedule = LemPhaseSchedule(
        vae_pretrain_epochs=setup.vae_pretrain_epochs,
        joint_patience=setup.joint_patience,
        vae_refresh_epochs=setup.vae_refresh_epochs,
        max_refreshes=setup.max_refreshes,
        kl_anneal_steps=setup.kl_anneal_steps,
        metric=f"eval_{setup.selection_metric}",
    )
    checkpoints = output_dir / "checkpoints"
    args = epoch_training_arguments(
        setup,
        checkpoints,
        max_steps=setup.max_steps or -1,
        gradient_accumulation_steps=setup.gradient_accumulation_steps,
        save_strategy="epoch" if setup.save_checkpoints else "no",
        save_total_limit=2,
        load_best_model_at_end=setup.save_checkpoints,
        restore_callback_states_from_checkpoint=True,
    )
    trainer = GuardedTrainer(
        model=model,
        args=args,
        train_dataset=encoded["train"],
        eval_dataset=encoded["validation"],
        data_collator=DataCollatorWithPadding(tokenizer),
        processing_class=tokenizer,
        compute_metrics=build_compute_metrics(config),
        callbacks=[schedule, *(callbacks or [])],
        nonfinite_policy=setup.nonfinite_policy,
    )
    trainer.train(resume_from_checkpoint=resume_from_checkpoint)
    # a resumed Trainer replaces each stateful callback with a copy rebuilt from the checkpoint
    schedule = next(cb for cb in trainer.callback_handler.callbacks if isinstance(cb, LemPhaseSchedule))
    model = trainer.model.eval()
    model.training_phase = "joint"

    dev_metrics, tuned_score = tune_and_save(trainer, encoded["validation"], tokenizer, output_dir,
                                             mode=setup.threshold_mode, metric=setup.threshold_metric)
    record = {
        "model_type": "lem",
        "setup": {k: v for k, v in vars(setup).items()},
        "labels": names,
        "vectors": inputs.vectors_source,
        "vector_coverage": inputs.coverage,
        "emotion_vocabulary_size": len(config.emotion_vocab_ids),
        "vocab_size": config.vocab_size,
        "dev_metrics": dev_metrics,
        "dev_tuned_score": tuned_score,
        "phase_history": schedule.history,
        "nonfinite_batches": trainer.nonfinite_batches,
        "epochs_run": math.ceil(trainer.state.epoch or 0),
        "best_checkpoint": trainer.state.best_model_checkpoint,
        "train_seconds": time.perf_counter() - started,
    }
    if trainer.args.should_save:
        save_record(output_dir / "training_record.json", record)
    return LemTrainingResult(model=model, tokenizer=tokenizer, dev_metrics=record["dev_metrics"], record=record)
