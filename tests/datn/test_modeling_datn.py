"""DATN model: every variant trains, padding is masked, bad inputs stay finite, checkpoints round-trip."""

import pytest
import torch
import torch.nn.functional as F

import hf_emotion  # noqa: F401  (registers the Auto classes)
from hf_emotion.models.datn import DatnConfig, DatnForSequenceClassification, DatnModel

VARIANTS = ["base", "sp", "datn1", "datn2"]
LABELS = ["anger", "joy", "sadness", "trust"]


def tiny_config(**overrides):
    settings = dict(
        vocab_size=50, embedding_dim=8, hidden_size=8, attention_dim=8, mlp_hidden_size=8,
        id2label=dict(enumerate(LABELS)), label2id={n: i for i, n in enumerate(LABELS)},
    )
    settings.update(overrides)
    return DatnConfig(**settings)


def batch():
    """Three rows: full, right-padded, empty (all padding)."""
    ids = torch.tensor([[5, 6, 7, 8, 9, 10], [11, 12, 13, 0, 0, 0], [0, 0, 0, 0, 0, 0]])
    return ids, (ids != 0).long()


GOLD = torch.tensor([[1.0, 0, 1, 0], [0, 0, 0, 0], [0, 1, 0, 0]])


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("loss_type", ["kl", "bce"])
def test_every_variant_trains(variant, loss_type):
    torch.manual_seed(0)
    model = DatnForSequenceClassification(tiny_config(variant=variant, loss_type=loss_type))
    ids, mask = batch()
    out = model(ids, mask, labels=GOLD, output_attentions=True)
    assert out.logits.shape == out.scores.shape == (3, 4)
    assert torch.isfinite(out.loss) and torch.isfinite(out.scores).all()
    out.loss.backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert all(g is not None and torch.isfinite(g).all() for g in grads if g is not None)
    assert model.datn.target_encoder.lstm.weight_ih_l0.grad.abs().sum() > 0
    assert out.target_attention.shape == (3, 6)
    if variant == "base":
        assert out.shared_attention is None and out.sentiment_logits is None
    else:
        assert out.shared_attention.shape == (3, 6) and out.sentiment_logits.shape == (3, 3)
    if loss_type == "kl":
        assert (out.scores.sum(-1) < 1).all() and out.none_logits.shape == (3,)
    else:
        assert torch.allclose(out.scores, torch.sigmoid(out.logits)) and out.none_logits is None


def test_kl_loss_uses_normalised_gold_and_none_class():
    model = DatnForSequenceClassification(tiny_config(variant="base")).eval()
    ids, mask = batch()
    out = model(ids, mask, labels=GOLD)
    full = torch.cat([out.logits, out.none_logits[:, None]], dim=-1)
    target = torch.tensor([[0.5, 0, 0.5, 0, 0], [0, 0, 0, 0, 1], [0, 1.0, 0, 0, 0]])
    expected = F.kl_div(F.log_softmax(full, -1), target, reduction="batchmean")
    assert torch.allclose(out.loss, expected)
    assert torch.allclose(out.scores, F.softmax(full, -1)[:, :4])


def test_similarity_penalty_weighted_by_lambda():
    torch.manual_seed(0)
    model = DatnForSequenceClassification(tiny_config(variant="datn2", similarity_weight=0.0)).eval()
    ids, mask = batch()
    plain = model(ids, mask, labels=GOLD, output_attentions=True)
    model.config.similarity_weight = 0.5
    penalised = model(ids, mask, labels=GOLD)
    cos = F.cosine_similarity(plain.shared_attention, plain.target_attention, dim=-1).mean()
    assert torch.allclose(penalised.loss - plain.loss, 0.5 * cos)


@pytest.mark.parametrize("variant", ["sp", "datn1", "datn2"])
def test_padding_is_masked(variant):
    torch.manual_seed(0)
    model = DatnForSequenceClassification(tiny_config(variant=variant)).eval()
    ids, mask = batch()
    out = model(ids, mask, output_attentions=True)
    for attention in (out.shared_attention, out.target_attention):
        assert torch.all(attention[1, 3:] == 0) and torch.allclose(attention.sum(-1), torch.ones(3))
    # whatever sits under the padding does not change the prediction
    noisy = ids.clone()
    noisy[1, 3:] = torch.tensor([40, 41, 42])
    assert torch.allclose(model(noisy, mask).scores[1], out.scores[1], atol=1e-6)
    # nor does extra padding
    wider = torch.cat([ids, torch.zeros(3, 4, dtype=torch.long)], dim=1)
    assert torch.allclose(model(wider, (wider != 0).long()).scores, out.scores, atol=1e-6)


