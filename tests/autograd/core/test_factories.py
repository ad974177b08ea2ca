"""Tensor factories (zeros, linspace, randn, ...) and Tensor.requires_grad_(), as in PyTorch."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import (
    Tensor,
    arange,
    eye,
    full,
    linspace,
    manual_seed,
    ones,
    ones_like,
    rand,
    randn,
    zeros,
    zeros_like,
)

ALL = [zeros, ones, full, zeros_like, ones_like, arange, linspace, eye, rand, randn]
EXAMPLES = [
    (zeros, (2, 3)),
    (ones, (4,)),
    (full, ((2, 2), 3.0)),
    (zeros_like, (np.ones(3),)),
    (ones_like, ([[1, 2]],)),
    (arange, (5,)),
    (linspace, (-1, 1, 5)),
    (eye, (3,)),
    (rand, (2, 2)),
    (randn, (3,)),
]


def test_every_factory_is_exported_from_autograd():
    for f in ALL:
        assert getattr(autograd, f.__name__) is f and f.__name__ in autograd.__all__


@pytest.mark.parametrize(("factory", "args"), EXAMPLES, ids=[f.__name__ for f, _ in EXAMPLES])
def test_defaults_are_float64_leaves_without_grad(factory, args):
    t = factory(*args)
    assert isinstance(t, Tensor) and t.dtype == np.float64
    assert t.requires_grad is False and t.op == "" and t.grad is None


@pytest.mark.parametrize(("factory", "args"), EXAMPLES, ids=[f.__name__ for f, _ in EXAMPLES])
def test_dtype_and_requires_grad_are_honoured(factory, args):
    t = factory(*args, dtype=np.float32, requires_grad=True)
    assert t.dtype == np.float32 and t.requires_grad


@pytest.mark.parametrize(("factory", "args"), EXAMPLES, ids=[f.__name__ for f, _ in EXAMPLES])
def test_integer_dtypes_give_integer_tensors_that_cannot_require_grad(factory, args):
    if factory in (rand, randn):  # random floats only, as PyTorch
        with pytest.raises(TypeError, match="floating"):
            factory(*args, dtype="int64")
        return
    assert factory(*args, dtype="int64").dtype == np.int64
    with pytest.raises(RuntimeError, match="floating point"):
        factory(*args, dtype="int64", requires_grad=True)
    with pytest.raises(TypeError, match="dtype"):
        factory(*args, dtype="complex128")


def test_values_match_numpy():
    assert np.array_equal(zeros(2, 3).data, np.zeros((2, 3)))
    assert np.array_equal(zeros((2, 3)).data, np.zeros((2, 3)))  # torch takes both spellings
    assert np.array_equal(ones(3).data, np.ones(3))
    assert np.array_equal(full(3, -2.5).data, np.full(3, -2.5))
    assert np.array_equal(eye(3).data, np.eye(3))
    assert np.array_equal(arange(5).data, np.arange(5.0))
    assert np.array_equal(arange(1, 2, 0.25).data, [1.0, 1.25, 1.5, 1.75])
    assert np.array_equal(arange(3, 0, -1).data, [3.0, 2.0, 1.0])
    assert np.array_equal(linspace(-10, 10, 100).data, np.linspace(-10, 10, 100))
    assert zeros().shape == () and zeros(0).shape == (0,)


def test_like_forms_keep_shape_and_a_floating_dtype():
    t = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    z = zeros_like(t)
    assert z.shape == (2, 3) and z.dtype == np.float32 and not z.requires_grad
    assert ones_like([[1, 2, 3]]).dtype == np.float64  # integer input becomes float64
    assert ones_like(t, dtype=np.float64).dtype == np.float64


def test_rand_and_randn_follow_manual_seed():
    manual_seed(3)
    a, b = rand(4), randn(2, 2)
    manual_seed(3)
    assert np.array_equal(rand(4).data, a.data) and np.array_equal(randn(2, 2).data, b.data)
    assert ((a.data >= 0) & (a.data < 1)).all()
    manual_seed(4)
    assert not np.array_equal(rand(4).data, a.data)


def test_randn_is_standard_normal():
    manual_seed(0)
    x = randn(20_000).data
    assert abs(x.mean()) < 0.05 and abs(x.std() - 1.0) < 0.05


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: zeros(-1), "integers >= 0"),
        (lambda: ones(2.5), "integers >= 0"),
        (lambda: full((2,), "x"), "real number"),
        (lambda: arange(0, 1, 0), "step must be non-zero"),
        (lambda: linspace(0, 1, -2), "num"),
        (lambda: linspace(0, float("nan"), 3), "finite"),
        (lambda: eye(True), "integers >= 0"),
        (lambda: rand(2, dtype="float128x"), "dtype"),
    ],
)
def test_bad_arguments_are_refused_with_a_message(call, message):
    with pytest.raises((TypeError, ValueError), match=message):
        call()


def test_lecture_sigmoid_derivative_by_autodiff_translates_name_for_name():
    # torch: x = torch.linspace(-10, 10, 100, requires_grad=True); torch.sigmoid(x).sum().backward()
    x = linspace(-10, 10, 100, requires_grad=True)
    x.sigmoid().sum().backward()
    s = 1.0 / (1.0 + np.exp(-np.linspace(-10, 10, 100)))
    np.testing.assert_allclose(x.grad, s * (1 - s), rtol=1e-9)


def test_requires_grad_sets_the_flag_in_place_and_returns_the_tensor():
    x = Tensor([1.0, 2.0])
    assert x.requires_grad_() is x and x.requires_grad
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    assert x.requires_grad_(False) is x and not x.requires_grad


def test_requires_grad_false_on_a_non_leaf_is_refused_unchanged():
    x = Tensor([1.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="not a leaf"):
        y.requires_grad_(False)
    assert y.requires_grad and y.requires_grad_() is y


@given(st.lists(st.integers(0, 4), min_size=0, max_size=3))
def test_shapes_any_spelling(shape):
    for f in (zeros, ones, rand, randn):
        assert f(*shape).shape == tuple(shape) == f(tuple(shape)).shape
