"""The non-finite guard: a poisoned row (a NaN label) is named by step and example id; "stop" ends
training before the update and leaves only finite checkpoints, "skip" drops exactly that update;
non-finite weights are never saved."""

import math

import pytest
import torch
from datasets import Dataset
from safetensors.torch import load_file
from transformers import TrainerCallback, TrainingArguments

from lem.tiny import tiny_model
from training.lem_runs import tiny_data, tiny_setup

from hf_emotion.training.guards import GuardedTrainer, NonFiniteLossError, with_example_ids
from hf_emotion.training.lem import train_lem

POISONED = 5


def rows(n=16, poisoned=POISONED) -> Dataset:
    generator = torch.Generator().manual_seed(0)
    labels = (torch.rand(n, 3, generator=generator) > 0.5).float().tolist()
    if poisoned is not None:
        labels[poisoned][1] = math.nan  # a corrupted label: BCE, hence the batch loss, is NaN
    ids = torch.randint(2, 40, (n, 6), generator=generator).tolist()
    return with_example_ids(Dataset.from_dict({"input_ids": ids, "attention_mask": [[1] * 6] * n, "labels": labels}))


def guarded(tmp_path, policy, data=None, accumulation=1, **kwargs):
    args = TrainingArguments(
        output_dir=str(tmp_path), max_steps=8, per_device_train_batch_size=4 // accumulation,
        gradient_accumulation_steps=accumulation, learning_rate=0.01, save_strategy="steps", save_steps=1,
        report_to="none", use_cpu=True, seed=0, disable_tqdm=True, **kwargs,
    )
    trainer = GuardedTrainer(model=tiny_model(), args=args, train_dataset=rows() if data is None else data,
                             nonfinite_policy=policy)
    trainer.model_accepts_loss_kwargs = False
    return trainer


def all_finite(model) -> bool:
    return all(torch.isfinite(p).all() for p in model.parameters())


def test_stop_names_step_and_example_id_and_writes_no_corrupted_checkpoint(tmp_path):
    trainer = guarded(tmp_path, "stop")
    with pytest.raises(NonFiniteLossError, match=rf"at step \d+ \(epoch [\d.]+\), example ids \[.*\b{POISONED}\b.*\]") as caught:
        trainer.train()
    report = caught.value.report
    assert POISONED in report["example_ids"] and len(report["example_ids"]) == 4
    assert report["action"] == "stopped" and math.isnan(report["losses"][0])
    assert report["step"] == trainer.state.global_step + 1  # raised before that step's update
    assert all_finite(trainer.model)
    saved = sorted(tmp_path.glob("checkpoint-*"))
    assert [p.name for p in saved] == [f"checkpoint-{s}" for s in range(1, report["step"])]
    for checkpoint in saved:
        assert all(torch.isfinite(t).all() for t in load_file(checkpoint / "model.safetensors").values()), checkpoint


@pytest.mark.parametrize("accumulation", [1, 2])
def test_skip_drops_that_update_only_and_training_goes_on(tmp_path, accumulation):
    trainer = guarded(tmp_path, "skip", accumulation=accumulation)
    trainer.train()
    assert trainer.state.global_step == trainer.args.max_steps and all_finite(trainer.model)
    skipped = trainer.nonfinite_batches
    assert len(skipped) == 2  # 16 rows, 8 steps of 4 rows (or 2 x 2 rows): two epochs, one bad batch in each
    assert all(POISONED in s["example_ids"] and s["action"] == "skipped" for s in skipped)
    # AdamW counts the updates each parameter received: every step but the two dropped ones,
    # including the clean micro-batch that shared a dropped accumulation window
    steps = {int(state["step"]) for state in trainer.optimizer.state.values()}
    assert steps == {trainer.args.max_steps - 2}


def test_without_id_column_the_report_says_so(tmp_path):
    data = rows().remove_columns("example_id")
    with pytest.raises(NonFiniteLossError, match="example ids unknown: the training set has no 'example_id' column"):
        guarded(tmp_path, "stop", data=data).train()


def test_non_finite_weights_are_never_saved_and_stop_even_when_skipping(tmp_path):
    trainer = guarded(tmp_path, "skip", data=rows(poisoned=None))
    with torch.no_grad():
        trainer.model.classifier_bias[0] = math.inf
    with pytest.raises(NonFiniteLossError, match="refusing to save .*'classifier_bias'"):
        trainer.save_model(str(tmp_path / "final"))
    assert not (tmp_path / "final").exists()
    with pytest.raises(NonFiniteLossError, match="parameter 'classifier_bias' is already NaN/inf"):
        trainer.train()


def test_policy_is_checked(tmp_path):
    with pytest.raises(ValueError, match="nonfinite_policy must be one of \\('stop', 'skip'\\), got 'ignore'"):
        guarded(tmp_path, "ignore")


class PoisonAt(TrainerCallback):
    """Turns one weight into NaN after `step`, as an overflowing update would."""

    def __init__(self, step: int):
        self.step = step

    def on_step_end(self, args, state, control, model=None, **kwargs):
        if state.global_step == self.step:
            with torch.no_grad():
                model.lem.latent.led[0, 0] = math.nan


def test_train_lem_stops_on_nan_weights_and_writes_no_model(tmp_path):
    with pytest.raises(NonFiniteLossError, match=r"at step 6 .*parameter 'lem.latent.led' is already NaN/inf"):
        train_lem(tiny_data(), tmp_path / "out", tiny_setup(tmp_path, nonfinite_policy="skip"), callbacks=[PoisonAt(5)])
    assert [p.name for p in (tmp_path / "out" / "checkpoints").iterdir()] == ["checkpoint-4"]
    assert not (tmp_path / "out" / "model.safetensors").exists()


def test_train_lem_checks_the_policy_first(tmp_path):
    with pytest.raises(ValueError, match="nonfinite_policy must be one of"):
        train_lem(tiny_data(), tmp_path / "out", tiny_setup(tmp_path, nonfinite_policy="ignore"))
