"""DATN's training path under faults, through `train_datn`: a run killed between a source and a
target batch resumes to the same weights and dev metrics as an uninterrupted run; the same seed
gives the same run; a non-finite loss is reported with its step, the dataset (source or target)
and the row ids, and "skip" lists the dropped batches in training_record.json."""

import functools
import json
import math
from unittest import mock

import pytest
from datasets import Dataset, DatasetDict

from datn.test_training_datn import source_split, tiny_data, tiny_setup, write_vectors
from training.lem_runs import StepCounter, assert_same_weights, last_checkpoint
from training.test_resume import KillAt, Killed

from hf_emotion.models.datn import DatnForSequenceClassification
from hf_emotion.training import datn
from hf_emotion.training.datn import train_datn
from hf_emotion.training.guards import NonFiniteLossError
from hf_emotion.training.multilabel import encode_multilabel

STEPS_PER_EPOCH = 8  # 24 target rows in batches of 6, source_first 1:1: s t s t s t s t
POISONED = 13  # a row of target["train"]


def setup(folder, **overrides):
    """6 epochs, early stopping after 2 stale ones: dev Jaccard peaks at epoch 3, so the run ends after epoch 5."""
    return tiny_setup(write_vectors(folder), **{"epochs": 6, "patience": 2, **overrides})


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    folder = tmp_path_factory.mktemp("straight")
    return train_datn(*tiny_data(), folder / "out", setup(folder)), folder / "out"


def checkpoint_names(output_dir):
    return sorted(p.name for p in (output_dir / "checkpoints").iterdir())


def test_killed_between_a_source_and_a_target_batch_resumes_like_an_uninterrupted_run(straight, tmp_path):
    """Killed after source step 35, before its target step 36, in epoch 5; the last checkpoint is the
    end of epoch 4, one stale epoch after the best (epoch 3): only a resumed early-stopping count
    ends the resumed run after epoch 5 as the uninterrupted one did."""
    first, first_out = straight
    assert first.trainer.state.global_step == 5 * STEPS_PER_EPOCH  # stopped early
    assert checkpoint_names(first_out) == ["checkpoint-24", "checkpoint-40"]  # the best and the last
    with pytest.raises(Killed):
        train_datn(*tiny_data(), tmp_path / "out", setup(tmp_path), callbacks=[KillAt(35)])
    assert checkpoint_names(tmp_path / "out") == ["checkpoint-24", "checkpoint-32"]
    counter = StepCounter()
    resumed = train_datn(*tiny_data(), tmp_path / "out", setup(tmp_path), resume_from_checkpoint=True, callbacks=[counter])
    assert counter.steps == STEPS_PER_EPOCH  # epoch 5 only
    assert resumed.dev_metrics == first.dev_metrics
    assert resumed.model.config.thresholds == first.model.config.thresholds
    weights, history = last_checkpoint(tmp_path / "out")
    first_weights, first_history = last_checkpoint(first_out)
    assert history == first_history  # every logged loss and dev metric
    assert_same_weights(weights, first_weights, atol=1e-6)
    assert_same_weights(resumed.model.state_dict(), first.model.state_dict(), atol=1e-6)  # the dev-best epoch


def test_same_seed_same_data_gives_identical_metrics_and_weights(straight, tmp_path):
    first, first_out = straight
    again = train_datn(*tiny_data(), tmp_path / "out", setup(tmp_path))
    assert again.dev_metrics == first.dev_metrics
    weights, history = last_checkpoint(tmp_path / "out")
    first_weights, first_history = last_checkpoint(first_out)
    assert history == first_history
    assert_same_weights(weights, first_weights, atol=0.0)


def nan_label_in_target_row(row: int):
    """`encode_multilabel` with one label of target["train"] row `row` set to NaN: multi-hot labels built
    from ClassLabel ids cannot be NaN, so the corruption is made after encoding."""
    def encode(*args, **kwargs):
        encoded = encode_multilabel(*args, **kwargs)
        rows = encoded["train"].to_dict()
        rows["labels"][row][0] = math.nan
        return DatasetDict({**encoded, "train": Dataset.from_dict(rows)})

    return mock.patch.object(datn, "encode_multilabel", encode)


