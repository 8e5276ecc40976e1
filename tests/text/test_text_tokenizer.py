import json
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hf_emotion.text import (
    PAD_TOKEN,
    UNK_TOKEN,
    build_tokenizer,
    is_emoji_or_emoticon,
    prepare_text,
    segment_chinese,
    strip_pos_tags,
    pre_tokenize,
)

TWEETS = [
    "Sooooo HAPPY today!!! 😂😂 #Blessed @John_Doe see https://t.co/xYz.",
    "I don't know, it's 10:30 :D <3 XD",
    "Looks good but I'm growing weary of this gaming style. 👍🏽",
    "مرحبا بالعالم ١٢٣ 😍",
    "RT @user: love love LOVE www.example.com/a?b=1 :-)",
]


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer(TWEETS, model_max_length=16)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sooooo HAPPY!!", ["soo", "happy", "!", "!"]),
        ("#Blessed day", ["#", "blessed", "day"]),
        ("@John_Doe hi", ["<user>", "hi"]),
        ("mail a@b.com", ["mail", "a", "@", "b", ".", "com"]),
        ("see https://t.co/xYz. ok", ["see", "<url>", ".", "ok"]),
        ("(www.example.com/a?b=1)", ["(", "<url>", ")"]),
        ("10:30 -5 3.14 ١٢٣ 3rd", ["<number>"] * 4 + ["3rd"]),
        ("I don't, it's", ["i", "do", "n't", ",", "it", "'s"]),
        ("can’t", ["ca", "n't"]),
        (":D :-) <3 </3 XD ;)", [":d", ":-)", "<3", "</3", "xd", ";)"]),
        ("xdx great:)", ["xdx", "great", ":)"]),
        ("👍🏽 👨‍👩‍👧 🇫🇷 ❤️😂😂", ["👍🏽", "👨‍👩‍👧", "🇫🇷", "❤️", "😂", "😂"]),
        ("مرحبا بالعالم", ["مرحبا", "بالعالم"]),
        ("我 喜欢 你 ，真好", ["我", "喜欢", "你", "，", "真好"]),
        ("The <URL> stays", ["the", "<url>", "stays"]),
        ("", []),
        (" \t\n ", []),
    ],
)
def test_pre_tokenize(text, expected):
    assert pre_tokenize(text) == expected


def test_specials_and_padding(tokenizer):
    vocab = tokenizer.get_vocab()
    assert vocab[PAD_TOKEN] == 0 == tokenizer.pad_token_id
    assert vocab[UNK_TOKEN] == 1 == tokenizer.unk_token_id
    assert [vocab[t] for t in ("<url>", "<user>", "<number>")] == [2, 3, 4]
    batch = tokenizer(["love love qqq", "", "   ", "zzzunseen love"], padding=True)
    assert batch["input_ids"] == [
        [vocab["love"], vocab["love"], 1],
        [0, 0, 0],
        [0, 0, 0],
        [1, vocab["love"], 0],
    ]
    assert batch["attention_mask"][3] == [1, 1, 0]


