"""Pictures of the graph: ``draw_graph`` and ``render_graph``.

``draw_graph`` turns the graph behind a Value or Tensor into a ``graphviz.Digraph``:
one record box per node (label, data, grad) and one small ellipse per op, from
inputs on the left to the output on the right, as in micrograd's pictures.
Nodes made inside an ``nn.Module`` are grouped into one cluster per module.
Building the Digraph needs no Graphviz program; ``render_graph`` calls ``dot``
to write an SVG/PNG/PDF file. Graphs larger than ``max_nodes`` are summarized
(runs of one op merged, then nodes grouped by module and op), so even a graph
of a million nodes gives a small picture after one linear walk.

The command line that draws an expression lives in ``autograd.draw``.
"""

from __future__ import annotations

import html
import math
import os
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from autograd.core.free_functions import Node
from autograd.core.graph import topological_order
from autograd.core.tensor import Tensor
from autograd.core.value import Value

if TYPE_CHECKING:  # imported when a graph is drawn: `import autograd` needs numpy alone
    import graphviz


INSTALL_HINT = (
    "Graphviz's 'dot' program, which lays out and renders the picture, was not found on PATH. "
    "Install Graphviz: Debian/Ubuntu 'sudo apt-get install graphviz', "
    "macOS 'brew install graphviz', conda 'conda install -c conda-forge graphviz', "
    "Windows 'winget install graphviz' or 'choco install graphviz' "
    "(then restart Python or the Jupyter kernel so it sees the new PATH)."
)


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is missing: the message says how to install it.

    Raised by ``render_graph``, ``BackwardAnimation.save``/``to_html`` and the
    command line; ``draw_graph`` never needs ``dot``, and the Jupyter display of
    its Digraph shows the same message instead of a traceback.

    >>> issubclass(GraphvizNotFoundError, RuntimeError)
    True
    """


class PictureArgumentError(TypeError, ValueError):
    """An argument of the wrong type (``max_nodes='5'``, ``path=None``): a TypeError and a
    ValueError, so callers that catch either see it.

    >>> issubclass(PictureArgumentError, TypeError), issubclass(PictureArgumentError, ValueError)
    (True, True)
    """


def dot_missing() -> bool:
    """Whether Graphviz's ``dot`` program is missing from PATH."""
    return shutil.which("dot") is None


def require_dot() -> None:
    """Raise ``GraphvizNotFoundError`` (one line: how to install it) when ``dot`` is missing."""
    if dot_missing():
        raise GraphvizNotFoundError(INSTALL_HINT)


def missing_dot_html() -> str:
    """The note a notebook shows instead of a picture when ``dot`` is missing."""
    return (
        '<pre style="white-space: pre-wrap; color: #8a4b00; background: #fff7e6; '
        'padding: 6px 8px; border-left: 3px solid #e0a040">'
        f"{html.escape(INSTALL_HINT)}</pre>"
    )


RANKDIRS = ("LR", "RL", "TB", "BT")
# Graphviz's output formats that write exactly one file: not vrml (it also writes a PNG
# per node into the current folder) nor gtk, x11 and xlib (they open a window).
SINGLE_FILE_FORMATS = frozenset(
    {
        "bmp",
        "canon",
        "cgimage",
        "cmap",
        "cmapx",
        "cmapx_np",
        "dot",
        "dot_json",
        "eps",
        "exr",
        "fig",
        "gd",
        "gd2",
        "gif",
        "gv",
        "ico",
        "imap",
        "imap_np",
        "ismap",
        "jp2",
        "jpe",
        "jpeg",
        "jpg",
        "json",
        "json0",
        "pct",
        "pdf",
        "pic",
        "pict",
        "plain",
        "plain-ext",
        "png",
        "pov",
        "ps",
        "ps2",
        "psd",
        "sgi",
        "svg",
        "svg_inline",
        "svgz",
        "tga",
        "tif",
        "tiff",
        "tk",
        "vml",
        "vmlz",
        "wbmp",
        "webp",
        "xdot",
        "xdot1.2",
        "xdot1.4",
        "xdot_json",
    }
)
MAX_LABEL_CHARS = 200  # longer labels, op and module names are shortened in pictures
_TENSOR_VALUES_SHOWN = 6  # tensors with at most this many elements show every value
_CONSTANT_STYLE = {
    "shape": "box",
    "style": "dashed,rounded",
    "color": "#888888",
    "fontsize": "10",
    "width": "0.2",
    "height": "0.2",
    "margin": "0.04",
    "tooltip": "a constant: a number in the code, with no gradient",
}
_OP_STYLE = {
    "shape": "ellipse",
    "style": "filled",
    "fillcolor": "#eeeeee",
    "fontsize": "10",
    "width": "0.3",
    "height": "0.25",
    "margin": "0.04",
}


