"""The op registry's completeness test: every elementwise op is present everywhere it should be.

``autograd.core.registry.REGISTRY`` is the one list of elementwise ops. Some places that
list ops are made from it (the draw command's whitelist, ``autograd.testing``'s programs);
this file checks them anyway, and checks the places written by hand: ``Value``'s and
``Tensor``'s methods and ``autograd.exp`` ... (one line each, which takes the entry's
formula and parameters), ``nn.functional``, ``nn``'s activation modules and
the name lookup ``nn.activations.activation``, the README's list of activations, and the
shared test table ``tests/autograd/core/op_tables.py`` (which the Value, Tensor, fuzz and
higher-order tests all read). Adding an op to the registry and forgetting a place fails
``test_every_registry_entry_is_everywhere`` with the op and the place.
"""

from __future__ import annotations

import inspect
import math
import pickle
import re
import sys
import typing
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import autograd
import nn
import nn.activations
import nn.functional as F
from autograd import Tensor, Value, testing
from autograd.core import registry as E
from autograd.core.registry import ACTIVATIONS, REGISTRY, UNARY_METHODS, Elementwise
from autograd.pictures import cli as draw
from tests.autograd.core import op_tables

README = Path(__file__).resolve().parents[3] / "README.md"

#: Python's operator methods for the arithmetic entries (both sides where a number may lead).
DUNDERS = {
    "add": ("__add__", "__radd__"),
    "sub": ("__sub__", "__rsub__"),
    "mul": ("__mul__", "__rmul__"),
    "div": ("__truediv__", "__rtruediv__"),
    "pow": ("__pow__", "__rpow__"),
    "neg": ("__neg__",),
}

#: Activations that deliberately have no module in ``nn`` (name -> why); empty today.
WITHOUT_MODULE: dict[str, str] = {}


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


def module_class(name: str) -> type | None:
    """nn's module for an activation, by PyTorch's naming: leaky_relu -> LeakyReLU."""
    for public in nn.__all__:
        obj = getattr(nn, public, None)
        if (
            isinstance(obj, type)
            and issubclass(obj, nn.Module)
            and public.lower() == name.replace("_", "")
        ):
            return obj
    return None


def readme_activations() -> str:
    """The README's row of activations (in its table of what is in ``nn``)."""
    rows = [
        line
        for line in README.read_text(encoding="utf-8").splitlines()
        if line.startswith("| Activations |")
    ]
    assert len(rows) == 1, "README.md: expected one '| Activations |' row in its nn table"
    return rows[0]


def _activation_places(name: str, e: Elementwise) -> list[str]:
    missing = []
    fn = getattr(F, name, None)
    if fn is None or name not in F.__all__ or not _params_match(fn, e):
        missing.append("nn.functional")
    cls = module_class(name)
    if name in WITHOUT_MODULE:
        pass
    elif cls is None or cls.__name__ not in nn.__all__ or not _params_match(cls, e):
        missing.append("nn activation module (nn/activations.py, nn/__init__.py)")
    else:
        try:
            found = nn.activations.activation(name)
        except ValueError:
            found = None
        if type(found) is not cls:
            missing.append("activation-name lookup (nn.activations.activation)")
        if f"`{cls.__name__}`" not in readme_activations():
            missing.append("README.md's activations")
    if name not in ACTIVATIONS:
        missing.append("registry.ACTIVATIONS")
    return missing


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
                missing.append("registry.UNARY_METHODS")
        if e.kind == "activation":
            missing += _activation_places(name, e)
        # scalar programs draw every op with a scalar forward that has no kinks
        if e.scalar is not None and not e.kinks and _program_op(e) not in testing.SCALAR_OPS:
            missing.append("autograd.testing scalar programs (autograd/testing.py)")
        # the one test table
        table = op_tables.UNARY if e.arity == 1 else op_tables.BINARY
        if name not in table:
            where = "UNARY" if e.arity == 1 else "BINARY"
            missing.append(f"tests/autograd/core/op_tables.py {where}")
        if missing:
            report[name] = missing
    return report


