"""manual_seed: what it accepts."""

from __future__ import annotations

import re

import numpy as np
import pytest

from autograd import manual_seed


@pytest.mark.parametrize(
    "seed, error, message",
    [
        ("a", TypeError, "manual_seed: seed must be an integer, got str 'a'"),
        (1.5, TypeError, "manual_seed: seed must be an integer, got float 1.5"),
        (-1, ValueError, "manual_seed: seed must be >= 0, got -1"),
    ],
)
def test_manual_seed_refuses_what_is_not_a_non_negative_integer(seed, error, message):
    with pytest.raises(error, match=re.escape(message)):
        manual_seed(seed)
    manual_seed(np.int64(3))  # numpy integers are fine
