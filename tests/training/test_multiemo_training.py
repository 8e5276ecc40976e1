"""MultiEMO's training path at scale and under faults, through train_multiemo: one global batch of
4 dialogues of different lengths trained at once, as 2 x 2 by gradient accumulation, and as 2 on
each of 2 processes, gives one result; a NaN in one dialogue's features is named (stop) or skipped;
a killed run resumes to the uninterrupted result; the same seed gives the same run.

The equivalence runs train with cross-entropy only and dropout 0: SWFC and Soft-HGR are statistics
of the micro-batch they see, so with them on, 2 x 2 dialogues are a different (equally valid) loss
than 4 (see MultiEmoForConversationClassification._losses).

The three ways compute every step's gradient to within float rounding (GRADIENT_ATOL; measured
6.3e-8, on gradients up to 0.38). The weights agree less closely (WEIGHT_ATOL; measured 1.7e-5):
Adam's first update is lr * g / (|g| + eps), so an entry whose gradient is about eps (1e-8; here one
entry of the context encoder's attention is 2e-8) turns a 1e-10 rounding difference into 1e-5. The
loss before num_items_in_batch (the mean of micro-batch means) is off by up to 0.2 in the step
gradients and 0.15 in the weights."""

import json
import math
from pathlib import Path

import pytest
import torch
from safetensors.torch import load_file

from multiemo.helpers_multiemo import TINY_TRAINING, StepGradients, recorded_batches, tiny_dialogues, tiny_training_setup
from training.lem_runs import StepCounter, assert_same_weights, last_checkpoint
from training.test_resume import Killed, KillAt
from training.two_processes import run_two_processes

from hf_emotion.models.multiemo import MultiEmoForConversationClassification
from hf_emotion.training.conversation import train_multiemo
from hf_emotion.training.guards import NonFiniteLossError

STEPS = 18  # 24 dialogues, batch 4, 3 epochs
POISONED = 7
GRADIENT_ATOL = 1e-6
WEIGHT_ATOL = 1e-4


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The uninterrupted one-process run at batch 4: (record, batches, step gradients, last-checkpoint
    weights and log, output folder)."""
    out = tmp_path_factory.mktemp("batch4") / "out"
    gradients = StepGradients()
    with recorded_batches() as batches:
        record = train_multiemo(tiny_dialogues(), out, tiny_training_setup(), callbacks=[gradients])
    return record, batches, gradients.steps, last_checkpoint(out), out


def train_losses(history: list[dict]) -> list[float]:
    return [entry["loss"] for entry in history if "loss" in entry]


def assert_same_gradients(a: list[torch.Tensor], b: list[torch.Tensor], atol: float) -> None:
    assert len(a) == len(b) == STEPS
    worst = max((x - y).abs().max().item() for x, y in zip(a, b))
    assert worst <= atol, f"step gradients differ by up to {worst:.2e} (tolerance {atol:.0e})"


def test_gradient_accumulation_equals_the_larger_batch(reference, tmp_path, monkeypatch):
    record, _, steps, (weights, history), _ = reference
    gradients = StepGradients()
    setup = tiny_training_setup(batch_size=2, gradient_accumulation_steps=2)
    accumulated = train_multiemo(tiny_dialogues(), tmp_path / "acc", setup, callbacks=[gradients])
    assert_same_gradients(gradients.steps, steps, atol=GRADIENT_ATOL)
    accumulated_weights, accumulated_history = last_checkpoint(tmp_path / "acc")
    assert_same_weights(accumulated_weights, weights, atol=WEIGHT_ATOL)
    assert train_losses(accumulated_history) == pytest.approx(train_losses(history), rel=1e-6)
    assert accumulated["dev_metrics"] == pytest.approx(record["dev_metrics"])
    # the loss before num_items_in_batch: each micro-batch's mean over its own turns, divided by the
    # accumulation steps; dialogues of different lengths make that a different loss
    monkeypatch.setattr(MultiEmoForConversationClassification, "accepts_loss_kwargs", False)
    old = StepGradients()
    train_multiemo(tiny_dialogues(), tmp_path / "old", setup, callbacks=[old])
    with pytest.raises(AssertionError, match="step gradients differ"):
        assert_same_gradients(old.steps, steps, atol=1000 * GRADIENT_ATOL)
    with pytest.raises(AssertionError, match="weights differ"):
        assert_same_weights(last_checkpoint(tmp_path / "old")[0], weights, atol=100 * WEIGHT_ATOL)


@pytest.mark.slow
def test_two_processes_equal_one_process_with_the_same_global_batch(reference, tmp_path):
    """10-20 s on 2 busy cores, mostly the start-up of two Python processes."""
    record, batches, steps, (weights, history), _ = reference
    ranks = run_two_processes("ddp_multiemo.py", tmp_path)
    assert [r["world_size"] for r in ranks] == [2, 2]
    # each global step trains on the same 4 dialogues as the one-process run (the length grouping
    # is cut by the global batch, then dealt out rank by rank)
    assert [sorted(a + b) for a, b in zip(ranks[0]["batches"], ranks[1]["batches"])] == [sorted(b) for b in batches]
    assert ranks[0]["dev_history"] == ranks[1]["dev_history"] == record["dev_history"]
    assert ranks[0]["dev_metrics"] == ranks[1]["dev_metrics"] == pytest.approx(record["dev_metrics"])
    for rank in (0, 1):
        assert_same_gradients(torch.load(tmp_path / f"gradients{rank}.pt", weights_only=True), steps, atol=GRADIENT_ATOL)
    ddp_weights, ddp_history = last_checkpoint(tmp_path / "model")
    assert train_losses(ddp_history) == pytest.approx(train_losses(history), rel=1e-6)
    assert_same_weights(ddp_weights, weights, atol=WEIGHT_ATOL)


def test_same_seed_same_data_gives_identical_metrics_and_weights(reference, tmp_path):
    record, _, _, (weights, history), out = reference
    again = train_multiemo(tiny_dialogues(), tmp_path / "out", tiny_training_setup())
    assert {k: v for k, v in again.items() if k != "train_seconds"} == {k: v for k, v in record.items() if k != "train_seconds"}
    again_weights, again_history = last_checkpoint(tmp_path / "out")
    assert again_history == history  # every logged loss and eval metric, bit for bit
    assert_same_weights(again_weights, weights, atol=0.0)
    assert_same_weights(load_file(tmp_path / "out" / "model.safetensors"), load_file(out / "model.safetensors"), atol=0.0)


def test_killed_run_resumed_ends_like_an_uninterrupted_run(reference, tmp_path):
    """Killed during step 9, in the second epoch; the last checkpoint is the end of epoch 1."""
    record, _, _, (weights, history), out = reference
    with pytest.raises(Killed):
        train_multiemo(tiny_dialogues(), tmp_path / "out", tiny_training_setup(), callbacks=[KillAt(8)])
    assert [p.name for p in (tmp_path / "out" / "checkpoints").iterdir()] == ["checkpoint-6"]
    counter = StepCounter()
    resumed = train_multiemo(tiny_dialogues(), tmp_path / "out", tiny_training_setup(), resume_from_checkpoint=True,
                             callbacks=[counter])
    assert counter.steps == STEPS - 6
    for key in ("dev_metrics", "dev_history", "best_epoch"):
        assert resumed[key] == record[key], key
    resumed_weights, resumed_history = last_checkpoint(tmp_path / "out")
    assert resumed_history == history
    assert_same_weights(resumed_weights, weights, atol=0.0)
    assert_same_weights(load_file(tmp_path / "out" / "model.safetensors"), load_file(out / "model.safetensors"), atol=0.0)


def poisoned(column: str):
    """tiny_dialogues with a NaN in the first turn of train dialogue POISONED's `column`."""
    data = tiny_dialogues()

    def poison(row, index):
        if index == POISONED:
            row[column][0][0] = math.nan
        return row

    data["train"] = data["train"].map(poison, with_indices=True)
    return data


