"""Derivatives of derivatives: tanh four times, Newton's method, the graph of a gradient.

1. ``grad(tanh)`` is tanh's derivative, ``grad(grad(tanh))`` its second, and so
   on: each is computed by nesting ``autograd.grad``, and checked against the
   closed forms (with t = tanh x): 1 - t², -2t(1 - t²), -2(1 - t²)(1 - 3t²),
   8t(1 - t²)(2 - 3t²).
2. Newton's method on Rosenbrock's function: each step solves
   ``hessian(f)(x) @ step = grad(f)(x)``. It reaches the minimum (1, 1) in a few
   steps, the number of correct digits doubling near the end, while gradient
   descent with the same gradient crawls along the valley for thousands.
3. ``y = tanh(x*w)``; ``y.backward(create_graph=True)`` makes ``x.grad`` a
   ``Value`` with a graph of its own: the derivative is itself a computation,
   drawn with ``draw_graph``, that can be differentiated again.

Run: ``python -m demos.derivatives [--out DIR]`` (writes derivatives.png,
newton.png and gradient_graph.svg).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import autograd
from autograd import Tensor, Value, draw_graph, grad, hessian
from autograd.system.atomic_write import atomic_write
from demos._common import cli, plt, save

# ---------------------------------------------------------------- 1. tanh, four times


def tanh_derivatives(order: int = 4) -> list[Callable[[float], float]]:
    """``[tanh, grad(tanh), grad(grad(tanh)), ...]`` up to ``order`` nested grads."""
    fs: list[Callable[[Any], Any]] = [autograd.tanh]
    for _ in range(order):
        fs.append(grad(fs[-1]))
    return fs


def closed_forms(x: np.ndarray) -> list[np.ndarray]:
    """tanh and its first four derivatives, written by hand in t = tanh(x)."""
    t = np.tanh(x)
    s = 1.0 - t * t  # tanh' = 1 - t²
    return [t, s, -2.0 * t * s, -2.0 * s * (1.0 - 3.0 * t * t), 8.0 * t * s * (2.0 - 3.0 * t * t)]


FORMULAS = ["t", "1 - t²", "-2t(1 - t²)", "-2(1 - t²)(1 - 3t²)", "8t(1 - t²)(2 - 3t²)"]


def plot_derivatives(
    xs: np.ndarray, by_grad: list[np.ndarray], exact: list[np.ndarray], errors: list[float]
) -> Any:
    fig, ax = plt.subplots(figsize=(12, 5.2))
    ax.axhline(0, color="0.8", lw=0.8)
    ax.axvline(0, color="0.8", lw=0.8)
    name = "tanh"
    for k, (ys, ref) in enumerate(zip(by_grad, exact, strict=True)):
        label = f"{name}(x) = {FORMULAS[k]}"
        if k:
            label += f"\n    max |error| {errors[k - 1]:.1g}"
        ax.plot(xs, ys, color=f"C{k}", lw=2.2, label=label)
        ax.plot(xs, ref, color="k", lw=0.8, ls=(0, (2, 3)))
        name = f"grad({name})"
    ax.plot([], [], color="k", lw=0.8, ls=(0, (2, 3)), label="closed forms, t = tanh(x)")
    ax.set(
        xlabel="x",
        ylabel="value",
        xlim=(xs[0], xs[-1]),
        ylim=(-4.6, 4.6),
        title="tanh and its first four derivatives, each by nesting autograd.grad",
    )
    ax.legend(
        loc="center left", bbox_to_anchor=(1.01, 0.5), fontsize=9.5, frameon=False, labelspacing=0.9
    )
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 2. Newton vs gradient descent


def rosenbrock(p: Tensor) -> Tensor:
    """Rosenbrock's banana-shaped valley: minimum 0 at (1, 1)."""
    return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2


START = np.array([-1.2, 1.0])  # the classic starting point
MINIMUM = np.array([1.0, 1.0])


