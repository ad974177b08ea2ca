"""MultiheadAttention, as torch.nn.MultiheadAttention (PyTorch's parameter names and init).

>>> from autograd import manual_seed
>>> manual_seed(0)
>>> attn = MultiheadAttention(8, 2)
>>> [name for name, _ in attn.named_parameters()]
['in_proj_weight', 'in_proj_bias', 'out_proj.weight', 'out_proj.bias']
"""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.core.tensor import Tensor, linear
from nn import init
from nn._checks import as_tensor, positive_int
from nn.functional.attention import attention_weights
from nn.linear import Linear
from nn.module import Module, Parameter

__all__ = ["MultiheadAttention"]


class MultiheadAttention(Module):
    """Multi-head scaled dot-product attention with input and output projections.

    Parameters as PyTorch: ``in_proj_weight`` (3E, E) holding the query, key and
    value projections stacked (Xavier-uniform init), ``in_proj_bias`` (3E,) and
    ``out_proj`` (a Linear E -> E) whose bias starts at zero. ``batch_first=True``
    (our default) takes (N, L, E) inputs, ``False`` takes (L, N, E); a 2-D input is
    one unbatched sequence (L, E).

    ``forward(query, key, value, attn_mask=None, need_weights=True, is_causal=False)``
    returns ``(output, weights)``: the weights averaged over heads, (N, L, S), or
    None when ``need_weights=False``. ``attn_mask`` follows PyTorch's
    MultiheadAttention: boolean with True = *not* allowed to attend, or a float
    mask added to the scores; shape (L, S) or (N * num_heads, L, S). A query that may
    attend to nothing gets NaN in its row (output and weights), as torch's.
    ``is_causal=True`` without a mask applies the causal mask (position i sees
    0..i); with a mask, the mask is used (PyTorch treats is_causal as a hint).

    >>> import numpy as np
    >>> mha = MultiheadAttention(8, 2)
    >>> x = Tensor(np.ones((3, 5, 8)))
    >>> out, w = mha(x, x, x, is_causal=True)
    >>> out.shape, w.shape
    ((3, 5, 8), (3, 5, 5))
    """

    def __init__(
        self, embed_dim: int, num_heads: int, bias: bool = True, batch_first: bool = True
    ) -> None:
        super().__init__()
        self.embed_dim = positive_int(embed_dim, "MultiheadAttention: embed_dim")
        self.num_heads = positive_int(num_heads, "MultiheadAttention: num_heads")
        if self.embed_dim % self.num_heads:
            raise ValueError(
                f"MultiheadAttention: embed_dim {embed_dim} must be divisible by "
                f"num_heads {num_heads}"
            )
        self.head_dim = self.embed_dim // self.num_heads
        self.batch_first = bool(batch_first)
        e = self.embed_dim
        self.in_proj_weight = Parameter(np.empty((3 * e, e)))
        self.in_proj_bias: Parameter | None = Parameter(np.zeros(3 * e)) if bias else None
        self.out_proj = Linear(e, e, bias=bias)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Xavier-uniform in_proj_weight, zero biases; out_proj.weight keeps Linear's init."""
        init.xavier_uniform_(self.in_proj_weight)
        if self.in_proj_bias is not None:
            init.zeros_(self.in_proj_bias)
        if self.out_proj.bias is not None:
            init.zeros_(self.out_proj.bias)

    def _check(self, query: Tensor, key: Tensor, value: Tensor) -> None:
        e = self.embed_dim
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ValueError(
                f"MultiheadAttention: query, key and value must all be 3-D "
                f"(batched) or all 2-D (unbatched), got shapes {query.shape}, "
                f"{key.shape} and {value.shape}"
            )
        for name, t in (("query", query), ("key", key), ("value", value)):
            if t.shape[-1] != e:
                raise ValueError(
                    f"MultiheadAttention: {name} of shape {t.shape} does not end with embed_dim={e}"
                )
        if key.shape != value.shape:
            raise ValueError(
                f"MultiheadAttention: key of shape {key.shape} and value of shape "
                f"{value.shape} must have the same shape"
            )
        batch_axis = 0 if self.batch_first else 1
        if query.ndim == 3 and query.shape[batch_axis] != key.shape[batch_axis]:
            raise ValueError(
                f"MultiheadAttention: query of shape {query.shape} and key of shape "
                f"{key.shape} have different batch sizes"
            )

    def _mask(self, attn_mask: Any, n: int, length: int, source: int) -> Any:
        """PyTorch MHA's mask as scaled_dot_product_attention's (True = may attend)."""
        mask = attn_mask.data if isinstance(attn_mask, Tensor) else np.asarray(attn_mask)
        h = self.num_heads
        if mask.shape == (length, source):
            pass
        elif mask.ndim == 3 and mask.shape == (n * h, length, source):
            mask = mask.reshape(n, h, length, source)
        else:
            raise ValueError(
                f"MultiheadAttention: attn_mask of shape {mask.shape} must be "
                f"({length}, {source}) or ({n * h}, {length}, {source}) "
                f"(batch * num_heads, L, S)"
            )
        if mask.dtype == bool:
            return ~mask
        if mask.dtype.kind != "f":
            raise TypeError(
                f"MultiheadAttention: attn_mask must be boolean or float, got dtype {mask.dtype}"
            )
        if isinstance(attn_mask, Tensor):
            return attn_mask.reshape(mask.shape)
        return mask

    def forward(
        self,
        query: Tensor,
        key: Tensor,
        value: Tensor,
        attn_mask: Any = None,
        need_weights: bool = True,
        is_causal: bool = False,
    ) -> tuple[Tensor, Tensor | None]:
        who = "MultiheadAttention"
        query, key, value = (
            as_tensor(t, who, name)
            for t, name in ((query, "query"), (key, "key"), (value, "value"))
        )
        self._check(query, key, value)
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = (t.reshape((1,) + t.shape) for t in (query, key, value))
        elif not self.batch_first:
            query, key, value = (t.transpose(1, 0, 2) for t in (query, key, value))
        n, length, e = query.shape
        source = key.shape[1]
        h, d = self.num_heads, self.head_dim
        w, b = self.in_proj_weight, self.in_proj_bias
        # Projections on (N * T, E) matrices: one BLAS call each, not one per sequence.
        if query is key and key is value:  # self-attention: one product for q, k and v
            qkv = linear(query.reshape(n * length, e), w, b).reshape(n, length, 3 * e)
            q, k, v = qkv[..., :e], qkv[..., e : 2 * e], qkv[..., 2 * e :]
        else:
            q = linear(query.reshape(n * length, e), w[:e], None if b is None else b[:e])
            k = linear(
                key.reshape(n * source, e), w[e : 2 * e], None if b is None else b[e : 2 * e]
            )
            v = linear(value.reshape(n * source, e), w[2 * e :], None if b is None else b[2 * e :])

        def heads(t: Tensor, steps: int) -> Tensor:  # (N, T, E) or (N * T, E) -> (N, H, T, D)
            return t.reshape(n, steps, h, d).transpose(0, 2, 1, 3)

        if attn_mask is not None:
            mask = self._mask(attn_mask, n, length, source)
            weights = attention_weights(
                heads(q, length),
                heads(k, source),
                mask,
                op="MultiheadAttention",
                zero_fully_masked=False,
            )
        else:
            weights = attention_weights(
                heads(q, length),
                heads(k, source),
                is_causal=is_causal,
                op="MultiheadAttention",
                zero_fully_masked=False,
            )
        out = (weights @ heads(v, source)).transpose(0, 2, 1, 3).reshape(n * length, e)
        out = self.out_proj(out).reshape(n, length, e)
        avg = weights.mean(axis=1) if need_weights else None
        if unbatched:
            out = out.reshape(length, e)
            avg = None if avg is None else avg.reshape(length, source)
        elif not self.batch_first:
            out = out.transpose(1, 0, 2)
        return out, avg

    def extra_repr(self) -> str:
        return (
            f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, "
            f"batch_first={self.batch_first}"
        )
