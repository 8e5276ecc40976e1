"""meld: exact counts on the real CSVs, dialogue grouping on fixtures, bad input."""

from collections import Counter

import pytest
from data_test_helpers import label_counts, write_lines

from hf_emotion.data import DataFormatError, load_dataset

HEADER = "Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime"
FILES = {"train": "train_sent_emo.csv", "validation": "dev_sent_emo.csv", "test": "test_sent_emo.csv"}


@pytest.fixture(scope="module")
def real(data_root, tmp_path_factory):
    cache = tmp_path_factory.mktemp("c")
    return {c: load_dataset("meld", data_dir=data_root / "meld", config_name=c, cache_dir=cache) for c in ("dialogues", "utterances")}


@pytest.mark.real_data
def test_real_utterance_counts_match_source(real):
    utterances = real["utterances"]
    assert {s: d.num_rows for s, d in utterances.items()} == {"train": 9989, "validation": 1109, "test": 2610}
    assert label_counts(utterances["train"], "emotion") == {
        "neutral": 4710, "joy": 1743, "surprise": 1205, "anger": 1109, "sadness": 683, "disgust": 271, "fear": 268
    }  # fmt: skip
    assert label_counts(utterances["validation"], "emotion") == {
        "neutral": 470, "anger": 153, "joy": 163, "surprise": 150, "sadness": 111, "fear": 40, "disgust": 22
    }  # fmt: skip
    assert label_counts(utterances["test"], "emotion") == {
        "neutral": 1256, "joy": 402, "anger": 345, "surprise": 281, "sadness": 208, "disgust": 68, "fear": 50
    }  # fmt: skip
    sentiments = {s: label_counts(d, "sentiment") for s, d in utterances.items()}
    assert sentiments == {
        "train": {"negative": 2945, "neutral": 4710, "positive": 2334},
        "validation": {"negative": 406, "neutral": 470, "positive": 233},
        "test": {"negative": 833, "neutral": 1256, "positive": 521},
    }
    for split in utterances.values():
        assert len(set(zip(split["dialogue_id"], split["utterance_id"]))) == split.num_rows


@pytest.mark.real_data
def test_real_dialogues_group_every_utterance(real):
    dialogues, utterances = real["dialogues"], real["utterances"]
    assert {s: d.num_rows for s, d in dialogues.items()} == {"train": 1038, "validation": 114, "test": 280}
    train_ids = set(dialogues["train"]["dialogue_id"])
    assert 60 not in train_ids and train_ids == set(range(1039)) - {60}
    for split, ds in dialogues.items():
        assert sum(len(u) for u in ds["utterances"]) == utterances[split].num_rows
        assert Counter(e for es in ds["emotions"] for e in es) == Counter(utterances[split]["emotion"])
        assert all(ids == sorted(ids) for ids in ds["utterance_ids"])


def utterance(sr, text, speaker, emotion, sentiment, dia, utt, season="1", episode="2"):
    return f'{sr},"{text}",{speaker},{emotion},{sentiment},{dia},{utt},{season},{episode},"00:00:01,000","00:00:02,000"'


def write_meld(folder, train_rows):
    write_lines(folder / FILES["train"], [HEADER, *train_rows], newline="\r\n")
    write_lines(folder / FILES["validation"], [HEADER, utterance(1, "Hi.", "A", "joy", "positive", 0, 0)], newline="\r\n")
    write_lines(folder / FILES["test"], [HEADER, utterance(1, "Bye.", "B", "fear", "negative", 0, 0)], newline="\r\n")


def test_fixture_dialogues_sorted_and_keyed_per_split(tmp_path, load):
    write_meld(
        tmp_path,
        [
            utterance(1, 'Well, ""fine"".', "Ross", "anger", "negative", 3, 1),
            utterance(2, "Sure, sure.", "Rachel", "neutral", "neutral", 0, 0),
            utterance(3, "What, really?", "Ross", "surprise", "positive", 3, 0),
            utterance(4, "Gap before me.", "Joey", "joy", "positive", 3, 4),
        ],
    )
    ds = load("meld", tmp_path)
    train = ds["train"]
    assert train["dialogue_id"] == [3, 0]
    assert train[0]["utterance_ids"] == [0, 1, 4]
    assert train[0]["speakers"] == ["Ross", "Ross", "Joey"]
    assert train[0]["utterances"][1] == 'Well, "fine".'
    names = train.features["emotions"].feature.names
    assert [names[e] for e in train[0]["emotions"]] == ["surprise", "anger", "joy"]
    assert ds["validation"]["dialogue_id"] == ds["test"]["dialogue_id"] == [0]  # ids restart per split
    flat = load("meld", tmp_path, "utterances")
    # dialogue by dialogue (first appearance), each sorted by utterance id
    assert flat["train"]["text"] == ["What, really?", 'Well, "fine".', "Gap before me.", "Sure, sure."]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (utterance(2, "x", "A", "happy", "positive", 0, 1), r"train_sent_emo.csv:3: column 'Emotion' holds 'happy'"),
        (utterance(2, "x", "A", "joy", "positive", 0, 0), r"train_sent_emo.csv:3: Dialogue_ID 0, Utterance_ID 0 repeats line 2"),
        (utterance(2, "x", "A", "joy", "positive", "zero", 1), r"train_sent_emo.csv:3: column 'Dialogue_ID' holds 'zero'"),
        (utterance(2, "x", "A", "joy", "positive", 0, 1, season="9"), r"train_sent_emo.csv:3: dialogue 0 changes season"),
        ("2,x,A,joy,positive,0,1", r"train_sent_emo.csv:3: expected 11 comma-separated fields, found 7"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, load, bad, message):
    write_meld(tmp_path, [utterance(1, "ok", "A", "joy", "positive", 0, 0), bad])
    with pytest.raises(DataFormatError, match=message):
        load("meld", tmp_path)


def test_cp1252_copy_is_rejected(tmp_path, load):
    write_meld(tmp_path, [utterance(1, "ok", "A", "joy", "positive", 0, 0)])
    (tmp_path / FILES["test"]).write_bytes((HEADER + "\r\n" + utterance(1, "it’s", "A", "joy", "positive", 0, 0)).encode("cp1252"))
    with pytest.raises(DataFormatError, match="test_sent_emo.csv: not UTF-8"):
        load("meld", tmp_path)
