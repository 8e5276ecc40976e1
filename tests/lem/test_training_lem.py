"""LEM's training schedule and the train_lem driver, on tiny data written here."""

import json
import random

import numpy as np
import pytest
import torch
from datasets import ClassLabel, Dataset, DatasetDict, Features, Sequence, Value
from transformers import AutoModelForSequenceClassification, AutoTokenizer, TrainerControl

from hf_emotion.training.lem import LemPhaseSchedule, LemTrainingSetup, train_lem
from hf_emotion.training.multilabel import score_texts

TINY = dict(vae_hidden_size=16, led_dim=8, num_memory_slots=4, attention_dim=8, gru_hidden_size=8, num_hops=2)
WORDS = {"joy": ["happy", "great", "love", "smile"], "anger": ["angry", "hate", "furious", "mad"]}
FILLER = ["the", "day", "was", "today", "my", "team", "game"]


def glove_file(path, words, dim=6):
    rng = np.random.default_rng(0)
    path.write_text("".join(f"{w} " + " ".join(f"{x:.4f}" for x in rng.normal(size=dim)) + "\n" for w in words))
    return str(path)


def english_dataset(n=48, seed=0):
    rng = random.Random(seed)
    features = Features({"text": Value("string"), "labels": Sequence(ClassLabel(names=["anger", "joy"]))})

    def split(size):
        rows = {"text": [], "labels": []}
        for _ in range(size):
            labels = sorted(rng.sample([0, 1], rng.choice([0, 1, 1, 2])))
            words = [rng.choice(WORDS["anger" if i == 0 else "joy"]) for i in labels] + rng.sample(FILLER, 3)
            rng.shuffle(words)
            rows["text"].append(" ".join(words))
            rows["labels"].append(labels)
        return Dataset.from_dict(rows, features=features)

    return DatasetDict(train=split(n), validation=split(16), test=split(16))


def test_schedule_alternates_phases_on_plateau_and_stops():
    schedule = LemPhaseSchedule(vae_pretrain_epochs=2, joint_patience=1, vae_refresh_epochs=1, max_refreshes=1)
    control, seen = TrainerControl(), []

    class Model:
        training_phase = None

    model = Model()
    for value in [0.0, 0.0, 0.5, 0.6, 0.6, 0.0, 0.6, 0.6]:
        schedule.on_epoch_begin(None, None, control, model=model)
        seen.append(model.training_phase)
        schedule.on_evaluate(None, None, control, metrics={"eval_micro_f1": value})
        if control.should_training_stop:
            break
    assert seen == ["vae", "vae", "joint", "joint", "joint", "vae", "joint"]  # no gain after the refresh: stop
    assert control.should_training_stop
    restored = LemPhaseSchedule.from_state(schedule.state())
    assert restored.state() == schedule.state()


def test_schedule_names_a_missing_metric():
    schedule = LemPhaseSchedule(vae_pretrain_epochs=0)
    with pytest.raises(ValueError, match="eval_micro_f1"):
        schedule.on_evaluate(None, None, TrainerControl(), metrics={"eval_loss": 1.0})


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lem")
    vectors = glove_file(folder / "vectors.txt", sum(WORDS.values(), []) + FILLER)
    setup = LemTrainingSetup(vectors=vectors, epochs=4, vae_pretrain_epochs=1, batch_size=8, config_overrides=TINY)
    return train_lem(english_dataset(), folder / "out", setup), folder / "out"


def test_train_lem_writes_a_complete_checkpoint(trained):
    result, out = trained
    for name in ("config.json", "model.safetensors", "tokenizer.json", "training_record.json"):
        assert (out / name).is_file(), name
    record = json.loads((out / "training_record.json").read_text())
    assert record["phase_history"][0] == "vae" and "joint" in record["phase_history"]
    assert record["vector_coverage"]["found"] > 0
    config = json.loads((out / "config.json").read_text())
    assert config["threshold_mode"] == "global" and len(config["thresholds"]) == 2
    assert config["id2label"] == {"0": "anger", "1": "joy"}
    assert set(config["emotion_vocab_ids"])  # lexicon words from the default English lexicon


def test_saved_checkpoint_predicts_like_the_trained_model(trained):
    result, out = trained
    texts = ["happy happy day", "so angry at the game"]
    model = AutoModelForSequenceClassification.from_pretrained(out)
    tokenizer = AutoTokenizer.from_pretrained(out)
    assert np.allclose(score_texts(model, tokenizer, texts), score_texts(result.model, result.tokenizer, texts), atol=1e-6)


