"""MultiEMO (Shi and Huang, ACL 2023), clean-room from the paper's equations.

Per modality: a linear projection to `hidden_size`, a speaker-aware recurrent context encoder in the
spirit of DialogueRNN, then a MultiAttn stack (the modality queries the other modalities' context
states through bidirectional multi-head cross-attention); the fused states are concatenated and
classified (Eq. 13-16). Training adds SWFC (Eq. 18-19) on the classifier's embedding z and Soft-HGR
(Eq. 20) between the fused states of every pair of modalities.

Batches are dialogues padded on the right: features (B, T, D_m), `speaker_ids` (B, T) with
dialogue-local speaker indices (0, 1, ... in any order; unseen speakers need no vocabulary),
`attention_mask` (B, T) and `labels` (B, T) with -100 where there is no label.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn
from transformers import PreTrainedModel
from transformers import initialization as init
from transformers.utils import ModelOutput

from .configuration_multiemo import MultiEmoConfig


def swfc_loss(
    embeddings: torch.Tensor,
    labels: torch.Tensor,
    temperature: float,
    focusing: float,
    sample_weight_exponent: float,
    normalize: bool = True,
) -> torch.Tensor:
    """Sample-weighted focal contrastive loss (Eq. 18-19) over N utterances, vectorised.

    For anchor i, positives P(i) are the other utterances with its label and A(i) all others;
    s_ip = exp(z_i.z_p / tau) / sum_{a in A(i)} exp(z_i.z_a / tau), and
    loss_i = -1/|P(i)| sum_p (1 - s_ip)^gamma log s_ip. Anchors are weighted by
    w_i = (N / n_{y_i})^alpha with n_c the count of class c in the batch, and the loss is the
    w-weighted mean over anchors that have a positive (the paper says the weights are
    normalised; this is our reading). With `normalize`, z is L2-normalised first, as in supervised
    contrastive learning (the paper writes the bare dot product).
    """
    if normalize:
        embeddings = F.normalize(embeddings, dim=-1)
    n = embeddings.shape[0]
    if n < 2:
        return embeddings.sum() * 0.0
    eye = torch.eye(n, dtype=torch.bool, device=embeddings.device)
    logits = (embeddings @ embeddings.T) / temperature
    log_s = torch.log_softmax(logits.masked_fill(eye, float("-inf")), dim=1).masked_fill(eye, 0.0)
    positives = (labels[:, None] == labels[None, :]) & ~eye
    focal = (1.0 - log_s.exp()).clamp_min(0.0).pow(focusing)
    num_pos = positives.sum(1)
    per_anchor = -(focal * log_s * positives).sum(1) / num_pos.clamp_min(1)
    counts = torch.bincount(labels).to(embeddings.dtype)
    weights = (n / counts[labels]).pow(sample_weight_exponent) * (num_pos > 0)
    if weights.sum() == 0:
        return embeddings.sum() * 0.0
    return (weights * per_anchor).sum() / weights.sum()


def soft_hgr_loss(features: list[torch.Tensor]) -> torch.Tensor:
    """Negative Soft-HGR maximal correlation (Eq. 20), summed over unordered pairs of modalities.

    For zero-mean f, g over the N utterances: E[f^T g] - 1/2 tr(cov(f) cov(g)), with both
    expectations estimated with the unbiased 1/(N-1) factor. Zero for fewer than two modalities
    or fewer than two utterances.
    """
    if len(features) < 2 or features[0].shape[0] < 2:
        return features[0].sum() * 0.0
    n = features[0].shape[0]
    centred = [f - f.mean(0, keepdim=True) for f in features]
    covs = [c.T @ c / (n - 1) for c in centred]
    total = features[0].new_zeros(())
    for (f, cf), (g, cg) in itertools.combinations(zip(centred, covs), 2):
        total = total + (f * g).sum() / (n - 1) - 0.5 * (cf * cg).sum()
    return -total


@dataclass
class MultiEmoModelOutput(ModelOutput):
    """`last_hidden_state`: the concatenated fused states (B, T, M * hidden) that Eq. 13 classifies;
    `fused_states`: one (B, T, hidden) tensor per configured modality, in config order."""

    last_hidden_state: torch.Tensor | None = None
    fused_states: tuple[torch.Tensor, ...] | None = None


@dataclass
class MultiEmoConversationOutput(ModelOutput):
    """`logits` (B, T, C) per utterance; `loss` is the weighted sum of `ce_loss`, `swfc_loss`
    and `soft_hgr_loss`; `embeddings` (z, Eq. 14) and `fused_states` when `output_fused_states`."""

    loss: torch.Tensor | None = None
    logits: torch.Tensor | None = None
    ce_loss: torch.Tensor | None = None
    swfc_loss: torch.Tensor | None = None
    soft_hgr_loss: torch.Tensor | None = None
    embeddings: torch.Tensor | None = None
    fused_states: tuple[torch.Tensor, ...] | None = None


def _reverse_each(x: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Reverse every dialogue within its own length (padding stays at the end); an involution."""
    steps = torch.arange(x.shape[1], device=x.device)[None, :]
    index = torch.where(steps < lengths[:, None], lengths[:, None] - 1 - steps, steps)
    if x.dim() == 3:
        index = index[..., None].expand(-1, -1, x.shape[-1])
    return x.gather(1, index)


