"""The graph core shared by ``Value`` and ``Tensor``.

One place holds what both node types need: the per-thread grad mode
(``no_grad`` / ``enable_grad``), anomaly mode, the module scope used to group
a drawing by layer, the iterative topological sort, and backward: every sweep
lives here, and ``Value.backward`` and ``Tensor.backward`` only check their
arguments and call ``run_backward``. A node kind supplies its steps, which call
nothing back in here:

- ``_parents``: tuple of nodes it was computed from (empty for leaves);
- ``grad``: its gradient. A backward writes nothing until its sweep has finished;
  then every intermediate node it walked gets the gradient of this sweep (or its
  class's ``_GRAD_RESET`` where none reached it) and every leaf accumulates;
- ``_backward_step(g, recorded)``: the contribution its upstream gradient ``g``
  sends to each parent (one per parent, ``None`` where none), computed from
  its op's rule: on numbers when ``recorded`` is false, on nodes (so the
  result can be differentiated again) when it is true;
- ``_accumulate_leaf(g, shared)``: how a leaf adds ``g`` to the gradient it holds;
  ``shared`` is true when other nodes hold the very same object ``g`` (a rule passed
  its upstream gradient on), so a leaf must not keep it as its own buffer;
- ``_op``, ``_scope`` and ``_origin``: the op name, the module that made it,
  and, in anomaly mode, where it was made.

The recorded sweep (``create_graph=True``) and the checked one (anomaly mode) run
``_backward_step`` on every node. The plain sweep, the one training runs, is fused
into one loop per node kind, as the benchmarks showed it pays: ``sweep_arrays``
(Tensor: its node supplies ``_rule_grads``, ``_check_versions`` and ``_fitted``) and
``sweep_scalars`` (Value: parents and local derivatives in the slots ``_p0``/``_p1``
and ``_d0``/``_d1``). ``tests/autograd/core/test_backward_agreement.py`` checks
that all of them give the same gradients.
"""

from __future__ import annotations

import functools
import inspect
import math
import sys
import threading
import warnings
from collections.abc import Callable
from contextlib import ContextDecorator
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])


class ThreadState:
    """One thread's switches; read by every op, so kept in plain slots."""

    __slots__ = ("grad_enabled", "anomaly", "scope", "record", "trace", "lenient")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        # Qualified name of the innermost module whose forward is running ("" outside);
        # every recorded node copies it, so a drawing can group nodes by layer.
        self.scope = ""
        # What an op records, in one attribute so that an op reads the state once:
        # 0 nothing (no_grad), 1 the graph, 2 the graph and where each node was made
        # (its module scope; its creation site in anomaly mode).
        self.record = 1
        # The trace ``autograd.compile`` is recording on this thread (None: eager). Ops
        # see it only on their ``record == 2`` path, so eager mode pays nothing for it.
        self.trace: Any = None
        # True while a recorded backward runs: its formulas meet the edges of their
        # domains (1 / 0 in sqrt's derivative at 0) and give inf or nan there, as
        # PyTorch's do, instead of the error an op written by the user raises.
        self.lenient = False

    def update(self) -> None:
        self.record = (
            (2 if (self.anomaly or self.scope or self.trace is not None) else 1)
            if self.grad_enabled
            else 0
        )


class _PerThread(threading.local):
    """``PER_THREAD.state`` is the running thread's ThreadState."""

    def __init__(self) -> None:  # runs once in each thread, on its first use
        self.state = ThreadState()


PER_THREAD = _PerThread()


def thread_state() -> ThreadState:
    """This thread's switches (grad mode, anomaly mode, module scope).

    Hot paths read ``PER_THREAD.state`` inline, once, and then its plain slots: one
    thread-local lookup instead of one per switch read or written.

    >>> thread_state().grad_enabled
    True
    """
    return PER_THREAD.state


