"""Value: a scalar node holding a Python float.

Each op computes its result and, right away, the local derivative of the result
with respect to each input, by its entry's formula in ``autograd.core.registry``
evaluated on floats. Backward (``graph.sweep_scalars``) is then one loop over a
topological order doing ``parent.grad += local * grad``: no closures, so a graph has
no reference cycles and is freed by reference counting as soon as its root is.

``backward(create_graph=True)`` evaluates the same formulas on the nodes
instead, so every ``.grad`` is itself a Value that can be differentiated again.

A node is one object for the garbage collector to track, with no instance dict: its
parents sit in two slots (``_p0``, ``_p1``), not in a tuple, and the slots used only
by drawings and anomaly mode (behind ``label``, ``_scope``, ``_origin``) are set only
when used.
Python numbers used as operands are constants: they get no node of their own;
the constant is kept in ``_d1`` (a unary op keeps the tuple of its parameters there),
so a recorded backward can evaluate the derivative formula again.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from numbers import Real
from typing import Any, Union

import numpy as np

from autograd.core.graph import (
    PER_THREAD,
    creation_site,
    run_backward,
    sweep_scalars,
    topological_order,
)
from autograd.core.registry import REGISTRY, Elementwise, times, unary_method

Number = int | float
Operand = Union["Value", int, float]


class _Tag(str):
    """A node's op label ("+", "tanh": a str, as micrograd's ``_op``) that knows its entry.

    ``slot`` tells which operand of a binary op the node's single parent was when
    the other operand was a constant (``2 - v``: slot 1). ``f`` and ``d`` are the
    entry's float forward and derivative formula, one attribute read away.
    """

    __slots__ = ("spec", "slot", "f", "d")
    spec: Elementwise
    slot: int
    f: Any
    d: Any

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return _tag, (self.spec.name, self.slot)  # pickled by name: formulas are lambdas


def _tag(name: str, slot: int = 0) -> _Tag:
    spec = REGISTRY[name]
    t = _Tag(spec.label)
    t.spec, t.slot, t.f, t.d = spec, slot, spec.scalar, spec.d
    return t


_ADD, _SUB, _RSUB = _tag("add"), _tag("sub"), _tag("sub", 1)
_MUL, _DIV, _RDIV = _tag("mul"), _tag("div"), _tag("div", 1)
_POW, _RPOW, _NEG = _tag("pow"), _tag("pow", 1), _tag("neg")
_UNARY = {name: _tag(name) for name in REGISTRY if REGISTRY[name].arity == 1}
_BINARY = {
    "add": _ADD,
    "sub": _SUB,
    "mul": _MUL,
    "div": _DIV,
    "pow": _POW,
    **{name: _tag(name) for name in ("maximum", "minimum")},
}
# Constant derivatives, as floats: a float times a float is CPython's fast path.
_ADD_D = tuple(float(d) for d in REGISTRY["add"].d)
_SUB_D = tuple(float(d) for d in REGISTRY["sub"].d)
_NEG_D = float(REGISTRY["neg"].d)
_MUL_D, _DIV_D, _POW_D = REGISTRY["mul"].d, REGISTRY["div"].d, REGISTRY["pow"].d
_FIRST, _SECOND = (True, False), (False, True)  # the one partial a constant operand leaves
_div: Any = REGISTRY["div"].scalar
_pow: Any = REGISTRY["pow"].scalar
_new = object.__new__


def _make(data: float, tag: _Tag, p0: Value, p1: Value | None, d0: Any, d1: Any) -> Value:
    """The result node of an op; records the graph only when grad mode is on."""
    out = _new(Value)
    out.data = data
    out.grad = 0.0
    out._op = tag
    state = PER_THREAD.state
    record = state.record
    if record:
        out._p0 = p0
        out._p1 = p1
        out._d0 = d0
        out._d1 = d1
        if record == 2:
            out._module = state.scope
            if state.anomaly:
                out._site = creation_site()
            if state.trace is not None:  # autograd.compile is tracing: it retypes the node
                state.trace.made_value(out)
    else:
        out._p0 = out._p1 = None  # with a non-empty _op: "computed without a graph"
    return out


def _number(x: object, what: str) -> float:
    if type(x) is float or type(x) is int:  # the common case, without the slow ABC check
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(
                f"{what}: an integer of {int(x).bit_length()} bits is too large "
                "for a float (the largest is about 1.8e308)"
            ) from None
    if isinstance(x, bool) or not isinstance(x, Real):
        raise TypeError(f"{what}: expected a real number or Value, got {type(x).__name__}")
    try:
        return float(x)
    except OverflowError:
        raise OverflowError(f"{what}: {x!r} is too large for a float") from None


def _unary(x: Value, tag: _Tag) -> Value:
    """``tag``'s entry applied to ``x``: its forward and its derivative, on floats."""
    forward, derivative = tag.f, tag.d  # (read, then called: quicker than tag.f(...))
    xd = x.data
    out = forward(xd)
    d = derivative(xd, out)
    return _make(out, tag, x, None, d, 0.0)


