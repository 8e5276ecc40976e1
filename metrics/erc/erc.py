# One import per line: evaluate's import scanner misreads "import a, b".
import datasets
import evaluate
from hf_emotion.evaluation import erc_metrics

_CITATION = """\
@inproceedings{shi2023multiemo,
  title={MultiEMO: An Attention-Based Correlation-Aware Multimodal Fusion Framework for Emotion Recognition in Conversations},
  author={Shi, Tao and Huang, Shao-Lun},
  booktitle={Proceedings of the 61st Annual Meeting of the Association for Computational Linguistics}, year={2023}
}
"""

_DESCRIPTION = """\
Emotion recognition in conversations: accuracy, weighted-F1 (MultiEMO's headline metric),
macro-F1, per-class F1 and the confusion matrix over all labelled utterances. Padding labels
(ignore_index, -100 by default) are left out. Computed by hf_emotion.evaluation.erc_metrics.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: predicted class ids: one list per conversation, or one id per utterance.
    references: gold class ids in the same layout; ignore_index marks padding.
    num_classes: number of classes (else len(label_names), else inferred from the ids).
    label_names: class names, keys of per_class_f1.
    ignore_index: label value to leave out (default -100).
Returns:
    accuracy, macro_f1, weighted_f1 (floats), per_class_f1 (name -> F1), confusion_matrix
    (rows gold, columns predicted).
Examples:
    >>> import evaluate
    >>> from hf_emotion import metric_path
    >>> metric = evaluate.load(metric_path("erc"))
    >>> results = metric.compute(predictions=[[0, 1, 1], [2, 0]], references=[[0, 1, 2], [2, -100]])
    >>> results["accuracy"], results["confusion_matrix"]
    (0.75, [[1, 0, 0], [0, 1, 0], [0, 1, 1]])
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Erc(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=[
                datasets.Features(
                    {
                        "predictions": datasets.Sequence(datasets.Value("int64")),
                        "references": datasets.Sequence(datasets.Value("int64")),
                    }
                ),
                datasets.Features({"predictions": datasets.Value("int64"), "references": datasets.Value("int64")}),
            ],
        )

    def _compute(self, predictions, references, num_classes=None, label_names=None, ignore_index=-100):
        return erc_metrics(
            references, predictions, num_classes=num_classes, label_names=label_names, ignore_index=ignore_index
        )
