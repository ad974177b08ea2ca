"""compile on Value graphs: the same numbers as eager, first call and replays."""

from __future__ import annotations

import math
import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value
from autograd.testing import scalar_programs


def _close(a: float, b: float, rel: float) -> bool:
    return abs(a - b) <= rel * max(1.0, abs(a), abs(b))


@pytest.mark.parametrize("executor", ["numpy", "nodes", "generated"])
@settings(max_examples=40, deadline=None)
@given(
    scalar_programs(n_inputs=3, max_ops=12),
    st.lists(st.floats(-2, 2), min_size=3, max_size=3),
    st.lists(st.floats(-2, 2), min_size=3, max_size=3),
)
def test_random_programs_match_eager_on_first_call_and_after_updates(
    executor, program, xs, updates
):
    # The first input is a captured parameter, the others are arguments (floats).
    eager_w, compiled_w = Value(xs[0]), Value(xs[0])
    step = autograd.compile(lambda a, b: program(compiled_w, a, b))
    for i, u in enumerate([0.0, *updates]):  # the parameter moves, as an optimizer moves it
        eager_w.data += u
        compiled_w.data += u
        a, b = xs[1] - u, xs[2] * 0.5
        ea, eb = Value(a), Value(b)
        out = program(eager_w, ea, eb)
        out.backward()
        got = step(a, b)
        assert type(got) is float
        assert _close(got, out.data, 1e-12)
        assert _close(compiled_w.grad, eager_w.grad, 1e-9)  # accumulated over the calls
        if i == 0:  # the replays run on one executor or the other
            step._last.program.executor = executor
    assert step.traces == 1


@settings(max_examples=30, deadline=None)
@given(scalar_programs(n_inputs=2, max_ops=10), st.floats(-2, 2), st.floats(-2, 2))
def test_value_arguments_accumulate_their_grads_like_backward(program, x, y):
    ex, ey, cx, cy = Value(x), Value(y), Value(x), Value(y)
    step = autograd.compile(program)
    for _ in range(2):
        program(ex, ey).backward()
        step(cx, cy)
        assert _close(cx.grad, ex.grad, 1e-9) and _close(cy.grad, ey.grad, 1e-9)


def test_sum_chains_keep_eagers_exact_bits():
    rng = random.Random(0)
    ws = [Value(rng.uniform(-1, 1)) for _ in range(300)]
    xs = [rng.uniform(-1, 1) * 10.0 ** rng.randint(-8, 8) for _ in range(300)]

    def f() -> Value:
        return sum((w * x for w, x in zip(ws, xs, strict=True)), Value(0.0)) + sum(ws) * 0.5

    step = autograd.compile(f)
    eager = f()
    assert step() == eager.data  # bit for bit: the same additions in the same order
    assert "chains of + fused" in step.describe()
    for w in ws:
        w.grad = 0.0
    step()
    for w, x in zip(ws, xs, strict=True):
        assert w.grad == pytest.approx(x + 0.5, rel=1e-12)


def test_negative_zero_and_repeated_constants_are_kept_apart():
    w = Value(3.0)
    negative = autograd.compile(lambda: (w * 0.0 + 1.0) * (w * -0.0))
    positive = autograd.compile(lambda: (w * -0.0 + 1.0) * (w * 0.0))
    assert math.copysign(1.0, negative()) == -1.0
    assert math.copysign(1.0, positive()) == 1.0
    step = autograd.compile(lambda: w * 2.0 + 2.0 * w + (w + 2.0))
    assert step() == 17.0 and w.grad == 5.0


def test_an_operand_used_twice_gets_both_contributions():
    w = Value(1.5)
    step = autograd.compile(lambda x: w * w + (w * x) * (w * x))
    got = step(2.0)
    assert got == pytest.approx(1.5**2 + 9.0)
    assert w.grad == pytest.approx(2 * 1.5 + 2 * (1.5 * 2.0) * 2.0)


def test_deep_programs_run_node_by_node_and_wide_ones_as_numpy_groups():
    w = Value(0.1)

    def deep(x):
        for _ in range(50):
            x = (x * w).tanh() + x
        return x

    step = autograd.compile(deep)
    step(0.5)
    assert step._last.program.per_node
    assert "built on the second call" in str(step)
    step(0.5)
    assert "generated straight-line Python" in str(step) and step._last.program.generated
    wide = autograd.compile(lambda xs: sum(((x * w).tanh() for x in xs), Value(0.0)))
    wide([0.1 * i for i in range(200)])
    assert not wide._last.program.per_node


