"""Image layers: Conv2d, MaxPool2d and AvgPool2d on (N, C, H, W) input, as in torch.nn.

Conv2d's weight has torch's shape (out_channels, in_channels, kh, kw), name and
default init, so a ``state_dict`` loads into ``torch.nn.Conv2d`` unchanged.
The computation is in ``nn.functional.conv`` (one matrix product over the
sliding windows).
"""

from __future__ import annotations

import math

import numpy as np

from autograd.core.tensor import Tensor
from nn import init
from nn._checks import as_tensor, pair, pool_padding, positive_int
from nn.functional.conv import IntOrPair, avg_pool2d, conv2d, max_pool2d
from nn.module import Module, Parameter

__all__ = ["Conv2d", "MaxPool2d", "AvgPool2d"]


class Conv2d(Module):
    """2-d convolution (cross-correlation): (N, in_channels, H, W) -> (N, out_channels, OH, OW).

    ``weight`` is (out_channels, in_channels, kh, kw) and ``bias`` (out_channels,),
    initialised as torch does: ``kaiming_uniform_(a=sqrt(5))``, i.e.
    U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with fan_in = in_channels * kh * kw, for both.

    >>> import numpy as np
    >>> conv = Conv2d(1, 4, 3, padding=1)
    >>> conv(Tensor(np.zeros((2, 1, 8, 8)))).shape
    (2, 4, 8, 8)
    >>> conv
    Conv2d(1, 4, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrPair,
        stride: IntOrPair = 1,
        padding: IntOrPair = 0,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.in_channels = positive_int(in_channels, "Conv2d: in_channels")
        self.out_channels = positive_int(out_channels, "Conv2d: out_channels")
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2d", 1)
        self.stride = pair(stride, "stride", "Conv2d", 1)
        self.padding = pair(padding, "padding", "Conv2d", 0)
        self.weight = Parameter(np.empty((self.out_channels, self.in_channels, *self.kernel_size)))
        self.bias: Parameter | None = Parameter(np.empty(self.out_channels)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh weights and bias with PyTorch's default init.

        >>> conv = Conv2d(2, 1, 3); conv.reset_parameters()
        >>> bool((abs(conv.weight.data) <= 1 / np.sqrt(18)).all())
        True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1.0 / math.sqrt(self.in_channels * self.kernel_size[0] * self.kernel_size[1])
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Tensor) -> Tensor:
        x = as_tensor(x, "Conv2d")
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"Conv2d: expected input of shape (N, {self.in_channels}, H, W) for weight of "
                f"shape {self.weight.shape}, got shape {x.shape}"
            )
        return conv2d(x, self.weight, self.bias, self.stride, self.padding)

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        return text + ("" if self.bias is not None else ", bias=False")


class _Pool2d(Module):
    def __init__(
        self, kernel_size: IntOrPair, stride: IntOrPair | None = None, padding: IntOrPair = 0
    ) -> None:
        super().__init__()
        who = type(self).__name__
        pool_padding(kernel_size, padding, who)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        pair(self.stride, "stride", who, 1)
        self.padding = padding

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_Pool2d):
    """Maximum over each kernel_size window, moving by stride (default: kernel_size).

    >>> import numpy as np
    >>> MaxPool2d(2)(Tensor(np.arange(16.0).reshape(1, 1, 4, 4))).data
    array([[[[ 5.,  7.],
             [13., 15.]]]])
    """

    def forward(self, x: Tensor) -> Tensor:
        return max_pool2d(x, self.kernel_size, self.stride, self.padding)


class AvgPool2d(_Pool2d):
    """Mean over each kernel_size window (zero padding counted), moving by stride.

    >>> import numpy as np
    >>> AvgPool2d(2)(Tensor(np.ones((1, 2, 4, 4)))).shape
    (1, 2, 2, 2)
    """

    def forward(self, x: Tensor) -> Tensor:
        return avg_pool2d(x, self.kernel_size, self.stride, self.padding)
