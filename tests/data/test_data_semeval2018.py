"""semeval2018_ec: exact counts on the real files, fixtures for the format traps, bad input."""

import pytest
from data_test_helpers import label_counts, write_lines

from hf_emotion.data import DataFormatError, load_dataset

EMOTIONS = "anger anticipation disgust fear joy love optimism pessimism sadness surprise trust".split()
HEADER = "\t".join(["ID", "Tweet", *EMOTIONS])


def row(tweet_id, text, *labels):
    flags = ["1" if e in labels else "0" for e in EMOTIONS]
    return "\t".join([tweet_id, text, *flags])


@pytest.fixture(scope="module")
def real(data_root, tmp_path_factory):
    cache = tmp_path_factory.mktemp("cache")
    return {
        config: load_dataset("semeval2018_ec", data_dir=data_root / "semeval2018_ec", config_name=config, cache_dir=cache)
        for config in ("english", "arabic", "spanish")
    }


@pytest.mark.real_data
def test_real_row_counts_match_source(real):
    sizes = {c: {s: d.num_rows for s, d in dd.items()} for c, dd in real.items()}
    assert sizes == {
        "english": {"train": 6838, "validation": 886, "test": 3259},
        "arabic": {"train": 2278, "validation": 585, "test": 1518},
        "spanish": {"train": 3561, "validation": 679},  # no public Spanish gold test
    }


@pytest.mark.real_data
def test_real_english_label_counts_match_source(real):
    expected = {
        "train": [2544, 978, 2602, 1242, 2477, 700, 1984, 795, 2008, 361, 357],
        "validation": [315, 124, 319, 121, 400, 132, 307, 100, 265, 35, 43],
        "test": [1101, 425, 1099, 485, 1442, 516, 1143, 375, 960, 170, 153],
    }
    english = real["english"]
    for split, counts in expected.items():
        assert label_counts(english[split]) == dict(zip(EMOTIONS, counts)), split
    no_emotion = {s: sum(1 for labels in english[s]["labels"] if not labels) for s in expected}
    assert no_emotion == {"train": 204, "validation": 14, "test": 75}


@pytest.mark.real_data
def test_real_ids_unique_and_label_order_is_column_order(real):
    for dd in real.values():
        assert dd["train"].features["labels"].feature.names == EMOTIONS
        for split in dd.values():
            assert len(set(split["id"])) == split.num_rows


@pytest.mark.real_data
def test_real_arabic_percentages_match_source(real):
    rows = [labels for split in real["arabic"].values() for labels in split["labels"]]
    assert len(rows) == 4381
    share = {e: round(100 * sum(i in r for r in rows) / len(rows), 1) for i, e in enumerate(EMOTIONS)}
    assert share == {"anger": 39.3, "anticipation": 9.6, "disgust": 19.5, "fear": 17.8, "joy": 26.9, "love": 25.2,
                     "optimism": 24.5, "pessimism": 22.8, "sadness": 37.4, "surprise": 2.2, "trust": 5.3}  # fmt: skip


def write_english(folder, train_rows, bom=False):
    write_lines(folder / "2018-E-c-En-train.txt", [("\ufeff" if bom else "") + HEADER, *train_rows])
    write_lines(folder / "2018-E-c-En-dev.txt", [HEADER, row("d1", "a dev tweet", "joy")])
    write_lines(folder / "2018-E-c-En-test-gold.txt", [HEADER, row("t1", "a test tweet")])


def test_fixture_bare_quotes_keep_every_row(tmp_path, load):
    # With default CSV quoting these three rows would collapse into one.
    write_english(
        tmp_path,
        [
            row("x1", '"so happy today', "joy", "optimism"),
            row("x2", "nothing at all"),
            row("x3", 'he said "no" \\n twice"', "anger", "disgust", "trust"),
        ],
        bom=True,
    )
    ds = load("semeval2018_ec", tmp_path)
    train = ds["train"]
    assert train["id"] == ["x1", "x2", "x3"]
    assert train["text"][2] == 'he said "no" \\n twice"'
    names = train.features["labels"].feature.int2str
    assert [[names(i) for i in labels] for labels in train["labels"]] == [
        ["joy", "optimism"], [], ["anger", "disgust", "trust"]
    ]  # fmt: skip
    assert ds["validation"].num_rows == ds["test"].num_rows == 1


def test_spanish_has_no_test_split(tmp_path, load):
    write_lines(tmp_path / "2018-E-c-Es-train.txt", [HEADER, row("s1", "hola", "joy")])
    write_lines(tmp_path / "2018-E-c-Es-dev.txt", [HEADER, row("s2", "adios", "sadness")])
    assert sorted(load("semeval2018_ec", tmp_path, "spanish")) == ["train", "validation"]


def test_missing_folder_and_files_name_the_expected_files(tmp_path, load):
    with pytest.raises(FileNotFoundError, match="does not exist.*2018-E-c-En-train.txt"):
        load("semeval2018_ec", tmp_path / "nowhere")
    write_lines(tmp_path / "2018-E-c-En-train.txt", [HEADER, row("x1", "t")])
    with pytest.raises(FileNotFoundError, match="lacks 2018-E-c-En-dev.txt, 2018-E-c-En-test-gold.txt"):
        load("semeval2018_ec", tmp_path)


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (row("x2", "a tab\tinside", "joy"), r"2018-E-c-En-train.txt:3: expected 13 tab-separated fields, found 14"),
        (row("x2", "t").replace("\t0\t", "\t2\t", 1), r"2018-E-c-En-train.txt:3: column 'anger' holds '2'; expected 0 or 1"),
        (row("x1", "t"), r"2018-E-c-En-train.txt:3: ID 'x1' repeats line 2"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path, load, bad_row, message):
    write_english(tmp_path, [row("x1", "fine"), bad_row])
    with pytest.raises(DataFormatError, match=message):
        load("semeval2018_ec", tmp_path)


def test_empty_file_and_wrong_header_are_errors(tmp_path, load):
    write_english(tmp_path, [row("x1", "fine")])
    (tmp_path / "2018-E-c-En-dev.txt").write_text("")
    with pytest.raises(DataFormatError, match="2018-E-c-En-dev.txt: the file is empty"):
        load("semeval2018_ec", tmp_path)
    write_lines(tmp_path / "2018-E-c-En-dev.txt", [HEADER.replace("anger\tanticipation", "anticipation\tanger")])
    with pytest.raises(DataFormatError, match="2018-E-c-En-dev.txt:1: header"):
        load("semeval2018_ec", tmp_path)
    write_lines(tmp_path / "2018-E-c-En-dev.txt", [HEADER])
    with pytest.raises(DataFormatError, match="2018-E-c-En-dev.txt: no data rows"):
        load("semeval2018_ec", tmp_path)
