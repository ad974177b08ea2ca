"""Run a script under PyTorch and under ``backproplab.torch``; compare what they print.

``python -m backproplab.torch.compare [--rtol R] [--atol A] [--seed S] [--timeout T]
SCRIPT [args...]``

Both runs are subprocesses with one thread (``OMP_NUM_THREADS=1``): the first with
the real ``torch``, the second with ``import torch`` redirected to this package for
that run only. Every number each run prints is compared in order; the first pair
that differs by more than ``rtol`` (relative), ``atol`` (absolute: for numbers that
measure rounding error, such as a max difference of 1e-9) and one unit in the last
digit printed, is reported with its line in both outputs. Text between the numbers
(sampled names, say) is compared too. Prints ``same numbers`` and exits 0 when all
agree; exits 1 on a difference and 2 when a run fails. PyTorch's default generator
starts from a random seed, so a script that draws from it without seeding prints
different numbers on every run; ``--seed S`` seeds it (``torch.manual_seed(S)``)
before the script starts, in both runs.

>>> first_difference("loss 2.4541\\n", "loss 2.4542\\n", 1e-4) is None
True
>>> print(first_difference("loss 2.45\\n", "loss 2.61\\n", 1e-4))
number 1 differs: 2.45 (PyTorch) vs 2.61 (backproplab.torch)
  PyTorch    line 1: loss 2.45
  backproplab line 1: loss 2.61
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys

_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]+\b")  # object addresses differ between any two runs
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf)\b")


def _tokens(text: str) -> list[tuple[str, int]]:
    """Every number printed, with its line number (1-based)."""
    out: list[tuple[str, int]] = []
    for i, line in enumerate(text.splitlines(), 1):
        out.extend((m.group(0), i) for m in _NUMBER.finditer(line))
    return out


def _ulp(token: str) -> float:
    """One unit in the last digit printed (``0.1234`` -> 1e-4, ``3e-05`` -> 1e-05)."""
    mant, _, exp = token.lower().partition("e")
    decimals = len(mant.split(".")[1]) if "." in mant else 0
    return 10.0 ** (-decimals + (int(exp) if exp else 0))


def _close(a: str, b: str, rtol: float, atol: float = 0.0) -> bool:
    try:
        x, y = float(a), float(b)
    except ValueError:
        return a == b
    if x == y or (x != x and y != y):
        return True
    tol = max(rtol * max(abs(x), abs(y)), atol, _ulp(a), _ulp(b))
    return abs(x - y) <= tol * (1 + 1e-9)


def first_difference(
    ours_torch: str, ours_facade: str, rtol: float, atol: float = 0.0
) -> str | None:
    """A description of the first printed number (or text) that differs, or None."""
    ours_torch, ours_facade = _ADDRESS.sub("0x?", ours_torch), _ADDRESS.sub("0x?", ours_facade)
    a, b = _tokens(ours_torch), _tokens(ours_facade)
    la, lb = ours_torch.splitlines(), ours_facade.splitlines()
    for k, ((ta, ia), (tb, ib)) in enumerate(zip(a, b, strict=False), 1):
        if not _close(ta, tb, rtol, atol):
            return (
                f"number {k} differs: {ta} (PyTorch) vs {tb} (backproplab.torch)\n"
                f"  PyTorch    line {ia}: {la[ia - 1].strip()}\n"
                f"  backproplab line {ib}: {lb[ib - 1].strip()}"
            )
    if len(a) != len(b):
        return f"PyTorch printed {len(a)} numbers, backproplab.torch {len(b)}"
    masked_a = [_NUMBER.sub("#", line) for line in la]
    masked_b = [_NUMBER.sub("#", line) for line in lb]
    for i, (x, y) in enumerate(zip(masked_a, masked_b, strict=False), 1):
        if x != y:
            return (
                f"text differs at line {i}:\n  PyTorch:     {la[i - 1].strip()}\n"
                f"  backproplab: {lb[i - 1].strip()}"
            )
    if len(masked_a) != len(masked_b):
        return f"PyTorch printed {len(masked_a)} lines, backproplab.torch {len(masked_b)}"
    return None


def _run(cmd: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
        PYTHONHASHSEED="0",
    )
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m backproplab.torch.compare", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--rtol",
        type=float,
        default=1e-4,
        help="relative tolerance for printed numbers (default 1e-4)",
    )
    parser.add_argument(
        "--atol", type=float, default=0.0, help="absolute tolerance for printed numbers (default 0)"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=None,
        help="call torch.manual_seed(SEED) before the script, in both runs",
    )
    parser.add_argument(
        "--timeout", type=float, default=600.0, help="seconds allowed for each run (default 600)"
    )
    parser.add_argument("script")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    ns = parser.parse_args(argv)
    seed = [] if ns.seed is None else ["--seed", str(ns.seed)]
    runner = [sys.executable, "-m", "backproplab.torch._alias", *seed]
    runs = {
        "PyTorch": [*runner, "--real", ns.script, *ns.args],
        "backproplab.torch": [*runner, ns.script, *ns.args],
    }
    outs = {}
    for name, cmd in runs.items():
        try:
            r = _run(cmd, ns.timeout)
        except subprocess.TimeoutExpired:
            print(f"{name}: {ns.script} did not finish in {ns.timeout:g} s")
            return 2
        if r.returncode != 0:
            tail = "\n".join(r.stderr.strip().splitlines()[-8:])
            print(f"{name}: {ns.script} failed (exit {r.returncode}):\n{tail}")
            return 2
        outs[name] = r.stdout
    diff = first_difference(outs["PyTorch"], outs["backproplab.torch"], ns.rtol, ns.atol)
    n = len(_tokens(outs["PyTorch"]))
    if diff is None:
        print(f"same numbers ({n} compared, rtol {ns.rtol:g}, atol {ns.atol:g}): {ns.script}")
        return 0
    print(f"{ns.script}: {diff}")
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
