"""Interleaved source/target training: batch order and ratio, source steps that leave the
target-only parameters untouched, and resume."""

import pytest
import torch
from datasets import Dataset
from transformers import TrainingArguments, default_data_collator

from hf_emotion.models.datn import DatnConfig, DatnForSequenceClassification
from hf_emotion.training.interleaved import InterleavedBatchSampler, InterleavedTrainer


def kinds(batches, num_source):
    """'s'/'t' per batch; a batch never mixes the two tasks."""
    out = []
    for b in batches:
        is_source = {i < num_source for i in b}
        assert len(is_source) == 1
        out.append("s" if is_source.pop() else "t")
    return "".join(out)


@pytest.mark.parametrize(
    ("ratio", "order", "expected"),
    [((1, 1), "source_first", "ststst"), ((1, 1), "target_first", "tststs"),
     ((2, 1), "source_first", "sstsstsst"), ((1, 2), "target_first", "ttstts")],
)
def test_order_and_ratio(ratio, order, expected):
    sampler = InterleavedBatchSampler(7, 10 if ratio != (1, 2) else 16, 4, source_batches=ratio[0],
                                      target_batches=ratio[1], order=order, seed=3)
    batches = list(sampler)
    assert kinds(batches, 7) == expected and len(sampler) == len(batches)


def test_epoch_covers_target_once_and_source_stream_continues():
    sampler = InterleavedBatchSampler(5, 9, 2, seed=1)
    seen_source = []
    for epoch in range(3):
        sampler.set_epoch(epoch)
        batches = list(sampler)
        target = sorted(i for b in batches for i in b if i >= 5)
        assert target == list(range(5, 14))
        seen_source += [i for b in batches for i in b if i < 5]
    # 3 epochs x 5 source batches x 2 = 30 source examples: six full reshuffled passes over 5
    for p in range(6):
        assert sorted(seen_source[5 * p : 5 * p + 5]) == list(range(5))
    sampler.set_epoch(1)
    first = list(sampler)
    sampler.set_epoch(1)
    assert list(sampler) == first  # (seed, epoch) fixes the batches
    sampler.set_epoch(2)
    assert list(sampler) != first


def test_bad_interleaving_is_named():
    with pytest.raises(ValueError, match="order"):
        InterleavedBatchSampler(5, 5, 2, order="random")
    with pytest.raises(ValueError, match="ratio"):
        InterleavedBatchSampler(5, 5, 2, target_batches=0)


def tiny_model(variant="datn2"):
    torch.manual_seed(0)
    config = DatnConfig(vocab_size=30, embedding_dim=4, hidden_size=4, attention_dim=4, mlp_hidden_size=4,
                        num_labels=3, variant=variant)
    return DatnForSequenceClassification(config)


def fixture_data(n, seed, *, source):
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(2, 30, (n, 5), generator=g)
    data = {"input_ids": ids.tolist(), "attention_mask": [[1] * 5] * n}
    if source:
        data["sentiment_labels"] = torch.randint(0, 3, (n,), generator=g).tolist()
        data["text"] = ["unused column"] * n
    else:
        data["labels"] = (torch.rand(n, 3, generator=g) > 0.5).float().tolist()
    return Dataset.from_dict(data)


def trainer(tmp_path, model, max_steps, save=False, **kwargs):
    args = TrainingArguments(
        output_dir=str(tmp_path), max_steps=max_steps, per_device_train_batch_size=4, learning_rate=0.01,
        weight_decay=0.1, lr_scheduler_type="constant", use_cpu=True, report_to="none",
        save_strategy="steps" if save else "no", save_steps=2, logging_steps=1, disable_tqdm=True, seed=0,
    )
    return InterleavedTrainer(model=model, args=args, train_dataset=fixture_data(12, 1, source=False),
                              source_dataset=fixture_data(10, 2, source=True), data_collator=default_data_collator,
                              **kwargs)


def test_source_step_leaves_target_parameters_bit_identical(tmp_path):
    """DATN-2 is the hard case: its sentiment prediction reads the target encoder's attention."""
    model = tiny_model("datn2")
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    t = trainer(tmp_path, model, max_steps=1)  # source_first: the only step is a sentiment batch
    t.train()
    owned = model.source_parameter_names()
    assert owned and len(owned) < len(before)
    for name, parameter in model.named_parameters():
        changed = not torch.equal(parameter, before[name])
        assert changed == (name in owned), name
    assert all(t.optimizer.state[p] == {} for n, p in model.named_parameters() if n not in owned)

    target_step = tiny_model("datn2")
    trainer(tmp_path / "t", target_step, max_steps=1, order="target_first").train()
    assert all(not torch.equal(p, before[n]) for n, p in target_step.named_parameters() if "sentiment" not in n)


def test_resume_continues_the_same_run(tmp_path):
    straight = trainer(tmp_path / "a", tiny_model(), max_steps=4)
    straight.train()
    resumed = tiny_model()
    first = trainer(tmp_path / "b", resumed, max_steps=2, save=True)
    first.train()
    again = trainer(tmp_path / "b", tiny_model(), max_steps=4, save=True)
    again.train(resume_from_checkpoint=str(tmp_path / "b" / "checkpoint-2"))
    for (name, a), b in zip(straight.model.named_parameters(), again.model.parameters()):
        assert torch.allclose(a, b, atol=1e-6), name
    losses = lambda t: [h["loss"] for h in t.state.log_history if "loss" in h]  # noqa: E731
    assert losses(again)[-2:] == pytest.approx(losses(straight)[2:4])


def test_gradient_accumulation_is_refused(tmp_path):
    args = TrainingArguments(output_dir=str(tmp_path), gradient_accumulation_steps=2, use_cpu=True, report_to="none")
    with pytest.raises(ValueError, match="gradient_accumulation_steps=1"):
        InterleavedTrainer(model=tiny_model(), args=args, train_dataset=fixture_data(4, 1, source=False),
                           source_dataset=fixture_data(4, 2, source=True))


def test_replicas_get_slices_of_the_same_kind_of_batch():
    """accelerate deals batches round-robin to ranks; every rank must see the same task at each step."""
    sampler = InterleavedBatchSampler(7, 9, 2, seed=4, num_replicas=2)
    batches = list(sampler)
    assert len(batches) == len(sampler) and len(batches) % 2 == 0
    ranks = [batches[r::2] for r in range(2)]
    assert kinds(ranks[0], 7) == kinds(ranks[1], 7) == "ststst"
    assert [len(b) for b in batches] == [2] * 10 + [1, 1]  # the last global target batch (2) is split too
    target = sorted(i for b in batches for i in b if i >= 7)
    assert set(target) == set(range(7, 16)) and len(target) == 10  # padded to a multiple of 2
    single = InterleavedBatchSampler(7, 9, 2, seed=4)
    assert kinds(list(single), 7) == "ststststst"
