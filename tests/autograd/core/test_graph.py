"""The graph core shared by Value and Tensor: topological order, backward semantics, grad mode
and its thread-locality, deep graphs without recursion, memory release, anomaly mode, seeding."""

from __future__ import annotations

import gc
import math
import sys
import threading
import time
import weakref

import numpy as np
import pytest

from autograd import (
    Tensor,
    Value,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    manual_seed,
    no_grad,
)
from autograd.core.graph import topological_order
from autograd.core.random import generator


# -- topological order ---------------------------------------------------------------------
def _diamond():
    a = Value(1.0, label="a")
    b = Value(2.0, label="b")
    c = a * b
    d = a + c
    e = c.tanh()
    f = d * e + a
    return [a, b, c, d, e], f


def test_topological_order_puts_every_node_after_its_parents_and_the_root_last():
    _, root = _diamond()
    order = topological_order(root)
    position = {id(n): i for i, n in enumerate(order)}
    assert order[-1] is root
    assert len(order) == len(position) == 7  # each node once: a, b, c, d, e, d*e, f
    for node in order:
        for parent in node.parents:
            assert position[id(parent)] < position[id(node)]


def test_topological_order_is_deterministic():
    _, root = _diamond()
    first = [id(n) for n in topological_order(root)]
    assert all([id(n) for n in topological_order(root)] == first for _ in range(5))


def test_topological_order_of_a_tensor_graph_skips_nothing_reachable():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).exp()
    z = (y + x).sum()
    order = topological_order(z)
    # (identity: ``in`` would compare tensors elementwise)
    assert order[-1] is z and any(n is x for n in order) and any(n is y for n in order)
    assert len({id(n) for n in order}) == len(order)


# -- backward semantics ----------------------------------------------------------------------
def test_every_reached_node_gets_its_gradient():
    (a, b, c, d, e), f = _diamond()
    f.backward()
    # f = d * e + a, d = a + c, e = tanh(c), c = a * b
    t = math.tanh(2.0)
    df_dd, df_de = t, 3.0
    df_dc = df_dd * 1.0 + df_de * (1 - t * t)
    assert f.grad == 1.0
    assert d.grad == pytest.approx(df_dd)
    assert e.grad == pytest.approx(df_de)
    assert c.grad == pytest.approx(df_dc)
    assert a.grad == pytest.approx(1.0 + df_dd + df_dc * 2.0)
    assert b.grad == pytest.approx(df_dc * 1.0)


def test_node_used_several_times_gets_the_sum_of_its_contributions():
    x = Value(3.0)
    y = x * x * x + x  # 3x^2 + 1
    y.backward()
    assert x.grad == pytest.approx(28.0)
    t = Tensor([3.0], requires_grad=True)
    (t * t * t + t).sum().backward()
    np.testing.assert_allclose(t.grad, [28.0])


def test_shared_subexpression_is_differentiated_once_per_use():
    x = Value(0.5)
    s = x.sin()
    y = s * s + s  # d/dx = (2 sin x + 1) cos x
    y.backward()
    assert s.grad == pytest.approx(2 * math.sin(0.5) + 1)
    assert x.grad == pytest.approx((2 * math.sin(0.5) + 1) * math.cos(0.5))


def test_leaves_accumulate_across_backward_calls():
    x = Value(2.0)
    (x * x).backward()
    (x * 3.0).backward()
    assert x.grad == pytest.approx(4.0 + 3.0)
    t = Tensor([2.0, 1.0], requires_grad=True)
    (t * t).sum().backward()
    (t * 3.0).sum().backward()
    np.testing.assert_allclose(t.grad, [7.0, 5.0])


def test_backward_twice_does_not_compound_intermediates():
    x = Value(2.0)
    h = x * x
    y = h * 3.0
    y.backward()
    y.backward()
    assert h.grad == 3.0 and y.grad == 1.0  # reset each time, not 6.0 and 2.0
    assert x.grad == pytest.approx(2 * 12.0)  # the leaf accumulates: 12 per call
    t = Tensor([2.0], requires_grad=True)
    ht = t * t
    yt = (ht * 3.0).sum()
    yt.backward()
    yt.backward()
    np.testing.assert_array_equal(ht.grad, [3.0])
    np.testing.assert_array_equal(t.grad, [24.0])


