"""Sigmoid's derivative two ways: the formula s(x)(1 - s(x)) and reverse-mode autodiff.

Autodiff is not numerical differentiation: it applies the chain rule exactly,
so the two curves agree to the last few bits of floating point. We check it
on scalar Values (one backward per point) and on a Tensor (one backward for
all points). Run: ``python -m demos.sigmoid_autodiff``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from autograd import Tensor, Value
from demos._common import cli, plt, save


def sigmoid_grad_value(x: float) -> float:
    v = Value(x)
    v.sigmoid().backward()
    return v.grad


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    xs = np.linspace(-8.0, 8.0, 81 if quick else 321)
    s = 1.0 / (1.0 + np.exp(-xs))
    analytic = s * (1.0 - s)

    by_values = np.array([sigmoid_grad_value(x) for x in xs.tolist()])
    t = Tensor(xs, requires_grad=True)
    t.sigmoid().sum().backward()
    by_tensor = t.grad
    diff_values = float(np.max(np.abs(by_values - analytic)))
    diff_tensor = float(np.max(np.abs(by_tensor - analytic)))

    fig, (ax, ax_diff) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax.plot(xs, s, color="0.6", lw=1, label="s(x) = sigmoid(x)")
    ax.plot(xs, analytic, color="C0", lw=5, alpha=0.45, label="s(x)(1 - s(x))  (formula)")
    ax.plot(xs, by_values, color="C3", lw=1.5, ls="--", label="autodiff, Value")
    ax.plot(xs, by_tensor, color="k", lw=1, ls=":", label="autodiff, Tensor")
    ax.set(title="sigmoid'(x): formula and autodiff overlap", xlabel="x", ylabel="value")
    ax.legend(fontsize=8)
    ax_diff.plot(xs, by_values - analytic, "o", color="C3", ms=3, label="Value - formula")
    ax_diff.plot(xs, by_tensor - analytic, "x", color="k", ms=3, label="Tensor - formula")
    ax_diff.set(
        title="difference (machine epsilon is 2.2e-16)", xlabel="x", ylabel="autodiff - formula"
    )
    ax_diff.ticklabel_format(axis="y", style="sci", scilimits=(0, 0))
    ax_diff.legend(fontsize=8)
    path = save(fig, out_dir, "sigmoid_autodiff.png")
    return {
        "summary": "sigmoid'(x) by formula vs by backward(), on Values and on a Tensor",
        "max_abs_difference_value": f"{diff_values:.2e}",
        "max_abs_difference_tensor": f"{diff_tensor:.2e}",
        "files": [path],
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
