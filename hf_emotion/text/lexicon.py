"""Emotion/sentiment lexicons and stopwords for LEM's emotion bag-of-words.

The default English lexicon is VADER's (vaderSentiment, MIT licence), read from the installed
package at run time. NRC EmoLex is not used: its licence is research-only. Chinese has no
default lexicon: pass your own file to `load_lexicon`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path

from .tokenizer import LANGUAGES, is_emoji_or_emoticon, vocabulary


def load_lexicon(path: str | os.PathLike) -> dict[str, float]:
    """Read a word list: "word" (score 1.0) or "word<TAB>score" per line; blank lines are skipped.

    Further tab-separated columns are ignored, so VADER's own file (word, mean, std, ratings)
    loads as is. A repeated word keeps its last score, as VADER's own loader does (its file repeats
    a few, e.g. "lol", ":-p"). Words are kept as written; `emotion_vocabulary_ids` lower-cases them.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"lexicon file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: expected UTF-8 text ({error})") from error
    lexicon: dict[str, float] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        word, tab, rest = line.partition("\t")
        word = word.strip()
        if not word:
            raise ValueError(f"{path}: line {number}: expected a word before the tab")
        score = 1.0
        if tab:
            field = rest.split("\t", 1)[0].strip()
            try:
                score = float(field)
            except ValueError:
                score = math.nan
            if not math.isfinite(score):
                raise ValueError(f"{path}: line {number}: expected a finite number after the word, got {field!r}")
        lexicon[word] = score
    return lexicon


def default_english_lexicon() -> dict[str, float]:
    """VADER's lexicon (about 7,500 words and emoticons with valence scores in [-4, 4])."""
    try:
        package = resources.files("vaderSentiment")
    except ModuleNotFoundError as error:
        raise ImportError("the default English lexicon needs vaderSentiment: pip install 'hf-emotion[lexicon]'") from error
    with resources.as_file(package / "vader_lexicon.txt") as path:
        return load_lexicon(path)


def stopwords(language: str) -> frozenset[str]:
    """Function words written for hf_emotion ("en": ~130 words plus the placeholders; "zh": ~40).

    Negations are not stopwords: they carry sentiment.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {LANGUAGES}, got {language!r}")
    text = resources.files(__package__).joinpath(f"stopwords_{language}.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def emotion_vocabulary_ids(vocab, lexicon: Mapping[str, float] | Iterable[str], stop: Iterable[str]) -> list[int]:
    """Sorted ids of the emotion-bearing tokens of `vocab` (a dict token -> id or a tokenizer):
    lexicon words (compared lower-cased) that are not stopwords, plus every emoji/emoticon token."""
    for name, value in (("lexicon", lexicon), ("stop", stop)):
        if isinstance(value, str):
            raise TypeError(f"{name}: expected a collection of words, got a single string")
    stop_words = {word.lower() for word in stop}
    emotion_words = {word.lower() for word in lexicon} - stop_words
    return sorted(
        index
        for token, index in vocabulary(vocab).items()
        if token in emotion_words or is_emoji_or_emoticon(token)
    )
