"""Property tests of the word-level tokenizer on arbitrary Unicode (control and format characters,
typed special tokens, emoji, 10k-character texts, empty and whitespace-only texts): building never
fails and keeps every frequent piece, user text never becomes a special id or an invisible token,
encoding stays in the vocabulary and within the length limit, decoding round-trips, and a saved
tokenizer encodes exactly like the one in memory, also when read by `tokenizers` alone."""

import tempfile
import unicodedata
from collections import Counter

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer
from transformers import AutoTokenizer

from hf_emotion.text import PAD_TOKEN, UNK_TOKEN, build_tokenizer, is_emoji_or_emoticon, pre_tokenize
from hf_emotion.text.tokenizer import PLACEHOLDERS

FUZZ = settings.get_profile("fuzz")
CASES = {"build": 400, "encode": 700, "invisible": 400, "batch": 250, "long": 150, "save_load": 150}
assert sum(CASES.values()) >= FUZZ.max_examples  # the tokenizer surface's budget (tests/conftest.py)

ANY_CHAR = st.characters(codec="utf-8")  # every code point but the surrogates, which str cannot encode
SPACE_LIKE = st.characters(categories=["Cc"]) | st.just("\u200b")  # controls and the zero-width space
DROPPED = st.characters(categories=["Cf"], exclude_characters="\u200b\u200d")  # BOM, soft hyphen, bidi, tags...
PIECES = ["happy", "HAPPY", "sooooo", "😂", "👍🏽", "👨\u200d👩\u200d👧", ":)", ":D", "#tag", "@user", "http://x.y", "3.5",
          "can't", "喜欢", " ", "\t", "\r\n", "\u00a0", "\u200b", "\u200d", "\ufeff", "\x00", "\u00ad", "\u202e",
          "[PAD]", "[UNK]", "[pad]", "<url>", "<number>"]  # fmt: skip
TEXT = st.text(ANY_CHAR, max_size=40) | st.lists(st.sampled_from(PIECES) | st.text(ANY_CHAR, max_size=3), max_size=12).map("".join)
NOT_TEXT = st.none() | st.integers() | st.binary(max_size=4) | st.lists(st.text(max_size=2), max_size=2)
BUILT_FROM = ["happy day :) 😂 [ ]", "so angry at the game", "喜欢 你", "pad unk"]


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """The in-memory tokenizer, its AutoTokenizer reload and its tokenizer.json read by `tokenizers` alone."""
    tokenizer = build_tokenizer(BUILT_FROM, model_max_length=8)
    folder = tmp_path_factory.mktemp("tokenizer")
    tokenizer.save_pretrained(folder)
    return tokenizer, AutoTokenizer.from_pretrained(folder), Tokenizer.from_file(str(folder / "tokenizer.json"))


def raw_pieces(backend: Tokenizer, text: str) -> list[str]:
    """What tokenizer.json alone (no transformers, no hf_emotion) splits `text` into."""
    return [piece for piece, _ in backend.pre_tokenizer.pre_tokenize_str(backend.normalizer.normalize_str(text))]


def leaks_invisible(piece: str) -> bool:
    """A token holding a control or format character, other than the joiners inside one emoji."""
    invisible = {ch for ch in piece if unicodedata.category(ch) in ("Cc", "Cf")}
    return bool(invisible) and not (invisible == {"\u200d"} and is_emoji_or_emoticon(piece))


@settings(FUZZ, max_examples=CASES["build"])
@given(st.lists(TEXT, min_size=1, max_size=6), st.integers(1, 3), st.none() | st.tuples(st.integers(0, 5), NOT_TEXT))
def test_building_keeps_every_frequent_piece(texts, min_frequency, intruder):
    if intruder is not None:  # one item is not a string: refused by its index, whatever came before
        index = min(intruder[0], len(texts))
        texts = texts[:index] + [intruder[1]] + texts[index:]
        with pytest.raises(TypeError, match=rf"texts\[{index}\]: expected a string, got {type(intruder[1]).__name__}"):
            build_tokenizer(texts, min_frequency=min_frequency)
        return
    counts = Counter(piece for text in texts for piece in pre_tokenize(text))
    frequent = {piece for piece, n in counts.items() if n >= min_frequency}
    if not frequent - {PAD_TOKEN, UNK_TOKEN, *PLACEHOLDERS}:  # those are in every vocabulary already
        with pytest.raises(ValueError, match=f"empty vocabulary: no token occurs at least min_frequency={min_frequency}"):
            build_tokenizer(texts, min_frequency=min_frequency)
        return
    vocab = build_tokenizer(texts, min_frequency=min_frequency, model_max_length=32).get_vocab()
    assert sorted(vocab.values()) == list(range(len(vocab)))  # ids are 0..V-1, no holes
    assert frequent <= set(vocab)


