"""Run under `torchrun --nproc_per_node 2` by test_distributed.py: the tiny LEM run through train_lem,
unchanged, with per-process batch 4 (global batch 8). Every rank writes what it saw to
OUT/rank<r>.json; rank 0 also writes the model (train_lem's own output)."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests folder, for lem_runs' imports

from training.lem_runs import DETERMINISTIC, noiseless, tiny_data, tiny_setup  # noqa: E402

from hf_emotion.training.lem import train_lem  # noqa: E402


def main(out: Path) -> None:
    import torch.distributed as dist

    with noiseless():
        result = train_lem(tiny_data(), out / "model", tiny_setup(out, batch_size=4, config_overrides=DETERMINISTIC))
    rank = dist.get_rank() if dist.is_initialized() else 0
    seen = {
        "world_size": dist.get_world_size() if dist.is_initialized() else 1,
        "phase_history": result.record["phase_history"],
        "dev_metrics": result.dev_metrics,
        "thresholds": result.model.config.thresholds,
    }
    (out / f"rank{rank}.json").write_text(json.dumps(seen))
    if dist.is_initialized():  # an undestroyed gloo group can abort the interpreter at exit
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
