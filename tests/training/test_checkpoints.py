"""`resume_point`: a bare resume takes the newest checkpoint whose save finished, by step number
(not by name order or mtime), and every refusal names the folder."""

import pytest

from hf_emotion.training.checkpoints import complete_checkpoints, resume_point


def checkpoint(folder, step, complete=True):
    path = folder / f"checkpoint-{step}"
    path.mkdir(parents=True)
    if complete:
        (path / "trainer_state.json").write_text("{}")
    return path


def test_newest_complete_checkpoint_by_step(tmp_path):
    checkpoint(tmp_path, 9)
    newest = checkpoint(tmp_path, 10)  # "checkpoint-10" sorts before "checkpoint-9" as a string
    checkpoint(tmp_path, 12, complete=False)  # killed while saving
    (tmp_path / "checkpoint-best").mkdir()
    assert [p.name for p in complete_checkpoints(tmp_path)] == ["checkpoint-9", "checkpoint-10"]
    assert resume_point(True, tmp_path) == str(newest)


def test_fresh_run_and_named_checkpoint(tmp_path):
    named = checkpoint(tmp_path, 3)
    assert resume_point(None, tmp_path) is None and resume_point(False, tmp_path) is None
    assert resume_point(str(named), tmp_path / "elsewhere") == str(named)


@pytest.mark.parametrize("case", ["missing folder", "empty folder", "only half-saved"])
def test_nothing_to_resume_names_the_folder(tmp_path, case):
    folder = tmp_path / "checkpoints"
    if case != "missing folder":
        folder.mkdir()
    if case == "only half-saved":
        checkpoint(folder, 4, complete=False)
    with pytest.raises(ValueError, match=f"no complete checkpoint in {folder}"):
        resume_point(True, folder)


def test_half_saved_named_checkpoint_is_refused(tmp_path):
    half = checkpoint(tmp_path, 4, complete=False)
    with pytest.raises(ValueError, match=f"{half} is not a complete training checkpoint"):
        resume_point(str(half), tmp_path)
