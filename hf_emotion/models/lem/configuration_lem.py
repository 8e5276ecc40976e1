"""Configuration of the Latent Emotion Memory network (Fei, Zhang, Ren, Ji; AAAI 2020)."""

from __future__ import annotations

from transformers import PretrainedConfig


class LemConfig(PretrainedConfig):
    """Hyper-parameters of LEM, plus everything a checkpoint needs to predict the same way anywhere.

    Besides the sizes, the config carries the emotion vocabulary (`emotion_vocab_ids`: the token ids
    whose counts form the emotion bag-of-words the VAE reads) and the decision rule (`thresholds`,
    one per label, tuned on dev), so a saved checkpoint needs nothing but its tokenizer.

    Readings of the paper that are configurable:
    - `weight_led_by_z`: the memory key R_le_k and the classifier input use Z_k * W_led[k] (the
      sentence's latent emotion weight times the emotion's embedding; default) or the bare row
      W_led[k] (the literal "select row k" reading, which makes both sentence-independent).
    - `use_rle` / `use_wled`: the paper's LEM-Rle and LEM-Wled ablations.
    """

    model_type = "lem"
    # Only logits and scores reach the Trainer's compute_metrics; the internals are asked for explicitly.
    keys_to_ignore_at_inference = [
        "latent_distribution", "memory_attention", "reconstruction",
        "classification_loss", "reconstruction_loss", "kl_loss",
    ]

    def __init__(
        self,
        vocab_size: int = 1000,
        embedding_dim: int = 50,
        freeze_embeddings: bool = False,
        emotion_vocab_ids: list[int] | None = None,
        vae_hidden_size: int = 300,
        led_dim: int = 128,
        num_memory_slots: int = 32,
        attention_dim: int = 32,
        num_hops: int = 3,
        gru_hidden_size: int = 128,
        dropout: float = 0.1,
        word_dropout: float = 0.2,
        elbo_weight: float = 1.0,
        weight_led_by_z: bool = True,
        use_rle: bool = True,
        use_wled: bool = True,
        thresholds: list[float] | None = None,
        threshold_mode: str = "default",
        threshold_metric: str | None = None,
        pad_token_id: int = 0,
        initializer_range: float = 0.1,
        **kwargs,
    ):
        self.vocab_size = vocab_size
        self.embedding_dim = embedding_dim
        self.freeze_embeddings = freeze_embeddings
        self.emotion_vocab_ids = sorted(set(int(i) for i in (emotion_vocab_ids or [])))
        self.vae_hidden_size = vae_hidden_size
        self.led_dim = led_dim
        self.num_memory_slots = num_memory_slots
        self.attention_dim = attention_dim
        self.num_hops = num_hops
        self.gru_hidden_size = gru_hidden_size
        self.dropout = dropout
        self.word_dropout = word_dropout
        self.elbo_weight = elbo_weight
        self.weight_led_by_z = weight_led_by_z
        self.use_rle = use_rle
        self.use_wled = use_wled
        self.threshold_mode = threshold_mode
        self.threshold_metric = threshold_metric
        self.initializer_range = initializer_range
        kwargs.setdefault("problem_type", "multi_label_classification")
        super().__init__(pad_token_id=pad_token_id, **kwargs)
        self.thresholds = [float(t) for t in thresholds] if thresholds is not None else [0.5] * self.num_labels
        self._validate()

    def _validate(self) -> None:
        if self.num_hops < 1:
            raise ValueError(f"LemConfig.num_hops must be >= 1, got {self.num_hops}")
        if len(self.thresholds) != self.num_labels:
            raise ValueError(
                f"LemConfig.thresholds has {len(self.thresholds)} values but there are {self.num_labels} labels"
            )
        bad = [i for i in self.emotion_vocab_ids if not 0 <= i < self.vocab_size]
        if bad:
            raise ValueError(f"LemConfig.emotion_vocab_ids holds ids outside [0, {self.vocab_size}): {bad[:5]}")
        if self.pad_token_id in self.emotion_vocab_ids:
            raise ValueError("LemConfig.emotion_vocab_ids must not contain the padding id")
