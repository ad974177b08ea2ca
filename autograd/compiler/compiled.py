"""``compile(fn)``: trace a function once per argument signature, then replay its program."""

from __future__ import annotations

import functools
import random as _pyrandom
from collections import OrderedDict
from collections.abc import Callable
from operator import attrgetter
from typing import Any

import numpy as np

from autograd.compiler.scalar_program import ScalarProgram
from autograd.compiler.tensor_program import FORWARDS, Stale, TensorProgram
from autograd.compiler.trace import CompileError, Trace, TracedTensor, TracedValue
from autograd.core import random as _random
from autograd.core.graph import PER_THREAD, topological_order
from autograd.core.tensor import Tensor, _as_float_array
from autograd.core.value import Value

MAX_CACHED = 64  # programs kept per compiled function (least recently used dropped)
_get_data = attrgetter("data")


_NOT_A_LEAF = (
    "compile: an argument {kind} computed by {op!r} is not a leaf: its gradient "
    "would stop at the argument instead of flowing back through its graph; compute "
    "it inside the compiled function, or pass .data (or .detach())"
)


# -- arguments: what the trace depends on (the key) and the numbers it reads (leaves) ------
def _flatten(obj: Any, key: list[Any], items: list[tuple[str, Any]]) -> None:
    if isinstance(obj, float):  # (np.float64 too)
        key.append("f")
        items.append(("f", obj))
    elif isinstance(obj, Value):
        if obj._p0 is not None:
            raise TypeError(_NOT_A_LEAF.format(kind="Value", op=obj._op))
        key.append("V")
        items.append(("V", obj))
    elif isinstance(obj, Tensor):
        if obj._parents:
            raise TypeError(_NOT_A_LEAF.format(kind="Tensor", op=obj._op))
        key.append(("T", obj.data.shape, obj.data.dtype.str, bool(obj.requires_grad)))
        items.append(("T", obj))
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind not in "fiu":
            raise TypeError(
                f"compile: an ndarray argument must be numeric (float or int), got "
                f"dtype {obj.dtype}; pass it as a Tensor or convert it first"
            )
        key.append(("A", obj.shape, obj.dtype.str))
        items.append(("A", obj))
    elif isinstance(obj, (list, tuple)):
        key.append((type(obj).__name__, len(obj)))
        for x in obj:
            _flatten(x, key, items)
        key.append(")")
    else:  # ints, strings, flags, None...: part of the key, passed as they are
        try:
            hash(obj)
        except TypeError:
            raise TypeError(
                f"compile: cannot use an argument of type {type(obj).__name__} "
                "(unhashable): pass numbers, lists, ndarrays, Values, Tensors or "
                "hashable constants"
            ) from None
        key.append(("K", type(obj), obj))


def _rebuild(obj: Any, standins: Any) -> Any:
    if isinstance(obj, (float, Value, Tensor, np.ndarray)):
        return next(standins)
    if isinstance(obj, (list, tuple)):
        rebuilt = [_rebuild(x, standins) for x in obj]
        return rebuilt if isinstance(obj, list) else type(obj)(rebuilt)
    return obj


def _standin(kind: str, obj: Any) -> Any:
    """The leaf of the trace that stands for one numeric argument."""
    leaf: Any
    if kind == "f":
        leaf = Value(float(obj))
        leaf.__class__ = TracedValue
    elif kind == "V":
        leaf = Value(obj.data)
        leaf.__class__ = TracedValue
    elif kind == "A":  # a copy: an in-place op in the function is refused after it ran
        leaf = Tensor(np.array(obj, copy=True))
        leaf.__class__ = TracedTensor
    else:
        leaf = Tensor(obj.data.copy(), requires_grad=obj.requires_grad)
        leaf.__class__ = TracedTensor
    return leaf


def _random_states() -> tuple[Any, ...]:
    gen = _random.generator()
    return gen, repr(gen.bit_generator.state), _pyrandom.getstate(), repr(np.random.get_state())


