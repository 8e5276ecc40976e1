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

# The extractors live in the pipeline module so exported checkpoints carry them as remote code.
from ..pipelines.conversation import (
    AcousticFeatureExtractor,
    TransformersAudioExtractor,
    audio_extractor_from_settings,
    load_waveform,
)

__all__ = ["AcousticFeatureExtractor", "TransformersAudioExtractor", "audio_extractor_from_settings", "load_waveform"]
