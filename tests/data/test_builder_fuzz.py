"""Property tests of the dataset builders (dataset_scripts/*) on files generated in each corpus's real
format: clean, or with one defect (a bad cell, a wrong field count, a repeated id, broken quoting, a
CR inside an unquoted field, bytes that are not UTF-8, an empty or blank file, a truncated pickle,
malformed XML ...), written with or without a BOM, with LF or CRLF, blank lines anywhere. A clean
file parses losslessly (every row, every character, in order); a defect raises DataFormatError
naming the file, the line (or the dialogue, paragraph and sentence) and the field; nothing else.

Each case runs the builder's own split and example generators (what download_and_prepare runs);
one case in FULL_BUILD also runs the whole `hf_emotion.data.load_dataset`, through the Arrow cache.
Every text is made up by the generators: no corpus data is copied here."""

import codecs
import json
import pickle
import re
import tempfile
import xml.etree.ElementTree as ET
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from hf_emotion.data import DataFormatError, load_dataset
from hf_emotion.data.loading import make_builder

FUZZ = settings.get_profile("fuzz")
CASES = {"semeval2018_ec": 300, "semeval2016_task4a": 250, "meld": 300, "iemocap_text": 200, "iemocap_pickle": 250,
         "ren_cecps": 250, "multilabel_file": 450}  # fmt: skip
assert sum(CASES.values()) >= FUZZ.max_examples  # the dataset builders' budget (tests/conftest.py)
FULL_BUILD = 8  # one case in about this many (by a checksum of its files) also goes through load_dataset and Arrow

BAD_BYTE = "\U0010fffd"  # no generated text holds it: the file gets the byte 0xff (not UTF-8) in its place
CELL = st.text(st.characters(codec="utf-8", exclude_characters="\t\r\n" + BAD_BYTE), max_size=10)  # unquoted TSV
FREE = st.text(st.characters(codec="utf-8", exclude_characters=BAD_BYTE), max_size=10)  # a quoted CSV cell
TERMINATOR = re.compile(r"\r\n|\r|\n")  # how the csv reader counts lines
BLANK = st.sampled_from(["", " "])


@dataclass
class Case:
    """Files to write, the builder to run, and what must come out: the examples of each split, or an
    error (type, file name, line or None, message pattern)."""

    builder: str
    files: dict[str, bytes]
    expected: dict[str, list[dict]] | None = None
    error: tuple[type, str, int | None, str] | None = None
    config: str | None = None
    kwargs: dict = field(default_factory=dict)
    pooled: bool = False  # the builder splits by itself: all examples, in any order


def generated(case: Case, folder: Path) -> dict[str, list[dict]]:
    """What the builder's own generators give, split by split."""
    builder = make_builder(case.builder, folder, case.config, cache_dir=folder / ".cache", **case.kwargs)
    return {g.name: [example for _, example in builder._generate_examples(**g.gen_kwargs)] for g in builder._split_generators(None)}


def assert_named(error: Exception, case: Case) -> None:
    _, name, line, pattern = case.error
    where = rf"(^|[/\\]){re.escape(name)}" + (f":{line}" if line is not None else "")
    assert re.search(rf"{where}: {pattern}", str(error)), f"{error!s}\n  does not match {where}: {pattern}"


def pooled(splits: dict[str, list[dict]]) -> list[str]:
    return sorted(json.dumps(e, sort_keys=True) for examples in splits.values() for e in examples)


def check(case: Case) -> None:
    full = zlib.crc32(b"".join(case.files.values())) % FULL_BUILD == 0
    event(f"{'refused' if case.error else 'parsed'}{', load_dataset too' if full else ''}")  # --hypothesis-show-statistics
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, data in case.files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(data)
        if case.error is not None:
            with pytest.raises(case.error[0]) as caught:
                generated(case, folder)
            assert_named(caught.value, case)
            if full:
                with pytest.raises(case.error[0]) as caught:
                    load_dataset(case.builder, folder, case.config, cache_dir=folder / ".cache", **case.kwargs)
                assert_named(caught.value, case)
            return
        got = generated(case, folder)
        if case.pooled:
            assert pooled(got) == pooled(case.expected) and set(got) <= {"train", "validation", "test"}
        else:
            assert got == case.expected
        if full:  # the same rows after Arrow: nothing dropped or altered by the features' encoding
            built = load_dataset(case.builder, folder, case.config, cache_dir=folder / ".cache", **case.kwargs)
            assert sorted(built) == sorted(got)
            for split in built:
                assert built[split].to_list() == [built[split].features.encode_example(e) for e in got[split]]


# ---- writing text files --------------------------------------------------------------------------


