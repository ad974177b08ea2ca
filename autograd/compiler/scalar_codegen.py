"""A narrow Value graph as generated straight-line Python: one line per op.

A deep, narrow graph (a chain of dependent ops, W2's random programs) gains nothing
from numpy calls: each level holds a node or two. Walking it node by node in a loop
still pays a tuple unpack, list reads and writes and a call or two per node. Here
the program becomes the source of one Python function whose locals are the nodes:

    v17 = (v12 * v9)                     # forward, the registry's forward
    v18 = F_tanh(v17)                    # (a call where it is not plain arithmetic)
    ...
    g17 = 0.0 + ((1.0 - (v18 * v18)) * g18)   # backward: d(tanh) * upstream
    g12 += (v9 * g17)

which CPython runs at some tens of nanoseconds a line. The source is made by us from
our own traced graph and compiled once with Python's ``compile``; no user text is
ever compiled (user numbers appear only as float literals written by ``repr``, or as
named constants for inf and NaN).

One formula per op: every forward and derivative comes from the registry entry.
Where the entry's function is plain arithmetic (``lambda a, b: (b, a)`` for ``mul``'s
derivative, ``1.0 - out * out`` for ``tanh``'s) it is evaluated once on symbols to
get its expression; where it is one ``return`` of an expression over its parameters
(``relu``'s ``0.0 if x <= 0.0 else x``) that expression is read from its source. Either
is checked bit for bit against the function on sample numbers; anything else
(``math.tanh``, an ``if`` statement) is called by name.

Exact bits: every float operation is eager's, in eager's order. Contributions are
added in the order of ``Value.backward``'s sweep (the same depth-first walk,
replicated here) and leaves start from their current ``.grad``, so replays leave the
very numbers ``fn(*args).backward()`` would. (A node's gradient starts as its first
contribution, where eager adds it to 0.0: that differs only in the sign of a zero,
which reaches no leaf: a leaf adds into its grad, and 0.0 + -0.0 is 0.0. A leaf whose
grad is -0.0 is the one case where it could: compile then adds its totals instead.)
"""

from __future__ import annotations

import ast
import inspect
import math
import re
import textwrap
import types
from collections.abc import Callable
from typing import Any

from autograd.core.value import Value

MAX_NODES = 200_000  # beyond this, building the source costs more than it saves

_Formula = Callable[..., Any]


class _NotArithmetic(Exception):
    """A formula did something other than arithmetic on its operands."""


class _Sym:
    """An operand as an expression: arithmetic builds source text, anything else refuses."""

    __slots__ = ("src",)

    def __init__(self, src: str) -> None:
        self.src = src

    def _bin(self, other: Any, op: str, reflected: bool) -> _Sym:
        o = _literal(other)
        return _Sym(f"({o} {op} {self.src})" if reflected else f"({self.src} {op} {o})")

    def __add__(self, o: Any) -> _Sym:
        return self._bin(o, "+", False)

    def __radd__(self, o: Any) -> _Sym:
        return self._bin(o, "+", True)

    def __sub__(self, o: Any) -> _Sym:
        return self._bin(o, "-", False)

    def __rsub__(self, o: Any) -> _Sym:
        return self._bin(o, "-", True)

    def __mul__(self, o: Any) -> _Sym:
        return self._bin(o, "*", False)

    def __rmul__(self, o: Any) -> _Sym:
        return self._bin(o, "*", True)

    def __truediv__(self, o: Any) -> _Sym:
        return self._bin(o, "/", False)

    def __rtruediv__(self, o: Any) -> _Sym:
        return self._bin(o, "/", True)

    def __neg__(self) -> _Sym:
        return _Sym(f"(-{self.src})")

    def __getattr__(self, name: str) -> Any:  # noqa: D105 - no other use of an operand
        raise _NotArithmetic(name)

    def _refuse(self, *args: Any) -> Any:
        raise _NotArithmetic("comparison or conversion")

    __lt__ = __le__ = __gt__ = __ge__ = __bool__ = __float__ = __int__ = __index__ = _refuse
    __abs__ = __pow__ = __rpow__ = __round__ = __floor__ = __ceil__ = _refuse
    __eq__ = __ne__ = _refuse
    __hash__ = None  # type: ignore[assignment]


def _literal(x: Any) -> str:
    if isinstance(x, _Sym):
        return x.src
    if type(x) is int:
        return f"({x})"
    if type(x) is float and math.isfinite(x):
        return f"({x!r})"
    raise _NotArithmetic(f"constant {x!r}")


