"""Calling the engine with facade tensors: the one place the two conventions meet.

A facade ``Tensor`` is an ``autograd.Tensor`` whose methods speak PyTorch
(``size()``, ``transpose(d0, d1)``, ``.grad`` as a Tensor). Engine code calls
methods with numpy's meaning, so for the length of an engine call the facade
tensors it receives are re-tagged as their engine class (same objects, same
graph, no copy) and tagged back afterwards; results come back as facade tensors.

>>> import autograd as ag
>>> from backproplab.torch import tensor
>>> x = tensor([[1.0, 2.0]])
>>> type(engine_call(ag.Tensor.sum, x)).__name__
'Tensor'
>>> type(x).__module__
'backproplab.torch._tensor'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

import autograd as ag
import nn as _nn

from ._tensor import Tensor, wrap

_Base = ag.Tensor


def _engine_class(t: Any) -> type:
    return _nn.Parameter if isinstance(t, _nn.Parameter) else _Base


def engine_class(t: Any) -> type:
    """The class ``t`` has for the length of an engine call (its own if not a facade one)."""
    cls = type(t)
    engine = _ENGINE_CLASS.get(cls)
    if engine is not None:
        return engine
    return _engine_class(t) if isinstance(t, Tensor) else cls


# The engine class of each facade class (facade Parameter added by .nn); None for the
# common arguments that hold no tensor (looked up, not tested with isinstance).
_ENGINE_CLASS: dict[type, type | None] = {Tensor: _Base}
_ENGINE_CLASS.update(dict.fromkeys((int, float, bool, str, type(None), np.ndarray, slice)))
_NOT_FOUND = object()


def _collect(x: Any, out: list[Any]) -> None:
    if isinstance(x, Tensor):
        out.append(x)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _collect(v, out)
    elif isinstance(x, dict):
        for v in x.values():
            _collect(v, out)


def engine_call(
    fn: Callable[..., Any], *args: Any, extra: Iterable[Any] = (), **kwargs: Any
) -> Any:
    """``fn(*args, **kwargs)`` on engine views of the facade tensors; the result re-tagged."""
    if kwargs:
        return _call(fn, args, kwargs, (*args, *kwargs.values(), *extra))
    return _call(fn, args, kwargs, (*args, *extra) if extra else args)


def _call(fn: Callable[..., Any], args: Any, kwargs: Any, scan: tuple[Any, ...]) -> Any:
    """``engine_call`` with the objects to look at (``args``, ``kwargs``' values and the
    tensors a layer holds) as one tuple. Hot (every layer call and loss): each object's
    class read once and looked up, the rare cases (containers, other subclasses) after."""
    swapped: list[tuple[Any, type]] = []
    for x in scan:
        cls = type(x)
        engine_cls = _ENGINE_CLASS.get(cls, _NOT_FOUND)
        if engine_cls is None:
            continue
        if engine_cls is not _NOT_FOUND:
            x.__class__ = engine_cls
            swapped.append((x, cls))
        elif isinstance(x, Tensor):
            x.__class__ = _engine_class(x)
            swapped.append((x, cls))
        elif isinstance(x, (list, tuple, dict)):
            found: list[Any] = []
            _collect(x, found)
            for t in found:  # (one met before is an engine tensor by now: not found)
                cls = type(t)
                t.__class__ = _ENGINE_CLASS.get(cls) or _engine_class(t)
                swapped.append((t, cls))
    try:
        out = fn(*args, **kwargs)
    finally:
        for t, cls in swapped:
            t.__class__ = cls
    if type(out) is _Base:
        out.__class__ = Tensor
        return out
    return wrap(out)


_module_call = _nn.Module.__call__  # what a facade engine layer's __call__ runs (nn.modules)
