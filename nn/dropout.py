"""Noise layers for training: Dropout and GaussianNoise (identities in eval mode).

>>> from autograd import Tensor
>>> Dropout(0.5).eval()(Tensor([1.0, 2.0])).data
array([1., 2.])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd.core import random as _random
from autograd.core.tensor import Tensor
from autograd.core.value import Value
from nn import functional as F
from nn.module import Module

__all__ = ["Dropout", "GaussianNoise"]


def _drop_probability(p: Any, what: str) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)) or not 0.0 <= p <= 1.0:
        raise ValueError(f"{what} (the drop probability) must be in [0, 1], got {p!r}")
    return float(p)


def _as_tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


class Dropout(Module):
    """Inverted dropout: in training, zero each element with probability p and scale the rest.

    A kept element is divided by (1 - p), so with mask m ~ Bernoulli(1 - p),
    E[m * x / (1 - p)] = x: the expected output equals the input, and eval mode
    can be the identity with no rescaling; p = 1 gives zeros in training, as PyTorch.
    It calls ``F.dropout`` (one implementation: the same seed draws the same mask).

    >>> from autograd import Tensor, manual_seed
    >>> manual_seed(0)
    >>> drop = Dropout(0.5)
    >>> sorted(set(drop(Tensor(np.ones(100))).data.tolist()))
    [0.0, 2.0]
    >>> drop.eval()(Tensor(np.ones(3))).data
    array([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        self.p = _drop_probability(p, "Dropout: p")

    def forward(self, x: Any) -> Any:
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"


class GaussianNoise(Module):
    """Adds N(0, std**2) noise in training mode; the identity in eval mode.

    >>> from autograd import Tensor
    >>> noise = GaussianNoise(0.1)
    >>> noise.eval()(Tensor([1.0, 2.0])).data
    array([1., 2.])
    """

    def __init__(self, std: float) -> None:
        super().__init__()
        if isinstance(std, bool) or not isinstance(std, (int, float)) or not 0.0 <= std < math.inf:
            raise ValueError(f"GaussianNoise: std must be a finite number >= 0, got {std!r}")
        self.std = float(std)

    def forward(self, x: Any) -> Any:
        if not self.training or self.std == 0.0:
            return x
        if isinstance(x, Value):
            return x + float(_random.generator().normal(0.0, self.std))
        x = _as_tensor(x)
        noise = _random.generator().normal(0.0, self.std, size=x.data.shape)
        return x + noise.astype(x.data.dtype)

    def extra_repr(self) -> str:
        return f"std={self.std}"
