"""Fixtures for the dataset tests: every load goes to a per-test Arrow cache."""

import pytest


@pytest.fixture
def load(tmp_path):
    """`hf_emotion.data.load_dataset` with the cache in tmp_path."""
    from hf_emotion.data import load_dataset

    def _load(name, data_dir=None, config_name=None, **kwargs):
        return load_dataset(name, data_dir=data_dir, config_name=config_name, cache_dir=tmp_path / "cache", **kwargs)

    return _load

