"""What the engine tests know about each elementwise op: ONE table, imported by every test.

``UNARY`` has a row for every unary entry of ``autograd.core.registry.REGISTRY`` and
``BINARY`` one for every binary entry (``test_registry`` checks both ways). Each row
holds references written independently of the engine (numpy), and the facts the tests
need: the parameter sets to try, where to draw inputs, PyTorch's spelling of the op.
test_value, test_tensor, test_fuzz and test_higher_order all build their cases from
these rows, so a new op is one row here, not four tables that must agree.

``COMPOSED`` adds the operator forms that are not entries of their own (``x ** 2``,
``2.0 ** x``, ``1 / x``, ...), tested beside the entries by Value and Tensor tests.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd import maximum, minimum
from autograd.core.registry import REGISTRY

_erf = np.vectorize(math.erf, otypes=[np.float64])
_PDF = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_K, _GELU_C = math.sqrt(2.0 / math.pi), 0.044715


def sigmoid(x: Any) -> Any:
    return 1.0 / (1.0 + np.exp(-x))


def _softplus(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    bx = beta * np.asarray(x, dtype=np.float64)
    return np.where(bx > threshold, x, np.log1p(np.exp(np.minimum(bx, threshold))) / beta)


def _softplus_d(x: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    return np.where(beta * x > threshold, 1.0, sigmoid(beta * x))


def _softplus_23(x: Any, beta: float = 1.0, threshold: float = 20.0) -> tuple[Any, Any]:
    s = sigmoid(beta * x)
    below = beta * x <= threshold
    return (
        np.where(below, beta * s * (1 - s), 0.0),
        np.where(below, beta**2 * s * (1 - s) * (1 - 2 * s), 0.0),
    )


def _gelu(x: Any, approximate: str = "none") -> Any:
    x = np.asarray(x, dtype=np.float64)
    if approximate == "tanh":
        return 0.5 * x * (1.0 + np.tanh(_GELU_K * (x + _GELU_C * x**3)))
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def _gelu_d(x: Any, approximate: str = "none") -> Any:
    if approximate == "tanh":
        t = np.tanh(_GELU_K * (x + _GELU_C * x**3))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _GELU_K * (1 + 3 * _GELU_C * x * x)
    return 0.5 * (1 + _erf(x / math.sqrt(2))) + x * _PDF * np.exp(-x * x / 2)


def _gelu_tanh_23(x: Any) -> tuple[Any, Any]:
    u1 = _GELU_K * (1 + 3 * _GELU_C * x * x)
    u2 = 6 * _GELU_K * _GELU_C * x
    u3 = 6 * _GELU_K * _GELU_C
    t = np.tanh(_GELU_K * (x + _GELU_C * x**3))
    s = 1 - t * t
    t1 = s * u1
    s1 = -2 * t * t1
    t2 = s1 * u1 + s * u2
    t3 = -2 * (t1 * s * u1**2 + t * s1 * u1**2 + 2 * t * s * u1 * u2) + s1 * u2 + s * u3
    return t1 + 0.5 * x * t2, 1.5 * t2 + 0.5 * x * t3


def _gelu_23(x: Any, approximate: str = "none") -> tuple[Any, Any]:
    if approximate == "tanh":
        return _gelu_tanh_23(x)
    phi = np.exp(-0.5 * x * x) * _PDF
    return phi * (2 - x * x), phi * (x**3 - 4 * x)


def _mish(x: Any) -> Any:
    return x * np.tanh(np.logaddexp(0.0, x))


def _mish_d(x: Any) -> Any:
    t = np.tanh(np.logaddexp(0.0, x))
    return t + x * (1 - t * t) * sigmoid(x)


def _mish_23(x: Any) -> tuple[Any, Any]:
    s = sigmoid(x)
    s1 = s * (1 - s)
    s2 = s1 * (1 - 2 * s)
    tt = np.tanh(np.logaddexp(0.0, x))
    t1 = (1 - tt * tt) * s
    t2 = -2 * tt * t1 * s + (1 - tt * tt) * s1
    t3 = -2 * (t1 * t1 * s + tt * t2 * s + tt * t1 * s1) - 2 * tt * t1 * s1 + (1 - tt * tt) * s2
    return 2 * t1 + x * t2, 3 * t2 + x * t3


def _zero(x: Any, *params: Any) -> tuple[Any, Any]:
    return 0 * x, 0 * x


def _erf_d(x: Any) -> Any:
    return 2 / math.sqrt(math.pi) * np.exp(-x * x)


def _erf_23(x: Any) -> tuple[Any, Any]:
    d1 = _erf_d(x)
    return -2 * x * d1, (4 * x * x - 2) * d1


def _tanh_23(x: Any) -> tuple[Any, Any]:
    t = np.tanh(x)
    return -2 * t * (1 - t * t), -2 * (1 - t * t) * (1 - 3 * t * t)


def _sigmoid_23(x: Any) -> tuple[Any, Any]:
    s = sigmoid(x)
    return s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)


def _elu_23(x: Any, alpha: float = 1.0) -> tuple[Any, Any]:
    v = np.where(x > 0, 0.0, alpha * np.exp(np.minimum(x, 0)))
    return v, v


def _celu_23(x: Any, alpha: float = 1.0) -> tuple[Any, Any]:
    e = np.exp(np.minimum(x, 0) / alpha)
    return np.where(x > 0, 0.0, e / alpha), np.where(x > 0, 0.0, e / alpha**2)


def _hardswish_d(x: Any) -> Any:
    return np.where(x <= -3, 0.0, np.where(x < 3, (2 * x + 3) / 6, 1.0))


def _hardswish_23(x: Any) -> tuple[Any, Any]:
    return np.where((x > -3) & (x < 3), 1.0 / 3.0, 0.0), 0 * x


@dataclass(frozen=True)
class Unary:
    """One unary entry: references ``f(x, *params)``, ``df``, ``d23`` = (f'', f''') in numpy,
    and how the tests exercise it."""

    f: Callable[..., Any]
    df: Callable[..., Any]
    d23: Callable[..., tuple[Any, Any]]
    torch: Callable[[Any, Any, tuple[Any, ...]], Any]  # (torch, t, params) -> the op in PyTorch
    params: tuple[tuple[Any, ...], ...] = ((),)  # the parameter sets tried, defaults first
    values: tuple[float, float] = (-5.0, 5.0)  # where first-derivative tests draw inputs
    fuzz: tuple[Any, ...] | None = None  # ("into", lo, hi): where the fuzzer moves inputs
    kinks: Callable[..., tuple[float, ...]] | None = None  # kinks(*params); None: the entry's


def _torch_f(name: str) -> Callable[[Any, Any, tuple[Any, ...]], Any]:
    return lambda torch, t, p: getattr(torch.nn.functional, name)(t, *p)


def _torch_method(name: str) -> Callable[[Any, Any, tuple[Any, ...]], Any]:
    return lambda torch, t, p: getattr(t, name)(*p)


UNARY: dict[str, Unary] = {
    "neg": Unary(np.negative, lambda x: -1 + 0 * x, _zero, lambda torch, t, p: -t),
    "exp": Unary(
        np.exp,
        np.exp,
        lambda x: (np.exp(x), np.exp(x)),
        _torch_method("exp"),
        values=(-10.0, 10.0),
        fuzz=("into", None, 3.0),
    ),
    "log": Unary(
        np.log,
        lambda x: 1 / x,
        lambda x: (-1 / x**2, 2 / x**3),
        _torch_method("log"),
        values=(0.01, 100.0),
        fuzz=("into", 0.5, None),
    ),
    "sqrt": Unary(
        np.sqrt,
        lambda x: 0.5 / np.sqrt(x),
        lambda x: (-0.25 * x**-1.5, 0.375 * x**-2.5),
        _torch_method("sqrt"),
        values=(0.01, 100.0),
        fuzz=("into", 0.5, None),
    ),
    "abs": Unary(np.abs, np.sign, _zero, _torch_method("abs")),
    "sin": Unary(
        np.sin,
        np.cos,
        lambda x: (-np.sin(x), -np.cos(x)),
        _torch_method("sin"),
        values=(-10.0, 10.0),
    ),
    "cos": Unary(
        np.cos,
        lambda x: -np.sin(x),
        lambda x: (-np.cos(x), np.sin(x)),
        _torch_method("cos"),
        values=(-10.0, 10.0),
    ),
    "erf": Unary(_erf, _erf_d, _erf_23, lambda torch, t, p: torch.erf(t)),
    "tanh": Unary(
        np.tanh,
        lambda x: 1 / np.cosh(x) ** 2,
        _tanh_23,
        _torch_method("tanh"),
        values=(-10.0, 10.0),
    ),
    "sigmoid": Unary(
        sigmoid,
        lambda x: sigmoid(x) * sigmoid(-x),
        _sigmoid_23,
        _torch_method("sigmoid"),
        values=(-30.0, 30.0),
    ),
    "relu": Unary(
        lambda x: np.maximum(x, 0.0), lambda x: (x > 0) * 1.0, _zero, _torch_method("relu")
    ),
    "leaky_relu": Unary(
        lambda x, s=0.01: np.where(x > 0, x, s * x),
        lambda x, s=0.01: np.where(x > 0, 1.0, s),
        _zero,
        _torch_f("leaky_relu"),
        params=((), (0.2,)),
    ),
    "elu": Unary(
        lambda x, a=1.0: np.where(x > 0, x, a * np.expm1(np.minimum(x, 0))),
        lambda x, a=1.0: np.where(x > 0, 1.0, a * np.exp(np.minimum(x, 0))),
        _elu_23,
        _torch_f("elu"),
        params=((), (0.5,)),
    ),
    "celu": Unary(
        lambda x, a=1.0: np.where(x > 0, x, a * np.expm1(np.minimum(x, 0) / a)),
        lambda x, a=1.0: np.where(x > 0, 1.0, np.exp(np.minimum(x, 0) / a)),
        _celu_23,
        _torch_f("celu"),
        params=((), (2.0,)),
    ),
    "gelu": Unary(
        _gelu,
        _gelu_d,
        _gelu_23,
        lambda torch, t, p: torch.nn.functional.gelu(t, approximate=p[0] if p else "none"),
        params=((), ("tanh",)),
        values=(-8.0, 8.0),
    ),
    "softplus": Unary(
        _softplus,
        _softplus_d,
        _softplus_23,
        _torch_f("softplus"),
        params=((), (2.0, 1.0), (0.5, 1.5)),
        values=(-15.0, 25.0),
        kinks=lambda beta=1.0, threshold=20.0: (threshold / beta,),
    ),
    "mish": Unary(_mish, _mish_d, _mish_23, _torch_f("mish"), values=(-15.0, 15.0)),
    "hardswish": Unary(
        lambda x: x * np.clip(x + 3, 0, 6) / 6,
        _hardswish_d,
        _hardswish_23,
        _torch_f("hardswish"),
        values=(-6.0, 6.0),
    ),
    "relu6": Unary(
        lambda x: np.clip(x, 0.0, 6.0),
        lambda x: ((x > 0) & (x < 6)) * 1.0,
        _zero,
        _torch_f("relu6"),
        values=(-3.0, 9.0),
    ),
}


def kinks(name: str, params: tuple[Any, ...] = ()) -> tuple[float, ...]:
    """Where the derivative of ``name`` with ``params`` jumps."""
    row = UNARY.get(name)
    if row is not None and row.kinks is not None:
        return row.kinks(*params)
    return REGISTRY[name].kinks


def apply(name: str, x: Any, params: tuple[Any, ...] = ()) -> Any:
    """The op ``name`` on a Value or a Tensor, as a user writes it."""
    return -x if name == "neg" else getattr(x, name)(*params)


def cases(with_scalar_forward: bool = False) -> dict[str, tuple[str, tuple[Any, ...]]]:
    """Every (entry, parameter set) to test, by a readable case name: ``"softplus"``,
    ``"softplus(2.0, 1.0)"``. ``with_scalar_forward``: only the entries Value has."""
    out = {}
    for name, row in UNARY.items():
        if with_scalar_forward and REGISTRY[name].scalar is None:
            continue
        for params in row.params:
            out[label(name, params)] = (name, params)
    return out


def label(name: str, params: tuple[Any, ...] = ()) -> str:
    """A case's readable name: ``"softplus"``, ``"softplus(2.0, 1.0)"``."""
    return name if not params else f"{name}({', '.join(map(repr, params))})"


#: Operator forms that are no entry of their own: name -> (call, f, f', (low, high)).
COMPOSED: dict[
    str,
    tuple[Callable[[Any], Any], Callable[[Any], Any], Callable[[Any], Any], tuple[float, float]],
] = {
    "square": (lambda v: v**2, lambda x: x * x, lambda x: 2.0 * x, (-10.0, 10.0)),
    "cube_root_of_positive": (
        lambda v: v ** (1.0 / 3.0),
        lambda x: x ** (1.0 / 3.0),
        lambda x: x ** (-2.0 / 3.0) / 3.0,
        (0.1, 10.0),
    ),
    "pow_fraction": (lambda t: t**1.5, lambda x: x**1.5, lambda x: 1.5 * x**0.5, (0.1, 5.0)),
    "pow_negative": (lambda t: t**-2, lambda x: x**-2.0, lambda x: -2 * x**-3.0, (0.5, 5.0)),
    "reciprocal": (lambda v: v**-1, lambda x: 1.0 / x, lambda x: -1.0 / (x * x), (0.1, 10.0)),
    "number_over_value": (
        lambda v: 3.0 / v,
        lambda x: 3.0 / x,
        lambda x: -3.0 / (x * x),
        (0.1, 10.0),
    ),
    "number_minus_value": (
        lambda v: 3.0 - v,
        lambda x: 3.0 - x,
        lambda x: -1.0 + 0 * x,
        (-5.0, 5.0),
    ),
    "number_power_value": (
        lambda v: 2.0**v,
        lambda x: 2.0**x,
        lambda x: 2.0**x * math.log(2.0),
        (-5.0, 5.0),
    ),
}


@dataclass(frozen=True)
class Binary:
    """One binary entry: how it is called, numpy references for it and its partials, and
    its same-position Hessian blocks (aa, ab, bb)."""

    call: Callable[[Any, Any], Any]  # on Values and Tensors (maximum, minimum: Tensor only)
    f: Callable[[Any, Any], Any]
    da: Callable[[Any, Any], Any]
    db: Callable[[Any, Any], Any]
    hessian: Callable[[Any, Any], tuple[Any, Any, Any]]
    positive: str = ""  # the operand the tests keep positive: "a", "b" or neither


def _zero3(a: Any, b: Any) -> tuple[Any, Any, Any]:
    return 0 * a, 0 * a, 0 * a


BINARY: dict[str, Binary] = {
    "add": Binary(
        lambda a, b: a + b,
        np.add,
        lambda a, b: 1 + 0 * (a + b),
        lambda a, b: 1 + 0 * (a + b),
        _zero3,
    ),
    "sub": Binary(
        lambda a, b: a - b,
        np.subtract,
        lambda a, b: 1 + 0 * (a + b),
        lambda a, b: -1 + 0 * (a + b),
        _zero3,
    ),
    "mul": Binary(
        lambda a, b: a * b,
        np.multiply,
        lambda a, b: b + 0 * a,
        lambda a, b: a + 0 * b,
        lambda a, b: (0 * a, 1 + 0 * a, 0 * a),
    ),
    "div": Binary(
        lambda a, b: a / b,
        np.divide,
        lambda a, b: 1 / b + 0 * a,
        lambda a, b: -a / b**2,
        lambda a, b: (0 * a, -1 / b**2, 2 * a / b**3),
        positive="b",
    ),
    "pow": Binary(
        lambda a, b: a**b,
        np.power,
        lambda a, b: b * a ** (b - 1),
        lambda a, b: a**b * np.log(a),
        lambda a, b: (
            b * (b - 1) * a ** (b - 2),
            a ** (b - 1) * (1 + b * np.log(a)),
            a**b * np.log(a) ** 2,
        ),
        positive="a",
    ),
    "maximum": Binary(
        maximum, np.maximum, lambda a, b: (a > b) * 1.0, lambda a, b: (a < b) * 1.0, _zero3
    ),
    "minimum": Binary(
        minimum, np.minimum, lambda a, b: (a < b) * 1.0, lambda a, b: (a > b) * 1.0, _zero3
    ),
}
