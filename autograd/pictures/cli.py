"""The ``autograd-draw`` command: draw the graph of an arithmetic expression.

It evaluates an expression over named inputs without ``eval``: the expression
is parsed with ``ast`` and every part is checked against a whitelist before
anything runs; then backward runs and ``render_graph`` writes the picture::

    python -m autograd.draw "tanh(x1*w1 + x2*w2 + b)" x1=2 x2=0 w1=-3 w2=1 b=6.88137 -o neuron.svg
"""

from __future__ import annotations

import argparse
import ast
import math
import operator
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from autograd.core.registry import REGISTRY, UNARY_METHODS
from autograd.core.value import Value
from autograd.pictures.animate import animate_backward
from autograd.pictures.render import RANKDIRS, SINGLE_FILE_FORMATS, render_graph, same_format

# -- the command line -----------------------------------------------------------------

MAX_EXPRESSION_CHARS = 10_000
MAX_EXPRESSION_PARTS = 2_000

# The registry's unary methods. Their numeric parameters (negative_slope, alpha, beta and
# threshold: those with a float default, up to the first that is not) follow the input, by
# position or by name: softplus(x, 2, 10), softplus(x, threshold=10).
FUNCTIONS = frozenset(UNARY_METHODS)
NUMBER_PARAMETERS: dict[str, tuple[str, ...]] = {}
for _name in UNARY_METHODS:
    _numeric: list[str] = []
    for _param, _default in REGISTRY[_name].params:
        if not isinstance(_default, float):
            break
        _numeric.append(_param)
    NUMBER_PARAMETERS[_name] = tuple(_numeric)

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos}

_CONSTRUCTS = {
    "Attribute": "attribute access",
    "Subscript": "subscript",
    "Lambda": "lambda",
    "ListComp": "comprehension",
    "SetComp": "comprehension",
    "DictComp": "comprehension",
    "GeneratorExp": "generator expression",
    "Compare": "comparison",
    "BoolOp": "and/or",
    "IfExp": "conditional expression",
    "List": "list",
    "Tuple": "tuple",
    "Set": "set",
    "Dict": "dict",
    "JoinedStr": "f-string",
    "NamedExpr": "assignment (:=)",
    "Starred": "starred argument",
    "Await": "await",
    "Yield": "yield",
    "YieldFrom": "yield",
    "Slice": "slice",
}
_ALLOWED = "numbers, input names, + - * / **, unary minus, and calls such as tanh(x) (see --help)"


class ExpressionError(ValueError):
    """The expression uses something outside the command line's whitelist."""


