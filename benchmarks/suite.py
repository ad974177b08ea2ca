"""What the suite runs: the workloads, their cases (engine x variant), and the targets.

``workloads(quick)`` lists the full suite or a smaller one that finishes in under a
minute; ``run_workload`` runs one workload's cases, each in its own subprocess.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from benchmarks.harness import iqr, run_child


@dataclass
class Case:
    """One engine on one variant of a workload, measured in its own subprocess."""

    variant: str
    engine: str
    kind: str  # the builder's key in run_one.BUILDERS
    params: dict[str, Any] = field(default_factory=dict)
    threads: int = 1
    warmup: int = 2
    repeat: int = 7
    min_time: float = 0.2
    memory: bool = False  # also measure peak memory, in a second subprocess
    per_item: int = 0  # report phases per item (W2: per op) when > 0
    timeout: float = 900.0
    clock: str = "wall"
    skip: str = ""  # why this case is not run (shown in the table)

    def spec(self, mode: str) -> dict[str, Any]:
        return {
            "workload": self.kind,
            "engine": self.engine,
            "params": self.params,
            "threads": self.threads,
            "mode": mode,
            "warmup": self.warmup,
            "repeat": self.repeat,
            "min_time": self.min_time,
            "clock": self.clock,
        }


@dataclass
class Workload:
    wid: str
    title: str
    cases: list[Case]
    reference: str | None = None  # ratios against this engine; None: against the fastest
    phases: tuple[str, ...] = ()  # phase columns, in this order
    item: str = ""  # unit name for per-item columns ("op")
    # Rounds of fresh subprocesses, engines interleaved; samples are pooled. One process
    # can land on a slower or faster memory layout than the next (a few %), and rounds
    # average that out for the ratio targets.
    rounds: int = 1


@dataclass
class Row:
    case: Case
    result: dict[str, Any]
    memory: dict[str, Any] | None = None


def run_workload(workload: Workload, verbose: bool = True) -> list[Row]:
    """Run every case (``workload.rounds`` times, interleaved) and pool each case's samples."""
    runs: list[list[dict[str, Any]]] = [[] for _ in workload.cases]
    memory: list[dict[str, Any] | None] = [None] * len(workload.cases)
    for r in range(workload.rounds):
        for i, case in enumerate(workload.cases):
            if case.skip or (runs[i] and runs[i][-1].get("status") != "ok"):
                continue  # an engine that is missing or failed once is not retried
            start = time.perf_counter()
            result = run_child(case.spec("time"), timeout=case.timeout)
            runs[i].append(result)
            if case.memory and r == 0 and result.get("status") == "ok":
                memory[i] = run_child(case.spec("memory"), timeout=case.timeout)
            if verbose:
                print(
                    f"  {workload.wid} {case.variant or '-'} {case.engine} (round {r + 1}): "
                    f"{result['status']} ({time.perf_counter() - start:.1f} s)",
                    file=sys.stderr,
                    flush=True,
                )
    rows = []
    for case, results, mem in zip(workload.cases, runs, memory, strict=True):
        if case.skip:
            rows.append(Row(case, {"status": "skipped", "error": case.skip}))
        else:
            rows.append(Row(case, pool(results), mem))
    return rows


