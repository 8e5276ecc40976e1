"""`hf-emotion` as a new user runs it: train LEM on a CSV with labels it has never seen, evaluate,
export, load the export with `pipeline`; and every kind of bad input gives one line and status 1."""

import io
import json
import random

import pytest
import torch
from transformers import pipeline

from hf_emotion.cli import main

from .conftest import copy_checkpoint

CUES = {"delight": ["happy", "glad", "smile", "great"], "rage": ["angry", "furious", "hate", "mad"],
        "dread": ["scared", "afraid", "terrified", "worried"]}
FILLER = ["today", "the", "game", "my", "work", "is", "so", "really", "this", "morning"]
TINY_LEM = ["--config", "vae_hidden_size=8", "--config", "led_dim=8", "--config", "num_memory_slots=4",
            "--config", "attention_dim=8", "--config", "gru_hidden_size=8", "--config", "num_hops=1"]


def write_user_data(folder):
    rng = random.Random(0)
    rows = ["text,delight,rage,dread"]
    for _ in range(80):
        labels = [name for name in CUES if rng.random() < 0.4] or [rng.choice(list(CUES))]
        words = rng.sample(FILLER, 3) + [rng.choice(CUES[name]) for name in labels]
        rows.append(" ".join(words) + "," + ",".join("1" if name in labels else "0" for name in CUES))
    (folder / "feelings.csv").write_text("\n".join(rows) + "\n")
    vocab = sorted({w for words in CUES.values() for w in words} | set(FILLER))
    (folder / "vectors.txt").write_text("".join(f"{w} " + " ".join(f"{rng.gauss(0, 0.5):.3f}" for _ in range(8)) + "\n" for w in vocab))


def run(capsys, *argv):
    status = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    folder = tmp_path_factory.mktemp("user")
    write_user_data(folder)
    args = ["train", "--model", "lem", "--data", folder / "feelings.csv", "--output", folder / "run",
            "--set", f"vectors={folder / 'vectors.txt'}", "--set", "epochs=2", "--set", "vae_pretrain_epochs=1",
            "--set", "batch_size=32", "--set", "save_checkpoints=false", *TINY_LEM]
    assert main([str(a) for a in args]) == 0
    return folder


def test_new_user_flow_train_evaluate_export_pipeline(trained, capsys):
    run_dir = trained / "run"
    config = json.loads((run_dir / "config.json").read_text())
    assert list(config["id2label"].values()) == ["delight", "rage", "dread"]
    assert json.loads((run_dir / "training_record.json").read_text())["data"]["files"] == ["feelings.csv"]
    for name in ("evaluation_validation.json", "evaluation_validation_per_label_f1.png", "evaluation_validation_thresholds.png"):
        assert (run_dir / name).is_file()

    status, out, _ = run(capsys, "evaluate", "--model", run_dir, "--data", trained / "feelings.csv")
    assert status == 0 and "micro_f1" in out and "dread" in out
    results = json.loads((run_dir / "evaluation_test.json").read_text())
    assert results["dataset"]["split"] == "test" and set(results["metrics"]["test"]) >= {"jaccard", "micro_f1"}
    assert (run_dir / "evaluation_test_per_label_f1.png").read_bytes()[:4] == b"\x89PNG"

    status, out, _ = run(capsys, "export", "--model", run_dir, "--output", trained / "hub", "--results", run_dir / "evaluation_test.json",
                         "--repo-id", "me/feelings")
    assert status == 0
    card = (trained / "hub" / "README.md").read_text()
    assert f"value: {round(results['metrics']['test']['micro_f1'], 4)}" in card
    clf = pipeline("emotion-multilabel", model=str(trained / "hub"))
    assert {o["label"] for o in clf("so happy today", return_all_scores=True)} == {"delight", "rage", "dread"}

    status, out, _ = run(capsys, "push", trained / "hub", "me/feelings", "--dry-run")
    assert status == 0 and out.split() == sorted(p.name for p in (trained / "hub").iterdir())


