"""semeval2016_task4a: exact counts, the two file formats, duplicates kept, bad input."""

from collections import Counter

import pytest
from data_test_helpers import label_counts, write_lines

from hf_emotion.data import DataFormatError, load_dataset

FILES = {s: f"twitter-2016{s}-A.tsv" for s in ("train", "dev", "devtest", "test")}


@pytest.fixture(scope="module")
def real(data_root, tmp_path_factory):
    return load_dataset("semeval2016_task4a", data_dir=data_root / "semeval2016_4a", cache_dir=tmp_path_factory.mktemp("c"))


@pytest.mark.real_data
def test_real_counts_match_source(real):
    counts = {split: label_counts(ds, "label") for split, ds in real.items()}
    assert counts == {
        "train": {"negative": 863, "neutral": 2043, "positive": 3094},
        "validation": {"negative": 391, "neutral": 765, "positive": 843},
        "devtest": {"negative": 325, "neutral": 681, "positive": 994},
        "test": {"negative": 3231, "neutral": 10342, "positive": 7059},
    }
    assert {s: d.num_rows for s, d in real.items()} == {"train": 6000, "validation": 1999, "devtest": 2000, "test": 20632}


@pytest.mark.real_data
def test_real_duplicate_ids_are_kept(real):
    def duplicated(ds):
        return sum(1 for n in Counter(ds["id"]).values() if n > 1)

    def identical(ds):
        return sum(1 for n in Counter(zip(ds["id"], ds["label"], ds["text"])).values() if n > 1)

    assert {s: duplicated(d) for s, d in real.items()} == {"train": 24, "validation": 2, "devtest": 2, "test": 76}
    assert identical(real["train"]) == 18 and identical(real["test"]) == 51


@pytest.mark.real_data
def test_real_test_quotes_are_unwrapped_and_times_kept(real):
    test = real["test"]
    assert not any(t.startswith('"') and t.endswith('"') for t in test["text"])
    assert sum(1 for t in test["created_at"] if t) == 10
    assert any('"' in t for t in real["train"]["text"])  # bare quotes survive in the unquoted files


def write_corpus(folder, test_lines=None):
    write_lines(folder / FILES["train"], ['1\tpositive\tsaid "hi', "2\tneutral\tplain", '1\tpositive\tsaid "hi'])
    write_lines(folder / FILES["dev"], ["3\tnegative\tmeh"])
    write_lines(folder / FILES["devtest"], ["4\tneutral\tok"])
    write_lines(folder / FILES["test"], test_lines or ['5\tpositive\t"quoted ""inner"" text"\t', "6\tnegative\tbare\t"])


def test_fixture_formats_and_duplicates(tmp_path, load):
    write_corpus(tmp_path)
    ds = load("semeval2016_task4a", tmp_path)
    assert ds["train"]["id"] == ["1", "2", "1"]  # the duplicate stays
    assert ds["train"]["text"][0] == 'said "hi'
    assert ds["test"]["text"] == ['quoted "inner" text', "bare"]
    assert ds["validation"].features["label"].names == ["negative", "neutral", "positive"]
    assert ds["validation"]["label"] == [0]


@pytest.mark.parametrize(
    ("test_lines", "message"),
    [
        (["5\tpositive\ttext"], r"twitter-2016test-A.tsv:1: expected 4 tab-separated fields, found 3"),
        (["5\tpositive\ttext\t", "6\tjoyful\ttext\t"], r"twitter-2016test-A.tsv:2: column 'label' holds 'joyful'; expected one of negative"),
        (["5\tpositive\ttext\tsomething else"], r"twitter-2016test-A.tsv:1: the 4th field holds 'something else'"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, load, test_lines, message):
    write_corpus(tmp_path, test_lines)
    with pytest.raises(DataFormatError, match=message):
        load("semeval2016_task4a", tmp_path)


def test_missing_file_is_named(tmp_path, load):
    write_corpus(tmp_path)
    (tmp_path / FILES["devtest"]).unlink()
    with pytest.raises(FileNotFoundError, match="lacks twitter-2016devtest-A.tsv"):
        load("semeval2016_task4a", tmp_path)
