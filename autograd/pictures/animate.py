"""Watch backprop happen: ``animate_backward`` steps through the reverse sweep node by node.

Frame 0 is the seed (d root / d root = 1). Then comes one frame per node in
the order backward processes them (the reverse topological order, leaves
excluded: a leaf sends nothing). A frame shows the node being processed, what
it sends along each edge to a parent (local derivative x upstream gradient =
contribution; for tensors, the vector-Jacobian product's result), and every
gradient accumulated so far. The sweep is recomputed here on a private list
of gradients, so no node's ``.grad`` changes, and the last frame holds exactly
the gradients ``backward()`` gives.

``save("page.html")`` writes one self-contained page (the graph's SVG inline,
a small script, no network access) with step / play controls that answer the
arrow keys; ``page.html#step=5`` opens at frame 5. In Jupyter the animation
plays inline. ``save("page.gif")`` writes the frames as an animated GIF
(needs Pillow). Both need Graphviz's ``dot`` to lay out the graph; without it
the notebook shows how to install it and ``save`` raises ``GraphvizNotFoundError``.

The page is ``page/player.html``, ``player.css`` and ``player.js`` (package data),
filled in one pass: labels and op names are data, shortened and escaped as in
``render_graph``, and the frames' JSON is escaped for HTML, so no label can add
markup or script to the page or stop its player.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from autograd.core.free_functions import Node
from autograd.core.generic import unbroadcast
from autograd.core.graph import topological_order
from autograd.core.tensor import Tensor
from autograd.core.value import Value
from autograd.pictures.render import (
    INSTALL_HINT,
    GraphvizNotFoundError,
    _check_max_nodes,
    _graphviz,
    _number,
    _preview,
    _target_path,
    _text,
    dot_missing,
    missing_dot_html,
    require_dot,
)

Grad = Any  # float for a Value, ndarray for a Tensor, None while no gradient has reached it

__all__ = ["animate_backward", "BackwardAnimation", "Frame", "Contribution"]


# -- engine adapter --------------------------------------------------------------------
#
# The ONLY place that reads how the engine stores local derivatives. Everything else in
# this module works on what ``_contributions`` returns; the order itself comes from the
# public ``autograd.core.graph.topological_order`` (backward walks it in reverse, skipping
# leaves and nodes no gradient reached). A Value keeps ``_d0`` (and ``_d1`` when it has
# a second parent ``_p1``); a Tensor keeps its Op in ``_rule``, whose ``rule(g, parent
# arrays, data, saved, needs)`` gives one gradient per parent, reduced with
# ``generic.unbroadcast``.


def _contributions(
    node: Node, upstream: Grad
) -> list[tuple[int, float | None, Grad, tuple[int, ...] | None]]:
    """What backward adds to each parent of ``node`` when ``node``'s gradient is ``upstream``.

    One ``(parent position, local derivative, contribution, broadcast shape)`` per edge
    that carries a gradient, in the order backward adds them. A Value's contribution is
    ``local * upstream``; a Tensor's local derivative is a Jacobian the engine never forms
    (None here): its contribution is the op's vector-Jacobian product, summed down to the
    parent's shape when the parent was broadcast (then the last item is the shape before
    that sum, else None) and cast to the parent's dtype, exactly as backward does. Parents
    that need no gradient (constants) and ``None`` gradients are skipped, as in backward.
    """
    if isinstance(node, Value):
        # _d0, _d1: the local derivatives the op computed (_d1 only with a second parent).
        local = (node._d0,) if node._p1 is None else (node._d0, node._d1)
        return [(k, d, d * upstream, None) for k, d in enumerate(local)]
    parents = node.parents
    needs = tuple(p.requires_grad for p in parents)
    # The op's rule on arrays, then cast and reduced as Tensor._backward_step does.
    op: Any = node._rule
    grads = op.rule(upstream, tuple(p.data for p in parents), node.data, node._saved, needs)
    out: list[tuple[int, float | None, Grad, tuple[int, ...] | None]] = []
    for k, (parent, g, need) in enumerate(zip(parents, grads, needs, strict=False)):
        if g is None or not need:
            continue
        g = np.asarray(g.data if isinstance(g, Tensor) else g)
        shape, dtype = parent.data.shape, parent.data.dtype
        if g.dtype != dtype:
            g = g.astype(dtype)
        broadcast = None
        if g.shape != shape:
            broadcast = g.shape
            g = unbroadcast(g, shape)
        out.append((k, None, g, broadcast))
    return out


# -- frames --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Contribution:
    """What one edge carries backward in one frame: ``local x upstream = product``.

    ``local`` is the local derivative d node / d parent (a float for Values, None for
    Tensors, whose local derivative is a Jacobian the engine never forms); ``product`` is
    what is added to the parent's gradient (for tensors, already reduced to its shape);
    ``before`` and ``after`` are the parent's accumulated gradient around the addition.
    """

    parent: Node
    position: int  # which input of the node (0 for the left operand)
    local: float | None
    upstream: Grad
    product: Grad
    before: Grad
    after: Grad
    broadcast: tuple[int, ...] | None = None  # tensors: shape summed down to the parent's


@dataclass(frozen=True, eq=False)
class Frame:
    """One step of the sweep: ``node`` processed, its ``contributions``, all ``grads`` so far.

    ``grads`` lines up with ``BackwardAnimation.nodes``; None marks a node no
    gradient has reached yet. Frame 0 is the seed: ``node`` is the root and it
    sends nothing.
    """

    step: int
    node: Node
    contributions: tuple[Contribution, ...]
    grads: tuple[Grad, ...]
    caption: str


def animate_backward(root: Node, max_nodes: int = 200) -> BackwardAnimation:
    """An animation of the reverse sweep over the graph behind ``root``, one frame per node.

    Works for Value graphs and small Tensor graphs (a one-element root, as for
    ``backward()``). Nothing is changed: every node keeps its ``.grad``. Graphs
    with more than ``max_nodes`` nodes are refused with a ValueError after
    counting at most ``max_nodes + 1`` of them.

    >>> from autograd import Value
    >>> x = Value(3.0, label="x"); y = x * x; y.label = "y"
    >>> anim = animate_backward(y)
    >>> [f.step for f in anim.frames], anim.frames[-1].grads  # (x, y): x is used twice
    ([0, 1], (6.0, 1.0))
    >>> print(anim.frames[1].caption)
    Step 1: y (made by *) has gradient 1. It sends 3 × 1 = 3 to x, and 3 × 1 = 3 to x;
    x is used twice, so its gradient is now 3 + 3 = 6.
    Backward is done: these are the gradients backward() gives.
    >>> x.grad  # untouched
    0.0
    """
    if not isinstance(root, (Value, Tensor)):
        raise TypeError(
            f"animate_backward: root must be a Value or a Tensor, got {type(root).__name__}"
        )
    _check_max_nodes(max_nodes, "animate_backward")
    seed = _seed(root)
    if _more_nodes_than(root, max_nodes):
        raise ValueError(
            f"animate_backward: the graph behind root has more than max_nodes={max_nodes} nodes; "
            "an animation shows one frame per node, so it is meant for small graphs. Pass a "
            "larger max_nodes, or use draw_graph(root), which summarizes large graphs"
        )
    return BackwardAnimation(root, topological_order(root), seed)


def _seed(root: Node) -> Grad:
    """backward()'s seed for ``root``, with backward()'s errors when there is none."""
    if isinstance(root, Value):
        if root.op and not root.parents:
            raise RuntimeError(
                f"animate_backward: this Value was computed by {root.op!r} under "
                "no_grad(), so no graph was recorded"
            )
        return 1.0
    if not root.requires_grad:
        raise RuntimeError(
            "animate_backward: root does not require grad, so backward() has "
            "nothing to do (make a leaf with requires_grad=True)"
        )
    if root.data.size != 1:
        raise ValueError(
            f"animate_backward: root must have one element, as for backward(); "
            f"this one has shape {root.shape} (reduce it, e.g. .sum())"
        )
    return np.ones_like(root.data)


def _more_nodes_than(root: Node, limit: int) -> bool:
    """Whether more than ``limit`` nodes are reachable; stops as soon as that is known."""
    seen = {id(root)}
    stack = [root]
    while stack:
        for parent in stack.pop().parents:
            if id(parent) not in seen:
                seen.add(id(parent))
                if len(seen) > limit:
                    return True
                stack.append(parent)
    return False


class BackwardAnimation:
    """The frames of one reverse sweep, and the page that plays them.

    ``nodes`` is the graph in topological order (root last); ``frames[k].grads``
    lines up with it. ``save(path)`` writes ``.html`` (self-contained page) or
    ``.gif``; in Jupyter the page shows inline.
    """

    def __init__(self, root: Node, order: list[Node], seed: Grad) -> None:
        self.root = root
        self.nodes: tuple[Node, ...] = tuple(order)
        self._index = {id(node): i for i, node in enumerate(order)}
        uses = [0] * len(order)
        for node in order:
            for parent in node.parents:
                uses[self._index[id(parent)]] += 1
        self._uses = uses
        self.frames: tuple[Frame, ...] = tuple(self._sweep(seed))

    def __len__(self) -> int:
        return len(self.frames)

    def __repr__(self) -> str:
        return f"<BackwardAnimation: {len(self.nodes)} nodes, {len(self.frames)} frames>"

    # -- the sweep, recomputed on a private list of gradients ------------------------
    def _sweep(self, seed: Grad) -> Iterator[Frame]:
        grads: list[Grad] = [None] * len(self.nodes)
        root_i = self._index[id(self.root)]
        grads[root_i] = seed
        processing = [n for n in reversed(self.nodes) if n.parents]
        last = len(processing)
        yield Frame(0, self.root, (), tuple(grads), self._seed_caption(seed, last == 0))
        for step, node in enumerate(processing, start=1):
            upstream = grads[self._index[id(node)]]
            sent: list[Contribution] = []
            if upstream is not None:
                for position, local, product, broadcast in _contributions(node, upstream):
                    j = self._index[id(node.parents[position])]
                    before = grads[j]
                    # backward starts intermediate grads at 0.0 (Values) or None (Tensors,
                    # then takes the first contribution as is); leaves start at zero here:
                    # the frames show this one backward.
                    after = product if before is None else before + product
                    grads[j] = after
                    sent.append(
                        Contribution(
                            self.nodes[j],
                            position,
                            local,
                            upstream,
                            product,
                            before,
                            after,
                            broadcast,
                        )
                    )
            caption = self._caption(step, node, upstream, sent, step == last)
            yield Frame(step, node, tuple(sent), tuple(grads), caption)

    # -- words ---------------------------------------------------------------------------
    def _name(self, node: Node) -> str:
        if node.label:
            return _text(node.label)
        if node.parents:
            return f"the result of {_text(node.op)}"
        return "a constant" if isinstance(node, Tensor) else f"the leaf {_short(node.data)}"

    def _seed_caption(self, seed: Grad, done: bool) -> str:
        name = self._name(self.root)
        text = (
            f"Seed: backward starts at {name} with d {name} / d {name} = "
            f"{_grad_words(seed)}. No other node has a gradient yet."
        )
        if done:
            text += " The root is a leaf: there is nothing more to do."
        return text

    def _caption(
        self, step: int, node: Node, upstream: Grad, sent: list[Contribution], done: bool
    ) -> str:
        name = self._name(node)
        head = f"Step {step}: {name}" + (f" (made by {_text(node.op)})" if node.label else "")
        if upstream is None:
            text = f"{head} received no gradient, so it sends nothing."
        else:
            parts = []
            for c in sent:
                pname = self._name(c.parent)
                if c.local is not None:
                    part = (
                        f"{_short(c.local)} × {_short(c.upstream)} = {_short(c.product)} to {pname}"
                    )
                else:
                    part = f"{_grad_words(c.product)} to {pname}"
                    if c.broadcast is not None:
                        part += f" (summed from {c.broadcast}: {pname} was broadcast to that shape)"
                if c.before is not None:
                    uses = self._uses[self._index[id(c.parent)]]
                    times = "twice" if uses == 2 else f"{uses} times"
                    part += (
                        f"; {pname} is used {times}, so its gradient is now "
                        f"{_grad_words(c.before)} + {_grad_words(c.product)} = "
                        f"{_grad_words(c.after)}"
                    )
                parts.append(part)
            how = (
                ""
                if isinstance(node, Value)
                else " Through the vector-Jacobian product of " + _text(node.op) + " it"
            )
            sends = " It sends " if not how else how + " sends "
            text = f"{head} has gradient {_grad_words(upstream)}." + (
                sends + ", and ".join(parts) + "." if parts else " It sends nothing."
            )
        if done:
            text += " Backward is done: these are the gradients backward() gives."
        return text

    # -- pictures ------------------------------------------------------------------------
    def frame_graph(self, step: int) -> Any:
        """Frame ``step`` as a Graphviz graph (render it with ``.pipe("png")``; inline in Jupyter).

        Every frame has the same layout: boxes have fixed sizes and every edge
        label is always there (invisible until its frame), so frames line up.
        """
        if not -len(self.frames) <= step < len(self.frames):
            raise IndexError(f"frame_graph: step {step} out of range 0..{len(self.frames) - 1}")
        _graphviz()
        from autograd.pictures.digraph import Source

        return Source(self._dot(step % len(self.frames)))

    def to_html(self) -> str:
        """The self-contained page (what ``save`` writes for ``.html``)."""
        svg = self._svg()
        data = {
            "frames": [self._frame_data(f) for f in self.frames],
            "nodes": len(self.nodes),
            "edges": self._edge_frames(),
            "leaves": [i for i, n in enumerate(self.nodes) if not n.parents],
        }
        # A graph much wider than a screen stays at its size (scrolled to the current node
        # per step) instead of shrinking to unreadable text.
        width = re.search(r'<svg width="([\d.]+)pt"', svg)
        wide = width is not None and float(width.group(1)) > _WIDE_PT
        return fill_page(
            {
                "title": html.escape(f"backward of {self._name(self.root)}", quote=True),
                "style": _page_file("player.css"),
                "graph_class": "wide" if wide else "fit",
                "svg": svg,
                "data": json_for_html(data),
                "script": _page_file("player.js"),
            }
        )

    def _repr_html_(self) -> str:
        if dot_missing():  # a note in the notebook, not a traceback
            return missing_dot_html()
        page = self.to_html()
        match = re.search(r'<svg width="[\d.]+pt" height="([\d.]+)pt"', page)
        height = int(float(match.group(1)) * 4 / 3) + 190 if match else 500
        return (
            f'<iframe srcdoc="{html.escape(page, quote=True)}" '
            f'style="width: 100%; height: {height}px; border: 0" '
            f'title="{html.escape(self._name(self.root))}: backward, step by step"></iframe>'
        )

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the page (``.html``/``.htm``) or an animated GIF (``.gif``) to ``path``.

        Returns the path written. The file is replaced atomically, as ``render_graph``
        does: a failed write keeps the old file whole, and a path that is a directory,
        FIFO or device is refused (``NotARegularFileError``); a path that is not a str
        or ``pathlib.Path`` is a TypeError. Needs Graphviz's ``dot`` (else a one-line
        ``GraphvizNotFoundError`` says how to install it); the GIF also needs Pillow
        and runs ``dot`` once per frame (seconds for a small graph like a neuron,
        minutes for a couple of hundred nodes).

        >>> import tempfile, os
        >>> from autograd import Value
        >>> x = Value(0.5, label="x"); y = x.tanh(); y.label = "y"
        >>> path = animate_backward(y).save(os.path.join(tempfile.mkdtemp(), "tanh.html"))
        >>> page = open(path, encoding="utf-8").read()
        >>> "<svg" in page and "http://" not in page.replace("http://www.w3.org", "")
        True
        """
        target = _target_path(path, "save")
        suffix = Path(target).suffix.lower()
        if suffix not in (".html", ".htm", ".gif"):
            raise ValueError(
                f"save: cannot tell what to write from {target!r}; "
                "use a name ending in .html (the page) or .gif (the frames)"
            )
        require_dot()
        from autograd.system.atomic_write import atomic_write

        Path(target).parent.mkdir(parents=True, exist_ok=True)
        # Replaced atomically, as render_graph does: a failed write keeps the old page whole,
        # and a directory, FIFO or device is refused before anything is drawn.
        with atomic_write(target, "save") as f:
            f.write(self._gif() if suffix == ".gif" else self.to_html().encode("utf-8"))
        return target

    # -- Graphviz source -----------------------------------------------------------------
    def _texts(self, i: int, grad: Grad) -> str:
        node = self.nodes[i]
        if isinstance(node, Tensor) and not node.requires_grad:
            return "no grad (constant)"
        if grad is None:
            return "grad —"
        return f"grad {_number(grad)}" if isinstance(node, Value) else f"grad {_preview(grad)}"

    @cached_property
    def _layout_inputs(self) -> tuple[list[float], list[int], list[str]]:
        """What every frame's source shares (computed once: the GIF asks for every frame)."""
        return self._grad_widths(), self._edge_frames(), self._edge_labels()

    def _grad_widths(self) -> list[float]:
        """Points per grad cell: wide enough for the longest text any frame puts there."""
        longest = [len(self._texts(i, None)) for i in range(len(self.nodes))]
        for frame in self.frames:
            for c in frame.contributions:
                j = self._index[id(c.parent)]
                longest[j] = max(longest[j], len(self._texts(j, c.after)))
        root_i = self._index[id(self.root)]
        longest[root_i] = max(
            longest[root_i], len(self._texts(root_i, self.frames[0].grads[root_i]))
        )
        return [round(_CHAR_PT * n + 12, 1) for n in longest]

    def _edges(self) -> list[tuple[int, int, int]]:
        """Every parent -> op edge as (edge id, parent index, child index), in a fixed order."""
        edges: list[tuple[int, int, int]] = []
        for i, node in enumerate(self.nodes):
            for parent in node.parents:
                edges.append((len(edges), self._index[id(parent)], i))
        return edges

    def _edge_ids(self) -> dict[tuple[int, int], int]:
        """(child index, parent position) -> edge id."""
        ids: dict[tuple[int, int], int] = {}
        for i, node in enumerate(self.nodes):
            for k in range(len(node.parents)):
                ids[(i, k)] = len(ids)
        return ids

    def _edge_frames(self) -> list[int]:
        """For each edge id, the frame that sends a gradient along it (-1: never)."""
        ids = self._edge_ids()
        sent = [-1] * len(ids)
        for frame in self.frames:
            i = self._index[id(frame.node)]
            for c in frame.contributions:
                sent[ids[(i, c.position)]] = frame.step
        return sent

    def _edge_labels(self) -> list[str]:
        ids = self._edge_ids()
        labels = [""] * len(ids)
        for frame in self.frames:
            i = self._index[id(frame.node)]
            for c in frame.contributions:
                if c.local is not None:
                    text = f"{_short(c.local)} × {_short(c.upstream)} = {_short(c.product)}"
                else:
                    text = _summary(c.product)
                labels[ids[(i, c.position)]] = text
        return labels

    @cached_property
    def _milestones(self) -> tuple[dict[int, int], list[int]]:
        """The step that processes each node (by id), and the step of each node's last update."""
        processed_at = {id(f.node): f.step for f in self.frames[1:]}
        final_at = [0] * len(self.nodes)
        for f in self.frames:
            for c in f.contributions:
                final_at[self._index[id(c.parent)]] = f.step
        return processed_at, final_at

    def _states(self, step: int) -> list[str]:
        """Each node's look in frame ``step``: empty, reached, current or final."""
        frame = self.frames[step]
        processed_at, final_at = self._milestones
        states = []
        for i, node in enumerate(self.nodes):
            at = processed_at.get(id(node))
            if node is frame.node:
                states.append("current")
            elif frame.grads[i] is None:
                states.append("empty")
            elif (at is not None and at < step) or (not node.parents and final_at[i] <= step):
                states.append("final")
            else:
                states.append("reached")
        return states

    def _dot(self, step: int | None) -> str:
        """The graph's source; ``step=None`` gives the SVG skeleton with placeholder grads."""
        widths, edge_frames, labels = self._layout_inputs
        frame = self.frames[step or 0]
        # Edge labels become nodes of dot's layout and make it slow on big graphs (a minute
        # for 200 nodes); there they are placed after the layout instead (xlabel).
        small = len(self.nodes) <= _SMALL_GRAPH
        label = "label" if small else "xlabel"
        states = self._states(step) if step is not None else ["empty"] * len(self.nodes)
        lines = [
            "digraph backward {",
            f'  graph [rankdir={self._rankdir()}, fontname="Helvetica", bgcolor="white",'
            f" nodesep=0.25, ranksep=0.12{'' if small else _FAST_LAYOUT}];",
            '  node [fontname="Helvetica", fontsize=11];',
            '  edge [fontname="Helvetica", fontsize=10, arrowsize=0.6, color="#888888"];',
        ]
        for i, node in enumerate(self.nodes):
            if step is None:
                grad_text = f"{self._placeholder}{i}"
            elif frame.grads[i] is None:
                grad_text = f'<FONT COLOR="#999999">{_html(self._texts(i, None))}</FONT>'
            else:
                grad_text = _html(self._texts(i, frame.grads[i]))
            lines.append(
                f'  n{i} [id="n{i}", shape=plain, label=<'
                f"{self._table(i, node, grad_text, widths[i], states[i])}>];"
            )
            if node.parents:
                color = _FILL["current"] if states[i] == "current" else "#eeeeee"
                lines.append(
                    f'  n{i}op [id="n{i}op", shape=ellipse, style=filled, '
                    f'fillcolor="{color}", fontsize=10, width=0.3, height=0.25, '
                    f'margin=0.04, label="{_quoted(_text(node.op))}"];'
                )
                lines.append(f'  n{i}op -> n{i} [id="out{i}"];')
        for e, j, i in self._edges():
            attrs = f'id="e{e}", {label}="{_quoted(labels[e])}"'
            if step is not None:
                at = edge_frames[e]
                if at == step:
                    attrs += f', color="{_NOW}", fontcolor="{_NOW}", penwidth=2.2'
                elif 0 <= at < step:
                    attrs += ', fontcolor="#555555"'
                else:
                    attrs += ', fontcolor="transparent"'
            lines.append(f"  n{j} -> n{i}op [{attrs}];")
        lines.append("}")
        return "\n".join(lines)

    def _rankdir(self) -> str:
        """Left to right like micrograd's pictures; top down for tensors, whose boxes are wide."""
        return "LR" if all(isinstance(n, Value) for n in self.nodes) else "TB"

    def _table(self, i: int, node: Node, grad_text: str, width: float, state: str) -> str:
        cells = [_text(node.label)] if node.label else []
        if isinstance(node, Value):
            cells.append(f"data {_number(node.data)}")
        else:
            cells.append(f"{tuple(node.data.shape)} {node.data.dtype}")
            cells.append(f"data {_preview(node.data)}")
        # Stacked rows, not micrograd's single row: the graph stays narrow enough to read.
        # The grad cell's text changes per frame, the layout must not: its WIDTH (a minimum)
        # fits the longest text it ever holds, and the column stretches it to the box.
        rows = "".join(
            f"<TR><TD{'' if k == 0 and node.label else _LEFT}>{_html(c)}</TD></TR>"
            for k, c in enumerate(cells)
        )
        grad = f'<TR><TD WIDTH="{round(width)}" HEIGHT="18"{_LEFT}>{grad_text}</TD></TR>'
        border = 3 if node is self.root else 1
        table = (
            f'<TABLE BORDER="{border}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" '
            f'BGCOLOR="{_FILL[state]}">'
        )
        return f"{table}{rows}{grad}</TABLE>"

    def _svg(self) -> str:
        svg = _pipe(self._dot(None), "svg").decode("utf-8")
        svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype: the SVG is inline
        svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)
        # Give each grad text an id, so the page script can write into it per frame.
        return re.sub(
            rf"<text ([^>]*)>{self._placeholder}(\d+)</text>", r'<text id="g\2" \1></text>', svg
        )

    @cached_property
    def _placeholder(self) -> str:
        """The skeleton's grad text, before the node's number: GRAD, made longer in the
        rare graph whose labels or op names contain it (a label is never taken for a
        grad cell, which the player writes into)."""
        texts = [_text(n.label) for n in self.nodes] + [_text(n.op) for n in self.nodes]
        mark = "GRAD"
        while any(mark in t for t in texts):
            mark += "Z"
        return mark

    def _frame_data(self, frame: Frame) -> dict[str, Any]:
        updates = {}
        if frame.step == 0:
            updates = {str(i): self._texts(i, g) for i, g in enumerate(frame.grads)}
        for c in frame.contributions:
            j = self._index[id(c.parent)]
            updates[str(j)] = self._texts(j, c.after)
        return {"node": self._index[id(frame.node)], "caption": frame.caption, "grads": updates}

    # -- GIF ---------------------------------------------------------------------------
    def _gif(self) -> bytes:
        try:
            from PIL import Image, ImageDraw, ImageFont
        except ImportError:
            raise RuntimeError(
                "save: writing a .gif needs Pillow (pip install Pillow, or the "
                "'demos' extra); .html needs nothing more"
            ) from None
        import io

        graphs = [
            Image.open(io.BytesIO(_pipe(self._dot(f.step), "png"))).convert("RGB")
            for f in self.frames
        ]
        width = max(640, max(g.width for g in graphs))
        font, plain = _caption_font(ImageFont)
        pictures = []
        for frame, graph in zip(self.frames, graphs, strict=True):
            lines = _wrap(
                frame.caption if not plain else frame.caption.replace("×", "x"), max(40, width // 8)
            )
            canvas = Image.new("RGB", (width, graph.height + 22 * len(lines) + 24), "white")
            canvas.paste(graph, ((width - graph.width) // 2, 0))
            draw = ImageDraw.Draw(canvas)
            for n, line in enumerate(lines):
                draw.text((16, graph.height + 10 + 22 * n), line, fill="black", font=font)
            pictures.append(canvas)
        height = max(p.height for p in pictures)
        frames = []
        for p in pictures:
            full = Image.new("RGB", (width, height), "white")
            full.paste(p, (0, 0))
            frames.append(full.convert("P", palette=Image.Palette.ADAPTIVE, colors=64))
        durations = [1600] * len(frames)
        durations[0] = durations[-1] = 3000
        buffer = io.BytesIO()
        frames[0].save(
            buffer,
            format="GIF",
            save_all=True,
            append_images=frames[1:],
            duration=durations,
            loop=0,
            optimize=True,
        )
        return buffer.getvalue()


# -- helpers ---------------------------------------------------------------------------

_WIDE_PT = 2400  # wider graphs scroll instead of shrinking to fit the window
_SMALL_GRAPH = 40  # nodes; larger graphs get the fast layout below
_FAST_LAYOUT = ", mclimit=0.1, nslimit=1, nslimit1=1"  # fewer crossing-minimization passes
_CHAR_PT = 6.5  # a generous average width of one 11pt Helvetica character, in points
_NOW = "#d62728"
_LEFT = ' ALIGN="LEFT"'
_FILL = {"empty": "white", "reached": "#fff1b8", "current": "#ffb347", "final": "#d4efc9"}


def _short(x: float) -> str:
    return f"{x:.4g}"


def _grad_words(g: Grad) -> str:
    if isinstance(g, np.ndarray):
        return f"{tuple(g.shape)} {_preview(g)}" if g.ndim else _short(float(g))
    return _short(g)


def _summary(a: np.ndarray) -> str:
    """A tensor in a few characters, for an edge label: its values if few, else shape and mean."""
    if a.size <= 3:
        return "[" + ", ".join(_short(float(v)) for v in a.ravel()) + "]"
    return f"{tuple(a.shape)} mean {_short(float(np.mean(a, dtype=np.float64)))}"


def _html(text: str) -> str:
    return html.escape(text, quote=True)


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _pipe(source: str, fmt: str) -> bytes:
    gv = _graphviz()
    try:
        return gv.Source(source).pipe(format=fmt, quiet=True)
    except gv.ExecutableNotFound:
        raise GraphvizNotFoundError(INSTALL_HINT) from None


def _caption_font(image_font: Any) -> tuple[Any, bool]:
    """A TrueType font with "×" when one is installed; else Pillow's own (then write "x")."""
    for name in ("DejaVuSans.ttf", "Arial.ttf", "Helvetica.ttc"):
        try:
            return image_font.truetype(name, 15), False
        except OSError:
            continue
    try:
        return image_font.load_default(size=15), True
    except TypeError:  # Pillow < 10.1: a small bitmap font
        return image_font.load_default(), True


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return lines + [line] if line else lines


# -- the page --------------------------------------------------------------------------

_SLOT = re.compile(r"\{\{([a-z_]+)\}\}")


@cache
def _page_file(name: str) -> str:
    """A file of the page (``autograd/pictures/page/``: player.html, .css, .js), as text."""
    return (resources.files("autograd.pictures") / "page" / name).read_text("utf-8")


def fill_page(parts: dict[str, str]) -> str:
    """``player.html`` with each ``{{name}}`` replaced by ``parts[name]``, in ONE pass.

    The template is scanned once; what is put in is never scanned again, so a label
    holding ``{{data}}`` (or anything else) stays text. Every slot must be given.

    >>> page = fill_page({"title": "{{svg}}", "style": "", "graph_class": "fit",
    ...                   "svg": "<svg></svg>", "data": "{}", "script": ""})
    >>> "<title>{{svg}}</title>" in page and page.count("<svg></svg>") == 1
    True
    """
    template = _page_file("player.html")
    wanted = set(_SLOT.findall(template))
    if wanted != set(parts):
        raise ValueError(f"fill_page: the page has slots {sorted(wanted)}, got {sorted(parts)}")
    return _SLOT.sub(lambda m: parts[m.group(1)], template)


_JSON_IN_HTML = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_for_html(data: Any) -> str:
    r"""``data`` as JSON that is safe inside ``<script type="application/json">``.

    ``<``, ``>`` and ``&`` (and the line separators U+2028/2029) are written as
    ``\uXXXX`` escapes, so no string can end the script element, open a comment or
    start markup; ``JSON.parse`` reads the same values back.

    >>> json_for_html({"label": "</script><!--"})
    '{"label": "\\u003c/script\\u003e\\u003c!--"}'
    """
    return json.dumps(data, ensure_ascii=False).translate(_JSON_IN_HTML)
