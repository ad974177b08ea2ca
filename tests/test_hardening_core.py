"""Hardening 2 (issue 15), engine core: threads, indexing, float16 means, grad modes on
generators, ``grad`` inputs, special values, user Functions, pow's exponent, unclear errors.

Each test is named after the promise it holds; the README's "Errors and
guarantees" table points here.
"""

from __future__ import annotations

import math
import sys
import threading

import numpy as np
import pytest

import nn.functional as F
from autograd import (
    Function,
    Op,
    Tensor,
    Value,
    detect_anomaly,
    enable_grad,
    grad,
    is_grad_enabled,
    no_grad,
    value_and_grad,
)
from autograd.core.registry import REGISTRY


@pytest.fixture
def fast_switching():
    """Switch threads every 10 us (instead of 5 ms), so their sweeps really interleave."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def _in_threads(n, work):
    """Run ``work(i)`` in ``n`` threads started together; re-raise the first error."""
    start = threading.Barrier(n)
    errors: list[BaseException] = []

    def run(i):
        try:
            start.wait()
            work(i)
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]


# -- 6. several threads, one shared graph --------------------------------------------------
def _tensor_graph():
    x = Tensor(np.linspace(-1.0, 1.0, 6).reshape(2, 3), requires_grad=True)
    w = Tensor(np.arange(3.0) - 1.0, requires_grad=True)
    hidden = [(x * w).tanh()]
    for _ in range(30):  # a long chain, so that sweeps overlap for many steps
        hidden.append((hidden[-1] * 0.9 + x).sin())
    loss = (hidden[-1] * w).sum()
    return x, w, hidden, loss


def test_four_threads_backward_through_one_shared_tensor_graph_give_correct_gradients(
        fast_switching):
    x, w, hidden, loss = _tensor_graph()
    loss.backward()
    single = {"x": x.grad.copy(), "w": w.grad.copy()}
    single_hidden = [h.grad.copy() for h in hidden]
    for _ in range(5):
        x.grad = w.grad = None
        _in_threads(4, lambda i: [loss.backward() for _ in range(3)])
        # Leaves accumulate every call (as PyTorch with retain_graph=True); intermediates
        # hold the gradient of one sweep, never a mix.
        np.testing.assert_allclose(x.grad, 12 * single["x"], rtol=1e-12)
        np.testing.assert_allclose(w.grad, 12 * single["w"], rtol=1e-12)
        for h, g in zip(hidden, single_hidden, strict=True):
            np.testing.assert_allclose(h.grad, g, rtol=1e-12)


def test_four_threads_backward_through_one_shared_value_graph_give_correct_gradients(
        fast_switching):
    a, b = Value(0.3), Value(-0.7)
    nodes = [a * b + a]
    for _ in range(300):
        nodes.append((nodes[-1] * 0.5 + b).tanh() + a)
    loss = nodes[-1]
    loss.backward()
    single = (a.grad, b.grad)
    single_nodes = [n.grad for n in nodes]
    for _ in range(5):
        a.grad = b.grad = 0.0
        _in_threads(4, lambda i: loss.backward())
        assert a.grad == pytest.approx(4 * single[0], rel=1e-12)
        assert b.grad == pytest.approx(4 * single[1], rel=1e-12)
        assert [n.grad for n in nodes] == pytest.approx(single_nodes, rel=1e-12)


def test_four_threads_recorded_and_plain_value_backward_never_mix(fast_switching):
    a = Value(0.5)
    y = a
    for _ in range(100):
        y = (y * 0.9).tanh() + a
    y.backward()
    single = a.grad
    a.grad = 0.0
    _in_threads(4, lambda i: y.backward())  # the fast sweep, entirely under the lock
    with detect_anomaly():  # the checked sweep (collects privately, then writes)
        _in_threads(4, lambda i: y.backward())
    assert a.grad == pytest.approx(8 * single, rel=1e-12)


# -- 7. Hogwild: many graphs, one shared parameter --------------------------------------------
@pytest.mark.parametrize("kind", ["tensor", "tensor-create-graph", "value"])
def test_hogwild_eight_threads_into_one_shared_parameter_lose_no_update(fast_switching, kind):
    # Integer-valued gradients: every sum is exact, so a lost update shows as a wrong number.
    steps = 10
    expected = steps * sum(i + 1 + 2.0 for i in range(8))
    if kind == "value":
        w = Value(0.0)

        def work(i):
            for _ in range(steps):
                (w * float(i + 1) + w * 2.0 + 1.0).backward()

        def total():
            return w.grad

        def reset():
            w.grad = 0.0
    else:
        w = Tensor(np.zeros((4, 5)), requires_grad=True)
        xs = [Tensor(np.full((4, 5), float(i + 1))) for i in range(8)]
        create_graph = kind == "tensor-create-graph"

        def work(i):
            for _ in range(steps):
                ((w * xs[i]).sum() + (w * 2.0).sum()).backward(create_graph=create_graph)

        def total():
            g = w.grad.data if create_graph else w.grad
            assert g.shape == (4, 5) and (g == g.flat[0]).all()
            return float(g.flat[0])

        def reset():
            w.grad = None
    lost = 0
    for _ in range(50):
        reset()
        _in_threads(8, work)
        lost += total() != expected
    assert lost == 0


# -- 8. Tensor indices -------------------------------------------------------------------------
def test_a_tensor_index_must_be_integral_and_not_made_from_bools():
    x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    with pytest.raises(IndexError, match="made from bools.*numpy bool array"):
        x[Tensor([True, False, True])]
    with pytest.raises(IndexError, match="made from bools"):
        x[Tensor(np.array([True, False, True]))]
    with pytest.raises(IndexError, match="made from bools"):
        x[Tensor(Tensor([True, False, True]))]
    with pytest.raises(IndexError, match="integral values.*first 1.7"):
        x[Tensor([1.7])]
    for bad in (math.nan, math.inf, 0.5):
        with pytest.raises(IndexError, match="integral values"):
            x[Tensor([0.0, bad])]
        with pytest.raises(IndexError, match="integral values"):
            x[(Tensor([bad]),)]
    # Integral values index as integers; numpy bool masks work as in numpy.
    assert x[Tensor([2.0, 0.0, 2.0])].data.tolist() == [30.0, 10.0, 30.0]
    assert x[Tensor(np.array([1, -1]))].data.tolist() == [20.0, 30.0]
    assert x[np.array([True, False, True])].data.tolist() == [10.0, 30.0]
    x[Tensor([2.0, 2.0])].sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 2.0]
    # Float data, and data made from ints, are not "made from bools".
    assert Tensor([1.0, 0.0])[Tensor([1, 0])].data.tolist() == [0.0, 1.0]
    assert x[Tensor([True, 1])].data.tolist() == [20.0, 20.0]  # mixed: ints, as numpy


# -- 9. float16 means --------------------------------------------------------------------------
def _f16(value, n=10_000):
    return np.full(n, value, dtype=np.float16)


@pytest.mark.parametrize("loss", ["mse_loss", "l1_loss", "binary_cross_entropy_with_logits",
                                  "cross_entropy"])
def test_float16_mean_losses_over_ten_thousand_elements_give_the_true_value(loss):
    if loss == "mse_loss":  # |diff| = 10: the mean of 100s is 100
        x, target, true = Tensor(_f16(10.0), requires_grad=True), _f16(0.0), 100.0
    elif loss == "l1_loss":
        x, target, true = Tensor(_f16(-10.0), requires_grad=True), _f16(0.0), 10.0
    elif loss == "binary_cross_entropy_with_logits":  # softplus(10) per element
        x, target, true = Tensor(_f16(-10.0), requires_grad=True), _f16(1.0), 10.0 + math.log1p(
            math.exp(-10.0))
    else:  # logits (0, -10), label 1: loss 10 + log(1 + e**-10) per example
        logits = np.zeros((10_000, 2), dtype=np.float16)
        logits[:, 1] = -10.0
        x, target, true = Tensor(logits, requires_grad=True), np.ones(10_000, dtype=int), (
            10.0 + math.log1p(math.exp(-10.0)))
    out = getattr(F, loss)(x, target, reduction="mean")
    assert out.dtype == np.float16
    assert math.isfinite(out.item())
    assert out.item() == pytest.approx(true, rel=1e-3)
    out.backward()
    assert x.grad.dtype == np.float16 and np.isfinite(x.grad).all()
    # the sum still overflows float16, as it does in numpy
    with np.errstate(over="ignore"):
        assert getattr(F, loss)(x, target, reduction="sum").item() == math.inf


def test_float16_tensor_mean_gives_the_true_value():
    t = Tensor(_f16(10.0), requires_grad=True)
    m = t.mean()
    assert m.dtype == np.float16 and m.item() == 10.0
    m.backward()
    assert t.grad.dtype == np.float16 and np.allclose(t.grad, 1e-4, rtol=1e-3)
    rows = Tensor(np.full((2, 10_000), 10.0, dtype=np.float16)).mean(axis=1)
    assert rows.data.tolist() == [10.0, 10.0]


# -- 10. grad modes on generator functions -----------------------------------------------------
def test_no_grad_and_enable_grad_decorate_generator_functions():
    w = Tensor([2.0], requires_grad=True)

    @no_grad()
    def batches(n):
        for i in range(n):
            assert not is_grad_enabled()
            yield w * float(i)

    @no_grad
    def bare(n):
        for i in range(n):
            yield w * float(i)

    seen = []
    for out in batches(3):
        assert out.parents == ()  # nothing recorded inside the body
        assert is_grad_enabled()  # the caller's code between items records as usual
        seen.append((w * out).requires_grad)
    assert seen == [True, True, True]
    assert [o.parents for o in bare(2)] == [(), ()]

    @enable_grad()
    def recording(n):
        for i in range(n):
            yield w * float(i)

    with no_grad():
        outs = list(recording(2))
        assert not is_grad_enabled()
        assert (w * 1.0).parents == ()
    assert all(o.requires_grad and o.parents for o in outs)

    # send, throw and close reach the body in its mode; the mode never leaks
    @no_grad()
    def echo():
        received = yield
        while True:
            try:
                received = yield (w * received, is_grad_enabled())
            except KeyError:
                received = yield ("caught", is_grad_enabled())

    gen = echo()
    next(gen)
    out, mode = gen.send(3.0)
    assert out.parents == () and mode is False and is_grad_enabled()
    assert gen.throw(KeyError()) == ("caught", False)
    gen.close()
    assert is_grad_enabled()


# -- 11. grad's argnums and inputs -------------------------------------------------------------
def test_grad_with_repeated_argnums_gives_the_full_gradient_in_each_entry():
    def f(x, y):
        return (x ** 2 * y).sum()

    x = np.array([1.0, -2.0])
    g = grad(f, argnums=(0, 0))(x, 3.0)
    assert len(g) == 2
    for gi in g:
        np.testing.assert_array_equal(gi, 6.0 * x)
    value, (gx, gy, gx2) = value_and_grad(f, argnums=(0, 1, -2))(x, 3.0)
    assert value == 15.0 and gy == 5.0
    np.testing.assert_array_equal(gx, gx2)


@pytest.mark.parametrize("bad", [None, 1j, np.array([1.0 + 2j]), "1.0", [None]])
def test_grad_and_value_and_grad_refuse_what_tensor_refuses(bad):
    with pytest.raises(TypeError):
        Tensor(bad)
    for make in (grad, value_and_grad):
        with pytest.raises(TypeError, match=r"grad: argument 0: .*(numeric|convert)"):
            make(lambda x: x.sum())(bad)


# -- 12. Value ops on NaN and inf --------------------------------------------------------------
_SCALAR_UNARY = sorted(n for n, e in REGISTRY.items() if e.arity == 1 and e.scalar is not None)


@pytest.mark.parametrize("name", _SCALAR_UNARY)
@pytest.mark.parametrize("x", [math.nan, math.inf, -math.inf])
def test_value_ops_on_nan_and_inf_agree_with_tensor_ops_or_name_the_op(name, x):
    method = "__neg__" if name == "neg" else name
    try:
        v = getattr(Value(x), method)().data
    except (ValueError, ArithmeticError) as exc:
        assert name in str(exc)
        return
    with np.errstate(all="ignore"):
        t = getattr(Tensor([x]), method)().data[0]
    assert (math.isnan(v) and math.isnan(t)) or v == t, (name, x, v, t)


def test_value_relu_of_nan_is_nan_and_sin_of_inf_is_nan_as_tensor():
    assert math.isnan(Value(math.nan).relu().data)
    assert math.isnan(Value(math.inf).sin().data)
    for op in ("log", "sqrt", "exp", "tanh"):  # NaN passes through, as in the Tensor ops
        assert math.isnan(getattr(Value(math.nan), op)().data)
    assert math.isnan(Value(-math.inf).hardswish().data)  # -inf * 0, as PyTorch
    assert Value(-5.0).hardswish().data == 0.0


@pytest.mark.parametrize("name", _SCALAR_UNARY)
def test_value_and_tensor_ops_on_nan_and_inf_match_pytorch(name):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    fn = getattr(torch, name, None) if name in ("neg", "exp", "log", "sqrt", "abs", "sin",
                                                 "cos", "erf", "tanh", "sigmoid") else getattr(
        tf, name)
    method = "__neg__" if name == "neg" else name
    for x in (math.nan, math.inf, -math.inf):
        expected = fn(torch.tensor([x], dtype=torch.float64)).item()
        results = []
        try:
            results.append(getattr(Value(x), method)().data)
        except (ValueError, ArithmeticError) as exc:  # a domain error naming the op
            assert name in str(exc)
        with np.errstate(all="ignore"):
            try:
                results.append(float(getattr(Tensor([x]), method)().data[0]))
            except (ValueError, ArithmeticError) as exc:
                assert name in str(exc)
        for got in results:
            assert (math.isnan(got) and math.isnan(expected)) or got == expected, (x, got)


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
    with pytest.raises(TypeError, match="Weird.backward returned a gradient of dtype complex"):
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
    with pytest.raises(TypeError, match="Weird.backward returned a gradient for input 0 that is "
                                        "not an array"):
        ragged.apply(x).sum().backward()


# -- 15. pow's exponent at a base <= 0; a backward that raises ----------------------------------
def test_pow_exponent_gradient_follows_one_rule_for_value_and_tensor():
    for base, k, d_exp in ((-2.0, 2.0, math.nan), (0.0, 2.0, 0.0), (0.0, 0.0, 0.0),
                           (3.0, 2.0, 9.0 * math.log(3.0)), (-2.0, 3.0, math.nan)):
        b, e = Value(base), Value(k)
        out = b ** e
        assert out.data == base ** k
        out.backward()
        tb, te = Tensor([base], requires_grad=True), Tensor(k, requires_grad=True)
        (tb ** te).sum().backward()
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
            (tb ** tk).backward()
            b, e = Value(base), Value(k)
            (b ** e).backward()
            xb, xk = Tensor([base], requires_grad=True), Tensor(k, requires_grad=True)
            (xb ** xk).sum().backward()
            for got, want in ((b.grad, tb.grad.item()), (e.grad, tk.grad.item()),
                              (float(xb.grad[0]), tb.grad.item()),
                              (float(xk.grad), tk.grad.item())):
                assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want), (
                    base, k, got, want)


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
        (base ** k * 2.0).sum().backward()
    assert base.grad.tolist() == [1.0, 1.0] and float(k.grad) == 1.0
    vb, vk = Value(-2.0), Value(2.0)
    vb.grad, vk.grad = 5.0, 7.0
    with detect_anomaly(), pytest.raises(FloatingPointError, match=r"\*\*"):
        ((vb ** vk) * 2.0 + vb).backward()
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
        Value(2 ** 1100)
    with pytest.raises(OverflowError, match=r"\+: an integer of 1101 bits"):
        Value(1.0) + 2 ** 1100
    with pytest.raises(OverflowError, match="add: an integer of 1101 bits is too large"):
        Tensor(1.0) + 2 ** 1100
    with pytest.raises(OverflowError, match="mul: an integer of 1101 bits is too large"):
        2 ** 1100 * Tensor([1.0])


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
