"""Reproduce LEM's SemEval-2018 E-c table: dev-selected, test reported once, next to a baseline.

    python benchmarks/lem/reproduce.py --variants lem --seeds 1 2 3      # the main rows
    python benchmarks/lem/reproduce.py --variants wled rle hops1 hops2 hops4 hops5 --seeds 1
    python benchmarks/lem/reproduce.py --variants baseline
    python benchmarks/lem/reproduce.py --summarise                       # table + results JSON

Each (variant, seed) run writes benchmarks/out/lem/<variant>-<seed>/run.json as soon as it ends,
so runs can be spread over several invocations; --summarise aggregates mean and std over seeds
into benchmarks/results/lem_semeval18.json and .md. Thresholds are tuned on dev only; the test
split is scored once per run, after training and tuning are over.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

from hf_emotion.data import load_dataset
from hf_emotion.evaluation import multilabel_metrics, tune_thresholds
from hf_emotion.training.lem import LemTrainingSetup, train_lem
from hf_emotion.training.multilabel import label_names, multi_hot, score_texts

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "out" / "lem"
RESULTS = ROOT / "benchmarks" / "results"
PAPER = {"hamming_loss": 0.142, "ranking_loss": 0.157, "micro_f1": 0.675, "macro_f1": 0.567, "average_precision": 0.568}
VARIANTS = {
    "lem": {},
    "wled": {"use_wled": False},
    "rle": {"use_rle": False},
    **{f"hops{h}": {"num_hops": h} for h in (1, 2, 3, 4, 5)},
}
HEADLINE = ["hamming_loss", "ranking_loss", "micro_f1", "macro_f1", "lrap", "macro_ap", "jaccard", "one_error"]


def test_metrics(gold, scores, thresholds, names) -> dict:
    report = multilabel_metrics(gold, scores, threshold=thresholds, per_label=True, cardinality=True, label_names=names)
    excluded = multilabel_metrics(gold, scores, threshold=thresholds, degenerate="exclude")
    report["exclude_neutral"] = {k: excluded[k] for k in ("ranking_loss", "lrap", "one_error", "coverage_error", "macro_ap")}
    return report


def run_lem(variant: str, seed: int, dataset, args) -> dict:
    out_dir = OUT / f"{variant}-{seed}"
    setup = LemTrainingSetup(
        vectors=args.vectors, epochs=args.epochs, seed=seed, config_overrides=dict(VARIANTS[variant]),
        vae_pretrain_epochs=args.vae_pretrain_epochs,
    )
    result = train_lem(dataset, out_dir, setup)
    names = result.record["labels"]
    test = dataset["test"]
    gold = multi_hot(test["labels"], len(names))
    scores = score_texts(result.model, result.tokenizer, test["text"], max_length=setup.max_length)
    return {
        "variant": variant, "seed": seed, "vectors": args.vectors,
        "thresholds": result.model.config.thresholds, "dev": result.dev_metrics,
        "test": test_metrics(gold, scores, result.model.config.thresholds, names),
        "train_seconds": result.record["train_seconds"], "epochs_run": result.record["epochs_run"],
        "phase_history": result.record["phase_history"],
    }


def rescore(run_dir: Path, dataset) -> dict:
    """Post-training analyses of a saved run, still dev-only for every decision: test metrics under
    per-label thresholds tuned on dev, and how peaked the latent distribution Z is on test."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    model = AutoModelForSequenceClassification.from_pretrained(run_dir).eval()
    tokenizer = AutoTokenizer.from_pretrained(run_dir)
    names = [model.config.id2label[i] for i in range(model.config.num_labels)]
    gold = {split: multi_hot(dataset[split]["labels"], len(names)) for split in ("validation", "test")}
    scores = {split: score_texts(model, tokenizer, dataset[split]["text"], max_length=64) for split in gold}
    per_label = tune_thresholds(gold["validation"], scores["validation"], mode="per_label", metric="micro_f1")
    with torch.no_grad():
        batch = tokenizer(list(dataset["test"]["text"]), padding=True, truncation=True, max_length=64, return_tensors="pt")
        z = model(**batch).latent_distribution.numpy()
    entropy = -(z * np.log(z)).sum(-1)
    return {
        "per_label_thresholds": per_label.thresholds,
        "test_per_label_thresholds": test_metrics(gold["test"], scores["test"], per_label.thresholds, names),
        "latent": {"mean_max_z": float(z.max(-1).mean()), "uniform": 1.0 / len(names),
                   "mean_entropy": float(entropy.mean()), "max_entropy": float(np.log(len(names))),
                   "argmax_z_matches_a_gold_label": float(gold["test"][np.arange(len(z)), z.argmax(-1)].mean())},
    }