@pytest.mark.parametrize("variant", VARIANTS)
def test_empty_oov_and_long_inputs_are_finite(variant):
    model = DatnForSequenceClassification(tiny_config(variant=variant)).eval()
    empty = model(torch.zeros(1, 3, dtype=torch.long), torch.zeros(1, 3, dtype=torch.long))
    no_tokens = model(torch.zeros(2, 0, dtype=torch.long), torch.zeros(2, 0, dtype=torch.long))
    assert torch.allclose(no_tokens.scores, empty.scores.expand(2, -1))
    oov = model(torch.ones(2, 4, dtype=torch.long))  # [UNK] only, no mask given
    long_ids = torch.randint(2, 50, (1, 3000))
    long = model(long_ids, torch.ones_like(long_ids))
    for out in (empty, no_tokens, oov, long):
        assert torch.isfinite(out.scores).all() and (out.scores >= 0).all() and (out.scores <= 1).all()


def test_left_padding_is_refused():
    model = DatnForSequenceClassification(tiny_config())
    with pytest.raises(ValueError, match="right-padded"):
        model(torch.tensor([[0, 5, 6]]), torch.tensor([[0, 1, 1]]))


def test_bad_labels_are_named():
    model = DatnForSequenceClassification(tiny_config(variant="sp"))
    ids, mask = batch()
    with pytest.raises(ValueError, match=r"shape \(batch, 4\)"):
        model(ids, mask, labels=torch.zeros(3, 5))
    with pytest.raises(ValueError, match=r"\[3\]"):
        model(ids, mask, sentiment_labels=torch.tensor([0, 1, 3]))
    base = DatnForSequenceClassification(tiny_config(variant="base"))
    with pytest.raises(ValueError, match="'base' has no"):
        base(ids, mask, sentiment_labels=torch.tensor([0, 1, 2]))


def test_bad_config_is_named():
    with pytest.raises(ValueError, match="variant"):
        tiny_config(variant="datn3")
    with pytest.raises(ValueError, match="thresholds has 2 values"):
        tiny_config(thresholds=[0.1, 0.2])


@pytest.mark.parametrize("variant", ["sp", "datn1", "datn2"])
def test_sentiment_batch_skips_emotion_and_target_gradients(variant):
    model = DatnForSequenceClassification(tiny_config(variant=variant))
    ids, mask = batch()
    out = model(ids, mask, sentiment_labels=torch.tensor([0, 1, 2]))
    assert out.logits is None and out.scores is None
    out.loss.backward()
    owned = model.source_parameter_names()
    for name, parameter in model.named_parameters():
        assert (parameter.grad is not None) == (name in owned), name


def test_round_trip_through_auto_classes(tmp_path):
    from transformers import AutoConfig, AutoModel, AutoModelForSequenceClassification

    torch.manual_seed(0)
    model = DatnForSequenceClassification(tiny_config(variant="datn1", thresholds=[0.1, 0.2, 0.3, 0.4],
                                                      threshold_mode="per_label")).eval()
    model.save_pretrained(tmp_path)
    assert (tmp_path / "model.safetensors").is_file()
    loaded = AutoModelForSequenceClassification.from_pretrained(tmp_path).eval()
    assert isinstance(loaded, DatnForSequenceClassification)
    ids, mask = batch()
    assert torch.equal(model(ids, mask).scores, loaded(ids, mask).scores)
    config = AutoConfig.from_pretrained(tmp_path)
    assert config.thresholds == [0.1, 0.2, 0.3, 0.4] and config.variant == "datn1"
    assert config.id2label[1] == "joy" and config.problem_type == "multi_label_classification"
    base = AutoModel.from_pretrained(tmp_path)
    assert isinstance(base, DatnModel)
    assert torch.equal(base.embed_tokens.weight, model.datn.embed_tokens.weight)
