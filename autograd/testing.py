"""Hypothesis strategies for property-testing code built on autograd.

Import this module in tests only: it needs hypothesis (the ``test`` extra),
which ``import autograd`` itself never loads. A property test of a function of your own
(a custom ``Function``'s ``apply`` is tested the same way):

>>> from hypothesis import given, settings
>>> from autograd import Tensor, gradcheck
>>> from autograd.testing import arrays
>>> def swish(t):
...     return t * t.sigmoid()
>>> @settings(max_examples=20)
... @given(arrays((3, 2), min_value=-2, max_value=2))
... def test_swish_matches_finite_differences(x):
...     assert gradcheck(swish, [Tensor(x, requires_grad=True)])
>>> test_swish_matches_finite_differences()

``scalar_programs`` draws whole random expression graphs over Values, for
testing an engine (or an op you add to ``Value``) against finite differences.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd.core.registry import REGISTRY, UNARY_METHODS

Shape = tuple[int, ...]
ShapeLike = int | Shape | st.SearchStrategy[Shape]


# -- arrays and shapes ----------------------------------------------------------------


def arrays(
    shape: ShapeLike,
    dtype: Any = np.float64,
    min_value: float = -10,
    max_value: float = 10,
) -> st.SearchStrategy[np.ndarray]:
    """Finite float arrays of ``shape`` (an int, a tuple, or a strategy of shapes).

    Elements lie in ``[min_value, max_value]``; no NaN, inf or subnormal numbers.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(arrays((2, 3), dtype=np.float32, min_value=-1, max_value=1))
    ... def check(a):
    ...     assert a.shape == (2, 3) and a.dtype == np.float32
    ...     assert np.isfinite(a).all() and (np.abs(a) <= 1).all()
    >>> check()
    """
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise ValueError(f"arrays: dtype must be a floating type, got {dt}")
    if not min_value <= max_value:
        raise ValueError(f"arrays: min_value {min_value} is greater than max_value {max_value}")
    elements = hnp.from_dtype(
        dt,
        min_value=_inward(min_value, dt, up=True),
        max_value=_inward(max_value, dt, up=False),
        allow_nan=False,
        allow_infinity=False,
        allow_subnormal=False,
    )
    return hnp.arrays(dt, shape, elements=elements)


def _inward(bound: float, dtype: np.dtype, up: bool) -> float:
    """``bound`` rounded to ``dtype``, moved inside the interval if rounding left it."""
    b = dtype.type(bound)
    if (up and b < bound) or (not up and b > bound):
        b = np.nextafter(b, dtype.type(np.inf if up else -np.inf))
    return float(b)


def broadcastable_shapes(
    num_shapes: int = 2, min_dims: int = 0, max_dims: int = 3, min_side: int = 1, max_side: int = 4
) -> st.SearchStrategy[tuple[Shape, ...]]:
    """Tuples of ``num_shapes`` shapes that numpy broadcasts together.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(broadcastable_shapes())
    ... def check(shapes):
    ...     a, b = shapes
    ...     np.broadcast_shapes(a, b)   # never raises
    >>> check()
    """
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes,
        min_dims=min_dims,
        max_dims=max_dims,
        min_side=min_side,
        max_side=max_side,
    ).map(lambda drawn: drawn.input_shapes)


def broadcastable_arrays(
    num_arrays: int = 2,
    dtype: Any = np.float64,
    min_value: float = -10,
    max_value: float = 10,
    **shape_kw: int,
) -> st.SearchStrategy[tuple[np.ndarray, ...]]:
    """Tuples of finite arrays whose shapes broadcast together (``shape_kw`` as in
    ``broadcastable_shapes``).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10)
    ... @given(broadcastable_arrays(max_dims=2))
    ... def check(pair):
    ...     a, b = pair
    ...     assert (a + b).shape == np.broadcast_shapes(a.shape, b.shape)
    >>> check()
    """
    return broadcastable_shapes(num_arrays, **shape_kw).flatmap(
        lambda shapes: st.tuples(*(arrays(s, dtype, min_value, max_value) for s in shapes))
    )


# -- random scalar programs --------------------------------------------------------------
#
# Every op below is defined (and smooth enough for central differences) on all
# reals: the unsafe ones come in safe forms (log(1 + a*a), a / (1 + b*b)). Each op
# also knows a bound on |result| from bounds on |inputs|, so the strategy can keep
# every intermediate value below ``max_magnitude``: finite differences stay accurate
# and nothing overflows.


@dataclass(frozen=True)
class _Op:
    arity: int
    build: Callable[..., Any]  # on Values (or Tensors): (args..., c) -> node
    reference: Callable[..., float]  # the same function on floats, with the math module
    bound: Callable[..., float]  # (|arg| bounds..., c) -> bound on |result|
    text: str  # how the step reads: "{0}", "{1}" are the args, "{c}" the constant
    constants: tuple[float, ...] = ()  # the constants the op draws from (none if empty)


def _gelu(x: float) -> float:
    return 0.5 * x * (1.0 + math.erf(x / math.sqrt(2.0)))


def _elu(x: float) -> float:
    return x if x > 0 else math.expm1(x)


_ANY = (0.5, -2.0, 1.5, -0.5, 3.0)  # non-zero, so "{0} / {c}" is safe
_POSITIVE = (0.5, 1.5, 3.0)

_OPS: dict[str, _Op] = {
    "+": _Op(2, lambda a, b, c: a + b, lambda a, b, c: a + b, lambda a, b, c: a + b, "{0} + {1}"),
    "*": _Op(2, lambda a, b, c: a * b, lambda a, b, c: a * b, lambda a, b, c: a * b, "{0} * {1}"),
    "-": _Op(2, lambda a, b, c: a - b, lambda a, b, c: a - b, lambda a, b, c: a + b, "{0} - {1}"),
    "/": _Op(
        2,
        lambda a, b, c: a / (1 + b * b),
        lambda a, b, c: a / (1 + b * b),
        lambda a, b, c: a,
        "{0} / (1 + {1}*{1})",
    ),
    "**": _Op(
        2,
        lambda a, b, c: (1 + a * a) ** b.tanh(),
        lambda a, b, c: (1 + a * a) ** math.tanh(b),
        lambda a, b, c: 1 + a * a,
        "(1 + {0}*{0}) ** tanh({1})",
    ),
    "neg": _Op(1, lambda a, c: -a, lambda a, c: -a, lambda a, c: a, "-{0}"),
    "tanh": _Op(1, lambda a, c: a.tanh(), lambda a, c: math.tanh(a), lambda a, c: 1.0, "tanh({0})"),
    "sigmoid": _Op(
        1,
        lambda a, c: a.sigmoid(),
        lambda a, c: 1 / (1 + math.exp(-a)),
        lambda a, c: 1.0,
        "sigmoid({0})",
    ),
    "erf": _Op(1, lambda a, c: a.erf(), lambda a, c: math.erf(a), lambda a, c: 1.0, "erf({0})"),
    "sin": _Op(1, lambda a, c: a.sin(), lambda a, c: math.sin(a), lambda a, c: 1.0, "sin({0})"),
    "cos": _Op(1, lambda a, c: a.cos(), lambda a, c: math.cos(a), lambda a, c: 1.0, "cos({0})"),
    "exp": _Op(
        1, lambda a, c: a.exp(), lambda a, c: math.exp(a), lambda a, c: math.exp(a), "exp({0})"
    ),
    "log": _Op(
        1,
        lambda a, c: (1 + a * a).log(),
        lambda a, c: math.log(1 + a * a),
        lambda a, c: math.log(1 + a * a),
        "log(1 + {0}*{0})",
    ),
    "sqrt": _Op(
        1,
        lambda a, c: (1 + a * a).sqrt(),
        lambda a, c: math.sqrt(1 + a * a),
        lambda a, c: math.sqrt(1 + a * a),
        "sqrt(1 + {0}*{0})",
    ),
    "square": _Op(1, lambda a, c: a**2, lambda a, c: a**2, lambda a, c: a * a, "{0} ** 2"),
    "recip": _Op(
        1,
        lambda a, c: 1 / (1 + a * a),
        lambda a, c: 1 / (1 + a * a),
        lambda a, c: 1.0,
        "1 / (1 + {0}*{0})",
    ),
    "softplus": _Op(
        1,
        lambda a, c: a.softplus(),
        lambda a, c: math.log1p(math.exp(a)),
        lambda a, c: a + math.log(2.0),
        "softplus({0})",
    ),
    "gelu": _Op(1, lambda a, c: a.gelu(), lambda a, c: _gelu(a), lambda a, c: a, "gelu({0})"),
    "mish": _Op(
        1,
        lambda a, c: a.mish(),
        lambda a, c: a * math.tanh(math.log1p(math.exp(a))),
        lambda a, c: a,
        "mish({0})",
    ),
    "elu": _Op(1, lambda a, c: a.elu(), lambda a, c: _elu(a), lambda a, c: max(a, 1.0), "elu({0})"),
    "scale": _Op(
        1, lambda a, c: c * a, lambda a, c: c * a, lambda a, c: abs(c) * a, "{c} * {0}", _ANY
    ),
    "shift": _Op(
        1, lambda a, c: a + c, lambda a, c: a + c, lambda a, c: a + abs(c), "{0} + {c}", _ANY
    ),
    "rsub": _Op(
        1, lambda a, c: c - a, lambda a, c: c - a, lambda a, c: a + abs(c), "{c} - {0}", _ANY
    ),
    "divc": _Op(
        1, lambda a, c: a / c, lambda a, c: a / c, lambda a, c: a / abs(c), "{0} / {c}", _ANY
    ),
    "rdiv": _Op(
        1,
        lambda a, c: c / (1 + a * a),
        lambda a, c: c / (1 + a * a),
        lambda a, c: abs(c),
        "{c} / (1 + {0}*{0})",
        _ANY,
    ),
    "powc": _Op(
        1,
        lambda a, c: (1 + a * a) ** c,
        lambda a, c: (1 + a * a) ** c,
        lambda a, c: (1 + a * a) ** abs(c),
        "(1 + {0}*{0}) ** {c}",
        _ANY,
    ),
    "rpow": _Op(
        1,
        lambda a, c: c**a,
        lambda a, c: c**a,
        lambda a, c: max(c, 1 / c) ** a,
        "{c} ** {0}",
        _POSITIVE,
    ),
}
_SAMPLES = tuple(k / 32.0 for k in range(-32, 33))  # where a measured bound looks


def _entry_op(name: str) -> _Op:
    """A registry entry without a step above: ``name(a)``, with the entry's own float forward
    as its reference and a bound measured on the inputs' range (inf where the forward raises
    in that range: the strategy then draws tanh instead)."""
    forward = REGISTRY[name].scalar
    assert forward is not None

    def bound(a: float, c: float) -> float:
        try:
            top = max(abs(forward(a * t)) for t in _SAMPLES)
        except (ValueError, OverflowError, ZeroDivisionError):
            return math.inf
        return 1.05 * top + 1e-3  # sampled: with room for a peak between samples

    return _Op(1, lambda a, c: getattr(a, name)(), lambda a, c: forward(a), bound, name + "({0})")


# Every smooth unary entry of the registry is an op too: those above with their own
# reference (and a safe form where the entry is not defined on every real), the others
# (a new activation, say) as they are.
for _name in UNARY_METHODS:
    if _name not in _OPS and REGISTRY[_name].scalar is not None and not REGISTRY[_name].kinks:
        _OPS[_name] = _entry_op(_name)
SCALAR_OPS: tuple[str, ...] = tuple(_OPS)
"""Names of the ops ``scalar_programs`` draws from (all smooth and defined on every real)."""


@dataclass(frozen=True)
class Step:
    """One op of a program: ``op`` applied to earlier slots ``args`` (and ``constant``).

    >>> from autograd import Value
    >>> program = ScalarProgram(n_inputs=2, steps=(Step("*", (0, 1)), Step("tanh", (2,))))
    >>> round(program(Value(0.5), Value(2.0)).data, 6)  # tanh(0.5 * 2.0)
    0.761594
    """

    op: str
    args: tuple[int, ...]
    constant: float = 0.0


@dataclass(frozen=True, repr=False)
class ScalarProgram:
    """A random expression graph over ``n_inputs`` inputs, drawn by ``scalar_programs``.

    Slots ``0 .. n_inputs-1`` are the inputs; step ``k`` writes slot
    ``n_inputs + k`` from earlier slots, so later steps can reuse any earlier
    node. The output is the sum of every step no later step reads. Call it on
    Values (or Tensors, elementwise) to build the graph; ``reference`` computes
    the same function on floats with the ``math`` module.

    >>> from autograd import Value
    >>> prog = ScalarProgram(2, (Step("*", (0, 1)), Step("tanh", (2,)), Step("+", (3, 0))))
    >>> prog
    ScalarProgram(n_inputs=2):
      v0 = x0 * x1
      v1 = tanh(v0)
      v2 = v1 + x0
      out = v2
    >>> x, y = Value(0.5), Value(-1.0)
    >>> out = prog(x, y); out.backward()
    >>> abs(out.data - prog.reference(0.5, -1.0)) < 1e-12
    True
    """

    n_inputs: int
    steps: tuple[Step, ...]

    def __post_init__(self) -> None:
        if self.n_inputs < 1:
            raise ValueError(f"ScalarProgram: n_inputs must be at least 1, got {self.n_inputs}")
        for k, step in enumerate(self.steps):
            op = _OPS.get(step.op)
            if op is None:
                raise ValueError(f"ScalarProgram: step {k} has unknown op {step.op!r}")
            if len(step.args) != op.arity or not all(0 <= a < self.n_inputs + k for a in step.args):
                raise ValueError(
                    f"ScalarProgram: step {k} ({step.op}) needs {op.arity} "
                    f"argument(s) among slots 0..{self.n_inputs + k - 1}, "
                    f"got {step.args}"
                )

    @property
    def outputs(self) -> tuple[int, ...]:
        """The slots summed into the result: steps that no later step reads."""
        read = {a for step in self.steps for a in step.args}
        first = self.n_inputs
        sinks = tuple(first + k for k in range(len(self.steps)) if first + k not in read)
        return sinks or (0,)

    def __call__(self, *inputs: Any) -> Any:
        """Build the program's graph on Values (or Tensors); returns the output node."""
        return self._run(inputs, "build")

    def reference(self, *inputs: float) -> float:
        """The same function on floats, computed with the ``math`` module (a reference)."""
        return float(self._run([float(x) for x in inputs], "reference"))

    def _run(self, inputs: Sequence[Any], how: str) -> Any:
        if len(inputs) != self.n_inputs:
            raise TypeError(f"ScalarProgram: expected {self.n_inputs} inputs, got {len(inputs)}")
        slots = list(inputs)
        for step in self.steps:
            fn = getattr(_OPS[step.op], how)
            slots.append(fn(*(slots[a] for a in step.args), step.constant))
        out = slots[self.outputs[0]]
        for s in self.outputs[1:]:
            out = out + slots[s]
        return out

    def __repr__(self) -> str:
        names = [f"x{i}" for i in range(self.n_inputs)] + [f"v{k}" for k in range(len(self.steps))]
        lines = [f"ScalarProgram(n_inputs={self.n_inputs}):"]
        for k, step in enumerate(self.steps):
            op = _OPS[step.op]
            text = op.text.format(*(names[a] for a in step.args), c=f"{step.constant:g}")
            lines.append(f"  v{k} = {text}")
        lines.append("  out = " + " + ".join(names[s] for s in self.outputs))
        return "\n".join(lines)


