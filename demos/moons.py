"""Moons: micrograd's classic demo, on scalar Values and again on Tensors.

Both models are MLPs 2 -> 16 -> 16 -> 1 with ReLU (337 weights), trained with
the SVM max-margin loss mean(relu(1 - y * score)) plus an L2 penalty, labels
y in {-1, +1}. The scalar one is ``nn.scalar.MLP`` trained with plain SGD
for 100 full-batch steps, exactly as in micrograd: every multiply is its own
graph node. The Tensor one is ``nn.MLP`` trained with Adam: one node per
matrix op. Same ideas, very different speed. Run: ``python -m demos.moons``.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import numpy as np

import nn
from autograd import Tensor, Value, gc_paused, manual_seed
from demos._common import cli, plot_boundary, plt, progress, save, scorer

ALPHA = 1e-4  # L2 penalty


def train_scalar(X: np.ndarray, y: np.ndarray, steps: int) -> nn.scalar.MLP:
    """micrograd's loop: build the whole graph of the batch in Values, backward, SGD.

    Each step runs under ``gc_paused()``: the graph (~65,000 nodes) has no reference
    cycles, so pausing Python's cyclic garbage collector only saves it from scanning
    the graph over and over while it grows (see README, "When gc_paused helps").
    """
    model = nn.scalar.MLP(2, [16, 16, 1])
    rows, labels = X.tolist(), (2 * y - 1).tolist()
    for k in progress(range(steps), "moons: scalar Values, SGD"):
        with gc_paused():
            scores = [model(row) for row in rows]
            losses = [(1 - label * s).relu() for label, s in zip(labels, scores, strict=True)]
            data_loss = sum(losses, Value(0.0)) * (1.0 / len(losses))
            l2 = ALPHA * sum((p * p for p in model.parameters()), Value(0.0))
            loss = data_loss + l2
            model.zero_grad()
            loss.backward()
            lr = 1.0 - 0.9 * k / steps  # decays from 1.0 to 0.1
            for p in model.parameters():
                p.data -= lr * p.grad
            del scores, losses, data_loss, l2, loss  # the graph is freed inside the pause
    return model


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
    sizes = [len(scalar_model.layers[0].neurons[0].w)] + [len(la.neurons)
                                                          for la in scalar_model.layers]
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

    random.seed(1337)  # nn.scalar draws its weights from Python's random, as micrograd does
    start = time.perf_counter()
    scalar_model = as_tensor_mlp(train_scalar(X, y, steps_scalar))
    scalar_time = time.perf_counter() - start

    manual_seed(1337)
    start = time.perf_counter()
    tensor_model = train_tensor(X, y, steps_tensor)
    tensor_time = time.perf_counter() - start

    acc_scalar = float(((scorer(scalar_model)(X) > 0) == y).mean())
    acc_tensor = float(((scorer(tensor_model)(X) > 0) == y).mean())
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.3))
    plot_boundary(axes[0], scorer(scalar_model), X, y,
                  f"nn.scalar.MLP + SGD: {steps_scalar} steps, {scalar_time:.1f} s, "
                  f"{acc_scalar:.0%}")
    plot_boundary(axes[1], scorer(tensor_model), X, y,
                  f"nn.MLP (Tensor) + Adam: {steps_tensor} steps, {tensor_time:.1f} s, "
                  f"{acc_tensor:.0%}")
    axes[0].legend(loc="lower left", fontsize=8)
    path = save(fig, out_dir, "moons.png")
    return {
        "summary": f"MLP 2-16-16-1, max-margin loss + L2, on {len(X)} moons: "
                   f"Values+SGD vs Tensors+Adam",
        "scalar": f"{steps_scalar} steps in {scalar_time:.2f} s "
                  f"({1000 * scalar_time / steps_scalar:.0f} ms/step), accuracy {acc_scalar:.0%}",
        "tensor": f"{steps_tensor} steps in {tensor_time:.2f} s "
                  f"({1000 * tensor_time / steps_tensor:.1f} ms/step), accuracy {acc_tensor:.0%}",
        "files": [path],
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