class DialogueRnnCell(nn.Module):
    """One direction of a DialogueRNN-style encoder (Majumder et al., 2019), from its description.

    At turn t with speaker s: the global state g_t = GRU_g([u_t; q_s], g_{t-1}); a context vector c_t
    attends over g_1..g_{t-1} with u_t as query; the speaker's state q_s = GRU_p([u_t; c_t], q_s)
    (listeners keep theirs); the emotion state e_t = GRU_e(q_s, e_{t-1}) is the output. All
    dialogues of the batch step together; padded turns leave every state unchanged.
    """

    def __init__(self, size: int):
        super().__init__()
        self.global_gru = nn.GRUCell(2 * size, size)
        self.party_gru = nn.GRUCell(2 * size, size)
        self.emotion_gru = nn.GRUCell(size, size)
        self.attention = nn.Linear(size, size, bias=False)

    def forward(self, inputs: torch.Tensor, speakers: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        batch, steps, size = inputs.shape
        num_parties = int(speakers.max()) + 1
        parties = inputs.new_zeros(batch, num_parties, size)
        g = inputs.new_zeros(batch, size)
        e = inputs.new_zeros(batch, size)
        history, outputs = [], []
        rows = torch.arange(batch, device=inputs.device)
        for t in range(steps):
            u, s, real = inputs[:, t], speakers[:, t], mask[:, t, None]
            q = parties[rows, s]
            if history:
                past = torch.stack(history, 1)
                weights = torch.softmax(torch.einsum("bkh,bh->bk", past, self.attention(u)), dim=1)
                c = torch.einsum("bk,bkh->bh", weights, past)
            else:
                c = torch.zeros_like(u)
            g = torch.where(real, self.global_gru(torch.cat([u, q], -1), g), g)
            q_new = self.party_gru(torch.cat([u, c], -1), q)
            speaking = F.one_hot(s, num_parties).bool()[..., None] & real[:, None]
            parties = torch.where(speaking, q_new[:, None], parties)
            e = torch.where(real, self.emotion_gru(q_new, e), e)
            history.append(g)
            outputs.append(e)
        return torch.stack(outputs, 1)


class DialogueContextEncoder(nn.Module):
    """Speaker-aware context encoder; bidirectional runs a second cell on each reversed dialogue and
    merges both directions with a linear layer back to `size`."""

    def __init__(self, size: int, bidirectional: bool):
        super().__init__()
        self.forward_cell = DialogueRnnCell(size)
        self.backward_cell = DialogueRnnCell(size) if bidirectional else None
        self.merge = nn.Linear(2 * size, size) if bidirectional else None

    def forward(self, inputs, speakers, mask):
        out = self.forward_cell(inputs, speakers, mask)
        if self.backward_cell is None:
            return out
        lengths = mask.sum(1)
        back = self.backward_cell(_reverse_each(inputs, lengths), _reverse_each(speakers, lengths), mask)
        return self.merge(torch.cat([out, _reverse_each(back, lengths)], -1))


class MultiAttnLayer(nn.Module):
    """One MultiAttn layer: for each other modality in turn, cross-attention (query: this
    modality's running state; key/value: that modality's context states) with add & norm, then a
    feed-forward block with add & norm. Attention runs over the turns of the same dialogue."""

    def __init__(self, config: MultiEmoConfig, num_others: int):
        super().__init__()
        h = config.hidden_size
        self.cross = nn.ModuleList(
            nn.MultiheadAttention(h, config.num_attention_heads, dropout=config.dropout, batch_first=True)
            for _ in range(num_others)
        )
        self.cross_norms = nn.ModuleList(nn.LayerNorm(h) for _ in range(num_others))
        self.feed_forward = nn.Sequential(
            nn.Linear(h, config.multiattn_ffn_size), nn.ReLU(), nn.Dropout(config.dropout), nn.Linear(config.multiattn_ffn_size, h)
        )
        self.ffn_norm = nn.LayerNorm(h)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x, others, padding):
        for attn, norm, other in zip(self.cross, self.cross_norms, others):
            attended, _ = attn(x, other, other, key_padding_mask=padding, need_weights=False)
            x = norm(x + self.dropout(attended))
        return self.ffn_norm(x + self.dropout(self.feed_forward(x)))


