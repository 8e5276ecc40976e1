"""DATN: Dual Attention Transfer Network (Yu et al., EMNLP 2018) as a Transformers model."""

from .configuration_datn import DatnConfig
from .modeling_datn import DatnForSequenceClassification, DatnModel, DatnPreTrainedModel

__all__ = ["DatnConfig", "DatnModel", "DatnForSequenceClassification", "DatnPreTrainedModel"]
