"""compile on Tensor graphs: every op replayed on the new arguments, the same numbers."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import Tensor
from autograd.testing import scalar_programs

ELEMENTWISE = (
    "+",
    "*",
    "-",
    "/",
    "neg",
    "tanh",
    "sigmoid",
    "sin",
    "exp",
    "square",
    "scale",
    "shift",
    "softplus",
    "gelu",
    "elu",
)


@settings(max_examples=40, deadline=None)
@given(scalar_programs(n_inputs=3, max_ops=10, ops=ELEMENTWISE), st.integers(0, 2**31))
def test_random_tensor_programs_match_eager_on_new_batches(program, seed):
    rng = np.random.default_rng(seed)
    w_eager = Tensor(rng.uniform(-1, 1, (4, 3)), requires_grad=True)
    w = Tensor(w_eager.data.copy(), requires_grad=True)

    def f(weights, x, y):
        return program(weights, x, y).sum() + (weights * 0.5).sum()  # depends on weights

    step = autograd.compile(lambda x, y: f(w, x, y))
    for _ in range(3):
        x, y = rng.uniform(-1, 1, (4, 3)), rng.uniform(-1, 1, (1, 3))  # a new batch each call
        out = f(w_eager, Tensor(x), Tensor(y))
        out.backward()
        got = step(x, y)
        assert isinstance(got, np.ndarray)
        np.testing.assert_allclose(got, out.data, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(w.grad, w_eager.grad, rtol=1e-9, atol=1e-12)
        w_eager.data -= 0.1 * w_eager.grad  # an optimizer step between calls
        w.data -= 0.1 * w.grad
    assert step.traces == 1


def _mlp_loss(model, x, y):
    h = model(x)
    return ((h - y) ** 2).mean() + (h.softmax(axis=0).log_softmax(axis=0) * 0.1).sum()


def test_mlp_training_compiled_matches_eager_with_sgd():
    rng = np.random.default_rng(0)
    autograd.manual_seed(3)
    eager = nn.MLP([2, 8, 8, 1], activation="tanh")
    model = nn.MLP([2, 8, 8, 1], activation="tanh")
    model.load_state_dict(eager.state_dict())
    opt_e = nn.optim.SGD(eager.parameters(), lr=0.1)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    step = autograd.compile(lambda x, y: _mlp_loss(model, x, y))
    for _ in range(4):
        x, y = rng.normal(size=(16, 2)), rng.normal(size=(16, 1))
        opt_e.zero_grad()
        opt.zero_grad()
        loss = _mlp_loss(eager, Tensor(x), Tensor(y))
        loss.backward()
        np.testing.assert_allclose(step(x, y), loss.data, rtol=1e-12)
        for pe, pc in zip(eager.parameters(), model.parameters(), strict=True):
            np.testing.assert_allclose(pc.grad, pe.grad, rtol=1e-9, atol=1e-14)
        opt_e.step()
        opt.step()


def test_ops_on_arguments_that_do_not_require_grad_are_replayed():
    # The trap: x * 2 and y.sum() are not in the autograd graph (nothing there requires
    # grad), yet their numbers change with every call.
    w = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    step = autograd.compile(lambda x, y: (w * (x * 2.0 + y.sum())).sum())
    first = step(np.ones(3), np.zeros(2))
    second = step(np.full(3, 2.0), np.ones(2))
    assert first == pytest.approx(12.0)
    assert second == pytest.approx((4.0 + 2.0) * 6.0)
    np.testing.assert_allclose(w.grad, [2.0 + 6.0] * 3)


def test_shape_ops_and_reductions_replay():
    w = Tensor(np.arange(6.0).reshape(2, 3) / 10, requires_grad=True)

    def f(x):
        z = (w @ x).reshape(3, 2).transpose() * 1.0
        parts = autograd.concatenate([z[0], z[1:].reshape(-1)])
        return autograd.stack([parts, parts * 2]).max(axis=0).mean() + z.sum(axis=1).min()

    step = autograd.compile(f)
    for seed in range(3):
        x = np.random.default_rng(seed).normal(size=(3, 3))
        w.grad = None
        eager = f(Tensor(x))
        eager.backward()
        eager_grad = w.grad
        w.grad = None
        np.testing.assert_allclose(step(x), eager.data, rtol=1e-12)
        np.testing.assert_allclose(w.grad, eager_grad, rtol=1e-9)
    assert step.traces == 1


def test_tensor_argument_that_requires_grad_accumulates():
    x = Tensor([1.0, -2.0], requires_grad=True)
    step = autograd.compile(lambda t: (t * t).sum())
    step(x)
    step(x)
    np.testing.assert_allclose(x.grad, 2 * 2 * x.data)


def test_cache_key_has_shapes_and_dtypes():
    step = autograd.compile(lambda x: (x * 2.0).sum(), backward=False)
    step(np.ones(3))
    step(np.zeros(3))
    assert step.traces == 1
    step(np.ones(4))
    step(np.ones(3, dtype=np.float32))
    assert step.traces == 3


def test_ops_without_a_replayable_forward_are_refused():
    # A user's own Op: its output was computed outside the engine, which a replay cannot redo.
    from autograd.core.tensor import Op

    cube = Op("cube", lambda g, inputs, out, saved, needs: (3 * inputs[0] ** 2 * g,))
    w = Tensor([1.0, 2.0], requires_grad=True)
    step = autograd.compile(lambda x: (cube(w.data**3, (w,)) * x).sum())
    with pytest.raises(autograd.compiler.CompileError, match=r"'cube'.*test_tensor.py:\d+"):
        step(np.ones(2))


def test_backward_of_a_result_without_grad_is_a_clear_error():
    step = autograd.compile(lambda x: (x * 2.0).sum())
    with pytest.raises(RuntimeError, match="does not require grad"):
        step(np.ones(2))
    assert autograd.compile(lambda x: (x * 2.0).sum(), backward=False)(np.ones(2)) == 4.0


def test_a_parameter_that_changes_shape_or_stops_requiring_grad_is_traced_again():
    w = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([0.5], requires_grad=True)
    step = autograd.compile(lambda x: ((x * w).sum() + b).sum())
    step(np.ones(2))
    w.data = np.array([1.0, 2.0, 3.0])  # a new shape: the old program would be wrong
    w.grad = None
    assert step(np.ones(3)) == pytest.approx(6.5)
    b.requires_grad_(False)  # frozen: backward would not give it a gradient
    b.grad = None
    step(np.ones(3))
    assert b.grad is None
    assert step.traces == 3


def test_keyword_arguments_are_arguments_too():
    w = Tensor([2.0], requires_grad=True)
    step = autograd.compile(lambda x, scale=None: (w * x * scale).sum())
    assert step(np.ones(1), scale=np.array(3.0)) == pytest.approx(6.0)
    assert step(np.ones(1), scale=np.array(0.5)) == pytest.approx(1.0)
    assert step.traces == 1
    np.testing.assert_allclose(w.grad, [3.5])
