"""Tiny MultiEMO configs and synthetic dialogue batches shared by the tests."""

import torch

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