# -- drawing -----------------------------------------------------------------------


def _graphviz() -> Any:
    """The graphviz package, imported on the first drawing (not by ``import autograd``)."""
    try:
        import graphviz
    except ImportError:
        raise ImportError(
            "drawing graphs needs the 'graphviz' Python package, which is not installed: "
            "pip install graphviz (and Graphviz's 'dot' program to render files)"
        ) from None
    return graphviz


def _digraph() -> Any:
    """The Digraph class drawings use: graphviz's, with a notebook display that explains a
    missing ``dot`` (``autograd.pictures.digraph``)."""
    _graphviz()  # the clear ImportError first
    from autograd.pictures.digraph import Digraph

    return Digraph


def draw_graph(
    root: Node, rankdir: str = "LR", show_grad: bool = True, max_nodes: int = 500
) -> graphviz.Digraph:
    """The graph behind ``root`` as a ``graphviz.Digraph`` (shows inline in Jupyter).

    Building it needs no Graphviz program; showing it (Jupyter) or rendering it
    (``render_graph``) needs ``dot``, and without it the notebook shows a short
    note saying how to install it. ``draw_dot`` is the same function (micrograd's
    lecture calls it that). Each node is a box with its label, data and grad
    (tensors: shape, dtype and a short preview); each op is a small ellipse
    between its inputs and its output; a number the op used (``1 - x``) is a
    small dashed box. Node names follow the topological order, so the same graph always
    gives the same source. Graphs with more than ``max_nodes`` nodes are
    summarized instead of drawn node by node.

    >>> from autograd import Value
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> c = a * b; c.label = "c"
    >>> c.backward()
    >>> dot = draw_graph(c)          # a graphviz.Digraph: displays inline in Jupyter
    >>> "{ a | data 2.0000 | grad -3.0000 }" in dot.source   # a box per node
    True
    >>> '[label="*"' in dot.source    # an ellipse per op
    True
    """
    if not isinstance(root, (Value, Tensor)):
        raise TypeError(f"draw_graph: root must be a Value or a Tensor, got {type(root).__name__}")
    if rankdir not in RANKDIRS:
        raise ValueError(
            f"draw_graph: rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}"
        )
    _check_max_nodes(max_nodes, "draw_graph")
    dot = _digraph()(
        name="autograd",
        graph_attr={"rankdir": rankdir, "fontname": "Helvetica", "fontsize": "12"},
        node_attr={"fontname": "Helvetica", "fontsize": "11"},
        edge_attr={"arrowsize": "0.6", "fontname": "Helvetica", "fontsize": "9"},
    )
    # In left-to-right layouts a record's top-level fields stack vertically;
    # braces flip them. Value boxes read across (like micrograd's), Tensor
    # boxes stack shape, data and grad as rows, in every layout.
    braces = rankdir in ("LR", "RL")
    order = topological_order(root)
    if len(order) <= max_nodes:
        _draw_every_node(dot, order, show_grad, braces)
    else:
        _draw_summary(dot, order, show_grad, braces, max_nodes)
    return dot


draw_dot = draw_graph  # micrograd's lecture name for the same picture


