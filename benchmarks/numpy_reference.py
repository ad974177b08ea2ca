"""The reference for W4-W6: an MLP training step written by hand in numpy.

Forward, the backward pass derived by hand, and the SGD update in place, with the
fewest temporaries we know how to write: activations overwrite their pre-activations,
work arrays are reused from step to step, gradients are scaled in place, and weights
stay in PyTorch's (out, in) layout, which BLAS reads transposed at no cost. This is the
bar our engine is measured against.
"""

from __future__ import annotations

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


def make_batch(sizes: list[int], batch: int, loss: str, seed: int,
               dtype: Any) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets: float targets of the output's shape for "mse", labels for "ce"."""
    rng = np.random.default_rng(seed + 1)
    X = rng.standard_normal((batch, sizes[0])).astype(dtype)
    if loss == "mse":
        return X, rng.standard_normal((batch, sizes[-1])).astype(dtype)
    return X, rng.integers(0, sizes[-1], batch)


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
        self._buffers: dict[str, np.ndarray] = {}

    def _work(self, name: str, shape: tuple[int, ...], dtype: Any) -> np.ndarray:
        """A work array of ``shape``: a view of one flat buffer per name, grown as needed.

        Layers share a name when their arrays are never needed at the same time (the
        weight gradient is applied before the next layer's is computed), so memory stays
        at what the math needs.
        """
        size = int(np.prod(shape))
        buf = self._buffers.get(name)
        if buf is None or buf.size < size or buf.dtype != dtype:
            buf = self._buffers[name] = np.empty(size, dtype)
        return buf[:size].reshape(shape)

    def step(self, X: np.ndarray, target: np.ndarray) -> float:
        """One forward, backward and SGD update; returns the loss before the update."""
        weights, biases, lr, work = self.weights, self.biases, self.lr, self._work
        last = len(weights) - 1
        # Forward: keep each layer's input (post-activation) for the weight gradients.
        inputs = []
        h = X
        for i, (W, b) in enumerate(zip(weights, biases, strict=True)):
            inputs.append(h)
            z = np.matmul(h, W.T, out=work(f"z{i}", (h.shape[0], W.shape[0]), W.dtype))
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
            grad_w = np.matmul(g.T, a, out=work("grad_w", W.shape, W.dtype))
            grad_b = np.sum(g, axis=0, out=work("grad_b", biases[i].shape, W.dtype))
            if i > 0:  # g and g_in take turns in two buffers
                g_in = np.matmul(g, W, out=work(f"g{i % 2}", a.shape, W.dtype))
                if self.activation == "relu":
                    mask = np.greater(a, 0, out=work("mask", a.shape, np.dtype(bool)))
                    g_in *= mask
                else:
                    slope = np.multiply(a, a, out=work("slope", a.shape, a.dtype))
                    np.subtract(1, slope, out=slope)
                    g_in *= slope
            grad_w *= lr
            W -= grad_w
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


def mlp_step_numpy(threads: int = 1, sizes: tuple[int, ...] = (2, 16, 16, 1),
                   activation: str = "tanh", loss: str = "mse", batch: int = 32,
                   dtype: str = "float64", lr: float = 0.01, seed: int = 0) -> Step:
    params = init_params(list(sizes), seed, np.dtype(dtype))
    X, target = make_batch(list(sizes), batch, loss, seed, np.dtype(dtype))
    model = NumpyMLP(params, activation, loss, lr)

    def step() -> None:
        model.step(X, target)

    return step
