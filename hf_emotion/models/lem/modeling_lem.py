"""Latent Emotion Memory network (LEM; Fei, Zhang, Ren, Ji, AAAI 2020), clean-room from the paper.

Two modules share two emotion embeddings:

1. The *latent emotion module*, a VAE over the sentence's emotion bag-of-words (eBoW):
   encoder f_e (two ReLU layers plus a linear shortcut) gives mu, log sigma^2 in R^K;
   Z = softmax(mu + sigma * eps) is the latent emotion distribution; the decoder maps Z through
   the latent emotion distribution embedding W_led (K x E_led) to R_led, then through the emotion
   feature embedding W_ef (S x E_led; one row per memory slot) to R_ef = tanh(W_ef R_led), and
   reconstructs the eBoW with softmax(W_rec R_ef).
2. K private *emotion memory modules* with H hops. Each reads the word vectors with an input
   attention keyed by R_le_k, then reads the memory M = W_ef W_beta (S slots in word space) with an
   output attention keyed by the attended input; the read-out R_out is added to every token, and
   the next hop reads those tokens.
   Then a BiGRU runs over the K emotion steps [R_m_{H,k} ; Z_k W_led[k]] and a per-step binary
   classifier gives p_k.

Readings where the paper is ambiguous (Eq. 8-13), chosen so that the equations are dimensionally
consistent and non-degenerate:
- Attention scores are additive (v^T tanh(W_a a + W_b b)). The literal softmax(W [a; b]) over
  positions i cancels the key term (it is the same for every i), which would make the input
  attention identical for every emotion and contradict the LEM-Rle ablation.
- "Select row k of W_led (mask)" is read as masking Z: R_le_k = dense(Z_k W_led[k]), so the memory
  key and the classifier step depend on the sentence's latent distribution
  (`config.weight_led_by_z=False` gives the literal, sentence-independent row).
- R_m_{h,k} = R_out + X is a token matrix; its summary vector is its pooling under the hop's
  input attention, which equals R_in + R_out (the attention weights sum to one). Hop h + 1 reads
  X + R_out_1 + ... + R_out_h, so the (B, K, T, D) token tensor is never materialised.
- The memory M is shared by the K modules (it is one shared feature embedding); attention
  parameters are private per emotion and per hop.
At inference Z uses mu (no sampling), so predictions are deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from transformers import PreTrainedModel
from transformers.utils import ModelOutput

from .configuration_lem import LemConfig

TRAINING_PHASES = ("joint", "vae")


@dataclass
class LemModelOutput(ModelOutput):
    """R_total (the K emotion steps the classifier reads) plus the latent module's internals."""

    last_hidden_state: torch.FloatTensor | None = None
    latent_distribution: torch.FloatTensor | None = None
    memory_attention: torch.FloatTensor | None = None
    reconstruction_loss: torch.FloatTensor | None = None
    kl_loss: torch.FloatTensor | None = None
    reconstruction: torch.FloatTensor | None = None


@dataclass
class LemSequenceClassifierOutput(ModelOutput):
    """`scores` are the per-label probabilities the config's thresholds act on."""

    loss: torch.FloatTensor | None = None
    logits: torch.FloatTensor | None = None
    scores: torch.FloatTensor | None = None
    latent_distribution: torch.FloatTensor | None = None
    memory_attention: torch.FloatTensor | None = None
    reconstruction: torch.FloatTensor | None = None
    classification_loss: torch.FloatTensor | None = None
    reconstruction_loss: torch.FloatTensor | None = None
    kl_loss: torch.FloatTensor | None = None


class LemPreTrainedModel(PreTrainedModel):
    config_class = LemConfig
    base_model_prefix = "lem"
    main_input_name = "input_ids"

    @torch.no_grad()
    def _init_weights(self, module):
        std = self.config.initializer_range
        if isinstance(module, nn.Linear):
            nn.init.xavier_uniform_(module.weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, std=std)
            if module.padding_idx is not None:
                module.weight[module.padding_idx].zero_()
        elif isinstance(module, (LatentEmotionModule, EmotionMemory)):
            module.reset_parameters(std)