def _unary_with(x: Value, tag: _Tag, params: tuple[Any, ...]) -> Value:
    """``_unary`` for an entry with parameters (the tuple is kept in ``_d1`` for a recorded
    backward, and pickles with the node)."""
    forward, derivative = tag.f, tag.d
    xd = x.data
    if len(params) == 1:  # leaky_relu, elu, celu, gelu: without unpacking, which costs 60 ns
        p = params[0]
        out = forward(xd, p)
        return _make(out, tag, x, None, derivative(xd, out, p), params)
    out = forward(xd, *params)
    return _make(out, tag, x, None, derivative(xd, out, *params), params)


def _edge(tag: _Tag, a: float, b: float, p0: Value, p1: Value | None) -> Value:
    """``a / b`` or ``a ** b`` at the edge of its domain, in a recorded backward: the
    result and its derivatives as numpy computes them (inf or nan), as PyTorch gives."""
    with np.errstate(all="ignore"):
        fa, fb = np.float64(a), np.float64(b)
        out = (np.true_divide if tag.spec.name == "div" else np.power)(fa, fb)
        da, db = tag.d(fa, fb, out)
    if p1 is not None:
        return _make(float(out), tag, p0, p1, float(da), float(db))
    if tag.slot == 0:  # the Value is the left operand, b the constant
        return _make(float(out), tag, p0, None, float(da), float(b))
    return _make(float(out), tag, p0, None, float(db), float(a))


def _method(name: str) -> Callable[[Value], Value]:
    """``Value.<name>`` for a registry entry without parameters: ``tanh = _method("tanh")``."""
    return unary_method(name, "Value", _UNARY[name], _unary, _unary_with, params=False)


def _method_with(name: str) -> Callable[..., Value]:
    """``Value.<name>`` for a registry entry with parameters (by position or by name)."""
    return unary_method(name, "Value", _UNARY[name], _unary, _unary_with, params=True)


