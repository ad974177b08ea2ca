"""Recording a graph holds the cyclic GC until it is differentiated and freed."""

import gc
import os
import threading
import time

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, collector, no_grad


@pytest.fixture
def short_hold(monkeypatch):
    monkeypatch.setattr(collector, "HOLD_SECONDS", 0.05)


def _wait_until(condition, seconds=10.0):
    # Functional wait for the watchdog thread, not a speed assertion.
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def test_forward_holds_the_gc_until_its_graph_is_differentiated_and_freed():
    model = nn.Linear(2, 1)
    loss = model(Tensor(np.ones((3, 2)))).sum()
    assert not gc.isenabled() and collector.holding()
    loss.backward()
    assert not gc.isenabled()  # backward is done, but the graph is still referenced
    del loss
    assert gc.isenabled() and not collector.holding()


def test_a_loop_that_keeps_the_loss_alive_holds_across_steps_and_releases_at_the_end():
    model = nn.Linear(2, 1)
    x = Tensor(np.ones((3, 2)))
    loss = None
    for _ in range(3):
        loss = model(x).sum()  # frees the previous loss while this step's graph is alive
        assert not gc.isenabled()
        loss.backward()
    del loss
    assert gc.isenabled()


def test_scalar_models_hold_the_gc_too():
    model = nn.scalar.MLP(2, [4, 1])
    out = model([1.0, -1.0])
    assert not gc.isenabled()
    out.backward()
    del out
    assert gc.isenabled()


def test_forward_under_no_grad_does_not_hold_the_gc():
    with no_grad():
        nn.Linear(2, 1)(Tensor(np.ones((1, 2))))
    assert gc.isenabled() and not collector.holding()


def test_a_gc_disabled_by_the_user_stays_disabled():
    gc.disable()
    try:
        loss = nn.Linear(2, 1)(Tensor(np.ones((1, 2)))).sum()
        assert not collector.holding()
        loss.backward()
        del loss
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_watchdog_ends_a_hold_that_no_backward_ends(short_hold):
    out = nn.Linear(2, 1)(Tensor(np.ones((1, 2))))  # inference without no_grad
    assert not gc.isenabled()
    assert _wait_until(gc.isenabled)
    assert not collector.holding()
    more = out * 2.0  # recording on without a backward in between starts no new hold
    assert gc.isenabled()
    more.sum().backward()
    del more
    again = out * 3.0  # after a backward, a new graph holds again
    assert not gc.isenabled()
    del out, again


def test_graphs_of_plain_values_hold_the_gc_until_differentiated_and_freed():
    x = Value(2.0)
    y = (x * 3.0).tanh()
    assert not gc.isenabled()
    y.backward()
    del y
    assert gc.isenabled() and not collector.holding()


def test_leaves_alone_hold_nothing():
    Value(1.0)
    Tensor([1.0], requires_grad=True)
    assert gc.isenabled() and not collector.holding()


def test_concurrent_training_threads_leave_the_gc_enabled():
    models = [nn.Linear(2, 2) for _ in range(4)]
    errors = []

    def train(m):
        try:
            for _ in range(50):
                m(Tensor(np.ones((1, 2)))).tanh().sum().backward()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=train, args=(m,)) for m in models]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert gc.isenabled() and not collector.holding()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_starts_without_a_hold():
    out = nn.Linear(2, 1)(Tensor(np.ones((1, 2))))
    assert collector.holding()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report what it sees, then leave at once
        os.write(write, b"1" if gc.isenabled() and not collector.holding() else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    del out
