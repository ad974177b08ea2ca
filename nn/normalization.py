"""Normalisation layers: BatchNorm1d, BatchNorm2d, LayerNorm and RMSNorm, as in torch.nn.

``weight`` (ones) and ``bias`` (zeros) are parameters; ``running_mean``,
``running_var`` and ``num_batches_tracked`` are buffers, under torch's names,
so a ``state_dict`` loads into the torch module and back.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.core.tensor import Tensor
from nn._checks import as_tensor, non_negative, positive_int, values_per_channel
from nn.functional.normalization import batch_norm, layer_norm, normalized_shape_tuple, rms_norm
from nn.module import Module, Parameter

__all__ = ["BatchNorm1d", "BatchNorm2d", "LayerNorm", "RMSNorm"]


class _BatchNorm(Module):
    _ranks: tuple[int, ...] = ()
    _expected = ""
    running_mean: Tensor
    running_var: Tensor
    num_batches_tracked: Tensor

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        who = type(self).__name__
        self.num_features = positive_int(num_features, f"{who}: num_features")
        self.eps = non_negative(eps, f"{who}: eps", positive=True)
        if not isinstance(momentum, (int, float)) or not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{who}: momentum must be in [0, 1], got {momentum!r}")
        self.momentum = float(momentum)
        self.weight = Parameter(np.ones(self.num_features))
        self.bias = Parameter(np.zeros(self.num_features))
        self.register_buffer("running_mean", np.zeros(self.num_features))
        self.register_buffer("running_var", np.ones(self.num_features))
        self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches counted (in place).

        >>> bn = BatchNorm1d(2); bn.running_mean.data += 1; bn.reset_running_stats()
        >>> bn.running_mean.data
        array([0., 0.])
        """
        self.running_mean.data[...] = 0.0
        self.running_var.data[...] = 1.0
        self.num_batches_tracked.data[...] = 0

    def forward(self, x: Any) -> Tensor:
        who = type(self).__name__
        x = as_tensor(x, who)
        if x.ndim not in self._ranks or x.shape[1] != self.num_features:
            raise ValueError(
                f"{who}: expected input of shape {self._expected} with "
                f"C={self.num_features} (running_mean of shape "
                f"{self.running_mean.shape}), got shape {x.shape}"
            )
        if self.training:
            values_per_channel(x, who)
            self.num_batches_tracked.data += 1
        return batch_norm(
            x,
            self.running_mean,
            self.running_var,
            self.weight,
            self.bias,
            self.training,
            self.momentum,
            self.eps,
        )

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) input over all but the channel axis.

    Training: normalise by the batch's mean and (biased) variance, then scale by
    ``weight`` and shift by ``bias``; the running statistics move by ``momentum``
    towards the batch mean and unbiased variance. Eval: normalise by the running
    statistics.

    >>> import numpy as np
    >>> bn = BatchNorm1d(2)
    >>> y = bn(Tensor([[1.0, 10.0], [3.0, 30.0]]))
    >>> y.data.round(3).tolist(), bn.running_mean.data.tolist()
    ([[-1.0, -1.0], [1.0, 1.0]], [0.2, 2.0])
    >>> list(bn.state_dict())
    ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
    """

    _ranks = (2, 3)
    _expected = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) input per channel (see ``BatchNorm1d``).

    >>> import numpy as np
    >>> bn = BatchNorm2d(3).eval()
    >>> bool(np.allclose(bn(Tensor(np.ones((2, 3, 4, 4)))).data, 1 / np.sqrt(1 + 1e-5)))
    True
    """

    _ranks = (4,)
    _expected = "(N, C, H, W)"


class LayerNorm(Module):
    """Normalise the trailing ``normalized_shape`` dims to mean 0, variance 1; then scale and shift.

    ``weight`` starts at ones and ``bias`` at zeros (each present when
    ``elementwise_affine``; ``bias=False`` drops the bias), as in PyTorch.

    >>> ln = LayerNorm(4)
    >>> [n for n, _ in ln.named_parameters()]
    ['weight', 'bias']
    >>> ln
    LayerNorm((4,), eps=1e-05, elementwise_affine=True)
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.normalized_shape = normalized_shape_tuple(normalized_shape, "LayerNorm")
        self.eps = non_negative(eps, "LayerNorm: eps")
        self.elementwise_affine = bool(elementwise_affine)
        self.weight: Parameter | None = None
        self.bias: Parameter | None = None
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape))

    def forward(self, input: Tensor) -> Tensor:
        x = as_tensor(input, "LayerNorm")
        return layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )


class RMSNorm(Module):
    """x / sqrt(mean(x**2) + eps) over the trailing ``normalized_shape`` dims, times ``weight``.

    ``eps=None`` uses the input dtype's machine epsilon, as PyTorch; ``weight``
    starts at ones (present when ``elementwise_affine``).

    >>> RMSNorm(16, eps=1e-5, elementwise_affine=False)
    RMSNorm((16,), eps=1e-05, elementwise_affine=False)
    """

    def __init__(
        self, normalized_shape: Any, eps: float | None = None, elementwise_affine: bool = True
    ) -> None:
        super().__init__()
        self.normalized_shape = normalized_shape_tuple(normalized_shape, "RMSNorm")
        self.eps = None if eps is None else non_negative(eps, "RMSNorm: eps")
        self.elementwise_affine = bool(elementwise_affine)
        self.weight: Parameter | None = None
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape))

    def forward(self, input: Tensor) -> Tensor:
        return rms_norm(as_tensor(input, "RMSNorm"), self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )
