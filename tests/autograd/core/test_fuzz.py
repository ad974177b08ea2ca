"""Fuzzing the Tensor engine with random programs over its whole op set.

Hypothesis draws a program: a few leaf tensors of random shapes and dtypes,
then a sequence of ops (elementwise unary ops, binary ops with broadcastable
operands of every kind, matmul, reductions, reshape/transpose/indexing,
concatenate/stack/where/maximum/minimum, softmax/log_softmax). Each op is run
on Tensors and, on the same operands, with plain numpy; then the program as a
whole is differentiated. The test checks that

1. ``autograd.gradcheck`` passes on the whole program (every leaf that requires grad);
2. every op's output has numpy's shape and dtype (and numpy's values);
3. every gradient (leaves and intermediate nodes) has its node's shape and dtype.

Inputs are kept where finite differences are meaningful: before an op with a
restricted domain (log, sqrt, a divisor, a power's base) or a kink (relu, abs,
max with ties, maximum...), a constant shift moves its input into the safe
region; that shift is itself a recorded ``add`` step. Values are rescaled
(a recorded ``mul`` by a Python float) whenever they grow beyond 4.

CI runs 60 examples; ``make fuzz`` runs the "fuzz" profile (20,000 examples).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from hypothesis import event, given, note
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from autograd import Tensor, concatenate, gradcheck, stack, where
from autograd.core.graph import topological_order
from autograd.core.registry import REGISTRY
from autograd.testing import arrays
from tests.autograd.core import op_tables

MARGIN = 1e-3  # distance kept from every kink and tie: far beyond gradcheck's eps of 1e-6
BOUND = 4.0  # values are rescaled when they grow beyond this
MAX_SIZE = 48  # larger intermediate results are summed over their first axis


def _rtol(dtype: np.dtype) -> float:
    return 1e-9 if dtype == np.float64 else 2e-5


@dataclass
class Step:
    text: str
    run: Callable[[list[Tensor]], Tensor]


@dataclass
class Program:
    """Leaves (arrays + requires_grad flags) and steps that each append one slot."""

    leaves: list[tuple[np.ndarray, bool]] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    weights: list[np.ndarray] = field(default_factory=list)
    order: list[int | Step] = field(default_factory=list)  # slots in creation order

    def fresh_leaves(self) -> list[Tensor]:
        return [
            Tensor(a.copy(), requires_grad=rg, label=f"x{i}")
            for i, (a, rg) in enumerate(self.leaves)
        ]

    def __call__(self, *leaves: Tensor) -> Tensor:
        """Rebuild the graph on ``leaves``; the output is a fixed weighted sum of every step."""
        slots: list[Tensor] = []
        out: Tensor | None = None
        weights = iter(self.weights)
        for item in self.order:
            if isinstance(item, int):
                slots.append(leaves[item])
                continue
            slots.append(item.run(slots))
            term = (slots[-1] * next(weights)).sum()
            out = term if out is None else out + term
        assert out is not None
        return out

    def __repr__(self) -> str:
        lines = [
            f"x{i}: shape {a.shape} {a.dtype} requires_grad={rg}"
            for i, (a, rg) in enumerate(self.leaves)
        ]
        return "\n".join(lines + [s.text for s in self.steps])


class Builder:
    """Draws a program op by op, running each op on Tensors and on numpy as it goes."""

    def __init__(self, data: st.DataObject) -> None:
        self.draw = data.draw
        self.program = Program()
        self.slots: list[Tensor] = []  # the build-time Tensors, one per slot
        self.names: list[str] = []

    # -- slots -------------------------------------------------------------------------
    def leaf(
        self,
        shape: tuple[int, ...],
        lo: float = -2.0,
        hi: float = 2.0,
        requires_grad: bool | None = None,
    ) -> int:
        dtype = self.draw(st.sampled_from([np.float64, np.float64, np.float64, np.float32]))
        arr = self.draw(arrays(shape, dtype, lo, hi), label="leaf")
        if requires_grad is None:
            requires_grad = not self.program.leaves or self.draw(st.booleans())
        k = len(self.program.leaves)
        self.program.leaves.append((arr, requires_grad))
        self.program.order.append(k)
        self.slots.append(Tensor(arr.copy(), requires_grad=requires_grad))
        self.names.append(f"x{k}")
        return len(self.slots) - 1

    def pick(self, want: Callable[[Tensor], bool] = lambda t: True) -> int | None:
        choices = [i for i, t in enumerate(self.slots) if want(t)]
        if not choices:
            return None
        # Counted back from the newest slot, so failing programs shrink to chains.
        return choices[len(choices) - 1 - self.draw(st.integers(0, len(choices) - 1))]

    def record(self, text: str, run: Callable[[list[Tensor]], Tensor], reference: Any) -> int:
        """Run a new step on the build-time slots, check it against numpy, append it."""
        out = run(self.slots)
        ref = np.asarray(reference)
        name = f"v{len(self.program.steps)}"
        note(f"{name} = {text}")
        assert isinstance(out, Tensor), text
        assert out.shape == ref.shape, f"{text}: shape {out.shape}, numpy gives {ref.shape}"
        assert out.dtype == ref.dtype, f"{text}: dtype {out.dtype}, numpy gives {ref.dtype}"
        np.testing.assert_allclose(out.data, ref, rtol=_rtol(ref.dtype), atol=1e-9, err_msg=text)
        step = Step(f"{name} = {text}", run)
        self.program.steps.append(step)
        self.program.order.append(step)
        w = np.random.default_rng(len(self.program.steps)).uniform(0.5, 1.5, out.shape)
        self.program.weights.append(w)
        self.slots.append(out)
        self.names.append(name)
        return len(self.slots) - 1

    def value(self, i: int) -> np.ndarray:
        return self.slots[i].data

    # -- guards: constant shifts that keep an op's input where it is safe --------------
    def shift(self, i: int, c: Any) -> int:
        if isinstance(c, float) and c == 0.0:
            return i
        x = self.value(i)
        text = f"{self.names[i]} + {c!r}" if isinstance(c, float) else f"{self.names[i]} + C"
        return self.record(text, lambda s, i=i, c=c: s[i] + c, x + c)

    def shift_into(self, i: int, lo: float | None = None, hi: float | None = None) -> int:
        x = self.value(i)
        c = 0.0
        if lo is not None and x.min() < lo:
            c = float(lo - x.min()) + 0.25
        elif hi is not None and x.max() > hi:
            c = float(hi - x.max()) - 0.25
        return self.shift(i, c)

    def away_from(self, i: int, far: Callable[[np.ndarray], bool]) -> int | None:
        """Shift slot i by a constant (scalar, else an array) so ``far(x + c)`` holds."""
        x = self.value(i)
        rng = np.random.default_rng(x.size)
        candidates: list[Any] = [0.0] + [0.0137 * (k + 1) * (-1) ** k for k in range(40)]
        candidates += [rng.uniform(-0.3, 0.3, x.shape) for _ in range(20)]
        for c in candidates:
            if far(x + c):
                return self.shift(i, c)
        return None

    def rescale(self, i: int) -> int:
        x = self.value(i)
        if x.size > MAX_SIZE and x.ndim > 0:
            i = self.record(
                f"{self.names[i]}.sum(axis=0)", lambda s, i=i: s[i].sum(axis=0), x.sum(axis=0)
            )
            x = self.value(i)
        m = float(np.abs(x).max()) if x.size else 0.0
        if m > BOUND:
            k = BOUND / m
            i = self.record(f"{self.names[i]} * {k!r}", lambda s, i=i, k=k: s[i] * k, x * k)
        return i

    # -- operands ----------------------------------------------------------------------
    def broadcastable_shape(self, shape: tuple[int, ...]) -> tuple[int, ...]:
        return self.draw(
            hnp.broadcastable_shapes(
                shape, min_dims=0, max_dims=max(3, len(shape)), min_side=1, max_side=3
            )
        )

    def operand(
        self, shape: tuple[int, ...], lo: float = -2.0, hi: float = 2.0
    ) -> tuple[str, Any, Callable[[list[Tensor]], Any], np.ndarray]:
        """The other side of a binary op: (kind, slot index or constant, getter, value)."""
        kind = self.draw(st.sampled_from(["slot", "leaf", "leaf", "array", "scalar"]))
        if kind == "slot":
            j = self.pick(
                lambda t: (
                    _broadcasts(t.shape, shape)
                    and lo <= float(t.data.min())
                    and float(t.data.max()) <= hi
                )
            )
            if j is not None:
                return "slot", j, lambda s, j=j: s[j], self.value(j)
            kind = "leaf"
        if kind == "leaf":
            j = self.leaf(self.broadcastable_shape(shape), lo, hi)
            return "slot", j, lambda s, j=j: s[j], self.value(j)
        if kind == "array":
            arr = self.draw(arrays(self.broadcastable_shape(shape), np.float64, lo, hi))
            return "array", arr, lambda s, arr=arr: arr, arr
        x = self.draw(st.floats(lo, hi, allow_nan=False, allow_subnormal=False))
        return "scalar", x, lambda s, x=x: x, np.asarray(x)


def _broadcasts(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        return False
    return True


def _far_from(points: tuple[float, ...]) -> Callable[[np.ndarray], bool]:
    return lambda x: all(bool((np.abs(x - p) >= MARGIN).all()) for p in points)


# -- the ops ---------------------------------------------------------------------------------
def _unary_cases() -> dict[
    str, tuple[Callable[[Tensor], Tensor], Callable[[np.ndarray], Any], Any]
]:
    """name -> (method call, numpy reference, guard); guard is ("into", lo, hi) or
    ("kinks", points): every unary registry entry with each parameter set of the shared table."""
    out = {}
    for label, (name, params) in op_tables.cases().items():
        row = op_tables.UNARY[name]
        kinks = op_tables.kinks(name, params)
        guard = row.fuzz or (("kinks", kinks) if kinks else None)
        out[label] = (
            lambda t, n=name, p=params: op_tables.apply(n, t, p),
            lambda x, f=row.f, p=params: f(x, *p),
            guard,
        )
    return out


UNARY = _unary_cases()
# The same ops reached through numpy's ufuncs (np.exp(t) and friends).
UFUNCS = {
    "neg": np.negative,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "sin": np.sin,
    "cos": np.cos,
    "tanh": np.tanh,
}


def op_unary(b: Builder) -> None:
    name = b.draw(st.sampled_from(sorted(UNARY)), label="unary")
    method, reference, guard = UNARY[name]
    i = b.pick()
    assert i is not None
    if guard is not None and guard[0] == "into":
        i = b.shift_into(i, guard[1], guard[2])
    elif guard is not None:
        j = b.away_from(i, _far_from(guard[1]))
        if j is None:
            return
        i = j
    if name in UFUNCS and b.draw(st.booleans()):
        ufunc = UFUNCS[name]
        b.record(
            f"np.{ufunc.__name__}({b.names[i]})", lambda s, i=i, f=ufunc: f(s[i]), ufunc(b.value(i))
        )
    else:
        x = b.value(i)  # elementwise ops keep their input's dtype
        b.record(
            f"{name}({b.names[i]})",
            lambda s, i=i, m=method: m(s[i]),
            np.asarray(reference(x)).astype(x.dtype),
        )


BINARY = {name: row.f for name, row in op_tables.BINARY.items()}
SYMBOL = {name: e.symbol for name, e in REGISTRY.items() if e.arity == 2 and e.symbol}
TENSOR_BINARY: dict[str, Callable[[Any, Any], Tensor]] = {
    name: row.call for name, row in op_tables.BINARY.items()
}


def op_binary(b: Builder) -> None:
    name = b.draw(st.sampled_from(sorted(BINARY)), label="binary")
    i = b.pick()
    assert i is not None
    swap = b.draw(st.booleans())  # the drawn operand goes first
    x = b.value(i)
    if name == "div":  # the divisor stays >= 0.5
        if swap:
            kind, o, get, v = b.operand(x.shape)
            i = b.shift_into(i, lo=0.5)
        else:
            kind, o, get, v = b.operand(x.shape, 0.5, 2.0)
    elif name == "pow":  # the base stays >= 0.5 (the exponent's gradient needs log(base))
        if swap:
            kind, o, get, v = b.operand(x.shape, 0.5, 2.0)
        else:
            kind, o, get, v = b.operand(x.shape)
            i = b.shift_into(i, lo=0.5)
    else:
        kind, o, get, v = b.operand(x.shape)
    if name in ("maximum", "minimum"):  # no ties: move the operand away from the slot's values
        xi = b.value(i)
        if kind == "slot":
            j = b.away_from(o, lambda y: bool((np.abs(xi - y) >= MARGIN).all()))
            if j is None:
                return
            o, get, v = j, (lambda s, j=j: s[j]), b.value(j)
        else:
            c = next(
                (
                    c
                    for c in [0.0] + [0.0137 * (k + 1) * (-1) ** k for k in range(60)]
                    if (np.abs(xi - (v + c)) >= MARGIN).all()
                ),
                None,
            )
            if c is None:
                return
            # Keep the kind: a float stays a Python float, an array an ndarray (not a
            # numpy scalar, which numpy types strongly and the engine like a Python float).
            o = float(o + c) if kind == "scalar" else np.asarray(o + c)
            get, v = (lambda s, o=o: o), np.asarray(o)
    first, second = (get, lambda s, i=i: s[i]) if swap else (lambda s, i=i: s[i], get)
    f = TENSOR_BINARY[name]
    other = "C" if kind == "array" else (repr(o) if kind == "scalar" else b.names[o])
    args = (other, b.names[i]) if swap else (b.names[i], other)
    text = (
        f"{args[0]} {SYMBOL[name]} {args[1]}" if name in SYMBOL else f"{name}({args[0]}, {args[1]})"
    )
    other_value = o if kind == "scalar" else v  # a Python float stays weakly typed
    ref = BINARY[name](*((other_value, b.value(i)) if swap else (b.value(i), other_value)))
    b.record(text, lambda s, f=f, p=first, q=second: f(p(s), q(s)), ref)


def op_matmul(b: Builder) -> None:
    i = b.pick(lambda t: t.ndim >= 1)
    if i is None:
        return
    x = b.value(i)
    left = b.draw(st.booleans())  # x on the left of @
    m = b.draw(st.integers(1, 3))
    if left:
        k = x.shape[-1]
        shapes = [(k,), (k, m)] + ([x.shape[:-2] + (k, m), (1, k, m)] if x.ndim >= 2 else [])
    else:
        k = x.shape[-2] if x.ndim >= 2 else x.shape[0]
        shapes = [(k,), (m, k)] + ([(x.shape[0], m, k)] if x.ndim == 3 else [])
    shape = b.draw(st.sampled_from(shapes))
    if b.draw(st.booleans()):
        j = b.leaf(shape)
        get: Callable[[list[Tensor]], Any] = lambda s, j=j: s[j]  # noqa: E731
        other, v = b.names[j], b.value(j)
    else:
        v = b.draw(arrays(shape, np.float64, -2, 2))
        get, other = (lambda s, v=v: v), "C"
    if left:
        b.record(f"{b.names[i]} @ {other}", lambda s, i=i, g=get: s[i] @ g(s), x @ v)
    else:
        b.record(f"{other} @ {b.names[i]}", lambda s, i=i, g=get: g(s) @ s[i], v @ x)


def _axis(b: Builder, ndim: int) -> Any:
    if ndim == 0:
        return None
    kind = b.draw(st.sampled_from(["none", "int", "tuple"]))
    if kind == "none":
        return None
    if kind == "int":
        return b.draw(st.integers(-ndim, ndim - 1))
    axes = b.draw(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True))
    return tuple(a - ndim if b.draw(st.booleans()) else a for a in axes)


def _no_ties(axis: Any, largest: bool) -> Callable[[np.ndarray], bool]:
    """Each reduced slice's extreme beats the runner-up by MARGIN."""

    def far(x: np.ndarray) -> bool:
        axes = range(x.ndim) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
        axes = sorted(a % x.ndim for a in axes) if x.ndim else []
        rows = np.moveaxis(x, axes, range(x.ndim - len(axes), x.ndim)).reshape(
            -1, int(np.prod([x.shape[a] for a in axes], dtype=int))
        )
        if rows.shape[1] < 2:
            return True
        srt = np.sort(rows, axis=1)
        gap = srt[:, -1] - srt[:, -2] if largest else srt[:, 1] - srt[:, 0]
        return bool((gap >= MARGIN).all())

    return far


