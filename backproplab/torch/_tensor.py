"""``backproplab.torch.Tensor``: autograd's Tensor with PyTorch's method names and rules.

It is a subclass of ``autograd.Tensor`` that adds no storage: every op runs on
the engine (one graph, the engine's gradient rules, its in-place version checks)
and its result is of this class (the engine's ``_result_class``), so code that
says ``x.view(-1)``, ``x.max(1).indices`` or ``x.std()`` gets PyTorch's meaning
while the native ``autograd.Tensor`` keeps its own. Integer and bool tensors hold
int/bool arrays; they never require grad.

>>> x = as_tensor([[1.0, 2.0], [3.0, 4.0]]).requires_grad_()
>>> y = (x * x).sum(); y.backward(); x.grad
tensor([[2., 4.],
        [6., 8.]])
>>> x.max(dim=1)
torch.return_types.max(
values=tensor([2., 4.], grad_fn=<MaxBackward0>),
indices=tensor([1, 1]))
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, cast

import numpy as np

import autograd as ag
import autograd.core.tensor as _core
from autograd import is_grad_enabled
from autograd.core.graph import PER_THREAD
from autograd.core.tensor import _constant, mark_changed, variance

from . import _dtypes as D
from ._printing import tensor_text
from ._unsupported import TENSOR_NAMES, missing_method

_Base = ag.Tensor
# The engine's methods and functions, called on this class's tensors; their results are
# of this class at run time (``_result_class``), which their annotations cannot say.
_engine: Any = _Base
_engine_fns: Any = ag
_engine_reshape = _Base.reshape
_engine_binary: Any = _core._binary  # the engine's op on two tensors (its operators' last step)
_engine_matmul: Any = _core._matmul


def _dim_args(name: str, dim: Any, keepdim: bool, numpy_style: dict[str, Any]) -> tuple[Any, bool]:
    """A reduction's ``dim``/``keepdim``, also spelled as numpy's ``axis``/``keepdims`` (which
    PyTorch accepts too, and the engine's layers use); anything else is refused."""
    dim = numpy_style.pop("axis", dim)
    keepdim = numpy_style.pop("keepdims", keepdim)
    if numpy_style:
        raise TypeError(f"{name}: unexpected arguments {sorted(numpy_style)}")
    return dim, keepdim


class _Marks:
    """A note per live tensor, keyed by identity (a tensor's ``==`` is elementwise, so
    weakref's dicts and sets, which compare keys with ``==``, cannot hold tensors)."""

    def __init__(self) -> None:
        self._notes: dict[int, tuple[weakref.ref[Any], Any]] = {}

    def set(self, t: Any, note: Any) -> None:
        key = id(t)
        notes = self._notes

        def forget(_ref: Any, k: int = key) -> None:
            notes.pop(k, None)

        notes[key] = (weakref.ref(t, forget), note)

    def get(self, t: Any, default: Any = None) -> Any:
        entry = self._notes.get(id(t))
        return entry[1] if entry is not None and entry[0]() is t else default


_retained = _Marks()  # non-leaves whose .grad is shown (retain_grad)
# In-place ops on a tensor in the graph, PyTorch's way (the engine refuses them): ``x += y``
# moves x's node into a new object and makes x the node of the result (a "transplant");
# x's version goes up (the engine's ``mark_changed``), so a backward through an op that
# read x's old values raises the engine's version error.
_sum_over: Any = np.add.reduce  # a sum over given axes, without ndarray.sum's layers
_SLOTS = [n for n in _Base.__slots__ if n not in ("__weakref__", "_vcount", "_vinfo")]
# Ops recorded before such a change hold x, now another op's node: their gradient would go
# to the wrong node, so a backward through them raises (where PyTorch, with views, has the
# old node). The tensors whose node was replaced:
_rebound = _Marks()
# PyTorch's name for a node the facade composed (std is sqrt of var; indexing is named by
# its last step: select, slice, index), remembered for the node the facade returned
_fn_names = _Marks()


def _index_name(index: Any) -> str:
    parts = index if isinstance(index, tuple) else (index,)
    if any(isinstance(p, (_Base, np.ndarray, list, range)) for p in parts):
        return "IndexBackward0"
    for p in reversed(parts):
        if p is None:
            return "UnsqueezeBackward0"
        if isinstance(p, slice) and p != slice(None):
            return "SliceBackward0"
        if isinstance(p, (int, np.integer)):
            return "SelectBackward0"
    return "AliasBackward0"


class Size(tuple):
    """A shape, printed as PyTorch prints it: ``torch.Size([2, 3])``."""

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n


class _ValuesIndices(NamedTuple):
    values: Tensor
    indices: Tensor


class _Extremum(_ValuesIndices):
    """``(values, indices)`` of ``max``/``min`` with a dim, printed as PyTorch does."""

    _name = "max"

    def __repr__(self) -> str:
        return (
            f"torch.return_types.{self._name}(\nvalues={self.values!r},\nindices={self.indices!r})"
        )


class _Max(_Extremum):
    _name = "max"


class _Min(_Extremum):
    _name = "min"


class _GradFn:
    """What ``t.grad_fn`` shows: PyTorch's name for the engine op that made ``t``."""

    _NAMES = {
        "add": "AddBackward0",
        "sub": "SubBackward0",
        "mul": "MulBackward0",
        "div": "DivBackward0",
        "pow": "PowBackward0",
        "neg": "NegBackward0",
        "matmul": "MmBackward0",
        "linear": "AddmmBackward0",
        "sum": "SumBackward0",
        "mean": "MeanBackward0",
        "max": "MaxBackward0",
        "min": "MinBackward0",
        "reshape": "ViewBackward0",
        "transpose": "PermuteBackward0",
        "getitem": "IndexBackward0",
        "exp": "ExpBackward0",
        "log": "LogBackward0",
        "tanh": "TanhBackward0",
        "relu": "ReluBackward0",
        "sqrt": "SqrtBackward0",
        "softmax": "SoftmaxBackward0",
        "log_softmax": "LogSoftmaxBackward0",
        "concatenate": "CatBackward0",
        "stack": "StackBackward0",
        "abs": "AbsBackward0",
        "sigmoid": "SigmoidBackward0",
        "where": "WhereBackward0",
        "broadcast_to": "ExpandBackward0",
        "cast": "ToCopyBackward0",
        "index_put": "IndexPutBackward0",
        "cross_entropy": "NllLossBackward0",
        "LayerNormFn": "NativeLayerNormBackward0",
        "BatchNormTrain": "NativeBatchNormBackward0",
    }

    def __init__(self, op: str) -> None:
        self.op = op
        self._name = self._NAMES.get(op, "".join(p.title() for p in op.split("_")) + "Backward0")

    def name(self) -> str:
        """PyTorch's name of the node, as ``grad_fn.name()`` gives it."""
        return self._name

    def __repr__(self) -> str:
        return f"<{self._name} object>"


def _named(t: Tensor, grad_fn_name: str) -> Tensor:
    """``t``, whose ``grad_fn`` shows ``grad_fn_name`` (PyTorch's name for the whole step)."""
    if t._parents:
        _fn_names.set(t, grad_fn_name)
    return t


def _make(arr: np.ndarray, requires_grad: bool = False) -> Tensor:
    """A new leaf holding ``arr`` as is (any dtype: ints and bools too)."""
    t = cast(Tensor, _constant(arr if type(arr) is np.ndarray else np.asarray(arr), Tensor))
    return t.requires_grad_() if requires_grad else t


def wrap(x: Any) -> Any:
    """Re-tag a result the engine made from engine-class inputs (``_bridge.engine_call``)
    as this class: a Tensor, or a tuple/list of them."""
    if type(x) is _Base:
        x.__class__ = Tensor
        return x
    if isinstance(x, (tuple, list)) and not isinstance(x, Size):
        return type(x)(wrap(v) for v in x)
    return x


def _transplant(self: Tensor, build: Any, what: str) -> Tensor:
    """Make ``self`` the node of ``build(old)``, where ``old`` takes over self's node. As
    in PyTorch, the values changed: the ops that read them (those that used self, and
    self's own op if it reads its output) refuse a backward."""
    old = _Base.__new__(_Base)
    for name in _SLOTS:
        slot = _Base.__dict__[name]
        try:
            slot.__set__(old, slot.__get__(self, _Base))
        except AttributeError:  # a slot never set (e.g. one only bool data sets)
            continue
    mark_changed((self, old), what)
    _rebound.set(self, True)
    new = build(old)
    if new.data.dtype != self.data.dtype:
        new = new.astype(self.data.dtype)
    for name in _SLOTS:
        slot = _Base.__dict__[name]
        try:
            slot.__set__(self, slot.__get__(new, _Base))
        except AttributeError:
            continue
    self._grad_slot = None
    return self


def _kind(x: Any) -> str:
    """'f', 'i' (ints and bools) or 'n' (a Python number) for promotion."""
    if isinstance(x, _Base):
        return "f" if x.data.dtype.kind == "f" else "i"
    if isinstance(x, np.ndarray):
        return "f" if x.dtype.kind == "f" else "i"
    if isinstance(x, float):
        return "pf"
    return "pi"


def _as_tensor_like(x: Any) -> Any:
    if isinstance(x, _Base) or isinstance(x, (int, float)) and not isinstance(x, bool):
        return x
    return as_tensor(x)


def _promoted(a: Any, b: Any, true_div: bool) -> tuple[Any, Any]:
    """PyTorch's type promotion for a binary op: ints meet floats as floats (float32 for
    a Python float), and true division of integers is float32."""
    if a.data.dtype.kind == "f":  # the common cases first: no promotion needed
        tb = type(b)
        if tb is float or tb is int or isinstance(b, _Base) and b.data.dtype is a.data.dtype:
            return a, b
    b = _as_tensor_like(b)
    ka, kb = _kind(a), _kind(b)
    if ka == "f" and kb == "f":
        # a 0-d tensor does not raise a tensor's dtype, as in PyTorch
        if a.data.dtype != b.data.dtype:
            if b.data.ndim == 0 and a.data.ndim > 0:
                b = b.to(a.data.dtype)
            elif a.data.ndim == 0 and b.data.ndim > 0:
                a = a.to(b.data.dtype)
        return a, b
    if ka == "i" and kb == "f":
        return a.to(b.data.dtype), b
    if ka == "f" and kb == "i":
        return a, b.to(a.data.dtype)
    if ka == "i" and (kb == "pf" or true_div):
        a = a.to(np.float32)
        if kb == "i":
            b = b.to(np.float32)
        return a, b
    if ka == "i" and kb == "i" and a.data.dtype != b.data.dtype:
        common = np.promote_types(a.data.dtype, b.data.dtype)
        return a.to(common), b.to(common)
    if ka == "i" and kb == "pi":
        return a, _make(np.asarray(b, dtype=a.data.dtype if a.data.dtype.kind != "b" else np.int64))
    return a, b


# + - * whose result records nothing, straight on the arrays (``-lr * p.grad`` in an update):
# the engine's op less its dispatch; the ufunc is the engine's array forward for the op.
_QUICK = {
    "__add__": (np.add, False, "add"),
    "__radd__": (np.add, True, "add"),
    "__sub__": (np.subtract, False, "sub"),
    "__rsub__": (np.subtract, True, "sub"),
    "__mul__": (np.multiply, False, "mul"),
    "__rmul__": (np.multiply, True, "mul"),
}
# The engine's op on two tensors, which its operator reaches after turning a number into
# a tensor (``_operand``): called directly when the other side is a tensor already.
_ON_TENSORS: dict[str, Callable[[Any, Any], Any]] = {
    "__matmul__": _engine_matmul,
    "__truediv__": lambda a, b: _engine_binary(a, b, "div"),
}


def _binary_method(method: str, true_div: bool = False) -> Callable[[Tensor, Any], Tensor]:
    """The facade's operator ``method``: PyTorch's type promotion (``_promoted``), then
    the engine's operator. Hot (every op of a model): with nothing to promote (a float
    tensor and a Python number or a tensor of its dtype) it calls the engine's op
    directly, and + - * that record nothing run on the arrays (``_QUICK``)."""
    engine_op: Any = getattr(_Base, method)  # (typed Any: no cast() calls on the hot path)
    quick = _QUICK.get(method)
    if quick is None:
        on_tensors: Any = _ON_TENSORS.get(method, engine_op)

        def op(self: Tensor, other: Any) -> Tensor:
            dt = self.data.dtype
            if isinstance(other, _Base):
                if other.data.dtype is dt and dt.kind == "f":
                    return on_tensors(self, other)
            elif (type(other) is float or type(other) is int) and dt.kind == "f":
                return engine_op(self, other)
            return engine_op(*_promoted(self, other, true_div))

    else:
        ufunc, swap, name = quick

        def op(self: Tensor, other: Any) -> Tensor:
            to = type(other)
            if to is float or to is int:
                od = other
                needs = self.requires_grad
            elif isinstance(other, _Base) and other.data.dtype is self.data.dtype:
                od = other.data
                needs = self.requires_grad or other.requires_grad
            else:
                return engine_op(*_promoted(self, other, true_div))
            if needs:  # (only float tensors require grad) the engine's op, which records
                if od is other:  # a number: the engine makes it a tensor
                    return engine_op(self, other)
                return (
                    _engine_binary(other, self, name) if swap else _engine_binary(self, other, name)
                )
            if self.data.dtype.kind != "f":
                return engine_op(*_promoted(self, other, true_div))
            state = PER_THREAD.state
            if state.record == 2 and state.trace is not None:
                return engine_op(self, other)  # autograd.compile sees every op
            try:
                r = ufunc(od, self.data) if swap else ufunc(self.data, od)
            except (ValueError, OverflowError):  # the engine says what went wrong
                return engine_op(self, other)
            out: Any = _constant(r if type(r) is np.ndarray else np.asarray(r), Tensor)
            out._op = name
            return out

    op.__name__ = op.__qualname__ = method
    return op


def _mask(mask: Any, t: Any) -> np.ndarray:
    """A bool mask at ``t``'s shape (broadcast)."""
    m = np.asarray(mask.data if isinstance(mask, _Base) else mask, dtype=bool)
    return np.broadcast_to(m, np.broadcast_shapes(m.shape, t.data.shape))


def _dims(dim: Any, ndim: int) -> Any:
    if dim is None or type(dim) is int:
        return dim
    if isinstance(dim, (list, tuple)):
        return tuple(d % ndim if ndim else d for d in dim)
    return dim


def _shape_args(shape: Sequence[Any]) -> tuple[int, ...]:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, Size)):
        shape = tuple(shape[0])
    for s in shape:
        if type(s) is not int:  # numpy or tensor integers, as ints
            return tuple(int(s) for s in shape)
    return tuple(shape)


