"""Attention as a function: scaled_dot_product_attention, as torch.nn.functional.

Composed of Tensor ops (matmul, softmax, where), so it needs no gradient rule of its own.

>>> import numpy as np
>>> from autograd import Tensor
>>> q = Tensor(np.ones((1, 2, 4))); v = Tensor([[[1.0], [3.0]]])
>>> scaled_dot_product_attention(q, q, v, is_causal=True).data
array([[[1.],
        [2.]]])
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd.core import generic as G
from autograd.core.tensor import Tensor, where
from nn._checks import as_tensor

__all__ = ["scaled_dot_product_attention", "attention_weights", "causal_mask"]


def causal_mask(length: int, source_length: int) -> np.ndarray:
    """Boolean (L, S) mask, True where query i may attend to key j (j <= i), as torch's tril.

    >>> causal_mask(3, 3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    return np.tril(np.ones((length, source_length), dtype=bool))


def attention_weights(
    q: Tensor,
    k: Tensor,
    attn_mask: Any = None,
    is_causal: bool = False,
    scale: float | None = None,
    op: str = "scaled_dot_product_attention",
    zero_fully_masked: bool = True,
) -> Tensor:
    """softmax(q @ k^T * scale + mask) over the last axis: the weights each query gives each key.

    ``attn_mask`` follows scaled_dot_product_attention: boolean True = may attend,
    or a float mask added to the scores. A query whose every key is masked (False, or
    -inf) gets weights 0 and no gradient when ``zero_fully_masked`` (torch 2.13's SDPA),
    else NaN (torch's MultiheadAttention).

    >>> attention_weights(Tensor(np.ones((2, 1))), Tensor(np.ones((2, 1))), is_causal=True).data
    array([[1. , 0. ],
           [0.5, 0.5]])
    """
    if q.ndim < 2 or k.ndim < 2:
        raise ValueError(
            f"{op}: query and key need at least 2 dimensions (..., L, E), got "
            f"shapes {q.shape} and {k.shape}"
        )
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(
            f"{op}: query of shape {q.shape} and key of shape {k.shape} differ "
            f"in their last dimension: {q.shape[-1]} != {k.shape[-1]}"
        )
    if attn_mask is not None and is_causal:
        raise ValueError(f"{op}: pass either attn_mask or is_causal=True, not both")
    s = 1.0 / math.sqrt(q.shape[-1]) if scale is None else float(scale)
    scores = (q @ G.swap_last(k)) * s
    length, source = q.shape[-2], k.shape[-2]
    if is_causal:
        scores = where(causal_mask(length, source), scores, -np.inf)
    elif attn_mask is not None:
        mask = attn_mask.data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        try:
            np.broadcast_shapes(mask.shape, scores.shape)
        except ValueError:
            raise ValueError(
                f"{op}: attn_mask of shape {mask.shape} does not broadcast to the "
                f"attention scores' shape {scores.shape}"
            ) from None
        full = np.broadcast_to(mask, scores.shape)
        if mask.dtype == bool:
            scores = where(mask, scores, -np.inf)
            dead = ~full.any(axis=-1, keepdims=True)
        else:
            scores = scores + (attn_mask if isinstance(attn_mask, Tensor) else mask)
            dead = np.isneginf(full).all(axis=-1, keepdims=True)
        if zero_fully_masked and dead.any():
            # Constant scores in those rows (no NaN to reach any gradient), then weights 0.
            keep = (~dead).astype(scores.dtype)
            return where(dead, 0.0, scores).softmax(axis=-1) * keep
    return scores.softmax(axis=-1)


def scaled_dot_product_attention(
    query: Tensor,
    key: Tensor,
    value: Tensor,
    attn_mask: Any = None,
    is_causal: bool = False,
    scale: float | None = None,
) -> Tensor:
    """softmax(query @ key^T * scale + mask) @ value.

    Shapes: query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev).
    ``scale`` defaults to 1/sqrt(E). ``is_causal=True`` lets query i see keys 0..i
    only (a lower-triangular mask); ``attn_mask`` is a boolean mask (True = may
    attend) or a float mask added to the scores, broadcast to (..., L, S); a bool
    Tensor or ndarray is read as bool (True takes part), as torch's SDPA. A query that
    may attend to nothing gets 0 and finite gradients, as torch 2.13's SDPA.

    >>> q = Tensor(np.ones((1, 2, 4))); v = Tensor([[[1.0], [3.0]]])
    >>> scaled_dot_product_attention(q, q, v, is_causal=True).data
    array([[[1.],
            [2.]]])
    """
    who = "scaled_dot_product_attention"
    q, k, v = (
        as_tensor(t, who, name) for t, name in ((query, "query"), (key, "key"), (value, "value"))
    )
    if v.ndim < 2 or v.shape[-2] != k.shape[-2]:
        raise ValueError(
            f"scaled_dot_product_attention: key of shape {k.shape} and value of "
            f"shape {v.shape} need the same sequence length (dimension -2)"
        )
    return attention_weights(q, k, attn_mask, is_causal, scale) @ v