class MultiAttn(nn.Module):
    """A stack of MultiAttnLayers for one modality; the other modalities' context states are the
    keys/values at every layer (the paper's MultiAttn_text(C_t, C_a, C_v) reading)."""

    def __init__(self, config: MultiEmoConfig, num_others: int):
        super().__init__()
        self.layers = nn.ModuleList(MultiAttnLayer(config, num_others) for _ in range(config.num_multiattn_layers))

    def forward(self, x, others, padding):
        for layer in self.layers:
            x = layer(x, others, padding)
        return x


class MultiEmoPreTrainedModel(PreTrainedModel):
    config_class = MultiEmoConfig
    base_model_prefix = "multiemo"
    main_input_name = "text_features"

    @torch.no_grad()
    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            init.xavier_uniform_(module.weight)
            if module.bias is not None:
                init.zeros_(module.bias)
        elif isinstance(module, nn.GRUCell):
            bound = module.hidden_size**-0.5
            for param in module.parameters():
                init.uniform_(param, -bound, bound)
        elif isinstance(module, nn.LayerNorm):
            init.ones_(module.weight)
            init.zeros_(module.bias)
        elif isinstance(module, nn.MultiheadAttention):
            init.xavier_uniform_(module.in_proj_weight)
            init.zeros_(module.in_proj_bias)
            init.zeros_(module.out_proj.bias)