def _check_max_nodes(max_nodes: Any, owner: str) -> None:
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int):
        raise PictureArgumentError(
            f"{owner}: max_nodes must be a positive int, got {max_nodes!r} "
            f"({type(max_nodes).__name__}); pass e.g. max_nodes=500"
        )
    if max_nodes < 1:
        raise ValueError(f"{owner}: max_nodes must be a positive int, got {max_nodes}")


def render_graph(
    root: Node, path: str | os.PathLike[str], format: str | None = None, **kw: Any
) -> str:
    """Draw ``root``'s graph (``kw`` goes to ``draw_graph``) and write it to exactly ``path``.

    The format follows the path's extension (``.svg``, ``.png``, ``.pdf``, or any
    Graphviz format that writes one file); a path without an extension gets SVG.
    ``format=`` overrides that for a path whose extension names no format, and a
    ``format=`` that contradicts the extension (``"g.png"`` with ``format="svg"``)
    is refused: no file ever holds one format under another's name. Needs
    Graphviz's ``dot`` program; without it a ``GraphvizNotFoundError`` (a
    RuntimeError) says in one line how to install it. The file is replaced
    atomically (``autograd.system.atomic_write``): a failed write leaves the old
    one whole, and a path that is a directory, FIFO or device is refused. No
    other file is left behind. Returns the path written.

    >>> import tempfile, os
    >>> from autograd import Value
    >>> x = Value(0.5, label="x"); y = x.tanh(); y.backward()
    >>> path = os.path.join(tempfile.mkdtemp(), "tanh.svg")
    >>> render_graph(y, path) == path and "tanh" in open(path).read()
    True
    >>> open(render_graph(y, path[:-3] + "png"), "rb").read(4)   # the extension decides
    b'\x89PNG'
    """
    gv = _graphviz()
    target = _target_path(path, "render_graph")
    fmt = _format_for(target, format)
    from autograd.system.atomic_write import atomic_write  # here: keeps the import block to itself

    require_dot()
    dot = draw_graph(root, **kw)
    try:
        data = dot.pipe(format=fmt, quiet=True)
    except gv.ExecutableNotFound:
        raise GraphvizNotFoundError(INSTALL_HINT) from None
    except gv.CalledProcessError as exc:
        detail = exc.stderr.decode(errors="replace").strip() if exc.stderr else str(exc)
        raise RuntimeError(f"render_graph: dot failed to render {fmt}: {detail}") from None
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(target, "render_graph") as f:  # a failed write keeps the old picture
        f.write(data)
    return target


def _target_path(path: object, owner: str) -> str:
    """``path`` as a str, refusing what names no file (None, bytes, an empty string)."""
    if not isinstance(path, (str, os.PathLike)):
        raise PictureArgumentError(
            f"{owner}: path must be a str or pathlib.Path naming the file to write, "
            f"got {type(path).__name__}"
        )
    target = os.fspath(path)
    if not isinstance(target, str):
        raise PictureArgumentError(
            f"{owner}: path must be a str or pathlib.Path, got a "
            f"{type(target).__name__} path; decode it first"
        )
    if not target.strip():
        raise ValueError(f"{owner}: the path is empty")
    return target


# Names of one format (``dot -Tjpg`` and ``-Tjpeg`` write the same bytes).
_SAME_FORMAT = {
    "jpeg": "jpg",
    "jpe": "jpg",
    "tiff": "tif",
    "gv": "dot",
    "canon": "dot",
    "svg_inline": "svg",
    "xdot1.2": "xdot",
    "xdot1.4": "xdot",
    "json0": "json",
}
_NOT_SINGLE_FILE = ("vrml", "gtk", "x11", "xlib")


