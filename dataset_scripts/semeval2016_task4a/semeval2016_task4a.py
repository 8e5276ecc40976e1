"""SemEval-2016 Task 4 subtask A: tweet sentiment (negative / neutral / positive), DATN's source task.

The four files are not in one format: train/dev/devtest are unquoted `id, label, text`
(tweets hold bare quotes, so quoting is off), while test is CSV-quoted with a trailing
column that is empty except for 10 rows holding the tweet's creation time, which is kept
in `created_at`. Duplicate tweet ids are part of the official release and are kept.
"""

from __future__ import annotations

import re

import datasets

from hf_emotion.data.cards import card_info
from hf_emotion.data.readers import DataFormatError, parse_choice, read_delimited, require_files

CORPUS_FOLDER = "semeval2016_4a"

SENTIMENTS = ("negative", "neutral", "positive")
TWITTER_TIME = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun) [A-Z][a-z]{2} \d\d \d\d:\d\d:\d\d \+0000 \d{4}")
# split -> (file, CSV-quoted?, field count)
FILES = {
    "train": ("twitter-2016train-A.tsv", False, 3),
    "validation": ("twitter-2016dev-A.tsv", False, 3),
    "devtest": ("twitter-2016devtest-A.tsv", False, 3),
    "test": ("twitter-2016test-A.tsv", True, 4),
}


class SemEval2016Task4A(datasets.GeneratorBasedBuilder):
    def _info(self) -> datasets.DatasetInfo:
        features = datasets.Features(
            {
                "id": datasets.Value("string"),
                "text": datasets.Value("string"),
                "label": datasets.ClassLabel(names=list(SENTIMENTS)),
                "created_at": datasets.Value("string"),
            }
        )
        return card_info(__file__, features)

    def _split_generators(self, dl_manager):
        files = require_files(self.config.data_dir, [f for f, _, _ in FILES.values()], "semeval2016_task4a")
        return [
            datasets.SplitGenerator(name=split, gen_kwargs={"path": files[name], "quoted": quoted, "n_fields": n})
            for split, (name, quoted, n) in FILES.items()
        ]

    def _generate_examples(self, path, quoted, n_fields):
        for line, (tweet_id, label, text, *rest) in read_delimited(path, quoted=quoted, n_fields=n_fields):
            created_at = rest[0] if rest else ""
            if created_at and not TWITTER_TIME.fullmatch(created_at):
                raise DataFormatError(path, line, f"the 4th field holds {created_at!r}; expected it empty or a tweet time")
            label = parse_choice(label, SENTIMENTS, path, line, "label")
            yield line, {"id": tweet_id, "text": text, "label": label, "created_at": created_at}