def scalar_programs(
    n_inputs: int | st.SearchStrategy[int] = 2,
    min_ops: int = 1,
    max_ops: int = 8,
    ops: Sequence[str] = SCALAR_OPS,
    input_bound: float = 2.0,
    max_magnitude: float = 10.0,
) -> st.SearchStrategy[ScalarProgram]:
    """Random programs (expression graphs with shared subexpressions) over Values.

    For inputs in ``[-input_bound, input_bound]`` every intermediate value stays
    within ``max_magnitude`` and every op is defined and smooth, so a program
    never raises and ``gradcheck`` applies. A step that would exceed the bound
    is replaced by ``tanh`` of its first argument. Programs shrink towards short
    chains of ``+``. Hypothesis prints a failing program as readable steps.

    >>> from hypothesis import given, settings, strategies as st
    >>> from autograd import Value, gradcheck
    >>> @settings(max_examples=20, deadline=None)
    ... @given(scalar_programs(n_inputs=2), st.lists(st.floats(-2, 2), min_size=2, max_size=2))
    ... def test_engine_gradients(program, xs):
    ...     assert gradcheck(program, [Value(x) for x in xs])
    >>> test_engine_gradients()
    """
    unknown = [op for op in ops if op not in _OPS]
    if unknown or not ops:
        raise ValueError(f"scalar_programs: unknown ops {unknown}; choose from {SCALAR_OPS}")
    if not 1 <= min_ops <= max_ops:
        raise ValueError(f"scalar_programs: need 1 <= min_ops <= max_ops, got {min_ops}, {max_ops}")
    if not 0 < input_bound <= max_magnitude:
        raise ValueError("scalar_programs: need 0 < input_bound <= max_magnitude")
    counts = n_inputs if isinstance(n_inputs, st.SearchStrategy) else st.just(n_inputs)

    @st.composite
    def programs(draw: Callable[[st.SearchStrategy[Any]], Any]) -> ScalarProgram:
        n = draw(counts)
        if n < 1:
            raise ValueError(f"scalar_programs: n_inputs must be at least 1, got {n}")
        bounds = [float(input_bound)] * n
        steps = []
        for _ in range(draw(st.integers(min_ops, max_ops))):
            name = draw(st.sampled_from(tuple(ops)))
            op = _OPS[name]
            # Counted back from the newest slot, so programs shrink to simple chains.
            args = tuple(
                len(bounds) - 1 - draw(st.integers(0, len(bounds) - 1)) for _ in range(op.arity)
            )
            c = draw(st.sampled_from(op.constants)) if op.constants else 0.0
            bound = _safe_bound(op, [bounds[a] for a in args], c)
            if not bound <= max_magnitude:
                name, args, c, bound = "tanh", args[:1], 0.0, 1.0
            steps.append(Step(name, args, c))
            bounds.append(bound)
        return ScalarProgram(n, tuple(steps))

    return programs()


def _safe_bound(op: _Op, arg_bounds: list[float], c: float) -> float:
    try:
        return float(op.bound(*arg_bounds, c))
    except OverflowError:
        return math.inf
