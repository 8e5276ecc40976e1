"""Model cards filled from what a run recorded, never typed by hand.

`render_card(folder, results=...)` reads the checkpoint's config.json (labels, thresholds),
its training_record.json (written by the trainers; `hf-emotion train` adds the data source) and
an optional benchmark results JSON, and renders a Jinja template from model_cards/ through
huggingface_hub's `ModelCard.from_template`, with `ModelCardData` as the YAML header (library,
license, datasets, metrics, and a model-index holding the measured test results). A missing
results file or metric is shown as "not measured yet"; no number is ever filled in otherwise.
The template variables and the results JSON shape are documented in model_cards/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

from .paths import _resource_dir

# Published checkpoints have their own template; everything else uses default.md.
TEMPLATES = {
    ("lem", "semeval2018_ec"): "lem-semeval18",
    ("datn", "semeval2018_ec"): "datn-semeval18",
    ("multiemo", "meld"): "multiemo-meld",
}
# The metrics a card shows (in this order) and their display names; others stay in the results JSON.
METRIC_NAMES = {
    "jaccard": "Jaccard accuracy",
    "micro_f1": "Micro F1",
    "macro_f1": "Macro F1",
    "weighted_f1": "Weighted F1",
    "example_f1": "Example-based F1",
    "accuracy": "Accuracy",
    "subset_accuracy": "Subset accuracy",
    "hamming_loss": "Hamming loss",
    "lrap": "Label ranking average precision",
    "ranking_loss": "Ranking loss",
    "one_error": "One-error",
    "coverage_error": "Coverage error",
}
MODEL_TITLES = {"lem": "LEM (Latent Emotion Memory)", "datn": "DATN (Dual Attention Transfer Network)",
                "multiemo": "MultiEMO"}
# The task a model type solves, for the model-index and the tags: (task name, task tag).
MODEL_TASKS = {"multiemo": ("Emotion recognition in conversation", "emotion-recognition-in-conversation")}
MULTILABEL_TASK = ("Multi-label emotion classification", "multi-label-classification")
NOT_MEASURED = "not measured yet"


def model_cards_dir() -> Path:
    """model_cards/ in the repository, or hf_emotion/_model_cards in an installed wheel."""
    return _resource_dir("_model_cards", "model_cards")


def template_path(name: str) -> Path:
    path = model_cards_dir() / f"{name}.md"
    if not path.is_file():
        known = sorted(p.stem for p in model_cards_dir().glob("*.md") if p.stem != "README")
        raise ValueError(f"no model card template {name!r} in {model_cards_dir()}; available: {', '.join(known)}")
    return path


def load_json(path: str | Path | None, what: str) -> dict | None:
    """A JSON object from `path`; None when there is no such file (the card then says so)."""
    if path is None or not Path(path).is_file():
        return None
    try:
        value = json.loads(Path(path).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path}: the {what} is not valid JSON ({error})") from None
    if not isinstance(value, dict):
        raise ValueError(f"{path}: the {what} must be a JSON object, got {type(value).__name__}")
    return value


def scalar_metrics(metrics: dict | None) -> dict[str, float]:
    """The headline metrics (those in METRIC_NAMES) that are plain numbers, in display order."""
    values = {k: v for k, v in (metrics or {}).items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return {k: float(values[k]) for k in METRIC_NAMES if k in values}




def fmt(value: float | None, std: float | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.4f} ± {std:.4f}" if std is not None else f"{value:.4f}"


def dataset_info(record: dict, results: dict | None) -> dict:
    """{id, name, config, split} of the evaluation data: the results file's, else the training record's."""
    source = (results or {}).get("dataset") or record.get("data") or {}
    if isinstance(source, str):
        source = {"id": source}
    dataset = {"id": source.get("id") or source.get("name"), "name": source.get("name") or source.get("id"),
               "config": source.get("config"), "split": source.get("split", "test"), "files": source.get("files")}
    dataset["name"] = dataset["name"] or "user data"
    return dataset


def results_table(results: dict | None) -> str:
    """Markdown: measured test metrics (mean ± std over seeds when given) beside the paper and the baseline."""
    results = results or {}
    measured = scalar_metrics((results.get("metrics") or {}).get("test"))
    std = (results.get("std") or {}).get("test") or {}
    paper = scalar_metrics((results.get("paper") or {}).get("metrics"))
    baseline = scalar_metrics((results.get("baseline") or {}).get("metrics"))
    keys = list(measured) + [k for k in list(paper) + list(baseline) if k not in measured]
    if not measured:
        return ""
    columns = ["metric", "this model"]
    if paper:
        columns.append(f"paper ({results['paper'].get('source', 'reported')})")
    if baseline:
        columns.append(f"baseline ({results['baseline'].get('name', 'baseline')})")
    rows = [f"| {' | '.join(columns)} |", "|" + "---|" * len(columns)]
    for key in dict.fromkeys(keys):
        cells = [METRIC_NAMES[key], fmt(measured.get(key), std.get(key)) if key in measured else NOT_MEASURED]
        if paper:
            cells.append(fmt(paper.get(key)))
        if baseline:
            cells.append(fmt(baseline.get(key)))
        rows.append(f"| {' | '.join(cells)} |")
    return "\n".join(rows)


def metrics_table(metrics: dict | None) -> str:
    values = scalar_metrics(metrics)
    return "\n".join(["| metric | value |", "|---|---|", *(f"| {METRIC_NAMES[k]} | {fmt(v)} |" for k, v in values.items())]) if values else ""


def labels_table(config: dict) -> str:
    labels = [config["id2label"][key] for key in sorted(config["id2label"], key=int)]
    thresholds = config.get("thresholds") or [0.5] * len(labels)
    return "\n".join(["| id | label | threshold |", "|---|---|---|",
                      *(f"| {i} | {name} | {t:.3f} |" for i, (name, t) in enumerate(zip(labels, thresholds)))])


def card_context(config: dict, record: dict, results: dict | None, repo_id: str) -> dict:
    """Every template variable (see model_cards/README.md)."""
    model_type = config["model_type"]
    setup = record.get("setup") or {}
    test = scalar_metrics((results or {}).get("metrics", {}).get("test"))
    return {
        "repo_id": repo_id,
        "model_type": model_type,
        "model_title": MODEL_TITLES.get(model_type, model_type),
        "language": setup.get("language", "en"),
        "labels": [config["id2label"][key] for key in sorted(config["id2label"], key=int)],
        "thresholds": config.get("thresholds"),
        "threshold_mode": config.get("threshold_mode", "default"),
        "threshold_metric": config.get("threshold_metric"),
        "labels_table": labels_table(config),
        "dataset": dataset_info(record, results),
        "measured": bool(test),
        "test_metrics": test,
        "results_table": results_table(results),
        "seeds": (results or {}).get("seeds"),
        "paper": (results or {}).get("paper"),
        "baseline": (results or {}).get("baseline"),
        "rows": (results or {}).get("rows") or {},  # a benchmark's further rows (ablations, analyses)
        "dev_metrics": scalar_metrics(record.get("dev_metrics")),
        "dev_table": metrics_table(record.get("dev_metrics")),
        "record": record,
        "setup": setup,
        "not_measured": NOT_MEASURED,
    }


def card_data(context: dict, license: str):
    """The YAML header: library, license, datasets, metrics and a model-index of the measured test results."""
    from huggingface_hub import EvalResult, ModelCardData

    dataset = context["dataset"]
    task_name, task_tag = MODEL_TASKS.get(context["model_type"], MULTILABEL_TASK)
    hub_dataset = dataset["id"] if dataset["id"] and dataset["id"] != "multilabel_file" else None
    evals = [
        EvalResult(
            task_type="text-classification",
            task_name=task_name,
            dataset_type=hub_dataset or "custom",
            dataset_name=dataset["name"],
            dataset_config=dataset["config"],
            dataset_split=dataset["split"],
            metric_type=key,
            metric_name=METRIC_NAMES[key],
            metric_value=round(value, 4),
        )
        for key, value in context["test_metrics"].items()
    ]
    return ModelCardData(
        model_name=context["repo_id"],
        library_name="transformers",
        license=license,
        language=context["language"],
        datasets=[hub_dataset] if hub_dataset else None,
        metrics=list(context["test_metrics"]) or None,
        pipeline_tag="text-classification",
        tags=["hf-emotion", context["model_type"], "emotion-recognition", task_tag],
        eval_results=evals or None,
    )


def render_card(folder: str | Path, *, results: str | Path | dict | None = None, repo_id: str | None = None,
                template: str | None = None, license: str = "apache-2.0"):
    """The `huggingface_hub.ModelCard` of the checkpoint in `folder` (config.json + training_record.json)."""
    from huggingface_hub import ModelCard

    folder = Path(folder)
    config = load_json(folder / "config.json", "model config")
    if config is None:
        raise FileNotFoundError(f"{folder} has no config.json: a card is rendered for a checkpoint folder")
    record = load_json(folder / "training_record.json", "training record") or {}
    if not isinstance(results, dict):
        results = load_json(results, "results file")
    context = card_context(config, record, results, repo_id or folder.name)
    name = template or TEMPLATES.get((config["model_type"], context["dataset"]["id"]), "default")
    if template is None and not (model_cards_dir() / f"{name}.md").is_file():
        name = "default"  # a published model whose template is not written yet
    return ModelCard.from_template(
        card_data(context, (results or {}).get("license", license)),
        template_str=template_path(name).read_text(),
        **context,
    )
