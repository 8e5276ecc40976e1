"""The `hf-emotion` command: train, evaluate, predict, explain, export, push, demo.

Every subcommand works on checkpoint folders (or Hub ids) and on the data `hf_emotion.load_dataset`
reads: a named corpus, or any CSV/TSV/JSONL file through the `multilabel_file` builder. Errors
print one line that says what is wrong and what to do, and exit with status 1; `--debug` shows
the traceback instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

DATA_SUFFIXES = {".csv", ".tsv", ".txt", ".jsonl", ".json"}
TRAINABLE = ("lem", "datn", "multiemo")
SUMMARY_METRICS = ("jaccard", "micro_f1", "macro_f1", "example_f1", "hamming_loss", "lrap")
DEMO_TEXTS = [
    "Looks good but I'm growing weary of this gaming style.",
    "I can't believe we won the final! Best night ever #blessed",
    "Why does my train get cancelled every single morning?! Furious.",
    "Scared to open the results email... what if I failed",
]
EMBEDDED = "checkpoints/lem-semeval18"


# ----------------------------------------------------------------------------- output helpers


def table(rows: list[list], headers: list[str]) -> str:
    """A plain aligned text table (numbers with 4 decimals)."""
    cells = [[f"{c:.4f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(), "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def emotions_cell(predictions: list[dict]) -> str:
    return ", ".join(f"{p['label']} {p['score']:.2f}" for p in predictions) or "-"


def z_table(labels: list[str], z: list[float]) -> str:
    """LEM's latent emotion distribution as a table with a text bar per emotion."""
    return table([[name, value, "#" * round(40 * value)] for name, value in zip(labels, z)], ["label", "Z", ""])


def parse_assignments(items: list[str] | None, option: str) -> dict:
    """KEY=VALUE strings -> dict; values are read as JSON when they parse (3, 0.1, true, [1,2]), else as text."""
    values = {}
    for item in items or []:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise ValueError(f"{option} {item!r}: expected KEY=VALUE, e.g. {option} epochs=3")
        try:
            values[key] = json.loads(raw)
        except json.JSONDecodeError:
            values[key] = raw
    return values


# ----------------------------------------------------------------------------- data and models


def add_data_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("data")
    group.add_argument("--data", required=True,
                       help="a named corpus (semeval2018_ec, ren_cecps, ...) or a CSV/TSV/JSONL file with a text column "
                            "and labels (0/1 columns or a 'labels' list column); one file is split 80/10/10")
    group.add_argument("--validation", help="a separate validation file (with --data FILE)")
    group.add_argument("--test", help="a separate test file (with --data FILE)")
    group.add_argument("--data-dir", help="folder of a named corpus (default: $HF_EMOTION_DATA/<corpus>)")
    group.add_argument("--data-config", help="configuration of a named corpus, e.g. english")
    group.add_argument("--text-column", help="text column of a file (default: text)")
    group.add_argument("--label-column", help="column holding a list of label names (default: labels, if present)")
    group.add_argument("--label-columns", help="comma-separated 0/1 label columns (default: every other column)")
    group.add_argument("--label-names", help="comma-separated label names, in id order (default: inferred)")


def is_data_file(value: str) -> bool:
    return Path(value).suffix.lower() in DATA_SUFFIXES or Path(value).is_file()


def load_data(args) -> tuple:
    """(DatasetDict, description for the training record / results file) from the data options."""
    from hf_emotion.data import load_dataset

    if not is_data_file(args.data):
        if args.validation or args.test:
            raise ValueError("--validation/--test go with --data FILE; a named corpus has its own splits")
        dataset = load_dataset(args.data, data_dir=args.data_dir, config_name=args.data_config)
        return dataset, {"id": args.data, "config": args.data_config}
    splits = {"train": args.data, "validation": args.validation, "test": args.test}
    files = {k: str(Path(v).resolve()) for k, v in splits.items() if v}
    for path in files.values():
        if not Path(path).is_file():
            raise FileNotFoundError(f"data file {path} does not exist")
    options = {
        "text_column": args.text_column,
        "label_column": args.label_column,
        "label_columns": args.label_columns.split(",") if args.label_columns else None,
        "label_names": args.label_names.split(",") if args.label_names else None,
    }
    data_files = files if len(files) > 1 else files["train"]
    dataset = load_dataset("multilabel_file", data_files=data_files, **{k: v for k, v in options.items() if v})
    return dataset, {"id": "multilabel_file", "name": Path(args.data).name, "files": sorted(Path(p).name for p in files.values())}


