"""W11: ``autograd.compile``d steps beside the eager ones they replace.

Each builder returns a ``step`` doing the same work as its eager workload:

- ``w1``: micrograd's demo step (W1): the loss compiled once, then each step replays
  it (forward + backward) and runs the same SGD update; ``first=True`` compiles
  afresh in every step, so the step is the first call: trace + build + one replay.
- ``w2``: W2's random straight-line program, compiled, replayed (reported per op): a
  deep, narrow graph, replayed as generated straight-line Python.
- ``w4``: W4's tensor MLP step with nn's fused ``mse_loss`` (one node, replayed on
  each call's new target), X and the target passed as ndarrays; ``opt.zero_grad()``
  and nn's ``SGD.step()`` run as they are, outside the compiled function. From the
  second call on the replay is generated straight-line Python (the harness's warm-up
  calls make it; a trace's cost is W1's "first call").
- ``w9``: W9's microgpt-style step, compiled: the window's token ids are ints, part
  of the cache key, so almost every step traces again (what compile costs when the
  graph depends on the data). Its softmax is shifted by a constant instead of by
  ``max(v.data ...)``: reading ``.data`` of a node inside compile is refused.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks import harness
from benchmarks.harness import Step


def _w1(n_points: int, seed: int, first: bool, lr: float = 0.1) -> Step:
    import autograd
    from benchmarks.scalar_workloads import _moons
    from nn.scalar import MLP

    model = MLP(2, [16, 16, 1])
    inputs, ys = _moons(n_points, seed)
    params = list(model.parameters())
    init = np.random.default_rng(seed).uniform(-1.0, 1.0, len(params)).tolist()
    for p, w in zip(params, init, strict=True):
        p.data = w
    for layer in model.layers:
        for neuron in layer.neurons:
            neuron.b.data = 0.0

    def loss() -> Any:
        scores = [model(x) for x in inputs]
        losses = [(1 + -yi * si).relu() for yi, si in zip(ys, scores, strict=True)]
        return sum(losses) * (1.0 / len(losses)) + 1e-4 * sum(p * p for p in params)

    compiled = autograd.compile(loss)

    def step() -> dict[str, float]:
        t0 = harness.now()
        run = autograd.compile(loss) if first else compiled
        model.zero_grad()
        run()
        for p in params:
            p.data -= lr * p.grad
        return {"step": harness.now() - t0}

    return step


def _w2(n_ops: int, seed: int) -> Step:
    import autograd
    from benchmarks.scalar_workloads import FULL_OPS, _compile_program, make_program

    leaf_values, source = make_program(n_ops, seed, FULL_OPS)
    compiled = autograd.compile(_compile_program(source))
    compiled(leaf_values)  # trace and build once, outside the timing; the second call
    compiled(leaf_values)  # generates the program's straight-line code (also outside)

    def step() -> dict[str, float]:
        t0 = harness.now()
        compiled(leaf_values)
        return {"replay": harness.now() - t0}

    return step


def _w4(batch: int, seed: int, lr: float = 0.01) -> Step:
    import autograd
    import nn
    from benchmarks.numpy_reference import init_params, make_batch
    from nn import optim

    sizes = [2, 16, 16, 1]
    model = nn.MLP(sizes, activation="tanh")
    params = list(model.parameters())
    for p, arr in zip(params, init_params(sizes, seed, np.dtype("float64")), strict=True):
        p.data = arr
    X, target = make_batch(sizes, batch, "mse", seed, np.dtype("float64"))
    opt = optim.SGD(params, lr=lr)
    compiled = autograd.compile(lambda x, y: nn.functional.mse_loss(model(x), y))

    def step() -> None:
        opt.zero_grad()
        compiled(X, target)
        opt.step()

    return step


def _w9(positions: int, seed: int) -> Step:
    import autograd
    from benchmarks import transformer_workload as tw

    engine = tw.Engine("ours")
    params = tw.init_params(engine.value, seed)
    flat = [v for matrix in params.values() for row in matrix for v in row]
    opt = tw.Adam(flat)
    stream = tw.make_tokens(4096, seed)
    windows = [stream[i : i + positions + 1] for i in range(0, len(stream) - positions - 1, 7)]
    counter = [0]
    compiled = autograd.compile(lambda tokens: _sequence_loss(tw, engine, params, tokens))

    def step() -> dict[str, float]:
        tokens = windows[counter[0] % len(windows)]
        counter[0] += 1
        t0 = harness.now()
        compiled(tokens)
        t1 = harness.now()
        opt.step()
        return {"trace+replay": t1 - t0, "update": harness.now() - t1}

    return step


def _sequence_loss(tw: Any, engine: Any, p: Any, tokens: list[int]) -> Any:
    """W9's loss with a softmax that reads no ``.data`` (values here stay far from overflow)."""
    exp, log = engine.exp, engine.log

    def softmax(logits: list[Any]) -> list[Any]:
        exps = [exp(v) for v in logits]
        total = sum(exps)
        return [e / total for e in exps]

    keys: list[list[Any]] = []
    values: list[list[Any]] = []
    losses = []
    scale = tw.HEAD_DIM**-0.5
    for t in range(len(tokens) - 1):
        x = tw.rmsnorm([a + b for a, b in zip(p["wte"][tokens[t]], p["wpe"][t], strict=True)])
        h = tw.rmsnorm(x)
        q = tw.linear(h, p["wq"])
        keys.append(tw.linear(h, p["wk"]))
        values.append(tw.linear(h, p["wv"]))
        heads: list[Any] = []
        for lo in range(0, tw.N_EMBD, tw.HEAD_DIM):
            hi = lo + tw.HEAD_DIM
            scores = [
                sum(qi * ki for qi, ki in zip(q[lo:hi], k[lo:hi], strict=True)) * scale
                for k in keys
            ]
            weights = softmax(scores)
            heads += [
                sum(w * v[i] for w, v in zip(weights, values, strict=True)) for i in range(lo, hi)
            ]
        x = [a + b for a, b in zip(x, tw.linear(heads, p["wo"]), strict=True)]
        h = [u.relu() for u in tw.linear(tw.rmsnorm(x), p["fc1"])]
        x = [a + b for a, b in zip(x, tw.linear(h, p["fc2"]), strict=True)]
        probs = softmax(tw.linear(x, p["head"]))
        losses.append(-log(probs[tokens[t + 1]]))
    return sum(losses) * (1.0 / len(losses))