def run_baseline(dataset) -> dict:
    """TF-IDF word 1-2 + char 2-5 n-grams, one-vs-rest logistic regression; C and the threshold tuned on dev."""
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    names = label_names(dataset)
    started = time.perf_counter()
    words = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True, lowercase=True)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, lowercase=True)
    features = {}
    for split in ("train", "validation", "test"):
        texts = dataset[split]["text"]
        if split == "train":
            features[split] = hstack([words.fit_transform(texts), chars.fit_transform(texts)]).tocsr()
        else:
            features[split] = hstack([words.transform(texts), chars.transform(texts)]).tocsr()
    gold = {split: multi_hot(dataset[split]["labels"], len(names)) for split in features}
    best = None
    for c in (1.0, 4.0, 16.0):
        model = OneVsRestClassifier(LogisticRegression(C=c, max_iter=2000), n_jobs=1).fit(features["train"], gold["train"])
        dev_scores = model.predict_proba(features["validation"])
        tuned = tune_thresholds(gold["validation"], dev_scores, mode="global", metric="micro_f1")
        if best is None or tuned.score > best[0].score:
            best = (tuned, model, c, dev_scores)
    tuned, model, c, dev_scores = best
    test_scores = model.predict_proba(features["test"])
    return {
        "variant": "baseline", "seed": 0, "C": c, "thresholds": tuned.thresholds,
        "dev": {k: v for k, v in multilabel_metrics(gold["validation"], dev_scores, threshold=tuned.thresholds).items()},
        "test": test_metrics(gold["test"], test_scores, tuned.thresholds, names),
        "train_seconds": time.perf_counter() - started,
    }


def summarise() -> dict:
    runs = [json.loads(p.read_text()) for p in sorted(OUT.glob("*/run.json"))]
    if not runs:
        sys.exit(f"no runs under {OUT}: run some variants first")
    table = {}
    for variant in sorted({r["variant"] for r in runs}):
        group = [r for r in runs if r["variant"] == variant]
        row = {"seeds": [r["seed"] for r in group], "vectors": group[0].get("vectors")}
        for split in ("dev", "test"):
            values = {m: [r[split][m] for r in group] for m in HEADLINE}
            row[split] = {m: float(np.mean(v)) for m, v in values.items()}
            row[f"{split}_std"] = {m: float(np.std(v)) for m, v in values.items()}
        labels = group[0]["test"]["per_label"]["label"]
        row["test_per_label_f1"] = dict(zip(labels, np.mean([r["test"]["per_label"]["f1"] for r in group], axis=0).tolist()))
        row["test_by_cardinality"] = group[0]["test"]["by_cardinality"]
        row["test_exclude_neutral"] = {k: float(np.mean([r["test"]["exclude_neutral"][k] for r in group]))
                                       for k in group[0]["test"]["exclude_neutral"]}
        row["train_seconds"] = float(np.mean([r["train_seconds"] for r in group]))
        if all("rescored" in r for r in group):
            values = {m: [r["rescored"]["test_per_label_thresholds"][m] for r in group] for m in HEADLINE}
            row["test_with_per_label_thresholds"] = {m: float(np.mean(v)) for m, v in values.items()}
            row["latent"] = {k: float(np.mean([r["rescored"]["latent"][k] for r in group])) for k in group[0]["rescored"]["latent"]}
        table[variant] = row
    summary = {
        "dataset": {"id": "semeval2018_ec", "name": "SemEval-2018 Task 1 E-c (English)", "config": "english", "split": "test"},
        "selection": "dev micro-F1 per epoch; thresholds tuned on dev; test scored once",
        "paper": {"source": "Fei et al. 2020, test-selected",
                  "metrics": {k: v for k, v in PAPER.items() if k != "average_precision"},
                  "average_precision": PAPER["average_precision"]},
        "rows": table,
    }
    if "lem" in table:  # the card's headline: the main rows, mean and std over seeds
        summary["metrics"] = {"test": table["lem"]["test"], "dev": table["lem"]["dev"]}
        summary["std"] = {"test": table["lem"]["test_std"]}
        summary["seeds"] = table["lem"]["seeds"]
    if "baseline" in table:
        summary["baseline"] = {"name": "TF-IDF word+char n-grams, one-vs-rest logistic regression",
                               "metrics": table["baseline"]["test"]}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "lem_semeval18.json").write_text(json.dumps(summary, indent=2) + "\n")
    (RESULTS / "lem_semeval18.md").write_text(markdown(summary))
    print(markdown(summary))
    return summary


