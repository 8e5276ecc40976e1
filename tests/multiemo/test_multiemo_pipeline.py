import numpy as np
import pytest
import torch
from helpers_multiemo import DIMS, LABELS, tiny_config

import hf_emotion  # noqa: F401  (registers the task)
from hf_emotion.models.multiemo import MultiEmoForConversationClassification
from hf_emotion.training.conversation import DialogueCollator, prepare_dialogues, speaker_indices


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory, tiny_encoder):
    """A text+audio+visual model whose text extractor is the tiny local encoder and audio the acoustic set."""
    folder = tmp_path_factory.mktemp("multiemo")
    config = tiny_config(
        input_dims={"text": 8, "audio": 142, "visual": 16},
        feature_extractors={"text": {"encoder": tiny_encoder, "context_turns": 1}, "audio": {"kind": "acoustic"}},
    )
    torch.manual_seed(0)
    MultiEmoForConversationClassification(config).save_pretrained(folder)
    return str(folder)


@pytest.fixture(scope="module")
def classifier(checkpoint):
    from transformers import pipeline

    return pipeline("emotion-conversation", model=checkpoint)


def _turn(speaker, text, seed=0):
    rng = np.random.default_rng(seed)
    return {"speaker": speaker, "text": text, "audio": rng.standard_normal(4000), "sampling_rate": 8000,
            "visual_features": rng.standard_normal(16)}  # fmt: skip


def test_pipeline_labels_every_turn(classifier):
    dialogue = [_turn("Ross", "we were on a break !"), _turn("Rachel", "oh my god", 1), _turn("Ross", "", 2)]
    out = classifier(dialogue)
    assert [t["turn"] for t in out] == [0, 1, 2] and [t["speaker"] for t in out] == ["Ross", "Rachel", "Ross"]
    for turn in out:
        assert turn["label"] in LABELS.values()
        assert sum(turn["scores"].values()) == pytest.approx(1.0, abs=1e-5)
        assert turn["score"] == max(turn["scores"].values())
    assert len(classifier([dialogue, dialogue[:1]])) == 2  # a list of dialogues


def test_pipeline_one_turn_and_unknown_speakers(classifier):
    one = classifier([_turn("A stranger", "i know")])
    assert len(one) == 1
    renamed = classifier([_turn("Gunther", "i know")])
    assert renamed[0]["scores"] == pytest.approx(one[0]["scores"])  # speakers are dialogue-local


def test_pipeline_given_features_are_used_as_is(classifier, checkpoint):
    from hf_emotion.features.text import TextFeatureExtractor

    extractor = TextFeatureExtractor.from_settings(classifier.model.config.feature_extractors["text"], device="cpu")
    turns = [_turn("a", "oh my god"), _turn("b", "i know", 1)]
    vectors = extractor.encode_dialogue([t["text"] for t in turns], ["a", "b"])
    given = [dict(t, text_features=v) for t, v in zip(turns, vectors)]
    for t in given:
        t.pop("text")
    assert classifier(given)[1]["scores"] == pytest.approx(classifier(turns)[1]["scores"], abs=1e-5)


def test_pipeline_frames_without_faces_give_a_zero_visual_vector(checkpoint):
    from transformers import ResNetConfig, ResNetModel, pipeline

    from hf_emotion.features.visual import VisExtNet

    backbone = ResNetModel(ResNetConfig(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], layer_type="basic"))
    clf = pipeline(
        "emotion-conversation", model=checkpoint, visual_extractor=VisExtNet(backbone, face_detector=lambda f: [], image_size=32)
    )
    faceless = dict(_turn("a", "oh my god"), frames=[np.zeros((20, 20, 3), np.uint8)] * 3)
    faceless.pop("visual_features")
    zero = dict(_turn("a", "oh my god"), visual_features=np.zeros(16))
    assert clf([faceless])[0]["scores"] == pytest.approx(clf([zero])[0]["scores"], abs=1e-6)


@pytest.mark.parametrize(
    "turn, message",
    [
        ({"text": "hi"}, "turn 0: missing 'speaker'"),
        ({"speaker": "a", "txt": "hi"}, r"turn 0: unknown keys \['txt'\]"),
        ({"speaker": "a", "text": "hi", "audio": np.zeros(800)}, "turn 0: no visual input"),
        ({"speaker": "a", "text": "hi", "audio": np.zeros(800), "visual_features": np.zeros(5)},
         "turn 0: visual_features has dimension 5 but the model expects 16"),
        ({"speaker": "a", "text": "hi", "audio": np.zeros(800), "frames": [np.zeros((8, 8, 3))]},
         "no visual extractor: pass pipeline"),
    ],
)  # fmt: skip
def test_pipeline_bad_turns_are_named(classifier, turn, message):
    with pytest.raises(ValueError, match=message):
        classifier([turn])