def compiled_step(
    threads: int = 1,
    kind: str = "w1",
    n_points: int = 100,
    n_ops: int = 10_000,
    batch: int = 32,
    positions: int = 16,
    seed: int = 0,
    first: bool = False,
) -> Step:
    """The compiled step of workload ``kind`` (w1, w2, w4 or w9)."""
    if kind == "w1":
        return _w1(n_points, seed, first)
    if kind == "w2":
        return _w2(n_ops, seed)
    if kind == "w4":
        return _w4(batch, seed)
    if kind == "w9":
        return _w9(positions, seed)
    raise ValueError(f"compiled_step: unknown kind {kind!r}; expected w1, w2, w4 or w9")


def reference_step(
    threads: int = 1,
    kind: str = "w1",
    engine: str = "eager",
    n_points: int = 100,
    n_ops: int = 10_000,
    batch: int = 32,
    positions: int = 16,
    seed: int = 0,
) -> Step:
    """The step W11 compares with: ours eager, micrograd's, or numpy by hand."""
    from benchmarks import numpy_reference, scalar_workloads, tensor_workloads
    from benchmarks import transformer_workload as tw

    if kind == "w1":
        if engine == "micrograd":
            return scalar_workloads.demo_step_micrograd(n_points=n_points, seed=seed, collect=True)
        return scalar_workloads.demo_step_ours(n_points=n_points, seed=seed)
    if kind == "w2":
        return scalar_workloads.program_ours(n_ops=n_ops, seed=seed, ops="full")
    if kind == "w4":
        params: dict[str, Any] = {
            "sizes": (2, 16, 16, 1),
            "activation": "tanh",
            "loss": "mse",
            "batch": batch,
            "dtype": "float64",
            "lr": 0.01,
            "seed": seed,
        }
        if engine == "numpy":
            return numpy_reference.mlp_step_numpy(**params)
        return tensor_workloads.mlp_step_ours(**params)
    if kind == "w9":
        return tw.step_ours(positions=positions)
    raise ValueError(f"reference_step: unknown kind {kind!r}; expected w1, w2, w4 or w9")
