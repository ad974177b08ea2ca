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
- ``params`` names an entry's parameters and their defaults, in order
  (``softplus``: ``beta=1.0, threshold=20.0``); the forwards and the derivative take
  them after the input. A Value node keeps them (a tuple) for a recorded backward, a
  Tensor node in its saved state.

``Value``'s and ``Tensor``'s elementwise methods are one line each in their class body
(``tanh = _method("tanh")``), and the module-level functions ``autograd.exp`` ... one
line each in ``autograd.core.free_functions`` (``exp = _elementwise("exp")``): written
out, so readers, editors and type checkers see every name, while ``unary_method`` (below)
gives each the entry's forward, derivative, signature and doc (``x.softplus(beta=2.0)``).
The draw command's whitelist and its number parameters, and ``autograd.testing``'s
programs, are made from ``REGISTRY``. ``tests/autograd/core/test_registry.py`` checks all
of those and the other places written by hand (``nn.functional``, ``nn``'s activation
modules and their names, the README's list of activations, and the one test table
``tests/autograd/core/op_tables.py``), naming the place an entry is missing from.
``domain`` and ``kinks`` tell the tests where to draw inputs.

A new activation, parameters included, is one entry here, a line in ``Value``, in
``Tensor`` and in ``free_functions``, a row in the test table and (unless it is listed as
having none) a module class in ``nn``.

Policy for new ops: compose first. An op written with existing ops needs no entry
and no rule (``softsign(x)`` is ``x / (1 + x.abs())``). Add an entry here only for a
primitive, or fuse several ops into one entry only where a benchmark shows it pays.

>>> REGISTRY["tanh"].d(0.5, math.tanh(0.5)) == 1 - math.tanh(0.5) ** 2
True
>>> sorted(n for n, e in REGISTRY.items() if e.kind == "activation")[:3]
['celu', 'elu', 'gelu']
>>> REGISTRY["softplus"].params
(('beta', 1.0), ('threshold', 20.0))
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ForwardRef, TypeVar

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
    doc: str = ""  # the first line of the method's docstring

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
        raise ValueError(
            f"log: defined for positive numbers only; {int(bad.sum())} of {x.size} "
            f"elements are <= 0 (smallest {x.min()!r})"
        )
    return np.log(x)


def _scalar_sqrt(x: float) -> float:
    if x < 0.0:  # NaN passes through to NaN, as the Tensor op and PyTorch
        raise ValueError(f"Value.sqrt: sqrt is defined for non-negative numbers, got {x!r}")
    return math.sqrt(x)


def _array_sqrt(x: np.ndarray) -> np.ndarray:
    bad = x < 0
    if bad.any():
        raise ValueError(
            f"sqrt: defined for non-negative numbers only; {int(bad.sum())} of "
            f"{x.size} elements are negative (smallest {x.min()!r})"
        )
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


def _d_softplus(x: Any, out: Any, beta: float = 1.0, threshold: float = 20.0) -> Any:
    # sigmoid(beta x) below the threshold, 1 above, where the forward is x itself.
    xd = G.data(x)
    if type(xd) is float and beta == 1.0:  # a Value's forward, by default: the short way
        return 1.0 if xd > threshold else G.sigmoid(x)
    if beta == 1.0:
        return G.where(xd > threshold, 1.0, G.sigmoid(x))
    return G.where(beta * xd > threshold, 1.0, G.sigmoid(beta * x))


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
        raise ZeroDivisionError(
            f"div: division by zero ({int(zero.sum())} of {zero.size} "
            f"divisor elements are 0; divisor shape {np.shape(b)})"
        )
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
    if np.ndim(k) == 0:  # one exponent (x ** 2, x ** 0.5): only the base needs looking at
        kf = float(k)
        if kf < 0.0 and (x == 0).any():
            raise ZeroDivisionError("pow: 0 cannot be raised to a negative power")
        if not kf.is_integer() and (x < 0).any():
            raise ValueError("pow: a negative base to a non-integer power is not real")
        return x**k
    bx, bk = np.broadcast_arrays(x, k)
    # Checked element by element: a 0 base is fine with a positive exponent elsewhere.
    if ((bx == 0) & (bk < 0)).any():
        raise ZeroDivisionError("pow: 0 cannot be raised to a negative power")
    if ((bx < 0) & (np.mod(bk, 1) != 0)).any():
        raise ValueError("pow: a negative base to a non-integer power is not real")
    return x**k


