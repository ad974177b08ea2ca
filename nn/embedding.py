"""Embedding: a lookup table of vectors, as torch.nn.Embedding.

>>> emb = Embedding(10, 3)
>>> emb([[1, 2]]).shape
(1, 2, 3)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.core.tensor import Tensor
from nn import init
from nn._checks import positive_int
from nn.functional.embedding import embedding
from nn.module import Module, Parameter

__all__ = ["Embedding"]


class Embedding(Module):
    """A lookup table: integer indices of any shape -> rows of ``weight`` (num_embeddings, dim).

    ``weight`` starts as N(0, 1), PyTorch's default; the row ``padding_idx``
    starts at zero and receives no gradient. Indices out of range raise an error that
    is both an IndexError (as in PyTorch) and a ValueError, naming both shapes.

    >>> emb = Embedding(10, 3, padding_idx=0)
    >>> emb([[1, 2], [0, 9]]).shape
    (2, 2, 3)
    >>> emb
    Embedding(10, 3, padding_idx=0)
    """

    def __init__(
        self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None
    ) -> None:
        super().__init__()
        self.num_embeddings = positive_int(num_embeddings, "Embedding: num_embeddings")
        self.embedding_dim = positive_int(embedding_dim, "Embedding: embedding_dim")
        if padding_idx is not None:
            if (
                isinstance(padding_idx, bool)
                or not isinstance(padding_idx, (int, np.integer))
                or not -self.num_embeddings <= padding_idx < self.num_embeddings
            ):
                raise ValueError(
                    f"Embedding: padding_idx must be an int in "
                    f"[-{self.num_embeddings}, {self.num_embeddings}), "
                    f"got {padding_idx!r}"
                )
            padding_idx = int(padding_idx) % self.num_embeddings
        self.padding_idx = padding_idx
        self.weight = Parameter(np.empty((self.num_embeddings, self.embedding_dim)))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw N(0, 1) weights; zero the padding row."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0.0

    def forward(self, input: Any) -> Tensor:
        return embedding(input, self.weight, self.padding_idx)

    def extra_repr(self) -> str:
        pad = f", padding_idx={self.padding_idx}" if self.padding_idx is not None else ""
        return f"{self.num_embeddings}, {self.embedding_dim}{pad}"
