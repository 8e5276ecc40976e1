"""Per-utterance features for MultiEMO: text (any Transformers encoder), audio (an acoustic feature
set or a Transformers audio encoder) and visual (VisExtNet: faces embedded by a ResNet-101)."""

from .arrays import attach_features
from .text import DEFAULT_TEXT_ENCODER, TextFeatureExtractor, add_text_features

__all__ = ["DEFAULT_TEXT_ENCODER", "attach_features", "TextFeatureExtractor", "add_text_features"]