def op_reduce(b: Builder) -> None:
    name = b.draw(st.sampled_from(["sum", "mean", "max", "min"]), label="reduction")
    i = b.pick()
    assert i is not None
    axis = _axis(b, b.value(i).ndim)
    keepdims = b.draw(st.booleans())
    if name in ("max", "min"):
        j = b.away_from(i, _no_ties(axis, name == "max"))
        if j is None:
            return
        i = j
    ref = getattr(np, name)(b.value(i), axis=axis, keepdims=keepdims)
    b.record(
        f"{b.names[i]}.{name}(axis={axis}, keepdims={keepdims})",
        lambda s, i=i: getattr(s[i], name)(axis=axis, keepdims=keepdims),
        ref,
    )


def op_softmax(b: Builder) -> None:
    name = b.draw(st.sampled_from(["softmax", "log_softmax"]))
    i = b.pick(lambda t: t.ndim >= 1)
    if i is None:
        return
    x = b.value(i)
    axis = b.draw(st.integers(-x.ndim, x.ndim - 1))
    shifted = x - x.max(axis=axis, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    ref = np.exp(log_p) if name == "softmax" else log_p
    b.record(
        f"{b.names[i]}.{name}(axis={axis})", lambda s, i=i: getattr(s[i], name)(axis=axis), ref
    )


def _factor(n: int, parts: int, draw: Any) -> tuple[int, ...]:
    dims = [1] * parts
    p, m = 2, n
    while m > 1:
        while m % p == 0:
            dims[draw(st.integers(0, parts - 1))] *= p
            m //= p
        p += 1
    return tuple(dims)


def op_reshape(b: Builder) -> None:
    i = b.pick()
    assert i is not None
    x = b.value(i)
    parts = b.draw(st.integers(0 if x.size == 1 else 1, 3))
    shape: tuple[int, ...] = _factor(x.size, parts, b.draw) if parts else ()
    if shape and b.draw(st.booleans()):
        k = b.draw(st.integers(0, len(shape) - 1))
        shape = shape[:k] + (-1,) + shape[k + 1 :]
    if b.draw(st.booleans()):
        b.record(
            f"{b.names[i]}.reshape{shape!r}", lambda s, i=i: s[i].reshape(*shape), x.reshape(shape)
        )
    else:
        b.record(
            f"{b.names[i]}.reshape({shape!r})", lambda s, i=i: s[i].reshape(shape), x.reshape(shape)
        )


def op_transpose(b: Builder) -> None:
    i = b.pick()
    assert i is not None
    x = b.value(i)
    how = b.draw(st.sampled_from(["T", "none", "perm"]))
    if how == "T":
        b.record(f"{b.names[i]}.T", lambda s, i=i: s[i].T, x.T)
    elif how == "none":
        b.record(f"{b.names[i]}.transpose()", lambda s, i=i: s[i].transpose(), x.transpose())
    else:
        perm = tuple(b.draw(st.permutations(range(x.ndim))))
        perm = tuple(a - x.ndim if b.draw(st.booleans()) else a for a in perm)
        b.record(
            f"{b.names[i]}.transpose{perm!r}",
            lambda s, i=i: s[i].transpose(perm),
            np.transpose(x, perm),
        )


def _index_part(b: Builder, n: int) -> Any:
    kind = b.draw(st.sampled_from(["int", "slice", "array", "list", "newaxis"]))
    if kind == "int":
        return b.draw(st.integers(-n, n - 1))
    if kind == "slice":
        start = b.draw(st.integers(0, n - 1))
        stop = b.draw(st.integers(start + 1, n))
        step = b.draw(st.integers(1, 3))
        if b.draw(st.booleans()):  # the same elements, backwards
            return slice(stop - 1, start - 1 if start > 0 else None, -step)
        return slice(start, stop, step)
    if kind == "newaxis":
        return None
    idx = b.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=4))  # repeats allowed
    return idx if kind == "list" else np.array(idx)


