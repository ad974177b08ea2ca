"""Moons: micrograd's classic demo, on scalar Values and again on Tensors.

Both models are MLPs 2 -> 16 -> 16 -> 1 with ReLU (337 weights), trained with
the SVM max-margin loss mean(relu(1 - y * score)) plus an L2 penalty, labels
y in {-1, +1}. The scalar one is ``nn.scalar.MLP`` trained with plain SGD
for 100 full-batch steps, exactly as in micrograd: every multiply is its own
graph node. The scalar training runs twice: eagerly (a graph of ~65,000 nodes built
and walked every step) and under ``autograd.compile`` (the step traced once, then
replayed as a few dozen numpy calls), with the same numbers. The Tensor one is
``nn.MLP`` trained with Adam: one node per matrix op. Same ideas, very different
speed. Run: ``python -m demos.moons``.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import numpy as np

import autograd
import nn
from autograd import Tensor, Value, gc_paused, manual_seed
from demos._common import cli, plot_boundary, plt, progress, save, scorer

ALPHA = 1e-4  # L2 penalty


def _scalar_loss(model: nn.scalar.MLP, rows: list[list[float]], labels: list[float]) -> Value:
    """micrograd's loss: mean(relu(1 - y * score)) + ALPHA * sum(w**2), all in Values."""
    scores = [model(row) for row in rows]
    losses = [(1 - label * s).relu() for label, s in zip(labels, scores, strict=True)]
    data_loss = sum(losses, Value(0.0)) * (1.0 / len(losses))
    return data_loss + ALPHA * sum((p * p for p in model.parameters()), Value(0.0))


def train_scalar(
    X: np.ndarray, y: np.ndarray, steps: int, compiled: bool = False
) -> tuple[nn.scalar.MLP, float, float]:
    """micrograd's loop: build the whole graph of the batch in Values, backward, SGD.

    Eagerly, each step runs under ``gc_paused()``: the graph (~65,000 nodes) has no
    reference cycles, so pausing Python's cyclic garbage collector only saves it from
    scanning the graph over and over while it grows (see README, "When gc_paused
    helps"). With ``compiled``, ``autograd.compile`` traces the loss once and replays
    it (forward and backward) on the weights' current values: no graph is built after
    the first step. Returns the model, the last step's loss and the first step's time.
    """
    model = nn.scalar.MLP(2, [16, 16, 1])
    rows, labels = X.tolist(), (2 * y - 1).tolist()
    step = autograd.compile(lambda: _scalar_loss(model, rows, labels))
    loss, first = float("nan"), 0.0
    what = "compiled" if compiled else "eager"
    for k in progress(range(steps), f"moons: scalar Values, SGD, {what}"):
        start = time.perf_counter()
        model.zero_grad()
        if compiled:
            loss = step()  # forward and backward: leaves each weight's .grad
        else:
            with gc_paused():
                node = _scalar_loss(model, rows, labels)
                node.backward()
                loss = node.data
                del node  # the graph is freed inside the pause
        lr = 1.0 - 0.9 * k / steps  # decays from 1.0 to 0.1
        for p in model.parameters():
            p.data -= lr * p.grad
        if k == 0:
            first = time.perf_counter() - start
    return model, loss, first


def train_tensor(X: np.ndarray, y: np.ndarray, steps: int) -> nn.MLP:
    """The same loss on whole arrays: a handful of nodes per step instead of tens of thousands."""
    model = nn.MLP([2, 16, 16, 1])
    opt = nn.optim.Adam(model.parameters(), lr=0.01)
    inputs, labels = Tensor(X), (2.0 * y - 1.0)[:, None]
    for _ in progress(range(steps), "moons: Tensors, Adam"):
        scores = model(inputs)
        data_loss = (1 - labels * scores).relu().mean()
        l2 = sum(((p * p).sum() for p in model.parameters()), Tensor(0.0))
        loss = data_loss + ALPHA * l2
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def as_tensor_mlp(scalar_model: nn.scalar.MLP) -> nn.MLP:
    """Copy a scalar MLP's weights into the equivalent Tensor MLP (fast to evaluate on a grid)."""
    sizes = [len(scalar_model.layers[0].neurons[0].w)] + [
        len(la.neurons) for la in scalar_model.layers
    ]
    model = nn.MLP(sizes)
    state = {}
    for i, layer in enumerate(scalar_model.layers):  # Linear layers are children 0, 2, 4, ...
        state[f"{2 * i}.weight"] = np.array([[w.data for w in n.w] for n in layer.neurons])
        state[f"{2 * i}.bias"] = np.array([n.b.data for n in layer.neurons])
    model.load_state_dict(state)
    return model


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    X, y = nn.data.make_moons(30 if quick else 100, noise=0.1, seed=1)
    steps_scalar, steps_tensor = (2, 20) if quick else (100, 300)

    times, losses, models, firsts = {}, {}, {}, {}
    for how in ("eager", "compiled"):
        random.seed(1337)  # nn.scalar draws its weights from Python's random, as micrograd does
        start = time.perf_counter()
        trained, losses[how], firsts[how] = train_scalar(
            X, y, steps_scalar, compiled=how == "compiled"
        )
        times[how] = time.perf_counter() - start
        models[how] = as_tensor_mlp(trained)
    scalar_model, scalar_time = models["eager"], times["eager"]

    manual_seed(1337)
    start = time.perf_counter()
    tensor_model = train_tensor(X, y, steps_tensor)
    tensor_time = time.perf_counter() - start

    acc_scalar = float(((scorer(scalar_model)(X) > 0) == y).mean())
    acc_tensor = float(((scorer(tensor_model)(X) > 0) == y).mean())
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.3))
    plot_boundary(
        axes[0],
        scorer(scalar_model),
        X,
        y,
        f"nn.scalar.MLP + SGD: {steps_scalar} steps, {scalar_time:.1f} s, {acc_scalar:.0%}",
    )
    plot_boundary(
        axes[1],
        scorer(tensor_model),
        X,
        y,
        f"nn.MLP (Tensor) + Adam: {steps_tensor} steps, {tensor_time:.1f} s, {acc_tensor:.0%}",
    )
    axes[0].legend(loc="lower left", fontsize=8)
    path = save(fig, out_dir, "moons.png")
    return {
        "summary": f"MLP 2-16-16-1, max-margin loss + L2, on {len(X)} moons: "
        f"Values+SGD vs Tensors+Adam",
        "scalar": f"{steps_scalar} steps in {scalar_time:.2f} s "
        f"({1000 * scalar_time / steps_scalar:.0f} ms/step), accuracy {acc_scalar:.0%}",
        "compiled": _compiled_summary(steps_scalar, times, firsts, losses),
        "tensor": f"{steps_tensor} steps in {tensor_time:.2f} s "
        f"({1000 * tensor_time / steps_tensor:.1f} ms/step), accuracy {acc_tensor:.0%}",
        "files": [path],
    }


def _compiled_summary(
    steps: int, times: dict[str, float], firsts: dict[str, float], losses: dict[str, float]
) -> str:
    total, first = times["compiled"], firsts["compiled"]
    per_step = (total - first) / max(steps - 1, 1)
    eager_step = times["eager"] / steps
    return (
        f"{steps} steps in {total:.2f} s: the first (trace + build) {first:.2f} s, then "
        f"{1000 * per_step:.2f} ms/step, {eager_step / per_step:.0f}x faster than eager "
        f"({1000 * eager_step:.0f} ms/step); last loss {losses['compiled']:.12f} "
        f"(eager {losses['eager']:.12f})"
    )


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