def _reshape(x: Any, dims: tuple[Any, ...]) -> Any:
    """``view``/``reshape``: the engine's reshape, PyTorch's error."""
    for s in dims:
        if type(s) is not int:  # a shape as one sequence, or numpy or tensor integers
            dims = _shape_args(dims)
            break
    try:
        return _engine_reshape(x, *dims)
    except ValueError:  # PyTorch's error type and words
        raise RuntimeError(
            f"shape '{list(dims)}' is invalid for input of size {x.data.size}"
        ) from None


def _check_device(device: Any, what: str) -> None:
    if device is not None and str(device) not in ("cpu", "cpu:0"):
        raise RuntimeError(
            f"{what}: device {str(device)!r} is not available here: "
            "backproplab.torch runs on the CPU only (use 'cpu')"
        )


class device:  # noqa: N801 - PyTorch's name
    """``torch.device("cpu")``, what ``t.device`` gives; other devices are refused.

    >>> device("cpu"), str(device("cpu")), device("cpu") == device("cpu")
    (device(type='cpu'), 'cpu', True)
    """

    def __init__(self, type: str = "cpu") -> None:  # noqa: A002
        _check_device(type, "device")
        self.type = "cpu"
        self.index = None

    def __repr__(self) -> str:
        return "device(type='cpu')"

    def __str__(self) -> str:
        return "cpu"

    def __eq__(self, other: object) -> bool:
        # (PyTorch's device is not equal to the string 'cpu'; equal here, as it was before
        # t.device was a device: code written either way keeps working)
        return isinstance(other, device) or other in ("cpu", "cpu:0")

    def __hash__(self) -> int:
        return hash("cpu")


