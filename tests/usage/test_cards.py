import json

import pytest
from huggingface_hub import ModelCard

from hf_emotion.cards import NOT_MEASURED, render_card

RESULTS = {
    "dataset": {"id": "semeval2018_ec", "name": "SemEval-2018 Task 1 E-c (English)", "config": "english", "split": "test"},
    "metrics": {"test": {"jaccard": 0.5512, "micro_f1": 0.6631, "macro_f1": 0.5012}, "dev": {"jaccard": 0.57}},
    "std": {"test": {"jaccard": 0.0043}},
    "seeds": [1, 2, 3],
    "paper": {"source": "Fei et al. 2020", "metrics": {"micro_f1": 0.675, "macro_f1": 0.567}},
    "baseline": {"name": "BiLSTM", "metrics": {"jaccard": 0.52}},
}
SECTIONS = ["## How to use", "## Intended use", "## Labels and decision rule", "## Training data",
            "## Results", "## Limitations"]


def rendered(checkpoint, tmp_path, results, **kwargs):
    path = tmp_path / "README.md"
    render_card(checkpoint, results=results, repo_id="someone/lem", **kwargs).save(path)
    return ModelCard.load(path)  # parse it back as the Hub does


def test_published_card_carries_the_recorded_numbers(checkpoint, tmp_path):
    (tmp_path / "results.json").write_text(json.dumps(RESULTS))
    card = rendered(checkpoint, tmp_path, tmp_path / "results.json")
    meta = card.data.to_dict()
    assert (meta["library_name"], meta["license"], meta["pipeline_tag"]) == ("transformers", "apache-2.0", "text-classification")
    assert meta["datasets"] == ["semeval2018_ec"] and meta["metrics"] == ["jaccard", "micro_f1", "macro_f1"]
    [index] = meta["model-index"][0]["results"] and meta["model-index"]
    measured = {m["type"]: m["value"] for m in index["results"][0]["metrics"]}
    assert measured == RESULTS["metrics"]["test"]
    assert index["results"][0]["dataset"]["split"] == "test"
    text = card.text
    assert all(section in text for section in SECTIONS + ["## Citation", "fei2020lem"])
    assert "| Jaccard accuracy | 0.5512 ± 0.0043 | – | 0.5200 |" in text
    assert "| Micro F1 | 0.6631 | 0.6750 | – |" in text
    assert "seeds 1, 2, 3" in text
    assert "| 2 | fear | 0.550 |" in text and "per_label" in text and "micro_f1" in text
    assert "| Micro F1 | 0.5000 |" in text  # the dev metrics of training_record.json


def test_missing_results_say_not_measured_and_invent_nothing(checkpoint, tmp_path):
    card = rendered(checkpoint, tmp_path, tmp_path / "absent.json", template="lem-semeval18")
    assert "model-index" not in card.data.to_dict()
    assert f"Test results: {NOT_MEASURED}." in card.text
    assert "0.675" not in card.text


def test_user_trained_model_gets_the_generic_card(checkpoint, tmp_path):
    card = rendered(checkpoint, tmp_path, None)
    assert card.text.startswith("\n# someone/lem: LEM")
    assert "multilabel_file (tiny.csv)" in card.text
    assert all(section in card.text for section in SECTIONS)


def test_bad_inputs_are_named(checkpoint, tmp_path):
    (tmp_path / "results.json").write_text("{not json")
    with pytest.raises(ValueError, match="results.json: the results file is not valid JSON"):
        render_card(checkpoint, results=tmp_path / "results.json")
    with pytest.raises(ValueError, match="no model card template 'nope'.*available: .*lem-semeval18"):
        render_card(checkpoint, template="nope")
