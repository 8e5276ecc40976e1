"""Hub-ready checkpoints: `export` writes a folder that *is* a Hub model repo, `push` uploads one.

An exported folder holds the safetensors weights, the tokenizer, a config.json whose `auto_map`
names every Auto class the model registers and whose `custom_pipelines` names its pipeline,
the model's configuration/modeling files and the pipeline file (so it loads with
`trust_remote_code=True` where hf_emotion is not installed), its training record, and a
README.md model card rendered from the recorded metrics.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from .registry import PIPELINES, auto_map_for, model_entry

WEIGHTS = ("model.safetensors", "model.safetensors.index.json")
RECORD = "training_record.json"
SKIPPED_PARTS = {"checkpoints", "__pycache__"}  # Trainer checkpoints and bytecode never go to the Hub
NOT_SELF_CONTAINED = re.compile(r"^\s*(?:from|import)\s+(?:hf_emotion\b|\.\.)", re.MULTILINE)


class CheckpointError(ValueError):
    """A folder that cannot serve as a model checkpoint; the message says what is wrong and what to do."""


def read_config(folder: str | Path) -> dict:
    """config.json of a checkpoint folder, after checking that the folder looks like one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(f"{folder}: no such folder; give the folder `hf-emotion train` or save_pretrained wrote")
    path = folder / "config.json"
    if not path.is_file():
        raise CheckpointError(
            f"{folder} is not a model checkpoint: it has no config.json; give the folder `hf-emotion train` or "
            "save_pretrained wrote"
        )
    try:
        config = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{path} is not valid JSON ({error}); restore it from the original checkpoint") from None
    if "model_type" not in config:
        raise CheckpointError(f"{path} has no model_type; it was not written by a Transformers model")
    model_entry(config["model_type"])  # an unknown type is named with the known ones
    if not any((folder / name).is_file() for name in WEIGHTS):
        raise CheckpointError(f"{folder} has no model.safetensors: the weights are missing; copy them next to config.json")
    return config


def check_weights(folder: Path) -> None:
    """Open every safetensors file, so a truncated download is named before Transformers trips over it."""
    from safetensors import SafetensorError, safe_open

    for path in sorted(folder.glob("*.safetensors")):
        try:
            with safe_open(str(path), framework="pt") as weights:
                weights.keys()
        except (SafetensorError, OSError) as error:
            raise CheckpointError(
                f"{path} is truncated or corrupt ({error}); copy or download the checkpoint again"
            ) from None


def head_class(model_type: str) -> str:
    """The task Auto class of a model type (the one that is not the bare AutoModel)."""
    return next(name for name in model_entry(model_type).auto_classes if name != "AutoModel")


def load_checkpoint(folder: str | Path):
    """(model with its task head, in eval mode; tokenizer, None for models without text input) from a
    checkpoint folder, every failure turned into one clear CheckpointError."""
    import transformers
    from transformers import AutoTokenizer

    folder = Path(folder)
    auto_class = head_class(read_config(folder)["model_type"])
    check_weights(folder)
    verbosity = transformers.logging.get_verbosity()
    transformers.logging.set_verbosity_error()  # the load report table would bury our one-line message
    try:
        model, info = getattr(transformers, auto_class).from_pretrained(
            folder, output_loading_info=True, ignore_mismatched_sizes=True
        )
    except ValueError as error:  # e.g. a config whose thresholds do not match its labels
        raise CheckpointError(f"{folder}/config.json: {error}") from None
    finally:
        transformers.logging.set_verbosity(verbosity)
    if info.get("mismatched_keys") or info.get("missing_keys"):
        bad = sorted(info.get("mismatched_keys") or info.get("missing_keys"))
        names = list(model.config.id2label.values())
        raise CheckpointError(
            f"{folder}: the weights do not fit config.json ({len(bad)} tensors, e.g. {bad[0]}); the config lists "
            f"{len(names)} labels {names} — restore the config.json saved with these weights"
        )
    tokenizer = None
    if any(p.input_type == "text" for p in pipeline_entries(model.config.model_type)):  # MultiEMO reads features
        try:
            tokenizer = AutoTokenizer.from_pretrained(folder)
        except (OSError, ValueError) as error:
            raise CheckpointError(f"{folder} has no usable tokenizer ({error}); copy tokenizer.json next to config.json") from None
    return model.eval(), tokenizer