def test_backward_from_an_intermediate_then_from_the_root():
    x = Value(1.5)
    h = x.exp()
    y = h * 2.0
    h.backward()  # h is the root here: its grad is the seed
    assert h.grad == 1.0 and x.grad == pytest.approx(math.exp(1.5))
    x.grad = 0.0
    y.backward()
    assert h.grad == 2.0 and x.grad == pytest.approx(2 * math.exp(1.5))


def test_backward_on_a_leaf_accumulates_the_seed():
    x = Value(4.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0
    t = Tensor(5.0, requires_grad=True)
    t.backward()
    assert t.grad == 1.0


def test_tensor_backward_without_gradient_on_non_scalar_raises_value_error_saying_so():
    y = Tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"one-element.*\(2,\)"):
        y.backward()


def test_tensor_backward_with_explicit_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    y.backward(np.array([1.0, -1.0]))
    np.testing.assert_array_equal(x.grad, [2.0, -4.0])
    x.grad = None
    y.backward(Tensor([0.5, 0.5]))
    np.testing.assert_array_equal(x.grad, [1.0, 2.0])


def test_tensor_backward_with_gradient_of_wrong_shape_raises():
    y = Tensor([1.0, 2.0], requires_grad=True) * 2
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        y.backward(np.ones(3))
    with pytest.raises(ValueError, match="shape"):
        y.backward(np.ones((1, 2)))


def test_one_element_tensor_backward_defaults_to_one():
    x = Tensor([[3.0]], requires_grad=True)
    (x * x).backward()
    np.testing.assert_array_equal(x.grad, [[6.0]])


def test_backward_through_a_graph_recorded_under_no_grad_raises_for_both_node_types():
    x = Value(2.0)
    t = Tensor([2.0], requires_grad=True)
    with no_grad():
        y = x * x
        s = (t * t).sum()
    assert y.parents == () and s.parents == () and not s.requires_grad
    with pytest.raises(RuntimeError, match="no_grad"):
        y.backward()
    with pytest.raises(RuntimeError, match="no_grad"):
        s.backward()


def test_backward_called_inside_no_grad_on_a_recorded_graph_works_as_in_pytorch():
    x = Value(2.0)
    t = Tensor([2.0], requires_grad=True)
    y, s = x * x, (t * t).sum()
    with no_grad():
        y.backward()
        s.backward()
    assert x.grad == 4.0
    np.testing.assert_array_equal(t.grad, [4.0])


def test_tensor_without_requires_grad_gets_no_grad():
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([3.0, 4.0])
    y = (x * c + c.exp()).sum()
    y.backward()
    assert c.grad is None
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    with pytest.raises(RuntimeError, match="requires_grad"):
        (c * 2).sum().backward()


def test_leaf_gradient_is_its_own_array():
    # The leaf is updated in place on the next backward; it must not alias another grad.
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x + 0.0
    z = y.sum()
    z.backward()
    assert not np.shares_memory(x.grad, y.grad)
    before = y.grad.copy()
    z.backward()
    np.testing.assert_array_equal(y.grad, before)
    np.testing.assert_array_equal(x.grad, [2.0, 2.0])
    s = Tensor([1.0, 2.0], requires_grad=True)
    s.sum().backward()  # the sum rule hands out a read-only broadcast view
    s.sum().backward()
    np.testing.assert_array_equal(s.grad, [2.0, 2.0])


# -- grad mode -------------------------------------------------------------------------------
def test_no_grad_context_records_no_graph_and_restores_the_flag():
    x = Value(1.0)
    t = Tensor([1.0], requires_grad=True)
    assert is_grad_enabled()
    with no_grad():
        assert not is_grad_enabled()
        y, s = x * 2, t * 2
    assert is_grad_enabled()
    assert y.parents == () and s.parents == () and not s.requires_grad


