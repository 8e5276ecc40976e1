"""SWFC: the vectorised loss against the straightforward loop over pairs, on a batch of 1,000 utterances.

Both compute Eq. 18-19 on the same embeddings (256-d, MELD's 7-class label distribution); the
benchmark checks they agree, then times forward and forward+backward of the vectorised form
(median of repeats) against one forward of the loop reference.

    python benchmarks/multiemo/swfc_speed.py
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "multiemo"))

from swfc_reference import swfc_reference  # noqa: E402

from hf_emotion.models.multiemo import swfc_loss  # noqa: E402

MELD_TRAIN_COUNTS = [4710, 1205, 268, 683, 1743, 271, 1109]  # neutral, surprise, fear, sadness, joy, disgust, anger
SETTINGS = dict(temperature=1.4, focusing=2.0, sample_weight_exponent=1.2)


def timed(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(n: int = 1000, dim: int = 256) -> dict:
    torch.manual_seed(0)
    probs = torch.tensor(MELD_TRAIN_COUNTS, dtype=torch.float) / sum(MELD_TRAIN_COUNTS)
    labels = torch.multinomial(probs, n, replacement=True)
    z = torch.randn(n, dim)
    fast_value = swfc_loss(z, labels, **SETTINGS)
    start = time.perf_counter()
    slow_value = swfc_reference(z, labels, **SETTINGS)
    reference_seconds = time.perf_counter() - start
    fast_seconds = timed(lambda: swfc_loss(z, labels, **SETTINGS), 20)
    zg = z.clone().requires_grad_()
    backward_seconds = timed(lambda: swfc_loss(zg, labels, **SETTINGS).backward(), 20)
    record = {
        "benchmark": "SWFC vectorised vs loop reference",
        "utterances": n,
        "embedding_dim": dim,
        "torch_threads": torch.get_num_threads(),
        "vectorised_value": float(fast_value),
        "reference_value": float(slow_value),
        "abs_difference": abs(float(fast_value) - float(slow_value)),
        "reference_forward_seconds": round(reference_seconds, 3),
        "vectorised_forward_seconds": round(fast_seconds, 6),
        "vectorised_forward_backward_seconds": round(backward_seconds, 6),
        "speedup_forward": round(reference_seconds / fast_seconds, 1),
        "speedup_vs_forward_backward": round(reference_seconds / backward_seconds, 1),
    }
    out = ROOT / "benchmarks" / "results" / "multiemo_swfc_speed.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    return record


if __name__ == "__main__":
    main()
