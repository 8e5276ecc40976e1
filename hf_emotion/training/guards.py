"""A guard against non-finite losses, shared by every hf_emotion trainer.

One NaN in a loss turns every weight into NaN after the optimizer step, and a checkpoint written
afterwards looks like any other. `NonFiniteGuard` is a Trainer mixin that checks each training
loss, names the step and the example ids of the batch that produced it, and then either stops
("stop": raises `NonFiniteLossError`) or drops that batch's update ("skip"). It also refuses to
save a model whose parameters are not finite. Under several processes the decision is taken
together (any rank's bad loss drops the update on every rank), so the ranks stay in lockstep.

Example ids travel as an int column `example_id` (`with_example_ids`): the Trainer keeps it,
the collator turns it into a tensor, and the guard removes it before the model sees the batch.
"""

from __future__ import annotations

import torch
from transformers import Trainer
from transformers.utils import logging

logger = logging.get_logger(__name__)

POLICIES = ("stop", "skip")
EXAMPLE_ID = "example_id"


class NonFiniteLossError(RuntimeError):
    """Training stopped on a non-finite loss, or the weights were non-finite; `report` says where."""

    def __init__(self, message: str, report: dict):
        super().__init__(message)
        self.report = report


def check_policy(policy: str) -> None:
    if policy not in POLICIES:
        raise ValueError(f"nonfinite_policy must be one of {POLICIES}, got {policy!r}")


def with_example_ids(dataset):
    """`dataset` (a `datasets.Dataset` or `IterableDataset`) with an `example_id` column holding each
    row's position, so the guard can name the rows of a bad batch. Kept when already there."""
    if EXAMPLE_ID in (dataset.column_names or []):
        return dataset
    if hasattr(dataset, "add_column") and hasattr(dataset, "__len__"):
        return dataset.add_column(EXAMPLE_ID, list(range(len(dataset))))
    return dataset.map(lambda batch, ids: {EXAMPLE_ID: ids}, with_indices=True, batched=True)


def first_nonfinite_parameter(model) -> str | None:
    """The name of the first parameter holding a NaN or inf, or None when all are finite."""
    for name, parameter in model.named_parameters():
        if not torch.isfinite(parameter.detach()).all():
            return name
    return None


def require_finite_parameters(model, where: str) -> None:
    """Raise instead of writing corrupted weights to `where`."""
    name = first_nonfinite_parameter(model)
    if name is not None:
        raise NonFiniteLossError(
            f"refusing to save {where}: parameter {name!r} holds NaN or inf", {"parameter": name, "where": where}
        )


class NonFiniteGuard:
    """Mixin for `Trainer` subclasses (list it first: `class T(NonFiniteGuard, Trainer)`).

    `nonfinite_policy="stop"` raises `NonFiniteLossError` at the first non-finite loss, before the
    optimizer applies it; `"skip"` drops the update of that optimizer step (every micro-batch of
    its gradient-accumulation window), logs a warning and goes on. Skipped batches are recorded in
    the trainer state's log history (so they survive a resume) and listed by `nonfinite_batches`.
    A non-finite loss met while the weights are already non-finite always stops: skipping cannot help.
    """

    def __init__(self, *args, nonfinite_policy: str = "stop", **kwargs):
        check_policy(nonfinite_policy)
        super().__init__(*args, **kwargs)
        self.nonfinite_policy = nonfinite_policy
        self._dropping_window = False

    @property
    def nonfinite_batches(self) -> list[dict]:
        return [entry["nonfinite_batch"] for entry in self.state.log_history if "nonfinite_batch" in entry]

    def _set_signature_columns_if_needed(self):
        super()._set_signature_columns_if_needed()
        if EXAMPLE_ID not in self._signature_columns:  # keep the id column through remove_unused_columns
            self._signature_columns.append(EXAMPLE_ID)

    def batch_origin(self, inputs) -> str | None:
        """The name of the dataset a training batch came from, for trainers that draw from several
        (ids are then positions within that dataset, so reports must say which); None: one dataset."""
        return None

    def training_step(self, model, inputs, num_items_in_batch=None):
        inputs = dict(inputs)
        origin = self.batch_origin(inputs)
        example_ids = inputs.pop(EXAMPLE_ID, None)
        loss = super().training_step(model, inputs, num_items_in_batch)
        bad = torch.tensor([0.0 if torch.isfinite(loss).all() else 1.0], device=loss.device)
        if self.accelerator.num_processes > 1:
            bad = self.accelerator.reduce(bad, reduction="sum")
        if bad.item() > 0:
            self._dropping_window = True
            model.zero_grad(set_to_none=True)  # before anything can reach the optimizer
            self._report(model, loss, example_ids, origin)
        elif self._dropping_window:
            model.zero_grad(set_to_none=True)  # a later micro-batch of a dropped accumulation window
        if self.accelerator.gradient_state.sync_gradients:
            self._dropping_window = False
        return loss

    def _report(self, model, loss, example_ids, origin: str | None) -> None:
        from accelerate.utils import gather_object

        local = {
            "loss": float(loss.detach().float().mean()),
            "example_ids": None if example_ids is None else torch.as_tensor(example_ids).flatten().tolist(),
        }
        parts = gather_object([local]) if self.accelerator.num_processes > 1 else [local]
        known = all(p["example_ids"] is not None for p in parts)
        report = {
            "step": self.state.global_step + 1,
            "epoch": self.state.epoch,
            "losses": [p["loss"] for p in parts],
            "example_ids": [i for p in parts for i in p["example_ids"]] if known else None,
        }
        where = f"non-finite training loss {[p['loss'] for p in parts]} at step {report['step']}"
        if origin is not None:  # every rank trains on the same dataset at a step
            report["dataset"] = origin
            where = f"{origin} batch (example ids are rows of the {origin} dataset): {where}"
        if report["epoch"] is not None:
            where += f" (epoch {report['epoch']:.2f})"
        ids = (f"example ids {report['example_ids']}" if known else
               f"example ids unknown: the training set has no {EXAMPLE_ID!r} column (see with_example_ids)")
        broken = first_nonfinite_parameter(self.accelerator.unwrap_model(model))
        if broken is not None:
            report["action"] = "stopped"
            raise NonFiniteLossError(
                f"{where}, {ids}: parameter {broken!r} is already NaN/inf, so the weights (not this batch) "
                "are the cause; lower the learning rate or resume from an earlier checkpoint", report)
        if self.nonfinite_policy == "stop":
            report["action"] = "stopped"
            raise NonFiniteLossError(
                f"{where}, {ids}: training stopped before the update (nonfinite_policy='stop'; "
                "'skip' drops such batches); the last checkpoint is intact", report)
        report["action"] = "skipped"
        logger.warning(f"{where}, {ids}: update skipped")
        self.state.log_history.append({"step": report["step"], "nonfinite_batch": report})

    def prediction_step(self, model, inputs, prediction_loss_only, ignore_keys=None):
        inputs = {k: v for k, v in inputs.items() if k != EXAMPLE_ID}
        return super().prediction_step(model, inputs, prediction_loss_only, ignore_keys=ignore_keys)

    def save_model(self, output_dir: str | None = None, _internal_call: bool = False):
        require_finite_parameters(self.accelerator.unwrap_model(self.model), output_dir or self.args.output_dir)
        super().save_model(output_dir, _internal_call)


class GuardedTrainer(NonFiniteGuard, Trainer):
    """The stock `Trainer` with the non-finite guard."""
