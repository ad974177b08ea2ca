"""No op, backward, module call or optimizer step changes process-wide state.

Checked over scalar (nn.scalar.MLP + SGD) and Tensor (nn.MLP + Adam) training loops,
with the cyclic collector enabled and with it disabled by the user beforehand: the
collector's switch, thresholds and debug flags, the thread count, and a few other
interpreter and numpy settings are the same after every phase of every step, and the
functions that would change them are never called. Graphs are freed by reference
counting alone, so a long scalar training loop with the collector on keeps memory flat
and the collector never finds anything of ours to free.
"""

import gc
import os
import sys
import threading
import tracemalloc
import weakref

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, manual_seed
from nn import functional as F


def _process_state():
    return {
        "gc enabled": gc.isenabled(),
        "gc thresholds": gc.get_threshold(),
        "gc debug": gc.get_debug(),
        "gc frozen": gc.get_freeze_count(),
        "threads": threading.active_count(),
        "switch interval": sys.getswitchinterval(),
        "recursion limit": sys.getrecursionlimit(),
        "numpy errors": np.geterr(),
        "numpy print": np.get_printoptions(),
    }


@pytest.fixture(params=[True, False], ids=["gc-enabled", "gc-disabled-by-user"])
def user_gc(request):
    before = gc.isenabled()
    (gc.enable if request.param else gc.disable)()
    yield request.param
    (gc.enable if before else gc.disable)()


@pytest.fixture
def spy(monkeypatch):
    """Records every call that would change the collector, start a thread or hook fork."""
    calls = []

    def recorder(name, real):
        def record(*args, **kwargs):
            calls.append(name)
            return real(*args, **kwargs)

        return record

    for name in ("enable", "disable", "freeze", "unfreeze", "set_threshold", "set_debug"):
        monkeypatch.setattr(gc, name, recorder(f"gc.{name}", getattr(gc, name)))
    monkeypatch.setattr(threading.Thread, "start", recorder("Thread.start", threading.Thread.start))
    if hasattr(os, "register_at_fork"):
        monkeypatch.setattr(
            os, "register_at_fork", recorder("os.register_at_fork", os.register_at_fork)
        )
    return calls


class _Watch:
    """Compares the process state after each phase with the state before the loop."""

    def __init__(self, spy):
        self.spy = spy
        self.callbacks = list(gc.callbacks)
        self.before = _process_state()
        self.phases = 0

    def check(self, phase):
        self.phases += 1
        assert _process_state() == self.before, phase
        assert self.spy == [], phase
        assert gc.callbacks == self.callbacks, phase


def test_scalar_training_loop_changes_no_process_state(user_gc, spy):
    manual_seed(0)
    watch = _Watch(spy)
    model = nn.scalar.MLP(2, [8, 8, 1])
    watch.check("building a scalar model")
    opt = nn.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    watch.check("building an optimizer")
    data = [([0.5, -1.0], 1.0), ([1.5, 0.25], -1.0), ([-0.3, 0.8], 1.0)]
    for _ in range(5):
        opt.zero_grad()
        watch.check("zero_grad")
        scores = [model(x) for x, _ in data]
        watch.check("module call")
        loss = sum(((1 - y * s).relu() for (_, y), s in zip(data, scores, strict=True)), Value(0.0))
        loss = loss * (1.0 / len(data)) + 1e-4 * sum(p * p for p in model.parameters())
        watch.check("ops")
        loss.backward()
        watch.check("backward")
        opt.step()
        watch.check("optimizer step")
        del loss, scores
        watch.check("freeing the graph")
    assert gc.isenabled() is user_gc


def test_tensor_training_loop_changes_no_process_state(user_gc, spy):
    manual_seed(0)
    watch = _Watch(spy)
    model = nn.MLP([2, 16, 16, 1])
    opt = nn.optim.Adam(model.parameters(), lr=0.01)
    x = Tensor(np.random.default_rng(0).normal(size=(32, 2)))
    y = np.random.default_rng(1).normal(size=(32, 1))
    watch.check("building")
    for _ in range(5):
        opt.zero_grad()
        out = model(x)
        watch.check("module call")
        loss = F.mse_loss(out, y) + 1e-4 * sum((p * p).sum() for p in model.parameters())
        watch.check("ops and loss")
        loss.backward()
        watch.check("backward")
        opt.step()
        watch.check("optimizer step")
        del loss, out
        watch.check("freeing the graph")
    assert gc.isenabled() is user_gc


