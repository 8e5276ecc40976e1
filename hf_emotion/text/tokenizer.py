"""Word-level tweet tokenizer shared by LEM and DATN.

Every preprocessing step (lower-casing, placeholders, elongation, emoji/emoticon and
punctuation splitting) lives in the `tokenizers` pipeline, so it is serialised in
tokenizer.json and a checkpoint tokenizes identically on a machine without hf_emotion.
The one step a Rust pipeline cannot do is Chinese word segmentation (jieba): a Chinese
tokenizer takes space-separated words, and `prepare_text` / `segment_chinese` produce them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping

from tokenizers import AddedToken, Regex, Tokenizer, models, normalizers, pre_tokenizers
from transformers import PreTrainedTokenizerFast

PAD_TOKEN = "[PAD]"
UNK_TOKEN = "[UNK]"
URL_TOKEN = "<url>"
USER_TOKEN = "<user>"
NUMBER_TOKEN = "<number>"
# Always in the vocabulary (ids 2-4), so a URL/mention/number at inference never becomes [UNK].
PLACEHOLDERS = (URL_TOKEN, USER_TOKEN, NUMBER_TOKEN)
LANGUAGES = ("en", "zh")

# Common emoticons, written lower-case because matching happens after lower-casing (":D" -> ":d").
EMOTICONS = (
    ":)", ":-)", ":]", "=)", ":(", ":-(", ":[", "=(", ";)", ";-)", ":'(", ":')",
    ":d", ":-d", "=d", ";d", "xd", ":p", ":-p", ";p", "xp", ":o", ":-o", ":s",
    ":/", ":-/", ":|", ":-|", ":*", ":-*", ":@", ":$", ">:(", ">:)", "(:",
    "<3", "</3", "^_^", "^^", "-_-", "t_t", ";_;", "o_o",
)

# One emoji = a flag (two regional indicators) or a pictograph with its variation selector,
# skin tones and ZWJ-joined parts, so "👍🏽" and "👨‍👩‍👧" stay single tokens.
_EMOJI_MODIFIER = r"[\x{FE0F}\x{1F3FB}-\x{1F3FF}]"
_EMOJI_PART = rf"\p{{Extended_Pictographic}}{_EMOJI_MODIFIER}*"
EMOJI_PATTERN = rf"[\x{{1F1E6}}-\x{{1F1FF}}]{{2}}|{_EMOJI_PART}(?:\x{{200D}}{_EMOJI_PART})*"

# Invisible characters would otherwise each be an [UNK] token. Controls (NUL, BEL, C1 ...) and the
# zero-width space separate words like a space; every other format character (BOM, soft hyphen,
# bidi marks, word joiner, tag characters) is dropped, so "hap\u00adpy" is "happy"; a zero-width
# joiner is dropped too unless it joins emoji parts ("👨‍👩‍👧" stays one token). Three steps, in this
# order, so an invisible character next to a joiner never decides the joiner's fate.
_SPACE_LIKE = r"[\p{Cc}\x{200B}]"
_INVISIBLE = r"[\p{Cf}&&[^\x{200D}]]"
_STRAY_JOINER = (
    rf"(?<!\p{{Extended_Pictographic}}{_EMOJI_MODIFIER}{{0,2}})\x{{200D}}|\x{{200D}}(?!\p{{Extended_Pictographic}})"
)

_WORD = r"[\p{L}\p{M}\p{N}_]"
_NOT_WORD_AFTER = r"(?![\p{L}\p{N}])"
# URLs are ASCII in tweets; trailing sentence punctuation is not part of the URL.
_URL = r"""(?:https?://|www\.)[!-~]*?(?=[.,;:!?'")\]]*(?:[^!-~]|$))"""
_USER = r"(?<![\p{L}\p{N}_])@[\p{L}\p{N}_]+"
# Not after "<", ":" or "/" so that "<3", "</3" and ":3" survive as emoticons.
_NUMBER = r"(?<![\p{L}\p{N}_<:/])[-+]?\p{Nd}+(?:[.,:/]\p{Nd}+)*(?![\p{L}\p{N}_])"
# "sooooo" -> "soo": runs of 3+ identical letters keep two (Replace takes literal content, so
# the run is cut after its second letter with \K instead of a $1 back-reference).
_ELONGATION = r"(\p{L})\1\K\1+"


def _emoticon_pattern(emoticon: str) -> str:
    """Letters at an emoticon's edge must not touch a word ("xd" but not "xdx")."""
    before = r"(?<![\p{L}\p{N}])" if emoticon[0].isalnum() else ""
    after = _NOT_WORD_AFTER if emoticon[-1].isalnum() else ""
    return before + re.escape(emoticon) + after


_TOKEN_PATTERN = "|".join(
    [
        *(re.escape(p) for p in PLACEHOLDERS),
        *(_emoticon_pattern(e) for e in sorted(EMOTICONS, key=len, reverse=True)),
        EMOJI_PATTERN,
        # Penn-Treebank contractions, as GloVe 6B has them: "don't" -> "do" "n't", "it's" -> "it" "'s".
        r"n't" + _NOT_WORD_AFTER,
        r"'(?:s|m|d|ll|re|ve)" + _NOT_WORD_AFTER,
        rf"{_WORD}+?(?=n't{_NOT_WORD_AFTER})",
        rf"{_WORD}+",
        # Anything else (punctuation, "#" of a hashtag, symbols) is one token per character.
        r"\S",
    ]
)


def _backend(vocab: dict[str, int]) -> Tokenizer:
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token=UNK_TOKEN))
    tokenizer.normalizer = normalizers.Sequence(
        [
            normalizers.Replace(Regex(_SPACE_LIKE), " "),
            normalizers.Replace(Regex(_INVISIBLE), ""),
            normalizers.Replace(Regex(_STRAY_JOINER), ""),
            normalizers.Lowercase(),
            normalizers.Replace("\u2019", "'"),
            normalizers.Replace(Regex(_URL), URL_TOKEN),
            normalizers.Replace(Regex(_USER), USER_TOKEN),
            normalizers.Replace(Regex(_NUMBER), NUMBER_TOKEN),
            normalizers.Replace(Regex(_ELONGATION), ""),
        ]
    )
    # invert=True keeps the pattern's matches as tokens and drops what lies between (whitespace).
    tokenizer.pre_tokenizer = pre_tokenizers.Split(Regex(_TOKEN_PATTERN), behavior="removed", invert=True)
    tokenizer.add_special_tokens([AddedToken(PAD_TOKEN, special=True), AddedToken(UNK_TOKEN, special=True)])
    return tokenizer


