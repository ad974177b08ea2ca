"""Micrograd-style models built from scalar ``Value``s: Neuron, Layer, MLP.

They are ordinary Modules: ``parameters()`` gives a list of Values,
``zero_grad()`` sets their grads to 0.0, and ``state_dict()`` names them by
position (``"layers.0.neurons.3.w.1"``: weight 1 of neuron 3 in layer 0).

micrograd compatible: weights are drawn with Python's ``random.uniform(-1, 1)``,
one per weight, neuron after neuron, layer after layer (micrograd's order), so
after ``random.seed(s)`` a model holds exactly the weights micrograd's would.
``autograd.manual_seed`` does not reach them.

>>> model = MLP(3, [4, 4, 1])
>>> out = model([2.0, 3.0, -1.0])
>>> out.backward()
>>> len(model.parameters()), type(out).__name__
(41, 'Value')
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any, cast

from autograd.core.value import Value
from nn.containers import ModuleList
from nn.module import Module

__all__ = ["Neuron", "Layer", "MLP"]


def __dir__() -> list[str]:
    """``dir(nn.scalar)`` and tab completion show the three models, not the helpers used here.

    >>> import nn.scalar
    >>> dir(nn.scalar)
    ['Layer', 'MLP', 'Neuron']
    """
    return sorted(__all__)


Scalar = Value | float | int


def _check_inputs(x: Sequence[Scalar], nin: int, who: str) -> None:
    if len(x) != nin:
        raise ValueError(f"{who}: expected {nin} inputs, got {len(x)}")


class _ScalarModule(Module):
    """A Module whose parameters are all Values (typed so, for users' type checkers)."""

    def parameters(self) -> list[Value]:  # type: ignore[override]
        """Every Value parameter, each once, as a list (as micrograd's ``parameters()``).

        >>> len(Neuron(3).parameters())
        4
        """
        return cast(list[Value], list(super().parameters()))


class Neuron(_ScalarModule):
    """relu(w . x + b), or just w . x + b when ``nonlin=False``.

    Weights start at ``random.uniform(-1, 1)`` (Python's ``random``, as micrograd), the bias at 0.

    >>> n = Neuron(2, nonlin=False)
    >>> n.w[0].data, n.w[1].data = 2.0, -1.0
    >>> n([3.0, 1.0]).data
    5.0
    """

    def __init__(self, nin: int, nonlin: bool = True) -> None:
        super().__init__()
        if isinstance(nin, bool) or not isinstance(nin, int) or nin < 1:
            raise ValueError(f"Neuron: nin must be a positive integer, got {nin!r}")
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = bool(nonlin)

    def forward(self, x: Sequence[Scalar]) -> Value:
        w = self.w
        if len(x) != len(w):
            _check_inputs(x, len(w), "Neuron")
        act = self.b
        for wi, xi in zip(w, x, strict=False):  # lengths checked above
            act = act + wi * xi
        return act.relu() if self.nonlin else act

    def extra_repr(self) -> str:
        return f"nin={len(self.w)}, nonlin={self.nonlin}"


class Layer(_ScalarModule):
    """``nout`` Neurons reading the same inputs; extra keywords go to each Neuron.

    Returns a single Value when ``nout == 1``, else a list of Values.

    >>> layer = Layer(3, 2)
    >>> len(layer([1.0, 2.0, 3.0]))
    2
    """

    def __init__(self, nin: int, nout: int, **kwargs: Any) -> None:
        super().__init__()
        if isinstance(nout, bool) or not isinstance(nout, int) or nout < 1:
            raise ValueError(f"Layer: nout must be a positive integer, got {nout!r}")
        self.neurons = ModuleList([Neuron(nin, **kwargs) for _ in range(nout)])

    def forward(self, x: Sequence[Scalar]) -> Value | list[Value]:
        out = [n(x) for n in self.neurons]
        return out[0] if len(out) == 1 else out

    def extra_repr(self) -> str:
        return f"nin={len(cast(Neuron, self.neurons[0]).w)}, nout={len(self.neurons)}"


class MLP(_ScalarModule):
    """Layers of Neurons, ReLU in every layer but the last (linear), as in micrograd.

    >>> model = MLP(2, [3, 1])
    >>> [n for n, _ in model.named_parameters()][:3]
    ['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1', 'layers.0.neurons.0.b']
    """

    def __init__(self, nin: int, nouts: Sequence[int] | None = None) -> None:
        super().__init__()
        if nouts is None:
            raise TypeError(
                f"MLP takes (nin, nouts), as micrograd: the input width, then the "
                f"width of each layer, e.g. MLP(3, [4, 1]); got only {nin!r}"
            )
        if isinstance(nouts, (str, bytes)) or not isinstance(nouts, Sequence) or not nouts:
            raise ValueError(
                f"MLP: nouts must list the width of each layer, e.g. [4, 4, 1]; got {nouts!r}"
            )
        sizes = [nin, *nouts]
        self.layers = ModuleList(
            [Layer(sizes[i], sizes[i + 1], nonlin=i != len(nouts) - 1) for i in range(len(nouts))]
        )

    def forward(self, x: Sequence[Scalar]) -> Value | list[Value]:
        out: Any = x
        for layer in self.layers:
            if isinstance(out, Value):  # a one-neuron hidden layer feeds the next as a list
                out = [out]
            out = layer(out)
        return out

    def extra_repr(self) -> str:
        layers = [cast(Layer, layer) for layer in self.layers]
        nouts = [len(layer.neurons) for layer in layers]
        return f"nin={len(cast(Neuron, layers[0].neurons[0]).w)}, nouts={nouts}"
