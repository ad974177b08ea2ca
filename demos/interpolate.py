"""Interpolate: the loss along the straight line between two trained networks.

Two MLPs with the same architecture, trained on the same moons from different
seeds, reach different minima. ``nn.interpolate(a, b, lam)`` builds the model
with parameters lam * a + (1 - lam) * b: lam = 1 is model a, lam = 0 model b.
Between them the loss usually rises (a barrier): hidden units of the two
networks are not in the same order, so averaging mixes unrelated units. A
per-layer lambda (a list, or a dict by layer name) mixes only some layers and
keeps the others from a, e.g. b's first layer under a's later layers.
Run: ``python -m demos.interpolate``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import nn
from autograd import Tensor, manual_seed, no_grad
from demos._common import cli, plt, save

F = nn.functional


def train(X: np.ndarray, y: np.ndarray, seed: int, steps: int) -> nn.MLP:
    manual_seed(seed)
    model = nn.MLP([2, 16, 16, 1])
    opt = nn.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(model(Tensor(X)), y[:, None].astype(float))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def loss_of(model: nn.Module, X: np.ndarray, y: np.ndarray) -> float:
    with no_grad():
        return F.binary_cross_entropy_with_logits(model(Tensor(X)), y[:, None].astype(float)).item()


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    X, y = nn.data.make_moons(200, noise=0.1, seed=0)
    steps = 60 if quick else 400
    a, b = train(X, y, seed=0, steps=steps), train(X, y, seed=1, steps=steps)
    layers = [name for name, m in a.named_modules() if isinstance(m, nn.Linear)]  # "0", "2", "4"

    lams = np.linspace(0.0, 1.0, 11 if quick else 41)
    everywhere_label = "every layer mixed"
    curves = {  # the legend, in words; the code beside each says how nn.interpolate is called
        everywhere_label: [loss_of(nn.interpolate(a, b, t), X, y) for t in lams],
        "first layer mixed, later layers from a": [  # lam per layer: [lam, 1, 1]
            loss_of(nn.interpolate(a, b, [t, 1.0, 1.0]), X, y) for t in lams
        ],
        "last layer mixed, earlier layers from a": [  # by layer name: {"4": lam, others: 1}
            loss_of(nn.interpolate(a, b, {**dict.fromkeys(layers, 1.0), layers[-1]: t}), X, y)
            for t in lams
        ],
    }

    fig, ax = plt.subplots(figsize=(7, 4.2))
    for (name, losses), style in zip(curves.items(), ["-", "--", ":"], strict=True):
        ax.plot(lams, losses, style, lw=2, label=name)
    ax.set(
        title="training loss between two networks, a and b",
        xlabel="share of a in the mix  (0 = network b, 1 = network a)",
        ylabel="binary cross-entropy",
        yscale="log",
    )
    ax.legend(fontsize=8)
    path = save(fig, out_dir, "interpolate.png")
    everywhere = curves[everywhere_label]
    return {
        "summary": "two MLPs 2-16-16-1 trained on moons from seeds 0 and 1, interpolated",
        "loss_a": everywhere[-1],
        "loss_b": everywhere[0],
        "loss_midpoint": everywhere[len(lams) // 2],
        "max_loss_along_line": max(everywhere),
        "files": [path],
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
