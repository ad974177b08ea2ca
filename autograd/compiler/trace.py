"""Tracing: run the user's function once, eagerly, and watch for what a replay cannot follow.

While a ``Trace`` is the thread's ``trace``, every node an op makes is retyped to a
tracing subclass (``TracedValue``, ``TracedTensor``) with the same slots, so the
graph is the ordinary one and eager code keeps working on it. The subclasses refuse
what would let Python branch on a computed number (``bool()``, comparisons,
``float()``, ``.item()``, reading ``.data`` from outside the engine): a replay of the
recorded program would repeat the first call's decision silently.
"""

from __future__ import annotations

import os
import sys
from typing import Any, NoReturn

import numpy as np

from autograd.core.registry import REGISTRY
from autograd.core.tensor import Tensor
from autograd.core.value import Value, _make, _tag

_AUTOGRAD = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_NN = os.path.join(os.path.dirname(_AUTOGRAD.rstrip(os.sep)), "nn") + os.sep
# The engine's ops and nn's layers read ``.data`` to compute ops, which a replay computes
# again. Everything else (user code, but also ``autograd.grad``, which returns numbers)
# reads a number that the replay would not recompute.
_INTERNAL = (
    os.path.join(_AUTOGRAD, "core") + os.sep,
    os.path.join(_AUTOGRAD, "compiler") + os.sep,
    _NN,
)
# Engine functions whose reads of ``.data`` become constants of the op (an index, a mask):
# a replay would reuse the first call's numbers.
_STRUCTURAL_READS = {
    "_tensor_index": "indexing with a Tensor",
    "where": "a Tensor as where()'s condition",
}

_VALUE_DATA: Any = Value.__dict__["data"]  # the slot descriptors behind the properties
_TENSOR_DATA: Any = Tensor.__dict__["data"]
_TENSOR_VCOUNT: Any = Tensor.__dict__["_vcount"]  # the version counter's slot


class CompileError(RuntimeError):
    """``autograd.compile`` cannot trace or replay this function faithfully."""


_ADVICE = (
    "compile records one fixed program and replays it, so it cannot follow Python "
    "that branches on or copies a computed number. Write it with ops (e.g. .relu(), "
    "autograd.maximum, autograd.where with a mask made outside), pass the number in as "
    "an argument, or call the function without compile."
)


class Trace:
    """What one traced call saw: the Tensor ops it made (recorded in the graph or not)."""

    __slots__ = ("tensor_ops", "arguments", "known_ops", "sites", "calls")

    def __init__(self, known_ops: Any = ()) -> None:
        # id(out) -> (out, op, parents, saved): ops on arguments that do not require grad
        # are not in the graph, yet a replay must compute them again.
        self.tensor_ops: dict[int, tuple[Tensor, Any, tuple[Tensor, ...], Any]] = {}
        self.arguments: set[int] = set()  # ids of the argument leaves
        self.known_ops = known_ops  # Tensor ops a replay can compute
        self.sites: dict[int, str] = {}  # where each op it cannot replay was made
        # id(out) -> (out, fn, args): a fused op of nn (a loss) that a replay computes by
        # calling its public function again, on the new arrays of its Tensor arguments.
        self.calls: dict[int, tuple[Tensor, Any, tuple[Any, ...]]] = {}

    def made_value(self, out: Value) -> None:
        out.__class__ = TracedValue

    def made_tensor(self, out: Tensor, op: Any, parents: tuple[Tensor, ...], saved: Any) -> None:
        out.__class__ = TracedTensor
        self.tensor_ops[id(out)] = (out, op, parents, saved)
        if op.name not in self.known_ops:
            self.sites[id(out)] = outside_site()

    def replay_call(self, out: Tensor, fn: Any, *args: Any) -> None:
        """``out`` was made by ``fn(*args)``: a replay calls ``fn`` again with each Tensor
        argument's new array (the target of a loss is new on every call: the first-batch
        trap), so its checks, forward and saved state are those of eager, with no copy."""
        self.calls[id(out)] = (out, fn, args)

    def refuse(self, what: str, site: str) -> NoReturn:
        raise CompileError(f"compile cannot follow {what} at {site}: {_ADVICE}")


def _current() -> Trace | None:
    from autograd.core.graph import PER_THREAD

    trace: Trace | None = PER_THREAD.state.trace
    return trace


def outside_site() -> str:
    """file:line of the innermost frame outside autograd and nn: the user's code."""
    frame: Any = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith((_AUTOGRAD, _NN)):
        frame = frame.f_back
    return "<unknown>" if frame is None else f"{frame.f_code.co_filename}:{frame.f_lineno}"


def _refuse_here(what: str) -> None:
    """Refuse ``what`` if a trace is running, naming the user's line."""
    trace = _current()
    if trace is not None:
        trace.refuse(what, outside_site())


# -- Value -------------------------------------------------------------------------------
_TAGS = {name: _tag(name) for name in ("add", "sub", "mul", "div", "pow")}


def _nodes(a: Value, b: Value, name: str) -> Value:
    """``a <op> b`` for two nodes, one of them traced: Value's fast paths test
    ``type(x) is Value``, so a traced operand comes here; the same registry entry."""
    spec = REGISTRY[name]
    x, y = _VALUE_DATA.__get__(a), _VALUE_DATA.__get__(b)
    out = spec.scalar(x, y)  # type: ignore[misc]
    d = spec.d
    d0, d1 = d(x, y, out) if callable(d) else (float(d[0]), float(d[1]))
    return _make(out, _TAGS[name], a, b, d0, d1)