def resolve_model(model: str | None) -> str:
    """A local checkpoint folder (checked) or a Hub id; None means the embedded default checkpoint."""
    from hf_emotion.paths import PACKAGE_DIR

    if model is None:
        folder = PACKAGE_DIR / EMBEDDED
        if not (folder / "config.json").is_file():
            raise FileNotFoundError(
                f"the embedded LEM checkpoint is not built yet ({folder} is missing): build it with "
                "`python benchmarks/lem/build_default.py` (README: Rebuilding the embedded LEM checkpoint), "
                "or pass --model FOLDER"
            )
        return str(folder)
    if Path(model).exists() or model.startswith((".", "/", "~")):
        from hf_emotion.hub import read_config

        read_config(Path(model).expanduser())
    return model


def load_pipeline(model: str | None):
    """The emotion-multilabel pipeline over a checked local folder or a Hub id."""
    from transformers import pipeline

    path = resolve_model(model)
    if Path(path).is_dir():
        from hf_emotion.hub import load_checkpoint

        loaded, tokenizer = load_checkpoint(path)
        return pipeline("emotion-multilabel", model=loaded, tokenizer=tokenizer)
    try:
        return pipeline("emotion-multilabel", model=path)
    except OSError as error:
        raise FileNotFoundError(
            f"--model {path}: no such folder, and no such model on the Hub (or the Hub is unreachable: {error})"
        ) from None


def score_matrix(clf, texts: list[str], batch_size: int, desc: str):
    """(n, K) scores in label-id order, through the pipeline (same tokenization and truncation as predict)."""
    import numpy as np
    from tqdm.auto import tqdm

    label2id = {name: i for i, name in clf.model.config.id2label.items()}
    scores = np.zeros((len(texts), len(label2id)), dtype=np.float64)
    outputs = clf((t for t in texts), batch_size=batch_size, return_all_scores=True)
    for row, out in enumerate(tqdm(outputs, total=len(texts), desc=desc, unit="text", disable=None)):
        for item in out:
            scores[row, label2id[item["label"]]] = item["score"]
    return scores


def gold_matrix(split, model_labels: list[str]):
    """Multi-hot gold in the model's label order; labels the model does not know are an error."""
    import numpy as np

    from hf_emotion.training.multilabel import label_names

    names = label_names({"split": split})
    unknown = sorted(set(names) - set(model_labels))
    if unknown:
        raise ValueError(f"the data has labels {unknown} that the model does not predict (it knows {model_labels})")
    column = [model_labels.index(n) for n in names]
    gold = np.zeros((len(split), len(model_labels)), dtype=np.int8)
    for row, ids in enumerate(split["labels"]):
        gold[row, [column[i] for i in ids]] = 1
    return gold


# ----------------------------------------------------------------------------- evaluation report


