"""``torch.*`` functions: creation, random draws, joins and math on the facade Tensor.

>>> _ = manual_seed(42); rand(2)
tensor([0.8823, 0.9150])
>>> cat([ones(2), zeros(1)])
tensor([1., 1., 0.])
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

import autograd as ag

from . import _dtypes as D
from . import _random as R
from ._tensor import (
    Tensor,
    _check_device,
    _engine_fns,
    _make,
    _shape_args,
    as_tensor,
    wrap,
)

_FLOAT = np.dtype(np.float32)
_engine_tanh: Any = ag.Tensor.tanh  # (on a float tensor, the facade's tanh is the engine's)


def _dt(dtype: Any, default: Any = _FLOAT) -> np.dtype:
    return np.dtype(default) if dtype is None else D.to_numpy(dtype)


def _new(arr: np.ndarray, requires_grad: bool, device: Any) -> Tensor:
    _check_device(device, "tensor")
    t = _make(arr)
    if requires_grad:
        t.requires_grad_(True)
    return t


def tensor(data: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A new tensor: int data int64, float data float32, bools bool (PyTorch's defaults).

    >>> tensor([1, 2]), tensor([1.5]).dtype
    (tensor([1, 2]), torch.float32)
    """
    t = as_tensor(data, dtype)
    return _new(t.data.copy() if isinstance(data, ag.Tensor) else t.data, requires_grad, device)


def from_numpy(a: np.ndarray) -> Tensor:
    """A tensor sharing ``a``'s memory and dtype."""
    return _make(a)


def is_tensor(x: Any) -> bool:
    return isinstance(x, ag.Tensor)


def numel(x: Tensor) -> int:
    return x.numel()


