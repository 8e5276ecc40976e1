"""train_lem on a train split that is only a stream (an IterableDataset from a generator, never a
table in memory): `max_steps` bounds the run, an epoch is one pass, so the phase schedule and the
per-epoch evaluation work as on a table."""

import pytest
from datasets import DatasetDict, IterableDataset

from training.lem_runs import tiny_data, tiny_setup

from hf_emotion.training.lem import train_lem


def streamed(data: DatasetDict) -> DatasetDict:
    table = data["train"]

    def rows():
        yield from table

    stream = IterableDataset.from_generator(rows, features=table.features)
    return DatasetDict(train=stream, validation=data["validation"])


def test_train_lem_streams_the_train_split(tmp_path):
    result = train_lem(streamed(tiny_data()), tmp_path / "out", tiny_setup(tmp_path, max_steps=20))
    record = result.record
    assert record["phase_history"] == ["vae", "vae", "joint", "joint", "vae"]  # 5 passes of 4 batches
    assert record["vocab_size"] > 10 and 0 <= record["dev_metrics"]["micro_f1"] <= 1
    assert (tmp_path / "out" / "model.safetensors").is_file()


def test_a_stream_needs_max_steps(tmp_path):
    with pytest.raises(ValueError, match="IterableDataset .* set LemTrainingSetup.max_steps"):
        train_lem(streamed(tiny_data()), tmp_path / "out", tiny_setup(tmp_path))
