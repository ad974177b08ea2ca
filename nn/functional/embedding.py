"""Embedding as a function: rows of a table picked by integer indices, as torch's.

It is integer-array indexing, a Tensor op, so it needs no gradient rule of its own.

>>> import numpy as np
>>> from autograd import Tensor
>>> table = Tensor(np.arange(6.0).reshape(3, 2), requires_grad=True)
>>> embedding([[2, 0, 2]], table).data
array([[[4., 5.],
        [0., 1.],
        [4., 5.]]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.core.tensor import Tensor, where
from nn._checks import as_tensor

__all__ = ["embedding", "indices", "EmbeddingIndexError", "EmbeddingTypeError"]


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


def indices(input: Any, num_embeddings: int, op: str, weight_shape: tuple[int, ...]) -> np.ndarray:
    """``input`` as an integer array of valid row numbers; bad input raises, naming both shapes.

    >>> indices([[0, 2]], 3, "embedding", (3, 4))
    array([[0, 2]])
    """
    raw = input.data if isinstance(input, Tensor) else input
    arr = np.asarray(raw)
    if arr.dtype == bool:
        what = "Tensor" if isinstance(input, Tensor) else "array"
        raise EmbeddingTypeError(
            f"{op}: input is a bool {what} (shape {arr.shape}); indices "
            f"must be integers (a mask does not pick rows): pass row "
            f"numbers, e.g. np.flatnonzero(mask) (weight shape "
            f"{weight_shape})"
        )
    if arr.dtype.kind not in "iuf":
        raise EmbeddingTypeError(
            f"{op}: indices must be integers, got dtype {arr.dtype} "
            f"(input shape {arr.shape}, weight shape {weight_shape})"
        )
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise EmbeddingTypeError(
                f"{op}: indices must be integers, got non-integer values "
                f"(input shape {arr.shape}, weight shape {weight_shape})"
            )
        arr = arr.astype(np.int64)
    if arr.size and (arr.min() < 0 or arr.max() >= num_embeddings):
        bad = int(arr.min()) if arr.min() < 0 else int(arr.max())
        raise EmbeddingIndexError(
            f"{op}: index {bad} is out of range for a table of {num_embeddings} rows: expected "
            f"0 <= index < {num_embeddings} (input shape {arr.shape}, weight shape "
            f"{weight_shape})"
        )
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
    w = as_tensor(weight, "embedding", "weight")
    if w.ndim != 2:
        raise ValueError(
            f"embedding: weight must be 2-D (num_embeddings, embedding_dim), got shape {w.shape}"
        )
    n = w.shape[0]
    idx = indices(input, n, "embedding", w.shape)
    out = w[idx]
    if padding_idx is not None:
        pad = padding_idx + n if padding_idx < 0 else padding_idx
        if not 0 <= pad < n:
            raise ValueError(
                f"embedding: padding_idx {padding_idx} is out of range for weight shape {w.shape}"
            )
        keep = (idx != pad)[..., None]
        if not keep.all():
            out = where(keep, out, out.detach())
    return out
