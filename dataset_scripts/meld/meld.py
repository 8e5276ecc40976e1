"""MELD: emotion recognition in multi-party conversations from *Friends* (text annotations).

Dialogue-level examples (the unit MultiEMO trains on) by default, one utterance per
example in the `utterances` config. Dialogue_ID restarts at 0 in each split, so
(split, dialogue_id) is the dialogue key and (split, dialogue_id, utterance_id) the
utterance key; a repeated key is an error, never a silent merge.
"""

from __future__ import annotations

import datasets

from hf_emotion.data.cards import card_info
from hf_emotion.data.readers import DataFormatError, parse_choice, parse_int, read_with_header, require_files

CORPUS_FOLDER = "meld"

# The class order of the ERC literature (COSMIC, MultiEMO), so per-class tables line up.
EMOTIONS = ("neutral", "surprise", "fear", "sadness", "joy", "disgust", "anger")
SENTIMENTS = ("negative", "neutral", "positive")
HEADER = (
    "Sr No.", "Utterance", "Speaker", "Emotion", "Sentiment", "Dialogue_ID",
    "Utterance_ID", "Season", "Episode", "StartTime", "EndTime",
)  # fmt: skip
FILES = {"train": "train_sent_emo.csv", "validation": "dev_sent_emo.csv", "test": "test_sent_emo.csv"}
# Per-utterance fields shared by both configs (dialogue-level examples hold lists of them).
UTTERANCE_FEATURES = {
    "utterance_id": datasets.Value("int32"),
    "text": datasets.Value("string"),
    "speaker": datasets.Value("string"),
    "emotion": datasets.ClassLabel(names=list(EMOTIONS)),
    "sentiment": datasets.ClassLabel(names=list(SENTIMENTS)),
    "start_time": datasets.Value("string"),
    "end_time": datasets.Value("string"),
}
# Dialogue-level column name for each per-utterance field.
PLURAL = {
    "utterance_id": "utterance_ids", "text": "utterances", "speaker": "speakers", "emotion": "emotions",
    "sentiment": "sentiments", "start_time": "start_times", "end_time": "end_times",
}  # fmt: skip


class Meld(datasets.GeneratorBasedBuilder):
    BUILDER_CONFIGS = [
        datasets.BuilderConfig(name="dialogues", description="one example per dialogue, utterances in order"),
        datasets.BuilderConfig(name="utterances", description="one example per utterance"),
    ]
    DEFAULT_CONFIG_NAME = "dialogues"

    def _info(self) -> datasets.DatasetInfo:
        scene = {"dialogue_id": datasets.Value("int32"), "season": datasets.Value("int32"), "episode": datasets.Value("int32")}
        if self.config.name == "utterances":
            features = {**scene, **UTTERANCE_FEATURES}
        else:
            features = {**scene, **{PLURAL[k]: datasets.List(v) for k, v in UTTERANCE_FEATURES.items()}}
        return card_info(__file__, datasets.Features(features))

    def _split_generators(self, dl_manager):
        files = require_files(self.config.data_dir, list(FILES.values()), f"meld/{self.config.name}")
        return [datasets.SplitGenerator(name=split, gen_kwargs={"path": files[f]}) for split, f in FILES.items()]

    def _generate_examples(self, path):
        dialogues = read_dialogues(path)
        if self.config.name == "utterances":
            for dialogue_id, (scene, utterances) in dialogues.items():
                for utterance in utterances:
                    yield f"{dialogue_id}_{utterance['utterance_id']}", {"dialogue_id": dialogue_id, **scene, **utterance}
        else:
            for dialogue_id, (scene, utterances) in dialogues.items():
                lists = {PLURAL[k]: [u[k] for u in utterances] for k in UTTERANCE_FEATURES}
                yield dialogue_id, {"dialogue_id": dialogue_id, **scene, **lists}


def read_dialogues(path) -> dict[int, tuple[dict, list[dict]]]:
    """Dialogue id -> ({season, episode}, utterances sorted by utterance id), in file order.

    Utterance ids may have gaps (72 train dialogues lack some); they are kept as given.
    """
    dialogues: dict[int, tuple[dict, list[dict]]] = {}
    seen: dict[tuple[int, int], int] = {}
    for line, (_, text, speaker, emotion, sentiment, dia, utt, season, episode, start, end) in read_with_header(
        path, HEADER, delimiter=",", quoted=True
    ):
        dialogue_id, utterance_id = parse_int(dia, path, line, "Dialogue_ID"), parse_int(utt, path, line, "Utterance_ID")
        if (dialogue_id, utterance_id) in seen:
            raise DataFormatError(
                path, line, f"Dialogue_ID {dialogue_id}, Utterance_ID {utterance_id} repeats line {seen[dialogue_id, utterance_id]}"
            )
        seen[dialogue_id, utterance_id] = line
        scene = {"season": parse_int(season, path, line, "Season"), "episode": parse_int(episode, path, line, "Episode")}
        known_scene, utterances = dialogues.setdefault(dialogue_id, (scene, []))
        if scene != known_scene:
            raise DataFormatError(path, line, f"dialogue {dialogue_id} changes season/episode from {known_scene} to {scene}")
        utterances.append(
            {
                "utterance_id": utterance_id,
                "text": text,
                "speaker": speaker,
                "emotion": parse_choice(emotion, EMOTIONS, path, line, "Emotion"),
                "sentiment": parse_choice(sentiment, SENTIMENTS, path, line, "Sentiment"),
                "start_time": start,
                "end_time": end,
            }
        )
    for _, utterances in dialogues.values():
        utterances.sort(key=lambda u: u["utterance_id"])
    return dialogues
