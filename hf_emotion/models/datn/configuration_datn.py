"""DATN configuration: the architecture variant, the emotion loss and the decision rule.

Self-contained (imports only transformers) so that it can ship inside exported checkpoints.
"""

from __future__ import annotations

from transformers import PretrainedConfig

VARIANTS = ("base", "sp", "datn1", "datn2")
LOSS_TYPES = ("kl", "bce")
THRESHOLD_MODES = ("default", "global", "per_label")


class DatnConfig(PretrainedConfig):
    r"""Configuration of the Dual Attention Transfer Network (Yu et al., EMNLP 2018).

    variant: "base" (one attention-BiLSTM, no transfer), "sp" (shared-private: a shared
        encoder also trained on sentiment plus a target-specific encoder), "datn1" (the shared
        attention weights feed the target attention), "datn2" (the target attention weights
        feed the shared attention).
    loss_type: "kl" (the paper: KL divergence to the normalised gold distribution over the
        labels plus a "none" class, softmax output) or "bce" (independent sigmoids).
    similarity_weight: lambda of the cosine-similarity penalty between the two attention
        vectors (0.05 in the paper); ignored by "base".
    source_labels: the sentiment classes of the source task, in the order of the sentiment head.
    thresholds / threshold_mode / threshold_metric: the decision rule applied to `scores`
        (see docs/CONVENTIONS.md); "default" means untuned, which for the softmax-with-none
        output is a poor rule, so trained checkpoints carry a dev-tuned threshold.
    """

    model_type = "datn"

    vocab_size: int = 30000
    embedding_dim: int = 50
    hidden_size: int = 200  # per LSTM direction
    attention_dim: int = 200
    mlp_hidden_size: int = 200
    dropout: float = 0.5
    variant: str = "datn2"
    loss_type: str = "kl"
    similarity_weight: float = 0.05
    freeze_embeddings: bool = False
    source_labels: list[str] | None = None
    thresholds: list[float] | None = None
    threshold_mode: str = "default"
    threshold_metric: str | None = None
    initializer_range: float = 0.1
    pad_token_id: int | None = 0

    def __post_init__(self, **kwargs):
        if "problem_type" not in kwargs and self.problem_type is None:
            self.problem_type = "multi_label_classification"
        super().__post_init__(**kwargs)
        if self.variant not in VARIANTS:
            raise ValueError(f"DatnConfig.variant must be one of {VARIANTS}, got {self.variant!r}")
        if self.loss_type not in LOSS_TYPES:
            raise ValueError(f"DatnConfig.loss_type must be one of {LOSS_TYPES}, got {self.loss_type!r}")
        if self.threshold_mode not in THRESHOLD_MODES:
            raise ValueError(f"DatnConfig.threshold_mode must be one of {THRESHOLD_MODES}, got {self.threshold_mode!r}")
        if self.source_labels is None:
            self.source_labels = ["negative", "neutral", "positive"]
        self.source_labels = list(self.source_labels)
        if len(set(self.source_labels)) != len(self.source_labels) or len(self.source_labels) < 2:
            raise ValueError(f"DatnConfig.source_labels must be at least two distinct names, got {self.source_labels}")
        if self.thresholds is None:
            self.thresholds = [0.5] * self.num_labels
        self.thresholds = [float(t) for t in self.thresholds]
        if len(self.thresholds) != self.num_labels:
            raise ValueError(
                f"DatnConfig.thresholds has {len(self.thresholds)} values but there are {self.num_labels} labels"
            )

    @property
    def num_source_labels(self) -> int:
        return len(self.source_labels)

    @property
    def has_shared_encoder(self) -> bool:
        """Every variant but "base" learns from the sentiment task through a shared encoder."""
        return self.variant != "base"


__all__ = ["DatnConfig"]