def test_predict_from_arguments_file_and_stdin(checkpoint, tmp_path, capsys, monkeypatch):
    status, out, _ = run(capsys, "predict", "--model", checkpoint, "I am so happy", "what a terrible day")
    assert status == 0 and "I am so happy" in out.splitlines()[2]
    status, out, _ = run(capsys, "predict", "--model", checkpoint, "--threshold", "0,1.01,1.01", "--format", "jsonl", "sad")
    assert [o["label"] for o in json.loads(out)["labels"]] == ["joy"]
    (tmp_path / "texts.txt").write_text("happy happy joy\n\nangry and furious\n")
    status, out, _ = run(capsys, "predict", "--model", checkpoint, "--file", tmp_path / "texts.txt", "--format", "jsonl", "--top-k", "1")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["text"] for line in lines] == ["happy happy joy", "angry and furious"]
    assert all(len(line["labels"]) == 1 for line in lines)
    monkeypatch.setattr("sys.stdin", io.StringIO("scared of the dark\n"))
    status, out, _ = run(capsys, "predict", "--model", checkpoint, "--format", "jsonl", "--all-scores")
    assert len(json.loads(out)["labels"]) == 3


def test_explain_draws_z_and_the_memory_attention(checkpoint, tmp_path, capsys):
    status, out, _ = run(capsys, "explain", "I am so happy and glad", "--model", checkpoint, "--output", tmp_path / "why")
    assert status == 0 and "latent emotion distribution Z" in out
    assert (tmp_path / "why.png").read_bytes()[:4] == b"\x89PNG"
    page = (tmp_path / "why.html").read_text()
    assert page.count("<tr>") == 4 and ">glad</td>" in page


def test_demo(checkpoint, capsys):
    status, out, _ = run(capsys, "demo", "--model", checkpoint)
    assert status == 0 and "latent emotion distribution Z" in out and "#blessed" in out


def broken_inputs(checkpoint, folder):
    (folder / "notes.csv").write_text("sentence,joy\nhello,1\n")
    truncated = copy_checkpoint(checkpoint, folder / "truncated")
    weights = (truncated / "model.safetensors").read_bytes()
    (truncated / "model.safetensors").write_bytes(weights[:-64])
    relabelled = copy_checkpoint(checkpoint, folder / "relabelled")
    config = json.loads((relabelled / "config.json").read_text())
    config.update(id2label={"0": "a", "1": "b"}, label2id={"a": 0, "b": 1}, thresholds=[0.5, 0.5])
    (relabelled / "config.json").write_text(json.dumps(config))
    return {
        "unknown model type": (["train", "--model", "bert", "--data", folder / "notes.csv", "--output", folder / "x"],
                               "unknown model type 'bert'; hf_emotion provides: lem, datn, multiemo"),
        "missing column": (["evaluate", "--model", checkpoint, "--data", folder / "notes.csv"], "no column 'text'"),
        "not a checkpoint": (["predict", "--model", folder, "hi"], "is not a model checkpoint: it has no config.json"),
        "truncated weights": (["predict", "--model", truncated, "hi"], "model.safetensors is truncated or corrupt"),
        "label count": (["predict", "--model", relabelled, "hi"], "the weights do not fit config.json"),
        "no embedded checkpoint": (["demo"], "embedded LEM checkpoint is not built yet"),
    }