def _d_pow(x: Any, k: Any, out: Any, wanted: tuple[bool, bool] = BOTH) -> tuple[Any, Any]:
    """(d/dx x**k, d/dk x**k), each computed only when ``wanted``."""
    xd, kd = G.data(x), G.data(k)
    if type(xd) is float and type(kd) is float:  # a Value's: Python floats, no numpy state
        return (
            _d_pow_base(x, k, xd, kd) if wanted[0] else None,
            _d_pow_exponent(x, out, xd, kd) if wanted[1] else None,
        )
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 ** -1 is inf, as it should be
        return (
            _d_pow_base(x, k, xd, kd) if wanted[0] else None,
            _d_pow_exponent(x, out, xd, kd) if wanted[1] else None,
        )


def _d_pow_base(x: Any, k: Any, xd: Any, kd: Any) -> Any:
    """k x**(k-1), with PyTorch's values where that formula fails: 0 at x = k = 0
    (where numpy gives 0 * inf = NaN) and inf at x = 0 for k < 1 (where a float power raises)."""
    if type(xd) is float and type(kd) is float:  # a Value (or a recorded Value)
        if xd == 0.0 and kd == 0.0:
            return 0.0
        if xd == 0.0 and kd < 1.0:
            return math.inf
        return k * x ** (k - 1.0)
    if np.ndim(kd) == 0 and kd != 0:  # one nonzero exponent: the formula holds everywhere
        return k * x ** (k - 1.0)
    both_zero = (xd == 0) & (kd == 0)
    if G.is_plain(x) and G.is_plain(k):
        return np.where(both_zero, 0.0, k * x ** (k - 1.0))
    both_zero = np.broadcast_to(both_zero, np.broadcast_shapes(np.shape(xd), np.shape(kd)))
    # x is replaced by 1 where the result is 0 anyway: 0 ** -1 there would turn the zero
    # gradient of the next derivative into 0 * inf = nan (PyTorch gives 0).
    return G.where(both_zero, 0.0, k * G.where(both_zero, 1.0, x) ** (k - 1.0))