class _Entry:
    """One traced program and how to feed it the arguments of a call."""

    def __init__(self, program: ScalarProgram | TensorProgram, scalar: bool) -> None:
        self.program = program
        self.scalar = scalar

    def call(
        self, args: Any, kwargs: dict[str, Any], items: list[tuple[str, Any]], backward: bool
    ) -> Any:
        program = self.program
        if self.scalar:
            assert isinstance(program, ScalarProgram)
            program.prepare()
            values = [
                float(obj) if kind == "f" else obj.data for kind, obj in items if kind in "fV"
            ]
            values += map(_get_data, program.leaves[len(values) :])
            if not backward:
                return program.run(values, False)[0]
            arguments = [obj if kind == "V" else None for kind, obj in items if kind in "fV"]
            start = program.start_grads(arguments)
            result, grads = program.run(values, True, start)
            program.write_grads(grads, arguments, replace=start is not None)
            return result
        assert isinstance(program, TensorProgram)
        arrays = []
        arguments = []
        for kind, obj in items:
            if kind == "A":  # (a float ndarray is its own float array)
                arrays.append(
                    obj if obj.dtype.kind == "f" else _as_float_array(obj, what="compile")
                )
                arguments.append(None)
            elif kind == "T":
                arrays.append(obj.data)
                arguments.append(obj)
        return program.call(arrays, arguments, backward)


def _plain(result: Any) -> Any:
    return float(result.data) if isinstance(result, Value) else result.data


class _Eager:
    """A function that draws random numbers: run eagerly on every call (a replay would
    repeat the first call's draws); the first call uses the trace's own graph, so the
    generator advances exactly as it does without compile."""

    def __init__(self, fn: Callable[..., Any], result: Any, standins: list[Any]) -> None:
        self.fn = fn
        self.first: tuple[Any, list[Any]] | None = (result, standins)

    def call(
        self, args: Any, kwargs: dict[str, Any], items: list[tuple[str, Any]], backward: bool
    ) -> Any:
        if self.first is not None:
            result, standins = self.first
            self.first = None
            if backward:
                result.backward()
                for (kind, obj), leaf in zip(items, standins, strict=True):
                    if (
                        kind in "VT"
                        and leaf.grad is not None
                        and (kind == "V" or obj.requires_grad)
                    ):
                        obj._accumulate_leaf(leaf.grad, True)
            return _plain(result)
        fresh = iter(
            [
                Value(float(obj)) if kind == "f" else Tensor(obj) if kind == "A" else obj
                for kind, obj in items
            ]
        )
        result = self.fn(
            *_rebuild(args, fresh),
            **{name: _rebuild(kwargs[name], fresh) for name in sorted(kwargs)},
        )
        if backward:
            result.backward()
        return _plain(result)

    def describe(self) -> str:
        return (
            "runs the function eagerly on every call: it draws random numbers (dropout, "
            "noise), which a replay would repeat; no speed-up"
        )


