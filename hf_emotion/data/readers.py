"""Strict readers shared by every builder in dataset_scripts/.

The corpora are small and full of traps (bare quotes in tweets, a BOM in one copy, a
trailing empty column), so the readers never guess: every row is checked and a bad
one raises `DataFormatError` naming the file, the line and what was expected, instead
of a silently shorter dataset.
"""

from __future__ import annotations

import ast
import csv
import json
import pickle
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any


class DataFormatError(ValueError):
    """A corpus file does not have the documented format; the message says where and what."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")


def require_files(data_dir: str | Path | None, names: Sequence[str], what: str) -> dict[str, Path]:
    """Check that `data_dir` holds every file in `names`; the error lists what `what` expects."""
    expected = ", ".join(names)
    if data_dir is None:
        raise FileNotFoundError(f"{what}: no data_dir given; it expects a folder holding {expected}")
    folder = Path(data_dir)
    if not folder.is_dir():
        raise FileNotFoundError(f"{what}: data_dir {folder} does not exist; it expects a folder holding {expected}")
    missing = [n for n in names if not (folder / n).is_file()]
    if missing:
        raise FileNotFoundError(f"{what}: {folder} lacks {', '.join(missing)} (expected files: {expected})")
    return {n: folder / n for n in names}


def read_delimited(
    path: str | Path,
    *,
    delimiter: str = "\t",
    quoted: bool = False,
    n_fields: int | None = None,
    keep_blank: bool = False,
) -> Iterator[tuple[int, list[str]]]:
    """Yield `(line_number, fields)` for each record of a delimited text file.

    `quoted=False` reads with quoting disabled (tweets hold bare `"` that CSV quoting
    would swallow, merging rows); `quoted=True` is standard CSV. With `n_fields`, a
    record with another field count is an error. A leading UTF-8 BOM is ignored (one
    public copy of SemEval-2018 Arabic dev has it). Blank lines are skipped unless
    `keep_blank` (they separate dialogues in some layouts); an empty file is an error.
    """
    path = Path(path)
    quoting = csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE
    seen_any = False
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter, quoting=quoting, strict=quoted)
        start = 1
        try:
            for fields in reader:
                line, start = start, reader.line_num + 1
                seen_any = True
                if not fields or (len(fields) == 1 and not fields[0].strip()):
                    if keep_blank:
                        yield line, []
                    continue
                if n_fields is not None and len(fields) != n_fields:
                    raise DataFormatError(
                        path, line, f"expected {n_fields} {_delimiter_name(delimiter)}-separated fields, found {len(fields)}"
                    )
                yield line, fields
        except csv.Error as err:
            raise DataFormatError(path, start, f"malformed CSV ({err})") from err
        except UnicodeDecodeError as err:
            raise DataFormatError(path, None, f"not UTF-8 text ({err})") from err
    if not seen_any:
        raise DataFormatError(path, None, "the file is empty")


def _delimiter_name(delimiter: str) -> str:
    return {"\t": "tab", ",": "comma"}.get(delimiter, repr(delimiter))


def read_with_header(
    path: str | Path, header: Sequence[str], *, delimiter: str = "\t", quoted: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """Like `read_delimited`, for files whose first row must be exactly `header` (column order
    carries meaning, e.g. label ids); a file with a header but no data rows is an error too."""
    rows = read_delimited(path, delimiter=delimiter, quoted=quoted, n_fields=len(header))
    header_line, found = next(rows)
    if found != list(header):
        raise DataFormatError(path, header_line, f"header {found} differs from the expected {list(header)}")
    empty = True
    for line, fields in rows:
        empty = False
        yield line, fields
    if empty:
        raise DataFormatError(path, None, "no data rows after the header")


def parse_binary(value: Any, path: str | Path, line: int, column: str) -> int:
    """A 0/1 label cell (text, int or bool) as an int; anything else is an error naming the cell."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value in (0, 1):
        return value
    if isinstance(value, str) and value.strip() in ("0", "1"):
        return int(value.strip())
    raise DataFormatError(path, line, f"column {column!r} holds {value!r}; expected 0 or 1")