class LatentEmotionModule(nn.Module):
    """The VAE over the emotion bag-of-words; owns W_led and W_ef, which the memory reuses."""

    def __init__(self, config: LemConfig):
        super().__init__()
        ebow_size = max(len(config.emotion_vocab_ids), 1)
        k = config.num_labels
        self.encoder = nn.Sequential(
            nn.Linear(ebow_size, config.vae_hidden_size),
            nn.ReLU(),
            nn.Linear(config.vae_hidden_size, config.vae_hidden_size),
            nn.ReLU(),
        )
        self.shortcut = nn.Linear(ebow_size, config.vae_hidden_size, bias=False)
        self.to_mu = nn.Linear(config.vae_hidden_size, k)
        self.to_logvar = nn.Linear(config.vae_hidden_size, k)
        self.led = nn.Parameter(torch.empty(k, config.led_dim))  # W_led
        self.ef = nn.Parameter(torch.empty(config.num_memory_slots, config.led_dim))  # W_ef
        self.reconstruct = nn.Linear(config.num_memory_slots, ebow_size)
        self.word_dropout = config.word_dropout

    def reset_parameters(self, std: float) -> None:
        nn.init.normal_(self.led, std=std)
        nn.init.normal_(self.ef, std=std)

    def forward(self, ebow: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """ebow (B, V_e) counts -> Z (B, K), reconstruction log-probs, per-sentence NLL and KL."""
        encoder_input = ebow
        if self.training and self.word_dropout > 0:
            keep = torch.rand_like(ebow) >= self.word_dropout
            encoder_input = ebow * keep
        hidden = self.encoder(encoder_input) + self.shortcut(encoder_input)
        mu, logvar = self.to_mu(hidden), self.to_logvar(hidden).clamp(-10.0, 10.0)
        latent = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        z = torch.softmax(latent, dim=-1)
        r_ef = torch.tanh((z @ self.led) @ self.ef.t())
        log_probs = torch.log_softmax(self.reconstruct(r_ef), dim=-1)
        nll = -(ebow * log_probs).sum(-1)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)
        return z, log_probs, nll, kl


class EmotionMemory(nn.Module):
    """K private multi-hop memory modules, computed together: parameters carry a (hop, emotion) prefix."""

    def __init__(self, config: LemConfig):
        super().__init__()
        h, k, d, a = config.num_hops, config.num_labels, config.embedding_dim, config.attention_dim
        self.use_rle = config.use_rle
        self.key = nn.Linear(config.led_dim, d)  # dense layer giving R_le_k from (Z_k) W_led[k]
        self.memory_map = nn.Linear(config.led_dim, d, bias=False)  # f_beta: M = W_ef W_beta
        self.in_tokens = nn.Parameter(torch.empty(h, k, d, a))
        self.in_key = nn.Parameter(torch.empty(h, k, d, a))
        self.in_v = nn.Parameter(torch.empty(h, k, a))
        self.out_read = nn.Parameter(torch.empty(h, k, d, a))
        self.out_slots = nn.Parameter(torch.empty(h, k, d, a))
        self.out_v = nn.Parameter(torch.empty(h, k, a))

    def reset_parameters(self, std: float) -> None:
        for weight in (self.in_tokens, self.in_key, self.out_read, self.out_slots):
            bound = (6.0 / (weight.shape[-2] + weight.shape[-1])) ** 0.5
            nn.init.uniform_(weight, -bound, bound)
        nn.init.normal_(self.in_v, std=std)
        nn.init.normal_(self.out_v, std=std)

    def forward(self, tokens, token_mask, emotion_keys, feature_embedding):
        """tokens (B, T, D), token_mask (B, T) bool, emotion_keys (B, K, E_led), feature_embedding (S, E_led).

        Returns R_m (B, K, D) after the last hop and every hop's input attention (B, H, K, T).
        Every projection is one GEMM or one K-batched bmm; only the hop loop remains in Python.
        """
        num_hops, num_emotions, dim, att = self.in_tokens.shape
        batch, length = token_mask.shape
        memory = self.memory_map(feature_embedding)  # (S, D)
        if self.use_rle:  # R_le_k W_key for every hop: K-batched, (K, B, D) @ (K, D, H*A)
            r_le = self.key(emotion_keys).transpose(0, 1)
            key_proj = torch.bmm(r_le, self.in_key.permute(1, 2, 0, 3).reshape(num_emotions, dim, -1))
            key_proj = key_proj.view(num_emotions, batch, num_hops, att).permute(2, 1, 0, 3)  # (H, B, K, A)
        offset = tokens.new_zeros(num_emotions, batch, dim)  # sum of R_out so far, emotion-major for bmm
        valid = token_mask[:, None, :]
        attentions = []
        for hop in range(num_hops):
            # Input attention over the tokens of X + offset_k, using W(x_i + c_k) = W x_i + W c_k:
            # X W for all K emotions is one GEMM, (B, T, D) @ (D, K*A), kept token-major (B, T, K, A).
            token_proj = (tokens @ self.in_tokens[hop].permute(1, 0, 2).reshape(dim, -1)).view(batch, length, num_emotions, att)
            shift = torch.bmm(offset, self.in_tokens[hop]).transpose(0, 1)  # (B, K, A)
            if self.use_rle:
                shift = shift + key_proj[hop]
            hidden = torch.tanh(token_proj + shift.unsqueeze(1))
            scores = (hidden * self.in_v[hop]).sum(-1).transpose(1, 2)  # (B, K, T)
            scores = scores.masked_fill(~valid, torch.finfo(scores.dtype).min)
            alpha_in = torch.softmax(scores, dim=-1) * valid  # all-padding rows -> 0
            r_in = torch.bmm(alpha_in, tokens) + offset.transpose(0, 1) * alpha_in.sum(-1, keepdim=True)  # (B, K, D)
            # Output attention over the memory slots, keyed by the attended input.
            read = torch.bmm(r_in.transpose(0, 1), self.out_read[hop]).transpose(0, 1)  # (B, K, A)
            slots = torch.matmul(memory, self.out_slots[hop])  # (K, S, A)
            hidden_out = torch.tanh(read.unsqueeze(2) + slots.unsqueeze(0))  # (B, K, S, A)
            alpha_out = torch.softmax((hidden_out @ self.out_v[hop].unsqueeze(-1)).squeeze(-1), dim=-1)
            r_out = alpha_out @ memory  # (B, K, D)
            offset = offset + r_out.transpose(0, 1)
            attentions.append(alpha_in)
        return r_in + r_out, torch.stack(attentions, dim=1)