def test_megabyte_string_is_truncated(tokenizer):
    text = "extraordinarily " * (1_000_000 // 16)
    ids = tokenizer(text, truncation=True)["input_ids"]
    assert len(ids) == tokenizer.model_max_length == 16


def test_vocabulary_is_deterministic_and_respects_limits():
    first = build_tokenizer(TWEETS).get_vocab()
    assert build_tokenizer(list(reversed(TWEETS))).get_vocab() == first
    # Ties are broken alphabetically after decreasing count.
    vocab = build_tokenizer(["b a c", "c"]).get_vocab()
    assert [t for t, _ in sorted(vocab.items(), key=lambda kv: kv[1])][5:] == ["c", "a", "b"]
    assert set(build_tokenizer(["b a c", "c"], min_frequency=2).get_vocab()) == {PAD_TOKEN, UNK_TOKEN, "<url>", "<user>", "<number>", "c"}
    assert len(build_tokenizer(TWEETS, max_size=7)) == 7


@pytest.mark.parametrize(
    "texts, kwargs, error, match",
    [
        (["ok", 3], {}, TypeError, r"texts\[1\]: expected a string, got int"),
        ("one string", {}, TypeError, "iterable of strings"),
        (["", "  "], {}, ValueError, "empty vocabulary"),
        (["a b"], {"min_frequency": 2}, ValueError, "empty vocabulary"),
        (["a"], {"language": "fr"}, ValueError, "language"),
        (["a"], {"max_size": 3}, ValueError, "max_size"),
        (["a"], {"model_max_length": 0}, ValueError, "model_max_length"),
    ],
)
def test_bad_input(texts, kwargs, error, match):
    with pytest.raises(error, match=match):
        build_tokenizer(texts, **kwargs)


_ROUND_TRIP = """
import json, sys
sys.modules["hf_emotion"] = None  # any import of hf_emotion now fails
from transformers import AutoTokenizer
result = {}
for folder, texts in json.loads(sys.argv[1]):
    tok = AutoTokenizer.from_pretrained(folder)
    result[folder] = [tok(texts, padding=True)["input_ids"], tok.init_kwargs["language"], tok.model_max_length]
print(json.dumps(result))
"""


def test_round_trip_without_hf_emotion(tmp_path):
    """Save, then load in a process that cannot import hf_emotion: identical ids (one process for speed)."""
    cases = {
        "en": (build_tokenizer(TWEETS, model_max_length=32), TWEETS + ["unseen words & [PAD] 🤖", ""]),
        "zh": (build_tokenizer(["我喜欢北京", "今天很开心 😂"], language="zh"), [segment_chinese("我喜欢北京😂"), "今天 很 开心"]),
    }
    for name, (tok, _) in cases.items():
        tok.save_pretrained(tmp_path / name)
    request = [[str(tmp_path / name), probe] for name, (_, probe) in cases.items()]
    out = subprocess.run(
        [sys.executable, "-c", _ROUND_TRIP, json.dumps(request)],
        capture_output=True, text=True, env={"HF_HUB_OFFLINE": "1", "PATH": ""},
    )
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout)
    for name, (tok, probe) in cases.items():
        assert loaded[str(tmp_path / name)] == [tok(probe, padding=True)["input_ids"], name, tok.model_max_length]


def test_chinese_segmentation_and_pre_segmented_text():
    assert segment_chinese("我喜欢北京天安门") == "我 喜欢 北京 天安门"
    # Only Han runs go through jieba: URLs and existing boundaries survive.
    assert segment_chinese("看 http://t.co/ab 我喜欢北京") == "看 http://t.co/ab 我 喜欢 北京"
    assert strip_pos_tags("我/r  喜欢/v  北京/ns  。/w") == "我 喜欢 北京 。"
    with pytest.raises(ValueError, match=r"item 1 '喜欢' is not of the form word/pos"):
        strip_pos_tags("我/r 喜欢")
    with pytest.raises(TypeError, match="expected a string, got NoneType"):
        segment_chinese(None)


def test_prepare_text_segments_only_for_chinese(tokenizer):
    chinese = build_tokenizer(["我喜欢北京"], language="zh")
    assert chinese.convert_ids_to_tokens(chinese(prepare_text("我喜欢北京", chinese))["input_ids"]) == ["我", "喜欢", "北京"]
    assert prepare_text("我喜欢北京", tokenizer) == "我喜欢北京"


def test_missing_jieba_is_named(monkeypatch):
    monkeypatch.setitem(sys.modules, "jieba", None)
    with pytest.raises(ImportError, match=r"hf-emotion\[chinese\]"):
        segment_chinese("我喜欢")


def test_is_emoji_or_emoticon():
    assert all(map(is_emoji_or_emoticon, ["😂", "👍🏽", "🇫🇷", ":d", "<3"]))
    assert not any(map(is_emoji_or_emoticon, ["love", "😂😂", "#", ":", "<url>"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_tokenizer_agrees_with_pre_tokenize(tokenizer, text):
    """The vocabulary builder counts `pre_tokenize`; the tokenizer must split text the same way."""
    pieces = pre_tokenize(text)
    assert all(piece and not any(ch in " \t\n\r\u00a0\u3000" for ch in piece) for piece in pieces)
    vocab = tokenizer.get_vocab()  # a typed "[PAD]"/"[UNK]" is text too (split_special_tokens)
    assert tokenizer(text)["input_ids"] == [vocab.get(piece, 1) for piece in pieces]


def test_non_string_text_is_named():
    with pytest.raises(TypeError, match="text: expected a string, got bytes"):
        pre_tokenize(b"bytes")
