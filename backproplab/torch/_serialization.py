"""``torch.save`` / ``torch.load`` of a state_dict (a mapping of names to tensors).

The file is numpy's ``.npz`` (loaded with ``allow_pickle=False``): safe to load,
readable without this package, but not PyTorch's zip-of-pickles format.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from typing import Any

import numpy as np

import autograd as ag

from ._tensor import Tensor, _make


def save(obj: Any, f: Any) -> None:
    """Save a state_dict (name -> tensor or array) as ``.npz``; other objects are refused."""
    if not isinstance(obj, dict):
        raise TypeError(
            f"save: only a state_dict (a dict of name -> tensor) is supported "
            f"here, got {type(obj).__name__}; the format is .npz, never pickle"
        )
    arrays = {}
    for k, v in obj.items():
        arrays[str(k)] = v.data if isinstance(v, ag.Tensor) else np.asarray(v)
    if isinstance(f, (str, os.PathLike)):
        with open(f, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]
    else:
        np.savez(f, **arrays)  # type: ignore[arg-type]


def load(f: Any, map_location: Any = None, weights_only: bool = True) -> OrderedDict[str, Tensor]:
    """Load what ``save`` wrote: an ordered dict of name -> tensor."""
    with np.load(f, allow_pickle=False) as z:
        return OrderedDict((k, _make(z[k])) for k in z.files)
