"""Run every demo into one folder and print what each did: ``python -m demos --out out``."""

from __future__ import annotations

import argparse
import importlib
import inspect
import time
from collections.abc import Sequence
from pathlib import Path

from demos import DEMOS
from demos._common import header, report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demos", description="Run every backproplab demo."
    )
    parser.add_argument(
        "--out", type=Path, default=Path("out"), help="folder for all the pictures (default: out/)"
    )
    parser.add_argument("--quick", action="store_true", help="tiny settings, for a smoke test")
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"demos to run (default: all of {', '.join(DEMOS)})",
    )
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(DEMOS))
    if unknown:
        parser.error(f"unknown demo(s) {', '.join(unknown)}; choose from {', '.join(DEMOS)}")

    start = time.perf_counter()
    files = 0
    for name in args.names or DEMOS:
        module = importlib.import_module(f"demos.{name}")
        kwargs = (
            {"quick": True}
            if args.quick and "quick" in inspect.signature(module.run).parameters
            else {}
        )
        header(name, module.__doc__)
        began = time.perf_counter()
        result = module.run(args.out, **kwargs)
        report(name, result, time.perf_counter() - began)
        files += len(result.get("files", []))
    print(
        f"\n{len(args.names or DEMOS)} demos, {files} files in {args.out}/, "
        f"{time.perf_counter() - start:.1f} s in total"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
