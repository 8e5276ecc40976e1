"""IEMOCAP in the two layouts the ERC literature passes around (the corpus itself is licensed).

`pickle` (default): the DialogueRNN/COSMIC/MultiEMO list
`[videoSpeakers, videoLabels, videoSentence, trainVid, testVid, validVid]`, or the
variant with per-utterance text/audio/visual features after the labels (the features
are not loaded: hf_emotion extracts its own). It is read with an unpickler that refuses
every class, so a crafted pickle cannot run code. `text`: one utterance per line
`speaker<TAB>utterance<TAB>label`, dialogues separated by blank lines.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import datasets

from hf_emotion.data.cards import card_info
from hf_emotion.data.readers import (
    DataFormatError,
    check_unicode,
    load_plain_pickle,
    parse_choice,
    read_delimited,
    require_files,
)

CORPUS_FOLDER = "iemocap"

EMOTIONS = ("happiness", "sadness", "neutral", "anger", "excitement", "frustration")
SHORT_NAMES = ("hap", "sad", "neu", "ang", "exc", "fru")  # the text layout's labels, same order
TEXT_FILES = {"train": "train.tsv", "validation": "validation.tsv", "test": "test.tsv"}
PICKLE_LAYOUTS = {
    6: ("text-only", ("speakers", "labels", "sentences", "train", "test", "validation")),
    9: ("with features", ("speakers", "labels", "text", "audio", "visual", "sentences", "train", "test", "validation")),
}

logger = logging.getLogger(__name__)


@dataclass
class IemocapConfig(datasets.BuilderConfig):
    """`pickle_file`: the pickle's name in data_dir (default: the only *.pkl there)."""

    pickle_file: str | None = None


class Iemocap(datasets.GeneratorBasedBuilder):
    BUILDER_CONFIG_CLASS = IemocapConfig
    BUILDER_CONFIGS = [
        IemocapConfig(name="pickle", description="the ERC pickle layout, with its official split"),
        IemocapConfig(name="text", description="speaker<TAB>utterance<TAB>label files, blank line between dialogues"),
    ]
    DEFAULT_CONFIG_NAME = "pickle"

    def _info(self) -> datasets.DatasetInfo:
        features = datasets.Features(
            {
                "dialogue_id": datasets.Value("string"),
                "speakers": datasets.List(datasets.Value("string")),
                "utterances": datasets.List(datasets.Value("string")),
                "emotions": datasets.List(datasets.ClassLabel(names=list(EMOTIONS))),
            }
        )
        return card_info(__file__, features)

    def _split_generators(self, dl_manager):
        what = f"iemocap/{self.config.name}"
        if self.config.name == "text":
            files = require_files(self.config.data_dir, list(TEXT_FILES.values()), what)
            return [
                datasets.SplitGenerator(name=split, gen_kwargs={"dialogues": read_text_split(files[name], split)})
                for split, name in TEXT_FILES.items()
            ]
        path = self._pickle_path(what)
        splits = read_pickle(path)
        return [  # a split with no dialogue cannot be stored: left out
            datasets.SplitGenerator(name=split, gen_kwargs={"dialogues": d}) for split, d in splits.items() if d
        ]

    def _pickle_path(self, what: str) -> Path:
        folder, name = self.config.data_dir, self.config.pickle_file
        if name is None:
            found = sorted(p.name for p in Path(folder).glob("*.pkl")) if folder and Path(folder).is_dir() else []
            if len(found) > 1:
                raise FileNotFoundError(f"{what}: {folder} holds several pickles ({', '.join(found)}); pass pickle_file=")
            name = found[0] if found else "<one *.pkl file>"
        return require_files(folder, [name], what)[name]

    def _generate_examples(self, dialogues):
        for dialogue in dialogues:
            yield dialogue["dialogue_id"], dialogue


