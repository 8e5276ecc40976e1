"""Property tests of the word-level tokenizer on arbitrary Unicode: building never fails and keeps
every frequent piece, encoding stays in the vocabulary and within the length limit, padding is
well formed, and a saved tokenizer encodes exactly like the one in memory."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers import AutoTokenizer

from hf_emotion.text import PAD_TOKEN, UNK_TOKEN, build_tokenizer, pre_tokenize
from hf_emotion.text.tokenizer import PLACEHOLDERS

# words, emoji, punctuation, digits, whitespace of every kind, control and format characters
TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40) | st.lists(
    st.sampled_from(["happy", "HAPPY", "😂", "👍🏽", ":)", "#tag", "@user", "http://x.y", "3.5", "can't", "喜欢",
                     " ", "\t", "\n", "\u00a0", "\u200b", "\x00", "[PAD]", "[UNK]", "<url>"]), max_size=12
).map("".join)


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    tokenizer = build_tokenizer(["happy day :) 😂", "so angry at the game", "喜欢 你"], model_max_length=8)
    folder = tmp_path_factory.mktemp("tokenizer")
    tokenizer.save_pretrained(folder)
    return tokenizer, AutoTokenizer.from_pretrained(folder)


@settings(max_examples=40, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=6), st.integers(1, 3))
def test_building_keeps_every_frequent_piece(texts, min_frequency):
    counts = Counter(piece for text in texts for piece in pre_tokenize(text))
    frequent = {piece for piece, n in counts.items() if n >= min_frequency}
    if not frequent - {PAD_TOKEN, UNK_TOKEN, *PLACEHOLDERS}:  # those are in every vocabulary already
        with pytest.raises(ValueError, match=f"empty vocabulary: no token occurs at least min_frequency={min_frequency}"):
            build_tokenizer(texts, min_frequency=min_frequency)
        return
    vocab = build_tokenizer(texts, min_frequency=min_frequency, model_max_length=32).get_vocab()
    assert sorted(vocab.values()) == list(range(len(vocab)))  # ids are 0..V-1, no holes
    assert frequent <= set(vocab)


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=5))
def test_padded_truncated_batches_are_well_formed(saved, texts):
    tokenizer, _ = saved
    batch = tokenizer(texts, padding=True, truncation=True)
    width = len(batch["input_ids"][0])
    assert width <= tokenizer.model_max_length
    for ids, mask, text in zip(batch["input_ids"], batch["attention_mask"], texts):
        assert len(ids) == len(mask) == width
        assert all(0 <= i < len(tokenizer) for i in ids)
        real = sum(mask)
        assert mask == [1] * real + [0] * (width - real)  # right padding
        assert ids[real:] == [tokenizer.pad_token_id] * (width - real)
        assert real == min(len(tokenizer(text)["input_ids"]), tokenizer.model_max_length)
        assert isinstance(tokenizer.decode(ids), str)


@settings(max_examples=60, deadline=None)
@given(TEXT)
def test_saved_tokenizer_encodes_like_the_one_in_memory(saved, text):
    in_memory, loaded = saved
    assert loaded(text)["input_ids"] == in_memory(text)["input_ids"]
