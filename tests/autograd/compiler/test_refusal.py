"""compile refuses what a replay could not follow, naming the line and what to do."""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from autograd import Tensor, Value
from autograd.compiler import CompileError

HERE = r"test_refusal\.py:\d+"


def _refused(fn, *args, what: str) -> None:
    with pytest.raises(CompileError, match=rf"compile cannot follow {what}.* at .*{HERE}") as info:
        autograd.compile(fn)(*args)
    assert "call the function without compile" in str(info.value)


def test_reading_data_of_a_computed_value():
    w = Value(1.0)

    def f(x):
        y = w * x
        return y if y.data > 0 else -y  # a branch on a computed number

    _refused(f, 2.0, what=r"reading \.data of a computed Value")


def test_reading_data_of_an_argument_value():
    _refused(lambda x: x * float(x.data), 2.0, what=r"reading \.data of an argument")


def test_bool_of_a_tensor():
    def f(x):
        s = (x * 2.0).sum()
        return s if s else -s

    _refused(f, np.ones(2), what=r"bool\(\) of a computed")


def test_comparing_a_tensor():
    _refused(
        lambda x: autograd.where(x > 0, x, 0.0).sum(),
        np.ones(2),
        what=r"comparing a computed or argument Tensor \(>\)",
    )


def test_float_and_item_of_a_tensor():
    _refused(lambda x: x * float((x * 1.0).sum()), np.ones(2), what=r"float\(\)")
    _refused(lambda x: x * (x * 1.0).sum().item(), np.ones(2), what=r"\.item\(\)")


def test_reading_data_or_numpy_of_a_tensor():
    _refused(lambda x: Tensor((x * 2.0).data.max()), np.ones(2), what=r"reading \.data")
    _refused(lambda x: Tensor((x * 2.0).numpy()), np.ones(2), what=r"\.numpy\(\)")


def test_indexing_with_an_argument_tensor():
    w = Tensor(np.arange(5.0), requires_grad=True)
    _refused(lambda ids: w[ids].sum(), np.array([1.0, 3.0]), what="indexing with a Tensor")


def test_no_grad_inside_the_function():
    w = Value(1.0)

    def f(x):
        with autograd.no_grad():
            scale = w * 2.0
        return x * scale

    _refused(f, 3.0, what=r"no_grad\(\) inside a compiled function")


def test_backward_inside_the_function():
    w = Value(1.0)

    def f(x):
        y = w * x
        y.backward()
        return y

    _refused(f, 3.0, what=r"backward\(\) inside a compiled function")


def test_random_draws_are_fresh_on_every_call_as_without_compile():
    layer = nn.Dropout(0.5)
    w = Tensor(np.linspace(0.5, 2.0, 16), requires_grad=True)

    def f(x):
        return (layer(x * w) * w).sum()

    step = autograd.compile(f)
    x = np.ones(16)
    autograd.manual_seed(7)
    eager = []
    for _ in range(3):
        w.grad = None
        out = f(Tensor(x))
        out.backward()
        eager.append((float(out.data), w.grad.copy()))
    autograd.manual_seed(7)
    compiled = []
    for _ in range(3):
        w.grad = None
        compiled.append((float(step(x)), w.grad.copy()))
    for (ev, eg), (cv, cg) in zip(eager, compiled, strict=True):
        assert cv == ev
        np.testing.assert_array_equal(cg, eg)
    assert len({v for v, _ in compiled}) > 1  # a new mask each call, not the first one again
    assert "runs the function eagerly on every call" in step.describe()


def test_refusal_leaves_the_state_as_it_was():
    w = Value(1.0)

    def f(x):
        y = w * x
        return y if y.data > 0 else -y

    with pytest.raises(CompileError):
        autograd.compile(f)(2.0)
    assert autograd.is_grad_enabled()
    out = w * 3.0  # eager again: plain nodes
    assert type(out) is Value and w.grad == 0.0


def test_compiled_functions_do_not_nest():
    inner = autograd.compile(lambda x: x * 2.0)
    outer = autograd.compile(lambda x: x * inner(x))
    with pytest.raises(CompileError, match="another one is being traced"):
        outer(1.0)


def test_computed_arguments_are_refused_as_their_gradient_would_stop_there():
    w = Value(2.0)
    with pytest.raises(TypeError, match=r"computed by '\*' is not a leaf"):
        autograd.compile(lambda x: x * 3.0)(w * 2.0)
    t = Tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="Tensor computed by 'mul' is not a leaf"):
        autograd.compile(lambda x: (x * 3.0).sum())(t * 2.0)


def test_unhashable_and_non_numeric_arguments():
    with pytest.raises(TypeError, match="unhashable"):
        autograd.compile(lambda x, d: x * 2.0)(1.0, {"a": 1})
    with pytest.raises(TypeError, match="must be numeric"):
        autograd.compile(lambda x: x)(np.array(["a"]))


def test_numbers_from_grad_inside_the_function_are_refused():
    # autograd.grad returns an ndarray: a constant of the trace, stale on replay.
    def f(x):
        slope = autograd.grad(lambda y: (y * y).sum())(x)
        return (x * slope).sum()

    _refused(f, np.ones(2), what=r"reading \.data of a computed or argument Tensor")


def test_in_place_changes_of_traced_nodes_are_refused():
    def f(x):
        y = x * 2.0
        y.data = np.zeros(2)  # the replay would not know
        return y.sum()

    _refused(f, np.ones(2), what=r"assigning \.data of a traced Tensor")


def _add_one(t):
    t += 1.0


def _set_first(t):
    t[0] = 5.0


@pytest.mark.parametrize(
    ("change", "op"),
    [(_add_one, "add_"), (_set_first, "setitem"), (lambda t: t.mul_(3.0), "mul_")],
)
@pytest.mark.parametrize("on", ["computed", "argument"])
def test_in_place_ops_on_traced_tensors_are_refused(change, op, on):
    # A replay would not redo the change. The user's array is left as it was.
    def f(x):
        y = x * 2.0 if on == "computed" else x
        change(y)
        return y.sum()

    a = np.ones(2)
    with pytest.raises(CompileError, match=rf"in-place op \({op}\) on a Tensor .* at .*{HERE}"):
        autograd.compile(f)(a)
    np.testing.assert_array_equal(a, np.ones(2))
    t = Tensor(np.ones(2))
    with pytest.raises(CompileError, match=rf"in-place op \({op}\)"):
        autograd.compile(f)(t)
    np.testing.assert_array_equal(t.data, np.ones(2))
    assert t._version == 0


def test_in_place_ops_outside_the_trace_still_work():
    f = autograd.compile(lambda x: (x * 2.0).sum(), backward=False)
    t = Tensor(np.ones(2))
    f(t)
    t += 1.0  # after the trace: an ordinary in-place op
    assert float(f(t)) == 8.0 and t._version == 1


def test_random_draws_with_value_arguments_accumulate_into_them():
    noise = nn.GaussianNoise(0.5)
    step = autograd.compile(lambda v: (noise(v * 2.0) * v).tanh())
    ve, vc = Value(0.3), Value(0.3)
    autograd.manual_seed(1)
    eager = [(noise(ve * 2.0) * ve).tanh() for _ in range(2)]
    for out in eager:
        out.backward()
    autograd.manual_seed(1)
    got = [step(vc) for _ in range(2)]
    assert got == [out.data for out in eager]
    assert vc.grad == ve.grad != 0.0
