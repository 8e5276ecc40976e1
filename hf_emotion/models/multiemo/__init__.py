"""MultiEMO: multimodal emotion recognition in conversations (Shi and Huang, ACL 2023)."""

from .configuration_multiemo import PAPER_SETTINGS, MultiEmoConfig
from .modeling_multiemo import (
    MultiEmoConversationOutput,
    MultiEmoForConversationClassification,
    MultiEmoModel,
    MultiEmoModelOutput,
    soft_hgr_loss,
    swfc_loss,
)

__all__ = [
    "PAPER_SETTINGS",
    "MultiEmoConfig",
    "MultiEmoConversationOutput",
    "MultiEmoForConversationClassification",
    "MultiEmoModel",
    "MultiEmoModelOutput",
    "soft_hgr_loss",
    "swfc_loss",
]
