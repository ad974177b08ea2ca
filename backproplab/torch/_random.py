"""PyTorch's CPU random numbers, drawn from the same MT19937 stream.

PyTorch's CPU generator is a 32-bit Mersenne Twister seeded like the original
reference code; numpy's ``MT19937`` with its legacy seeding yields the same words.
Each function here turns words into numbers the way PyTorch's CPU kernels do
(their transforms are documented in ATen's ``TransformationHelper.h``).

>>> g = Generator().manual_seed(42)
>>> [round(float(x), 4) for x in uniform_floats(g, 3, "float32")]
[0.8823, 0.915, 0.3829]
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

_MASK24 = np.uint64((1 << 24) - 1)
_MASK53 = np.uint64((1 << 53) - 1)
_DEFAULT_SEED = 67280421310721  # PyTorch's default CPU seed


class Generator:
    """A PyTorch-compatible CPU generator: ``torch.Generator().manual_seed(s)``.

    >>> g = Generator().manual_seed(2147483647)
    >>> g.initial_seed()
    2147483647
    """

    def __init__(self, device: Any = "cpu") -> None:
        if str(device) != "cpu":
            raise RuntimeError(f"Generator: only device 'cpu' is supported here, got {device!r}")
        self.device = "cpu"
        self.manual_seed(_DEFAULT_SEED)

    def manual_seed(self, seed: int) -> Generator:
        """Reset the stream to PyTorch's state after ``manual_seed(seed)``; returns self."""
        seed = int(seed)
        self._seed = seed
        self._bits = np.random.MT19937(0)
        # PyTorch seeds its MT19937 with the low 32 bits, as the reference code does.
        self._bits._legacy_seeding(seed & 0xFFFFFFFF)
        self._next_double_normal: float | None = None
        return self

    seed = manual_seed

    def initial_seed(self) -> int:
        """The seed last given to ``manual_seed``."""
        return self._seed

    def get_state(self) -> dict[str, Any]:
        """The generator's state (a numpy MT19937 state; not PyTorch's byte tensor)."""
        return {"bits": self._bits.state, "normal": self._next_double_normal, "seed": self._seed}

    def set_state(self, state: dict[str, Any]) -> Generator:
        """Restore a state from ``get_state``."""
        self._bits.state = state["bits"]
        self._next_double_normal = state["normal"]
        self._seed = state["seed"]
        return self

    def words(self, n: int) -> np.ndarray:
        """The next ``n`` 32-bit words of the stream, as uint64."""
        return self._bits.random_raw(n).astype(np.uint64)

    def words64(self, n: int) -> np.ndarray:
        """The next ``n`` 64-bit draws: two words each, the first one high (PyTorch's order)."""
        w = self.words(2 * n)
        return (w[0::2] << np.uint64(32)) | w[1::2]

    def __repr__(self) -> str:
        return f"<torch._C.Generator object at {id(self):#x}>"


# As in PyTorch, the default generator starts from a seed nobody chose: call manual_seed.
default_generator = Generator().manual_seed(int.from_bytes(os.urandom(8), "little") >> 1)


def generator_or_default(generator: Generator | None) -> Generator:
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(
            f"generator must be a backproplab.torch.Generator, got {type(generator).__name__}"
        )
    return generator


def _u53(g: Generator, n: int) -> np.ndarray:
    return (g.words64(n) & _MASK53).astype(np.float64) * 2.0**-53


def uniform_floats(
    g: Generator, n: int, dtype: str, low: float = 0.0, high: float = 1.0
) -> np.ndarray:
    """``n`` draws of U(low, high) as PyTorch's ``uniform_`` makes them (float32: 24 bits
    of one word, scaled in double between float32 bounds; float64: 53 bits of a 64-bit
    draw; float16: the float32 draw rounded, where it rounds up to ``high`` ``low``)."""
    dt = _float_dtype(dtype)
    if dt == np.float64:
        return _u53(g, n) * (high - low) + low
    x = (g.words(n) & _MASK24).astype(np.float64) * 2.0**-24
    if low == 0.0 and high == 1.0:
        x32 = x.astype(np.float32)
    else:  # the bounds are float32; the arithmetic is in double (PyTorch's accumulate type)
        lo, hi = float(np.float32(low)), float(np.float32(high))
        x32 = (x * (hi - lo) + lo).astype(np.float32)
    if dt == np.float32:
        return x32
    x16 = x32.astype(np.float16)
    x16[x16 == np.float16(high)] = np.float16(low)  # [low, high), as PyTorch keeps it
    return x16


