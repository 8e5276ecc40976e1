"""One global batch, three ways: 8 rows at once, 2 x 4 rows by gradient accumulation, and 4 rows on
each of 2 processes (DDP over gloo, launched by torchrun). All three must train LEM to the same
weights, metrics and phase history (the phase schedule in lockstep on every rank).

The runs use dropout 0 and zero reparameterisation noise (`noiseless`): with noise, the three
ways draw different random numbers for the same rows (one generator per rank, or one draw per
micro-batch), so only the noiseless model has one right answer to compare against."""

import pytest

from training.lem_runs import DETERMINISTIC, assert_same_weights, last_checkpoint, noiseless, tiny_data, tiny_setup
from training.two_processes import run_two_processes

from hf_emotion.training.lem import train_lem

PHASES = ["vae", "vae", "joint", "joint", "vae", "joint"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    folder = tmp_path_factory.mktemp("batch8")
    with noiseless():
        result = train_lem(tiny_data(), folder / "model", tiny_setup(folder, config_overrides=DETERMINISTIC))
    assert result.record["phase_history"] == PHASES
    return result, last_checkpoint(folder / "model")


def same_history(a: list[dict], b: list[dict], rel: float) -> None:
    """Logged losses and eval metrics agree entry by entry (float sums differ in the last bits)."""
    assert len(a) == len(b)
    for x, y in zip(a, b):
        assert x.keys() == y.keys()
        assert {k: v for k, v in x.items()} == {k: pytest.approx(v, rel=rel, abs=1e-6) for k, v in y.items()}


def test_gradient_accumulation_equals_the_larger_batch(reference, tmp_path):
    expected, (weights, history) = reference
    with noiseless():
        result = train_lem(tiny_data(), tmp_path / "model",
                           tiny_setup(tmp_path, batch_size=4, gradient_accumulation_steps=2, config_overrides=DETERMINISTIC))
    assert result.record["phase_history"] == PHASES
    assert result.dev_metrics == pytest.approx(expected.dev_metrics)
    accumulated_weights, accumulated_history = last_checkpoint(tmp_path / "model")
    same_history(accumulated_history, history, rel=1e-5)
    assert_same_weights(accumulated_weights, weights, atol=1e-5)


@pytest.mark.slow
def test_two_processes_equal_one_process_with_the_same_global_batch(reference, tmp_path):
    """About 20 s on 2 busy cores, mostly the start-up of two Python processes."""
    expected, (weights, history) = reference
    ranks = run_two_processes("ddp_lem.py", tmp_path)
    assert [r["world_size"] for r in ranks] == [2, 2]
    assert ranks[0] == ranks[1]  # same phases, dev metrics and tuned thresholds on both ranks
    assert ranks[0]["phase_history"] == PHASES
    assert ranks[0]["dev_metrics"] == pytest.approx(expected.dev_metrics)
    assert ranks[0]["thresholds"] == pytest.approx(expected.model.config.thresholds)
    ddp_weights, ddp_history = last_checkpoint(tmp_path / "model")
    same_history(ddp_history, history, rel=1e-5)
    assert_same_weights(ddp_weights, weights, atol=1e-5)
