"""``torch.nn.functional`` on the engine's ``nn.functional`` (one set of rules).

>>> import backproplab.torch as torch
>>> logits = torch.tensor([[2.0, 0.5, -1.0]], requires_grad=True)
>>> cross_entropy(logits, torch.tensor([0]))
tensor(0.2413, grad_fn=<NllLossBackward0>)
>>> one_hot(torch.tensor([0, 2]), 3)
tensor([[1, 0, 0],
        [0, 0, 1]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

import autograd as ag
import nn as _nn
from nn import functional as _F

from .._bridge import engine_call
from .._tensor import Tensor, _Base, _make, as_tensor, wrap
from .._unsupported import missing


def _labels(target: Any) -> np.ndarray:
    t = target.data if isinstance(target, ag.Tensor) else np.asarray(target)
    if t.dtype.kind not in "iu":
        raise RuntimeError(
            f"cross_entropy: expected class indices of an integer dtype (torch.long), got {t.dtype}"
        )
    return t


def cross_entropy(
    input: Tensor,
    target: Any,
    weight: Any = None,  # noqa: A002
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy of logits (N, C) at class indices (N,); ``ignore_index``
    targets take no part (the mean is over the others), as in PyTorch."""
    if (
        type(target) is Tensor
        and type(input) is Tensor
        and weight is None
        and reduction == "mean"
        and not label_smoothing
        and target.data.dtype.kind in "iu"
        and ignore_index < 0
        and input.data.ndim == 2
    ):  # the course's call, on the engine's defaults (hot: a step's loss)
        x: Any = input
        x.__class__ = _Base
        try:
            out: Any = _F.cross_entropy(x, target.data)
        except ValueError:
            out = None  # a label out of range, or the ignored one: the general path says
        finally:
            x.__class__ = Tensor
        if out is not None:
            out.__class__ = Tensor
            return out
    if label_smoothing:
        raise NotImplementedError("cross_entropy: label_smoothing is not supported here")
    w = weight.data if isinstance(weight, ag.Tensor) else weight
    if isinstance(target, ag.Tensor) and target.data.dtype.kind == "f":
        return engine_call(_F.cross_entropy, input, target, reduction=reduction, weight=w)
    labels = _labels(target)
    shape = input.data.shape
    if len(shape) <= 2 and not 0 <= ignore_index < (shape[-1] if shape else 0):
        # ignore_index is no class (-100): the engine's range check finds it, so the common
        # case, nothing ignored, needs no look at the labels here
        try:
            return engine_call(_F.cross_entropy, input, labels, reduction=reduction, weight=w)
        except ValueError:
            if not (labels == ignore_index).any():
                raise
    if input.data.ndim > 2:  # (N, C, d1, ...) -> rows of C
        perm = (0, *range(2, input.data.ndim), 1)
        input = input.permute(*perm).reshape(-1, input.data.shape[1])
        labels = labels.reshape(-1)
    keep = labels != ignore_index
    if not keep.all():
        rows = np.nonzero(keep)[0]
        if reduction == "none":
            raise NotImplementedError(
                "cross_entropy: ignore_index with reduction='none' is not supported here"
            )
        input, labels = input[rows], labels[rows]
    return engine_call(_F.cross_entropy, input, labels, reduction=reduction, weight=w)


def nll_loss(
    input: Tensor,
    target: Any,
    weight: Any = None,
    ignore_index: int = -100,  # noqa: A002
    reduction: str = "mean",
) -> Tensor:
    labels = _labels(target)
    keep = labels != ignore_index
    if not keep.all():
        rows = np.nonzero(keep)[0]
        input, labels = input[rows], labels[rows]
    w = weight.data if isinstance(weight, ag.Tensor) else weight
    return engine_call(_F.nll_loss, input, labels, reduction=reduction, weight=w)


def mse_loss(input: Tensor, target: Any, reduction: str = "mean") -> Tensor:  # noqa: A002
    return engine_call(_F.mse_loss, input, target, reduction=reduction)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot rows of integer class indices."""
    idx = tensor.data
    if idx.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor")
    n = int(idx.max()) + 1 if num_classes < 0 else num_classes
    return _make(np.eye(n, dtype=np.int64)[idx])


def softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:  # noqa: A002
    x = as_tensor(input) if not isinstance(input, Tensor) else input
    if dtype is not None:
        x = x.to(dtype)
    return x.softmax(-1 if dim is None else dim)


def log_softmax(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:  # noqa: A002
    x = input.to(dtype) if dtype is not None else input
    return x.log_softmax(-1 if dim is None else dim)


def relu(input: Tensor, inplace: bool = False) -> Tensor:  # noqa: A002
    return input.relu()


def tanh(input: Tensor) -> Tensor:  # noqa: A002
    return input.tanh()


def sigmoid(input: Tensor) -> Tensor:  # noqa: A002
    return input.sigmoid()


def gelu(input: Tensor, approximate: str = "none") -> Tensor:  # noqa: A002
    return engine_call(_F.gelu, input, approximate)


def dropout(
    input: Tensor,
    p: float = 0.5,
    training: bool = True,  # noqa: A002
    inplace: bool = False,
) -> Tensor:
    """Inverted dropout (the engine's; masks differ from PyTorch's)."""
    return engine_call(_F.dropout, input, p, training)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:  # noqa: A002
    return engine_call(_F.linear, input, weight, bias)


def embedding(input: Any, weight: Tensor, padding_idx: int | None = None) -> Tensor:  # noqa: A002
    idx = input.data if isinstance(input, ag.Tensor) else input
    return engine_call(_F.embedding, idx, weight, padding_idx)


def layer_norm(
    input: Tensor,
    normalized_shape: Any,
    weight: Tensor | None = None,  # noqa: A002
    bias: Tensor | None = None,
    eps: float = 1e-5,
) -> Tensor:
    return engine_call(_F.layer_norm, input, normalized_shape, weight, bias, eps)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Any = None,
    dropout_p: float = 0.0,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    if dropout_p:
        raise NotImplementedError("scaled_dot_product_attention: dropout_p is not supported here")
    mask = attn_mask.data if isinstance(attn_mask, ag.Tensor) else attn_mask
    return engine_call(
        _F.scaled_dot_product_attention,
        query,
        key,
        value,
        attn_mask=mask,
        is_causal=is_causal,
        scale=scale,
    )


def __getattr__(name: str) -> Any:
    missing("backproplab.torch.nn.functional", name)


_ = (_nn, wrap)