def op_getitem(b: Builder) -> None:
    i = b.pick()
    assert i is not None
    x = b.value(i)
    if x.ndim == 0:
        index: Any = b.draw(st.sampled_from([(), None, Ellipsis]))
    else:
        k = b.draw(st.integers(1, x.ndim))
        ellipsis = k < x.ndim and b.draw(st.booleans())  # then the parts index the last k axes
        axes = range(x.ndim - k, x.ndim) if ellipsis else range(k)
        parts: list[Any] = []
        for a in axes:
            part = _index_part(b, x.shape[a])
            if part is None:  # a new axis consumes none of x's: this axis is indexed next
                parts.append(None)
                part = _index_part(b, x.shape[a])
                if part is None:
                    part = slice(None)
            parts.append(part)
        advanced = [j for j, p in enumerate(parts) if isinstance(p, (list, np.ndarray))]
        for j in advanced[1:]:  # one integer array per index keeps the result shape simple
            parts[j] = slice(None)
        if ellipsis:
            parts = [Ellipsis] + parts
        index = parts[0] if len(parts) == 1 and not isinstance(parts[0], list) else tuple(parts)
    ref = x[index]
    b.record(f"{b.names[i]}[{index!r}]", lambda s, i=i: s[i][index], ref)


def op_join(b: Builder) -> None:
    stacked = b.draw(st.booleans())
    i = b.pick(lambda t: stacked or t.ndim >= 1)
    if i is None:
        return
    x = b.value(i)
    n = x.ndim + 1 if stacked else x.ndim
    axis = b.draw(st.integers(-n, n - 1))
    members: list[Callable[[list[Tensor]], Any]] = [lambda s, i=i: s[i]]
    names, values = [b.names[i]], [x]
    for _ in range(b.draw(st.integers(0, 2))):
        shape = list(x.shape)
        if not stacked:
            shape[axis] = b.draw(st.integers(1, 3))
        kind = b.draw(st.sampled_from(["same", "leaf", "array"]))
        if kind == "same":
            get: Callable[[list[Tensor]], Any] = lambda s, i=i: s[i]  # noqa: E731
            names.append(b.names[i])
            values.append(x)
        elif kind == "leaf":
            j = b.leaf(tuple(shape))
            get = lambda s, j=j: s[j]  # noqa: E731
            names.append(b.names[j])
            values.append(b.value(j))
        else:
            arr = b.draw(arrays(tuple(shape), np.float64, -2, 2))
            get = lambda s, arr=arr: arr  # noqa: E731
            names.append("C")
            values.append(arr)
        members.append(get)
    fn, ref_fn = (stack, np.stack) if stacked else (concatenate, np.concatenate)
    b.record(
        f"{fn.__name__}([{', '.join(names)}], axis={axis})",
        lambda s, f=fn, ms=tuple(members): f([m(s) for m in ms], axis=axis),
        ref_fn(values, axis=axis),
    )


