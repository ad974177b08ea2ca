"""Tensor: a numpy-backed node, and ``Op``, the one way a Tensor op is defined.

Each op computes its result with numpy and records its inputs with an ``Op``:
the op's name and its gradient rule. Elementwise ops take their forward and
derivative from ``autograd.core.registry``; the other rules live in
``autograd.core.tensor_rules``. Backward is the graph core's (``graph.run_backward``),
over the node's steps; every gradient is reduced to its operand's shape in one place,
``generic.unbroadcast``.

A Tensor made from a float ndarray shares its memory (like ``torch.as_tensor``);
``nn.Parameter`` copies.
"""

from __future__ import annotations

import dis
import math
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any, Union

import numpy as np

from autograd.core import tensor_rules as vjp
from autograd.core.generic import unbroadcast
from autograd.core.graph import (
    PER_THREAD,
    VERSION_CLOCK,
    creation_site,
    run_backward,
    sweep_arrays,
    tick,
)
from autograd.core.registry import REGISTRY, Elementwise, times, unary_method

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence[Any]]
Axis = int | Sequence[int] | None
Rule = Callable[[Any, tuple[Any, ...], Any, Any, tuple[bool, ...]], Sequence[Any]]


def _as_float_array(data: Any, dtype: Any = None, what: str = "Tensor") -> np.ndarray:
    """``data`` as an array: float data keeps its dtype, other numbers become float64,
    unless ``dtype`` names the dtype (floating, integer or bool)."""
    if dtype is not None and np.dtype(dtype).kind in "biu":
        try:
            return np.asarray(data, dtype=dtype)
        except (TypeError, ValueError, OverflowError) as exc:
            raise TypeError(
                f"{what}: cannot convert {type(data).__name__} to an array of "
                f"{np.dtype(dtype)}: {exc}"
            ) from None
    try:
        arr = np.asarray(data, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{what}: cannot convert {type(data).__name__} to a numeric array: {exc}"
        ) from None
    kind = arr.dtype.kind
    if kind == "f":
        return arr
    if kind in "biu":
        return arr.astype(np.float64)
    raise TypeError(
        f"{what}: data must be numeric (bool, int or float), got an array of dtype {arr.dtype}"
    )


def _made_from_bools(data: Any) -> bool:
    """Whether Tensor data came in as bools (only looked at when it was converted)."""
    if isinstance(data, np.ndarray):
        return data.dtype.kind == "b"
    first = data
    while isinstance(first, (list, tuple)) and first:
        first = first[0]
    # Only data starting with a bool is converted again (exactly): float lists stay cheap.
    return isinstance(first, (bool, np.bool_)) and np.asarray(data).dtype.kind == "b"


def _op_result(name: str, out: Any) -> np.ndarray:
    """An op's result that is not an ndarray, as one (or an error naming the op)."""
    if isinstance(out, (str, bytes)) or out is None:
        raise TypeError(
            f"Op {name!r}: the result must be an array of numbers, got {type(out).__name__}"
        )
    return np.asarray(out)


def _op_integer_result(name: str, out: np.ndarray, inputs: tuple[Any, ...]) -> np.ndarray:
    """An integer or bool result: float64 in the graph (an integer result there would
    truncate every later gradient); anything else is refused."""
    if out.dtype.kind not in "biu":
        raise TypeError(
            f"Op {name!r}: the result must be an array of real numbers, got dtype {out.dtype}"
        )
    if any(getattr(t, "requires_grad", False) for t in inputs):
        return out.astype(np.float64)
    return out


#: ``Op.reads``: (for each input, whether the rule reads its values; whether it reads the
#: output's). ``ALL``: everything (the safe default for a rule written elsewhere).
Reads = tuple[Any, bool]
ALL: Reads = (True, True)
NOTHING: Reads = ((), False)
INPUTS: Reads = (True, False)
OUTPUT: Reads = ((), True)
#: A product's rule: inputs 0 and 1 are read for each other's gradient only (a third,
#: linear's bias, not at all).
CROSS: Reads = ("cross", False)


class Op:
    """A differentiable Tensor operation: its name and its gradient rule.

    This is how every Tensor op is defined, in ``autograd`` (``tanh``, ``matmul``,
    ...), in ``nn`` (fused losses and layers) and under ``Function``. Compute the
    result with numpy, then record it: ``op(result, inputs, saved)`` returns the
    output Tensor, in the graph when grad mode is on and an input requires grad.

    The rule is called as ``rule(g, inputs, out, saved, needs)`` and returns one
    gradient per input (``None`` where ``needs[i]`` is false or there is none):

    - ``g``: the gradient of the output; ``inputs``: the inputs; ``out``: the output;
    - ``saved``: what the op chose to keep (axes, masks: constants);
    - ``needs``: for each input, whether it requires grad.

    In a plain backward ``g``, ``inputs`` and ``out`` are ndarrays; in a recorded
    one (``backward(create_graph=True)``) they are Tensors, so a rule written with
    operators, Tensor methods and ``autograd.core.generic`` works in both and its
    result can be differentiated again. A gradient may have the broadcast shape
    of the output: it is reduced to its input's shape by ``generic.unbroadcast``;
    a wrong count or a shape that cannot be reduced raises ``ValueError`` naming
    the op.

    ``reads`` says which values the rule reads: ``(inputs, output)``, where
    ``inputs`` is True (all), or one bool per input; backward raises if an in-place
    change touched one of them after the op ran. The default, ``ALL``, is the safe
    choice; ``NOTHING`` suits a rule that reads only shapes (``sum``'s).

    >>> import numpy as np
    >>> cube = Op("cube", lambda g, inputs, out, saved, needs: (3 * inputs[0] ** 2 * g,))
    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> y = cube(x.data ** 3, (x,))
    >>> y.sum().backward(create_graph=True)
    >>> dx, x.grad = x.grad, None
    >>> dx.data                             # 3 x**2, a Tensor that can be differentiated
    array([ 3., 12.])
    >>> dx.sum().backward()                 # d/dx sum(3 x**2) = 6 x
    >>> x.grad
    array([ 6., 12.])
    """

    __slots__ = ("name", "rule", "reads")

    def __init__(self, name: str, rule: Rule, reads: Reads = ALL) -> None:
        if not isinstance(name, str):
            raise TypeError(f"Op: name must be a str, got {type(name).__name__} ({name!r})")
        if not callable(rule):
            raise TypeError(
                f"Op {name!r}: rule must be callable as rule(g, inputs, out, saved, "
                f"needs), got {type(rule).__name__}"
            )
        self.name = name
        self.rule = rule
        # What the rule reads of the values (not the shapes) of its inputs and output:
        # backward checks that no in-place change touched those since the op ran.
        self.reads = reads

    def __call__(self, out: Any, inputs: Sequence[Tensor], saved: Any = ()) -> Tensor:
        inputs = tuple(inputs)
        if type(out) is not np.ndarray:
            out = _op_result(self.name, out)
        if out.dtype.kind != "f":
            out = _op_integer_result(self.name, out, inputs)
        try:
            return _record(out, self, inputs, saved)
        except AttributeError:
            for t in inputs:
                if not isinstance(t, Tensor):
                    raise TypeError(
                        f"Op {self.name!r}: inputs must be Tensors, got {type(t).__name__}"
                    ) from None
            raise

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _record(data: Any, op: Op, parents: tuple[Tensor, ...], saved: Any = ()) -> Tensor:
    """The output node of an op; records the graph only if grad mode is on and an input needs it.

    It is of its first input's ``_result_class`` (a Tensor subclass's results keep it)."""
    cls = parents[0]._result_class if parents else Tensor
    out = _new(cls)
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    if cls is Tensor:
        out.grad = None
    else:  # through the slot: a subclass may show .grad by a property (the PyTorch facade)
        out._grad_slot = None
    out.label = ""
    state = PER_THREAD.state
    record = state.record
    needed = False
    if record:
        for p in parents:
            if p.requires_grad:
                needed = True
                break
    out._op = op.name
    if needed:
        out.requires_grad = True
        out._parents = parents
        out._rule = op
        out._saved = saved
        out._epoch = VERSION_CLOCK[0]
        if record == 2:
            out._scope = state.scope
            out._origin = creation_site() if state.anomaly else None
        else:
            out._scope = ""
            out._origin = None
    else:
        out.requires_grad = False
        out._parents = ()
        out._rule = None
        out._saved = ()
        out._scope = ""
        out._origin = None
    if record == 2 and state.trace is not None:  # autograd.compile is tracing: it keeps
        state.trace.made_tensor(out, op, parents, saved)  # every op, recorded or not
    return out


_new = object.__new__


def _fitted(grad: Any, like: np.ndarray, op: str, recorded: bool) -> Any:
    """A rule's gradient for an input holding ``like``: an ndarray (a Tensor when
    ``recorded``) of the input's shape, and in a plain backward of its dtype."""
    if recorded:
        if not isinstance(grad, Tensor):
            grad = _constant(_gradient_array(grad, op).astype(like.dtype, copy=False))
        elif grad.data.dtype != like.dtype:  # a float32 leaf gets a float32 grad, as in torch
            grad = _record(grad.data.astype(like.dtype), _CAST, (grad,))
    else:
        if type(grad) is not np.ndarray:
            grad = grad.data if isinstance(grad, Tensor) else _gradient_array(grad, op)
        if grad.dtype != like.dtype:
            grad = grad.astype(like.dtype)
    if grad.shape != like.shape:
        grad = unbroadcast(grad, like.shape, op)
    return grad


