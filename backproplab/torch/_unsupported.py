"""Names PyTorch has and this package does not: a clear error, never a silent fallback."""

from __future__ import annotations

from typing import NoReturn


def missing(module: str, name: str) -> NoReturn:
    """Raise the AttributeError for ``module.name`` (an ImportError too, for ``from`` imports)."""
    if name.startswith("__") and name.endswith("__"):
        raise AttributeError(f"module {module!r} has no attribute {name!r}")
    raise AttributeError(
        f"{module}.{name} is not supported here: backproplab.torch covers "
        "the names its README lists (PyTorch's name, on the backproplab engine)"
    )
