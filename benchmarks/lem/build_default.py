"""Copy the best-dev LEM run of reproduce.py into the package as the embedded default checkpoint.

    python benchmarks/lem/build_default.py [--variant lem]

Chooses among the seeds by dev micro-F1 (never by test), copies the model, tokenizer and
training record (not the intermediate Trainer checkpoints) to hf_emotion/checkpoints/lem-semeval18,
and renders its model card from the run's record and benchmarks/results/lem_semeval18.json.
"""

import argparse
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = ROOT / "benchmarks" / "out" / "lem"
TARGET = ROOT / "hf_emotion" / "checkpoints" / "lem-semeval18"
FILES = ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
         "training_record.json")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", default="lem")
    args = parser.parse_args()
    runs = [(json.loads(p.read_text()), p.parent) for p in RUNS.glob(f"{args.variant}-*/run.json")]
    if not runs:
        raise SystemExit(f"no {args.variant} runs under {RUNS}: run benchmarks/lem/reproduce.py first")
    best, folder = max(runs, key=lambda item: item[0]["dev"]["micro_f1"])
    if TARGET.exists():
        shutil.rmtree(TARGET)
    TARGET.mkdir(parents=True)
    for name in FILES:
        if (folder / name).is_file():
            shutil.copy2(folder / name, TARGET / name)
    print(f"copied {folder.name} (dev micro-F1 {best['dev']['micro_f1']:.4f}, seed {best['seed']}) to {TARGET}")
    from hf_emotion.cards import render_card

    render_card(TARGET, results=ROOT / "benchmarks" / "results" / "lem_semeval18.json").save(TARGET / "README.md")


if __name__ == "__main__":
    main()
