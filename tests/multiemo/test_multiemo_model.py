import itertools

import pytest
import torch
from helpers_multiemo import DIMS, tiny_batch, tiny_config
from swfc_reference import swfc_reference

import hf_emotion  # noqa: F401  (registers the Auto classes)
from hf_emotion.models.multiemo import MultiEmoForConversationClassification, MultiEmoModel, soft_hgr_loss, swfc_loss


def _model(**overrides):
    torch.manual_seed(0)
    return MultiEmoForConversationClassification(tiny_config(**overrides)).eval()


def test_swfc_vectorised_equals_loop_reference():
    g = torch.Generator().manual_seed(1)
    z = torch.randn(30, 6, generator=g)
    labels = torch.randint(0, 4, (30,), generator=g)
    labels[0] = 9  # a class with a single member: an anchor without positives
    for normalize in (True, False):
        fast = swfc_loss(z, labels, 1.4, 2.0, 1.2, normalize)
        slow = swfc_reference(z, labels, 1.4, 2.0, 1.2, normalize)
        torch.testing.assert_close(fast, slow, rtol=1e-5, atol=1e-6)


def test_swfc_gradient_is_finite_and_degenerate_batches_are_zero():
    z = torch.randn(8, 4, requires_grad=True)
    swfc_loss(z, torch.tensor([0, 0, 1, 1, 2, 2, 3, 3]), 0.8, 2.4, 1.1).backward()
    assert torch.isfinite(z.grad).all() and z.grad.abs().sum() > 0
    assert swfc_loss(torch.randn(1, 4), torch.tensor([0]), 1.4, 2.0, 1.2) == 0
    assert swfc_loss(torch.randn(3, 4), torch.tensor([0, 1, 2]), 1.4, 2.0, 1.2) == 0  # no positives anywhere


def test_soft_hgr_hand_computed():
    # f = [1, 2, 3] -> centred [-1, 0, 1]; g = [0, 1, 5] -> centred [-2, -1, 3]
    # E[f g] = (2 + 0 + 3) / 2 = 2.5; cov f = 1; cov g = (4 + 1 + 9) / 2 = 7; 2.5 - 0.5 * 7 = -1
    f = torch.tensor([[1.0], [2.0], [3.0]])
    g = torch.tensor([[0.0], [1.0], [5.0]])
    assert soft_hgr_loss([f, g]).item() == pytest.approx(1.0)
    # three modalities: the sum over the three unordered pairs; f with itself: 1 - 0.5 = 0.5
    pairs = soft_hgr_loss([f, g]) + soft_hgr_loss([f, f]) + soft_hgr_loss([g, f])
    assert soft_hgr_loss([f, g, f]).item() == pytest.approx(pairs.item())
    assert soft_hgr_loss([f]).item() == 0


@pytest.mark.parametrize(
    "modalities", [c for r in (1, 2, 3) for c in itertools.combinations(("text", "audio", "visual"), r)]
)
def test_every_modality_subset_trains(modalities):
    model = _model(modalities=modalities).train()
    batch = tiny_batch(modalities)
    out = model(**batch, output_fused_states=True)
    assert out.logits.shape == (3, 5, 3)
    assert len(out.fused_states) == len(modalities)
    assert (out.soft_hgr_loss is None) == (len(modalities) == 1)
    out.loss.backward()
    grads = [p.grad for p in model.parameters() if p.requires_grad]
    assert all(g is not None and torch.isfinite(g).all() for g in grads)


@pytest.mark.parametrize("encoder", ["unidirectional", "bidirectional", "none"])
def test_padding_changes_nothing_for_real_turns(encoder):
    model = _model(context_encoder=encoder)
    batch = tiny_batch(lengths=(5, 3, 1))
    with torch.no_grad():
        together = model(**{k: v for k, v in batch.items() if k != "labels"}).logits
        for row, n in enumerate((5, 3, 1)):
            alone = {k: v[row : row + 1, :n] for k, v in batch.items() if k != "labels"}
            torch.testing.assert_close(model(**alone).logits[0], together[row, :n], rtol=1e-5, atol=1e-5)


def test_speakers_are_dialogue_local():
    """Renaming the speakers of a dialogue (an unseen cast at inference) changes nothing."""
    model = _model()
    batch = tiny_batch(lengths=(5,))
    batch.pop("labels")
    with torch.no_grad():
        before = model(**batch).logits
        batch["speaker_ids"] = (batch["speaker_ids"] + 1) % 3 + 4  # other indices, same turn-taking
        torch.testing.assert_close(model(**batch).logits, before, rtol=1e-5, atol=1e-5)