def real_array(value: Any, who: str, what: str, dtype_what: str, copy: bool = False) -> np.ndarray:
    """``value`` (returned by user code: a rule, a ``Function``) as an array of real numbers
    (bool, int or float), or a TypeError that says ``who`` returned ``what`` that numpy cannot
    read, or ``dtype_what`` of another dtype. The one check of such results.

    >>> real_array([1, 2], "f", "x", "x").dtype.kind
    'i'
    >>> real_array([1j], "f returned", "a gradient", "a gradient")
    Traceback (most recent call last):
    ...
    TypeError: f returned a gradient of dtype complex128; expected real numbers
    """
    try:
        arr = np.array(value) if copy else np.asarray(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{who} {what} that is not an array of numbers ({exc})") from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{who} {dtype_what} of dtype {arr.dtype}; expected real numbers")
    return arr


def _gradient_array(grad: Any, op: str) -> np.ndarray:
    """A rule's gradient that is not an ndarray, as one, or an error naming the op."""
    if isinstance(grad, (str, bytes, dict, set)) or not isinstance(
        grad, (list, tuple, int, float, np.generic)
    ):
        raise TypeError(
            f"{op}: its gradient rule returned a {type(grad).__name__} as a "
            "gradient; expected an array of numbers (or None)"
        )
    who = f"{op}: its gradient rule returned"
    return real_array(grad, who, "a gradient", "a gradient")


_NEVER = (0, "")  # the version info of a tensor never changed in place


def _check_versions(node: Tensor) -> None:
    """Raise if an in-place change touched a value ``node``'s rule reads since it was made."""
    if node._rule is None:
        return
    inputs, output = node._rule.reads
    made = node._epoch
    parents = node._parents
    for i, p in enumerate(parents):
        if inputs == "cross":  # inputs 0 and 1 are read for each other's gradient only
            read = i < 2 and len(parents) > 1 and parents[1 - i].requires_grad
        else:
            read = inputs is True or (i < len(inputs) and inputs[i])
        if read and getattr(p, "_vinfo", _NEVER)[0] > made:
            raise _version_error(p, node, f"input {i}")
    if output and getattr(node, "_vinfo", _NEVER)[0] > made:
        raise _version_error(node, node, "output")


def _version_error(t: Tensor, node: Tensor, which: str) -> RuntimeError:
    label = f" {t.label!r}" if t.label else ""
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an "
        f"inplace operation: the Tensor{label} of shape {t.shape} ({which} of {node._op!r}) is "
        f"at version {t._version}, changed by {getattr(t, '_vinfo', _NEVER)[1]!r} "
        f"after {node._op!r} saved it; {node._op!r} needs the values it had then. Do the "
        "in-place change after backward (or compute the graph again); no .grad was written"
    )


def _constant(data: np.ndarray, like: Tensor | type[Tensor] | None = None) -> Tensor:
    """A new leaf holding ``data``, of the result class of ``like`` (a tensor or a Tensor
    class; a Tensor by default)."""
    cls = Tensor if like is None else like._result_class
    out = _new(cls)
    out.data = data
    if cls is Tensor:
        out.grad = None
    else:  # through the slot, as in _record
        out._grad_slot = None
    out.requires_grad = False
    out.label = ""
    out._op = ""
    out._parents = ()
    out._rule = None
    out._saved = ()
    out._scope = ""
    out._origin = None
    return out


def _formula_reads(d: Any, arity: int) -> Reads:
    """Which of its arguments (the inputs, then the output) a derivative formula reads:
    the names its code loads. A constant reads nothing; code it cannot see, everything."""
    if not callable(d):
        return NOTHING
    code = getattr(d, "__code__", None)
    if code is None:
        return ALL
    used: set[str] = set(code.co_cellvars)  # captured by an inner function: counted as read
    for ins in dis.get_instructions(code):
        if ins.opname.startswith("LOAD_FAST") or ins.opname in ("LOAD_DEREF", "LOAD_CLOSURE"):
            used.update(ins.argval if isinstance(ins.argval, tuple) else (ins.argval,))
    names = code.co_varnames[: code.co_argcount]
    if len(names) < arity + 1:
        return ALL
    return tuple(n in used for n in names[:arity]), names[arity] in used


def _elementwise_op(spec: Elementwise) -> Op:
    """The Tensor op of a registry entry: gradient = upstream times the local derivative."""
    d = spec.d
    reads = _formula_reads(d, spec.arity)
    if spec.arity == 1:
        if callable(d) and spec.params:

            def unary_with(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Any:
                return (g * d(inputs[0], out, *saved),)

            return Op(spec.name, unary_with, reads)
        if callable(d):
            return Op(
                spec.name, lambda g, inputs, out, saved, needs: (g * d(inputs[0], out),), reads
            )
        return Op(spec.name, lambda g, inputs, out, saved, needs: (times(g, d),), reads)

    def binary(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Any:
        da, db = d(inputs[0], inputs[1], out, needs) if callable(d) else d
        return (times(g, da) if needs[0] else None, times(g, db) if needs[1] else None)

    return Op(spec.name, binary, reads)


# The ops that are not elementwise; their rules are in autograd.core.tensor_rules.
# Each says what its rule reads (shapes never change in place: a rule that reads only
# shapes reads nothing).
_SOFTMAX = Op("softmax", vjp.softmax, OUTPUT)
_LOG_SOFTMAX = Op("log_softmax", vjp.log_softmax, OUTPUT)
_SUM = Op("sum", vjp.sum_, NOTHING)
_MEAN = Op("mean", vjp.mean, NOTHING)
_VAR = Op("var", vjp.var, INPUTS)
_MAX = Op("max", vjp.extremum, ALL)
_MIN = Op("min", vjp.extremum, ALL)
_RESHAPE = Op("reshape", vjp.reshape, NOTHING)
_TRANSPOSE = Op("transpose", vjp.transpose, NOTHING)
_GETITEM = Op("getitem", vjp.getitem, NOTHING)
_BROADCAST_TO = Op("broadcast_to", vjp.broadcast_to, NOTHING)
_MATMUL = Op("matmul", vjp.matmul, CROSS)
_LINEAR = Op("linear", vjp.linear, CROSS)  # (the bias is read for nobody's gradient)
_CONCATENATE = Op("concatenate", vjp.concatenate, NOTHING)
_STACK = Op("stack", vjp.stack, NOTHING)
_WHERE = Op("where", vjp.where, NOTHING)
_SCATTER = Op("scatter", vjp.scatter, NOTHING)
# A change of floating dtype (a recorded gradient meeting its input's dtype); the driver
# casts its gradient back.
_CAST = Op("cast", lambda g, inputs, out, saved, needs: (g,), NOTHING)
_INDEX_PUT = Op("index_put", vjp.index_put, NOTHING)
_CUMSUM = Op("cumsum", vjp.cumsum, NOTHING)

_NEEDS, _NEEDS_NOT = (True,), (False,)
_data, _requires_grad = attrgetter("data"), attrgetter("requires_grad")

OPS: dict[str, Op] = {name: _elementwise_op(spec) for name, spec in REGISTRY.items()}
_ADD, _SUB, _MUL, _DIV = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"]
_MUL.reads = CROSS  # d(a*b) = (b, a): each factor is read for the other's gradient only
_array = {name: spec.array for name, spec in REGISTRY.items()}


def _unary(x: Tensor, name: str) -> Tensor:
    return _record(_array[name](x.data), OPS[name], (x,))


def _unary_with(x: Tensor, name: str, params: tuple[Any, ...]) -> Tensor:
    """``_unary`` for an entry with parameters (saved for the rule: ``d(x, out, *params)``)."""
    return _record(_array[name](x.data, *params), OPS[name], (x,), params)


def _binary(a: Tensor, b: Tensor, name: str) -> Tensor:
    try:
        out = _array[name](a.data, b.data)
    except (ValueError, ZeroDivisionError):
        try:
            np.broadcast_shapes(a.data.shape, b.data.shape)
        except ValueError:
            raise _broadcast_error(name, a.data, b.data) from None
        if not PER_THREAD.state.lenient:
            raise
        # A recorded backward's formula at the edge of its domain (1 / 0): inf or nan,
        # as numpy and PyTorch give, not the error a user's own division raises.
        with np.errstate(all="ignore"):
            out = _NUMPY_BINARY[name](a.data, b.data)
    return _record(out, OPS[name], (a, b))


_NUMPY_BINARY = {"div": np.true_divide, "pow": np.power}


def _operand(x: Any, like: Tensor | None, op: str) -> Tensor:
    """Turn the other side of an op into a Tensor; numbers take ``like``'s dtype
    (and its result class)."""
    if isinstance(x, Tensor):
        return x
    dtype: Any = like.data.dtype if like is not None else np.dtype(np.float64)
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        if dtype.kind != "f":  # an integer or bool Tensor: a float promotes it, as in numpy
            dtype = (
                np.float64 if isinstance(x, float) else dtype if dtype.kind in "iu" else np.int64
            )
        try:
            return _constant(np.asarray(x, dtype=dtype), like)
        except OverflowError:
            raise OverflowError(
                f"{op}: an integer of {int(x).bit_length()} bits is too large for {np.dtype(dtype)}"
            ) from None
    if isinstance(x, np.ndarray) and (
        x.dtype.kind == "f" or (dtype.kind != "f" and x.dtype.kind in "biu")
    ):
        return _constant(x, like)
    if type(x).__name__ == "Value":
        raise TypeError(
            f"{op}: cannot mix a Value (scalar node) with a Tensor; use Tensor(value.data)"
        )
    if isinstance(x, (list, tuple)) and _holds_tensor(x):
        return _stacked(x, op)
    arr = _as_float_array(x, what=op)
    if arr.dtype != dtype and np.asarray(x).dtype.kind != "f":
        arr = arr.astype(dtype)
    return _constant(arr, like)


def _holds_tensor(items: Sequence[Any]) -> bool:
    """Whether a (nested) list or tuple holds a Tensor anywhere."""
    stack = [items]
    while stack:
        for x in stack.pop():
            if isinstance(x, Tensor):
                return True
            if isinstance(x, (list, tuple)):
                stack.append(x)
    return False


def _stacked(items: Sequence[Any], op: str) -> Tensor:
    """A (nested) list or tuple holding Tensors, stacked into the graph (HIPS's rule:
    ``mean([x, x + 2])`` depends on ``x``); numbers among them are constants."""
    if len(items) == 0:
        return _constant(np.zeros(0))
    like = next((t for t in items if isinstance(t, Tensor)), None)
    parts = [
        _stacked(x, op) if isinstance(x, (list, tuple)) else _operand(x, like, op) for x in items
    ]
    return stack(parts)


def as_tensor(x: Any, what: str = "Tensor") -> Tensor:
    """``x`` as a Tensor: itself, a list or tuple holding Tensors stacked into the graph,
    or a constant Tensor of other array-likes.

    >>> x = Tensor(1.0, requires_grad=True)
    >>> as_tensor([x, x + 2]).requires_grad
    True
    """
    if isinstance(x, Tensor):
        return x
    if isinstance(x, (list, tuple)) and _holds_tensor(x):
        return _stacked(x, what)
    return Tensor(x)


def _broadcast_error(op: str, a: np.ndarray, b: np.ndarray) -> ValueError:
    return ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together")


def _axes(axis: Axis, ndim: int, op: str) -> tuple[int, ...] | None:
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer, bool, float, str)) else axis
    if not isinstance(axes, (tuple, list)):
        raise TypeError(f"{op}: axis must be None, an integer or a tuple of integers, got {axis!r}")
    out = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(
                f"{op}: axis must be None, an integer or a tuple of integers, got {axis!r}"
            )
        if not -ndim <= a < ndim:  # a 0-d tensor has no axes at all, as in numpy
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimensions")
        out.append(int(a) % max(ndim, 1))
    if len(set(out)) != len(out):
        raise ValueError(f"{op}: axis {tuple(axes)} names an axis more than once")
    return tuple(sorted(out))


