"""Ren-CECps 1.0: Chinese blog sentences with 8 emotion intensities (LEM's and DATN's Chinese corpus).

One XML file per blog document; every `<sentence>` becomes an example with its raw
text, the corpus's own word segmentation, the multi-label target (emotions with
intensity > 0), the 8 intensities (the "true emotion distribution" for distribution
metrics) and the polarity. The corpus ships no split, so the builder makes one: by
document (default, no sentence of a test document is seen in training) or by sentence,
label-stratified and seeded, or the first N documents in file-name order (DATN).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import datasets

from hf_emotion.data.cards import card_info
from hf_emotion.data.readers import DataFormatError, require_files
from hf_emotion.data.splits import SPLIT_NAMES, stratified_split

CORPUS_FOLDER = "ren_cecps"

EMOTION_TAGS = ("Joy", "Hate", "Love", "Sorrow", "Anxiety", "Surprise", "Anger", "Expect")
EMOTIONS = tuple(tag.lower() for tag in EMOTION_TAGS)
POLARITIES = {"消极": "negative", "中性": "neutral", "积极": "positive"}


@dataclass
class RenCECpsConfig(datasets.BuilderConfig):
    """How to split: `split_unit` "document" or "sentence", `split_fractions` for train/validation/test
    with `seed`; or `document_counts` = (train, validation, test) first documents in file-name order."""

    split_unit: str = "document"
    split_fractions: tuple[float, float, float] = (0.7, 0.1, 0.2)
    seed: int = 0
    document_counts: tuple[int, int, int] | None = None


class RenCECps(datasets.GeneratorBasedBuilder):
    BUILDER_CONFIG_CLASS = RenCECpsConfig
    BUILDER_CONFIGS = [RenCECpsConfig(name="sentences", description="one example per sentence")]
    DEFAULT_CONFIG_NAME = "sentences"

    def _info(self) -> datasets.DatasetInfo:
        features = datasets.Features(
            {
                "id": datasets.Value("string"),
                "document": datasets.Value("string"),
                "paragraph": datasets.Value("int32"),
                "sentence": datasets.Value("int32"),
                "text": datasets.Value("string"),
                "tokens": datasets.List(datasets.Value("string")),
                "pos_tags": datasets.List(datasets.Value("string")),
                "labels": datasets.List(datasets.ClassLabel(names=list(EMOTIONS))),
                "intensities": datasets.List(datasets.Value("float32"), length=len(EMOTIONS)),
                "polarity": datasets.ClassLabel(names=["negative", "neutral", "positive"]),
            }
        )
        return card_info(__file__, features)

    def _split_generators(self, dl_manager):
        folder = self.config.data_dir
        files = sorted(Path(folder).rglob("*.xml")) if folder and Path(folder).is_dir() else []
        if not files:
            require_files(folder, ["<one *.xml file per document>"], "ren_cecps")
        documents = [read_document(path, path.relative_to(folder).with_suffix("").as_posix()) for path in files]
        return [  # a split with no sentences (e.g. document_counts=(n, 0, 0)) cannot be stored: left out
            datasets.SplitGenerator(name=split, gen_kwargs={"sentences": sentences})
            for split, sentences in zip(SPLIT_NAMES, self._split(documents))
            if sentences
        ]

    def _split(self, documents: list[list[dict]]) -> list[list[dict]]:
        config = self.config
        splits: list[list[dict]] = [[] for _ in SPLIT_NAMES]
        if config.document_counts is not None:
            counts = list(config.document_counts)
            if len(counts) != 3 or sum(counts) > len(documents):
                raise ValueError(f"document_counts={counts}: need 3 counts summing to at most {len(documents)} documents")
            bounds = [0, counts[0], counts[0] + counts[1], sum(counts)]
            for s in range(3):
                splits[s] = [x for doc in documents[bounds[s] : bounds[s + 1]] for x in doc]
            return splits
        if config.split_unit == "document":
            units = documents
        elif config.split_unit == "sentence":
            units = [[x] for doc in documents for x in doc]
        else:
            raise ValueError(f"split_unit={config.split_unit!r}: expected 'document' or 'sentence'")
        label_sets = [{label for x in unit for label in x["labels"]} for unit in units]
        for unit, s in zip(units, stratified_split(label_sets, config.split_fractions, config.seed)):
            splits[s].extend(unit)
        return splits

    def _generate_examples(self, sentences):
        for example in sentences:
            yield example["id"], example


def read_document(path: Path, name: str) -> list[dict]:
    """The sentence examples of one document file, checked against the documented format."""
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as err:
        raise DataFormatError(path, None, f"not well-formed XML ({err})") from err
    if root.tag != "document":
        raise DataFormatError(path, None, f"root element is <{root.tag}>, expected <document>")
    placed = [(p, s, sentence) for p, paragraph in enumerate(root.iter("paragraph"), start=1)
              for s, sentence in enumerate(paragraph.iter("sentence"), start=1)]  # fmt: skip
    # Every <sentence> must sit in exactly one <paragraph>: one outside would be dropped, one in
    # nested paragraphs counted twice.
    if len({id(sentence) for *_, sentence in placed}) != len(placed):
        raise DataFormatError(path, None, "a <paragraph> inside another <paragraph>: its sentences would count twice")
    stray = sum(1 for _ in root.iter("sentence")) - len(placed)
    if stray:
        raise DataFormatError(path, None, f"{stray} <sentence> element(s) outside any <paragraph>")
    examples = []
    for p, s, sentence in placed:
        where = f"paragraph {p}, sentence {s}"
        intensities = [_intensity(path, where, sentence, tag) for tag in EMOTION_TAGS]
        polarity = (sentence.findtext("Polarity") or "").strip()
        if polarity not in POLARITIES:
            raise DataFormatError(path, None, f"{where}: <Polarity> is {polarity!r}, expected one of {', '.join(POLARITIES)}")
        tokens = (sentence.findtext("Segmented_S") or "").split()
        words, tags = zip(*(t.rsplit("/", 1) if "/" in t else (t, "") for t in tokens)) if tokens else ((), ())
        text = sentence.get("S")
        if text is None:
            raise DataFormatError(path, None, f"{where}: the <sentence> has no S attribute (its raw text)")
        examples.append(
            {
                "id": f"{name}/{p}/{s}",
                "document": name,
                "paragraph": p,
                "sentence": s,
                "text": text,
                "tokens": list(words),
                "pos_tags": list(tags),
                "labels": [k for k, value in enumerate(intensities) if value > 0],
                "intensities": intensities,
                "polarity": POLARITIES[polarity],
            }
        )
    if not examples:
        raise DataFormatError(path, None, "no <paragraph><sentence> elements: the document is empty")
    return examples


def _intensity(path: Path, where: str, sentence: ET.Element, tag: str) -> float:
    raw = sentence.findtext(tag)
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise DataFormatError(path, None, f"{where}: <{tag}> is {raw!r}, expected a number in [0, 1]") from None
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise DataFormatError(path, None, f"{where}: <{tag}> is {value}, expected a number in [0, 1]")
    return value