def _parse_expression(text: str, names: set[str]) -> ast.expr:
    """Parse and check the whole expression; nothing is evaluated here."""
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(
            f"expression is {len(text):,} characters long; the limit is {MAX_EXPRESSION_CHARS:,}"
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"not a valid expression: {exc.msg}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("expression is nested too deeply for Python's parser") from None
    except ValueError as exc:  # e.g. a NUL byte in the text
        raise ExpressionError(f"not a valid expression: {exc}") from None
    parts = 0
    stack: list[ast.AST] = [tree.body]
    while stack:
        node = stack.pop()
        parts += 1
        if parts > MAX_EXPRESSION_PARTS:
            raise ExpressionError(f"expression has more than {MAX_EXPRESSION_PARTS:,} parts")
        if isinstance(node, ast.Constant):
            if type(node.value) not in (int, float):
                raise ExpressionError(
                    f"rejected {type(node.value).__name__} constant "
                    f"{_snippet(text, node)}: only int and float numbers"
                )
            if not _is_finite_number(node.value):
                raise ExpressionError(f"the number {_snippet(text, node)} is not finite as a float")
        elif isinstance(node, ast.Name):
            if node.id not in names:
                hint = (
                    f"{node.id} is a function: call it as {node.id}(x)"
                    if node.id in FUNCTIONS
                    else f"give it a value on the command line as {node.id}=NUMBER"
                )
                raise ExpressionError(f"unknown name {node.id!r}: {hint}")
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                raise _rejected("operator", text, node)
            stack += (node.right, node.left)
        elif isinstance(node, ast.UnaryOp):
            if type(node.op) not in _UNARY:
                raise _rejected("operator", text, node)
            stack.append(node.operand)
        elif isinstance(node, ast.Call):
            _check_call(text, node)
            stack += reversed(node.args)
        else:
            what = _CONSTRUCTS.get(type(node).__name__, f"{type(node).__name__} expression")
            raise _rejected(what, text, node)
    return tree.body


def _rejected(what: str, text: str, node: ast.AST) -> ExpressionError:
    return ExpressionError(f"rejected {what} {_snippet(text, node)}: allowed are {_ALLOWED}")


def _check_call(text: str, node: ast.Call) -> None:
    if not isinstance(node.func, ast.Name):
        raise ExpressionError(
            f"rejected call {_snippet(text, node)}: only calls of a function "
            f"by its plain name ({', '.join(sorted(FUNCTIONS))})"
        )
    name = node.func.id
    if name not in FUNCTIONS:
        raise ExpressionError(
            f"rejected call of {name!r}: allowed functions are {', '.join(sorted(FUNCTIONS))}"
        )
    params = NUMBER_PARAMETERS[name]
    n = len(node.args)
    if any(isinstance(a, ast.Starred) for a in node.args):
        raise ExpressionError(f"rejected starred argument in {_snippet(text, node)}")
    for k in node.keywords:
        if k.arg not in params:
            takes = (
                f"its parameters are {', '.join(params)}" if params else "it takes no parameters"
            )
            raise ExpressionError(
                f"rejected keyword argument in {_snippet(text, node)}: {name}: {takes}"
            )
        if params.index(k.arg) < n - 1:
            raise ExpressionError(
                f"{name}: {k.arg} is given twice (by position and by name) "
                f"in {_snippet(text, node)}"
            )
    if not params and n != 1:
        raise ExpressionError(f"{name} takes exactly one argument, got {n}")
    if not 1 <= n <= 1 + len(params):
        raise ExpressionError(
            f"{name} takes one argument and up to {len(params)} number(s) "
            f"({', '.join(params)}), got {n}"
        )
    for a in [*node.args[1:], *(k.value for k in node.keywords)]:
        if not _is_number(a):
            raise ExpressionError(
                f"{name}: each parameter must be a number, got {_snippet(text, a)}"
            )


def _is_finite_number(x: Any) -> bool:
    try:
        return math.isfinite(float(x))
    except OverflowError:  # an int too large for a float
        return False


def _is_number(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and type(node.op) in _UNARY:
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _number(node: ast.expr) -> float:
    """The value of a checked number (``_is_number``): a constant, or minus one."""
    if isinstance(node, ast.UnaryOp):
        value = float(node.operand.value)  # type: ignore[attr-defined]
        return float(_UNARY[type(node.op)](value))
    return float(node.value)  # type: ignore[attr-defined]


def _snippet(text: str, node: ast.AST) -> str:
    segment = ast.get_source_segment(text.strip(), node) or type(node).__name__
    return repr(segment if len(segment) <= 60 else segment[:57] + "...")


def _evaluate(expr: ast.expr, inputs: dict[str, Value]) -> Value:
    """Evaluate a checked expression with an explicit stack (deep input cannot recurse).

    Numbers stay plain floats (constants, as in the engine); arithmetic on two
    numbers goes through a Value too, so its errors read like the engine's.
    """
    results: list[Any] = []
    stack: list[tuple[ast.expr, bool]] = [(expr, False)]
    while stack:
        node, children_done = stack.pop()
        if isinstance(node, ast.Constant):
            results.append(float(node.value))  # type: ignore[arg-type] # checked: int or float
        elif isinstance(node, ast.Name):
            results.append(inputs[node.id])
        elif not children_done:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(_operands(node)))
        elif isinstance(node, ast.BinOp):
            right = results.pop()
            left = results.pop()
            if not isinstance(left, Value) and not isinstance(right, Value):
                left = Value(left)
            results.append(_BINARY[type(node.op)](left, right))
        elif isinstance(node, ast.UnaryOp):
            results.append(_UNARY[type(node.op)](results.pop()))
        else:
            assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            n = len(node.args)
            args = results[-n:]
            del results[-n:]
            x = args[0] if isinstance(args[0], Value) else Value(args[0])
            named = {k.arg: _number(k.value) for k in node.keywords if k.arg}
            results.append(getattr(x, node.func.id)(*args[1:], **named))
    (out,) = results
    return out if isinstance(out, Value) else Value(out)


def _operands(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    assert isinstance(node, ast.Call)
    return list(node.args)


def _parse_inputs(items: Sequence[str]) -> dict[str, Value]:
    inputs: dict[str, Value] = {}
    for item in items:
        name, sep, number = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ExpressionError(f"input {item!r} is not of the form NAME=NUMBER (e.g. x1=2)")
        if name in inputs:
            raise ExpressionError(f"input {name!r} is given twice")
        try:
            value = float(number)
        except ValueError:
            raise ExpressionError(f"input {name}: {number!r} is not a number") from None
        if not math.isfinite(value):
            raise ExpressionError(f"input {name}: {number!r} is not a finite number")
        inputs[name] = Value(value, label=name)
    return inputs


_EPILOG = """\
example (the neuron from micrograd's lecture):
  autograd-draw "tanh(x1*w1 + x2*w2 + b)" x1=2 x2=0 w1=-3 w2=1 b=6.8813735870195432 -o neuron.svg
prints the output (0.707107) and d output / d input for every input
(x1 -1.5, x2 0.5, w1 1, w2 0, b 0.5), and draws the graph with data and
grad on every node. Add --animate -o neuron.html for a page that steps
through backward node by node (arrow keys, play; neuron.html#step=3 opens step 3).

The expression may use numbers, the named inputs, + - * / **, unary minus and
these functions of one argument:
{functions}
(numbers after the input set the parameters shown, by position or by name:
softplus(x, 2) or softplus(x, threshold=10)).
Nothing else is accepted and nothing is evaluated until the whole expression
passed the check. Start an expression that begins with '-' after '--':
  autograd-draw -o out.svg -- "-x*x" x=3
"""


_DASH_HINT = (
    "an expression that starts with '-' goes after '--', with the options before "
    'it: autograd-draw -o out.svg -- "-x*x" x=3'
)


class _Parser(argparse.ArgumentParser):
    """argparse, whose usage errors add the ``--`` hint when an argument looks like an
    expression starting with '-' (argparse takes ``"-x*x"`` for an unknown option)."""

    argv: Sequence[str] = ()

    def error(self, message: str) -> NoReturn:
        if any(self._looks_like_expression(arg) for arg in self.argv):
            message = f"{message}\nhint: {_DASH_HINT}"
        super().error(message)

    def _looks_like_expression(self, arg: str) -> bool:
        if not arg.startswith("-") or arg.startswith("--"):
            return False
        return arg not in self._option_string_actions and not arg.startswith("-o")  # -oout.svg


def _signatures() -> list[str]:
    """The functions as the help shows them: ``tanh``, ``softplus(x, beta=1.0, threshold=20.0)``."""
    out = []
    for name in sorted(FUNCTIONS):
        defaults = dict(REGISTRY[name].params)
        params = "".join(f", {p}={defaults[p]}" for p in NUMBER_PARAMETERS[name])
        out.append(f"{name}(x{params})" if params else name)
    return out


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="autograd-draw",
        description="Evaluate EXPR over named inputs with autograd Values, run backward,\n"
        "print the gradients and draw the graph. Also: python -m autograd.draw.",
        epilog=_EPILOG.format(
            functions=textwrap.fill(
                ", ".join(_signatures()), 76, initial_indent="  ", subsequent_indent="  "
            )
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("expr", metavar="EXPR", help='an expression such as "tanh(x*w + b)"')
    parser.add_argument(
        "inputs",
        metavar="NAME=NUMBER",
        nargs="*",
        help="a value for each name in EXPR, e.g. x=2 w=-3",
    )
    parser.add_argument(
        "-o",
        "--output",
        help="file to write (default out.svg); its extension "
        "picks the format unless --format is given",
    )
    parser.add_argument("--format", help="svg, png, pdf, ... (any Graphviz output format)")
    parser.add_argument(
        "--rankdir",
        default="LR",
        choices=RANKDIRS,
        help="layout direction (default LR: inputs left, output right)",
    )
    parser.add_argument(
        "--no-grad", action="store_true", help="do not show gradients in the picture"
    )
    parser.add_argument(
        "--animate",
        action="store_true",
        help="write a page that steps through backward node by node "
        "(-o NAME.html, default out.html; NAME.gif for an animated GIF)",
    )
    return parser


def _output_and_format(output: str | None, fmt: str | None) -> tuple[str, str]:
    if output is not None and not output.strip():
        raise ExpressionError("-o/--output: the output path is empty")
    if fmt is not None:
        _check_format(fmt, f"unknown format {fmt!r}; try svg, png or pdf")
        suffix = Path(output or "").suffix.lstrip(".").lower()
        if suffix in SINGLE_FILE_FORMATS and not same_format(suffix, fmt):
            raise ExpressionError(
                f"--format {fmt} but -o {output!r} names a .{suffix} file; "
                f"name it .{fmt} or leave out --format"
            )
        return output or f"out.{fmt}", fmt
    if output is None:
        return "out.svg", "svg"
    suffix = Path(output).suffix.lstrip(".").lower()
    if not suffix:
        return output, "svg"
    _check_format(suffix, f"cannot tell the format from {output!r}; pass --format svg|png|pdf")
    return output, suffix


def _check_format(fmt: str, unknown: str) -> None:
    import graphviz  # only when drawing: `import autograd.draw` needs numpy alone

    if fmt not in graphviz.FORMATS:
        raise ExpressionError(unknown)
    if fmt not in SINGLE_FILE_FORMATS:
        raise ExpressionError(f"format {fmt!r} does not write a single file; use svg, png or pdf")


def _animation_output(output: str | None) -> tuple[str, str]:
    """--animate writes an HTML page (or a GIF): the path and that format."""
    path = output or "out.html"
    suffix = Path(path).suffix.lower()
    if suffix not in (".html", ".htm", ".gif"):
        raise ExpressionError(f"--animate writes .html (or .gif), not {path!r}: pass -o NAME.html")
    return path, suffix.lstrip(".")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit code.

    0 ok, 1 a math error or ``dot`` failing, 2 bad input or an output that
    cannot be written (the old file then stays whole: it is replaced atomically).

    >>> main(["__import__('os').getcwd()", "x=1"])  # rejected (message on stderr): nothing runs
    2
    """
    parser = _build_parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if isinstance(parser, _Parser):
        parser.argv = argv
    # Options may follow the inputs; after "--" everything is EXPR and inputs (options
    # then go first), which is how an expression that starts with "-" is passed.
    parse = parser.parse_args if "--" in argv else parser.parse_intermixed_args
    try:
        args = parse(argv)
    except SystemExit as exc:  # --help, or argparse's own usage errors
        return exc.code if isinstance(exc.code, int) else 2
    try:
        inputs = _parse_inputs(args.inputs)
        expr = _parse_expression(args.expr, set(inputs))
        if args.animate:
            path, fmt = _animation_output(args.output)
        else:
            path, fmt = _output_and_format(args.output, args.format)
    except ExpressionError as exc:
        parser.print_usage(sys.stderr)
        print(f"autograd-draw: error: {exc}", file=sys.stderr)
        return 2
    used = {n.id for n in ast.walk(expr) if isinstance(n, ast.Name)}
    for name in inputs:
        if name not in used:
            print(
                f"autograd-draw: note: input {name} does not appear in the expression",
                file=sys.stderr,
            )
    try:
        out = _evaluate(expr, inputs)
        out.backward()
    except (ArithmeticError, ValueError) as exc:
        print(f"autograd-draw: math error: {exc}", file=sys.stderr)
        return 1
    print(f"{args.expr.strip()} = {out.data:.6g}")
    width = max((len(name) for name in inputs), default=0)
    for name, value in inputs.items():
        print(f"  d/d{name:<{width}} = {value.grad:.6g}")
    try:
        if args.animate:
            animate_backward(out).save(path)
        else:
            render_graph(out, path, format=fmt, rankdir=args.rankdir, show_grad=not args.no_grad)
    except OSError as exc:  # the output path: a folder, a device, unwritable, full
        print(f"autograd-draw: error: cannot write {path!r}: {exc}", file=sys.stderr)
        return 2
    except (RuntimeError, ValueError) as exc:  # no dot, dot failing, a graph too big to animate
        print(f"autograd-draw: error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