def pool(results: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from several rounds: statistics over all samples, median phases."""
    if len(results) == 1 or results[-1].get("status") != "ok":
        return results[-1]
    samples = [s for r in results for s in r["samples"]]
    names = results[0]["phases"]
    return {
        "status": "ok",
        "median": statistics.median(samples),
        "min": min(samples),
        "iqr": iqr(samples),
        "samples": samples,
        "rounds": len(results),
        "round_medians": [r["median"] for r in results],
        "phases": {p: statistics.median(r["phases"][p] for r in results) for p in names},
    }


TENSOR_ENGINES = ("ours", "torch", "numpy")


def _mlp_cases(
    variants: list[tuple[str, dict[str, Any], int]],
    repeat: int,
    min_time: float,
    memory: bool = False,
    skip_torch: str = "",
) -> list[Case]:
    return [
        Case(
            label,
            engine,
            "mlp",
            params,
            threads=threads,
            repeat=repeat,
            min_time=min_time,
            memory=memory,
            skip=skip_torch if engine == "torch" else "",
        )
        for label, params, threads in variants
        for engine in TENSOR_ENGINES
    ]


def workloads(quick: bool = False) -> list[Workload]:
    """The suite; ``quick`` shrinks sizes and repetitions to finish in under a minute."""
    rep = 3 if quick else 7
    t_min = 0.05 if quick else 0.3
    # Importing PyTorch takes seconds per subprocess: --quick runs it in W5 float32 only.
    no_torch = "--quick" if quick else ""

    n_points = 30 if quick else 100
    w1_rep = 3 if quick else 5
    w1 = Workload(
        "W1",
        f"micrograd's demo step: scalar MLP 2-16-16-1, {n_points} moons points, "
        "SVM loss + L2, SGD; micrograd's graph (a cycle) freed by gc.collect() in its "
        "step",
        [
            Case(
                "GC on", "ours", "w1", {"n_points": n_points}, warmup=1, repeat=w1_rep, min_time=0.0
            ),
            Case(
                "GC on",
                "micrograd",
                "w1",
                {"n_points": n_points, "collect": True},
                warmup=1,
                repeat=w1_rep,
                min_time=0.0,
            ),
            Case(
                "gc_paused",
                "ours",
                "w1",
                {"n_points": n_points, "paused": True},
                warmup=1,
                repeat=w1_rep,
                min_time=0.0,
            ),
        ],
        phases=("step", "free"),
    )

    n_ops = 10_000 if quick else 200_000
    w2_cases = [
        Case(
            "+ - * tanh relu exp",
            "ours",
            "w2",
            {"n_ops": n_ops, "ops": "full"},
            warmup=1,
            repeat=rep if quick else 5,
            min_time=0.0,
            per_item=n_ops,
        ),
        Case(
            "+ - * tanh relu exp",
            "micrograd",
            "w2",
            {"n_ops": n_ops, "ops": "full"},
            per_item=n_ops,
        ),
    ]
    w2_cases += [
        Case(
            "+ - * tanh relu exp, gc_paused",
            "ours",
            "w2",
            {"n_ops": n_ops, "ops": "full", "paused": True},
            warmup=1,
            repeat=rep if quick else 5,
            min_time=0.0,
            per_item=n_ops,
        )
    ]
    w2_cases += [
        Case(
            "+ - * relu (micrograd's ops)",
            engine,
            "w2",
            {"n_ops": n_ops, "ops": "micrograd"},
            warmup=1,
            repeat=rep if quick else 5,
            min_time=0.0,
            per_item=n_ops,
        )
        for engine in ("ours", "micrograd")
    ]
    w2 = Workload(
        "W2",
        f"scalar throughput: random program of {n_ops:,} Value ops, forward + backward (GC on)",
        w2_cases,
        phases=("forward", "backward", "free"),
        item="op",
    )

    sizes = [10**3, 10**4, 10**5] if quick else [10**3, 10**4, 10**5, 10**6]
    w3_cases = []
    for n in sizes:
        for engine in ("ours", "micrograd"):
            if quick and engine == "micrograd" and n > 10**4:
                continue
            w3_cases.append(
                Case(
                    f"n={n:.0e}".replace("+0", ""),
                    engine,
                    "w3",
                    {"n": n},
                    warmup=0 if n >= 10**6 else 1,
                    repeat=(2 if quick else 3) if n >= 10**5 else rep,
                    min_time=0.0,
                )
            )
    w3 = Workload(
        "W3",
        "deep chain y = y + x, n nodes: build, backward, free (GC on)",
        w3_cases,
        phases=("build", "backward", "free"),
    )

    small = {
        "sizes": [2, 16, 16, 1],
        "activation": "tanh",
        "loss": "mse",
        "batch": 32,
        "dtype": "float64",
        "lr": 0.01,
    }
    w4 = Workload(
        "W4",
        "tensor MLP 2-16-16-1, tanh, batch 32, MSE, one SGD step (float64)",
        _mlp_cases([("", small, 1)], rep, t_min, skip_torch=no_torch),
        reference="numpy",
        rounds=1 if quick else 3,
    )

    mid = {
        "sizes": [784, 256, 256, 10],
        "activation": "relu",
        "loss": "ce",
        "batch": 128,
        "lr": 0.01,
    }
    w5_variants = [
        (f"{dtype}, {threads} thread{'s' if threads > 1 else ''}", {**mid, "dtype": dtype}, threads)
        for threads in ((1,) if quick else (1, 2))
        for dtype in ("float32", "float64")
    ]
    w5 = Workload(
        "W5",
        "tensor MLP 784-256-256-10, ReLU, batch 128, cross-entropy, one SGD step",
        [
            c
            for c in _mlp_cases(w5_variants, rep, t_min)
            if not (quick and c.engine == "torch" and "float64" in c.variant)
        ],
        reference="numpy",
        rounds=1 if quick else 3,
    )

    big = {
        "sizes": [784, 1024, 1024, 10],
        "activation": "relu",
        "loss": "ce",
        "batch": 512,
        "lr": 0.01,
    }
    w6_variants = [
        (f"{dtype}, 1 thread", {**big, "dtype": dtype}, 1)
        for dtype in (("float32",) if quick else ("float32", "float64"))
    ]
    w6 = Workload(
        "W6",
        "tensor MLP 784-1024-1024-10, ReLU, batch 512, cross-entropy, one SGD "
        "step, peak memory over model + data",
        _mlp_cases(w6_variants, 3 if quick else 7, t_min, memory=not quick, skip_torch=no_torch),
        reference="numpy",
        rounds=1 if quick else 3,
    )
    positions = 8 if quick else 16
    w9_cases = [
        Case(
            "GC on",
            engine,
            "w9",
            {"positions": positions},
            warmup=0 if engine == "micrograd" else 1,
            repeat=(2 if quick else 3) if engine == "micrograd" else rep,
            min_time=0.0,
        )
        for engine in ("ours", "minimal", "micrograd")
    ]
    w9_cases += [
        Case(
            "gc_paused",
            engine,
            "w9",
            {"positions": positions, "paused": True},
            warmup=1,
            repeat=rep,
            min_time=0.0,
        )
        for engine in ("ours", "minimal")
    ]
    w9 = Workload(
        "W9",
        f"microgpt-style step: scalar transformer, 1 layer, 4 heads x 4 dims, "
        f"16-dim embeddings, {positions} positions, cross-entropy, Adam; micrograd's "
        "graph freed by gc.collect() in its step",
        w9_cases,
        phases=("forward", "backward", "update", "free"),
    )
    w8_dtypes = ("float32",) if quick else ("float32", "float64")
    w8 = Workload(
        "W8",
        "digits CNN (demos.digits_cnn): conv-BN-ReLU-pool x2, linear, batch 64 "
        "of 8x8, cross-entropy, one Adam step, peak memory over model + data",
        [
            Case(dtype, engine, "cnn", {"dtype": dtype}, repeat=rep, min_time=t_min, memory=True)
            for dtype in w8_dtypes
            for engine in ("ours", "torch")
        ],
        reference="torch",
        rounds=1 if quick else 3,
    )
    w7 = gpt_workload(quick)
    return [w1, w2, w3, w4, w5, w6, w7, w8, w9, course_workload(quick), compiled_workload(quick)]


W11_W1, W11_W2, W11_W4, W11_W9 = (
    "W1 demo step, GC on",
    "W2 program replay",
    "W4 tensor MLP step",
    "W9 microgpt step (retraces)",
)


def compiled_workload(quick: bool = False) -> Workload:
    """W11: autograd.compile beside the eager steps it replaces, in one run."""
    n_points = 30 if quick else 100
    n_ops = 2_000 if quick else 10_000
    rep = 3 if quick else 7
    w1 = {"kind": "w1", "n_points": n_points}
    cases = [
        Case(
            W11_W1,
            engine,
            "w11",
            w1,
            warmup=1,
            repeat=rep if engine != "micrograd" else 3,
            min_time=0.0,
        )
        for engine in ("eager", "compiled", "first call", "micrograd")
    ]
    cases += [
        Case(
            W11_W2,
            engine,
            "w11",
            {"kind": "w2", "n_ops": n_ops},
            warmup=1,
            repeat=rep,
            min_time=0.0,
            per_item=n_ops,
        )
        for engine in ("eager", "compiled")
    ]
    cases += [
        Case(W11_W4, engine, "w11", {"kind": "w4"}, repeat=rep, min_time=0.05 if quick else 0.3)
        for engine in ("numpy", "eager", "compiled")
    ]
    positions = 8 if quick else 16
    cases += [
        Case(
            W11_W9,
            engine,
            "w11",
            {"kind": "w9", "positions": positions},
            warmup=1,
            repeat=3 if quick else 5,
            min_time=0.0,
        )
        for engine in ("eager", "compiled")
    ]
    return Workload(
        "W11",
        "autograd.compile: compiled steps beside eager (GC on); "
        "'first call' compiles afresh every step (trace + build + one replay)",
        cases,
        rounds=1 if quick else 2,
    )


W10_MODELS = {
    "mlp": "makemore MLP (part 2)",
    "bnmlp": "BatchNorm MLP (part 3)",
    "wavenet": "WaveNet (part 5)",
    "gpt": "GPT lecture model",
}


def course_workload(quick: bool = False) -> Workload:
    """W10: the course's models in PyTorch's names (backproplab.torch), on PyTorch, and
    written with the native API; one training step each, float32, 1 thread."""
    rep = 3 if quick else 7
    t_min = 0.05 if quick else 0.3
    cases = [
        Case(W10_MODELS[m], engine, f"w10-{m}", repeat=rep, min_time=t_min)
        for m in W10_MODELS
        for engine in ("facade", "torch", "native")
    ]
    return Workload(
        "W10",
        "course models (makemore, GPT lecture): one training step, "
        "backproplab.torch vs PyTorch CPU 1 thread vs the native API",
        cases,
        reference="torch",
        rounds=1 if quick else 3,
    )


W7_SMALL = "microgpt size: 16-dim, 1 layer, 1 name x 16 tokens"
W7_LARGE = "64-dim, 4 layers, 32 names x 16 tokens"


def gpt_workload(quick: bool = False) -> Workload:
    """W7: one training step of demos/gpt.py's model; PyTorch runs here even in --quick."""
    rep = 3 if quick else 7
    t_min = 0.05 if quick else 0.3
    small: dict[str, Any] = {}
    large = {"n_embd": 64, "n_layer": 4, "batch": 32}
    cases = [
        Case(W7_SMALL, engine, "gpt", small, repeat=rep, min_time=t_min)
        for engine in ("ours", "torch")
    ]
    cases.append(
        Case(W7_SMALL, "scalar", "gpt", small, warmup=1, repeat=1 if quick else 3, min_time=0.0)
    )
    cases += [
        Case(W7_LARGE, engine, "gpt", large, repeat=rep, min_time=t_min)
        for engine in ("ours", "torch")
    ]
    return Workload(
        "W7",
        "GPT demo model (demos/gpt.py): one training step, forward + "
        "backward + Adam, float64; 'scalar' is the same step on our Value",
        cases,
        reference="torch",
        rounds=1 if quick else 3,
    )


# -- targets --------------------------------------------------------------------------------
@dataclass
class Verdict:
    target: str
    measured: str
    met: bool | None  # None: could not be measured


def _find(rows: list[Row], engine: str, variant: str | None = None) -> Row | None:
    for row in rows:
        if row.case.engine == engine and (variant is None or row.case.variant == variant):
            return row
    return None


def _median(row: Row | None) -> float | None:
    if row is None or row.result.get("status") != "ok":
        return None
    return float(row.result["median"])


def check_targets(results: dict[str, list[Row]]) -> list[Verdict]:
    """Each project target, met or missed, from one run's medians."""
    out: list[Verdict] = []
    if "W1" in results:
        mg = _median(_find(results["W1"], "micrograd", "GC on"))
        for variant, limit in (("GC on", 10), ("gc_paused", 15)):
            ours = _median(_find(results["W1"], "ours", variant))
            if ours and mg:
                out.append(
                    Verdict(
                        f"W1 {variant}: >= {limit}x faster than micrograd (GC on, cycles freed)",
                        f"{mg / ours:.1f}x",
                        mg / ours >= limit,
                    )
                )
    if "W2" in results:
        for variant, limit in (
            ("+ - * tanh relu exp", 1.2),
            ("+ - * tanh relu exp, gc_paused", 0.8),
        ):
            row = _find(results["W2"], "ours", variant)
            med = _median(row)
            if med is not None and row is not None:
                us = med / row.case.per_item * 1e6
                name = "W2 gc_paused" if "paused" in variant else "W2 GC on"
                out.append(
                    Verdict(
                        f"{name}: <= {limit} us/node, forward + backward",
                        f"{us:.2f} us/node",
                        us <= limit,
                    )
                )
    if "W9" in results:
        minimal = _median(_find(results["W9"], "minimal", "GC on"))
        for variant, limit in (("GC on", 1.5), ("gc_paused", 2.5)):
            ours = _median(_find(results["W9"], "ours", variant))
            if ours and minimal:
                out.append(
                    Verdict(
                        f"W9 {variant}: >= {limit}x faster than the minimal Value (GC on)",
                        f"{minimal / ours:.2f}x",
                        minimal / ours >= limit,
                    )
                )
    if "W3" in results:
        ours_rows = [r for r in results["W3"] if r.case.engine == "ours"]
        errors = [r.case.variant for r in ours_rows if r.result.get("status") != "ok"]
        big = [r for r in ours_rows if r.case.params["n"] >= 10**6]
        if big and big[0].result.get("status") == "ok":
            bwd = big[0].result["phases"]["backward"]
            total = big[0].result["median"]
            out.append(
                Verdict(
                    "W3 1e6-node chain: backward < 5 s, no error",
                    f"backward {bwd:.2f} s (build+backward+free {total:.2f} s)",
                    bwd < 5 and not errors,
                )
            )
        elif errors:
            out.append(Verdict("W3 never an error", f"errors at {', '.join(errors)}", False))
    for wid, limit in (("W4", 2.5), ("W5", 1.1), ("W6", 1.1)):
        for variant in dict.fromkeys(r.case.variant for r in results.get(wid, [])):
            if wid == "W5" and "1 thread" not in variant:
                continue
            ours = _median(_find(results[wid], "ours", variant))
            ref = _median(_find(results[wid], "numpy", variant))
            if ours and ref:
                name = f"{wid} {variant}".strip()
                out.append(
                    Verdict(
                        f"{name}: time within {limit}x of numpy",
                        f"{ours / ref:.2f}x",
                        ours / ref <= limit,
                    )
                )
            if wid == "W6":
                mem = [_peak(_find(results[wid], e, variant)) for e in ("ours", "numpy")]
                if mem[0] is not None and mem[1]:
                    out.append(
                        Verdict(
                            f"W6 {variant}: peak memory within 1.3x of numpy",
                            f"{mem[0]:.1f} / {mem[1]:.1f} MiB = {mem[0] / mem[1]:.2f}x",
                            mem[0] / mem[1] <= 1.3,
                        )
                    )
    if "W7" in results:
        for variant, limit in ((W7_SMALL, 1.0), (W7_LARGE, 1.5)):
            ours = _median(_find(results["W7"], "ours", variant))
            ref = _median(_find(results["W7"], "torch", variant))
            if ours and ref:
                out.append(
                    Verdict(
                        f"W7 {variant}: at most {limit}x PyTorch CPU",
                        f"{ours / ref:.2f}x",
                        ours / ref <= limit,
                    )
                )
        ours = _median(_find(results["W7"], "ours", W7_SMALL))
        scalar = _median(_find(results["W7"], "scalar", W7_SMALL))
        if ours and scalar:
            out.append(
                Verdict(
                    "W7 microgpt size: >= 50x faster than scalar Values",
                    f"{scalar / ours:.0f}x",
                    scalar / ours >= 50,
                )
            )
    if "W11" in results:
        out += _compiled_targets(results["W11"])
    for variant in dict.fromkeys(r.case.variant for r in results.get("W8", [])):
        ours = _median(_find(results["W8"], "ours", variant))
        ref = _median(_find(results["W8"], "torch", variant))
        if ours and ref:
            out.append(
                Verdict(
                    f"W8 {variant}: time within 2.0x of PyTorch",
                    f"{ours / ref:.2f}x",
                    ours / ref <= 2.0,
                )
            )
        mem = [_peak(_find(results["W8"], e, variant)) for e in ("ours", "torch")]
        if mem[0] is not None and mem[1]:
            out.append(
                Verdict(
                    f"W8 {variant}: peak memory within 1.5x of PyTorch",
                    f"{mem[0]:.1f} / {mem[1]:.1f} MiB = {mem[0] / mem[1]:.2f}x",
                    mem[0] / mem[1] <= 1.5,
                )
            )
    return out


def _compiled_targets(rows: list[Row]) -> list[Verdict]:
    out: list[Verdict] = []
    eager = _median(_find(rows, "eager", W11_W1))
    compiled = _median(_find(rows, "compiled", W11_W1))
    first = _median(_find(rows, "first call", W11_W1))
    micrograd = _median(_find(rows, "micrograd", W11_W1))
    if eager and compiled:
        out.append(
            Verdict(
                "W11 W1 compiled: >= 30x faster than eager (GC on)",
                f"{eager / compiled:.0f}x",
                eager / compiled >= 30,
            )
        )
    if eager and first:
        out.append(
            Verdict(
                "W11 W1 first call (trace + build): <= 5 eager steps",
                f"{first / eager:.1f} steps",
                first / eager <= 5,
            )
        )
    if micrograd and compiled:
        out.append(
            Verdict(
                "W11 W1 compiled: >= 300x faster than micrograd",
                f"{micrograd / compiled:.0f}x",
                micrograd / compiled >= 300,
            )
        )
    row = _find(rows, "compiled", W11_W2)
    replay = _median(row)
    if replay is not None and row is not None:
        us = replay / row.case.per_item * 1e6
        out.append(
            Verdict(
                "W11 W2 program replay: <= 0.1 us/op, forward + backward",
                f"{us:.2f} us/op",
                us <= 0.1,
            )
        )
    ref, compiled = _median(_find(rows, "numpy", W11_W4)), _median(_find(rows, "compiled", W11_W4))
    if ref and compiled:
        out.append(
            Verdict(
                "W11 W4 compiled: within 1.3x of numpy",
                f"{compiled / ref:.2f}x",
                compiled / ref <= 1.3,
            )
        )
    return out


def _peak(row: Row | None) -> float | None:
    if row is None or not row.memory or row.memory.get("status") != "ok":
        return None
    value = row.memory.get("rss_peak_mib")
    return float(value) if value is not None else None