def _format_for(path: str, format: str | None) -> str:
    """The format to write ``path`` in: ``format=``, else the extension, else svg."""
    if format is not None:
        if not isinstance(format, str):
            raise PictureArgumentError(
                f"render_graph: format must be a str such as 'svg', got {type(format).__name__}"
            )
        _check_single_file(format)
    suffix = Path(path).suffix.lstrip(".").lower()
    named = suffix if suffix in SINGLE_FILE_FORMATS or suffix in _NOT_SINGLE_FILE else None
    if format is None:
        if named is None:
            if suffix:
                raise ValueError(
                    f"render_graph: cannot tell the format from {path!r} (.{suffix} "
                    "is no Graphviz format); name the file .svg, .png or .pdf, "
                    "or pass format='svg'"
                )
            return "svg"
        _check_single_file(named)
        return named
    if named is not None and not same_format(named, format):
        raise ValueError(
            f"render_graph: format={format!r} but {path!r} names a .{suffix} file; "
            f"name the file .{format} or leave out format= (no file gets one "
            "format under another's name)"
        )
    return format


def same_format(a: str, b: str) -> bool:
    """Whether two Graphviz format names write the same kind of file (jpg and jpeg do).

    >>> same_format("jpeg", "JPG"), same_format("png", "svg")
    (True, False)
    """
    a, b = a.lower(), b.lower()
    return _SAME_FORMAT.get(a, a) == _SAME_FORMAT.get(b, b)


def _check_single_file(fmt: str) -> None:
    if fmt in SINGLE_FILE_FORMATS:
        return
    if fmt in _NOT_SINGLE_FILE:
        raise ValueError(
            f"render_graph: format {fmt!r} does not write a single file; "
            "use a format that does, such as svg, png or pdf"
        )
    raise ValueError(
        f"render_graph: unknown format {fmt!r}; use a Graphviz format "
        "that writes one file, such as svg, png or pdf"
    )


def _draw_every_node(
    dot: graphviz.Digraph, order: list[Node], show_grad: bool, braces: bool
) -> None:
    index = {id(node): i for i, node in enumerate(order)}
    last = len(order) - 1
    clusters = _Clusters(dot)
    edges: list[tuple[str, str]] = []
    for i, node in enumerate(order):
        graph = clusters.graph_for(node._scope)
        fields = _node_fields(node, show_grad)
        attrs = {"shape": "record"}
        if i == last:
            attrs["penwidth"] = "2"
        if isinstance(node, Tensor) and not node.requires_grad:
            attrs["style"] = "dashed"  # a constant: it gets no gradient
        graph.node(f"n{i}", _record(fields, _reads_across(node, braces)), **attrs)
        if node._parents:
            inputs = [f"n{index[id(p)]}" for p in node._parents]
            constant = _constant_operand(node)
            if constant is None:
                graph.node(f"n{i}op", _plain(_text(node.op)), **_OP_STYLE)
            else:  # a number the op used: a small box, its edge in operand order
                number, position = constant
                graph.node(f"n{i}op", _plain(_text(node.op)), ordering="in", **_OP_STYLE)
                # Outside any module cluster: inside one, dot 2.43 can fail to lay out
                # the cluster's records ("flat edge ... lost edge").
                dot.node(f"n{i}k", _plain(_short_number(number)), **_CONSTANT_STYLE)
                inputs.insert(position, f"n{i}k")
            edges.append((f"n{i}op", f"n{i}"))
            edges.extend((tail, f"n{i}op") for tail in inputs)
    clusters.close()
    for tail, head in edges:
        dot.edge(tail, head)


def _constant_operand(node: Node) -> tuple[float, int] | None:
    """A Value's binary op with a Python number for one operand (``1 - x``, ``x ** 2``):
    the number and its position (0 left, 1 right). The engine keeps no node for it (the
    number sits in ``_d1``, the op's ``slot`` says which side the node was); None else."""
    if not isinstance(node, Value) or node._p1 is not None:
        return None
    spec = getattr(node._op, "spec", None)
    if spec is None or spec.arity != 2:
        return None
    number = node._d1
    if isinstance(number, Value):
        number = number.data
    if not isinstance(number, (int, float)):
        return None
    return float(number), 1 - int(getattr(node._op, "slot", 0))


def _short_number(x: float) -> str:
    """A constant as written in code: 1, 0.5, -3, 1e-08."""
    return f"{x:.6g}"


