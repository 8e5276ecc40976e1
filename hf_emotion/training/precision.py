"""Where a trainer runs and in which precision: one rule for every hf_emotion training setup.

Each setup has `use_cpu` (None: the CPU unless a GPU is there), `bf16` and `fp16`. torch has no
fp16 autocast for CPU training and the Trainer would train in float32 without a word, so fp16
on the CPU is refused with the alternative named.
"""

from __future__ import annotations

import torch


def device_arguments(setup) -> dict:
    """`use_cpu`, `bf16`, `fp16` for TrainingArguments from a training setup."""
    use_cpu = setup.use_cpu if setup.use_cpu is not None else not torch.cuda.is_available()
    if setup.bf16 and setup.fp16:
        raise ValueError("choose one mixed precision: bf16=True or fp16=True, not both")
    if setup.fp16 and use_cpu:
        raise ValueError("fp16=True needs a GPU (training runs on the CPU here); use bf16=True for mixed precision on the CPU")
    return {"use_cpu": use_cpu, "bf16": setup.bf16, "fp16": setup.fp16}
