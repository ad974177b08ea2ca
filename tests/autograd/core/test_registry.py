"""The op registry's completeness test: every elementwise op is present everywhere it should be.

``autograd.core.registry.REGISTRY`` is the one list of elementwise ops. This file
checks every entry against each place that lists ops: the ``Value`` and
``Tensor`` methods (or operators), the module-level ``autograd.<name>``
functions, ``nn.functional`` and the activation-name lookup (activations), the
draw command's whitelist, ``autograd.testing``'s scalar programs, and the test
tables of tests/test_value.py, tests/test_tensor.py, tests/test_fuzz.py and
tests/test_higher_order.py. Adding an op to the registry and forgetting a place
fails ``test_every_registry_entry_is_everywhere`` with the op and the place.
"""

from __future__ import annotations

import inspect
import math
import re
from typing import Any

import numpy as np
import pytest

import autograd
import nn.activations
import nn.functional as F
from autograd import Tensor, Value, testing
from autograd.core import registry as E
from autograd.core.registry import ACTIVATIONS, REGISTRY, UNARY_METHODS, Elementwise
from autograd.pictures import cli as draw
from tests.autograd.core import (
    test_fuzz,  # noqa: E402
    test_higher_order,  # noqa: E402
    test_tensor,  # noqa: E402
    test_value,  # noqa: E402
)

#: Python's operator methods for the arithmetic entries (both sides where a number may lead).
DUNDERS = {
    "add": ("__add__", "__radd__"), "sub": ("__sub__", "__rsub__"),
    "mul": ("__mul__", "__rmul__"), "div": ("__truediv__", "__rtruediv__"),
    "pow": ("__pow__", "__rpow__"), "neg": ("__neg__",),
}


def _params_match(fn: Any, entry: Elementwise) -> bool:
    """The callable takes the entry's parameters, by name, with the same defaults."""
    sig = inspect.signature(fn).parameters
    return all(name in sig and sig[name].default == default for name, default in entry.params)


def _method_missing(cls: type, entry: Elementwise) -> bool:
    if entry.name in DUNDERS:
        return not all(hasattr(cls, d) for d in DUNDERS[entry.name])
    method = getattr(cls, entry.name, None)
    return method is None or not _params_match(method, entry)


def _program_op(entry: Elementwise) -> str:
    """The name scalar_programs uses for an entry: its symbol for binary arithmetic."""
    return entry.symbol if entry.arity == 2 and entry.symbol else entry.name


def missing_places(registry: dict[str, Elementwise] | None = None) -> dict[str, list[str]]:
    """For every registry entry, the places it is missing from (empty when complete)."""
    registry = REGISTRY if registry is None else registry
    report: dict[str, list[str]] = {}
    for name, e in registry.items():
        missing = []
        unary_method = e.arity == 1 and name != "neg"  # the registry's UNARY_METHODS rule
        # Value: every entry with a scalar forward; Tensor: every entry.
        if e.scalar is not None and _method_missing(Value, e):
            missing.append("Value method")
        if e.arity == 2 and e.kind == "arithmetic" and name not in DUNDERS:
            if not callable(getattr(autograd, name, None)):  # maximum, minimum
                missing.append("autograd.<name> function")
        elif _method_missing(Tensor, e):
            missing.append("Tensor method")
        if unary_method:
            fn = getattr(autograd, name, None)
            if fn is None or name not in autograd.__all__ or not _params_match(fn, e):
                missing.append("autograd.<name> function (autograd/core/free_functions.py)")
            if name not in draw.FUNCTIONS:
                missing.append("draw CLI whitelist (autograd/pictures/cli.py)")
            if name not in UNARY_METHODS:
                missing.append("elementwise.UNARY_METHODS")
        if e.kind == "activation":
            fn = getattr(F, name, None)
            if fn is None or name not in F.__all__ or not _params_match(fn, e):
                missing.append("nn.functional")
            if name not in nn.activations.ACTIVATIONS:
                missing.append("activation-name lookup (nn/activations.py)")
            if name not in ACTIVATIONS:
                missing.append("elementwise.ACTIVATIONS")
        # scalar programs draw every op with a scalar forward that has no kinks
        if e.scalar is not None and not e.kinks and _program_op(e) not in testing.SCALAR_OPS:
            missing.append("autograd.testing scalar programs (autograd/testing.py)")
        # the test tables
        if e.arity == 1:
            if e.scalar is not None and name not in test_value.UNARY:
                missing.append("tests/test_value.py UNARY")
            if name not in test_tensor.UNARY:
                missing.append("tests/test_tensor.py UNARY")
            if name not in test_fuzz.UNARY:
                missing.append("tests/test_fuzz.py UNARY")
            if name not in test_higher_order.SECOND_THIRD:
                missing.append("tests/test_higher_order.py SECOND_THIRD")
        else:
            if e.scalar is not None and name not in test_value.BINARY:
                missing.append("tests/test_value.py BINARY")
            if name not in test_tensor.BINARY:
                missing.append("tests/test_tensor.py BINARY")
            if name not in test_fuzz.BINARY:
                missing.append("tests/test_fuzz.py BINARY")
            if name not in test_higher_order.TENSOR_BINARY:
                missing.append("tests/test_higher_order.py TENSOR_BINARY")
        if missing:
            report[name] = missing
    return report


