"""DATN's interleaving under 2 processes: at every step all ranks must train on the same task
(source or target), or the replicas update different parameter sets and drift apart.

accelerate deals the sampler's batches out round-robin (rank r gets batches r, r + 2, ...), so
InterleavedBatchSampler yields each global batch (batch_size x processes) as one slice per rank,
in a row; before that, rank 0 saw only source batches and rank 1 only target batches.

The run is guarded (GuardedInterleavedTrainer, nonfinite_policy="skip") and one target row has a
NaN label: the rank whose slice holds it must make both ranks drop that update, or they drift."""

import math

import pytest

from training.two_processes import run_two_processes


@pytest.mark.slow
def test_guarded_interleaving_stays_in_lockstep_across_two_processes(tmp_path):
    """About 15 s on 2 busy cores."""
    ranks = run_two_processes("ddp_datn.py", tmp_path)
    assert ranks[0]["kinds"] == ranks[1]["kinds"] == "ststst"
    assert ranks[0]["checksum"] == pytest.approx(ranks[1]["checksum"], abs=1e-6)
    (batch,) = ranks[0]["skipped"]  # the one poisoned row, in the one epoch
    assert batch["dataset"] == "target" and batch["step"] % 2 == 0
    assert 7 in batch["example_ids"] and len(batch["example_ids"]) == 4  # ddp_datn.POISONED, among both ranks' rows
    assert sorted(math.isnan(loss) for loss in batch["losses"]) == [False, True]  # the clean rank dropped its update too
    assert [{**b, "losses": None} for b in ranks[1]["skipped"]] == [{**batch, "losses": None}]  # NaN != NaN