def lay_out(chunks: list[str], eol: str, bom: bool, final: bool) -> tuple[bytes, list[int]]:
    """The bytes of a file made of `chunks` (records, possibly over several lines, or blank lines)
    and the line each chunk starts on."""
    text, starts = "", []
    for i, chunk in enumerate(chunks):
        starts.append(len(TERMINATOR.findall(text)) + 1)
        text += chunk + (eol if final or i < len(chunks) - 1 else "")
    return (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8").replace(BAD_BYTE.encode(), b"\xff"), starts


def text_file(draw, records: list[str]) -> tuple[bytes, list[int]]:
    """A file holding `records` in order, blank lines drawn around them, LF or CRLF, a BOM or not,
    a final newline or not; and the line of each record."""
    chunks, where = [], []
    for record in records:
        chunks += draw(st.lists(BLANK, max_size=1))
        where.append(len(chunks))
        chunks.append(record)
    chunks += draw(st.lists(BLANK, max_size=1))
    data, starts = lay_out(chunks, draw(st.sampled_from(["\n", "\r\n"])), draw(st.booleans()), draw(st.booleans()))
    return data, [starts[i] for i in where]


def empty_file(draw) -> bytes:
    """No record at all: nothing, a BOM, or blank lines only."""
    return draw(st.sampled_from([b"", codecs.BOM_UTF8, b"\n", b" \r\n\n", codecs.BOM_UTF8 + b"\n \n"]))


def quoted(cells: list[str], delimiter: str = ",") -> str:
    """A CSV record, quoting what needs it (csv.writer leaves a lone CR unquoted under an LF terminator)."""
    return delimiter.join(
        '"' + c.replace('"', '""') + '"' if any(ch in c for ch in (delimiter, '"', "\r", "\n")) else c for c in cells
    )


def defect_or_none(defects: list[str]):
    """One of `defects`, or "none" (a clean file) about a third of the time."""
    return st.sampled_from(["none"] * (len(defects) // 2) + defects)


def a_row(draw, rows: list) -> int:
    return draw(st.integers(0, len(rows) - 1))


def miscount(draw, cells: list[str], cell=CELL) -> list[str]:
    """`cells` with one cell too few or one too many (never a lone blank cell: that is a blank line)."""
    fewer = cells[:-1]
    blank = len(fewer) == 1 and not fewer[0].strip()
    return fewer if draw(st.booleans()) and not blank else [*cells, draw(cell)]


# ---- SemEval-2018 E-c: header, ID, Tweet, 11 0/1 columns; tab-separated, quoting off ---------------

SE18_FILES = {"train": "2018-E-c-En-train.txt", "validation": "2018-E-c-En-dev.txt", "test": "2018-E-c-En-test-gold.txt"}
SE18_EMOTIONS = "anger anticipation disgust fear joy love optimism pessimism sadness surprise trust".split()
SE18_HEADER = ["ID", "Tweet", *SE18_EMOTIONS]
FLAG = st.sampled_from(["0", "1", " 1", "0 "])
NOT_FLAG = st.sampled_from(["", "2", "yes", "1.0", "-1", "\uff10", "01", "1\x00", "true"])
NOT_TWEET_ID = st.integers(0, 99_999).map("2018-En-{:05d}".format) | CELL


def semeval2018_example(cells):
    return {"id": cells[0], "text": cells[1], "labels": [j for j, flag in enumerate(cells[2:]) if flag.strip() == "1"]}


@st.composite
def semeval2018_case(draw):
    split = draw(st.sampled_from(list(SE18_FILES)))
    name = SE18_FILES[split]
    rows = draw(st.lists(st.tuples(NOT_TWEET_ID, CELL, st.lists(FLAG, min_size=11, max_size=11)), max_size=6,
                         unique_by=lambda r: r[0]))  # fmt: skip
    rows = [[tweet_id, text, *flags] for tweet_id, text, flags in rows]
    header = list(SE18_HEADER)
    defect = draw(defect_or_none(["cell", "fields", "repeat", "header", "cr", "bytes", "empty"]))
    bad = None  # (record index: 0 is the header, message pattern)
    if defect == "header":
        j = draw(st.integers(0, len(header) - 1))
        header[j] = draw(CELL.filter(lambda c, old=header[j]: c != old))
        bad = (0, r"header \[.*\] differs from the expected")
    elif rows and defect in ("cell", "fields", "repeat", "cr", "bytes"):
        r = a_row(draw, rows)
        if defect == "cell":
            j = draw(st.integers(0, 10))
            rows[r][2 + j] = draw(NOT_FLAG)
            bad = (r + 1, rf"column '{SE18_EMOTIONS[j]}' holds .*; expected 0 or 1")
        elif defect == "fields":
            rows[r] = miscount(draw, rows[r])
            bad = (r + 1, rf"expected 13 tab-separated fields, found {len(rows[r])}")
        elif defect == "repeat" and r > 0:
            q = draw(st.integers(0, r - 1))
            rows[r][0] = rows[q][0]
            bad = (r + 1, rf"ID .* repeats line {{line_{q + 1}}}")
        elif defect == "cr":  # the reader ends the line there: a short record, not a merged one
            rows[r][1] += "\rx"
            bad = (r + 1, "expected 13 tab-separated fields, found 2")
        elif defect == "bytes":
            rows[r][1] += BAD_BYTE
            bad = (r + 1, "not UTF-8 text, first at line {bad_line}")
    if defect == "empty":
        return files_case("semeval2018_ec", SE18_FILES, split, empty_file(draw), error=(name, None, "the file is empty"))
    data, lines = text_file(draw, ["\t".join(header)] + ["\t".join(row) for row in rows])
    if bad is None and not rows:
        return files_case("semeval2018_ec", SE18_FILES, split, data, error=(name, None, "no data rows after the header"))
    if bad is not None:
        return files_case("semeval2018_ec", SE18_FILES, split, data, error=located(name, data, lines, *bad))
    return files_case("semeval2018_ec", SE18_FILES, split, data, examples=[semeval2018_example(r) for r in rows])


def located(name: str, data: bytes, lines: list[int], record: int, pattern: str) -> tuple[str, int | None, str]:
    """(file, line, pattern) for a defect in `record` of the file `data`. Undecodable bytes are a
    file-level error whose message names the physical line of the bad byte ({bad_line})."""
    bad = data.find(b"\xff")
    bad_line = len(TERMINATOR.findall(data[:bad].decode("utf-8-sig"))) + 1 if bad >= 0 else None
    pattern = pattern.format(bad_line=bad_line, **{f"line_{i}": n for i, n in enumerate(lines)})
    return (name, None, pattern) if pattern.startswith("not UTF-8") else (name, lines[record], pattern)


def files_case(builder, names, split, data, *, examples=None, error=None, config=None):
    """A case for a builder that reads one file per split: `split`'s file is the generated one, the
    others hold a small clean file (`clean_file`)."""
    files = {names[s]: clean_file(builder, s, config)[0].encode() for s in names} | {names[split]: data}
    if error is not None:
        return Case(builder, files, error=(DataFormatError, *error), config=config)
    return Case(builder, files, expected={s: examples if s == split else clean_file(builder, s, config)[1] for s in names},
                config=config)  # fmt: skip


# ---- SemEval-2016 4A: no header; train/dev/devtest `id, label, text` unquoted; test CSV-quoted + time --

SE16_FILES = {"train": "twitter-2016train-A.tsv", "validation": "twitter-2016dev-A.tsv",
              "devtest": "twitter-2016devtest-A.tsv", "test": "twitter-2016test-A.tsv"}  # fmt: skip
SENTIMENTS = ["negative", "neutral", "positive"]
NOT_SENTIMENT = st.sampled_from(["Positive", "", "pos", "neutral ", " negative", "0"])
TWEET_TIME = st.sampled_from(["", "Sat Aug 15 21:03:55 +0000 2015", "Mon Jan 04 00:00:00 +0000 2016"])


@st.composite
def semeval2016_case(draw):
    split = draw(st.sampled_from(list(SE16_FILES)))
    name, quoted_file = SE16_FILES[split], split == "test"
    rows = draw(st.lists(st.tuples(CELL, st.sampled_from(SENTIMENTS), FREE if quoted_file else CELL, TWEET_TIME), max_size=6))
    rows = [list(row) if quoted_file else list(row[:3]) for row in rows]  # repeated ids are part of the release: kept
    n = 4 if quoted_file else 3
    defect = draw(defect_or_none(["cell", "fields", "time", "quote", "cr", "bytes", "empty"]))
    bad = None
    if rows and defect != "empty":
        r = a_row(draw, rows)
        if defect == "cell":
            rows[r][1] = draw(NOT_SENTIMENT)
            bad = (r, "column 'label' holds .*; expected one of negative, neutral, positive")
        elif defect == "fields":
            rows[r] = miscount(draw, rows[r])
            bad = (r, rf"expected {n} tab-separated fields, found {len(rows[r])}")
        elif defect == "time" and quoted_file:
            rows[r][3] = draw(st.sampled_from(["yesterday", "2015-08-15", "Sat Aug 15 21:03:55 2015"]))
            bad = (r, "the 4th field holds .*; expected it empty or a tweet time")
        elif defect == "cr" and not quoted_file:
            rows[r][0] = "x\r" + rows[r][0]
            bad = (r, "expected 3 tab-separated fields, found 1")
        elif defect == "bytes":
            rows[r][2] += BAD_BYTE
            bad = (r, "not UTF-8 text, first at line {bad_line}")
    if defect == "empty" or not rows:
        return files_case("semeval2016_task4a", SE16_FILES, split, empty_file(draw), error=(name, None, "the file is empty"))
    records = [quoted(row, "\t") if quoted_file else "\t".join(row) for row in rows]
    if defect == "quote" and quoted_file:  # a quote closed mid-field: strict CSV refuses the record
        r = a_row(draw, rows)
        records[r] = '"x"y\t' + records[r]
        bad = (r, r"malformed CSV \(.*\)")
    data, lines = text_file(draw, records)
    if bad is not None:
        return files_case("semeval2016_task4a", SE16_FILES, split, data, error=located(name, data, lines, *bad))
    examples = [{"id": r[0], "text": r[2], "label": r[1], "created_at": r[3] if quoted_file else ""} for r in rows]
    return files_case("semeval2016_task4a", SE16_FILES, split, data, examples=examples)


# ---- MELD: CSV-quoted, header, utterances grouped by Dialogue_ID, sorted by Utterance_ID --------------

MELD_FILES = {"train": "train_sent_emo.csv", "validation": "dev_sent_emo.csv", "test": "test_sent_emo.csv"}
MELD_HEADER = ["Sr No.", "Utterance", "Speaker", "Emotion", "Sentiment", "Dialogue_ID", "Utterance_ID", "Season",
               "Episode", "StartTime", "EndTime"]  # fmt: skip
MELD_EMOTIONS = ["neutral", "surprise", "fear", "sadness", "joy", "disgust", "anger"]
WHOLE = st.integers(0, 12) | st.integers(0, 2**31 - 1)
NOT_WHOLE = st.sampled_from(["", "-1", "1.0", " 2", "\u0663", "2147483648", "0x1", "1_0", "+3", "\uff13"])
PLURAL = {"utterance_id": "utterance_ids", "text": "utterances", "speaker": "speakers", "emotion": "emotions",
          "sentiment": "sentiments", "start_time": "start_times", "end_time": "end_times"}  # fmt: skip


def meld_row(draw, dialogue, scene, utterance):
    return [draw(FREE), draw(FREE), draw(FREE), draw(st.sampled_from(MELD_EMOTIONS)), draw(st.sampled_from(SENTIMENTS)),
            str(dialogue), str(utterance), str(scene[0]), str(scene[1]), draw(FREE), draw(FREE)]  # fmt: skip


def meld_examples(rows, config):
    """The oracle: dialogues in order of first appearance, utterances by Utterance_ID."""
    dialogues: dict[int, tuple[dict, list]] = {}
    for _, text, speaker, emotion, sentiment, dia, utt, season, episode, start, end in rows:
        scene, utterances = dialogues.setdefault(int(dia), ({"season": int(season), "episode": int(episode)}, []))
        utterances.append({"utterance_id": int(utt), "text": text, "speaker": speaker, "emotion": emotion,
                           "sentiment": sentiment, "start_time": start, "end_time": end})  # fmt: skip
    examples = []
    for dia, (scene, utterances) in dialogues.items():
        utterances.sort(key=lambda u: u["utterance_id"])
        if config == "utterances":
            examples += [{"dialogue_id": dia, **scene, **u} for u in utterances]
        else:
            examples.append({"dialogue_id": dia, **scene, **{PLURAL[k]: [u[k] for u in utterances] for k in PLURAL}})
    return examples


@st.composite
def meld_case(draw):
    split, config = draw(st.sampled_from(list(MELD_FILES))), draw(st.sampled_from(["dialogues", "utterances"]))
    name = MELD_FILES[split]
    scenes = draw(st.dictionaries(WHOLE, st.tuples(WHOLE, WHOLE), max_size=3))
    rows = [meld_row(draw, dia, scene, utt) for dia, scene in scenes.items()
            for utt in draw(st.lists(WHOLE, min_size=1, max_size=3, unique=True))]  # fmt: skip
    rows = draw(st.permutations(rows))  # a dialogue's rows need not be together or in order
    header = list(MELD_HEADER)
    defect = draw(defect_or_none(["cell", "whole", "fields", "repeat", "scene", "header", "quote", "bytes", "empty"]))
    bad = None
    if defect == "header":
        j = draw(st.integers(0, len(header) - 1))
        header[j] = draw(FREE.filter(lambda c, old=header[j]: c != old))
        bad = (0, r"header \[.*\] differs from the expected")
    elif rows and defect != "empty":
        r = a_row(draw, rows)
        if defect == "cell":
            j = draw(st.sampled_from([3, 4]))
            rows[r][j] = draw(st.sampled_from(["Joy", "", "happy", "neutral ", "positive"]).filter(
                lambda v, j=j: v not in (MELD_EMOTIONS if j == 3 else SENTIMENTS)))
            bad = (r + 1, rf"column '{MELD_HEADER[j]}' holds .*; expected one of")
        elif defect == "whole":
            j = draw(st.sampled_from([5, 6, 7, 8]))
            rows[r][j] = draw(NOT_WHOLE)
            bad = (r + 1, rf"column '{MELD_HEADER[j]}' holds .*; expected a whole number from 0 to 2147483647")
        elif defect == "fields":
            rows[r] = miscount(draw, rows[r], FREE)
            bad = (r + 1, rf"expected 11 comma-separated fields, found {len(rows[r])}")
        elif defect in ("repeat", "scene"):  # a last row that repeats row r's key, or moves its dialogue
            dialogue, utterance, season, episode = (int(rows[r][j]) for j in (5, 6, 7, 8))
            if defect == "scene":
                taken = {int(row[6]) for row in rows if int(row[5]) == dialogue}
                utterance = next(u for u in range(len(taken) + 1) if u not in taken)
                episode = (episode + 1) % 2**31
                bad = (len(rows) + 1, rf"dialogue {dialogue} changes season/episode")
            else:
                bad = (len(rows) + 1, rf"Dialogue_ID {dialogue}, Utterance_ID {utterance} repeats line {{line_{r + 1}}}")
            rows.append(meld_row(draw, dialogue, (season, episode), utterance))
        elif defect == "bytes":
            rows[r][1] += BAD_BYTE
            bad = (r + 1, "not UTF-8 text, first at line {bad_line}")
    if defect == "empty":
        return files_case("meld", MELD_FILES, split, empty_file(draw), error=(name, None, "the file is empty"), config=config)
    records = [quoted(header)] + [quoted(row) for row in rows]
    if defect == "quote" and rows:
        r = a_row(draw, rows)
        records[r + 1] = '"x"y,' + records[r + 1]
        bad = (r + 1, r"malformed CSV \(.*\)")
    data, lines = text_file(draw, records)
    if bad is not None:
        return files_case("meld", MELD_FILES, split, data, error=located(name, data, lines, *bad), config=config)
    if not rows:
        return files_case("meld", MELD_FILES, split, data, error=(name, None, "no data rows after the header"), config=config)
    return files_case("meld", MELD_FILES, split, data, examples=meld_examples(rows, config), config=config)


# ---- IEMOCAP, text layout: speaker<TAB>utterance<TAB>label, a blank line between dialogues ---------

IEMOCAP_TEXT_FILES = {"train": "train.tsv", "validation": "validation.tsv", "test": "test.tsv"}
SHORT_NAMES = ["hap", "sad", "neu", "ang", "exc", "fru"]


@st.composite
def iemocap_text_case(draw):
    split = draw(st.sampled_from(list(IEMOCAP_TEXT_FILES)))
    name = IEMOCAP_TEXT_FILES[split]
    dialogues = draw(st.lists(st.lists(st.tuples(CELL, CELL, st.sampled_from(SHORT_NAMES)).map(list), min_size=1, max_size=4),
                              max_size=3))  # fmt: skip
    rows = [row for dialogue in dialogues for row in dialogue]
    defect = draw(defect_or_none(["cell", "fields", "cr", "bytes", "empty"]))
    bad = None
    if rows and defect != "empty":
        r = a_row(draw, rows)
        if defect == "cell":
            rows[r][2] = draw(st.sampled_from(["happy", "", "Hap", "neu ", "5"]))
            bad = (r, "column 'label' holds .*; expected one of hap, sad, neu, ang, exc, fru")
        elif defect == "fields":
            rows[r][:] = miscount(draw, rows[r])
            bad = (r, rf"expected speaker<TAB>utterance<TAB>label, found {len(rows[r])} fields")
        elif defect == "cr":
            rows[r][1] += "\rx"
            bad = (r, "expected speaker<TAB>utterance<TAB>label, found 2 fields")
        elif defect == "bytes":
            rows[r][1] += BAD_BYTE
            bad = (r, "not UTF-8 text, first at line {bad_line}")
    if defect == "empty" or not rows:
        return files_case("iemocap", IEMOCAP_TEXT_FILES, split, empty_file(draw), error=(name, None, "the file is empty"),
                          config="text")  # fmt: skip
    chunks, where = draw(st.lists(BLANK, max_size=2)), []
    for dialogue in dialogues:
        for row in dialogue:
            where.append(len(chunks))
            chunks.append("\t".join(row))
        chunks += draw(st.lists(BLANK, min_size=1, max_size=2))  # dialogues are separated by blank lines
    data, starts = lay_out(chunks, draw(st.sampled_from(["\n", "\r\n"])), draw(st.booleans()), draw(st.booleans()))
    if bad is not None:
        return files_case("iemocap", IEMOCAP_TEXT_FILES, split, data, error=located(name, data, [starts[i] for i in where], *bad),
                          config="text")  # fmt: skip
    examples = [{"dialogue_id": f"{split}_{d}", "speakers": [row[0] for row in dialogue], "utterances": [row[1] for row in dialogue],
                 "emotions": [SHORT_NAMES.index(row[2]) for row in dialogue]} for d, dialogue in enumerate(dialogues)]  # fmt: skip
    return files_case("iemocap", IEMOCAP_TEXT_FILES, split, data, examples=examples, config="text")


# ---- IEMOCAP, the ERC pickle: [speakers, labels, (text, audio, visual,) sentences, trainVid, testVid, validVid]

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=8)
DIALOGUE_ID = st.text(st.characters(codec="utf-8"), max_size=6) | st.integers(-5, 99)
SURROGATE = st.tuples(ANY_TEXT, st.characters(categories=["Cs"])).map("".join)
PICKLE_DEFECTS = {  # name -> message pattern
    "lengths": r"dialogue .* has \d+ speakers, \d+ labels, \d+ sentences",
    "label": r"dialogue .*, utterance \d+: label .* is not an int in 0..5",
    "speaker": r"dialogue .*, utterance \d+: speaker and sentence must be strings",
    "surrogate": r"dialogue .*, utterance \d+: the speaker or sentence holds the lone surrogate",
    "two splits": r"dialogue .* is in both \w+ and \w+",
    "no split": r"dialogues in no split: ",
    "unknown id": r"dialogue .* has no entry in speakers, labels, sentences",
    "items": r"expected a 6-item list .* found ",
    "part": r"item \d \(\w+\) should be a dict, found ",
    "split type": r"item \d \(\w+ dialogue ids\) should be a list, found ",
    "id type": r"the \w+ ids hold .*; dialogue ids are strings or integers",
    "id clash": r"dialogue ids .* and .* are both written ",
    "values": r"dialogue .*: its \w+ are \w+, expected a list",
    "class": r"refusing to load ",
    "truncated": r".+",  # whatever opcode the cut lands in: any message, as long as it is a DataFormatError naming the file
}


@st.composite
def iemocap_pickle_case(draw):
    ids = draw(st.lists(DIALOGUE_ID, min_size=1, max_size=4, unique_by=str))
    lengths = {d: draw(st.integers(1, 3)) for d in ids}
    speakers = {d: draw(st.lists(st.sampled_from(["M", "F"]) | ANY_TEXT, min_size=n, max_size=n)) for d, n in lengths.items()}
    labels = {d: draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)) for d, n in lengths.items()}
    sentences = {d: draw(st.lists(ANY_TEXT, min_size=n, max_size=n)) for d, n in lengths.items()}
    split_of = {d: draw(st.sampled_from(["train", "validation", "test"])) for d in ids}
    splits = {s: [d for d in ids if split_of[d] == s] for s in ("train", "validation", "test")}
    features = draw(st.booleans())  # the 9-item variant with per-utterance features after the labels
    defect = draw(defect_or_none(list(PICKLE_DEFECTS)))
    d = draw(st.sampled_from(ids))
    if defect == "lengths":
        draw(st.sampled_from([speakers, labels, sentences]))[d].append("x" if draw(st.booleans()) else 0)
    elif defect == "label":
        labels[d][draw(st.integers(0, lengths[d] - 1))] = draw(st.sampled_from([6, -1, 1.0, True, "2", None]))
    elif defect == "speaker":
        draw(st.sampled_from([speakers, sentences]))[d][0] = draw(st.sampled_from([None, 3, ["M"], 1.5]))
    elif defect == "surrogate":
        draw(st.sampled_from([speakers, sentences]))[d][0] = draw(SURROGATE)
    elif defect == "two splits":
        splits[draw(st.sampled_from([s for s in splits if s != split_of[d]]))].append(d)
    elif defect == "no split":
        splits[split_of[d]].remove(d)
    elif defect == "unknown id":
        splits["test"].append(draw(DIALOGUE_ID.filter(lambda x: str(x) not in map(str, ids))))
    elif defect == "id type":
        splits["train"].append(draw(st.sampled_from([1.5, None, ("Ses01",), True])))
    elif defect == "id clash":  # another id written the same in the dialogue_id column: 7 and "7"
        clash = str(d) if isinstance(d, int) else int(d) if re.fullmatch(r"0|-?[1-9][0-9]{0,5}", d) else None
        if clash is None:
            defect = "none"
        else:
            splits["validation"].append(clash)
    elif defect == "values":
        draw(st.sampled_from([speakers, labels, sentences]))[d] = draw(st.sampled_from([3, None, "MF"]))
    parts = [speakers, labels, *([{}, {}, {}] if features else []), sentences, splits["train"], splits["test"], splits["validation"]]
    if defect == "items":
        parts = draw(st.sampled_from([parts[:5], parts + [[]], {"speakers": speakers}]))
    elif defect == "part":
        parts[draw(st.sampled_from([0, 1, len(parts) - 4]))] = list(ids)
    elif defect == "split type":
        parts[-draw(st.integers(1, 3))] = draw(st.sampled_from([3, "Ses01", None]))
    elif defect == "class":
        parts[0] = OrderedDict(speakers)
    data = pickle.dumps(parts, protocol=draw(st.integers(2, pickle.HIGHEST_PROTOCOL)))
    if defect == "truncated":
        data = data[: draw(st.integers(0, len(data) - 1))]
    name = draw(st.sampled_from(["IEMOCAP_features.pkl", "iemocap.pkl"]))
    if defect != "none":
        return Case("iemocap", {name: data}, error=(DataFormatError, name, None, PICKLE_DEFECTS[defect]))
    expected = {s: [{"dialogue_id": str(i), "speakers": speakers[i], "utterances": sentences[i], "emotions": labels[i]} for i in members]
                for s, members in splits.items() if members}  # fmt: skip
    return Case("iemocap", {name: data}, expected=expected)