def test_every_registry_entry_is_everywhere() -> None:
    assert missing_places() == {}


def test_no_place_lists_an_op_the_registry_lacks() -> None:
    """The other direction: the whitelists and lookups hold nothing unknown to the registry."""
    assert set(draw.FUNCTIONS) == set(UNARY_METHODS)
    assert set(nn.activations.ACTIVATIONS) - set(ACTIVATIONS) == {"softmax", "log_softmax"}
    assert set(UNARY_METHODS) == {n for n, e in REGISTRY.items() if e.arity == 1} - {"neg"}
    assert set(ACTIVATIONS) == {n for n, e in REGISTRY.items() if e.kind == "activation"}
    variants = {"gelu_tanh", "leaky_relu_default", "cube_root_of_positive", "number_minus_value",
                "number_over_value", "number_power_value", "reciprocal", "square", "pow_fraction",
                "pow_negative", "rsub", "two_to_the"}  # compositions and parameter variants
    for table in (test_value.UNARY, test_tensor.UNARY, test_fuzz.UNARY):
        assert set(table) - variants <= set(REGISTRY), set(table) - variants - set(REGISTRY)


def test_the_draw_command_takes_the_number_parameters_of_the_registry() -> None:
    assert set(draw.NUMBER_PARAMETERS) == set(UNARY_METHODS)
    assert {n: p for n, p in draw.NUMBER_PARAMETERS.items() if p} == {
        "leaky_relu": ("negative_slope",), "elu": ("alpha",), "celu": ("alpha",),
        "softplus": ("beta", "threshold"),
    }
    x = Value(0.3)
    text = "softplus(x, 2, 0.5) + softplus(x, threshold=-1) + softplus(x, -1.5, beta=-2)"
    with pytest.raises(draw.ExpressionError, match="beta is given twice"):
        draw._parse_expression(text, {"x"})
    text = "softplus(x, 2, 0.5) + softplus(x, threshold=-1) + leaky_relu(x, negative_slope=-2)"
    out = draw._evaluate(draw._parse_expression(text, {"x"}), {"x": x})
    want = x.softplus(2.0, 0.5).data + x.softplus(threshold=-1.0).data + 0.3
    assert out.data == pytest.approx(want, rel=1e-15)
    assert 0.3 * 2 > 0.5 and out.data == pytest.approx(0.3 + 0.3 + 0.3)  # both linear
    for bad, says in [("softplus(x, gamma=2)", "its parameters are beta, threshold"),
                      ("softplus(x, 1, 2, 3)", "up to 2 number(s)"),
                      ("softplus(x, beta=x)", "must be a number"),
                      ("gelu(x, 1)", "exactly one argument"),
                      ("tanh(x, beta=1)", "takes no parameters")]:
        with pytest.raises(draw.ExpressionError, match=re.escape(says)):
            draw._parse_expression(bad, {"x"})


@pytest.mark.parametrize("name", sorted(n for n, e in REGISTRY.items() if e.arity == 1))
def test_entry_facts_hold(name: str) -> None:
    """Each entry's forwards agree with each other and its derivative with finite differences,
    inside its domain and away from its kinks."""
    e = REGISTRY[name]
    lo, hi = e.domain
    xs = np.linspace(lo, hi, 23)
    xs = np.array([x for x in xs if all(abs(x - k) > 1e-2 for k in e.kinks)])
    out = e.array(xs)
    if e.scalar is not None:
        np.testing.assert_allclose([e.scalar(float(x)) for x in xs], out, rtol=1e-12, atol=1e-14)
    d = e.d(xs, out) if callable(e.d) else e.d + 0 * xs
    h = 1e-6
    numeric = (e.array(xs + h) - e.array(xs - h)) / (2 * h)
    np.testing.assert_allclose(d, numeric, rtol=1e-5, atol=1e-6)
    assert lo < hi


