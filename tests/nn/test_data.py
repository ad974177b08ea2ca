"""nn.data: toy datasets and the mini-batch iterator."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import manual_seed
from nn import data

GENERATORS = [
    data.make_moons,
    data.make_blobs,
    data.make_spirals,
    data.make_linearly_separable,
    data.make_xor,
]


@pytest.mark.parametrize("make", GENERATORS)
@given(n=st.integers(1, 60), seed=st.integers(0, 2**32 - 1))
def test_datasets_have_the_documented_shapes_and_types(make, n, seed):
    X, y = make(n, seed=seed)
    assert X.shape == (n, 2) and X.dtype == np.float64 and np.isfinite(X).all()
    assert y.shape == (n,) and y.dtype == np.int64


@pytest.mark.parametrize("make", GENERATORS)
def test_binary_datasets_are_balanced_with_labels_zero_and_one(make):
    if make is data.make_blobs:
        return
    X, y = make(101, seed=0)
    counts = np.bincount(y)
    assert len(counts) == 2 and abs(counts[0] - counts[1]) <= 1


@pytest.mark.parametrize("make", GENERATORS)
def test_a_seed_fixes_the_data_and_different_seeds_differ(make):
    a, b, c = make(50, seed=3), make(50, seed=3), make(50, seed=4)
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("make", GENERATORS)
def test_seed_none_draws_from_the_manual_seed_generator(make):
    manual_seed(11)
    a = make(20)
    manual_seed(11)
    assert np.array_equal(a[0], make(20)[0])


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n", [0, -3, 2.5, True, "10"])
def test_datasets_reject_bad_sizes(make, n):
    with pytest.raises(ValueError, match="n must be an integer"):
        make(n)


@pytest.mark.parametrize("make", [data.make_moons, data.make_spirals, data.make_xor])
def test_datasets_reject_negative_or_nonfinite_noise(make):
    for noise in (-0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="noise"):
            make(10, noise=noise)


def test_moons_without_noise_lie_on_their_half_circles():
    X, y = data.make_moons(40, noise=0.0, seed=0)
    outer, inner = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(outer[:, 0], outer[:, 1]), 1.0, rtol=1e-12, atol=1e-12)
    assert np.allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0, rtol=1e-12, atol=1e-12)
    assert (outer[:, 1] >= -1e-12).all() and (inner[:, 1] <= 0.5 + 1e-12).all()


def test_blobs_have_the_requested_classes_around_their_centres():
    X, y = data.make_blobs(300, centers=4, std=0.1, seed=0)
    assert sorted(set(y.tolist())) == [0, 1, 2, 3]
    for k in range(4):
        assert X[y == k].std(axis=0).max() < 0.2


def test_linearly_separable_data_is_separated_by_a_perceptron():
    X, y = data.make_linearly_separable(200, seed=5)
    result = nn.Perceptron(2).fit(X, 2 * y - 1, epochs=1000)
    assert result.converged


def test_xor_labels_are_one_where_the_signs_differ():
    X, y = data.make_xor(400, noise=0.1, seed=0)
    assert np.array_equal(y, (np.sign(X[:, 0]) != np.sign(X[:, 1])).astype(np.int64))


def test_spirals_are_two_interleaved_arms():
    X, y = data.make_spirals(400, noise=0.0, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.max() <= 1.0 + 1e-12
    # each arm is theta = 2 pi turns r (+ pi for the second): half a turn apart at every radius
    angle = np.arctan2(X[:, 1], X[:, 0])
    offset = np.angle(np.exp(1j * (angle - 2 * np.pi * 1.5 * r)))  # wrapped to (-pi, pi]
    assert np.allclose(offset[y == 0], 0.0, atol=1e-9)
    assert np.allclose(np.abs(offset[y == 1]), np.pi, atol=1e-9)


# -- batches -------------------------------------------------------------------------------


@given(
    n=st.integers(1, 50), size=st.integers(1, 20), shuffle=st.booleans(), seed=st.integers(0, 1000)
)
def test_batches_cover_every_example_once(n, size, shuffle, seed):
    X = np.arange(2 * n, dtype=float).reshape(n, 2)
    y = np.arange(n)
    parts = list(data.batches(X, y, size, shuffle=shuffle, seed=seed))
    assert [len(yb) for _, yb in parts][:-1] == [size] * (len(parts) - 1)
    seen = np.concatenate([yb for _, yb in parts])
    assert sorted(seen.tolist()) == list(range(n))
    for Xb, yb in parts:
        assert np.array_equal(Xb[:, 0], 2 * yb)  # rows stay paired with their labels
    if not shuffle:
        assert seen.tolist() == list(range(n))


def test_batches_shuffle_reproducibly_with_a_seed():
    X, y = np.zeros((30, 2)), np.arange(30)
    a = [yb.tolist() for _, yb in data.batches(X, y, 7, seed=1)]
    b = [yb.tolist() for _, yb in data.batches(X, y, 7, seed=1)]
    assert a == b and sum(a, []) != list(range(30))


def test_batches_can_drop_the_last_partial_batch():
    parts = list(data.batches(np.zeros((10, 2)), np.zeros(10), 4, drop_last=True))
    assert [len(yb) for _, yb in parts] == [4, 4]


def test_batches_reject_mismatched_lengths_immediately():
    with pytest.raises(ValueError, match=r"same number of examples.*\(5, 2\).*\(4,\)"):
        data.batches(np.zeros((5, 2)), np.zeros(4), 2)


@pytest.mark.parametrize("size", [0, -1, 1.5, True])
def test_batches_reject_bad_batch_sizes(size):
    with pytest.raises(ValueError, match="batch_size"):
        data.batches(np.zeros((5, 2)), np.zeros(5), size)


@pytest.mark.parametrize("shuffle", [False, True])
def test_drop_last_keeps_every_batch_when_n_divides_evenly(shuffle):
    X, y = np.arange(24.0).reshape(12, 2), np.arange(12)
    parts = list(data.batches(X, y, 4, shuffle=shuffle, seed=3, drop_last=True))
    assert [len(yb) for _, yb in parts] == [4, 4, 4]
    assert sorted(np.concatenate([yb for _, yb in parts]).tolist()) == list(range(12))
    assert all(np.array_equal(xb[:, 0], 2.0 * yb) for xb, yb in parts)  # rows stay paired


def test_blobs_take_scikit_learns_centers_and_the_old_n_classes_warns():
    X, y = data.make_blobs(200, centers=[[0.0, 0.0], [10.0, -10.0]], std=0.5, seed=1)
    assert np.bincount(y).tolist() == [100, 100]
    assert np.allclose(X[y == 1].mean(axis=0), [10.0, -10.0], atol=0.2)
    with pytest.warns(DeprecationWarning, match="n_classes= is now centers="):
        old = data.make_blobs(60, n_classes=4, seed=2)
    new = data.make_blobs(60, centers=4, seed=2)
    assert np.array_equal(old[0], new[0]) and np.array_equal(old[1], new[1])
    assert np.array_equal(data.make_blobs(60, 4, seed=2)[0], new[0])  # positionally too
    with pytest.raises(TypeError, match="pass centers= only"):
        data.make_blobs(10, centers=2, n_classes=2)
    for bad in (0, True, [[1.0, 2.0, 3.0]], [[float("nan"), 0.0]], "3", [[1, "a"]]):
        with pytest.raises(ValueError, match="make_blobs: centers must"):
            data.make_blobs(10, centers=bad)
