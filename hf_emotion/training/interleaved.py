"""Training on two datasets at once: alternate source-task and target-task mini-batches.

DATN (Yu et al. 2018) learns emotion (target) with help from sentiment (source): a source batch
updates only the parameters the source task owns (the shared encoder and the sentiment head), a
target batch updates everything. The paper uses two optimisers for this; here one optimiser does
the same: after a source batch's backward pass the gradients of every parameter outside
`model.source_parameter_names()` are set to None, and torch's Adam/AdamW skip parameters without a
gradient entirely (no weight decay, no momentum step, no step count), so those parameters and
their optimiser state stay bit-identical. Each parameter's Adam state then follows exactly the
batches that update it. An epoch is one pass over the target data; the source data is cycled.
`GuardedInterleavedTrainer` adds the non-finite guard (guards.py) and names the dataset of a bad batch.
"""

from __future__ import annotations

import itertools

import datasets
import numpy as np
from torch.utils.data import DataLoader, Dataset, Sampler
from transformers import Trainer

from .guards import NonFiniteGuard

ORDERS = ("source_first", "target_first")


class SourceTargetDataset(Dataset):
    """Source examples at indices [0, len(source)), target examples after them."""

    def __init__(self, source, target):
        self.source, self.target = source, target

    def __len__(self):
        return len(self.source) + len(self.target)

    def __getitem__(self, index):
        if index < len(self.source):
            return self.source[index]
        return self.target[index - len(self.source)]