class Compiled:
    """A function traced once per argument signature and replayed as a flat program.

    Made by ``autograd.compile``; ``print(compiled)`` or ``compiled.describe()`` shows
    the program of the last call, ``traces`` counts the traces made so far.
    """

    def __init__(self, fn: Callable[..., Any], backward: bool = True) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function, got {type(fn).__name__}")
        self._fn = fn
        self._backward = bool(backward)
        self._cache: OrderedDict[tuple[Any, ...], _Entry | _Eager] = OrderedDict()
        self._last: _Entry | _Eager | None = None
        self._graph: Value | Tensor | None = None  # the newest trace's result (one kept)
        self.traces = 0
        functools.update_wrapper(self, fn)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        key_parts: list[Any] = [("tuple", len(args))]
        items: list[tuple[str, Any]] = []
        for a in args:  # float ndarrays (a batch, its targets), as _flatten keys them, inline
            if type(a) is not np.ndarray or a.dtype.kind != "f":
                break
            key_parts.append(("A", a.shape, a.dtype.str))
            items.append(("A", a))
        else:
            if not kwargs:
                key_parts.append(")")
        if len(items) != len(args) or kwargs:
            key_parts.clear()
            items.clear()
            _flatten(args, key_parts, items)
            for name in sorted(kwargs):
                key_parts.append(("kw", name))
                _flatten(kwargs[name], key_parts, items)
        key = tuple(key_parts)
        entry = self._cache.get(key)
        if entry is None:
            entry = self._trace(args, kwargs, items)
            self._cache[key] = entry
            if len(self._cache) > MAX_CACHED:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(key)
        self._last = entry
        try:
            return entry.call(args, kwargs, items, self._backward)
        except Stale:  # a parameter changed shape, dtype or requires_grad: trace again
            entry = self._cache[key] = self._trace(args, kwargs, items)
            self._last = entry
            return entry.call(args, kwargs, items, self._backward)

    def _trace(
        self, args: Any, kwargs: dict[str, Any], items: list[tuple[str, Any]]
    ) -> _Entry | _Eager:
        state = PER_THREAD.state
        if state.trace is not None:
            raise CompileError(
                "compile: a compiled function was called while another one is "
                "being traced; compile the outer function only"
            )
        self._graph = None  # the older graph goes first: one graph alive at a time
        standins = [_standin(kind, obj) for kind, obj in items]
        feed = iter(standins)
        targs = _rebuild(args, feed)
        tkwargs = {name: _rebuild(kwargs[name], feed) for name in sorted(kwargs)}
        trace = Trace(FORWARDS)
        before = _random_states()
        grad_enabled = state.grad_enabled
        state.trace = trace
        state.grad_enabled = True
        state.update()
        try:
            result = self._fn(*targs, **tkwargs)
        finally:
            state.trace = None
            state.grad_enabled = grad_enabled
            state.update()
        self.traces += 1
        if not isinstance(result, (Value, Tensor)):
            raise TypeError(
                f"compile: the function must return a Value or a Tensor, got "
                f"{type(result).__name__}"
            )
        entry: _Entry | _Eager
        if _random_states() != before:  # fresh draws on every call, as without compile
            entry = _Eager(self._fn, result, standins)
        elif isinstance(result, Value):
            entry = _Entry(_scalar_program(result, standins), True)
        else:
            tensors = [s for s in standins if isinstance(s, Tensor)]
            entry = _Entry(
                TensorProgram(result, trace.tensor_ops, tensors, trace.sites, trace.calls), False
            )
        self._graph = result
        return entry

    def graph(self) -> Value | Tensor:
        """The result node of the newest trace: the graph compile recorded, to draw
        (``draw_graph(compiled.graph())``) or walk. It holds the numbers of the traced
        call (arguments, intermediate values); parameters are the live leaves, with
        their current data and grad. Only the newest trace's graph is kept.

        >>> from autograd import Value, compile, draw_graph
        >>> w = Value(2.0, label="w")
        >>> step = compile(lambda x: (w * x).tanh())
        >>> _ = step(0.5)
        >>> dot = draw_graph(step.graph())
        >>> "tanh" in dot.source and "{ w | data 2.0000" in dot.source
        True
        """
        if self._graph is None:
            raise RuntimeError(
                "compile: no graph yet: call the compiled function once (its first call "
                "traces the function and records the graph)"
            )
        return self._graph

    def describe(self) -> str:
        """The program of the last call: nodes, levels, numpy calls, steps by op."""
        name = getattr(self._fn, "__qualname__", repr(self._fn))
        head = (
            f"compiled {name} (backward={self._backward}): {len(self._cache)} program(s) "
            f"cached, {self.traces} trace(s) made"
        )
        if self._last is None:
            return head + "; not called yet"
        last = self._last
        return (
            head
            + "\n"
            + (last.describe() if isinstance(last, _Eager) else last.program.describe())
            + "\n  the traced graph: draw_graph(compiled.graph())"
        )

    __str__ = describe

    def __repr__(self) -> str:
        return f"<compiled {getattr(self._fn, '__qualname__', self._fn)!s}>"


def _scalar_program(root: Value, standins: list[Any]) -> ScalarProgram:
    arguments = [s for s in standins if isinstance(s, Value)]
    ids = {id(s) for s in arguments}
    captured = []
    order = topological_order(root)
    for node in order:
        if node._p0 is None:
            if not isinstance(node, Value):
                raise CompileError("compile: the function mixes Tensors into a Value graph")
            if node._op:
                raise CompileError(
                    f"compile: the graph holds a Value computed by {node._op!r} without a graph "
                    "(under no_grad()); its number would be a stale constant on replay"
                )
            if id(node) not in ids:
                captured.append(node)
    return ScalarProgram(root, order, arguments + captured)