def parse_int(value: str, path: str | Path, line: int, column: str) -> int:
    """An integer cell; anything else is an error naming the cell."""
    try:
        return int(value)
    except ValueError:
        raise DataFormatError(path, line, f"column {column!r} holds {value!r}; expected an integer") from None


def parse_choice(value: str, choices: Sequence[str], path: str | Path, line: int, column: str) -> str:
    """A cell that must be one of `choices` (a class name)."""
    if value not in choices:
        raise DataFormatError(path, line, f"column {column!r} holds {value!r}; expected one of {', '.join(choices)}")
    return value


def parse_label_names(value: Any, delimiter: str, path: str | Path, line: int, column: str) -> list[str]:
    """Label names from a list cell: a JSON/Python list, a list literal in text, or a delimited string.

    Repeated names in one cell count once; an empty cell means no label.
    """
    if isinstance(value, str) and value.strip().startswith("["):
        try:
            value = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError) as err:
            raise DataFormatError(path, line, f"column {column!r} holds {value!r}, not a valid list literal") from err
    if isinstance(value, str):
        names = [part.strip() for part in value.split(delimiter)] if value.strip() else []
    elif isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        names = [v.strip() for v in value]
    else:
        raise DataFormatError(
            path, line, f"column {column!r} holds {value!r}; expected a list of label names or a {delimiter!r}-delimited string"
        )
    if any(not n for n in names):
        raise DataFormatError(path, line, f"column {column!r} holds an empty label name in {value!r}")
    return list(dict.fromkeys(names))


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield `(line_number, object)` for each non-blank line of a JSON Lines file."""
    path = Path(path)
    seen_any = False
    with open(path, encoding="utf-8-sig") as handle:
        for line_number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            seen_any = True
            try:
                record = json.loads(raw)
            except json.JSONDecodeError as err:
                raise DataFormatError(path, line_number, f"invalid JSON ({err.msg})") from err
            if not isinstance(record, dict):
                raise DataFormatError(path, line_number, f"expected a JSON object, found {type(record).__name__}")
            yield line_number, record
    if not seen_any:
        raise DataFormatError(path, None, "the file is empty")


RECORD_FORMATS = {".csv": ",", ".tsv": "\t", ".txt": "\t", ".jsonl": None, ".json": None}


def read_records(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield `(line_number, {column: value})` from a user's CSV (quoted), TSV/TXT (tab-separated,
    quoting off, as tweets need) or JSON Lines file; delimited files need a header row."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in RECORD_FORMATS:
        raise DataFormatError(path, None, f"unknown file type {suffix!r}; expected one of {', '.join(RECORD_FORMATS)}")
    delimiter = RECORD_FORMATS[suffix]
    if delimiter is None:
        yield from read_jsonl(path)
        return
    rows = read_delimited(path, delimiter=delimiter, quoted=delimiter == ",")
    header_line, header = next(rows)
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        raise DataFormatError(path, header_line, f"the header repeats column(s) {', '.join(repeated)}")
    for line, fields in rows:
        if len(fields) != len(header):
            raise DataFormatError(
                path, line, f"expected {len(header)} {_delimiter_name(delimiter)}-separated fields (as the header), found {len(fields)}"
            )
        yield line, dict(zip(header, fields))


class _NoClassesUnpickler(pickle.Unpickler):
    """Refuses every class and function: a corpus pickle may hold only built-in containers and scalars,
    so a crafted file cannot run code on load."""

    def find_class(self, module: str, name: str):
        raise pickle.UnpicklingError(
            f"refusing to load {module}.{name}: corpus pickles may hold only lists, dicts, tuples, "
            "strings and numbers (convert arrays to lists first)"
        )


def load_plain_pickle(path: str | Path) -> Any:
    """Unpickle a file that may contain only plain built-in types (see `_NoClassesUnpickler`)."""
    path = Path(path)
    with open(path, "rb") as handle:
        try:
            return _NoClassesUnpickler(handle, encoding="latin1").load()
        except pickle.UnpicklingError as err:
            raise DataFormatError(path, None, str(err)) from err
        except EOFError as err:
            raise DataFormatError(path, None, "the file is empty or truncated") from err
