"""What every demo shares: matplotlib without a window, saving figures, progress bars, the CLI.

A demo is a module with ``run(out_dir, quick=False) -> dict`` and a ``main``
built by ``cli(run, __doc__)``. The dict holds a one-line ``"summary"``,
the ``"files"`` it wrote, and any numbers worth printing.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from pathlib import Path
from typing import Any, TypeVar

import matplotlib

matplotlib.use("Agg")  # write files only, never open a window: works on servers and in CI

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from tqdm.auto import tqdm  # noqa: E402

from autograd import Tensor, no_grad  # noqa: E402

__all__ = ["plt", "save", "progress", "scorer", "plot_boundary", "header", "report", "cli"]

T = TypeVar("T")
DPI = 90  # small files for the gallery, still sharp on screen


def save(fig: Any, out_dir: Path, name: str) -> Path:
    """Write ``fig`` to ``out_dir/name`` (PNG unless the name says otherwise), close it."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / name
    fig.savefig(path, dpi=DPI, bbox_inches="tight")
    plt.close(fig)
    return path


def progress(
    steps: Iterable[T], desc: str, total: int | None = None, every: float = 5.0
) -> Iterable[T]:
    """A tqdm progress bar on a terminal; elsewhere (a pipe, a log file, a test) a plain line
    on stderr every ``every`` seconds: steps done, the share done and the time left."""
    if sys.stderr.isatty():
        return tqdm(steps, desc=desc, total=total, leave=False, dynamic_ncols=True)
    if total is None:
        total = len(steps) if isinstance(steps, Sized) else None
    return _progress_lines(steps, desc, total, every)


def _progress_lines(steps: Iterable[T], desc: str, total: int | None, every: float) -> Iterator[T]:
    start = last = time.perf_counter()
    for done, step in enumerate(steps, 1):
        yield step
        now = time.perf_counter()
        if now - last >= every and (total is None or done < total):
            last = now
            elapsed = now - start
            share = f"/{total} ({100 * done / total:.0f}%)" if total else ""
            left = f", about {elapsed * (total - done) / done:.0f} s left" if total else ""
            print(
                f"   {desc}: {done}{share}, {elapsed:.0f} s so far{left}",
                file=sys.stderr,
                flush=True,
            )


def scorer(model: Callable[[Tensor], Tensor]) -> Callable[[np.ndarray], np.ndarray]:
    """``points -> model's output, one number per row``, evaluated without recording a graph."""

    def score(points: np.ndarray) -> np.ndarray:
        with no_grad():
            return model(Tensor(points)).numpy().ravel()

    return score


def plot_boundary(
    ax: Any,
    score: Callable[[np.ndarray], np.ndarray],
    X: np.ndarray,
    y: np.ndarray,
    title: str,
    steps: int = 150,
) -> None:
    """Shade where ``score(points) > 0`` (class 1) on a grid around X, and scatter the data."""
    (x0, y0), (x1, y1) = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(x0, x1, steps), np.linspace(y0, y1, steps))
    s = score(np.column_stack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
    ax.contourf(
        gx, gy, (s > 0).astype(float), levels=[-0.5, 0.5, 1.5], colors=["#f6c6c6", "#c6d8f6"]
    )
    ax.contour(gx, gy, s, levels=[0.0], colors="k", linewidths=1.0)
    ax.scatter(*X[y == 0].T, s=14, c="#d62728", edgecolors="k", linewidths=0.3, label="class 0")
    ax.scatter(*X[y == 1].T, s=14, c="#1f77b4", edgecolors="k", linewidths=0.3, label="class 1")
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", xlim=(x0, x1), ylim=(y0, y1))


def header(name: str, doc: str | None) -> None:
    """Print a demo's name and what it shows (its docstring's first line), before it runs."""
    what = (doc or "").strip().split("\n")[0]
    print(f"== {name}\n   {what}" if what else f"== {name}", flush=True)


def report(name: str, result: dict[str, Any], seconds: float | None = None) -> None:
    """Print what a demo found (after its ``header``): its summary, its numbers, its files."""
    took = f" ({seconds:.1f} s)" if seconds is not None else ""
    print(f"   {name} done{took}: {result.get('summary', '')}")
    for key, value in result.items():
        if key in ("summary", "files"):
            continue
        print(f"   {key}: {value:.4g}" if isinstance(value, float) else f"   {key}: {value}")
    for path in result.get("files", []):
        print(f"   wrote {path}")
    sys.stdout.flush()


def cli(run: Callable[..., dict[str, Any]], doc: str | None) -> Callable[..., int]:
    """``main(argv=None)`` for ``python -m demos.NAME [--out DIR] [--quick]``."""

    def main(argv: Sequence[str] | None = None) -> int:
        name = Path(sys.modules[run.__module__].__file__ or "demo").stem
        parser = argparse.ArgumentParser(
            prog=f"python -m demos.{name}", description=(doc or "").split("\n")[0]
        )
        parser.add_argument(
            "--out", type=Path, default=Path("out"), help="folder for the pictures (default: out/)"
        )
        parser.add_argument(
            "--quick", action="store_true", help="tiny settings: a few seconds, rougher results"
        )
        args = parser.parse_args(argv)
        header(name, doc)
        start = time.perf_counter()
        result = run(args.out, quick=args.quick)
        report(name, result, time.perf_counter() - start)
        return 0

    return main
