"""Workload W8: one training step of the digits CNN (``demos.digits_cnn``) on 8x8 images.

Conv2d(1, 16, 3, padding=1) -> BatchNorm2d -> ReLU -> MaxPool2d(2) -> Conv2d(16, 32, 3,
padding=1) -> ReLU -> MaxPool2d(2) -> Flatten -> Linear(128, 10), cross-entropy, one
Adam step on a batch of 64, written the way a user writes it. PyTorch's model is the
same, loaded from our ``state_dict``, on the same batch, so both do the same math.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from benchmarks.harness import EngineMissing, Step


def _batch(batch: int, seed: int, dtype: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    images = rng.uniform(0.0, 1.0, size=(batch, 1, 8, 8)).astype(dtype)
    return images, rng.integers(0, 10, size=batch)


def _our_model(dtype: str, seed: int) -> Any:
    import nn
    from autograd import manual_seed

    manual_seed(seed)
    model = nn.Sequential(
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
    for p in model.parameters():
        p.data = p.data.astype(dtype)
    for name in ("running_mean", "running_var"):
        setattr(model[1], name, getattr(model[1], name).data.astype(dtype))
    return model


def cnn_step_ours(
    threads: int = 1, batch: int = 64, dtype: str = "float32", lr: float = 3e-3, seed: int = 0
) -> Step:
    from autograd import Tensor
    from nn import functional as F
    from nn import optim

    model = _our_model(dtype, seed)
    images, labels = _batch(batch, seed, dtype)
    X = Tensor(images)
    opt = optim.Adam(model.parameters(), lr=lr)

    def step() -> None:
        loss = F.cross_entropy(model(X), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def cnn_step_torch(
    threads: int = 1, batch: int = 64, dtype: str = "float32", lr: float = 3e-3, seed: int = 0
) -> Step:
    try:
        import torch
    except ImportError as exc:
        raise EngineMissing("PyTorch is not installed") from exc
    torch.set_num_threads(threads)
    nn_ = torch.nn
    model = nn_.Sequential(
        nn_.Conv2d(1, 16, 3, padding=1),
        nn_.BatchNorm2d(16),
        nn_.ReLU(),
        nn_.MaxPool2d(2),
        nn_.Conv2d(16, 32, 3, padding=1),
        nn_.ReLU(),
        nn_.MaxPool2d(2),
        nn_.Flatten(),
        nn_.Linear(32 * 2 * 2, 10),
    ).to(getattr(torch, dtype))
    state = _our_model(dtype, seed).state_dict()
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in state.items()})
    images, labels = _batch(batch, seed, dtype)
    X, target = torch.from_numpy(images), torch.from_numpy(labels)
    opt = torch.optim.Adam(model.parameters(), lr=lr)

    def step() -> None:
        loss = nn_.functional.cross_entropy(model(X), target)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step
