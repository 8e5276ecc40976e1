"""Runs a test script on 2 CPU processes (torchrun, gloo) and reads what each rank wrote."""

import json
import os
import subprocess
import sys
from pathlib import Path


def run_two_processes(script: str, output: Path) -> list[dict]:
    """Start tests/training/<script> under torchrun with 2 processes and `output` as its argument;
    the script writes output/rank<r>.json, returned in rank order. One thread per process: the
    machine running the suite may have only 2 cores."""
    path = Path(__file__).with_name(script)
    env = {**os.environ, "OMP_NUM_THREADS": "1", "HF_HUB_OFFLINE": "1"}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2", str(path), str(output)]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads((output / f"rank{r}.json").read_text()) for r in (0, 1)]