def _d_pow_exponent(x: Any, out: Any, xd: Any, kd: Any) -> Any:
    """x**k log(x) for x > 0; at x = 0, 0 for k >= 0; NaN elsewhere (PyTorch's rule: a
    negative base has no real log, so the exponent's gradient there is NaN, never an error)."""
    if type(xd) is float and type(kd) is float:
        if xd > 0.0:
            return out * G.log(x)
        # (nan times the output: in a recorded backward the NaN reaches the next
        # derivative in k too, as PyTorch's log of a negative base does)
        return 0.0 if (xd == 0.0 and kd >= 0.0) else math.nan * out
    positive = xd > 0
    fallback = np.where((xd == 0) & (kd >= 0), 0.0, np.nan)
    log_x = G.log(G.where(positive, x, 1.0))  # log(1) = 0 where x <= 0: no warning, no NaN
    return G.where(np.broadcast_to(positive, np.shape(fallback)), out * log_x, fallback)


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
    Elementwise(
        "mul",
        2,
        lambda a, b: a * b,
        np.multiply,
        lambda a, b, out, wanted=BOTH: (b, a),
        "arithmetic",
        "*",
    ),
    Elementwise(
        "div",
        2,
        _scalar_div,
        _array_div,
        lambda a, b, out, wanted=BOTH: (
            1.0 / b if wanted[0] else None,
            -out / b if wanted[1] else None,
        ),
        "arithmetic",
        "/",
    ),
    Elementwise("pow", 2, _scalar_pow, _array_pow, _d_pow, "arithmetic", "**", domain=(0.25, 3.0)),
    Elementwise("neg", 1, lambda x: -x, np.negative, -1, "arithmetic"),
    Elementwise("maximum", 2, None, np.maximum, _d_maximum, "arithmetic"),
    Elementwise("minimum", 2, None, np.minimum, _d_minimum, "arithmetic"),
    # Elementary functions.
    Elementwise(
        "exp", 1, _scalar_exp, np.exp, lambda x, out: out, domain=(-3.0, 3.0), doc="e ** x."
    ),
    Elementwise(
        "log",
        1,
        _scalar_log,
        _array_log,
        lambda x, out: 1.0 / x,
        domain=(0.2, 4.0),
        doc="Natural logarithm; raises ValueError for input <= 0.",
    ),
    Elementwise(
        "sqrt",
        1,
        _scalar_sqrt,
        _array_sqrt,
        lambda x, out: 0.5 * G.reciprocal(out),
        domain=(0.2, 4.0),
        doc="Square root; raises ValueError for input < 0 (the gradient at 0 is inf).",
    ),
    Elementwise(
        "abs",
        1,
        abs,
        np.abs,
        lambda x, out: G.sign(x),
        kinks=(0.0,),
        doc="|x|; the gradient at 0 is 0, as in PyTorch.",
    ),
    Elementwise("sin", 1, G.sin, np.sin, lambda x, out: G.cos(x), doc="Sine."),
    Elementwise("cos", 1, G.cos, np.cos, lambda x, out: -G.sin(x), doc="Cosine."),
    Elementwise(
        "erf", 1, math.erf, _np_erf, lambda x, out: G.erf_derivative(x), doc="The error function."
    ),
    # Activations (formulas and edge cases as in PyTorch).
    Elementwise(
        "tanh",
        1,
        math.tanh,
        np.tanh,
        lambda x, out: 1.0 - out * out,
        "activation",
        doc="Hyperbolic tangent.",
    ),
    Elementwise(
        "sigmoid",
        1,
        G.sigmoid,
        G.sigmoid,
        lambda x, out: out * (1.0 - out),
        "activation",
        doc="1 / (1 + e**-x), without overflow.",
    ),
    Elementwise(
        "relu",
        1,
        _scalar_relu,
        lambda x: np.maximum(x, 0),
        _d_relu,
        "activation",
        kinks=(0.0,),
        doc="max(0, x); the gradient at 0 is 0.",
    ),
    Elementwise(
        "leaky_relu",
        1,
        _scalar_leaky_relu,
        _array_leaky_relu,
        lambda x, out, negative_slope=0.01: G.where(G.data(x) > 0, 1.0, negative_slope),
        "activation",
        params=(("negative_slope", 0.01),),
        kinks=(0.0,),
        doc="x for x > 0, else negative_slope * x.",
    ),
    Elementwise(
        "elu",
        1,
        _scalar_elu,
        _array_elu,
        lambda x, out, alpha=1.0: G.where(G.data(x) > 0, 1.0, out + alpha),
        "activation",
        params=(("alpha", 1.0),),
        kinks=(0.0,),
        doc="x for x > 0, else alpha * (e**x - 1).",
    ),
    Elementwise(
        "celu",
        1,
        _scalar_celu,
        _array_celu,
        lambda x, out, alpha=1.0: G.where(G.data(x) > 0, 1.0, out / alpha + 1.0),
        "activation",
        params=(("alpha", 1.0),),
        kinks=(0.0,),
        doc="x for x > 0, else alpha * (e**(x / alpha) - 1).",
    ),
    Elementwise(
        "gelu",
        1,
        _gelu,
        _array_gelu,
        _d_gelu,
        "activation",
        params=(("approximate", "none"),),
        doc="x * Phi(x): the exact erf form, or approximate='tanh'.",
    ),
    Elementwise(
        "softplus",
        1,
        G.softplus,
        G.softplus,
        _d_softplus,
        "activation",
        params=(("beta", 1.0), ("threshold", 20.0)),
        kinks=(20.0,),
        doc="log(1 + e**(beta x)) / beta; exactly x where beta x > threshold (PyTorch's rule).",
    ),
    Elementwise(
        "mish",
        1,
        _scalar_mish,
        lambda x: x * np.tanh(np.logaddexp(0.0, x)),
        _d_mish,
        "activation",
        doc="x * tanh(softplus(x)).",
    ),
    Elementwise(
        "hardswish",
        1,
        _scalar_hardswish,
        lambda x: x * np.clip(x + 3.0, 0.0, 6.0) / 6.0,
        _d_hardswish,
        "activation",
        domain=(-5.0, 5.0),
        kinks=(-3.0, 3.0),
        doc="x * relu6(x + 3) / 6; its gradient is 0 at x = -3 and 1 at x = 3 (PyTorch's values).",
    ),
    Elementwise(
        "relu6",
        1,
        _scalar_relu6,
        lambda x: np.clip(x, 0.0, 6.0),
        _d_relu6,
        "activation",
        domain=(-2.0, 8.0),
        kinks=(0.0, 6.0),
        doc="min(max(0, x), 6).",
    ),
]

REGISTRY: dict[str, Elementwise] = {e.name: e for e in _ENTRIES}

#: Unary ops that are methods of both Value and Tensor (the draw command's functions).
UNARY_METHODS: tuple[str, ...] = tuple(e.name for e in _ENTRIES if e.arity == 1 and e.name != "neg")
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


