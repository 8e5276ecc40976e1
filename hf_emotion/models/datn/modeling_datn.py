"""Dual Attention Transfer Network (Yu, Marujo, Jiang, Karuturi, Brendel; EMNLP 2018), clean-room.

Written from the paper's equations; imports only torch, transformers and the sibling config, so
that the file ships inside exported checkpoints (trust_remote_code).

Readings of the paper, where it leaves a choice open:
- Attention (all variants): `u_j = v^T tanh(W_h h_j + W_z z [+ w_alpha alpha'_j])` where z is the
  BiLSTM's final hidden state: the forward direction's state at the last real token concatenated
  with the backward direction's state at the first token. Padding is masked out of the softmax; a
  row without any real token attends its first position (an all-zero [PAD] embedding), so empty
  inputs give finite, input-independent predictions instead of NaN.
- The word embedding layer is shared by both encoders and counts as part of the shared encoder
  (a sentiment batch updates it).
- The emotion MLP has one hidden layer with ReLU; dropout (config.dropout) is applied to the
  word embeddings and to the sentence vectors before both heads.
- The cosine penalty `lambda * cos(alpha_s, alpha_t)` is averaged over the batch (the paper sums
  over instances; with a batch-mean KL that only rescales lambda) and is part of the emotion
  (target) objective: it involves the target encoder, which sentiment batches do not update.
- DATN-2 on a sentiment-only batch: the target encoder still computes the attention that guides
  the shared attention, but as a constant (no gradient), since sentiment batches update only the
  shared encoder and the sentiment head.
- Emotion loss "kl": the gold distribution puts 1/#positives on each gold label, or all its mass
  on an extra "none" class when a tweet has no emotion; the model's distribution is a softmax over
  the K labels plus "none". `scores` are that softmax with "none" dropped (they sum to at most 1,
  hence a low dev-tuned threshold, 0.12 in the paper). "bce" is the sigmoid alternative.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from transformers import PreTrainedModel
from transformers import initialization as init
from transformers.utils import ModelOutput

from .configuration_datn import DatnConfig


@dataclass
class DatnModelOutput(ModelOutput):
    """Sentence vectors of the two encoders (B, 2*hidden) and, on request, their attention (B, T).

    `shared_*` is None for the "base" variant; `target_*` is None when only the sentiment head's
    inputs were computed (`source_only=True` with "sp" or "datn1").
    """

    shared_representation: torch.FloatTensor | None = None
    target_representation: torch.FloatTensor | None = None
    shared_attention: torch.FloatTensor | None = None
    target_attention: torch.FloatTensor | None = None


@dataclass
class DatnSequenceClassifierOutput(ModelOutput):
    """loss: emotion loss (+ lambda * cosine penalty) on emotion batches, sentiment cross-entropy on
    sentiment batches; logits/scores (B, K) per emotion; none_logits (B,) the "none" class of the
    "kl" loss; sentiment_logits (B, S); shared/target_attention (B, T) when output_attentions."""

    loss: torch.FloatTensor | None = None
    logits: torch.FloatTensor | None = None
    scores: torch.FloatTensor | None = None
    none_logits: torch.FloatTensor | None = None
    sentiment_logits: torch.FloatTensor | None = None
    shared_attention: torch.FloatTensor | None = None
    target_attention: torch.FloatTensor | None = None


class DatnAttentionEncoder(nn.Module):
    """A BiLSTM whose attention is conditioned on its own final state and, when `guided`, on the
    other encoder's attention weights (the "dual attention" of DATN-1/DATN-2)."""

    def __init__(self, config: DatnConfig, guided: bool):
        super().__init__()
        state_dim = 2 * config.hidden_size
        self.lstm = nn.LSTM(config.embedding_dim, config.hidden_size, batch_first=True, bidirectional=True)
        self.state_proj = nn.Linear(state_dim, config.attention_dim, bias=False)  # W_h
        self.final_proj = nn.Linear(state_dim, config.attention_dim)  # W_z z (+ bias)
        self.guide_proj = nn.Linear(1, config.attention_dim, bias=False) if guided else None  # w_alpha
        self.score = nn.Linear(config.attention_dim, 1, bias=False)  # v

    def forward(self, embeds, mask, lengths, guide=None):
        packed = pack_padded_sequence(embeds, lengths.cpu(), batch_first=True, enforce_sorted=False)
        packed_states, (final, _) = self.lstm(packed)
        states, _ = pad_packed_sequence(packed_states, batch_first=True, total_length=embeds.size(1))
        final = torch.cat([final[0], final[1]], dim=-1)  # forward at last token ; backward at first token
        energy = self.state_proj(states) + self.final_proj(final).unsqueeze(1)
        if self.guide_proj is not None:
            if guide is None:
                raise ValueError("a guided DATN attention encoder needs the other encoder's attention weights")
            energy = energy + self.guide_proj(guide.unsqueeze(-1))
        logits = self.score(torch.tanh(energy)).squeeze(-1).masked_fill(~mask, torch.finfo(energy.dtype).min)
        attention = torch.softmax(logits, dim=-1)
        return torch.bmm(attention.unsqueeze(1), states).squeeze(1), attention


