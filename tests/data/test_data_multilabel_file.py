"""multilabel_file: the generic builder on files the tests write, label inference, splits, bad input."""

import json
from collections import Counter

import pytest
from data_test_helpers import label_counts, write_lines
from hypothesis import given, settings
from hypothesis import strategies as st

from hf_emotion.data import DataFormatError
from hf_emotion.data.splits import stratified_split


def names_of(split):
    int2str = split.features["labels"].feature.int2str
    return [[int2str(i) for i in labels] for labels in split["labels"]]


def test_binary_columns_inferred_in_header_order(tmp_path, load):
    path = write_lines(tmp_path / "mine.csv", ["text,zest,anger", '"hi, ""you""",1,0', "grr,0,1", "meh,0,0"])
    ds = load("multilabel_file", data_files=str(path), split_fractions=None)
    train = ds["train"]
    assert train.features["labels"].feature.names == ["zest", "anger"]
    assert train["text"] == ['hi, "you"', "grr", "meh"]
    assert names_of(train) == [["zest"], ["anger"], []]
    assert train["id"] == ["mine.csv:2", "mine.csv:3", "mine.csv:4"]


@pytest.mark.parametrize(
    ("file_name", "lines"),
    [
        ("a.jsonl", [json.dumps({"text": "x", "labels": ["joy", "fear"]}), json.dumps({"text": "y", "labels": []})]),
        ("a.csv", ["text,labels", '"x","joy,fear"', "y,"]),
        ("a.tsv", ["labels\ttext", "['joy', 'fear']\tx", "[]\ty"]),
    ],
)
def test_label_list_column_with_inferred_names(tmp_path, load, file_name, lines):
    path = write_lines(tmp_path / file_name, lines)
    train = load("multilabel_file", data_files=str(path), split_fractions=None)["train"]
    assert train.features["labels"].feature.names == ["fear", "joy"]
    assert names_of(train) == [["fear", "joy"], []]


def test_explicit_splits_named_columns_and_given_names(tmp_path, load):
    header = "uid\tsentence\temotions"
    write_lines(tmp_path / "train.tsv", [header, 'u1\tshe said "wow"\tjoy|surprise', "u2\tok\t"])
    write_lines(tmp_path / "dev.tsv", [header, "u3\tno\tanger"])
    ds = load(
        "multilabel_file",
        tmp_path,
        data_files={"train": "train.tsv", "validation": "dev.tsv"},
        text_column="sentence", id_column="uid", label_column="emotions", label_delimiter="|",
        label_names=["anger", "joy", "surprise", "trust"],
    )  # fmt: skip
    assert sorted(ds) == ["train", "validation"]
    assert ds["train"]["id"] == ["u1", "u2"] and ds["train"]["text"][0] == 'she said "wow"'
    assert ds["train"].features["labels"].feature.names == ["anger", "joy", "surprise", "trust"]
    assert names_of(ds["train"]) == [["joy", "surprise"], []] and names_of(ds["validation"]) == [["anger"]]


def test_single_file_split_is_stratified_seeded_and_complete(tmp_path, load):
    rows = ["text,a,b,c"] + [f"t{i},{int(i % 2 == 0)},{int(i % 5 == 0)},{int(i % 10 == 3)}" for i in range(200)]
    path = write_lines(tmp_path / "all.csv", rows)
    ds = load("multilabel_file", data_files=str(path), seed=7)
    assert {s: d.num_rows for s, d in ds.items()} == {"train": 160, "validation": 20, "test": 20}
    assert sorted(i for d in ds.values() for i in d["id"]) == sorted(f"all.csv:{n}" for n in range(2, 202))
    totals = Counter({"a": 100, "b": 40, "c": 20})
    for split, fraction in (("train", 0.8), ("validation", 0.1), ("test", 0.1)):
        for label, count in label_counts(ds[split]).items():
            assert abs(count - fraction * totals[label]) <= 1, (split, label)
    again = load("multilabel_file", data_files=str(path), seed=7)
    assert again["test"]["id"] == ds["test"]["id"]
    assert load("multilabel_file", data_files=str(path), seed=8)["test"]["id"] != ds["test"]["id"]


