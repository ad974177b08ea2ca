"""The command line ``python -m autograd.draw`` (console script ``autograd-draw``).

The parser and the drawing live in ``autograd.pictures.cli``; this module keeps the
contract's name for the command.

>>> from autograd.draw import main
>>> callable(main)
True
"""

from __future__ import annotations

import sys

from autograd.pictures.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