class DatnPreTrainedModel(PreTrainedModel):
    config_class = DatnConfig
    base_model_prefix = "datn"
    main_input_name = "input_ids"

    def _init_weights(self, module):
        """Xavier for the linear maps (the tanh attention saturates with N(0, 0.1) on 400-wide
        inputs); LSTMs and embeddings as transformers does (Xavier, N(0, initializer_range))."""
        if isinstance(module, nn.Linear):
            init.xavier_uniform_(module.weight)
            if module.bias is not None:
                init.zeros_(module.bias)
        else:
            super()._init_weights(module)


class DatnModel(DatnPreTrainedModel):
    """Word embeddings plus the shared and the target-specific attention-BiLSTM encoders."""

    def __init__(self, config: DatnConfig):
        super().__init__(config)
        self.embed_tokens = nn.Embedding(config.vocab_size, config.embedding_dim, padding_idx=config.pad_token_id)
        self.embed_tokens.weight.requires_grad = not config.freeze_embeddings
        self.dropout = nn.Dropout(config.dropout)
        self.shared_encoder = (
            DatnAttentionEncoder(config, guided=config.variant == "datn2") if config.has_shared_encoder else None
        )
        self.target_encoder = DatnAttentionEncoder(config, guided=config.variant == "datn1")
        self.post_init()

    def get_input_embeddings(self):
        return self.embed_tokens

    def set_input_embeddings(self, value):
        self.embed_tokens = value

    def forward(self, input_ids, attention_mask=None, output_attentions=None, source_only=False) -> DatnModelOutput:
        """`source_only` computes only what the sentiment head needs (a sentiment training batch)."""
        if input_ids.dim() != 2:
            raise ValueError(f"DATN input_ids must have shape (batch, length), got {tuple(input_ids.shape)}")
        if source_only and self.shared_encoder is None:
            raise ValueError("DATN variant 'base' has no shared encoder, so it cannot take a sentiment-only batch")
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        if input_ids.size(1) == 0:  # an empty text tokenizes to no column at all: give it one [PAD]
            input_ids = F.pad(input_ids, (0, 1), value=self.config.pad_token_id)
            attention_mask = F.pad(attention_mask, (0, 1), value=0)
        mask = attention_mask.bool()
        lengths = mask.sum(dim=1)
        positions = torch.arange(mask.size(1), device=mask.device)
        if not torch.equal(mask, positions < lengths.unsqueeze(1)):
            raise ValueError("DATN expects right-padded inputs: each attention_mask row must be ones, then zeros")
        empty = lengths == 0
        mask = mask.clone()
        mask[:, 0] |= empty  # an empty row attends its first ([PAD]) position instead of nothing
        lengths = lengths.clamp(min=1)
        embeds = self.dropout(self.embed_tokens(input_ids))

        shared = target = (None, None)
        if self.config.variant == "datn2":
            with torch.set_grad_enabled(torch.is_grad_enabled() and not source_only):
                target = self.target_encoder(embeds, mask, lengths)
            shared = self.shared_encoder(embeds, mask, lengths, guide=target[1])
        else:
            if self.shared_encoder is not None:
                shared = self.shared_encoder(embeds, mask, lengths)
            if not source_only:
                target = self.target_encoder(embeds, mask, lengths, guide=shared[1])

        output_attentions = self.config.output_attentions if output_attentions is None else output_attentions
        return DatnModelOutput(
            shared_representation=shared[0],
            target_representation=target[0],
            shared_attention=shared[1] if output_attentions else None,
            target_attention=target[1] if output_attentions else None,
        )