def test_odd_texts_give_valid_scores(trained):
    result, _ = trained
    texts = ["", "   ", "zzzz qqqq", "the day was", "happy " * 200_000, "😂😂 #mad @someone http://x.y"]
    scores = score_texts(result.model, result.tokenizer, texts, max_length=64)
    assert scores.shape == (6, 2) and np.isfinite(scores).all()
    assert ((scores >= 0) & (scores <= 1)).all()


def test_missing_validation_split_is_named(tmp_path):
    data = english_dataset()
    with pytest.raises(ValueError, match=r"lacks split\(s\) \['validation'\]"):
        train_lem(DatasetDict(train=data["train"]), tmp_path)


def test_lexicon_without_overlap_is_refused(tmp_path):
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("xylophone\n")
    vectors = glove_file(tmp_path / "v.txt", FILLER)
    setup = LemTrainingSetup(vectors=vectors, lexicon=str(lexicon), epochs=1, config_overrides=TINY)
    with pytest.raises(ValueError, match="no word of the training vocabulary is in the emotion lexicon"):
        train_lem(english_dataset(), tmp_path / "out", setup)


TAGS = ("Joy", "Hate", "Love", "Sorrow", "Anxiety", "Surprise", "Anger", "Expect")
CHINESE = {"Joy": ["高兴", "快乐"], "Sorrow": ["难过", "伤心"]}


def ren_cecps_document(sentences):
    body = ""
    for words, emotions in sentences:
        values = "".join(f"<{t}>{0.7 if t in emotions else 0.0}</{t}>" for t in TAGS)
        segmented = "  ".join(f"{w}/x" for w in words)
        body += (f'<sentence S="{"".join(words)}"><S_no>1</S_no><Segmented_S>{segmented}</Segmented_S>'
                 f"<S_Length>{len(words)}</S_Length><Polarity>中性</Polarity>{values}</sentence>")
    doc_values = "".join(f"<{t}>0.0</{t}>" for t in TAGS)
    return f"<document>{doc_values}<Topic>日常</Topic><paragraph><P_no>1</P_no>{body}</paragraph></document>"


def test_chinese_ren_cecps_format_trains_and_predicts_end_to_end(tmp_path):
    from hf_emotion.data import load_dataset
    from hf_emotion.text import prepare_text

    rng = random.Random(0)
    corpus = tmp_path / "ren_cecps"
    corpus.mkdir()
    for d in range(20):
        sentences = []
        for _ in range(4):
            emotions = rng.sample(["Joy", "Sorrow"], rng.choice([1, 1, 2]))
            words = [rng.choice(CHINESE[e]) for e in emotions] + ["今天", "我们"]
            sentences.append((words, emotions))
        (corpus / f"doc{d:03d}.xml").write_text(ren_cecps_document(sentences), encoding="utf-8")
    data = load_dataset("ren_cecps", data_dir=corpus, cache_dir=tmp_path / "cache")
    data = data.map(lambda row: {"text": " ".join(row["tokens"])})  # the corpus ships segmented text
    lexicon = tmp_path / "lexicon.txt"
    lexicon.write_text("高兴\n快乐\n难过\n伤心\n", encoding="utf-8")
    vectors = glove_file(tmp_path / "zh.txt", sum(CHINESE.values(), []) + ["今天", "我们"])
    setup = LemTrainingSetup(language="zh", vectors=vectors, lexicon=str(lexicon), epochs=3, vae_pretrain_epochs=1,
                             batch_size=8, config_overrides=TINY)
    result = train_lem(data, tmp_path / "out", setup)
    assert len(result.model.config.emotion_vocab_ids) == 4
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "out")
    raw = "今天我们很高兴"  # unsegmented: segmented with jieba as the tokenizer requires
    ids = tokenizer(prepare_text(raw, tokenizer))["input_ids"]
    assert tokenizer.convert_tokens_to_ids("高兴") in ids
    scores = score_texts(result.model, tokenizer, [prepare_text(raw, tokenizer)])
    assert scores.shape == (1, 8) and np.isfinite(scores).all()
    assert torch.is_tensor(result.model.lem.ebow_index)
