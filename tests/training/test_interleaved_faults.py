"""DATN's interleaved training under faults: a run killed between a source batch and its target
batch resumes to the same weights, and the non-finite guard (GuardedInterleavedTrainer) names a bad
target row and its dataset."""

import math

import pytest
import torch
from datasets import Dataset
from transformers import TrainingArguments, default_data_collator

from datn.test_interleaved import fixture_data, tiny_model
from training.lem_runs import StepCounter

from hf_emotion.training.guards import NonFiniteLossError, with_example_ids
from hf_emotion.training.interleaved import GuardedInterleavedTrainer


def interleaved(output_dir, max_steps, target=None, **kwargs):
    args = TrainingArguments(output_dir=str(output_dir), max_steps=max_steps, per_device_train_batch_size=4,
                             learning_rate=0.01, lr_scheduler_type="constant", use_cpu=True, report_to="none",
                             save_strategy="steps", save_steps=1, seed=0, disable_tqdm=True)
    return GuardedInterleavedTrainer(model=tiny_model(), args=args, data_collator=default_data_collator,
                                     train_dataset=with_example_ids(fixture_data(12, 1, source=False) if target is None else target),
                                     source_dataset=with_example_ids(fixture_data(10, 2, source=True)), **kwargs)


@pytest.mark.parametrize("checkpoint", [1, 3])
def test_resume_between_a_source_and_its_target_batch(tmp_path, checkpoint):
    """source_first 1:1: steps 1, 3, 5 are source batches, so checkpoints 1 and 3 lie inside a round."""
    straight = interleaved(tmp_path / "a", max_steps=6)
    straight.train()
    interrupted = interleaved(tmp_path / "b", max_steps=6)
    interrupted.args.max_steps = checkpoint  # ends there, as a kill after that checkpoint would
    interrupted.train()
    counter = StepCounter()
    resumed = interleaved(tmp_path / "b", max_steps=6, callbacks=[counter])
    resumed.train(resume_from_checkpoint=str(tmp_path / "b" / f"checkpoint-{checkpoint}"))
    assert counter.steps == 6 - checkpoint
    for (name, a), b in zip(straight.model.named_parameters(), resumed.model.parameters()):
        assert torch.allclose(a, b, atol=1e-7), name


def poisoned_target(row: int = 7) -> Dataset:
    """The 12 target rows of the interleaving fixtures, with a NaN label in `row`."""
    rows = fixture_data(12, 1, source=False).to_dict()
    rows["labels"][row][0] = math.nan
    return Dataset.from_dict(rows)


def test_guard_names_the_poisoned_target_row(tmp_path):
    target = poisoned_target(7)
    with pytest.raises(NonFiniteLossError, match=r"example ids \[.*\b7\b.*\]") as caught:
        interleaved(tmp_path, max_steps=6, target=target).train()
    assert caught.value.report["step"] % 2 == 0  # a target step: source steps carry no labels to poison
    assert caught.value.report["dataset"] == "target"