@given(
    label_sets=st.lists(st.lists(st.integers(0, 4), max_size=3), min_size=1, max_size=60),
    fractions=st.sampled_from([(0.8, 0.1, 0.1), (0.7, 0.1, 0.2), (0.5, 0.5), (1.0,)]),
    seed=st.integers(0, 3),
)
@settings(max_examples=60, deadline=None)
def test_stratified_split_sizes_are_exact_and_deterministic(label_sets, fractions, seed):
    assignment = stratified_split(label_sets, fractions, seed)
    sizes = [round(f * len(label_sets)) for f in fractions]
    sizes[0] += len(label_sets) - sum(sizes)
    assert [assignment.count(s) for s in range(len(fractions))] == sizes
    assert assignment == stratified_split(label_sets, fractions, seed)


@pytest.mark.parametrize(
    ("file_name", "lines", "kwargs", "error", "message"),
    [
        ("d.csv", ["text,a,b", "x,1,0", "y,1"], {}, DataFormatError, r"d.csv:3: expected 3 comma-separated fields .* found 2"),
        ("d.csv", ["text,a,b", "x,1,0", "y,yes,0"], {}, DataFormatError, r"d.csv:3: column 'a' holds 'yes'; expected 0 or 1"),
        ("d.jsonl", ['{"text": "x", "labels": ["joy"]}', '{"text": "y", "labels": ["glee"]}'],
         {"label_names": ["joy", "fear"]}, DataFormatError, r"d.jsonl:2: unknown label 'glee'"),
        ("d.jsonl", ['{"text": "x", "labels": ["joy"]}', "{oops"], {}, DataFormatError, r"d.jsonl:2: invalid JSON"),
        ("d.jsonl", ['{"text": "x", "labels": ["joy"]}', '{"labels": ["joy"]}'], {}, DataFormatError, r"d.jsonl:2: no column 'text'"),
        ("d.jsonl", ['{"text": "x", "labels": 3}'], {}, DataFormatError, r"d.jsonl:1: column 'labels' holds 3"),
        ("d.csv", ["text,a", "x,1"], {"label_column": "a", "label_columns": ["a"]}, ValueError, "not both"),
        ("d.csv", ["text,a,a", "x,1,0"], {}, DataFormatError, r"d.csv:1: the header repeats column\(s\) a"),
        ("d.csv", ["text", "x"], {}, DataFormatError, r"d.csv:2: no label columns"),
        ("d.csv", ["text,labels", "x,"], {}, ValueError, "names no label in any file"),
        ("d.csv", ["text,a"], {}, DataFormatError, "d.csv: no data rows after the header"),
        ("d.csv", [], {}, DataFormatError, "d.csv: the file is empty"),
        ("d.xlsx", ["text,a", "x,1"], {}, DataFormatError, "unknown file type '.xlsx'"),
    ],
)  # fmt: skip
def test_bad_input_names_file_and_line(tmp_path, load, file_name, lines, kwargs, error, message):
    path = write_lines(tmp_path / file_name, lines)
    with pytest.raises(error, match=message):
        load("multilabel_file", data_files=str(path), split_fractions=None, **kwargs)


def test_files_must_share_the_label_layout(tmp_path, load):
    write_lines(tmp_path / "train.csv", ["text,a,b", "x,1,0"])
    write_lines(tmp_path / "test.csv", ["text,a,b,c", "y,0,0,1"])
    with pytest.raises(DataFormatError, match=r"test.csv:2: column 'c' is not in the first file's label columns"):
        load("multilabel_file", tmp_path, data_files={"train": "train.csv", "test": "test.csv"})


def test_missing_files_are_named(tmp_path, load):
    with pytest.raises(FileNotFoundError, match="needs data_files="):
        load("multilabel_file")
    with pytest.raises(FileNotFoundError, match="nothing.csv"):
        load("multilabel_file", data_files=str(tmp_path / "nothing.csv"))
