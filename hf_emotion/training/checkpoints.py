"""Which checkpoint a resumed run starts from.

The Trainer writes a checkpoint's files one after another and `trainer_state.json` last, so a run
killed while saving leaves a folder that looks like the newest checkpoint but cannot be resumed
(the Trainer's own `resume_from_checkpoint=True` picks it and fails). `resume_point` skips such
folders and names the folder it looked in when there is nothing to resume.
"""

from __future__ import annotations

import re
from pathlib import Path

from transformers.trainer import TRAINER_STATE_NAME
from transformers.trainer_utils import PREFIX_CHECKPOINT_DIR

_STEP = re.compile(rf"^{PREFIX_CHECKPOINT_DIR}-(\d+)$")


def complete_checkpoints(folder: str | Path) -> list[Path]:
    """The checkpoint folders under `folder` whose save finished, oldest step first."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    steps = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _STEP.match(p.name)) and (p / TRAINER_STATE_NAME).is_file()]
    return [p for _, p in sorted(steps)]


def resume_point(resume: str | Path | bool | None, checkpoints_dir: str | Path) -> str | None:
    """`resume_from_checkpoint` as the Trainer needs it: None for a fresh run, True for the newest
    complete checkpoint under `checkpoints_dir`, or a checkpoint folder (checked to be complete)."""
    if resume is None or resume is False:
        return None
    if resume is True:
        found = complete_checkpoints(checkpoints_dir)
        if not found:
            raise ValueError(f"resume: no complete checkpoint in {checkpoints_dir} to resume from")
        return str(found[-1])
    if not (Path(resume) / TRAINER_STATE_NAME).is_file():
        raise ValueError(f"resume: {resume} is not a complete training checkpoint (no {TRAINER_STATE_NAME} in it)")
    return str(resume)
