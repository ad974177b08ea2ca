"""Noise layers for training: Dropout and GaussianNoise (identities in eval mode).

>>> from autograd import Tensor
>>> Dropout(0.5).eval()(Tensor([1.0, 2.0])).data
array([1., 2.])
"""

from __future__ import annotations

from typing import Any

from autograd.core import random as _random
from autograd.core.value import Value
from nn import functional as F
from nn._checks import as_tensor, non_negative, probability
from nn.module import Module

__all__ = ["Dropout", "GaussianNoise"]


class Dropout(Module):
    """Inverted dropout: in training, zero each element with probability p and scale the rest.

    A kept element is divided by (1 - p), so with mask m ~ Bernoulli(1 - p),
    E[m * x / (1 - p)] = x: the expected output equals the input, and eval mode
    can be the identity with no rescaling; p = 1 gives zeros in training, as PyTorch.
    It calls ``F.dropout`` (one implementation: the same seed draws the same mask).

    >>> import numpy as np
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
        self.p = probability(p, "Dropout: p")

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
        self.std = non_negative(std, "GaussianNoise: std")

    def forward(self, x: Any) -> Any:
        if not self.training or self.std == 0.0:
            return x
        if isinstance(x, Value):
            return x + float(_random.generator().normal(0.0, self.std))
        x = as_tensor(x, "GaussianNoise")
        noise = _random.generator().normal(0.0, self.std, size=x.data.shape)
        return x + noise.astype(x.data.dtype)

    def extra_repr(self) -> str:
        return f"std={self.std}"