def test_pipeline_rejects_an_empty_dialogue(classifier):
    with pytest.raises(ValueError, match="the dialogue has no turns"):
        classifier(())


def test_pipeline_zero_fills_a_missing_modality_when_allowed(tmp_path):
    from transformers import pipeline

    config = tiny_config(modalities=["text", "audio"], missing_modality="zeros")
    MultiEmoForConversationClassification(config).save_pretrained(tmp_path)
    clf = pipeline("emotion-conversation", model=str(tmp_path))
    out = clf([{"speaker": "a", "text_features": np.ones(DIMS["text"])}, {"speaker": "b", "text_features": np.ones(12)}])
    assert len(out) == 2


def test_speaker_indices_follow_first_appearance():
    assert speaker_indices(["Joey", "Chandler", "Joey", "Monica"]) == [0, 1, 0, 2]


def test_collator_pads_dialogues():
    import datasets

    rows = {"text_features": [np.ones((n, 12)).tolist() for n in (4, 2, 1)], "speakers": [["a", "b", "a", "c"], ["a", "b"], ["x"]],
            "emotions": [[0, 1, 2, 0], [1, 1], [2]], "utterances": [["u"] * 4, ["u"] * 2, ["u"]]}  # fmt: skip
    data = prepare_dialogues(datasets.Dataset.from_dict(rows))
    assert sorted(data.column_names) == ["labels", "length", "speaker_ids", "text_features"]
    assert data[0]["speaker_ids"] == [0, 1, 0, 2]
    batch = DialogueCollator()([data[0], data[2]])
    assert batch["text_features"].shape == (2, 4, 12)
    assert batch["labels"][1].tolist() == [2, -100, -100, -100] and batch["attention_mask"].sum().item() == 5


def test_example_ids_survive_preparation_and_collation():
    """The non-finite guard names a bad dialogue by its example_id: prepare_dialogues keeps the
    column and the collator hands it on as a tensor (the guard removes it before forward)."""
    import datasets

    from hf_emotion.training.guards import with_example_ids

    rows = {"text_features": [np.ones((n, 12)).tolist() for n in (2, 1, 3)], "speakers": [["a", "b"], ["a"], ["a", "b", "a"]],
            "emotions": [[0, 1], [2], [1, 1, 0]]}  # fmt: skip
    data = prepare_dialogues(with_example_ids(datasets.Dataset.from_dict(rows)))
    assert data["example_id"] == [0, 1, 2]
    batch = DialogueCollator()([data[2], data[0]])
    assert torch.equal(batch["example_id"], torch.tensor([2, 0]))


def test_train_multiemo_end_to_end(tmp_path, tiny_encoder):
    """Text features computed, stock Trainer with the collator, dev selection, record, and a checkpoint the pipeline serves."""
    import datasets
    from transformers import pipeline

    from hf_emotion.training.conversation import MultiEmoTrainingSetup, train_multiemo

    names = list(LABELS.values())
    features = datasets.Features({"utterances": datasets.List(datasets.Value("string")),
                                  "speakers": datasets.List(datasets.Value("string")),
                                  "emotions": datasets.List(datasets.ClassLabel(names=names))})  # fmt: skip
    words = ["we were on a break", "oh my god", "i know"]
    rows = {"utterances": [], "speakers": [], "emotions": []}
    for n in (4, 2, 1, 3, 5, 2):
        labels = [(i + n) % 3 for i in range(n)]
        rows["utterances"].append([words[y] for y in labels])
        rows["speakers"].append([f"s{i % 2}" for i in range(n)])
        rows["emotions"].append(labels)
    split = datasets.Dataset.from_dict(rows, features=features)
    tiny = dict(hidden_size=16, num_attention_heads=2, multiattn_ffn_size=16, fusion_size=8, classifier_hidden_size=8)
    setup = MultiEmoTrainingSetup(text_encoder=tiny_encoder, epochs=2, batch_size=3, use_cpu=True, config_overrides=tiny)
    record = train_multiemo({"train": split, "validation": split, "test": split}, tmp_path / "run", setup)
    assert len(record["dev_history"]) == 2 and 0 <= record["test_metrics"]["weighted_f1"] <= 1
    assert set(record["per_class_test_f1"]) == set(names)
    clf = pipeline("emotion-conversation", model=str(tmp_path / "run"))
    assert [t["speaker"] for t in clf([{"speaker": "a", "text": "oh my god"}, {"speaker": "b", "text": "i know"}])] == ["a", "b"]


def test_collator_names_the_bad_dialogue():
    good = {"speaker_ids": [0, 1], "text_features": [[0.0] * 4, [0.0] * 4]}
    bad = {"speaker_ids": [0, 1], "text_features": [[0.0] * 4]}
    with pytest.raises(ValueError, match=r"dialogue 1 of the batch: text_features has shape \(1, 4\), expected \(2, dim\)"):
        DialogueCollator()([good, bad])
