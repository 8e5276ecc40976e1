"""Where things live: the real corpora, and the metric / dataset-script folders.

`metrics/` and `dataset_scripts/` sit at the repository top level (they read like Hub
repos) and are copied into the wheel as `hf_emotion/_metrics` and
`hf_emotion/_dataset_scripts`; these helpers find them in both layouts.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_ENV_VAR = "HF_EMOTION_DATA"


def _resource_dir(wheel_name: str, repo_name: str) -> Path:
    installed = PACKAGE_DIR / wheel_name
    if installed.is_dir():
        return installed
    in_repo = PACKAGE_DIR.parent / repo_name
    if in_repo.is_dir():
        return in_repo
    raise FileNotFoundError(f"neither {installed} nor {in_repo} exists: is hf_emotion installed correctly?")


def metrics_dir() -> Path:
    return _resource_dir("_metrics", "metrics")


def dataset_scripts_dir() -> Path:
    return _resource_dir("_dataset_scripts", "dataset_scripts")


def metric_path(name: str) -> str:
    """Path to the `evaluate` module folder `name`, for `evaluate.load(metric_path(name))`."""
    path = metrics_dir() / name
    if not (path / f"{name}.py").is_file():
        available = sorted(p.name for p in metrics_dir().iterdir() if (p / f"{p.name}.py").is_file())
        raise ValueError(f"unknown metric {name!r}; available: {', '.join(available) or 'none'}")
    return str(path)


def data_root() -> Path | None:
    """The folder holding the real corpora: $HF_EMOTION_DATA, else ../shared/data beside the repo, else None."""
    env = os.environ.get(DATA_ENV_VAR)
    if env:
        return Path(env)
    candidate = PACKAGE_DIR.parent.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


def corpus_dir(name: str) -> Path:
    root = data_root()
    if root is None:
        raise FileNotFoundError(
            f"corpus {name!r} not found: set {DATA_ENV_VAR} to the folder that holds {name}/ "
            "(the real corpora are never shipped with the package)"
        )
    path = root / name
    if not path.is_dir():
        raise FileNotFoundError(f"corpus folder {path} does not exist ({DATA_ENV_VAR}={root})")
    return path
