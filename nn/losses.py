"""Loss modules: the functional losses of ``nn.functional.losses`` as Modules.

Each takes ``reduction=`` in its constructor (checked there) and is called as
``loss(input, target, sample_weight=None)``; see ``nn.functional.losses`` for the
formulas, the reductions and how sample weights apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograd.core.tensor import Tensor
from nn import functional as F
from nn._checks import per_item_weights
from nn.functional.losses import _check_reduction
from nn.module import Module

__all__ = ["MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss"]


class _Loss(Module):
    _fn: Callable[..., Tensor]

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _check_reduction(reduction, type(self).__name__)
        self.reduction = reduction

    def forward(self, input: Tensor, target: Any, sample_weight: Any = None) -> Tensor:
        return type(self)._fn(input, target, sample_weight, self.reduction)

    def extra_repr(self) -> str:
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error (``F.mse_loss``).

    >>> MSELoss()(Tensor([1.0, 3.0]), [0.0, 1.0]).item()  # (1 + 4) / 2
    2.5
    """

    _fn = staticmethod(F.mse_loss)


class L1Loss(_Loss):
    """Mean absolute error (``F.l1_loss``).

    >>> L1Loss(reduction="sum")(Tensor([1.0, 3.0]), [0.0, 1.0]).item()
    3.0
    """

    _fn = staticmethod(F.l1_loss)


class BCELoss(_Loss):
    """Binary cross-entropy on probabilities in [0, 1] (``F.binary_cross_entropy``).

    >>> round(BCELoss()(Tensor([0.5]), [1.0]).item(), 6)  # ln 2
    0.693147
    """

    _fn = staticmethod(F.binary_cross_entropy)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy on raw scores, finite for any size.

    See ``F.binary_cross_entropy_with_logits``.

    >>> round(BCEWithLogitsLoss()(Tensor([0.0]), [1.0]).item(), 6)  # ln 2
    0.693147
    """

    _fn = staticmethod(F.binary_cross_entropy_with_logits)


class _WeightedLoss(_Loss):
    """A loss over classes with PyTorch's ``weight=`` (one weight per class), kept as a
    buffer as torch does; checked here as the functional form checks it (numeric, finite,
    any sign), its length against the input's classes at each call."""

    weight: Tensor | None

    def __init__(self, weight: Any = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        w = None
        if weight is not None:
            raw = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
            if raw.ndim != 1:
                raise ValueError(
                    f"{type(self).__name__}: weight must be 1-D (one weight per "
                    f"class), got shape {raw.shape}"
                )
            dtype = raw.dtype if raw.dtype.kind == "f" else np.float64
            w = Tensor(
                per_item_weights(
                    raw, len(raw), dtype, type(self).__name__, "weight", "class", False
                )
            )
        self.register_buffer("weight", w)

    def forward(self, input: Tensor, target: Any, sample_weight: Any = None) -> Tensor:
        return type(self)._fn(input, target, sample_weight, self.reduction, weight=self.weight)


class CrossEntropyLoss(_WeightedLoss):
    """Softmax cross-entropy of logits against class labels or probabilities (``F.cross_entropy``).

    >>> round(CrossEntropyLoss()(Tensor([[0.0, 0.0]]), [1]).item(), 6)  # ln 2
    0.693147
    >>> CrossEntropyLoss(weight=[1.0, float("nan")])
    Traceback (most recent call last):
    ...
    ValueError: CrossEntropyLoss: class weights must be finite; weight[1] is nan
    """

    _fn = staticmethod(F.cross_entropy)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities at integer labels (``F.nll_loss``).

    >>> NLLLoss()(Tensor([[-0.5, -1.5]]), [1]).item()
    1.5
    """

    _fn = staticmethod(F.nll_loss)
