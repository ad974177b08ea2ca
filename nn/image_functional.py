"""Functional image ops: conv2d, max_pool2d, avg_pool2d and batch_norm, as in torch.nn.functional.

Every window op is built on one primitive pair of ``autograd.Function``\\ s:

- ``Unfold`` gathers the sliding windows of a padded ``(N, C, H, W)`` input into
  an array of shape ``(N, OH, OW, C, kh, kw)`` (a strided view of the padded
  input, copied once: "im2col");
- ``Fold`` is its adjoint: it scatter-adds such windows back into ``(N, C, H, W)``,
  with one vectorised slice-add per kernel offset (``kh * kw`` of them, never a
  loop over output positions), then crops the padding.

``Unfold.backward`` is ``Fold.apply`` and ``Fold.backward`` is ``Unfold.apply``;
both are linear, so the pair is differentiable any number of times. A
convolution is then one matrix product of the windows with the flattened
weight, and pooling a reduction over the last axis: plain Tensor ops.

>>> import numpy as np
>>> from autograd import Tensor
>>> x = Tensor(np.arange(16.0).reshape(1, 1, 4, 4))
>>> max_pool2d(x, 2).data
array([[[[ 5.,  7.],
         [13., 15.]]]])
>>> conv2d(x, Tensor(np.ones((1, 1, 2, 2))), stride=2).data
array([[[[10., 18.],
         [42., 50.]]]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.function import Function, FunctionCtx
from autograd.tensor import Tensor, where

__all__ = ["conv2d", "max_pool2d", "avg_pool2d", "batch_norm"]

Pair = tuple[int, int]
IntOrPair = int | tuple[int, int]


def _pair(value: Any, name: str, who: str, minimum: int) -> Pair:
    """``value`` as (height, width): an int for both, or a pair of ints, each >= minimum."""
    items = tuple(value) if isinstance(value, (tuple, list)) else (value, value)
    if len(items) != 2 or not all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items
    ):
        raise TypeError(f"{who}: {name} must be an int or a pair of ints, got {value!r}")
    if any(v < minimum for v in items):
        raise ValueError(f"{who}: {name} must be at least {minimum}, got {value!r}")
    return int(items[0]), int(items[1])


def _out_size(size: int, kernel: int, stride: int, pad: int) -> int:
    return (size + 2 * pad - kernel) // stride + 1


def _unfold_array(x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair,
                  pad_value: float) -> np.ndarray:
    """Windows of ``x`` (N, C, H, W) as a new contiguous array (N, OH, OW, C, kh, kw)."""
    (kh, kw), (sh, sw), (ph, pw) = kernel, stride, padding
    if ph or pw:
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=pad_value)
    view = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(2, 3))
    view = view[:, :, ::sh, ::sw]  # (N, C, OH, OW, kh, kw), no copy yet
    return np.ascontiguousarray(view.transpose(0, 2, 3, 1, 4, 5))


def _fold_array(cols: np.ndarray, size: Pair, stride: Pair, padding: Pair) -> np.ndarray:
    """Scatter-add windows (N, OH, OW, C, kh, kw) into (N, C, H, W): the adjoint of unfold."""
    n, oh, ow, c, kh, kw = cols.shape
    (h, w), (sh, sw), (ph, pw) = size, stride, padding
    out = np.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    by_channel = cols.transpose(0, 3, 1, 2, 4, 5)  # (N, C, OH, OW, kh, kw)
    for i in range(kh):  # one vectorised slice-add per kernel offset
        for j in range(kw):
            out[:, :, i:i + sh * (oh - 1) + 1:sh, j:j + sw * (ow - 1) + 1:sw] += \
                by_channel[:, :, :, :, i, j]
    return out[:, :, ph:ph + h, pw:pw + w] if ph or pw else out


class Unfold(Function):
    """Sliding windows: (N, C, H, W) -> (N, OH, OW, C, kh, kw); padding filled with ``pad_value``.

    >>> import numpy as np
    >>> Unfold.apply(Tensor(np.arange(9.0).reshape(1, 1, 3, 3)), (2, 2), (1, 1), (0, 0), 0.0).shape
    (1, 2, 2, 1, 2, 2)
    """

    @staticmethod
    def forward(ctx: FunctionCtx, x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair,
                pad_value: float) -> np.ndarray:
        ctx.size = x.shape[2:]
        ctx.geometry = (stride, padding)
        return _unfold_array(x, kernel, stride, padding, pad_value)

    @staticmethod
    def backward(ctx: FunctionCtx, grad_out: Any) -> tuple[Any, None, None, None, None]:
        stride, padding = ctx.geometry
        if isinstance(grad_out, Tensor):  # a recorded backward (create_graph): stay on the graph
            return Fold.apply(grad_out, ctx.size, stride, padding), None, None, None, None
        return _fold_array(grad_out, ctx.size, stride, padding), None, None, None, None


class Fold(Function):
    """Scatter-add windows (N, OH, OW, C, kh, kw) into (N, C, H, W); the adjoint of ``Unfold``.

    >>> import numpy as np
    >>> Fold.apply(Tensor(np.ones((1, 2, 2, 1, 2, 2))), (3, 3), (1, 1), (0, 0)).data[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """

    @staticmethod
    def forward(ctx: FunctionCtx, cols: np.ndarray, size: Pair, stride: Pair,
                padding: Pair) -> np.ndarray:
        kernel = cols.shape[4:]
        expected = tuple(_out_size(size[i], kernel[i], stride[i], padding[i]) for i in (0, 1))
        if cols.ndim != 6 or cols.shape[1:3] != expected:
            raise ValueError(f"Fold: windows of shape {cols.shape} do not fit an output of size "
                             f"{size} (stride {stride}, padding {padding}): expected "
                             f"(N, {expected[0]}, {expected[1]}, C, kh, kw)")
        ctx.kernel = kernel
        ctx.geometry = (stride, padding)
        return _fold_array(cols, size, stride, padding)

    @staticmethod
    def backward(ctx: FunctionCtx, grad_out: Any) -> tuple[Any, None, None, None]:
        stride, padding = ctx.geometry
        if isinstance(grad_out, Tensor):
            return Unfold.apply(grad_out, ctx.kernel, stride, padding, 0.0), None, None, None
        return _unfold_array(grad_out, ctx.kernel, stride, padding, 0.0), None, None, None


def _as_tensor(x: Any, who: str, name: str = "input") -> Tensor:
    if isinstance(x, Tensor):
        return x
    if type(x).__name__ == "Value":
        raise TypeError(f"{who}: {name} must be a Tensor, got a Value")
    return Tensor(x)


def _check_image(x: Tensor, who: str, channels: int | None = None) -> None:
    if x.ndim != 4:
        raise ValueError(f"{who}: expected a 4-d input (N, C, H, W), got shape {x.shape}")
    if channels is not None and x.shape[1] != channels:
        raise ValueError(f"{who}: input of shape {x.shape} has {x.shape[1]} channels, "
                         f"expected {channels}")


def _check_fits(x: Tensor, kernel: Pair, padding: Pair, who: str) -> None:
    h, w = x.shape[2] + 2 * padding[0], x.shape[3] + 2 * padding[1]
    if kernel[0] > h or kernel[1] > w:
        raise ValueError(f"{who}: kernel size {kernel} is larger than the padded input "
                         f"{(h, w)} (input shape {x.shape}, padding {padding})")


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None,
           stride: IntOrPair = 1, padding: IntOrPair = 0) -> Tensor:
    """2-d cross-correlation as torch.nn.functional.conv2d: (N, C, H, W) -> (N, O, OH, OW).

    ``weight`` has shape (O, C, kh, kw), ``bias`` (O,). One matrix product
    of the unfolded windows (N*OH*OW, C*kh*kw) with the weight (C*kh*kw, O).

    >>> import numpy as np
    >>> x = Tensor(np.ones((2, 3, 5, 5)))
    >>> conv2d(x, Tensor(np.ones((4, 3, 3, 3))), padding=1).shape
    (2, 4, 5, 5)
    """
    who = "conv2d"
    input, weight = _as_tensor(input, who), _as_tensor(weight, who, "weight")
    if weight.ndim != 4:
        raise ValueError(f"{who}: weight must be 4-d (out_channels, in_channels, kh, kw), "
                         f"got shape {weight.shape}")
    _check_image(input, who)
    if input.shape[1] != weight.shape[1]:
        raise ValueError(f"{who}: input of shape {input.shape} has {input.shape[1]} channels "
                         f"but weight of shape {weight.shape} expects {weight.shape[1]}")
    out_ch = weight.shape[0]
    if bias is not None:
        bias = _as_tensor(bias, who, "bias")
        if bias.shape != (out_ch,):
            raise ValueError(f"{who}: bias of shape {bias.shape} does not match weight of "
                             f"shape {weight.shape}: expected ({out_ch},)")
    kernel = (weight.shape[2], weight.shape[3])
    st, pad = _pair(stride, "stride", who, 1), _pair(padding, "padding", who, 0)
    _check_fits(input, kernel, pad, who)
    n = input.shape[0]
    oh = _out_size(input.shape[2], kernel[0], st[0], pad[0])
    ow = _out_size(input.shape[3], kernel[1], st[1], pad[1])
    cols = Unfold.apply(input, kernel, st, pad, 0.0)
    flat = cols.reshape(n * oh * ow, -1) @ weight.reshape(out_ch, -1).T
    if bias is not None:
        flat = flat + bias
    return flat.reshape(n, oh, ow, out_ch).transpose(0, 3, 1, 2)


def _pool_windows(input: Any, kernel_size: IntOrPair, stride: IntOrPair | None,
                  padding: IntOrPair, who: str, pad_value: float) -> tuple[Tensor, int]:
    x = _as_tensor(input, who)
    _check_image(x, who)
    kernel = _pair(kernel_size, "kernel_size", who, 1)
    st = kernel if stride is None else _pair(stride, "stride", who, 1)
    pad = _pair(padding, "padding", who, 0)
    if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
        raise ValueError(f"{who}: padding {pad} must be at most half the kernel size {kernel}")
    _check_fits(x, kernel, pad, who)
    cols = Unfold.apply(x, kernel, st, pad, pad_value)
    n, oh, ow, c = cols.shape[:4]
    return cols.reshape(n, oh, ow, c, kernel[0] * kernel[1]), kernel[0] * kernel[1]


def max_pool2d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0) -> Tensor:
    """Maximum over each window (padding counts as -inf), as torch's max_pool2d.

    The gradient goes to the first maximum of each window, as in torch.

    >>> import numpy as np
    >>> max_pool2d(Tensor(np.arange(9.0).reshape(1, 1, 3, 3)), 2, stride=1).data
    array([[[[4., 5.],
             [7., 8.]]]])
    """
    windows, k = _pool_windows(input, kernel_size, stride, padding, "max_pool2d", -np.inf)
    first = windows.data.argmax(axis=-1)[..., None] == np.arange(k)
    picked = where(first, windows, 0.0).sum(axis=-1)
    return picked.transpose(0, 3, 1, 2)


def avg_pool2d(input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None,
               padding: IntOrPair = 0) -> Tensor:
    """Mean over each window (zero padding included in the count), as torch's avg_pool2d.

    >>> import numpy as np
    >>> avg_pool2d(Tensor(np.arange(16.0).reshape(1, 1, 4, 4)), 2).data
    array([[[[ 2.5,  4.5],
             [10.5, 12.5]]]])
    """
    windows, _ = _pool_windows(input, kernel_size, stride, padding, "avg_pool2d", 0.0)
    return windows.mean(axis=-1).transpose(0, 3, 1, 2)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Batch normalisation over channel 1 of (N, C), (N, C, L) or (N, C, H, W), as torch's.

    In training the batch's mean and biased variance normalise; the running
    statistics (if given) move by ``momentum`` towards the batch mean and the
    unbiased variance, in place. Otherwise the running statistics normalise.

    >>> import numpy as np
    >>> x = Tensor([[1.0], [3.0]])
    >>> rm, rv = Tensor(np.zeros(1)), Tensor(np.ones(1))
    >>> batch_norm(x, rm, rv, training=True).data.round(4).ravel().tolist()
    [-1.0, 1.0]
    >>> rm.data, rv.data
    (array([0.2]), array([1.1]))
    """
    who = "batch_norm"
    x = _as_tensor(input, who)
    if x.ndim < 2:
        raise ValueError(f"{who}: expected an input of shape (N, C) or (N, C, ...), got "
                         f"shape {x.shape}")
    c = x.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != (c,):
            raise ValueError(f"{who}: {name} of shape {tuple(t.shape)} does not match input "
                             f"of shape {x.shape}: expected ({c},)")
    axes = (0, *range(2, x.ndim))
    shape = (1, c) + (1,) * (x.ndim - 2)
    if training:
        count = x.size // c
        if count <= 1:
            raise ValueError(f"{who}: expected more than 1 value per channel when training, "
                             f"got input of shape {x.shape}")
        mean = x.mean(axis=axes, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(axis=axes, keepdims=True)
        if running_mean is not None and running_var is not None:
            rm, rv = running_mean.data, running_var.data
            batch_mean = mean.data.reshape(c)
            unbiased = var.data.reshape(c) * (count / (count - 1))
            rm *= 1.0 - momentum
            rm += momentum * batch_mean
            rv *= 1.0 - momentum
            rv += momentum * unbiased
        y = centred * (var + eps) ** -0.5
    else:
        if running_mean is None or running_var is None:
            raise ValueError(f"{who}: running_mean and running_var are needed when not training")
        inv = 1.0 / np.sqrt(running_var.data + eps)
        y = (x - running_mean.data.reshape(shape)) * inv.reshape(shape)
    if weight is not None:
        y = y * weight.reshape(shape)
    if bias is not None:
        y = y + bias.reshape(shape)
    return y
