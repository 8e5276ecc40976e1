"""Property tests of the emotion-conversation pipeline (tiny MultiEMO: raw text through a tiny BERT
with one turn of context, raw audio through the acoustic extractor, given feature vectors) on
arbitrary dialogues: any well-formed dialogue gets one finite probability distribution per turn, a
list of dialogues answers like each alone, long dialogues and long utterances are no special case,
and any bad turn or input is a TypeError/ValueError/FileNotFoundError naming the dialogue, the turn
and the field, never an error from deep inside the tokenizer, numpy or the model."""

import math

import numpy as np
import pytest
import torch
from helpers_multiemo import LABELS, tiny_config
from hypothesis import given, settings
from hypothesis import strategies as st
from transformers import pipeline

import hf_emotion  # noqa: F401  (registers the task)
from hf_emotion.models.multiemo import MultiEmoForConversationClassification
from hf_emotion.pipelines.conversation import KNOWN_KEYS, TextFeatureExtractor

FUZZ = settings.get_profile("fuzz")
CASES = {"dialogue": 400, "bad_turn": 900, "bad_input": 300, "long_dialogue": 100, "long_utterance": 300}
assert sum(CASES.values()) >= FUZZ.max_examples  # the emotion-conversation surface's budget (tests/conftest.py)

DIMS = {"text": 8, "audio": 142, "visual": 6}  # 8: the tiny encoder's width; 142: the acoustic feature set
MAX_LENGTH = 24  # encoder tokens per utterance and context: long utterances take the read-alone path
ANY_CHAR = st.characters(codec="utf-8")
WORDS = "we were on a break oh my god ross rachel i know : | ! ?".split()  # the tiny encoder's vocabulary
TEXT = st.text(ANY_CHAR, max_size=30) | st.lists(st.sampled_from([*WORDS, "😂", "[PAD]", "\u200b", "\x00", "喜欢"]), max_size=40).map(" ".join)
SPEAKER = st.sampled_from(["Ross", "Rachel", "", "[SEP]"]) | st.integers(-3, 3) | st.text(ANY_CHAR, max_size=4)
SURROGATE_TEXT = st.tuples(st.text(max_size=3), st.characters(categories=["Cs"]), st.text(max_size=3)).map("".join)
WAVEFORM = st.builds(lambda seed, n: 0.1 * np.random.default_rng(seed).standard_normal(n), st.integers(0, 99), st.integers(1, 3000))
AUDIO = WAVEFORM | WAVEFORM.map(np.ndarray.tolist) | WAVEFORM.map(lambda w: np.stack([w, w]))  # array, list, stereo


def vector(dim):
    return st.builds(lambda seed: np.random.default_rng(seed).standard_normal(dim).astype(np.float32), st.integers(0, 99))


@pytest.fixture(scope="module")
def classifiers(tmp_path_factory, tiny_encoder):
    """"zeros": text + audio, a turn may lack either; "strict": text + visual, every turn needs both. One
    speaker-aware context encoder each (the recurrent encoders are most of a case's time)."""
    extractors = {"text": {"encoder": tiny_encoder, "context_turns": 1, "max_length": MAX_LENGTH}, "audio": {"kind": "acoustic"}}
    models = {"zeros": {"text": "bidirectional", "audio": "none"}, "strict": {"text": "none", "visual": "unidirectional"}}
    out = {}
    for name, encoders in models.items():
        folder = tmp_path_factory.mktemp(name)
        torch.manual_seed(0)
        config = tiny_config(modalities=list(encoders), context_encoder=encoders, input_dims=DIMS,
                             missing_modality="zeros" if name == "zeros" else "error", feature_extractors=extractors)
        MultiEmoForConversationClassification(config).save_pretrained(folder)
        out[name] = pipeline("emotion-conversation", model=str(folder))
    return out


@st.composite
def turn(draw, model):
    """A well-formed turn for `model`: raw or ready inputs for its modalities (the zeros model may lack some)."""
    result = {"speaker": draw(SPEAKER)}
    text = draw(st.sampled_from(["raw", "features"] + (["none"] if model == "zeros" else [])))
    if text == "raw":
        result["text"] = draw(TEXT)
    elif text == "features":
        result["text_features"] = draw(vector(DIMS["text"]))
    if model == "strict":
        result["visual_features"] = draw(vector(DIMS["visual"]))
        return result
    audio = draw(st.sampled_from(["raw", "features", "none"]))
    if audio == "raw":
        result["audio"] = draw(AUDIO)
        result["sampling_rate"] = draw(st.sampled_from([None, 8000, 16000, 22050]))
    elif audio == "features":
        result["audio_features"] = draw(vector(DIMS["audio"]))
    return result


def dialogue(model, max_turns=6):
    return st.lists(turn(model), min_size=1, max_size=max_turns)


MODEL_AND_DIALOGUE = st.sampled_from(["zeros", "strict"]).flatmap(lambda m: st.tuples(st.just(m), dialogue(m)))


def has_input(t):
    return any(t.get(k) is not None for k in ("text", "text_features", "audio", "audio_features"))