def test_one_turn_dialogue_trains():
    model = _model().train()
    out = model(**tiny_batch(lengths=(1,)))
    assert out.logits.shape == (1, 1, 3)
    assert out.swfc_loss == 0 and out.soft_hgr_loss == 0  # one utterance: no pairs to contrast
    out.loss.backward()


@pytest.mark.parametrize("count", [int, torch.tensor, lambda n: torch.tensor(float(n)), lambda n: torch.tensor([[n]])],
                         ids=["int", "int64", "float32", "per-replica"])
def test_one_batch_loss_is_unchanged_by_its_own_turn_count(count):
    """The Trainer passes num_items_in_batch; for a batch that is the whole step (no accumulation, one
    process) every part must equal the plain batch mean bit for bit, or recorded results would move."""
    model = _model().train()
    batch = tiny_batch(lengths=(5, 3, 1, 4))
    plain = model(**batch)
    counted = model(**batch, num_items_in_batch=count(int((batch["labels"] != -100).sum())))
    for part in ("loss", "ce_loss", "swfc_loss", "soft_hgr_loss"):
        assert torch.equal(getattr(counted, part), getattr(plain, part)), part


def test_micro_batches_normalised_by_the_step_add_up_to_the_large_batch():
    """CE: two halves of 8 and 5 turns, each summed over its turns and divided by all 13, give the
    loss and gradient of the 13-turn batch; the mean of the two halves' means does not. SWFC and
    Soft-HGR (batch statistics) are weighted by the half's share of the turns."""
    batch = tiny_batch(lengths=(5, 3, 1, 4))
    halves = [{k: v[rows] for k, v in batch.items()} for rows in (slice(0, 2), slice(2, 4))]
    turns = int((batch["labels"] != -100).sum())
    ce_only = _model(modalities=["text"], use_swfc=False)
    text = lambda b: {k: v for k, v in b.items() if not k.startswith(("audio", "visual"))}  # noqa: E731

    def gradient(loss):
        ce_only.zero_grad()
        loss.backward()
        return torch.cat([p.grad.flatten() for p in ce_only.parameters() if p.grad is not None])

    whole = ce_only(**text(batch)).loss
    parts = sum(ce_only(**text(h), num_items_in_batch=turns).loss for h in halves)
    mean_of_means = sum(ce_only(**text(h)).loss for h in halves) / 2
    torch.testing.assert_close(parts, whole, rtol=0, atol=1e-6)
    assert abs(mean_of_means.item() - whole.item()) > 1e-3
    expected = gradient(whole)
    torch.testing.assert_close(gradient(parts), expected, rtol=0, atol=1e-6)
    assert (gradient(mean_of_means) - expected).abs().max() > 1e-3

    full = _model()
    for half in halves:
        share = int((half["labels"] != -100).sum()) / turns
        alone, counted = full(**half), full(**half, num_items_in_batch=turns)
        for part in ("swfc_loss", "soft_hgr_loss"):
            torch.testing.assert_close(getattr(counted, part), share * getattr(alone, part))


def test_num_items_in_batch_must_be_one_count():
    with pytest.raises(ValueError, match=r"num_items_in_batch must be one count of labelled turns, got shape \(2,\)"):
        _model()(**tiny_batch(), num_items_in_batch=torch.tensor([4, 5]))


def test_ablation_switches():
    no_attn = _model(use_multiattn=False)
    assert no_attn.multiemo.multiattn is None
    out = _model(use_swfc=False)(**tiny_batch())
    assert out.swfc_loss is None
    assert _model(use_swfc=False).config.loss_weights == {"ce": 0.7, "swfc": 0.0, "soft_hgr": 0.3}


def test_wrong_feature_dimension_names_modality_and_dims():
    batch = tiny_batch()
    batch["audio_features"] = torch.randn(3, 5, 7)
    with pytest.raises(ValueError, match=r"audio_features has dimension 7 but the model expects 10"):
        _model()(**batch)