def _operator(name: str, method: str, reflected: bool = False) -> Any:
    """A binary operator of TracedValue: two nodes go to ``_nodes``, a number to Value's."""
    eager = getattr(Value, method)

    def op(self: Value, other: Any) -> Value:
        if isinstance(other, Value):
            return _nodes(other, self, name) if reflected else _nodes(self, other, name)
        result: Value = eager(self, other)
        return result

    op.__name__ = method
    return op


class TracedValue(Value):
    """A Value made while ``compile`` traces: the same node, refusing data-dependent reads."""

    __slots__ = ()

    @property
    def data(self) -> float:
        frame = sys._getframe(1)
        if not frame.f_code.co_filename.startswith(_INTERNAL):
            trace = _current()
            if trace is not None:
                what = (
                    "reading .data of an argument"
                    if self._p0 is None
                    else "reading .data of a computed Value"
                )
                trace.refuse(what, outside_site())
        value: float = _VALUE_DATA.__get__(self)
        return value

    @data.setter
    def data(self, value: float) -> None:
        if not sys._getframe(1).f_code.co_filename.startswith(_INTERNAL):
            _refuse_here("assigning .data of a traced Value (an in-place change)")
        _VALUE_DATA.__set__(self, value)

    def backward(self, create_graph: bool = False) -> None:
        _refuse_here("backward() inside a compiled function (compile runs it for you)")
        super().backward(create_graph)

    __add__ = _operator("add", "__add__")
    __radd__ = _operator("add", "__radd__", reflected=True)
    __sub__ = _operator("sub", "__sub__")
    __rsub__ = _operator("sub", "__rsub__", reflected=True)
    __mul__ = _operator("mul", "__mul__")
    __rmul__ = _operator("mul", "__rmul__", reflected=True)
    __truediv__ = _operator("div", "__truediv__")
    __rtruediv__ = _operator("div", "__rtruediv__", reflected=True)
    __pow__ = _operator("pow", "__pow__")
    __rpow__ = _operator("pow", "__rpow__", reflected=True)


# -- Tensor ------------------------------------------------------------------------------
class TracedTensor(Tensor):
    """A Tensor made while ``compile`` traces (or an argument): refuses data-dependent reads."""

    __slots__ = ()

    @property
    def data(self) -> np.ndarray:
        code = sys._getframe(1).f_code
        if not code.co_filename.startswith(_INTERNAL):
            _refuse_here("reading .data of a computed or argument Tensor")
        elif code.co_name in _STRUCTURAL_READS:
            trace = _current()
            if trace is not None:
                trace.refuse(
                    _STRUCTURAL_READS[code.co_name] + " computed in the function or "
                    "passed as an argument",
                    outside_site(),
                )
        value: np.ndarray = _TENSOR_DATA.__get__(self)
        return value

    @data.setter
    def data(self, value: np.ndarray) -> None:
        if not sys._getframe(1).f_code.co_filename.startswith(_INTERNAL):
            _refuse_here("assigning .data of a traced Tensor (an in-place change)")
        _TENSOR_DATA.__set__(self, value)

    # Every in-place op (``t += 1``, ``t[i] = v``, ``add_``...) bumps the version through
    # ``mark_changed``, which sets this counter: a replay would not redo the change, so a
    # traced Tensor refuses it. Reads go to the slot as before (version checks).
    @property
    def _vcount(self) -> int:
        count: int = _TENSOR_VCOUNT.__get__(self)
        return count

    @_vcount.setter
    def _vcount(self, count: int) -> None:
        trace = _current()
        if trace is not None:
            op = sys._getframe(1).f_locals.get("op")  # mark_changed's name of the op
            trace.refuse(
                f"an in-place op{f' ({op})' if isinstance(op, str) else ''} on a Tensor "
                "computed in the function or passed as an argument",
                outside_site(),
            )
        _TENSOR_VCOUNT.__set__(self, count)

    def numpy(self) -> np.ndarray:
        _refuse_here(".numpy() of a computed or argument Tensor")
        return super().numpy()

    def item(self) -> float:
        _refuse_here(".item() of a computed or argument Tensor")
        return super().item()

    def __float__(self) -> float:
        _refuse_here("float() of a computed or argument Tensor")
        return super().__float__()

    def __bool__(self) -> bool:
        _refuse_here("bool() of a computed or argument Tensor (an if or while on it)")
        return super().__bool__()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if not sys._getframe(1).f_code.co_filename.startswith(_INTERNAL):
            _refuse_here("converting a computed or argument Tensor to an array")
        return super().__array__(dtype, copy)

    def __lt__(self, other: Any) -> Tensor:
        _refuse_here("comparing a computed or argument Tensor (<)")
        return super().__lt__(other)

    def __le__(self, other: Any) -> Tensor:
        _refuse_here("comparing a computed or argument Tensor (<=)")
        return super().__le__(other)

    def __gt__(self, other: Any) -> Tensor:
        _refuse_here("comparing a computed or argument Tensor (>)")
        return super().__gt__(other)

    def __ge__(self, other: Any) -> Tensor:
        _refuse_here("comparing a computed or argument Tensor (>=)")
        return super().__ge__(other)

    def backward(self, gradient: Any = None, create_graph: bool = False) -> None:
        _refuse_here("backward() inside a compiled function (compile runs it for you)")
        super().backward(gradient, create_graph)
