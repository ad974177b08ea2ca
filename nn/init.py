"""Parameter initialisers with PyTorch's names, signatures and defaults.

Each fills a Tensor's data in place (keeping its dtype) and returns the
Tensor. Random ones draw from ``autograd.core.random.generator()`` (seed it with
``autograd.manual_seed``) unless a ``generator`` is given.

>>> from autograd import Tensor, manual_seed
>>> manual_seed(0)
>>> w = kaiming_uniform_(Tensor(np.zeros((3, 4))), nonlinearity="relu")
>>> bool((abs(w.data) <= 6 ** 0.5 / 2).all())    # bound = sqrt(2) * sqrt(3 / fan_in)
True
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd.core import random as _random
from autograd.core.tensor import Tensor, mark_changed
from nn._checks import finite as _finite

__all__ = [
    "calculate_gain",
    "uniform_",
    "normal_",
    "constant_",
    "zeros_",
    "ones_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
]

_LINEAR_LIKE = {
    "linear",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
}


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table).

    >>> calculate_gain("relu") == 2 ** 0.5, calculate_gain("tanh")
    (True, 1.6666666666666667)
    """
    if nonlinearity in _LINEAR_LIKE:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = float(param)
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    valid = ", ".join(sorted(_LINEAR_LIKE | {"tanh", "relu", "leaky_relu", "selu"}))
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}; valid: {valid}")


def _fans(tensor: Tensor, what: str) -> tuple[int, int]:
    shape = _array(tensor, what).shape
    if len(shape) < 2:
        raise ValueError(
            f"{what}: fan in and fan out cannot be computed for a tensor with fewer "
            f"than 2 dimensions (shape {shape})"
        )
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _array(tensor: Any, what: str) -> np.ndarray:
    if not isinstance(tensor, Tensor):
        raise TypeError(
            f"{what}: expected a Tensor (e.g. a Parameter), got {type(tensor).__name__}"
        )
    return tensor.data


def _fill(tensor: Tensor, values: Any) -> Tensor:
    data = tensor.data
    if data.flags.writeable:
        data[...] = values
    else:
        tensor.data = np.array(np.broadcast_to(values, data.shape), dtype=data.dtype)
    mark_changed((tensor,), "nn.init")  # a backward through an older graph raises
    return tensor


def _gen(generator: np.random.Generator | None, what: str) -> np.random.Generator:
    if generator is None:
        return _random.generator()
    if not isinstance(generator, np.random.Generator):
        raise TypeError(
            f"{what}: generator must be a numpy.random.Generator or None, got "
            f"{type(generator).__name__}"
        )
    return generator


def uniform_(
    tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Fill with draws from U(a, b).

    >>> t = uniform_(Tensor([0.0, 0.0, 0.0]), -1.0, 1.0)
    >>> bool((abs(t.data) <= 1).all())
    True
    """
    shape = _array(tensor, "uniform_").shape
    a, b = _finite(a, "uniform_: a"), _finite(b, "uniform_: b")
    if not a <= b:
        raise ValueError(f"uniform_: needs a <= b, got a={a}, b={b}")
    if not math.isfinite(b - a):
        raise ValueError(f"uniform_: b - a must be finite, got a={a}, b={b}")
    return _fill(tensor, _gen(generator, "uniform_").uniform(a, b, size=shape))


def normal_(
    tensor: Tensor,
    mean: float = 0.0,
    std: float = 1.0,
    generator: np.random.Generator | None = None,
) -> Tensor:
    """Fill with draws from N(mean, std**2).

    >>> normal_(Tensor([0.0, 0.0]), mean=5.0, std=0.0).data
    array([5., 5.])
    """
    shape = _array(tensor, "normal_").shape
    mean, std = _finite(mean, "normal_: mean"), _finite(std, "normal_: std")
    if not std >= 0:
        raise ValueError(f"normal_: std must be >= 0, got {std}")
    return _fill(tensor, _gen(generator, "normal_").normal(mean, std, size=shape))


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``.

    >>> constant_(Tensor([1.0, 2.0]), 0.5).data
    array([0.5, 0.5])
    """
    _array(tensor, "constant_")
    return _fill(tensor, _finite(val, "constant_: val"))


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with 0.

    >>> zeros_(Tensor([1.0, 2.0])).data
    array([0., 0.])
    """
    return constant_(tensor, 0.0)


def ones_(tensor: Tensor) -> Tensor:
    """Fill with 1.

    >>> ones_(Tensor([3.0])).data
    array([1.])
    """
    return constant_(tensor, 1.0)


def xavier_uniform_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Glorot uniform: U(-b, b) with b = gain * sqrt(6 / (fan_in + fan_out)).

    >>> t = xavier_uniform_(Tensor([[0.0] * 3] * 3))
    >>> bool((abs(t.data) <= 1.0).all())
    True
    """
    fan_in, fan_out = _fans(tensor, "xavier_uniform_")
    gain = _finite(gain, "xavier_uniform_: gain")
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(
    tensor: Tensor, gain: float = 1.0, generator: np.random.Generator | None = None
) -> Tensor:
    """Glorot normal: N(0, std**2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    >>> xavier_normal_(Tensor([[0.0] * 4] * 2)).shape
    (2, 4)
    """
    fan_in, fan_out = _fans(tensor, "xavier_normal_")
    gain = _finite(gain, "xavier_normal_: gain")
    std = gain * math.sqrt(2.0 / (fan_in + fan_out)) if fan_in + fan_out else 0.0
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str, what: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{what}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    a = _finite(a, f"{what}: a")
    fan_in, fan_out = _fans(tensor, what)
    fan = fan_in if mode == "fan_in" else fan_out
    if fan == 0:
        return 0.0
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Tensor:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan); ``a`` is leaky_relu's slope.

    ``Linear`` uses ``a=sqrt(5)``, which gives b = 1 / sqrt(in_features).

    >>> t = kaiming_uniform_(Tensor([[0.0] * 4] * 2), a=5 ** 0.5)
    >>> bool((abs(t.data) <= 0.5).all())
    True
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    bound = math.sqrt(3.0) * std
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(
    tensor: Tensor,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> Tensor:
    """He normal: N(0, std**2) with std = gain / sqrt(fan).

    >>> kaiming_normal_(Tensor([[0.0] * 4] * 2), nonlinearity="relu").shape
    (2, 4)
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_")
    return normal_(tensor, 0.0, std, generator)
