"""nn.Perceptron: Rosenblatt's rule; converges on separable data, reports failure on XOR."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn import data


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(2, 80))
def test_perceptron_converges_on_linearly_separable_data(seed, n):
    X, y = data.make_linearly_separable(n, margin=0.05, seed=seed)
    labels = 2 * y - 1
    p = nn.Perceptron(2)
    result = p.fit(X, labels, epochs=10_000)
    assert result.converged and result.epochs <= 10_000
    assert np.array_equal(p.predict(X), labels)


def test_perceptron_stops_after_the_first_epoch_without_mistakes():
    X = np.array([[1.0, 1.0], [-1.0, -1.0]])
    result = nn.Perceptron(2).fit(X, [1, -1], epochs=100)
    assert result.converged and result.epochs == 2 and result.mistakes == [1, 0]


def test_perceptron_does_not_converge_on_xor():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    result = nn.Perceptron(2).fit(X, [-1, 1, 1, -1], epochs=200)
    assert not result.converged and result.epochs == 200
    assert all(m > 0 for m in result.mistakes)


def test_perceptron_does_not_converge_on_noisy_xor_clusters():
    X, y = data.make_xor(80, seed=0)
    assert not nn.Perceptron(2).fit(X, 2 * y - 1, epochs=50).converged


def test_perceptron_applies_the_rule_exactly():
    p = nn.Perceptron(2)
    p.fit([[2.0, 1.0]], [-1], epochs=1, lr=0.5)  # score 0 counts as a mistake
    assert p.weights.tolist() == [-1.0, -0.5] and p.bias == -0.5


def test_predict_gives_plus_or_minus_one_ints():
    p = nn.Perceptron(3)
    p.weights = np.array([1.0, -1.0, 0.0])
    out = p.predict([[2.0, 1.0, 5.0], [0.0, 3.0, 1.0], [0.0, 0.0, 0.0]])
    assert out.tolist() == [1, -1, 1] and out.dtype == np.int64


@pytest.mark.parametrize(
    "labels", [[0, 1, 1, 0], [1, 2, 1, 1], [1.0, -1.0, 0.5, 1.0], ["a", "b", "a", "b"]]
)
def test_fit_rejects_labels_other_than_plus_minus_one(labels):
    with pytest.raises(ValueError, match="labels must be -1 or \\+1"):
        nn.Perceptron(2).fit(np.zeros((4, 2)), labels)


def test_fit_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="shape \\(n_examples, 2\\)"):
        nn.Perceptron(2).fit(np.zeros((4, 3)), [1, -1, 1, -1])
    with pytest.raises(ValueError, match="y must have shape \\(4,\\)"):
        nn.Perceptron(2).fit(np.zeros((4, 2)), [1, -1])


@pytest.mark.parametrize(
    "kwargs", [{"epochs": 0}, {"epochs": 1.5}, {"lr": 0.0}, {"lr": float("inf")}, {"lr": -1.0}]
)
def test_fit_rejects_bad_epochs_and_learning_rates(kwargs):
    with pytest.raises(ValueError):
        nn.Perceptron(1).fit([[1.0]], [1], **kwargs)


def test_fit_rejects_nonfinite_inputs():
    with pytest.raises(ValueError, match="NaN or inf"):
        nn.Perceptron(1).fit([[np.nan]], [1])


def test_a_failed_check_leaves_the_weights_alone():
    p = nn.Perceptron(1)
    p.fit([[1.0]], [1])
    before = (p.weights.copy(), p.bias)
    with pytest.raises(ValueError):
        p.fit([[1.0]], [0])
    assert np.array_equal(p.weights, before[0]) and p.bias == before[1]


@pytest.mark.parametrize("n", [0, -1, 1.5])
def test_perceptron_needs_a_positive_input_count(n):
    with pytest.raises(ValueError, match="n_inputs"):
        nn.Perceptron(n)