def _is_basic_index(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        p is None
        or p is Ellipsis
        or (isinstance(p, (int, np.integer, slice)) and not isinstance(p, bool))
        for p in parts
    )


def _plain_index(index: Any) -> Any:
    if isinstance(index, Tensor):
        return _tensor_index(index)
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _tensor_index(index: Tensor) -> np.ndarray:
    """A Tensor used as an index: an integer Tensor, a bool Tensor (a mask), or a float one
    holding integral values only, never a float mask made from bools."""
    d = index.data
    if d.dtype.kind in "biu":
        return d
    if getattr(index, "_from_bool", False):
        raise IndexError(
            "getitem: this index Tensor was made from bools; a Tensor index "
            "holds integer positions: give a bool mask as a bool Tensor "
            "(dtype=bool) or a numpy bool array"
        )
    # count_nonzero, not .all(): a fraction of the cost on the small arrays indices are.
    finite = np.count_nonzero(np.isfinite(d)) == d.size
    ix = d.astype(np.intp) if finite else d
    if not finite or np.count_nonzero(ix != d):
        bad = ~np.isfinite(d) | (d != np.trunc(d))
        raise IndexError(
            f"getitem: a Tensor index must hold integral values; "
            f"{int(bad.sum())} of {d.size} are not (first {float(d[bad].flat[0])!r})"
        )
    return ix


def _method(name: str) -> Callable[[Tensor], Tensor]:
    """``Tensor.<name>`` for a registry entry without parameters: ``tanh = _method("tanh")``."""
    return unary_method(name, "Tensor", name, _unary, _unary_with, params=False)


def _method_with(name: str) -> Callable[..., Tensor]:
    """``Tensor.<name>`` for a registry entry with parameters (by position or by name)."""
    return unary_method(name, "Tensor", name, _unary, _unary_with, params=True)


