"""Child entry point: build one workload for one engine, measure it, print one JSON line.

    python -m benchmarks.run_one '{"workload": "w3", "engine": "ours", "params": {"n": 1000}}'

Spec keys: ``workload``, ``engine``, ``params`` (the builder's keyword arguments),
``threads`` (BLAS threads; the parent also sets the environment variables), ``mode``
("time" or "memory"), and for timing ``warmup``, ``repeat``, ``min_time`` and ``clock``
("wall" or "cpu", see ``harness.set_clock``).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Any

from benchmarks import (
    cnn_workloads,
    compiled_workloads,
    course_workloads,
    gpt_workloads,
    harness,
    numpy_reference,
    scalar_workloads,
    tensor_workloads,
    transformer_workload,
)

Builder = Callable[..., harness.Step]

BUILDERS: dict[tuple[str, str], Builder] = {
    ("w1", "ours"): scalar_workloads.demo_step_ours,
    ("w1", "micrograd"): scalar_workloads.demo_step_micrograd,
    ("w2", "ours"): scalar_workloads.program_ours,
    ("w2", "micrograd"): scalar_workloads.program_micrograd,
    ("w3", "ours"): scalar_workloads.chain_ours,
    ("w3", "micrograd"): scalar_workloads.chain_micrograd,
    ("mlp", "ours"): tensor_workloads.mlp_step_ours,
    ("mlp", "torch"): tensor_workloads.mlp_step_torch,
    ("mlp", "numpy"): numpy_reference.mlp_step_numpy,
    ("w9", "ours"): transformer_workload.step_ours,
    ("w9", "minimal"): transformer_workload.step_minimal,
    ("w9", "micrograd"): transformer_workload.step_micrograd,
    ("gpt", "ours"): gpt_workloads.gpt_step_ours,
    ("gpt", "torch"): gpt_workloads.gpt_step_torch,
    ("gpt", "scalar"): gpt_workloads.gpt_step_scalar,
    ("cnn", "ours"): cnn_workloads.cnn_step_ours,
    ("cnn", "torch"): cnn_workloads.cnn_step_torch,
    ("w11", "compiled"): compiled_workloads.compiled_step,
    ("w11", "first call"): functools.partial(compiled_workloads.compiled_step, first=True),
    ("w11", "eager"): compiled_workloads.reference_step,
    ("w11", "micrograd"): functools.partial(compiled_workloads.reference_step, engine="micrograd"),
    ("w11", "numpy"): functools.partial(compiled_workloads.reference_step, engine="numpy"),
    **{
        (f"w10-{model}", engine): course_workloads.builder(model, engine)
        for model in ("mlp", "bnmlp", "wavenet", "gpt")
        for engine in ("facade", "torch", "native")
    },
}


def run(spec: dict[str, Any]) -> dict[str, Any]:
    """Build and measure; exceptions become ``{"status": "error"}`` or ``"n/a"``."""
    harness.set_clock(spec.get("clock", "wall"))
    key = (spec["workload"], spec["engine"])
    builder = BUILDERS.get(key)
    if builder is None:
        return {"status": "n/a", "error": f"no builder for {key}"}

    def build() -> harness.Step:
        return builder(threads=spec.get("threads", 1), **spec.get("params", {}))

    try:
        step = build()
    except (harness.EngineMissing, ImportError) as exc:
        return {"status": "n/a", "error": str(exc)}
    try:
        if spec.get("mode") == "memory":
            del step
            result = harness.measure_memory(build)
        else:
            result = harness.measure_time(
                step,
                warmup=spec.get("warmup", 2),
                repeat=spec.get("repeat", 7),
                min_time=spec.get("min_time", 0.2),
            )
    except Exception as exc:  # noqa: BLE001 - a failing engine is a result (W3: RecursionError)
        return {"status": "error", "error": f"{type(exc).__name__}: {str(exc)[:120]}"}
    result["status"] = "ok"
    return result


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    spec = json.loads(args[0])
    print(json.dumps(run(spec)))


if __name__ == "__main__":
    main()