def test_no_grad_restores_the_flag_after_an_exception():
    with pytest.raises(KeyError), no_grad():
        raise KeyError
    assert is_grad_enabled()


def test_enable_grad_inside_no_grad_and_nesting():
    with no_grad():
        with enable_grad():
            assert is_grad_enabled()
            y = Value(1.0) * 2
            with no_grad():
                assert not is_grad_enabled()
            assert is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()
    assert y.parents != ()


def test_no_grad_and_enable_grad_as_decorators_with_and_without_parentheses():
    @no_grad
    def bare():
        return is_grad_enabled()

    @no_grad()
    def called():
        return is_grad_enabled()

    @enable_grad
    def on_bare():
        return is_grad_enabled()

    @enable_grad()
    def on_called():
        return is_grad_enabled()

    assert bare() is False and called() is False
    assert is_grad_enabled()
    with no_grad():
        assert on_bare() is True and on_called() is True
        assert not is_grad_enabled()
    assert bare.__name__ == "bare"


def test_decorated_function_can_recurse():
    @no_grad
    def depth(n):
        assert not is_grad_enabled()
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(5) == 5 and is_grad_enabled()


def test_one_no_grad_instance_can_be_reused_and_nested():
    ctx = no_grad()
    with ctx:
        with ctx:
            assert not is_grad_enabled()
        assert not is_grad_enabled()
    assert is_grad_enabled()


def test_grad_mode_is_thread_local():
    inside = threading.Event()
    checked = threading.Event()
    seen = {}

    def worker():
        with no_grad():
            inside.set()
            checked.wait(5)
            seen["worker"] = is_grad_enabled()

    thread = threading.Thread(target=worker)
    thread.start()
    assert inside.wait(5)
    seen["main"] = is_grad_enabled()
    seen["main_graph"] = (Value(1.0) * 2).parents != ()
    checked.set()
    thread.join(5)
    assert seen == {"main": True, "main_graph": True, "worker": False}


def test_new_thread_starts_with_grad_enabled_even_inside_no_grad():
    result = []
    with no_grad():
        thread = threading.Thread(target=lambda: result.append(is_grad_enabled()))
        thread.start()
        thread.join(5)
    assert result == [True]


# -- deep graphs -----------------------------------------------------------------------------
def test_chain_of_a_million_values_backprops_without_recursion_error():
    limit = sys.getrecursionlimit()
    gc.disable()  # also proves the chain is freed by reference counting alone
    try:
        x = Value(1.0)
        y = x
        for _ in range(1_000_000):
            y = y * 1.000001
        start = time.perf_counter()
        y.backward()
        elapsed = time.perf_counter() - start
        assert sys.getrecursionlimit() == limit
        assert x.grad == pytest.approx(1.000001**1_000_000, rel=1e-9)
        assert y.parents[0].grad == pytest.approx(1.000001)
        assert elapsed < 20.0
        ref = weakref.ref(x)
        middle = weakref.ref(y.parents[0].parents[0])
        del x, y
        assert middle() is None and ref() is None
    finally:
        gc.enable()


def test_hundred_thousand_way_fan_in():
    gc.disable()  # building 200k nodes should not pay for cyclic-GC passes; none are needed
    try:
        xs = [Value(float(i)) for i in range(100_000)]
        total = sum(xs)
        total.backward()
        assert total.data == sum(range(100_000))
        assert all(x.grad == 1.0 for x in xs)
        shared = Value(2.0)
        out = sum(shared * float(i % 3) for i in range(100_000))
        out.backward()
        assert shared.grad == sum(float(i % 3) for i in range(100_000))
    finally:
        gc.enable()


def test_tensor_chain_of_a_hundred_thousand_ops():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [100_001.0, 100_002.0])
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


# -- memory: no reference cycles -------------------------------------------------------------
def _freed_without_gc(build):
    """Build a graph with gc disabled, drop it, and report whether every node died."""
    gc.disable()
    try:
        refs = build()
        return all(r() is None for r in refs)
    finally:
        gc.enable()


