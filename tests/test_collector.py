"""Recording a graph of Values holds the cyclic GC until it is differentiated and freed."""

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


def test_a_value_graph_holds_the_gc_until_differentiated_and_freed():
    x = Value(2.0)
    y = (x * 3.0).tanh()
    assert not gc.isenabled() and collector.holding()
    y.backward()
    assert not gc.isenabled()  # backward is done, but the graph is still referenced
    del y
    assert gc.isenabled() and not collector.holding()


def test_a_scalar_model_step_holds_the_gc_and_releases_it_when_the_step_ends():
    model = nn.scalar.MLP(2, [4, 1])
    loss = sum(model(x) for x in ([1.0, -1.0], [0.5, 2.0]))
    assert not gc.isenabled()
    loss.backward()
    del loss
    assert gc.isenabled()


def test_a_loop_that_keeps_the_loss_alive_holds_across_steps_and_releases_at_the_end():
    model = nn.scalar.MLP(2, [4, 1])
    loss = None
    for _ in range(3):
        loss = model([1.0, -1.0])  # frees the previous loss while this step's graph is alive
        assert not gc.isenabled()
        loss.backward()
    del loss
    assert gc.isenabled()


def test_tensor_graphs_do_not_hold_the_gc():
    # A Tensor graph has a node per array op: too few nodes for the collector to matter.
    loss = nn.Linear(2, 1)(Tensor(np.ones((3, 2)))).sum()
    assert gc.isenabled() and not collector.holding()
    loss.backward()


def test_work_under_no_grad_does_not_hold_the_gc():
    with no_grad():
        nn.scalar.MLP(2, [4, 1])([1.0, -1.0])
    assert gc.isenabled() and not collector.holding()


def test_leaves_alone_hold_nothing():
    Value(1.0)
    assert gc.isenabled() and not collector.holding()


def test_a_gc_disabled_by_the_user_stays_disabled():
    gc.disable()
    try:
        y = Value(2.0) * 3.0
        assert not collector.holding()
        y.backward()
        del y
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_watchdog_ends_a_hold_that_no_backward_ends(short_hold):
    x = Value(2.0)
    out = x * 3.0  # recorded, never differentiated
    assert not gc.isenabled()
    assert _wait_until(gc.isenabled)
    assert not collector.holding()
    more = out * 2.0  # without a backward in between, recording starts no new hold
    assert gc.isenabled()
    more.backward()
    del more
    again = out * 3.0  # after a backward, a new graph holds again
    assert not gc.isenabled()
    del out, again


def test_concurrent_training_threads_leave_the_gc_enabled():
    models = [nn.scalar.MLP(2, [3, 1]) for _ in range(4)]
    errors = []

    def train(m):
        try:
            for _ in range(50):
                m([1.0, -1.0]).backward()
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
    out = Value(2.0) * 3.0
    assert collector.holding()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report what it sees, then leave at once
        os.write(write, b"1" if gc.isenabled() and not collector.holding() else b"0")
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    del out


def test_a_scalar_training_loop_with_the_gc_on_keeps_memory_flat_and_ends_released():
    # The hold arms one finalizer per backward; none may pile up, and no memory may leak.
    import tracemalloc
    import weakref

    model = nn.scalar.MLP(2, [4, 1])
    opt = nn.optim.SGD(model.parameters(), lr=0.01)

    def step():
        loss = (model([0.5, -1.0]) - 1.0) ** 2
        opt.zero_grad()
        loss.backward()
        opt.step()

    for _ in range(50):
        step()
    finalizers = len(weakref.finalize._registry)  # type: ignore[attr-defined]
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for _ in range(1000):
            step()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    growth = sum(s.size_diff for s in after.compare_to(before, "filename"))
    assert growth < 64 * 1024
    assert len(weakref.finalize._registry) <= finalizers  # type: ignore[attr-defined]
    assert gc.isenabled() and not collector.holding()