class MultiEmoModel(MultiEmoPreTrainedModel):
    """Projection, context encoding and MultiAttn fusion of the configured modalities."""

    def __init__(self, config: MultiEmoConfig):
        super().__init__(config)
        h = config.hidden_size
        self.projections = nn.ModuleDict({m: nn.Linear(config.input_dims[m], h) for m in config.modalities})
        self.context_encoders = nn.ModuleDict(
            {
                m: DialogueContextEncoder(h, config.context_encoder[m] == "bidirectional")
                for m in config.modalities
                if config.context_encoder[m] != "none"
            }
        )
        fuse = config.use_multiattn and len(config.modalities) > 1
        self.multiattn = (
            nn.ModuleDict({m: MultiAttn(config, len(config.modalities) - 1) for m in config.modalities}) if fuse else None
        )
        self.dropout = nn.Dropout(config.dropout)
        self.post_init()

    def _check_inputs(self, features: dict, speaker_ids, attention_mask):
        """Validate shapes and fill missing modalities; returns (features, speakers, mask)."""
        cfg = self.config
        extra = [m for m, x in features.items() if x is not None and m not in cfg.modalities]
        if extra:
            raise ValueError(f"{extra[0]}_features was given but this MultiEMO model uses only {cfg.modalities}")
        present = {m: x for m, x in features.items() if x is not None}
        if not present:
            raise ValueError(f"MultiEMO needs features for at least one of its modalities {cfg.modalities}")
        first, reference = next(iter(present.items()))
        batch, steps = reference.shape[:2]
        for m, x in present.items():
            if x.dim() != 3:
                raise ValueError(f"{m}_features must be (batch, turns, {cfg.input_dims[m]}), got shape {tuple(x.shape)}")
            if x.shape[:2] != (batch, steps):
                raise ValueError(
                    f"{m}_features has shape {tuple(x.shape)} but {first}_features has {tuple(reference.shape)}: "
                    "every modality must cover the same (batch, turns)"
                )
            if x.shape[-1] != cfg.input_dims[m]:
                raise ValueError(
                    f"{m}_features has dimension {x.shape[-1]} but the model expects {cfg.input_dims[m]} "
                    f"(config.input_dims[{m!r}])"
                )
        for m in cfg.modalities:
            if m not in present:
                if cfg.missing_modality != "zeros":
                    raise ValueError(
                        f"{m}_features is missing: this model was configured with modalities {cfg.modalities}; "
                        "pass it, or use a config with missing_modality='zeros'"
                    )
                present[m] = reference.new_zeros(batch, steps, cfg.input_dims[m])
        if attention_mask is None:
            attention_mask = torch.ones(batch, steps, dtype=torch.long, device=reference.device)
        if attention_mask.shape != (batch, steps):
            raise ValueError(f"attention_mask must be (batch, turns) = ({batch}, {steps}), got {tuple(attention_mask.shape)}")
        mask = attention_mask.bool()
        lengths = mask.sum(1)
        if (lengths == 0).any():
            raise ValueError(f"dialogue {int((lengths == 0).nonzero()[0])} of the batch has no turns (attention_mask all 0)")
        if (mask != (torch.arange(steps, device=mask.device)[None] < lengths[:, None])).any():
            raise ValueError("attention_mask must pad dialogues on the right (ones, then zeros)")
        if self.context_encoders:
            if speaker_ids is None:
                raise ValueError("speaker_ids (batch, turns) is required by the speaker-aware context encoder")
            if speaker_ids.shape != (batch, steps):
                raise ValueError(f"speaker_ids must be (batch, turns) = ({batch}, {steps}), got {tuple(speaker_ids.shape)}")
            speaker_ids = speaker_ids.long().masked_fill(~mask, 0)
            if (speaker_ids < 0).any():
                raise ValueError("speaker_ids must be >= 0 on real turns (dialogue-local speaker indices)")
        return {m: present[m] for m in cfg.modalities}, speaker_ids, mask

    def forward(
        self,
        text_features: torch.Tensor | None = None,
        audio_features: torch.Tensor | None = None,
        visual_features: torch.Tensor | None = None,
        speaker_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        **kwargs,  # ignored extras (Transformers utilities pass some)
    ) -> MultiEmoModelOutput:
        features = {"text": text_features, "audio": audio_features, "visual": visual_features}
        features, speakers, mask = self._check_inputs(features, speaker_ids, attention_mask)
        context = {}
        for m, x in features.items():
            x = self.dropout(self.projections[m](x))
            if m in self.context_encoders:
                x = self.context_encoders[m](x, speakers, mask)
            context[m] = x
        if self.multiattn is None:
            fused = context
        else:
            padding = ~mask
            fused = {
                m: self.multiattn[m](context[m], [context[o] for o in features if o != m], padding) for m in features
            }
        states = tuple(fused[m] for m in self.config.modalities)
        return MultiEmoModelOutput(last_hidden_state=torch.cat(states, -1), fused_states=states)


