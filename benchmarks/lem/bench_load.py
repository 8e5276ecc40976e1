"""The emotion-multilabel pipeline under load: 100,000 texts streamed from an on-disk `datasets.Dataset`.

    OMP_NUM_THREADS=1 python benchmarks/lem/bench_load.py [--texts 100000] [--batch-size 64] [--small 2000]

Texts are real tweets (the SemEval-2018 E-c English splits, cycled to --texts rows; synthetic
sentences when the corpus is absent) written by `Dataset.from_generator` to a temporary Arrow
cache, so the table is memory-mapped as a large corpus would be. Results are consumed as they come
(label counts), not kept: a list of 100,000 results grows by design.

In one process, interleaved (the machine is shared and its speed drifts, so the two figures are
taken in turns rather than one after the other):
- long run: `clf(KeyDataset(dataset, "text"), batch_size=...)` over every row, paused after every
  10% of the rows to sample RSS and to take one small-batch figure;
- small-batch figure: throughput over --small texts spread evenly over the rows (so their lengths,
  which set the padding, are distributed as the long run's), passed as a list, once before the
  long run and at each pause; its median is the reference, and its time is left out of the
  long run's;
- the process's peak RSS (getrusage) at the end.
Targets: long-run throughput within 10% of the small-batch figure; RSS flat after warm-up.
"""

import argparse
import itertools
import resource
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

import torch
from datasets import Dataset
from transformers import pipeline
from transformers.pipelines.pt_utils import KeyDataset

import hf_emotion
from hf_emotion.paths import PACKAGE_DIR


def rss_mib() -> float:
    """Resident set size now (Linux /proc), in MiB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def source_texts() -> tuple[list[str], str]:
    try:
        corpus = hf_emotion.load_dataset("semeval2018_ec", config_name="english")
        return [t for split in ("train", "validation", "test") for t in corpus[split]["text"]], "SemEval-2018 E-c English tweets"
    except (FileNotFoundError, ValueError):
        words = "so happy today the game was awful I am scared of tomorrow what a lovely surprise angry again".split()
        return [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(5 + i % 20)) for i in range(5000)], "synthetic sentences"


def small_batch_seconds(clf, texts: list[str], batch_size: int) -> float:
    start = time.perf_counter()
    clf(texts, batch_size=batch_size)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(PACKAGE_DIR / "checkpoints" / "lem-semeval18"))
    parser.add_argument("--texts", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--small", type=int, default=2000, help="texts in the small-batch run")
    args = parser.parse_args()

    pool, origin = source_texts()
    with tempfile.TemporaryDirectory() as cache:
        rows = itertools.islice(itertools.cycle(pool), args.texts)
        dataset = Dataset.from_generator(lambda: ({"text": t} for t in rows), cache_dir=cache)
        clf = pipeline("emotion-multilabel", model=args.model)
        small = list(dataset.select(range(0, args.texts, max(1, args.texts // args.small)))["text"])[: args.small]
        clf(small[:256], batch_size=args.batch_size)  # warm-up
        small_rates = [args.small / small_batch_seconds(clf, small, args.batch_size)]
        print(f"{args.texts:,} texts ({origin}, {len(pool):,} distinct), batch size {args.batch_size}, "
              f"torch {torch.__version__}, {torch.get_num_threads()} threads")
        print(f"RSS before the long run: {rss_mib():.0f} MiB")

        labels, samples, every, paused = Counter(), [], max(1, args.texts // 10), 0.0
        start = time.perf_counter()
        for done, result in enumerate(clf(KeyDataset(dataset, "text"), batch_size=args.batch_size), 1):
            labels.update(item["label"] for item in result)
            if done % every == 0:
                pause = time.perf_counter()
                rss = rss_mib()
                small_rates.append(args.small / small_batch_seconds(clf, small, args.batch_size))
                samples.append((done, rss, done / (pause - start - paused), small_rates[-1]))
                paused += time.perf_counter() - pause
        seconds = time.perf_counter() - start - paused

    assert done == args.texts, f"{done} results for {args.texts} texts"
    print("\n| texts done | RSS MiB | long run, texts/s so far | small batch at this pause, texts/s |\n|---|---|---|---|")
    for done, rss, rate, small_rate in samples:
        print(f"| {done:,} | {rss:.0f} | {rate:,.0f} | {small_rate:,.0f} |")
    long_rate = args.texts / seconds
    small_rate = statistics.median(small_rates)
    growth = samples[-1][1] - samples[0][1]
    sampled = [rss for _, rss, _, _ in samples]
    print(f"\nlong run: {seconds:.1f} s, {long_rate:,.0f} texts/s; peak RSS of the process {peak_rss_mib():.0f} MiB")
    print(f"small batch ({args.small:,} texts, {len(small_rates)} runs): median {small_rate:,.0f} texts/s "
          f"(range {min(small_rates):,.0f}-{max(small_rates):,.0f})")
    print(f"long-run throughput / small-batch figure: {long_rate / small_rate:.3f} (target >= 0.90)")
    print(f"RSS from {samples[0][0]:,} to {samples[-1][0]:,} texts: {growth:+.1f} MiB; "
          f"samples between {min(sampled):.0f} and {max(sampled):.0f} MiB")
    print(f"most frequent labels: {labels.most_common(3)}")


if __name__ == "__main__":
    main()
