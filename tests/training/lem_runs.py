"""What the training tests share: the tiny LEM run they repeat in several ways (resumed, accumulated,
distributed, streamed), its deterministic variant, and a step counter for resumed runs."""

import contextlib
import json
from pathlib import Path
from unittest import mock

import torch
from safetensors.torch import load_file
from transformers import TrainerCallback

from lem.test_training_lem import FILLER, TINY, WORDS, english_dataset, glove_file

from hf_emotion.training.lem import LemTrainingSetup


def tiny_data():
    """32 training rows (4 batches of 8) and 16 dev rows: every batch and every rank's share is full."""
    return english_dataset(n=32)


def tiny_setup(folder: Path, **overrides) -> LemTrainingSetup:
    """6 epochs of 4 steps whose phases go vae, vae, joint, joint, vae (a refresh), joint: runs cross
    every kind of phase boundary the schedule has."""
    vectors = folder / "vectors.txt"
    if not vectors.exists():
        glove_file(vectors, sum(WORDS.values(), []) + FILLER)
    values = dict(vectors=str(vectors), epochs=6, vae_pretrain_epochs=2, joint_patience=1, max_refreshes=1,
                  batch_size=8, learning_rate=0.01, kl_anneal_steps=8, config_overrides=TINY)
    values.update(overrides)
    return LemTrainingSetup(**values)


@contextlib.contextmanager
def noiseless():
    """The VAE's reparameterisation noise set to zero. A batch drawn as 8 rows at once, as 2 x 4 rows
    (accumulation) or on two ranks (each rank with its own generator) gets different noise, so those
    runs can only agree when the noise is fixed; with dropout 0 everything else is deterministic."""
    with mock.patch.object(torch, "randn_like", torch.zeros_like):
        yield


DETERMINISTIC = {**TINY, "dropout": 0.0, "word_dropout": 0.0}


def last_checkpoint(output_dir: Path) -> tuple[dict, list[dict]]:
    """(weights, log history) of a train_lem run's last checkpoint: the weights the run ended with,
    which train_lem's own output (the dev-best epoch) need not be."""
    checkpoints = sorted((output_dir / "checkpoints").glob("checkpoint-*"), key=lambda p: int(p.name.split("-")[1]))
    last = checkpoints[-1]
    history = json.loads((last / "trainer_state.json").read_text())["log_history"]
    timeless = [{k: v for k, v in entry.items() if "runtime" not in k and "per_second" not in k} for entry in history]
    return load_file(last / "model.safetensors"), timeless


def assert_same_weights(a: dict, b: dict, atol: float) -> None:
    assert a.keys() == b.keys()
    worst = max((a[k].float() - b[k].float()).abs().max().item() for k in a)
    assert worst <= atol, f"weights differ by up to {worst:.2e} (tolerance {atol:.0e})"


class StepCounter(TrainerCallback):
    """Counts the optimizer steps a train() call runs: a resumed run must run only the missing ones
    (retraining from scratch with the same seed would reach the same weights too)."""

    def __init__(self):
        self.steps = 0

    def on_step_end(self, args, state, control, **kwargs):
        self.steps += 1
