# One import per line: evaluate's import scanner misreads "import a, b".
import datasets
import evaluate
from hf_emotion.evaluation import distribution_metrics

_CITATION = """\
@article{geng2016label,
  title={Label Distribution Learning},
  author={Geng, Xin},
  journal={IEEE Transactions on Knowledge and Data Engineering},
  volume={28}, number={7}, pages={1734--1748}, year={2016}
}
@inproceedings{fei2020latent,
  title={Latent Emotion Memory for Multi-Label Emotion Classification},
  author={Fei, Hao and Zhang, Yue and Ren, Yafeng and Ji, Donghong},
  booktitle={Proceedings of the AAAI Conference on Artificial Intelligence}, year={2020}
}
"""

_DESCRIPTION = """\
Distances between gold and predicted emotion distributions, averaged over examples: Euclidean,
squared chi-square and KL(gold || predicted) as in LEM Table 5, plus Chebyshev (lower is better),
cosine and intersection similarity (higher is better). Computed by
hf_emotion.evaluation.distribution_metrics.
"""

_KWARGS_DESCRIPTION = """
Args:
    predictions: predicted distribution per example (K non-negative floats).
    references: gold distribution per example (for instance normalised emotion intensities).
    normalize: divide each row by its sum first (default False: rows must already sum to 1).
    atol: tolerance of the sum-to-1 check (default 1e-6).
Returns:
    euclidean, squared_chi2, kl, chebyshev, cosine, intersection (floats).
Examples:
    >>> import evaluate
    >>> from hf_emotion import metric_path
    >>> metric = evaluate.load(metric_path("emotion_distribution"))
    >>> results = metric.compute(predictions=[[0.5, 0.5]], references=[[1.0, 0.0]])
    >>> results["chebyshev"], results["intersection"]
    (0.5, 0.5)
"""


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS_DESCRIPTION)
class EmotionDistribution(evaluate.Metric):
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
        )

    def _compute(self, predictions, references, normalize=False, atol=1e-6):
        return distribution_metrics(references, predictions, normalize=normalize, atol=atol)