def _symbolic(formula: _Formula, names: list[str], extra: tuple[Any, ...]) -> Any:
    """``formula`` evaluated on symbols: an expression (or a tuple of them), or None."""
    try:
        got = formula(*[_Sym(n) for n in names], *extra)
        if isinstance(got, tuple):
            return tuple(_literal(x) for x in got)
        return _literal(got)
    except Exception:  # anything but arithmetic: call the function instead
        return None


def _inlined(
    fn: _Formula, names: list[str], extra: tuple[Any, ...], t: _Templates | None = None
) -> str | None:
    """A function whose float result is one expression over its parameters, as that
    expression over ``names``, read from its own source; None for anything else (the
    caller then calls it). Its body may be:

    - ``return <expression>`` (``_scalar_relu``: ``0.0 if x <= 0.0 else x``);
    - ``if type(<param>) is float: return <expression>`` and then anything (``_d_relu``:
      the generated code holds floats only, as a Value does);
    - ``try: return <expression>`` with handlers that only raise (``_scalar_exp``: its
      ``math.exp`` with eager's message on overflow): an error in the generated code
      makes the caller run the program node by node, which raises eager's error.

    The expression may call builtin functions of modules (``math.exp``), which ``t``
    names in the program's namespace."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None
    func = tree.body[0] if tree.body else None
    if not isinstance(func, ast.FunctionDef) or func.args.vararg or func.args.kwarg:
        return None
    params = [a.arg for a in func.args.args]
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # a docstring
    if body and isinstance(body[0], ast.If) and _float_guard(body[0].test, params):
        body = body[0].body  # the float branch; the rest handles arrays and nodes
    elif (
        len(body) == 1
        and isinstance(body[0], ast.Try)
        and not body[0].orelse
        and not body[0].finalbody
        and all(all(isinstance(x, ast.Raise) for x in h.body) for h in body[0].handlers)
    ):
        body = body[0].body
    if len(body) != 1 or not isinstance(body[0], ast.Return) or body[0].value is None:
        return None
    if len(params) != len(names) + len(extra):
        return None
    try:
        bound = dict(zip(params, [*names, *(_literal(e) for e in extra)], strict=True))
    except _NotArithmetic:
        return None
    expr = body[0].value
    builtins: dict[int, str] = {}  # id(a callee) -> its name in the namespace
    callees: set[int] = set()  # ids of the nodes spelling the callees (math, math.exp)
    for node in ast.walk(expr):
        if isinstance(node, ast.Call):
            if node.keywords or t is None:
                return None
            target = _builtin(node.func, getattr(fn, "__globals__", {}))
            if target is None:
                return None
            builtins[id(node.func)] = t._name("C_", target)
            callees.update(id(n) for n in ast.walk(node.func))
    allowed: tuple[type, ...] = (ast.Constant, ast.BinOp, ast.UnaryOp, ast.IfExp, ast.Compare)
    allowed += (ast.Call, ast.operator, ast.unaryop, ast.cmpop, ast.Load)
    for node in ast.walk(expr):  # only parameters, constants, operators, builtin calls
        if id(node) in callees:
            continue
        if isinstance(node, ast.Name) and node.id in bound:
            continue
        if not isinstance(node, allowed):
            return None

    class _Bind(ast.NodeTransformer):
        def visit_Call(self, node: ast.Call) -> Any:  # noqa: N802 - ast's naming
            node.args = [self.visit(a) for a in node.args]
            node.func = ast.Name(builtins[id(node.func)], ast.Load())
            return node

        def visit_Name(self, node: ast.Name) -> Any:  # noqa: N802 - ast's naming
            return ast.parse(bound[node.id], mode="eval").body

    return "(" + ast.unparse(_Bind().visit(expr)) + ")"


def _float_guard(test: ast.expr, params: list[str]) -> bool:
    """``test`` is ``type(<a parameter>) is float``."""
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.comparators[0], ast.Name)
        and test.comparators[0].id == "float"
        and isinstance(test.left, ast.Call)
        and isinstance(test.left.func, ast.Name)
        and test.left.func.id == "type"
        and len(test.left.args) == 1
        and isinstance(test.left.args[0], ast.Name)
        and test.left.args[0].id in params
    )


def _builtin(func: ast.expr, globals_: dict[str, Any]) -> Any:
    """The builtin function ``func`` names (``math.exp``: a module's attribute), or None."""
    path: list[str] = []
    while isinstance(func, ast.Attribute):
        path.append(func.attr)
        func = func.value
    if not isinstance(func, ast.Name) or func.id not in globals_ or not path:
        return None
    obj = globals_[func.id]
    if not isinstance(obj, types.ModuleType):
        return None
    for name in reversed(path):
        obj = getattr(obj, name, None)
    return obj if isinstance(obj, types.BuiltinFunctionType) else None


def _agrees(
    formula: _Formula,
    expr: Any,
    names: list[str],
    samples: list[list[float]],
    extra: tuple[Any, ...],
    namespace: dict[str, Any] | None = None,
) -> bool:
    """The expression gives the function's very bits on sample numbers."""
    body = expr if isinstance(expr, str) else "(" + ", ".join(expr) + ",)"
    code = f"lambda {', '.join(names)}: {body}"
    try:
        fn = eval(code, dict(namespace or {}))  # noqa: S307 - our own expression text, from a registry formula
        for xs in samples:
            want, got = formula(*xs, *extra), fn(*xs)
            want = want if isinstance(want, tuple) else (want,)
            got = got if isinstance(got, tuple) else (got,)
            if len(want) != len(got) or any(
                float(a).hex() != float(b).hex() for a, b in zip(want, got, strict=True)
            ):
                return False
    except Exception:
        return False
    return True


_SAMPLES = [-1.75, -0.5, 0.0, 0.3, 1.25, 2.5]


class _Templates:
    """Per (op, params): the forward and derivative as expressions or as named calls."""

    def __init__(self) -> None:
        self.cache: dict[tuple[Any, ...], tuple[str, Any, bool]] = {}
        self.namespace: dict[str, Any] = {}

    def _name(self, prefix: str, obj: Any) -> str:
        name = f"{prefix}{len(self.namespace)}"
        self.namespace[name] = obj
        return name

    def get(self, spec: Any, params: tuple[Any, ...], constant_slot: int) -> tuple[str, Any, bool]:
        """(forward, derivative, called) for ``spec``: str.format templates over the
        operand names {0} {1} (and {n} the output, for derivatives); a binary op's
        derivative is a pair of them. ``called``: the derivative is one call, to be made
        in the forward pass (as eager does) into a local that the templates index."""
        key = (spec.name, params, constant_slot)
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        arity = spec.arity
        names = ["x", "y"][:arity]
        samples = [[a, b][:arity] for a in _SAMPLES for b in _SAMPLES[::-1]][:12]
        extra = "".join(", " + _const(self, p) for p in params)
        forward = _symbolic(spec.scalar, names, params)
        if forward is None or not _agrees(spec.scalar, forward, names, samples, params):
            forward = _inlined(spec.scalar, names, params, self)
        if forward is None or not _agrees(
            spec.scalar, forward, names, samples, params, self.namespace
        ):
            forward = f"{self._name('F_', spec.scalar)}({', '.join(names)}{extra})"
        d = spec.d
        called = False
        deriv: Any
        if not callable(d):
            deriv = tuple(_literal(float(c)) for c in d) if arity == 2 else _literal(float(d))
        else:
            dnames = [*names, "out"]
            dsamples = []
            for xs in samples:
                try:
                    dsamples.append([*xs, spec.scalar(*xs, *params)])
                except Exception:  # noqa: S112 - outside the op's domain: not a sample
                    continue
            deriv = _symbolic(d, dnames, params)
            if deriv is None or not _agrees(d, deriv, dnames, dsamples, params):
                deriv = _inlined(d, dnames, params, self)
            if deriv is None or not _agrees(d, deriv, dnames, dsamples, params, self.namespace):
                called = True
                call = f"{self._name('D_', d)}({', '.join(dnames)}{extra})"
                deriv = (call, "{d}[0]", "{d}[1]") if arity == 2 else (call, "{d}")
        out = (_template(forward, names), _template(deriv, [*names, "out"]), called)
        self.cache[key] = out
        return out


def _const(t: _Templates, x: Any) -> str:
    try:
        return _literal(x)
    except _NotArithmetic:
        return t._name("K_", x)


def _template(expr: Any, names: list[str]) -> Any:
    """Names to fields: ``(x * y)`` -> ``({x} * {y})`` (``{d}``, a called derivative, kept)."""
    if isinstance(expr, tuple):
        return tuple(_template(e, names) for e in expr)
    if "{d}" in expr:
        return expr
    for n in names:
        expr = re.sub(rf"\b{n}\b", "{" + n + "}", expr)
    return expr


def eager_order(root: Value) -> list[Value]:
    """The nodes computed by an op, in the order ``Value.backward``'s sweep lists them
    (its depth-first walk, replicated with a dict instead of marks in ``.grad``).

    >>> a, b = Value(1.0), Value(2.0)
    >>> c = a * b; d = c + a; e = d * c
    >>> [n is m for n, m in zip(eager_order(e), [c, d, e])]
    [True, True, True]
    """
    order: list[Value] = []
    state: dict[int, int] = {}  # 1: open (its parents being listed), 2: listed
    stack: list[Any] = [root]
    while stack:
        node = stack.pop()
        s = state.get(id(node))
        if s == 1:
            state[id(node)] = 2
            order.append(node)
            continue
        if s == 2:
            continue
        while True:
            state[id(node)] = 1
            stack.append(node)
            p = node._p1
            if p is not None and p._p0 is not None and state.get(id(p)) != 2:
                stack.append(p)
            node = node._p0
            if node._p0 is None or state.get(id(node)) == 2:
                break
    return order


_LOCAL = re.compile(r"\b([vgd]\d+)\b")


def _reuse_locals(lines: list[str]) -> list[str]:
    """The lines with their locals (``v17``, ``g12``, ``d16``) renamed to as few names
    (``r0``, ``r1``...) as are live at once: a name whose last read has passed hands
    its local to the next one assigned. The floats then die as soon as they are no
    longer needed, and the next op reuses their memory while it is still in cache
    instead of touching a new float and a new slot of the frame on every line (about
    half the cost of a line of plain arithmetic). Lines are ``target(s) = expr``,
    ``target += expr`` or ``return expr``.

    >>> _reuse_locals(["    v0, v1, = values", "    v2 = (v0 * v1)", "    v3 = (v2 + v0)",
    ...                "    return v3"])
    ['    r0, r1, = values', '    r1 = (r0 * r1)', '    r0 = (r1 + r0)', '    return r0']
    """
    split = _LOCAL.split  # text, name, text, name, ..., text
    parsed: list[tuple[list[str], list[str], list[str]]] = []  # (parts, assigned, read)
    last: dict[str, int] = {}  # name -> the last line reading it
    for i, line in enumerate(lines):
        parts = split(line)
        names = parts[1::2]
        if line.startswith("    return "):
            targets, reads = [], names
        elif line.endswith((" = values", " = grads")):
            targets, reads = names, []
        elif " += " in line:
            targets, reads = names[:1], names
        else:
            targets, reads = names[:1], names[1:]
        parsed.append((parts, targets, reads))
        for name in reads:
            last[name] = i
    slot: dict[str, str] = {}
    free: list[str] = []
    out = []
    for i, (parts, targets, reads) in enumerate(parsed):
        renamed = {name: slot[name] for name in reads}  # read before anything is stored
        for name in reads:
            if last[name] == i and name in slot and name not in targets:
                free.append(slot.pop(name))
        for name in targets:
            if name not in slot:
                slot[name] = free.pop() if free else f"r{len(slot) + len(free)}"
            renamed[name] = slot[name]
        for name in targets:
            if last.get(name, -1) <= i:  # assigned and never read again
                free.append(slot.pop(name))
        parts[1::2] = [renamed[name] for name in parts[1::2]]
        out.append("".join(parts))
    return out


class GeneratedProgram:
    """Forward (and backward) of one traced Value graph as one generated function."""

    def __init__(self, root: Value, leaves: list[Value]) -> None:
        order = eager_order(root) if root._p0 is not None else []
        self.n_nodes = len(order)
        self.n_leaves = len(leaves)
        index = {id(leaf): i for i, leaf in enumerate(leaves)}
        for k, node in enumerate(order):
            index[id(node)] = len(leaves) + k
        t = _Templates()
        fwd: list[str] = []
        bwd: list[str] = []
        seen: set[int] = set(range(len(leaves)))  # grads already holding a value
        # (var of the output, [(parent var, derivative expression)]) per node, eager order
        contributions: list[tuple[int, list[tuple[int, str]]]] = []
        for node in order:
            tag: Any = node._op
            spec = tag.spec
            o = index[id(node)]
            a = index[id(node._p0)]
            p1 = node._p1
            if spec.arity == 1:
                params = node._d1 if (spec.params and type(node._d1) is tuple) else ()
                f, d, called = t.get(spec, params, -1)
                env = {"x": f"v{a}", "out": f"v{o}", "d": f"d{o}"}
                sides = [(a, d[-1] if called else d)]
            elif p1 is not None:
                b = index[id(p1)]
                f, d, called = t.get(spec, (), -1)
                env = {"x": f"v{a}", "y": f"v{b}", "out": f"v{o}", "d": f"d{o}"}
                sides = [(a, d[-2]), (b, d[-1])]
            else:  # the other operand is the constant kept in _d1; ``slot``: the node's side
                slot = tag.slot
                const = _const(t, float(node._d1))
                f, d, called = t.get(spec, (), slot)
                env = {"x": f"v{a}", "y": const} if slot == 0 else {"x": const, "y": f"v{a}"}
                env.update(out=f"v{o}", d=f"d{o}")
                sides = [(a, d[-2 + slot])]
            fwd.append(f"    v{o} = {f.format(**env)}")
            if called:  # the derivative's call, in the forward pass as eager makes it
                fwd.append(f"    d{o} = {d[0].format(**env)}")
            contributions.append((o, [(p, de.format(**env)) for p, de in sides]))
        root_var = f"v{index[id(root)]}"
        if order:
            bwd.append(f"    g{index[id(root)]} = 1.0")
        # A gradient whose first contribution passes through unchanged (add's, sub's
        # first operand) is no line of its own: it is read under its source's name
        # (``alias``) until a second contribution adds to it. Safe, as a node's gradient
        # is complete (and read) before any node it flows from is swept.
        alias: dict[int, str] = {}
        for o, parts in reversed(contributions):
            gout = alias.get(o, f"g{o}")
            for p, dexpr in parts:
                term = gout if dexpr == "(1.0)" else f"({dexpr} * {gout})"
                if p in seen:
                    held = alias.pop(p, None)
                    if held is None:
                        bwd.append(f"    g{p} += {term}")
                    else:
                        bwd.append(f"    g{p} = {held} + {term}")
                elif term == gout:  # eager starts from 0.0: 0.0 + term differs from term
                    seen.add(p)  # only for a term of -0.0, a sign that no later product or
                    alias[p] = gout  # sum at a leaf (which starts from its grad) can see
                else:
                    seen.add(p)
                    bwd.append(f"    g{p} = {term}")
        values = ", ".join(f"v{i}" for i in range(len(leaves)))
        grads = ", ".join(f"g{i}" for i in range(len(leaves)))
        unpack_v = f"    {values}, = values" if leaves else ""
        unpack_g = f"    {grads}, = grads" if leaves else ""
        # The functions and constants it calls, as keyword-only defaults: locals, not
        # global lookups, on every line that uses them.
        bound = "".join(f", {k}={k}" for k in t.namespace)
        star = ", *" if bound else ""
        # The forward alone (compile(fn, backward=False)) is built on its first use.
        self._forward_parts = (f"def forward(values{star}{bound}):", unpack_v, fwd, root_var)
        self._forward: Callable[[list[float]], float] | None = None
        backward_src = "\n".join(
            [
                f"def backward(values, grads{star}{bound}):",
                *_reuse_locals(
                    [unpack_v, unpack_g, *fwd, *bwd, f"    return {root_var}, [{grads}]"]
                ),
            ]
        )
        self.lines = len(fwd) + len(bwd)
        self._namespace = dict(t.namespace)
        self.backward: Callable[[list[float], list[Any]], tuple[float, list[Any]]] = self._define(
            backward_src
        )
        self.inlined = sum(1 for line in fwd if line.startswith("    v") and "F_" not in line)
        self.derivative_calls = sum(1 for line in fwd if line.startswith("    d"))

    def _define(self, src: str) -> Any:
        namespace = dict(self._namespace)
        # Our own source, generated from our own traced graph: never user text.
        exec(compile(src, "<autograd.compile program>", "exec"), namespace)  # noqa: S102
        return namespace[src[4 : src.index("(")]]

    @property
    def forward(self) -> Callable[[list[float]], float]:
        """The forward pass alone (the root's value), built on its first use."""
        if self._forward is None:
            head, unpack_v, fwd, root_var = self._forward_parts
            body = _reuse_locals([unpack_v, *fwd, f"    return {root_var}"])
            self._forward = self._define("\n".join([head, *body]))
            self._forward_parts = ("", "", [], "")
        fn: Callable[[list[float]], float] = self._forward
        return fn

    def describe(self) -> str:
        return (
            f"  generated straight-line Python: {self.lines:,} lines for {self.n_nodes:,} "
            f"nodes ({self.inlined:,} forwards inline, the rest call the registry's "
            f"functions; {self.derivative_calls:,} derivative calls, the rest inline)"
        )
