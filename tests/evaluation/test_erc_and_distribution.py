"""erc_metrics against scikit-learn, distribution_metrics against scipy and by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial import distance
from scipy.special import rel_entr
from sklearn import metrics as sk

from hf_emotion.evaluation import distribution_metrics, erc_metrics

TOL = 1e-12


@st.composite
def padded_batches(draw):
    """Conversation batch (B, T) with -100 padding at the end of each conversation, and predicted ids."""
    n_classes = draw(st.integers(2, 5))
    batch, length = draw(st.integers(1, 4)), draw(st.integers(1, 6))
    labels = draw(arrays(np.int64, (batch, length), elements=st.integers(0, n_classes - 1)))
    lengths = draw(st.lists(st.integers(1, length), min_size=batch, max_size=batch))
    for row, kept in enumerate(lengths):
        labels[row, kept:] = -100
    predictions = draw(arrays(np.int64, (batch, length), elements=st.integers(0, n_classes - 1)))
    return labels, predictions, n_classes


@settings(max_examples=100, deadline=None)
@given(padded_batches())
def test_erc_equals_sklearn_on_the_labelled_utterances(batch):
    labels, predictions, n_classes = batch
    ours = erc_metrics(labels, predictions, num_classes=n_classes)
    keep = labels != -100
    gold, predicted = labels[keep], predictions[keep]
    assert ours["accuracy"] == pytest.approx(sk.accuracy_score(gold, predicted), abs=TOL)
    assert ours["macro_f1"] == pytest.approx(sk.f1_score(gold, predicted, average="macro", zero_division=0), abs=TOL)
    assert ours["weighted_f1"] == pytest.approx(sk.f1_score(gold, predicted, average="weighted", zero_division=0), abs=TOL)
    classes = list(range(n_classes))
    per_class = sk.f1_score(gold, predicted, average=None, labels=classes, zero_division=0)
    np.testing.assert_allclose(list(ours["per_class_f1"].values()), per_class, atol=TOL, rtol=0)
    assert ours["confusion_matrix"] == sk.confusion_matrix(gold, predicted, labels=classes).tolist()


def test_erc_takes_scores_and_ragged_conversations_alike():
    scores = np.array([[[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [-100, -100, -100]]])
    padded = erc_metrics([[1, 2, -100]], scores, label_names=["neutral", "joy", "anger"])
    ragged = erc_metrics([[1, 2]], [[[0.1, 0.9, 0.0], [0.8, 0.1, 0.1]]], label_names=["neutral", "joy", "anger"])
    assert padded == ragged
    assert padded["per_class_f1"] == {"neutral": 0.0, "joy": 1.0, "anger": 0.0}
    assert padded["confusion_matrix"] == [[0, 0, 0], [0, 1, 0], [1, 0, 0]]
    assert erc_metrics([[0, 1, 1], [2]], [[0, 1, 0], [2]])["accuracy"] == pytest.approx(3 / 4)


@pytest.mark.parametrize(
    ("labels", "predictions", "kwargs", "message"),
    [
        ([[0, 1]], [[0, 1, 1]], {}, r"shape mismatch: labels has shape \(1, 2\) but predictions has shape \(1, 3\)"),
        ([[0, 1, 2], [1]], [[0, 1], [1]], {}, "conversation 0: labels has 3 utterances"),
        ([[0, 1]], [[0, 1]], {"num_classes": 2, "label_names": ["a", "b", "c"]}, "number of classes disagrees"),
        ([[0, 3]], [[0, 1]], {"num_classes": 3}, r"labels must be class ids in \[0, 3\) .* found 3.0 at row 0, column 1"),
        ([[0, 1.5]], [[0, 1]], {}, "labels must be class ids .* found 1.5"),
        ([[0, 1]], [[0, -1]], {}, "predictions must be class ids .* found -1.0 at row 0, column 1"),
        ([[0, 1]], [[[0.2, np.nan], [0.5, 0.5]]], {}, r"predictions \(scores\) must be finite: found nan"),
        ([[-100, -100]], [[0, 1]], {}, "every label is ignore_index=-100"),
        ([], [], {}, "labels is empty"),
    ],
)
def test_erc_bad_input(labels, predictions, kwargs, message):
    with pytest.raises(ValueError, match=message):
        erc_metrics(labels, predictions, **kwargs)


@st.composite
def distribution_pairs(draw):
    n, k = draw(st.integers(1, 8)), draw(st.integers(2, 6))
    weights = st.one_of(st.just(0.0), st.floats(1e-3, 10))
    gold = draw(arrays(np.float64, (n, k), elements=weights))
    predicted = draw(arrays(np.float64, (n, k), elements=st.floats(1e-3, 10)))  # q > 0: KL finite
    gold[:, 0] += 1.0  # no empty row
    return gold / gold.sum(axis=1, keepdims=True), predicted / predicted.sum(axis=1, keepdims=True)


@settings(max_examples=100, deadline=None)
@given(distribution_pairs())
def test_distribution_metrics_equal_scipy_and_definitions(pair):
    gold, predicted = pair
    ours = distribution_metrics(gold, predicted)
    rows = list(zip(gold, predicted))
    expected = {
        "euclidean": np.mean([distance.euclidean(p, q) for p, q in rows]),
        "chebyshev": np.mean([distance.chebyshev(p, q) for p, q in rows]),
        "cosine": np.mean([1 - distance.cosine(p, q) for p, q in rows]),
        "kl": np.mean([rel_entr(p, q).sum() for p, q in rows]),
        "squared_chi2": np.mean([sum((a - b) ** 2 / (a + b) for a, b in zip(p, q) if a + b > 0) for p, q in rows]),
        "intersection": np.mean([np.minimum(p, q).sum() for p, q in rows]),
    }
    assert ours == pytest.approx(expected, abs=TOL)


def test_distribution_hand_computed_and_normalize():
    ours = distribution_metrics([[2.0, 2.0, 0.0]], [[1.0, 0.0, 0.0]], normalize=True)
    assert ours == pytest.approx(
        {
            "euclidean": np.sqrt(0.5),
            "squared_chi2": 0.25 / 1.5 + 0.25 / 0.5,
            "kl": np.inf,
            "chebyshev": 0.5,
            "cosine": 0.5 / np.sqrt(0.5),
            "intersection": 0.5,
        }
    )


@pytest.mark.parametrize(
    ("gold", "predicted", "kwargs", "message"),
    [
        ([[0.5, 0.5]], [[0.2, 0.3, 0.5]], {}, "shape mismatch"),
        ([[0.5, 0.6]], [[0.5, 0.5]], {}, r"y_true rows must sum to 1 \(or pass normalize=True\): row 0 sums to 1.1"),
        ([[1.5, -0.5]], [[0.5, 0.5]], {}, "y_true must be non-negative: found -0.5 at row 0, column 1"),
        ([[0.5, 0.5]], [[np.nan, 1.0]], {}, "y_pred must be finite"),
        ([[0.5, 0.5], [0.0, 0.0]], [[0.5, 0.5]] * 2, {"normalize": True}, "y_true cannot be normalised: row 1 sums to 0"),
        (np.zeros((0, 2)), np.zeros((0, 2)), {}, "y_true is empty"),
    ],
)
def test_distribution_bad_input(gold, predicted, kwargs, message):
    with pytest.raises(ValueError, match=message):
        distribution_metrics(gold, predicted, **kwargs)