def _float_dtype(dtype: str) -> np.dtype:
    """The dtype of a float draw; PyTorch's error for any other (an int or bool tensor)."""
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise RuntimeError(
            f"random floats (rand, randn, uniform_, normal_) need a floating point dtype "
            f"(float32, float64 or float16), got {dt.name}"
        )
    return dt


def _normal_scalar(g: Generator, n: int, mean: float, std: float) -> np.ndarray:
    """PyTorch's serial path (fewer than 16 values): Box-Muller in double, one value per
    pair of uniforms, the sine kept for the next call."""
    out = np.empty(n, dtype=np.float64)
    for i in range(n):
        if g._next_double_normal is not None:
            out[i] = g._next_double_normal * std + mean
            g._next_double_normal = None
            continue
        u1, u2 = _u53(g, 2)
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        g._next_double_normal = r * math.sin(theta)
        out[i] = r * math.cos(theta) * std + mean
    return out


def _fill16(u: np.ndarray, mean: Any, std: Any) -> np.ndarray:
    """Box-Muller over chunks of 16 uniforms: ``1 - u[i]`` and ``u[i + 8]`` make a pair."""
    dt = u.dtype.type
    c = u.reshape(-1, 16)
    u1 = dt(1) - c[:, :8]
    u2 = c[:, 8:]
    radius = np.sqrt(dt(-2) * np.log(u1))
    theta = dt(2.0 * math.pi) * u2
    out = np.empty_like(c)
    out[:, :8] = radius * np.cos(theta) * std + mean
    out[:, 8:] = radius * np.sin(theta) * std + mean
    return out.reshape(-1)


_F32, _F64 = np.float32, np.float64


def _fma(a: Any, b: Any, c: Any) -> np.ndarray:
    """float32 fused multiply-add: the product is exact in float64, one rounding after."""
    return (np.asarray(a, _F64) * np.asarray(b, _F64) + np.asarray(c, _F64)).astype(_F32)


def _log_f32(x: np.ndarray) -> np.ndarray:
    """The natural log as PyTorch's vectorised CPU kernel computes it in float32 (the
    Cephes polynomial of the SIMD math library it uses, with fused multiply-adds)."""
    bits = x.view(np.int32)
    e = ((bits >> 23) - 0x7F).astype(_F32) + _F32(1)
    m = ((bits & ~0x7F800000) | 0x3F000000).view(_F32)  # the mantissa in [0.5, 1)
    small = m < _F32(0.707106781186547524)
    e = e - small.astype(_F32)
    m = m - _F32(1) + np.where(small, m, _F32(0))
    z = m * m
    y = np.full_like(m, _F32(7.0376836292e-2))
    for c in (
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    ):
        y = _fma(y, m, _F32(c))
    y = _fma(y * m, z, e * _F32(-2.12194440e-4))
    y = _fma(z, _F32(-0.5), y)
    return _fma(e, _F32(0.693359375), m + y)


