"""Drive the builder classes in dataset_scripts/ (datasets 5 no longer runs loading scripts).

Each `dataset_scripts/<name>/<name>.py` defines one `GeneratorBasedBuilder` subclass and
`CORPUS_FOLDER`, the folder name of the real corpus under `hf_emotion.paths.data_root()`
(None for corpora the user always points at). `load_dataset` imports the module from its
file, builds the Arrow cache and returns the `DatasetDict`.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from collections.abc import Iterable
from pathlib import Path
from types import ModuleType
from typing import Any

import datasets

from ..paths import corpus_dir, dataset_scripts_dir

_MODULE_PREFIX = "hf_emotion._builders."


def list_datasets() -> list[str]:
    """Names of the corpora hf_emotion can load."""
    root = dataset_scripts_dir()
    return sorted(p.name for p in root.iterdir() if (p / f"{p.name}.py").is_file())


def load_builder_module(name: str) -> ModuleType:
    """Import `dataset_scripts/<name>/<name>.py` once (registered in sys.modules, so it pickles)."""
    module_name = _MODULE_PREFIX + name
    if module_name in sys.modules:
        return sys.modules[module_name]
    path = dataset_scripts_dir() / name / f"{name}.py"
    if not path.is_file():
        raise ValueError(f"unknown dataset {name!r}; hf_emotion provides: {', '.join(list_datasets())}")
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def builder_class(name: str) -> type[datasets.GeneratorBasedBuilder]:
    module = load_builder_module(name)
    found = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, datasets.GeneratorBasedBuilder) and obj.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise TypeError(f"{module.__file__} must define exactly one GeneratorBasedBuilder, found {len(found)}")
    return found[0]


def _fingerprint(module: ModuleType, data_dir: Path | None, extra_paths: Iterable[Path]) -> str:
    """Cache key over the builder's code and the data files' names, sizes and mtimes,
    so an edited corpus or builder never serves a stale Arrow cache."""
    digest = hashlib.sha256()
    for source in [Path(module.__file__), *sorted(Path(__file__).parent.glob("*.py"))]:
        digest.update(source.read_bytes())
    files = sorted(p for p in data_dir.rglob("*") if p.is_file()) if data_dir and data_dir.is_dir() else []
    for path in [*files, *extra_paths]:
        if path.is_file():
            stat = path.stat()
            digest.update(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def _paths_in(value: Any) -> Iterable[Path]:
    """Local file paths named in a builder kwarg such as `data_files` (str, list or dict)."""
    if isinstance(value, (str, Path)):
        yield Path(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _paths_in(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _paths_in(item)


def make_builder(
    name: str,
    data_dir: str | Path | None = None,
    config_name: str | None = None,
    cache_dir: str | Path | None = None,
    **builder_kwargs: Any,
) -> datasets.GeneratorBasedBuilder:
    """The configured builder for `name`; `data_dir` defaults to the real corpus folder when there is one."""
    module = load_builder_module(name)
    folder = getattr(module, "CORPUS_FOLDER", None)
    if data_dir is None and folder is not None:
        data_dir = corpus_dir(folder)
    data_path = Path(data_dir).resolve() if data_dir is not None else None
    extra = [(data_path or Path()).joinpath(p).resolve() for p in _paths_in(builder_kwargs.get("data_files"))]
    return builder_class(name)(
        data_dir=str(data_path) if data_path else None,
        base_path=str(data_path) if data_path else None,  # relative data_files resolve against data_dir
        config_name=config_name,
        cache_dir=str(cache_dir) if cache_dir is not None else None,
        hash=_fingerprint(module, data_path, extra),
        **builder_kwargs,
    )


def load_dataset(
    name: str,
    data_dir: str | Path | None = None,
    config_name: str | None = None,
    cache_dir: str | Path | None = None,
    **builder_kwargs: Any,
) -> datasets.DatasetDict:
    """Load corpus `name` (see `list_datasets()`) as a `DatasetDict`, prepared once into an Arrow cache.

    `data_dir` defaults to the real corpus under $HF_EMOTION_DATA (or ../shared/data);
    `builder_kwargs` set fields of the builder's config (e.g. `data_files=` and
    `label_names=` for `multilabel_file`). Format errors surface as the builder raised
    them (`DataFormatError`, a `ValueError` naming file and line), not wrapped.
    """
    builder = make_builder(name, data_dir, config_name, cache_dir, **builder_kwargs)
    try:
        builder.download_and_prepare()
    except datasets.exceptions.DatasetGenerationError as err:
        if err.__cause__ is not None:
            raise err.__cause__ from None
        raise
    return builder.as_dataset()
