"""Hardening: bad input gets a clear error, nothing is lost, nothing runs that should not.

Each line of README.md's "Errors and guarantees" section names the tests that
back it; this table is the same mapping, kept here so a failing test points
at the promise it breaks.

=========================================  ===============================================
Promise                                    Tests
=========================================  ===============================================
anomaly mode names op, module, file:line   test_detect_anomaly_*  (and test_graph.py's
                                           test_detect_anomaly_names_the_op_and_where_...)
anomaly mode is off by default, free       test_anomaly_mode_is_off_by_default_and_...
memory released without the cyclic GC      test_ten_thousand_training_steps_keep_memory_flat,
                                           test_scalar_training_loop_keeps_memory_flat
deep and wide graphs                       test_concatenate_of_a_hundred_thousand_tensors_...,
                                           test_stack_of_ten_thousand_tensors_backprops,
                                           test_hundred_thousand_way_value_sum_draws_...
                                           (1,000,000-node chain: test_graph.py and
                                           test_draw.py's test_million_node_chain_...)
threads                                    test_two_threads_training_*,
                                           test_concurrent_module_calls_*,
                                           test_no_grad_in_one_thread_*
bad numbers and arrays into Tensor         test_integer_and_bool_data_become_float64,
                                           test_object_string_and_complex_data_are_refused
empty tensors / zero-size batches          test_empty_tensor_*, test_zero_size_batch_*
NaN and inf in losses                      test_nan_and_inf_propagate_through_losses_...,
                                           test_binary_cross_entropy_refuses_...
wrong targets and labels                   test_mismatched_target_shapes_*, test_bad_class_...
interpolate lambdas                        test_interpolate_refuses_lambdas_*
activation names                           test_unknown_activation_names_*
learning rates                             test_non_finite_learning_rates_*, test_a_nan_lr_...
load_state_dict leaves the model alone     test_failed_load_state_dict_leaves_every_...
nn.load of bad files                       test_nn_load_refuses_bad_files_and_leaves_...
draw CLI evaluates nothing hostile         test_draw_cli_rejects_hostile_and_huge_...
atomic save                                test_crash_mid_write_*, test_interrupt_mid_write_*,
                                           test_failed_rename_*
=========================================  ===============================================
"""

from __future__ import annotations

import copy
import gc
import os
import re
import sys
import threading
import tracemalloc
import zipfile

import numpy as np
import pytest

import autograd.core.graph as graph
import autograd.pictures.cli as draw
import nn
from autograd import (
    Tensor,
    Value,
    concatenate,
    detect_anomaly,
    draw_graph,
    is_grad_enabled,
    manual_seed,
    no_grad,
    stack,
)
from autograd.core.graph import topological_order
from nn import functional as F
from nn import optim

HERE = os.path.abspath(__file__)


def _line() -> int:
    """The caller's line number."""
    return sys._getframe(1).f_lineno


# -- anomaly mode ----------------------------------------------------------------------------
def test_anomaly_mode_is_off_by_default_and_nodes_record_no_creation_site():
    assert graph.thread_state().anomaly is False
    x = Tensor([1.0, 2.0], requires_grad=True)
    v = Value(3.0)
    nodes = topological_order((x.exp() * x).sum()) + topological_order((v * v).tanh())
    assert all(n._origin is None for n in nodes)


def test_detect_anomaly_records_the_creation_site_only_inside_the_context():
    x = Tensor([1.0], requires_grad=True)
    with detect_anomaly():
        line = _line() + 1
        inside = x.exp()
        v_inside = Value(1.0).tanh()
    outside = x.exp()
    assert inside._origin == f"{HERE}:{line}"
    assert v_inside._origin == f"{HERE}:{line + 1}"
    assert outside._origin is None
    assert graph.thread_state().anomaly is False


def test_detect_anomaly_stops_at_the_first_bad_gradient_in_a_tensor_graph():
    x = Tensor([1.0, 0.0], requires_grad=True)
    w = Tensor([2.0, 3.0], requires_grad=True)
    with detect_anomaly():
        line = _line() + 1
        r = x.sqrt()              # d sqrt / dx = inf at 0
        out = (r * w).sum()
        with np.errstate(all="ignore"), pytest.raises(FloatingPointError) as info:
            out.backward()
    msg = str(info.value)
    assert "backward of 'sqrt'" in msg and "non-finite" in msg
    assert f"{HERE}:{line}" in msg


