"""The registry of elementwise ops: one entry per op, read top to bottom.

Each entry holds the op's forward for a float (``Value``) and for an ndarray
(``Tensor``), and its local derivative written ONCE with ``autograd.core.generic``,
so the same formula gives a float at a Value's forward time, an ndarray in a
Tensor's backward, and nodes in a recorded backward (``create_graph=True``),
which makes every derivative differentiable again.

- A unary entry's derivative is ``d(x, out, *params)``: d out / d x.
- A binary entry's derivative is ``d(a, b, out, wanted=BOTH)``: the pair
  (d out / d a, d out / d b), where a part that ``wanted`` does not ask for may be
  ``None`` (``x ** 2`` needs no d/dk, which costs a log). A constant derivative is
  written as a number (``add``: ``(1, 1)``).

Everything that lists ops is derived from ``REGISTRY`` or checked against it by
``tests/test_registry.py``: ``Value``'s and ``Tensor``'s methods, the module-level
functions ``autograd.exp`` ..., ``nn.functional``'s activations, the activation-name
lookup, the draw command's whitelist, ``autograd.testing``'s programs and the test
tables. ``domain`` and ``kinks`` tell the tests where to draw inputs.

Policy for new ops: compose first. An op written with existing ops needs no entry
and no rule (``softsign(x)`` is ``x / (1 + x.abs())``). Add an entry here only for a
primitive, or fuse several ops into one entry only where a benchmark shows it pays.

>>> REGISTRY["tanh"].d(0.5, math.tanh(0.5)) == 1 - math.tanh(0.5) ** 2
True
>>> sorted(n for n, e in REGISTRY.items() if e.kind == "activation")[:3]
['celu', 'elu', 'gelu']
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.core import generic as G

_SQRT_HALF = 1.0 / math.sqrt(2.0)
BOTH = (True, True)  # a binary derivative's default ``wanted``: both partial derivatives
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_K = math.sqrt(2.0 / math.pi)
_GELU_C = 0.044715


@dataclass(frozen=True)
class Elementwise:
    """One elementwise op: forwards, the derivative formula, and facts for tests and tools."""

    name: str  # the Tensor op name and the method name
    arity: int  # 1 or 2
    scalar: Callable[..., float] | None  # forward on floats (None: Tensor-only)
    array: Callable[..., np.ndarray]  # forward on ndarrays
    d: Any  # derivative: a formula (see the module doc) or constant(s)
    kind: str = "math"  # "arithmetic", "math" or "activation"
    symbol: str = ""  # a Value node's op label ("+", "*", ...); the name when empty
    params: tuple[tuple[str, Any], ...] = ()  # (name, default) after the input
    domain: tuple[float, float] = (-4.0, 4.0)  # where the tests draw inputs
    kinks: tuple[float, ...] = ()  # where the derivative jumps (tests keep away)

    @property
    def label(self) -> str:
        return self.symbol or self.name


# -- forwards with their domain checks ------------------------------------------------------
def _scalar_exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        raise OverflowError(f"Value.exp: exp({x!r}) overflows a float") from None


def _scalar_log(x: float) -> float:
    if x <= 0.0:  # NaN passes through to NaN, as the Tensor op and PyTorch
        raise ValueError(f"Value.log: log is defined for positive numbers only, got {x!r}")
    return math.log(x)


def _array_log(x: np.ndarray) -> np.ndarray:
    bad = x <= 0
    if bad.any():
        raise ValueError(f"log: defined for positive numbers only; {int(bad.sum())} of {x.size} "
                         f"elements are <= 0 (smallest {x.min()!r})")
    return np.log(x)


def _scalar_sqrt(x: float) -> float:
    if x < 0.0:  # NaN passes through to NaN, as the Tensor op and PyTorch
        raise ValueError(f"Value.sqrt: sqrt is defined for non-negative numbers, got {x!r}")
    return math.sqrt(x)


def _array_sqrt(x: np.ndarray) -> np.ndarray:
    bad = x < 0
    if bad.any():
        raise ValueError(f"sqrt: defined for non-negative numbers only; {int(bad.sum())} of "
                         f"{x.size} elements are negative (smallest {x.min()!r})")
    return np.sqrt(x)


def _scalar_relu(x: float) -> float:
    return 0.0 if x <= 0.0 else x  # NaN stays NaN, as in numpy and PyTorch


def _d_relu(x: Any, out: Any) -> Any:
    if type(x) is float:  # a Value's forward: the hot path
        return 1.0 if x > 0.0 else 0.0
    return G.step(x)


def _scalar_leaky_relu(x: float, negative_slope: float = 0.01) -> float:
    return x * negative_slope if x <= 0.0 else x


def _array_leaky_relu(x: np.ndarray, negative_slope: float = 0.01) -> np.ndarray:
    return np.where(x > 0, x, x * negative_slope)


def _scalar_elu(x: float, alpha: float = 1.0) -> float:
    return alpha * math.expm1(x) if x <= 0.0 else x


def _array_elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def _celu_alpha(alpha: float) -> None:
    if alpha == 0:
        raise ValueError("celu: alpha must be non-zero")


def _scalar_celu(x: float, alpha: float = 1.0) -> float:
    _celu_alpha(alpha)
    return alpha * math.expm1(x / alpha) if x <= 0.0 else x


def _array_celu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    _celu_alpha(alpha)
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha))


def _gelu_mode(approximate: str) -> None:
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def _gelu(x: Any, approximate: str = "none") -> Any:
    _gelu_mode(approximate)
    if approximate == "tanh":
        return 0.5 * x * (1.0 + G.tanh(_GELU_K * (x + _GELU_C * x * x * x)))
    return 0.5 * x * (1.0 + G.erf(x * _SQRT_HALF))


def _array_gelu(x: np.ndarray, approximate: str = "none") -> np.ndarray:
    # Computed in float64 and rounded once: near x = -4, 1 + erf(...) cancels, and float32
    # steps would lose most of the digits.
    return _gelu(x.astype(np.float64), approximate).astype(x.dtype, copy=False)


def _d_gelu(x: Any, out: Any, approximate: str = "none") -> Any:
    if approximate == "tanh":
        t = G.tanh(_GELU_K * (x + _GELU_C * x * x * x))
        return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * (_GELU_K * (1.0 + 3 * _GELU_C * x * x))
    return 0.5 * (1.0 + G.erf(x * _SQRT_HALF)) + x * (_INV_SQRT_2PI * G.exp(-0.5 * x * x))


def _scalar_mish(x: float) -> float:
    return x * math.tanh(G.softplus(x))


def _d_mish(x: Any, out: Any) -> Any:
    t = G.tanh(G.softplus(x))
    return t + x * G.sigmoid(x) * (1.0 - t * t)


def _scalar_hardswish(x: float) -> float:
    if x <= -3.0:
        return 0.0 * x  # -0.0, and NaN at -inf: as the Tensor op and PyTorch
    return x * (x + 3.0) / 6.0 if x < 3.0 else x


def _d_hardswish(x: Any, out: Any) -> Any:
    # As PyTorch: 0 up to -3, x/3 + 1/2 strictly between -3 and 3, 1 from 3 on.
    xd = G.data(x)
    return G.where(xd <= -3.0, 0.0, G.where(xd < 3.0, x / 3.0 + 0.5, 1.0))


def _scalar_relu6(x: float) -> float:
    return 0.0 if x <= 0.0 else (6.0 if x >= 6.0 else x)


def _d_relu6(x: Any, out: Any) -> Any:
    xd = G.data(x)
    if type(xd) is float:
        return 1.0 if 0.0 < xd < 6.0 else 0.0
    return ((xd > 0) & (xd < 6)).astype(xd.dtype)


# -- binary arithmetic ------------------------------------------------------------------------
def _scalar_div(a: float, b: float) -> float:
    if b == 0.0:
        raise ZeroDivisionError("Value '/': division by zero (the divisor is 0.0)")
    return a / b


def _array_div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    zero = b == 0
    if zero.any():
        raise ZeroDivisionError(f"div: division by zero ({int(zero.sum())} of {zero.size} "
                                f"divisor elements are 0; divisor shape {np.shape(b)})")
    return a / b


def _scalar_pow(x: float, k: float) -> float:
    """x ** k for real results only, with errors that name the op."""
    if x == 0.0 and k < 0.0:
        raise ZeroDivisionError(f"Value '**': 0.0 cannot be raised to a negative power ({k!r})")
    if x < 0.0 and not float(k).is_integer():
        raise ValueError(
            f"Value '**': a negative base ({x!r}) to a non-integer power ({k!r}) is not real"
        )
    try:
        return float(x**k)
    except OverflowError:
        raise OverflowError(f"Value '**': {x!r} ** {k!r} overflows a float") from None


def _array_pow(x: np.ndarray, k: np.ndarray) -> np.ndarray:
    bx, bk = np.broadcast_arrays(x, k)
    # Checked element by element: a 0 base is fine with a positive exponent elsewhere.
    if ((bx == 0) & (bk < 0)).any():
        raise ZeroDivisionError("pow: 0 cannot be raised to a negative power")
    if ((bx < 0) & (np.mod(bk, 1) != 0)).any():
        raise ValueError("pow: a negative base to a non-integer power is not real")
    return x**k


def _d_pow(x: Any, k: Any, out: Any, wanted: tuple[bool, bool] = BOTH) -> tuple[Any, Any]:
    """d/dx x**k = k x**(k-1) (0 where k = 0, inf at x = 0 for k < 1);
    d/dk x**k = x**k log(x) for x > 0, 0 at x = 0 with k >= 0, NaN elsewhere (PyTorch's rule:
    a negative base has no real log, so the exponent's gradient there is NaN, never an error)."""
    xd, kd = G.data(x), G.data(k)
    d_base: Any = None
    d_exp: Any = None
    if type(xd) is float and type(kd) is float:
        if not wanted[0]:
            pass
        elif kd == 0.0 and xd == 0.0:  # only there: elsewhere k x**(k-1) is 0, its d/dk not
            d_base = 0.0
        elif xd == 0.0 and kd < 1.0:
            d_base = math.inf
        else:
            d_base = k * x ** (k - 1.0)
        if not wanted[1]:
            pass
        elif xd > 0.0:
            d_exp = out * G.log(x)
        else:
            # (nan times the output: in a recorded backward the NaN reaches the next
            # derivative in k too, as PyTorch's log of a negative base does)
            d_exp = 0.0 if (xd == 0.0 and kd >= 0.0) else math.nan * out
        return d_base, d_exp
    with np.errstate(divide="ignore", invalid="ignore"):
        if not wanted[0]:
            pass
        elif G.is_plain(x) and G.is_plain(k):
            d_base = np.where((kd == 0) & (xd == 0), 0.0, k * x ** (k - 1.0))
        else:
            both_zero = np.broadcast_to((kd == 0) & (xd == 0),
                                        np.broadcast_shapes(np.shape(xd), np.shape(kd)))
            # x is replaced by 1 where the result is 0 anyway: 0 ** -1 there would turn the
            # zero gradient of the next derivative into 0 * inf = nan (PyTorch gives 0).
            d_base = G.where(both_zero, 0.0, k * G.where(both_zero, 1.0, x) ** (k - 1.0))
        if wanted[1]:
            positive = xd > 0
            log_x = G.log(G.where(positive, x, 1.0)) if np.ndim(positive) else (
                G.log(x) if positive else 0.0)
            fallback = np.where((xd == 0) & (kd >= 0), 0.0, np.nan)
            d_exp = G.where(np.broadcast_to(positive, np.shape(fallback)), out * log_x,
                            fallback)
    return d_base, d_exp


def _share(first: Any, tie: Any) -> Any:
    """1 where ``first`` holds, 1/2 at ties (PyTorch splits tied maxima), else 0: constants."""
    return np.where(first, 1.0, np.where(tie, 0.5, 0.0))


def _d_maximum(a: Any, b: Any, out: Any, wanted: tuple[bool, bool] = BOTH) -> tuple[Any, Any]:
    ad, bd = G.data(a), G.data(b)
    s = _share(ad > bd, ad == bd)
    return s, 1.0 - s


def _d_minimum(a: Any, b: Any, out: Any, wanted: tuple[bool, bool] = BOTH) -> tuple[Any, Any]:
    ad, bd = G.data(a), G.data(b)
    s = _share(ad < bd, ad == bd)
    return s, 1.0 - s


def _np_erf(x: np.ndarray) -> np.ndarray:
    return G.erf(x)


# -- the registry -----------------------------------------------------------------------------
_ENTRIES = [
    # Arithmetic: Value and Tensor operators.
    Elementwise("add", 2, lambda a, b: a + b, np.add, (1, 1), "arithmetic", "+"),
    Elementwise("sub", 2, lambda a, b: a - b, np.subtract, (1, -1), "arithmetic", "-"),
    Elementwise("mul", 2, lambda a, b: a * b, np.multiply, lambda a, b, out, wanted=BOTH: (b, a),
                "arithmetic", "*"),
    Elementwise("div", 2, _scalar_div, _array_div,
                lambda a, b, out, wanted=BOTH: (1.0 / b if wanted[0] else None,
                                                -out / b if wanted[1] else None),
                "arithmetic", "/"),
    Elementwise("pow", 2, _scalar_pow, _array_pow, _d_pow, "arithmetic", "**",
                domain=(0.25, 3.0)),
    Elementwise("neg", 1, lambda x: -x, np.negative, -1, "arithmetic"),
    Elementwise("maximum", 2, None, np.maximum, _d_maximum, "arithmetic"),
    Elementwise("minimum", 2, None, np.minimum, _d_minimum, "arithmetic"),
    # Elementary functions.
    Elementwise("exp", 1, _scalar_exp, np.exp, lambda x, out: out, domain=(-3.0, 3.0)),
    Elementwise("log", 1, _scalar_log, _array_log, lambda x, out: 1.0 / x, domain=(0.2, 4.0)),
    Elementwise("sqrt", 1, _scalar_sqrt, _array_sqrt, lambda x, out: 0.5 * G.reciprocal(out),
                domain=(0.2, 4.0)),
    Elementwise("abs", 1, abs, np.abs, lambda x, out: G.sign(x), kinks=(0.0,)),
    Elementwise("sin", 1, G.sin, np.sin, lambda x, out: G.cos(x)),
    Elementwise("cos", 1, G.cos, np.cos, lambda x, out: -G.sin(x)),
    Elementwise("erf", 1, math.erf, _np_erf, lambda x, out: G.erf_derivative(x)),
    # Activations (formulas and edge cases as in PyTorch).
    Elementwise("tanh", 1, math.tanh, np.tanh, lambda x, out: 1.0 - out * out, "activation"),
    Elementwise("sigmoid", 1, G.sigmoid, G.sigmoid, lambda x, out: out * (1.0 - out),
                "activation"),
    Elementwise("relu", 1, _scalar_relu, lambda x: np.maximum(x, 0), _d_relu,
                "activation", kinks=(0.0,)),
    Elementwise("leaky_relu", 1, _scalar_leaky_relu, _array_leaky_relu,
                lambda x, out, negative_slope=0.01: G.where(G.data(x) > 0, 1.0, negative_slope),
                "activation", params=(("negative_slope", 0.01),), kinks=(0.0,)),
    Elementwise("elu", 1, _scalar_elu, _array_elu,
                lambda x, out, alpha=1.0: G.where(G.data(x) > 0, 1.0, out + alpha),
                "activation", params=(("alpha", 1.0),), kinks=(0.0,)),
    Elementwise("celu", 1, _scalar_celu, _array_celu,
                lambda x, out, alpha=1.0: G.where(G.data(x) > 0, 1.0, out / alpha + 1.0),
                "activation", params=(("alpha", 1.0),), kinks=(0.0,)),
    Elementwise("gelu", 1, _gelu, _array_gelu, _d_gelu, "activation",
                params=(("approximate", "none"),)),
    Elementwise("softplus", 1, G.softplus, G.softplus,
                lambda x, out: G.where(G.data(x) > 20.0, 1.0, G.sigmoid(x)), "activation",
                kinks=(20.0,)),
    Elementwise("mish", 1, _scalar_mish, lambda x: x * np.tanh(np.logaddexp(0.0, x)), _d_mish,
                "activation"),
    Elementwise("hardswish", 1, _scalar_hardswish,
                lambda x: x * np.clip(x + 3.0, 0.0, 6.0) / 6.0, _d_hardswish, "activation",
                domain=(-5.0, 5.0), kinks=(-3.0, 3.0)),
    Elementwise("relu6", 1, _scalar_relu6, lambda x: np.clip(x, 0.0, 6.0), _d_relu6,
                "activation", domain=(-2.0, 8.0), kinks=(0.0, 6.0)),
]

REGISTRY: dict[str, Elementwise] = {e.name: e for e in _ENTRIES}

#: Unary ops that are methods of both Value and Tensor (the draw command's functions).
UNARY_METHODS: tuple[str, ...] = tuple(
    e.name for e in _ENTRIES if e.arity == 1 and e.name != "neg"
)
#: Activation names, in registry order (nn's activation modules and functional forms).
ACTIVATIONS: tuple[str, ...] = tuple(e.name for e in _ENTRIES if e.kind == "activation")


def times(g: Any, d: Any) -> Any:
    """``g * d`` for a gradient ``g`` and a local derivative ``d``, skipping * 1 and * -1."""
    if type(d) is int:
        if d == 1:
            return g
        if d == -1:
            return -g
    return g * d