def read_pickle(path: Path) -> dict[str, list[dict]]:
    """Split name -> dialogues, checked: every dialogue in exactly one split, lists of equal length."""
    data = load_plain_pickle(path)
    if not isinstance(data, (list, tuple)) or len(data) not in PICKLE_LAYOUTS:
        found = f"a {len(data)}-item list" if isinstance(data, (list, tuple)) else type(data).__name__
        raise DataFormatError(
            path, None, f"expected a 6-item list (speakers, labels, sentences, trainVid, testVid, validVid) "
            f"or the 9-item variant with text/audio/visual features after the labels; found {found}"
        )  # fmt: skip
    layout, names = PICKLE_LAYOUTS[len(data)]
    logger.info("%s: ERC pickle layout %s (%d items)", path, layout, len(data))
    parts = dict(zip(names, data))
    for name in ("speakers", "labels", "sentences"):
        if not isinstance(parts[name], dict):
            raise DataFormatError(path, None, f"item {names.index(name)} ({name}) should be a dict, found {type(parts[name]).__name__}")
    split_of: dict[str | int, str] = {}
    written: dict[str, str | int] = {}  # the dialogue_id column holds str(id): 1 and "1" would collide
    for split in ("train", "validation", "test"):
        ids = parts[split]
        if not isinstance(ids, (list, tuple, set, frozenset)):
            raise DataFormatError(path, None, f"item {names.index(split)} ({split} dialogue ids) should be a list, found {type(ids).__name__}")
        for dialogue_id in sorted(ids, key=str) if isinstance(ids, (set, frozenset)) else ids:  # a set in a fixed order
            if isinstance(dialogue_id, bool) or not isinstance(dialogue_id, (str, int)):
                raise DataFormatError(path, None, f"the {split} ids hold {dialogue_id!r}; dialogue ids are strings or integers")
            check_unicode(dialogue_id, path, None, f"the {split} dialogue id {dialogue_id!r}")
            if dialogue_id in split_of:
                raise DataFormatError(path, None, f"dialogue {dialogue_id!r} is in both {split_of[dialogue_id]} and {split}")
            if written.setdefault(str(dialogue_id), dialogue_id) != dialogue_id:
                raise DataFormatError(path, None, f"dialogue ids {written[str(dialogue_id)]!r} and {dialogue_id!r} are both written {str(dialogue_id)!r}")
            split_of[dialogue_id] = split
    keyed = set(parts["speakers"]) | set(parts["labels"]) | set(parts["sentences"])
    unassigned = sorted(keyed - set(split_of), key=str)
    if unassigned:
        raise DataFormatError(path, None, f"dialogues in no split: {', '.join(map(str, unassigned[:5]))} ({len(unassigned)} in all)")
    if not split_of:
        raise DataFormatError(path, None, "the pickle holds no dialogue")
    splits: dict[str, list[dict]] = {"train": [], "validation": [], "test": []}
    for dialogue_id, split in split_of.items():
        splits[split].append(_pickled_dialogue(path, parts, dialogue_id))
    return splits


def _pickled_dialogue(path: Path, parts: dict, dialogue_id) -> dict:
    where = f"dialogue {dialogue_id!r}"
    missing = [n for n in ("speakers", "labels", "sentences") if dialogue_id not in parts[n]]
    if missing:
        raise DataFormatError(path, None, f"{where} has no entry in {', '.join(missing)}")
    for name in ("speakers", "labels", "sentences"):
        if not isinstance(parts[name][dialogue_id], (list, tuple)):
            raise DataFormatError(path, None, f"{where}: its {name} are {type(parts[name][dialogue_id]).__name__}, expected a list")
    speakers, labels, sentences = (list(parts[n][dialogue_id]) for n in ("speakers", "labels", "sentences"))
    if not len(speakers) == len(labels) == len(sentences):
        raise DataFormatError(
            path, None, f"{where} has {len(speakers)} speakers, {len(labels)} labels, {len(sentences)} sentences"
        )
    for i, label in enumerate(labels):
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < len(EMOTIONS):
            raise DataFormatError(path, None, f"{where}, utterance {i}: label {label!r} is not an int in 0..{len(EMOTIONS) - 1}")
    for i, (speaker, sentence) in enumerate(zip(speakers, sentences)):
        if not isinstance(speaker, str) or not isinstance(sentence, str):
            raise DataFormatError(path, None, f"{where}, utterance {i}: speaker and sentence must be strings")
        check_unicode([speaker, sentence], path, None, f"{where}, utterance {i}: the speaker or sentence")
    return {"dialogue_id": str(dialogue_id), "speakers": speakers, "utterances": sentences, "emotions": labels}


def read_text_split(path: Path, split: str) -> list[dict]:
    """Dialogues of a text-layout file; ids are `<split>_<n>` since the layout has none."""
    dialogues: list[dict] = []
    current: dict | None = None
    for line, fields in read_delimited(path, quoted=False, keep_blank=True):
        if not fields:
            current = None
            continue
        if len(fields) != 3:
            raise DataFormatError(path, line, f"expected speaker<TAB>utterance<TAB>label, found {len(fields)} fields")
        speaker, text, label = fields
        if current is None:
            current = {"dialogue_id": f"{split}_{len(dialogues)}", "speakers": [], "utterances": [], "emotions": []}
            dialogues.append(current)
        current["speakers"].append(speaker)
        current["utterances"].append(text)
        current["emotions"].append(SHORT_NAMES.index(parse_choice(label, SHORT_NAMES, path, line, "label")))
    return dialogues
