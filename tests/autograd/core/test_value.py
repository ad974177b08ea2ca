"""Value, the scalar node: every op's value and derivative against hand-derived formulas,
central finite differences over random inputs, PyTorch's conventions at kinks, and errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Tensor, Value, gradcheck
from autograd.core.registry import REGISTRY
from autograd.testing import arrays
from tests.autograd.core import op_tables


def central_difference(f, x: float, h: float = 1e-6) -> float:
    return (f(x + h) - f(x - h)) / (2.0 * h)


def _unary_cases() -> dict:
    """name -> (call, f, f', (low, high), kinks): every registry entry Value has, with each
    parameter set of the shared table, and the operator forms that are no entry."""
    out = {}
    for label, (name, params) in op_tables.cases(with_scalar_forward=True).items():
        row = op_tables.UNARY[name]
        out[label] = (
            lambda v, n=name, p=params: op_tables.apply(n, v, p),
            lambda x, f=row.f, p=params: float(f(x, *p)),
            lambda x, df=row.df, p=params: float(df(x, *p)),
            row.values,
            op_tables.kinks(name, params),
        )
    for name, (call, f, df, domain) in op_tables.COMPOSED.items():
        out[name] = (call, f, df, domain, ())
    return out


UNARY = _unary_cases()


def _grad_of(call, x: float) -> tuple[float, float]:
    v = Value(x)
    y = call(v)
    y.backward()
    return y.data, v.grad


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_op_value_and_gradient_match_hand_derived_formula(name):
    call, f, df, (low, high), kinks = UNARY[name]
    for x in np.linspace(low, high, 23):
        x = float(x)
        if any(abs(x - k) < 1e-9 for k in kinks):
            continue
        y, g = _grad_of(call, x)
        assert y == pytest.approx(f(x), rel=1e-12, abs=1e-12)
        assert g == pytest.approx(df(x), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("name", sorted(UNARY))
@given(u=arrays((), min_value=0.0, max_value=1.0))  # the strategy users get in autograd.testing
def test_unary_op_gradient_matches_finite_differences(name, u):
    call, f, _, (low, high), kinks = UNARY[name]
    x = low + float(u) * (high - low)
    assume(all(abs(x - k) > 1e-3 for k in kinks))
    _, g = _grad_of(call, x)
    numeric = central_difference(f, x)
    assert g == pytest.approx(numeric, rel=1e-5, abs=1e-5)
    assert gradcheck(call, [Value(x)])


def test_result_type_is_float_for_every_op():
    for name, (call, *_rest) in UNARY.items():
        y = call(Value(1.5))
        assert type(y.data) is float, name


# -- binary ops: both sides Values, and a number on either side --------------------------
BINARY = {
    name: (row.call, lambda a, b, row=row: (row.da(a, b), row.db(a, b)))
    for name, row in op_tables.BINARY.items()
    if REGISTRY[name].scalar is not None
}

positive = st.floats(0.2, 5.0)
anything = st.floats(-5.0, 5.0)


@pytest.mark.parametrize("name", sorted(BINARY))
@given(a=positive, b=st.floats(0.2, 3.0), flip_a=st.booleans())
def test_binary_op_between_values_matches_formula_and_finite_differences(name, a, b, flip_a):
    op, grads = BINARY[name]
    if flip_a and name != "pow":
        a = -a
    va, vb = Value(a), Value(b)
    y = op(va, vb)
    y.backward()
    assert y.data == pytest.approx(op(a, b), rel=1e-12)
    da, db = grads(a, b)
    assert va.grad == pytest.approx(da, rel=1e-9, abs=1e-12)
    assert vb.grad == pytest.approx(db, rel=1e-9, abs=1e-12)
    assert va.grad == pytest.approx(central_difference(lambda t: op(t, b), a), rel=1e-5, abs=1e-6)
    assert vb.grad == pytest.approx(central_difference(lambda t: op(a, t), b), rel=1e-5, abs=1e-6)
    assert gradcheck(op, [Value(a), Value(b)])


@pytest.mark.parametrize("name", sorted(BINARY))
@given(a=positive, b=st.floats(0.2, 3.0))
def test_binary_op_with_number_on_either_side(name, a, b):
    op, grads = BINARY[name]
    da, db = grads(a, b)
    left = Value(a)
    y = op(left, b)
    y.backward()
    assert y.parents == (left,)
    assert y.data == pytest.approx(op(a, b), rel=1e-12)
    assert left.grad == pytest.approx(da, rel=1e-9, abs=1e-12)
    right = Value(b)
    z = op(a, right)
    z.backward()
    assert z.parents == (right,)
    assert z.data == pytest.approx(op(a, b), rel=1e-12)
    assert right.grad == pytest.approx(db, rel=1e-9, abs=1e-12)


@given(a=anything, k=st.integers(-3, 4))
def test_negative_base_to_integer_power(a, k):
    assume(abs(a) > 1e-2)
    x = Value(a)
    y = x**k
    y.backward()
    assert y.data == pytest.approx(a**k, rel=1e-12)
    assert x.grad == pytest.approx(k * a ** (k - 1), rel=1e-9, abs=1e-12)


def test_value_pow_value_at_zero_base_has_zero_exponent_gradient():
    base, exponent = Value(0.0), Value(2.0)
    y = base**exponent
    y.backward()
    assert y.data == 0.0
    assert base.grad == 0.0  # 2 * 0 ** 1
    assert exponent.grad == 0.0  # 0 ** k is flat in k for k > 0


def test_power_zero_has_zero_gradient_everywhere():
    for a in (-2.0, 0.0, 3.0):
        x = Value(a)
        y = x**0
        y.backward()
        assert y.data == 1.0 and x.grad == 0.0


def test_sqrt_at_zero_has_infinite_gradient():
    x = Value(0.0)
    y = x.sqrt()
    y.backward()
    assert y.data == 0.0 and x.grad == math.inf


def test_unary_minus_and_plus():
    x = Value(3.0)
    y = -x
    y.backward()
    assert y.data == -3.0 and x.grad == -1.0 and y.op == "neg"
    assert +x is x


def test_abs_builtin_uses_value_abs():
    x = Value(-2.5)
    y = abs(x)
    y.backward()
    assert y.data == 2.5 and x.grad == -1.0


# -- kinks: PyTorch's conventions ----------------------------------------------------------
@pytest.mark.parametrize(
    "call, x, expected_grad",
    [
        (lambda v: v.relu(), 0.0, 0.0),
        (lambda v: v.abs(), 0.0, 0.0),
        (lambda v: v.leaky_relu(0.2), 0.0, 0.2),
        (lambda v: v.leaky_relu(), 0.0, 0.01),
        (lambda v: v.relu6(), 0.0, 0.0),
        (lambda v: v.relu6(), 6.0, 0.0),
        (lambda v: v.relu6(), 3.0, 1.0),
        (lambda v: v.relu6(), 7.0, 0.0),
        (lambda v: v.hardswish(), -3.5, 0.0),
        (lambda v: v.hardswish(), -3.0, 0.0),
        (lambda v: v.hardswish(), 0.0, 0.5),
        (lambda v: v.hardswish(), 3.0, 1.0),
        (lambda v: v.hardswish(), 3.5, 1.0),
        (lambda v: v.elu(1.5), 0.0, 1.5),
        (lambda v: v.celu(2.0), 0.0, 1.0),
        (lambda v: v.softplus(), 25.0, 1.0),
        (lambda v: v.softplus(), 1000.0, 1.0),
        (lambda v: v.sigmoid(), -1000.0, 0.0),
        (lambda v: v.mish(), 1000.0, 1.0),
    ],
)
def test_gradient_at_kinks_follows_pytorch(call, x, expected_grad):
    v = Value(x)
    call(v).backward()
    assert v.grad == pytest.approx(expected_grad, abs=1e-12)


def test_softplus_is_exactly_linear_above_twenty():
    for x in (20.5, 25.0, 800.0):
        assert Value(x).softplus().data == x
    assert Value(20.0).softplus().data == pytest.approx(math.log1p(math.exp(20.0)), rel=1e-15)


def test_sigmoid_and_softplus_do_not_overflow_for_large_negative_inputs():
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(-1000.0).softplus().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


def test_gelu_tanh_approximation():
    x = 0.7
    k = math.sqrt(2.0 / math.pi)

    def f(t: float) -> float:
        return 0.5 * t * (1.0 + math.tanh(k * (t + 0.044715 * t**3)))

    v = Value(x)
    y = v.gelu(approximate="tanh")
    y.backward()
    assert y.data == pytest.approx(f(x), rel=1e-12)
    assert v.grad == pytest.approx(central_difference(f, x), rel=1e-7)
    with pytest.raises(ValueError, match="approximate"):
        Value(1.0).gelu(approximate="bogus")


# -- attributes --------------------------------------------------------------------------
def test_value_attributes():
    a = Value(2, label="a")
    assert type(a.data) is float and a.data == 2.0
    assert a.grad == 0.0 and a.label == "a" and a.op == "" and a.parents == ()
    b = a * 3.0
    c = a + b
    assert b.op == "*" and b.parents == (a,)
    assert c.op == "+" and c.parents == (a, b)
    with pytest.raises(AttributeError):
        c.op = "x"
    with pytest.raises(AttributeError):
        c.parents = ()
    assert "2" in repr(a) and "a" in repr(a)


def test_value_accepts_numpy_scalars():
    assert Value(np.float32(1.5)).data == 1.5
    assert Value(np.int64(3)).data == 3.0
    assert (Value(1.0) + np.float64(2.0)).data == 3.0


# -- errors: type and message --------------------------------------------------------------
@pytest.mark.parametrize("x", [0.0, -1.0])
def test_log_of_non_positive_raises_value_error_naming_log(x):
    with pytest.raises(ValueError, match="log"):
        Value(x).log()


def test_sqrt_of_negative_raises_value_error_naming_sqrt():
    with pytest.raises(ValueError, match="sqrt"):
        Value(-1e-9).sqrt()


def test_division_by_zero_raises_naming_the_op():
    with pytest.raises(ZeroDivisionError, match="/"):
        Value(1.0) / 0
    with pytest.raises(ZeroDivisionError, match="/"):
        Value(1.0) / Value(0.0)
    with pytest.raises(ZeroDivisionError, match="/"):
        1.0 / Value(0.0)


def test_zero_to_negative_power_raises_zero_division_error():
    with pytest.raises(ZeroDivisionError, match=r"\*\*"):
        Value(0.0) ** -1
    with pytest.raises(ZeroDivisionError, match=r"\*\*"):
        Value(0.0) ** Value(-2.0)


def test_negative_base_to_non_integer_power_raises_value_error():
    with pytest.raises(ValueError, match=r"\*\*"):
        Value(-2.0) ** 0.5
    with pytest.raises(ValueError, match=r"\*\*"):
        Value(-2.0) ** Value(1.5)


def test_exponent_gradient_at_a_negative_base_is_nan_as_for_tensors():
    # (-2) ** 2 = 4 is real; d/dk needs log(-2), which is not: NaN, as Tensor and PyTorch give.
    k = Value(2.0)
    y = (-2.0) ** k
    assert y.data == 4.0
    y.backward()
    assert math.isnan(k.grad)
    z = Value(0.0) ** Value(2.0)
    z.backward()
    assert z.parents[1].grad == 0.0


def test_exp_overflow_raises_overflow_error():
    with pytest.raises(OverflowError, match="exp"):
        Value(1000.0).exp()


def test_value_mixed_with_tensor_raises_type_error():
    v, t = Value(1.0), Tensor([1.0, 2.0])
    with pytest.raises(TypeError, match="Tensor"):
        v + t
    with pytest.raises(TypeError, match="Value"):
        t + v
    with pytest.raises(TypeError, match="Tensor"):
        v * t


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], True, 1j])
def test_non_numeric_data_raises_type_error(bad):
    with pytest.raises(TypeError, match="expected a real number"):
        Value(bad)
    with pytest.raises(TypeError, match="expected a real number"):
        Value(1.0) + bad


def test_celu_rejects_zero_alpha():
    with pytest.raises(ValueError, match="alpha"):
        Value(1.0).celu(0.0)


def test_a_value_graph_survives_pickle_and_deepcopy_and_differentiates_the_same() -> None:
    import copy
    import pickle

    a = Value(2.0, label="a")
    out = (a * a + 1.0).tanh() - 3.0 / a
    for clone in (pickle.loads(pickle.dumps(out)), copy.deepcopy(out)):
        assert clone.data == out.data and clone.op == out.op
        leaf = clone
        while leaf._p0 is not None:  # down the first parents to the copied a
            leaf = leaf._p0
        assert leaf.label == "a" and leaf is not a
        clone.backward()
        out.backward()
        assert leaf.grad == a.grad
        a.grad = 0.0
