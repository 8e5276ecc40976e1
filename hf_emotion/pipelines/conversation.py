"""The `emotion-conversation` pipeline: a dialogue in, one emotion per turn out (MultiEMO).

    clf = pipeline("emotion-conversation", model="org/multiemo-meld")
    clf([{"speaker": "Ross", "text": "We were on a break!"},
         {"speaker": "Rachel", "text": "Oh my God."}])
    # [{'turn': 0, 'speaker': 'Ross', 'label': 'anger', 'score': 0.61, 'scores': {...}}, ...]

A turn is a dict with `speaker` and, per modality the model uses, either raw input (`text`;
`audio`: a file path, a waveform array or a datasets Audio dict, with optional `sampling_rate`;
`frames` or `faces` for VisExtNet) or a ready feature vector (`text_features`, `audio_features`,
`visual_features`), which is used as-is. Text features are computed with the extractor the
checkpoint records in `config.feature_extractors`; the audio extractor likewise; the visual
extractor must be passed (`visual_extractor=VisExtNet(...)`) since its weights are the user's.
Speakers are indexed per dialogue, so any names work. Keys for modalities the model does not use
are ignored; unknown keys are an error.
"""

from __future__ import annotations

import numpy as np
import torch
from transformers import Pipeline

from ..training.conversation import speaker_indices

RAW_KEYS = {"text": ("text",), "audio": ("audio",), "visual": ("frames", "faces")}
KNOWN_KEYS = {"speaker", "sampling_rate", "text_features", "audio_features", "visual_features"} | {
    k for keys in RAW_KEYS.values() for k in keys
}


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
        """One dialogue (a list of turn dicts) -> a list of per-turn predictions; a list of dialogues -> a list of those."""
        if isinstance(inputs, (list, tuple)) and not inputs:
            raise ValueError("emotion-conversation: the dialogue has no turns")
        if isinstance(inputs, list) and all(isinstance(d, (list, tuple)) for d in inputs):
            return super().__call__([tuple(d) for d in inputs], **kwargs)
        if isinstance(inputs, (list, tuple)):
            return super().__call__(tuple(inputs), **kwargs)
        raise ValueError(f"emotion-conversation expects a dialogue (a list of turn dicts), got {type(inputs).__name__}")

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
                from ..features.text import TextFeatureExtractor

                self.extractors["text"] = TextFeatureExtractor.from_settings(settings, device=str(self.device))
            else:
                from ..features.audio import audio_extractor_from_settings

                self.extractors["audio"] = audio_extractor_from_settings(settings)
        return self.extractors[modality]

    def _check_turns(self, dialogue) -> None:
        if not dialogue:
            raise ValueError("emotion-conversation: the dialogue has no turns")
        for i, turn in enumerate(dialogue):
            if not isinstance(turn, dict):
                raise ValueError(f"turn {i}: expected a dict with 'speaker' and inputs, got {type(turn).__name__}")
            unknown = sorted(set(turn) - KNOWN_KEYS)
            if unknown:
                raise ValueError(f"turn {i}: unknown keys {unknown}; known keys are {sorted(KNOWN_KEYS)}")
            if turn.get("speaker") is None:
                raise ValueError(f"turn {i}: missing 'speaker'")

    def _modality_features(self, modality: str, dialogue) -> np.ndarray | None:
        """(turns, dim) features of one modality; None when no turn has it and the config allows zeros."""
        config = self.model.config
        dim = config.input_dims[modality]
        vectors: list = [None] * len(dialogue)
        missing = []
        for i, turn in enumerate(dialogue):
            if turn.get(f"{modality}_features") is not None:
                vector = np.asarray(turn[f"{modality}_features"], dtype=np.float32).reshape(-1)
                if vector.shape[0] != dim:
                    raise ValueError(f"turn {i}: {modality}_features has dimension {vector.shape[0]} but the model expects {dim}")
                vectors[i] = vector
            elif not any(turn.get(k) is not None for k in RAW_KEYS[modality]):
                missing.append(i)
        if missing and config.missing_modality != "zeros":
            raise ValueError(
                f"turn {missing[0]}: no {modality} input ({' or '.join(RAW_KEYS[modality])} or {modality}_features), "
                f"but the model uses modalities {config.modalities}; give it, or use a model with missing_modality='zeros'"
            )
        if len(missing) == len(dialogue):
            return None
        todo = [i for i, v in enumerate(vectors) if v is None and i not in missing]
        if todo:
            computed = self._extract(modality, dialogue, todo)
            for i, vector in zip(todo, computed):
                if vector.shape[0] != dim:
                    raise ValueError(
                        f"turn {i}: the {modality} extractor gives dimension {vector.shape[0]} but the model expects {dim}"
                    )
                vectors[i] = vector
        return np.stack([np.zeros(dim, np.float32) if v is None else v for v in vectors])

    def _extract(self, modality: str, dialogue, turns: list[int]) -> list[np.ndarray]:
        extractor = self.extractor(modality)
        if modality == "text":
            texts = [str(t.get("text") or "") for t in dialogue]
            contexts = extractor.dialogue_contexts(texts, [str(t["speaker"]) for t in dialogue])
            return list(extractor.encode([texts[i] for i in turns], [contexts[i] for i in turns] if contexts else None))
        if modality == "audio":
            return [extractor(dialogue[i]["audio"], dialogue[i].get("sampling_rate")) for i in turns]
        return [extractor(frames=dialogue[i].get("frames"), faces=dialogue[i].get("faces")) for i in turns]

    def preprocess(self, dialogue):
        dialogue = list(dialogue)
        self._check_turns(dialogue)
        inputs = {}
        for modality in self.model.config.modalities:
            features = self._modality_features(modality, dialogue)
            if features is not None:
                inputs[f"{modality}_features"] = torch.from_numpy(features)[None]
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