def test_detect_anomaly_names_the_op_in_a_value_graph():
    a = Value(1.0)
    with detect_anomaly():
        line = _line() + 1
        b = (a - 1.0).sqrt()
        out = b * 2.0
        with pytest.raises(FloatingPointError, match=re.escape(f"{HERE}:{line}")) as info:
            out.backward()
    assert "'sqrt'" in str(info.value)


def test_detect_anomaly_through_nn_layers_names_the_module():
    manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    x = Tensor([[np.inf, 1.0]])  # a bad input row: tanh saturates, the weight gradient is nan
    with detect_anomaly():
        loss = F.mse_loss(model(x), [[0.0]])
        with np.errstate(all="ignore"), pytest.raises(FloatingPointError) as info:
            loss.backward()
    msg = str(info.value)
    assert "'linear' in module '0'" in msg
    assert os.path.join("nn", "linear.py") in msg  # the layer's own line made the op


def test_detect_anomaly_on_a_graph_built_outside_says_so():
    x = Tensor([0.0], requires_grad=True)
    y = (x.sqrt() * 1.0).sum()
    with detect_anomaly(), np.errstate(all="ignore"), pytest.raises(
            FloatingPointError, match="created outside detect_anomaly"):
        y.backward()


def test_detect_anomaly_is_per_thread():
    seen = []
    with detect_anomaly():
        t = threading.Thread(target=lambda: seen.append(Tensor([1.0], requires_grad=True)
                                                         .exp()._origin))
        t.start()
        t.join()
    assert seen == [None]


# -- memory ---------------------------------------------------------------------------------
def _growth_over(steps, run_step) -> tuple[int, int, str]:
    """Bytes still allocated after ``steps`` more steps (GC off), garbage found, the top growth."""
    gc.collect()
    gc.disable()
    try:
        tracemalloc.start()
        try:
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


def test_ten_thousand_training_steps_keep_memory_flat():
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
    growth, garbage, top = _growth_over(10_000, step)
    assert garbage == 0  # nothing was waiting for the cyclic GC
    assert growth < 1_000_000, top  # well under 1 MB after 10,000 graphs (in practice a few kB)


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


