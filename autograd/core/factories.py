"""Tensor factories, named and shaped as PyTorch's: ``zeros``, ``linspace``, ``randn``...

Each returns a new leaf ``Tensor`` and takes ``dtype=None`` (float64 unless a
dtype is given: a floating one, or an integer or bool one for a Tensor that never
requires grad; the ``_like`` forms keep a floating input's dtype) and
``requires_grad=False``. ``rand`` and ``randn`` draw from the generator seeded
by ``autograd.manual_seed``.

>>> from autograd import linspace
>>> x = linspace(-1, 1, 5, requires_grad=True)
>>> x.sigmoid().sum().backward()
>>> x.grad.round(4)
array([0.1966, 0.235 , 0.25  , 0.235 , 0.1966])
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from autograd.core import random as _random
from autograd.core.tensor import Tensor

__all__ = [
    "zeros",
    "ones",
    "full",
    "zeros_like",
    "ones_like",
    "arange",
    "linspace",
    "eye",
    "rand",
    "randn",
]

Shape = int | tuple[int, ...] | list[int]


def _dtype(dtype: Any, who: str, default: Any = np.float64, floating: bool = False) -> np.dtype:
    if dtype is None:
        return np.dtype(default)
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(
            f"{who}: dtype must be a numpy dtype such as 'float32', 'int64' or "
            f"'bool', got {dtype!r}"
        ) from None
    if dt.kind not in ("f" if floating else "biuf"):
        what = "a floating" if floating else "a floating, integer or bool"
        raise TypeError(f"{who}: dtype must be {what} type, got {dt}")
    return dt


def _shape(shape: tuple[Any, ...], who: str) -> tuple[int, ...]:
    """``f(2, 3)`` and ``f((2, 3))`` alike, as in PyTorch."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for n in shape:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"{who}: a shape is made of integers >= 0, got {shape!r}")
    return tuple(int(n) for n in shape)


def _number(x: Any, who: str, what: str) -> float:
    if isinstance(x, Tensor) and x.size == 1:
        return x.item()
    if isinstance(x, bool) or not isinstance(x, (Real, np.number)):
        raise TypeError(f"{who}: {what} must be a real number, got {type(x).__name__} {x!r}")
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"{who}: {what} must be finite, got {value}")
    return value


def _like_dtype(t: Any, dtype: Any, who: str) -> np.dtype:
    data = t.data if isinstance(t, Tensor) else np.asarray(t)
    return _dtype(dtype, who, data.dtype if data.dtype.kind == "f" else np.float64)


def _leaf(data: np.ndarray, requires_grad: bool) -> Tensor:
    return Tensor(data, requires_grad=requires_grad, dtype=data.dtype)


def zeros(*shape: Shape, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros: ``zeros(2, 3)`` or ``zeros((2, 3))``.

    >>> zeros(2, 3).shape
    (2, 3)
    """
    return _leaf(np.zeros(_shape(shape, "zeros"), _dtype(dtype, "zeros")), requires_grad)


def ones(*shape: Shape, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones: ``ones(2, 3)`` or ``ones((2, 3))``.

    >>> ones(3).data
    array([1., 1., 1.])
    """
    return _leaf(np.ones(_shape(shape, "ones"), _dtype(dtype, "ones")), requires_grad)


def full(shape: Shape, value: float, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ``shape`` filled with ``value``.

    >>> full((2,), 7.5).data
    array([7.5, 7.5])
    """
    dims = _shape((shape,) if isinstance(shape, (int, np.integer)) else (shape,), "full")
    if isinstance(value, bool) or not isinstance(value, (Real, np.number)):
        raise TypeError(f"full: value must be a real number, got {type(value).__name__} {value!r}")
    return _leaf(np.full(dims, float(value), _dtype(dtype, "full")), requires_grad)


def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Zeros with the shape (and floating dtype) of ``t``, a Tensor or array-like.

    >>> zeros_like(ones(2, 2)).data
    array([[0., 0.],
           [0., 0.]])
    """
    shape = np.shape(t.data if isinstance(t, Tensor) else t)
    return _leaf(np.zeros(shape, _like_dtype(t, dtype, "zeros_like")), requires_grad)


def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Ones with the shape (and floating dtype) of ``t``, a Tensor or array-like.

    >>> ones_like([[1, 2, 3]]).data
    array([[1., 1., 1.]])
    """
    shape = np.shape(t.data if isinstance(t, Tensor) else t)
    return _leaf(np.ones(shape, _like_dtype(t, dtype, "ones_like")), requires_grad)


def arange(
    start: float,
    stop: float | None = None,
    step: float = 1,
    dtype: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """Evenly spaced values in [start, stop) (``arange(n)`` is 0, 1, ..., n - 1).

    >>> arange(4).data
    array([0., 1., 2., 3.])
    >>> arange(1, 2, 0.25).data
    array([1.  , 1.25, 1.5 , 1.75])
    """
    begin = _number(start, "arange", "start")
    if stop is None:
        begin, end = 0.0, begin
    else:
        end = _number(stop, "arange", "stop")
    delta = _number(step, "arange", "step")
    if delta == 0.0:
        raise ValueError("arange: step must be non-zero")
    return _leaf(np.arange(begin, end, delta).astype(_dtype(dtype, "arange")), requires_grad)


def linspace(
    start: float, stop: float, num: int, dtype: Any = None, requires_grad: bool = False
) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop``, both included.

    >>> linspace(-10, 10, 5).data
    array([-10.,  -5.,   0.,   5.,  10.])
    """
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 0:
        raise ValueError(f"linspace: num (how many points) must be an integer >= 0, got {num!r}")
    a, b = _number(start, "linspace", "start"), _number(stop, "linspace", "stop")
    return _leaf(np.linspace(a, b, int(num)).astype(_dtype(dtype, "linspace")), requires_grad)


def eye(n: int, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """The ``n`` x ``n`` identity matrix.

    >>> eye(2).data
    array([[1., 0.],
           [0., 1.]])
    """
    (size,) = _shape((n,), "eye")
    return _leaf(np.eye(size, dtype=_dtype(dtype, "eye")), requires_grad)


def rand(*shape: Shape, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples in [0, 1) from the generator seeded by ``manual_seed``.

    >>> from autograd import manual_seed
    >>> manual_seed(0); a = rand(3)
    >>> manual_seed(0); bool((rand(3).data == a.data).all())
    True
    """
    dims, dt = _shape(shape, "rand"), _dtype(dtype, "rand", floating=True)
    return _leaf(_random.generator().random(dims).astype(dt, copy=False), requires_grad)


def randn(*shape: Shape, dtype: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples from the generator seeded by ``manual_seed``.

    >>> randn(2, 3).shape
    (2, 3)
    """
    dims, dt = _shape(shape, "randn"), _dtype(dtype, "randn", floating=True)
    return _leaf(_random.generator().standard_normal(dims).astype(dt, copy=False), requires_grad)
