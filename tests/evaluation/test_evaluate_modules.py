"""The `evaluate` modules in metrics/ load offline by path and return exactly what the core returns.

`import evaluate` and each `evaluate.load` are slow, so each module is loaded once per file.
"""

import re

import numpy as np
import pytest

from hf_emotion import metric_path
from hf_emotion.evaluation import distribution_metrics, erc_metrics, multilabel_metrics

MODULES = ("multilabel", "erc", "emotion_distribution")
RNG = np.random.default_rng(7)
GOLD = (RNG.random((40, 4)) < 0.35).astype(int)
SCORES = RNG.random((40, 4))


@pytest.fixture(scope="module")
def modules():
    evaluate = pytest.importorskip("evaluate")
    return {name: evaluate.load(metric_path(name)) for name in MODULES}


@pytest.mark.parametrize("name", MODULES)
def test_module_files_keep_one_import_per_line(name):
    source = open(f"{metric_path(name)}/{name}.py", encoding="utf-8").read()
    assert not re.search(r"^import [^\n#]*,", source, flags=re.MULTILINE)
    assert "from hf_emotion.evaluation import" in source
    assert open(f"{metric_path(name)}/README.md", encoding="utf-8").read().startswith("---\n")


def test_multilabel_module_equals_core_and_batches_accumulate(modules):
    metric = modules["multilabel"]
    options = {"threshold": [0.3, 0.5, 0.6, 0.7], "degenerate": "exclude", "per_label": True, "cardinality": True}
    whole = metric.compute(predictions=SCORES.tolist(), references=GOLD.tolist(), **options)
    assert whole == multilabel_metrics(GOLD, SCORES, **options)
    for start in range(0, len(GOLD), 15):
        metric.add_batch(predictions=SCORES[start : start + 15], references=GOLD[start : start + 15])
    assert metric.compute(**options) == whole
    binary = metric.compute(predictions=(SCORES > 0.5).astype(int), references=GOLD, binary=True)
    assert binary == multilabel_metrics(GOLD, y_pred=SCORES > 0.5)


def test_erc_module_takes_conversations_or_utterances(modules):
    metric = modules["erc"]
    labels = [[0, 1, 2], [2, -100], [1]]
    predictions = [[0, 1, 1], [2, 0], [1]]
    by_conversation = metric.compute(predictions=predictions, references=labels, label_names=["a", "b", "c"])
    assert by_conversation == erc_metrics(labels, predictions, label_names=["a", "b", "c"])
    for gold, predicted in zip(labels, predictions):
        metric.add_batch(predictions=predicted, references=gold)
    assert metric.compute(label_names=["a", "b", "c"]) == by_conversation
    flat = metric.compute(predictions=[0, 1, 1, 2], references=[0, 1, 2, 2], num_classes=3)
    assert flat == erc_metrics([0, 1, 2, 2], [0, 1, 1, 2], num_classes=3)


def test_combine_merges_multilabel_and_distribution(modules):
    import evaluate

    # One-hot gold rows and softmax scores are valid input for both modules.
    gold = np.eye(4, dtype=int)[RNG.integers(0, 4, size=40)]
    scores = np.exp(SCORES) / np.exp(SCORES).sum(axis=1, keepdims=True)
    combined = evaluate.combine([modules["multilabel"], modules["emotion_distribution"]])
    results = combined.compute(predictions=scores.tolist(), references=gold.tolist())
    assert results == {**multilabel_metrics(gold, scores), **distribution_metrics(gold, scores)}


def test_module_errors_come_from_the_core(modules):
    with pytest.raises(ValueError, match=r"y_true must be binary \(0/1\): found 2.0 at row 1, column 0"):
        modules["multilabel"].compute(predictions=[[0.1, 0.2], [0.3, 0.4]], references=[[1, 0], [2, 0]])


@pytest.mark.slow
def test_modules_load_from_the_installed_wheel_layout(tmp_path):
    """The wheel maps metrics/ to hf_emotion/_metrics (pyproject force-include); load from that layout alone."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    import hf_emotion

    package = Path(hf_emotion.__file__).parent
    shutil.copytree(package, tmp_path / "hf_emotion", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(package.parent / "metrics", tmp_path / "hf_emotion" / "_metrics")
    script = (
        "import evaluate, hf_emotion\n"
        "path = hf_emotion.metric_path('multilabel')\n"
        f"assert path.startswith({str(tmp_path)!r}) and '_metrics' in path, path\n"
        "result = evaluate.load(path).compute(predictions=[[0.9, 0.2], [0.4, 0.7]], references=[[1, 0], [1, 1]])\n"
        "assert result['micro_f1'] == 0.8, result\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
