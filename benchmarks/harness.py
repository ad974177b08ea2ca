"""Measuring one workload: timing and peak memory in the child, the subprocess runner in the parent.

A workload is built by a *builder* into a ``step`` callable (all setup done). ``step()``
runs one unit of work (one training step, one forward+backward) and may return a dict
``{phase: seconds}`` when it times its own phases (e.g. forward and backward).

Timing: a few warm-up calls, then ``repeat`` repetitions of ``number`` calls each, where
``number`` is chosen so that a repetition lasts at least ``min_time``; we report the
median, the minimum and the interquartile range of the per-call times. The cyclic
garbage collector stays on.

Peak memory (see ``measure_memory``) is the growth of the process's resident set over
model + data while steps run: we reset the kernel's high-water mark (``VmHWM``) after
setup and read it after the steps. glibc's malloc is told to serve every block over
64 KiB with ``mmap`` (``MALLOC_MMAP_THRESHOLD_``), so freed arrays leave the resident set
at once and the high-water mark is the true peak of live memory, for numpy, our engine
and PyTorch alike. tracemalloc would see numpy's and our allocations (numpy reports its
buffers to it) but not PyTorch's, so it is only a cross-check column.
"""

from __future__ import annotations

import gc
import json
import math
import os
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

Step = Callable[[], "dict[str, float] | None"]
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
_clock = time.perf_counter


def set_clock(name: str) -> None:
    """Time with wall-clock ("wall", the default) or this process's CPU time ("cpu").

    CPU time ignores the time the process waits for a core, so it stays meaningful on
    a busy shared machine; with several BLAS threads it adds up their times.
    """
    global _clock
    _clock = CLOCKS[name]


def now() -> float:
    """The current reading of the chosen clock (workloads time their phases with it)."""
    return _clock()


THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)
_REPO = Path(__file__).resolve().parent.parent


class EngineMissing(Exception):
    """Raised by a builder whose engine is not installed; the table shows "n/a"."""


# -- child side: timing ---------------------------------------------------------------
def measure_time(
    step: Step, warmup: int = 2, repeat: int = 7, min_time: float = 0.2, max_number: int = 1000
) -> dict[str, Any]:
    """Median, min and IQR (seconds per call) of ``step``, plus medians of its phases.

    >>> r = measure_time(lambda: None, warmup=1, repeat=3, min_time=0.001)
    >>> sorted(r)
    ['iqr', 'median', 'min', 'number', 'phases', 'repeat', 'samples']
    """
    clock = _clock
    for _ in range(warmup):
        step()
    t0 = clock()
    step()
    once = max(clock() - t0, 1e-9)
    number = max(1, min(max_number, math.ceil(min_time / once)))
    samples: list[float] = []
    phase_samples: dict[str, list[float]] = {}
    for _ in range(repeat):
        sums: dict[str, float] = {}
        t0 = clock()
        for _ in range(number):
            phases = step()
            if phases:
                for name, seconds in phases.items():
                    sums[name] = sums.get(name, 0.0) + seconds
        samples.append((clock() - t0) / number)
        for name, total in sums.items():
            phase_samples.setdefault(name, []).append(total / number)
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "iqr": iqr(samples),
        "number": number,
        "repeat": repeat,
        "samples": samples,
        "phases": {name: statistics.median(v) for name, v in phase_samples.items()},
    }


def iqr(samples: list[float]) -> float:
    if len(samples) < 4:
        return max(samples) - min(samples)
    q = statistics.quantiles(samples, n=4)
    return q[2] - q[0]


# -- child side: memory ---------------------------------------------------------------
def _status_kib(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak_rss() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False when not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def measure_memory(build: Callable[[], Step], steps: int = 3) -> dict[str, Any]:
    """Peak growth of the resident set (and of tracemalloc) over the state after setup.

    The baseline is model + data, just after ``build()``, so the peak covers activations,
    gradients, optimizer state, work arrays and temporaries of the first ``steps`` steps.
    tracemalloc runs on a second, fresh build, so that it too sees the first steps.
    """
    step = build()
    gc.collect()
    base = _status_kib("VmRSS")
    if base is not None and _reset_peak_rss():
        for _ in range(steps):
            step()
        peak = _status_kib("VmHWM")
        method = "VmHWM"
    else:  # no /proc: ru_maxrss is a lifetime peak, so this underestimates if imports peaked
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        for _ in range(steps):
            step()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        method = "ru_maxrss"
    del step
    gc.collect()
    step = build()
    gc.collect()
    tracemalloc.start()
    for _ in range(steps):
        step()
    traced_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {
        "rss_peak_mib": (peak - base) / 1024 if peak is not None and base is not None else None,
        "tracemalloc_peak_mib": traced_peak / 2**20,
        "method": method,
    }


# -- parent side ----------------------------------------------------------------------
def child_env(threads: int, memory: bool = False) -> dict[str, str]:
    """The environment of a child: ``threads`` BLAS/OpenMP threads, and malloc set up for
    peak-memory runs."""
    env = dict(os.environ)
    for var in THREAD_VARIABLES:
        env[var] = str(threads)
    if memory:
        env["MALLOC_MMAP_THRESHOLD_"] = "65536"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_REPO), env.get("PYTHONPATH", "")]))
    return env


def run_child(spec: dict[str, Any], timeout: float = 900.0) -> dict[str, Any]:
    """Run ``python -m benchmarks.run_one SPEC`` and return its JSON result.

    The result always has a ``status``: "ok", "n/a" (engine not installed) or "error"
    (with ``error``: the exception the workload raised, or how the child died).
    """
    memory = spec.get("mode") == "memory"
    cmd = [sys.executable, "-m", "benchmarks.run_one", json.dumps(spec)]
    try:
        proc = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=child_env(spec.get("threads", 1), memory),
            cwd=_REPO,
        )
    except subprocess.TimeoutExpired:
        return {"status": "error", "error": f"timed out after {timeout:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode == 0 and lines:
        try:
            result: dict[str, Any] = json.loads(lines[-1])
            return result
        except json.JSONDecodeError:
            pass
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {"status": "error", "error": f"child exited with {proc.returncode}: {tail}"}
