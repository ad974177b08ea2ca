"""Linear layers: Linear, MLP, Maxout, and the shape helpers Identity and Flatten.

Weights follow PyTorch's shapes, names and default init, so a ``state_dict``
loads into the same ``torch.nn`` model and gives the same outputs.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.core.tensor import Tensor, linear
from nn import init
from nn._checks import as_tensor, integer, positive_int, probability
from nn.activations import activation as _activation
from nn.containers import Sequential
from nn.dropout import Dropout
from nn.module import Module, Parameter

__all__ = ["Linear", "MLP", "Maxout", "Identity", "Flatten"]


def _check_features(x: Tensor, in_features: int, layer: str) -> None:
    shape = x.data.shape
    if not shape or shape[-1] != in_features:
        raise ValueError(
            f"{layer}: expected input whose last dimension is in_features={in_features}, "
            f"got shape {shape}"
        )


class Linear(Module):
    """y = x @ weight.T + bias, with weight (out_features, in_features) and bias (out_features,).

    Both start as U(-1/sqrt(in_features), 1/sqrt(in_features)), PyTorch's default
    (``kaiming_uniform_(a=sqrt(5))`` for the weight).

    >>> from autograd import Tensor
    >>> layer = Linear(3, 2)
    >>> layer(Tensor(np.ones((4, 3)))).shape
    (4, 2)
    >>> layer
    Linear(in_features=3, out_features=2, bias=True)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.in_features = positive_int(in_features, "Linear: in_features")
        self.out_features = positive_int(out_features, "Linear: out_features")
        self.weight = Parameter(np.empty((self.out_features, self.in_features)))
        self.bias: Parameter | None = Parameter(np.empty(self.out_features)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights and bias with PyTorch's default init.

        >>> from autograd import manual_seed
        >>> layer = Linear(4, 2); manual_seed(0); layer.reset_parameters()
        >>> bool((abs(layer.weight.data) <= 0.5).all())   # 1 / sqrt(in_features)
        True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        if type(x) is not Tensor:
            x = as_tensor(x, "Linear")
        try:
            return linear(x, self.weight, self.bias)
        except ValueError:
            # Name this layer's in_features when that is what is wrong; else linear's error.
            _check_features(x, self.in_features, "Linear")
            raise

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


class MLP(Sequential):
    """A stack of Linear layers with an activation (and optional Dropout) between them.

    ``sizes`` lists the widths, input first: ``MLP([2, 16, 16, 1])``. The children
    are numbered as in the equivalent ``torch.nn.Sequential`` (Linear, activation,
    [Dropout], Linear, ...), so parameter names are ``"0.weight"``, ``"2.weight"``...
    ``activation`` and ``output_activation`` take a lower-case name (``"relu"``,
    ``"tanh"``, ...) or a Module; a Module is copied for every layer that uses it.

    >>> net = MLP([2, 8, 1], activation="tanh", output_activation="sigmoid")
    >>> [n for n, _ in net.named_parameters()]
    ['0.weight', '0.bias', '2.weight', '2.bias']
    >>> net
    MLP(
      (0): Linear(in_features=2, out_features=8, bias=True)
      (1): Tanh()
      (2): Linear(in_features=8, out_features=1, bias=True)
      (3): Sigmoid()
    )
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Module = "relu",
        output_activation: str | Module | None = None,
        dropout: float = 0.0,
    ) -> None:
        if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence) or len(sizes) < 2:
            raise ValueError(
                f"MLP: sizes must list at least two widths (input and output), "
                f"e.g. [2, 16, 1]; got {sizes!r}"
            )
        widths = [positive_int(s, f"MLP: sizes[{i}]") for i, s in enumerate(sizes)]
        dropout = probability(dropout, "MLP: dropout")
        hidden = _activation(activation)  # validates the name before anything is built
        out_act = None if output_activation is None else _activation(output_activation)
        layers: list[Module] = []
        for i in range(len(widths) - 1):
            layers.append(Linear(widths[i], widths[i + 1]))
            if i < len(widths) - 2:
                layers.append(copy.deepcopy(hidden))
                if dropout:
                    layers.append(Dropout(dropout))
        if out_act is not None:
            layers.append(out_act)
        super().__init__(*layers)
        self.sizes = widths


class Maxout(Module):
    """Maxout units: a linear map to out_features * pieces values, then a max over each group.

    ``weight`` has shape (out_features * pieces, in_features); output unit j is
    the max of the pieces j * pieces ... j * pieces + pieces - 1. Init as Linear.

    >>> from autograd import Tensor
    >>> Maxout(3, 2, pieces=4)(Tensor(np.ones((5, 3)))).shape
    (5, 2)
    """

    def __init__(self, in_features: int, out_features: int, pieces: int) -> None:
        super().__init__()
        self.in_features = positive_int(in_features, "Maxout: in_features")
        self.out_features = positive_int(out_features, "Maxout: out_features")
        self.pieces = positive_int(pieces, "Maxout: pieces")
        self.weight = Parameter(np.empty((self.out_features * self.pieces, self.in_features)))
        self.bias = Parameter(np.empty(self.out_features * self.pieces))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        bound = 1.0 / math.sqrt(self.in_features)
        init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        x = as_tensor(x, "Maxout")
        _check_features(x, self.in_features, "Maxout")
        z = linear(x, self.weight, self.bias)
        return z.reshape(*x.data.shape[:-1], self.out_features, self.pieces).max(axis=-1)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"pieces={self.pieces}"
        )


class Identity(Module):
    """Returns its input unchanged (arguments to the constructor are ignored, as in torch).

    >>> from autograd import Tensor
    >>> Identity()(Tensor([1.0])).data
    array([1.])
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        return x


class Flatten(Module):
    """Merge axes start_dim..end_dim into one.

    >>> from autograd import Tensor
    >>> Flatten()(Tensor(np.zeros((2, 3, 4)))).shape
    (2, 12)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = integer(start_dim, "Flatten: start_dim")
        self.end_dim = integer(end_dim, "Flatten: end_dim")

    def forward(self, x: Tensor) -> Tensor:
        x = as_tensor(x, "Flatten")
        shape = x.data.shape
        nd = max(len(shape), 1)
        start, end = self.start_dim, self.end_dim
        if not (-nd <= start < nd and -nd <= end < nd):
            raise ValueError(
                f"Flatten: dims ({start}, {end}) are out of range for an input with "
                f"{len(shape)} dimensions (shape {shape})"
            )
        start, end = start % nd, end % nd
        if start > end:
            raise ValueError(
                f"Flatten: start_dim {self.start_dim} comes after end_dim "
                f"{self.end_dim} for input shape {shape}"
            )
        if not shape:
            return x.reshape(1)
        merged = int(np.prod(shape[start : end + 1]))
        return x.reshape(*shape[:start], merged, *shape[end + 1 :])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
