"""SemEval-2018 Task 1 subtask E-c: multi-label emotion classification of tweets (11 emotions).

Reads the organisers' tab-separated files with quoting disabled (default CSV quoting
merges rows at tweets' bare quotes). Label ids follow the files' column order, so a
model trained on this dataset gets the same id2label as the official scorer.
"""

from __future__ import annotations

from dataclasses import dataclass

import datasets

from hf_emotion.data.cards import card_info
from hf_emotion.data.readers import DataFormatError, parse_binary, read_with_header, require_files

CORPUS_FOLDER = "semeval2018_ec"

EMOTIONS = (
    "anger", "anticipation", "disgust", "fear", "joy", "love",
    "optimism", "pessimism", "sadness", "surprise", "trust",
)  # fmt: skip
HEADER = ("ID", "Tweet", *EMOTIONS)


@dataclass
class SemEval2018Config(datasets.BuilderConfig):
    """`code` is the language tag in the file names; `has_test` is False where no gold test exists."""

    code: str = "En"
    has_test: bool = True

    def file_names(self) -> dict[str, str]:
        names = {"train": f"2018-E-c-{self.code}-train.txt", "validation": f"2018-E-c-{self.code}-dev.txt"}
        if self.has_test:
            names["test"] = f"2018-E-c-{self.code}-test-gold.txt"
        return names


class SemEval2018EC(datasets.GeneratorBasedBuilder):
    BUILDER_CONFIG_CLASS = SemEval2018Config
    BUILDER_CONFIGS = [
        SemEval2018Config(name="english", code="En"),
        SemEval2018Config(name="arabic", code="Ar"),
        # The Spanish gold test labels were never published in a public copy: no test split.
        SemEval2018Config(name="spanish", code="Es", has_test=False),
    ]
    DEFAULT_CONFIG_NAME = "english"

    def _info(self) -> datasets.DatasetInfo:
        features = datasets.Features(
            {
                "id": datasets.Value("string"),
                "text": datasets.Value("string"),
                "labels": datasets.List(datasets.ClassLabel(names=list(EMOTIONS))),
            }
        )
        return card_info(__file__, features)

    def _split_generators(self, dl_manager):
        names = self.config.file_names()
        files = require_files(self.config.data_dir, list(names.values()), f"semeval2018_ec/{self.config.name}")
        return [datasets.SplitGenerator(name=split, gen_kwargs={"path": files[f]}) for split, f in names.items()]

    def _generate_examples(self, path):
        seen: dict[str, int] = {}
        for line, (tweet_id, text, *flags) in read_with_header(path, HEADER):
            if tweet_id in seen:
                raise DataFormatError(path, line, f"ID {tweet_id!r} repeats line {seen[tweet_id]}; IDs are unique per file")
            seen[tweet_id] = line
            labels = [i for i, (name, flag) in enumerate(zip(EMOTIONS, flags)) if parse_binary(flag, path, line, name)]
            yield line, {"id": tweet_id, "text": text, "labels": labels}