def evaluate_split(clf, dataset, split: str, data_info: dict, output: Path, batch_size: int) -> dict:
    """Metrics of one split in the results-file shape (see model_cards/README.md), plus the per-label
    F1 chart and threshold curves as PNG next to the JSON; prints the summary tables."""
    from hf_emotion.evaluation import multilabel_metrics

    if split not in dataset:
        raise ValueError(f"the data has no {split!r} split; it has {list(dataset)} (choose one with --split)")
    config = clf.model.config
    labels = [config.id2label[i] for i in range(config.num_labels)]
    gold = gold_matrix(dataset[split], labels)
    scores = score_matrix(clf, list(dataset[split]["text"]), batch_size, f"scoring {split}")
    metrics = multilabel_metrics(gold, scores, threshold=config.thresholds, per_label=True, label_names=labels)
    per_label = metrics.pop("per_label")
    results = {
        "model": config.name_or_path,
        "dataset": {**data_info, "split": split},
        "metrics": {split: metrics},
        "per_label": {split: per_label},
        "thresholds": list(config.thresholds),
        "examples": len(gold),
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2) + "\n")
    charts = save_charts(gold, scores, per_label, list(config.thresholds), output.with_suffix(""), split)
    print(table([[k, metrics[k]] for k in SUMMARY_METRICS if k in metrics], [f"{split} ({len(gold)} texts)", "value"]))
    print()
    rows = [[n, p, r, f, s] for n, p, r, f, s in zip(labels, per_label["precision"], per_label["recall"], per_label["f1"], per_label["support"])]
    print(table(rows, ["label", "precision", "recall", "F1", "support"]))
    print(f"\nmetrics: {output}\ncharts: {', '.join(str(c) for c in charts)}")
    return results


