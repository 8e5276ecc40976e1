"""iemocap: synthetic files in both layouts (the corpus is licensed), the safe unpickler, bad input."""

import logging
import pickle

import pytest
from data_test_helpers import write_lines

from hf_emotion.data import DataFormatError


def erc_pickle(with_features=False, **changes):
    """A made-up dialogue set in the ERC pickle layout."""
    parts = {
        "speakers": {"Ses01_a": ["M", "F", "M"], "Ses02_b": ["F", "M"], "Ses05_c": ["M"]},
        "labels": {"Ses01_a": [0, 5, 2], "Ses02_b": [3, 4], "Ses05_c": [1]},
        "sentences": {"Ses01_a": ["Hello there.", "Ugh, again?", "Okay."], "Ses02_b": ["Stop it!", "Wow!"], "Ses05_c": ["Sigh."]},
        "train": ["Ses01_a"], "test": ["Ses05_c"], "validation": ["Ses02_b"],
    }  # fmt: skip
    parts.update(changes)
    features = [{k: [[0.1, 0.2]] * len(v) for k, v in parts["labels"].items()}] * 3 if with_features else []
    return [parts["speakers"], parts["labels"], *features, parts["sentences"], parts["train"], parts["test"], parts["validation"]]


def dump(folder, data, name="iemocap.pkl"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(pickle.dumps(data))


@pytest.mark.parametrize("with_features", [False, True])
def test_pickle_layouts(tmp_path, load, caplog, with_features):
    dump(tmp_path / "d", erc_pickle(with_features))
    with caplog.at_level(logging.INFO):
        ds = load("iemocap", tmp_path / "d")
    assert ("with features" if with_features else "text-only") in caplog.text
    assert {s: d["dialogue_id"] for s, d in ds.items()} == {"train": ["Ses01_a"], "validation": ["Ses02_b"], "test": ["Ses05_c"]}
    first = ds["train"][0]
    assert first["speakers"] == ["M", "F", "M"] and first["utterances"][1] == "Ugh, again?"
    names = ds["train"].features["emotions"].feature.names
    assert [names[e] for e in first["emotions"]] == ["happiness", "frustration", "neutral"]


def test_text_layout(tmp_path, load):
    write_lines(tmp_path / "train.tsv", ["A\tHi.\thap", "B\tHey \"you\".\tneu", "", "", "A\tNo.\tang"])
    write_lines(tmp_path / "validation.tsv", ["A\tYes.\texc"])
    write_lines(tmp_path / "test.tsv", ["B\tMeh.\tfru"])
    ds = load("iemocap", tmp_path, "text")
    train = ds["train"]
    assert train["dialogue_id"] == ["train_0", "train_1"]
    assert train["utterances"] == [["Hi.", 'Hey "you".'], ["No."]]
    assert train["emotions"] == [[0, 2], [3]]
    assert ds["test"]["emotions"] == [[5]]


class Boom:
    def __reduce__(self):
        return (print, ("pwned",))


def test_unpickler_refuses_every_class(tmp_path, load, capsys):
    dump(tmp_path, [Boom()])
    with pytest.raises(DataFormatError, match="refusing to load builtins.print"):
        load("iemocap", tmp_path)
    assert "pwned" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (erc_pickle()[:5], "expected a 6-item list .* found a 5-item list"),
        (erc_pickle(validation=["Ses01_a", "Ses02_b"]), "dialogue 'Ses01_a' is in both train and validation"),
        (erc_pickle(validation=[]), "dialogues in no split: Ses02_b"),
        (erc_pickle(labels={"Ses01_a": [0, 5], "Ses02_b": [3, 4], "Ses05_c": [1]}), "'Ses01_a' has 3 speakers, 2 labels"),
        (erc_pickle(labels={"Ses01_a": [0, 6, 2], "Ses02_b": [3, 4], "Ses05_c": [1]}), "'Ses01_a', utterance 1: label 6"),
    ],
)
def test_bad_pickles_name_the_problem(tmp_path, load, data, message):
    dump(tmp_path, data)
    with pytest.raises(DataFormatError, match=message):
        load("iemocap", tmp_path)


def test_bad_text_lines_and_missing_files(tmp_path, load):
    with pytest.raises(FileNotFoundError, match="lacks <one \\*.pkl file>"):
        load("iemocap", tmp_path)
    dump(tmp_path, erc_pickle(), "a.pkl")
    dump(tmp_path, erc_pickle(), "b.pkl")
    with pytest.raises(FileNotFoundError, match="several pickles \\(a.pkl, b.pkl\\); pass pickle_file="):
        load("iemocap", tmp_path)
    assert load("iemocap", tmp_path, pickle_file="b.pkl")["test"].num_rows == 1
    write_lines(tmp_path / "train.tsv", ["A\tHi.\thap", "B\tHey.\tjoy"])
    with pytest.raises(FileNotFoundError, match="lacks validation.tsv, test.tsv"):
        load("iemocap", tmp_path, "text")
    write_lines(tmp_path / "validation.tsv", ["A\tYes.\texc"])
    write_lines(tmp_path / "test.tsv", ["B\tMeh.\tfru\textra"])
    with pytest.raises(DataFormatError, match=r"train.tsv:2: column 'label' holds 'joy'"):
        load("iemocap", tmp_path, "text")
    write_lines(tmp_path / "train.tsv", ["A\tHi.\thap"])
    with pytest.raises(DataFormatError, match=r"test.tsv:1: expected speaker<TAB>utterance<TAB>label, found 4 fields"):
        load("iemocap", tmp_path, "text")