def assert_one_distribution_per_turn(answer, turns):
    assert [r["turn"] for r in answer] == list(range(len(turns)))
    for result, t in zip(answer, turns, strict=True):
        assert result["speaker"] == t["speaker"]
        scores = result["scores"]
        assert list(scores) == list(LABELS.values())
        assert all(isinstance(p, float) and math.isfinite(p) and 0.0 <= p <= 1.0 for p in scores.values())
        assert sum(scores.values()) == pytest.approx(1.0, abs=1e-5)
        assert result["score"] == max(scores.values()) and scores[result["label"]] == result["score"]


@settings(FUZZ, max_examples=CASES["dialogue"])
@given(MODEL_AND_DIALOGUE, st.booleans())
def test_any_dialogue_gets_one_distribution_per_turn(classifiers, model_and_turns, as_list):
    model, turns = model_and_turns
    clf = classifiers[model]
    if not any(map(has_input, turns)):  # only possible for the zeros model
        with pytest.raises(ValueError, match=r"the dialogue has no input for any of the model's modalities"):
            clf(turns)
        return
    answer = clf(turns)
    assert_one_distribution_per_turn(answer, turns)
    if as_list:  # a list of dialogues answers like each alone
        both = clf([turns, turns[::-1]])
        assert len(both) == 2
        assert [r["scores"] for r in both[0]] == [pytest.approx(r["scores"], abs=1e-5) for r in answer]
        assert_one_distribution_per_turn(both[1], turns[::-1])


def not_a(kind):
    """Values that are not `kind`, for the corruptions below."""
    # (a list in place of a turn makes the input a list of dialogues: test_an_input_that_is_not_a_dialogue_is_named)
    others = {"dict": st.none() | st.text(max_size=3) | st.integers() | st.floats(),
              "speaker": st.floats() | st.booleans() | st.binary(max_size=2) | st.lists(st.text(max_size=2), max_size=2)
                         | st.dictionaries(st.text(max_size=1), st.integers(), max_size=1),
              "text": st.integers() | st.floats() | st.binary(max_size=2) | st.lists(st.text(max_size=2), max_size=2),
              "rate": st.integers(max_value=0) | st.booleans() | st.floats() | st.text(max_size=2)}  # fmt: skip
    return others[kind]


BAD_FEATURES = (st.integers(0, 20).filter(lambda n: n != DIMS["text"]).map(np.ones)  # wrong dimension
                | st.just(np.full(DIMS["text"], np.nan)) | st.just(np.ones((2, 4))) | st.text(max_size=3)
                | st.just([[1.0], [1.0, 2.0]]))  # fmt: skip
BAD_AUDIO = (st.just([]) | st.just(np.full(800, np.inf)) | st.just(np.zeros((2, 2, 200))) | st.just("no/such/file.wav")
             | st.just({"sampling_rate": 16000}) | st.just([[0.1], [0.1, 0.2]]))  # fmt: skip
# name -> (models it applies to, values, how it corrupts a turn, error, message after "turn i: ")
CORRUPTIONS = {
    "not a dict": (("zeros", "strict"), not_a("dict"), lambda t, v: v, ValueError, "expected a dict with 'speaker'"),
    "unknown key": (("zeros", "strict"), st.text(min_size=1, max_size=4).filter(lambda k: k not in KNOWN_KEYS) | st.integers(),
                    lambda t, k: {**t, k: 1}, ValueError, "unknown keys"),
    "no speaker": (("zeros", "strict"), st.just(None), lambda t, v: {**t, "speaker": v}, ValueError, "missing 'speaker'"),
    "bad speaker": (("zeros", "strict"), not_a("speaker"), lambda t, v: {**t, "speaker": v}, TypeError, "'speaker' must be a name"),
    "bad text": (("zeros", "strict"), not_a("text"), lambda t, v: {**t, "text": v}, TypeError, "'text' must be a string"),
    "surrogate text": (("zeros", "strict"), SURROGATE_TEXT, lambda t, v: {**t, "text": v}, ValueError, "'text' holds the lone surrogate"),
    "surrogate speaker": (("zeros", "strict"), SURROGATE_TEXT, lambda t, v: {**t, "speaker": v}, ValueError,
                          "'speaker' holds the lone surrogate"),
    "bad rate": (("zeros", "strict"), not_a("rate"), lambda t, v: {**t, "sampling_rate": v}, ValueError,
                 "'sampling_rate' must be a positive integer"),
    "bad text features": (("zeros", "strict"), BAD_FEATURES, lambda t, v: {**t, "text_features": v}, ValueError,
                          "text_features (holds NaN|has dimension|has shape|must be a vector)"),
    "bad audio": (("zeros",), BAD_AUDIO, lambda t, v: {k: x for k, x in {**t, "audio": v}.items() if k != "audio_features"},
                  (ValueError, FileNotFoundError), "audio input: "),
    "no text": (("strict",), st.just(None), lambda t, v: {k: x for k, x in t.items() if not k.startswith("text")}, ValueError,
                "no text input"),
    "no visual": (("strict",), st.just(None), lambda t, v: {k: x for k, x in t.items() if k != "visual_features"}, ValueError,
                  "no visual input"),
}


