import os

import pytest
from hypothesis import settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
# `make test` runs one xdist worker per core: a second torch thread per worker would only spin
# waiting for a core (measured 35x slower steps on a shared 2-core machine). Subprocesses inherit this.
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")


def pytest_configure(config):
    import torch

    torch.set_num_threads(1)


@pytest.fixture(scope="session")
def data_root():
    """The real corpora folder. Real-data tests take this fixture (and carry @pytest.mark.real_data):
    in CI a missing folder is a failure, on a user's machine a skip with the reason."""
    from hf_emotion.paths import data_root as find_root

    root = find_root()
    if root is not None and root.is_dir():
        return root
    reason = "real corpora not found: set HF_EMOTION_DATA or place them in ../shared/data"
    if os.environ.get("CI"):
        pytest.fail(f"CI must have the real corpora: {reason}")
    pytest.skip(reason)


# The property fuzz tests (tests/*/test_*_fuzz.py, issue 9) take this profile as their parent. Its
# max_examples is the budget of a whole fuzzed surface (tokenizer, emotion-multilabel,
# emotion-conversation, dataset builders): each module splits it among its tests in a CASES table
# and asserts the split adds up. No deadline (a module's first case pays for loading a model);
# fresh random cases on every run, and a failure prints the blob that replays it.
settings.register_profile("fuzz", max_examples=2_000, deadline=None, print_blob=True)
