"""PyTorch's text for tensors: ``tensor([[0.1234, ...]], dtype=torch.int32, grad_fn=<...>)``.

Written after PyTorch's documented print options (precision 4, threshold 1000,
edge items 3, line width 80): fixed or scientific notation chosen from the
magnitudes shown, integral floats printed as ``1.``, large tensors summarised.

>>> import numpy as np
>>> body(np.array([[1.0, 2.5], [3.0, 4.0]], dtype=np.float32), 7)
'[[1.0000, 2.5000],\\n        [3.0000, 4.0000]]'
"""

from __future__ import annotations

import math

import numpy as np

PRECISION, THRESHOLD, EDGEITEMS, LINEWIDTH = 4, 1000, 3, 80


class _Formatter:
    """The width and notation shared by every element of one tensor."""

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.width = 1
        flat = values.reshape(-1)
        if not self.floating:
            for v in flat.tolist():
                self.width = max(self.width, len(str(v)))
            return
        shown = flat[np.isfinite(flat) & (flat != 0)]
        if shown.size == 0:
            return
        mags = np.abs(shown).astype(np.float64)
        lo, hi = float(mags.min()), float(mags.max())
        self.int_mode = bool(np.all(shown == np.ceil(shown)))
        self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or (not self.int_mode and lo < 1.0e-4)
        for v in shown.tolist():
            if self.sci_mode:
                n = len(f"{v:.{PRECISION}e}")
            elif self.int_mode:
                n = len(f"{v:.0f}") + 1
            else:
                n = len(f"{v:.{PRECISION}f}")
            self.width = max(self.width, n)

    def format(self, v: float | int | bool) -> str:
        if not self.floating:
            s = str(v)
        elif self.sci_mode:
            s = f"{v:{self.width}.{PRECISION}e}"
        elif self.int_mode:
            s = f"{v:.0f}"
            if not (math.isinf(v) or math.isnan(v)):
                s += "."
        else:
            s = f"{v:.{PRECISION}f}"
        return (self.width - len(s)) * " " + s


def _summarised(a: np.ndarray) -> np.ndarray:
    """The values a summarised print shows (edge items of every dimension)."""
    if a.ndim == 0:
        return a
    if a.shape[0] > 2 * EDGEITEMS:
        a = np.concatenate([a[:EDGEITEMS], a[-EDGEITEMS:]])
    if a.ndim == 1:
        return a
    return np.stack([_summarised(x) for x in a])


def _vector(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    per_line = max(1, math.floor((LINEWIDTH - indent) / (fmt.width + 2)))
    if summarize and a.shape[0] > 2 * EDGEITEMS:
        items = (
            [fmt.format(v) for v in a[:EDGEITEMS].tolist()]
            + [" ..."]
            + [fmt.format(v) for v in a[-EDGEITEMS:].tolist()]
        )
    else:
        items = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _nested(a: np.ndarray, indent: int, summarize: bool, fmt: _Formatter) -> str:
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector(a, indent, summarize, fmt)
    n = a.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        parts = (
            [_nested(a[i], indent + 1, summarize, fmt) for i in range(EDGEITEMS)]
            + ["..."]
            + [_nested(a[i], indent + 1, summarize, fmt) for i in range(n - EDGEITEMS, n)]
        )
    else:
        parts = [_nested(a[i], indent + 1, summarize, fmt) for i in range(n)]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(parts) + "]"


def body(a: np.ndarray, indent: int) -> str:
    """The bracketed values of ``a`` as PyTorch prints them after a prefix of ``indent``."""
    if a.size == 0:
        return "[]"
    summarize = a.size > THRESHOLD
    fmt = _Formatter(_summarised(a) if summarize else a)
    return _nested(a, indent, summarize, fmt)


def tensor_text(
    a: np.ndarray,
    dtype_name: str,
    default_dtype: bool,
    grad_fn: str | None,
    requires_grad: bool,
    prefix: str = "tensor(",
) -> str:
    """The whole ``tensor(...)`` text, suffixes wrapped at the line width as PyTorch does."""
    indent = len(prefix)
    suffixes = []
    if a.size == 0 and a.ndim != 1:
        suffixes.append("size=" + str(tuple(a.shape)))
    if a.size == 0:  # an empty tensor names every dtype but the default float one
        default_dtype = a.dtype == np.float32
    if not default_dtype:
        suffixes.append("dtype=" + dtype_name)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    text = prefix + body(a, indent)
    parts = [text]
    last = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        if last + len(s) + 2 > LINEWIDTH:
            parts.append(",\n" + " " * indent + s)
            last = indent + len(s)
        else:
            parts.append(", " + s)
            last += len(s) + 2
    parts.append(")")
    return "".join(parts)
