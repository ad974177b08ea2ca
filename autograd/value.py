"""Value: a scalar node holding a Python float.

Each op computes its result and, right away, the local derivative of the
result with respect to each input (plain floats). Backward is then one loop
over a topological order doing ``parent.grad += local * grad``; no closures,
so a graph has no reference cycles and is freed as soon as its root is.
Python numbers used as operands are constants: they get no node of their own.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Union

from autograd import collector
from autograd.graph import STATE, creation_site, run_backward

Number = int | float
Operand = Union["Value", int, float]

_SQRT_HALF = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _node(data: float, op: str, parents: tuple[Value, ...], d0: float, d1: float = 0.0) -> Value:
    """Build the result of an op; records the graph only when grad mode is on.

    ``d0`` and ``d1`` are the local derivatives with respect to ``parents[0]`` and
    ``parents[1]``. They are plain float slots, not a tuple: every object the
    cyclic garbage collector tracks costs it time on each pass, and a tuple of
    floats per node would be one more.
    """
    out = Value.__new__(Value)
    out.data = data
    out.grad = 0.0
    out.label = ""
    out._op = op
    state = STATE
    if state.grad_enabled:
        out._parents = parents
        out._d0 = d0
        out._d1 = d1
        out._scope = state.scope
        out._origin = creation_site() if state.anomaly else None
        if not collector.recording:
            collector.hold()
    else:
        out._parents = ()  # with a non-empty _op: "computed without a graph"
        out._d0 = out._d1 = 0.0
        out._scope = ""
        out._origin = None
    return out


def _check_number(x: object, what: str) -> float:
    if type(x) is float or type(x) is int:  # the common case, without the slow ABC check
        return float(x)
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{what}: expected a real number or Value, got {type(x).__name__}")
    return float(x)


class Value:
    """A scalar that remembers how it was computed, micrograd style.

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = (a * b + a ** 2).tanh()      # tanh(-2)
    >>> c.backward()
    >>> round(a.grad, 6), round(b.grad, 6)  # (1 - tanh(-2)**2) * (b + 2a), ... * a
    (0.070651, 0.141302)
    """

    __slots__ = ("data", "grad", "label", "_op", "_parents", "_d0", "_d1", "_scope", "_origin",
                 "__weakref__")

    _GRAD_RESET = 0.0

    data: float
    grad: float
    label: str
    _op: str
    _parents: tuple[Value, ...]
    _d0: float
    _d1: float
    _scope: str
    _origin: str | None

    def __init__(self, data: float, label: str = "") -> None:
        if isinstance(data, Value):
            data = data.data
        self.data = _check_number(data, "Value")
        self.grad = 0.0
        self.label = label
        self._op = ""
        self._parents = ()
        self._d0 = self._d1 = 0.0
        self._scope = ""
        self._origin = None

    # -- graph structure -------------------------------------------------------
    @property
    def op(self) -> str:
        """Name of the op that produced this value ("" for a leaf)."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The values this one was computed from (empty for a leaf)."""
        return self._parents

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label})"

    # -- arithmetic ------------------------------------------------------------
    def __add__(self, other: Operand) -> Value:
        if type(other) is Value:
            return _node(self.data + other.data, "+", (self, other), 1.0, 1.0)
        return _node(self.data + _check_number(other, "+"), "+", (self,), 1.0)

    __radd__ = __add__

    def __sub__(self, other: Operand) -> Value:
        if type(other) is Value:
            return _node(self.data - other.data, "-", (self, other), 1.0, -1.0)
        return _node(self.data - _check_number(other, "-"), "-", (self,), 1.0)

    def __rsub__(self, other: Number) -> Value:
        return _node(_check_number(other, "-") - self.data, "-", (self,), -1.0)

    def __mul__(self, other: Operand) -> Value:
        if type(other) is Value:
            return _node(self.data * other.data, "*", (self, other), other.data, self.data)
        k = _check_number(other, "*")
        return _node(self.data * k, "*", (self,), k)

    __rmul__ = __mul__

    def __truediv__(self, other: Operand) -> Value:
        if type(other) is Value:
            d = other.data
            if d == 0.0:
                raise ZeroDivisionError("Value '/': division by zero (divisor Value has data 0.0)")
            q = self.data / d
            return _node(q, "/", (self, other), 1.0 / d, -q / d)
        k = _check_number(other, "/")
        if k == 0.0:
            raise ZeroDivisionError("Value '/': division by zero (divisor is 0)")
        return _node(self.data / k, "/", (self,), 1.0 / k)

    def __rtruediv__(self, other: Number) -> Value:
        d = self.data
        if d == 0.0:
            raise ZeroDivisionError("Value '/': division by zero (divisor Value has data 0.0)")
        q = _check_number(other, "/") / d
        return _node(q, "/", (self,), -q / d)

    def __neg__(self) -> Value:
        return _node(-self.data, "neg", (self,), -1.0)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Operand) -> Value:
        if type(other) is Value:
            return _pow_values(self, other)
        k = _check_number(other, "**")
        x = self.data
        out = _power(x, k)
        # d/dx x**k = k * x**(k-1); written so that x == 0 with k >= 1 stays finite.
        deriv = 0.0 if k == 0.0 else (k * _power(x, k - 1.0) if x != 0.0 or k >= 1.0 else math.inf)
        return _node(out, "**", (self,), deriv)

    def __rpow__(self, other: Number) -> Value:
        return _pow_values(Value(_check_number(other, "**")), self, record_base=False)

    # -- elementary functions ---------------------------------------------------
    def exp(self) -> Value:
        """e ** self."""
        try:
            e = math.exp(self.data)
        except OverflowError:
            raise OverflowError(f"Value.exp: exp({self.data!r}) overflows a float") from None
        return _node(e, "exp", (self,), e)

    def log(self) -> Value:
        """Natural logarithm; raises ValueError for data <= 0."""
        x = self.data
        if not x > 0.0:
            raise ValueError(f"Value.log: log is defined for positive numbers only, got {x!r}")
        return _node(math.log(x), "log", (self,), 1.0 / x)

    def sqrt(self) -> Value:
        """Square root; raises ValueError for data < 0 (the gradient at 0 is inf)."""
        x = self.data
        if not x >= 0.0:
            raise ValueError(f"Value.sqrt: sqrt is defined for non-negative numbers, got {x!r}")
        r = math.sqrt(x)
        return _node(r, "sqrt", (self,), 0.5 / r if r > 0.0 else math.inf)

    def abs(self) -> Value:
        """|self|; the gradient at 0 is 0, as in PyTorch."""
        x = self.data
        return _node(abs(x), "abs", (self,), 1.0 if x > 0 else (-1.0 if x < 0 else 0.0))

    __abs__ = abs

    def sin(self) -> Value:
        return _node(math.sin(self.data), "sin", (self,), math.cos(self.data))

    def cos(self) -> Value:
        return _node(math.cos(self.data), "cos", (self,), -math.sin(self.data))

    # -- activations (formulas and edge cases as in PyTorch) ----------------------
    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return _node(t, "tanh", (self,), 1.0 - t * t)

    def sigmoid(self) -> Value:
        s = _sigmoid(self.data)
        return _node(s, "sigmoid", (self,), s * (1.0 - s))

    def relu(self) -> Value:
        x = self.data
        return _node(x if x > 0.0 else 0.0, "relu", (self,), 1.0 if x > 0.0 else 0.0)

    def leaky_relu(self, negative_slope: float = 0.01) -> Value:
        x = self.data
        if x > 0.0:
            return _node(x, "leaky_relu", (self,), 1.0)
        return _node(x * negative_slope, "leaky_relu", (self,), negative_slope)

    def elu(self, alpha: float = 1.0) -> Value:
        x = self.data
        if x > 0.0:
            return _node(x, "elu", (self,), 1.0)
        e = math.exp(x)
        return _node(alpha * (e - 1.0), "elu", (self,), alpha * e)

    def celu(self, alpha: float = 1.0) -> Value:
        if alpha == 0.0:
            raise ValueError("Value.celu: alpha must be non-zero")
        x = self.data
        if x > 0.0:
            return _node(x, "celu", (self,), 1.0)
        e = math.exp(x / alpha)
        return _node(alpha * (e - 1.0), "celu", (self,), e)

    def gelu(self, approximate: str = "none") -> Value:
        """GELU: x * Phi(x) with the exact erf form, or the tanh approximation."""
        x = self.data
        if approximate == "none":
            cdf = 0.5 * (1.0 + math.erf(x * _SQRT_HALF))
            pdf = _INV_SQRT_2PI * math.exp(-0.5 * x * x)
            return _node(x * cdf, "gelu", (self,), cdf + x * pdf)
        if approximate == "tanh":
            k = math.sqrt(2.0 / math.pi)
            inner = k * (x + 0.044715 * x**3)
            t = math.tanh(inner)
            d_inner = k * (1.0 + 3 * 0.044715 * x * x)
            deriv = 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * d_inner
            return _node(0.5 * x * (1.0 + t), "gelu", (self,), deriv)
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")

    def softplus(self) -> Value:
        """log(1 + e**x), linear above x = 20 as in PyTorch."""
        x = self.data
        if x > 20.0:
            return _node(x, "softplus", (self,), 1.0)
        return _node(math.log1p(math.exp(x)), "softplus", (self,), _sigmoid(x))

    def mish(self) -> Value:
        """x * tanh(softplus(x))."""
        x = self.data
        sp = x if x > 20.0 else math.log1p(math.exp(x))
        t = math.tanh(sp)
        return _node(x * t, "mish", (self,), t + x * _sigmoid(x) * (1.0 - t * t))

    def hardswish(self) -> Value:
        """x * relu6(x + 3) / 6; its gradient is 0 at x = -3 and 1 at x = 3, as in PyTorch."""
        x = self.data
        if x <= -3.0:
            return _node(0.0, "hardswish", (self,), 0.0)
        if x < 3.0:
            return _node(x * (x + 3.0) / 6.0, "hardswish", (self,), x / 3.0 + 0.5)
        return _node(x, "hardswish", (self,), 1.0)

    def relu6(self) -> Value:
        """min(max(0, x), 6)."""
        x = self.data
        y = 0.0 if x <= 0.0 else (6.0 if x >= 6.0 else x)
        return _node(y, "relu6", (self,), 1.0 if 0.0 < x < 6.0 else 0.0)

    # -- backward ------------------------------------------------------------------
    def backward(self) -> None:
        """Backpropagate from this value with seed 1.0.

        Every node reached gets its ``grad``; leaves accumulate across calls,
        intermediate nodes are recomputed from zero on every call.

        >>> x = Value(3.0)
        >>> y = x * x + x
        >>> y.backward()
        >>> x.grad
        7.0
        """
        if self._op and not self._parents:
            raise RuntimeError(
                f"backward: this Value was computed by {self._op!r} under no_grad(), "
                "so no graph was recorded; compute it outside no_grad() to differentiate it"
            )
        run_backward(self, 1.0)

    def _add_grad(self, seed: float) -> None:
        self.grad += seed

    def _propagate(self) -> None:
        # Every Value op has one or two inputs; indexing beats building a zip per node.
        g = self.grad
        parents = self._parents
        parents[0].grad += self._d0 * g
        if len(parents) == 2:
            parents[1].grad += self._d1 * g

    # -- micrograd compatibility (read-only) -----------------------------------------
    @property
    def _prev(self) -> set[Value]:
        """micrograd's name for the parents, as a set (the lecture's ``draw_dot`` reads it).

        >>> a = Value(2.0); b = a * a + 1.0
        >>> [p.data for p in b._prev], b._op
        ([4.0], '+')
        """
        return set(self._parents)


