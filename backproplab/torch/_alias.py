"""Run a script with ``import torch`` meaning ``backproplab.torch`` (this process only).

``python -m backproplab.torch._alias [--real] [--seed S] SCRIPT [args]``: ``torch`` and
its submodules that this package offers are put in ``sys.modules`` under PyTorch's
names, any other ``torch.*`` import fails naming it, and the script runs as
``__main__``. ``--real`` runs it on the real PyTorch instead; ``--seed S`` first calls
``torch.manual_seed(S)`` (PyTorch's default generator otherwise starts from a random
seed, so unseeded draws differ between any two runs, PyTorch's own included).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import runpy
import sys
from typing import Any

_OFFERED = ("", ".nn", ".nn.functional", ".nn.init", ".optim", ".utils", ".utils.data", ".cuda")


class _Refuse(importlib.abc.MetaPathFinder):
    """Any ``torch.*`` module not offered here is an ImportError that names it."""

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if fullname == "torch" or fullname.startswith("torch."):
            raise ImportError(
                f"{fullname} is not supported here: backproplab.torch offers "
                f"torch{', torch'.join(_OFFERED[1:])}",
                name=fullname,
            )
        return None


def install() -> None:
    """Make ``import torch`` (and the offered submodules) import ``backproplab.torch``."""
    for suffix in _OFFERED:
        sys.modules["torch" + suffix] = importlib.import_module("backproplab.torch" + suffix)
    sys.meta_path.insert(0, _Refuse())


def main(argv: list[str]) -> None:
    real, seed = False, None
    while argv and argv[0] in ("--real", "--seed"):
        if argv[0] == "--real":
            real, argv = True, argv[1:]
        else:
            seed, argv = int(argv[1]), argv[2:]
    if not argv:
        raise SystemExit(
            "usage: python -m backproplab.torch._alias [--real] [--seed S] SCRIPT [args...]"
        )
    if not real:
        install()
    if seed is not None:
        importlib.import_module("torch").manual_seed(seed)
    sys.argv = list(argv)
    runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1:])
