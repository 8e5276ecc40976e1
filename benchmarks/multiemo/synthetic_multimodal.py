"""Synthetic conversations in which the emotion is recoverable only by combining modalities.

Each turn t of a dialogue has
- text: a noisy code for a key k_t (keys are a permutation of 0..T-1 within the dialogue),
- audio: a noisy code for a key a_t and a bit v_t (the audio keys are another permutation),
- visual: a noisy code for a bit w_t,
and the label y_t = 2 * v_s + w_t, where s is the turn whose *audio* key equals turn t's *text* key.
Text alone, audio alone and text+audio carry no information about w; visual alone gives only w
(50 % accuracy at best); only a model that matches the text key against the other turns' audio keys
and adds the visual bit gets near 100 %. Concatenating per-turn states (the paper's "w/o MultiAttn"
ablation) cannot look up another turn's audio by the text key; MultiAttn's cross-attention can.

Every variant has the same sizes, context encoder and training budget; test weighted-F1 of the
dev-best epoch, mean and std over seeds.

    python benchmarks/multiemo/synthetic_multimodal.py --seeds 0 1 2
"""

from __future__ import annotations

import argparse
import copy
import json
import time
from pathlib import Path

import numpy as np
import torch

from hf_emotion.evaluation import erc_metrics
from hf_emotion.models.multiemo import MultiEmoConfig, MultiEmoForConversationClassification

ROOT = Path(__file__).resolve().parents[2]
DIM = 16
VARIANTS = {
    "text": dict(modalities=["text"]),
    "audio": dict(modalities=["audio"]),
    "visual": dict(modalities=["visual"]),
    "text+audio": dict(modalities=["text", "audio"]),
    "full (text+audio+visual)": dict(modalities=["text", "audio", "visual"]),
    "w/o MultiAttn": dict(modalities=["text", "audio", "visual"], use_multiattn=False),
    "w/o SWFC": dict(modalities=["text", "audio", "visual"], use_swfc=False),
}


def make_split(num_dialogues: int, turns: int, noise: float, seed: int) -> dict[str, torch.Tensor]:
    """Dialogues of `turns` turns as padded model inputs (every dialogue has the same length)."""
    rng = np.random.default_rng(seed)
    codes = np.random.default_rng(1234).standard_normal((3, turns + 2, DIM))  # fixed code books (text keys, audio keys, bits)
    text_keys = np.stack([rng.permutation(turns) for _ in range(num_dialogues)])
    audio_keys = np.stack([rng.permutation(turns) for _ in range(num_dialogues)])
    v = rng.integers(0, 2, (num_dialogues, turns))
    w = rng.integers(0, 2, (num_dialogues, turns))
    source = np.argsort(audio_keys, axis=1)[np.arange(num_dialogues)[:, None], text_keys]  # turn whose audio key = text key
    labels = 2 * np.take_along_axis(v, source, 1) + w
    bit_codes = codes[2, :2]
    text = codes[0][text_keys]
    audio = codes[1][audio_keys] + bit_codes[v] * 0.7
    visual = bit_codes[w]
    feats = {m: x + noise * rng.standard_normal(x.shape) for m, x in (("text", text), ("audio", audio), ("visual", visual))}
    out = {f"{m}_features": torch.tensor(x, dtype=torch.float32) for m, x in feats.items()}
    out["speaker_ids"] = torch.tensor(np.tile(np.arange(turns) % 2, (num_dialogues, 1)))
    out["attention_mask"] = torch.ones(num_dialogues, turns, dtype=torch.long)
    out["labels"] = torch.tensor(labels)
    return out


def evaluate(model, data) -> dict:
    model.eval()
    inputs = {k: v for k, v in data.items() if k != "labels" and (not k.endswith("_features") or k[:-9] in model.config.modalities)}
    with torch.no_grad():
        logits = model(**inputs).logits
    return erc_metrics(data["labels"].numpy(), logits.numpy(), num_classes=4)


def train_variant(name: str, overrides: dict, splits: dict, seed: int, epochs: int, batch_size: int, context_encoder: str) -> dict:
    torch.manual_seed(seed)
    config = MultiEmoConfig(
        input_dims={"text": DIM, "audio": DIM, "visual": DIM},
        hidden_size=32,
        num_attention_heads=4,
        multiattn_ffn_size=64,
        fusion_size=32,
        classifier_hidden_size=64,
        num_multiattn_layers=2,
        context_encoder=context_encoder,
        dropout=0.1,
        id2label={i: f"class{i}" for i in range(4)},
        **overrides,
    )
    model = MultiEmoForConversationClassification(config)
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3, weight_decay=1e-5)
    train = splits["train"]
    n = len(train["labels"])
    keep = [k for k in train if not k.endswith("_features") or k[:-9] in config.modalities]
    best, best_state, history = -1.0, None, []
    generator = torch.Generator().manual_seed(seed)
    start = time.time()
    for epoch in range(epochs):
        model.train()
        for idx in torch.randperm(n, generator=generator).split(batch_size):
            loss = model(**{k: train[k][idx] for k in keep}).loss
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        dev = evaluate(model, splits["validation"])["weighted_f1"]
        history.append(round(dev, 4))
        if dev > best:
            best, best_state = dev, copy.deepcopy(model.state_dict())
    model.load_state_dict(best_state)
    test = evaluate(model, splits["test"])
    return {"variant": name, "seed": seed, "dev_weighted_f1": best, "test_weighted_f1": test["weighted_f1"],
            "test_accuracy": test["accuracy"], "dev_history": history, "seconds": round(time.time() - start, 1)}  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--turns", type=int, default=6)
    parser.add_argument("--train-dialogues", type=int, default=1500)
    parser.add_argument("--noise", type=float, default=0.5)
    parser.add_argument("--batch-size", type=int, default=50)
    parser.add_argument("--context-encoder", default="none", choices=["none", "unidirectional", "bidirectional"])
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    runs = []
    for seed in args.seeds:
        splits = {
            split: make_split(size, args.turns, args.noise, seed * 10 + offset)
            for offset, (split, size) in enumerate((("train", args.train_dialogues), ("validation", 300), ("test", 300)))
        }
        for name in args.variants:
            run = train_variant(name, VARIANTS[name], splits, seed, args.epochs, args.batch_size, args.context_encoder)
            runs.append(run)
            print(json.dumps({k: v for k, v in run.items() if k != "dev_history"}), flush=True)
    summary = {
        name: {
            "test_weighted_f1_mean": float(np.mean([r["test_weighted_f1"] for r in runs if r["variant"] == name])),
            "test_weighted_f1_std": float(np.std([r["test_weighted_f1"] for r in runs if r["variant"] == name])),
        }
        for name in args.variants
    }
    record = {"benchmark": "MultiEMO on synthetic conversations that need all three modalities", "settings": vars(args),
              "summary": summary, "runs": runs}  # fmt: skip
    out = ROOT / "benchmarks" / "results" / "multiemo_synthetic_multimodal.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