class Tensor:
    """An n-dimensional array that remembers how it was computed.

    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> w = Tensor([0.5, -1.0], requires_grad=True)
    >>> loss = ((x @ w).tanh() ** 2).sum()
    >>> loss.backward()
    >>> x.grad.shape, w.grad.shape
    ((2, 2), (2,))
    """

    __slots__ = (
        "data",
        "grad",
        "requires_grad",
        "label",
        "_op",
        "_parents",
        "_rule",
        "_saved",
        "_scope",
        "_origin",
        "__weakref__",
        "_from_bool",  # set only by __init__, and only for bool data (refused as an index)
        # Set only when used: the clock's value when the op was recorded (graph nodes);
        # the version count, and (the clock's tick, the op) of the last in-place change.
        "_epoch",
        "_vcount",
        "_vinfo",
    )

    _GRAD_RESET = None
    #: The ``grad`` slot under a second name (set below the class): the engine reads and
    #: writes a gradient through it, at a slot's cost, on any Tensor class, including a
    #: subclass that shows ``.grad`` by a property (the PyTorch facade).
    _grad_slot: Any
    #: The class of the results of ops on this tensor (``_record`` reads it off the first
    #: input): a subclass that should keep its class through ops sets it to itself;
    #: ``nn.Parameter`` leaves it, so ops on parameters give plain Tensors.
    _result_class: type[Tensor]
    # Let numpy hand mixed expressions (ndarray + Tensor) to our operators.
    __array_priority__ = 1000

    data: np.ndarray
    grad: Any  # ndarray or None; a Tensor after backward(create_graph=True)
    requires_grad: bool
    label: str
    _op: str
    _parents: tuple[Tensor, ...]
    _rule: Op | None  # the op that made it (None for leaves)
    _saved: Any
    _scope: str
    _origin: str | None
    _epoch: int
    _vcount: int
    _vinfo: tuple[int, str]

    def __init__(
        self, data: ArrayLike, requires_grad: bool = False, dtype: Any = None, label: str = ""
    ) -> None:
        from_bool = False
        if isinstance(data, Tensor):
            from_bool = getattr(data, "_from_bool", False) or data.data.dtype.kind == "b"
            data = data.data
        if dtype is not None:
            try:
                kind = np.dtype(dtype).kind
            except TypeError:
                raise TypeError(
                    f"Tensor: dtype must be a numpy dtype such as 'float32', "
                    f"'int64' or 'bool', got {dtype!r}"
                ) from None
            if kind not in "biuf":
                raise TypeError(
                    f"Tensor: dtype must be a floating, integer or bool type, got {np.dtype(dtype)}"
                )
        if type(requires_grad) is not bool and not isinstance(requires_grad, np.bool_):
            raise TypeError(f"Tensor: requires_grad must be True or False, got {requires_grad!r}")
        if type(data) is not np.ndarray and isinstance(data, np.ma.MaskedArray):
            raise TypeError(
                "Tensor: masked arrays are not supported (the mask would be "
                "dropped); fill them first, e.g. data.filled(0.0)"
            )
        self.data = _as_float_array(data, dtype)
        if self.data.dtype.kind == "f" and (
            from_bool or (self.data is not data and _made_from_bools(data))
        ):
            self._from_bool = True
        if requires_grad and self.data.dtype.kind != "f":
            raise RuntimeError(
                f"Tensor: only Tensors of floating point dtype can require "
                f"gradients; this one is {self.data.dtype}"
            )
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.label = label
        self._op = ""
        self._parents = ()
        self._rule = None
        self._saved = ()
        self._scope = ""
        self._origin = None

    # -- array-like attributes ----------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def op(self) -> str:
        """Name of the op that produced this tensor ("" for a leaf)."""
        return self._op if self._parents else ""

    @property
    def parents(self) -> tuple[Tensor, ...]:
        """The tensors this one was computed from (empty for a leaf)."""
        return self._parents

    @property
    def T(self) -> Tensor:  # noqa: N802 - numpy's name
        """The transpose (all axes reversed)."""
        return self.transpose()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def item(self) -> float:
        """The value of a one-element tensor as a Python number (a float; an int or bool
        for an integer or bool tensor, as in PyTorch)."""
        if self.data.size != 1:
            raise ValueError(
                f"item: only one-element tensors convert to a float, got shape {self.shape}"
            )
        value: float = self.data.reshape(()).item()
        return value

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut from the graph."""
        return Tensor(self.data, label=self.label)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` on this leaf in place and return it (PyTorch's idiom).

        >>> x = Tensor([1.0, 2.0]).requires_grad_()
        >>> (x * x).sum().backward(); x.grad
        array([2., 4.])
        """
        if type(requires_grad) is not bool and not isinstance(requires_grad, np.bool_):
            raise TypeError(f"requires_grad_: expected True or False, got {requires_grad!r}")
        flag = bool(requires_grad)
        if flag and self.data.dtype.kind != "f":
            raise RuntimeError(
                f"requires_grad_: only Tensors of floating point dtype can "
                f"require gradients; this one is {self.data.dtype}"
            )
        if self._parents and not flag:
            raise RuntimeError(
                f"requires_grad_: this tensor is the result of {self._op!r}, not a leaf; "
                "only leaves can stop requiring grad (use .detach() for a copy cut from the graph)"
            )
        if not self._parents:
            self.requires_grad = flag
        return self

    # -- pickling and copying -------------------------------------------------------
    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """Leaves (parameters included) pickle under every protocol, with their data, a
        plain-array ``.grad`` and their flags; a graph node is refused (its graph holds
        gradient rules, not data): pickle ``t.detach()``."""
        if self._parents:
            raise TypeError(
                f"cannot pickle a Tensor computed by {self._op!r} (a node of a graph); "
                "pickle t.detach() or t.data instead (leaves and parameters pickle)"
            )
        grad = self.grad.data if isinstance(self.grad, Tensor) else self.grad
        state = (
            self.data,
            grad,
            self.requires_grad,
            self.label,
            getattr(self, "_from_bool", False),
        )
        return _rebuild_tensor, (type(self), state, getattr(self, "__dict__", None))

    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        """A copy of this tensor (and of the graph behind it, if any); the copy of a
        leaf is a new leaf with its own data and grad."""
        import copy

        new = type(self).__new__(type(self))
        memo[id(self)] = new
        for name in Tensor.__slots__:
            if name != "__weakref__" and hasattr(self, name):
                setattr(new, name, copy.deepcopy(getattr(self, name), memo))
        extra = getattr(self, "__dict__", None)
        if extra:
            new.__dict__.update(copy.deepcopy(extra, memo))
        return new

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        if dtype is not None and dtype != self.data.dtype:
            return self.data.astype(dtype)
        return self.data.copy() if copy else self.data

    def __float__(self) -> float:
        return self.item()

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"bool(): the truth value of a Tensor with {self.data.size} "
                "elements is ambiguous; use (t == x).data.all() or .any()"
            )
        return bool(self.data.reshape(()))

    def __int__(self) -> int:
        if self.data.size != 1:
            raise ValueError(f"int(): only one-element tensors convert, got shape {self.shape}")
        return int(self.data.reshape(()))

    def __index__(self) -> int:
        if self.data.size != 1 or self.data.dtype.kind not in "biu":
            raise TypeError(
                "only integer tensors of a single element can be converted to an "
                f"index (this one is {self.data.dtype}, shape {self.shape})"
            )
        return int(self.data.reshape(()))

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor went through (PyTorch's ``t._version``)."""
        return getattr(self, "_vcount", 0)

    def __repr__(self) -> str:
        body = np.array2string(
            self.data, precision=4, threshold=20, separator=", ", prefix="Tensor("
        )
        extra = ", requires_grad=True" if self.requires_grad else ""
        if self.data.dtype != np.float64:
            extra += f", dtype={self.data.dtype}"
        if self.label:
            extra += f", label={self.label!r}"
        return f"Tensor({body}{extra})"

    # Comparisons are elementwise and give bool Tensors, which have no gradient.
    def __lt__(self, other: ArrayLike) -> Tensor:
        return _compare(np.less, self, other, "<")

    def __le__(self, other: ArrayLike) -> Tensor:
        return _compare(np.less_equal, self, other, "<=")

    def __gt__(self, other: ArrayLike) -> Tensor:
        return _compare(np.greater, self, other, ">")

    def __ge__(self, other: ArrayLike) -> Tensor:
        return _compare(np.greater_equal, self, other, ">=")

    def __eq__(self, other: object) -> Tensor:  # type: ignore[override]
        if not _comparable(other):
            return NotImplemented
        return _compare(np.equal, self, other, "==")

    def __ne__(self, other: object) -> Tensor:  # type: ignore[override]
        if not _comparable(other):
            return NotImplemented
        return _compare(np.not_equal, self, other, "!=")

    __hash__ = object.__hash__  # identity, as PyTorch's: tensors go in sets and dicts

    # -- in place ----------------------------------------------------------------------
    # Each changes this tensor's own array and bumps its version. On a tensor that
    # requires grad they are allowed only under no_grad() (an optimizer's update).
    def __iadd__(self, other: ArrayLike) -> Tensor:
        return _inplace(self, other, np.add, "add_")

    def __isub__(self, other: ArrayLike) -> Tensor:
        return _inplace(self, other, np.subtract, "sub_")

    def __imul__(self, other: ArrayLike) -> Tensor:
        return _inplace(self, other, np.multiply, "mul_")

    def __itruediv__(self, other: ArrayLike) -> Tensor:
        return _inplace(self, other, np.true_divide, "div_")

    def add_(self, other: ArrayLike) -> Tensor:
        """``self += other`` in place; returns ``self``.

        >>> from autograd import no_grad
        >>> p = Tensor([1.0, 2.0], requires_grad=True)
        >>> with no_grad():
        ...     _ = p.add_(1.0)
        >>> p.data, p._version
        (array([2., 3.]), 1)
        """
        return _inplace(self, other, np.add, "add_")

    def sub_(self, other: ArrayLike) -> Tensor:
        """``self -= other`` in place; returns ``self``."""
        return _inplace(self, other, np.subtract, "sub_")

    def mul_(self, other: ArrayLike) -> Tensor:
        """``self *= other`` in place; returns ``self``."""
        return _inplace(self, other, np.multiply, "mul_")

    def div_(self, other: ArrayLike) -> Tensor:
        """``self /= other`` in place; returns ``self``."""
        return _inplace(self, other, np.true_divide, "div_")

    def copy_(self, other: ArrayLike) -> Tensor:
        """Overwrite this tensor's values with ``other``'s (broadcast); returns ``self``."""
        return _inplace(self, other, None, "copy_")

    def fill_(self, value: float) -> Tensor:
        """Set every element to ``value``; returns ``self``.

        >>> Tensor([1.0, 2.0]).fill_(7.0).data
        array([7., 7.])
        """
        if isinstance(value, Tensor):
            if value.data.size != 1:
                raise ValueError(f"fill_: value must be one number, got shape {value.shape}")
            value = value.data.reshape(())
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float, np.number))
            and not (isinstance(value, np.ndarray) and value.ndim == 0)
        ):
            raise TypeError(f"fill_: value must be a number, got {type(value).__name__}")
        return _inplace(self, value, None, "fill_")

    def zero_(self) -> Tensor:
        """Set every element to 0; returns ``self``."""
        return _inplace(self, 0, None, "zero_")

    def clamp_(self, min: float | None = None, max: float | None = None) -> Tensor:  # noqa: A002
        """Clip every element into ``[min, max]`` in place (either may be None); returns self.

        >>> Tensor([-2.0, 0.5, 3.0]).clamp_(-1.0, 1.0).data
        array([-1. ,  0.5,  1. ])
        """
        if min is None and max is None:
            raise ValueError("clamp_: at least one of min and max must be given")
        for name, v in (("min", min), ("max", max)):
            if v is not None and (
                isinstance(v, bool) or not isinstance(v, (int, float, np.number))
            ):
                raise TypeError(f"clamp_: {name} must be a number or None, got {v!r}")
        return _inplace(self, (min, max), None, "clamp_")

    def __setitem__(self, index: Any, value: ArrayLike) -> None:
        _inplace(self, value, None, "setitem", _plain_index(index))

    # -- arithmetic --------------------------------------------------------------
    def __add__(self, other: ArrayLike) -> Tensor:
        return _binary(self, _operand(other, self, "add"), "add")

    def __radd__(self, other: ArrayLike) -> Tensor:
        return _binary(_operand(other, self, "add"), self, "add")

    def __sub__(self, other: ArrayLike) -> Tensor:
        return _binary(self, _operand(other, self, "sub"), "sub")

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return _binary(_operand(other, self, "sub"), self, "sub")

    def __mul__(self, other: ArrayLike) -> Tensor:
        return _binary(self, _operand(other, self, "mul"), "mul")

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return _binary(_operand(other, self, "mul"), self, "mul")

    def __truediv__(self, other: ArrayLike) -> Tensor:
        return _binary(self, _operand(other, self, "div"), "div")

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return _binary(_operand(other, self, "div"), self, "div")

    def __pow__(self, other: ArrayLike) -> Tensor:
        return _binary(self, _operand(other, self, "pow"), "pow")

    def __rpow__(self, other: ArrayLike) -> Tensor:
        return _binary(_operand(other, self, "pow"), self, "pow")

    def __matmul__(self, other: ArrayLike) -> Tensor:
        return _matmul(self, _operand(other, self, "matmul"))

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return _matmul(_operand(other, self, "matmul"), self)

    def __neg__(self) -> Tensor:
        return _unary(self, "neg")

    def _square(self) -> Tensor:  # np.square(t)
        return self * self

    def __pos__(self) -> Tensor:
        return self

    # -- elementwise functions: one per unary entry of autograd.core.registry ------------------
    # Each is the entry's array forward and derivative (registry.unary_method), with the
    # entry's parameters and doc (see ``inspect.signature(Tensor.softplus)``).
    exp = _method("exp")
    log = _method("log")
    sqrt = _method("sqrt")
    abs = _method("abs")
    sin = _method("sin")
    cos = _method("cos")
    erf = _method("erf")
    tanh = _method("tanh")
    sigmoid = _method("sigmoid")
    relu = _method("relu")
    leaky_relu = _method_with("leaky_relu")
    elu = _method_with("elu")
    celu = _method_with("celu")
    gelu = _method_with("gelu")
    softplus = _method_with("softplus")
    mish = _method("mish")
    hardswish = _method("hardswish")
    relu6 = _method("relu6")

    def __abs__(self) -> Tensor:
        return _unary(self, "abs")

    def softmax(self, axis: int = -1) -> Tensor:
        """exp(x) / sum(exp(x)) along ``axis``, shifted by the max so it never overflows."""
        ax = _one_axis(axis, self.ndim, "softmax")
        x = self.data
        if x.shape[ax] == 0:
            return _record(np.empty_like(x), _SOFTMAX, (self,), ax)
        e = np.exp(x - x.max(axis=ax, keepdims=True))
        e /= e.sum(axis=ax, keepdims=True)
        return _record(e, _SOFTMAX, (self,), ax)

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x - logsumexp(x) along ``axis``; stable for logits of any size."""
        ax = _one_axis(axis, self.ndim, "log_softmax")
        x = self.data
        if x.shape[ax] == 0:
            return _record(np.empty_like(x), _LOG_SOFTMAX, (self,), ax)
        shifted = x - x.max(axis=ax, keepdims=True)
        shifted -= np.log(np.exp(shifted).sum(axis=ax, keepdims=True))
        return _record(shifted, _LOG_SOFTMAX, (self,), ax)

    # -- reductions --------------------------------------------------------------
    def sum(self, axis: Axis = None, keepdims: bool = False, **numpy_kwargs: Any) -> Tensor:
        _numpy_reduction_kwargs("sum", numpy_kwargs)
        axes = _axes(axis, self.ndim, "sum")
        return _record(self.data.sum(axis=axes, keepdims=keepdims), _SUM, (self,), (axes, keepdims))

    def mean(self, axis: Axis = None, keepdims: bool = False, **numpy_kwargs: Any) -> Tensor:
        _numpy_reduction_kwargs("mean", numpy_kwargs)
        axes = _axes(axis, self.ndim, "mean")
        x = self.data
        reduced = x.size if axes is None else int(np.prod([x.shape[a] for a in axes]))
        if reduced == 0:
            raise ValueError(f"mean: cannot average over an empty axis (tensor shape {x.shape})")
        # float16 sums overflow long before their mean does; numpy's mean accumulates
        # float16 in float32, so it is used as it is.
        out = x.mean(axis=axes, keepdims=keepdims)
        return _record(out, _MEAN, (self,), (axes, keepdims))

    def max(self, axis: Axis = None, keepdims: bool = False, **numpy_kwargs: Any) -> Tensor:
        """Largest element(s); tied maxima share the gradient evenly."""
        _numpy_reduction_kwargs("max", numpy_kwargs)
        return self._extremum(np.max, "max", axis, keepdims)

    def min(self, axis: Axis = None, keepdims: bool = False, **numpy_kwargs: Any) -> Tensor:
        """Smallest element(s); tied minima share the gradient evenly."""
        _numpy_reduction_kwargs("min", numpy_kwargs)
        return self._extremum(np.min, "min", axis, keepdims)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Index of the largest element (over all elements, or along ``axis``): an integer
        Tensor, without gradient.

        >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).argmax(axis=1).data
        array([1, 0])
        """
        return self._arg(np.argmax, "argmax", axis, keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """Index of the smallest element (over all elements, or along ``axis``): an integer
        Tensor, without gradient."""
        return self._arg(np.argmin, "argmin", axis, keepdims)

    def _arg(self, fn: Any, op: str, axis: Any, keepdims: bool) -> Tensor:
        if self.data.size == 0:
            raise ValueError(f"{op}: the tensor is empty (shape {self.shape})")
        ax = None if axis is None else _one_axis(axis, self.ndim, op)
        return _constant(np.asarray(fn(self.data, axis=ax, keepdims=bool(keepdims))), self)

    def _extremum(self, fn: Any, op: str, axis: Axis, keepdims: bool) -> Tensor:
        axes = _axes(axis, self.ndim, op)
        if self.data.size == 0:
            raise ValueError(f"{op}: the tensor is empty (shape {self.shape})")
        rule = _MAX if op == "max" else _MIN
        return _record(fn(self.data, axis=axes, keepdims=keepdims), rule, (self,), (axes, keepdims))

    # -- shape ---------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        """The same data with a new shape: ``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        try:
            out = self.data.reshape(shape)
        except (ValueError, TypeError):
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {self.shape} "
                f"({self.size} elements) into {tuple(shape)}"
            ) from None
        return _record(out, _RESHAPE, (self,))

    def transpose(self, *axes: Any) -> Tensor:
        """Permute axes; with none given, reverse them."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        n = self.ndim
        for a in axes:
            if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
                raise TypeError(f"transpose: axes must be integers, got {a!r}")
        perm = tuple(range(n))[::-1] if not axes else tuple(int(a) % max(n, 1) for a in axes)
        if sorted(perm) != list(range(n)) or any(not -n <= int(a) < n for a in axes):
            raise ValueError(
                f"transpose: axes {axes} are not a permutation of {self.ndim} dimensions"
            )
        return _record(self.data.transpose(perm), _TRANSPOSE, (self,), perm)

    def __getitem__(self, index: Any) -> Tensor:
        index = _plain_index(index)
        try:
            out = self.data[index]
        except IndexError as exc:
            raise IndexError(f"getitem: {exc} (tensor shape {self.shape})") from None
        return _record(out, _GETITEM, (self,), (index, _is_basic_index(index)))

    def _broadcast_to(self, shape: tuple[int, ...]) -> Tensor:
        return _record(np.broadcast_to(self.data, shape), _BROADCAST_TO, (self,))

    def _scatter(self, index: Any, basic: bool, shape: tuple[int, ...]) -> Tensor:
        """Zeros of ``shape`` with this tensor added at ``index`` (repeats accumulate):
        getitem's gradient, an op of its own so that it can be differentiated again."""
        return _record(
            vjp.scatter_array(self.data, index, basic, shape), _SCATTER, (self,), (index, basic)
        )

    def index_put(self, index: Any, value: ArrayLike) -> Tensor:
        """A copy of this tensor with ``value`` written at ``index`` (``out[index] = value``,
        broadcast), which the gradient flows through: to this tensor everywhere but at
        ``index``, to ``value`` from ``index``. ``t[index] = value`` is its in-place form.

        >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> v = Tensor(5.0, requires_grad=True)
        >>> y = x.index_put(1, v); y.data
        array([1., 5., 3.])
        >>> (y * Tensor([1.0, 2.0, 3.0])).sum().backward(); x.grad, v.grad
        (array([1., 0., 3.]), array(2.))
        """
        index = _plain_index(index)
        v = (
            value
            if isinstance(value, Tensor)
            else _constant(_as_float_array(value, self.data.dtype, "index_put"))
        )
        out = self.data.copy()
        keep = np.ones_like(self.data)
        try:
            out[index] = v.data
        except (IndexError, ValueError) as exc:
            raise type(exc)(
                f"index_put: {exc} (tensor shape {self.shape}, value shape {v.shape})"
            ) from None
        keep[index] = 0
        return _record(out, _INDEX_PUT, (self, v), (index, keep))

    def cumsum(self, axis: int) -> Tensor:
        """Running sums along ``axis``.

        >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> y = x.cumsum(0); y.data
        array([1., 3., 6.])
        >>> y.sum().backward(); x.grad
        array([3., 2., 1.])
        """
        ax = _one_axis(axis, self.ndim, "cumsum")
        return _record(np.cumsum(self.data, axis=ax), _CUMSUM, (self,), ax)

    def astype(self, dtype: Any) -> Tensor:
        """These values as ``dtype``. To a floating dtype it is an op the gradient flows
        back through (cast to this tensor's dtype); to an integer or bool dtype, a new
        tensor without gradient.

        >>> x = Tensor([1.5, -2.0], requires_grad=True)
        >>> y = x.astype("float32"); y.sum().backward()
        >>> y.dtype, x.grad
        (dtype('float32'), array([1., 1.]))
        """
        try:
            dt = np.dtype(dtype)
        except TypeError:
            raise TypeError(
                f"astype: dtype must be a numpy dtype such as 'float32', 'int64' "
                f"or 'bool', got {dtype!r}"
            ) from None
        if dt.kind == "f":
            return _record(self.data.astype(dt), _CAST, (self,))
        if dt.kind not in "biu":
            raise TypeError(f"astype: dtype must be a floating, integer or bool type, got {dt}")
        return _constant(self.data.astype(dt), self)

    # -- backward ------------------------------------------------------------------
    def backward(self, gradient: ArrayLike | None = None, create_graph: bool = False) -> None:
        """Backpropagate from this tensor.

        ``gradient`` defaults to 1 for a one-element tensor; any larger tensor needs
        one of its own shape. Leaves accumulate into ``.grad``. With
        ``create_graph=True`` the backward pass is recorded: every ``.grad`` is a
        Tensor that can be differentiated again.

        >>> x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad
        array([2., 4., 6.])
        """
        if not self.requires_grad:
            how = (
                f"it was computed by {self._op!r} under no_grad() or from inputs without "
                "requires_grad=True"
                if self._op
                else "it is a leaf with requires_grad=False"
            )
            raise RuntimeError(f"backward: this tensor does not require grad: {how}")
        if gradient is None:
            if self.data.size != 1:
                raise ValueError(
                    "backward: gradient can be omitted only for a one-element tensor; this one "
                    f"has shape {self.shape}: pass gradient= with that shape (or reduce it, "
                    "e.g. .sum())"
                )
            seed: Any = np.empty_like(self.data)
            seed.fill(1)
        elif create_graph and isinstance(gradient, Tensor):
            seed = gradient
        else:
            raw = gradient.data if isinstance(gradient, Tensor) else gradient
            kind = np.asarray(raw).dtype.kind if not isinstance(raw, (str, bytes)) else "U"
            if kind not in "biuf":
                raise TypeError(
                    f"backward: gradient must be real numbers of shape {self.shape} "
                    f"(a Tensor or an array), got {type(raw).__name__}"
                    + (f" of dtype {np.asarray(raw).dtype}" if kind != "U" else "")
                )
            seed = np.array(raw, dtype=self.data.dtype)
        if gradient is not None and seed.shape != self.shape:
            raise ValueError(f"backward: gradient has shape {seed.shape}, expected {self.shape}")
        if create_graph and not isinstance(seed, Tensor):
            seed = _constant(seed)
        run_backward(self, seed, create_graph, sweep_arrays)

    def _rule_grads(self, g: Any, recorded: bool) -> tuple[Sequence[Any], tuple[bool, ...]]:
        """The op's rule applied to ``g``: one gradient per input (a wrong count raises),
        and which inputs need one. ``recorded``: on Tensors, else on ndarrays."""
        parents = self._parents
        n = len(parents)
        if n == 1:  # the common case, without building tuples
            p = parents[0]
            needs: tuple[bool, ...] = _NEEDS if p.requires_grad else _NEEDS_NOT
            inputs = parents if recorded else (p.data,)
        else:
            needs = tuple(map(_requires_grad, parents))
            inputs = parents if recorded else tuple(map(_data, parents))
        grads = self._rule.rule(  # type: ignore[union-attr]
            g, inputs, self if recorded else self.data, self._saved, needs
        )
        try:
            count = len(grads)
        except TypeError:  # None, a generator, a number: (a str or dict fails per gradient)
            raise TypeError(
                f"{self._op}: its gradient rule returned a {type(grads).__name__}; "
                f"expected a tuple with one gradient (or None) per input ({n})"
            ) from None
        if count != n:
            if not isinstance(grads, (tuple, list)):
                raise TypeError(
                    f"{self._op}: its gradient rule returned a "
                    f"{type(grads).__name__}; expected a tuple with one gradient "
                    f"(or None) per input ({n})"
                )
            raise ValueError(
                f"{self._op}: its gradient rule returned {len(grads)} gradient(s) for {n} input(s)"
            )
        return grads, needs

    # What the graph core's sweeps call (graph.sweep_arrays, the fused plain sweep, calls
    # _check_versions, _rule_grads and _fitted itself; the other sweeps _backward_step).
    _check_versions = _check_versions
    _fitted = staticmethod(_fitted)

    def _backward_step(self, g: Any, recorded: bool) -> list[Any]:
        """The gradients ``g`` sends to the parents, fitted to their shapes and dtypes
        (``None`` where a parent needs none): the step of the recorded and checked sweeps."""
        if self._epoch != VERSION_CLOCK[0]:  # an in-place change since: did it touch us?
            _check_versions(self)
        grads, needs = self._rule_grads(g, recorded)
        return [
            _fitted(pg, parent.data, self._op, recorded) if pg is not None and need else None
            for parent, pg, need in zip(self._parents, grads, needs, strict=True)
        ]

    def _accumulate_leaf(self, g: Any, shared: bool) -> None:
        """Add ``g`` to this leaf's grad, in place once the leaf owns an ndarray."""
        # The stored gradient, read and written through the slot: a subclass may show
        # .grad otherwise (the PyTorch facade shows it as a Tensor).
        old = self._grad_slot
        if old is None:
            # A leaf keeps its grad across calls and may be updated in place,
            # so it must own it: not a read-only broadcast, a view, or another node's grad.
            if type(g) is np.ndarray and (shared or g.base is not None or not g.flags.writeable):
                g = g.copy()
            self._grad_slot = g
        elif type(old) is np.ndarray and type(g) is np.ndarray:
            old += g
        else:
            self._grad_slot = old + g

    # numpy on Tensors: ufuncs (np.exp(t), ndarray + t) and numpy functions (np.sum(t),
    # np.concatenate([t, u])) map onto the ops above. One that has no op here is refused
    # while it would drop a graph, and otherwise runs on the data (np.asarray(t) always
    # works: it reads ``__array__``).
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        name = ufunc.__name__
        if method == "__call__" and not kwargs:
            if name in _UFUNC_BINARY and len(inputs) == 2:
                a, b = inputs
                like = a if isinstance(a, Tensor) else b
                return _UFUNC_BINARY[name](_operand(a, like, name), _operand(b, like, name))
            if name in _UFUNC_UNARY and len(inputs) == 1:
                return getattr(inputs[0], _UFUNC_UNARY[name])()
            if name in _UFUNC_COMPARE and len(inputs) == 2:
                a, b = inputs
                if isinstance(a, Tensor):
                    return _compare(ufunc, a, b, name)
                return _constant(np.asarray(ufunc(a, b.data)))
        elif len(kwargs) == 1 and len(inputs) == 2 and type(inputs[0]) is np.ndarray:
            # ``array += t`` (an optimizer's update on .data): on the data, t not in a graph
            b, out = inputs[1], kwargs.get("out")
            if (
                type(out) is tuple
                and len(out) == 1
                and out[0] is inputs[0]
                and isinstance(b, Tensor)
                and not (b.requires_grad and PER_THREAD.state.grad_enabled)
            ):
                return getattr(ufunc, method)(out[0], b.data, out=out)
        if _tracks_grad((inputs, kwargs)) and not _bool_ufunc(ufunc):
            call = f"np.{name}" if method == "__call__" else f"np.{name}.{method}"
            raise TypeError(
                f"{call} would drop the graph of a Tensor that requires grad; "
                f"{_UFUNC_HINTS.get(name, _HINT)}"
            )
        return getattr(ufunc, method)(*_unwrapped(inputs), **_unwrapped(kwargs))

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        name = func.__name__
        impl = _NUMPY_FUNCTIONS.get(name)
        if impl is not None and func is getattr(np, name, None):
            return impl(*args, **kwargs)
        if name in _NUMPY_NO_GRAPH or not _tracks_grad((args, kwargs)):
            return func(*_unwrapped(args), **_unwrapped(kwargs))
        module = func.__module__ or "numpy"
        where = "np.linalg" if "linalg" in module else "np.fft" if "fft" in module else "np"
        raise TypeError(
            f"{where}.{name} would drop the graph of a Tensor that requires grad; "
            f"{_FUNCTION_HINTS.get(name, _HINT)}"
        )