def test_bad_input_is_one_line_and_status_1(checkpoint, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("hf_emotion.cli.EMBEDDED", "checkpoints/not-built")
    for name, (argv, message) in broken_inputs(checkpoint, tmp_path).items():
        status, out, err = run(capsys, *argv)
        assert status == 1, name
        assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err, (name, err)
    with pytest.raises(ValueError, match="unknown model type"):
        main(["--debug", "train", "--model", "bert", "--data", str(tmp_path / "notes.csv"), "--output", str(tmp_path / "x")])


def test_help_describes_every_command(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("train", "evaluate", "predict", "explain", "export", "push", "demo"))


def test_train_multiemo_on_a_dialogue_corpus(tmp_path, capsys):
    corpus = tmp_path / "iemocap"
    corpus.mkdir()
    turns = ["A\tI am so happy today.\thap", "B\tThat is great news!\texc", "A\tBut the car broke.\tsad", ""]
    for split, copies in (("train", 4), ("validation", 2), ("test", 2)):
        (corpus / f"{split}.tsv").write_text("\n".join(turns * copies) + "\n")
    status, out, err = run(capsys, "train", "--model", "multiemo", "--data", "iemocap", "--data-dir", corpus,
                           "--data-config", "text", "--output", tmp_path / "run", "--set", "epochs=1",
                           "--set", "batch_size=2", "--config", "hidden_size=16", "--config", "classifier_hidden_size=16",
                           "--config", "fusion_size=16", "--config", "multiattn_ffn_size=16")
    assert status == 0, err
    assert "trained multiemo" in out and "weighted_f1" in out
    record = json.loads((tmp_path / "run" / "training_record.json").read_text())
    assert record["data"] == {"id": "iemocap", "config": "text"}
    assert (tmp_path / "run" / "model.safetensors").is_file()


def test_unknown_config_override_is_named(tmp_path, capsys):
    status, _, err = run(capsys, "train", "--model", "lem", "--data", "semeval2018_ec", "--output", tmp_path / "run",
                         "--config", "num_hopz=2")
    assert status == 1 and "--config num_hopz: not a LemConfig field" in err


def test_train_multiemo_refuses_a_text_file(tmp_path, capsys):
    data = tmp_path / "x.csv"
    data.write_text("text,joy\nhi,1\n")
    status, _, err = run(capsys, "train", "--model", "multiemo", "--data", data, "--output", tmp_path / "run")
    assert status == 1 and "dialogue corpus" in err


def test_train_resume_continues_from_the_newest_complete_checkpoint(trained, tmp_path, capsys, monkeypatch):
    """A run cut after its first epoch's checkpoint, resumed with a bare --resume, runs only the
    second epoch's steps and saves the same model as the run that was never cut."""
    import shutil

    from safetensors.torch import load_file

    from hf_emotion.training.guards import GuardedTrainer

    steps = []
    real_step = GuardedTrainer.training_step
    monkeypatch.setattr(GuardedTrainer, "training_step", lambda self, *a, **k: steps.append(1) or real_step(self, *a, **k))

    def train(output, *extra):
        return run(capsys, "train", "--model", "lem", "--data", trained / "feelings.csv", "--output", output,
                   "--set", f"vectors={trained / 'vectors.txt'}", "--set", "epochs=2", "--set", "vae_pretrain_epochs=1",
                   "--set", "batch_size=32", *TINY_LEM, *extra)

    status, _, err = train(tmp_path / "whole")
    assert status == 0, err
    checkpoints = sorted((tmp_path / "whole" / "checkpoints").iterdir(), key=lambda p: int(p.name.split("-")[1]))
    assert len(checkpoints) == 2
    first_epoch_steps = int(checkpoints[0].name.split("-")[1])
    shutil.copytree(checkpoints[0], tmp_path / "cut" / "checkpoints" / checkpoints[0].name)
    all_steps, steps[:] = len(steps), []
    status, _, err = train(tmp_path / "cut", "--resume")
    assert status == 0, err
    assert len(steps) == all_steps - first_epoch_steps > 0
    whole, cut = (load_file(tmp_path / name / "model.safetensors") for name in ("whole", "cut"))
    assert whole.keys() == cut.keys() and all(torch.equal(whole[k], cut[k]) for k in whole)


def test_train_resume_without_a_checkpoint_is_one_line(trained, tmp_path, capsys):
    status, _, err = run(capsys, "train", "--model", "lem", "--data", trained / "feelings.csv", "--output", tmp_path / "new", "--resume")
    assert status == 1 and f"no complete checkpoint in {tmp_path / 'new' / 'checkpoints'}" in err
