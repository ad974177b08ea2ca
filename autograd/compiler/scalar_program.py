"""A traced Value graph as a flat program of vectorised numpy calls.

Every node gets a slot in one float64 array ``vals`` (slot 0 holds 0.0, then the
leaves, the constants, the nodes). Nodes are grouped by level (1 + the highest level
of their inputs) and op; each group runs as one numpy call on gathered slots:

    forward   vals[out] = REGISTRY[op].array(vals[a], vals[b])
    backward  grads[a] += REGISTRY[op].d(vals[a], vals[b], vals[out])[0] * grads[out]

with ``np.add.at`` where a parent repeats in a group. A chain of ``+`` whose links are
each used once (``sum(...)`` over hundreds of terms) would make one level per link; it
runs as one ``np.add.accumulate`` over its terms instead (the same additions in the
same order, so the same bits as eager), and chains of one length and level share it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np

from autograd.compiler.scalar_codegen import MAX_NODES, GeneratedProgram
from autograd.core.graph import WRITE_LOCK
from autograd.core.registry import REGISTRY, times
from autograd.core.value import Value

_FIRST, _SECOND, _BOTH = (True, False), (False, True), (True, True)


@dataclass
class _Group:
    """One numpy call forward (and one or two backward): ``name`` over many nodes."""

    level: int
    name: str  # a registry entry, or "chain" (fused additions)
    out: np.ndarray
    a: np.ndarray  # first operand slots (chains: a 2-D array, row j the j-th terms)
    b: np.ndarray | None  # second operand slots (binary ops)
    params: tuple[Any, ...]
    wanted: tuple[bool, bool]  # which operands are nodes or leaves (not constants)
    a_unique: bool
    b_unique: bool


def _unique(idx: np.ndarray) -> bool:
    flat = idx.ravel()
    return len(np.unique(flat)) == len(flat)


class ScalarProgram:
    """Forward and backward of one traced Value graph, as numpy calls over slots."""

    def __init__(self, root: Value, order: list[Value], leaves: list[Value]) -> None:
        nodes = [n for n in order if n._p0 is not None]
        self.n_nodes = len(nodes)
        self.leaves = leaves  # argument leaves first, then captured ones, by identity
        n_leaves = len(leaves)
        # Numbering: 0 the zero slot, 1.. the leaves, then the nodes in topological order;
        # constants get negative numbers until they have slots.
        index: dict[int, int] = {id(leaf): 1 + i for i, leaf in enumerate(leaves)}
        first = 1 + n_leaves
        for k, n in enumerate(nodes):
            index[id(n)] = first + k
        constants: list[float] = []
        const_number: dict[str, int] = {}
        n_nodes = len(nodes)
        names: list[str] = [""] * n_nodes
        a_of = [0] * n_nodes  # first operand: a slot number, or a constant's negative number
        b_of = [0] * n_nodes  # second operand (binary ops)
        arity = [1] * n_nodes
        params: list[tuple[Any, ...]] = [()] * n_nodes
        wanted: list[tuple[bool, bool]] = [_FIRST] * n_nodes
        uses = [0] * (first + n_nodes)
        for k, n in enumerate(nodes):
            tag: Any = n._op
            spec = tag.spec
            a = index[id(n._p0)]
            uses[a] += 1
            names[k] = spec.name
            if spec.arity == 1:
                a_of[k] = a
                if spec.params:  # the node keeps its parameters as a tuple, or () at defaults
                    params[k] = n._d1 if type(n._d1) is tuple else ()
                continue
            arity[k] = 2
            p1 = n._p1
            if p1 is not None:
                b = index[id(p1)]
                uses[b] += 1
                a_of[k], b_of[k] = a, b
                wanted[k] = _BOTH
                continue
            key = float(n._d1).hex()  # tells -0.0 from 0.0
            c = const_number.get(key)
            if c is None:
                c = const_number[key] = -1 - len(constants)
                constants.append(float(n._d1))
            if tag.slot == 0:
                a_of[k], b_of[k] = a, c
            else:
                a_of[k], b_of[k] = c, a
                wanted[k] = _SECOND

        # Chains of +: an addition continues an operand that is an addition used only
        # there (and is not the root); that operand is absorbed into the chain.
        root_index = index[id(root)]
        link = [-1] * n_nodes  # the absorbed operand's node number, or -1
        absorbed = [False] * n_nodes
        for k in range(n_nodes):
            if names[k] != "add":
                continue
            for x in (a_of[k], b_of[k]):
                j = x - first
                if j >= 0 and names[j] == "add" and uses[x] == 1 and x != root_index:
                    link[k] = j
                    absorbed[j] = True
                    break

        # Slots: units (nodes not absorbed) right after the leaves, then the constants;
        # levels and groups in one pass (a chain's terms come before its top).
        n_units = n_nodes - sum(absorbed)
        n_slots = first + n_units
        slot_of = list(range(first)) + [0] * n_nodes
        level = [0] * (first + n_nodes)
        # Groups by (level, kind): kind is (name, params, wanted), or ("chain", length);
        # each holds its output slots and its operand slots, flat (few objects to track).
        kind_ids: dict[tuple[Any, ...], int] = {}
        groups: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
        unit = first
        const_base = n_slots - 1
        for k in range(n_nodes):
            if absorbed[k]:
                continue
            if link[k] >= 0:  # the top of a chain: its terms, first to last
                args: list[int] = []
                cur = k
                while link[cur] >= 0:
                    j = link[cur]
                    x = a_of[cur]
                    args.append(b_of[cur] if x == first + j else x)
                    cur = j
                args.append(b_of[cur])
                args.append(a_of[cur])
                args.reverse()
                lv = 0
                for i, x in enumerate(args):
                    if x < 0:
                        args[i] = const_base - x
                    else:
                        if level[x] > lv:
                            lv = level[x]
                        args[i] = slot_of[x]
                kind: tuple[Any, ...] = ("chain", len(args))
            else:
                a = a_of[k]
                if a < 0:
                    lv, a = 0, const_base - a
                else:
                    lv, a = level[a], slot_of[a]
                if arity[k] == 2:
                    b = b_of[k]
                    if b < 0:
                        b = const_base - b
                    else:
                        if level[b] > lv:
                            lv = level[b]
                        b = slot_of[b]
                    args = [a, b]
                else:
                    args = [a]
                kind = (names[k], params[k], wanted[k])
            lv += 1
            level[first + k] = lv
            slot_of[first + k] = unit
            kid = kind_ids.get(kind)
            if kid is None:
                kid = kind_ids[kind] = len(kind_ids)
            group = groups.get((lv, kid))
            if group is None:
                group = groups[(lv, kid)] = ([], [])
            group[0].append(unit)
            group[1].extend(args)
            unit += 1

        self.n_slots = n_slots + len(constants)
        self.template = np.zeros(self.n_slots)
        self.template[n_slots:] = constants
        kinds = {kid: kind for kind, kid in kind_ids.items()}
        self.groups: list[_Group] = []
        for lv, kid in sorted(groups, key=lambda key: (key[0], repr(kinds[key[1]]))):
            outs, flat = groups[(lv, kid)]
            kind = kinds[kid]
            out = np.array(outs, dtype=np.intp)
            operand = np.array(flat, dtype=np.intp).reshape(len(outs), -1)
            if kind[0] == "chain":  # terms as rows: one chain per column, accumulated down
                terms = np.ascontiguousarray(operand.T)
                g = _Group(lv, "chain", out, terms, None, (), _BOTH, _unique(terms), True)
            else:
                name, ps, want = kind[0], kind[1], kind[2]
                if operand.shape[1] == 1:
                    a_arr = operand[:, 0].copy()
                    g = _Group(lv, name, out, a_arr, None, ps, want, _unique(a_arr), True)
                else:
                    a_arr, b_arr = operand[:, 0].copy(), operand[:, 1].copy()
                    g = _Group(
                        lv, name, out, a_arr, b_arr, ps, want, _unique(a_arr), _unique(b_arr)
                    )
            self.groups.append(g)
        self.root_slot = slot_of[root_index]
        self.levels = max((g.level for g in self.groups), default=0)
        self.n_constants = len(constants)
        self.n_chains = sum(len(g.out) for g in self.groups if g.name == "chain")
        self._forward = [self._forward_step(g) for g in self.groups]
        # A narrow graph (a deep chain of dependent ops: few nodes per level) pays a numpy
        # call per handful of nodes; it runs node by node on floats instead, with the same
        # registry forwards and derivatives as Value (~0.5 us a node vs ~3 us a group).
        width = sum(int(g.a.size) if g.name == "chain" else len(g.out) for g in self.groups)
        self.per_node = 3.0 * len(self.groups) > 0.5 * width
        self._steps: list[tuple[Any, ...]] = []
        # Narrow graphs run as generated straight-line Python (scalar_codegen.py), ~4x
        # faster than the node-by-node loop. Python's compile() of the source costs ~10 us
        # a line, so it is built on the program's second run (a function traced again on
        # every call, like W9's, never pays it); the first run goes node by node.
        # ``executor`` is "numpy", "nodes" or "generated" (tests set it to try each).
        self.generated: GeneratedProgram | None = None
        # Only a narrow (or small) program keeps its traced graph until then: holding a
        # wide one (W9: 128k nodes, retraced every step) would only slow Python's GC.
        keep = self.n_nodes <= MAX_NODES and (self.per_node or self.n_nodes <= 2_000)
        self._root: Value | None = root if keep else None
        self.runs = 0
        self.executor = "numpy" if not self.per_node else "generated" if keep else "nodes"

    def prepare(self) -> None:
        """Before each run: on the second run of a "generated" program, generate it."""
        self.runs += 1
        if self.executor == "generated" and self.generated is None and self.runs > 1:
            if self._root is None:
                raise ValueError(
                    f"compile: this program ({self.n_nodes:,} nodes) is too "
                    f"large for generated code (at most {MAX_NODES:,})"
                )
            self.generated = GeneratedProgram(self._root, self.leaves)
            self._root = None  # the traced graph is no longer needed

    @staticmethod
    def _forward_step(g: _Group) -> tuple[Any, ...]:
        if g.name == "chain":
            return (0, g.out, g.a, None, None)
        spec = REGISTRY[g.name]
        f = spec.array
        if g.b is None:
            return (1, g.out, g.a, g.params, f)
        return (2, g.out, g.a, g.b, f)

    def _node_steps(self) -> list[tuple[Any, ...]]:
        """One step per node, level after level: (kind, out, a, b, forward, derivative,
        params, wanted); a chain is (0, out, its terms, ...)."""
        steps: list[tuple[Any, ...]] = []
        for g in self.groups:
            if g.name == "chain":
                steps += [
                    (0, o, tuple(row), 0, None, None, (), _BOTH)
                    for o, row in zip(g.out.tolist(), g.a.T.tolist(), strict=True)
                ]
                continue
            spec = REGISTRY[g.name]
            if g.b is None:
                steps += [
                    (1, o, a, 0, spec.scalar, spec.d, g.params, _FIRST)
                    for o, a in zip(g.out.tolist(), g.a.tolist(), strict=True)
                ]
            else:
                steps += [
                    (2, o, a, b, spec.scalar, spec.d, (), g.wanted)
                    for o, a, b in zip(g.out.tolist(), g.a.tolist(), g.b.tolist(), strict=True)
                ]
        return steps

    def _run_per_node(self, leaf_values: list[float], backward: bool) -> tuple[float, list[float]]:
        vals: list[Any] = self.template.tolist()
        n = len(leaf_values)
        vals[1 : 1 + n] = leaf_values
        if not self._steps:
            self._steps = self._node_steps()
        steps = self._steps
        d0s: list[Any] = [None] * len(steps)
        d1s: list[Any] = [None] * len(steps)
        for k, (kind, o, a, b, f, d, ps, want) in enumerate(steps):
            if kind == 2:
                x, y = vals[a], vals[b]
                out = f(x, y)
                vals[o] = out
                d0s[k], d1s[k] = d(x, y, out, want) if callable(d) else d
            elif kind == 1:
                x = vals[a]
                out = f(x, *ps)
                vals[o] = out
                d0s[k] = d(x, out, *ps) if callable(d) else d
            else:  # a chain of additions, in eager's order
                acc = vals[a[0]]
                for t in a[1:]:
                    acc = acc + vals[t]
                vals[o] = acc
        result = float(vals[self.root_slot])
        if not backward:
            return result, []
        grads = [0.0] * self.n_slots
        grads[self.root_slot] = 1.0
        for k in range(len(steps) - 1, -1, -1):
            kind, o, a, b, _, _, _, want = steps[k]
            g = grads[o]
            if kind == 2:
                if want[0]:
                    grads[a] += d0s[k] * g
                if want[1]:
                    grads[b] += d1s[k] * g
            elif kind == 1:
                grads[a] += d0s[k] * g
            else:
                for t in a:
                    grads[t] += g
        return result, [float(x) for x in grads[1 : 1 + len(self.leaves)]]

    # -- running -----------------------------------------------------------------------
    def run(
        self, leaf_values: list[float], backward: bool, start: list[Any] | None = None
    ) -> tuple[float, list[float]]:
        """The root's value, and each leaf's gradient (empty without ``backward``): the
        total of this call, or with ``start`` (each leaf's current grad, for the generated
        executor only) the new ``.grad``, added contribution by contribution as eager."""
        executor = self.executor
        gen = self.generated
        if executor == "generated" and gen is not None:
            try:
                if not backward:
                    return float(gen.forward(leaf_values)), []
                out, totals = gen.backward(leaf_values, start or [0.0] * len(self.leaves))
            except Exception:  # an inlined builtin (math.exp) failed: node by node, the
                self._run_per_node(leaf_values, backward)  # registry's functions raise
                raise  # eager's error (the generated code changed nothing)
            return float(out), totals
        if executor != "numpy":
            return self._run_per_node(leaf_values, backward)
        vals = self.template.copy()
        n = len(leaf_values)
        if n:
            vals[1 : 1 + n] = leaf_values
        accumulate = np.add.accumulate
        for kind, out, a, b, f in self._forward:
            if kind == 2:
                vals[out] = f(vals[a], vals[b])
            elif kind == 1:
                vals[out] = f(vals[a], *b) if b else f(vals[a])
            else:
                vals[out] = accumulate(vals[a], axis=0)[-1]
        result = float(vals[self.root_slot])
        if not backward:
            return result, []
        grads = np.zeros(self.n_slots)
        grads[self.root_slot] = 1.0
        add_at = np.add.at
        for g in reversed(self.groups):
            up = grads[g.out]
            if g.name == "chain":
                if g.a_unique:
                    grads[g.a] += up
                else:  # flat and contiguous: add.at is several times slower on a broadcast
                    add_at(grads, g.a.ravel(), np.tile(up, g.a.shape[0]))
                continue
            spec = REGISTRY[g.name]
            d = spec.d
            if g.b is None:
                local = d(vals[g.a], vals[g.out], *g.params) if callable(d) else d
                _into(grads, g.a, times(up, local), g.a_unique)
                continue
            if callable(d):
                da, db = d(vals[g.a], vals[g.b], vals[g.out], g.wanted)
            else:
                da, db = d
            if g.wanted[0]:
                _into(grads, g.a, times(up, da), g.a_unique)
            if g.wanted[1]:
                _into(grads, g.b, times(up, db), g.b_unique)
        return result, grads[1 : 1 + len(self.leaves)].tolist()

    def write_grads(self, grads: list[float], arguments: list[Any], replace: bool = False) -> None:
        """Accumulate leaf gradients as ``backward()`` does: into captured leaves, and into
        the user's Values that were passed as arguments (``arguments[i]``, None for floats);
        with ``replace``, ``grads`` are the new ``.grad`` (run with ``start``)."""
        with WRITE_LOCK:
            for i, (leaf, g) in enumerate(zip(self.leaves, grads, strict=True)):
                target = arguments[i] if i < len(arguments) else leaf
                if target is not None:
                    if replace:
                        target.grad = g
                    else:
                        target._accumulate_leaf(g, False)

    def start_grads(self, arguments: list[Any]) -> list[float] | None:
        """Each leaf's current grad (0.0 for a float argument), for the generated executor
        to add into as eager does; None when it cannot (a leaf twice, a grad not a float)."""
        if self.executor != "generated" or self.generated is None:
            return None
        start: list[float] = []
        ids: set[int] = set()
        for i, leaf in enumerate(self.leaves):
            target = arguments[i] if i < len(arguments) else leaf
            if target is None:
                start.append(0.0)
                continue
            g = target.grad
            if type(g) is not float or id(target) in ids or (g == 0.0 and str(g)[0] == "-"):
                return None  # (-0.0: see scalar_codegen's note on exact bits)
            ids.add(id(target))
            start.append(g)
        return start

    # -- describing ------------------------------------------------------------------------
    def describe(self) -> str:
        forward: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for g in self.groups:
            label = "+ chains (one accumulate)" if g.name == "chain" else g.name
            forward[label][0] += 1
            forward[label][1] += int(g.a.size - len(g.out)) if g.name == "chain" else len(g.out)
        calls_f = len(self.groups)
        calls_b = sum(
            1 if (g.name == "chain" or g.b is None) else sum(g.wanted) for g in self.groups
        )
        as_numpy = (
            f"; as numpy calls it would be {calls_f:,} forward, {calls_b:,} backward "
            f"({self.levels:,} levels for {self.n_nodes:,} nodes: too narrow to pay)"
        )
        if self.executor == "generated":
            how = (
                "  executor: generated code\n"
                + (
                    self.generated.describe()
                    if self.generated is not None
                    else "  generated straight-line Python, built on the second call (the first "
                    "runs node by node)"
                )
                + as_numpy
            )
        elif self.executor == "nodes":
            how = "  executor: node by node\n  run node by node on floats" + as_numpy
        else:
            how = (
                f"  executor: numpy calls\n  {calls_f:,} numpy calls forward, {calls_b:,} "
                f"backward ({self.n_chains:,} chains of + fused)"
            )
        lines = [
            f"scalar program: {self.n_nodes:,} nodes, {len(self.leaves):,} leaves, "
            f"{self.n_constants:,} constants, {self.levels:,} levels",
            how,
            "  steps by level and op: calls, nodes",
        ]
        for label, (calls, count) in sorted(forward.items(), key=lambda kv: -kv[1][1]):
            lines.append(f"    {label:<28} {calls:>6,} calls {count:>9,} nodes")
        return "\n".join(lines)


def _into(grads: np.ndarray, idx: np.ndarray, contribution: Any, unique: bool) -> None:
    if unique:
        grads[idx] += contribution
    else:
        np.add.at(grads, idx, contribution)