# ---- Ren-CECps: one XML document per blog; <paragraph><sentence S="raw text"> with 8 intensities ------

REN_TAGS = ["Joy", "Hate", "Love", "Sorrow", "Anxiety", "Surprise", "Anger", "Expect"]
POLARITIES = {"消极": "negative", "中性": "neutral", "积极": "positive"}
XML_TEXT = st.text(st.characters(codec="utf-8", categories=["L", "M", "N", "P", "S", "Z"], exclude_characters="\ufffe\uffff"),
                   max_size=10) | st.text(st.sampled_from(' <>&"\'\t\n\r'), max_size=4)  # fmt: skip
WORD = st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S"]), min_size=1, max_size=4)  # "w/pos" splits at the last /
TAG = st.text(st.characters(codec="utf-8", categories=["L", "N"]), max_size=2)
SIXTEENTHS = st.integers(0, 16)  # exact in float32: the Arrow round trip is checked for equality


def intensity_text(draw, k):
    return draw(st.sampled_from(["{:g}", "{}", " {} ", "+{}", "{:.4e}"])).format(k / 16)


@st.composite
def ren_document(draw, name):
    """(the XML root, its examples): paragraphs of sentences with their raw text, words and intensities."""
    root, examples = ET.Element("document"), []
    ET.SubElement(root, "Joy").text = "0.5"  # document-level scores and a title are ignored
    ET.SubElement(root, "title", T=draw(XML_TEXT))
    for p in range(1, draw(st.integers(1, 2)) + 1):
        paragraph = ET.SubElement(root, "paragraph")
        ET.SubElement(paragraph, "P_no").text = str(p)
        for s in range(1, draw(st.integers(1, 3)) + 1):
            text, words = draw(XML_TEXT), draw(st.lists(st.tuples(WORD, TAG), max_size=4))
            sentence = ET.SubElement(paragraph, "sentence", S=text)
            ET.SubElement(sentence, "Segmented_S").text = "  ".join(f"{w}/{t}" for w, t in words)
            polarity = draw(st.sampled_from(sorted(POLARITIES)))
            ET.SubElement(sentence, "Polarity").text = draw(st.sampled_from(["{}", " {} ", "\n{}\n"])).format(polarity)
            sixteenths = draw(st.lists(SIXTEENTHS, min_size=8, max_size=8))
            for tag, k in zip(REN_TAGS, sixteenths):
                ET.SubElement(sentence, tag).text = intensity_text(draw, k)
            examples.append({"id": f"{name}/{p}/{s}", "document": name, "paragraph": p, "sentence": s, "text": text,
                             "tokens": [w for w, _ in words], "pos_tags": [t for _, t in words],
                             "labels": [i for i, k in enumerate(sixteenths) if k], "intensities": [k / 16 for k in sixteenths],
                             "polarity": POLARITIES[polarity]})  # fmt: skip
    return root, examples


