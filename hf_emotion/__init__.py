"""hf_emotion: LEM, DATN and MultiEMO as Hugging Face models.

Importing the package registers every model with the Auto classes and every pipeline
task with transformers (see `hf_emotion.registry`).
"""

from .data import export_parquet, list_datasets, load_dataset
from .hub import export, push
from .paths import data_root, metric_path
from .registry import register_all

__version__ = "0.1.0"

register_all()

__all__ = ["__version__", "data_root", "export", "export_parquet", "list_datasets", "load_dataset", "metric_path", "push"]
