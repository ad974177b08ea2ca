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
    a: np.ndarray  # first operand slots (chains: a 2-D array, one row of terms per chain)
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
        self.n_nodes = sum(1 for n in order if n._p0 is not None)
        self.leaves = leaves  # argument leaves first, then captured ones, by identity
        slot: dict[int, int] = {id(leaf): 1 + i for i, leaf in enumerate(leaves)}
        constants: list[float] = []
        const_slot: dict[Any, int] = {}
        base = 1 + len(leaves)

        def constant(k: float) -> int:
            key = float(k).hex()  # tells -0.0 from 0.0, and NaN from itself
            s = const_slot.get(key)
            if s is None:
                s = const_slot[key] = -(len(constants) + 1)  # renumbered below
                constants.append(float(k))
            return s

        nodes = [n for n in order if n._p0 is not None]
        uses: dict[int, int] = defaultdict(int)
        for n in nodes:
            uses[id(n._p0)] += 1
            if n._p1 is not None:
                uses[id(n._p1)] += 1

        # Each node's operands: ("name", [input nodes or constant markers], params, wanted).
        def operands(n: Value) -> tuple[str, list[Any], tuple[Any, ...], tuple[bool, bool]]:
            tag: Any = n._op
            spec = tag.spec
            if spec.arity == 1:
                params = (n._d1,) if spec.params else ()
                return spec.name, [n._p0], params, _FIRST
            if n._p1 is not None:
                return spec.name, [n._p0, n._p1], (), _BOTH
            k = ("const", n._d1)
            if tag.slot == 0:
                return spec.name, [n._p0, k], (), _FIRST
            return spec.name, [k, n._p0], (), _SECOND

        info = {id(n): operands(n) for n in nodes}

        def chained(n: Value) -> Any:
            """The parent this addition continues (an addition used only here), or None."""
            for i, p in enumerate(info[id(n)][1]):
                if (isinstance(p, Value) and p._p0 is not None and info[id(p)][0] == "add"
                        and uses[id(p)] == 1 and p is not root):
                    return i, p
            return None

        link: dict[int, tuple[int, Value]] = {}
        absorbed: set[int] = set()
        for n in nodes:
            if info[id(n)][0] == "add":
                c = chained(n)
                if c is not None:
                    link[id(n)] = c
                    absorbed.add(id(c[1]))
        # A chain's terms, first to last: the bottom addition's two operands, then one
        # operand of each link above it.
        terms: dict[int, list[Any]] = {}
        for n in nodes:
            if id(n) in link and id(n) not in absorbed:
                rev: list[Any] = []
                cur = n
                while id(cur) in link:
                    i, p = link[id(cur)]
                    rev.append(info[id(cur)][1][1 - i])
                    cur = p
                rev.extend(reversed(info[id(cur)][1]))
                terms[id(n)] = rev[::-1]

        # Slots for units (nodes that are not absorbed into a chain), levels, groups.
        units = [n for n in nodes if id(n) not in absorbed]
        for i, n in enumerate(units):
            slot[id(n)] = base + i
        n_slots = base + len(units)
        level: dict[int, int] = {}

        def slot_of(x: Any) -> int:
            return constant(x[1]) if isinstance(x, tuple) else slot[id(x)]

        groups: dict[tuple[Any, ...], list[tuple[int, list[int]]]] = defaultdict(list)
        group_meta: dict[tuple[Any, ...], tuple[str, tuple[Any, ...], tuple[bool, bool]]] = {}
        for n in units:
            ins = terms.get(id(n))
            if ins is not None:
                name, params, wanted = "chain", (), _BOTH
            else:
                name, ins, params, wanted = info[id(n)]
            lv = 1 + max((level.get(id(x), 0) for x in ins if not isinstance(x, tuple)),
                         default=0)
            level[id(n)] = lv
            key = (lv, name, len(ins) if name == "chain" else 0, params, wanted)
            groups[key].append((slot[id(n)], [slot_of(x) for x in ins]))
            group_meta[key] = (name, params, wanted)

        # Constants get the slots after the units.
        self.n_slots = n_slots + len(constants)
        self.template = np.zeros(self.n_slots)
        self.template[n_slots:] = constants

        def fix(s: int) -> int:
            return n_slots - 1 - s if s < 0 else s

        self.groups: list[_Group] = []
        for key in sorted(groups, key=lambda k: (k[0], k[1], k[2], repr(k[3]), k[4])):
            name, params, wanted = group_meta[key]
            rows = groups[key]
            out = np.array([r[0] for r in rows], dtype=np.intp)
            ins = np.array([[fix(s) for s in r[1]] for r in rows], dtype=np.intp)
            if name == "chain":
                g = _Group(key[0], name, out, ins, None, params, wanted, _unique(ins), True)
            elif ins.shape[1] == 1:
                g = _Group(key[0], name, out, ins[:, 0], None, params, wanted,
                           _unique(ins[:, 0]), True)
            else:
                a, b = ins[:, 0].copy(), ins[:, 1].copy()
                g = _Group(key[0], name, out, a, b, params, wanted, _unique(a), _unique(b))
            self.groups.append(g)
        self.root_slot = slot[id(root)]
        self.levels = max((g.level for g in self.groups), default=0)
        self.n_constants = len(constants)
        self.n_chains = sum(len(g.out) for g in self.groups if g.name == "chain")
        self._forward = [self._forward_step(g) for g in self.groups]

    @staticmethod
    def _forward_step(g: _Group) -> tuple[Any, ...]:
        if g.name == "chain":
            return (0, g.out, g.a, None, None)
        spec = REGISTRY[g.name]
        f = spec.array
        if g.b is None:
            return (1, g.out, g.a, g.params, f)
        return (2, g.out, g.a, g.b, f)

    # -- running -----------------------------------------------------------------------
    def run(self, leaf_values: list[float], backward: bool) -> tuple[float, list[float]]:
        """The root's value, and each leaf's gradient (empty without ``backward``)."""
        vals = self.template.copy()
        n = len(leaf_values)
        if n:
            vals[1:1 + n] = leaf_values
        accumulate = np.add.accumulate
        for kind, out, a, b, f in self._forward:
            if kind == 2:
                vals[out] = f(vals[a], vals[b])
            elif kind == 1:
                vals[out] = f(vals[a], *b) if b else f(vals[a])
            else:
                vals[out] = accumulate(vals[a], axis=1)[:, -1]
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
                    grads[g.a] += up[:, None]
                else:
                    add_at(grads, g.a, np.broadcast_to(up[:, None], g.a.shape))
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
        return result, grads[1:1 + len(self.leaves)].tolist()

    def write_grads(self, grads: list[float], arguments: list[Any]) -> None:
        """Accumulate leaf gradients as ``backward()`` does: into captured leaves, and into
        the user's Values that were passed as arguments (``arguments[i]``, None for floats)."""
        with WRITE_LOCK:
            for i, (leaf, g) in enumerate(zip(self.leaves, grads, strict=True)):
                target = arguments[i] if i < len(arguments) else leaf
                if target is not None:
                    target._accumulate_leaf(g, False)

    # -- describing ------------------------------------------------------------------------
    def describe(self) -> str:
        forward: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for g in self.groups:
            label = "+ chains (one accumulate)" if g.name == "chain" else g.name
            forward[label][0] += 1
            forward[label][1] += int(g.a.size - len(g.out)) if g.name == "chain" else len(g.out)
        calls_f = len(self.groups)
        calls_b = sum(1 if (g.name == "chain" or g.b is None) else sum(g.wanted)
                      for g in self.groups)
        lines = [
            f"scalar program: {self.n_nodes:,} nodes, {len(self.leaves):,} leaves, "
            f"{self.n_constants:,} constants, {self.levels:,} levels",
            f"  {calls_f:,} numpy calls forward, {calls_b:,} backward "
            f"({self.n_chains:,} chains of + fused)",
            "  forward (and backward) steps by op: calls, nodes",
        ]
        for label, (calls, count) in sorted(forward.items(), key=lambda kv: -kv[1][1]):
            lines.append(f"    {label:<28} {calls:>6,} calls {count:>9,} nodes")
        return "\n".join(lines)


def _into(grads: np.ndarray, idx: np.ndarray, contribution: Any, unique: bool) -> None:
    if unique:
        grads[idx] += contribution
    else:
        np.add.at(grads, idx, contribution)
