"""gradcheck: the finite-difference checker users call on their own functions."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Function, GradcheckError, Tensor, Value, gradcheck


class WrongSquare(Function):
    """x ** 2 with a deliberately wrong backward (x instead of 2x)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**2

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x


class NanGradient(Function):
    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, g):
        return g * np.nan


def test_gradcheck_passes_on_correct_gradients():
    x = Tensor([[0.5, -1.0], [2.0, 0.1]], requires_grad=True)
    w = Tensor([1.5, -0.5], requires_grad=True)
    assert gradcheck(lambda a, b: ((a @ b).tanh() * a.sum()).sum(), [x, w]) is True


def test_gradcheck_catches_a_wrong_backward_and_names_input_index_and_values():
    a = Tensor([1.0, 2.0], requires_grad=True)
    x = Tensor([[1.0, 3.0], [0.5, 2.0]], requires_grad=True, label="x")
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda p, q: (WrongSquare.apply(q) * p).sum(), [a, x])
    msg = str(info.value)
    # first mismatch: x[0, 0] = 1 -> analytic 1 * 1, numeric 2 * 1 * 1
    assert "input x" in msg and "index (0, 0)" in msg
    assert "analytic 1.0" in msg and "numeric 2.0" in msg


def test_gradcheck_names_unlabelled_inputs_by_position():
    with pytest.raises(GradcheckError, match=r"input #1 at index \(1,\)"):
        gradcheck(
            lambda p, q: (p * WrongSquare.apply(q)).sum(),
            [Tensor([1.0, 1.0], requires_grad=True), Tensor([0.0, 3.0], requires_grad=True)],
        )


def test_gradcheck_with_raise_exception_false_returns_false():
    x = Tensor([1.0, 2.0], requires_grad=True)
    assert gradcheck(lambda t: WrongSquare.apply(t).sum(), [x], raise_exception=False) is False


def test_gradcheck_does_not_pass_nan_gradients():
    x = Tensor([1.0], requires_grad=True)
    assert gradcheck(lambda t: NanGradient.apply(t), [x], raise_exception=False) is False
    with pytest.raises(GradcheckError, match="analytic nan"):
        gradcheck(lambda t: NanGradient.apply(t), [x])


def test_gradcheck_leaves_inputs_data_and_grads_as_they_were():
    data = np.array([0.3, -0.7], dtype=np.float32)
    x = Tensor(data, requires_grad=True)
    x.grad = np.array([5.0, 6.0], dtype=np.float32)
    grad_before = x.grad
    v = Value(0.25)
    v.grad = 9.0
    c = Tensor([2.0, 3.0])  # no requires_grad: used but not checked
    c_data = c.data
    leaf = Tensor([1.0, 1.0], requires_grad=True)  # a leaf f uses that is not an input
    assert gradcheck(lambda t, k: (t.sin() * k * leaf).sum(), [x, c])
    assert x.data is data and x.data.dtype == np.float32
    np.testing.assert_array_equal(data, np.array([0.3, -0.7], dtype=np.float32))
    assert x.grad is grad_before
    np.testing.assert_array_equal(x.grad, [5.0, 6.0])
    assert c.data is c_data and c.grad is None
    assert leaf.grad is None
    assert gradcheck(lambda a: a.exp() * 2.0, [v])
    assert v.data == 0.25 and v.grad == 9.0


def test_gradcheck_restores_inputs_even_when_it_fails():
    data = np.array([1.0, 2.0])
    x = Tensor(data, requires_grad=True)
    with pytest.raises(GradcheckError):
        gradcheck(lambda t: WrongSquare.apply(t).sum(), [x])
    assert x.data is data and x.grad is None


def test_gradcheck_on_float32_inputs_uses_float64_internally():
    x = Tensor(np.array([0.5, 1.5, -2.0], dtype=np.float32), requires_grad=True)
    assert gradcheck(lambda t: (t.exp() * t.tanh()).sum(), [x])


def test_gradcheck_checks_non_scalar_outputs_element_by_element():
    x = Tensor([0.5, 1.0, 2.0], requires_grad=True)
    assert gradcheck(lambda t: t[[2, 0]] * t.sum(), [x])  # full 2x3 Jacobian

    class SwapsOutputs(Function):
        """forward gives (x0 ** 2, x1); backward swaps the two rows of the Jacobian."""

        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return np.array([a[0] ** 2, a[1]])

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return np.array([g[1] * 2 * a[0], g[0]])

    # Summing the outputs would hide the bug when a = (0.5, 1.0): 2 * 0.5 == 1.
    y = Tensor([0.5, 1.0], requires_grad=True)
    with pytest.raises(GradcheckError, match="output element"):
        gradcheck(lambda t: SwapsOutputs.apply(t), [y])


def test_gradcheck_on_values_and_lists_of_values():
    a, b = Value(0.7, label="a"), Value(-1.3)
    assert gradcheck(lambda p, q: [p * q, (p + q).tanh(), p.exp()], [a, b])
    assert gradcheck(lambda p, q: p.sigmoid() * q, [a, b])
    assert a.grad == 0.0 and b.grad == 0.0


def test_gradcheck_catches_wrong_value_gradients():
    # Values have no user-defined ops, so corrupt a node's recorded local derivatives.
    a = Value(2.0, label="a")

    def f(p):
        y = p * p
        y._d0 = y._d1 = p.data / 2  # claim d(p*p)/dp = p instead of 2p
        return y

    with pytest.raises(GradcheckError, match=r"input a at index \(\).*analytic 2.0"):
        gradcheck(lambda p: [f(p)], [a])


def test_gradcheck_with_output_independent_of_inputs_is_all_zeros():
    x = Tensor([1.0, 2.0], requires_grad=True)
    assert gradcheck(lambda t: Tensor([3.0, 4.0]), [x])


def test_gradcheck_rejects_bad_inputs():
    with pytest.raises(ValueError, match="empty"):
        gradcheck(lambda: Value(1.0), [])
    with pytest.raises(TypeError, match="Value or Tensor"):
        gradcheck(lambda x: x, [1.0])
    with pytest.raises(ValueError, match="requires grad"):
        gradcheck(lambda x: x.sum(), [Tensor([1.0])])
    with pytest.raises(TypeError, match="must return"):
        gradcheck(lambda x: 3.0, [Value(1.0)])
