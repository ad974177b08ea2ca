"""Activations: every activation of the library and its derivative, computed by autodiff.

For each function f we evaluate y = f(x) on a Tensor x of 400 points, call
``y.sum().backward()``, and read f'(x) from ``x.grad`` (the sum's gradient is
1 for every point, and each y_i depends on x_i only). Softmax has two inputs,
so we plot the first output of softmax([x, 0]), which is sigmoid(x).
Run: ``python -m demos.activations``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from autograd import Tensor, stack
from demos._common import cli, plt, save


def softmax_first(x: Tensor) -> Tensor:
    """softmax([x, 0])[0]: the probability of the first of two classes with logits x and 0."""
    return stack([x, x * 0.0], axis=1).softmax(axis=1)[:, 0]


ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "ReLU": Tensor.relu,
    "LeakyReLU(0.1)": lambda x: x.leaky_relu(0.1),
    "ELU": Tensor.elu,
    "CELU(0.5)": lambda x: x.celu(0.5),
    "GELU": Tensor.gelu,
    "Mish": Tensor.mish,
    "Hardswish": Tensor.hardswish,
    "ReLU6": Tensor.relu6,
    "tanh": Tensor.tanh,
    "sigmoid": Tensor.sigmoid,
    "softplus": Tensor.softplus,
    "softmax([x, 0])[0]": softmax_first,
}


def value_and_derivative(f: Callable[[Tensor], Tensor], xs: np.ndarray) -> tuple[Any, Any]:
    x = Tensor(xs, requires_grad=True)
    y = f(x)
    y.sum().backward()
    return y.numpy(), x.grad


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    xs = np.linspace(-7.0, 7.0, 100 if quick else 400)
    fig, axes = plt.subplots(3, 4, figsize=(13, 8.5), sharex=True)
    for ax, (name, f) in zip(axes.flat, ACTIVATIONS.items(), strict=True):
        y, dy = value_and_derivative(f, xs)
        ax.axhline(0, color="0.8", lw=0.8)
        ax.axvline(0, color="0.8", lw=0.8)
        ax.plot(xs, y, color="C0", lw=2, label="f(x)")
        ax.plot(xs, dy, color="C3", lw=1.5, ls="--", label="f'(x) by autodiff")
        ax.set_title(name)
        ax.set_ylim(-1.6, 7.2 if name in ("ReLU", "ReLU6", "softplus") else 3.2)
    for ax in axes[-1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("f(x), f'(x)")
    axes[0, 0].legend(loc="upper left", fontsize=8)
    fig.suptitle("Activations (solid) and their derivatives from backward() (dashed)")
    fig.tight_layout()
    path = save(fig, out_dir, "activations.png")
    return {
        "summary": f"{len(ACTIVATIONS)} activations and their autodiff derivatives on [-7, 7]",
        "files": [path],
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
