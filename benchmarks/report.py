"""What the suite prints: machine info, one table per workload, the targets check."""

from __future__ import annotations

import datetime
import os
import platform
import sys
from importlib import metadata

from benchmarks.suite import Row, Verdict, Workload


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas() -> str:
    try:
        import numpy as np

        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # noqa: BLE001 - informational only
        return "unknown"


def machine_info() -> list[str]:
    """Lines describing the machine and the versions measured (torch via metadata only)."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    impl = platform.python_implementation()
    return [
        f"date:      {datetime.datetime.now().isoformat(timespec='seconds')}",
        f"machine:   {_cpu_model()}, {os.cpu_count()} logical cores, {platform.system()} "
        f"{platform.release()}",
        f"python:    {impl} {platform.python_version()} ({sys.executable})",
        f"numpy:     {_version('numpy')} (BLAS: {_blas()})",
        f"torch:     {_version('torch')}    micrograd: {_version('micrograd')}",
        f"load avg:  {load} (1, 5, 15 min) at start",
    ]


def fmt_time(seconds: float) -> str:
    """Seconds with a unit that keeps 3 significant digits.

    >>> fmt_time(0.000123), fmt_time(0.0123), fmt_time(12.3), fmt_time(1e-11)
    ('123 us', '12.3 ms', '12.3 s', '<1 ns')
    """
    if seconds < 1e-9:
        return "<1 ns"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6), ("ns", 1e-9)):
        if seconds >= scale or unit == "ns":
            value = seconds / scale
            return f"{value:.3g} {unit}" if value < 1000 else f"{value:.0f} {unit}"
    raise AssertionError("unreachable")


def _status_text(result: dict[str, object]) -> str:
    status = result.get("status")
    if status == "n/a":
        return "n/a"
    if status == "skipped":
        return f"skipped ({result.get('error')})"
    err = str(result.get("error", "error"))
    return "raised " + err.split(":")[0] if status == "error" else str(status)


def format_table(workload: Workload, rows: list[Row]) -> str:
    """One aligned text table: a row per case, ratios per variant."""
    ref_name = f"vs {workload.reference}" if workload.reference else "vs fastest"
    per = f" per {workload.item}" if workload.item else ""
    header = ["variant", "engine", f"median{per}", "min", "IQR", ref_name]
    header += [f"{p}{per}" for p in workload.phases]
    show_memory = any(r.case.memory for r in rows)
    if show_memory:
        header += ["peak RSS", "tracemalloc"]
    body: list[list[str]] = []
    by_variant: dict[str, list[Row]] = {}
    for row in rows:
        by_variant.setdefault(row.case.variant, []).append(row)
    for variant, group in by_variant.items():
        ok = [r for r in group if r.result.get("status") == "ok"]
        base = None
        if workload.reference:
            base = next(
                (r.result["median"] for r in ok if r.case.engine == workload.reference), None
            )
        elif ok:
            base = min(r.result["median"] for r in ok)
        for i, row in enumerate(group):
            res = row.result
            cells = [variant if i == 0 else "", row.case.engine]
            if res.get("status") != "ok":
                cells += [_status_text(res)] + [""] * (len(header) - 3)
                body.append(cells)
                continue
            scale = 1.0 / row.case.per_item if row.case.per_item else 1.0
            cells += [
                fmt_time(res["median"] * scale),
                fmt_time(res["min"] * scale),
                fmt_time(res["iqr"] * scale),
                f"{res['median'] / base:.2f}x" if base else "-",
            ]
            cells += [
                fmt_time(res["phases"][p] * scale) if p in res["phases"] else "-"
                for p in workload.phases
            ]
            if show_memory:
                cells += _memory_cells(row)
            body.append(cells)
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    rounds = (
        f"  [{workload.rounds} rounds of fresh subprocesses, samples pooled]"
        if workload.rounds > 1
        else ""
    )
    lines = [f"{workload.wid}  {workload.title}{rounds}"]
    lines.append("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    lines.append("  " + "  ".join("-" * w for w in widths))
    lines += [
        "  " + "  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)).rstrip()
        for cells in body
    ]
    return "\n".join(lines)


def _memory_cells(row: Row) -> list[str]:
    mem = row.memory
    if not mem or mem.get("status") != "ok":
        return ["n/a" if not mem else _status_text(mem), ""]
    rss = mem.get("rss_peak_mib")
    traced = mem.get("tracemalloc_peak_mib")
    rss_text = f"{rss:.1f} MiB" if rss is not None else "?"
    # PyTorch allocates outside Python's allocator hooks, so tracemalloc cannot see it.
    traced_text = "(invisible)" if row.case.engine == "torch" else f"{traced:.1f} MiB"
    return [rss_text, traced_text]


def format_verdicts(verdicts: list[Verdict]) -> str:
    lines = ["Targets (medians of one run)"]
    width = max((len(v.target) for v in verdicts), default=0)
    for v in verdicts:
        mark = "n/a" if v.met is None else ("met" if v.met else "MISSED")
        lines.append(f"  {v.target.ljust(width)}  {mark:6}  {v.measured}")
    return "\n".join(lines)
