"""grad and value_and_grad: differentiating plain Python functions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import grad, no_grad, value_and_grad


def test_float_in_gives_float_gradient():
    g = grad(lambda x: x.tanh() * x)(0.5)
    assert type(g) is float
    assert g == pytest.approx(math.tanh(0.5) + 0.5 * (1 - math.tanh(0.5) ** 2))
    assert type(grad(lambda x: x * 3)(2)) is float  # ints too


def test_array_in_gives_array_gradient_of_the_same_shape():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    g = grad(lambda t: (t**2).sum())(x)
    assert isinstance(g, np.ndarray) and g.shape == x.shape
    np.testing.assert_allclose(g, 2 * x)


def test_value_and_grad_returns_both():
    v, g = value_and_grad(lambda x: (x.exp()).sum())(np.array([0.0, 1.0]))
    assert type(v) is float and v == pytest.approx(1.0 + math.e)
    np.testing.assert_allclose(g, [1.0, math.e])


def test_argnums_int_selects_one_argument():
    def f(x, y):
        return (x * y * y).sum()

    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    np.testing.assert_allclose(grad(f, argnums=1)(x, y), 2 * x * y)
    np.testing.assert_allclose(grad(f, argnums=-2)(x, y), y * y)


def test_argnums_tuple_gives_a_tuple_of_gradients():
    def f(x, y, z):
        return (x * y).sum() + z * 0.0

    gx, gy = grad(f, argnums=(0, 1))(np.array([1.0, 2.0]), 3.0, 7.0)
    np.testing.assert_allclose(gx, [3.0, 3.0])
    assert type(gy) is float and gy == 3.0


def test_argument_that_does_not_influence_f_gets_zero_gradient():
    gx, gy = grad(lambda x, y: (x * 2).sum(), argnums=(0, 1))(np.ones(2), np.ones(3))
    np.testing.assert_array_equal(gy, np.zeros(3))
    np.testing.assert_array_equal(gx, [2.0, 2.0])


def test_inputs_are_not_modified():
    x = np.array([1.0, 2.0])
    grad(lambda t: (t * t).sum())(x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_grad_works_inside_no_grad():
    with no_grad():
        assert grad(lambda x: x * x)(3.0) == 6.0


def test_non_scalar_output_raises_value_error():
    with pytest.raises(ValueError, match=r"scalar.*\(2,\)"):
        grad(lambda x: x * 2)(np.array([1.0, 2.0]))


def test_a_constant_output_has_gradient_zero_and_other_outputs_raise():
    # f that ignores its input: its derivative is 0, as in JAX and HIPS.
    assert grad(lambda x: 3.0)(1.0) == 0.0
    with pytest.raises(TypeError, match="scalar"):
        grad(lambda x: "3.0")(1.0)


def test_argnums_out_of_range_raises():
    with pytest.raises(ValueError, match="argnums"):
        grad(lambda x: x, argnums=2)(1.0)


def test_float32_array_keeps_its_dtype():
    g = grad(lambda t: (t * t).sum())(np.array([1.0, 2.0], dtype=np.float32))
    assert g.dtype == np.float32
    np.testing.assert_array_equal(g, [2.0, 4.0])


def test_second_call_is_independent_of_the_first():
    df = grad(lambda x: (x**3).sum())
    np.testing.assert_allclose(df(np.array([1.0])), [3.0])
    np.testing.assert_allclose(df(np.array([1.0])), [3.0])
