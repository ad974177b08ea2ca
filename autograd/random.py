"""The random generator behind parameter init, dropout and noise layers."""

from __future__ import annotations

import numpy as np

_generator = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed the generator used by ``nn.init``, ``Dropout`` and ``GaussianNoise``.

    >>> manual_seed(0); a = generator().random()
    >>> manual_seed(0); a == generator().random()
    True
    """
    global _generator
    _generator = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """The current generator (replaced, not mutated, by ``manual_seed``)."""
    return _generator
