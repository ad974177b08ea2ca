"""The reference for W4-W6: an MLP training step written by hand in numpy.

Forward, the backward pass derived by hand, and the SGD update in place, with the
fewest temporaries we know how to write: activations overwrite their pre-activations,
work arrays are reused from step to step, gradients are scaled in place, and weights
stay in PyTorch's (out, in) layout, which BLAS reads transposed at no cost. This is the
bar our engine is measured against.
"""

from __future__ import annotations

import math
from itertools import pairwise
from typing import Any

import numpy as np

from benchmarks.harness import Step


def init_params(sizes: list[int], seed: int, dtype: Any) -> list[np.ndarray]:
    """[W0, b0, W1, b1, ...] drawn like PyTorch's default Linear init, shared by all engines.

    >>> [p.shape for p in init_params([2, 3, 1], 0, np.float64)]
    [(3, 2), (3,), (1, 3), (1,)]
    """
    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in pairwise(sizes):
        bound = 1.0 / np.sqrt(n_in)
        params.append(rng.uniform(-bound, bound, (n_out, n_in)).astype(dtype))
        params.append(rng.uniform(-bound, bound, n_out).astype(dtype))
    return params


def make_batch(
    sizes: list[int], batch: int, loss: str, seed: int, dtype: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets: float targets of the output's shape for "mse", labels for "ce"."""
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    if loss == "mse":
        return X, rng.standard_normal((batch, sizes[-1])).astype(dtype)
    return X, rng.integers(0, sizes[-1], batch)


# glibc serves blocks of 128 KiB and more with mmap (by default): those are the arrays
# whose pages can go back to the kernel between steps.
_REUSE_FROM_BYTES = 128 * 1024


class NumpyMLP:
    """Linear layers with ``activation`` between them, a loss, and plain SGD.

    Every array a step needs is allocated on the first step and reused (``out=``), so a
    step allocates almost nothing. That matters beyond the copies it saves: when big
    temporaries are freed and re-made every step, glibc may hand their pages back to
    the kernel and fault them in again (about 3,000 minor page faults per W6 step,
    ~6% of its time), which measures the allocator, not the math.
    """

    def __init__(self, params: list[np.ndarray], activation: str, loss: str, lr: float) -> None:
        self.weights = params[0::2]
        self.biases = params[1::2]
        self.activation = activation
        self.loss = loss
        self.lr = lr
        self._plan_for: tuple[int, Any] | None = None
        self._plan: dict[str, list[Any]] = {}

    def _work_arrays(self, n: int, dtype: Any) -> dict[str, list[Any]]:
        """Every layer's work arrays for a batch of ``n``, made once per batch shape.

        Arrays never needed at the same time share one flat buffer (the weight gradient
        is applied before the next layer's is computed; input gradients take turns in
        two buffers), so memory stays at what the math needs.
        """
        if self._plan_for == (n, dtype):
            return self._plan
        extra = "mask" if self.activation == "relu" else "slope"
        specs = []  # (kind, layer, buffer name, shape, dtype)
        for i, w in enumerate(self.weights):
            specs += [
                ("z", i, f"z{i}", (n, w.shape[0]), dtype),
                ("grad_w", i, "grad_w", w.shape, dtype),
                ("grad_b", i, "grad_b", (w.shape[0],), dtype),
            ]
            if i > 0:
                specs += [
                    ("g", i, f"g{i % 2}", (n, w.shape[1]), dtype),
                    (
                        extra,
                        i,
                        extra,
                        (n, w.shape[1]),
                        np.dtype(bool) if extra == "mask" else dtype,
                    ),
                ]
        sizes: dict[str, tuple[int, Any]] = {}
        for _, _, name, shape, dt in specs:
            sizes[name] = (max(sizes.get(name, (0, dt))[0], math.prod(shape)), dt)
        flat = {name: np.empty(size, dt) for name, (size, dt) in sizes.items()}
        plan: dict[str, list[Any]] = {}
        for kind, i, name, shape, _ in specs:
            plan.setdefault(kind, [None] * len(self.weights))[i] = flat[name][
                : math.prod(shape)
            ].reshape(shape)
        self._plan, self._plan_for = plan, (n, dtype)
        return plan

    def step(self, X: np.ndarray, target: np.ndarray) -> float:
        """One forward, backward and SGD update; returns the loss before the update."""
        widest = max(w.shape[0] for w in self.weights)
        if X.shape[0] * widest * X.dtype.itemsize < _REUSE_FROM_BYTES:
            return self._step_small(X, target)
        weights, biases, lr = self.weights, self.biases, self.lr
        buf = self._work_arrays(X.shape[0], weights[0].dtype)
        last = len(weights) - 1
        # Forward: keep each layer's input (post-activation) for the weight gradients.
        inputs = []
        h = X
        for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
            inputs.append(h)
            z = np.matmul(h, W.T, out=buf["z"][i])
            z += b
            if i < last:
                if self.activation == "relu":
                    np.maximum(z, 0, out=z)
                else:
                    np.tanh(z, out=z)
            h = z
        loss, g = self._loss_and_grad(h, target)
        # Backward, then update: every gradient is computed before any weight changes.
        for i in range(last, -1, -1):
            W, a = weights[i], inputs[i]
            grad_w = np.matmul(g.T, a, out=buf["grad_w"][i])
            grad_b = np.sum(g, axis=0, out=buf["grad_b"][i])
            if i > 0:
                g_in = np.matmul(g, W, out=buf["g"][i])
                if self.activation == "relu":
                    g_in *= np.greater(a, 0, out=buf["mask"][i])
                else:
                    slope = np.multiply(a, a, out=buf["slope"][i])
                    np.subtract(1, slope, out=slope)
                    g_in *= slope
            grad_w *= lr
            W -= grad_w
            grad_b *= lr
            biases[i] -= grad_b
            if i > 0:
                g = g_in
        return loss

    def _step_small(self, X: np.ndarray, target: np.ndarray) -> float:
        """``step`` for tiny arrays: plain temporaries (numpy caches small blocks), no
        ``out=`` bookkeeping, which would cost ~10% of W4's step."""
        weights, biases, lr = self.weights, self.biases, self.lr
        last = len(weights) - 1
        inputs = []
        h = X
        for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
            inputs.append(h)
            z = h @ W.T
            z += b
            if i < last:
                if self.activation == "relu":
                    np.maximum(z, 0, out=z)
                else:
                    np.tanh(z, out=z)
            h = z
        loss, g = self._loss_and_grad(h, target)
        for i in range(last, -1, -1):
            a = inputs[i]
            grad_w = g.T @ a
            grad_b = g.sum(axis=0)
            if i > 0:
                g_in = g @ weights[i]
                if self.activation == "relu":
                    g_in *= a > 0
                else:
                    g_in *= 1 - a * a
            grad_w *= lr
            weights[i] -= grad_w
            grad_b *= lr
            biases[i] -= grad_b
            if i > 0:
                g = g_in
        return loss

    def _loss_and_grad(self, out: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
        n = out.shape[0]
        if self.loss == "mse":
            diff = np.subtract(out, target, out=out)  # the output buffer is ours to reuse
            loss = float(np.vdot(diff, diff)) / diff.size
            diff *= 2.0 / diff.size
            return loss, diff
        # Cross-entropy on logits: softmax - one_hot, over the batch mean.
        shifted = out - out.max(axis=1, keepdims=True)
        np.exp(shifted, out=out)  # exp(shifted) lands in the logits buffer
        total = out.sum(axis=1, keepdims=True)
        rows = np.arange(n)
        loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, target]))
        out /= total
        out[rows, target] -= 1
        out *= 1.0 / n
        return loss, out


def mlp_step_numpy(
    threads: int = 1,
    sizes: tuple[int, ...] = (2, 16, 16, 1),
    activation: str = "tanh",
    loss: str = "mse",
    batch: int = 32,
    dtype: str = "float64",
    lr: float = 0.01,
    seed: int = 0,
) -> Step:
    params = init_params(list(sizes), seed, np.dtype(dtype))
    X, target = make_batch(list(sizes), batch, loss, seed, np.dtype(dtype))
    model = NumpyMLP(params, activation, loss, lr)

    def step() -> None:
        model.step(X, target)

    return step
