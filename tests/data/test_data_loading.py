"""The driver (load_dataset, list_datasets, cache) and the Hub-ready Parquet export."""

import datasets
import pytest
import yaml
from data_test_helpers import write_lines

from hf_emotion.data import export_parquet, list_datasets, load_dataset
from hf_emotion.data.cards import card_info
from hf_emotion.data.loading import load_builder_module

NAMES = ["iemocap", "meld", "multilabel_file", "ren_cecps", "semeval2016_task4a", "semeval2018_ec"]
EMOTIONS = "anger anticipation disgust fear joy love optimism pessimism sadness surprise trust".split()
HEADER = "\t".join(["ID", "Tweet", *EMOTIONS])


def write_semeval2018(folder, code="En", text="first"):
    for part in ("train", "dev", "test-gold"):
        write_lines(folder / f"2018-E-c-{code}-{part}.txt", [HEADER, f"{code}-{part}-1\t{text}\t" + "\t".join("10000000001")])
    return folder


def test_every_builder_is_listed_with_a_card():
    assert list_datasets() == NAMES
    for name in NAMES:
        info = card_info(load_builder_module(name).__file__, datasets.Features())
        assert info.description and info.license, name
        assert info.citation.startswith("@") or name == "multilabel_file", name


def test_unknown_name_and_option_are_clear(tmp_path):
    with pytest.raises(ValueError, match="unknown dataset 'semeval'; hf_emotion provides: iemocap, meld"):
        load_dataset("semeval", cache_dir=tmp_path)
    with pytest.raises(ValueError, match="doesn't have a 'colour' key"):
        load_dataset("semeval2018_ec", data_dir=tmp_path, cache_dir=tmp_path, colour="red")


def test_default_data_dir_comes_from_hf_emotion_data(tmp_path, monkeypatch, load):
    write_semeval2018(tmp_path / "corpora" / "semeval2018_ec")
    monkeypatch.setenv("HF_EMOTION_DATA", str(tmp_path / "corpora"))
    assert load("semeval2018_ec")["train"]["text"] == ["first"]
    with pytest.raises(FileNotFoundError, match="corpus folder .*meld does not exist"):
        load("meld")


def test_arrow_cache_is_reused_and_refreshed_when_the_data_change(tmp_path, load):
    folder = write_semeval2018(tmp_path / "d")
    first = load("semeval2018_ec", folder)["train"]
    assert load("semeval2018_ec", folder)["train"].cache_files == first.cache_files  # prepared once
    write_semeval2018(folder, text="edited, longer")
    assert load("semeval2018_ec", folder)["train"]["text"] == ["edited, longer"]


def test_export_parquet_folder_loads_with_plain_datasets(tmp_path):
    folder = write_semeval2018(tmp_path / "d")
    write_semeval2018(folder, code="Ar")
    out = tmp_path / "hub"
    cache = tmp_path / "cache"
    export_parquet("semeval2018_ec", out, data_dir=folder, cache_dir=cache)
    export_parquet("semeval2018_ec", out, config_name="arabic", data_dir=folder, cache_dir=cache)

    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.parquet")) == [
        f"data/{sub}{split}-00000-of-00001.parquet" for sub in ("arabic/", "") for split in ("test", "train", "validation")
    ]
    text = (out / "README.md").read_text()
    header = yaml.safe_load(text.split("---")[1])
    assert [c["config_name"] for c in header["configs"]] == ["arabic", "english"]
    assert header["configs"][1]["default"] is True
    info = {i["config_name"]: i for i in header["dataset_info"]}
    labels = next(f for f in info["english"]["features"] if f["name"] == "labels")
    assert list(labels["list"]["class_label"]["names"].values()) == EMOTIONS
    assert {s["name"]: s["num_examples"] for s in info["arabic"]["splits"]} == {"train": 1, "validation": 1, "test": 1}
    assert "## Citation" in text and "license: unknown" in text

    reloaded = datasets.load_dataset(str(out), "arabic", cache_dir=str(tmp_path / "c2"))
    assert reloaded["train"]["id"] == ["Ar-train-1"]
    assert reloaded["train"].features["labels"].feature.names == EMOTIONS
    assert reloaded["train"]["labels"] == [[0, 10]]


def test_export_of_an_in_memory_datasetdict(tmp_path):
    dd = datasets.DatasetDict({"train": datasets.Dataset.from_dict({"text": ["a", "b"]})})
    out = export_parquet(dd, tmp_path / "hub")
    header = yaml.safe_load((out / "README.md").read_text().split("---")[1])
    assert header["configs"] == [{"config_name": "default", "data_files": [{"split": "train", "path": "data/train-*"}], "default": True}]
    assert datasets.load_dataset(str(out), cache_dir=str(tmp_path / "c"))["train"]["text"] == ["a", "b"]
