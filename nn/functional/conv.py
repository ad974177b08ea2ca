"""Convolution and pooling as functions: conv2d, max_pool2d, avg_pool2d, as torch.nn.functional.

Every window op is built on one primitive pair of ``autograd.Function``\\ s:

- ``Unfold`` gathers the sliding windows of a padded ``(N, C, H, W)`` input into
  an array of shape ``(N, OH, OW, kh, kw, C)`` (a strided view of the padded,
  channels-last input, copied once: "im2col");
- ``Fold`` is its adjoint: it scatter-adds such windows back into ``(N, C, H, W)``,
  with one vectorised slice-add per kernel offset (``kh * kw`` of them, never a
  loop over output positions), then crops the padding.

Arrays between layers are channels-last in memory (an ``(N, C, H, W)`` view of
an ``(N, H, W, C)`` array), so the next layer's windows need no transposing copy.
``Unfold.backward`` is ``Fold.apply`` and ``Fold.backward`` is ``Unfold.apply``
(on ndarrays they call the array functions directly); both are linear, so the
pair is differentiable any number of times. A convolution is then one
``linear`` product of the windows with the flattened weight, and average
pooling a mean over each window: plain Tensor ops on top of ``Unfold``.

One op is a Function of its own, for speed: ``MaxPool`` reduces a view of
the windows (no copy when they tile the input) and its backward folds each
window's gradient into its first maximum (``Fold.apply`` on Tensors);
it stays differentiable twice. (``BatchNormTrain`` is in ``nn.functional.normalization``.)

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

from autograd.core.function import Function
from autograd.core.tensor import Tensor, linear
from nn._checks import Pair, as_tensor, pair, pool_padding

__all__ = ["conv2d", "max_pool2d", "avg_pool2d"]

IntOrPair = int | tuple[int, int]


def _out_size(size: int, kernel: int, stride: int, pad: int) -> int:
    return (size + 2 * pad - kernel) // stride + 1


def _channels_last(x: np.ndarray, padding: Pair, pad_value: float) -> np.ndarray:
    """``x`` (N, C, H, W) as a padded (N, H + 2ph, W + 2pw, C) array (no copy if it already is)."""
    (ph, pw) = padding
    nhwc = x.transpose(0, 2, 3, 1)
    if not ph and not pw:
        return np.ascontiguousarray(nhwc)
    n, h, w, c = nhwc.shape
    out = np.full((n, h + 2 * ph, w + 2 * pw, c), pad_value, dtype=x.dtype)
    out[:, ph : ph + h, pw : pw + w, :] = nhwc
    return out


def _unfold_array(
    x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, pad_value: float
) -> np.ndarray:
    """Windows of ``x`` (N, C, H, W) as a new contiguous array (N, OH, OW, kh, kw, C).

    Channels last: a window row (kw pixels by C channels) is one contiguous run
    in the channels-last input, so the single copy moves long runs.
    """
    (kh, kw), (sh, sw) = kernel, stride
    xp = _channels_last(x, padding, pad_value)
    n, hp, wp, c = xp.shape
    if kw * c < 16:  # runs too short for one strided copy: one block copy per kernel offset
        oh, ow = (hp - kh) // sh + 1, (wp - kw) // sw + 1
        out = np.empty((n, oh, ow, kh, kw, c), dtype=x.dtype)
        for i in range(kh):
            for j in range(kw):
                out[:, :, :, i, j, :] = xp[
                    :, i : i + sh * (oh - 1) + 1 : sh, j : j + sw * (ow - 1) + 1 : sw, :
                ]
        return out
    view = np.lib.stride_tricks.sliding_window_view(xp, (kh, kw), axis=(1, 2))
    view = view[:, ::sh, ::sw].transpose(0, 1, 2, 4, 5, 3)  # (N, OH, OW, kh, kw, C), a view
    return np.ascontiguousarray(view)


def _fold_array(cols: np.ndarray, size: Pair, stride: Pair, padding: Pair) -> np.ndarray:
    """Scatter-add windows (N, OH, OW, kh, kw, C) into (N, C, H, W): the adjoint of unfold.

    The result is a channels-last array seen as (N, C, H, W) (a transposed view).
    """
    n, oh, ow, kh, kw, c = cols.shape
    (h, w), (sh, sw), (ph, pw) = size, stride, padding
    if (sh, sw) == (kh, kw) and not ph and not pw:  # windows tile the input: one copy
        tiles = cols.transpose(0, 1, 3, 2, 4, 5).reshape(n, oh * kh, ow * kw, c)
        if (oh * kh, ow * kw) == (h, w):
            return tiles.transpose(0, 3, 1, 2)
        out = np.zeros((n, h, w, c), dtype=cols.dtype)
        out[:, : oh * kh, : ow * kw, :] = tiles
        return out.transpose(0, 3, 1, 2)
    out = np.zeros((n, h + 2 * ph, w + 2 * pw, c), dtype=cols.dtype)
    for i in range(kh):  # one vectorised slice-add per kernel offset
        for j in range(kw):
            rows, columns = slice(i, i + sh * (oh - 1) + 1, sh), slice(j, j + sw * (ow - 1) + 1, sw)
            out[:, rows, columns, :] += cols[:, :, :, i, j, :]
    return out[:, ph : ph + h, pw : pw + w, :].transpose(0, 3, 1, 2)


class Unfold(Function):
    """Sliding windows: (N, C, H, W) -> (N, OH, OW, kh, kw, C); padding filled with ``pad_value``.

    >>> import numpy as np
    >>> Unfold.apply(Tensor(np.arange(9.0).reshape(1, 1, 3, 3)), (2, 2), (1, 1), (0, 0), 0.0).shape
    (1, 2, 2, 2, 2, 1)
    """

    @staticmethod
    def forward(
        ctx: Any, x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, pad_value: float
    ) -> np.ndarray:
        ctx.size = x.shape[2:]
        ctx.geometry = (stride, padding)
        return _unfold_array(x, kernel, stride, padding, pad_value)

    @staticmethod
    def backward(ctx: Any, grad_out: Any) -> tuple[Any, None, None, None, None]:
        stride, padding = ctx.geometry
        if isinstance(grad_out, Tensor):  # a recorded backward (create_graph): stay on the graph
            return Fold.apply(grad_out, ctx.size, stride, padding), None, None, None, None
        return _fold_array(grad_out, ctx.size, stride, padding), None, None, None, None


class Fold(Function):
    """Scatter-add windows (N, OH, OW, kh, kw, C) into (N, C, H, W); the adjoint of ``Unfold``.

    >>> import numpy as np
    >>> Fold.apply(Tensor(np.ones((1, 2, 2, 2, 2, 1))), (3, 3), (1, 1), (0, 0)).data[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    """

    @staticmethod
    def forward(ctx: Any, cols: np.ndarray, size: Pair, stride: Pair, padding: Pair) -> np.ndarray:
        kernel = cols.shape[3:5]
        expected = tuple(_out_size(size[i], kernel[i], stride[i], padding[i]) for i in (0, 1))
        if cols.ndim != 6 or cols.shape[1:3] != expected:
            raise ValueError(
                f"Fold: windows of shape {cols.shape} do not fit an output of size "
                f"{size} (stride {stride}, padding {padding}): expected "
                f"(N, {expected[0]}, {expected[1]}, kh, kw, C)"
            )
        ctx.kernel = kernel
        ctx.geometry = (stride, padding)
        return _fold_array(cols, size, stride, padding)

    @staticmethod
    def backward(ctx: Any, grad_out: Any) -> tuple[Any, None, None, None]:
        stride, padding = ctx.geometry
        if isinstance(grad_out, Tensor):
            return Unfold.apply(grad_out, ctx.kernel, stride, padding, 0.0), None, None, None
        return _unfold_array(grad_out, ctx.kernel, stride, padding, 0.0), None, None, None


def _windows_view(
    x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair, pad_value: float
) -> np.ndarray:
    """``x``'s windows as (N, OH, OW, kh, kw, C): a view when they tile x exactly."""
    if stride == kernel and padding == (0, 0):
        n, c, h, w = x.shape
        (kh, kw) = kernel
        oh, ow = h // kh, w // kw
        tiles = x[:, :, : oh * kh, : ow * kw].reshape(n, c, oh, kh, ow, kw)
        return tiles.transpose(0, 2, 4, 3, 5, 1)
    return _unfold_array(x, kernel, stride, padding, pad_value)


class MaxPool(Function):
    """Maximum over each window; the gradient goes to the first maximum (torch's choice).

    Forward reduces a view of the windows (no copy when they tile the input);
    backward routes each output's gradient to its window's first maximum and
    folds, or, given a Tensor (a recorded backward), calls ``Fold.apply`` on the
    masked gradient, so it is differentiable again.

    >>> import numpy as np
    >>> MaxPool.apply(Tensor(np.arange(16.0).reshape(1, 1, 4, 4)), (2, 2), (2, 2), (0, 0)).shape
    (1, 1, 2, 2)
    """

    @staticmethod
    def forward(ctx: Any, x: np.ndarray, kernel: Pair, stride: Pair, padding: Pair) -> np.ndarray:
        windows = _windows_view(x, kernel, stride, padding, -np.inf)
        out = windows[:, :, :, 0, 0, :].copy()  # (N, OH, OW, C); one pass per kernel offset
        for i in range(kernel[0]):
            for j in range(kernel[1]):
                if i or j:
                    np.maximum(out, windows[:, :, :, i, j, :], out=out)
        ctx.windows, ctx.out = windows, out
        ctx.size, ctx.geometry = x.shape[2:], (stride, padding)
        return out.transpose(0, 3, 1, 2)

    @staticmethod
    def backward(ctx: Any, grad_out: Any) -> tuple[Any, None, None, None]:
        windows, out = ctx.windows, ctx.out
        kh, kw = windows.shape[3:5]
        first = np.empty(windows.shape, dtype=bool)
        taken = np.zeros(out.shape, dtype=bool)
        for i in range(kh):  # per kernel offset, in order: the first maximum wins ties
            for j in range(kw):
                hit = windows[:, :, :, i, j, :] == out
                hit &= ~taken
                taken |= hit
                first[:, :, :, i, j, :] = hit
        stride, padding = ctx.geometry
        n, oh, ow, c = out.shape
        if isinstance(grad_out, Tensor):
            g = grad_out.transpose(0, 2, 3, 1).reshape(n, oh, ow, 1, 1, c)
            return Fold.apply(g * first, ctx.size, stride, padding), None, None, None
        g = np.asarray(grad_out).transpose(0, 2, 3, 1).reshape(n, oh, ow, 1, 1, c)
        return _fold_array(g * first, ctx.size, stride, padding), None, None, None


def _check_image(x: Tensor, who: str, channels: int | None = None) -> None:
    if x.ndim != 4:
        raise ValueError(f"{who}: expected a 4-d input (N, C, H, W), got shape {x.shape}")
    if channels is not None and x.shape[1] != channels:
        raise ValueError(
            f"{who}: input of shape {x.shape} has {x.shape[1]} channels, expected {channels}"
        )


def _check_fits(x: Tensor, kernel: Pair, padding: Pair, who: str) -> None:
    h, w = x.shape[2] + 2 * padding[0], x.shape[3] + 2 * padding[1]
    if kernel[0] > h or kernel[1] > w:
        raise ValueError(
            f"{who}: kernel size {kernel} is larger than the padded input "
            f"{(h, w)} (input shape {x.shape}, padding {padding})"
        )


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride: IntOrPair = 1,
    padding: IntOrPair = 0,
) -> Tensor:
    """2-d cross-correlation as torch.nn.functional.conv2d: (N, C, H, W) -> (N, O, OH, OW).

    ``weight`` has shape (O, C, kh, kw), ``bias`` (O,). One matrix product
    of the unfolded windows (N*OH*OW, C*kh*kw) with the weight (C*kh*kw, O).

    >>> import numpy as np
    >>> x = Tensor(np.ones((2, 3, 5, 5)))
    >>> conv2d(x, Tensor(np.ones((4, 3, 3, 3))), padding=1).shape
    (2, 4, 5, 5)
    """
    who = "conv2d"
    input, weight = as_tensor(input, who), as_tensor(weight, who, "weight")
    if weight.ndim != 4:
        raise ValueError(
            f"{who}: weight must be 4-d (out_channels, in_channels, kh, kw), "
            f"got shape {weight.shape}"
        )
    _check_image(input, who)
    if input.shape[1] != weight.shape[1]:
        raise ValueError(
            f"{who}: input of shape {input.shape} has {input.shape[1]} channels "
            f"but weight of shape {weight.shape} expects {weight.shape[1]}"
        )
    out_ch = weight.shape[0]
    if bias is not None:
        bias = as_tensor(bias, who, "bias")
        if bias.shape != (out_ch,):
            raise ValueError(
                f"{who}: bias of shape {bias.shape} does not match weight of "
                f"shape {weight.shape}: expected ({out_ch},)"
            )
    kernel = (weight.shape[2], weight.shape[3])
    st, pad = pair(stride, "stride", who, 1), pair(padding, "padding", who, 0)
    _check_fits(input, kernel, pad, who)
    n = input.shape[0]
    oh = _out_size(input.shape[2], kernel[0], st[0], pad[0])
    ow = _out_size(input.shape[3], kernel[1], st[1], pad[1])
    cols = Unfold.apply(input, kernel, st, pad, 0.0)  # (N, OH, OW, kh, kw, C)
    # One matrix product (bias added in place): (N*OH*OW, kh*kw*C) x (kh*kw*C, O).
    flat = linear(
        cols.reshape(n * oh * ow, -1), weight.transpose(0, 2, 3, 1).reshape(out_ch, -1), bias
    )
    return flat.reshape(n, oh, ow, out_ch).transpose(0, 3, 1, 2)