@settings(FUZZ, max_examples=CASES["encode"])
@given(TEXT)
def test_user_text_never_gives_special_ids_or_invisible_tokens(saved, text):
    """Typed "[PAD]"/"[UNK]" are ordinary text and every control/format character is a space or gone,
    in memory, after AutoTokenizer.from_pretrained, and in tokenizer.json read by `tokenizers` alone."""
    in_memory, loaded, backend = saved
    pieces = pre_tokenize(text)
    assert not [piece for piece in pieces if leaks_invisible(piece) or not piece.strip()]
    assert raw_pieces(backend, text) == pieces
    vocab, unk = in_memory.get_vocab(), in_memory.unk_token_id
    expected = [vocab.get(piece, unk) for piece in pieces]
    for tokenizer in (in_memory, loaded):
        ids = tokenizer(text)["input_ids"]
        assert ids == expected and in_memory.pad_token_id not in ids
        known = [i for i in ids if i != unk]
        assert tokenizer(tokenizer.decode(known))["input_ids"] == known  # decoding round-trips


@settings(FUZZ, max_examples=CASES["invisible"])
@given(st.lists(TEXT, min_size=2, max_size=5), st.sampled_from(["space", "dropped"]), st.data())
def test_invisible_characters_act_as_a_space_or_vanish(parts, kind, data):
    invisible = data.draw(SPACE_LIKE if kind == "space" else DROPPED)
    assert pre_tokenize(invisible.join(parts)) == pre_tokenize((" " if kind == "space" else "").join(parts))


@settings(FUZZ, max_examples=CASES["batch"])
@given(st.lists(TEXT, min_size=1, max_size=5))
def test_padded_truncated_batches_are_well_formed(saved, texts):
    tokenizer = saved[0]
    batch = tokenizer(texts, padding=True, truncation=True)
    width = len(batch["input_ids"][0])
    assert width <= tokenizer.model_max_length
    for ids, mask, text in zip(batch["input_ids"], batch["attention_mask"], texts, strict=True):
        assert len(ids) == len(mask) == width
        assert all(0 <= i < len(tokenizer) for i in ids)
        real = sum(mask)
        assert mask == [1] * real + [0] * (width - real)  # right padding, and [PAD] only there
        assert ids[real:] == [tokenizer.pad_token_id] * (width - real) and tokenizer.pad_token_id not in ids[:real]
        assert real == min(len(pre_tokenize(text)), tokenizer.model_max_length)


@settings(FUZZ, max_examples=CASES["long"])
@given(TEXT.filter(str.strip), st.integers(0, 3))
def test_ten_thousand_character_texts_split_like_their_parts(saved, part, extra):
    """A long text is no special case: no cut-off or regex blow-up inside the normalizer."""
    repeats = 10_000 // (len(part) + 1) + 1 + extra
    text = (part + " ") * repeats
    assert len(text) > 10_000
    pieces = pre_tokenize(text)
    assert pieces == pre_tokenize(part + " ") * repeats
    tokenizer = saved[0]
    assert len(tokenizer(text)["input_ids"]) == len(pieces)
    assert len(tokenizer(text, truncation=True)["input_ids"]) == min(len(pieces), tokenizer.model_max_length)


@settings(FUZZ, max_examples=CASES["save_load"])
@given(st.lists(TEXT, min_size=1, max_size=4), TEXT)
def test_a_tokenizer_built_from_any_text_survives_save_and_load(texts, probe):
    # texts with no token to learn are refused (test_building_keeps_every_frequent_piece)
    assume(set(piece for text in texts for piece in pre_tokenize(text)) - {PAD_TOKEN, UNK_TOKEN, *PLACEHOLDERS})
    tokenizer = build_tokenizer(texts, model_max_length=16)
    with tempfile.TemporaryDirectory() as folder:
        tokenizer.save_pretrained(folder)
        loaded = AutoTokenizer.from_pretrained(folder)
        backend = Tokenizer.from_file(f"{folder}/tokenizer.json")
    assert loaded.get_vocab() == tokenizer.get_vocab() and loaded.model_max_length == 16
    for text in [*texts, probe, "[PAD] [UNK]"]:
        assert loaded(text)["input_ids"] == tokenizer(text)["input_ids"]
        assert raw_pieces(backend, text) == pre_tokenize(text)
