"""Perceptron: Rosenblatt's rule finds a separating line when one exists, and never stops on XOR.

On linearly separable data the perceptron makes finitely many mistakes
(Novikoff's theorem), so an epoch without a mistake comes and training stops.
On XOR no line puts (0,0),(1,1) on one side and (0,1),(1,0) on the other: a
line w.x + b = 0 would need b < 0, w1 + b >= 0, w2 + b >= 0 and
w1 + w2 + b < 0, but the middle two add to w1 + w2 + 2b >= 0, i.e.
w1 + w2 + b >= -b > 0. Every epoch makes a mistake, forever.
Run: ``python -m demos.perceptron``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nn
from demos._common import cli, plot_boundary, plt, save


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    epochs = 20 if quick else 100
    X_sep, y_sep = nn.data.make_linearly_separable(100, margin=0.05, seed=3)
    X_xor, y_xor = nn.data.make_xor(100, noise=0.15, seed=0)

    separable = nn.Perceptron(2)
    fit_sep = separable.fit(X_sep, 2 * y_sep - 1, epochs=epochs)  # labels must be -1 / +1
    xor = nn.Perceptron(2)
    fit_xor = xor.fit(X_xor, 2 * y_xor - 1, epochs=epochs)
    wrong_xor = int((xor.predict(X_xor) != 2 * y_xor - 1).sum())  # by the final line

    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2))
    plot_boundary(
        axes[0],
        separable.decision_function,
        X_sep,
        y_sep,
        f"separable: converged in {fit_sep.epochs} epochs",
    )
    plot_boundary(
        axes[1],
        xor.decision_function,
        X_xor,
        y_xor,
        f"XOR: not converged after {fit_xor.epochs} epochs;\n"
        f"the last line gets {wrong_xor} of {len(y_xor)} wrong",
    )
    axes[0].legend(loc="lower left", fontsize=8)
    axes[2].plot(range(1, fit_sep.epochs + 1), fit_sep.mistakes, "o-", ms=3, label="separable")
    axes[2].plot(range(1, fit_xor.epochs + 1), fit_xor.mistakes, color="C3", lw=1, label="XOR")
    axes[2].set(
        title="mistakes per epoch (each one an update)",
        xlabel="epoch",
        ylabel="misclassified examples",
    )
    axes[2].legend()
    path = save(fig, out_dir, "perceptron.png")
    return {
        "summary": "nn.Perceptron on 100 linearly separable points and on 100 XOR points",
        "separable": f"converged={fit_sep.converged} after {fit_sep.epochs} epochs",
        "xor": f"converged={fit_xor.converged} after {fit_xor.epochs} epochs; the last line "
        f"gets {wrong_xor} of {len(y_xor)} wrong ({fit_xor.mistakes[-1]} mistakes, each "
        f"an update, during the last epoch): no line separates XOR (each class sits on "
        f"one diagonal of the square, and the diagonals cross)",
        "xor_wrong_at_the_end": wrong_xor,
        "files": [path],
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