def zeros(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _new(np.zeros(_shape_args(size), _dt(dtype)), requires_grad, device)


def ones(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return _new(np.ones(_shape_args(size), _dt(dtype)), requires_grad, device)


def empty(*size: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    return zeros(*size, dtype=dtype, device=device, requires_grad=requires_grad)


def full(
    size: Any, fill_value: Any, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    kind = np.asarray(fill_value).dtype.kind
    default: Any = np.int64 if kind in "iu" else np.bool_ if kind == "b" else _FLOAT
    return _new(
        np.full(_shape_args((size,)), fill_value, _dt(dtype, default)), requires_grad, device
    )


def _like(x: Tensor, dtype: Any) -> np.dtype:
    return x.data.dtype if dtype is None else D.to_numpy(dtype)


def zeros_like(
    x: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _new(np.zeros(x.data.shape, _like(x, dtype)), requires_grad, device)


def ones_like(
    x: Tensor, dtype: Any = None, device: Any = None, requires_grad: bool = False
) -> Tensor:
    return _new(np.ones(x.data.shape, _like(x, dtype)), requires_grad, device)


def full_like(x: Tensor, fill_value: Any, dtype: Any = None) -> Tensor:
    return _make(np.full(x.data.shape, fill_value, _like(x, dtype)))


def empty_like(x: Tensor, dtype: Any = None) -> Tensor:
    return zeros_like(x, dtype)


def arange(
    start: Any,
    end: Any = None,
    step: Any = 1,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """``arange(5)`` is int64; any float argument makes it float32, as in PyTorch."""
    if end is None:
        start, end = 0, start
    floats = builtins.any(isinstance(v, float) for v in (start, end, step))
    return _new(
        np.arange(start, end, step, dtype=_dt(dtype, _FLOAT if floats else np.int64)),
        requires_grad,
        device,
    )


def linspace(
    start: float,
    end: float,
    steps: int,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    return _new(
        np.linspace(start, end, steps, dtype=np.float64).astype(_dt(dtype)), requires_grad, device
    )


def eye(n: int, m: int | None = None, dtype: Any = None, device: Any = None) -> Tensor:
    return _new(np.eye(n, m, dtype=_dt(dtype)), False, device)


def tril(x: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (the rest zero)."""
    mask = np.tril(np.ones(x.data.shape[-2:], dtype=bool), diagonal)
    if x.requires_grad:
        return _engine_fns.where(mask, x, np.zeros((), x.data.dtype))
    return _make(np.where(mask, x.data, np.zeros((), x.data.dtype)))


def triu(x: Tensor, diagonal: int = 0) -> Tensor:
    mask = np.triu(np.ones(x.data.shape[-2:], dtype=bool), diagonal)
    if x.requires_grad:
        return _engine_fns.where(mask, x, np.zeros((), x.data.dtype))
    return _make(np.where(mask, x.data, np.zeros((), x.data.dtype)))


# -- random: PyTorch's CPU stream --------------------------------------------------------
def manual_seed(seed: int) -> R.Generator:
    """Seed the default generator (PyTorch's ``torch.manual_seed``); returns it.

    The engine's generator, which draws dropout masks, is seeded too, so a seeded
    script with dropout prints the same numbers on every run (not PyTorch's masks).
    """
    ag.manual_seed(int(seed) & 0xFFFFFFFF)
    return R.default_generator.manual_seed(seed)


def seed() -> int:
    s = int.from_bytes(os.urandom(8), "little") >> 1
    R.default_generator.manual_seed(s)
    return s


def initial_seed() -> int:
    return R.default_generator.initial_seed()


def rand(
    *size: Any,
    generator: R.Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """U(0, 1) draws, bit for bit PyTorch's CPU numbers for the same seed."""
    shape = _shape_args(size)
    g = R.generator_or_default(generator)
    n = int(np.prod(shape))
    return _new(R.uniform_floats(g, n, _dt(dtype).name).reshape(shape), requires_grad, device)


def randn(
    *size: Any,
    generator: R.Generator | None = None,
    dtype: Any = None,
    device: Any = None,
    requires_grad: bool = False,
) -> Tensor:
    """N(0, 1) draws in PyTorch's CPU order (float32 within one ulp, float64 1e-15)."""
    shape = _shape_args(size)
    g = R.generator_or_default(generator)
    n = int(np.prod(shape))
    return _new(R.normal_floats(g, n, _dt(dtype).name).reshape(shape), requires_grad, device)


def randint(
    low: int,
    high: Any = None,
    size: Any = None,
    generator: R.Generator | None = None,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """Integers in [low, high), int64, PyTorch's draws bit for bit."""
    if size is None:
        low, high, size = 0, low, high
    elif high is None:
        raise TypeError("randint: expected (high, size) or (low, high, size)")
    shape = _shape_args((size,))
    g = R.generator_or_default(generator)
    n = int(np.prod(shape))
    return _new(
        R.integers(g, n, int(low), int(high)).reshape(shape).astype(_dt(dtype, np.int64)),
        False,
        device,
    )


def _drawn_like(draw: Callable[..., Tensor], name: str) -> Callable[..., Tensor]:
    """``rand_like``/``randn_like``: ``draw`` at ``x``'s shape and dtype, the same draws
    as ``draw(x.shape)``.

    >>> _ = manual_seed(42); rand_like(zeros(2))
    tensor([0.8823, 0.9150])
    """

    def like(
        x: Tensor,
        generator: R.Generator | None = None,
        dtype: Any = None,
        device: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        shape, dt = x.data.shape, _like(x, dtype)
        return draw(
            shape, generator=generator, dtype=dt, device=device, requires_grad=requires_grad
        )

    like.__name__ = like.__qualname__ = name
    like.__doc__ = f"``{draw.__name__}`` at ``x``'s shape and dtype (``{draw.__name__}(x.shape)``)."
    return like


rand_like = _drawn_like(rand, "rand_like")
randn_like = _drawn_like(randn, "randn_like")


def randint_like(
    x: Tensor,
    low: int,
    high: Any = None,
    generator: R.Generator | None = None,
    dtype: Any = None,
    device: Any = None,
) -> Tensor:
    """``randint`` at ``x``'s shape, of ``x``'s dtype (a float tensor gives whole floats):
    ``randint_like(x, high)`` or ``randint_like(x, low, high)``.

    >>> _ = manual_seed(0); randint_like(zeros(3, dtype=D.int64), 10)
    tensor([4, 9, 3])
    """
    if high is None:
        low, high = 0, low
    return randint(
        low, high, x.data.shape, generator=generator, dtype=_like(x, dtype), device=device
    )


def randperm(
    n: int, generator: R.Generator | None = None, dtype: Any = None, device: Any = None
) -> Tensor:
    """A random permutation of 0..n-1, PyTorch's CPU shuffle."""
    g = R.generator_or_default(generator)
    return _new(R.permutation(g, int(n)).astype(_dt(dtype, np.int64)), False, device)


def multinomial(
    input: Tensor,
    num_samples: int,
    replacement: bool = False,  # noqa: A002
    generator: R.Generator | None = None,
) -> Tensor:
    """Indices drawn from each row of (unnormalised) probabilities, as PyTorch draws them."""
    p = input.data
    if p.ndim not in (1, 2):
        raise RuntimeError(f"multinomial: prob_dist must be 1 or 2 dim, got {p.ndim}")
    if p.dtype.kind != "f":
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: {D.of_numpy(p.dtype)}"
        )
    rows = p.reshape(1, -1) if p.ndim == 1 else p
    if np.any(rows < 0) or not np.all(np.isfinite(rows)):
        raise RuntimeError(
            "invalid multinomial distribution (encountering probability entry < 0, infinity or NaN)"
        )
    if np.any(rows.sum(axis=1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    if not replacement and num_samples > rows.shape[1]:
        raise RuntimeError(
            "multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    g = R.generator_or_default(generator)
    out = R.multinomial_rows(g, rows, int(num_samples), bool(replacement))
    return _make(out.reshape(-1) if p.ndim == 1 else out)


def normal(
    mean: float, std: float, size: Any, generator: R.Generator | None = None, dtype: Any = None
) -> Tensor:
    return randn(*_shape_args((size,)), generator=generator, dtype=dtype) * std + mean


# -- joins ------------------------------------------------------------------------------
def _joined(tensors: Sequence[Tensor]) -> tuple[list[Tensor], bool]:
    """The tensors of a join at PyTorch's common dtype (ints with a float32 give float32,
    where numpy would give float64), and whether that dtype is a float."""
    ts = list(tensors)
    dts = {t.data.dtype for t in ts}
    floats = [d for d in dts if d.kind == "f"]
    if len(dts) > 1:
        common = builtins.max(floats, key=lambda d: d.itemsize) if floats else np.result_type(*dts)
        ts = [t if t.data.dtype == common else t.to(common) for t in ts]
    return ts, bool(floats)


def cat(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    """Join along ``dim`` (autograd's ``concatenate``).

    >>> cat([tensor([1]), tensor([2.5])])
    tensor([1.0000, 2.5000])
    """
    ts, floats = _joined(tensors)
    if not floats:
        return _make(np.concatenate([t.data for t in ts], axis=dim))
    return _engine_fns.concatenate(ts, axis=dim)


concat = cat


def stack(tensors: Sequence[Tensor], dim: int = 0) -> Tensor:
    ts, floats = _joined(tensors)
    if not floats:
        return _make(np.stack([t.data for t in ts], axis=dim))
    return _engine_fns.stack(ts, axis=dim)


def where(condition: Any, input: Any, other: Any) -> Tensor:  # noqa: A002
    c = np.asarray(condition.data if isinstance(condition, ag.Tensor) else condition, bool)
    return _engine_fns.where(c, input, other)


def roll(x: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """Shift elements along ``dims`` (flattened when None), wrapping around."""
    if dims is None:
        return roll(x.flatten(), shifts, 0).view(*x.shape)
    if isinstance(shifts, int):
        shifts, dims = (shifts,), (dims,) if isinstance(dims, int) else dims
    out = x
    for s, d in zip(shifts, dims, strict=True):
        n = out.data.shape[d]
        s %= n
        if s:
            ix_a = [slice(None)] * out.data.ndim
            ix_b = [slice(None)] * out.data.ndim
            ix_a[d], ix_b[d] = slice(n - s, n), slice(0, n - s)
            out = cat([out[tuple(ix_a)], out[tuple(ix_b)]], dim=d)
    return out


def histogram(
    x: Tensor,
    bins: int = 100,
    range: Any = None,  # noqa: A002
    weight: Any = None,
    density: bool = False,
) -> Any:
    """``(hist, bin_edges)`` as float tensors (numpy's histogram, PyTorch's return)."""
    h, e = np.histogram(
        x.data,
        bins=bins,
        range=range,
        weights=None if weight is None else np.asarray(weight),
        density=density,
    )
    return _Histogram(_make(h.astype(x.data.dtype)), _make(e.astype(x.data.dtype)))


class _Histogram(NamedTuple):
    hist: Tensor
    bin_edges: Tensor

    def __repr__(self) -> str:
        return f"torch.return_types.histogram(\nhist={self.hist!r},\nbin_edges={self.bin_edges!r})"


def allclose(
    a: Tensor, b: Any, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False
) -> bool:
    return as_tensor(a).allclose(b, rtol, atol, equal_nan)


def equal(a: Tensor, b: Tensor) -> bool:
    return a.data.shape == b.data.shape and bool(np.all(a.data == b.data))


def _t(x: Any) -> Tensor:
    return x if isinstance(x, Tensor) else as_tensor(x) if not isinstance(x, ag.Tensor) else wrap(x)


# -- elementwise and reductions as functions -------------------------------------------
def exp(x: Any) -> Tensor:
    return _t(x).exp()


def log(x: Any) -> Tensor:
    return _t(x).log()


def log10(x: Any) -> Tensor:
    return _t(x).log10()


def log2(x: Any) -> Tensor:
    return _t(x).log2()


def sqrt(x: Any) -> Tensor:
    return _t(x).sqrt()


def tanh(x: Any) -> Tensor:
    if type(x) is Tensor and (x.requires_grad or x.data.dtype.kind == "f"):  # hot: the course
        return _engine_tanh(x)
    return _t(x).tanh()


def sigmoid(x: Any) -> Tensor:
    return _t(x).sigmoid()


def relu(x: Any) -> Tensor:
    return _t(x).relu()


def abs(x: Any) -> Tensor:  # noqa: A001
    return _t(x).abs()


def sin(x: Any) -> Tensor:
    return _t(x).sin()


def cos(x: Any) -> Tensor:
    return _t(x).cos()


def pow(x: Any, exponent: Any) -> Tensor:  # noqa: A001
    return _t(x) ** exponent


def clamp(x: Any, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    return _t(x).clamp(min, max)


def softmax(x: Tensor, dim: int) -> Tensor:
    return _t(x).softmax(dim)


def log_softmax(x: Tensor, dim: int) -> Tensor:
    return _t(x).log_softmax(dim)


def sum(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    return _t(x).sum(dim, keepdim)


def mean(x: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    return _t(x).mean(dim, keepdim)


def std(
    x: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    correction: float | None = None,
) -> Tensor:
    return _t(x).std(dim, unbiased, keepdim, correction)


def var(
    x: Tensor,
    dim: Any = None,
    unbiased: bool | None = None,
    keepdim: bool = False,
    correction: float | None = None,
) -> Tensor:
    return _t(x).var(dim, unbiased, keepdim, correction)


def max(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _t(x).max(dim, keepdim)


def min(x: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    return _t(x).min(dim, keepdim)


def argmax(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _t(x).argmax(dim, keepdim)


def argmin(x: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    return _t(x).argmin(dim, keepdim)


def maximum(a: Tensor, b: Tensor) -> Tensor:
    return _engine_fns.maximum(a, b)


def minimum(a: Tensor, b: Tensor) -> Tensor:
    return _engine_fns.minimum(a, b)


def matmul(a: Tensor, b: Tensor) -> Tensor:
    return _t(a) @ b


def all(x: Tensor) -> Tensor:  # noqa: A001
    return _t(x).all()


def any(x: Tensor) -> Tensor:  # noqa: A001
    return _t(x).any()


def flatten(x: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    return x.flatten(start_dim, end_dim)


def reshape(x: Tensor, shape: Any) -> Tensor:
    return x.reshape(*shape)


def transpose(x: Tensor, dim0: int, dim1: int) -> Tensor:
    return x.transpose(dim0, dim1)


def permute(x: Tensor, dims: Any) -> Tensor:
    return x.permute(*dims)


def squeeze(x: Tensor, dim: int | None = None) -> Tensor:
    return x.squeeze(dim)


def unsqueeze(x: Tensor, dim: int) -> Tensor:
    return x.unsqueeze(dim)


def split(x: Tensor, split_size: Any, dim: int = 0) -> tuple[Tensor, ...]:
    return x.split(split_size, dim)


def isfinite(x: Tensor) -> Tensor:
    return _make(np.isfinite(x.data))


def isnan(x: Tensor) -> Tensor:
    return _make(np.isnan(x.data))


def round(x: Tensor, decimals: int = 0) -> Tensor:  # noqa: A001
    return _make(np.round(x.data, decimals))


def get_default_dtype() -> D.dtype:
    return D.float32


def set_default_dtype(d: Any) -> None:
    if D.to_numpy(d) != _FLOAT:
        raise NotImplementedError(
            "set_default_dtype: only torch.float32 (PyTorch's default) is supported here"
        )


def set_num_threads(n: int) -> None:
    """Accepted for PyTorch scripts; numpy's threads are left as they are."""


def get_num_threads() -> int:
    return 1


# The functions above that PyTorch's Tensor has as methods too (``x.tril()`` is
# ``torch.tril(x)``): the same function, the tensor first.
for _name in (
    "tril",
    "triu",
    "multinomial",
    "roll",
    "histogram",
    "equal",
    "maximum",
    "minimum",
    "matmul",
    "isfinite",
    "isnan",
    "round",
):
    setattr(Tensor, _name, globals()[_name])