def test_every_registry_entry_is_everywhere() -> None:
    assert missing_places() == {}


def test_no_place_lists_an_op_the_registry_lacks() -> None:
    """The other direction: the whitelists, lookups and tables hold nothing the registry lacks."""
    assert set(draw.FUNCTIONS) == set(UNARY_METHODS)
    assert set(nn.activations.ACTIVATIONS) - set(ACTIVATIONS) == {"softmax", "log_softmax"}
    assert set(UNARY_METHODS) == {n for n, e in REGISTRY.items() if e.arity == 1} - {"neg"}
    assert set(ACTIVATIONS) == {n for n, e in REGISTRY.items() if e.kind == "activation"}
    assert set(op_tables.UNARY) == {n for n, e in REGISTRY.items() if e.arity == 1}
    assert set(op_tables.BINARY) == {n for n, e in REGISTRY.items() if e.arity == 2}
    assert set(WITHOUT_MODULE) <= set(ACTIVATIONS)
    for row in op_tables.UNARY.values():  # the parameter sets tried start with the defaults
        assert row.params[0] == ()
    assert set(autograd.__all__) >= set(UNARY_METHODS)


@pytest.mark.parametrize("name", [n for n, e in REGISTRY.items() if e.params])
def test_formula_defaults_are_the_entry_defaults(name: str) -> None:
    """A call without parameters uses the formulas' own defaults (a Value node then keeps
    none), so they must be the entry's."""
    e = REGISTRY[name]
    for formula in (e.scalar, e.array, e.d):
        sig = inspect.signature(formula).parameters
        assert [(p, sig[p].default) for p, _ in e.params] == list(e.params), formula


def test_the_draw_command_takes_the_number_parameters_of_the_registry() -> None:
    assert set(draw.NUMBER_PARAMETERS) == set(UNARY_METHODS)
    for name, numbers in draw.NUMBER_PARAMETERS.items():
        params = REGISTRY[name].params
        assert numbers == tuple(p for p, d in params[: len(numbers)])
        assert all(isinstance(d, float) for _, d in params[: len(numbers)])
        assert len(numbers) == len(params) or not isinstance(params[len(numbers)][1], float)
    assert draw.NUMBER_PARAMETERS["softplus"] == ("beta", "threshold")
    assert draw.NUMBER_PARAMETERS["leaky_relu"] == ("negative_slope",)
    assert draw.NUMBER_PARAMETERS["gelu"] == ()  # approximate is a string
    x = Value(0.3)
    text = "softplus(x, 2, 0.5) + softplus(x, threshold=-1) + softplus(x, -1.5, beta=-2)"
    with pytest.raises(draw.ExpressionError, match="beta is given twice"):
        draw._parse_expression(text, {"x"})
    text = "softplus(x, 2, 0.5) + softplus(x, threshold=-1) + leaky_relu(x, negative_slope=-2)"
    out = draw._evaluate(draw._parse_expression(text, {"x"}), {"x": x})
    assert out.data == pytest.approx(0.3 + 0.3 + 0.3, rel=1e-15)  # each one linear here
    out = draw._evaluate(draw._parse_expression("softplus(x, 2)", {"x"}), {"x": x})
    assert out.data == pytest.approx(math.log1p(math.exp(0.6)) / 2, rel=1e-15)
    for bad, says in [
        ("softplus(x, gamma=2)", "its parameters are beta, threshold"),
        ("softplus(x, 1, 2, 3)", "up to 2 number(s)"),
        ("softplus(x, beta=x)", "must be a number"),
        ("gelu(x, 1)", "exactly one argument"),
        ("tanh(x, beta=1)", "takes no parameters"),
    ]:
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
    return Elementwise(
        "softsign_for_this_test",
        1,
        lambda x, k=1.0: x / (k + abs(x)),
        lambda x, k=1.0: x / (k + np.abs(x)),
        lambda x, out, k=1.0: k / (k + abs(x)) ** 2,
        "activation",
        params=(("k", 1.0),),
    )