def _pool_geometry(
    input: Any, kernel_size: IntOrPair, stride: IntOrPair | None, padding: IntOrPair, who: str
) -> tuple[Tensor, Pair, Pair, Pair]:
    x = as_tensor(input, who)
    _check_image(x, who)
    kernel, pad = pool_padding(kernel_size, padding, who)
    st = kernel if stride is None else pair(stride, "stride", who, 1)
    _check_fits(x, kernel, pad, who)
    return x, kernel, st, pad


def max_pool2d(
    input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None, padding: IntOrPair = 0
) -> Tensor:
    """Maximum over each window (padding counts as -inf), as torch's max_pool2d.

    The gradient goes to the first maximum of each window, as in torch.

    >>> import numpy as np
    >>> max_pool2d(Tensor(np.arange(9.0).reshape(1, 1, 3, 3)), 2, stride=1).data
    array([[[[4., 5.],
             [7., 8.]]]])
    """
    x, kernel, st, pad = _pool_geometry(input, kernel_size, stride, padding, "max_pool2d")
    return MaxPool.apply(x, kernel, st, pad)


def avg_pool2d(
    input: Tensor, kernel_size: IntOrPair, stride: IntOrPair | None = None, padding: IntOrPair = 0
) -> Tensor:
    """Mean over each window (zero padding included in the count), as torch's avg_pool2d.

    >>> import numpy as np
    >>> avg_pool2d(Tensor(np.arange(16.0).reshape(1, 1, 4, 4)), 2).data
    array([[[[ 2.5,  4.5],
             [10.5, 12.5]]]])
    """
    x, kernel, st, pad = _pool_geometry(input, kernel_size, stride, padding, "avg_pool2d")
    windows = Unfold.apply(x, kernel, st, pad, 0.0)  # (N, OH, OW, kh, kw, C)
    return windows.mean(axis=(3, 4)).transpose(0, 3, 1, 2)
