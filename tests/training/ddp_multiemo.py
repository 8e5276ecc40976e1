"""Run under `torchrun --nproc_per_node 2` by test_multiemo_training: the tiny MultiEMO run through
train_multiemo, unchanged, with per-process batch 2 (global batch 4). Every rank writes its dev
metrics and the example ids of its training batches to OUT/rank<r>.json and the gradient of every
optimizer step (after the all-reduce) to OUT/gradients<r>.pt; rank 0 also writes the model
(train_multiemo's own output)."""

import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests folder

from multiemo.helpers_multiemo import StepGradients, recorded_batches, tiny_dialogues, tiny_training_setup  # noqa: E402

from hf_emotion.training.conversation import train_multiemo  # noqa: E402


def main(out: Path) -> None:
    import torch.distributed as dist

    gradients = StepGradients()
    with recorded_batches() as batches:
        record = train_multiemo(tiny_dialogues(), out / "model", tiny_training_setup(batch_size=2), callbacks=[gradients])
    rank = dist.get_rank()
    torch.save(gradients.steps, out / f"gradients{rank}.pt")
    seen = {"world_size": dist.get_world_size(), "dev_metrics": record["dev_metrics"],
            "dev_history": record["dev_history"], "batches": batches}
    (out / f"rank{rank}.json").write_text(json.dumps(seen))
    dist.barrier()
    dist.destroy_process_group()  # an undestroyed gloo group can abort the interpreter at exit


if __name__ == "__main__":
    main(Path(sys.argv[1]))