def test_nan_target_label_stops_at_its_step_naming_the_row(tmp_path):
    with nan_label_in_target_row(POISONED), pytest.raises(NonFiniteLossError) as caught:
        train_datn(*tiny_data(), tmp_path / "out", setup(tmp_path))
    report = caught.value.report
    assert report["dataset"] == "target" and report["action"] == "stopped"
    assert POISONED in report["example_ids"] and len(report["example_ids"]) == 6
    assert report["step"] % 2 == 0 and report["step"] <= STEPS_PER_EPOCH  # a target step of the first epoch
    assert str(caught.value).startswith(
        f"target batch (example ids are rows of the target dataset): non-finite training loss [nan] at step {report['step']} "
        f"(epoch {report['epoch']:.2f}), example ids {report['example_ids']}: training stopped before the update")
    assert not (tmp_path / "out" / "model.safetensors").exists() and not (tmp_path / "out" / "training_record.json").exists()


@pytest.mark.parametrize(("variant", "dataset", "steps"), [("datn2", "target", 2 * STEPS_PER_EPOCH), ("base", None, 8)])
def test_skip_finishes_and_lists_the_bad_batches_in_the_record(tmp_path, variant, dataset, steps):
    """Two epochs, one bad batch in each; "base" trains on the target alone (4 steps an epoch) with GuardedTrainer."""
    with nan_label_in_target_row(POISONED):
        result = train_datn(*tiny_data(), tmp_path / "out",
                            setup(tmp_path, variant=variant, epochs=2, patience=None, nonfinite_policy="skip"))
    assert result.trainer.state.global_step == steps
    saved = json.loads((tmp_path / "out" / "training_record.json").read_text())["nonfinite_batches"]
    assert [s["step"] for s in saved] == [s["step"] for s in result.record["nonfinite_batches"]]
    assert [s["epoch"] < 1 for s in saved] == [True, False]
    for skipped in saved:
        assert POISONED in skipped["example_ids"] and skipped["action"] == "skipped" and math.isnan(skipped["losses"][0])
        assert skipped.get("dataset") == dataset


NEUTRAL = 1  # the index of "neutral" in DatnTrainingSetup.source_labels


def nan_loss_on_neutral_rows():
    """DATN's forward with a NaN sentiment loss for a batch holding a neutral row. No source data can
    do this on its own (sentiment labels are checked class ids, inputs are token ids), so the model
    stands in for a loss that overflows on one row."""
    forward = DatnForSequenceClassification.forward

    @functools.wraps(forward)
    def poisoned(self, *args, sentiment_labels=None, **kwargs):
        output = forward(self, *args, sentiment_labels=sentiment_labels, **kwargs)
        if sentiment_labels is not None and bool((sentiment_labels == NEUTRAL).any()):
            output.loss = output.loss * math.nan
        return output

    return mock.patch.object(DatnForSequenceClassification, "forward", poisoned)


def test_a_bad_source_row_is_named_as_a_source_row(tmp_path):
    """The one neutral row is source["validation"] row 3: its id, after the 12 train rows, is 15."""
    target, _ = tiny_data()
    source = DatasetDict(train=source_split(12, labels=[0, 2] * 6), validation=source_split(6, labels=[0, 2, 0, 1, 2, 0]))
    with nan_loss_on_neutral_rows(), pytest.raises(
            NonFiniteLossError, match=r"^source batch \(example ids are rows of the source dataset\): .*example ids \[.*\b15\b") as caught:
        train_datn(target, source, tmp_path / "out", setup(tmp_path))
    report = caught.value.report
    assert report["dataset"] == "source" and report["step"] % 2 == 1 and 15 in report["example_ids"]


def test_policy_is_checked_before_training(tmp_path):
    with pytest.raises(ValueError, match="nonfinite_policy must be one of"):
        train_datn(*tiny_data(), tmp_path / "out", setup(tmp_path, nonfinite_policy="ignore"))
    assert not (tmp_path / "out").exists()