def test_moons_mlp_step_compiled_matches_eager_over_sgd_steps():
    from nn.data import make_moons
    from nn.scalar import MLP

    X, y = make_moons(30, noise=0.1, seed=0)
    inputs, ys = X.tolist(), (2.0 * y - 1.0).tolist()
    random.seed(1)
    eager_model = MLP(2, [8, 8, 1])
    random.seed(1)
    model = MLP(2, [8, 8, 1])

    def loss_of(m):  # micrograd's demo loss: SVM max-margin + L2
        params = m.parameters()
        scores = [m(x) for x in inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
        return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)

    step = autograd.compile(lambda: loss_of(model))
    for _ in range(4):
        eager_model.zero_grad()
        model.zero_grad()
        loss = loss_of(eager_model)
        loss.backward()
        got = step()
        assert _close(got, loss.data, 1e-12)
        for pe, pc in zip(eager_model.parameters(), model.parameters(), strict=True):
            assert _close(pc.grad, pe.grad, 1e-9)
            pe.data -= 0.1 * pe.grad
            pc.data -= 0.1 * pc.grad
    assert step.traces == 1


def test_lists_of_floats_arrive_as_lists_of_values():
    seen = []

    def f(xs, scale):
        seen.append([type(x).__name__ for x in xs])
        return sum(x * x for x in xs) * scale

    step = autograd.compile(f)
    assert step([1.0, 2.0], 3) == 15.0
    assert step([3.0, 4.0], 3) == 75.0  # replayed with the new numbers
    assert step.traces == 1 and seen == [["TracedValue", "TracedValue"]]


def test_cache_key_retraces_on_what_the_trace_depends_on():
    w = Value(2.0)
    step = autograd.compile(lambda xs, k: sum(x * w for x in xs) * k, backward=False)
    step([1.0, 2.0], 2)
    step([5.0, 6.0], 2)
    assert step.traces == 1
    assert step([1.0, 2.0, 3.0], 2) == 24.0  # a longer list
    assert step.traces == 2
    assert step([1.0, 2.0], 3) == 18.0  # a top-level int is part of the key
    assert step.traces == 3
    assert step([1.0, 2.0], 2) == 12.0  # cached
    assert step.traces == 3
    assert w.grad == 0.0  # backward=False


def test_replay_errors_like_eager_on_bad_numbers():
    step = autograd.compile(lambda x: (x * 1.0).log())
    assert step(math.e) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="log"):
        step(-1.0)


def test_describe_shows_nodes_levels_and_calls():
    w = Value(0.5)
    step = autograd.compile(lambda x: (w * x).tanh() + w)
    assert "not called yet" in str(step)
    step(1.0)
    text = str(step)
    for part in ("3 nodes", "levels", "numpy calls", "tanh", "mul", "executor: generated code"):
        assert part in text


def test_result_that_is_a_leaf_gets_gradient_one():
    w = Value(4.0)
    step = autograd.compile(lambda: w)
    assert step() == 4.0 and w.grad == 1.0


def test_non_node_results_are_rejected():
    with pytest.raises(TypeError, match="must return a Value or a Tensor"):
        autograd.compile(lambda x: 1.0)(2.0)
    with pytest.raises(TypeError, match="compile: expected a function"):
        autograd.compile(3)  # type: ignore[arg-type]


def test_gradients_match_finite_differences_through_a_replay():
    w = Value(0.3)

    def f(x):
        return (w * x).sigmoid() * (w + x).exp() - (w / (1 + x * x)) ** 2

    step = autograd.compile(f)
    step(1.0)
    w.grad = 0.0
    w.data = 0.7
    step(0.4)
    h = 1e-6

    def plain(wv: float) -> float:
        return (
            float(f(Value(0.4)).data)
            if False
            else ((1 / (1 + math.exp(-wv * 0.4))) * math.exp(wv + 0.4) - (wv / 1.16) ** 2)
        )

    assert w.grad == pytest.approx((plain(0.7 + h) - plain(0.7 - h)) / (2 * h), rel=1e-6)
    assert np.isfinite(w.grad)


def _bits(x: float) -> str:
    return float(x).hex()