def test_the_completeness_check_reports_a_forgotten_op(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proof that the test bites: a registry entry added nowhere else is reported everywhere."""
    monkeypatch.setitem(E.REGISTRY, "softsign_for_this_test", _softsign())
    report = missing_places()
    assert set(report) == {"softsign_for_this_test"}
    assert report["softsign_for_this_test"] == [
        "Value method",
        "Tensor method",
        "autograd.<name> function (autograd/core/free_functions.py)",
        "draw CLI whitelist (autograd/pictures/cli.py)",
        "registry.UNARY_METHODS",
        "nn.functional",
        "nn activation module (nn/activations.py, nn/__init__.py)",
        "registry.ACTIVATIONS",
        "autograd.testing scalar programs (autograd/testing.py)",
        "tests/autograd/core/op_tables.py UNARY",
    ]
    with pytest.raises(AssertionError, match="softsign_for_this_test"):
        test_every_registry_entry_is_everywhere()


def test_the_completeness_check_reports_one_forgotten_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each place is checked on its own: dropping an op from one place is reported there."""
    monkeypatch.setattr(draw, "FUNCTIONS", draw.FUNCTIONS - {"mish"})
    monkeypatch.delitem(nn.activations.ACTIVATIONS, "gelu")
    monkeypatch.delitem(op_tables.UNARY, "erf")
    monkeypatch.delattr(Tensor, "relu6")
    monkeypatch.setattr(nn, "__all__", [n for n in nn.__all__ if n != "Hardswish"])
    assert missing_places() == {
        "mish": ["draw CLI whitelist (autograd/pictures/cli.py)"],
        "gelu": ["activation-name lookup (nn.activations.activation)"],
        "erf": ["tests/autograd/core/op_tables.py UNARY"],
        "relu6": ["Tensor method"],
        "hardswish": ["nn activation module (nn/activations.py, nn/__init__.py)"],
    }
    monkeypatch.setitem(WITHOUT_MODULE, "hardswish", "a test: listed as having none")
    assert "hardswish" not in missing_places()


def test_the_completeness_check_reads_the_readme(monkeypatch: pytest.MonkeyPatch) -> None:
    row = readme_activations()
    monkeypatch.setattr(
        sys.modules[__name__], "readme_activations", lambda: row.replace("`Mish`, ", "")
    )
    assert missing_places() == {"mish": ["README.md's activations"]}


def test_a_module_without_the_entry_parameters_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    class Softplus(nn.Module):
        def __init__(self, beta: float = 1.0) -> None:  # no threshold
            super().__init__()

    monkeypatch.setattr(nn, "Softplus", Softplus)
    assert missing_places() == {
        "softplus": ["nn activation module (nn/activations.py, nn/__init__.py)"]
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
def test_a_binary_derivative_asked_for_one_part_gives_it_unchanged(
    name: str, as_array: bool
) -> None:
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


# -- the methods and functions made from the entries ------------------------------------------
@pytest.mark.parametrize("owner", [Value, Tensor, autograd])
def test_made_methods_show_the_entry_parameters_and_doc(owner: Any) -> None:
    for name in UNARY_METHODS:
        e = REGISTRY[name]
        fn = getattr(owner, name)
        params = list(inspect.signature(fn).parameters.values())[1:]
        assert [(p.name, p.default) for p in params] == list(e.params), name
        assert all(p.annotation is type(p.default) for p in params), name
        assert e.doc and e.doc in (fn.__doc__ or ""), name
        assert fn.__name__ == name
    # The return type as the class's own methods show it (their modules postpone annotations),
    # resolved to the class by typing.
    for cls in (Value, Tensor):
        assert inspect.signature(cls.softplus).return_annotation == cls.__name__
        assert inspect.signature(cls.__neg__).return_annotation == cls.__name__
        assert typing.get_type_hints(cls.softplus)["return"] is cls
        assert typing.get_type_hints(cls.tanh) == {"return": cls}
    assert Tensor.softplus.__qualname__ == "Tensor.softplus"


@pytest.mark.parametrize("make", [Value, Tensor])
def test_parameters_go_by_position_or_by_name_with_python_errors(make: Any) -> None:
    x = make(0.4)
    calls = [
        x.softplus(),
        x.softplus(1.0),
        x.softplus(1.0, 20.0),
        x.softplus(beta=1.0),
        x.softplus(threshold=20.0),
        x.softplus(1.0, threshold=20.0),
        autograd.softplus(x, threshold=20.0),
    ]
    for y in calls:
        assert float(y.data) == math.log1p(math.exp(0.4))
    assert float(x.softplus(threshold=0.3).data) == 0.4  # above the threshold: x itself
    assert float(x.softplus(beta=2.0).data) == pytest.approx(math.log1p(math.exp(0.8)) / 2)
    for bad, says in [
        (lambda: x.softplus(1.0, 2.0, 3.0), "at most 2"),
        (lambda: x.softplus(gamma=1.0), "unexpected keyword argument 'gamma'"),
        (lambda: x.softplus(2.0, beta=1.0), "multiple values for argument 'beta'"),
        (lambda: x.tanh(1.0), "positional argument"),
    ]:
        with pytest.raises(TypeError, match=says):
            bad()
    with pytest.raises(ValueError, match="softplus: beta must be non-zero"):
        x.softplus(0.0)


def test_a_parameter_node_pickles_and_its_recorded_backward_keeps_the_parameters() -> None:
    x = Value(0.3)
    y = pickle.loads(pickle.dumps(x.softplus(2.0, 1.0) * 1.0))  # 2 * 0.3 < 1: sigmoid(0.6)
    leaf = y.parents[0].parents[0]
    y.backward(create_graph=True)
    first = leaf.grad
    assert first.data == pytest.approx(1 / (1 + math.exp(-0.6)), rel=1e-15)
    leaf.grad = 0.0
    first.backward()  # d/dx sigmoid(2x) = 2 s (1 - s)
    s = 1 / (1 + math.exp(-0.6))
    assert leaf.grad == pytest.approx(2 * s * (1 - s), rel=1e-12)


def test_softplus_matches_torch_on_both_sides_of_the_threshold() -> None:
    torch = pytest.importorskip("torch")
    x = np.array([-30.0, -3.0, -0.2, 0.0, 0.4, 0.49, 0.51, 2.0, 9.9, 10.1, 19.9, 20.1, 40.0])
    for beta, threshold in [(1.0, 20.0), (2.0, 1.0), (0.5, 5.0), (-1.5, 2.0), (3.0, 40.0)]:
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        value = torch.nn.functional.softplus(t, beta, threshold)
        (g,) = torch.autograd.grad(value.sum(), t, create_graph=True)
        (g2,) = torch.autograd.grad(g.sum(), t)
        want, g = value.detach(), g.detach()
        ours = Tensor(x, requires_grad=True)
        out = ours.softplus(beta, threshold)
        np.testing.assert_allclose(out.data, want.numpy(), rtol=1e-13, atol=1e-300)

        def f(u: Any, b: float = beta, k: float = threshold) -> Any:
            return u.softplus(b, k).sum()

        first = autograd.grad(f)(x)
        second = autograd.grad(lambda u, f=f: autograd.grad(f)(u).sum())(x)
        np.testing.assert_allclose(first, g.numpy(), rtol=1e-13, atol=1e-300)
        # (1 - s for s near 1 loses its last digits: an absolute error of 1e-16)
        np.testing.assert_allclose(second, g2.numpy(), rtol=1e-12, atol=1e-15)
        for i, xi in enumerate(x):  # Value: the same numbers, to the last digit or so
            v = Value(float(xi))
            y = v.softplus(beta, threshold)
            y.backward()
            assert y.data == pytest.approx(float(want[i]), rel=1e-14, abs=1e-300)
            assert v.grad == pytest.approx(float(g[i]), rel=1e-13, abs=1e-300)
