"""Value ops on NaN and inf follow PyTorch."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import (
    Tensor,
    Value,
)
from autograd.core.registry import REGISTRY

# -- 12. Value ops on NaN and inf --------------------------------------------------------------
_SCALAR_UNARY = sorted(n for n, e in REGISTRY.items() if e.arity == 1 and e.scalar is not None)


@pytest.mark.parametrize("name", _SCALAR_UNARY)
@pytest.mark.parametrize("x", [math.nan, math.inf, -math.inf])
def test_value_ops_on_nan_and_inf_agree_with_tensor_ops_or_name_the_op(name, x):
    method = "__neg__" if name == "neg" else name
    try:
        v = getattr(Value(x), method)().data
    except (ValueError, ArithmeticError) as exc:
        assert name in str(exc)
        return
    with np.errstate(all="ignore"):
        t = getattr(Tensor([x]), method)().data[0]
    assert (math.isnan(v) and math.isnan(t)) or v == t, (name, x, v, t)


def test_value_relu_of_nan_is_nan_and_sin_of_inf_is_nan_as_tensor():
    assert math.isnan(Value(math.nan).relu().data)
    assert math.isnan(Value(math.inf).sin().data)
    for op in ("log", "sqrt", "exp", "tanh"):  # NaN passes through, as in the Tensor ops
        assert math.isnan(getattr(Value(math.nan), op)().data)
    assert math.isnan(Value(-math.inf).hardswish().data)  # -inf * 0, as PyTorch
    assert Value(-5.0).hardswish().data == 0.0


@pytest.mark.parametrize("name", _SCALAR_UNARY)
def test_value_and_tensor_ops_on_nan_and_inf_match_pytorch(name):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    fn = (
        getattr(torch, name, None)
        if name in ("neg", "exp", "log", "sqrt", "abs", "sin", "cos", "erf", "tanh", "sigmoid")
        else getattr(tf, name)
    )
    method = "__neg__" if name == "neg" else name
    for x in (math.nan, math.inf, -math.inf):
        expected = fn(torch.tensor([x], dtype=torch.float64)).item()
        results = []
        try:
            results.append(getattr(Value(x), method)().data)
        except (ValueError, ArithmeticError) as exc:  # a domain error naming the op
            assert name in str(exc)
        with np.errstate(all="ignore"):
            try:
                results.append(float(getattr(Tensor([x]), method)().data[0]))
            except (ValueError, ArithmeticError) as exc:
                assert name in str(exc)
        for got in results:
            assert (math.isnan(got) and math.isnan(expected)) or got == expected, (x, got)
