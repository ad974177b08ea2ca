"""``torch.utils``: only ``torch.utils.data`` is offered here."""

from __future__ import annotations

from typing import Any

from .._unsupported import missing
from . import data


def __getattr__(name: str) -> Any:
    missing("backproplab.torch.utils", name)


__all__ = ["data"]
