"""Batched-over-K emotion memory vs the literal per-emotion loop, timed side by side in one run.

    python benchmarks/lem/bench_memory.py [--batch 64 --length 40 --emotions 11 --hops 3 --dim 50]

Prints forward and forward+backward times and the speed-up ratios (target: >= 3x).
"""

import argparse
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory_reference import memory_reference  # noqa: E402

from hf_emotion.models.lem.configuration_lem import LemConfig  # noqa: E402
from hf_emotion.models.lem.modeling_lem import LemForSequenceClassification  # noqa: E402


def timed(fn, repeats):
    fn()  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--length", type=int, default=40)
    parser.add_argument("--emotions", type=int, default=11)
    parser.add_argument("--hops", type=int, default=3)
    parser.add_argument("--dim", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    torch.manual_seed(0)
    labels = {i: f"e{i}" for i in range(args.emotions)}
    config = LemConfig(vocab_size=100, embedding_dim=args.dim, num_hops=args.hops, id2label=labels)
    model = LemForSequenceClassification(config)
    memory, ef = model.lem.memory, model.lem.latent.ef
    tokens = torch.randn(args.batch, args.length, args.dim)
    mask = torch.ones(args.batch, args.length, dtype=torch.bool)
    mask[:, args.length // 2 :] = torch.rand(args.batch, 1) > 0.5
    keys = torch.randn(args.batch, args.emotions, config.led_dim)

    def batched_forward():
        with torch.no_grad():
            memory(tokens, mask, keys, ef)

    def looped_forward():
        with torch.no_grad():
            memory_reference(memory, tokens, mask, keys, ef)

    def batched_train():
        memory(tokens, mask, keys, ef)[0].sum().backward()

    def looped_train():
        memory_reference(memory, tokens, mask, keys, ef).sum().backward()

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; batch {args.batch}, length {args.length}, "
          f"K {args.emotions}, hops {args.hops}, dim {args.dim}")
    for name, fast, slow in (("forward", batched_forward, looped_forward), ("forward+backward", batched_train, looped_train)):
        t_fast, t_slow = timed(fast, args.repeats), timed(slow, args.repeats)
        print(f"{name:>17}: batched {t_fast * 1e3:8.2f} ms   per-emotion loop {t_slow * 1e3:8.2f} ms   speed-up {t_slow / t_fast:5.1f}x")


if __name__ == "__main__":
    main()