def pipeline_entries(model_type: str):
    """The registered pipelines that accept this model type (by the Auto classes it registers)."""
    auto_classes = model_entry(model_type).auto_classes
    return [p for p in PIPELINES if p.auto_class in auto_classes]


def code_files(model_type: str) -> list[Path]:
    """The source files an exported checkpoint carries: configuration, modeling, pipelines."""
    import importlib

    entry = model_entry(model_type)
    package = Path(importlib.import_module(entry.package).__file__).parent
    files = [package / f"configuration_{entry.short}.py", package / f"modeling_{entry.short}.py"]
    files += [Path(importlib.import_module(p.module).__file__) for p in pipeline_entries(model_type)]
    for path in files:
        if NOT_SELF_CONTAINED.search(path.read_text()):
            raise ValueError(f"{path} imports from hf_emotion, so it cannot run as remote code; make it self-contained")
    return files


def export(
    model_dir: str | Path,
    output_dir: str | Path,
    *,
    results: str | Path | None = None,
    repo_id: str | None = None,
    template: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write `model_dir` as a Hub model repo into `output_dir`; returns `output_dir`.

    `results`: a benchmark results JSON for the card (see model_cards/README.md); `repo_id`: the
    name the card's usage snippet shows; `template`: a card template name in model_cards/.
    """
    from .cards import render_card

    model, tokenizer = load_checkpoint(model_dir)
    model_type = model.config.model_type
    output_dir = Path(output_dir)
    if output_dir.exists() and any(output_dir.iterdir()) and not overwrite:
        raise FileExistsError(f"{output_dir} is not empty; choose a new folder or pass overwrite=True (--overwrite)")
    files = code_files(model_type)
    if output_dir.exists():
        shutil.rmtree(output_dir)
    output_dir.mkdir(parents=True)

    model.config.auto_map = auto_map_for(model_type)
    model.config.custom_pipelines = {
        p.task: {"impl": f"{p.module.rsplit('.', 1)[-1]}.{p.class_name}", "pt": [p.auto_class], "type": p.input_type}
        for p in pipeline_entries(model_type)
    }
    model.save_pretrained(output_dir)
    if tokenizer is not None:
        tokenizer.save_pretrained(output_dir)
    for path in files:
        shutil.copy(path, output_dir / path.name)
    record = Path(model_dir) / RECORD
    if record.is_file():
        shutil.copy(record, output_dir / RECORD)
    card = render_card(output_dir, results=results, repo_id=repo_id or output_dir.name, template=template)
    card.save(output_dir / "README.md")
    return output_dir


def upload_files(folder: str | Path) -> list[str]:
    """The files `push` uploads (paths relative to `folder`): everything but hidden files, bytecode
    and Trainer checkpoints. Refuses a folder that is not an export."""
    folder = Path(folder)
    config = read_config(folder)
    missing = [name for name in ("README.md",) if not (folder / name).is_file()]
    if "auto_map" not in config or missing:
        raise CheckpointError(f"{folder} is not an exported checkpoint (no auto_map or README.md); run `hf-emotion export` first")
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file()
        and not any(part.startswith(".") or part in SKIPPED_PARTS for part in path.relative_to(folder).parts)
    )


def push(folder: str | Path, repo_id: str, private: bool = False, token: str | None = None,
         commit_message: str | None = None):
    """Create `repo_id` if needed and upload the exported `folder` to it; returns the commit info.

    The token comes from `token`, else huggingface_hub's usual places ($HF_TOKEN, `hf auth login`).
    """
    from huggingface_hub import HfApi

    files = upload_files(folder)
    api = HfApi(token=token)
    api.create_repo(repo_id, private=private, exist_ok=True)
    return api.upload_folder(
        repo_id=repo_id,
        folder_path=str(folder),
        allow_patterns=files,
        commit_message=commit_message or f"Upload {Path(folder).name} with hf-emotion",
    )