_CPU = device()


class Tensor(_Base):
    """autograd's Tensor speaking PyTorch (see the module docstring)."""

    __slots__ = ()

    # -- .grad: a Tensor, shown for leaves and for non-leaves that asked retain_grad()
    @property
    def grad(self) -> Any:
        g = self._grad_slot  # the engine's storage for .grad
        if g is None or self._parents and not _retained.get(self, False):
            return None
        if type(g) is np.ndarray:  # a view of the stored array: zero_() reaches it
            return _constant(g, Tensor)
        return wrap(g)

    @grad.setter
    def grad(self, value: Any) -> None:
        if value is not None and isinstance(value, _Base) and not value.requires_grad:
            value = value.data
        self._grad_slot = value

    def __array_ufunc__(
        self, ufunc: Any, method: str, *inputs: Any, out: Any = None, **kwargs: Any
    ) -> Any:
        # Hot: ``p.data += -lr * p.grad`` is ``ufunc(array, self, out=(array,))`` (numpy
        # gives ``out`` as a tuple): the engine's update on the arrays, with less dispatch.
        if out is not None:
            if not kwargs and len(inputs) == 2 and method == "__call__":
                a, b = inputs
                if (
                    b is self
                    and out[0] is a
                    and len(out) == 1
                    and type(a) is np.ndarray
                    and not (self.requires_grad and PER_THREAD.state.grad_enabled)
                ):
                    return ufunc(a, self.data, a)  # (out positionally: no keywords)
            kwargs["out"] = out
        return _Base.__array_ufunc__(self, ufunc, method, *inputs, **kwargs)

    def retain_grad(self) -> None:
        """Keep this non-leaf's ``.grad`` after backward (PyTorch hides it otherwise)."""
        if self._parents:
            _retained.set(self, True)

    @property
    def is_leaf(self) -> bool:
        return not self._parents

    @property
    def grad_fn(self) -> _GradFn | None:
        if not self._parents:
            return None
        fn = _GradFn(self._op)
        name = _fn_names.get(self)
        if name is None and self._op == "getitem":  # named by its index, read when asked
            name = _index_name(self._saved[0])
        fn._name = name or fn._name
        return fn

    @property
    def retains_grad(self) -> bool:
        return bool(_retained.get(self, False))

    # -- what a tensor is -----------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self.data.shape)

    @property
    def dtype(self) -> D.dtype:  # type: ignore[override]
        return D.of_numpy(self.data.dtype)

    @property
    def device(self) -> device:
        return _CPU

    @property
    def is_cuda(self) -> bool:
        return False

    def size(self, dim: int | None = None) -> Any:  # type: ignore[override]
        """The shape as ``torch.Size``, or one dimension's length (PyTorch's ``size``)."""
        if dim is None:
            return Size(self.data.shape)
        return self.data.shape[dim]

    def dim(self) -> int:
        return self.data.ndim

    def numel(self) -> int:
        return int(self.data.size)

    nelement = numel

    def is_floating_point(self) -> bool:
        return self.data.dtype.kind == "f"

    def item(self) -> Any:
        """The one value as a Python number (int for integer tensors, as in PyTorch)."""
        if self.data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self.data.size} elements cannot be converted to Scalar"
            )
        return self.data.reshape(()).item()

    def tolist(self) -> Any:
        return self.data.tolist()

    def numpy(self) -> np.ndarray:
        if self.requires_grad and is_grad_enabled():
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. "
                "Use tensor.detach().numpy() instead."
            )
        return self.data

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __format__(self, spec: str) -> str:
        if self.data.ndim == 0:
            return format(self.item(), spec)
        return format(str(self), spec)

    def __repr__(self) -> str:
        dt = self.data.dtype
        default = dt in (np.float32, np.int64, np.bool_)
        return tensor_text(
            self.data,
            repr(D.of_numpy(dt)),
            default,
            fn.name() if (fn := self.grad_fn) else None,
            self.requires_grad,
        )

    __str__ = __repr__

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return len(self.data)

    def __iter__(self) -> Any:
        if self.data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(len(self.data)))

    __hash__ = _Base.__hash__

    # -- conversions ----------------------------------------------------------------
    def to(self, *args: Any, **kwargs: Any) -> Tensor:
        """``.to(dtype)``, ``.to("cpu")``, ``.to(other_tensor)``; other devices are refused."""
        target = kwargs.get("dtype")
        _check_device(kwargs.get("device"), "to")
        for a in args:
            if isinstance(a, _Base):
                target = a.data.dtype
            elif isinstance(a, (str, device)) or a is None:
                _check_device(a, "to")
            else:
                target = a
        if target is None:
            return self
        nd = D.to_numpy(target, "to")
        if nd == self.data.dtype:
            return self
        return _engine.astype(self, nd)

    def cpu(self) -> Tensor:
        return self

    def cuda(self, *args: Any, **kwargs: Any) -> Tensor:
        _check_device("cuda", "cuda")
        return self

    def detach(self) -> Tensor:
        return _make(self.data)

    def clone(self) -> Tensor:
        if self.requires_grad:
            return _named(_engine.__mul__(self, 1.0), "CloneBackward0")
        return _make(self.data.copy())

    def contiguous(self) -> Tensor:
        return self

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        if requires_grad and self.data.dtype.kind != "f":
            raise RuntimeError("only Tensors of floating point dtype can require gradients")
        _engine.requires_grad_(self, requires_grad)
        return self

    # -- arithmetic: PyTorch's type promotion, results of this class ----------------
    __add__ = _binary_method("__add__")
    __radd__ = _binary_method("__radd__")
    __sub__ = _binary_method("__sub__")
    __rsub__ = _binary_method("__rsub__")
    __mul__ = _binary_method("__mul__")
    __rmul__ = _binary_method("__rmul__")
    __truediv__ = _binary_method("__truediv__", true_div=True)
    __rtruediv__ = _binary_method("__rtruediv__", true_div=True)

    def __floordiv__(self, other: Any) -> Tensor:
        return _make(_integral_division(np.floor_divide, self, other))

    def __mod__(self, other: Any) -> Tensor:
        return _make(_integral_division(np.remainder, self, other))

    __pow__ = _binary_method("__pow__")
    __rpow__ = _binary_method("__rpow__")
    __matmul__ = _binary_method("__matmul__")
    __rmatmul__ = _binary_method("__rmatmul__")

    def __neg__(self) -> Tensor:
        return _engine.__neg__(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return self.abs()

    # comparisons are the engine's (bool tensors); the bitwise ones, on ints and bools
    def __invert__(self) -> Tensor:
        return _make(~self.data)

    def __and__(self, other: Any) -> Tensor:
        return _make(np.asarray(self.data & (other.data if isinstance(other, _Base) else other)))

    def __or__(self, other: Any) -> Tensor:
        return _make(np.asarray(self.data | (other.data if isinstance(other, _Base) else other)))

    def eq(self, other: Any) -> Tensor:
        return self == other

    def ne(self, other: Any) -> Tensor:
        return self != other

    def lt(self, other: Any) -> Tensor:
        return self < other

    def le(self, other: Any) -> Tensor:
        return self <= other

    def gt(self, other: Any) -> Tensor:
        return self > other

    def ge(self, other: Any) -> Tensor:
        return self >= other

    # -- the operators by name (PyTorch's ``alpha`` scales ``other``)
    def add(self, other: Any, alpha: Any = 1) -> Tensor:
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other: Any, alpha: Any = 1) -> Tensor:
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other: Any) -> Tensor:
        return self * other

    def div(self, other: Any, rounding_mode: str | None = None) -> Tensor:
        if rounding_mode is None:
            return self / other
        if rounding_mode == "floor":
            return self // other
        raise NotImplementedError(
            f"div: rounding_mode={rounding_mode!r} is not supported here (None or 'floor')"
        )

    def neg(self) -> Tensor:
        return -self

    def reciprocal(self) -> Tensor:
        return 1 / self

    def where(self, condition: Any, other: Any) -> Tensor:
        """``torch.where(condition, self, other)``."""
        from ._functions import where

        return where(condition, self, other)

    # -- in place: the engine's (versions bumped, checked in backward); on a tensor in
    # the graph, where the engine refuses and PyTorch records the op, a transplant
    def _inplace_ok(self, what: str) -> None:
        if self.requires_grad and is_grad_enabled() and not self._parents:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an "
                f"in-place operation ({what})."
            )

    def _recorded(self, other: Any) -> bool:
        """Whether an in-place change with ``other`` goes into the graph."""
        return is_grad_enabled() and (
            self.requires_grad or isinstance(other, _Base) and other.requires_grad
        )

    def _inplace(self, other: Any, method: str, what: str) -> Tensor:
        if self._recorded(other):
            self._inplace_ok(what)
            return _transplant(self, lambda old: getattr(old, method)(other), what)
        return getattr(_Base, what)(self, other)

    def __iadd__(self, other: Any) -> Tensor:
        return self._inplace(other, "__add__", "add_")

    def __isub__(self, other: Any) -> Tensor:
        return self._inplace(other, "__sub__", "sub_")

    def __imul__(self, other: Any) -> Tensor:
        return self._inplace(other, "__mul__", "mul_")

    def __itruediv__(self, other: Any) -> Tensor:
        return self._inplace(other, "__truediv__", "div_")

    def add_(self, other: Any, alpha: float = 1.0) -> Tensor:
        return self._inplace(other * alpha if alpha != 1.0 else other, "__add__", "add_")

    def sub_(self, other: Any, alpha: float = 1.0) -> Tensor:
        return self._inplace(other * alpha if alpha != 1.0 else other, "__sub__", "sub_")

    def mul_(self, other: Any) -> Tensor:
        return self._inplace(other, "__mul__", "mul_")

    def div_(self, other: Any) -> Tensor:
        return self._inplace(other, "__truediv__", "div_")

    def _rewrite(self, what: str, build: Any) -> Tensor:
        """An in-place change in the graph: self becomes the node of ``build(old node)``."""
        self._inplace_ok(what)
        return _transplant(self, build, what)

    def zero_(self) -> Tensor:
        if self._recorded(None):
            return self._rewrite("zero_", lambda old: old * 0.0)
        return _engine.zero_(self)

    def fill_(self, value: Any) -> Tensor:
        if self._recorded(value):
            return self._rewrite("fill_", lambda old: old * 0.0 + value)
        return _engine.fill_(self, value)

    def copy_(self, src: Any) -> Tensor:
        if self._recorded(src):
            return self._rewrite("copy_", lambda old: old * 0.0 + src)
        return _engine.copy_(self, src)

    def clamp_(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        if self._recorded(None):
            return self._rewrite("clamp_", lambda old: Tensor.clamp(old, min, max))
        return _engine.clamp_(self, min, max)

    def masked_fill_(self, mask: Any, value: float) -> Tensor:
        if self._recorded(value):
            return self._rewrite("masked_fill_", lambda old: Tensor.masked_fill(old, mask, value))
        _engine.__setitem__(self, _mask(mask, self), value)
        return self

    def normal_(self, mean: float = 0.0, std: float = 1.0, generator: Any = None) -> Tensor:
        from . import _random as R

        self._inplace_ok("normal_")
        g = R.generator_or_default(generator)
        self.data[...] = R.normal_floats(
            g, self.data.size, self.data.dtype.name, mean, std
        ).reshape(self.data.shape)
        return self

    def uniform_(self, a: float = 0.0, b: float = 1.0, generator: Any = None) -> Tensor:
        from . import _random as R

        self._inplace_ok("uniform_")
        g = R.generator_or_default(generator)
        self.data[...] = R.uniform_floats(g, self.data.size, self.data.dtype.name, a, b).reshape(
            self.data.shape
        )
        return self

    def __setitem__(self, index: Any, value: Any) -> None:
        if self._recorded(value):
            self._rewrite("setitem", lambda old: _engine.index_put(old, index, value))
        else:
            _engine.__setitem__(self, index, value)

    # -- indexing and shapes -------------------------------------------------------
    # the engine's indexing, inherited as is (one call less); its results are of this class
    __getitem__: Callable[[Tensor, Any], Tensor] = _engine.__getitem__  # type: ignore[assignment]

    def view(self, *shape: Any) -> Tensor:
        if len(shape) == 1 and isinstance(shape[0], D.dtype):
            return _make(self.data.view(shape[0].dtype))
        return _reshape(self, shape)

    def reshape(self, *shape: Any) -> Tensor:
        return _reshape(self, shape)

    def view_as(self, other: Any) -> Tensor:
        return self.view(*other.shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        s = self.data.shape
        if not s:
            return self.reshape(1)
        a, b = start_dim % len(s), end_dim % len(s)
        n = 1
        for k in s[a : b + 1]:
            n *= k
        return self.reshape(*s[:a], n, *s[b + 1 :])

    def squeeze(self, dim: int | None = None) -> Tensor:
        s = self.data.shape
        if dim is None:
            return _named(self.reshape(*[k for k in s if k != 1]), "SqueezeBackward0")
        d = dim % len(s) if s else 0
        if s and s[d] == 1:
            return _named(self.reshape(*s[:d], *s[d + 1 :]), "SqueezeBackward1")
        return self

    def unsqueeze(self, dim: int) -> Tensor:
        s = self.data.shape
        d = dim % (len(s) + 1)
        return _named(self.reshape(*s[:d], 1, *s[d:]), "UnsqueezeBackward0")

    def permute(self, *dims: Any) -> Tensor:
        return _engine.transpose(self, *_shape_args(dims))

    def transpose(self, *dims: Any) -> Tensor:
        """Swap two dimensions (PyTorch's meaning). A full permutation (one sequence, or
        more than two axes, as the engine's layers pass) keeps autograd's meaning."""
        if len(dims) != 2 or self.data.ndim < 2:
            return _engine.transpose(self, *dims)
        dim0, dim1 = dims
        perm = list(range(self.data.ndim))
        perm[dim0], perm[dim1] = perm[dim1], perm[dim0]
        return _named(_engine.transpose(self, *perm), "TransposeBackward0")

    def t(self) -> Tensor:
        return self.transpose(0, 1) if self.data.ndim == 2 else self

    @property
    def T(self) -> Tensor:  # noqa: N802
        return _engine.transpose(self)

    @property
    def mT(self) -> Tensor:  # noqa: N802
        return self.transpose(-2, -1)

    def expand(self, *shape: Any) -> Tensor:
        s = _shape_args(shape)
        full = tuple(
            o if n == -1 else n
            for n, o in zip(s, (1,) * (len(s) - self.data.ndim) + self.data.shape, strict=True)
        )
        return _engine._broadcast_to(self, full)

    def expand_as(self, other: Any) -> Tensor:
        return self.expand(*other.shape)

    def repeat(self, *sizes: Any) -> Tensor:
        """Tile the tensor (PyTorch's ``repeat`` is numpy's ``tile``)."""
        reps = _shape_args(sizes)
        x = self.reshape(*((1,) * (len(reps) - self.data.ndim) + self.data.shape))
        from ._functions import cat

        for axis, r in enumerate(reps):
            if r != 1:
                x = cat([x] * r, dim=axis)
        return x

    def split(self, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
        n = self.data.shape[dim]
        sizes = (
            [split_size] * ((n + split_size - 1) // split_size)
            if isinstance(split_size, int)
            else list(split_size)
        )
        out, start = [], 0
        for s in sizes:
            index = [slice(None)] * self.data.ndim
            index[dim] = slice(start, min(start + s, n))
            out.append(self[tuple(index)])
            start += s
        return tuple(out)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        n = self.data.shape[dim]
        return self.split((n + chunks - 1) // chunks, dim)

    def unbind(self, dim: int = 0) -> tuple[Tensor, ...]:
        return tuple(self.select(dim, i) for i in range(self.data.shape[dim]))

    def select(self, dim: int, index: int) -> Tensor:
        ix: list[Any] = [slice(None)] * self.data.ndim
        ix[dim] = index
        return self[tuple(ix)]

    def masked_fill(self, mask: Any, value: float) -> Tensor:
        m = mask.data if isinstance(mask, _Base) else np.asarray(mask)
        keep = np.logical_not(m)  # where broadcasts it: no full-size mask
        out = _engine_fns.where(keep, self, np.asarray(value, dtype=self.data.dtype))
        return _named(out, "MaskedFillBackward0")

    # -- math ----------------------------------------------------------------------
    def exp(self) -> Tensor:
        return _engine.exp(self if self.data.dtype.kind == "f" else self._f())

    def log(self) -> Tensor:
        """Natural log; PyTorch's nan below 0 and -inf at 0 (the engine's log refuses them,
        so those entries are filled around it)."""
        x = self._f()
        bad = ~(x.data > 0)
        if not bad.any():
            return _engine.log(x)
        safe = _engine_fns.where(bad, np.ones((), x.data.dtype), x)
        with np.errstate(divide="ignore", invalid="ignore"):
            fill = np.log(np.where(bad, x.data, 1)).astype(x.data.dtype)
        return _named(_engine_fns.where(bad, fill, _engine.log(safe)), "LogBackward0")

    def log10(self) -> Tensor:
        return _named(self.log() / float(np.log(10.0)), "Log10Backward0")

    def log2(self) -> Tensor:
        return self.log() / float(np.log(2.0))

    def sqrt(self) -> Tensor:
        """Square root; PyTorch's nan below 0 (the engine refuses negative input)."""
        x = self._f()
        bad = x.data < 0
        if not bad.any():
            return _engine.sqrt(x)
        safe = _engine_fns.where(bad, np.zeros((), x.data.dtype), x)
        nan = np.full(x.data.shape, np.nan, x.data.dtype)
        return _named(_engine_fns.where(bad, nan, _engine.sqrt(safe)), "SqrtBackward0")

    def rsqrt(self) -> Tensor:
        return 1.0 / self.sqrt()

    def abs(self) -> Tensor:
        return _engine.abs(self)

    def tanh(self) -> Tensor:
        return _engine.tanh(self if self.data.dtype.kind == "f" else self._f())

    def sigmoid(self) -> Tensor:
        return _engine.sigmoid(self if self.data.dtype.kind == "f" else self._f())

    def relu(self) -> Tensor:
        return _engine.relu(self)

    def sin(self) -> Tensor:
        return _engine.sin(self if self.data.dtype.kind == "f" else self._f())

    def cos(self) -> Tensor:
        return _engine.cos(self if self.data.dtype.kind == "f" else self._f())

    def pow(self, exponent: Any) -> Tensor:
        return self**exponent

    def square(self) -> Tensor:
        return self * self

    def clamp(self, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
        x: Tensor = self
        if min is not None:
            x = _engine_fns.maximum(x, np.asarray(min, dtype=self.data.dtype))
        if max is not None:
            x = _engine_fns.minimum(x, np.asarray(max, dtype=self.data.dtype))
        return x

    clip = clamp

    def softmax(self, dim: int = -1, axis: int | None = None) -> Tensor:  # type: ignore[override]
        return _engine.softmax(self, dim if axis is None else axis)

    def log_softmax(self, dim: int = -1, axis: int | None = None) -> Tensor:  # type: ignore[override]
        return _engine.log_softmax(self, dim if axis is None else axis)

    def _f(self) -> Tensor:
        """Integer tensors meet float functions as float32 (PyTorch's rule)."""
        return self if self.data.dtype.kind == "f" else self.to(np.float32)

    # -- reductions: dim= / keepdim= ------------------------------------------------
    def sum(  # type: ignore[override]
        self,
        dim: Any = None,
        keepdim: bool = False,
        dtype: Any = None,
        **numpy_style: Any,
    ) -> Tensor:
        if numpy_style:
            dim, keepdim = _dim_args("sum", dim, keepdim, numpy_style)
        x = self.to(dtype) if dtype is not None else self
        if x.data.dtype.kind == "b":
            x = x.to(np.int64)
        return _engine.sum(x, axis=_dims(dim, x.data.ndim), keepdims=keepdim)

    def mean(  # type: ignore[override]
        self,
        dim: Any = None,
        keepdim: bool = False,
        dtype: Any = None,
        **numpy_style: Any,
    ) -> Tensor:
        if numpy_style:
            dim, keepdim = _dim_args("mean", dim, keepdim, numpy_style)
        x = self.to(dtype) if dtype is not None else self
        if x.data.dtype.kind != "f":
            raise RuntimeError(
                f"mean(): could not infer output dtype. Input dtype must be "
                f"either a floating point or complex dtype. Got: "
                f"{D.of_numpy(x.data.dtype).name.title()}"
            )
        return _engine.mean(x, axis=_dims(dim, x.data.ndim), keepdims=keepdim)

    def var(
        self,
        dim: Any = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        correction: float | None = None,
    ) -> Tensor:
        """Variance, unbiased by default (``correction=1``), as in PyTorch: one node
        (the engine's ``variance``), as PyTorch records it."""
        if isinstance(dim, bool):  # var(False): the old positional ``unbiased``
            unbiased, dim = dim, None
        c = correction if correction is not None else (0 if unbiased is False else 1)
        xd = self.data
        ndim = xd.ndim
        if dim is None:
            axes = tuple(range(ndim))
        elif isinstance(dim, (list, tuple)):
            axes = tuple(d % ndim if ndim else d for d in dim)
        else:
            axes = (dim % ndim if ndim else dim,)
        n = 1
        for a in axes:
            n *= xd.shape[a]
        if xd.dtype.kind != "f" or n - c <= 0:  # the composed form: its errors, nan and inf
            d = self - self.mean(dim, keepdim=True)
            return _named((d * d).sum(dim, keepdim=keepdim) / float(max(n - c, 0)), "VarBackward0")
        return cast(Tensor, variance(self, axes, c, keepdim))

    def std(
        self,
        dim: Any = None,
        unbiased: bool | None = None,
        keepdim: bool = False,
        correction: float | None = None,
    ) -> Tensor:
        """Standard deviation, unbiased by default, as in PyTorch."""
        return _named(self.var(dim, unbiased, keepdim, correction).sqrt(), "StdBackward0")

    def _torch_extremum(self, name: str, dim: Any, keepdim: bool) -> Any:
        if isinstance(dim, _Base):
            return (_engine_fns.maximum if name == "max" else _engine_fns.minimum)(self, dim)
        maxi = name == "max"
        if dim is None:
            return (_engine.max if maxi else _engine.min)(self)
        vals = (_engine.max if maxi else _engine.min)(self, axis=dim, keepdims=keepdim)
        idx = (_engine.argmax if maxi else _engine.argmin)(self, dim, keepdim)
        return (_Max if maxi else _Min)(vals, idx)

    def max(self, dim: Any = None, keepdim: bool = False, **numpy_style: Any) -> Any:  # type: ignore[override]
        """The maximum; with ``dim``, ``(values, indices)`` as PyTorch returns them.

        ``axis=``/``keepdims=`` (how the engine's layers call it) keep autograd's meaning.
        """
        if numpy_style:
            return _engine.max(self, **numpy_style)
        return self._torch_extremum("max", dim, keepdim)

    def min(self, dim: Any = None, keepdim: bool = False, **numpy_style: Any) -> Any:  # type: ignore[override]
        if numpy_style:
            return _engine.min(self, **numpy_style)
        return self._torch_extremum("min", dim, keepdim)

    def argmax(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _engine.argmax(self, dim, keepdim)

    def argmin(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        return _engine.argmin(self, dim, keepdim)

    def all(self, dim: int | None = None) -> Tensor:
        return _make(np.asarray(np.all(self.data, axis=dim)))

    def any(self, dim: int | None = None) -> Tensor:
        return _make(np.asarray(np.any(self.data, axis=dim)))

    def prod(self, dim: int | None = None, keepdim: bool = False) -> Tensor:
        if self.requires_grad:
            raise RuntimeError("prod: its gradient is not supported here (engine op missing)")
        return _make(np.asarray(np.prod(self.data, axis=dim, keepdims=keepdim)))

    def cumsum(self, dim: int) -> Tensor:
        if self.data.dtype.kind != "f":
            return _make(np.cumsum(self.data, axis=dim))
        return _engine.cumsum(self, dim)

    def allclose(
        self, other: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
    ) -> bool:
        o = other.data if isinstance(other, _Base) else other
        return bool(np.allclose(self.data, o, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def backward(  # type: ignore[override]
        self,
        gradient: Any = None,
        retain_graph: bool | None = None,
        create_graph: bool = False,
    ) -> None:
        """Backpropagate (``retain_graph`` is accepted: the engine keeps graphs)."""
        if gradient is None and self.data.size != 1:
            raise RuntimeError("grad can be implicitly created only for scalar outputs")
        if not self.requires_grad:
            raise RuntimeError(
                "element 0 of tensors does not require grad and does not have a grad_fn"
            )
        if _rebound._notes:
            _refuse_stale(self)
        g = gradient.data if isinstance(gradient, _Base) else gradient
        _engine.backward(self, g, create_graph=create_graph)

    # -- new tensors of this one's dtype
    def new_tensor(self, data: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        arr = np.array(data.data if isinstance(data, _Base) else data)
        return _new_like(self, arr, dtype, requires_grad)

    def new_zeros(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return _new_like(self, np.zeros(_shape_args(size)), dtype, requires_grad)

    def new_ones(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return _new_like(self, np.ones(_shape_args(size)), dtype, requires_grad)

    def new_empty(self, *size: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return self.new_zeros(*size, dtype=dtype, requires_grad=requires_grad)

    def new_full(
        self, size: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False
    ) -> Tensor:
        full = np.full(_shape_args((size,)), fill_value)
        return _new_like(self, full, dtype, requires_grad)

    # -- layout
    def is_contiguous(self) -> bool:
        return bool(self.data.flags.c_contiguous)

    def element_size(self) -> int:
        return int(self.data.itemsize)

    def ndimension(self) -> int:
        return int(self.data.ndim)

    # -- dtype conversions: last in the class, as their names shadow builtins in it
    def type(self, dtype: Any = None) -> Any:
        if dtype is None:
            return {
                "float32": "torch.FloatTensor",
                "float64": "torch.DoubleTensor",
                "int64": "torch.LongTensor",
                "int32": "torch.IntTensor",
                "bool": "torch.BoolTensor",
            }.get(self.data.dtype.name, "torch.Tensor")
        return self.to(dtype)

    def float(self) -> Tensor:
        return self.to(np.float32)

    def double(self) -> Tensor:
        return self.to(np.float64)

    def long(self) -> Tensor:
        return self.to(np.int64)

    def int(self) -> Tensor:
        return self.to(np.int32)

    def bool(self) -> Tensor:
        return self.to(np.bool_)

    def half(self) -> Tensor:
        return self.to(np.float16)

    def short(self) -> Tensor:
        return self.to(np.int16)


def _integral_division(ufunc: Any, t: Tensor, other: Any) -> np.ndarray:
    """``//`` and ``%`` as PyTorch's: by a zero, integers raise and floats give inf or nan
    (numpy would give 0 for integers, and warn)."""
    o = other.data if isinstance(other, _Base) else other  # (a number stays one: weak)
    if t.data.dtype.kind in "iub" and np.asarray(o).dtype.kind in "iub" and not np.all(o):
        raise RuntimeError("ZeroDivisionError: integer division or modulo by zero")
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(ufunc(t.data, o))


def _new_like(t: Tensor, arr: np.ndarray, dtype: Any, requires_grad: bool) -> Tensor:
    """``t.new_*``: ``arr`` as ``dtype`` (``t``'s by default), a new leaf."""
    out = _make(arr.astype(t.data.dtype if dtype is None else D.to_numpy(dtype)))
    return out.requires_grad_() if requires_grad else out


def _refuse_stale(root: Tensor) -> None:
    """Raise if an op in root's graph used a tensor whose node an in-place op replaced
    after it (see ``_rebound``)."""
    seen, stack = {id(root)}, [cast(_Base, root)]
    while stack:
        node = stack.pop()
        for p in node._parents:
            if _rebound.get(p, False) and getattr(p, "_vinfo", (0, ""))[0] > node._epoch:
                raise RuntimeError(
                    "one of the variables needed for gradient computation has been modified "
                    f"by an inplace operation: the tensor of shape {list(p.data.shape)} that "
                    f"{node._op!r} used was changed by {p._vinfo[1]!r} afterwards; "
                    "backproplab.torch refuses a backward through that use (change a "
                    ".clone() instead)"
                )
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)


Tensor._result_class = Tensor  # the engine's ops on these tensors give these tensors
for _name in TENSOR_NAMES:  # PyTorch's names it lacks say so (the functions add theirs first)
    if not hasattr(Tensor, _name):
        setattr(Tensor, _name, missing_method(_name))


def as_tensor(data: Any, dtype: Any = None) -> Tensor:
    """``torch.tensor(data)``'s conversion: int data int64, float data float32, bools bool."""
    if isinstance(data, _Base):
        arr = data.data
    elif isinstance(data, (list, tuple)) and any(isinstance(x, _Base) for x in data):
        arr = np.asarray([x.data if isinstance(x, _Base) else x for x in data])
    else:
        arr = np.asarray(data)
    if dtype is not None:
        return _make(np.array(arr, dtype=D.to_numpy(dtype, "tensor")))
    kind = arr.dtype.kind
    nd: Any
    if kind == "f":
        nd = arr.dtype if isinstance(data, (np.ndarray, _Base)) else np.float32
    elif kind in "iu":
        nd = np.int64 if not isinstance(data, (np.ndarray, _Base)) else arr.dtype
    elif kind == "b":
        nd = np.bool_
    else:
        raise TypeError(
            f"tensor: cannot make a tensor of {type(data).__name__} "
            f"(numpy dtype {arr.dtype}); expected numbers or bools"
        )
    return _make(np.array(arr, dtype=nd))