def save_charts(gold, scores, per_label: dict, thresholds: list[float], stem: Path, split: str) -> list[Path]:
    """<stem>_per_label_f1.png and <stem>_thresholds.png (micro/macro F1 and Jaccard against one global threshold)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from hf_emotion.evaluation import decide, multilabel_metrics

    f1_path, curve_path = Path(f"{stem}_per_label_f1.png"), Path(f"{stem}_thresholds.png")
    fig, ax = plt.subplots(figsize=(max(4.0, 0.6 * len(per_label["label"])), 3.5))
    ax.bar(per_label["label"], per_label["f1"], color="tab:blue")
    ax.set_ylim(0, 1)
    ax.set_ylabel("F1")
    ax.set_title(f"Per-label F1 ({split})")
    ax.tick_params(axis="x", rotation=45)
    fig.tight_layout()
    fig.savefig(f1_path, dpi=120)
    plt.close(fig)

    grid = np.round(np.arange(0.02, 1.0, 0.02), 2)
    curves = {name: [] for name in ("micro_f1", "macro_f1", "jaccard")}
    for cut in grid:
        values = multilabel_metrics(gold, y_pred=decide(scores, threshold=float(cut)))
        for name in curves:
            curves[name].append(values[name])
    fig, ax = plt.subplots(figsize=(5.5, 3.5))
    for name, values in curves.items():
        ax.plot(grid, values, label=name)
    for cut in sorted(set(thresholds)):
        ax.axvline(cut, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("global threshold (dotted: the checkpoint's thresholds)")
    ax.set_ylim(0, 1)
    ax.set_title(f"Metrics against the decision threshold ({split})")
    ax.legend()
    fig.tight_layout()
    fig.savefig(curve_path, dpi=120)
    plt.close(fig)
    return [f1_path, curve_path]


# ----------------------------------------------------------------------------- subcommands


def cmd_train(args) -> None:
    from hf_emotion.registry import model_entry
    from hf_emotion.training.checkpoints import resume_point

    entry = model_entry(args.model)  # an unknown type is named with the known ones
    if args.model not in TRAINABLE:
        raise ValueError(f"`hf-emotion train` trains {', '.join(TRAINABLE)}, not {args.model}")
    check_config_overrides(entry.load_config_class(), parse_assignments(args.config, "--config"))
    settings = parse_assignments(args.set, "--set")
    settings["config_overrides"] = {**settings.get("config_overrides", {}), **parse_assignments(args.config, "--config")}
    output = Path(args.output)
    resume = resume_point(args.resume, output / "checkpoints")  # checked before the data is read
    if args.model == "multiemo":
        train_conversation_model(args, settings, output, resume)
        return
    if args.model == "lem":
        from hf_emotion.training.lem import LemTrainingSetup, train_lem

        setup = make_setup(LemTrainingSetup, settings)  # checked before the data is read
        dataset, data_info = load_data(args)
        train_lem(dataset, output, setup, resume_from_checkpoint=resume)
    else:
        from hf_emotion.data import load_dataset
        from hf_emotion.training.datn import DatnTrainingSetup, train_datn

        setup = make_setup(DatnTrainingSetup, settings)
        dataset, data_info = load_data(args)
        source = None if setup.variant == "base" else load_dataset(args.source, data_dir=args.source_dir)
        train_datn(dataset, source, output, setup, resume_from_checkpoint=resume)
    record_path = output / "training_record.json"
    record = json.loads(record_path.read_text())
    record["data"] = data_info
    record_path.write_text(json.dumps(record, indent=2, sort_keys=True, default=float) + "\n")
    print(f"\ntrained {args.model} in {record.get('train_seconds', 0) / 60:.1f} min; saved to {output}\n")
    from hf_emotion.hub import load_checkpoint
    from transformers import pipeline

    model, tokenizer = load_checkpoint(output)
    clf = pipeline("emotion-multilabel", model=model, tokenizer=tokenizer)
    evaluate_split(clf, dataset, "validation", data_info, output / "evaluation_validation.json", args.batch_size)


def train_conversation_model(args, settings: dict, output: Path, resume: str | None) -> None:
    """MultiEMO on a dialogue-level corpus (meld, iemocap): text features are computed (and cached)
    by train_multiemo; other modalities must already be columns of the corpus."""
    from hf_emotion.training.conversation import MultiEmoTrainingSetup, train_multiemo

    if is_data_file(args.data):
        raise ValueError("MultiEMO trains on a dialogue corpus (--data meld or --data iemocap), not on a text file")
    setup = make_setup(MultiEmoTrainingSetup, settings)
    dataset, data_info = load_data(args)
    record = train_multiemo(dataset, output, setup, resume_from_checkpoint=resume)
    record_path = output / "training_record.json"
    saved = json.loads(record_path.read_text())
    saved["data"] = data_info
    record_path.write_text(json.dumps(saved, indent=2, sort_keys=True, default=float) + "\n")
    dev = {k: v for k, v in (record.get("dev_metrics") or {}).items() if isinstance(v, (int, float))}
    print(f"\ntrained multiemo; saved to {output}; dev: " + ", ".join(f"{k} {v:.4f}" for k, v in dev.items()))


def check_config_overrides(config_class, overrides: dict) -> None:
    """transformers configs keep any unknown keyword silently; a typo here would train the default."""
    import inspect

    known = set(inspect.signature(config_class.__init__).parameters) - {"self", "kwargs"}
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise ValueError(f"--config {unknown[0]}: not a {config_class.__name__} field; known: {', '.join(sorted(known))}")


def make_setup(setup_class, settings: dict):
    """The training setup with --set overrides; an unknown field is named with the known ones."""
    known = {f.name for f in dataclasses.fields(setup_class)}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ValueError(f"--set {unknown[0]}: not a training setting; known: {', '.join(sorted(known))}")
    cli_defaults = {"progress_bar": True}  # a person at a terminal wants to see training move
    return setup_class(**{**{k: v for k, v in cli_defaults.items() if k in known}, **settings})


def cmd_evaluate(args) -> None:
    clf = load_pipeline(args.model)
    dataset, data_info = load_data(args)
    model_dir = Path(resolve_model(args.model))
    output = Path(args.output) if args.output else (model_dir if model_dir.is_dir() else Path(".")) / f"evaluation_{args.split}.json"
    evaluate_split(clf, dataset, args.split, data_info, output, args.batch_size)


def read_texts(args):
    """Texts from the arguments, else --file (one per line), else standard input (one per line)."""
    if args.texts and args.file:
        raise ValueError("give texts as arguments or --file, not both")
    if args.texts:
        return list(args.texts)
    if args.file:
        path = Path(args.file)
        if not path.is_file():
            raise FileNotFoundError(f"--file {path} does not exist")
        return [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if sys.stdin.isatty():
        raise ValueError("no texts: give them as arguments, with --file FILE (one per line), or on standard input")
    return [line.rstrip("\n") for line in sys.stdin if line.strip()]


def cmd_predict(args) -> None:
    clf = load_pipeline(args.model)
    texts = read_texts(args)
    options = {"batch_size": args.batch_size}
    if args.threshold is not None:
        try:
            cut = [float(value) for value in args.threshold.split(",")]
        except ValueError:
            raise ValueError(f"--threshold {args.threshold!r}: expected a number or comma-separated numbers") from None
        options["threshold"] = cut[0] if len(cut) == 1 else cut
    if args.top_k is not None:
        options["top_k"] = args.top_k
    if args.all_scores:
        options["return_all_scores"] = True
    outputs = clf((t for t in texts), **options)
    rows = []
    for text, out in zip(texts, outputs):
        if args.format == "jsonl":
            print(json.dumps({"text": text, "labels": out}, ensure_ascii=False), flush=True)
        else:
            rows.append([text if len(text) <= 60 else text[:57] + "...", emotions_cell(out)])
    if args.format == "table":
        print(table(rows, ["text", "emotions (score)"]))


def cmd_explain(args) -> None:
    import torch

    clf = load_pipeline(args.model)
    inputs = clf.preprocess(args.text)
    with torch.no_grad():
        out = clf.model(**inputs, output_attentions=True)
    config = clf.model.config
    labels = [config.id2label[i] for i in range(config.num_labels)]
    scores = out.scores[0].tolist()
    predicted = {o["label"] for o in clf.postprocess({"scores": out.scores})}
    print(table([[n, s, config.thresholds[i], "yes" if n in predicted else ""] for i, (n, s) in enumerate(zip(labels, scores))],
                ["label", "score", "threshold", "predicted"]))
    latent, attention = getattr(out, "latent_distribution", None), getattr(out, "memory_attention", None)
    if latent is None or attention is None:
        print(f"\n{config.model_type} has no latent distribution or memory attention to draw (LEM has)")
        return
    words = clf.tokenizer.convert_ids_to_tokens(inputs["input_ids"][0].tolist())
    z = latent[0].tolist()
    weights = attention[0, -1].numpy()  # last hop: (K, words)
    print("\nlatent emotion distribution Z:")
    print(z_table(labels, z))
    stem = Path(args.output)
    stem.parent.mkdir(parents=True, exist_ok=True)
    png, html = draw_explanation(words, labels, z, scores, predicted, weights, stem, args.text)
    print(f"\nheat map: {png}\nhtml: {html}")


def draw_explanation(words, labels, z, scores, predicted, weights, stem: Path, text: str) -> tuple[Path, Path]:
    """LEM's picture (paper, Figure 4): Z per emotion beside each emotion memory's attention over the words."""
    import html as html_lib

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    png, page = Path(f"{stem}.png"), Path(f"{stem}.html")
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(2.5 + 0.6 * len(words), 0.45 * len(labels) + 1.8), gridspec_kw={"width_ratios": [1, max(len(words), 2) / 2]}
    )
    rows = range(len(labels))
    left.barh(rows, z, color=["tab:red" if n in predicted else "tab:grey" for n in labels])
    left.set_yticks(list(rows), labels)
    left.invert_yaxis()
    left.set_xlabel("Z")
    image = right.imshow(weights, aspect="auto", cmap="Reds", vmin=0)
    right.set_xticks(range(len(words)), words, rotation=45, ha="right")
    right.set_yticks([])
    right.set_title("memory attention over the words (last hop)")
    fig.colorbar(image, ax=right, fraction=0.03)
    fig.suptitle(text if len(text) <= 90 else text[:87] + "...", fontsize=9)
    fig.tight_layout()
    fig.savefig(png, dpi=120)
    plt.close(fig)

    top = float(weights.max()) or 1.0
    cells = []
    for i, name in enumerate(labels):
        spans = "".join(
            f'<td style="background: rgba(200,30,30,{w / top:.2f})">{html_lib.escape(word)}</td>' for word, w in zip(words, weights[i])
        )
        mark = "<b>" if name in predicted else ""
        cells.append(f"<tr><th>{mark}{html_lib.escape(name)}</th><td>{z[i]:.3f}</td><td>{scores[i]:.3f}</td>{spans}</tr>")
    page.write_text(
        "<!doctype html><meta charset='utf-8'><title>hf-emotion explain</title>"
        f"<p>{html_lib.escape(text)}</p><table style='border-collapse: collapse'>"
        "<tr><th>emotion</th><th>Z</th><th>score</th><th colspan='99'>memory attention (last hop)</th></tr>"
        + "".join(cells) + "</table><p>Bold: predicted. Darker: more attention.</p>\n",
        encoding="utf-8",
    )
    return png, page


def cmd_export(args) -> None:
    from hf_emotion.hub import export, upload_files

    folder = export(args.model, args.output, results=args.results, repo_id=args.repo_id,
                    template=args.card_template, overwrite=args.overwrite)
    print(f"exported to {folder}: {', '.join(upload_files(folder))}")
    print(f'load it with: pipeline("emotion-multilabel", model="{folder}")')


def cmd_push(args) -> None:
    from hf_emotion.hub import push, upload_files

    files = upload_files(args.folder)
    if args.dry_run:
        print("\n".join(files))
        return
    info = push(args.folder, args.repo_id, private=args.private, token=args.token)
    print(f"uploaded {len(files)} files to {getattr(info, 'commit_url', args.repo_id)}")


def cmd_demo(args) -> None:
    import torch

    clf = load_pipeline(args.model)
    results = clf(DEMO_TEXTS)
    print(table([[t, emotions_cell(out)] for t, out in zip(DEMO_TEXTS, results)], ["text", "emotions (score)"]))
    with torch.no_grad():
        out = clf.model(**clf.preprocess(DEMO_TEXTS[0]))
    latent = getattr(out, "latent_distribution", None)
    if latent is not None:
        config = clf.model.config
        print(f'\nlatent emotion distribution Z of "{DEMO_TEXTS[0]}":')
        print(z_table([config.id2label[i] for i in range(config.num_labels)], latent[0].tolist()))


# ----------------------------------------------------------------------------- parser and entry point


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hf-emotion",
        description="Emotion recognition with LEM, DATN and MultiEMO as Hugging Face models.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="examples (your own data; see docs/usage.md):\n"
               "  hf-emotion train --model lem --data my.csv --output runs/lem\n"
               "  hf-emotion evaluate --model runs/lem --data my.csv\n"
               "  hf-emotion predict --model runs/lem \"what a day\" \"so proud of you\"\n"
               "  hf-emotion export --model runs/lem --output hub/my-lem --results runs/lem/evaluation_test.json\n"
               "  hf-emotion demo",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and library logs")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    model_help = "checkpoint folder or Hub id (default: the embedded LEM checkpoint)"

    train = sub.add_parser("train", help="train a model on a named corpus or your own CSV/TSV/JSONL",
                           description="Train LEM or DATN; model selection and thresholds use the validation split.")
    train.add_argument("--model", required=True, help="model type: lem or datn")
    add_data_arguments(train)
    train.add_argument("--output", required=True, help="folder for the checkpoint, its record and the dev report")
    train.add_argument("--set", action="append", metavar="KEY=VALUE",
                       help="training setting, e.g. --set epochs=5 --set vectors=glove.txt (repeatable)")
    train.add_argument("--config", action="append", metavar="KEY=VALUE",
                       help="model config override, e.g. --config num_hops=2 (repeatable)")
    train.add_argument("--source", default="semeval2016_task4a", help="DATN: the sentiment corpus it transfers from")
    train.add_argument("--source-dir", help="DATN: folder of the sentiment corpus")
    train.add_argument("--batch-size", type=int, default=64, help="batch size of the final dev evaluation")
    train.add_argument("--resume", nargs="?", const=True, metavar="CHECKPOINT",
                       help="continue an interrupted run with the same arguments: from the newest checkpoint "
                            "whose save finished under <output>/checkpoints, or from the CHECKPOINT folder given")
    train.set_defaults(run=cmd_train)

    evaluate = sub.add_parser("evaluate", help="metrics, per-label F1 chart and threshold curves on a split",
                              description="Score a split with the checkpoint's decision rule; write JSON and PNGs.")
    evaluate.add_argument("--model", help=model_help)
    add_data_arguments(evaluate)
    evaluate.add_argument("--split", default="test", help="split to evaluate (default: test)")
    evaluate.add_argument("--output", help="metrics JSON path (default: <model>/evaluation_<split>.json)")
    evaluate.add_argument("--batch-size", type=int, default=64)
    evaluate.set_defaults(run=cmd_evaluate)

    predict = sub.add_parser("predict", help="emotions of texts given as arguments, in a file, or on stdin")
    predict.add_argument("texts", nargs="*", help="texts to classify")
    predict.add_argument("--model", help=model_help)
    predict.add_argument("--file", help="a text file, one text per line")
    predict.add_argument("--format", choices=("table", "jsonl"), default="table", help="table (default) or JSON lines")
    predict.add_argument("--threshold", help="one threshold (0.3), or one per label separated by commas (0.3,0.5,0.4)")
    predict.add_argument("--top-k", type=int, help="the k highest-scoring labels (with --threshold: at most k above it)")
    predict.add_argument("--all-scores", action="store_true", help="every label with its score")
    predict.add_argument("--batch-size", type=int, default=32)
    predict.set_defaults(run=cmd_predict)

    explain = sub.add_parser("explain", help="one text: predictions, LEM's latent distribution Z and memory attention heat map")
    explain.add_argument("text")
    explain.add_argument("--model", help=model_help)
    explain.add_argument("--output", default="explanation", help="path prefix of the PNG and HTML (default: explanation)")
    explain.set_defaults(run=cmd_explain)

    export = sub.add_parser("export", help="write a checkpoint as a Hub model repo (code, card, auto_map)")
    export.add_argument("--model", required=True, help="checkpoint folder (from train)")
    export.add_argument("--output", required=True, help="new folder for the Hub repo")
    export.add_argument("--results", help="results JSON for the card (e.g. from evaluate; see model_cards/README.md)")
    export.add_argument("--repo-id", help="Hub name shown in the card (default: the output folder name)")
    export.add_argument("--card-template", help="template name in model_cards/ (default: chosen by model and data)")
    export.add_argument("--overwrite", action="store_true", help="replace a non-empty output folder")
    export.set_defaults(run=cmd_export)

    push = sub.add_parser("push", help="upload an exported folder to the Hugging Face Hub")
    push.add_argument("folder")
    push.add_argument("repo_id", help="e.g. your-name/lem-semeval18")
    push.add_argument("--private", action="store_true")
    push.add_argument("--token", help="Hub token (default: $HF_TOKEN or `hf auth login`)")
    push.add_argument("--dry-run", action="store_true", help="list the files that would be uploaded")
    push.set_defaults(run=cmd_push)

    demo = sub.add_parser("demo", help="predictions and Z for a few example sentences")
    demo.add_argument("--model", help=model_help)
    demo.set_defaults(run=cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    import transformers

    args = build_parser().parse_args(argv)
    verbosity, bars = transformers.logging.get_verbosity(), transformers.logging.is_progress_bar_enabled()
    if not args.debug:  # only our own output and progress bars: no weight-loading bars or library warnings
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
    try:
        args.run(args)
    except KeyboardInterrupt:
        print(f"hf-emotion {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # one clear line for the user; --debug shows where
        if args.debug:
            raise
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"hf-emotion {args.command}: error: {message}", file=sys.stderr)
        return 1
    finally:  # main() may run inside a longer Python session
        transformers.logging.set_verbosity(verbosity)
        if bars:
            transformers.logging.enable_progress_bar()
    return 0


if __name__ == "__main__":
    sys.exit(main())