class Value:
    """A scalar that remembers how it was computed, micrograd style.

    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = (a * b + a ** 2).tanh()      # tanh(-2)
    >>> c.backward()
    >>> round(a.grad, 6), round(b.grad, 6)  # (1 - tanh(-2)**2) * (b + 2a), ... * a
    (0.070651, 0.141302)
    """

    # No instance dict: a node is its slots alone (smaller, quicker to make, to free and
    # for the collector to traverse). ``label``, ``_scope`` and ``_origin`` read slots that
    # only a labelled leaf, a node made inside a module or in anomaly mode ever sets.
    __slots__ = (
        "data",
        "grad",
        "_op",
        "_p0",
        "_p1",
        "_d0",
        "_d1",
        "_label",
        "_module",
        "_site",
        "__weakref__",
    )

    _GRAD_RESET = 0.0

    data: float
    grad: Any  # float; a Value after backward(create_graph=True)
    _op: str
    _p0: Value | None
    _p1: Value | None
    _d0: Any
    _d1: Any
    _label: str
    _module: str
    _site: str

    def __init__(self, data: float, _children: Any = (), _op: str = "", label: str = "") -> None:
        """A leaf holding ``data``; or, with micrograd's ``_children`` and ``_op``, a node built
        by hand: its parents are ``_children`` and its derivatives ``_op``'s (see ``_attach``).

        >>> a, b = Value(2.0), Value(3.0)
        >>> c = Value(6.0, (a, b), "*", label="c")   # as micrograd's ops build their result
        >>> c.backward(); (a.grad, b.grad, c.label)
        (3.0, 2.0, 'c')
        """
        if type(data) is float:  # the common case, without a call
            self.data = data
        else:
            self.data = _number(data.data if isinstance(data, Value) else data, "Value")
        self.grad = 0.0
        self._op = ""
        self._p0 = self._p1 = None
        if label:
            self._label = label
        if _children or _op:  # micrograd's constructor: a node built by hand from its parents
            _attach(self, _children, _op)

    # -- graph structure -------------------------------------------------------
    @property
    def label(self) -> str:
        """A name for drawings ("" unless set)."""
        return getattr(self, "_label", "")

    @label.setter
    def label(self, text: str) -> None:
        self._label = text

    @property
    def _scope(self) -> str:
        """The module whose forward made this node ("" outside any)."""
        return getattr(self, "_module", "")

    @property
    def _origin(self) -> str | None:
        """Where the node was made, recorded in anomaly mode only."""
        return getattr(self, "_site", None)

    @property
    def op(self) -> str:
        """Name of the op that produced this value ("" for a leaf)."""
        return self._op

    @property
    def parents(self) -> tuple[Value, ...]:
        """The values this one was computed from (empty for a leaf)."""
        p0 = self._p0
        if p0 is None:
            return ()
        p1 = self._p1
        return (p0,) if p1 is None else (p0, p1)

    _parents = parents

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        # Full precision, as micrograd prints it (its notebooks print losses this way).
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    # -- arithmetic ------------------------------------------------------------
    def __add__(self, other: Operand) -> Value:
        d0, d1 = _ADD_D
        if type(other) is Value:
            return _make(self.data + other.data, _ADD, self, other, d0, d1)
        k = other if type(other) is float else _number(other, "+")
        return _make(self.data + k, _ADD, self, None, d0, k)

    __radd__ = __add__

    def __sub__(self, other: Operand) -> Value:
        d0, d1 = _SUB_D
        if type(other) is Value:
            return _make(self.data - other.data, _SUB, self, other, d0, d1)
        k = other if type(other) is float else _number(other, "-")
        return _make(self.data - k, _SUB, self, None, d0, k)

    def __rsub__(self, other: Number) -> Value:
        k = _number(other, "-")
        return _make(k - self.data, _RSUB, self, None, _SUB_D[1], k)

    def __mul__(self, other: Operand) -> Value:
        x = self.data
        if type(other) is Value:
            y = other.data
            out = x * y
            d0, d1 = _MUL_D(x, y, out)
            return _make(out, _MUL, self, other, d0, d1)
        k = other if type(other) is float else _number(other, "*")
        out = x * k
        return _make(out, _MUL, self, None, _MUL_D(x, k, out)[0], k)

    __rmul__ = __mul__

    # Division and powers raise at the edge of their domain (1 / 0), except inside a
    # recorded backward, whose formulas give numpy's (and PyTorch's) inf or nan there.
    def __truediv__(self, other: Operand) -> Value:
        x = self.data
        if type(other) is Value:
            y = other.data
            try:
                out = _div(x, y)
            except ZeroDivisionError:
                if not PER_THREAD.state.lenient:
                    raise
                return _edge(_DIV, x, y, self, other)
            d0, d1 = _DIV_D(x, y, out)
            return _make(out, _DIV, self, other, d0, d1)
        k = _number(other, "/")
        try:
            out = _div(x, k)
        except ZeroDivisionError:
            if not PER_THREAD.state.lenient:
                raise
            return _edge(_DIV, x, k, self, None)
        return _make(out, _DIV, self, None, _DIV_D(x, k, out, _FIRST)[0], k)

    def __rtruediv__(self, other: Number) -> Value:
        k = _number(other, "/")
        x = self.data
        try:
            out = _div(k, x)
        except ZeroDivisionError:
            if not PER_THREAD.state.lenient:
                raise
            return _edge(_RDIV, k, x, self, None)
        return _make(out, _RDIV, self, None, _DIV_D(k, x, out, _SECOND)[1], k)

    def __neg__(self) -> Value:
        return _make(-self.data, _NEG, self, None, _NEG_D, 0.0)

    def __pos__(self) -> Value:
        return self

    def __pow__(self, other: Operand) -> Value:
        x = self.data
        if type(other) is Value:
            k = other.data
            try:
                out = _pow(x, k)
            except (ZeroDivisionError, ValueError):
                if not PER_THREAD.state.lenient:
                    raise
                return _edge(_POW, x, k, self, other)
            d0, d1 = _POW_D(x, k, out)
            return _make(out, _POW, self, other, d0, d1)
        k = _number(other, "**")
        try:
            out = _pow(x, k)
        except (ZeroDivisionError, ValueError):
            if not PER_THREAD.state.lenient:
                raise
            return _edge(_POW, x, k, self, None)
        return _make(out, _POW, self, None, _POW_D(x, k, out, _FIRST)[0], k)

    def __rpow__(self, other: Number) -> Value:
        k = _number(other, "**")
        x = self.data
        try:
            out = _pow(k, x)
        except (ZeroDivisionError, ValueError):
            if not PER_THREAD.state.lenient:
                raise
            return _edge(_RPOW, k, x, self, None)
        return _make(out, _RPOW, self, None, _POW_D(k, x, out, _SECOND)[1], k)

    # -- elementwise functions: one per unary entry of autograd.core.registry ------------------
    # Each is the entry's float forward and derivative (registry.unary_method), with the
    # entry's parameters and doc (see ``inspect.signature(Value.softplus)``).
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

    def __abs__(self) -> Value:
        return _unary(self, _UNARY["abs"])

    # -- backward ------------------------------------------------------------------
    def backward(self, create_graph: bool = False) -> None:
        """Backpropagate from this value with seed 1.0.

        Every node reached gets its ``grad``; leaves accumulate across calls,
        intermediate nodes are recomputed from zero on every call. With
        ``create_graph=True`` the backward pass is itself recorded: every
        ``grad`` is then a Value, and can be differentiated again.

        >>> x = Value(3.0)
        >>> y = x * x + x
        >>> y.backward()
        >>> x.grad
        7.0
        >>> x = Value(3.0)
        >>> (x ** 3).backward(create_graph=True)   # x.grad = 3 x**2, a Value
        >>> dx = x.grad
        >>> x.grad = 0.0
        >>> dx.backward()                          # d/dx 3 x**2 = 6 x
        >>> dx.data, x.grad
        (27.0, 18.0)
        """
        if self._op and self._p0 is None:
            raise RuntimeError(
                f"backward: this Value was computed by {self._op!r} under no_grad(), "
                "so no graph was recorded; compute it outside no_grad() to differentiate it"
            )
        if self._p0 is None:  # a leaf: d self / d self = 1
            self._accumulate_leaf(Value(1.0) if create_graph else 1.0, False)
        else:
            run_backward(self, Value(1.0) if create_graph else 1.0, create_graph, sweep_scalars)

    # What the graph core's sweeps call: graph.sweep_scalars, the fused plain sweep, reads
    # _p0/_p1 and _d0/_d1 itself; the recorded and checked sweeps call _backward_step.
    def _backward_step(self, g: Any, recorded: bool) -> tuple[Any, ...]:
        """The gradients ``g`` sends to the parents: local derivative times ``g``, the
        derivatives evaluated again on the nodes when ``recorded``."""
        p1 = self._p1
        if not recorded:
            return (self._d0 * g,) if p1 is None else (self._d0 * g, self._d1 * g)
        spec = self._op.spec  # type: ignore[attr-defined]
        d = spec.d
        if spec.arity == 1:
            params = self._d1 if type(self._d1) is tuple else ()  # () when left at defaults
            local = (d(self._p0, self, *params) if callable(d) else d,)
        elif p1 is not None:
            local = d(self._p0, p1, self) if callable(d) else d
        else:  # the other operand was the constant kept in _d1
            slot = self._op.slot  # type: ignore[attr-defined]
            both = (
                (
                    d(self._p0, self._d1, self, _FIRST)
                    if slot == 0
                    else d(self._d1, self._p0, self, _SECOND)
                )
                if callable(d)
                else d
            )
            local = (both[slot],)
        return tuple(times(g, x) for x in local)

    def _accumulate_leaf(self, g: Any, shared: bool) -> None:
        """Add ``g`` to this leaf's grad (a float or Value is never updated in place, so
        ``shared`` needs no copy)."""
        old = self.grad
        self.grad = g if (type(old) is float and old == 0.0) else old + g

    # -- pickling --------------------------------------------------------------------
    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        """Pickle (and deepcopy) under every protocol, without recursion: a leaf as its
        data, float ``grad`` and label; a node as the flat list of the graph behind it
        (its leaves as themselves, so a leaf pickled twice stays one object)."""
        grad = self.grad.data if isinstance(self.grad, Value) else self.grad
        if self._p0 is None:
            return _rebuild_value, (self.data, grad, self.label, str(self._op))
        order = topological_order(self)
        index = {id(n): i for i, n in enumerate(order)}
        flat: list[Any] = []
        for n in order:
            if n._p0 is None:
                flat.append(n)
                continue
            g = n.grad.data if isinstance(n.grad, Value) else n.grad
            p1 = -1 if n._p1 is None else index[id(n._p1)]
            flat.append((n.data, g, n._op, index[id(n._p0)], p1, n._d0, n._d1, n.label, n._scope))
        return _rebuild_graph, (flat,)

    # -- micrograd compatibility -------------------------------------------------------
    def _backward(self) -> None:
        """micrograd's step: add this node's local derivatives times ``self.grad`` to its parents.

        One call adds once (call it twice, it adds twice), exactly as micrograd's
        closure does, so the lecture's manual backward, node by node, works. A leaf
        has nothing to push: the call does nothing.

        >>> a, b = Value(2.0), Value(-3.0)
        >>> c = a * b
        >>> c.grad = 1.0
        >>> c._backward()
        >>> a.grad, b.grad
        (-3.0, 2.0)
        """
        p0 = self._p0
        if p0 is None:
            if self._op:
                raise RuntimeError(
                    f"_backward: this Value was computed by {self._op!r} under no_grad(), so it "
                    "has no parents to pass its gradient to; compute it outside no_grad()"
                )
            return
        g = self.grad
        p0.grad += self._d0 * g
        p1 = self._p1
        if p1 is not None:
            p1.grad += self._d1 * g

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name for the parents, as a set (the lecture's ``draw_dot`` reads it).

        >>> a = Value(2.0); b = a * a + 1.0
        >>> [p.data for p in b._prev], b._op
        ([4.0], '+')
        """
        return set(self._parents)


# The ops a node built by hand (micrograd's ``Value(data, _children, _op)``) may name: our
# labels of the entries without parameters, micrograd's 'ReLU', and its '**k' (a power by k).
_BY_LABEL = {REGISTRY[name].label: name for name in REGISTRY if not REGISTRY[name].params}
_BY_LABEL["ReLU"] = "relu"
_KNOWN_OPS = (
    ", ".join(repr(label) for label, name in _BY_LABEL.items() if REGISTRY[name].arity == 2)
    + " (two children); '**k' for a number k, "
    + ", ".join(repr(label) for label, name in _BY_LABEL.items() if REGISTRY[name].arity == 1)
    + " (one child)"
)


def _attach(node: Value, children: Any, op: str) -> None:
    """Make ``node`` (just built by ``Value(data, _children, _op)``) the result of ``op``.

    As in micrograd, the node's data is what the caller computed; its parents are
    ``children`` (in operand order) and its local derivatives come from ``op``'s
    formula in the registry, evaluated at the parents' data and ``node.data``, so
    ``_backward()``, ``backward()`` and drawings treat it like any other node.
    """
    where = "Value(data, _children, _op)"
    if isinstance(children, str):  # Value(2.0, "x"): the label, as ``Value(data, label)`` reads
        if op or node.label:
            raise TypeError(
                f"{where}: _children must be the Values this one was computed from, "
                f"got the string {children!r}; to name the Value, pass "
                f"label={children!r}"
            )
        node._label = children
        return
    parents = tuple(children)
    if not all(isinstance(p, Value) for p in parents):
        kinds = ", ".join(type(p).__name__ for p in parents)
        raise TypeError(f"{where}: _children must hold Values, got ({kinds})")
    if not isinstance(op, str) or not op:
        raise ValueError(
            f"{where}: children need the op that combined them as _op, one of "
            f"{_KNOWN_OPS}; got {op!r}"
        )
    if not parents:
        raise ValueError(
            f"{where}: the op {op!r} needs the Values it was computed from as "
            "_children; a leaf has no op"
        )
    name, k = _BY_LABEL.get(op), 0.0
    if name is None and op.startswith("**"):
        with suppress(ValueError):
            name, k = "pow", float(op[2:])
    if name is None:
        raise ValueError(f"{where}: no derivative is known for the op {op!r}; known: {_KNOWN_OPS}")
    spec, d, out, x = REGISTRY[name], REGISTRY[name].d, node.data, parents[0]
    arity = 1 if op != "**" and name == "pow" else spec.arity
    if len(parents) != arity:
        raise ValueError(
            f"{where}: the op {op!r} takes {arity} "
            f"{'children' if arity > 1 else 'child'}, got {len(parents)}"
        )
    if arity == 1 and name == "pow":  # micrograd's '**k': the exponent is the constant k
        made = _make(out, _POW, x, None, _POW_D(x.data, k, out, _FIRST)[0], k)
    elif arity == 2:
        y = parents[1]
        d0, d1 = d(x.data, y.data, out) if callable(d) else d
        made = _make(out, _BINARY[name], x, y, d0, d1)
    else:
        made = _make(out, _UNARY[name], x, None, d(x.data, out) if callable(d) else d, 0.0)
    for slot in ("_op", "_p0", "_p1", "_d0", "_d1", "_module", "_site"):  # those _make set
        if hasattr(made, slot):
            setattr(node, slot, getattr(made, slot))


def _rebuild_value(data: float, grad: float, label: str, op: str) -> Value:
    """Unpickle a leaf Value (``Value.__reduce_ex__``)."""
    v = Value(data, label)
    v.grad = grad
    if op:  # computed under no_grad(): it keeps saying so
        v._op = str(op)
    return v


def _rebuild_graph(flat: list[Any]) -> Value:
    """Unpickle a graph (``Value.__reduce_ex__``): its nodes in topological order."""
    nodes: list[Value] = []
    for entry in flat:
        if isinstance(entry, Value):
            nodes.append(entry)
            continue
        data, grad, op, i0, i1, d0, d1, label, scope = entry
        n = _new(Value)
        n.data, n.grad, n._op, n._d0, n._d1 = data, grad, op, d0, d1
        n._p0 = nodes[i0]
        n._p1 = None if i1 < 0 else nodes[i1]
        if label:
            n._label = label
        if scope:
            n._module = scope
        nodes.append(n)
    return nodes[-1]
