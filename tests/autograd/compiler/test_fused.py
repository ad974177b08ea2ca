"""compile replays nn's fused losses and Functions on each call's new arguments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import autograd
import nn
from autograd import Function, Tensor
from nn import functional as F

N, C = 6, 3


def _regression(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.normal(size=(N, 2)), rng.normal(size=(N, C))


def _probabilities(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.normal(size=(N, 2)), rng.uniform(0.0, 1.0, size=(N, C))


def _labels(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    return rng.normal(size=(N, 2)), rng.integers(0, C, size=N)


def _soft(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    p = rng.uniform(0.1, 1.0, size=(N, C))
    return rng.normal(size=(N, 2)), p / p.sum(axis=1, keepdims=True)


# (name, loss of (model output, target, **options), batch maker)
LOSSES: list[tuple[str, Callable[..., Any], Callable[..., Any]]] = [
    ("mse", F.mse_loss, _regression),
    ("l1", F.l1_loss, _regression),
    ("bce", lambda out, t, **kw: F.binary_cross_entropy(out.sigmoid(), t, **kw), _probabilities),
    ("bce_logits", F.binary_cross_entropy_with_logits, _probabilities),
    ("cross_entropy labels", F.cross_entropy, _labels),
    ("cross_entropy probabilities", F.cross_entropy, _soft),
    ("nll", lambda out, t, **kw: F.nll_loss(out.log_softmax(axis=1), t, **kw), _labels),
]
OPTIONS = [
    {},
    {"reduction": "sum"},
    {"reduction": "none"},
    {"reduction": "sum_by_nonzero_weights", "sample_weight": [1.0, 0.0, 2.0, 1.0, 0.5, 0.0]},
    {"sample_weight": [0.5, 1.0, 2.0, 1.0, 0.0, 3.0]},
]
CLASS_WEIGHTED = {"cross_entropy labels", "cross_entropy probabilities", "nll"}


def _cases() -> list[Any]:
    cases = [
        pytest.param(name, loss, batch, opts, id=f"{name}-{i}")
        for name, loss, batch in LOSSES
        for i, opts in enumerate(OPTIONS)
    ]
    cases += [
        pytest.param(
            name, loss, batch, {"weight": [0.5, 2.0, 1.0], "reduction": r}, id=f"{name}-weight-{r}"
        )
        for name, loss, batch in LOSSES
        if name in CLASS_WEIGHTED
        for r in ("mean", "sum", "none")
    ]
    return cases


def _pair() -> tuple[nn.Module, nn.Module]:
    autograd.manual_seed(1)
    eager = nn.MLP([2, 5, C], activation="tanh")
    model = nn.MLP([2, 5, C], activation="tanh")
    model.load_state_dict(eager.state_dict())
    return eager, model


@pytest.mark.parametrize(("name", "loss", "batch", "opts"), _cases())
def test_losses_use_each_calls_new_target(name, loss, batch, opts):
    eager, model = _pair()
    opt_e = nn.optim.SGD(eager.parameters(), lr=0.1)
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    reduce = opts.get("reduction") == "none"

    def f(m: nn.Module, x: Any, t: Any) -> Any:
        out = loss(m(x), t, **opts)
        return out.sum() if reduce else out

    step = autograd.compile(lambda x, t: f(model, x, t))
    rng = np.random.default_rng(7)
    first = None
    for call in range(4):
        x, t = batch(rng)
        if call == 3:  # the first-batch trap: same inputs, new target, a new loss
            x = first[0]
        opt_e.zero_grad()
        opt.zero_grad()
        want = f(eager, Tensor(x), t)
        want.backward()
        got = step(x, t)
        np.testing.assert_allclose(got, want.data, rtol=1e-12, atol=1e-15)
        for pe, pc in zip(eager.parameters(), model.parameters(), strict=True):
            np.testing.assert_allclose(pc.grad, pe.grad, rtol=1e-9, atol=1e-14)
        opt_e.step()
        opt.step()
        first = first or (x, t, got)
    assert step.traces == 1


def test_a_new_target_changes_the_replayed_loss_and_gradient():
    w = Tensor([[1.0, 2.0]], requires_grad=True)
    step = autograd.compile(lambda x, y: F.mse_loss(x @ w.T, y))
    x = np.array([[1.0, 1.0]])
    assert step(x, np.array([[3.0]])) == 0.0
    np.testing.assert_array_equal(w.grad, [[0.0, 0.0]])
    assert step(x, np.array([[1.0]])) == 4.0  # (3 - 1) ** 2, not the first call's 0
    np.testing.assert_array_equal(w.grad, [[4.0, 4.0]])


def test_a_target_that_requires_grad_gets_its_gradient():
    target = Tensor([1.0, -1.0], requires_grad=True)
    step = autograd.compile(lambda x: F.mse_loss(x * 2.0, target, reduction="sum"))
    step(np.array([1.0, 1.0]))
    step(np.array([0.0, 0.0]))
    # d/dt sum((2x - t)**2) = -2 (2x - t): (-2, -6) then (2, -2)
    np.testing.assert_allclose(target.grad, [0.0, -8.0])


def test_a_target_computed_inside_the_function_is_replayed():
    w = Tensor([2.0], requires_grad=True)
    step = autograd.compile(lambda x, y: F.l1_loss(x * w, y * 3.0 + 1.0, reduction="sum"))
    assert step(np.array([1.0]), np.array([0.0])) == 1.0
    assert step(np.array([1.0]), np.array([1.0])) == 2.0  # |2 - 4|
    np.testing.assert_allclose(w.grad, [1.0 - 1.0])


def test_bad_labels_on_replay_raise_as_eager_does():
    logits = Tensor(np.zeros((2, 3)), requires_grad=True)
    step = autograd.compile(lambda t: F.cross_entropy(logits * 1.0, t))
    step(np.array([0, 2]))
    with pytest.raises(ValueError, match="out of range"):
        step(np.array([0, 3]))


def test_loss_modules_replay_too():
    eager, model = _pair()
    criterion = nn.CrossEntropyLoss()
    step = autograd.compile(lambda x, t: criterion(model(x), t))
    rng = np.random.default_rng(3)
    for _ in range(3):
        x, t = _labels(rng)
        for p in list(eager.parameters()) + list(model.parameters()):
            p.grad = None
        want = criterion(eager(Tensor(x)), t)
        want.backward()
        assert step(x, t) == pytest.approx(want.item(), rel=1e-12)
        for pe, pc in zip(eager.parameters(), model.parameters(), strict=True):
            np.testing.assert_allclose(pc.grad, pe.grad, rtol=1e-9)


class ScaledCube(Function):
    """x ** 3 * s with s a plain number, saving the input and a derived array."""

    calls = 0

    @staticmethod
    def forward(ctx, x, s):
        ScaledCube.calls += 1
        ctx.save_for_backward(x, x * x)
        ctx.s = s
        return x**3 * s

    @staticmethod
    def backward(ctx, grad_out):
        x, x2 = ctx.saved_tensors
        return 3 * x2 * ctx.s * grad_out, None


def test_a_function_replays_its_forward_with_fresh_saved_tensors():
    w = Tensor([1.0, -2.0], requires_grad=True)
    step = autograd.compile(lambda x: ScaledCube.apply(w * x, 0.5).sum())
    before = ScaledCube.calls
    for x in ([1.0, 1.0], [2.0, -1.0], [0.5, 3.0]):
        xa = np.array(x)
        w.grad = None
        got = step(xa)
        u = w.data * xa
        assert got == pytest.approx(float((u**3 * 0.5).sum()), rel=1e-12)
        np.testing.assert_allclose(w.grad, 1.5 * u**2 * xa, rtol=1e-12)  # not the first x's
    # the trace runs forward once, then every call (the first too) replays it
    assert ScaledCube.calls - before == 1 + 3 and step.traces == 1
    assert "ScaledCube" in str(step)


def test_conv2d_a_function_of_nn_replays():
    autograd.manual_seed(0)
    conv = nn.Conv2d(1, 2, 3)
    rng = np.random.default_rng(0)
    step = autograd.compile(lambda x: (conv(x) ** 2).mean())
    for _ in range(2):
        x = rng.normal(size=(2, 1, 5, 5))
        conv.zero_grad()
        want = (conv(Tensor(x)) ** 2).mean()
        want.backward()
        grads = [p.grad.copy() for p in conv.parameters()]
        conv.zero_grad()
        assert step(x) == pytest.approx(want.item(), rel=1e-12)
        for p, g in zip(conv.parameters(), grads, strict=True):
            np.testing.assert_allclose(p.grad, g, rtol=1e-9)


def test_a_loss_replayed_under_no_grad_still_gives_gradients():
    # The loss keeps the state its rule needs even when the compiled call runs in no_grad().
    w = Tensor([[1.0, 2.0]], requires_grad=True)
    step = autograd.compile(lambda x, y: F.mse_loss(x @ w.T, y))
    x = np.array([[1.0, 1.0]])
    step(x, np.array([[3.0]]))
    with autograd.no_grad():
        assert step(x, np.array([[1.0]])) == 4.0
    np.testing.assert_array_equal(w.grad, [[4.0, 4.0]])
