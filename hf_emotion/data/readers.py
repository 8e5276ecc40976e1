"""Strict readers shared by every builder in dataset_scripts/.

The corpora are small and full of traps (bare quotes in tweets, a BOM in one copy, a
trailing empty column), so the readers never guess: every row is checked and a bad
one raises `DataFormatError` naming the file, the line and what was expected, instead
of a silently shorter dataset.
"""

from __future__ import annotations

import ast
import codecs
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
    `keep_blank` (they separate dialogues in some layouts); a file with no other line is
    an error.
    """
    path = Path(path)
    quoting = csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE
    seen_any = seen_record = False
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
                seen_record = True
                if n_fields is not None and len(fields) != n_fields:
                    raise DataFormatError(
                        path, line, f"expected {n_fields} {_delimiter_name(delimiter)}-separated fields, found {len(fields)}"
                    )
                yield line, fields
        except csv.Error as err:
            raise DataFormatError(path, start, f"malformed CSV ({err})") from err
        except UnicodeDecodeError as err:
            raise _first_undecodable_line(path, err) from err
    if not seen_record:
        raise DataFormatError(path, None, "the file is empty: only blank lines" if seen_any else "the file is empty")


def _not_utf8(path: Path, line: int, err: UnicodeDecodeError) -> DataFormatError:
    """Undecodable bytes: a whole-file problem (the encoding is wrong), the first bad line in the message."""
    return DataFormatError(path, None, f"not UTF-8 text, first at line {line} (byte 0x{err.object[err.start]:02x})")


def _first_undecodable_line(path: Path, err: UnicodeDecodeError) -> DataFormatError:
    """`_not_utf8` for a file the csv reader failed on: its decoder knows only a position in a buffer,
    so the file is decoded again; lines are counted as the reader counts them (\\n, \\r\\n or \\r)."""
    data = path.read_bytes().removeprefix(codecs.BOM_UTF8)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as first:
        before = data[: first.start]
        return _not_utf8(path, before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1, first)
    return DataFormatError(path, None, f"not UTF-8 text ({err})")  # the file changed while it was read


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


INT32_LIMIT = 2**31  # the builders store ids and counts as Arrow int32


def parse_int(value: str, path: str | Path, line: int, column: str) -> int:
    """A cell of ASCII digits below 2**31 (an id or a count); anything else, including the signs,
    spaces, underscores and non-ASCII digits that int() would take, is an error naming the cell."""
    if not (value.isascii() and value.isdigit() and int(value) < INT32_LIMIT):
        raise DataFormatError(path, line, f"column {column!r} holds {value!r}; expected a whole number from 0 to {INT32_LIMIT - 1}")
    return int(value)


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


def check_unicode(value: Any, path: str | Path, line: int | None, field: str) -> None:
    """Refuse a string holding a lone surrogate (a JSON "\\ud800" escape, text pickled by Python):
    it is not Unicode text and Arrow cannot store it. A list is checked item by item."""
    if isinstance(value, (list, tuple)):
        for item in value:
            check_unicode(item, path, line, field)
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as err:
            raise DataFormatError(
                path, line, f"{field} holds the lone surrogate {value[err.start]!r} at character {err.start}, which is not Unicode text"
            ) from None


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are unique (json.loads would keep the last value of a repeated key)."""
    record = dict(pairs)
    if len(record) != len(pairs):
        repeated = next(key for key, _ in pairs if sum(k == key for k, _ in pairs) > 1)
        raise ValueError(f"key {repeated!r} repeats")
    return record


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def read_jsonl(path: str | Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield `(line_number, object)` for each non-blank line of a JSON Lines file (UTF-8, a BOM
    allowed). Strict JSON: a repeated key, NaN/Infinity or a lone surrogate is an error."""
    path = Path(path)
    seen_any = False
    with open(path, "rb") as handle:
        for line_number, raw in enumerate(handle, start=1):
            if line_number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8) :]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as err:
                raise _not_utf8(path, line_number, err) from err
            if not text.strip():
                continue
            seen_any = True
            try:
                record = json.loads(text, object_pairs_hook=_json_object, parse_constant=_no_constant)
            except json.JSONDecodeError as err:
                raise DataFormatError(path, line_number, f"invalid JSON ({err.msg})") from err
            except ValueError as err:  # from the hooks above, or a number too long for int()
                raise DataFormatError(path, line_number, f"invalid JSON ({err})") from err
            if not isinstance(record, dict):
                raise DataFormatError(path, line_number, f"expected a JSON object, found {type(record).__name__}")
            for key, value in record.items():
                check_unicode(key, path, line_number, "a key")
                check_unicode(value, path, line_number, f"key {key!r}")
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
    if not all(c.strip() for c in header):  # e.g. the unnamed index column pandas writes
        raise DataFormatError(path, header_line, f"column {[c.strip() for c in header].index('') + 1} of the header has no name")
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
        except Exception as err:  # corrupt bytes raise anything from IndexError to MemoryError; pickle lists no closed set
            raise DataFormatError(path, None, f"not a readable pickle ({type(err).__name__}: {err})") from err