class _Clusters:
    """One ``subgraph cluster_<scope>`` per module scope, nested like the dotted names."""

    def __init__(self, root: graphviz.Digraph) -> None:
        self.root = root
        self.graphs: dict[str, graphviz.Digraph] = {}

    def graph_for(self, scope: str) -> graphviz.Digraph:
        if not scope:
            return self.root
        graph = self.graphs.get(scope)
        if graph is None:
            parent = scope.rpartition(".")[0]
            if parent:
                self.graph_for(parent)  # depth = nesting of modules: small
            shown = _text(scope)
            name = _plain(shown) if shown == scope else str(len(self.graphs))
            graph = _digraph()(name=f"cluster_{name}")
            graph.attr(
                label=_plain(shown),
                style="rounded,dashed",
                color="#888888",
                fontcolor="#555555",
                labeljust="l",
            )
            self.graphs[scope] = graph
        return graph

    def close(self) -> None:
        """Attach every cluster to its parent, innermost first."""
        for scope in sorted(self.graphs, key=lambda s: -s.count(".")):
            parent = scope.rpartition(".")[0]
            (self.graphs[parent] if parent else self.root).subgraph(self.graphs[scope])


def _node_fields(node: Node, show_grad: bool) -> list[str]:
    fields = [_text(node.label)] if node.label else []
    if isinstance(node, Value):
        fields.append(f"data {_number(node.data)}")
        if show_grad:
            fields.append(f"grad {_number(node.grad)}")
        return fields
    fields.append(f"{tuple(node.data.shape)} {node.data.dtype}")
    fields.append(f"data {_preview(node.data)}")
    if show_grad and node.requires_grad:
        grad = node.grad
        if isinstance(grad, Tensor):  # after backward(create_graph=True): a node of its own
            grad = grad.data
        fields.append("grad None" if grad is None else f"grad {_preview(grad)}")
    return fields


def _number(x: Any) -> str:
    """4 decimals like micrograd's pictures; scientific notation when that would hide digits.
    A grad that is a node (after ``backward(create_graph=True)``) shows its data."""
    if isinstance(x, Value):
        x = x.data
    if x == 0.0 or not math.isfinite(x) or 1e-3 <= abs(x) < 1e6:
        return f"{x:.4f}"
    return f"{x:.3e}"


def _preview(a: np.ndarray) -> str:
    if a.size == 0:
        return "(empty)"
    if a.ndim == 0:
        return _number(float(a))
    if a.size <= _TENSOR_VALUES_SHOWN:
        text = np.array2string(
            np.asarray(a),
            separator=", ",
            max_line_width=10_000,
            formatter={"float_kind": lambda v: f"{v:.4g}"},
        )
        return " ".join(text.split())
    x = np.asarray(a, dtype=np.float64)
    lo, mean, hi = (_number(float(v)) for v in (x.min(), x.mean(), x.max()))
    return f"min {lo}  mean {mean}  max {hi}"


def _reads_across(node: Node, braces: bool) -> bool:
    """Braces for a Value box in LR layouts; Tensor boxes get the other orientation."""
    return braces ^ isinstance(node, Tensor)


def _record(fields: list[str], braces: bool) -> str:
    body = " | ".join(_escape(f) for f in fields)
    return "{ " + body + " }" if braces else body


def _escape(text: str) -> str:
    """Escape the characters that have a meaning inside a record label."""
    out = text.replace("\\", "\\\\")
    for ch in '{}|<>"':
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def _plain(text: str) -> str:
    """A label for a non-record node: only backslashes are special (and <...> means HTML)."""
    text = text.replace("\\", "\\\\")
    return text + " " if text.startswith("<") and text.endswith(">") else text


