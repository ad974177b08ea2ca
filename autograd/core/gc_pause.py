"""gc_paused: pause Python's cyclic garbage collector for a block, by the user's choice.

Our graphs hold no reference cycles: a node points only at its parents and
gradient rules are not closures over their node, so reference counting frees
a graph as soon as its root is dropped and the cyclic collector never finds
garbage in it. It still scans every live node, several times over, while a
large graph of scalar ``Value``s grows: on micrograd's demo step that is a
large share of the step (README, "When gc_paused helps"). A Tensor graph has a
node per array op, far too few to matter.

The engine never touches the collector by itself. ``gc_paused()`` is the
explicit, scoped switch: wrap a scalar training step (or a whole loop) in it.

Semantics. The collector's switch is process-global, so pauses are counted
process-wide, under a lock: the first pause to begin (in any thread) records
whether the collector was enabled and disables it; nested and overlapping
pauses, in this thread or others, only count; the last one to end restores
the recorded state. So two threads whose pauses overlap in any order leave
the collector as it was before the first began, and a collector the user had
disabled stays disabled. Changes made to the collector by anyone while a pause
is in progress are overwritten when the last pause ends. ``gc.collect()``
works during a pause as always.

Fork. A child process forked while a pause is in progress in another thread
starts with the collector paused and nothing left to end that pause: call
``gc.enable()`` in the child (for example in a pool's initializer) if you fork
from threads that pause.

Interrupts. A ``KeyboardInterrupt`` (or any exception) raised inside the block
ends the pause like any other exit. The bookkeeping is ordered so that an
interrupt landing inside ``__enter__`` or ``__exit__`` themselves leaves the
pause recorded on a guard held by its ``gc_paused`` object, and freeing the
guard ends the pause (for ``with gc_paused():`` as soon as the interrupt's
traceback is dropped): the collector is not left off for the rest of the
process. Only interrupts landing again and again within the few instructions
that handle the first could defeat this.

>>> import gc
>>> gc.isenabled()
True
>>> with gc_paused():
...     gc.isenabled()
False
>>> gc.isenabled()
True
>>> @gc_paused()
... def step():
...     return gc.isenabled()
>>> step(), gc.isenabled()
(False, True)
"""

from __future__ import annotations

import gc
import inspect
import threading
from collections.abc import Callable
from contextlib import ContextDecorator
from typing import Any, TypeVar

from autograd.core.graph import _generator_in_mode

F = TypeVar("F", bound=Callable[..., Any])

# Reentrant: a guard freed while this thread holds the lock ends its pause.
_lock = threading.RLock()
_depth = 0  # pauses in progress, over all threads
_resume = False  # whether the collector was enabled when the outermost pause began


class _Guard:
    """One pause in progress; if an interrupt skips its ``__exit__``, freeing it ends it."""

    __slots__ = ("held",)

    def __init__(self) -> None:
        self.held = False

    def __del__(self) -> None:
        for _ in range(3):  # a second interrupt landing here: try again
            try:
                _end(self)
                return
            except BaseException:  # noqa: BLE001, S112 - nowhere to raise from a finalizer
                continue


# Guards of ended pauses, reused: in normal use no guard is ever freed, so no finalizer
# runs (and no Ctrl-C can land in one and be lost).
_spare: list[_Guard] = []


def _begin(guard: _Guard) -> None:
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
        # No call between these two lines: an interrupt cannot split them.
        _depth += 1
        guard.held = True
        gc.disable()


def _end(guard: _Guard) -> None:
    global _depth
    with _lock:
        if not guard.held:
            return
        # No call between these lines and the switch: an interrupt cannot split them.
        guard.held = False
        _depth -= 1
        if _depth == 0:
            (gc.enable if _resume else gc.disable)()


def pause_depth() -> int:
    """How many pauses are in progress right now, over all threads (0: none).

    >>> with gc_paused(), gc_paused():
    ...     pause_depth()
    2
    >>> pause_depth()
    0
    """
    return _depth


class gc_paused(ContextDecorator):  # noqa: N801 - named like no_grad, a context manager
    """Context manager and decorator: the cyclic garbage collector is off inside.

    Restores exactly the state it found when the outermost pause began, on
    normal exit, on an exception (``KeyboardInterrupt`` included) and when
    nested, in one thread or across threads. Decorating a function pauses
    while each call runs; decorating a generator function pauses while its
    body runs (each ``next``), never while the caller works between items.
    Usable bare (``@gc_paused``) or called (``@gc_paused()``).

    >>> import gc
    >>> from autograd import Value
    >>> w = Value(0.5)
    >>> with gc_paused():
    ...     loss = sum((w * x - 1.0) ** 2 for x in range(100))
    ...     loss.backward()
    ...     paused = not gc.isenabled()
    >>> paused, gc.isenabled(), round(w.grad, 1)
    (True, True, 318450.0)
    """

    _guards: list[_Guard]  # pauses begun through this object and not yet ended

    def __new__(cls, func: Callable[..., Any] | None = None) -> Any:
        self = super().__new__(cls)
        self._guards = []
        if func is not None:  # used bare, as ``@gc_paused``
            return self(func)
        return self

    def __init__(self, func: Callable[..., Any] | None = None) -> None:
        pass

    def __enter__(self) -> gc_paused:
        try:
            guard = _spare.pop()
        except IndexError:
            guard = _Guard()
        self._guards.append(guard)  # from here on, freeing this object ends the pause
        _begin(guard)
        return self

    def __exit__(self, *exc: object) -> None:
        # Indexing and ``del`` are not calls, so no interrupt lands between them and the
        # guard is always referenced: one popped onto the stack would be freed by an
        # interrupt there, its finalizer running in the middle of someone's Ctrl-C.
        guard = self._guards[-1]
        _end(guard)
        del self._guards[-1]
        _spare.append(guard)

    def _recreate_cm(self) -> gc_paused:
        return gc_paused()  # a fresh object per decorated call (ContextDecorator's hook)

    def __call__(self, func: F) -> F:
        if inspect.iscoroutinefunction(func) or inspect.isasyncgenfunction(func):
            raise TypeError(
                f"gc_paused cannot decorate the coroutine function "
                f"{func.__qualname__}: a pause would span its awaits and pause "
                "the collector for every other task; use `with gc_paused():` "
                "around synchronous work instead"
            )
        if inspect.isgeneratorfunction(func):
            # The collector paused while the body runs, not while the caller holds an item.
            return _generator_in_mode(func, gc_paused)
        return super().__call__(func)
