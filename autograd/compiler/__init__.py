"""Trace once, replay fast: ``autograd.compile``.

- ``trace.py``: tracing (the tracing node types, what a trace refuses);
- ``scalar_program.py``: a Value graph as numpy calls grouped by level and op (wide
  graphs), or node by node / as generated code (narrow ones);
- ``scalar_codegen.py``: a narrow Value graph as generated straight-line Python;
- ``tensor_program.py``: a Tensor graph as a list of array forwards and rules (nn's
  fused losses and ``Function``s included);
- ``compiled.py``: ``compile`` and the cache of programs by argument signature.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from autograd.compiler.compiled import Compiled
from autograd.compiler.trace import CompileError

__all__ = ["compile", "Compiled", "CompileError"]


def compile(fn: Callable[..., Any], backward: bool = True) -> Compiled:  # noqa: A001
    """Trace ``fn`` once per argument signature and replay it as a flat numpy program.

    Floats reach ``fn`` as Values, lists of floats as lists of Values, ndarrays as
    Tensors; each call returns the result as a float (an ndarray for a Tensor) and,
    with ``backward``, leaves ``.grad`` where ``fn(*args).backward()`` would.

    >>> from autograd import Value
    >>> w = Value(2.0)
    >>> step = compile(lambda x: (w * x).tanh() + w * w)
    >>> round(step(0.5), 6), round(w.grad, 6)     # tanh(1) + 4; 0.5 (1 - tanh(1)**2) + 4
    (4.761594, 4.209987)
    >>> w.grad = 0.0; w.data = 1.0
    >>> round(step(0.25), 6), step.traces         # replayed on the new numbers
    (1.244919, 1)

    ``print(step)`` describes the program; ``step.graph()`` is the graph the trace
    recorded (the first call's numbers), which ``draw_graph`` draws as it draws any
    result (a call returns a plain number, not a node):

    >>> from autograd import draw_graph
    >>> dot = draw_graph(step.graph())
    >>> "tanh" in dot.source
    True
    >>> "draw_graph(compiled.graph())" in step.describe()
    True
    """
    return Compiled(fn, backward)
