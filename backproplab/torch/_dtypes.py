"""PyTorch's dtype names (``torch.float32``, ``torch.long``, ...) over numpy dtypes.

>>> float32, np.dtype(float32), float32 == np.float32
(torch.float32, dtype('float32'), True)
"""

from __future__ import annotations

from typing import Any

import numpy as np


class dtype:  # noqa: N801 - PyTorch's name
    """A PyTorch dtype: prints as ``torch.float32``; ``np.dtype(d)`` gives numpy's."""

    __slots__ = ("name", "dtype")

    def __init__(self, name: str, np_dtype: Any) -> None:
        self.name = name
        self.dtype = np.dtype(np_dtype)  # numpy reads ``.dtype`` in np.dtype(d) and astype(d)

    @property
    def is_floating_point(self) -> bool:
        return self.dtype.kind == "f"

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    def __repr__(self) -> str:
        return f"torch.{self.name}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, dtype):
            return self.dtype == other.dtype
        try:
            return bool(self.dtype == np.dtype(other))  # type: ignore[call-overload]
        except TypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.dtype)


float32 = dtype("float32", np.float32)
float64 = dtype("float64", np.float64)
float16 = dtype("float16", np.float16)
int64 = dtype("int64", np.int64)
int32 = dtype("int32", np.int32)
int16 = dtype("int16", np.int16)
int8 = dtype("int8", np.int8)
uint8 = dtype("uint8", np.uint8)
bool_ = dtype("bool", np.bool_)
_BY_NUMPY = {
    d.dtype: d for d in (float32, float64, float16, int64, int32, int16, int8, uint8, bool_)
}


def to_numpy(d: Any, what: str = "dtype") -> np.dtype:
    """numpy's dtype for a PyTorch dtype (or a numpy dtype); anything else is refused."""
    if isinstance(d, dtype):
        return d.dtype
    if d is float or d is int or d is bool:
        return {float: np.dtype(np.float64), int: np.dtype(np.int64), bool: np.dtype(np.bool_)}[d]
    try:
        nd = np.dtype(d)
    except TypeError:
        raise TypeError(f"{what}: expected a dtype such as torch.float32, got {d!r}") from None
    if nd not in _BY_NUMPY:
        raise TypeError(
            f"{what}: dtype {nd} is not supported here; use one of "
            f"{sorted(str(x) for x in _BY_NUMPY.values())}"
        )
    return nd


def of_numpy(nd: np.dtype) -> dtype:
    """The PyTorch dtype of a numpy dtype."""
    try:
        return _BY_NUMPY[np.dtype(nd)]
    except KeyError:
        raise TypeError(f"numpy dtype {nd} has no PyTorch dtype here") from None
