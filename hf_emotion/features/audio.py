"""Fixed-size audio vectors per utterance, from waveforms (arrays) or audio files.

Two extractors, both callable on one utterance or a list of them:

- `AcousticFeatureExtractor`: a standard acoustic set in numpy, in the spirit of the openSMILE
  functionals the ERC literature uses: per 25 ms frame (10 ms hop) the log-mel energies, MFCCs and
  their deltas, log RMS energy, zero-crossing rate, spectral centroid, roll-off (85 %) and flatness;
  then the mean and standard deviation of each over the utterance. Dimension
  2 * (n_mels + 2 * n_mfcc + 5) (142 with the defaults).
- `TransformersAudioExtractor`: any Transformers audio encoder the user names (wav2vec 2.0, HuBERT,
  WavLM, ...), mean-pooled over time.

Files: PCM WAV is read with the standard library; other formats need the optional `soundfile`.
Resampling to the extractor's rate is linear interpolation (adequate for features, not for
listening).
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

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
