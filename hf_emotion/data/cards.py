"""Dataset cards are the single source of a corpus's description, citation and licence.

Each builder's `README.md` (YAML header + markdown with `## Description` and a
```` ```bibtex ```` block under `## Citation`) feeds both the builder's `DatasetInfo`
and the card written by `export_parquet`, so the two can never disagree.
"""

from __future__ import annotations

import re
from pathlib import Path

import datasets
from huggingface_hub import DatasetCard


def read_card(builder_file: str | Path) -> DatasetCard:
    """The card (README.md) that sits beside a builder module."""
    path = Path(builder_file).with_name("README.md")
    if not path.is_file():
        raise FileNotFoundError(f"dataset card {path} is missing: every builder ships one")
    return DatasetCard.load(path)


def _section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S)
    return match.group(1).strip() if match else ""


def card_info(builder_file: str | Path, features: datasets.Features) -> datasets.DatasetInfo:
    """`DatasetInfo` for a builder, with description, citation and licence taken from its card."""
    card = read_card(builder_file)
    bibtex = re.search(r"```bibtex\n(.*?)```", _section(card.text, "Citation"), flags=re.S)
    return datasets.DatasetInfo(
        description=_section(card.text, "Description"),
        citation=bibtex.group(1).strip() if bibtex else "",
        license=str(card.data.get("license") or ""),
        features=features,
    )
