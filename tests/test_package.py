import subprocess
import sys

import hf_emotion
from hf_emotion import registry


def test_import_twice_is_harmless():
    registry.register_all()
    registry.register_all()


def test_metric_and_script_dirs_resolve():
    from hf_emotion.paths import dataset_scripts_dir, metrics_dir

    assert metrics_dir().is_dir()
    assert dataset_scripts_dir().is_dir()


def test_unknown_model_type_is_named():
    import pytest

    with pytest.raises(ValueError, match="unknown model type 'nope'"):
        registry.model_entry("nope")


def test_version_importable_in_fresh_process():
    out = subprocess.run([sys.executable, "-c", "import hf_emotion; print(hf_emotion.__version__)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == hf_emotion.__version__
