"""Regression: a 1-2-1 network (7 weights) fitted to noisy samples of sin(x) with MSE.

Two tanh units are enough to bend a line into an S: the fit follows sin(x)
on [-3, 3] up to the noise. Run alone: ``python -m demos.regression --out out``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import nn
from autograd import Tensor, manual_seed, no_grad
from demos._common import cli, plt, save


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    x = np.sort(rng.uniform(-3.0, 3.0, 60))
    y = np.sin(x) + rng.normal(0.0, 0.1, x.shape)
    X, Y = Tensor(x[:, None]), y[:, None]  # one example per row, one feature

    manual_seed(1)
    model = nn.MLP([1, 2, 1], activation="tanh")  # 1*2 + 2 + 2*1 + 1 = 7 weights
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    losses = []
    for _ in range(100 if quick else 1000):
        loss = nn.functional.mse_loss(model(X), Y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())

    grid = np.linspace(-3.5, 3.5, 200)
    with no_grad():
        fit = model(Tensor(grid[:, None])).numpy().ravel()
    fig, (ax, ax_loss) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax.scatter(x, y, s=14, color="C0", label="noisy data")
    ax.plot(grid, np.sin(grid), "k--", lw=1, label="sin(x) (truth)")
    ax.plot(grid, fit, color="C3", lw=2, label="network fit")
    ax.set(title=f"1-2-1 tanh network ({model.num_parameters()} weights)", xlabel="x", ylabel="y")
    ax.legend()
    ax_loss.plot(losses)
    ax_loss.set(title="training loss (Adam, full batch)", xlabel="step", ylabel="MSE", yscale="log")
    path = save(fig, out_dir, "regression.png")
    return {
        "summary": f"1-2-1 tanh MLP ({model.num_parameters()} weights) fitted to noisy "
        f"sin(x) with MSE",
        "final_mse": losses[-1],
        "files": [path],
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
