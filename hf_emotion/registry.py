"""One table says which models and pipelines hf_emotion provides; everything else reads it.

Adding a model is one `ModelEntry`: `register_all()` hooks it into AutoConfig and the
AutoModel* classes, and `auto_map_for()` writes the matching `auto_map` into exported
configs so the same checkpoint loads with `trust_remote_code=True` on a machine without
hf_emotion. A `PipelineEntry` registers a pipeline task; its `default_model` (a checkpoint
folder inside the package) is what `pipeline(task)` loads, offline, when given no model.
Registration is idempotent (importing hf_emotion twice is harmless).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from .paths import PACKAGE_DIR


@dataclass(frozen=True)
class ModelEntry:
    model_type: str
    package: str  # e.g. "hf_emotion.models.lem"; holds configuration_<x>.py and modeling_<x>.py
    config_class: str
    auto_classes: dict[str, str] = field(default_factory=dict)  # "AutoModel" -> class name

    @property
    def short(self) -> str:
        return self.package.rsplit(".", 1)[-1]

    def load_config_class(self):
        return getattr(importlib.import_module(f"{self.package}.configuration_{self.short}"), self.config_class)

    def load_model_class(self, name: str):
        return getattr(importlib.import_module(f"{self.package}.modeling_{self.short}"), name)


@dataclass(frozen=True)
class PipelineEntry:
    task: str
    module: str
    class_name: str
    auto_class: str  # name of the transformers Auto class whose models the pipeline accepts
    input_type: str = "text"
    default_model: str | None = None  # checkpoint folder relative to the package, for pipeline(task) without a model

    def default(self) -> dict | None:
        """The `default` PIPELINE_REGISTRY takes: (local folder, revision None), so no Hub lookup happens."""
        return {"model": (str(PACKAGE_DIR / self.default_model), None)} if self.default_model else None


MODELS: tuple[ModelEntry, ...] = (
    ModelEntry(
        "lem",
        "hf_emotion.models.lem",
        "LemConfig",
        {"AutoModel": "LemModel", "AutoModelForSequenceClassification": "LemForSequenceClassification"},
    ),
    ModelEntry("datn", "hf_emotion.models.datn", "DatnConfig", {"AutoModel": "DatnModel", "AutoModelForSequenceClassification": "DatnForSequenceClassification"}),
    ModelEntry("multiemo", "hf_emotion.models.multiemo", "MultiEmoConfig", {"AutoModel": "MultiEmoModel", "AutoModelForTokenClassification": "MultiEmoForConversationClassification"}),
)

PIPELINES: tuple[PipelineEntry, ...] = (
    PipelineEntry(
        "emotion-multilabel",
        "hf_emotion.pipelines.multilabel",
        "MultiLabelEmotionPipeline",
        "AutoModelForSequenceClassification",
        default_model="checkpoints/lem-semeval18",
    ),
    PipelineEntry("emotion-conversation", "hf_emotion.pipelines.conversation", "ConversationEmotionPipeline", "AutoModelForTokenClassification", "multimodal"),
)


def model_entry(model_type: str) -> ModelEntry:
    for entry in MODELS:
        if entry.model_type == model_type:
            return entry
    known = ", ".join(e.model_type for e in MODELS) or "none"
    raise ValueError(f"unknown model type {model_type!r}; hf_emotion provides: {known}")


def auto_map_for(model_type: str) -> dict[str, str]:
    """The `auto_map` an exported config needs for remote-code loading of every Auto class we register."""
    entry = model_entry(model_type)
    auto_map = {"AutoConfig": f"configuration_{entry.short}.{entry.config_class}"}
    for auto_name, class_name in entry.auto_classes.items():
        auto_map[auto_name] = f"modeling_{entry.short}.{class_name}"
    return auto_map


class InstalledPipelines:
    """`config.custom_pipelines` on the installed config classes, without the tasks registered here.

    Exported checkpoints name their pipeline code in config.json (`custom_pipelines`) for machines
    without hf_emotion; transformers would then ask for `trust_remote_code=True` even where
    hf_emotion is installed and serves the task itself. The stored value stays in `__dict__`, so
    a saved config keeps it whole.
    """

    def __get__(self, config, owner=None):
        if config is None:
            return self
        stored = config.__dict__.get("custom_pipelines") or {}
        local = {p.task for p in PIPELINES}
        return {task: info for task, info in stored.items() if task not in local}

    def __set__(self, config, value):
        config.__dict__["custom_pipelines"] = value


def register_all() -> None:
    import transformers
    from transformers import AutoConfig

    for entry in MODELS:
        config_class = entry.load_config_class()
        config_class.custom_pipelines = InstalledPipelines()
        AutoConfig.register(entry.model_type, config_class, exist_ok=True)
        for auto_name, class_name in entry.auto_classes.items():
            getattr(transformers, auto_name).register(config_class, entry.load_model_class(class_name), exist_ok=True)

    if PIPELINES:
        from transformers.pipelines import PIPELINE_REGISTRY

        for p in PIPELINES:
            PIPELINE_REGISTRY.register_pipeline(
                p.task,
                pipeline_class=getattr(importlib.import_module(p.module), p.class_name),
                pt_model=getattr(transformers, p.auto_class),
                default=p.default(),
                type=p.input_type,
            )
