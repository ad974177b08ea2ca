"""Scalar workloads W1-W3, on ``autograd.Value`` and on micrograd's ``Value``.

Both engines run the same code on the same numbers; only the ``Value`` class (and for
W1 the MLP class) differs. Every builder returns a ``step`` callable with setup done.
``paused=True`` runs each step under ``autograd.gc_paused()``; micrograd's W1 step
with ``collect=True`` ends with a ``gc.collect()``, which frees its graph (a reference
cycle) within the step instead of leaving it to later collections.

- W1 ``demo_step_*``: one training step of micrograd's demo (MLP 2-16-16-1 on 100
  two-moons points, SVM max-margin loss + L2, SGD).
- W2 ``program_*``: a seeded random straight-line program of scalar ops, compiled to a
  Python function, forward and backward; reported per op.
- W3 ``chain_*``: a chain of ``n`` additions, then backward.
"""

from __future__ import annotations

import gc
import random
import sys
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from benchmarks import harness
from benchmarks.harness import EngineMissing, Step


def _value_class(engine: str) -> Any:
    if engine == "ours":
        from autograd import Value

        return Value
    try:
        from micrograd.engine import Value as MicrogradValue
    except ImportError as exc:
        raise EngineMissing("micrograd is not installed (pip install -e '.[bench]')") from exc
    return MicrogradValue


# -- W1: micrograd's demo step -------------------------------------------------------------
def _moons(n: int, seed: int) -> tuple[list[list[float]], list[float]]:
    from nn.data import make_moons

    X, y = make_moons(n, noise=0.1, seed=seed)
    return X.tolist(), (2.0 * y - 1.0).tolist()  # labels -1/+1 for the max-margin loss


def _demo_step(
    model: Any,
    n_points: int,
    seed: int,
    lr: float = 0.1,
    paused: bool = False,
    collect: bool = False,
) -> Step:
    """The loop body of micrograd's demo.ipynb, identical for both engines.

    Phases: "step" (forward, backward, SGD) and "free" (dropping the graph, plus a
    ``gc.collect()`` when ``collect``).
    """
    inputs, ys = _moons(n_points, seed)
    params = list(model.parameters())
    # The same starting weights on both sides: uniform(-1, 1) weights, zero biases.
    init = np.random.default_rng(seed).uniform(-1.0, 1.0, len(params)).tolist()
    for p, w in zip(params, init, strict=True):
        p.data = w
    for layer in model.layers:
        for neuron in layer.neurons:
            neuron.b.data = 0.0

    def step() -> dict[str, float]:
        t0 = harness.now()
        scores = [model(x) for x in inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in params)
        total = data_loss + reg_loss
        model.zero_grad()
        total.backward()
        for p in params:
            p.data -= lr * p.grad
        t1 = harness.now()
        del scores, losses, data_loss, reg_loss, total
        if collect:
            gc.collect()
        return {"step": t1 - t0, "free": harness.now() - t1}

    return _paused(step) if paused else step


def _paused(step: Step) -> Step:
    from autograd import gc_paused

    def paused_step() -> dict[str, float] | None:
        with gc_paused():
            return step()

    return paused_step


def demo_step_ours(
    threads: int = 1, n_points: int = 100, seed: int = 0, paused: bool = False
) -> Step:
    from nn.scalar import MLP

    return _demo_step(MLP(2, [16, 16, 1]), n_points, seed, paused=paused)


def demo_step_micrograd(
    threads: int = 1, n_points: int = 100, seed: int = 0, collect: bool = False
) -> Step:
    _value_class("micrograd")
    from micrograd.nn import MLP

    return _demo_step(MLP(2, [16, 16, 1]), n_points, seed, collect=collect)


# -- W2: a random scalar program --------------------------------------------------------
BOUND = 4.0  # every intermediate value stays in [-BOUND, BOUND]: no overflow, no underflow to inf
WINDOW = 16  # the second operand is one of the last WINDOW nodes
N_LEAVES = 16
FULL_OPS = ("+", "-", "*", "tanh", "relu", "exp")
MICROGRAD_OPS = ("+", "-", "*", "relu")  # micrograd's Value has no tanh or exp


def _apply(op: str, a: float, b: float) -> float:
    if op == "+":
        return a + b
    if op == "-":
        return a - b
    if op == "*":
        return a * b
    if op == "tanh":
        return float(np.tanh(a))
    if op == "relu":
        return a if a > 0.0 else 0.0
    if op == "exp":
        return float(np.exp(a)) if a < 1.0 else float("inf")
    raise ValueError(op)