_ANALYZER = _backend({PAD_TOKEN: 0, UNK_TOKEN: 1})


def pre_tokenize(text: str) -> list[str]:
    """The tokens the tokenizer would produce for `text`, before the vocabulary lookup."""
    _check_text(text, "text")
    normalized = _ANALYZER.normalizer.normalize_str(text)
    return [piece for piece, _ in _ANALYZER.pre_tokenizer.pre_tokenize_str(normalized)]


_EMOJI_SPLITTER = pre_tokenizers.Split(Regex(EMOJI_PATTERN), behavior="removed", invert=True)
_EMOTICON_SET = frozenset(EMOTICONS)


def is_emoji_or_emoticon(token: str) -> bool:
    """True for a single emoji (using the tokenizer's own emoji pattern) or a listed emoticon."""
    if token in _EMOTICON_SET:
        return True
    pieces = _EMOJI_SPLITTER.pre_tokenize_str(token)
    return len(pieces) == 1 and pieces[0][0] == token


# Han ideographs (CJK unified, extension A, compatibility, and the supplementary planes).
_HAN_RUN = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")


def segment_chinese(text: str) -> str:
    """Segment the Han runs of `text` with jieba and return space-separated words.

    Only Han runs go through jieba (it would cut URLs and mentions apart); existing spaces stay
    word boundaries, so already segmented text keeps its boundaries.
    """
    _check_text(text, "text")
    try:
        import jieba
    except ImportError as error:  # optional dependency
        raise ImportError("Chinese segmentation needs jieba: pip install 'hf-emotion[chinese]'") from error
    jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is INFO
    parts = _HAN_RUN.split(text)
    # re.split with a capture group puts the Han runs at odd indices.
    segmented = (" ".join(jieba.lcut(part)) if index % 2 else part for index, part in enumerate(parts))
    return " ".join(" ".join(segmented).split())


