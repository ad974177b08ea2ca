"""Tensor: a numpy-backed node.

Each op computes its result with numpy and records its inputs and the name
of its gradient rule (in ``autograd.vjp``). Backward walks the shared graph
core; the driver reduces every gradient to its operand's shape once, in
``vjp.unbroadcast``.

A Tensor made from a float ndarray shares its memory (like ``torch.as_tensor``);
``nn.Parameter`` copies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Union

import numpy as np

from autograd import vjp
from autograd.graph import STATE, creation_site, run_backward

ArrayLike = Union["Tensor", np.ndarray, float, int, Sequence[Any]]
Axis = int | Sequence[int] | None


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


def _result(
    data: Any, op: str, parents: tuple[Tensor, ...], rule: Any, saved: tuple = ()
) -> Tensor:
    """The output node of an op; records the graph only if grad mode is on and an input needs it."""
    out = Tensor.__new__(Tensor)
    out.data = data if type(data) is np.ndarray else np.asarray(data)
    out.grad = None
    out.label = ""
    out._op = op
    state = STATE
    needed = False
    if state.grad_enabled:
        for p in parents:
            if p.requires_grad:
                needed = True
                break
    if needed:
        out.requires_grad = True
        out._parents = parents
        out._vjp = rule
        out._saved = saved
        out._scope = state.scope
        out._origin = creation_site() if state.anomaly else None
    else:
        out.requires_grad = False
        out._parents = ()
        out._vjp = None
        out._saved = ()
        out._scope = ""
        out._origin = None
    return out


def _constant(data: np.ndarray) -> Tensor:
    out = Tensor.__new__(Tensor)
    out.data = data
    out.grad = None
    out.requires_grad = False
    out.label = ""
    out._op = ""
    out._parents = ()
    out._vjp = None
    out._saved = ()
    out._scope = ""
    out._origin = None
    return out


def _operand(x: Any, like: Tensor | None, op: str) -> Tensor:
    """Turn the other side of an op into a Tensor; numbers take ``like``'s dtype."""
    if isinstance(x, Tensor):
        return x
    dtype = like.data.dtype if like is not None else np.float64
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return _constant(np.asarray(x, dtype=dtype))
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
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = []
    for a in axes:
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
        return index.data.astype(np.intp) if index.data.dtype.kind == "f" else index.data
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


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
        "_op", "_parents", "_vjp", "_saved", "_scope", "_origin", "__weakref__",
    )

    _GRAD_RESET = None
    # Let numpy hand mixed expressions (ndarray + Tensor) to our operators.
    __array_priority__ = 1000

    data: np.ndarray
    grad: np.ndarray | None
    requires_grad: bool
    label: str
    _vjp: Any  # the op's rule in autograd.vjp (None for leaves)

    def __init__(
        self, data: ArrayLike, requires_grad: bool = False, dtype: Any = None, label: str = ""
    ) -> None:
        if isinstance(data, Tensor):
            data = data.data
        if dtype is not None and np.dtype(dtype).kind != "f":
            raise TypeError(f"Tensor: dtype must be a floating type, got {np.dtype(dtype)}")
        self.data = _as_float_array(data, dtype)
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.label = label
        self._op = ""
        self._parents: tuple[Tensor, ...] = ()
        self._vjp = None
        self._saved: tuple = ()
        self._scope = ""
        self._origin: str | None = None

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
    def _binary(self, other: Tensor, op: str, rule: Any, reverse: bool = False) -> Tensor:
        a, b = (other, self) if reverse else (self, other)
        return _elementwise(a, b, op, _NUMPY_BINARY[op], rule)

    def __add__(self, other: ArrayLike) -> Tensor:
        return self._binary(_operand(other, self, "add"), "add", vjp.add)

    def __radd__(self, other: ArrayLike) -> Tensor:
        return self._binary(_operand(other, self, "add"), "add", vjp.add, reverse=True)

    def __sub__(self, other: ArrayLike) -> Tensor:
        return self._binary(_operand(other, self, "sub"), "sub", vjp.sub)

    def __rsub__(self, other: ArrayLike) -> Tensor:
        return self._binary(_operand(other, self, "sub"), "sub", vjp.sub, reverse=True)

    def __mul__(self, other: ArrayLike) -> Tensor:
        return self._binary(_operand(other, self, "mul"), "mul", vjp.mul)

    def __rmul__(self, other: ArrayLike) -> Tensor:
        return self._binary(_operand(other, self, "mul"), "mul", vjp.mul, reverse=True)

    def __truediv__(self, other: ArrayLike) -> Tensor:
        return _divide(self, _operand(other, self, "div"))

    def __rtruediv__(self, other: ArrayLike) -> Tensor:
        return _divide(_operand(other, self, "div"), self)

    def __pow__(self, other: ArrayLike) -> Tensor:
        return _power(self, _operand(other, self, "pow"))

    def __rpow__(self, other: ArrayLike) -> Tensor:
        return _power(_operand(other, self, "pow"), self)

    def __matmul__(self, other: ArrayLike) -> Tensor:
        return _matmul(self, _operand(other, self, "matmul"))

    def __rmatmul__(self, other: ArrayLike) -> Tensor:
        return _matmul(_operand(other, self, "matmul"), self)

    def __neg__(self) -> Tensor:
        return _result(-self.data, "neg", (self,), vjp.neg)

    def __pos__(self) -> Tensor:
        return self

    # -- elementwise functions ---------------------------------------------------
    def exp(self) -> Tensor:
        return _result(np.exp(self.data), "exp", (self,), vjp.exp)

    def log(self) -> Tensor:
        """Natural log; raises ValueError if any element is <= 0."""
        x = self.data
        if (x <= 0).any():
            raise ValueError(
                f"log: defined for positive numbers only; {int((x <= 0).sum())} of {x.size} "
                f"elements are <= 0 (smallest {x.min()!r})"
            )
        return _result(np.log(x), "log", (self,), vjp.log)

    def sqrt(self) -> Tensor:
        """Square root; raises ValueError if any element is < 0 (the gradient at 0 is inf)."""
        x = self.data
        if (x < 0).any():
            raise ValueError(
                f"sqrt: defined for non-negative numbers only; {int((x < 0).sum())} of {x.size} "
                f"elements are negative (smallest {x.min()!r})"
            )
        return _result(np.sqrt(x), "sqrt", (self,), vjp.sqrt)

    def abs(self) -> Tensor:
        return _result(np.abs(self.data), "abs", (self,), vjp.abs_)

    __abs__ = abs

    def sin(self) -> Tensor:
        return _result(np.sin(self.data), "sin", (self,), vjp.sin)

    def cos(self) -> Tensor:
        return _result(np.cos(self.data), "cos", (self,), vjp.cos)

    def tanh(self) -> Tensor:
        return _result(np.tanh(self.data), "tanh", (self,), vjp.tanh)

    def sigmoid(self) -> Tensor:
        return _result(vjp.stable_sigmoid(self.data), "sigmoid", (self,), vjp.sigmoid)

    def relu(self) -> Tensor:
        return _result(np.maximum(self.data, 0), "relu", (self,), vjp.relu)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        x = self.data
        out = np.where(x > 0, x, x * negative_slope)
        return _result(out, "leaky_relu", (self,), vjp.leaky_relu, (negative_slope,))

    def elu(self, alpha: float = 1.0) -> Tensor:
        x = self.data
        out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
        return _result(out, "elu", (self,), vjp.elu, (alpha,))

    def celu(self, alpha: float = 1.0) -> Tensor:
        if alpha == 0:
            raise ValueError("celu: alpha must be non-zero")
        x = self.data
        out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0) / alpha))
        return _result(out, "celu", (self,), vjp.celu, (alpha,))

    def gelu(self, approximate: str = "none") -> Tensor:
        """GELU: x * Phi(x), exact (erf) by default, or the tanh approximation."""
        x = self.data
        if approximate == "none":
            out = 0.5 * x * (1.0 + vjp.erf(x / np.sqrt(2.0)))
        elif approximate == "tanh":
            out = 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))
        else:
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return _result(out.astype(x.dtype, copy=False), "gelu", (self,), vjp.gelu, (approximate,))

    def softplus(self) -> Tensor:
        """log(1 + e**x), computed without overflow; exactly x above 20 (as PyTorch)."""
        x = self.data
        # Linear above 20, as PyTorch's default threshold.
        out = np.where(x > 20.0, x, np.logaddexp(0.0, np.minimum(x, 20.0)))
        return _result(out, "softplus", (self,), vjp.softplus)

    def mish(self) -> Tensor:
        """x * tanh(softplus(x))."""
        x = self.data
        return _result(x * np.tanh(np.logaddexp(0.0, x)), "mish", (self,), vjp.mish)

    def hardswish(self) -> Tensor:
        """x * relu6(x + 3) / 6."""
        x = self.data
        return _result(x * np.clip(x + 3.0, 0.0, 6.0) / 6.0, "hardswish", (self,), vjp.hardswish)

    def relu6(self) -> Tensor:
        """min(max(0, x), 6)."""
        return _result(np.clip(self.data, 0.0, 6.0), "relu6", (self,), vjp.relu6)

    def softmax(self, axis: int = -1) -> Tensor:
        """exp(x) / sum(exp(x)) along ``axis``, shifted by the max so it never overflows."""
        (ax,) = _axes(axis, self.ndim, "softmax") or (0,)
        x = self.data
        e = np.exp(x - x.max(axis=ax, keepdims=True))
        e /= e.sum(axis=ax, keepdims=True)
        return _result(e, "softmax", (self,), vjp.softmax, (ax,))

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x - logsumexp(x) along ``axis``; stable for logits of any size."""
        (ax,) = _axes(axis, self.ndim, "log_softmax") or (0,)
        x = self.data
        shifted = x - x.max(axis=ax, keepdims=True)
        shifted -= np.log(np.exp(shifted).sum(axis=ax, keepdims=True))
        return _result(shifted, "log_softmax", (self,), vjp.log_softmax, (ax,))

    # -- reductions --------------------------------------------------------------
    def sum(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axes = _axes(axis, self.ndim, "sum")
        return _result(self.data.sum(axis=axes, keepdims=keepdims), "sum", (self,), vjp.sum_,
                       (axes, keepdims))

    def mean(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        axes = _axes(axis, self.ndim, "mean")
        x = self.data
        reduced = x.size if axes is None else int(np.prod([x.shape[a] for a in axes]))
        if reduced == 0:
            raise ValueError(f"mean: cannot average over an empty axis (tensor shape {x.shape})")
        return _result(x.mean(axis=axes, keepdims=keepdims), "mean", (self,), vjp.mean,
                       (axes, keepdims))

    def max(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Largest element(s); tied maxima share the gradient evenly."""
        return self._extremum(np.max, "max", axis, keepdims)

    def min(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        """Smallest element(s); tied minima share the gradient evenly."""
        return self._extremum(np.min, "min", axis, keepdims)

    def _extremum(self, fn: Any, op: str, axis: Axis, keepdims: bool) -> Tensor:
        axes = _axes(axis, self.ndim, op)
        if self.data.size == 0:
            raise ValueError(f"{op}: the tensor is empty (shape {self.shape})")
        rule = vjp.max_ if op == "max" else vjp.min_
        return _result(fn(self.data, axis=axes, keepdims=keepdims), op, (self,), rule,
                       (axes, keepdims))

    # -- shape ---------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        """The same data with a new shape: ``t.reshape(2, 3)`` or ``t.reshape((2, 3))``."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        try:
            out = self.data.reshape(shape)
        except ValueError:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {self.shape} "
                             f"({self.size} elements) into {tuple(shape)}") from None
        return _result(out, "reshape", (self,), vjp.reshape)

    def transpose(self, *axes: Any) -> Tensor:
        """Permute axes; with none given, reverse them."""
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        n = self.ndim
        perm = tuple(range(n))[::-1] if not axes else tuple(int(a) % max(n, 1) for a in axes)
        if sorted(perm) != list(range(n)) or any(not -n <= int(a) < n for a in axes):
            raise ValueError(
                f"transpose: axes {axes} are not a permutation of {self.ndim} dimensions"
            )
        return _result(self.data.transpose(perm), "transpose", (self,), vjp.transpose, (perm,))

    def __getitem__(self, index: Any) -> Tensor:
        index = _plain_index(index)
        try:
            out = self.data[index]
        except IndexError as exc:
            raise IndexError(f"getitem: {exc} (tensor shape {self.shape})") from None
        return _result(out, "getitem", (self,), vjp.getitem, (index, _is_basic_index(index)))

    # -- backward ------------------------------------------------------------------
    def backward(self, gradient: ArrayLike | None = None) -> None:
        """Backpropagate from this tensor.

        ``gradient`` defaults to 1 for a one-element tensor; any larger tensor needs
        one of its own shape. Leaves accumulate into ``.grad``.

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
            seed = np.ones_like(self.data)
        else:
            raw = gradient.data if isinstance(gradient, Tensor) else gradient
            seed = np.array(raw, dtype=self.data.dtype)
            if seed.shape != self.shape:
                raise ValueError(
                    f"backward: gradient has shape {seed.shape}, expected {self.shape}"
                )
        run_backward(self, seed)

    def _add_grad(self, seed: np.ndarray) -> None:
        self._accumulate(seed, False)

    def _propagate(self) -> None:
        g = self.grad
        if g is None:  # no gradient reached this node (a Function's backward returned None)
            return
        grads = self._vjp(g, self)
        for parent, pg in zip(self._parents, grads, strict=False):
            if pg is not None and parent.requires_grad:
                parent._accumulate(pg, pg is g)

    def _accumulate(self, g: Any, shared: bool) -> None:
        data = self.data
        if type(g) is not np.ndarray:
            g = np.asarray(g)
        if g.shape != data.shape:
            g = vjp.unbroadcast(g, data.shape)
        if g.dtype != data.dtype:
            g = g.astype(data.dtype)
        if self.grad is None:
            # A leaf keeps its grad across calls and may be updated in place,
            # so it must own it: not a read-only broadcast, view, or another node's grad.
            if not self._parents and (shared or not g.flags.writeable or not g.flags.owndata):
                g = g.copy()
            self.grad = g
        elif self._parents:
            self.grad = self.grad + g
        else:
            self.grad += g

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


_NUMPY_BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply}


def _elementwise(a: Tensor, b: Tensor, op: str, fn: Any, rule: Any) -> Tensor:
    """A broadcasting binary op: ``fn(a, b)`` recorded as ``op`` with gradient ``rule``."""
    try:
        out = fn(a.data, b.data)
    except ValueError:
        raise _broadcast_error(op, a.data, b.data) from None
    return _result(out, op, (a, b), rule)


def _divide(a: Tensor, b: Tensor) -> Tensor:
    if (b.data == 0).any():
        raise ZeroDivisionError(
            f"div: division by zero ({int((b.data == 0).sum())} of {b.data.size} divisor "
            f"elements are 0; divisor shape {b.shape})"
        )
    try:
        out = a.data / b.data
    except ValueError:
        raise _broadcast_error("div", a.data, b.data) from None
    return _result(out, "div", (a, b), vjp.div)


def _power(a: Tensor, b: Tensor) -> Tensor:
    x, k = a.data, b.data
    try:
        bx, bk = np.broadcast_arrays(x, k)
    except ValueError:
        raise _broadcast_error("pow", x, k) from None
    # Checked element by element: a 0 base is fine with a positive exponent elsewhere.
    if ((bx == 0) & (bk < 0)).any():
        raise ZeroDivisionError("pow: 0 cannot be raised to a negative power")
    if ((bx < 0) & (np.mod(bk, 1) != 0)).any():
        raise ValueError("pow: a negative base to a non-integer power is not real")
    out = x**k
    return _result(out, "pow", (a, b), vjp.pow_)


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
    return _result(out, "matmul", (a, b), vjp.matmul)


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
        return _result(out, "linear", (x, weight), vjp.linear)
    if bias.data.shape != (wd.shape[0],):
        raise ValueError(f"linear: bias must have shape ({wd.shape[0]},), got {bias.data.shape}")
    out += bias.data
    return _result(out, "linear", (x, weight, bias), vjp.linear)


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
    (ax,) = _axes(axis, ts[0].ndim, "concatenate") or (0,)
    try:
        out = np.concatenate([t.data for t in ts], axis=ax)
    except ValueError:
        raise ValueError("concatenate: shapes " + ", ".join(str(t.shape) for t in ts)
                         + f" do not match outside axis {axis}") from None
    return _result(out, "concatenate", tuple(ts), vjp.concatenate, (ax,))


def stack(tensors: Sequence[ArrayLike], axis: int = 0) -> Tensor:
    """Join same-shaped tensors along a new axis.

    >>> stack([Tensor([1.0, 2.0]), Tensor([3.0, 4.0])], axis=1).shape
    (2, 2)
    """
    ts = _tensors(tensors, "stack")
    (ax,) = _axes(axis, ts[0].ndim + 1, "stack") or (0,)
    shapes = {t.shape for t in ts}
    if len(shapes) != 1:
        raise ValueError("stack: all tensors need the same shape, got "
                         + ", ".join(str(t.shape) for t in ts))
    out = np.stack([t.data for t in ts], axis=ax)
    return _result(out, "stack", tuple(ts), vjp.stack, (ax,))


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
    return _result(out, "where", (ta, tb), vjp.where, (c,))


def maximum(a: ArrayLike, b: ArrayLike) -> Tensor:
    """Elementwise maximum; ties split the gradient in half.

    >>> maximum(Tensor([1.0, 5.0]), 3.0).data
    array([3., 5.])
    """
    ta, tb = _tensors([a, b], "maximum")
    return _elementwise(ta, tb, "maximum", np.maximum, vjp.maximum)


def minimum(a: ArrayLike, b: ArrayLike) -> Tensor:
    """Elementwise minimum; ties split the gradient in half.

    >>> minimum(Tensor([1.0, 5.0]), 3.0).data
    array([1., 3.])
    """
    ta, tb = _tensors([a, b], "minimum")
    return _elementwise(ta, tb, "minimum", np.minimum, vjp.minimum)


_UFUNC_BINARY: dict[str, Any] = {
    "add": Tensor.__add__, "subtract": Tensor.__sub__, "multiply": Tensor.__mul__,
    "true_divide": _divide, "divide": _divide, "power": _power, "matmul": _matmul,
    "maximum": maximum, "minimum": minimum,
}
_UFUNC_UNARY = {
    "negative": "__neg__", "exp": "exp", "log": "log", "sqrt": "sqrt", "absolute": "abs",
    "sin": "sin", "cos": "cos", "tanh": "tanh",
}
_UFUNC_COMPARE = {"less", "less_equal", "greater", "greater_equal", "equal", "not_equal"}