def _text(text: object) -> str:
    """User text (a label, op or module name) as a picture shows it: at most
    ``MAX_LABEL_CHARS`` characters, control characters and lone surrogates
    (which ``dot`` cannot read) written as escapes.

    >>> _text("a\\x00b"), _text("x" * 1000)[-20:]
    ('a\\\\x00b', '... (1,000 characters)')
    """
    text = str(text)
    if len(text) > MAX_LABEL_CHARS:
        text = f"{text[:MAX_LABEL_CHARS]}... ({len(text):,} characters)"
    if text.isprintable():
        return text
    return "".join(
        c if c.isprintable() or c == " " else " " if c in "\n\t\r" else _escaped(c) for c in text
    )


def _escaped(c: str) -> str:
    import unicodedata  # only for labels that are not printable

    code = ord(c)
    if unicodedata.category(c) not in ("Cc", "Cs"):
        return c
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


# -- summaries of large graphs ---------------------------------------------------------
#
# A big graph is first flattened into arrays (one O(n) walk); each summary level
# then maps every node to a group with numpy, and the first level whose groups
# and group-to-group edges fit the budget is drawn. Levels, finest first:
# runs of one op merged, then groups by (module, op), by module, and one box.


class _Flat:
    """The graph as arrays: edge ``tails[k] -> heads[k]`` by topological position."""

    def __init__(self, order: list[Node]) -> None:
        index = {id(node): i for i, node in enumerate(order)}
        n = len(order)
        self.n = n
        self.tails = np.fromiter((index[id(p)] for node in order for p in node._parents), np.int64)
        self.heads = np.repeat(np.arange(n), [len(node._parents) for node in order])
        self.op_names, self.ops = _codes(node.op for node in order)
        self.scope_names, self.scopes = _codes(node._scope for node in order)

    def runs(self) -> np.ndarray:
        """Key per node: the position of the first node of its run.

        A node continues its parent's run when that parent is its only non-leaf
        input, feeds nothing else, and has the same op and module.
        """
        tails, heads, n = self.tails, self.heads, self.n
        inner = np.bincount(heads, minlength=n)[tails] > 0
        inner_inputs = np.bincount(heads[inner], minlength=n)
        uses = np.bincount(tails, minlength=n)
        same = (self.ops[tails] == self.ops[heads]) & (self.scopes[tails] == self.scopes[heads])
        chained = inner & (inner_inputs[heads] == 1) & (uses[tails] == 1) & same
        first = np.arange(n)
        first[heads[chained]] = tails[chained]
        while True:  # pointer jumping: log2(longest run) steps
            jumped = first[first]
            if np.array_equal(jumped, first):
                return first
            first = jumped


def _codes(items: Iterator[str]) -> tuple[list[str], np.ndarray]:
    """Distinct strings in order of first appearance, and each item's code."""
    table: dict[str, int] = {}
    codes = np.fromiter((table.setdefault(s, len(table)) for s in items), np.int64)
    return list(table), codes