def newton(f: Callable[[Tensor], Tensor], x: np.ndarray, steps: int = 20) -> list[np.ndarray]:
    """Newton's method: x <- x - H(x)^-1 grad f(x), until the step vanishes."""
    df, d2f = grad(f), hessian(f)
    path = [x]
    for _ in range(steps):
        step = np.linalg.solve(d2f(x), df(x))
        x = x - step
        path.append(x)
        if np.abs(step).max() < 1e-8:  # converged: the step is below float64 noise of x
            break
    return path


def gradient_descent(
    f: Callable[[Tensor], Tensor], x: np.ndarray, lr: float, steps: int
) -> list[np.ndarray]:
    df = grad(f)
    path = [x]
    for _ in range(steps):
        x = x - lr * df(x)
        path.append(x)
    return path


def plot_newton(newton_path: list[np.ndarray], gd_path: list[np.ndarray], lr: float) -> Any:
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    gx, gy = np.meshgrid(np.linspace(-2.0, 2.0, 300), np.linspace(-3.6, 3.0, 300))
    fz = (1 - gx) ** 2 + 100 * (gy - gx**2) ** 2
    left.contourf(gx, gy, np.log10(fz + 1e-3), levels=30, cmap="Greys")
    nx, ny = np.array(newton_path).T
    gdx, gdy = np.array(gd_path).T
    left.plot(gdx, gdy, color="C0", lw=2, label=f"gradient descent ({len(gd_path) - 1} steps)")
    left.plot(
        nx,
        ny,
        "o-",
        color="C3",
        lw=1.5,
        ms=5,
        label=f"Newton with hessian ({len(newton_path) - 1} steps)",
    )
    for k, (px, py) in enumerate(zip(nx[:5], ny[:5], strict=True)):
        left.annotate(
            str(k), (px, py), textcoords="offset points", xytext=(5, 5), color="C3", fontsize=9
        )
    left.plot(*MINIMUM, "*", color="gold", ms=14, mec="k", label="minimum (1, 1)")
    left.set(xlabel="$x_1$", ylabel="$x_2$", title="Rosenbrock's valley: the paths")
    left.legend(loc="upper center", fontsize=8.5, framealpha=0.95)

    def distances(path: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        d = np.array([np.linalg.norm(p - MINIMUM) for p in path])
        steps = np.arange(len(d))
        return steps[d > 0], d[d > 0]  # an exact hit (0) has no place on a log axis

    right.semilogy(*distances(gd_path), color="C0", lw=2, label=f"gradient descent, lr={lr:g}")
    right.semilogy(
        *distances(newton_path),
        "o-",
        color="C3",
        lw=1.5,
        ms=5,
        label="Newton: x - hessian(f)(x)⁻¹ grad(f)(x)",
    )
    right.set_xscale("symlog", linthresh=10, linscale=1.5)
    right.set(
        xlabel="step (linear to 10, then log)",
        ylabel="distance to the minimum",
        title="Newton's digits double; gradient descent crawls",
    )
    right.grid(True, which="major", color="0.9")
    right.legend(loc="lower left", fontsize=8.5, framealpha=0.95)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- 3. the graph of a gradient


def gradient_of_a_neuron() -> tuple[Value, dict[str, Value]]:
    """``dy/dx`` for ``y = tanh(x*w)``, recorded: a Value whose graph is the backward pass."""
    x, w = Value(0.5, label="x"), Value(-1.2, label="w")
    xw = x * w
    xw.label = "x*w"
    y = xw.tanh()
    y.label = "y"
    with warnings.catch_warnings():  # the leaf-to-.grad cycle: these Values die with the call
        warnings.simplefilter("ignore", UserWarning)
        y.backward(create_graph=True)
    dx = x.grad
    assert isinstance(dx, Value)
    # Name the nodes the backward pass made: tanh's rule is 1 - y*y, times the upstream 1.
    y.grad.label, xw.grad.label, dx.label = "dy/dy", "dy/d(x*w)", "dy/dx"
    for node in xw.grad.parents:
        if node.op == "-":
            node.label = "1 - y*y"
            for square in node.parents:
                square.label = "y*y"
    return dx, {"x": x, "w": w, "y": y}


FORWARD_FILL, BACKWARD_FILL = "#dbe8f7", "#fde3c8"


def draw_gradient_graph(dx: Value, forward: set[str]) -> Any:
    """The graph behind ``dx``; forward-pass boxes blue, backward-pass boxes orange."""
    # show_grad=False: the boxes show data only (these nodes' own grads are not computed yet).
    dot = draw_graph(dx, show_grad=False)
    for i, line in enumerate(dot.body):
        if "shape=record" not in line:
            continue
        label = line.split('label="{ ', 1)[1].split(" |", 1)[0] if "|" in line else ""
        fill = FORWARD_FILL if label in forward else BACKWARD_FILL
        dot.body[i] = line.replace("shape=record", f'shape=record style=filled fillcolor="{fill}"')
    dot.attr(
        label="y = tanh(x*w); y.backward(create_graph=True); draw_graph(x.grad)\n"
        "blue: the forward pass; orange: the backward pass, recorded as new nodes",
        labelloc="t",
        fontsize="12",
    )
    return dot


def write_gradient_graph(out_dir: Path) -> Path:
    """Draw the graph of x.grad into ``out_dir/gradient_graph.svg`` (needs Graphviz's dot)."""
    dx, _ = gradient_of_a_neuron()
    dot = draw_gradient_graph(dx, {"x", "w", "x*w", "y"})
    path = Path(out_dir) / "gradient_graph.svg"
    with atomic_write(path, "demos.derivatives") as f:  # a failed write keeps the old picture
        f.write(dot.pipe(format="svg"))
    return path


# ---------------------------------------------------------------- the demo


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    # 1. tanh and its first four derivatives, each by nested grad, point by point.
    xs = np.linspace(-4.0, 4.0, 81 if quick else 401)
    fs = tanh_derivatives(4)
    by_grad = [np.array([float(f(float(x))) for x in xs]) for f in fs]
    exact = closed_forms(xs)
    errors = [float(np.abs(a - b).max()) for a, b in zip(by_grad[1:], exact[1:], strict=True)]
    derivatives_png = save(plot_derivatives(xs, by_grad, exact, errors), out_dir, "derivatives.png")

    # 2. Newton's method with hessian and grad, against gradient descent.
    lr = 1.5e-3
    newton_path = newton(rosenbrock, START)
    gd_path = gradient_descent(rosenbrock, START, lr, 300 if quick else 3000)
    newton_png = save(plot_newton(newton_path, gd_path, lr), out_dir, "newton.png")
    newton_errors = [float(np.linalg.norm(p - MINIMUM)) for p in newton_path]

    # 3. The graph of a gradient.
    dx, nodes = gradient_of_a_neuron()
    w, y = nodes["w"].data, nodes["y"].data
    graph_svg = write_gradient_graph(out_dir)

    return {
        "summary": (
            f"tanh's derivatives 1-4 by nested grad match the closed forms "
            f"(max error {max(errors):.1e}); Newton reaches (1, 1) in "
            f"{len(newton_path) - 1} steps, gradient descent is "
            f"{np.linalg.norm(gd_path[-1] - MINIMUM):.2g} away after "
            f"{len(gd_path) - 1}; x.grad of tanh(x*w) drawn as a graph"
        ),
        "files": [derivatives_png, newton_png, graph_svg],
        **{f"max_error_derivative_{k}": e for k, e in enumerate(errors, 1)},
        "newton_distances": " ".join(f"{d:.1e}" for d in newton_errors),
        "dy/dx = w(1 - y*y)": f"{dx.data:.6f} (by hand {w * (1 - y * y):.6f})",
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
