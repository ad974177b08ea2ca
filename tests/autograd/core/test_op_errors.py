"""Errors that name the op: user Functions that return the wrong thing, pow at a base <= 0, a
backward that raises, numpy reductions.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn.functional as F
from autograd import (
    Function,
    Op,
    Tensor,
    Value,
    detect_anomaly,
)


# -- 14. user Functions that return the wrong thing --------------------------------------------
def _function(forward, backward=None):
    cls = type("Weird", (Function,), {"forward": staticmethod(forward)})
    if backward is not None:
        cls.backward = staticmethod(backward)
    return cls


def test_a_function_returning_a_bad_gradient_or_result_is_refused_naming_it():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    wrong_shape = _function(lambda ctx, a: a * 2, lambda ctx, g: np.ones(2))
    with pytest.raises(ValueError, match=r"Weird: a gradient of shape \(2,\).*shape \(3,\)"):
        wrong_shape.apply(x).sum().backward()
    too_many = _function(lambda ctx, a: a * 2, lambda ctx, g: (g, g))
    with pytest.raises(ValueError, match=r"Weird.backward returned 2 gradient\(s\).*1"):
        too_many.apply(x).sum().backward()
    complex_grad = _function(lambda ctx, a: a * 2, lambda ctx, g: g * 1j)
    with pytest.raises(
        TypeError, match="Weird.backward returned a gradient for input 0 of dtype complex"
    ):
        complex_grad.apply(x).sum().backward()
    assert x.grad is None  # every failed backward left the grad as it was
    for result, what in ((None, "None"), ("abc", "a string"), (b"abc", "a string")):
        with pytest.raises(TypeError, match=f"Weird.forward returned {what}"):
            _function(lambda ctx, a, r=result: r).apply(x)
    with pytest.raises(TypeError, match="Weird.forward returned an array of dtype complex128"):
        _function(lambda ctx, a: a * 1j).apply(x)
    with pytest.raises(TypeError, match="Weird.forward returned list that is not an array"):
        _function(lambda ctx, a: [a, a[:2]]).apply(x)
    with pytest.raises(TypeError, match="Weird.forward returned an array of dtype object"):
        _function(lambda ctx, a: np.array([a, None], dtype=object)).apply(x)
    ragged = _function(lambda ctx, a: a * 2, lambda ctx, g: ([g, g[:1]],))
    with pytest.raises(
        TypeError, match="Weird.backward returned a gradient for input 0 that is not an array"
    ):
        ragged.apply(x).sum().backward()


# -- 15. pow's exponent at a base <= 0; a backward that raises ----------------------------------
def test_pow_exponent_gradient_follows_one_rule_for_value_and_tensor():
    for base, k, d_exp in (
        (-2.0, 2.0, math.nan),
        (0.0, 2.0, 0.0),
        (0.0, 0.0, 0.0),
        (3.0, 2.0, 9.0 * math.log(3.0)),
        (-2.0, 3.0, math.nan),
    ):
        b, e = Value(base), Value(k)
        out = b**e
        assert out.data == base**k
        out.backward()
        tb, te = Tensor([base], requires_grad=True), Tensor(k, requires_grad=True)
        (tb**te).sum().backward()
        for got in (e.grad, float(te.grad)):
            assert (math.isnan(got) and math.isnan(d_exp)) or got == pytest.approx(d_exp)
        assert b.grad == pytest.approx(float(tb.grad[0]))
    k = Tensor(2.0, requires_grad=True)
    out = Tensor([-2.0, 3.0]) ** k
    assert out.data.tolist() == [4.0, 9.0]
    out.sum().backward()  # no error: the exponent's gradient is NaN, as in PyTorch
    assert math.isnan(float(k.grad))


def test_pow_gradients_at_bases_at_or_below_zero_match_pytorch():
    torch = pytest.importorskip("torch")
    for base in (-2.0, 0.0, 3.0):
        for k in (0.0, 2.0, 3.0):
            tb = torch.tensor(base, dtype=torch.float64, requires_grad=True)
            tk = torch.tensor(k, dtype=torch.float64, requires_grad=True)
            (tb**tk).backward()
            b, e = Value(base), Value(k)
            (b**e).backward()
            xb, xk = Tensor([base], requires_grad=True), Tensor(k, requires_grad=True)
            (xb**xk).sum().backward()
            for got, want in (
                (b.grad, tb.grad.item()),
                (e.grad, tk.grad.item()),
                (float(xb.grad[0]), tb.grad.item()),
                (float(xk.grad), tk.grad.item()),
            ):
                assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want), (
                    base,
                    k,
                    got,
                    want,
                )


def test_a_backward_that_raises_midway_leaves_every_grad_unchanged():
    def broken(g, inputs, out, saved, needs):
        raise RuntimeError("broken rule")

    x = Tensor([1.0, 2.0], requires_grad=True)
    w = Tensor([3.0, -1.0], requires_grad=True)
    x.grad, w.grad = np.array([0.5, 0.5]), np.array([-1.0, 1.0])
    before = (x.grad.copy(), w.grad.copy())
    h = x * w  # reached first from the root, before the broken node
    mid = Op("broken", broken)(h.data.copy(), (h,))
    loss = (h.exp() + mid + w).sum()
    with pytest.raises(RuntimeError, match="broken rule"):
        loss.backward()
    np.testing.assert_array_equal(x.grad, before[0])
    np.testing.assert_array_equal(w.grad, before[1])
    assert h.grad is None and loss.grad is None

    # pow's NaN under anomaly mode: the Tensor and the Value sweeps write nothing either
    base = Tensor([-2.0, 3.0], requires_grad=True)
    k = Tensor(2.0, requires_grad=True)
    base.grad, k.grad = np.array([1.0, 1.0]), np.array(1.0)
    with detect_anomaly(), pytest.raises(FloatingPointError, match="pow"):
        (base**k * 2.0).sum().backward()
    assert base.grad.tolist() == [1.0, 1.0] and float(k.grad) == 1.0
    vb, vk = Value(-2.0), Value(2.0)
    vb.grad, vk.grad = 5.0, 7.0
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"\*\*"):
        ((vb**vk) * 2.0 + vb).backward()
    assert (vb.grad, vk.grad) == (5.0, 7.0)


# -- 16. errors that name the op; numpy reductions ---------------------------------------------
def test_softmax_and_log_softmax_over_an_empty_axis_return_an_empty_result():
    x = Tensor(np.zeros((3, 0)), requires_grad=True)
    for op in ("softmax", "log_softmax"):
        out = getattr(x, op)(axis=1)
        assert out.shape == (3, 0)
        out.sum().backward()
        assert x.grad.shape == (3, 0)
    assert Tensor(np.zeros((0, 4))).softmax(axis=1).shape == (0, 4)


def test_bad_axes_are_refused_naming_the_op():
    t = Tensor(np.ones((2, 3)))
    with pytest.raises(TypeError, match="softmax: axis must be one integer"):
        t.softmax(axis=(0, 1))
    for axis in (1.0, "0", True, (0, 1.0), (False,), {0}):
        with pytest.raises(TypeError, match=r"sum: axis must be None, an integer or a tuple"):
            t.sum(axis=axis)
    with pytest.raises(TypeError, match="mean: axis"):
        t.mean(axis=0.0)
    with pytest.raises(TypeError, match="transpose: axes must be integers"):
        t.transpose(1.5, 0)
    assert t.sum(axis=(0, 1)).item() == 6.0 and t.sum(axis=[1]).shape == (2,)
    assert t.sum(axis=np.int64(1)).shape == (2,)


def test_cross_entropy_of_a_zero_dim_input_names_the_op():
    with pytest.raises(ValueError, match="cross_entropy: input must have a class axis"):
        F.cross_entropy(Tensor(1.0), 0)


def test_integers_too_large_for_a_float_are_refused_naming_the_op():
    with pytest.raises(OverflowError, match="Value: an integer of 1101 bits is too large"):
        Value(2**1100)
    with pytest.raises(OverflowError, match=r"\+: an integer of 1101 bits"):
        Value(1.0) + 2**1100
    with pytest.raises(OverflowError, match="add: an integer of 1101 bits is too large"):
        Tensor(1.0) + 2**1100
    with pytest.raises(OverflowError, match="mul: an integer of 1101 bits is too large"):
        2**1100 * Tensor([1.0])


def test_numpy_reductions_work_on_tensors():
    t = Tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    for fn, expected in ((np.sum, 11.0), (np.mean, 2.75), (np.max, 5.0), (np.min, 1.0)):
        out = fn(t)
        assert isinstance(out, Tensor) and out.item() == expected
    assert np.sum(t, axis=0).data.tolist() == [4.0, 7.0]
    np.sum(t).backward()
    assert t.grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]
    with pytest.raises(TypeError, match="sum: unsupported argument out="):
        np.sum(t, out=np.zeros(()))


def test_a_masked_array_into_tensor_is_refused():
    data = np.ma.masked_array([1.0, 2.0], mask=[False, True])
    with pytest.raises(TypeError, match="masked arrays are not supported"):
        Tensor(data)
    assert Tensor(data.filled(0.0)).data.tolist() == [1.0, 0.0]
