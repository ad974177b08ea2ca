"""Classification: a 2-2-1 network (9 weights) learns XOR's two classes with cross-entropy.

No single line separates XOR (see ``demos.perceptron``), but two tanh hidden
units draw two lines and the output unit combines them. The loss is binary
cross-entropy on the raw output (``binary_cross_entropy_with_logits``).
With only two hidden units some seeds get stuck near 70%, e.g.
``run(Path("out"), seed=2)``: small networks have bad local minima.
Run: ``python -m demos.classification``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import nn
from autograd import Tensor, manual_seed
from demos._common import cli, plot_boundary, plt, save, scorer


def run(out_dir: Path, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    X, y = nn.data.make_xor(200, noise=0.3, seed=0)
    targets = y[:, None].astype(np.float64)  # 0.0 / 1.0, one column like the output

    manual_seed(seed)
    model = nn.MLP([2, 2, 1], activation="tanh")  # 2*2 + 2 + 2*1 + 1 = 9 weights
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(100 if quick else 500):
        loss = nn.functional.binary_cross_entropy_with_logits(model(Tensor(X)), targets)
        opt.zero_grad()
        loss.backward()
        opt.step()

    score = scorer(model)  # points -> raw outputs; > 0 means class 1
    accuracy = float(((score(X) > 0) == y).mean())
    fig, ax = plt.subplots(figsize=(5, 4.5))
    plot_boundary(ax, score, X, y, f"2-2-1 tanh network, 9 weights: {accuracy:.0%} correct")
    ax.legend(loc="upper right", fontsize=8)
    path = save(fig, out_dir, "classification.png")
    return {
        "summary": "2-2-1 tanh MLP (9 weights) on XOR, BCE with logits",
        "final_loss": loss.item(),
        "accuracy": accuracy,
        "files": [path],
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
