import wave

import numpy as np
import pytest
import torch

from hf_emotion.features.audio import AcousticFeatureExtractor, TransformersAudioExtractor, audio_extractor_from_settings
from hf_emotion.features.text import TextFeatureExtractor, add_text_features
from hf_emotion.features.visual import VisExtNet, mtcnn_face_detector, resnet101_config


def test_text_features_with_and_without_context(tiny_encoder):
    plain = TextFeatureExtractor(tiny_encoder, device="cpu")
    texts, speakers = ["we were on a break !", "oh my god", ""], ["ross", "rachel", "ross"]
    alone = plain.encode_dialogue(texts, speakers)
    assert alone.shape == (3, 8) and alone.dtype == np.float32 and np.isfinite(alone).all()  # "" is a valid turn
    np.testing.assert_allclose(plain.encode(["oh my god"])[0], alone[1], rtol=1e-5, atol=1e-6)
    in_context = TextFeatureExtractor(tiny_encoder, context_turns=1, device="cpu")
    assert in_context.dialogue_contexts(texts, speakers) == ["", "ross: we were on a break !", "rachel: oh my god"]
    with_context = in_context.encode_dialogue(texts, speakers)
    np.testing.assert_allclose(with_context[0], in_context.encode([texts[0]], [""])[0], rtol=1e-5, atol=1e-6)
    assert not np.allclose(with_context[1], alone[1])  # the preceding turn changes the vector
    assert TextFeatureExtractor.from_settings(in_context.settings(), device="cpu").settings() == in_context.settings()


def test_text_features_become_a_cached_column(tiny_encoder, tmp_path):
    import datasets

    ds = datasets.Dataset.from_dict({"utterances": [["we were on a break"], ["oh my god", "i know"]], "speakers": [["ross"], ["a", "b"]]})
    extractor = TextFeatureExtractor(tiny_encoder, context_turns=2, device="cpu")
    cache = str(tmp_path / "text.arrow")
    out = add_text_features(ds, extractor, cache_file_name=cache)
    assert [np.asarray(v).shape for v in out["text_features"]] == [(1, 8), (2, 8)]
    again = add_text_features(ds, extractor, cache_file_name=cache)
    assert again.cache_files[0]["filename"] == cache
    with pytest.raises(ValueError, match="column 'text' not in the dataset"):
        add_text_features(ds, extractor, text_column="text")


def test_text_extractor_rejects_bad_settings(tiny_encoder):
    with pytest.raises(ValueError, match="pooling must be one of"):
        TextFeatureExtractor(tiny_encoder, pooling="max")


def _write_wav(path, waveform, rate):
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(2)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        stereo = np.stack([waveform, waveform], 1)
        wav.writeframes((stereo * 32767).astype("<i2").tobytes())


def test_acoustic_features_from_arrays_and_wav_files(tmp_path):
    extractor = AcousticFeatureExtractor()
    t = np.arange(16000) / 16000
    low, high = np.sin(2 * np.pi * 220 * t), np.sin(2 * np.pi * 3000 * t)
    a, b = extractor(low), extractor(high)
    assert a.shape == (extractor.dim,) == (142,) and np.isfinite(a).all()
    assert not np.allclose(a, b)
    _write_wav(tmp_path / "low.wav", low[::2], 8000)  # stereo, 8 kHz: mixed down and resampled
    from_file = extractor(str(tmp_path / "low.wav"))
    assert np.corrcoef(from_file, a)[0, 1] > 0.99
    assert extractor([low, {"array": high[::2], "sampling_rate": 8000}]).shape == (2, 142)
    assert extractor(np.zeros(10)).shape == (142,)  # shorter than a frame: padded
    with pytest.raises(ValueError, match="empty waveform"):
        extractor(np.zeros(0))
    with pytest.raises(FileNotFoundError, match="missing.wav"):
        extractor(str(tmp_path / "missing.wav"))
    assert audio_extractor_from_settings(extractor.settings()).dim == 142


def test_transformers_audio_encoder_by_folder(tmp_path):
    from transformers import Wav2Vec2Config, Wav2Vec2FeatureExtractor, Wav2Vec2Model

    config = Wav2Vec2Config(
        hidden_size=8, num_hidden_layers=1, num_attention_heads=2, intermediate_size=16,
        conv_dim=(8, 8), conv_stride=(5, 4), conv_kernel=(10, 4), num_conv_pos_embeddings=4, num_conv_pos_embedding_groups=2,
    )  # fmt: skip
    Wav2Vec2Model(config).save_pretrained(tmp_path)
    Wav2Vec2FeatureExtractor(sampling_rate=16000).save_pretrained(tmp_path)
    extractor = audio_extractor_from_settings({"kind": "transformers", "encoder": str(tmp_path)})
    assert isinstance(extractor, TransformersAudioExtractor)
    assert extractor(np.random.default_rng(0).standard_normal(4000), sampling_rate=8000).shape == (8,)


def _tiny_resnet(classifier=False):
    from transformers import ResNetConfig, ResNetForImageClassification, ResNetModel

    config = ResNetConfig(embedding_size=8, hidden_sizes=[8, 16], depths=[1, 1], layer_type="basic", num_labels=5)
    torch.manual_seed(0)
    return ResNetForImageClassification(config) if classifier else ResNetModel(config)


def test_visextnet_given_face_crops_and_faceless_frames():
    net = VisExtNet(_tiny_resnet(), image_size=32)
    rng = np.random.default_rng(0)
    face = rng.integers(0, 255, (20, 16, 3), dtype=np.uint8)
    vector = net(faces=[[face], [], [face, face]])  # frames with one, no, and two faces
    assert vector.shape == (16,) and np.abs(vector).sum() > 0
    np.testing.assert_allclose(vector, net.embed([face])[0], rtol=1e-5, atol=1e-6)  # the same face averages to itself
    np.testing.assert_array_equal(net(faces=[[], []]), np.zeros(16, np.float32))


def test_visextnet_samples_frames_and_detects_faces():
    found = []

    def detector(frame):  # a face wherever the frame is bright, clipped to the image
        found.append(frame.shape)
        return [(-5, -5, 12, 12)] if frame.mean() > 100 else []

    net = VisExtNet(_tiny_resnet(), face_detector=detector, image_size=32)
    bright, dark = np.full((24, 24, 3), 200, np.uint8), np.zeros((24, 24, 3), np.uint8)
    assert net(frames=[bright] * 50).shape == (16,)
    assert len(found) == 20  # at most 20 frames per utterance
    np.testing.assert_array_equal(net(frames=[dark] * 3), np.zeros(16, np.float32))
    with pytest.raises(ValueError, match=r"frames\[0\]: expected an RGB image of shape \(H, W, 3\), got \(4, 4\)"):
        net(frames=[np.zeros((4, 4))])
    with pytest.raises(ValueError, match="needs a face_detector"):
        VisExtNet(_tiny_resnet(), image_size=32)(frames=[bright])


def test_visextnet_whole_frame_ablation_and_classifier_backbone():
    net = VisExtNet(_tiny_resnet(classifier=True), crop="frame", image_size=32)
    assert net.dim == 5 and net(frames=[np.zeros((24, 24, 3), np.uint8)]).shape == (5,)


def test_resnet101_shape_and_optional_detector():
    config = resnet101_config()
    assert config.depths == [3, 4, 23, 3] and config.hidden_sizes[-1] == 2048
    try:
        import facenet_pytorch  # noqa: F401
    except Exception:
        with pytest.raises(ImportError, match="pip install facenet-pytorch"):
            mtcnn_face_detector()
