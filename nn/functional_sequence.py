"""Functional forms of the sequence layers: embedding, layer_norm, rms_norm, attention.

Each one is composed of existing Tensor ops (integer-array indexing, mean, pow,
matmul, softmax, where), so it needs no gradient rule of its own and is
differentiable as many times as those ops are. Signatures, defaults and
numerics follow ``torch.nn.functional``.

>>> import numpy as np
>>> from autograd import Tensor
>>> table = Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
>>> embedding([[2, 0, 2]], table).data
array([[[4., 5.],
        [0., 1.],
        [4., 5.]]])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd.core.tensor import Tensor, where

__all__ = ["embedding", "layer_norm", "rms_norm", "scaled_dot_product_attention",
           "normalized_shape_tuple", "indices", "EmbeddingIndexError", "EmbeddingTypeError"]


class EmbeddingIndexError(IndexError, ValueError):
    """An embedding index outside [0, num_embeddings): an IndexError (as in torch) and a ValueError.

    >>> issubclass(EmbeddingIndexError, IndexError), issubclass(EmbeddingIndexError, ValueError)
    (True, True)
    """


class EmbeddingTypeError(TypeError, ValueError):
    """Embedding indices that are not integers: a TypeError and a ValueError.

    >>> issubclass(EmbeddingTypeError, TypeError), issubclass(EmbeddingTypeError, ValueError)
    (True, True)
    """


def _tensor(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x)


def indices(input: Any, num_embeddings: int, op: str, weight_shape: tuple[int, ...]) -> np.ndarray:
    """``input`` as an integer array of valid row numbers; bad input raises, naming both shapes.

    >>> indices([[0, 2]], 3, "embedding", (3, 4))
    array([[0, 2]])
    """
    raw = input.data if isinstance(input, Tensor) else input
    arr = np.asarray(raw)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise EmbeddingTypeError(f"{op}: indices must be integers, got dtype {arr.dtype} "
                        f"(input shape {arr.shape}, weight shape {weight_shape})")
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise EmbeddingTypeError(f"{op}: indices must be integers, got non-integer values "
                            f"(input shape {arr.shape}, weight shape {weight_shape})")
        arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= num_embeddings):
        bad = int(arr.min()) if arr.min() < 0 else int(arr.max())
        raise EmbeddingIndexError(
            f"{op}: index {bad} is out of range for a table of {num_embeddings} rows: expected "
            f"0 <= index < {num_embeddings} (input shape {arr.shape}, weight shape "
            f"{weight_shape})")
    return arr.astype(np.intp, copy=False)


def embedding(input: Any, weight: Tensor, padding_idx: int | None = None) -> Tensor:
    """Rows of ``weight`` (num_embeddings, embedding_dim) picked by the integer ``input``.

    The output has shape ``input.shape + (embedding_dim,)``. It is integer-array
    indexing, so a row used several times gets the sum of its gradients; the
    row ``padding_idx`` (if given) receives no gradient, as in PyTorch.

    >>> w = Tensor(np.ones((3, 2)), requires_grad=True)
    >>> embedding([0, 0, 1], w, padding_idx=1).sum().backward()
    >>> w.grad
    array([[2., 2.],
           [0., 0.],
           [0., 0.]])
    """
    w = _tensor(weight)
    if w.ndim != 2:
        raise ValueError(f"embedding: weight must be 2-D (num_embeddings, embedding_dim), "
                         f"got shape {w.shape}")
    n = w.shape[0]
    idx = indices(input, n, "embedding", w.shape)
    out = w[idx]
    if padding_idx is not None:
        pad = padding_idx + n if padding_idx < 0 else padding_idx
        if not 0 <= pad < n:
            raise ValueError(f"embedding: padding_idx {padding_idx} is out of range for "
                             f"weight shape {w.shape}")
        keep = (idx != pad)[..., None]
        if not keep.all():
            out = where(keep, out, out.detach())
    return out


def normalized_shape_tuple(normalized_shape: Any, op: str) -> tuple[int, ...]:
    """An int or a sequence of positive ints as a tuple.

    >>> normalized_shape_tuple(4, "LayerNorm")
    (4,)
    """
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) \
        else normalized_shape
    if isinstance(shape, (str, bytes)) or not isinstance(shape, (Sequence, tuple)) or any(
            isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 1 for s in shape):
        raise ValueError(f"{op}: normalized_shape must be a positive int or a sequence of "
                         f"them, got {normalized_shape!r}")
    return tuple(int(s) for s in shape)


def _check_trailing(x: Tensor, shape: tuple[int, ...], op: str) -> tuple[int, ...]:
    if x.shape[x.ndim - len(shape):] != shape or x.ndim < len(shape):
        raise ValueError(f"{op}: input of shape {x.shape} does not end with normalized_shape "
                         f"{shape}")
    return tuple(range(x.ndim - len(shape), x.ndim))


def _check_affine(p: Tensor | None, shape: tuple[int, ...], what: str, op: str) -> None:
    if p is not None and p.shape != shape:
        raise ValueError(f"{op}: {what} of shape {p.shape} does not match normalized_shape "
                         f"{shape}")


def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """(x - mean) / sqrt(var + eps) * weight + bias over the trailing ``normalized_shape`` dims.

    The variance is the biased one (divided by n), as in PyTorch.

    >>> y = layer_norm(Tensor([[1.0, 2.0, 3.0]]), 3)
    >>> np.round(y.data, 4)
    array([[-1.2247,  0.    ,  1.2247]])
    """
    x = _tensor(input)
    shape = normalized_shape_tuple(normalized_shape, "layer_norm")
    axes = _check_trailing(x, shape, "layer_norm")
    _check_affine(weight, shape, "weight", "layer_norm")
    _check_affine(bias, shape, "bias", "layer_norm")
    centred = x - x.mean(axis=axes, keepdims=True)
    var = (centred * centred).mean(axis=axes, keepdims=True)
    out = centred * (var + eps) ** -0.5
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out


def rms_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """x / sqrt(mean(x**2) + eps) * weight over the trailing ``normalized_shape`` dims.

    ``eps=None`` means the machine epsilon of the input's dtype, as in PyTorch.

    >>> np.round(rms_norm(Tensor([[3.0, 4.0]]), 2, eps=0.0).data, 4)  # rms = sqrt(12.5)
    array([[0.8485, 1.1314]])
    """
    x = _tensor(input)
    shape = normalized_shape_tuple(normalized_shape, "rms_norm")
    axes = _check_trailing(x, shape, "rms_norm")
    _check_affine(weight, shape, "weight", "rms_norm")
    e = float(np.finfo(x.dtype).eps) if eps is None else float(eps)
    out = x * ((x * x).mean(axis=axes, keepdims=True) + e) ** -0.5
    if weight is not None:
        out = out * weight
    return out


def _swap_last(t: Tensor) -> Tensor:
    perm = list(range(t.ndim))
    perm[-1], perm[-2] = perm[-2], perm[-1]
    return t.transpose(perm)


def causal_mask(length: int, source_length: int) -> np.ndarray:
    """Boolean (L, S) mask, True where query i may attend to key j (j <= i), as torch's tril.

    >>> causal_mask(3, 3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    return np.tril(np.ones((length, source_length), dtype=bool))


def attention_weights(q: Tensor, k: Tensor, attn_mask: Any = None, is_causal: bool = False,
                      scale: float | None = None, op: str = "scaled_dot_product_attention"
                      ) -> Tensor:
    """softmax(q @ k^T * scale + mask) over the last axis: the weights each query gives each key.

    ``attn_mask`` follows scaled_dot_product_attention: boolean True = may attend,
    or a float mask added to the scores.

    >>> attention_weights(Tensor(np.ones((2, 1))), Tensor(np.ones((2, 1))), is_causal=True).data
    array([[1. , 0. ],
           [0.5, 0.5]])
    """
    if q.ndim < 2 or k.ndim < 2:
        raise ValueError(f"{op}: query and key need at least 2 dimensions (..., L, E), got "
                         f"shapes {q.shape} and {k.shape}")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"{op}: query of shape {q.shape} and key of shape {k.shape} differ "
                         f"in their last dimension: {q.shape[-1]} != {k.shape[-1]}")
    if attn_mask is not None and is_causal:
        raise ValueError(f"{op}: pass either attn_mask or is_causal=True, not both")
    s = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    scores = (q @ _swap_last(k)) * s
    length, source = q.shape[-2], k.shape[-2]
    if is_causal:
        scores = where(causal_mask(length, source), scores, -np.inf)
    elif attn_mask is not None:
        mask = attn_mask.data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        try:
            np.broadcast_shapes(mask.shape, scores.shape)
        except ValueError:
            raise ValueError(f"{op}: attn_mask of shape {mask.shape} does not broadcast to the "
                             f"attention scores' shape {scores.shape}") from None
        if mask.dtype == bool:
            scores = where(mask, scores, -np.inf)
        else:
            scores = scores + (attn_mask if isinstance(attn_mask, Tensor) else mask)
    return scores.softmax(axis=-1)


def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask: Any = None,
                                 is_causal: bool = False, scale: float | None = None) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value.

    Shapes: query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev).
    ``scale`` defaults to 1/sqrt(E). ``is_causal=True`` lets query i see keys 0..i
    only (a lower-triangular mask); ``attn_mask`` is a boolean mask (True = may
    attend) or a float mask added to the scores, broadcast to (..., L, S). A query
    that may attend to nothing gets NaN, as in PyTorch.

    >>> q = Tensor(np.ones((1, 2, 4))); v = Tensor([[[1.0], [3.0]]])
    >>> scaled_dot_product_attention(q, q, v, is_causal=True).data
    array([[[1.],
            [2.]]])
    """
    q, k, v = _tensor(query), _tensor(key), _tensor(value)
    if v.ndim < 2 or v.shape[-2] != k.shape[-2]:
        raise ValueError(f"scaled_dot_product_attention: key of shape {k.shape} and value of "
                         f"shape {v.shape} need the same sequence length (dimension -2)")
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