def multimodal_setup(**overrides):
    """Text and audio with the full loss (CE, SWFC, Soft-HGR): the guard sees the loss as trained."""
    return tiny_training_setup(modalities=("text", "audio"), config_overrides=TINY_TRAINING, **overrides)


def saved_weights_are_finite(out: Path) -> bool:
    files = [*out.glob("model.safetensors"), *out.glob("checkpoints/*/model.safetensors")]
    return bool(files) and all(torch.isfinite(t).all() for f in files for t in load_file(f).values())


@pytest.mark.parametrize("column", ["text_features", "audio_features"])
def test_nan_in_one_dialogue_stops_naming_the_step_and_the_dialogue(tmp_path, column):
    named = rf"at step \d+ .*example ids \[.*\b{POISONED}\b"
    with recorded_batches() as batches, pytest.raises(NonFiniteLossError, match=named) as caught:
        train_multiemo(poisoned(column), tmp_path / "out", multimodal_setup())
    step = next(i for i, ids in enumerate(batches, 1) if POISONED in ids)
    report = caught.value.report
    assert report["step"] == step and report["example_ids"] == batches[step - 1] and report["action"] == "stopped"
    assert not (tmp_path / "out" / "model.safetensors").exists() and not (tmp_path / "out" / "training_record.json").exists()


def test_nan_in_one_dialogue_is_skipped_and_recorded_under_skip(tmp_path):
    with recorded_batches() as batches:
        record = train_multiemo(poisoned("audio_features"), tmp_path / "out", multimodal_setup(nonfinite_policy="skip"))
    bad_steps = [i for i, ids in enumerate(batches, 1) if POISONED in ids]
    assert len(bad_steps) == 3  # once per epoch
    skipped = record["nonfinite_batches"]
    assert [s["step"] for s in skipped] == bad_steps and all(s["action"] == "skipped" for s in skipped)
    assert [s["example_ids"] for s in skipped] == [batches[s - 1] for s in bad_steps]
    assert all(math.isnan(s["losses"][0]) for s in skipped)
    saved = json.loads((tmp_path / "out" / "training_record.json").read_text())["nonfinite_batches"]
    assert [(s["step"], s["example_ids"]) for s in saved] == [(s["step"], s["example_ids"]) for s in skipped]
    assert (tmp_path / "out" / "checkpoints" / f"checkpoint-{STEPS}").is_dir()  # trained to the end
    assert saved_weights_are_finite(tmp_path / "out")
    assert all(math.isfinite(v) for v in record["dev_metrics"].values())


def test_train_multiemo_checks_the_policy_first(tmp_path):
    with pytest.raises(ValueError, match="nonfinite_policy must be one of"):
        train_multiemo(tiny_dialogues(), tmp_path / "out", tiny_training_setup(nonfinite_policy="ignore"))