# -- threads -----------------------------------------------------------------------------------
@pytest.fixture
def fast_switching():
    """Switch threads every 10 us (instead of 5 ms), so their steps really interleave."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)
    yield
    sys.setswitchinterval(before)


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

    threads = [threading.Thread(target=worker, args=(m, *d)) for m, d in zip(models, data,
                                                                              strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for model, twin in zip(models, twins, strict=True):
        for (name, a), b in zip(model.state_dict().items(), twin.state_dict().values(),
                                strict=True):
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


# -- bad numbers and arrays ------------------------------------------------------------------
def test_integer_and_bool_data_become_float64():
    for data in ([1, 2, 3], np.arange(3, dtype=np.int8), np.array([True, False]), 7):
        t = Tensor(data)
        assert t.dtype == np.float64
        np.testing.assert_array_equal(t.data, np.asarray(data, dtype=np.float64))


@pytest.mark.parametrize("data, dtype", [
    (np.array([1.0, None], dtype=object), "object"),
    (np.array([1.0, 2.0], dtype=object), "object"),
    (["a", "b"], "<U1"),
    ([1j], "complex128"),
])
def test_object_string_and_complex_data_are_refused(data, dtype):
    with pytest.raises(TypeError, match=rf"data must be numeric .*got an array of dtype {dtype}"):
        Tensor(data)


def test_ragged_data_is_refused_with_a_type_error():
    with pytest.raises(TypeError, match="cannot convert list to a numeric array"):
        Tensor([[1.0, 2.0], [3.0]])


def test_empty_tensor_sum_is_zero_with_an_empty_gradient():
    x = Tensor(np.zeros(0), requires_grad=True)
    s = x.sum()
    assert s.item() == 0.0
    s.backward()
    assert x.grad.shape == (0,)
    assert Tensor(np.zeros((0, 3))).softmax().shape == (0, 3)


@pytest.mark.parametrize("op", ["mean", "max", "min"])
def test_empty_tensor_mean_max_min_raise_naming_the_op_and_shape(op):
    with pytest.raises(ValueError, match=rf"{op}: .*empty.*\(0,\)"):
        getattr(Tensor(np.zeros(0)), op)()
    with pytest.raises(ValueError, match=rf"{op}: .*empty.*\(2, 0\)"):
        getattr(Tensor(np.zeros((2, 0))), op)(axis=1)


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min", "softmax"])
def test_an_axis_of_a_zero_dim_tensor_is_refused_naming_the_op(op):
    with pytest.raises(ValueError, match=rf"{op}: axis 0 is out of range for a tensor with 0 "
                                         "dimensions"):
        getattr(Tensor(1.0), op)(axis=0)
    assert Tensor(1.0).sum().item() == 1.0  # axis=None is fine


def test_zero_size_batch_through_linear_gives_an_empty_output_and_zero_gradients():
    manual_seed(0)
    layer = nn.Linear(3, 2)
    out = layer(Tensor(np.zeros((0, 3))))
    assert out.shape == (0, 2)
    out.sum().backward()
    np.testing.assert_array_equal(layer.weight.grad, np.zeros((2, 3)))
    np.testing.assert_array_equal(layer.bias.grad, np.zeros(2))


LOSSES = [
    (F.mse_loss, lambda n: np.zeros(n)),
    (F.l1_loss, lambda n: np.zeros(n)),
    (F.binary_cross_entropy, lambda n: np.zeros(n)),
    (F.binary_cross_entropy_with_logits, lambda n: np.zeros(n)),
]
CLASS_LOSSES = [F.cross_entropy, F.nll_loss]


@pytest.mark.parametrize("loss", [f for f, _ in LOSSES] + CLASS_LOSSES,
                         ids=lambda f: f.__name__)
def test_zero_size_batch_into_a_loss_is_refused_as_an_empty_batch(loss):
    shape, target = ((0, 3), np.zeros(0, dtype=int)) if loss in CLASS_LOSSES else ((0,), [])
    with pytest.raises(ValueError, match=rf"{loss.__name__}: empty batch: .*"
                                         rf"{re.escape(f'(shape {shape})')}"):
        loss(Tensor(np.zeros(shape)), target)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("loss", [F.mse_loss, F.l1_loss, F.binary_cross_entropy_with_logits,
                                  F.cross_entropy, F.nll_loss], ids=lambda f: f.__name__)
def test_nan_and_inf_propagate_through_losses_as_in_pytorch(loss, bad):
    """No exception: the loss comes out NaN or inf, and backward still runs."""
    if loss in CLASS_LOSSES:
        x, target = Tensor([[bad, 0.5], [0.1, 0.2]], requires_grad=True), [0, 1]
    else:
        x, target = Tensor([bad, 0.5], requires_grad=True), [1.0, 0.0]
    with np.errstate(all="ignore"):
        value = loss(x, target)
        assert not np.isfinite(value.item())
        value.backward()
        assert x.grad.shape == x.shape
        if loss is F.cross_entropy:  # a logit of -inf is a class of probability 0: fine elsewhere
            assert np.isfinite(loss(x, [1, 1]).item()) == (bad == -np.inf)


def test_detect_anomaly_finds_a_nan_that_a_loss_let_through():
    x = Tensor([np.nan, 0.5], requires_grad=True)
    with detect_anomaly(), pytest.raises(FloatingPointError, match="'mse_loss'"):
        F.mse_loss(x, [1.0, 0.0]).backward()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, -0.5, 1.5])
def test_binary_cross_entropy_refuses_inputs_that_are_not_probabilities(bad):
    with pytest.raises(ValueError, match=r"binary_cross_entropy: input must be probabilities in "
                                         rf"\[0, 1\]; input\[0\] is {re.escape(repr(bad))}"):
        F.binary_cross_entropy(Tensor([bad, 0.5]), [1.0, 0.0])


@pytest.mark.parametrize("loss", [f for f, _ in LOSSES], ids=lambda f: f.__name__)
def test_mismatched_target_shapes_are_refused_naming_both_shapes(loss):
    with pytest.raises(ValueError, match=rf"{loss.__name__}: input shape \(4, 1\) and target "
                                         r"shape \(4,\) differ.*reshape the target to \(4, 1\)"):
        loss(Tensor(np.full((4, 1), 0.5)), np.zeros(4))


@pytest.mark.parametrize("loss", CLASS_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("target, message", [
    ([0, 1, 1], r"input shape \(2, 3\) needs integer labels of shape \(2,\) or class "
                r"probabilities of shape \(2, 3\); got target shape \(3,\)"),
    ([0, 3], r"label 3 is out of range for 3 classes"),
    ([0, -1], r"label -1 is out of range for 3 classes"),
    (Tensor([0.0, 1.5]), r"labels must be integers in \[0, 3\); got label 1.5"),
    (Tensor([0.0, np.nan]), r"labels must be integers in \[0, 3\); got label nan"),
    (np.array(["a", "b"]), r"labels must be integers, got an array of dtype <U1"),
])
def test_bad_class_labels_are_refused_saying_what_was_expected(loss, target, message):
    with pytest.raises(ValueError, match=rf"{loss.__name__}: {message}"):
        loss(Tensor(np.zeros((2, 3))), target)


# -- nn: interpolate, activations, learning rates -----------------------------------------------
def _arrays(model):
    """Every parameter as (the array object itself, a copy of its values)."""
    return [(p.data, np.array(p.data, copy=True)) for p in model.parameters()]


def _untouched(model, before) -> bool:
    now = list(model.parameters())
    return len(now) == len(before) and all(
        p.data is obj and np.array_equal(p.data, copy_, equal_nan=True)
        for p, (obj, copy_) in zip(now, before, strict=True))


@pytest.mark.parametrize("lam, message", [
    (1.5, r"lambda must be in \[0, 1\], got 1.5"),
    (-0.01, r"lambda must be in \[0, 1\], got -0.01"),
    (float("nan"), r"lambda must be in \[0, 1\], got nan"),
    (float("inf"), r"lambda must be in \[0, 1\], got inf"),
    ([0.5, float("nan")], r"lambda\[1\] must be in \[0, 1\], got nan"),
    ({"0": 0.5, "2": 2.0}, r"lambda for layer '2' must be in \[0, 1\], got 2.0"),
    ([0.5], r"got 1 lambdas for 2 parameterised layers"),
    ("0.5", r"lambda must be a number, got '0.5'"),
])
def test_interpolate_refuses_lambdas_outside_the_unit_interval_and_nan(lam, message):
    manual_seed(0)
    a, b = nn.MLP([2, 3, 1]), nn.MLP([2, 3, 1])
    before_a, before_b = _arrays(a), _arrays(b)
    with pytest.raises(ValueError, match=rf"interpolate: {message}"):
        nn.interpolate(a, b, lam)
    assert _untouched(a, before_a) and _untouched(b, before_b)


@pytest.mark.parametrize("kw", [{"activation": "rleu"}, {"output_activation": "Sigmoid"},
                                {"activation": "swish"}])
def test_unknown_activation_names_are_refused_listing_the_valid_ones(kw):
    name = next(iter(kw.values()))
    with pytest.raises(ValueError, match=rf"unknown activation '{name}'; valid names: .*relu"):
        nn.MLP([2, 3, 1], **kw)


OPTIMIZERS = [optim.SGD, optim.Adam, optim.AdamW]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("opt_class", OPTIMIZERS, ids=lambda c: c.__name__)
def test_non_finite_learning_rates_are_refused_by_every_optimizer(opt_class, bad):
    w = Tensor([1.0], requires_grad=True)
    expected = rf"{opt_class.__name__}: lr must be finite, got {bad!r}"
    with pytest.raises(ValueError, match=expected):
        opt_class([w], lr=bad)
    opt = opt_class([w], lr=0.1)
    with pytest.raises(ValueError, match=expected):
        opt.lr = bad
    with pytest.raises(ValueError, match=expected):
        opt.add_param_group({"params": [Tensor([2.0], requires_grad=True)], "lr": bad})
    assert opt.lr == 0.1 and len(opt.param_groups) == 1


@pytest.mark.parametrize("opt_class", OPTIMIZERS, ids=lambda c: c.__name__)
def test_a_nan_lr_written_into_param_groups_is_refused_before_any_parameter_moves(opt_class):
    # LR schedulers write group["lr"] directly; a NaN there must not reach the weights.
    manual_seed(0)
    model = nn.MLP([2, 3, 1])
    opt = opt_class(model.parameters(), lr=0.1)
    opt.add_param_group({"params": [Value(1.0)]})
    F.mse_loss(model(Tensor(np.ones((1, 2)))), [[0.0]]).backward()
    before = _arrays(model)
    opt.param_groups[1]["lr"] = float("nan")  # the second group: the first must not move either
    with pytest.raises(ValueError, match=rf"{opt_class.__name__}: lr of parameter group 1 must "
                                         "be finite, got nan"):
        opt.step()
    assert _untouched(model, before)


# -- load_state_dict and nn.load leave the model unchanged ---------------------------------------
def _float32_mlp():
    manual_seed(0)
    model = nn.MLP([2, 3, 1])
    for p in model.parameters():
        p.data = p.data.astype(np.float32)
    return model


@pytest.mark.parametrize("edit, message", [
    (lambda sd: sd.__setitem__("9.weight", np.zeros(1)), "unexpected keys: 9.weight"),
    (lambda sd: sd.pop("2.bias"), "missing keys: 2.bias"),
    (lambda sd: sd.__setitem__("0.weight", np.zeros((2, 3))), r"0.weight: shape \(2, 3\) does "
                                                              r"not match .* \(3, 2\)"),
    (lambda sd: sd.__setitem__("0.bias", np.array(["a", "b", "c"])), "0.bias: dtype <U1 is not "
                                                                     "a real number type"),
    (lambda sd: sd.__setitem__("0.bias", np.zeros(3, dtype=object)), "0.bias: dtype object is "
                                                                     "not a real number type"),
    (lambda sd: sd.__setitem__("0.bias", np.zeros(3, dtype=complex)), "0.bias: dtype complex128"),
    (lambda sd: sd.__setitem__("2.bias", np.array([np.nan])), "2.bias: 1 of 1 values are NaN"),
    (lambda sd: sd.__setitem__("0.bias", np.array([1e300, 0.0, 0.0])),
     r"0.bias: 1 of 3 values overflow the parameter's dtype float32 \(largest magnitude 1e\+300\)"),
])
def test_failed_load_state_dict_leaves_every_parameter_array_unchanged_and_in_place(edit, message):
    model = _float32_mlp()
    before = _arrays(model)
    sd = {k: v.astype(np.float64) + 1.0 for k, v in model.state_dict().items()}
    edit(sd)
    with pytest.raises(nn.StateDictError, match=message) as info:
        model.load_state_dict(sd)
    assert "nothing was loaded" in str(info.value)
    assert _untouched(model, before)
    assert all(p.dtype == np.float32 for p in model.parameters())


def test_successful_load_state_dict_keeps_the_parameter_arrays_and_dtypes():
    model = _float32_mlp()
    objects = [p.data for p in model.parameters()]
    sd = {k: np.full(v.shape, 0.25) for k, v in model.state_dict().items()}  # float64
    model.load_state_dict(sd)
    assert all(p.data is o and p.dtype == np.float32 and (p.data == 0.25).all()
               for p, o in zip(model.parameters(), objects, strict=True))


def _npz_with_object_array(path):
    np.savez(path, **{"0.weight": np.array([None, 1], dtype=object)})


def _truncated(path, model):
    nn.save(model, path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _corrupt(path, model):
    nn.save(model, path)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.infolist()[0]
    local = info.header_offset  # the local header: 30 bytes, then the name and extra field
    name_len = int.from_bytes(data[local + 26:local + 28], "little")
    extra_len = int.from_bytes(data[local + 28:local + 30], "little")
    start = local + 30 + name_len + extra_len  # the member's stored bytes
    data[start:start + 8] = b"\xff" * 8  # wreck its .npy header
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("make, error, message", [
    (lambda p, m: None, FileNotFoundError, "no such file"),
    (lambda p, m: p.write_bytes(b""), ValueError, r"is empty \(0 bytes\)"),
    (_truncated, ValueError, "cannot read"),
    (_corrupt, ValueError, "cannot read"),
    (lambda p, m: p.write_bytes(os.urandom(1000)), ValueError, "cannot read|pickled"),
    (lambda p, m: _npz_with_object_array(p), ValueError, "pickled.*refused"),
    (lambda p, m: nn.save(nn.MLP([2, 4, 1]), p), ValueError, "does not fit the module"),
], ids=["missing", "zero-byte", "truncated", "corrupt", "garbage", "pickle", "mismatched"])
def test_nn_load_refuses_bad_files_and_leaves_the_module_unchanged(tmp_path, make, error,
                                                                    message):
    path = tmp_path / "m.npz"
    model = _float32_mlp()
    make(path, copy.deepcopy(model))
    before = _arrays(model)
    with pytest.raises(error, match=message) as info:
        nn.load(model, path)
    assert str(path) in str(info.value)
    assert _untouched(model, before)


# -- the draw CLI ------------------------------------------------------------------------------
@pytest.mark.parametrize("expr, message", [
    ("__import__('os').system('touch SENTINEL')", "rejected call"),
    ("open('SENTINEL', 'w').write('x')", "rejected call"),
    ("x + " * 250_000 + "x", "the limit is 10,000"),          # 1 MB
    ("(" * 500_000 + "x" + ")" * 500_000, "the limit is 10,000"),  # 10^6 characters, nested
    ("(" * 4_000 + "x" + ")" * 4_000, "nested"),  # under the length limit
])
def test_draw_cli_rejects_hostile_and_huge_expressions_without_evaluating(
        tmp_path, monkeypatch, capsys, expr, message):
    monkeypatch.chdir(tmp_path)
    evaluated = []
    monkeypatch.setattr(draw, "_evaluate", lambda *a: evaluated.append(a))
    assert draw.main([expr, "x=1", "-o", "g.svg"]) == 2
    err = capsys.readouterr().err
    assert "autograd-draw: error:" in err and re.search(message, err), err[:300]
    assert len(err) < 2_000  # the message does not echo a megabyte back
    assert evaluated == []
    assert list(tmp_path.iterdir()) == []  # no SENTINEL, no picture


# -- atomic save ------------------------------------------------------------------------------
def _crash_after_partial_output(monkeypatch, exc):
    """Make the .npy writer write some bytes of the second array, then raise ``exc``."""
    real = np.lib.format.write_array
    calls = []

    def writer(fp, array, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            fp.write(b"\x93NUMPY partial")
            raise exc
        return real(fp, array, *args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", writer)


def _saved(tmp_path):
    manual_seed(0)
    model = nn.MLP([2, 3, 1])
    path = tmp_path / "model.npz"
    nn.save(model, path)
    return model, path, path.read_bytes()


def test_crash_mid_write_keeps_the_old_file_and_leaves_no_temp_files(tmp_path, monkeypatch):
    model, path, before = _saved(tmp_path)
    _crash_after_partial_output(monkeypatch, OSError("No space left on device"))
    with pytest.raises(OSError, match="No space left"):
        nn.save(nn.MLP([2, 3, 1]), path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]
    monkeypatch.undo()
    loaded = nn.load(nn.MLP([2, 3, 1]), path)
    for a, b in zip(loaded.parameters(), model.parameters(), strict=True):
        assert np.array_equal(a.data, b.data)


def test_interrupt_mid_write_keeps_the_old_file_and_leaves_no_temp_files(tmp_path, monkeypatch):
    _, path, before = _saved(tmp_path)
    _crash_after_partial_output(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        nn.save(nn.MLP([2, 3, 1]), path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]


def test_failed_rename_keeps_the_old_file_and_leaves_no_temp_files(tmp_path, monkeypatch):
    _, path, before = _saved(tmp_path)

    def no_rename(src, dst):
        raise PermissionError("rename refused")

    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(PermissionError):
        nn.save(nn.MLP([2, 3, 1]), path)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["model.npz"]


# -- the README's promises point at real tests ---------------------------------------------------
def test_every_test_named_in_the_readme_errors_section_exists():
    root = os.path.dirname(os.path.dirname(HERE))
    with open(os.path.join(root, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    section = readme.split("## Errors and guarantees", 1)[1].split("\n## ", 1)[0]
    defined = set()
    for folder, _, names in os.walk(os.path.dirname(HERE)):
        for name in names:
            if name.startswith("test_") and name.endswith(".py"):
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    defined.update(re.findall(r"^def (test_\w+)", f.read(), re.M))
    named = re.findall(r"`(?:test_\w+\.py::)?(test_\w+\*?)`", section)
    assert len(named) > 30
    missing = [n for n in named if not (any(d.startswith(n[:-1]) for d in defined)
                                        if n.endswith("*") else n in defined)]
    assert missing == []


@pytest.mark.parametrize("seed, error, message", [
    ("a", TypeError, "manual_seed: seed must be an integer, got str 'a'"),
    (1.5, TypeError, "manual_seed: seed must be an integer, got float 1.5"),
    (-1, ValueError, "manual_seed: seed must be >= 0, got -1"),
])
def test_manual_seed_refuses_what_is_not_a_non_negative_integer(seed, error, message):
    with pytest.raises(error, match=re.escape(message)):
        manual_seed(seed)
    manual_seed(np.int64(3))  # numpy integers are fine


@pytest.mark.parametrize("init", [float("nan"), float("inf"), "0.25", None])
def test_prelu_refuses_a_non_finite_or_non_numeric_initial_slope(init):
    with pytest.raises(ValueError, match=r"PReLU: init \(the initial slope\) must be a finite "
                                         rf"real number, got .*{re.escape(repr(init))}"):
        nn.PReLU(init=init)
    assert nn.PReLU(init=np.float32(0.1)).weight.data[0] == pytest.approx(0.1)
