"""``torch.cuda``: no GPU here. ``is_available()`` is False; seeding is a no-op."""

from __future__ import annotations

from typing import Any

from ._unsupported import missing


def is_available() -> bool:
    """False: backproplab runs on the CPU."""
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """A no-op (there is no CUDA generator), as PyTorch without a GPU."""


def manual_seed_all(seed: int) -> None:
    """A no-op (there is no CUDA generator), as PyTorch without a GPU."""


def __getattr__(name: str) -> Any:
    missing("backproplab.torch.cuda", name)
