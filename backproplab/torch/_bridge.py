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

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import autograd as ag
import nn as _nn

from ._tensor import Tensor, wrap

_Base = ag.Tensor


def _engine_class(t: Any) -> type:
    return _nn.Parameter if isinstance(t, _nn.Parameter) else _Base


_ENGINE_CLASS: dict[type, type] = {Tensor: _Base}  # facade Parameter added by .nn


def _collect(x: Any, out: list[Any]) -> None:
    if isinstance(x, Tensor):
        out.append(x)
    elif isinstance(x, (list, tuple)):
        for v in x:
            _collect(v, out)
    elif isinstance(x, dict):
        for v in x.values():
            _collect(v, out)


@contextmanager
def engine_view(tensors: Iterable[Any]) -> Iterator[None]:
    """Within the block, the given facade tensors are plain engine tensors."""
    found: list[Any] = []
    _collect(list(tensors), found)
    swapped = []
    for t in found:
        if isinstance(t, Tensor):
            cls = type(t)
            t.__class__ = _engine_class(t)
            swapped.append((t, cls))
    try:
        yield
    finally:
        for t, cls in swapped:
            t.__class__ = cls


def engine_call(
    fn: Callable[..., Any], *args: Any, extra: Iterable[Any] = (), **kwargs: Any
) -> Any:
    """``fn(*args, **kwargs)`` on engine views of the facade tensors; the result re-tagged."""
    # Hot (every layer call): one flat pass, each tensor's class read once, the engine
    # class of the common facade classes looked up rather than worked out.
    swapped: list[tuple[Any, type]] = []
    for x in (*args, *kwargs.values(), *extra) if kwargs else (*args, *extra):
        if isinstance(x, Tensor):
            cls = type(x)
            x.__class__ = _ENGINE_CLASS.get(cls) or _engine_class(x)
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