@st.composite
def corrupted(draw):
    """(model, the input, where the bad turn is, the corruption): one bad turn among good ones, in one
    dialogue or in a list of dialogues."""
    name = draw(st.sampled_from(sorted(CORRUPTIONS)))
    models, values, corrupt, _, _ = CORRUPTIONS[name]
    model = draw(st.sampled_from(models))
    turns = draw(dialogue(model, max_turns=4))
    index = draw(st.integers(0, len(turns) - 1))
    turns[index] = corrupt(turns[index], draw(values))
    if not draw(st.booleans()):
        return model, turns, f"turn {index}", name
    others = draw(st.lists(dialogue(model, max_turns=2).filter(lambda d: any(map(has_input, d))), max_size=2))
    position = draw(st.integers(0, len(others)))
    return model, others[:position] + [turns] + others[position:], f"dialogue {position}, turn {index}", name


@settings(FUZZ, max_examples=CASES["bad_turn"])
@given(corrupted())
def test_a_bad_turn_is_named_by_dialogue_turn_and_field(classifiers, case):
    model, inputs, where, name = case
    error, message = CORRUPTIONS[name][3:]
    with pytest.raises(error, match=rf"^{where}: {message}"):
        classifiers[model](inputs)


@settings(FUZZ, max_examples=CASES["bad_input"])
@given(st.sampled_from(["zeros", "strict"]), st.data())
def test_an_input_that_is_not_a_dialogue_is_named(classifiers, model, data):
    good = data.draw(dialogue(model, max_turns=2).filter(lambda d: any(map(has_input, d))))
    inputs, message = data.draw(st.sampled_from([
        (None, "expects a dialogue \\(a list of turn dicts\\), got NoneType"),
        ("hello", "expects a dialogue \\(a list of turn dicts\\), got str"),
        (good[0], "expects a dialogue \\(a list of turn dicts\\), got dict"),
        (iter([good]), "expects a dialogue \\(a list of turn dicts\\), got list_iterator"),
        ([], "the dialogue has no turns"),
        ([good, []], "dialogue 1 has no turns"),
        ([good, good[0]], "item 0 is a list but item 1 is not"),
        ([good[0], good], "item 1 is a list but item 0 is not"),
    ]))  # fmt: skip
    with pytest.raises(ValueError, match=message):
        classifiers[model](inputs)


@settings(FUZZ, max_examples=CASES["long_dialogue"])
@given(st.sampled_from(["zeros", "strict"]), st.integers(30, 200), st.integers(1, 200), st.integers(0, 99))
def test_long_dialogues_with_many_speakers_are_no_special_case(classifiers, model, length, speakers, seed):
    """Hundreds of turns and speakers (ready features, so the case stays cheap), with texts in a few turns."""
    rng = np.random.default_rng(seed)
    other = "visual" if model == "strict" else "audio"
    turns = [{"speaker": f"s{rng.integers(speakers)}", "text_features": rng.standard_normal(DIMS["text"]),
              f"{other}_features": rng.standard_normal(DIMS[other])} for _ in range(length)]  # fmt: skip
    for i in rng.choice(length, size=3, replace=False):
        turns[i] = {k: v for k, v in turns[i].items() if k != "text_features"} | {"text": " ".join(rng.choice(WORDS, 5))}
    assert_one_distribution_per_turn(classifiers[model](turns), turns)


@settings(FUZZ, max_examples=CASES["long_utterance"])
@given(st.sampled_from(WORDS) | TEXT.filter(str.strip), st.integers(1, 30) | st.integers(30, 400), TEXT)
def test_an_utterance_too_long_for_its_context_is_read_alone(classifiers, part, repeats, context):
    """Pair truncation may cut only the context and must leave it a token: an utterance that leaves no
    room for one is embedded without it (the tokenizer used to raise a bare Exception here)."""
    extractor = classifiers["zeros"].extractor("text")
    assert isinstance(extractor, TextFeatureExtractor) and extractor.max_length == MAX_LENGTH
    utterance = " ".join([part] * repeats)
    room = MAX_LENGTH - extractor.tokenizer.num_special_tokens_to_add(pair=True)
    own = len(extractor.tokenizer(utterance, add_special_tokens=False)["input_ids"])
    with_context = extractor.encode([utterance, "oh my god"], [context, context])
    assert with_context.shape == (2, DIMS["text"]) and np.isfinite(with_context).all()
    if own >= room:  # read alone, cut to fit
        np.testing.assert_allclose(with_context[0], extractor.encode([utterance])[0], atol=1e-5)
    else:  # read beside its context, as before
        np.testing.assert_allclose(with_context[0], extractor.encode([utterance], [context])[0], atol=1e-5)
    np.testing.assert_allclose(with_context[1], extractor.encode(["oh my god"], [context])[0], atol=1e-5)