REN_DEFECTS = {  # name -> message pattern
    "no intensity": r"paragraph \d+, sentence \d+: <\w+> is None, expected a number in \[0, 1\]",
    "intensity": r"paragraph \d+, sentence \d+: <\w+> is .*, expected a number in \[0, 1\]",
    "polarity": r"paragraph \d+, sentence \d+: <Polarity> is .*, expected one of",
    "no text": r"paragraph \d+, sentence \d+: the <sentence> has no S attribute",
    "truncated": r"not well-formed XML",
    "control": r"not well-formed XML",
    "root": r"root element is <\w+>, expected <document>",
    "empty": r"no <paragraph><sentence> elements: the document is empty",
    "stray": r"1 <sentence> element\(s\) outside any <paragraph>",
    "nested": r"a <paragraph> inside another <paragraph>",
}


@st.composite
def ren_cecps_case(draw):
    names = draw(st.lists(st.sampled_from(["a", "blog/b", "c", "z/y/x"]), min_size=1, max_size=3, unique=True))
    documents = {name: draw(ren_document(name)) for name in names}
    defect, target = draw(defect_or_none(list(REN_DEFECTS))), draw(st.sampled_from(names))
    root = documents[target][0]
    sentence = draw(st.sampled_from(list(root.iter("sentence"))))
    if defect == "no intensity":
        sentence.remove(sentence.find(draw(st.sampled_from(REN_TAGS))))
    elif defect == "intensity":
        sentence.find(draw(st.sampled_from(REN_TAGS))).text = draw(st.sampled_from(["abc", "", "nan", "inf", "-0.5", "1.5", "2", "0,5"]))
    elif defect == "polarity":
        sentence.find("Polarity").text = draw(st.sampled_from(["positive", "", "积", "积极 积极"]))
    elif defect == "no text":
        del sentence.attrib["S"]
    elif defect == "control":
        sentence.set("S", "a\x01b")
    elif defect == "root":
        root.tag = draw(st.sampled_from(["doc", "Document", "paragraph"]))
    elif defect == "empty":
        for paragraph in root.findall("paragraph"):
            root.remove(paragraph)
    elif defect == "stray":  # the same element also straight under <document>
        root.append(sentence)
    elif defect == "nested":
        root.find("paragraph").append(ET.Element("paragraph"))
        root.find("paragraph").find("paragraph").append(ET.Element("sentence", S="x"))
    files = {}
    for name, (document, _) in documents.items():
        data = ET.tostring(document, encoding="utf-8", xml_declaration=draw(st.booleans()))
        files[f"{name}.xml"] = data[: draw(st.integers(0, len(data) - 1))] if defect == "truncated" and name == target else data
    config = draw(st.sampled_from([{}, {"split_unit": "sentence", "seed": 3}]))
    if defect != "none":
        return Case("ren_cecps", files, error=(DataFormatError, f"{target}.xml", None, REN_DEFECTS[defect]), kwargs=config)
    return Case("ren_cecps", files, expected={"all": [e for _, examples in documents.values() for e in examples]}, kwargs=config,
                pooled=True)  # fmt: skip


