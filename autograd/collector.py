"""Holding off Python's cyclic garbage collector while a graph of Values is alive.

Our graphs hold no reference cycles: a node points only at its parents, and
gradient rules are module-level functions, not closures over their node. So
reference counting frees a graph as soon as its root is dropped, and the cyclic
collector can never find garbage in it. Yet its generational passes scan every
live node, several times, while a large graph grows: in micrograd's demo step
(about 65,000 scalar nodes) that was 40-50% of the step on our machines, and it
more than tripled the cost of building a graph of scalar Values
(benchmarks/RESULTS.md). Pausing it around a model call does not help: the
graph outlives the call and is scanned between calls. Ending a hold when
backward returns does not help either: the graph is still alive then, and
the first collection scans all of it.

So recording a graph of scalar Values holds the collector until backward has
consumed the graph and the graph has been freed. (Tensor graphs have a node per
array op, far too few to matter, and a hold costs microseconds per step.)

- a Value op that records a node while no recorded graph is pending calls ``hold()``;
  a hold starts only if the collector is enabled, and ends by enabling it, so a
  collector the user turned off stays off;
- backward calls ``consumed(root)``: when ``root`` is freed, the hold ends, unless
  a new graph has been recorded since (a training loop that keeps ``loss`` alive
  until the next step reassigns it); the next backward then re-arms it;
- a watchdog thread ends any hold after ``HOLD_SECONDS``, and no new hold starts
  until the next backward: a graph recorded and never differentiated (inference
  without ``no_grad``) delays cyclic collection once, by at most that much.
  ``gc.collect()`` works during a hold as always; a ``gc.disable()`` made
  during a hold is undone when the hold ends.

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

# True from the first recorded op after a backward until the next backward: the
# ops check it (one module attribute read) and call hold() only when it is False.
recording = False

# Reentrant: a root's finalizer may run (and release) on a thread that holds it.
_lock = threading.RLock()
_since: float | None = None  # time.monotonic() when the current hold began
_wake = threading.Event()  # wakes the watchdog when it is idle (no hold to time)
_idle = False
_watchdog: threading.Thread | None = None
_trigger: weakref.finalize | None = None  # releases the hold when the last root is freed


def holding() -> bool:
    """Whether the collector is held by the engine right now."""
    return _since is not None


def hold() -> None:
    """A graph is being recorded: hold off the cyclic collector (if it is enabled)."""
    global recording, _since, _watchdog, _idle
    recording = True
    if _since is not None or not gc.isenabled():
        return
    with _lock:
        if _since is not None or not gc.isenabled():
            return
        _disarm()
        gc.disable()
        _since = time.monotonic()
        if _watchdog is None or not _watchdog.is_alive():
            _idle = False
            _watchdog = threading.Thread(target=_watch, name="autograd-gc-watchdog", daemon=True)
            _watchdog.start()
        elif _idle:  # a busy watchdog will see this hold when it next wakes
            _idle = False
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
    global recording, _trigger
    recording = False
    if _since is None:
        return
    _disarm()
    try:
        _trigger = weakref.finalize(root, _root_freed)
    except TypeError:  # not weak-referenceable: nothing to wait for
        release()
        return
    _trigger.atexit = False


def _root_freed() -> None:
    if not recording:
        release()


def _disarm() -> None:
    global _trigger
    if _trigger is not None:
        _trigger.detach()
        _trigger = None


def _watch() -> None:
    # Sleeps until the current hold is HOLD_SECONDS old, ends it if it is still on,
    # and waits idle when there is no hold: about one wake-up a second while training.
    global _since, _idle
    while True:
        with _lock:
            since = _since
            if since is not None and time.monotonic() - since >= HOLD_SECONDS:
                _since = since = None
                gc.enable()
            if since is None:
                _idle = True
                _wake.clear()
        if since is None:
            _wake.wait()
        else:
            time.sleep(max(since + HOLD_SECONDS - time.monotonic(), 0.0))


def _after_fork_in_child() -> None:
    # The watchdog thread does not survive fork: a child starts clean.
    global _lock, _since, _watchdog, _trigger, recording, _idle
    _lock = threading.RLock()
    _idle = False
    _watchdog = None
    _trigger = None
    recording = False
    if _since is not None:
        _since = None
        gc.enable()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