def test_dropping_the_root_frees_a_value_graph_without_the_cyclic_gc():
    def build(backward):
        x = Value(0.3)
        h = (x * 2.0).tanh()
        y = h * h + h.exp() + x**2
        if backward:
            y.backward()
        refs = [weakref.ref(n) for n in topological_order(y) if n is not x]
        del h, y
        return refs

    assert _freed_without_gc(lambda: build(False))
    assert _freed_without_gc(lambda: build(True))


def test_dropping_the_root_frees_a_tensor_graph_without_the_cyclic_gc():
    def build(backward):
        x = Tensor(np.ones((3, 2)), requires_grad=True)
        w = Tensor(np.ones(2), requires_grad=True)
        h = (x @ w).tanh()
        y = (h[[0, 0, 2]].softmax() * h.max()).sum() + h.mean(axis=0)
        if backward:
            y.backward()
        refs = [weakref.ref(n) for n in topological_order(y) if n._parents]
        del h, y
        return refs

    assert _freed_without_gc(lambda: build(False))
    assert _freed_without_gc(lambda: build(True))


def test_backward_leaves_no_garbage_for_the_cyclic_gc():
    x = Tensor(np.ones(4), requires_grad=True)
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            (x.exp() * x).sum().backward()
            Value(1.0).tanh().backward()
        assert gc.collect() == 0
    finally:
        gc.enable()


# -- anomaly mode ----------------------------------------------------------------------------
def test_detect_anomaly_names_the_op_and_where_it_was_created():
    x = Tensor([0.0, 1.0], requires_grad=True)
    with detect_anomaly():
        line = sys._getframe().f_lineno + 1
        y = x.sqrt()
        z = (y * 0.0).sum()
        with np.errstate(invalid="ignore"), pytest.raises(FloatingPointError, match="sqrt") as info:
            z.backward()
    assert f"{__file__}:{line}" in str(info.value)


def test_detect_anomaly_catches_value_graphs():
    x = Value(0.0)
    with detect_anomaly():
        line = sys._getframe().f_lineno + 1
        y = x.sqrt() * 0.0
        with pytest.raises(FloatingPointError, match=rf"'sqrt'.*{line}"):
            y.backward()


def test_without_detect_anomaly_a_nan_gradient_raises_nothing():
    x = Tensor([0.0], requires_grad=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        (x.sqrt() * 0.0).sum().backward()
    assert np.isnan(x.grad).all()
    v = Value(0.0)
    (v.sqrt() * 0.0).backward()
    assert math.isnan(v.grad)


def test_detect_anomaly_passes_finite_gradients_and_restores_the_mode():
    x = Tensor([1.0, 4.0], requires_grad=True)
    with detect_anomaly():
        x.sqrt().sum().backward()
    np.testing.assert_allclose(x.grad, [0.5, 0.25])
    y = Tensor([0.0], requires_grad=True)
    z = (y.sqrt() * 0.0).sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        z.backward()  # after the context exits, no error


# -- random ----------------------------------------------------------------------------------
def test_manual_seed_makes_the_generator_reproducible():
    manual_seed(123)
    first = generator().normal(size=5)
    manual_seed(123)
    second = generator().normal(size=5)
    np.testing.assert_array_equal(first, second)
    manual_seed(124)
    assert not np.array_equal(first, generator().normal(size=5))


def test_a_value_backward_interrupted_mid_walk_leaves_no_mark_and_runs_again():
    # The plain Value sweep marks the nodes it walks in their grad; an interrupt
    # (here: a parent whose fields raise, standing in for Ctrl-C) must leave none.
    class Interrupting:
        @property
        def _p0(self) -> None:
            raise KeyboardInterrupt

    x = Value(0.5)
    h = x.tanh()
    y = h * x
    z = y + h
    y._p1 = Interrupting()
    with pytest.raises(KeyboardInterrupt):
        z.backward()
    assert all(type(n.grad) is float and n.grad == 0.0 for n in (h, y, z))
    y._p1 = x
    z.backward()
    t = math.tanh(0.5)
    assert x.grad == pytest.approx((1 - t * t) * (x.data + 1) + t)
    assert (z.grad, y.grad, h.grad) == (1.0, 1.0, pytest.approx(1.5))
