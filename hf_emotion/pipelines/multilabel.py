"""The `emotion-multilabel` pipeline: texts in, the emotions each one expresses (with scores) out.

    clf = pipeline("emotion-multilabel")                  # the embedded LEM checkpoint, offline
    clf("Looks good but I'm growing weary of this gaming style.")
    # [{'label': 'anticipation', 'score': 0.81}, {'label': 'pessimism', 'score': 0.66}]
    clf(["text one", "text two"], batch_size=32)          # one list per text
    clf(KeyDataset(dataset, "text"))                      # a generator: streams, bounded memory

Per text the pipeline returns the predicted labels as `{"label", "score"}` dicts, highest score
first. The decision rule is the checkpoint's (`config.thresholds`, one per label, tuned on dev);
`threshold=` (a float or one per label) replaces it for a call; `top_k=` alone gives the k best
labels whatever their scores, and with `threshold=` caps how many of the labels above it are
returned; `return_all_scores=True` lists every label. Scores are the model output's `scores` (the
probabilities its thresholds act on), never a sigmoid of the logits, so the pipeline, the
command line and the metrics agree for every hf_emotion model.

Texts longer than `max_length` tokens are cut: by default the tokenizer's `model_max_length`
(the length the model was trained with; 64 for the default LEM checkpoint), or 512 when the
tokenizer sets none. A Chinese tokenizer (`"language": "zh"` in tokenizer_config.json) expects
words separated by spaces, so its texts are segmented with jieba first.

This file imports only torch, numpy and transformers (jieba lazily): `hf-emotion export` copies
it into every checkpoint, where it runs with `trust_remote_code=True` without hf_emotion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import GeneratorType

import numpy as np
from torch.utils.data import Dataset as TorchDataset
from transformers import Pipeline

FALLBACK_MAX_LENGTH = 512  # when the tokenizer has no real model_max_length
# Han ideographs: CJK unified (+ extension A), compatibility ideographs, supplementary planes.
HAN_RUN = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")


def segment_han_runs(text: str) -> str:
    """Space-separated words, jieba applied only to Han runs (URLs and @users stay whole), as the
    Chinese tokenizers were built."""
    try:
        import jieba
    except ImportError as error:
        raise ImportError("this checkpoint has a Chinese tokenizer, which needs jieba: pip install jieba") from error
    pieces = HAN_RUN.split(text)
    words = []
    for index, piece in enumerate(pieces):  # split() with a group puts the Han runs at odd indices
        words.extend(jieba.lcut(piece) if index % 2 else [piece])
    return " ".join(" ".join(words).split())


def check_text(text, where: str) -> str:
    """A text the tokenizer can take, else an error naming `where` it came from: a str without lone
    surrogates (what a file decoded with errors="surrogateescape" leaves, and no tokenizer encodes)."""
    if not isinstance(text, str):
        raise TypeError(f"emotion-multilabel expects a string (or a list of strings): {where} is {type(text).__name__}")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(
            f"emotion-multilabel: {where} holds the lone surrogate {text[error.start]!r} at character {error.start}, "
            "which is not Unicode text; decode its source with errors='replace'"
        ) from None
    return text


class MultiLabelEmotionPipeline(Pipeline):
    _load_tokenizer = True
    _load_processor = False
    _load_image_processor = False
    _load_feature_extractor = False
    _load_video_processor = False

    def _sanitize_parameters(self, threshold=None, top_k=None, return_all_scores=None, max_length=None, **unknown):
        if unknown:
            raise TypeError(
                f"emotion-multilabel got unknown argument(s) {sorted(unknown)}; "
                "it takes threshold=, top_k=, return_all_scores=, max_length=, batch_size="
            )
        num_labels = self.model.config.num_labels
        postprocess = {}
        if threshold is not None:
            refusal = ValueError(
                f"emotion-multilabel: threshold must be a float or {num_labels} floats (one per label), got {threshold!r}"
            )
            try:
                cut = np.asarray(threshold, dtype=np.float64).reshape(-1)
            except (TypeError, ValueError):  # not numbers at all
                raise refusal from None
            if cut.size not in (1, num_labels) or not np.all(np.isfinite(cut)):
                raise refusal
            postprocess["threshold"] = cut
        if top_k is not None:
            if isinstance(top_k, bool) or not isinstance(top_k, (int, np.integer)) or not 1 <= top_k <= num_labels:
                raise ValueError(f"emotion-multilabel: top_k must be an integer from 1 to {num_labels}, got {top_k!r}")
            postprocess["top_k"] = int(top_k)
        if return_all_scores is not None:
            postprocess["return_all_scores"] = bool(return_all_scores)
        preprocess = {}
        if max_length is not None:
            if isinstance(max_length, bool) or not isinstance(max_length, (int, np.integer)) or max_length < 1:
                raise ValueError(f"emotion-multilabel: max_length must be a positive integer, got {max_length!r}")
            preprocess["max_length"] = int(max_length)
        return preprocess, {}, postprocess

    def __call__(self, inputs, **kwargs):
        """One text -> its labels; a list, a tuple or any other sequence of texts, such as a `datasets`
        column (`ds["text"]`) -> one answer per text ([] for none). Every item of a sequence is checked
        first, so a bad one is named by its index. Torch datasets (KeyDataset), generators and other
        iterators stream through the base class, checked one text at a time."""
        if isinstance(inputs, str):
            check_text(inputs, "the text")
        elif isinstance(inputs, Iterator):  # the base class streams generators only
            inputs = inputs if isinstance(inputs, GeneratorType) else (text for text in inputs)
        elif not isinstance(inputs, TorchDataset):
            if isinstance(inputs, (bytes, bytearray, dict)) or not (hasattr(inputs, "__len__") and hasattr(inputs, "__getitem__")):
                raise TypeError(f"emotion-multilabel expects a string (or a list of strings), got {type(inputs).__name__}")
            inputs = [check_text(text, f"inputs[{index}]") for index, text in enumerate(inputs)]
            if not inputs:
                # bad arguments are refused even for no text (the base class takes batch_size/num_workers itself)
                self._sanitize_parameters(**{k: v for k, v in kwargs.items() if k not in ("batch_size", "num_workers")})
                return []
        return super().__call__(inputs, **kwargs)

    def default_max_length(self) -> int:
        limit = getattr(self.tokenizer, "model_max_length", None)
        return limit if isinstance(limit, int) and 0 < limit < 1_000_000 else FALLBACK_MAX_LENGTH

    def preprocess(self, text, max_length=None):
        check_text(text, "a streamed text")  # lists were checked in __call__, where the index is known
        if self.tokenizer.init_kwargs.get("language") == "zh":
            text = segment_han_runs(text)
        return self.tokenizer(
            text,
            truncation=True,
            max_length=max_length or self.default_max_length(),
            return_token_type_ids=False,
            return_tensors="pt",
        )

    def _forward(self, model_inputs):
        scores = getattr(self.model(**model_inputs), "scores", None)
        if scores is None:
            raise ValueError(
                f"{type(self.model).__name__} returns no `scores`: emotion-multilabel needs a model whose output "
                "carries the per-label probabilities its config.thresholds act on (LEM, DATN)"
            )
        return {"scores": scores}

    def postprocess(self, model_outputs, threshold=None, top_k=None, return_all_scores=False):
        scores = model_outputs["scores"][0].float().cpu().numpy()
        config = self.model.config
        order = np.argsort(-scores, kind="stable")  # highest first; ties keep label order
        if return_all_scores:
            chosen = order
        elif top_k is not None and threshold is None:
            chosen = order[:top_k]
        else:
            cut = threshold if threshold is not None else np.asarray(getattr(config, "thresholds", None) or 0.5)
            chosen = [i for i in order if scores[i] >= np.broadcast_to(cut, scores.shape)[i]][:top_k]
        return [{"label": config.id2label[int(i)], "score": float(scores[i])} for i in chosen]