class LemModel(LemPreTrainedModel):
    """Word embeddings, the latent emotion module and the emotion memories; outputs R_total (B, K, D + E_led)."""

    def __init__(self, config: LemConfig):
        super().__init__(config)
        self.embeddings = nn.Embedding(config.vocab_size, config.embedding_dim, padding_idx=config.pad_token_id)
        self.latent = LatentEmotionModule(config)
        self.memory = EmotionMemory(config)
        self.dropout = nn.Dropout(config.dropout)
        ebow_index = torch.full((config.vocab_size,), len(config.emotion_vocab_ids), dtype=torch.long)
        ebow_index[torch.tensor(config.emotion_vocab_ids, dtype=torch.long)] = torch.arange(
            len(config.emotion_vocab_ids)
        )
        # vocab id -> eBoW column (the extra last column collects every non-emotion token and is dropped).
        # Persistent: transformers builds models on the meta device, so a buffer must come from the weights.
        self.register_buffer("ebow_index", ebow_index)
        self.post_init()
        self.embeddings.weight.requires_grad_(not config.freeze_embeddings)

    def get_input_embeddings(self):
        return self.embeddings

    def set_input_embeddings(self, value):
        self.embeddings = value

    def emotion_bag_of_words(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        size = len(self.config.emotion_vocab_ids)
        columns = self.ebow_index[input_ids].masked_fill(attention_mask == 0, size)
        counts = torch.zeros(input_ids.shape[0], size + 1, device=input_ids.device, dtype=self.latent.led.dtype)
        counts.scatter_add_(1, columns, torch.ones_like(columns, dtype=counts.dtype))
        return counts[:, :size] if size else counts[:, :1] * 0

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        latent_only: bool = False,
        **kwargs,
    ) -> LemModelOutput:
        if input_ids.dim() != 2:
            raise ValueError(f"LemModel expects input_ids of shape (batch, length), got {tuple(input_ids.shape)}")
        if attention_mask is None:
            attention_mask = (input_ids != self.config.pad_token_id).long()
        ebow = self.emotion_bag_of_words(input_ids, attention_mask)
        z, log_probs, nll, kl = self.latent(ebow)
        if latent_only:
            return LemModelOutput(latent_distribution=z, reconstruction_loss=nll, kl_loss=kl, reconstruction=log_probs)
        emotion_rows = self.latent.led.unsqueeze(0).expand(z.shape[0], -1, -1)
        if self.config.weight_led_by_z:
            emotion_rows = emotion_rows * z.unsqueeze(-1)  # (B, K, E_led): Z_k W_led[k]
        tokens = self.dropout(self.embeddings(input_ids))
        r_m, attention = self.memory(tokens, attention_mask.bool(), emotion_rows, self.latent.ef)
        parts = [r_m, emotion_rows] if self.config.use_wled else [r_m]
        return LemModelOutput(
            last_hidden_state=torch.cat(parts, dim=-1),
            latent_distribution=z,
            memory_attention=attention,
            reconstruction_loss=nll,
            kl_loss=kl,
            reconstruction=log_probs,
        )