Tensor._result_class = Tensor
Tensor._grad_slot = Tensor.__dict__["grad"]  # the slot's descriptor: its second name


def _comparable(other: object) -> bool:
    """Whether ``==`` compares elementwise (numbers, arrays, Tensors, lists), rather than
    falling back to identity (None, strings, Values, other objects)."""
    return isinstance(
        other, (Tensor, np.ndarray, int, float, np.number, np.bool_, list, tuple)
    ) and not isinstance(other, (str, bytes))


def _compare(ufunc: Any, a: Tensor, other: Any, op: str) -> Tensor:
    """An elementwise comparison: a bool Tensor, without gradient."""
    if isinstance(other, Tensor):
        o: Any = other.data
    elif isinstance(other, (int, float, np.number, np.ndarray, np.bool_)):
        o = other
    elif type(other).__name__ == "Value":
        raise TypeError(f"{op}: cannot compare a Tensor with a Value; use value.data")
    else:
        o = (
            _as_float_array(other, what=op)
            if not isinstance(other, (list, tuple))
            else np.asarray(other)
        )
    try:
        out = ufunc(a.data, o)
    except ValueError:
        raise ValueError(
            f"{op}: shapes {a.shape} and {np.shape(o)} cannot be broadcast together"
        ) from None
    return _constant(np.asarray(out), a)


