"""Helpers for tests that check a failed call leaves a model's parameters as they were."""

from __future__ import annotations

import numpy as np


def arrays(model):
    """Every parameter as (the array object itself, a copy of its values)."""
    return [(p.data, np.array(p.data, copy=True)) for p in model.parameters()]


def untouched(model, before) -> bool:
    """True when every parameter is still the same array object holding the same values."""
    now = list(model.parameters())
    return len(now) == len(before) and all(
        p.data is obj and np.array_equal(p.data, copy_, equal_nan=True)
        for p, (obj, copy_) in zip(now, before, strict=True)
    )