@settings(max_examples=60, deadline=None)
@given(
    scalar_programs(n_inputs=3, max_ops=16),
    st.lists(st.floats(-2, 2), min_size=3, max_size=3),
    st.floats(-1, 1),
    st.booleans(),
)
def test_generated_code_keeps_eagers_exact_bits(program, xs, lr, zero_grads):
    # The first input is a captured parameter, the second a Value argument, the third a float.
    ew, cw, ea, ca = Value(xs[0]), Value(xs[0]), Value(xs[1]), Value(xs[1])
    step = autograd.compile(lambda a, b: program(cw, a, b))
    step(ca, xs[2])  # the first call runs node by node and generates the code for the next
    ew.grad, ea.grad = cw.grad, ca.grad
    program_ = step._last.program
    for i in range(3):
        if zero_grads:
            ew.grad = cw.grad = ea.grad = ca.grad = 0.0
        b = xs[2] + 0.25 * i
        try:
            out = program(ew, ea, Value(b))
            out.backward()
        except (OverflowError, ValueError, ZeroDivisionError) as exc:  # the updates diverged:
            with pytest.raises(type(exc), match=re.escape(str(exc))):  # eager's very error
                step(ca, b)
            return
        got = step(ca, b)
        assert program_.executor == "generated" and program_.generated is not None
        assert _bits(got) == _bits(out.data)
        assert _bits(cw.grad) == _bits(ew.grad) and _bits(ca.grad) == _bits(ea.grad)
        for x, y in ((ew, cw), (ea, ca)):  # an update between calls
            x.data += lr * x.grad
            y.data += lr * y.grad
    assert step.traces == 1


def test_generated_code_on_a_w2_program_matches_eager_bit_for_bit():
    from benchmarks.scalar_workloads import FULL_OPS, _compile_program, make_program

    leaf_values, source = make_program(400, 3, FULL_OPS)
    program = _compile_program(source)
    step = autograd.compile(program)
    cl = [Value(x) for x in leaf_values]
    for call in range(3):
        el = [Value(x.data) for x in cl]
        for v in cl:
            v.grad = 0.0
        out = program(el)
        out.backward()
        assert _bits(step(cl)) == _bits(out.data)
        assert [_bits(v.grad) for v in cl] == [_bits(v.grad) for v in el]
        assert (step._last.program.generated is not None) == (call > 0)
        for v in cl:
            v.data -= 0.01 * v.grad
    assert step(leaf_values) == pytest.approx(program([Value(x) for x in leaf_values]).data)


def test_generated_code_inlines_arithmetic_formulas_and_calls_the_rest():
    w = Value(0.3)
    step = autograd.compile(lambda x: ((x * w).tanh() * w + x).relu().exp() - w)
    step(0.2)
    step(0.2)
    gen = step._last.program.generated
    assert gen is not None
    # mul, add, sub and relu (one return expression) inline, and exp (a try around
    # math.exp: the builtin is called directly); tanh (math.tanh itself) is a call.
    # Derivatives: mul's, tanh's and exp's inline, and relu's (its float branch).
    assert "lines for 7 nodes (6 forwards inline" in gen.describe()
    assert "; 0 derivative calls" in gen.describe()


def test_an_inlined_builtin_that_fails_raises_eagers_error():
    # exp runs as math.exp in the generated code; an overflow there reruns the program
    # node by node, which raises the registry's own message, as eager does.
    w = Value(0.5)
    step = autograd.compile(lambda x: (x * w).exp() + w)
    step(1.0)
    step(1.0)
    assert step._last.program.generated is not None
    with pytest.raises(OverflowError, match=r"Value\.exp: exp\(1000\.0\) overflows a float"):
        step(2000.0)
    assert step(2.0) == math.exp(1.0) + 0.5  # and it still replays


def test_generated_forward_alone_matches_eager_bit_for_bit():
    from benchmarks.scalar_workloads import FULL_OPS, _compile_program, make_program

    leaf_values, source = make_program(300, 5, FULL_OPS)
    program = _compile_program(source)
    step = autograd.compile(program, backward=False)
    for call in range(3):
        xs = [x + 0.01 * call for x in leaf_values]
        assert _bits(step(xs)) == _bits(program([Value(x) for x in xs]).data)
    gen = step._last.program.generated
    assert gen is not None and gen._forward is not None  # built on its first use
