"""Shared test setup.

Hypothesis profiles: "ci" (default, bounded) and "fuzz" (long local runs: make fuzz).
"""

import os
import re
from collections import Counter
from typing import Any

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The course-style scripts are programs that the compare command runs under PyTorch and the
# facade (tests/torch_facade/test_compare.py), not test modules: never import them here.
collect_ignore_glob = ["torch_facade/scripts/*"]


# -- the skip summary at the end of `make test` ----------------------------------------------
ORACLES = ("torch", "micrograd")  # other engines our results are compared against


def skip_reason(longrepr: object) -> str:
    """One short reason per skip: "torch not installed" for an importorskip of torch."""
    reason = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    reason = str(reason).removeprefix("Skipped: ")
    missing = (
        re.match(r"could not import '([\w.]+)'", reason)
        or re.search(r"([\w.]+) is not installed", reason)
        or re.match(r"this example needs ([\w.]+)", reason)
    )
    return f"{missing.group(1).split('.')[0]} not installed" if missing else reason


def skip_summary(reasons: list[str]) -> str:
    """One line saying how many tests were skipped and why, or '' when none were.

    ``"131 oracle tests skipped: torch not installed"``; with several reasons,
    ``"133 tests skipped: 131 oracle tests (torch not installed), 2 tests (...)"``.
    """
    if not reasons:
        return ""

    def tests(n: int, reason: str) -> str:
        oracle = reason.split(" ", 1)[0] in ORACLES and reason.endswith("not installed")
        return f"{n} {'oracle ' if oracle else ''}test{'s' if n != 1 else ''}"

    groups = Counter(reasons).most_common()
    if len(groups) == 1:
        reason, n = groups[0]
        return f"{tests(n, reason)} skipped: {reason}"
    parts = ", ".join(f"{tests(n, reason)} ({reason})" for reason, n in groups)
    return f"{len(reasons)} tests skipped: {parts}"


def pytest_terminal_summary(terminalreporter: Any, config: Any) -> None:
    reports = terminalreporter.stats.get("skipped", [])
    config._skip_summary = skip_summary([skip_reason(r.longrepr) for r in reports])


def pytest_unconfigure(config: Any) -> None:
    """Print the skip summary as the very last line, after pytest's "N passed, M skipped"."""
    line = getattr(config, "_skip_summary", "")
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if line and reporter is not None:
        reporter.write_line(line)


# -- `make oracle`: the oracle tests must run, not skip ---------------------------------------
def pytest_sessionfinish(session: Any, exitstatus: int) -> None:
    """Under BACKPROPLAB_ORACLES=required (``make oracle``), a skip for a missing oracle fails.

    CI installs torch and micrograd for that run: an oracle test that still skips would let a
    bug that only the comparison catches through, so the run fails and names how many.
    """
    if os.environ.get("BACKPROPLAB_ORACLES") != "required":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    reports = reporter.stats.get("skipped", []) if reporter is not None else []
    missing = [
        r
        for r in (skip_reason(rep.longrepr) for rep in reports)
        if r.split(" ", 1)[0] in ORACLES and r.endswith("not installed")
    ]
    if missing:
        reporter.write_line(
            f"oracle run: {len(missing)} oracle tests skipped ({missing[0]}); "
            "make oracle needs them to run"
        )
        session.exitstatus = 1