def mark_changed(tensors: Iterable[Any], op: str) -> None:
    """Record that ``op`` changed these tensors' values in place (bumps their versions;
    anything else in ``tensors``, such as a Value parameter, is skipped).

    Everything in the library that writes into a Tensor's array (in-place methods,
    optimizer steps, ``nn.init``) calls it; a backward that needs an older value raises.

    >>> t = Tensor([1.0])
    >>> mark_changed([t], "my_update"); t._version
    1
    """
    info = (tick(), op)  # one tuple for all of them
    for t in tensors:
        try:
            t._vcount += 1
        except AttributeError:  # its first in-place change (or not a Tensor: skipped)
            if not isinstance(t, Tensor):
                continue
            t._vcount = 1
        t._vinfo = info


def mark_stepped(groups: Iterable[Iterable[tuple[Any, Any]]], op: str) -> None:
    """``mark_changed`` for an optimizer step: ``groups`` holds (parameter, gradient)
    pairs per parameter group (Value parameters are skipped)."""
    info = (tick(), op)
    for pairs in groups:
        for t, _ in pairs:
            try:
                t._vcount += 1
            except AttributeError:
                if not isinstance(t, Tensor):
                    continue
                t._vcount = 1
            t._vinfo = info


def _inplace(self: Tensor, other: Any, ufunc: Any, op: str, index: Any = None) -> Tensor:
    """The in-place ops: ``ufunc(self, other)`` written into ``self.data`` (``copy_``,
    ``fill_``, ``zero_``, ``clamp_`` and ``setitem`` when ``ufunc`` is None)."""
    state = PER_THREAD.state
    if state.grad_enabled:
        if self.requires_grad:
            what = (
                f"a leaf Variable that requires grad is being used in an in-place operation ({op})"
                if not self._parents
                else f"{op}: an in-place operation on a tensor that requires grad (the result of "
                f"{self._op!r})"
            )
            raise RuntimeError(
                f"{what}; change it under no_grad() (as an optimizer does), or "
                "write it out of place (t = t + x)"
            )
        if isinstance(other, Tensor) and other.requires_grad:
            raise RuntimeError(
                f"{op}: the tensor does not require grad but the value written into it does; "
                "an in-place change would drop that value's graph: write it out of place "
                "(t = t + x; autograd.where or stack to build a tensor from parts)"
            )
    d = self.data
    o: Any = other.data if isinstance(other, Tensor) else other
    if type(o).__name__ == "Value":
        raise TypeError(f"{op}: cannot mix a Value with a Tensor; use value.data")
    if isinstance(o, (list, tuple)) and op != "clamp_":
        o = np.asarray(o)
    try:
        if ufunc is not None:
            if isinstance(o, np.ndarray) and np.broadcast_shapes(o.shape, d.shape) != d.shape:
                raise ValueError("shape")
            ufunc(d, o, out=d, casting="same_kind")
        elif op == "setitem":
            d[index] = o
        elif op == "clamp_":
            np.clip(d, o[0], o[1], out=d)
        else:  # copy_, fill_, zero_
            if isinstance(o, np.ndarray) and np.broadcast_shapes(o.shape, d.shape) != d.shape:
                raise ValueError("shape")
            np.copyto(d, o, casting="unsafe")
    except TypeError as exc:  # numpy's casting error (int tensor += float)
        raise RuntimeError(
            f"{op}: the result type of {d.dtype} and {np.asarray(o).dtype} "
            f"cannot be written into this {d.dtype} tensor in place ({exc})"
        ) from None
    except ValueError as exc:
        if not d.flags.writeable:
            raise ValueError(
                f"{op}: this tensor's array is read-only (a broadcast view?); "
                "it cannot be changed in place"
            ) from None
        if op == "setitem":
            raise ValueError(f"setitem: {exc} (tensor shape {d.shape})") from None
        raise ValueError(
            f"{op}: a value of shape {np.shape(o)} cannot be written into a "
            f"tensor of shape {d.shape}"
        ) from None
    except IndexError as exc:
        raise IndexError(f"setitem: {exc} (tensor shape {d.shape})") from None
    mark_changed((self,), op)
    return self


