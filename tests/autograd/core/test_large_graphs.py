"""Large graphs: memory stays flat over many steps without the cyclic GC; deep and wide graphs
work.
"""

from __future__ import annotations

import gc
import tracemalloc

import numpy as np

import nn
from autograd import (
    Tensor,
    Value,
    concatenate,
    draw_graph,
    manual_seed,
    stack,
)
from nn import functional as F
from nn import optim


# -- memory ---------------------------------------------------------------------------------
def _growth_over(steps, run_step) -> tuple[int, int, str]:
    """Bytes still allocated after ``steps`` more steps (GC off), garbage found, the top growth."""
    gc.collect()
    gc.disable()
    try:
        tracemalloc.start()
        try:
            # gc.collect() empties the interpreter's free lists (up to 2,000 tuples of a size):
            # refill them, traced, before the first snapshot, or the refill reads as growth.
            for _ in range(min(steps, 1_000)):
                run_step()
            before = tracemalloc.take_snapshot()
            for _ in range(steps):
                run_step()
            after = tracemalloc.take_snapshot()
        finally:
            tracemalloc.stop()
        garbage = gc.collect()  # anything only the cyclic GC could free
    finally:
        gc.enable()
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    stats = after.filter_traces(ignore).compare_to(before.filter_traces(ignore), "lineno")
    growth = sum(s.size_diff for s in stats)
    return growth, garbage, "\n".join(str(s) for s in stats[:3])


def test_a_thousand_training_steps_keep_memory_flat():
    manual_seed(0)
    model = nn.MLP([2, 4, 1])
    opt = optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
    x = Tensor(np.random.default_rng(0).normal(size=(8, 2)))
    y = np.ones((8, 1))

    def step():
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()

    for _ in range(100):  # warm-up: optimizer state, scratch arrays, caches
        step()
    growth, garbage, top = _growth_over(1_000, step)
    assert garbage == 0  # nothing was waiting for the cyclic GC
    # A few kB in practice; 20 kB over 1,000 steps catches a leak of 24 bytes a step.
    assert growth < 20_000, top


def test_scalar_training_loop_keeps_memory_flat():
    manual_seed(0)
    model = nn.scalar.MLP(2, [4, 1])
    opt = optim.SGD(model.parameters(), lr=1e-3)
    xs = [[0.5, -1.0], [1.5, 0.25]]

    def step():
        opt.zero_grad()
        loss = sum((model(x) - 1.0) ** 2 for x in xs)
        loss.backward()
        opt.step()

    for _ in range(20):
        step()
    growth, garbage, top = _growth_over(1_000, step)
    assert garbage == 0
    assert growth < 100_000, top


# -- deep and wide graphs --------------------------------------------------------------------
def test_concatenate_of_a_hundred_thousand_tensors_backprops_and_draws_a_bounded_source():
    parts = [Tensor([float(i)], requires_grad=True) for i in range(100_000)]
    out = concatenate(parts)  # one node with 100,000 parents
    weights = np.arange(100_000, dtype=np.float64) % 7
    (out * weights).sum().backward()
    assert out.shape == (100_000,)
    assert all(p.grad.shape == (1,) for p in parts)
    np.testing.assert_array_equal(np.concatenate([p.grad for p in parts]), weights)
    source = draw_graph(out).source
    assert len(source) < 50_000
    assert "100,001 nodes" in source or "100,000" in source


def test_stack_of_ten_thousand_tensors_backprops():
    parts = [Tensor(np.full(3, float(i)), requires_grad=True) for i in range(10_000)]
    out = stack(parts, axis=1)
    assert out.shape == (3, 10_000)
    out.sum(axis=0).max().backward()  # the largest column is the last tensor
    assert all(p.grad.shape == (3,) for p in parts)
    np.testing.assert_array_equal(parts[-1].grad, np.ones(3))
    assert not any(p.grad.any() for p in parts[:-1])
    assert len(draw_graph(out, max_nodes=100).source) < 20_000


def test_hundred_thousand_way_value_sum_draws_a_bounded_summary():
    xs = [Value(float(i)) for i in range(100_000)]
    total = sum(xs)
    total.backward()
    assert xs[-1].grad == 1.0
    source = draw_graph(total).source
    assert len(source) < 50_000
    assert len(source.splitlines()) < 3 * 500 + 50  # near max_nodes statements at most