def test_missing_modality_errors_or_is_zero_filled():
    batch = tiny_batch(("text", "audio"))
    with pytest.raises(ValueError, match="visual_features is missing"):
        _model()(**batch)
    lenient = _model(missing_modality="zeros")
    zeros = dict(batch, visual_features=torch.zeros(3, 5, DIMS["visual"]))
    with torch.no_grad():
        torch.testing.assert_close(lenient(**batch).logits, lenient(**zeros).logits)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(visual_features=torch.randn(3, 5, 8)), "visual_features was given but this MultiEMO model uses only"),
        (dict(speaker_ids=None), "speaker_ids .* is required"),
        (dict(attention_mask=torch.tensor([[0, 1, 1, 1, 1]] * 3)), "pad dialogues on the right"),
        (dict(text_features=torch.randn(3, 4, 12)), r"audio_features has shape \(3, 5, 10\) but text_features has \(3, 4, 12\)"),
        (dict(labels=torch.full((3, 5), 7)), r"labels must be in \[0, 3\)"),
    ],
)
def test_bad_inputs_are_named(change, message):
    model = _model(modalities=("text", "audio"))
    with pytest.raises(ValueError, match=message):
        model(**dict(tiny_batch(("text", "audio")), **change))


def test_config_validation_names_the_field():
    with pytest.raises(ValueError, match="input_dims needs a positive size for modality 'visual'"):
        tiny_config(input_dims={"text": 4, "audio": 4})
    with pytest.raises(ValueError, match="modalities must be a non-empty subset"):
        tiny_config(modalities=["smell"])
    with pytest.raises(ValueError, match="sum to <= 1"):
        tiny_config(swfc_weight=0.7, soft_hgr_weight=0.5)


def test_save_load_round_trip_with_auto_classes(tmp_path):
    from transformers import AutoConfig, AutoModel, AutoModelForTokenClassification

    model = _model()
    model.save_pretrained(tmp_path)
    assert (tmp_path / "model.safetensors").is_file()
    assert AutoConfig.from_pretrained(tmp_path).id2label[1] == "joy"
    loaded = AutoModelForTokenClassification.from_pretrained(tmp_path).eval()
    assert isinstance(loaded, MultiEmoForConversationClassification)
    batch = tiny_batch()
    batch.pop("labels")
    with torch.no_grad():
        torch.testing.assert_close(loaded(**batch).logits, model(**batch).logits)
    base = AutoModel.from_pretrained(tmp_path)
    assert isinstance(base, MultiEmoModel)
    torch.testing.assert_close(base.projections["text"].weight, model.multiemo.projections["text"].weight)


def test_model_and_pipeline_are_self_contained_for_remote_code(tmp_path):
    """An exported checkpoint (auto_map, custom_pipelines, the model and pipeline files beside the
    weights) loads and predicts with trust_remote_code where hf_emotion cannot be imported."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    from hf_emotion.models import multiemo
    from hf_emotion.pipelines import conversation
    from hf_emotion.registry import auto_map_for

    model = _model()
    model.config.auto_map = auto_map_for("multiemo")
    model.config.custom_pipelines = {"emotion-conversation": {
        "impl": "conversation.ConversationEmotionPipeline", "pt": ["AutoModelForTokenClassification"], "type": "multimodal"}}  # fmt: skip
    model.save_pretrained(tmp_path)
    for path in (Path(multiemo.__file__).parent / "configuration_multiemo.py", Path(multiemo.__file__).parent / "modeling_multiemo.py",
                 Path(conversation.__file__)):  # fmt: skip
        shutil.copy(path, tmp_path / path.name)
    batch = tiny_batch(lengths=(2,))
    batch.pop("labels")
    torch.save(batch, tmp_path / "batch.pt")
    script = (
        "import sys, torch; sys.modules['hf_emotion'] = None\n"
        "from transformers import AutoModelForTokenClassification as A, pipeline\n"
        f"m = A.from_pretrained({str(tmp_path)!r}, trust_remote_code=True).eval()\n"
        f"b = torch.load({str(tmp_path / 'batch.pt')!r}, weights_only=True)\n"
        "print(type(m).__name__, m(**b).logits.sum().item())\n"
        f"clf = pipeline('emotion-conversation', model={str(tmp_path)!r}, trust_remote_code=True)\n"
        "turns = [{'speaker': s, **{f'{k}_features': b[f'{k}_features'][0, i] for k in ('text', 'audio', 'visual')}}\n"
        "         for i, s in enumerate(['x', 'y'])]\n"
        "print(' '.join(t['label'] for t in clf(turns)))\n"
    )
    env = {"HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf_home"), "PATH": ""}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr[-2000:]
    first, second = out.stdout.strip().splitlines()[-2:]
    name, total = first.split()
    assert name == "MultiEmoForConversationClassification"
    with torch.no_grad():
        logits = model(**batch).logits
    assert float(total) == pytest.approx(logits.sum().item(), rel=1e-5)
    assert second.split() == [model.config.id2label[i] for i in logits[0].argmax(-1).tolist()]
