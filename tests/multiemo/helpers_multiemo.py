"""Tiny MultiEMO configs, synthetic dialogue batches and corpora, and the tiny training run shared by the tests."""

import contextlib
from unittest import mock

import torch
from transformers import TrainerCallback

LABELS = {0: "neutral", 1: "joy", 2: "anger"}
DIMS = {"text": 12, "audio": 10, "visual": 8}


def tiny_config(**overrides):
    from hf_emotion.models.multiemo import MultiEmoConfig

    settings = dict(
        input_dims=DIMS,
        hidden_size=16,
        num_attention_heads=2,
        multiattn_ffn_size=16,
        fusion_size=8,
        classifier_hidden_size=8,
        dropout=0.0,
        context_encoder={"text": "bidirectional", "audio": "unidirectional", "visual": "unidirectional"},
        id2label=LABELS,
        label2id={v: k for k, v in LABELS.items()},
    )
    settings.update(overrides)
    return MultiEmoConfig(**settings)


def tiny_batch(modalities=("text", "audio", "visual"), lengths=(5, 3, 1), seed=0):
    g = torch.Generator().manual_seed(seed)
    b, t = len(lengths), max(lengths)
    mask = torch.tensor([[1] * n + [0] * (t - n) for n in lengths])
    batch = {f"{m}_features": torch.randn(b, t, DIMS[m], generator=g) for m in modalities}
    batch["speaker_ids"] = torch.randint(0, 3, (b, t), generator=g)
    batch["attention_mask"] = mask
    batch["labels"] = torch.randint(0, 3, (b, t), generator=g).masked_fill(mask == 0, -100)
    return batch


TINY_TRAINING = dict(hidden_size=16, num_attention_heads=2, multiattn_ffn_size=16, fusion_size=8,
                     classifier_hidden_size=8, num_multiattn_layers=1, dropout=0.0)


def tiny_dialogues(n_train=24, n_dev=8, seed=0):
    """A dialogue corpus with text and audio features already computed (no encoder needed):
    dialogues of 1 to 6 turns among up to 3 speakers, labelled with the LABELS classes."""
    import datasets
    import numpy as np

    rng = np.random.default_rng(seed)
    features = datasets.Features({
        "text_features": datasets.List(datasets.List(datasets.Value("float32"))),
        "audio_features": datasets.List(datasets.List(datasets.Value("float32"))),
        "speakers": datasets.List(datasets.Value("string")),
        "emotions": datasets.List(datasets.ClassLabel(names=list(LABELS.values()))),
    })

    def split(n):
        lengths = [1 + (i * 5) % 6 for i in range(n)]  # 1, 6, 5, 4, 3, 2, 1, ...: every batch mixes lengths
        emotions = [rng.integers(0, len(LABELS), k).tolist() for k in lengths]
        return datasets.Dataset.from_dict({
            # the label shows in the features, so the tiny model learns something and dev metrics move
            "text_features": [(np.eye(len(LABELS), DIMS["text"])[y] + rng.normal(0, 1.0, (len(y), DIMS["text"]))).tolist()
                              for y in emotions],
            "audio_features": [rng.normal(0, 1.0, (k, DIMS["audio"])).tolist() for k in lengths],
            "speakers": [[f"s{(t * (1 + i % 2)) % 3}" for t in range(k)] for i, k in enumerate(lengths)],
            "emotions": emotions,
        }, features=features)

    return datasets.DatasetDict({"train": split(n_train), "validation": split(n_dev)})


def tiny_training_setup(**overrides):
    """train_multiemo on tiny_dialogues: 3 epochs of 6 steps (batch 4), lr 1e-2, CE only (text
    alone leaves Soft-HGR no pair; SWFC off), dropout 0, so a run has one exact result."""
    from hf_emotion.training.conversation import MultiEmoTrainingSetup

    values = dict(epochs=3, batch_size=4, learning_rate=1e-2, seed=0, use_cpu=True,
                  config_overrides={**TINY_TRAINING, "use_swfc": False})
    values.update(overrides)
    return MultiEmoTrainingSetup(**values)


@contextlib.contextmanager
def recorded_batches():
    """Yields a list that fills with the example ids of every training batch DialogueCollator builds,
    in order (evaluation batches carry no ids): which dialogues each step trained on."""
    from hf_emotion.training.conversation import DialogueCollator

    seen, collate = [], DialogueCollator.__call__

    def recording(self, examples):
        batch = collate(self, examples)
        if "example_id" in batch:
            seen.append(batch["example_id"].tolist())
        return batch

    with mock.patch.object(DialogueCollator, "__call__", recording):
        yield seen


class StepGradients(TrainerCallback):
    """Collects in `.steps` the gradient of every optimizer step (all parameters, flattened, after
    clipping, just before the update): what the loss normalisation decides, before Adam's division
    by sqrt(v) + eps magnifies float rounding in near-zero entries."""

    def __init__(self):
        self.steps = []

    def on_pre_optimizer_step(self, args, state, control, model=None, **kwargs):
        self.steps.append(torch.cat([torch.zeros(p.numel()) if p.grad is None else p.grad.detach().flatten().cpu()
                                     for p in model.parameters()]))