# ---- multilabel_file: the user's CSV (quoted) / TSV (quoting off) / JSONL, 0/1 columns or a list column --

LABEL = st.sampled_from(["joy", "fear", "anger", "ça va", "喜", "a b", "x'y"])
NOT_BINARY = st.sampled_from(["", "2", "yes", "1.0", "-1", "\uff11", "true"])


@st.composite
def multilabel_case(draw):
    kind = draw(st.sampled_from(["csv", "tsv", "jsonl"]))
    name = draw(st.sampled_from(["my", "data.train"])) + "." + kind
    cell = FREE if kind == "csv" else CELL
    with_id, binary = draw(st.booleans()), draw(st.booleans())
    label_columns = draw(st.lists(LABEL, min_size=1, max_size=3, unique=True)) if binary else []
    columns = draw(st.permutations(["text", *(["id"] if with_id else []), *(label_columns or ["labels"])]))
    records, chosen = [], []  # per row: what the file holds, and the label names it means
    for _ in range(draw(st.integers(0, 5))):
        record = {"text": draw(cell), "id": draw(cell | st.integers() if kind == "jsonl" else cell)}
        if binary:
            flags = st.sampled_from([0, 1, True, False, "1", " 0"]) if kind == "jsonl" else st.sampled_from(["0", "1", " 1"])
            record |= {c: draw(flags) for c in label_columns}
            chosen.append([c for c in label_columns if str(record[c]).strip() in ("1", "True")])
        else:
            chosen.append(draw(st.lists(LABEL, max_size=3)))
            record["labels"] = draw(st.sampled_from([",".join(chosen[-1]), str(chosen[-1])] + ([chosen[-1]] if kind == "jsonl" else [])))
        records.append({c: record[c] for c in columns})
    defect = draw(defect_or_none(["cell", "list", "fields", "header", "json", "missing", "extra", "text", "id", "bytes", "empty"]))
    bad = None  # (row, message pattern); row -1 is the header
    r = draw(st.integers(0, len(records) - 1)) if records else None
    if r is None or defect in ("none", "empty"):
        pass
    elif defect == "cell" and binary:
        column = draw(st.sampled_from(label_columns))
        records[r][column] = draw(NOT_BINARY | st.sampled_from([2, 0.5, None, [1]]) if kind == "jsonl" else NOT_BINARY)
        bad = (r, rf"column {re.escape(repr(column))} holds .*; expected 0 or 1")
    elif defect == "list" and not binary:
        records[r]["labels"], pattern = draw(st.sampled_from([
            ("[oops", r"column 'labels' holds .*, not a valid list literal"),
            ("joy,,fear", "column 'labels' holds an empty label name"),
            ("['joy', 1]", "column 'labels' holds .*; expected a list of label names"),
        ]))  # fmt: skip
        bad = (r, pattern)
    elif defect == "bytes":
        records[r]["text"] += BAD_BYTE
        bad = (r, "not UTF-8 text, first at line {bad_line}")
    elif kind == "jsonl" and defect == "text":
        records[r]["text"] = draw(st.sampled_from([None, 1, ["a"], {"a": "b"}]))
        bad = (r, "column 'text' holds .*; expected text")
    elif kind == "jsonl" and defect == "id" and with_id:
        records[r]["id"] = draw(st.sampled_from([None, 1.5, True, ["a"]]))
        bad = (r, "column 'id' holds .*; expected a string or an integer id")
    elif kind == "jsonl" and defect == "missing" and (r > 0 or not binary):  # row 0 decides the 0/1 columns
        column = draw(st.sampled_from(columns))
        del records[r][column]
        no_layout = r == 0 and column == "labels"  # no list column, no other column: nothing says what the labels are
        bad = (r, "no label columns besides 'text'" if no_layout else rf"no column {re.escape(repr(column))}")
    elif kind == "jsonl" and defect == "extra" and binary and r > 0:
        records[r]["zz"] = 1
        bad = (r, r"column 'zz' is not in the first file's label columns")
    if kind == "jsonl":
        ascii_only = defect != "bytes" and draw(st.booleans())  # escaped, the bad byte would be a valid character
        lines = [json.dumps(record, ensure_ascii=ascii_only) for record in records]
        if records and defect == "json":
            lines[r], pattern = draw(st.sampled_from([
                ("{oops", r"invalid JSON \(.*\)"), ('{"text": "a", "text": "b"}', r"invalid JSON \(key 'text' repeats\)"),
                ('{"text": NaN}', r"invalid JSON \(NaN is not JSON\)"), ("[1]", "expected a JSON object, found list"),
                ('{"text": "\\ud800"}', "key 'text' holds the lone surrogate"),
            ]))  # fmt: skip
            bad = (r, pattern)
        first = 0
    else:
        join = (lambda cells: quoted(cells, ",")) if kind == "csv" else "\t".join
        header, rows = list(columns), [[str(record[c]) for c in columns] for record in records]
        if records and defect == "fields":
            rows[r] = miscount(draw, rows[r], cell)
            bad = (r, rf"expected {len(columns)} {'comma' if kind == 'csv' else 'tab'}-separated fields \(as the header\), "
                      rf"found {len(rows[r])}")  # fmt: skip
        elif defect == "header":  # a repeated or an unnamed column
            j = draw(st.integers(0, len(header) - 1))
            header[j] = draw(st.sampled_from(["", " ", *(c for c in header if c != header[j])]))
            bad = (-1, r"(the header repeats column|column \d+ of the header has no name)")
        lines, first = [join(header)] + [join(row) for row in rows], 1
    if defect == "empty":
        return Case("multilabel_file", {name: empty_file(draw)}, error=(DataFormatError, name, None, "the file is empty"),
                    kwargs={"data_files": name})  # fmt: skip
    data, line_of = text_file(draw, lines)
    kwargs = {"data_files": name, "split_fractions": draw(st.sampled_from([None, (0.8, 0.1, 0.1)])),
              **({"id_column": "id"} if with_id else {})}  # fmt: skip
    if bad is not None:
        return Case("multilabel_file", {name: data}, error=(DataFormatError, *located(name, data, line_of, bad[0] + first, bad[1])),
                    kwargs=kwargs)  # fmt: skip
    if not records:
        empty = "the file is empty" if kind == "jsonl" else "no data rows after the header"
        return Case("multilabel_file", {name: data}, error=(DataFormatError, name, None, empty), kwargs=kwargs)
    names = [c for c in columns if c not in ("text", "id")] if binary else sorted({n for names in chosen for n in names})
    if not names:
        return Case("multilabel_file", {name: data}, error=(DataFormatError, name, None, "column 'labels' names no label in any file"),
                    kwargs=kwargs)  # fmt: skip
    examples = [{"id": str(record["id"]) if with_id else f"{name}:{line_of[i + first]}", "text": record["text"],
                 "labels": sorted({names.index(n) for n in row})}
                for i, (record, row) in enumerate(zip(records, chosen))]  # fmt: skip
    return Case("multilabel_file", {name: data}, expected={"train": examples}, kwargs=kwargs,
                pooled=kwargs["split_fractions"] is not None)  # fmt: skip


