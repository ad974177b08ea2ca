"""Dropout as a function: ``F.dropout``, which ``nn.Dropout`` calls.

>>> from autograd import Tensor
>>> dropout(Tensor([1.0, 2.0]), 0.5, training=False).data
array([1., 2.])
"""

from __future__ import annotations

import numpy as np

from autograd.core.random import generator
from autograd.core.value import Value
from nn._checks import as_node, probability
from nn.functional.activations import Node

__all__ = ["dropout"]


def dropout(x: Node, p: float = 0.5, training: bool = True) -> Node:
    """Inverted dropout: zero each element with probability ``p`` and scale the rest by 1/(1-p).

    The identity when ``training`` is False or ``p`` is 0; all zeros when ``p`` is 1.
    Uses the generator seeded by ``autograd.manual_seed``; ``nn.Dropout`` calls this
    function, so the same seed gives the same mask either way.

    >>> from autograd import Tensor
    >>> x = Tensor([1.0, 2.0])
    >>> dropout(x, 0.5, training=False) is x
    True
    >>> sorted(set(dropout(Tensor(np.ones(1000)), 0.5).data.tolist()))
    [0.0, 2.0]
    """
    p = probability(p, "dropout: p")
    x = as_node(x, "dropout")
    if not training or p == 0.0:
        return x
    if isinstance(x, Value):
        return x * (1.0 / (1.0 - p)) if generator().random() >= p else x * 0.0
    if p == 1.0:
        return x * np.zeros(x.shape, dtype=x.dtype)
    keep = generator().random(x.shape) >= p
    return x * (keep * (1.0 / (1.0 - p))).astype(x.dtype, copy=False)