def _rebuild_tensor(
    cls: type[Tensor], state: tuple[Any, ...], extra: dict[str, Any] | None
) -> Tensor:
    """Unpickle a leaf (``Tensor.__reduce_ex__``)."""
    data, grad, requires_grad, label, from_bool = state
    t = cls.__new__(cls)
    t.data, t.grad, t.requires_grad, t.label = data, grad, bool(requires_grad), label
    t._op, t._parents, t._rule, t._saved, t._scope, t._origin = "", (), None, (), "", None
    if from_bool:
        t._from_bool = True
    if extra:
        t.__dict__.update(extra)
    return t


def _numpy_reduction_kwargs(op: str, kwargs: dict[str, Any]) -> None:
    """``np.sum(t)`` calls ``t.sum(axis=None, dtype=None, out=None)``: accept numpy's defaults."""
    for key, value in kwargs.items():
        if key in ("dtype", "out", "initial", "where") and value is None:
            continue
        if key == "where" and value is True:
            continue
        raise TypeError(
            f"{op}: unsupported argument {key}={value!r} (Tensor.{op} takes axis and keepdims)"
        )


def _one_axis(axis: Any, ndim: int, op: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be one integer, got {axis!r}")
    (ax,) = _axes(int(axis), ndim, op) or (0,)
    return ax


def _matmul(a: Tensor, b: Tensor) -> Tensor:
    x, y = a.data, b.data
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(
            f"matmul: both operands need at least one dimension, got shapes {x.shape} and {y.shape}"
        )
    k_x = x.shape[-1]
    k_y = y.shape[-2] if y.ndim > 1 else y.shape[0]
    if k_x != k_y:
        raise ValueError(f"matmul: shapes {x.shape} and {y.shape} do not align: {k_x} != {k_y}")
    try:
        out = matmul_array(x, y)
    except ValueError:
        raise ValueError(
            f"matmul: batch dimensions of shapes {x.shape} and {y.shape} "
            "cannot be broadcast together"
        ) from None
    return _record(out, _MATMUL, (a, b))


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``x @ weight.T + bias`` as one node (weight has shape (out_features, in_features)).

    >>> x = Tensor(np.ones((4, 3)))
    >>> w = Tensor(np.ones((2, 3)), requires_grad=True)
    >>> linear(x, w).shape
    (4, 2)
    """
    xd, wd = x.data, weight.data
    if wd.ndim != 2:
        raise ValueError(f"linear: weight must be 2-D (out_features, in_features), got {wd.shape}")
    if xd.ndim == 0 or xd.shape[-1] != wd.shape[1]:
        raise ValueError(
            f"linear: input of shape {xd.shape} does not match weight of shape "
            f"{wd.shape}: expected last dimension {wd.shape[1]} (in_features)"
        )
    if bias is None:
        return _record(linear_array(xd, wd), _LINEAR, (x, weight))
    if bias.data.shape != (wd.shape[0],):
        raise ValueError(f"linear: bias must have shape ({wd.shape[0]},), got {bias.data.shape}")
    return _record(linear_array(xd, wd, bias.data), _LINEAR, (x, weight, bias))


def variance(x: Tensor, axes: tuple[int, ...], correction: float, keepdims: bool) -> Tensor:
    """The variance of a float Tensor over ``axes`` (non-negative ints), dividing by
    ``n - correction`` (PyTorch's ``var``), as one node; ``n - correction`` must be > 0.

    >>> variance(Tensor([1.0, 2.0, 3.0, 4.0]), (0,), 1, False).item()
    1.6666666666666667
    """
    xd = x.data
    n = math.prod(xd.shape[a] for a in axes)
    denom = n - correction
    if xd.dtype.kind != "f" or denom <= 0:
        raise ValueError(
            f"variance: needs a float Tensor and more values than the correction "
            f"({n} values over axes {axes}, correction {correction}, dtype {xd.dtype})"
        )
    centred = xd - np.add.reduce(xd, axis=axes, keepdims=True) / n
    out = (centred * centred).sum(axis=axes, keepdims=bool(keepdims)) / denom
    kept = tuple(1 if i in axes else k for i, k in enumerate(xd.shape))
    return _record(np.asarray(out), _VAR, (x,), (axes, kept, n, denom))


def matmul_array(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``x @ y``; (..., n, k) @ (k, m) as one 2-D product (a batch of small ones is slower).

    >>> matmul_array(np.ones((2, 5, 3)), np.ones((3, 4))).shape
    (2, 5, 4)
    """
    if y.ndim == 2 and x.ndim > 2:
        return (x.reshape(-1, x.shape[-1]) @ y).reshape(*x.shape[:-1], y.shape[1])
    return np.matmul(x, y)


def linear_array(x: np.ndarray, w: np.ndarray, b: np.ndarray | None = None) -> np.ndarray:
    """``x @ w.T + b`` on arrays, as one 2-D product (a stacked one is up to 2x slower).

    >>> linear_array(np.ones((2, 5, 3)), np.ones((4, 3)), np.arange(4.0)).shape
    (2, 5, 4)
    """
    if x.ndim > 2:
        out = (x.reshape(-1, x.shape[-1]) @ w.T).reshape(*x.shape[:-1], w.shape[0])
    else:
        out = np.matmul(x, w.T)
    if b is not None:
        out += b
    return out


def _tensors(items: Sequence[Any], op: str) -> list[Tensor]:
    if len(items) == 0:
        raise ValueError(f"{op}: needs at least one tensor")
    like = next((t for t in items if isinstance(t, Tensor)), None)
    return [_operand(t, like, op) for t in items]


def concatenate(tensors: Sequence[ArrayLike], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis.

    >>> concatenate([Tensor([1.0, 2.0]), Tensor([3.0])]).data
    array([1., 2., 3.])
    """
    ts = _tensors(tensors, "concatenate")
    ax = _one_axis(axis, ts[0].ndim, "concatenate")
    try:
        out = np.concatenate([t.data for t in ts], axis=ax)
    except ValueError:
        raise ValueError(
            "concatenate: shapes "
            + ", ".join(str(t.shape) for t in ts)
            + f" do not match outside axis {axis}"
        ) from None
    return _record(out, _CONCATENATE, tuple(ts), ax)


def stack(tensors: Sequence[ArrayLike], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis.

    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])], axis=1).shape
    (2, 2)
    """
    ts = _tensors(tensors, "stack")
    ax = _one_axis(axis, ts[0].ndim + 1, "stack")
    shapes = {t.shape for t in ts}
    if len(shapes) != 1:
        raise ValueError(
            "stack: all tensors need the same shape, got " + ", ".join(str(t.shape) for t in ts)
        )
    out = np.stack([t.data for t in ts], axis=ax)
    return _record(out, _STACK, tuple(ts), ax)


def where(cond: Any, a: ArrayLike, b: ArrayLike) -> Tensor:
    """Elementwise ``a if cond else b``; the gradient flows to the side chosen.

    >>> x = Tensor([-1.0, 2.0], requires_grad=True)
    >>> where(x > 0, x, 0.0).data
    array([0., 2.])
    """
    c = np.asarray(cond.data if isinstance(cond, Tensor) else cond).astype(bool)
    ta, tb = _tensors([a, b], "where")
    try:
        out = np.where(c, ta.data, tb.data)
    except ValueError:
        raise ValueError(
            f"where: shapes {c.shape}, {ta.shape} and {tb.shape} cannot be broadcast together"
        ) from None
    return _record(out, _WHERE, (ta, tb), c)


def maximum(a: ArrayLike, b: ArrayLike) -> Tensor:
    """Elementwise maximum; ties split the gradient in half.

    >>> maximum(Tensor([1.0, 5.0]), 3.0).data
    array([3., 5.])
    """
    ta, tb = _tensors([a, b], "maximum")
    return _binary(ta, tb, "maximum")


def minimum(a: ArrayLike, b: ArrayLike) -> Tensor:
    """Elementwise minimum; ties split the gradient in half.

    >>> minimum(Tensor([1.0, 5.0]), 3.0).data
    array([1., 3.])
    """
    ta, tb = _tensors([a, b], "minimum")
    return _binary(ta, tb, "minimum")


_UFUNC_BINARY: dict[str, Any] = {
    "add": Tensor.__add__,
    "subtract": Tensor.__sub__,
    "multiply": Tensor.__mul__,
    "true_divide": Tensor.__truediv__,
    "divide": Tensor.__truediv__,
    "power": Tensor.__pow__,
    "matmul": _matmul,
    "maximum": maximum,
    "minimum": minimum,
}
_UFUNC_UNARY = {
    "negative": "__neg__",
    "exp": "exp",
    "log": "log",
    "sqrt": "sqrt",
    "absolute": "abs",
    "sin": "sin",
    "cos": "cos",
    "tanh": "tanh",
    "positive": "__pos__",
    "square": "_square",
}
_UFUNC_COMPARE = {"less", "less_equal", "greater", "greater_equal", "equal", "not_equal"}
_HINT = (
    "use the Tensor's methods and operators or autograd's functions (or call it on "
    "t.detach() if no gradient should flow)"
)
_UFUNC_HINTS = {
    "square": "use t ** 2",
    "reciprocal": "use 1 / t",
    "log1p": "use (1 + t).log()",
    "expm1": "use t.exp() - 1",
    "tan": "use t.sin() / t.cos()",
    "sign": "use t.detach()",
    "power": "use t ** k",
    "matmul": "use a @ b",
}
_FUNCTION_HINTS = {
    "dot": "use x @ w",
    "inner": "use x @ w",
    "vdot": "use (x * w).sum()",
    "tensordot": "use @ with reshape/transpose",
    "einsum": "use @ with reshape/transpose",
    "outer": "use x.reshape(-1, 1) * y.reshape(1, -1)",
    "var": "use ((x - x.mean()) ** 2).mean()",
    "std": "use ((x - x.mean()) ** 2).mean().sqrt()",
    "norm": "use (x ** 2).sum().sqrt()",
    "prod": "use x.log().sum().exp() for positive x",
    "cumsum": "use x @ a triangular matrix of ones",
    "average": "use (x * w).sum() / w.sum()",
    "vstack": "use autograd.concatenate",
    "hstack": "use autograd.concatenate",
    "column_stack": "use autograd.stack(..., axis=1)",
    "square": "use t ** 2",
    "squeeze": "use t.reshape(...)",
    "expand_dims": "use t.reshape(...)",
    "ravel": "use t.reshape(-1)",
    "swapaxes": "use t.transpose(...)",
    "moveaxis": "use t.transpose(...)",
    "tile": "use autograd.concatenate",
    "repeat": "use autograd.concatenate or indexing",
    "sort": "use indexing with t.argsort",
    "pad": "use autograd.concatenate with zeros",
    "diff": "use t[1:] - t[:-1]",
}
# numpy functions whose result carries no gradient (shapes, indices, truth values, text):
# they run on the data of any Tensor.
_NUMPY_NO_GRAPH = frozenset(
    {
        "shape",
        "ndim",
        "size",
        "argmax",
        "argmin",
        "argsort",
        "argwhere",
        "nonzero",
        "flatnonzero",
        "count_nonzero",
        "any",
        "all",
        "allclose",
        "isclose",
        "array_equal",
        "array_equiv",
        "isfinite",
        "isnan",
        "isinf",
        "isreal",
        "iscomplex",
        "iscomplexobj",
        "isrealobj",
        "array2string",
        "array_repr",
        "array_str",
        "may_share_memory",
        "shares_memory",
        "result_type",
        "can_cast",
        "min_scalar_type",
        "searchsorted",
        "digitize",
        "bincount",
        "unique",
        "histogram",
        "histogram_bin_edges",
        "save",
        "savez",
        "savez_compressed",
        "savetxt",
        "copyto",
        "broadcast_shapes",
        "iterable",
        "sometrue",
        "alltrue",
        "zeros_like",
        "ones_like",
        "empty_like",
    }
)


def _tracks_grad(args: Any) -> bool:
    """Whether grad mode is on and ``args`` (nested tuples, lists, dicts) hold a Tensor that
    requires grad: a numpy function returning an ndarray would drop its graph."""
    if not PER_THREAD.state.grad_enabled:
        return False
    stack = [args]
    while stack:
        x = stack.pop()
        if isinstance(x, Tensor):
            if x.requires_grad:
                return True
        elif isinstance(x, (list, tuple)):
            stack.extend(x)
        elif isinstance(x, dict):
            stack.extend(x.values())
    return False


def _unwrapped(x: Any) -> Any:
    """``x`` with every Tensor (in nested tuples, lists, dicts) replaced by its data."""
    if isinstance(x, Tensor):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_unwrapped(i) for i in x)
    if isinstance(x, dict):
        return {k: _unwrapped(v) for k, v in x.items()}
    return x


def _bool_ufunc(ufunc: Any) -> bool:
    """A ufunc whose every loop returns bools (isfinite, logical_and): no gradient to drop."""
    return all(t.split("->")[1] == "?" for t in ufunc.types)


def _np_reduction(method: str) -> Callable[..., Tensor]:
    def reduce(
        a: Any, axis: Axis = None, *args: Any, keepdims: bool = False, **kwargs: Any
    ) -> Tensor:
        if args:
            raise TypeError(f"np.{method} on a Tensor takes axis and keepdims")
        return getattr(as_tensor(a, method), method)(axis=axis, keepdims=bool(keepdims), **kwargs)

    return reduce


def _np_reshape(a: Any, *args: Any, **kwargs: Any) -> Tensor:
    shape = args[0] if args else kwargs.pop("newshape", kwargs.pop("shape", None))
    if kwargs.get("order", "C") != "C":
        raise TypeError("np.reshape on a Tensor supports order='C' only")
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    return as_tensor(a, "reshape").reshape(tuple(shape))


def _np_transpose(a: Any, axes: Any = None) -> Tensor:
    t = as_tensor(a, "transpose")
    return t.transpose() if axes is None else t.transpose(tuple(axes))


def _np_where(cond: Any, *ab: Any) -> Any:
    if len(ab) != 2:  # np.where(cond): indices, no gradient
        return np.where(_unwrapped(cond))
    return where(cond, *ab)


def _np_dot(a: Any, b: Any) -> Tensor:
    ta, tb = _tensors([a, b], "dot")
    if ta.ndim == 0 or tb.ndim == 0:
        return ta * tb
    if ta.ndim > 2 or tb.ndim > 2:
        raise TypeError(
            "np.dot would drop the graph of a Tensor that requires grad; use x @ w "
            "(for more than 2 dimensions, with matmul's batch rule, not np.dot's)"
        )
    return _matmul(ta, tb)


def _np_clip(a: Any, a_min: Any = None, a_max: Any = None, **kwargs: Any) -> Tensor:
    if kwargs:
        a_min = kwargs.pop("min", a_min)
        a_max = kwargs.pop("max", a_max)
    if kwargs:
        raise TypeError(f"np.clip on a Tensor does not take {sorted(kwargs)}")
    t = as_tensor(a, "clip")
    lo = -np.inf if a_min is None else _unwrapped(a_min)
    hi = np.inf if a_max is None else _unwrapped(a_max)
    inside = (t.data >= lo) & (t.data <= hi)
    # The gradient flows where the input is inside [lo, hi] (ends included, as PyTorch's
    # clamp); elsewhere the result is the constant bound.
    bound = np.where(t.data < lo, lo, hi) * np.ones_like(t.data)
    return where(inside, t, _constant(np.asarray(bound, dtype=t.dtype)))


def _np_square(a: Any, **kwargs: Any) -> Tensor:
    t = as_tensor(a, "square")
    return t * t


_NUMPY_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sum": _np_reduction("sum"),
    "mean": _np_reduction("mean"),
    "max": _np_reduction("max"),
    "amax": _np_reduction("max"),
    "min": _np_reduction("min"),
    "amin": _np_reduction("min"),
    "reshape": _np_reshape,
    "transpose": _np_transpose,
    "concatenate": lambda arrays, axis=0: concatenate(arrays, axis),
    "stack": lambda arrays, axis=0: stack(arrays, axis),
    "where": _np_where,
    "dot": _np_dot,
    "clip": _np_clip,
    "matmul": lambda a, b: _matmul(*_tensors([a, b], "matmul")),
    "maximum": maximum,
    "minimum": minimum,
    "ravel": lambda a, order="C": as_tensor(a, "ravel").reshape(-1),
}