def _softsign() -> Elementwise:
    return Elementwise("softsign", 1, lambda x: x / (1 + abs(x)), lambda x: x / (1 + np.abs(x)),
                       lambda x, out: 1.0 / (1.0 + abs(x)) ** 2, "activation")


def test_the_completeness_check_reports_a_forgotten_op(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proof that the test bites: a registry entry added nowhere else is reported everywhere."""
    monkeypatch.setitem(E.REGISTRY, "softsign", _softsign())
    report = missing_places()
    assert set(report) == {"softsign"}
    assert report["softsign"] == [
        "Value method", "Tensor method",
        "autograd.<name> function (autograd/core/free_functions.py)",
        "draw CLI whitelist (autograd/pictures/cli.py)", "elementwise.UNARY_METHODS",
        "nn.functional",
        "activation-name lookup (nn/activations.py)", "elementwise.ACTIVATIONS",
        "autograd.testing scalar programs (autograd/testing.py)", "tests/test_value.py UNARY",
        "tests/test_tensor.py UNARY", "tests/test_fuzz.py UNARY",
        "tests/test_higher_order.py SECOND_THIRD",
    ]
    with pytest.raises(AssertionError, match="softsign"):
        test_every_registry_entry_is_everywhere()


def test_the_completeness_check_reports_one_forgotten_place(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each place is checked on its own: dropping an op from one place is reported there."""
    monkeypatch.setattr(draw, "FUNCTIONS", draw.FUNCTIONS - {"mish"})
    monkeypatch.delitem(nn.activations.ACTIVATIONS, "gelu")
    monkeypatch.delitem(test_fuzz.UNARY, "erf")
    monkeypatch.delattr(Tensor, "relu6")
    assert missing_places() == {
        "mish": ["draw CLI whitelist (autograd/pictures/cli.py)"],
        "gelu": ["activation-name lookup (nn/activations.py)"],
        "erf": ["tests/test_fuzz.py UNARY"],
        "relu6": ["Tensor method"],
    }


def test_a_parameter_default_that_drifts_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def leaky_relu(x: Any, negative_slope: float = 0.02) -> Any:
        return x

    monkeypatch.setattr(F, "leaky_relu", leaky_relu)
    assert missing_places() == {"leaky_relu": ["nn.functional"]}


def test_softsign_composes_without_an_entry() -> None:
    """The registry's policy: an op built from existing ops needs no entry and no rule, and is
    differentiable to any order."""
    x = np.array([-1.5, 0.5, 2.0])
    f = lambda t: t / (1 + t.abs())  # noqa: E731
    np.testing.assert_allclose(autograd.grad(lambda t: f(t).sum())(x), 1 / (1 + np.abs(x)) ** 2)
    second = autograd.grad(lambda t: autograd.grad(lambda u: f(u).sum())(t).sum())(x)
    np.testing.assert_allclose(second, -2 * np.sign(x) / (1 + np.abs(x)) ** 3)
    assert math.isclose(float(f(Tensor(0.5)).data), 1 / 3)


@pytest.mark.parametrize("name", [n for n, e in REGISTRY.items() if e.arity == 2 and callable(e.d)])
@pytest.mark.parametrize("as_array", [False, True])
def test_a_binary_derivative_asked_for_one_part_gives_it_unchanged(name: str,
                                                                   as_array: bool) -> None:
    # wanted=(True, False) / (False, True): what x ** 2 or 2 / x need, without the other part
    a, b = (np.array([0.7, 1.3]), np.array([2.0, 0.5])) if as_array else (0.7, 2.0)
    e = REGISTRY[name]
    out = (e.array or e.scalar)(a, b) if as_array else (e.scalar or e.array)(a, b)
    both = e.d(a, b, out)
    for i, wanted in enumerate([(True, False), (False, True)]):
        part = e.d(a, b, out, wanted)
        np.testing.assert_array_equal(part[i], both[i])
        if name in ("div", "pow"):  # these skip the work of the part not asked for
            assert part[1 - i] is None
