"""bf16 autocast on CPU through train_lem: the schedule runs, the weights stay float32 and finite.
(fp16 needs a GPU; on CPU torch ignores it.)"""

import torch

from training.lem_runs import tiny_data, tiny_setup

from hf_emotion.training.lem import train_lem


def test_bf16_on_cpu_trains_with_finite_float32_weights(tmp_path):
    result = train_lem(tiny_data(), tmp_path / "out", tiny_setup(tmp_path, bf16=True, use_cpu=True))
    assert result.record["phase_history"] == ["vae", "vae", "joint", "joint", "vae", "joint"]
    assert all(p.dtype == torch.float32 and torch.isfinite(p).all() for p in result.model.parameters())
    assert result.record["nonfinite_batches"] == []
