"""bf16 autocast on CPU through train_lem, train_datn and train_multiemo: training runs, the weights
stay float32 and finite. fp16 needs a GPU (the Trainer would train a CPU run in float32 without a
word), so it is refused on the CPU."""

import pytest
import torch

from training.lem_runs import tiny_data, tiny_setup

from hf_emotion.models.multiemo import MultiEmoForConversationClassification
from hf_emotion.training.lem import LemTrainingSetup, train_lem


def test_bf16_on_cpu_trains_with_finite_float32_weights(tmp_path):
    result = train_lem(tiny_data(), tmp_path / "out", tiny_setup(tmp_path, bf16=True, use_cpu=True))
    assert result.record["phase_history"] == ["vae", "vae", "joint", "joint", "vae", "joint"]
    assert all(p.dtype == torch.float32 and torch.isfinite(p).all() for p in result.model.parameters())
    assert result.record["nonfinite_batches"] == []


def test_datn_and_multiemo_bf16_on_cpu_train_with_finite_float32_weights(tmp_path):
    from datn.test_training_datn import tiny_data as datn_data
    from datn.test_training_datn import tiny_setup as datn_setup
    from datn.test_training_datn import write_vectors
    from multiemo.helpers_multiemo import tiny_dialogues, tiny_training_setup

    from hf_emotion.training.conversation import train_multiemo
    from hf_emotion.training.datn import train_datn

    datn = train_datn(*datn_data(), tmp_path / "datn", datn_setup(write_vectors(tmp_path), epochs=2, bf16=True, use_cpu=True))
    assert datn.trainer.args.bf16 and datn.record["nonfinite_batches"] == []
    train_multiemo(tiny_dialogues(), tmp_path / "multiemo", tiny_training_setup(epochs=1, bf16=True))
    multiemo = MultiEmoForConversationClassification.from_pretrained(tmp_path / "multiemo")
    for model in (datn.model, multiemo):
        assert all(p.dtype == torch.float32 and torch.isfinite(p).all() for p in model.parameters())


@pytest.mark.parametrize("train", ["lem", "datn", "multiemo"])
def test_fp16_on_cpu_is_refused_before_any_work(tmp_path, train):
    from hf_emotion.training.conversation import MultiEmoTrainingSetup, train_multiemo
    from hf_emotion.training.datn import DatnTrainingSetup, train_datn

    runs = {
        "lem": lambda: train_lem({}, tmp_path, LemTrainingSetup(fp16=True, use_cpu=True)),
        "datn": lambda: train_datn({}, None, tmp_path, DatnTrainingSetup(fp16=True, use_cpu=True)),
        "multiemo": lambda: train_multiemo({}, tmp_path, MultiEmoTrainingSetup(fp16=True, use_cpu=True)),
    }
    with pytest.raises(ValueError, match="fp16=True needs a GPU .*use bf16=True"):
        runs[train]()
