"""Datasets for hf_emotion: builders in dataset_scripts/ driven by `load_dataset`, and a Hub-ready export.

    from hf_emotion.data import load_dataset, export_parquet
    ds = load_dataset("semeval2018_ec", config_name="english")   # real corpus under $HF_EMOTION_DATA
    export_parquet(ds, "out/semeval2018_ec", name="semeval2018_ec")
"""

from .export import export_parquet
from .loading import list_datasets, load_dataset
from .readers import DataFormatError

__all__ = ["DataFormatError", "export_parquet", "list_datasets", "load_dataset"]