class InterleavedBatchSampler(Sampler[list[int]]):
    """Batches of `SourceTargetDataset` indices: rounds of `source_batches` source batches and
    `target_batches` target batches, in `order`. One epoch covers every target example once (the
    last target batch may be short); the source examples form one endless stream of reshuffled
    passes that continues across epochs. Everything derives from (seed, epoch), so a resumed run
    sees the same batches.

    With `num_replicas` W > 1 (distributed training) each batch is a global batch of W x
    batch_size examples yielded as W consecutive per-rank slices, which accelerate deals out
    round-robin: at every step all ranks train on the same task, as the parameter masking needs.
    The target permutation is then padded to a multiple of W by repeating its first examples, as
    torch's DistributedSampler does, so every rank gets a non-empty slice."""

    def __init__(
        self,
        num_source: int,
        num_target: int,
        batch_size: int,
        *,
        source_batches: int = 1,
        target_batches: int = 1,
        order: str = "source_first",
        seed: int = 0,
        num_replicas: int = 1,
    ):
        if order not in ORDERS:
            raise ValueError(f"interleaving order must be one of {ORDERS}, got {order!r}")
        if source_batches < 0 or target_batches < 1:
            raise ValueError(
                f"interleaving ratio needs source_batches >= 0 and target_batches >= 1, got {source_batches}:{target_batches}"
            )
        if num_target < 1 or (source_batches and num_source < 1) or batch_size < 1 or num_replicas < 1:
            raise ValueError(
                f"interleaving needs examples, a positive batch size and replica count: {num_source} source, "
                f"{num_target} target, batch size {batch_size}, {num_replicas} replicas"
            )
        self.num_source, self.num_target, self.batch_size = num_source, num_target, batch_size
        self.source_batches, self.target_batches = source_batches, target_batches
        self.order, self.seed, self.epoch, self.num_replicas = order, seed, 0, num_replicas

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def _global_size(self) -> int:
        return self.batch_size * self.num_replicas

    def _padded_target(self) -> int:
        return -(-self.num_target // self.num_replicas) * self.num_replicas

    def _num_target_batches(self) -> int:
        return -(-self._padded_target() // self._global_size())

    def _rounds(self) -> int:
        return -(-self._num_target_batches() // self.target_batches)

    def __len__(self) -> int:
        return (self._num_target_batches() + self._rounds() * self.source_batches) * self.num_replicas

    def _permutation(self, stream: int, index: int, size: int) -> list[int]:
        return np.random.default_rng([self.seed, stream, index]).permutation(size).tolist()

    def _source_stream(self):
        """Source indices from where this epoch starts in the endless stream of shuffled passes."""
        start = self.epoch * self._rounds() * self.source_batches * self._global_size()
        first_pass, offset = divmod(start, self.num_source)
        for n in itertools.count(first_pass):
            yield from self._permutation(0, n, self.num_source)[offset:]
            offset = 0

    def _slices(self, global_batch: list[int]) -> list[list[int]]:
        size = len(global_batch) // self.num_replicas  # a multiple of num_replicas by construction
        return [global_batch[r * size : (r + 1) * size] for r in range(self.num_replicas)]

    def __iter__(self):
        permutation = self._permutation(1, self.epoch, self.num_target)
        target = [self.num_source + permutation[i % self.num_target] for i in range(self._padded_target())]
        step = self._global_size()
        target_batches = [target[i : i + step] for i in range(0, len(target), step)]
        source = self._source_stream() if self.source_batches else iter(())
        for r in range(self._rounds()):
            block_t = target_batches[r * self.target_batches : (r + 1) * self.target_batches]
            block_s = [list(itertools.islice(source, step)) for _ in range(self.source_batches)]
            for global_batch in (block_s + block_t) if self.order == "source_first" else (block_t + block_s):
                yield from self._slices(global_batch)


class InterleavedTrainer(Trainer):
    """A Trainer whose training batches alternate between `source_dataset` and `train_dataset` (the
    target). A batch without `labels` is a source batch: it updates only the parameters named by
    `model.source_parameter_names()`. Evaluation, checkpoints, resume and logging are the stock
    Trainer's; evaluation runs on the target task (`label_names` defaults to ["labels"])."""

    def __init__(self, *args, source_dataset, source_batches: int = 1, target_batches: int = 1,
                 order: str = "source_first", **kwargs):
        super().__init__(*args, **kwargs)
        if self.args.gradient_accumulation_steps != 1:
            raise ValueError(
                "InterleavedTrainer needs gradient_accumulation_steps=1: a source and a target batch "
                f"update different parameters, so they cannot share an optimiser step (got {self.args.gradient_accumulation_steps})"
            )
        unwrapped = self.accelerator.unwrap_model(self.model)
        if not hasattr(unwrapped, "source_parameter_names"):
            raise TypeError(f"{type(unwrapped).__name__} has no source_parameter_names(): it cannot train on a source task")
        self.source_parameters = unwrapped.source_parameter_names()
        self.source_dataset = source_dataset
        self.source_batches, self.target_batches, self.order = source_batches, target_batches, order
        if self.args.label_names is None:
            self.label_names = ["labels"]

    def get_train_dataloader(self) -> DataLoader:
        if self.train_dataset is None:
            raise ValueError("InterleavedTrainer: training requires a train_dataset (the target task)")
        sampler = InterleavedBatchSampler(
            len(self.source_dataset),
            len(self.train_dataset),
            self._train_batch_size,
            source_batches=self.source_batches,
            target_batches=self.target_batches,
            order=self.order,
            seed=self.args.data_seed if self.args.data_seed is not None else self.args.seed,
            num_replicas=self.args.world_size,
        )
        loader = DataLoader(
            SourceTargetDataset(self._model_columns(self.source_dataset, "source"),
                                self._model_columns(self.train_dataset, "training")),
            batch_sampler=sampler,
            collate_fn=self.data_collator,
            num_workers=self.args.dataloader_num_workers,
            pin_memory=self.args.dataloader_pin_memory,
        )
        return self.accelerator.prepare(loader)

    def _model_columns(self, dataset, description):
        """Drop the columns forward() does not take, as the stock Trainer does for its train set."""
        if isinstance(dataset, datasets.Dataset):
            return self._remove_unused_columns(dataset, description=description)
        return dataset

    def training_step(self, model, inputs, num_items_in_batch=None):
        source_batch = batch_dataset(inputs) == "source"
        loss = super().training_step(model, inputs, num_items_in_batch)
        if source_batch:
            for name, parameter in self.accelerator.unwrap_model(model).named_parameters():
                if name not in self.source_parameters:
                    parameter.grad = None
        return loss


def batch_dataset(inputs) -> str:
    """"source" or "target": which dataset an interleaved training batch came from (only target rows have `labels`)."""
    return "target" if "labels" in inputs else "source"


class GuardedInterleavedTrainer(NonFiniteGuard, InterleavedTrainer):
    """`InterleavedTrainer` under the non-finite guard. Example ids are positions within the dataset
    a batch came from (give `train_dataset` and `source_dataset` each an id column with
    `with_example_ids`), so a target row and a source row may share an id: every report therefore
    also names the dataset, in its message and as `report["dataset"]` ("source" or "target"). All
    ranks train the same dataset at each step, so one name covers every rank's ids."""

    def batch_origin(self, inputs) -> str:
        return batch_dataset(inputs)


__all__ = ["GuardedInterleavedTrainer", "InterleavedBatchSampler", "InterleavedTrainer", "SourceTargetDataset"]