def clean_file(builder: str, split: str, config: str | None) -> tuple[str, list[dict]]:
    """The small clean file that the splits not under test hold, and its examples."""
    if builder == "semeval2018_ec":
        row = ["2018-En-00000", 'a "fixed" tweet', "1", *["0"] * 10]
        return "\t".join(SE18_HEADER) + "\n" + "\t".join(row) + "\n", [semeval2018_example(row)]
    if builder == "semeval2016_task4a":
        example = {"id": "1", "text": 'a "fixed"\ttweet', "label": "neutral", "created_at": ""}
        if split == "test":
            return '1\tneutral\t"a ""fixed""\ttweet"\t\n', [example]
        return "1\tneutral\ta fixed tweet\n", [example | {"text": "a fixed tweet"}]
    if builder == "meld":
        row = ["1", 'Oh, "really"?\nYes.', "Ross", "surprise", "positive", "0", "0", "1", "2", "0:00:01,000", "0:00:02,000"]
        return quoted(MELD_HEADER) + "\r\n" + quoted(row) + "\r\n", meld_examples([row], config)
    assert builder == "iemocap", builder
    return "M\toh my\thap\nF\tno\tsad\n", [{"dialogue_id": f"{split}_0", "speakers": ["M", "F"], "utterances": ["oh my", "no"],
                                                "emotions": [0, 1]}]  # fmt: skip


# ---- the tests: one per builder (layout), each with its share of the surface's budget -----------------


@settings(FUZZ, max_examples=CASES["semeval2018_ec"])
@given(semeval2018_case())
def test_semeval2018_ec(case):
    check(case)


@settings(FUZZ, max_examples=CASES["semeval2016_task4a"])
@given(semeval2016_case())
def test_semeval2016_task4a(case):
    check(case)


@settings(FUZZ, max_examples=CASES["meld"])
@given(meld_case())
def test_meld(case):
    check(case)


@settings(FUZZ, max_examples=CASES["iemocap_text"])
@given(iemocap_text_case())
def test_iemocap_text(case):
    check(case)


@settings(FUZZ, max_examples=CASES["iemocap_pickle"])
@given(iemocap_pickle_case())
def test_iemocap_pickle(case):
    check(case)


@settings(FUZZ, max_examples=CASES["ren_cecps"])
@given(ren_cecps_case())
def test_ren_cecps(case):
    check(case)


@settings(FUZZ, max_examples=CASES["multilabel_file"])
@given(multilabel_case())
def test_multilabel_file(case):
    check(case)
