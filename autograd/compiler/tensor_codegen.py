"""A traced Tensor graph as generated straight-line Python: a line or two per op.

The step-by-step replay (``TensorProgram.run``) pays, per op and per call, a loop
iteration, list reads and writes, a forward's and a rule's Python calls, the tuple of
gradients, the checks that a gradient fits its input and the bookkeeping of who holds
which array. At W4's size (a 2-16-16-1 MLP, arrays of a few hundred numbers) that
overhead costs as much as the numpy work itself. Here the program becomes the source
of one Python function whose locals are the arrays:

    v8 = v0 @ v2.T                 # linear, inline: linear_array's own calls
    v8 += v3
    v9 = F1(v8)                    # tanh: the registry's array forward (np.tanh)
    ...
    g9 = g10 @ v4                  # linear's rule, inline
    q = g9 * D1(v8, v9)            # tanh's rule: the registry's derivative formula
    ...
    o = C0._grad_slot              # into the leaf's .grad, as backward() does:
    if o is None:                  # a new array of its own, or added in place
        C0._grad_slot = g2
    elif type(o) is ndarray:
        o += g2

Some ops are inlined (the numpy calls of their forward and rule, the same calls in
the same order, so the same bits): ``linear`` on 2-D inputs, nn's ``mse_loss`` with
its default options, and the registry's elementwise ops (forward and derivative
formula called by name; a binary op's broadcasting undone by a sum over axes known
when the code is made, as ``unbroadcast`` would sum them). Every other op calls its
forward and its rule as the step-by-step replay does. Shapes and dtypes are fixed
for a program, so a gradient that fitted its input on the first replay is not
checked again (as ``run`` does), gradients nobody needs are never computed, a
node's gradient that is sure to exist is not tested for ``None``, and a leaf's
gradient known to be a fresh array of our own is stored without
``_accumulate_leaf``'s checks (any other goes through it). The source is ours, made
from our own traced graph: no user text is ever compiled (constants are bound by
name, never written out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.core.graph import WRITE_LOCK
from autograd.core.registry import REGISTRY, times
from autograd.core.tensor import _fitted

if TYPE_CHECKING:
    from autograd.compiler.tensor_program import TensorProgram

# What a slot's gradient is at a point of the generated backward.
_NONE, _SURE, _MAYBE = 0, 1, 2


def _reduced_axes(shape: tuple[int, ...], out: tuple[int, ...]) -> tuple[int, ...] | None:
    """The axes ``generic.unbroadcast`` sums to bring a gradient of shape ``out`` back to
    ``shape`` (None: the shapes are equal, nothing to undo)."""
    if shape == out:
        return None
    extra = len(out) - len(shape)
    axes = list(range(extra))
    for i, n in enumerate(shape):
        if n == 1 and out[i + extra] != 1:
            axes.append(i + extra)
    return tuple(axes)


def _bad_count(name: str, got: int, expected: int) -> None:
    raise ValueError(
        f"{name}: its gradient rule returned {got} gradient(s) for {expected} input(s)"
    )


class TensorCode:
    """The generated replay of one ``TensorProgram``: ``replay(arrays, arguments)``
    returns the result and, when built with ``backward``, has accumulated the leaves'
    gradients."""

    def __init__(
        self, program: TensorProgram, fits: set[tuple[int, int]], backward: bool, stale: Any
    ) -> None:
        ns: dict[str, Any] = {
            "ndarray": np.ndarray,
            "asarray": np.asarray,
            "empty_like": np.empty_like,
            "vdot": np.vdot,
            "TIMES": times,
            "add_reduce": np.add.reduce,  # what ndarray.sum calls, without its wrapper
            "FIT": _fitted,
            "BAD_COUNT": _bad_count,
            "LOCK": WRITE_LOCK,
            "STALE": stale,
        }
        lines: list[str] = []
        meta = program.meta
        n_args = program.n_arguments

        def bind(prefix: str, k: int, value: Any) -> str:
            name = f"{prefix}{k}"
            ns[name] = value
            return name

        # -- leaves: the arguments' arrays, then each captured tensor's current data,
        # checked against the trace (a new shape, dtype or requires_grad: trace again).
        if n_args:
            lines.append("    " + "".join(f"v{i}, " for i in range(n_args)) + "= A")
        for k, t in enumerate(program.captured):
            s = n_args + k
            shape, dtype = meta[s]
            c = bind("C", k, t)
            sh, dt = bind("SH", k, shape), bind("DT", k, dtype)
            req = "True" if program.leaf_requires[s] else "False"
            lines.append(f"    v{s} = {c}.data")
            lines.append(
                f"    if v{s}.shape != {sh} or (v{s}.dtype is not {dt} and v{s}.dtype != {dt}) "
                f"or {c}.requires_grad is not {req}:"
            )
            lines.append("        raise STALE")
        # -- forward
        self.inlined = 0
        for k, step in enumerate(program.steps):
            forward, ins, saved, shape, out, op, recorded, needs, name, parents, fresh = step
            kind = program.kinds[k]
            if kind is not None:
                self.inlined += 1
            if kind == "linear":
                lines.append(f"    v{out} = v{ins[0]} @ v{ins[1]}.T")
                if len(ins) == 3:
                    lines.append(f"    v{out} += v{ins[2]}")
            elif kind == "unary":
                f = bind("F", k, REGISTRY[op.name].array)
                extra = "".join(f", {bind(f'P{k}_', j, p)}" for j, p in enumerate(saved))
                lines.append(f"    v{out} = {f}(v{ins[0]}{extra})")
                if not shape:  # a ufunc gives a 0-d array as a numpy scalar
                    lines.append(f"    v{out} = asarray(v{out})")
            elif kind == "binary":
                f = bind("F", k, REGISTRY[op.name].array)
                lines.append(f"    v{out} = {f}(v{ins[0]}, v{ins[1]})")
                if not shape:
                    lines.append(f"    v{out} = asarray(v{out})")
            elif kind == "mse":
                n = meta[ins[0]][0]
                size = int(np.prod(n))
                lines.append(f"    d{out} = v{ins[0]} - v{ins[1]}")
                n_name = bind("SIZE", k, size)  # (an int, as mse_loss divides by diff.size)
                lines.append(f"    v{out} = asarray(vdot(d{out}, d{out}) / {n_name})")
            else:
                f = bind("F", k, forward)
                sv = bind("S", k, saved)
                sh = bind("SH_", k, shape)
                args = "".join(f"v{i}, " for i in ins)
                lines.append(f"    v{out} = {f}([{args}], {sv}, {sh})")
                if fresh:
                    lines.append(f"    v{out}, t{out} = v{out}")
                lines.append(
                    f"    if type(v{out}) is not ndarray:\n        v{out} = asarray(v{out})"
                )
        root = program.root_slot
        if not backward:
            lines.append(f"    return v{root}")
            self._finish(lines, ns)
            return
        # -- backward, in the reverse order of the steps, as ``run`` sweeps
        state: dict[int, int] = {}  # slot -> _NONE / _SURE / _MAYBE
        aliased: set[int] = set()  # slots whose gradient may be another slot's array
        prelude: list[str] = []  # ``g = None`` for gradients first set under a condition
        state[root] = _SURE
        body: list[str] = []

        def add(slot: int, term: str, ind: str, cond: bool, may_alias: bool) -> None:
            """Add ``term`` (an array expression, never None) into slot's gradient."""
            was = state.get(slot, _NONE)
            if was == _NONE:
                body.append(f"{ind}g{slot} = {term}")
                if cond:
                    prelude.append(f"    g{slot} = None")
                    state[slot] = _MAYBE
                else:
                    state[slot] = _SURE
                if may_alias:
                    aliased.add(slot)
            elif was == _SURE:
                body.append(f"{ind}g{slot} = g{slot} + {term}")
            else:
                body.append(f"{ind}g{slot} = {term} if g{slot} is None else g{slot} + {term}")
                if not cond:
                    state[slot] = _SURE
                if may_alias:
                    aliased.add(slot)

        for k in range(len(program.steps) - 1, -1, -1):
            forward, ins, saved, shape, out, op, recorded, needs, name, parents, fresh = (
                program.steps[k]
            )
            kind = program.kinds[k]
            st = state.get(out, _NONE)
            if not recorded or st == _NONE or not any(needs):
                continue
            ind = "    "
            cond = st == _MAYBE
            if cond:
                body.append(f"    if g{out} is not None:")
                ind = "        "
            g = f"g{out}"
            if out == root and kind != "mse":  # the seed: ones
                body.append(f"{ind}g{out} = empty_like(v{out})")
                body.append(f"{ind}g{out}.fill(1)")
            if kind == "linear":
                x, w = parents[0], parents[1]
                if needs[0]:
                    add(x, f"{g} @ v{w}", ind, cond, False)
                if needs[1]:
                    add(w, f"{g}.T @ v{x}", ind, cond, False)
                if len(parents) == 3 and needs[2]:
                    add(parents[2], f"add_reduce({g}, 0)", ind, cond, False)
            elif kind == "unary":
                d = bind("D", k, REGISTRY[op.name].d)
                extra = "".join(f", P{k}_{j}" for j in range(len(saved)))
                term = f"{g} * {d}(v{parents[0]}, v{out}{extra})"
                x = parents[0]
                if (x, out) in fits:
                    body.append(f"{ind}q = {term}")
                    body.append(f"{ind}if type(q) is not ndarray:")
                    body.append(f"{ind}    q = FIT(q, v{x}, {bind('O', k, name)}, False)")
                else:
                    body.append(f"{ind}q = FIT({term}, v{x}, {bind('O', k, name)}, False)")
                add(x, "q", ind, cond, (x, out) not in fits)
            elif kind == "binary":
                d = REGISTRY[op.name].d
                if callable(d):  # the formula once, for both inputs (as the rule calls it)
                    f, nd = bind("D", k, d), bind("N", k, needs)
                    a, b = parents
                    body.append(f"{ind}da, db = {f}(v{a}, v{b}, v{out}, {nd})")
                for j, (x, need) in enumerate(zip(parents, needs, strict=True)):
                    if not need:
                        continue
                    alias = False
                    if callable(d):
                        term = f"TIMES({g}, {'da' if j == 0 else 'db'})"
                        alias = True  # (times passes g on for an int 1)
                    elif d[j] == 1 and type(d[j]) is int:
                        term, alias = g, True  # the upstream itself, as times(g, 1) gives it
                    elif d[j] == -1 and type(d[j]) is int:
                        term = f"-{g}"
                    else:
                        term = f"{g} * {bind(f'K{j}_', k, d[j])}"
                    axes = _reduced_axes(meta[x][0], shape)
                    if axes is not None:  # undo broadcasting, as unbroadcast does: a view
                        term = (
                            f"add_reduce({term}, axis={bind(f'AX{j}_', k, axes)}, "
                            f"keepdims=True).reshape({bind(f'XS{j}_', k, meta[x][0])})"
                        )
                        alias = True
                    add(x, term, ind, cond, alias)
            elif kind == "mse":
                x = parents[0]
                size = int(np.prod(meta[ins[0]][0]))
                scale = bind("SCALE", k, 1.0 / size)
                if out == root:  # g is the seed, 1: 2.0 * (1 * scale) is 2.0 * scale
                    factor = bind("TWICE", k, 2.0 * (1.0 * (1.0 / size)))
                    add(x, f"d{out} * {factor}", ind, cond, False)
                else:
                    add(x, f"d{out} * (2.0 * ({g} * {scale}))", ind, cond, False)
            else:
                r = bind("R", k, op.rule)
                nd = bind("N", k, needs)
                sv = f"t{out}" if fresh else bind("S", k, saved)
                args = "".join(f"v{i}, " for i in parents)
                body.append(f"{ind}p = {r}({g}, ({args}), v{out}, {sv}, {nd})")
                body.append(f"{ind}if len(p) != {len(parents)}:")
                body.append(f"{ind}    BAD_COUNT({bind('O', k, name)}, len(p), {len(parents)})")
                for j, (i, need) in enumerate(zip(parents, needs, strict=True)):
                    if not need:
                        continue
                    body.append(f"{ind}q = p[{j}]")
                    body.append(f"{ind}if q is not None:")
                    sh, dt = bind(f"GS{j}_", k, meta[i][0]), bind(f"GD{j}_", k, meta[i][1])
                    if (i, out) in fits:
                        check = "type(q) is not ndarray"
                    else:
                        check = f"type(q) is not ndarray or q.dtype is not {dt} or q.shape != {sh}"
                    body.append(f"{ind}    if {check}:")
                    body.append(f"{ind}        q = FIT(q, v{i}, O{k}, False)")
                    add(i, "q", ind + "    ", True, True)
        # -- accumulate into the leaves that require grad, as backward() does
        n_leaves = n_args + len(program.captured)
        writes: list[str] = []
        for s in range(n_leaves):
            if not program.leaf_requires[s] or state.get(s, _NONE) == _NONE:
                continue
            target = f"L[{s}]" if s < n_args else f"C{s - n_args}"
            if s < n_args or s in aliased or state[s] == _MAYBE:
                shared = "True" if s in aliased else "False"
                call = f"{target}._accumulate_leaf(g{s}, {shared})"
                if s < n_args:
                    call = f"if {target} is not None: {call}"
                if state[s] == _MAYBE:
                    writes.append(f"        if g{s} is not None:")
                    writes.append(f"            {call}")
                else:
                    writes.append(f"        {call}")
            else:
                # A fresh array of our own (an inline formula's result: no view, no other
                # holder): what _accumulate_leaf does with it, without its checks.
                writes += [
                    f"        o = {target}._grad_slot",  # as _accumulate_leaf reads it
                    "        if o is None:",
                    f"            {target}._grad_slot = g{s}",
                    "        elif type(o) is ndarray:",
                    f"            o += g{s}",
                    "        else:",
                    f"            {target}._accumulate_leaf(g{s}, False)",
                ]
        lines += prelude + body
        if writes:
            lines.append("    with LOCK:")
            lines += writes
        lines.append(f"    return v{root}")
        self._finish(lines, ns)

    def _finish(self, lines: list[str], ns: dict[str, Any]) -> None:
        # The names it uses as keyword-only defaults: locals, not global lookups.
        bound = "".join(f", {k}={k}" for k in ns)
        self.source = "\n".join([f"def replay(A, L, *{bound}):", *lines])
        self.lines = len(lines)
        namespace = dict(ns)
        # Our own source, generated from our own traced graph: never user text.
        exec(compile(self.source, "<autograd.compile tensor program>", "exec"), namespace)  # noqa: S102
        self.replay = namespace["replay"]