class LemForSequenceClassification(LemPreTrainedModel):
    """Multi-label emotion classification: a BiGRU over the K emotion steps, one binary output per step.

    Training objective (`training_phase`, set by the LEM schedule):
    - "joint": mean BCE over the K emotions + elbo_weight * (reconstruction NLL + kl_weight * KL);
    - "vae": the negative ELBO alone (the memory and classifier are not run, so they get no gradient).
    `kl_weight` is the KL annealing factor, also set by the schedule (1.0 when not training).
    """

    # The loss is a per-batch mean, not a sum over `num_items_in_batch`: the Trainer must divide it
    # by the accumulation steps itself (and not multiply it by the number of processes).
    accepts_loss_kwargs = False

    def __init__(self, config: LemConfig):
        super().__init__(config)
        self.lem = LemModel(config)
        step_size = config.embedding_dim + (config.led_dim if config.use_wled else 0)
        self.gru = nn.GRU(step_size, config.gru_hidden_size, batch_first=True, bidirectional=True)
        self.dropout = nn.Dropout(config.dropout)
        self.classifier_weight = nn.Parameter(torch.zeros(config.num_labels, 2 * config.gru_hidden_size))
        self.classifier_bias = nn.Parameter(torch.zeros(config.num_labels))
        self.training_phase = "joint"
        self.kl_weight = 1.0
        self.post_init()

    def get_input_embeddings(self):
        return self.lem.get_input_embeddings()

    def set_input_embeddings(self, value):
        self.lem.set_input_embeddings(value)

    def forward(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        output_attentions: bool | None = None,
        **kwargs,
    ) -> LemSequenceClassifierOutput:
        if self.training_phase not in TRAINING_PHASES:
            raise ValueError(f"training_phase must be one of {TRAINING_PHASES}, got {self.training_phase!r}")
        vae_only = self.training and self.training_phase == "vae"
        base = self.lem(input_ids, attention_mask=attention_mask, latent_only=vae_only)
        kl_weight = self.kl_weight if self.training else 1.0
        elbo = (base.reconstruction_loss + kl_weight * base.kl_loss).mean()
        if vae_only:
            return LemSequenceClassifierOutput(
                loss=elbo,
                latent_distribution=base.latent_distribution,
                reconstruction_loss=base.reconstruction_loss.mean(),
                kl_loss=base.kl_loss.mean(),
            )
        steps, _ = self.gru(self.dropout(base.last_hidden_state))
        logits = torch.einsum("bkh,kh->bk", self.dropout(steps), self.classifier_weight) + self.classifier_bias
        loss = classification_loss = None
        if labels is not None:
            if labels.shape != logits.shape:
                raise ValueError(f"labels must have shape {tuple(logits.shape)} (batch, num_labels), got {tuple(labels.shape)}")
            classification_loss = F.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype))
            loss = classification_loss + self.config.elbo_weight * elbo
        return LemSequenceClassifierOutput(
            loss=loss,
            logits=logits,
            scores=torch.sigmoid(logits),
            latent_distribution=base.latent_distribution,
            memory_attention=base.memory_attention if output_attentions else None,
            reconstruction=base.reconstruction if output_attentions else None,
            classification_loss=classification_loss,
            reconstruction_loss=base.reconstruction_loss.mean(),
            kl_loss=base.kl_loss.mean(),
        )
