"""Per-utterance features for MultiEMO: text (any Transformers encoder), audio (an acoustic feature
set or a Transformers audio encoder), visual (VisExtNet: faces embedded by a ResNet-101), and
user-supplied arrays."""

from .arrays import attach_features
from .audio import AcousticFeatureExtractor, TransformersAudioExtractor
from .text import DEFAULT_TEXT_ENCODER, TextFeatureExtractor, add_text_features
from .visual import VisExtNet, mtcnn_face_detector, resnet101_config

__all__ = [
    "DEFAULT_TEXT_ENCODER",
    "AcousticFeatureExtractor",
    "TextFeatureExtractor",
    "TransformersAudioExtractor",
    "VisExtNet",
    "add_text_features",
    "attach_features",
    "mtcnn_face_detector",
    "resnet101_config",
]
