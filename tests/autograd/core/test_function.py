"""Function: user-defined differentiable ops in PyTorch's style."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Function, GradcheckError, Tensor, Value, gradcheck, no_grad


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx, grad_out):
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad_out


class ScaledProduct(Function):
    """a * b * scale, with a non-Tensor argument in the middle."""

    @staticmethod
    def forward(ctx, a, scale, b):
        ctx.save_for_backward(a, b)
        ctx.scale = scale
        return a * b * scale

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return g * b * ctx.scale, None, g * a * ctx.scale


class OnlyFirst(Function):
    """a + b, but backward declines to give b a gradient."""

    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        return g, None


def test_cube_example_from_the_contract():
    t = Tensor([1.0, -2.0, 0.5], requires_grad=True)
    y = Cube.apply(t)
    assert isinstance(y, Tensor) and y.op == "Cube" and y.parents == (t,)
    np.testing.assert_array_equal(y.data, [1.0, -8.0, 0.125])
    y.sum().backward()
    np.testing.assert_array_equal(t.grad, 3 * np.array([1.0, -2.0, 0.5]) ** 2)
    assert gradcheck(lambda x: Cube.apply(x), [Tensor([0.3, -1.2], requires_grad=True)])


def test_function_composes_with_ordinary_ops_on_both_sides():
    t = Tensor([0.5, 1.5], requires_grad=True)
    y = (Cube.apply(t.sin()) * 2.0).sum()
    y.backward()
    x = np.array([0.5, 1.5])
    np.testing.assert_allclose(t.grad, 2.0 * 3 * np.sin(x) ** 2 * np.cos(x))


def test_multi_input_function_with_a_non_tensor_argument():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, -1.0], requires_grad=True)
    y = ScaledProduct.apply(a, 2.5, b)
    np.testing.assert_array_equal(y.data, [7.5, -5.0])
    assert y.parents == (a, b)
    (y * Tensor([1.0, 2.0])).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0 * 3.0 * 2.5, 2.0 * -1.0 * 2.5])
    np.testing.assert_array_equal(b.grad, [1.0 * 1.0 * 2.5, 2.0 * 2.0 * 2.5])
    inputs = [Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, -1.0], requires_grad=True)]
    assert gradcheck(lambda x, z: ScaledProduct.apply(x, 2.5, z), inputs)


def test_needs_input_grad_reports_which_inputs_want_a_gradient():
    seen = {}

    class Probe(Function):
        @staticmethod
        def forward(ctx, a, k, b):
            seen["needs"] = ctx.needs_input_grad
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g, None, g

    Probe.apply(Tensor([1.0], requires_grad=True), 3, Tensor([2.0]))
    assert seen["needs"] == (True, False, False)


def test_backward_returning_none_leaves_that_input_without_gradient():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    OnlyFirst.apply(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 1.0])
    assert b.grad is None


def test_backward_returning_none_for_an_intermediate_input_does_not_crash():
    # The intermediate b * 2 receives no gradient at all; backward used to call its rule
    # with None and crash with a TypeError.
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    OnlyFirst.apply(a * 3.0, b * 2.0).sum().backward()
    np.testing.assert_array_equal(a.grad, [3.0, 3.0])
    assert b.grad is None


def test_wrong_number_of_gradients_raises_a_clear_error():
    class TooFew(Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g

    y = TooFew.apply(Tensor([1.0], requires_grad=True), Tensor([2.0], requires_grad=True))
    with pytest.raises(ValueError, match=r"TooFew\.backward returned 1 gradient.*2"):
        y.sum().backward()


def test_gradient_of_the_wrong_shape_raises_a_clear_error():
    class BadShape(Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return np.ones(4)

    y = BadShape.apply(Tensor([1.0, 2.0, 3.0], requires_grad=True))
    with pytest.raises(ValueError, match=r"BadShape.*\(4,\).*\(3,\)"):
        y.sum().backward()


def test_gradient_returned_from_saved_arrays_does_not_alias_them():
    class Identity(Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(np.ones_like(a))
            return a.copy()

        @staticmethod
        def backward(ctx, g):
            (ones,) = ctx.saved_tensors
            return ones

    t = Tensor([1.0, 2.0], requires_grad=True)
    y = Identity.apply(t).sum()
    y.backward()
    y.backward()  # t.grad is updated in place; the saved array must stay ones
    np.testing.assert_array_equal(t.grad, [2.0, 2.0])
    y.backward()
    np.testing.assert_array_equal(t.grad, [3.0, 3.0])


def test_integer_forward_output_becomes_float64():
    class Count(Function):
        @staticmethod
        def forward(ctx, a):
            return (a > 0).astype(int)

        @staticmethod
        def backward(ctx, g):
            return g * 0

    y = Count.apply(Tensor([-1.0, 2.0], requires_grad=True))
    assert y.dtype == np.float64


def test_function_keeps_float32():
    t = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    y = Cube.apply(t)
    assert y.dtype == np.float32
    y.sum().backward()
    assert t.grad.dtype == np.float32


def test_function_under_no_grad_records_nothing():
    t = Tensor([1.0], requires_grad=True)
    with no_grad():
        y = Cube.apply(t)
    assert y.parents == () and not y.requires_grad


def test_function_rejects_values():
    with pytest.raises(TypeError, match="Value"):
        Cube.apply(Value(1.0))


def test_gradcheck_catches_a_wrong_function_backward():
    class WrongCube(Cube):
        @staticmethod
        def backward(ctx, grad_out):
            (x,) = ctx.saved_tensors
            return 2 * x**2 * grad_out

    x = Tensor([0.5, 2.0], requires_grad=True, label="x")
    with pytest.raises(GradcheckError, match=r"input x at index \(0,\)"):
        gradcheck(lambda t: WrongCube.apply(t), [x])
