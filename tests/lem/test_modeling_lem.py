import pytest
import torch
from transformers import AutoConfig, AutoModel, AutoModelForSequenceClassification

import hf_emotion  # noqa: F401  (registers the Auto classes)
from hf_emotion.models.lem.modeling_lem import LemModel

from .tiny import tiny_config, tiny_model

IDS = torch.tensor([[5, 12, 6, 0, 0], [0, 0, 0, 0, 0], [10, 11, 12, 13, 14], [5, 5, 5, 9, 1]])
LABELS = torch.tensor([[1.0, 0, 1], [0, 0, 0], [0, 1, 0], [1, 1, 1]])


def test_auto_classes_resolve_lem():
    config = tiny_config()
    assert isinstance(AutoConfig.for_model("lem"), type(config))
    assert isinstance(AutoModel.from_config(config), LemModel)
    assert type(AutoModelForSequenceClassification.from_config(config)).__name__ == "LemForSequenceClassification"


def test_outputs_shapes_and_internals():
    model = tiny_model()
    out = model(input_ids=IDS, labels=LABELS, output_attentions=True)
    assert out.logits.shape == (4, 3) and out.scores.shape == (4, 3)
    assert torch.allclose(out.scores, torch.sigmoid(out.logits))
    assert out.memory_attention.shape == (4, 2, 3, 5)  # (batch, hops, emotions, tokens)
    assert torch.allclose(out.latent_distribution.sum(-1), torch.ones(4))
    assert torch.isfinite(out.loss)


def test_padding_gets_no_attention_and_empty_rows_are_finite():
    out = tiny_model()(input_ids=IDS, output_attentions=True)
    attention = out.memory_attention
    assert torch.all(attention[0, :, :, 3:] == 0)  # padded positions
    assert torch.all(attention[1] == 0)  # an all-padding row attends to nothing...
    assert torch.isfinite(out.scores).all()  # ...and still gets a valid prediction
    assert torch.allclose(attention[0].sum(-1), torch.ones(2, 3), atol=1e-6)


def test_padding_does_not_change_predictions():
    model = tiny_model()
    short = model(input_ids=torch.tensor([[5, 12, 6]])).scores
    padded = model(input_ids=torch.tensor([[5, 12, 6, 0, 0, 0]])).scores
    assert torch.allclose(short, padded, atol=1e-6)


def test_emotion_bag_of_words_counts_only_lexicon_tokens():
    model = tiny_model()
    ebow = model.lem.emotion_bag_of_words(IDS, (IDS != 0).long())
    assert ebow.shape == (4, 5)
    assert ebow[0].tolist() == [1, 1, 0, 0, 0]
    assert ebow[2].sum() == 0 and ebow[3].tolist() == [3, 0, 0, 0, 1]


def test_vae_phase_trains_only_the_latent_module():
    model = tiny_model().train()
    model.training_phase = "vae"
    out = model(input_ids=IDS)
    assert out.logits is None
    out.loss.backward()
    assert model.lem.latent.led.grad is not None
    assert model.classifier_weight.grad is None and model.lem.memory.in_v.grad is None


def test_joint_loss_is_bce_plus_elbo():
    model = tiny_model(elbo_weight=0.5)
    out = model(input_ids=IDS, labels=LABELS)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(out.logits, LABELS)
    assert torch.allclose(out.classification_loss, expected)
    assert torch.allclose(out.loss, expected + 0.5 * (out.reconstruction_loss + out.kl_loss))


@pytest.mark.parametrize("overrides", [{"use_wled": False}, {"use_rle": False}, {"weight_led_by_z": False}, {"num_hops": 1}])
def test_ablations_run(overrides):
    model = tiny_model(**overrides)
    out = model(input_ids=IDS, labels=LABELS)
    out.loss.backward()
    assert torch.isfinite(out.scores).all()


def test_rle_changes_attention_per_emotion():
    attention = tiny_model()(input_ids=IDS, output_attentions=True).memory_attention
    assert not torch.allclose(attention[0, 0, 0], attention[0, 0, 1])


def test_save_load_roundtrip_is_identical(tmp_path):
    model = tiny_model()
    model.save_pretrained(tmp_path)
    assert (tmp_path / "model.safetensors").is_file()
    loaded = AutoModelForSequenceClassification.from_pretrained(tmp_path).eval()
    for (name, saved), (_, restored) in zip(model.state_dict().items(), loaded.state_dict().items()):
        assert torch.equal(saved, restored), name
    # BLAS may sum in another order for differently aligned buffers: equal to float precision.
    assert torch.allclose(model(input_ids=IDS).scores, loaded(input_ids=IDS).scores, atol=1e-6)
    assert loaded.config.emotion_vocab_ids == [5, 6, 7, 8, 9]


def test_config_errors_name_the_field():
    with pytest.raises(ValueError, match="thresholds has 2 values but there are 3 labels"):
        tiny_config(thresholds=[0.5, 0.5])
    with pytest.raises(ValueError, match="emotion_vocab_ids holds ids outside"):
        tiny_config(emotion_vocab_ids=[99])
    with pytest.raises(ValueError, match="training_phase"):
        model = tiny_model()
        model.training_phase = "pretrain"
        model(input_ids=IDS)


def test_bad_label_shape_is_named():
    with pytest.raises(ValueError, match=r"labels must have shape \(4, 3\)"):
        tiny_model()(input_ids=IDS, labels=LABELS[:, :2])


def test_bf16_autocast_forward_is_finite():
    model = tiny_model()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        out = model(input_ids=IDS, labels=LABELS)
    assert torch.isfinite(out.loss) and torch.isfinite(out.scores).all()


def _load_reference():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "lem" / "memory_reference.py"
    spec = importlib.util.spec_from_file_location("memory_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.memory_reference


@pytest.mark.parametrize("use_rle", [True, False])
def test_batched_memory_equals_the_literal_per_emotion_loop(use_rle):
    model = tiny_model(num_hops=3, use_rle=use_rle)
    memory = model.lem.memory
    torch.manual_seed(1)
    tokens = torch.randn(4, 5, 8)
    mask = IDS != 0
    keys = torch.randn(4, 3, 8)
    batched, _ = memory(tokens, mask, keys, model.lem.latent.ef)
    looped = _load_reference()(memory, tokens, mask, keys, model.lem.latent.ef)
    assert torch.allclose(batched, looped, atol=1e-5)
