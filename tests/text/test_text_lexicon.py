import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hf_emotion.text import (
    build_tokenizer,
    default_english_lexicon,
    emotion_vocabulary_ids,
    load_lexicon,
    stopwords,
)


def test_word_lists_and_scores(tmp_path):
    path = tmp_path / "lex.txt"
    path.write_text("joy\n\n  \nanger\t-2.5\nhope\t1\t0.3\t[1, 2]\njoy\t0.5\n", encoding="utf-8")
    # a bare word scores 1.0, extra columns are ignored, a repeated word keeps its last score
    assert load_lexicon(path) == {"joy": 0.5, "anger": -2.5, "hope": 1.0}


@settings(max_examples=25, deadline=None)
@given(st.dictionaries(st.text("abcxyz:)-", min_size=1, max_size=8), st.floats(-5, 5), max_size=20))
def test_written_lexicon_reads_back(tmp_path_factory, lexicon):
    path = tmp_path_factory.mktemp("lex") / "lex.tsv"
    path.write_text("".join(f"{word}\t{score!r}\n" for word, score in lexicon.items()), encoding="utf-8")
    assert load_lexicon(path) == lexicon


@pytest.mark.parametrize(
    "content, match",
    [
        ("joy\t1\nanger\tstrong\n", r"lex\.txt: line 2: expected a finite number after the word, got 'strong'"),
        ("joy\t1\nfear\tnan\n", "line 2: expected a finite number"),
        ("\t1\n", "line 1: expected a word before the tab"),
    ],
)
def test_bad_lexicon_lines(tmp_path, content, match):
    path = tmp_path / "lex.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=match):
        load_lexicon(path)


def test_unreadable_lexicon_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="lexicon file not found: .*nope.txt"):
        load_lexicon(tmp_path / "nope.txt")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"latin1\.txt: expected UTF-8 text"):
        load_lexicon(tmp_path / "latin1.txt")


def test_default_english_lexicon_is_vader():
    lexicon = default_english_lexicon()
    assert len(lexicon) > 7000
    assert lexicon["love"] > 0 > lexicon["hate"]
    assert lexicon[":)"] > 0 > lexicon[":("]  # VADER includes emoticons


def test_stopwords():
    english, chinese = stopwords("en"), stopwords("zh")
    assert {"the", "and", "<url>"} <= english and {"的", "了"} <= chinese
    assert not {"not", "no", "never", "n't"} & english and not {"不", "没有"} & chinese
    assert not any(word.startswith("#") for word in english | chinese)
    with pytest.raises(ValueError, match="language: expected one of"):
        stopwords("de")


def test_emotion_vocabulary_ids():
    tok = build_tokenizer(["I LOVE the rain :D 😂", "hate it #sad 👍🏽", "the table"])
    ids = emotion_vocabulary_ids(tok, {"Love": 3.0, "hate": -3.0, "the": 0.1, "sad": -2.0}, stopwords("en"))
    assert ids == sorted(ids)
    assert set(tok.convert_ids_to_tokens(ids)) == {"love", "hate", "sad", ":d", "😂", "👍🏽"}
    vocab = tok.get_vocab()
    assert emotion_vocabulary_ids(vocab, ["table"], []) == sorted([vocab[t] for t in ("table", ":d", "😂", "👍🏽")])
    with pytest.raises(TypeError, match="lexicon: expected a collection of words"):
        emotion_vocabulary_ids(vocab, "love", [])