def markdown(summary: dict) -> str:
    lines = ["# LEM on SemEval-2018 E-c English (test; dev-selected; mean ± std over seeds)", "",
             "| row | seeds | " + " | ".join(HEADLINE) + " | train s |", "|---" * (len(HEADLINE) + 3) + "|"]
    paper = dict(summary["paper"]["metrics"], average_precision=summary["paper"]["average_precision"])
    paper_cells = [f"{paper[m]:.3f}" if m in paper else "-" for m in HEADLINE]
    lines.append("| LEM (paper, test-selected) | - | " + " | ".join(paper_cells) + " | - |")
    for variant, row in summary["rows"].items():
        cells = [f"{row['test'][m]:.3f} ± {row['test_std'][m]:.3f}" if len(row["seeds"]) > 1 else f"{row['test'][m]:.3f}"
                 for m in HEADLINE]
        lines.append(f"| {variant} | {len(row['seeds'])} | " + " | ".join(cells) + f" | {row['train_seconds']:.0f} |")
    for variant, row in summary["rows"].items():
        if "test_with_per_label_thresholds" in row:
            cells = [f"{row['test_with_per_label_thresholds'][m]:.3f}" for m in HEADLINE]
            lines.append(f"| {variant}, per-label dev thresholds | {len(row['seeds'])} | " + " | ".join(cells) + " | - |")
    lines += ["", f"The paper reports AP {paper['average_precision']:.3f}; it is compared with both lrap "
              "(example-based) and macro_ap (label-based) above.",
              "Ranking metrics count all-zero gold rows as scikit-learn does (degenerate='sklearn').", ""]
    main = summary["rows"].get("lem")
    if main:
        lines += ["## Per-label F1 (test, main LEM rows)", "", "| label | F1 |", "|---|---|"]
        lines += [f"| {k} | {v:.3f} |" for k, v in main["test_per_label_f1"].items()]
        lines += ["", "## By number of gold labels (test, first seed)", "", "| gold labels | rows | micro-F1 | Jaccard |",
                  "|---|---|---|---|"]
        lines += [f"| {k} | {v['rows']:.0f} | {v['micro_f1']:.3f} | {v['jaccard']:.3f} |" for k, v in main["test_by_cardinality"].items()]
        if "latent" in main:
            lat = main["latent"]
            lines += ["", "## Latent emotion distribution Z (test, mean over seeds)", "",
                      f"mean max Z {lat['mean_max_z']:.3f} (uniform {lat['uniform']:.3f}); mean entropy {lat['mean_entropy']:.3f} "
                      f"(max {lat['max_entropy']:.3f}); argmax Z is a gold label for {lat['argmax_z_matches_a_gold_label']:.1%} of tweets."]
        lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", nargs="*", default=[], choices=sorted(VARIANTS) + ["baseline"])
    parser.add_argument("--seeds", nargs="*", type=int, default=[1, 2, 3])
    parser.add_argument("--vectors", default="glove-6b-50d", help="glove-6b-50d, or a GloVe .txt/.gz or word2vec .bin path")
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--vae-pretrain-epochs", type=int, default=5)
    parser.add_argument("--rescore", action="store_true", help="add the per-label-threshold and Z analyses to finished runs")
    parser.add_argument("--summarise", action="store_true")
    args = parser.parse_args()
    dataset = load_dataset("semeval2018_ec", config_name="english") if args.variants or args.rescore else None
    for variant in args.variants:
        for seed in ([0] if variant == "baseline" else args.seeds):
            started = time.perf_counter()
            run = run_baseline(dataset) if variant == "baseline" else run_lem(variant, seed, dataset, args)
            path = OUT / f"{variant}-{seed}" / "run.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(run, indent=2, default=float) + "\n")
            t = run["test"]
            print(f"{variant} seed {seed}: test micro-F1 {t['micro_f1']:.4f} macro-F1 {t['macro_f1']:.4f} "
                  f"HL {t['hamming_loss']:.4f} ({time.perf_counter() - started:.0f} s)", flush=True)
    if args.rescore:
        for path in sorted(OUT.glob("*/run.json")):
            run = json.loads(path.read_text())
            if run["variant"] != "baseline" and "rescored" not in run:
                run["rescored"] = rescore(path.parent, dataset)
                path.write_text(json.dumps(run, indent=2, default=float) + "\n")
                print(f"rescored {path.parent.name}: latent {run['rescored']['latent']}", flush=True)
    if args.summarise:
        summarise()


if __name__ == "__main__":
    main()
