"""Weighted loss: down-weight examples whose labels you do not trust, via ``sample_weight``.

We flip 40% of class 0's labels to 1 in a moons training set: a biased
corruption that pushes the boundary into class 0. Suppose the flipped examples
were flagged as doubtful (say, annotators disagreed): giving them weight 0.1
instead of 1.0 in ``binary_cross_entropy_with_logits(..., sample_weight=w)``
makes training trust them less. Each weight is in [0, 1]; reduction "mean"
averages the weighted per-example losses. Accuracy is measured against the
clean labels. Run: ``python -m demos.weighted_loss``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import nn
from autograd import Tensor, manual_seed
from demos._common import cli, plot_boundary, plt, save, scorer

F = nn.functional


def train(X: np.ndarray, labels: np.ndarray, weights: np.ndarray | None, steps: int) -> nn.MLP:
    manual_seed(0)  # both runs start from the same weights: only the loss differs
    model = nn.MLP([2, 16, 16, 1])
    opt = nn.optim.Adam(model.parameters(), lr=0.01)
    inputs, targets = Tensor(X), labels[:, None].astype(np.float64)
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(model(inputs), targets, sample_weight=weights)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return model


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    X, y = nn.data.make_moons(200, noise=0.15, seed=0)
    X_test, y_test = nn.data.make_moons(1000, noise=0.15, seed=1)
    rng = np.random.default_rng(0)
    flipped = (y == 0) & (rng.random(len(y)) < 0.4)
    noisy = np.where(flipped, 1, y)
    weights = np.where(flipped, 0.1, 1.0)  # doubtful labels count a tenth

    steps = 60 if quick else 500
    models = {
        "unweighted": train(X, noisy, None, steps),
        "weighted (flipped: 0.1)": train(X, noisy, weights, steps),
    }

    fig, axes = plt.subplots(1, 2, figsize=(10, 4.4))
    result: dict[str, Any] = {
        "summary": f"MLP 2-16-16-1 on moons with {flipped.sum()} of "
        f"{(y == 0).sum()} class-0 labels flipped, BCE "
        f"unweighted vs sample_weight"
    }
    for ax, (name, model) in zip(axes, models.items(), strict=True):
        score = scorer(model)
        acc_train = float(((score(X) > 0) == y).mean())
        acc_test = float(((score(X_test) > 0) == y_test).mean())
        plot_boundary(
            ax,
            score,
            X,
            noisy,
            f"{name}\n{acc_train:.0%} right on clean labels, {acc_test:.0%} on test",
        )
        ax.scatter(*X[flipped].T, marker="x", s=18, c="k", lw=0.8, label="flipped (was class 0)")
        result[f"accuracy_{name.split()[0]}"] = (
            f"{acc_train:.1%} on the clean training labels, "
            f"{acc_test:.1%} on 1000 clean test points"
        )
    axes[0].legend(loc="lower left", fontsize=8)
    result["files"] = [save(fig, out_dir, "weighted_loss.png")]
    return result


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
