"""build_compute_metrics: reads the decision rule from the config and finds the scores in the Trainer's tuple."""

import numpy as np
import pytest
from transformers import EvalPrediction, PretrainedConfig

from hf_emotion.evaluation import build_compute_metrics, multilabel_metrics

RNG = np.random.default_rng(0)
GOLD = (RNG.random((20, 3)) < 0.4).astype(np.float32)
SCORES = RNG.random((20, 3))
LOGITS = np.log(SCORES / (1 - SCORES))


def config(**kwargs):
    return PretrainedConfig(id2label={0: "joy", 1: "anger", 2: "fear"}, **kwargs)


def test_uses_config_thresholds_read_at_call_time():
    cfg = config(thresholds=[0.2, 0.5, 0.8])
    compute = build_compute_metrics(cfg)
    results = compute(EvalPrediction(predictions=(LOGITS, SCORES), label_ids=GOLD))
    assert results == multilabel_metrics(GOLD, SCORES, threshold=[0.2, 0.5, 0.8])
    assert all(type(value) is float for value in results.values())
    assert {"micro_f1", "macro_f1", "jaccard", "hamming_loss", "lrap"} <= results.keys()
    cfg.thresholds = [0.9, 0.9, 0.9]
    later = compute(EvalPrediction(predictions=(LOGITS, SCORES), label_ids=GOLD))
    assert later["micro_f1"] == multilabel_metrics(GOLD, SCORES, threshold=0.9)["micro_f1"]


def test_defaults_to_half_and_accepts_a_bare_scores_array():
    compute = build_compute_metrics(config(), degenerate="exclude")
    results = compute(EvalPrediction(predictions=SCORES, label_ids=GOLD))
    assert results == multilabel_metrics(GOLD, SCORES, threshold=0.5, degenerate="exclude")


def test_scores_index_selects_another_element():
    compute = build_compute_metrics(config(), scores_index=0)
    assert compute(EvalPrediction(predictions=(SCORES, LOGITS), label_ids=GOLD))["micro_f1"] == pytest.approx(
        multilabel_metrics(GOLD, SCORES)["micro_f1"]
    )


@pytest.mark.parametrize(
    ("predictions", "thresholds", "message"),
    [
        ((LOGITS, SCORES), [0.5, 0.5], r"config.thresholds has 2 values but config.num_labels is 3"),
        ((LOGITS, SCORES[:, :2]), None, r"predictions\[1\] has shape \(20, 2\) but config.num_labels is 3"),
        ((SCORES, LOGITS), None, r"predictions\[1\] must be probabilities .* not its logits"),
        ((SCORES,), None, "scores_index=1 but predictions has 1 elements"),
    ],
)
def test_bad_input_names_what_is_wrong(predictions, thresholds, message):
    compute = build_compute_metrics(config(thresholds=thresholds))
    with pytest.raises(ValueError, match=message):
        compute(EvalPrediction(predictions=predictions, label_ids=GOLD))
