"""Tensor: a numpy-backed node, and ``Op``, the one way a Tensor op is defined.

Each op computes its result with numpy and records its inputs with an ``Op``:
the op's name and its gradient rule. Elementwise ops take their forward and
derivative from ``autograd.core.registry``; the other rules live in
``autograd.core.tensor_rules``. Backward walks the shared graph core; every gradient is
reduced to its operand's shape in one place, ``generic.unbroadcast``.

A Tensor made from a float ndarray shares its memory (like ``torch.as_tensor``);
``nn.Parameter`` copies.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any, Union

import numpy as np

from autograd.core import tensor_rules as vjp
from autograd.core.generic import unbroadcast
from autograd.core.graph import (
    PER_THREAD,
    creation_site,
    run_backward,
    topological_order,
    write_gradients,
)
from autograd.core.registry import REGISTRY, Elementwise, times, unary_method

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence[Any]]
Axis = int | Sequence[int] | None
Rule = Callable[[Any, tuple[Any, ...], Any, Any, tuple[bool, ...]], Sequence[Any]]

def _as_float_array(data: Any, dtype: Any = None, what: str = "Tensor") -> np.ndarray:
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

    __slots__ = ("name", "rule")

    def __init__(self, name: str, rule: Rule) -> None:
        self.name = name
        self.rule = rule

    def __call__(self, out: Any, inputs: Sequence[Tensor], saved: Any = ()) -> Tensor:
        return _record(out, self, tuple(inputs), saved)

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def _record(data: Any, op: Op, parents: tuple[Tensor, ...], saved: Any = ()) -> Tensor:
    """The output node of an op; records the graph only if grad mode is on and an input needs it."""
    out = Tensor.__new__(Tensor)
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    out.grad = None
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


def _fitted(grad: Any, like: np.ndarray, op: str, recorded: bool) -> Any:
    """A rule's gradient for an input holding ``like``: an ndarray (a Tensor when
    ``recorded``) of the input's shape, and in a plain backward of its dtype."""
    if recorded:
        if not isinstance(grad, Tensor):
            grad = _constant(np.asarray(grad, dtype=like.dtype))
    else:
        if type(grad) is not np.ndarray:
            grad = grad.data if isinstance(grad, Tensor) else np.asarray(grad)
        if grad.dtype != like.dtype:
            grad = grad.astype(like.dtype)
    if grad.shape != like.shape:
        grad = unbroadcast(grad, like.shape, op)
    return grad


def _plain_backward(root: Tensor, seed: np.ndarray) -> None:
    """Backward of a Tensor graph on ndarrays (no ``create_graph``, no anomaly mode).

    ``graph.run_backward`` with the node's step and the core's accumulation fused
    into one loop: each rule's gradient goes straight into a private dict, and is
    fitted to its input's shape and dtype only when it is not already right.
    ``.grad`` is written at the end, so a rule that raises leaves every grad as it was.
    """
    order = topological_order(root, leaves=False)
    grads: dict[Tensor, Any] = {root: seed}
    get = grads.get
    shared: set[int] = set()
    for node in reversed(order):
        g = get(node)
        if g is None:
            continue
        pgs, needs = node._rule_grads(g, False)
        for parent, pg, need in zip(node._parents, pgs, needs, strict=True):
            if pg is None or not need:
                continue
            pd = parent.data
            if type(pg) is not np.ndarray or pg.dtype is not pd.dtype or pg.shape != pd.shape:
                pg = _fitted(pg, pd, node._op, False)
            old = get(parent)
            if old is not None:
                grads[parent] = old + pg
                continue
            grads[parent] = pg
            if pg is g:  # a rule passed its upstream on: two nodes hold this array
                shared.add(id(pg))
    write_gradients(order, grads, shared)


def _constant(data: np.ndarray) -> Tensor:
    out = Tensor.__new__(Tensor)
    out.data = data
    out.grad = None
    out.requires_grad = False
    out.label = ""
    out._op = ""
    out._parents = ()
    out._rule = None
    out._saved = ()
    out._scope = ""
    out._origin = None
    return out