class MultiEmoForConversationClassification(MultiEmoPreTrainedModel):
    """MultiEMO with the classifier of Eq. 13-16: one label per utterance of every dialogue."""

    # forward normalises its loss by the Trainer's `num_items_in_batch` (labelled turns over the whole
    # accumulation window and every process), so the Trainer neither divides it by the accumulation
    # steps nor averages micro-batch means (see `_losses`)
    accepts_loss_kwargs = True

    def __init__(self, config: MultiEmoConfig):
        super().__init__(config)
        self.multiemo = MultiEmoModel(config)
        self.to_embedding = nn.Linear(len(config.modalities) * config.hidden_size, config.fusion_size)
        self.classifier = nn.Sequential(
            nn.Linear(config.fusion_size, config.classifier_hidden_size),
            nn.ReLU(),
            nn.Dropout(config.dropout),
            nn.Linear(config.classifier_hidden_size, config.num_labels),
        )
        self.post_init()

    def forward(
        self,
        text_features: torch.Tensor | None = None,
        audio_features: torch.Tensor | None = None,
        visual_features: torch.Tensor | None = None,
        speaker_ids: torch.Tensor | None = None,
        attention_mask: torch.Tensor | None = None,
        labels: torch.Tensor | None = None,
        output_fused_states: bool = False,
        num_items_in_batch: torch.Tensor | int | None = None,
        **kwargs,  # ignored extras (Transformers utilities pass some)
    ) -> MultiEmoConversationOutput:
        base = self.multiemo(text_features, audio_features, visual_features, speaker_ids, attention_mask)
        z = self.to_embedding(base.last_hidden_state)
        logits = self.classifier(z)
        losses = {}
        if labels is not None:
            losses = self._losses(logits, z, base.fused_states, labels, attention_mask, num_items_in_batch)
        return MultiEmoConversationOutput(
            logits=logits,
            embeddings=z if output_fused_states else None,
            fused_states=base.fused_states if output_fused_states else None,
            **losses,
        )

    def _losses(self, logits, z, fused_states, labels, attention_mask, num_items_in_batch=None) -> dict:
        """CE, SWFC and Soft-HGR over the labelled real turns, and their weighted sum.

        Without `num_items_in_batch` each part is this batch's own (CE: the mean over its turns).
        With it, the count of labelled turns in the whole optimizer step (every micro-batch of the
        accumulation window, on every process), CE is this batch's sum over turns divided by that
        count, so the micro-batches add up to the CE of the one large batch; SWFC and Soft-HGR are
        statistics of the batch they see and cannot be split that way, so each is weighted by this
        batch's share of the turns (a turn-weighted mean over micro-batches). When the batch is the
        whole step (count == its turns) every part equals the plain reading bit for bit.
        """
        if labels.shape != logits.shape[:2]:
            raise ValueError(f"labels must be (batch, turns) = {tuple(logits.shape[:2])}, got {tuple(labels.shape)}")
        keep = labels != -100
        if attention_mask is not None:
            keep &= attention_mask.bool()
        y = labels[keep].long()
        if y.numel() == 0:
            zero = logits.sum() * 0.0
            return {"loss": zero, "ce_loss": zero}
        if y.min() < 0 or y.max() >= self.config.num_labels:
            raise ValueError(f"labels must be in [0, {self.config.num_labels}) or -100, got values {int(y.min())}..{int(y.max())}")
        cfg, weights = self.config, self.config.loss_weights
        if num_items_in_batch is None:
            share = None
            out = {"ce_loss": F.cross_entropy(logits[keep], y)}
        else:
            count = _turn_count(num_items_in_batch, logits.device)
            share = y.numel() / count
            out = {"ce_loss": F.cross_entropy(logits[keep], y, reduction="sum") / count}
        loss = weights["ce"] * out["ce_loss"]
        statistics = {}
        if weights["swfc"]:
            statistics["swfc"] = swfc_loss(
                z[keep], y, cfg.swfc_temperature, cfg.swfc_focusing, cfg.swfc_sample_weight_exponent, cfg.swfc_normalize
            )
        if weights["soft_hgr"]:
            statistics["soft_hgr"] = soft_hgr_loss([s[keep] for s in fused_states])
        for part, value in statistics.items():
            out[f"{part}_loss"] = value if share is None else share * value
            loss = loss + weights[part] * out[f"{part}_loss"]
        return {"loss": loss, **out}


def _turn_count(num_items_in_batch, device) -> torch.Tensor:
    """The Trainer's labelled-turn count as a 0-d float32 tensor on `device` (float32, so that a
    bf16 loss sum is not divided by a count rounded to bf16). It arrives as an int or a tensor (int64,
    or float once the Trainer has divided it by parallelism sizes; under DataParallel one copy per
    replica), possibly on another device than the logits."""
    count = torch.as_tensor(num_items_in_batch, device=device)
    if count.numel() != 1:
        raise ValueError(f"num_items_in_batch must be one count of labelled turns, got shape {tuple(count.shape)}")
    return count.reshape(()).to(torch.float32)
