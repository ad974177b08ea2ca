"""compile's generated Tensor replay (from the second call on): eager's numbers and arrays."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Function, Tensor, draw_graph
from nn import functional as F


def _models(sizes, dtype=np.float64, activation="tanh"):
    autograd.manual_seed(5)
    eager = nn.MLP(sizes, activation=activation)
    model = nn.MLP(sizes, activation=activation)
    model.load_state_dict(eager.state_dict())
    for m in (eager, model):
        for p in m.parameters():
            p.data = p.data.astype(dtype)
    return eager, model


def _program(step):
    return step._last.program


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_inlined_mlp_with_mse_gives_eager_bits_step_after_step(dtype, activation):
    # linear, the activation and mse_loss are inlined: the same numpy calls in the same
    # order as eager's forwards and rules, so the very same bits, after SGD steps too.
    eager, model = _models([3, 7, 5, 2], dtype, activation)
    opt_e = nn.optim.SGD(eager.parameters(), lr=0.1)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    step = autograd.compile(lambda x, y: F.mse_loss(model(x), y))
    rng = np.random.default_rng(0)
    for _ in range(4):
        x, y = rng.normal(size=(6, 3)).astype(dtype), rng.normal(size=(6, 2)).astype(dtype)
        opt_e.zero_grad()
        opt.zero_grad()
        loss = F.mse_loss(eager(Tensor(x)), Tensor(y))
        loss.backward()
        got = step(x, y)
        assert got.dtype == loss.data.dtype and got.shape == loss.data.shape
        np.testing.assert_array_equal(got, loss.data)
        for pe, pc in zip(eager.parameters(), model.parameters(), strict=True):
            assert pc.grad.dtype == pe.grad.dtype
            np.testing.assert_array_equal(pc.grad, pe.grad)
        opt_e.step()
        opt.step()
    program = _program(step)
    assert program.code is not None
    assert program.kinds.count("linear") == 3 and "mse" in program.kinds
    assert program.kinds.count("unary") == 2
    assert step.traces == 1
    assert "generated straight-line Python" in step.describe()


def test_grad_arrays_are_kept_mutated_or_replaced_as_eager_does():
    # Without zero_grad, backward adds into the leaf's own array (a reference to it sees
    # the sum); after zero_grad (grad None) the leaf gets a new array of its own.
    eager, model = _models([2, 4, 1])
    step = autograd.compile(lambda x, y: F.mse_loss(model(x), y))
    x, y = np.ones((3, 2)), np.zeros((3, 1))
    for _ in range(2):  # the second call is the first generated replay
        for m in (eager, model):
            for p in m.parameters():
                p.grad = None
        F.mse_loss(eager(Tensor(x)), Tensor(y)).backward()
        step(x, y)
        held_e = [p.grad for p in eager.parameters()]
        held = [p.grad for p in model.parameters()]
        F.mse_loss(eager(Tensor(x)), Tensor(y)).backward()
        step(x, y)
        for he, h, pe, pc in zip(held_e, held, eager.parameters(), model.parameters(), strict=True):
            assert (he is pe.grad) and (h is pc.grad)  # accumulated in place
            np.testing.assert_array_equal(h, he)
            assert pc.grad.flags.writeable and pc.grad.base is None
        for m in (eager, model):
            for p in m.parameters():
                p.grad = None
        step(x, y)
        for h, pc in zip(held, model.parameters(), strict=True):
            assert pc.grad is not h  # a new array; the old one keeps its numbers
            np.testing.assert_array_equal(h, 2 * pc.grad)
    assert _program(step).code is not None


def test_an_upstream_gradient_passed_on_to_two_leaves_is_not_shared():
    # add's rule passes its upstream (mul's new array) on to both inputs, and sum's
    # gives a read-only broadcast view: each leaf must own its own writeable array.
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    c = Tensor([0.0, 0.0], requires_grad=True)
    step = autograd.compile(lambda x: ((a + b) * x).sum() + (c + x).sum())
    for _ in range(3):
        a.grad = b.grad = c.grad = None
        assert step(np.ones(2)) == 12.0
        assert c.grad.flags.writeable and c.grad.base is None
        assert a.grad is not b.grad
        assert a.grad.flags.writeable and b.grad.flags.writeable
        a.grad += 1.0
        np.testing.assert_array_equal(b.grad, [1.0, 1.0])
        step(np.ones(2))  # accumulates into each one's own array
        np.testing.assert_array_equal(a.grad, [3.0, 3.0])
        np.testing.assert_array_equal(b.grad, [2.0, 2.0])
    assert _program(step).code is not None


class _HalfBlind(Function):
    """x * y whose backward gives no gradient to y (None): a gradient that may not exist."""

    @staticmethod
    def forward(ctx, x, y):
        ctx.save_for_backward(x, y)
        return x * y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y, None


def test_a_rule_that_returns_none_leaves_no_gradient_as_in_eager():
    w = Tensor([1.0, -2.0], requires_grad=True)
    v = Tensor([0.5, 0.25], requires_grad=True)
    u = Tensor([2.0, 3.0], requires_grad=True)

    def f(x):
        return (_HalfBlind.apply(w * x, v.tanh()) + u * x).sum()

    step = autograd.compile(f)
    for k in range(3):
        x = np.array([1.0 + k, 2.0])
        for t in (w, v, u):
            t.grad = None
        eager = f(Tensor(x))
        eager.backward()
        expected = [None if t.grad is None else t.grad.copy() for t in (w, v, u)]
        for t in (w, v, u):
            t.grad = None
        np.testing.assert_allclose(step(x), eager.data, rtol=1e-12)
        assert v.grad is None and expected[1] is None
        np.testing.assert_allclose(w.grad, expected[0], rtol=1e-12)
        np.testing.assert_allclose(u.grad, expected[2], rtol=1e-12)
    assert _program(step).code is not None


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["stacked", "no bias", "mse inside", "leaky", "elu", "float32 target"]),
    st.integers(0, 2**31),
)
def test_generated_replay_matches_eager_off_the_inlined_forms(case, seed):
    # Ops next to the inlined forms: a stacked (3-D) linear and one without bias (called),
    # mse_loss not at the root (its upstream is not the seed), unary ops with a parameter,
    # and a target of another dtype (mse_loss casts it: not inlined).
    rng = np.random.default_rng(seed)
    w = Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    b = Tensor(rng.normal(size=4), requires_grad=True)

    def f(x, y):
        if case == "stacked":
            return F.mse_loss(autograd.core.tensor.linear(x.reshape(2, -1, 3), w, b), y)
        if case == "no bias":
            return F.mse_loss(autograd.core.tensor.linear(x, w).tanh(), y)
        if case == "mse inside":
            h = autograd.core.tensor.linear(x, w, b)
            return F.mse_loss(h, y) * 3.0 + (h * h).mean()
        if case == "leaky":
            return (autograd.core.tensor.linear(x, w, b).leaky_relu(0.2) * y).sum()
        if case == "elu":
            return (autograd.core.tensor.linear(x, w, b).elu(0.7) * y).sum()
        return F.mse_loss(autograd.core.tensor.linear(x, w, b), y)

    y_shape = (2, 3, 4) if case == "stacked" else (6, 4)
    y_dtype = np.float32 if case == "float32 target" else np.float64
    step = autograd.compile(f)
    for _ in range(3):
        x = rng.normal(size=(6, 3))
        y = rng.normal(size=y_shape).astype(y_dtype)
        w.grad = b.grad = None
        eager = f(Tensor(x), Tensor(y))
        eager.backward()
        gw, gb = w.grad, b.grad
        w.grad = b.grad = None
        np.testing.assert_allclose(step(x, y), eager.data, rtol=1e-12)
        np.testing.assert_allclose(w.grad, gw, rtol=1e-9, atol=1e-12)
        if gb is None:
            assert b.grad is None
        else:
            np.testing.assert_allclose(b.grad, gb, rtol=1e-9, atol=1e-12)
        w.data -= 0.01 * w.grad
    assert _program(step).code is not None and step.traces == 1


def test_a_parameter_changed_after_code_generation_traces_again():
    w = Tensor([1.0, 2.0], requires_grad=True)
    step = autograd.compile(lambda x: (w * x).tanh().sum())
    step(np.ones(2))
    step(np.ones(2))
    assert _program(step).code is not None
    w.data = w.data.astype(np.float32)  # another dtype: the generated code refuses, a retrace
    w.grad = None
    np.testing.assert_allclose(step(np.ones(2)), np.tanh([1.0, 2.0]).sum(), rtol=1e-6)
    assert step.traces == 2 and w.grad.dtype == np.float32


# -- the traced graph ----------------------------------------------------------------------
def test_graph_is_the_traced_result_and_draws():
    model = nn.MLP([2, 3, 1], activation="tanh")
    step = autograd.compile(lambda x, y: F.mse_loss(model(x), y))
    with pytest.raises(RuntimeError, match="call the compiled function once"):
        step.graph()
    step(np.ones((4, 2)), np.zeros((4, 1)))
    root = step.graph()
    assert isinstance(root, Tensor) and root._op == "mse_loss"
    source = draw_graph(root).source
    for name in ("linear", "tanh", "mse_loss"):
        assert name in source
    step(np.zeros((4, 2)), np.zeros((4, 1)))  # a replay: the same graph
    assert step.graph() is root
    step(np.ones((5, 2)), np.zeros((5, 1)))  # a new trace: its graph
    assert step.graph() is not root and step.graph().shape == ()


def test_graph_of_a_scalar_program_and_the_eager_function_still_draw():
    from autograd import Value

    w = Value(2.0, label="w")

    def f(x):
        return (w * x).tanh() + w * w

    step = autograd.compile(f)
    step(0.5)
    assert "tanh" in draw_graph(step.graph()).source
    eager = f(Value(0.5))  # the function itself is untouched: eager graphs as before
    eager.backward()
    assert "{ w | data 2.0000" in draw_graph(eager).source


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_graph_renders_to_svg_naming_the_ops(tmp_path):
    model = nn.MLP([2, 3, 1], activation="tanh")
    step = autograd.compile(lambda x, y: F.mse_loss(model(x), y))
    step(np.ones((4, 2)), np.zeros((4, 1)))
    path = autograd.render_graph(step.graph(), tmp_path / "traced.svg")
    svg = Path(path).read_text()
    assert svg.lstrip().startswith("<?xml") or "<svg" in svg[:500]
    for name in ("linear", "tanh", "mse_loss"):
        assert name in svg


def test_a_hand_written_layer_with_a_broadcast_bias_gives_eager_bits():
    # + - * / inline, broadcasting undone by a sum over the axes unbroadcast would sum.
    rng = np.random.default_rng(3)
    w = Tensor(rng.normal(size=(4, 3)), requires_grad=True)
    b = Tensor(rng.normal(size=(1, 4)), requires_grad=True)
    s = Tensor(rng.normal(size=4), requires_grad=True)

    def f(x, y):  # (inline from the root to b: b's gradient is one sum over the batch)
        h = (x @ w.transpose() + b).tanh() * s - y / s
        return F.mse_loss(h * h, y)

    step = autograd.compile(f)
    for _ in range(3):
        x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 4))
        for t in (w, b, s):
            t.grad = None
        eager = f(Tensor(x), Tensor(y))
        eager.backward()
        expected = [t.grad for t in (w, b, s)]
        for t in (w, b, s):
            t.grad = None
        np.testing.assert_array_equal(step(x, y), eager.data)
        for t, e in zip((w, b, s), expected, strict=True):
            np.testing.assert_array_equal(t.grad, e)
            assert t.grad.base is None and t.grad.flags.writeable  # the leaf owns it
    assert _program(step).kinds.count("binary") >= 5
