"""Resume and determinism for LEM: a run interrupted mid-phase (between epochs through train_lem,
mid-epoch through the Trainer) and resumed from its last checkpoint ends exactly where an
uninterrupted run with the same seed ends; two runs with the same seed and data agree exactly."""

import pytest
import torch
from datasets import Dataset
from transformers import TrainerCallback, TrainingArguments

from lem.tiny import tiny_model
from training.lem_runs import StepCounter, assert_same_weights, last_checkpoint, tiny_data, tiny_setup

from hf_emotion.evaluation import build_compute_metrics
from hf_emotion.training.guards import GuardedTrainer
from hf_emotion.training.lem import LemPhaseSchedule, train_lem


class Killed(Exception):
    pass


class KillAt(TrainerCallback):
    """Ends the process's training abruptly, as a kill would: nothing after `step` runs or is saved."""

    def __init__(self, step: int):
        self.step = step

    def on_step_begin(self, args, state, control, **kwargs):
        if state.global_step == self.step:
            raise Killed(f"killed before step {self.step + 1}")


@pytest.fixture(scope="module")
def straight(tmp_path_factory):
    folder = tmp_path_factory.mktemp("straight")
    result = train_lem(tiny_data(), folder / "out", tiny_setup(folder))
    return result, folder / "out"


def test_same_seed_same_data_gives_identical_metrics_and_weights(straight, tmp_path):
    first, first_out = straight
    again = train_lem(tiny_data(), tmp_path / "out", tiny_setup(tmp_path))
    assert again.dev_metrics == first.dev_metrics
    assert again.record["phase_history"] == first.record["phase_history"]
    weights, history = last_checkpoint(tmp_path / "out")
    first_weights, first_history = last_checkpoint(first_out)
    assert history == first_history  # every logged loss and eval metric, bit for bit
    assert_same_weights(weights, first_weights, atol=0.0)


def test_train_lem_resumed_mid_phase_ends_like_an_uninterrupted_run(straight, tmp_path):
    """Killed during step 7, in the second of the two VAE-pretraining epochs; the last complete
    checkpoint is the end of epoch 1, where the schedule has one VAE epoch left. A newer folder
    whose save never finished is passed over."""
    first, first_out = straight
    with pytest.raises(Killed):
        train_lem(tiny_data(), tmp_path / "out", tiny_setup(tmp_path), callbacks=[KillAt(6)])
    assert [p.name for p in (tmp_path / "out" / "checkpoints").iterdir()] == ["checkpoint-4"]
    half_saved = tmp_path / "out" / "checkpoints" / "checkpoint-8"  # as if killed while writing epoch 2's checkpoint
    half_saved.mkdir()
    (half_saved / "model.safetensors").write_bytes(b"\0" * 10)
    counter = StepCounter()
    resumed = train_lem(tiny_data(), tmp_path / "out", tiny_setup(tmp_path), resume_from_checkpoint=True, callbacks=[counter])
    assert counter.steps == 24 - 4
    assert resumed.record["phase_history"] == first.record["phase_history"] == ["vae", "vae", "joint", "joint", "vae", "joint"]
    assert resumed.dev_metrics == first.dev_metrics
    weights, history = last_checkpoint(tmp_path / "out")
    first_weights, first_history = last_checkpoint(first_out)
    assert history == first_history
    assert_same_weights(weights, first_weights, atol=0.0)


def random_rows(n: int, seed: int) -> Dataset:
    generator = torch.Generator().manual_seed(seed)
    ids = torch.randint(2, 40, (n, 6), generator=generator)
    labels = (torch.rand(n, 3, generator=generator) > 0.5).float()
    return Dataset.from_dict({"input_ids": ids.tolist(), "attention_mask": [[1] * 6] * n, "labels": labels.tolist()})


def schedule_trainer(output_dir, callbacks=()):
    """A tiny LEM under the phase schedule with a checkpoint every 3 steps: 4 steps per epoch, so
    checkpoints fall inside epochs."""
    model = tiny_model(seed=1)
    args = TrainingArguments(
        output_dir=str(output_dir), num_train_epochs=3, per_device_train_batch_size=4, learning_rate=0.01,
        lr_scheduler_type="constant", eval_strategy="epoch", save_strategy="steps", save_steps=3,
        restore_callback_states_from_checkpoint=True, report_to="none", use_cpu=True, seed=3, data_seed=3,
        disable_tqdm=True,
    )
    trainer = GuardedTrainer(model=model, args=args, train_dataset=random_rows(16, 0), eval_dataset=random_rows(8, 1),
                             compute_metrics=build_compute_metrics(model.config), callbacks=[LemPhaseSchedule(vae_pretrain_epochs=2, kl_anneal_steps=6), *callbacks])
    trainer.model_accepts_loss_kwargs = False
    return trainer


def schedule_of(trainer) -> LemPhaseSchedule:
    """The trainer's schedule: on resume the Trainer swaps in a copy restored from the checkpoint."""
    return next(cb for cb in trainer.callback_handler.callbacks if isinstance(cb, LemPhaseSchedule))


def test_resume_mid_epoch_restores_the_schedule_rng_and_data_position(tmp_path):
    """Killed during step 8; checkpoint-6 lies in the middle of epoch 2 (the second VAE epoch)."""
    straight = schedule_trainer(tmp_path / "a")
    straight.train()
    killed = schedule_trainer(tmp_path / "b", [KillAt(7)])
    with pytest.raises(Killed):
        killed.train()
    counter = StepCounter()
    resumed = schedule_trainer(tmp_path / "b", [counter])
    resumed.train(resume_from_checkpoint=str(tmp_path / "b" / "checkpoint-6"))
    assert counter.steps == 12 - 6
    assert schedule_of(resumed).history == schedule_of(straight).history == ["vae", "vae", "joint"]
    assert schedule_of(resumed).state() == schedule_of(straight).state()
    for (name, a), b in zip(straight.model.named_parameters(), resumed.model.parameters()):
        assert torch.equal(a, b), name
    losses = lambda t: [e["loss"] for e in t.state.log_history if "loss" in e]  # noqa: E731
    assert losses(resumed) == losses(straight)
