"""Digits CNN: a small convolutional network reads scikit-learn's 8x8 handwritten digits.

The 1,797 images ship inside scikit-learn (``load_digits``: nothing is
downloaded). A fifth of them, stratified by class, is held out for testing.
The network is Conv2d(1, 16, 3) -> BatchNorm2d -> ReLU -> MaxPool2d(2) ->
Conv2d(16, 32, 3) -> ReLU -> MaxPool2d(2) -> Linear(128, 10), trained with
Adam on cross-entropy in mini-batches of 64. The picture shows test digits
with the network's predictions (mistakes in red) and the confusion matrix.
Run: ``python -m demos.digits_cnn``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import nn
from autograd import Tensor, manual_seed, no_grad
from demos._common import cli, plt, progress, save


def build_model() -> nn.Sequential:
    """The CNN of the demo (also timed by benchmark W8), in torch.nn's layer order."""
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1),
        nn.BatchNorm2d(16),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(32 * 2 * 2, 10),
    )


def load_split(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(X_train, y_train, X_test, y_test): images (N, 1, 8, 8) scaled to [0, 1], 20% held out."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    X = (digits.images / 16.0)[:, None, :, :]
    y = digits.target.astype(np.int64)
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for c in range(10):  # stratified: a fifth of every class
        idx = rng.permutation(np.flatnonzero(y == c))
        test[idx[: len(idx) // 5]] = True
    return X[~test], y[~test], X[test], y[test]


def predict(model: nn.Module, X: np.ndarray) -> np.ndarray:
    """Class indices for images X, in eval mode and without recording a graph."""
    model.eval()
    with no_grad():
        out = model(Tensor(X)).data.argmax(axis=1)
    model.train()
    return out


def run(out_dir: Path, quick: bool = False, seed: int = 0, epochs: int = 15) -> dict[str, Any]:
    # Every matrix here is small ((4096, 9) by (9, 16) at most): a second BLAS thread costs
    # more than it saves (3x the time on a busy machine). threadpoolctl comes with
    # scikit-learn; the limit holds only inside this block.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        return _train_and_plot(out_dir, quick, seed, epochs)


def _train_and_plot(out_dir: Path, quick: bool, seed: int, epochs: int) -> dict[str, Any]:
    X_train, y_train, X_test, y_test = load_split(seed)
    manual_seed(seed)
    model = build_model()
    opt = nn.optim.Adam(model.parameters(), lr=3e-3)
    epochs = 1 if quick else epochs
    losses = []
    for epoch in progress(range(epochs), "epochs"):
        for xb, yb in nn.data.batches(X_train, y_train, 64, seed=seed + epoch):
            loss = nn.functional.cross_entropy(model(Tensor(xb)), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.item())

    pred = predict(model, X_test)
    accuracy = float((pred == y_test).mean())
    confusion = np.zeros((10, 10), dtype=int)
    np.add.at(confusion, (y_test, pred), 1)

    fig = plt.figure(figsize=(11, 5))
    grid = fig.add_gridspec(4, 12, width_ratios=[1] * 6 + [0.5] + [1.1] * 5)
    shown = np.concatenate([np.flatnonzero(pred != y_test), np.flatnonzero(pred == y_test)])[:24]
    shown = np.sort(shown)
    for k, i in enumerate(shown):
        ax = fig.add_subplot(grid[k // 6, k % 6])
        ax.imshow(X_test[i, 0], cmap="gray_r", vmin=0, vmax=1)
        wrong = pred[i] != y_test[i]
        ax.set_title(
            f"{pred[i]}" + (f" (is {y_test[i]})" if wrong else ""),
            fontsize=9,
            color="#d62728" if wrong else "k",
        )
        ax.set_xticks([]), ax.set_yticks([])
    ax = fig.add_subplot(grid[:, 7:])
    ax.imshow(confusion, cmap="Blues")
    for (r, c), n in np.ndenumerate(confusion):
        if n:
            ax.text(
                c,
                r,
                str(n),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if n > confusion.max() / 2 else "k",
            )
    ax.set(
        xticks=range(10),
        yticks=range(10),
        xlabel="predicted",
        ylabel="true digit",
        title=f"confusion matrix: {accuracy:.1%} of {len(y_test)} test digits",
    )
    fig.suptitle(
        f"A small CNN on scikit-learn's 8x8 digits ({epochs} epochs, "
        f"{model.num_parameters():,} parameters); predictions on test digits, "
        f"mistakes in red",
        fontsize=10,
    )
    path = save(fig, out_dir, "digits_cnn.png")
    return {
        "summary": f"CNN (Conv2d, BatchNorm2d, ReLU, MaxPool2d, Linear) on 8x8 digits, "
        f"{len(y_train)} train / {len(y_test)} test",
        "final_loss": losses[-1],
        "test_accuracy": accuracy,
        "mistakes": int((pred != y_test).sum()),
        "files": [path],
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