def make_program(n_ops: int, seed: int, ops: Sequence[str]) -> tuple[list[float], str]:
    """Leaf values and the source of ``def program(leaves)`` with ``n_ops`` scalar ops.

    Each op reads the previous node (so the result depends on every node) and, when
    binary, one of the last WINDOW nodes. The generator runs the program on floats and
    only emits ops that keep values bounded; when none does, it emits ``x * 0.5``.

    >>> leaves, src = make_program(3, 0, FULL_OPS)
    >>> len(leaves), src.count("\\n    v")
    (16, 4)
    """
    rng = random.Random(seed)
    leaves = [rng.uniform(-1.0, 1.0) for _ in range(N_LEAVES)]
    vals = list(leaves)
    names = ", ".join(f"v{i}" for i in range(N_LEAVES))
    lines = ["def program(leaves):", f"    {names}, = leaves"]
    for k in range(N_LEAVES, N_LEAVES + n_ops):
        a = k - 1
        for _ in range(8):
            op = rng.choice(ops)
            b = k - 1 - rng.randrange(1, WINDOW) if op in "+-*" else a
            x = _apply(op, vals[a], vals[b])
            if abs(x) <= BOUND:
                break
        else:
            op, x = "scale", vals[a] * 0.5
        vals.append(x)
        if op in ("+", "-", "*"):
            lines.append(f"    v{k} = v{a} {op} v{b}")
        elif op == "scale":
            lines.append(f"    v{k} = v{a} * 0.5")
        else:
            lines.append(f"    v{k} = v{a}.{op}()")
    lines.append(f"    return v{N_LEAVES + n_ops - 1}")
    return leaves, "\n".join(lines) + "\n"


def _compile_program(source: str) -> Callable[[list[Any]], Any]:
    namespace: dict[str, Any] = {}
    exec(compile(source, "<benchmark program>", "exec"), namespace)  # noqa: S102 - our own source
    return namespace["program"]  # type: ignore[no-any-return]


def _program_step(
    engine: str, n_ops: int, seed: int, ops: Sequence[str], paused: bool = False
) -> Step:
    value = _value_class(engine)
    leaf_values, source = make_program(n_ops, seed, ops)
    program = _compile_program(source)
    leaves = [value(x) for x in leaf_values]

    def step() -> dict[str, float]:
        t0 = harness.now()
        root = program(leaves)
        t1 = harness.now()
        root.backward()
        t2 = harness.now()
        del root  # freeing the graph is part of the work a user pays for
        t3 = harness.now()
        return {"forward": t1 - t0, "backward": t2 - t1, "free": t3 - t2}

    return _paused(step) if paused else step


def program_ours(
    threads: int = 1, n_ops: int = 200_000, seed: int = 0, ops: str = "full", paused: bool = False
) -> Step:
    return _program_step("ours", n_ops, seed, FULL_OPS if ops == "full" else MICROGRAD_OPS, paused)


def program_micrograd(
    threads: int = 1, n_ops: int = 200_000, seed: int = 0, ops: str = "micrograd"
) -> Step:
    if ops == "full":
        raise EngineMissing("micrograd's Value has no tanh or exp")
    # The program is a chain as deep as it is long, and micrograd sorts the graph
    # recursively: let it recurse (plain Python calls use no C stack on 3.11+).
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * n_ops + 10_000))
    return _program_step("micrograd", n_ops, seed, MICROGRAD_OPS)


# -- W3: a deep chain -----------------------------------------------------------------------
def _chain_step(engine: str, n: int) -> Step:
    value = _value_class(engine)
    x = value(0.5)

    def step() -> dict[str, float]:
        t0 = harness.now()
        y = value(0.0)
        for _ in range(n):
            y = y + x
        t1 = harness.now()
        y.backward()
        t2 = harness.now()
        del y
        t3 = harness.now()
        return {"build": t1 - t0, "backward": t2 - t1, "free": t3 - t2}

    return step


def chain_ours(threads: int = 1, n: int = 1000) -> Step:
    return _chain_step("ours", n)


def chain_micrograd(threads: int = 1, n: int = 1000) -> Step:
    return _chain_step("micrograd", n)  # default recursion limit, as users run it