# -- methods made from the entries -------------------------------------------------------------
N = TypeVar("N")  # the node type a method belongs to and returns: Value or Tensor


def unary_method(
    name: str,
    owner: str,
    key: Any,
    apply: Callable[[N, Any], N],
    apply_with: Callable[[N, Any, tuple[Any, ...]], N],
    *,
    params: bool,
) -> Callable[..., N]:
    """The method ``<owner>.<name>`` of the unary entry ``name``, with the entry's parameters.

    Value and Tensor write one line per op in their class body, through two tiny typed
    factories each (``tanh = _method("tanh")``, ``softplus = _method_with("softplus")``),
    so every method is a plain function a reader, an editor and mypy can find, and its
    formula stays in the entry. ``params`` says which factory asked: it must match whether
    the entry has parameters (a static checker then knows a parameter-free method takes
    none).

    A parameter-free entry gives ``method(self)``, which is ``apply(self, key)``; an entry
    with parameters gives ``method(self, p1=default1, ...)`` (by position or by name), which
    is ``apply_with(self, key, (p1, ...))``, or ``apply(self, key)`` when no parameter is
    given (the formulas' defaults are the entry's). ``inspect.signature`` and ``help`` show
    the parameters, their defaults and types, and the entry's ``doc``; the return type is
    ``owner``, resolved in ``apply``'s module (where the class lives).

    >>> import inspect
    >>> from autograd import Tensor
    >>> inspect.signature(Tensor.softplus)
    <Signature (self, beta: float = 1.0, threshold: float = 20.0) -> 'Tensor'>
    >>> Tensor([0.0, 30.0]).softplus(threshold=25.0).data.round(4)
    array([ 0.6931, 30.    ])
    """
    entry = REGISTRY[name]
    if entry.arity != 1:
        raise ValueError(f"{owner}.{name}: the registry entry {name!r} is not unary")
    if bool(entry.params) != params:
        has = (
            f"has parameters ({', '.join(p for p, _ in entry.params)})"
            if entry.params
            else "has no parameters"
        )
        factory = "_method_with" if entry.params else "_method"
        raise TypeError(
            f"{owner}.{name}: the registry entry {has}; write {name} = {factory}({name!r})"
        )
    if entry.params:
        names = tuple(p for p, _ in entry.params)
        defaults = tuple(d for _, d in entry.params)
        n = len(names)

        def with_params(self: Any, *args: Any, **kwargs: Any) -> Any:
            if not kwargs:
                if not args:  # the defaults: the formulas' own, nothing to pass or keep
                    return apply(self, key)
                if len(args) == n:  # all given by position
                    return apply_with(self, key, args)
            return apply_with(self, key, _bind(name, names, defaults, args, kwargs))

        method: Callable[..., Any] = with_params
        parameters = [
            inspect.Parameter(
                p, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d, annotation=type(d)
            )
            for p, d in entry.params
        ]
    else:

        def without_params(self: Any) -> Any:
            return apply(self, key)

        method = without_params
        parameters = []
    module = apply.__module__
    self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    # The return type as the class's other methods show it (their module postpones
    # annotations): the name; typing.get_type_hints finds the class in ``module``.
    method.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [self_param, *parameters], return_annotation=owner
    )
    method.__annotations__ = {p.name: p.annotation for p in parameters} | {
        "return": ForwardRef(owner, module=module)
    }
    method.__name__ = name
    method.__qualname__ = f"{owner}.{name}"
    method.__module__ = module
    method.__doc__ = (
        f"{entry.doc or name}\n\nElementwise; the op ``{name}`` of "
        "``autograd.core.registry.REGISTRY``."
    )
    return method


def _bind(
    name: str,
    names: tuple[str, ...],
    defaults: tuple[Any, ...],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> tuple[Any, ...]:
    """The parameters of a call, in order: Python's rules for positional and keyword arguments."""
    if len(args) > len(names):
        raise TypeError(
            f"{name}() takes at most {len(names)} parameter(s) after the input "
            f"({', '.join(names)}), got {len(args)}"
        )
    values = list(args) + list(defaults[len(args) :])
    for key, value in kwargs.items():
        if key not in names:
            raise TypeError(
                f"{name}() got an unexpected keyword argument {key!r}; its "
                f"parameters are {', '.join(names)}"
            )
        i = names.index(key)
        if i < len(args):
            raise TypeError(f"{name}() got multiple values for argument {key!r}")
        values[i] = value
    return tuple(values)
