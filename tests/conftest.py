"""Shared test setup.

Hypothesis profiles: "ci" (default, bounded) and "fuzz" (long local runs: make fuzz).
Each test starts with the cyclic garbage collector as the test runner left it:
a model call in one test may hold the collector (autograd.collector), and
that must not leak into the next test.
"""

import os
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

from autograd import collector

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _no_collector_hold_between_tests() -> Iterator[None]:
    collector.release()
    collector.recording = False
    yield
    collector.release()
    collector.recording = False