class DatnForSequenceClassification(DatnPreTrainedModel):
    """DATN with the emotion head (multi-label) and the source-task sentiment head."""

    def __init__(self, config: DatnConfig):
        super().__init__(config)
        self.datn = DatnModel(config)
        sentence_dim = 2 * config.hidden_size
        emotion_in = 2 * sentence_dim if config.has_shared_encoder else sentence_dim
        emotion_out = config.num_labels + 1 if config.loss_type == "kl" else config.num_labels
        self.dropout = nn.Dropout(config.dropout)
        self.emotion_head = nn.Sequential(
            nn.Linear(emotion_in, config.mlp_hidden_size), nn.ReLU(), nn.Dropout(config.dropout),
            nn.Linear(config.mlp_hidden_size, emotion_out),
        )
        self.sentiment_head = (
            nn.Linear(sentence_dim, config.num_source_labels) if config.has_shared_encoder else None
        )
        self.post_init()

    def get_input_embeddings(self):
        return self.datn.embed_tokens

    def set_input_embeddings(self, value):
        self.datn.embed_tokens = value

    def source_parameter_names(self) -> set[str]:
        """The parameters a sentiment (source) batch may update: embeddings, shared encoder, sentiment head."""
        prefixes = ("datn.embed_tokens.", "datn.shared_encoder.", "sentiment_head.")
        return {name for name, _ in self.named_parameters() if name.startswith(prefixes)}

    def forward(
        self, input_ids, attention_mask=None, labels=None, sentiment_labels=None, output_attentions=None
    ) -> DatnSequenceClassifierOutput:
        """A batch carries `labels` (B, K) floats (emotion) or `sentiment_labels` (B,) class ids (source
        task). A sentiment-only batch skips the emotion head (logits and scores are None)."""
        source_only = sentiment_labels is not None and labels is None
        want_attention = self.config.output_attentions if output_attentions is None else output_attentions
        encoded = self.datn(input_ids, attention_mask, output_attentions=True, source_only=source_only)
        loss = None

        sentiment_logits = None
        if self.sentiment_head is not None:
            sentiment_logits = self.sentiment_head(self.dropout(encoded.shared_representation))
        if sentiment_labels is not None:
            if sentiment_logits is None:
                raise ValueError("DATN variant 'base' has no sentiment head: drop sentiment_labels")
            bad = (sentiment_labels < 0) | (sentiment_labels >= self.config.num_source_labels)
            if bad.any():
                raise ValueError(
                    f"sentiment_labels must be ids in [0, {self.config.num_source_labels}) for "
                    f"{self.config.source_labels}, got {sentiment_labels[bad].tolist()}"
                )
            loss = F.cross_entropy(sentiment_logits, sentiment_labels.long())

        logits = scores = none_logits = None
        if not source_only:
            parts = [encoded.target_representation]
            if encoded.shared_representation is not None:
                parts.insert(0, encoded.shared_representation)
            outputs = self.emotion_head(self.dropout(torch.cat(parts, dim=-1)))
            if self.config.loss_type == "kl":
                logits, none_logits = outputs[:, :-1], outputs[:, -1]
                scores = torch.softmax(outputs, dim=-1)[:, :-1]
            else:
                logits, scores = outputs, torch.sigmoid(outputs)
            if labels is not None:
                emotion_loss = self._emotion_loss(outputs, labels)
                if encoded.shared_attention is not None and self.config.similarity_weight:
                    similarity = F.cosine_similarity(encoded.shared_attention, encoded.target_attention, dim=-1)
                    emotion_loss = emotion_loss + self.config.similarity_weight * similarity.mean()
                loss = emotion_loss if loss is None else loss + emotion_loss

        return DatnSequenceClassifierOutput(
            loss=loss,
            logits=logits,
            scores=scores,
            none_logits=none_logits,
            sentiment_logits=sentiment_logits,
            shared_attention=encoded.shared_attention if want_attention else None,
            target_attention=encoded.target_attention if want_attention else None,
        )

    def _emotion_loss(self, outputs, labels):
        if labels.shape != (outputs.size(0), self.config.num_labels):
            raise ValueError(
                f"DATN labels must have shape (batch, {self.config.num_labels}) for {list(self.config.label2id)}, "
                f"got {tuple(labels.shape)}"
            )
        labels = labels.to(outputs.dtype)
        if self.config.loss_type == "bce":
            return F.binary_cross_entropy_with_logits(outputs, labels)
        none = (labels.sum(dim=-1, keepdim=True) == 0).to(labels.dtype)
        target = torch.cat([labels, none], dim=-1)
        target = target / target.sum(dim=-1, keepdim=True)
        return F.kl_div(torch.log_softmax(outputs, dim=-1), target, reduction="batchmean")


__all__ = ["DatnModel", "DatnForSequenceClassification", "DatnPreTrainedModel"]
