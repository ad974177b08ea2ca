"""Rosenblatt's perceptron: a sign unit trained by the perceptron learning rule.

No gradients: on every misclassified example (y * (w . x + b) <= 0) the rule
adds ``lr * y * x`` to the weights and ``lr * y`` to the bias. On linearly
separable data it stops after finitely many mistakes (Novikoff's theorem);
on anything else, such as XOR, it runs out of epochs and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Perceptron", "PerceptronResult"]


@dataclass
class PerceptronResult:
    """What ``Perceptron.fit`` did: whether an epoch passed with no mistake, and how many it ran.

    >>> Perceptron(1).fit([[1.0], [-1.0]], [1, -1])
    PerceptronResult(converged=True, epochs=2, mistakes=[2, 0])
    """

    converged: bool
    epochs: int
    mistakes: list[int] = field(default_factory=list)  # mistakes made in each epoch


class Perceptron:
    """A linear threshold unit: predicts +1 where w . x + b >= 0, else -1.

    ``weights`` (float64, shape (n_inputs,)) and ``bias`` start at zero.

    >>> p = Perceptron(2)
    >>> X = np.array([[2.0, 1.0], [1.0, 3.0], [-1.0, -2.0], [-2.0, -1.0]])
    >>> y = np.array([1, 1, -1, -1])
    >>> result = p.fit(X, y)
    >>> result.converged, p.predict(X).tolist()
    (True, [1, 1, -1, -1])
    >>> xor = p.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [-1, 1, 1, -1], epochs=50)
    >>> xor.converged, xor.epochs
    (False, 50)
    """

    def __init__(self, n_inputs: int) -> None:
        if (
            isinstance(n_inputs, bool)
            or not isinstance(n_inputs, (int, np.integer))
            or n_inputs < 1
        ):
            raise ValueError(f"Perceptron: n_inputs must be a positive integer, got {n_inputs!r}")
        self.n_inputs = int(n_inputs)
        self.weights = np.zeros(self.n_inputs)
        self.bias = 0.0

    def _inputs(self, X: Any, who: str) -> np.ndarray:
        arr = np.asarray(X, dtype=np.float64)
        if arr.ndim == 1 and self.n_inputs == arr.shape[0]:
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != self.n_inputs:
            raise ValueError(
                f"Perceptron.{who}: X must have shape (n_examples, "
                f"{self.n_inputs}), got {arr.shape}"
            )
        if not np.isfinite(arr).all():
            raise ValueError(f"Perceptron.{who}: X contains NaN or inf")
        return arr

    def fit(self, X: Any, y: Any, epochs: int = 100, lr: float = 1.0) -> PerceptronResult:
        """Run the perceptron rule over the data in order, for at most ``epochs`` passes.

        Labels must be -1 or +1. Stops after the first epoch without a mistake
        (``converged=True``); weights and bias continue from their current values.

        >>> p = Perceptron(1)
        >>> p.fit([[2.0], [-1.0]], [1, -1]).converged, p.weights.tolist(), p.bias
        (True, [2.0], 1.0)
        """
        Xa = self._inputs(X, "fit")
        ya = np.asarray(y)
        if ya.shape != (len(Xa),):
            raise ValueError(
                f"Perceptron.fit: y must have shape ({len(Xa)},) to match X, got {ya.shape}"
            )
        if ya.dtype.kind not in "biuf" or not np.isin(ya, (-1, 1)).all():
            found = sorted({str(v) for v in np.unique(ya).tolist()})[:5]
            raise ValueError(
                f"Perceptron.fit: labels must be -1 or +1, found {', '.join(found)}"
                " (for 0/1 labels pass 2 * y - 1)"
            )
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"Perceptron.fit: epochs must be an integer >= 1, got {epochs!r}")
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not 0 < lr < math.inf:
            raise ValueError(f"Perceptron.fit: lr must be a finite number > 0, got {lr!r}")
        rows = [(x, float(t)) for x, t in zip(Xa, ya.astype(np.float64), strict=True)]
        w, b = self.weights.copy(), float(self.bias)
        history: list[int] = []
        converged = False
        for _ in range(int(epochs)):
            mistakes = 0
            for x, t in rows:
                if t * (float(x @ w) + b) <= 0.0:
                    w += (lr * t) * x
                    b += lr * t
                    mistakes += 1
            history.append(mistakes)
            if mistakes == 0:
                converged = True
                break
        self.weights, self.bias = w, b
        return PerceptronResult(converged, len(history), history)

    def decision_function(self, X: Any) -> np.ndarray:
        """w . x + b for each row of X.

        >>> p = Perceptron(2); p.weights[:] = [1.0, 2.0]; p.bias = -1.0
        >>> p.decision_function([[1.0, 1.0]]).tolist()
        [2.0]
        """
        return self._inputs(X, "decision_function") @ self.weights + self.bias

    def predict(self, X: Any) -> np.ndarray:
        """+1 where w . x + b >= 0, else -1 (int64).

        >>> p = Perceptron(1); p.weights[:] = [1.0]
        >>> p.predict([[3.0], [-3.0], [0.0]]).tolist()
        [1, -1, 1]
        """
        return np.where(self.decision_function(X) >= 0.0, 1, -1).astype(np.int64)

    def __repr__(self) -> str:
        return f"Perceptron(n_inputs={self.n_inputs})"