def strip_pos_tags(text: str) -> str:
    """Ren-CECps style "word/pos  word/pos" -> "word word" (keeps the corpus's own segmentation)."""
    _check_text(text, "text")
    result = []
    for position, item in enumerate(text.split()):
        word, slash, tag = item.rpartition("/")
        if not slash or not word or not tag:
            raise ValueError(f"pre-segmented text: item {position} {item!r} is not of the form word/pos")
        result.append(word)
    return " ".join(result)


def prepare_text(text: str, tokenizer: PreTrainedTokenizerFast) -> str:
    """What a pipeline feeds the tokenizer: raw text, segmented first for a Chinese tokenizer."""
    _check_text(text, "text")
    return segment_chinese(text) if tokenizer.init_kwargs.get("language") == "zh" else text


def _check_text(text: object, where: str) -> None:
    if not isinstance(text, str):
        raise TypeError(f"{where}: expected a string, got {type(text).__name__}")


def vocabulary(vocab) -> dict[str, int]:
    """A dict token -> id from a dict or a tokenizer, checked to have ids 0..V-1 (one matrix row each)."""
    if hasattr(vocab, "get_vocab"):
        vocab = vocab.get_vocab()
    if not isinstance(vocab, Mapping):
        raise TypeError(f"vocab: expected a dict token -> id or a tokenizer, got {type(vocab).__name__}")
    if not vocab:
        raise ValueError("vocab: the vocabulary is empty")
    if sorted(vocab.values()) != list(range(len(vocab))):
        raise ValueError(f"vocab: ids must be exactly 0..{len(vocab) - 1} (one row per id), got gaps or duplicates")
    return dict(vocab)


def build_tokenizer(
    texts: Iterable[str],
    *,
    language: str = "en",
    min_frequency: int = 1,
    max_size: int | None = None,
    model_max_length: int = 128,
) -> PreTrainedTokenizerFast:
    """Build the word-level tokenizer and its vocabulary from a corpus.

    Ids: [PAD]=0, [UNK]=1, <url>/<user>/<number>=2-4, then tokens seen at least `min_frequency`
    times by decreasing count, ties broken alphabetically (deterministic). `max_size` caps the
    whole vocabulary, specials included. For language="zh" every text is segmented with
    `segment_chinese` first; the saved tokenizer records language="zh" in tokenizer_config.json.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language: expected one of {LANGUAGES}, got {language!r}")
    if not isinstance(min_frequency, int) or min_frequency < 1:
        raise ValueError(f"min_frequency: expected an integer >= 1, got {min_frequency!r}")
    reserved = 2 + len(PLACEHOLDERS)
    if max_size is not None and (not isinstance(max_size, int) or max_size <= reserved):
        raise ValueError(f"max_size: expected None or an integer > {reserved} (specials and placeholders), got {max_size!r}")
    if not isinstance(model_max_length, int) or model_max_length < 1:
        raise ValueError(f"model_max_length: expected an integer >= 1, got {model_max_length!r}")
    if isinstance(texts, str):
        raise TypeError("texts: expected an iterable of strings, got a single string")

    counts: Counter[str] = Counter()
    for index, text in enumerate(texts):
        _check_text(text, f"texts[{index}]")
        counts.update(pre_tokenize(segment_chinese(text) if language == "zh" else text))
    fixed = [PAD_TOKEN, UNK_TOKEN, *PLACEHOLDERS]
    ranked = sorted(
        (token for token, count in counts.items() if count >= min_frequency and token not in fixed),
        key=lambda token: (-counts[token], token),
    )
    if not ranked:
        raise ValueError(f"empty vocabulary: no token occurs at least min_frequency={min_frequency} times in texts")
    if max_size is not None:
        ranked = ranked[: max_size - len(fixed)]
    vocab = {token: index for index, token in enumerate(fixed + ranked)}
    return PreTrainedTokenizerFast(
        tokenizer_object=_backend(vocab),
        pad_token=PAD_TOKEN,
        unk_token=UNK_TOKEN,
        model_max_length=model_max_length,
        language=language,
        # A "[PAD]" or "[UNK]" typed in a text is text ("[", "pad", "]"), never the special id: saved in
        # tokenizer_config.json, so AutoTokenizer applies it too (tokenizer.json cannot hold this flag).
        split_special_tokens=True,
    )
