"""Run under `torchrun --nproc_per_node 2` by test_distributed_datn: DATN's InterleavedTrainer on
tiny data; every rank writes, per training step, whether its batch was a source or a target batch,
and its final weights' checksum, to OUT/rank<r>.json."""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests folder

from datn.test_interleaved import fixture_data, tiny_model  # noqa: E402
from transformers import TrainingArguments, default_data_collator  # noqa: E402

from hf_emotion.training.interleaved import InterleavedTrainer  # noqa: E402


class BatchKinds(InterleavedTrainer):
    kinds: list = []

    def training_step(self, model, inputs, num_items_in_batch=None):
        self.kinds.append("t" if "labels" in inputs else "s")
        return super().training_step(model, inputs, num_items_in_batch)


def main(out: Path) -> None:
    import torch.distributed as dist

    args = TrainingArguments(output_dir=str(out / "run"), max_steps=6, per_device_train_batch_size=2, learning_rate=0.01,
                             use_cpu=True, report_to="none", save_strategy="no", seed=0, disable_tqdm=True)
    trainer = BatchKinds(model=tiny_model(), args=args, train_dataset=fixture_data(12, 1, source=False),
                         source_dataset=fixture_data(10, 2, source=True), data_collator=default_data_collator)
    trainer.train()
    checksum = sum(float(p.detach().double().sum()) for p in trainer.model.parameters())
    (out / f"rank{dist.get_rank()}.json").write_text(json.dumps({"kinds": "".join(trainer.kinds), "checksum": checksum}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