VALUE_METHODS = (
    "exp",
    "log",
    "sqrt",
    "abs",
    "tanh",
    "sigmoid",
    "relu",
    "leaky_relu",
    "elu",
    "celu",
    "gelu",
    "mish",
    "hardswish",
    "relu6",
    "softplus",
    "sin",
    "cos",
)


def test_every_value_op_changes_no_process_state(user_gc, spy):
    watch = _Watch(spy)
    a, b = Value(0.7), Value(1.3)
    for make in (
        lambda: a + b,
        lambda: a - b,
        lambda: a * b,
        lambda: a / b,
        lambda: a**b,
        lambda: a**2,
        lambda: 2**a,
        lambda: -a,
        lambda: 1.0 - a,
        lambda: 3 / a,
    ):
        out = make()
        watch.check(f"op -> {out.op}")
        out.backward()
        watch.check(f"backward of {out.op}")
    for name in VALUE_METHODS:
        out = getattr(a, name)()
        watch.check(name)
        out.backward()
        watch.check(f"backward of {name}")


def test_a_graph_is_freed_by_reference_counting_alone():
    gc.collect()
    gc.disable()
    try:
        x = Value(0.5)
        y = x
        for i in range(1000):
            y = (y * 1.001 + i * 1e-6).tanh()
        middle = weakref.ref(y)
        z = (y * y).exp()
        root = weakref.ref(z)
        z.backward()
        del y, z
        assert root() is None and middle() is None  # freed at once, collector off
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            assert gc.collect() == 0
            assert not any(isinstance(o, Value) for o in gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    finally:
        gc.enable()


def test_ten_thousand_scalar_training_steps_with_the_gc_on_keep_memory_flat():
    manual_seed(0)
    model = nn.scalar.MLP(2, [4, 1])
    opt = nn.optim.SGD(model.parameters(), lr=1e-3)
    xs = [[0.5, -1.0]]  # small: 10,000 steps under tracemalloc take a few seconds

    def step():
        opt.zero_grad()
        loss = sum((model(x) - 1.0) ** 2 for x in xs)
        loss.backward()
        opt.step()

    for _ in range(50):  # warm-up: optimizer state, caches
        step()
    found = []

    def count(phase, info):  # what each automatic collection freed or could not free
        if phase == "stop":
            found.append(info["collected"] + info["uncollectable"])

    gc.collect()
    assert gc.isenabled()
    explicit = []
    gc.callbacks.append(count)
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for i in range(10_000):
            step()
            if i % 1000 == 999:
                explicit.append(gc.collect())  # what the last 1,000 steps left for it
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
        gc.callbacks.remove(count)
    assert explicit == [0] * 10
    assert sum(found) == 0  # no collection, automatic or explicit, found garbage
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = after.filter_traces(ignore).compare_to(before.filter_traces(ignore), "lineno")
    growth = sum(s.size_diff for s in stats)
    assert growth < 100_000, "\n".join(str(s) for s in stats[:3])


def test_automatic_collections_during_large_scalar_steps_find_no_garbage():
    # A step whose graph (~7,000 nodes) outgrows the collector's first generation, so
    # the collector runs on its own in the middle of building it, as in users' loops.
    manual_seed(0)
    model = nn.scalar.MLP(2, [16, 16, 1])
    opt = nn.optim.SGD(model.parameters(), lr=1e-3)
    xs = [[0.5, -1.0], [1.5, 0.25], [-0.3, 0.8], [0.1, 0.1]]
    found = []

    def count(phase, info):
        if phase == "stop":
            found.append(info["collected"] + info["uncollectable"])

    gc.collect()
    assert gc.isenabled()
    gc.callbacks.append(count)
    try:
        for _ in range(20):
            opt.zero_grad()
            loss = sum((model(x) - 1.0) ** 2 for x in xs)
            loss.backward()
            opt.step()
    finally:
        gc.callbacks.remove(count)
    assert len(found) >= 20  # the collector did run, several times per step
    assert sum(found) == 0
