"""Run under `torchrun --nproc_per_node 2` by test_distributed_datn: DATN's GuardedInterleavedTrainer
on tiny data whose target row 7 has a NaN label, under nonfinite_policy="skip"; every rank writes,
per training step, whether its batch was a source or a target batch, the skipped batches it
recorded, and its final weights' checksum, to OUT/rank<r>.json."""

import gc
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests folder

from datn.test_interleaved import fixture_data, tiny_model  # noqa: E402
from training.test_interleaved_faults import poisoned_target  # noqa: E402
from transformers import TrainingArguments, default_data_collator  # noqa: E402

from hf_emotion.training.guards import with_example_ids  # noqa: E402
from hf_emotion.training.interleaved import GuardedInterleavedTrainer  # noqa: E402

POISONED = 7


class BatchKinds(GuardedInterleavedTrainer):
    kinds: list = []

    def training_step(self, model, inputs, num_items_in_batch=None):
        self.kinds.append("t" if "labels" in inputs else "s")
        return super().training_step(model, inputs, num_items_in_batch)


def train(out: Path) -> dict:
    """One rank's run: its batch kinds, skipped batches and weights' checksum."""
    args = TrainingArguments(output_dir=str(out / "run"), max_steps=6, per_device_train_batch_size=2, learning_rate=0.01,
                             use_cpu=True, report_to="none", save_strategy="no", seed=0, disable_tqdm=True)
    trainer = BatchKinds(model=tiny_model(), args=args, train_dataset=with_example_ids(poisoned_target(POISONED)),
                         source_dataset=with_example_ids(fixture_data(10, 2, source=True)),
                         data_collator=default_data_collator, nonfinite_policy="skip")
    trainer.train()
    checksum = sum(float(p.detach().double().sum()) for p in trainer.model.parameters())
    return {"kinds": "".join(trainer.kinds), "checksum": checksum, "skipped": trainer.nonfinite_batches}


def main(out: Path) -> None:
    import torch.distributed as dist

    seen = train(out)
    (out / f"rank{dist.get_rank()}.json").write_text(json.dumps(seen))
    # the trainer's DDP wrapper must go before its gloo group, and the group before exit: otherwise
    # the interpreter sometimes aborts at exit ("terminate called without an active exception") or hangs
    gc.collect()
    dist.barrier()
    dist.destroy_process_group()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
