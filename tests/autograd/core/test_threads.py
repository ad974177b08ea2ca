"""Threads: models trained in threads, shared graphs and Hogwild updates lose nothing; modes are
per thread.
"""

from __future__ import annotations

import copy
import gc
import sys
import threading

import numpy as np
import pytest

import nn
from autograd import (
    Tensor,
    Value,
    detect_anomaly,
    is_grad_enabled,
    manual_seed,
    no_grad,
)
from nn import functional as F
from nn import optim


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


# -- threads -----------------------------------------------------------------------------------
def _train(model, opt, x, y, steps):
    for _ in range(steps):
        opt.zero_grad()
        F.mse_loss(model(x), y).backward()
        opt.step()


def test_two_threads_training_two_models_match_sequential_runs_bit_for_bit(fast_switching):
    # Models and data are built BEFORE the threads start: the random generator is
    # process-global, so drawing from it in two threads at once is not reproducible.
    manual_seed(0)
    models = [nn.MLP([3, 16, 16, 1], activation="tanh"), nn.MLP([3, 8, 1], activation="relu")]
    rng = np.random.default_rng(1)
    data = [(Tensor(rng.normal(size=(32, 3))), rng.normal(size=(32, 1))) for _ in models]
    twins = copy.deepcopy(models)

    for model, (x, y) in zip(twins, data, strict=True):  # sequential reference runs
        _train(model, optim.Adam(model.parameters(), lr=1e-2), x, y, 200)

    start = threading.Barrier(2)
    errors = []

    def worker(model, x, y):
        try:
            opt = optim.Adam(model.parameters(), lr=1e-2)
            start.wait()
            _train(model, opt, x, y, 200)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=worker, args=(m, *d)) for m, d in zip(models, data, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for model, twin in zip(models, twins, strict=True):
        for (name, a), b in zip(
            model.state_dict().items(), twin.state_dict().values(), strict=True
        ):
            assert np.array_equal(a, b), name


def test_no_grad_in_one_thread_never_stops_another_thread_from_recording(fast_switching):
    manual_seed(0)
    model = nn.MLP([2, 4, 1])
    x = Tensor(np.ones((3, 2)))
    stop = threading.Event()
    unrecorded = []

    def evaluator():
        while not stop.is_set():
            with no_grad():
                unrecorded.append(model(x).parents == () and not is_grad_enabled())

    t = threading.Thread(target=evaluator)
    t.start()
    try:
        for _ in range(200):
            out = model(x).sum()
            assert out.parents != () and is_grad_enabled()
            out.backward()
    finally:
        stop.set()
        t.join()
    assert unrecorded and all(unrecorded)


class _Slow(nn.Module):
    """Forward that yields the GIL, so calls from several threads interleave."""

    def __init__(self):
        super().__init__()
        self.inner = nn.Linear(2, 2)

    def forward(self, x):
        out = self.inner(x)
        threading.Event().wait(0.0005)
        return out.tanh()


def test_concurrent_module_calls_leave_the_collector_as_they_found_it(fast_switching):
    manual_seed(0)
    models = [_Slow() for _ in range(6)]
    errors = []

    def worker(m):
        try:
            for _ in range(60):
                m(Tensor(np.ones((1, 2)))).sum().backward()
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(m,)) for m in models]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert gc.isenabled()

    gc.disable()  # a collector the user turned off stays off
    try:
        threads = [threading.Thread(target=worker, args=(m,)) for m in models]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not gc.isenabled()
    finally:
        gc.enable()
    assert errors == []


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
    fast_switching,
):
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
    fast_switching,
):
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
