# One import per line: evaluate's import scanner misreads "import a, b".
import datasets
import evaluate
from hf_emotion.evaluation import multilabel_metrics

_CITATION = """\
@article{zhang2014review,
  title={A Review on Multi-Label Learning Algorithms},
  author={Zhang, Min-Ling and Zhou, Zhi-Hua},
  journal={IEEE Transactions on Knowledge and Data Engineering},
  volume={26}, number={8}, pages={1819--1837}, year={2014}
}
@inproceedings{mohammad2018semeval,
  title={SemEval-2018 Task 1: Affect in Tweets},
  author={Mohammad, Saif and Bravo-Marquez, Felipe and Salameh, Mohammad and Kiritchenko, Svetlana},
  booktitle={Proceedings of the 12th International Workshop on Semantic Evaluation}, year={2018}
}
"""

_DESCRIPTION = """\
Multi-label classification and ranking metrics from gold indicator rows and per-label scores:
example-based (Hamming loss, subset accuracy, SemEval-2018 E-c Jaccard accuracy, example F1),
label-based (micro/macro/weighted precision, recall, F1; per label on request) and ranking
(ranking loss, one-error, coverage error, LRAP = example-based average precision, macro AP).
Computed by hf_emotion.evaluation.multilabel_metrics, the same function the Trainer and the
benchmarks use.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: per-label scores, one list of K floats per example (or 0/1 decisions with binary=True).
    references: gold indicators, one list of K 0/1 values per example.
    threshold: float or list of K floats; a label is predicted when score >= threshold (default 0.5).
    top_k: predict each row's k highest-scored labels instead of thresholding.
    binary: predictions are already 0/1 decisions (ranking metrics are then left out).
    degenerate: "sklearn" (default) or "exclude": how gold rows with no positive or no negative
        label enter the ranking metrics (see the metric card).
    zero_division: value of an undefined precision/recall/F1 (default 0.0, as scikit-learn).
    per_label: also return "per_label" (precision, recall, f1, support, average_precision per label).
    cardinality: also return "by_cardinality" (metrics by number of gold labels per row).
    cardinality_cap: merge rows with at least this many gold labels into one group.
    label_names: names for the per-label table.
Returns:
    dict of floats: hamming_loss, subset_accuracy, jaccard, example_f1, micro_/macro_/weighted_
    precision, recall, f1, and from scores ranking_loss, one_error, coverage_error, lrap, macro_ap,
    degenerate_rows; plus per_label / by_cardinality when asked.
Examples:
    >>> import evaluate
    >>> from hf_emotion import metric_path
    >>> metric = evaluate.load(metric_path("multilabel"))
    >>> results = metric.compute(predictions=[[0.9, 0.2], [0.4, 0.7]], references=[[1, 0], [1, 1]])
    >>> results["micro_f1"], results["jaccard"], results["lrap"]
    (0.8, 0.75, 1.0)
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class Multilabel(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation=_CITATION,
            inputs_description=_KWARGS_DESCRIPTION,
            features=datasets.Features(
                {
                    "predictions": datasets.Sequence(datasets.Value("float64")),
                    "references": datasets.Sequence(datasets.Value("float64")),
                }
            ),
            reference_urls=["https://scikit-learn.org/stable/modules/model_evaluation.html#multilabel-ranking-metrics"],
        )

    def _compute(
        self,
        predictions,
        references,
        threshold=None,
        top_k=None,
        binary=False,
        degenerate="sklearn",
        zero_division=0.0,
        per_label=False,
        cardinality=False,
        cardinality_cap=None,
        label_names=None,
    ):
        options = dict(
            degenerate=degenerate,
            zero_division=zero_division,
            per_label=per_label,
            cardinality=cardinality,
            cardinality_cap=cardinality_cap,
            label_names=label_names,
        )
        if binary:
            return multilabel_metrics(references, y_pred=predictions, **options)
        return multilabel_metrics(references, predictions, threshold=threshold, top_k=top_k, **options)