def is_grad_enabled() -> bool:
    """Whether ops on this thread record a graph.

    >>> is_grad_enabled()
    True
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return thread_state().grad_enabled


class _GradMode(ContextDecorator):
    _enabled = True
    _previous: list[bool]

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        self = super().__new__(cls)
        self._previous = []
        if func is not None:  # used bare, as ``@no_grad``
            return self(func)
        return self

    def __init__(self, func: Callable[..., Any] | None = None) -> None:
        pass

    def _recreate_cm(self) -> _GradMode:
        # A fresh context per decorated call, so recursion and threads never share state.
        return type(self)()

    def __call__(self, func: F) -> F:
        if inspect.isgeneratorfunction(func):
            wrapped: F = _generator_in_mode(func, self._recreate_cm)
            return wrapped
        return super().__call__(func)

    def __enter__(self) -> None:
        state = thread_state()
        if state.trace is not None and not self._enabled:  # autograd.compile: refuse it
            state.trace.refuse("no_grad() inside a compiled function", creation_site())
        self._previous.append(state.grad_enabled)
        state.grad_enabled = self._enabled
        state.update()

    def __exit__(self, *exc: object) -> None:
        state = thread_state()
        state.grad_enabled = self._previous.pop()
        state.update()


def _generator_in_mode(func: Callable[..., Any], make_cm: Callable[[], Any]) -> Any:
    """Wrap a generator function so that its body runs in the mode each time it resumes
    (as PyTorch's decorators do), while the caller's code between items does not."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gen = func(*args, **kwargs)
        try:
            with make_cm():
                response = gen.send(None)
            while True:
                try:
                    request = yield response
                except GeneratorExit:
                    with make_cm():
                        gen.close()
                    raise
                except BaseException as exc:
                    with make_cm():
                        response = gen.throw(exc)
                else:
                    with make_cm():
                        response = gen.send(request)
        except StopIteration as stop:
            return stop.value

    return wrapper


class no_grad(_GradMode):  # noqa: N801 - named like torch.no_grad
    """Context manager and decorator: ops inside record no graph.

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * 3
    >>> y.parents
    ()
    """

    _enabled = False


class enable_grad(_GradMode):  # noqa: N801 - named like torch.enable_grad
    """Context manager and decorator: turn graph recording back on inside ``no_grad``.

    >>> with no_grad():
    ...     with enable_grad():
    ...         is_grad_enabled()
    True
    """

    _enabled = True


class detect_anomaly(ContextDecorator):  # noqa: N801 - named like torch.autograd.detect_anomaly
    """Context manager: backward raises on the first NaN or inf gradient.

    Ops created inside it remember the file and line that created them, so the
    error says which op produced the bad gradient and where it was written.
    Off by default; when off, ops pay only one flag check.

    >>> from autograd import Tensor
    >>> x = Tensor([0.0], requires_grad=True)
    >>> with detect_anomaly():
    ...     y = (x.sqrt() * 0.0).sum()
    ...     y.backward()
    Traceback (most recent call last):
    ...
    FloatingPointError: backward of 'sqrt' produced a non-finite gradient ...
    """

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def _recreate_cm(self) -> detect_anomaly:
        return type(self)()

    def __enter__(self) -> detect_anomaly:
        state = thread_state()
        self._previous.append(state.anomaly)
        state.anomaly = True
        state.update()
        return self

    def __exit__(self, *exc: object) -> None:
        state = thread_state()
        state.anomaly = self._previous.pop()
        state.update()


class module_scope:  # noqa: N801 - used as ``with module_scope(name):``
    """Tag every node created inside with ``name``, a module's qualified name.

    ``nn.Module.__call__`` wraps ``forward`` in it; ``draw_graph`` groups nodes
    that share a scope into one cluster.
    """

    __slots__ = ("_name", "_outer")

    def __init__(self, name: str) -> None:
        self._name = name
        self._outer = ""

    def __enter__(self) -> None:
        state = thread_state()
        self._outer = state.scope
        state.scope = self._name
        state.update()

    def __exit__(self, *exc: object) -> None:
        state = thread_state()
        state.scope = self._outer
        state.update()


def creation_site() -> str:
    """file:line of the innermost frame outside the autograd package (for anomaly mode)."""
    frame = sys._getframe(1)
    here = __file__.rsplit("/", 1)[0]
    while frame is not None and frame.f_code.co_filename.startswith(here):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "<unknown>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


def topological_order(root: Any, leaves: bool = True) -> list[Any]:
    """Every node ``root`` depends on, each after all of its parents; ``root`` is last.

    An iterative depth-first search, so a chain of a million nodes needs no
    recursion. A node is expanded once: its unexpanded parents go on the stack
    above the node and a "done" marker, so it is listed after all of them. The
    stack holds nodes and markers only, not a tuple per entry, so the walk
    allocates nothing the cyclic garbage collector tracks. Parents are visited
    in their recorded order: the order is deterministic. With ``leaves=False``
    only the nodes computed by an op are listed (what a backward sweep visits;
    leaves only receive), none when ``root`` is a leaf.

    >>> from autograd import Value
    >>> a = Value(1.0, label="a"); b = a * 2; c = a + b
    >>> [n.label or n.op for n in topological_order(c)]
    ['a', '*', '+']
    >>> [n.op for n in topological_order(c, leaves=False)]
    ['*', '+']
    """
    order: list[Any] = []
    if not (leaves or root._parents):
        return order
    expanded: set[Any] = set()
    stack = [root]
    pop, push, append = stack.pop, stack.append, order.append
    while stack:
        node = pop()
        if node is _DONE:  # the node below the marker has all its parents listed
            append(pop())
        elif node not in expanded:
            expanded.add(node)
            push(node)
            push(_DONE)
            for parent in reversed(node._parents):
                if parent not in expanded and (leaves or parent._parents):
                    push(parent)
    return order


_DONE = object()  # on the walk's stack, above a node: "its parents are done"


# -- versions of in-place changes -----------------------------------------------------------
# Every in-place change made through the library (Tensor's ``add_`` ... ``t[i] = v``, an
# optimizer step, ``nn.init``) takes the next tick of one clock and stamps the Tensor
# with it (and counts its version). A recorded node keeps the clock's value at its
# creation, one int; backward compares it with the stamps of what its rule reads, and
# only when the clock moved since the node was made, so graphs that no in-place change
# touched pay one comparison per node.
VERSION_CLOCK = [0]
_CLOCK_LOCK = threading.Lock()
_acquire, _release = _CLOCK_LOCK.acquire, _CLOCK_LOCK.release


def tick() -> int:
    """The next tick of the version clock (one per in-place change)."""
    _acquire()  # (not ``with``: an optimizer step calls this once, and every call counts)
    VERSION_CLOCK[0] = now = VERSION_CLOCK[0] + 1
    _release()
    return now


# Backward sweeps may run in several threads at once (one shared graph, or many graphs
# into one shared parameter). Each sweep collects its gradients privately; only the
# final write into ``.grad`` takes this lock, so no thread sees another's half-written
# grads and no accumulation into a shared leaf is ever lost.
WRITE_LOCK = threading.RLock()


def gradients(root: Any, seed: Any, recorded: bool) -> dict[Any, Any]:
    """Reverse-mode sweep from ``root`` with gradient ``seed``, touching no ``.grad``.

    Returns a dict from every reached node to its gradient. With ``recorded`` the
    rules run on nodes, so every gradient is a node that can be differentiated
    again (``create_graph=True``).
    """
    return _gradients(topological_order(root, leaves=False), root, seed, recorded)[0]


def _gradients(
    order: list[Any], root: Any, seed: Any, recorded: bool
) -> tuple[dict[Any, Any], set[int]]:
    """``gradients`` over the nodes ``order`` lists, and the ids of the gradient objects
    that a rule passed on unchanged (so that several nodes hold the very same object)."""
    grads: dict[Any, Any] = {root: seed}
    shared: set[int] = set()
    if recorded:  # the rules run on nodes: record them, even inside no_grad()
        state = thread_state()
        lenient = state.lenient
        state.lenient = True
        try:
            with enable_grad(), np.errstate(divide="ignore", invalid="ignore"):
                _sweep(order, grads, shared, True, state.anomaly)
        finally:
            state.lenient = lenient
    elif thread_state().anomaly:
        # A NaN or inf gradient is what anomaly mode reports, not a numpy warning.
        with np.errstate(all="ignore"):
            _sweep(order, grads, shared, False, True)
    else:
        _sweep(order, grads, shared, False, False)
    return grads, shared


def _sweep(
    order: list[Any], grads: dict[Any, Any], shared: set[int], recorded: bool, check: bool
) -> None:
    """The sweep over ``_backward_step``: recorded (``create_graph``), checked (anomaly
    mode, ``check``) or, for ``gradients``, plain. Gradients go into ``grads`` only."""
    get = grads.get
    for node in reversed(order):
        g = get(node)
        if g is None:
            continue
        contributions = node._backward_step(g, recorded)
        if check:
            _check_finite(node, contributions)
        for parent, c in zip(node._parents, contributions, strict=True):
            if c is not None:
                old = get(parent)
                if old is None:
                    grads[parent] = c
                    if c is g:
                        shared.add(id(c))
                else:
                    grads[parent] = old + c


def run_backward(
    root: Any, seed: Any, create_graph: bool, plain: Callable[[Any, Any], None]
) -> None:
    """Backpropagate from ``root`` with gradient ``seed``: every reached node gets its ``.grad``.

    The one backward of every node kind. Intermediate nodes get the gradient of
    this sweep (a second call never compounds them); leaves accumulate across
    calls, as in PyTorch. Nothing is written until the sweep has finished, so a
    sweep that raises (anomaly mode, a broken rule) leaves every ``.grad`` as it
    was. ``plain`` is the node kind's fused sweep (``sweep_arrays`` or
    ``sweep_scalars``), run outside ``create_graph`` and anomaly mode.

    >>> from autograd import Value
    >>> x = Value(3.0); y = x * x
    >>> run_backward(y, 1.0, False, sweep_scalars)
    >>> x.grad, y.grad
    (6.0, 1.0)
    """
    if not (create_graph or PER_THREAD.state.anomaly):
        plain(root, seed)
        return
    order = topological_order(root, leaves=False)
    grads, shared = _gradients(order, root, seed, create_graph)
    if create_graph and len(grads) > len(order):  # some of them are leaves
        warnings.warn(CYCLE_WARNING, UserWarning, stacklevel=3)
    write_gradients(order, grads, shared)


def sweep_arrays(root: Any, seed: np.ndarray) -> None:
    """The plain backward of a graph of array nodes (Tensor), on ndarrays.

    ``_gradients`` and ``write_gradients`` with the node's step fused into one loop:
    a node whose op ran before an in-place change checks the versions its rule reads
    (``_check_versions``), its rule's gradients (``_rule_grads``) go straight into a
    private dict, and are fitted to their input's shape and dtype (``_fitted``) only
    when they are not already right. ``.grad`` is written at the end, so a rule that
    raises leaves every grad as it was.
    """
    order = topological_order(root, leaves=False)
    grads: dict[Any, Any] = {root: seed}
    get = grads.get
    shared: set[int] = set()
    clock = VERSION_CLOCK[0]
    for node in reversed(order):
        g = get(node)
        if g is None:
            continue
        if node._epoch != clock:  # an in-place change since it was made: did it touch it?
            node._check_versions()
        pgs, needs = node._rule_grads(g, False)
        for parent, pg, need in zip(node._parents, pgs, needs, strict=True):
            if pg is None or not need:
                continue
            pd = parent.data
            if type(pg) is not np.ndarray or pg.dtype is not pd.dtype or pg.shape != pd.shape:
                pg = node._fitted(pg, pd, node._op, False)
            old = get(parent)
            if old is not None:
                grads[parent] = old + pg
                continue
            grads[parent] = pg
            if pg is g:  # a rule passed its upstream on: two nodes hold this array
                shared.add(id(pg))
    write_gradients(order, grads, shared)


# Marks the scalar sweep leaves in the ``grad`` of the intermediate nodes it walks (it
# holds WRITE_LOCK and resets those grads anyway): no set of visited nodes to hash into.
_OPEN = object()  # the walk is listing this node's parents
_ZERO = float("0.0")  # listed: this very float object is its gradient so far


def sweep_scalars(root: Any, seed: float) -> None:
    """The plain backward of a graph of scalar nodes (Value): floats only, one loop,
    no call per node.

    A node keeps its parents in ``_p0`` and ``_p1`` (``None`` where it has fewer) and
    the local derivative of its output with respect to each in ``_d0`` and ``_d1``, so
    its step is ``parent.grad += local * g``, written inline. The sweep holds
    ``WRITE_LOCK`` throughout and writes as it goes (float steps cannot fail).

    An iterative depth-first walk lists the intermediate nodes (leaves need no
    visit: they only receive), each after all of its parents, on one stack. A node
    is marked in its ``grad``: ``_OPEN`` while the walk lists its parents (it stays
    on the stack below them, and is listed when popped again), then ``_ZERO``, the
    0.0 it starts the sweep from (an identity no other grad has). Then one loop
    pushes each node's grad into its parents.
    """
    with WRITE_LOCK:
        order: list[Any] = []
        stack: list[Any] = [root]
        pop, push, append = stack.pop, stack.append, order.append
        try:
            while True:
                node = pop()  # IndexError: the walk is over
                g = node.grad
                if g is _OPEN:  # all of its parents are listed
                    node.grad = _ZERO
                    append(node)
                    continue
                if g is _ZERO:  # listed already
                    continue
                while True:  # list its parents first; walk on into the first one right away
                    node.grad = _OPEN
                    push(node)
                    p = node._p1
                    if p is not None and p._p0 is not None and p.grad is not _ZERO:
                        push(p)
                    node = node._p0
                    if node._p0 is None or node.grad is _ZERO:  # a leaf, or listed already
                        break  # (a parent cannot be _OPEN: a graph has no cycles)
        except IndexError:
            pass
        except BaseException:  # (an interrupt) leave no mark behind
            for node in stack + order:
                if node.grad is _OPEN or node.grad is _ZERO:
                    node.grad = 0.0
            raise
        root.grad = seed
        for node in reversed(order):
            g = node.grad
            node._p0.grad += node._d0 * g
            p1 = node._p1
            if p1 is not None:
                p1.grad += node._d1 * g


CYCLE_WARNING = (
    "backward(create_graph=True) stores in each leaf's .grad a gradient whose graph can "
    "refer back to the leaf: a reference cycle between the leaf and its .grad, freed only by "
    "Python's cyclic garbage collector (it leaks under gc_paused()). Use autograd.grad(...) "
    "(it writes no .grad), or set .grad = None on the leaves once the gradients are used."
)


def write_gradients(order: list[Any], grads: dict[Any, Any], shared: set[int]) -> None:
    """Write a finished sweep into ``.grad``, under ``WRITE_LOCK``.

    ``order`` lists the nodes computed by an op: each gets its gradient, or its
    class's ``_GRAD_RESET`` where none reached it. Every other key of ``grads`` is a
    leaf: it accumulates. ``shared`` holds the ids of gradient objects several nodes
    hold (a rule passed its upstream on): a leaf must copy those, not keep them as its
    own buffer, which ``+=`` later updates.
    """
    with WRITE_LOCK:
        pop = grads.pop
        # A Tensor's .grad is written through its slot's second name, ``_grad_slot``: a
        # class may show .grad by a property (the PyTorch facade's Tensor), not called here.
        if order and hasattr(type(order[0]), "_grad_slot"):
            for node in order:
                node._grad_slot = pop(node, node._GRAD_RESET)
        else:
            for node in order:
                node.grad = pop(node, node._GRAD_RESET)
        for leaf, g in grads.items():
            leaf._accumulate_leaf(g, id(g) in shared)


def _check_finite(node: Any, contributions: Any) -> None:
    for c in contributions:
        if c is not None and not _is_finite(c):
            where = node._origin or "<created outside detect_anomaly()>"
            # Inside an nn layer the site is the layer's code: the module name tells which layer.
            scope = f" in module {node._scope!r}" if node._scope else ""
            raise FloatingPointError(
                f"backward of {node._op!r}{scope} produced a non-finite gradient "
                f"(nan or inf) for one of its inputs; the op was created at {where}"
            )


def _is_finite(grad: Any) -> bool:
    if isinstance(grad, (float, int)):
        return math.isfinite(grad)
    if not isinstance(grad, (np.ndarray, np.generic)):
        grad = grad.data  # a node, in a recorded backward
    return bool(np.isfinite(grad).all())