def _elementwise_op(spec: Elementwise) -> Op:
    """The Tensor op of a registry entry: gradient = upstream times the local derivative."""
    d = spec.d
    if spec.arity == 1:
        if callable(d) and spec.params:
            def unary_with(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Any:
                return (g * d(inputs[0], out, *saved),)
            return Op(spec.name, unary_with)
        if callable(d):
            return Op(spec.name, lambda g, inputs, out, saved, needs: (g * d(inputs[0], out),))
        return Op(spec.name, lambda g, inputs, out, saved, needs: (times(g, d),))

    def binary(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> Any:
        da, db = d(inputs[0], inputs[1], out, needs) if callable(d) else d
        return (times(g, da) if needs[0] else None, times(g, db) if needs[1] else None)

    return Op(spec.name, binary)


# The ops that are not elementwise; their rules are in autograd.core.tensor_rules.
_SOFTMAX = Op("softmax", vjp.softmax)
_LOG_SOFTMAX = Op("log_softmax", vjp.log_softmax)
_SUM = Op("sum", vjp.sum_)
_MEAN = Op("mean", vjp.mean)
_MAX = Op("max", vjp.extremum)
_MIN = Op("min", vjp.extremum)
_RESHAPE = Op("reshape", vjp.reshape)
_TRANSPOSE = Op("transpose", vjp.transpose)
_GETITEM = Op("getitem", vjp.getitem)
_BROADCAST_TO = Op("broadcast_to", vjp.broadcast_to)
_MATMUL = Op("matmul", vjp.matmul)
_LINEAR = Op("linear", vjp.linear)
_CONCATENATE = Op("concatenate", vjp.concatenate)
_STACK = Op("stack", vjp.stack)
_WHERE = Op("where", vjp.where)
_SCATTER = Op("scatter", vjp.scatter)

_NEEDS, _NEEDS_NOT = (True,), (False,)
_data, _requires_grad = attrgetter("data"), attrgetter("requires_grad")

OPS: dict[str, Op] = {name: _elementwise_op(spec) for name, spec in REGISTRY.items()}
_ADD, _SUB, _MUL, _DIV = OPS["add"], OPS["sub"], OPS["mul"], OPS["div"]
_array = {name: spec.array for name, spec in REGISTRY.items()}


def _unary(x: Tensor, name: str) -> Tensor:
    return _record(_array[name](x.data), OPS[name], (x,))


def _unary_with(x: Tensor, name: str, params: tuple[Any, ...]) -> Tensor:
    """``_unary`` for an entry with parameters (saved for the rule: ``d(x, out, *params)``)."""
    return _record(_array[name](x.data, *params), OPS[name], (x,), params)


def _binary(a: Tensor, b: Tensor, name: str) -> Tensor:
    try:
        out = _array[name](a.data, b.data)
    except ValueError:
        try:
            np.broadcast_shapes(a.data.shape, b.data.shape)
        except ValueError:
            raise _broadcast_error(name, a.data, b.data) from None
        raise
    return _record(out, OPS[name], (a, b))


def _operand(x: Any, like: Tensor | None, op: str) -> Tensor:
    """Turn the other side of an op into a Tensor; numbers take ``like``'s dtype."""
    if isinstance(x, Tensor):
        return x
    dtype = like.data.dtype if like is not None else np.float64
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        try:
            return _constant(np.asarray(x, dtype=dtype))
        except OverflowError:
            raise OverflowError(f"{op}: an integer of {int(x).bit_length()} bits is too large "
                                f"for {np.dtype(dtype)}") from None
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return _constant(x)
    if type(x).__name__ == "Value":
        raise TypeError(
            f"{op}: cannot mix a Value (scalar node) with a Tensor; use Tensor(value.data)"
        )
    arr = _as_float_array(x, what=op)
    if arr.dtype != dtype and np.asarray(x).dtype.kind != "f":
        arr = arr.astype(dtype)
    return _constant(arr)


def _broadcast_error(op: str, a: np.ndarray, b: np.ndarray) -> ValueError:
    return ValueError(f"{op}: shapes {a.shape} and {b.shape} cannot be broadcast together")


def _axes(axis: Axis, ndim: int, op: str) -> tuple[int, ...] | None:
    if axis is None:
        return None
    axes = (axis,) if isinstance(axis, (int, np.integer, bool, float, str)) else axis
    if not isinstance(axes, (tuple, list)):
        raise TypeError(f"{op}: axis must be None, an integer or a tuple of integers, "
                        f"got {axis!r}")
    out = []
    for a in axes:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{op}: axis must be None, an integer or a tuple of integers, "
                            f"got {axis!r}")
        if not -ndim <= a < ndim:  # a 0-d tensor has no axes at all, as in numpy
            raise ValueError(f"{op}: axis {a} is out of range for a tensor with {ndim} dimensions")
        out.append(int(a) % max(ndim, 1))
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
    """A Tensor used as an index: integral values only, never a mask made from bools."""
    if getattr(index, "_from_bool", False):
        raise IndexError("getitem: this index Tensor was made from bools; a Tensor index "
                         "holds integer positions: give a bool mask as a numpy bool array")
    d = index.data
    # count_nonzero, not .all(): a fraction of the cost on the small arrays indices are.
    finite = np.count_nonzero(np.isfinite(d)) == d.size
    ix = d.astype(np.intp) if finite else d
    if not finite or np.count_nonzero(ix != d):
        bad = ~np.isfinite(d) | (d != np.trunc(d))
        raise IndexError(f"getitem: a Tensor index must hold integral values; "
                         f"{int(bad.sum())} of {d.size} are not (first {float(d[bad].flat[0])!r})")
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
        "data", "grad", "requires_grad", "label",
        "_op", "_parents", "_rule", "_saved", "_scope", "_origin", "__weakref__",
        "_from_bool",  # set only by __init__, and only for bool data (refused as an index)
    )

    _GRAD_RESET = None
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

    def __init__(
        self, data: ArrayLike, requires_grad: bool = False, dtype: Any = None, label: str = ""
    ) -> None:
        from_bool = False
        if isinstance(data, Tensor):
            from_bool = getattr(data, "_from_bool", False)
            data = data.data
        if dtype is not None and np.dtype(dtype).kind != "f":
            raise TypeError(f"Tensor: dtype must be a floating type, got {np.dtype(dtype)}")
        if type(data) is not np.ndarray and isinstance(data, np.ma.MaskedArray):
            raise TypeError("Tensor: masked arrays are not supported (the mask would be "
                            "dropped); fill them first, e.g. data.filled(0.0)")
        self.data = _as_float_array(data, dtype)
        if from_bool or (self.data is not data and _made_from_bools(data)):
            self._from_bool = True
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
        """The value of a one-element tensor as a Python float."""
        if self.data.size != 1:
            raise ValueError(
                f"item: only one-element tensors convert to a float, got shape {self.shape}"
            )
        return float(self.data.reshape(()))

    def detach(self) -> Tensor:
        """A new leaf sharing this tensor's data, cut from the graph."""
        return Tensor(self.data, label=self.label)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` on this leaf in place and return it (PyTorch's idiom).

        >>> x = Tensor([1.0, 2.0]).requires_grad_()
        >>> (x * x).sum().backward(); x.grad
        array([2., 4.])
        """
        flag = bool(requires_grad)
        if self._parents and not flag:
            raise RuntimeError(
                f"requires_grad_: this tensor is the result of {self._op!r}, not a leaf; "
                "only leaves can stop requiring grad (use .detach() for a copy cut from the graph)"
            )
        if not self._parents:
            self.requires_grad = flag
        return self

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
        return bool(self.data)

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

    # Comparisons give plain boolean arrays: they have no gradient.
    def __lt__(self, other: ArrayLike) -> np.ndarray:
        return self.data < _operand(other, self, "<").data

    def __le__(self, other: ArrayLike) -> np.ndarray:
        return self.data <= _operand(other, self, "<=").data

    def __gt__(self, other: ArrayLike) -> np.ndarray:
        return self.data > _operand(other, self, ">").data

    def __ge__(self, other: ArrayLike) -> np.ndarray:
        return self.data >= _operand(other, self, ">=").data

    __hash__ = object.__hash__

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
        return _record(self.data.sum(axis=axes, keepdims=keepdims), _SUM, (self,),
                       (axes, keepdims))

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

    def _extremum(self, fn: Any, op: str, axis: Axis, keepdims: bool) -> Tensor:
        axes = _axes(axis, self.ndim, op)
        if self.data.size == 0:
            raise ValueError(f"{op}: the tensor is empty (shape {self.shape})")
        rule = _MAX if op == "max" else _MIN
        return _record(fn(self.data, axis=axes, keepdims=keepdims), rule, (self,),
                       (axes, keepdims))

    # -- shape ---------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        """The same data with a new shape: ``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        try:
            out = self.data.reshape(shape)
        except (ValueError, TypeError):
            raise ValueError(f"reshape: cannot reshape a tensor of shape {self.shape} "
                             f"({self.size} elements) into {tuple(shape)}") from None
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
        return _record(vjp.scatter_array(self.data, index, basic, shape), _SCATTER, (self,),
                       (index, basic))

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
            how = (f"it was computed by {self._op!r} under no_grad() or from inputs without "
                   "requires_grad=True" if self._op else "it is a leaf with requires_grad=False")
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
            seed = np.array(raw, dtype=self.data.dtype)
        if gradient is not None and seed.shape != self.shape:
            raise ValueError(
                f"backward: gradient has shape {seed.shape}, expected {self.shape}"
            )
        if create_graph:
            run_backward(self, seed if isinstance(seed, Tensor) else _constant(seed), True)
        elif PER_THREAD.state.anomaly:
            run_backward(self, seed, False)  # the core's checked sweep
        else:
            _plain_backward(self, seed)

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
            g, inputs, self if recorded else self.data, self._saved, needs)
        if len(grads) != n:
            raise ValueError(f"{self._op}: its gradient rule returned {len(grads)} gradient(s) "
                             f"for {n} input(s)")
        return grads, needs

    def _backward_step(self, g: Any, recorded: bool) -> list[Any]:
        # The graph core's step (recorded and anomaly-checked sweeps); plain backward
        # runs _plain_backward, which does the same in one loop.
        grads, needs = self._rule_grads(g, recorded)
        return [_fitted(pg, parent.data, self._op, recorded) if pg is not None and need
                else None for parent, pg, need in zip(self._parents, grads, needs, strict=True)]

    def _accumulate_leaf(self, g: Any, shared: bool) -> None:
        old = self.grad
        if old is None:
            # A leaf keeps its grad across calls and may be updated in place,
            # so it must own it: not a read-only broadcast, a view, or another node's grad.
            if type(g) is np.ndarray and (shared or g.base is not None or not g.flags.writeable):
                g = g.copy()
            self.grad = g
        elif type(old) is np.ndarray and type(g) is np.ndarray:
            old += g
        else:
            self.grad = old + g

    # numpy ufuncs on Tensors (np.exp(t), ndarray + t) map onto the ops above.
    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__" or kwargs:
            return NotImplemented
        name = ufunc.__name__
        if name in _UFUNC_BINARY and len(inputs) == 2:
            a, b = inputs
            like = a if isinstance(a, Tensor) else b
            return _UFUNC_BINARY[name](_operand(a, like, name), _operand(b, like, name))
        if name in _UFUNC_UNARY and len(inputs) == 1:
            return getattr(inputs[0], _UFUNC_UNARY[name])()
        if name in _UFUNC_COMPARE and len(inputs) == 2:
            return ufunc(*(i.data if isinstance(i, Tensor) else i for i in inputs))
        return NotImplemented


def _numpy_reduction_kwargs(op: str, kwargs: dict[str, Any]) -> None:
    """``np.sum(t)`` calls ``t.sum(axis=None, dtype=None, out=None)``: accept numpy's defaults."""
    for key, value in kwargs.items():
        if key in ("dtype", "out", "initial", "where") and value is None:
            continue
        if key == "where" and value is True:
            continue
        raise TypeError(f"{op}: unsupported argument {key}={value!r} (Tensor.{op} takes axis "
                        "and keepdims)")


def _one_axis(axis: Any, ndim: int, op: str) -> int:
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise TypeError(f"{op}: axis must be one integer, got {axis!r}")
    (ax,) = _axes(int(axis), ndim, op) or (0,)
    return ax


def _matmul(a: Tensor, b: Tensor) -> Tensor:
    x, y = a.data, b.data
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError(f"matmul: both operands need at least one dimension, got shapes "
                         f"{x.shape} and {y.shape}")
    k_x = x.shape[-1]
    k_y = y.shape[-2] if y.ndim > 1 else y.shape[0]
    if k_x != k_y:
        raise ValueError(f"matmul: shapes {x.shape} and {y.shape} do not align: {k_x} != {k_y}")
    try:
        out = np.matmul(x, y)
    except ValueError:
        raise ValueError(f"matmul: batch dimensions of shapes {x.shape} and {y.shape} "
                         "cannot be broadcast together") from None
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
        raise ValueError(f"linear: input of shape {xd.shape} does not match weight of shape "
                         f"{wd.shape}: expected last dimension {wd.shape[1]} (in_features)")
    out = np.matmul(xd, wd.T)
    if bias is None:
        return _record(out, _LINEAR, (x, weight))
    if bias.data.shape != (wd.shape[0],):
        raise ValueError(f"linear: bias must have shape ({wd.shape[0]},), got {bias.data.shape}")
    out += bias.data
    return _record(out, _LINEAR, (x, weight, bias))


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
        raise ValueError("concatenate: shapes " + ", ".join(str(t.shape) for t in ts)
                         + f" do not match outside axis {axis}") from None
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
        raise ValueError("stack: all tensors need the same shape, got "
                         + ", ".join(str(t.shape) for t in ts))
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
        raise ValueError(f"where: shapes {c.shape}, {ta.shape} and {tb.shape} cannot be broadcast "
                         "together") from None
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
    "add": Tensor.__add__, "subtract": Tensor.__sub__, "multiply": Tensor.__mul__,
    "true_divide": Tensor.__truediv__, "divide": Tensor.__truediv__, "power": Tensor.__pow__,
    "matmul": _matmul, "maximum": maximum, "minimum": minimum,
}
_UFUNC_UNARY = {
    "negative": "__neg__", "exp": "exp", "log": "log", "sqrt": "sqrt", "absolute": "abs",
    "sin": "sin", "cos": "cos", "tanh": "tanh",
}
_UFUNC_COMPARE = {"less", "less_equal", "greater", "greater_equal", "equal", "not_equal"}