def _groups(keys: np.ndarray, max_groups: int) -> np.ndarray | None:
    """Group id per node, numbered by first appearance; None if there are too many groups."""
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    if len(first) > max_groups:
        return None
    rank = np.empty(len(first), np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    return rank[inverse.reshape(-1)]


def _draw_summary(
    dot: graphviz.Digraph, order: list[Node], show_grad: bool, braces: bool, max_nodes: int
) -> None:
    flat = _Flat(order)
    how, member_of, edges = _choose_grouping(flat, max_nodes)
    dot.attr(label=_summary_title(flat, max_nodes, how), labelloc="t")
    n_groups = int(member_of.max()) + 1
    sizes = np.bincount(member_of, minlength=n_groups).tolist()
    # Each group's first and last node (positions grow along the topological order).
    _, first = np.unique(member_of, return_index=True)
    _, from_end = np.unique(member_of[::-1], return_index=True)
    last = (flat.n - 1 - from_end).tolist()
    single_op = how in (_RUNS, _BY_MODULE_AND_OP)  # every group shares one op and one module
    mixes: dict[int, Counter[str]] = {}
    if not single_op:
        for (g, op), count in Counter(
            zip(member_of.tolist(), flat.ops.tolist(), strict=True)
        ).items():
            mixes.setdefault(g, Counter())[flat.op_names[op]] += count
    clusters = _Clusters(dot)
    for g in range(n_groups):
        scope = flat.scope_names[flat.scopes[first[g]]]
        graph = clusters.graph_for(scope) if single_op else dot
        node = order[last[g]]
        if sizes[g] == 1:  # a group of one: the node itself, with its op
            fields = ([_text(node.op)] if node._parents else []) + _node_fields(node, show_grad)
            graph.node(f"g{g}", _record(fields, _reads_across(node, braces)), shape="record")
            continue
        if single_op:
            fields = [_count_ops(node.op, sizes[g])]
            if how == _RUNS and isinstance(node, Value):
                fields.append(f"last data {_number(node.data)}")
                if show_grad:
                    fields.append(f"grad {_number(node.grad)}")
        else:
            fields = [_text(scope) or "(outside modules)"] if how == _BY_MODULE else []
            fields.append(f"{sizes[g]:,} nodes")
            fields += [_count_ops(op, c) for op, c in mixes[g].most_common(4)]
        graph.node(
            f"g{g}", _record(fields, braces), shape="record", style="filled", fillcolor="#f3f3f3"
        )
    clusters.close()
    for tail, head, count in edges:
        dot.edge(f"g{tail}", f"g{head}", label=f"x{count:,}" if count > 1 else None)


_RUNS = "runs of the same op merged"
_BY_MODULE_AND_OP = "grouped by module and op"
_BY_MODULE = "grouped by module"
_ONE_BOX = "everything in one box"


def _choose_grouping(
    flat: _Flat, max_nodes: int
) -> tuple[str, np.ndarray, list[tuple[int, int, int]]]:
    """The finest grouping with at most ``max_nodes`` groups and ``2 * max_nodes`` edges."""
    n_ops = len(flat.op_names)
    levels: list[tuple[str, Callable[[], np.ndarray]]] = [
        (_RUNS, flat.runs),
        (_BY_MODULE_AND_OP, lambda: flat.scopes * n_ops + flat.ops),
        (_BY_MODULE, lambda: flat.scopes),
    ]
    for how, keys in levels:
        member_of = _groups(keys(), max_nodes)
        if member_of is not None:
            edges = _group_edges(flat, member_of, 2 * max_nodes)
            if edges is not None:
                return how, member_of, edges
    return _ONE_BOX, np.zeros(flat.n, np.int64), []


def _count_ops(op: str, count: int) -> str:
    if not op:
        return f"{count:,} {'leaf' if count == 1 else 'leaves'}"
    return f"{count:,} x {_text(op)!r}"


def _summary_title(flat: _Flat, max_nodes: int, how: str) -> str:
    counts = np.bincount(flat.ops, minlength=len(flat.op_names))
    pairs = zip(flat.op_names, counts.tolist(), strict=True)
    ranked = sorted(((c, op) for op, c in pairs if op), reverse=True)
    parts = [_count_ops(op, c) for c, op in ranked[:6]]
    if len(ranked) > 6:
        parts.append(f"{sum(c for c, _ in ranked[6:]):,} more in {len(ranked) - 6} other ops")
    leaves = int(counts[flat.op_names.index("")]) if "" in flat.op_names else 0
    parts.append(_count_ops("", leaves))
    return f"{flat.n:,} nodes (more than max_nodes={max_nodes:,}), {how}: " + ", ".join(parts)


def _group_edges(
    flat: _Flat, member_of: np.ndarray, limit: int
) -> list[tuple[int, int, int]] | None:
    """Edges between groups as (tail, head, how many graph edges); None if over ``limit``."""
    tails, heads = member_of[flat.tails], member_of[flat.heads]
    between = tails != heads
    n_groups = int(member_of.max()) + 1
    keys, counts = np.unique(tails[between] * n_groups + heads[between], return_counts=True)
    if len(keys) > limit:
        return None
    return [
        (k // n_groups, k % n_groups, c)
        for k, c in zip(keys.tolist(), counts.tolist(), strict=True)
    ]