def op_where(b: Builder) -> None:
    i = b.pick()
    assert i is not None
    x = b.value(i)
    cond = b.draw(hnp.arrays(np.bool_, b.broadcastable_shape(x.shape)))
    kind, o, get, v = b.operand(np.broadcast_shapes(x.shape, cond.shape))
    other = "C" if kind == "array" else (repr(o) if kind == "scalar" else b.names[o])
    as_tensor = b.draw(st.booleans())
    c: Any = Tensor(cond.astype(float)) if as_tensor else cond
    if b.draw(st.booleans()):
        b.record(
            f"where(cond, {b.names[i]}, {other})",
            lambda s, i=i, g=get: where(c, s[i], g(s)),
            np.where(cond, x, o if kind == "scalar" else v),
        )
    else:
        b.record(
            f"where(cond, {other}, {b.names[i]})",
            lambda s, i=i, g=get: where(c, g(s), s[i]),
            np.where(cond, o if kind == "scalar" else v, x),
        )


OPS = [
    op_unary,
    op_unary,
    op_binary,
    op_binary,
    op_matmul,
    op_reduce,
    op_softmax,
    op_reshape,
    op_transpose,
    op_getitem,
    op_join,
    op_where,
]


def _build(data: st.DataObject) -> Program:
    b = Builder(data)
    shape = data.draw(
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=3), label="shape"
    )
    b.leaf(shape, requires_grad=True)
    for _ in range(data.draw(st.integers(1, 6), label="number of ops")):
        op = data.draw(st.sampled_from(OPS), label="op")
        event(op.__name__)  # --hypothesis-show-statistics shows how often each kind ran
        before = len(b.slots)
        op(b)
        if len(b.slots) > before:
            b.rescale(len(b.slots) - 1)
    if not b.program.steps:
        b.record(f"{b.names[0]} * 1.0", lambda s: s[0] * 1.0, b.value(0) * 1.0)
    return b.program


@given(st.data())
def test_fuzz_random_tensor_programs_match_numpy_and_finite_differences(data):
    program = _build(data)  # (2) is checked op by op while the program is drawn
    note(repr(program))

    # (3) every gradient has its node's shape and dtype
    leaves = program.fresh_leaves()
    out = program(*leaves)
    out.backward()
    for node in topological_order(out):
        if node.grad is not None:
            assert node.grad.shape == node.shape, (node.op, node.grad.shape, node.shape)
            assert node.grad.dtype == node.dtype, (node.op, node.grad.dtype, node.dtype)
    assert all(x.requires_grad or x.grad is None for x in leaves)

    # (1) the whole program's gradients match central finite differences
    assert gradcheck(program, program.fresh_leaves())
