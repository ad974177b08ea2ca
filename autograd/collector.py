"""Holding off Python's cyclic garbage collector while a model's graph is alive.

Our graphs hold no reference cycles: a node points only at its parents, and
gradient rules are module-level functions, not closures over their node. So
reference counting frees a graph as soon as its root is dropped, and the cyclic
collector can never find garbage in it. Yet its generational passes scan every
live node, several times, while a large graph grows: in micrograd's demo step
(an MLP called once per point, about 65,000 scalar nodes) that was roughly 40%
of the step on our machines (benchmarks/RESULTS.md). A pause around each model
call does not help there, because the graph outlives the call: the collector
then scans it between calls.

Ending the hold when backward returns does not help either: the graph is
still alive then, and the first collection scans all of it. So the collector
is held from the start of a model's forward (``nn.Module``'s calls with grad
mode on) until the graph that backward consumed has been freed:

- a hold starts only if the collector is enabled, and ends by enabling it again,
  so a collector the user turned off stays off;
- backward arms the release on its root: when the root is freed, the hold ends,
  unless a model's forward has begun since (the next step's graph is being
  built: a loop that keeps ``loss`` alive until it is reassigned); the next
  backward then re-arms it;
- a watchdog thread ends any hold after ``HOLD_SECONDS``, so a graph that is
  built and never differentiated (inference without ``no_grad``) delays cyclic
  collection for the rest of the program by at most that; ``gc.collect()``
  works during a hold as always.

>>> import gc
>>> hold(); gc.isenabled()
False
>>> release(); gc.isenabled()
True
"""

from __future__ import annotations

import gc
import os
import threading
import time
import weakref
from typing import Any

HOLD_SECONDS = 1.0

_lock = threading.Lock()
_since: float | None = None  # time.monotonic() when the current hold began
_wake = threading.Event()
_watchdog: threading.Thread | None = None
_building = False  # a model's forward has started since the last backward
_trigger: weakref.finalize | None = None  # releases the hold when the last root is freed


def holding() -> bool:
    """Whether the collector is held by the engine right now."""
    return _since is not None


def hold() -> None:
    """Hold off the cyclic collector: a model's forward is building a graph."""
    global _since, _watchdog, _building
    _building = True
    if _since is not None or not gc.isenabled():  # the common case, without the lock
        return
    with _lock:
        if _since is not None or not gc.isenabled():
            return
        _disarm()
        gc.disable()
        _since = time.monotonic()
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch, name="autograd-gc-watchdog", daemon=True)
            _watchdog.start()
        _wake.set()


def release() -> None:
    """End the hold, if any: the collector runs again."""
    global _since
    if _since is None:
        return
    with _lock:
        if _since is not None:
            _since = None
            gc.enable()


def consumed(root: Any) -> None:
    """Backward has consumed the graph behind ``root``: release the hold once it is freed."""
    global _building, _trigger
    if _since is None:
        return
    _building = False
    _disarm()
    try:
        _trigger = weakref.finalize(root, _root_freed)
    except TypeError:  # not weak-referenceable: nothing to wait for
        release()
        return
    _trigger.atexit = False


def _root_freed() -> None:
    if not _building:
        release()


def _disarm() -> None:
    global _trigger
    if _trigger is not None:
        _trigger.detach()
        _trigger = None


def _watch() -> None:
    global _since
    while True:
        _wake.wait()
        with _lock:
            since = _since
            if since is not None and time.monotonic() - since >= HOLD_SECONDS:
                _since = since = None
                gc.enable()
            if since is None:
                _wake.clear()
                continue
            left = since + HOLD_SECONDS - time.monotonic()
        time.sleep(max(left, 0.0))


def _after_fork_in_child() -> None:
    # The watchdog thread does not survive fork: a child starts clean.
    global _lock, _since, _watchdog, _trigger
    _lock = threading.Lock()
    _watchdog = None
    _trigger = None
    if _since is not None:
        _since = None
        gc.enable()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
