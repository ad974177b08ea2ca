"""``python -m benchmarks [--quick] [--only W1,W5] [--engines ours,numpy] [--json PATH]``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys

from benchmarks import report, suite


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="smaller sizes and fewer repetitions (under a minute)"
    )
    parser.add_argument("--only", default="", help="comma-separated workload ids, e.g. W1,W5")
    parser.add_argument(
        "--engines", default="", help="comma-separated engines: ours, micrograd, torch, numpy"
    )
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="wall-clock time (default) or process CPU time, which a busy "
        "machine disturbs less (2-thread cases then add both threads' time)",
    )
    parser.add_argument("--json", default="", help="also write the raw results to this file")
    args = parser.parse_args(argv)

    only = {w.strip().upper() for w in args.only.split(",") if w.strip()}
    engines = {e.strip() for e in args.engines.split(",") if e.strip()}
    chosen = [w for w in suite.workloads(args.quick) if not only or w.wid in only]
    for w in chosen:
        if engines:
            w.cases = [c for c in w.cases if c.engine in engines]
        for c in w.cases:
            # CPU time adds up the threads (and PyTorch's spinning workers): wall for those.
            c.clock = args.clock if c.threads == 1 else "wall"

    print("\n".join(report.machine_info()))
    print(f"command:   python -m benchmarks {' '.join(sys.argv[1:] if argv is None else argv)}")
    print(
        "settings:  one subprocess per case; 1 BLAS thread unless the variant says otherwise; "
        f"GC on; {args.clock} clock; times are per step\n"
    )
    results: dict[str, list[suite.Row]] = {}
    for w in chosen:
        results[w.wid] = suite.run_workload(w)
        print(report.format_table(w, results[w.wid]) + "\n", flush=True)
    verdicts = suite.check_targets(results)
    if verdicts:
        print(report.format_verdicts(verdicts))
        if args.quick:
            print(
                "  (--quick: smaller sizes, one round, few repetitions: indicative only; "
                "quote the full run)"
            )
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nload avg at end: {load}")
    if args.json:
        raw = {wid: [dataclasses.asdict(r) for r in rows] for wid, rows in results.items()}
        with open(args.json, "w") as f:
            json.dump(raw, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