def _sigmoid(x: float) -> float:
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _power(x: float, k: float) -> float:
    """x ** k for real results only, with errors that name the op."""
    if x == 0.0 and k < 0.0:
        raise ZeroDivisionError(f"Value '**': 0.0 cannot be raised to a negative power ({k!r})")
    if x < 0.0 and not float(k).is_integer():
        raise ValueError(
            f"Value '**': a negative base ({x!r}) to a non-integer power ({k!r}) is not real"
        )
    try:
        return x**k
    except OverflowError:
        raise OverflowError(f"Value '**': {x!r} ** {k!r} overflows a float") from None


def _pow_values(base: Value, exponent: Value, record_base: bool = True) -> Value:
    """base ** exponent where the exponent is a node: d/d(exponent) = out * log(base)."""
    x, k = base.data, exponent.data
    out = _power(x, k)
    if x > 0.0:
        d_exp = out * math.log(x)
    elif x == 0.0 and k > 0.0:
        d_exp = 0.0  # 0 ** k is flat in k for k > 0
    else:
        raise ValueError(
            f"Value '**': the gradient with respect to the exponent needs a positive base, "
            f"got {x!r} ** {k!r}"
        )
    d_base = 0.0 if k == 0.0 else k * _power(x, k - 1.0) if (x != 0.0 or k >= 1.0) else math.inf
    if record_base:
        return _node(out, "**", (base, exponent), d_base, d_exp)
    return _node(out, "**", (exponent,), d_exp)
