"""Turn any loaded corpus into a folder the Hub serves as-is: Parquet shards plus a dataset card.

The card's YAML carries `configs` (which files make which split) and `dataset_info`
(features with ClassLabel names, split sizes), the two fields the Hub and
`datasets.load_dataset(<repo>)` read, so the pushed dataset loads with the same
features without hf_emotion. Upload with
`huggingface_hub.HfApi().upload_folder(folder_path=out_dir, repo_id=..., repo_type="dataset")`.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import datasets
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard

from .cards import read_card
from .loading import builder_class, load_builder_module, load_dataset

MAX_SHARD_BYTES = 500 * 1024 * 1024


def export_parquet(
    dataset: str | datasets.DatasetDict,
    out_dir: str | Path,
    *,
    name: str | None = None,
    config_name: str | None = None,
    data_dir: str | Path | None = None,
    cache_dir: str | Path | None = None,
    max_shard_bytes: int = MAX_SHARD_BYTES,
    **builder_kwargs: Any,
) -> Path:
    """Write `out_dir/README.md` and the Parquet shards of one configuration; returns `out_dir`.

    `dataset` is a corpus name (loaded with `load_dataset(dataset, data_dir, config_name,
    cache_dir, **builder_kwargs)`) or a `DatasetDict`; `name` picks the card of a builder
    for a DatasetDict. The builder's default configuration goes to `data/<split>-*.parquet`,
    another one to `data/<config>/<split>-*.parquet`; exporting several configurations
    into the same folder adds each to the card.
    """
    if isinstance(dataset, str):
        name = dataset
        dataset = load_dataset(name, data_dir, config_name, cache_dir, **builder_kwargs)
    if not isinstance(dataset, datasets.DatasetDict) or not dataset:
        raise TypeError(f"expected a corpus name or a non-empty DatasetDict, got {type(dataset).__name__}")
    out_dir = Path(out_dir)
    default_config = builder_class(name).DEFAULT_CONFIG_NAME if name else None
    config = config_name or default_config or "default"
    is_default = config in (default_config, "default")
    relative = "data" if is_default else f"data/{config}"
    (out_dir / relative).mkdir(parents=True, exist_ok=True)

    splits = datasets.SplitDict()
    for split, ds in dataset.items():
        shards = max(1, math.ceil(ds.data.nbytes / max_shard_bytes))
        for old in (out_dir / relative).glob(f"{split}-*.parquet"):
            old.unlink()
        for i in range(shards):
            ds.shard(shards, i, contiguous=True).to_parquet(str(out_dir / relative / f"{split}-{i:05d}-of-{shards:05d}.parquet"))
        splits.add(datasets.SplitInfo(name=split, num_examples=ds.num_rows, num_bytes=ds.data.nbytes))

    card = _card(out_dir, name)
    entry: dict[str, Any] = {"data_files": [{"split": s, "path": f"{relative}/{s}-*"} for s in dataset]}
    if is_default:
        entry["default"] = True
    MetadataConfigs({config: entry}).to_dataset_card_data(card.data)
    first = next(iter(dataset.values()))
    info = datasets.DatasetInfo(features=first.features, splits=splits, dataset_size=sum(s.num_bytes for s in splits.values()))
    DatasetInfosDict({config: info}).to_dataset_card_data(card.data)
    card.save(out_dir / "README.md")
    return out_dir


def _card(out_dir: Path, name: str | None) -> DatasetCard:
    """The folder's existing card (to add a configuration), else the builder's card, else a stub."""
    if (out_dir / "README.md").is_file():
        return DatasetCard.load(out_dir / "README.md")
    if name:
        return read_card(load_builder_module(name).__file__)
    return DatasetCard("---\n---\n\n# Dataset\n\nExported with hf_emotion.data.export_parquet.\n")
