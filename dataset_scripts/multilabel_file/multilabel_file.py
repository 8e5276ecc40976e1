"""Any user file as a multi-label emotion dataset: how `hf-emotion train` takes data it has never seen.

A CSV, TSV or JSON Lines file with a text column and the labels either as one 0/1
column per label or as one column holding a list (or a delimited string) of label
names. Label names are given or inferred (the 0/1 columns in header order, or the sorted
names found). Explicit train/validation/test files are used as they are; a single file
is split, seeded and label-stratified.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import datasets

from hf_emotion.data.cards import card_info
from hf_emotion.data.readers import DataFormatError, parse_binary, parse_label_names, read_records
from hf_emotion.data.splits import SPLIT_NAMES, stratified_split

CORPUS_FOLDER = None  # always the user's own files
LIST_COLUMN_DEFAULT = "labels"


@dataclass
class MultilabelFileConfig(datasets.BuilderConfig):
    """Column mapping and split options; see the dataset card for the inference rules."""

    text_column: str = "text"
    id_column: str | None = None
    label_columns: list[str] | None = None
    label_column: str | None = None
    label_names: list[str] | None = None
    label_delimiter: str = ","
    split_fractions: tuple[float, ...] | None = (0.8, 0.1, 0.1)
    seed: int = 0


class MultilabelFile(datasets.GeneratorBasedBuilder):
    BUILDER_CONFIG_CLASS = MultilabelFileConfig
    BUILDER_CONFIGS = [MultilabelFileConfig(name="default")]

    def _info(self) -> datasets.DatasetInfo:
        # The files are read here: inferred label names must be known for the ClassLabel feature.
        self._splits, names = read_user_files(self.config)
        features = datasets.Features(
            {
                "id": datasets.Value("string"),
                "text": datasets.Value("string"),
                "labels": datasets.List(datasets.ClassLabel(names=names)),
            }
        )
        return card_info(__file__, features)

    def _split_generators(self, dl_manager):
        return [
            datasets.SplitGenerator(name=split, gen_kwargs={"examples": examples})
            for split, examples in self._splits.items()
            if examples
        ]

    def _generate_examples(self, examples):
        for example in examples:
            yield example["id"], example


def read_user_files(config: MultilabelFileConfig) -> tuple[dict[str, list[dict]], list[str]]:
    """Split name -> examples (labels as ids) and the label names, after checking every row.

    The label layout is decided once, from the first row of the first file, and every
    other row of every file must follow it.
    """
    if not config.data_files:
        raise FileNotFoundError(
            "multilabel_file needs data_files=: a CSV/TSV/JSONL path, or {'train': ..., 'validation': ..., 'test': ...}"
        )
    if config.label_column and config.label_columns:
        raise ValueError("pass either label_column (one list column) or label_columns (0/1 columns), not both")
    if config.label_columns and config.label_names and list(config.label_columns) != list(config.label_names):
        raise ValueError("with 0/1 columns the label names are the column names: pass label_columns or label_names, not both")
    layout = None
    raw: dict[str, list[tuple]] = {}
    for split, paths in config.data_files.items():
        raw[split] = []
        for path in map(Path, paths):
            before = len(raw[split])
            for line, record in read_records(path):
                layout = layout or _label_layout(path, line, record, config)
                raw[split].append(_parse_row(path, line, record, config, layout))
            if len(raw[split]) == before:
                raise DataFormatError(path, None, "no data rows after the header")
    list_column, binary_columns = layout
    names = list(config.label_names or binary_columns or sorted({n for rows in raw.values() for *_, labels in rows for n in labels}))
    if not names:
        files = ", ".join(str(path) for paths in config.data_files.values() for path in paths)
        raise DataFormatError(files, None, f"column {list_column!r} names no label in any file; pass label_names=")
    index = {name: i for i, name in enumerate(names)}
    splits = {}
    for split, rows in raw.items():
        examples = []
        for path, line, example_id, text, labels in rows:
            unknown = [n for n in labels if n not in index]
            if unknown:
                raise DataFormatError(path, line, f"unknown label {unknown[0]!r}; label_names are {names}")
            examples.append({"id": example_id, "text": text, "labels": sorted(index[n] for n in labels)})
        splits[split] = examples
    if len(splits) == 1 and config.split_fractions is not None:
        (examples,) = splits.values()
        assignment = stratified_split([e["labels"] for e in examples], config.split_fractions, config.seed)
        splits = {name: [e for e, s in zip(examples, assignment) if s == i] for i, name in enumerate(SPLIT_NAMES)}
    return splits, names


def _label_layout(path: Path, line: int, record: dict[str, Any], config: MultilabelFileConfig):
    """(list column, None) or (None, 0/1 columns): from the config, else a `labels` column,
    else every column besides the text and id columns."""
    if config.label_column:
        return config.label_column, None
    if config.label_columns:
        return None, list(config.label_columns)
    if LIST_COLUMN_DEFAULT in record:
        return LIST_COLUMN_DEFAULT, None
    if config.label_names:
        return None, list(config.label_names)
    columns = [c for c in record if c not in (config.text_column, config.id_column)]
    if not columns:
        raise DataFormatError(path, line, f"no label columns besides {config.text_column!r}; pass label_column= or label_columns=")
    return None, columns


def _parse_row(path: Path, line: int, record: dict[str, Any], config: MultilabelFileConfig, layout) -> tuple:
    """(path, line, id, text, label names) of one row."""
    list_column, binary_columns = layout
    needed = [config.text_column, config.id_column, list_column, *(binary_columns or [])]
    missing = [c for c in needed if c and c not in record]
    if missing:
        raise DataFormatError(path, line, f"no column {missing[0]!r} (columns: {', '.join(record)})")
    if binary_columns and not (config.label_columns or config.label_names):
        extra = [c for c in record if c not in needed]
        if extra:
            raise DataFormatError(path, line, f"column {extra[0]!r} is not in the first file's label columns {binary_columns}")
    if list_column:
        labels = parse_label_names(record[list_column], config.label_delimiter, path, line, list_column)
    else:
        labels = [c for c in binary_columns if parse_binary(record[c], path, line, c)]
    text = record[config.text_column]
    if not isinstance(text, str):
        raise DataFormatError(path, line, f"column {config.text_column!r} holds {text!r}; expected text")
    if config.id_column:
        example_id = record[config.id_column]
        if isinstance(example_id, bool) or not isinstance(example_id, (str, int)):  # JSON null or 1.5 is no id
            raise DataFormatError(path, line, f"column {config.id_column!r} holds {example_id!r}; expected a string or an integer id")
    else:
        example_id = f"{path.name}:{line}"
    return path, line, str(example_id), text, labels
