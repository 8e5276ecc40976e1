"""A tiny random LEM for fast tests."""

import torch

from hf_emotion.models.lem.configuration_lem import LemConfig
from hf_emotion.models.lem.modeling_lem import LemForSequenceClassification

LABELS = ["joy", "anger", "fear"]


def tiny_config(**overrides) -> LemConfig:
    values = dict(
        vocab_size=40,
        embedding_dim=8,
        emotion_vocab_ids=[5, 6, 7, 8, 9],
        vae_hidden_size=16,
        led_dim=8,
        num_memory_slots=6,
        attention_dim=8,
        gru_hidden_size=8,
        num_hops=2,
        id2label=dict(enumerate(LABELS)),
        label2id={name: i for i, name in enumerate(LABELS)},
    )
    values.update(overrides)
    return LemConfig(**values)


def tiny_model(seed: int = 0, **overrides) -> LemForSequenceClassification:
    torch.manual_seed(seed)
    model = LemForSequenceClassification(tiny_config(**overrides))
    with torch.no_grad():  # a trained-looking head, so scores differ between inputs
        model.classifier_weight.normal_(std=0.5)
    return model.eval()