def _sincos_f32(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sin and cos of x >= 0 as that same library computes them in float32."""
    j = ((x * _F32(1.27323954473516)).astype(np.int32) + 1) & ~1  # octant, rounded even
    y = j.astype(_F32)
    for dp in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = _fma(y, _F32(dp), x)  # x - j * pi/4 in three parts
    z = x * x
    yc = np.full_like(z, _F32(2.443315711809948e-5))
    yc = _fma(yc, z, _F32(-1.388731625493765e-3))
    yc = _fma(yc, z, _F32(4.166664568298827e-2))
    yc = _fma(yc * z, z, -(z * _F32(0.5))) + _F32(1)
    ys = np.full_like(z, _F32(-1.9515295891e-4))
    ys = _fma(ys, z, _F32(8.3321608736e-3))
    ys = _fma(ys, z, _F32(-1.6666654611e-1))
    ys = _fma(ys * z, x, x)
    poly = (j & 2) == 0
    sin = np.where(poly, ys, yc)
    cos = np.where(poly, yc, ys)
    sin = np.where((j & 4) != 0, -sin, sin)
    cos = np.where(((~(j - 2)) & 4) != 0, -cos, cos)
    return sin, cos


def _fill16_f32(u: np.ndarray, mean: Any, std: Any) -> np.ndarray:
    """PyTorch's vectorised float32 Box-Muller over chunks of 16 uniforms."""
    c = u.reshape(-1, 16)
    radius = np.sqrt(_F32(-2) * _log_f32(_F32(1) - c[:, :8]))
    sin, cos = _sincos_f32(_F32(2.0 * math.pi) * c[:, 8:])
    out = np.empty_like(c)
    out[:, :8] = _fma(radius * cos, std, mean)
    out[:, 8:] = _fma(radius * sin, std, mean)
    return out.reshape(-1)


def normal_floats(
    g: Generator, n: int, dtype: str, mean: float = 0.0, std: float = 1.0
) -> np.ndarray:
    """``n`` draws of N(mean, std) in PyTorch's CPU order for ``randn`` / ``normal_``."""
    dt = _float_dtype(dtype)
    if n < 16:
        # (float16 from the double through float32, as PyTorch's cast goes)
        d = _normal_scalar(g, n, mean, std)
        return (d.astype(np.float32) if dt == np.float16 else d).astype(dt)
    # float16: PyTorch's float32 draws, rounded; its first pass takes whole chunks only
    work = np.dtype(np.float32) if dt == np.float16 else dt
    whole = n - n % 16
    u = uniform_floats(g, whole if dt == np.float16 else n, work.name)
    m, s = work.type(mean), work.type(std)
    out = np.empty(n, dtype=work)
    fill = _fill16_f32 if work == np.float32 else _fill16
    out[:whole] = fill(u[:whole], m, s)
    if n % 16:
        # PyTorch draws 16 fresh uniforms and recomputes the last 16 values.
        out[n - 16 :] = fill(uniform_floats(g, 16, work.name), m, s)
    return out if work == dt else out.astype(dt)


def integers(g: Generator, n: int, low: int, high: int) -> np.ndarray:
    """``n`` draws of ``randint(low, high)``: one word modulo the range (two words when the
    range needs more than 32 bits)."""
    span = high - low
    if span <= 0:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    w = g.words(n) if span < 2**32 else g.words64(n)
    return (w % np.uint64(span)).astype(np.int64) + low


def permutation(g: Generator, n: int) -> np.ndarray:
    """``randperm(n)``: PyTorch's CPU Fisher-Yates, swapping position i with i + word % (n - i)."""
    r = np.arange(n, dtype=np.int64)
    if n < 2:
        return r
    words = g.words(n - 1) if n < 2**32 else g.words64(n - 1)
    for i in range(n - 1):
        z = i + int(words[i] % np.uint64(n - i))
        r[i], r[z] = r[z], r[i]
    return r


def exponential_floats(g: Generator, n: int, dtype: str, lambd: float = 1.0) -> np.ndarray:
    """``exponential_``: -log(1 - u) / lambda with u of 53 bits, in double, then cast."""
    # glibc's log1p, element by element: numpy's vector log1p differs in the last bit
    e = np.fromiter((-math.log1p(-x) for x in _u53(g, n).tolist()), dtype=np.float64, count=n)
    return (e / lambd).astype(np.dtype(dtype))


def multinomial_rows(
    g: Generator, probs: np.ndarray, num_samples: int, replacement: bool
) -> np.ndarray:
    """Samples of each row of ``probs`` (2-D), as PyTorch's CPU ``multinomial`` draws them.

    One sample, or sampling without replacement, takes the exponential race
    (argmax / top-k of p / q with q ~ Exp(1)); several with replacement invert the
    normalised cumulative sum, one 53-bit uniform per sample.
    """
    rows, k = probs.shape
    if not replacement or num_samples == 1:
        q = exponential_floats(g, rows * k, probs.dtype.name).reshape(rows, k)
        with np.errstate(divide="ignore", invalid="ignore"):
            score = (probs / q).astype(probs.dtype)
        if num_samples == 1:
            return np.argmax(score, axis=1).reshape(rows, 1).astype(np.int64)
        # top-k: largest first; ties by the lower index
        order = np.argsort(-score, axis=1, kind="stable")
        return order[:, :num_samples].astype(np.int64)
    out = np.empty((rows, num_samples), dtype=np.int64)
    for i in range(rows):
        cum = np.cumsum(probs[i], dtype=probs.dtype)
        cum = (cum / cum[-1]).astype(probs.dtype)
        cum[-1] = 1
        u = _u53(g, num_samples)
        out[i] = np.searchsorted(cum.astype(np.float64), u, side="left")
    return out
