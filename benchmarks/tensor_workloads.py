"""Tensor workloads W4-W6: one MLP training step, written the way a user writes it.

Ours uses ``nn.MLP``, ``nn.functional`` losses and ``nn.optim.SGD``; PyTorch the same
with ``torch.nn``. Both start from the same weights and data as the numpy reference
(``numpy_reference.init_params`` / ``make_batch``), so all three do the same math.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import numpy as np

from benchmarks.harness import EngineMissing, Step
from benchmarks.numpy_reference import init_params, make_batch


def mlp_step_ours(
    threads: int = 1,
    sizes: tuple[int, ...] = (2, 16, 16, 1),
    activation: str = "tanh",
    loss: str = "mse",
    batch: int = 32,
    dtype: str = "float64",
    lr: float = 0.01,
    seed: int = 0,
) -> Step:
    import nn
    from autograd import Tensor
    from nn import functional as F
    from nn import optim

    model = nn.MLP(list(sizes), activation=activation)
    params = list(model.parameters())
    for p, arr in zip(params, init_params(list(sizes), seed, np.dtype(dtype)), strict=True):
        if p.data.shape != arr.shape:
            raise ValueError(f"parameter shape {p.data.shape} != reference {arr.shape}")
        p.data = arr  # also makes the model float32 when dtype says so
    X_np, target = make_batch(list(sizes), batch, loss, seed, np.dtype(dtype))
    X = Tensor(X_np)
    loss_fn = F.mse_loss if loss == "mse" else F.cross_entropy
    if loss == "mse":
        target = Tensor(target)
    opt = optim.SGD(params, lr=lr)

    def step() -> None:
        opt.zero_grad()
        out = loss_fn(model(X), target)
        out.backward()
        opt.step()

    return step


def mlp_step_torch(
    threads: int = 1,
    sizes: tuple[int, ...] = (2, 16, 16, 1),
    activation: str = "tanh",
    loss: str = "mse",
    batch: int = 32,
    dtype: str = "float64",
    lr: float = 0.01,
    seed: int = 0,
) -> Step:
    try:
        import torch
    except ImportError as exc:
        raise EngineMissing("PyTorch is not installed") from exc
    torch.set_num_threads(threads)
    torch_dtype = getattr(torch, dtype)
    act: Any = torch.nn.ReLU if activation == "relu" else torch.nn.Tanh
    layers: list[Any] = []
    for i, (n_in, n_out) in enumerate(pairwise(sizes)):
        layers.append(torch.nn.Linear(n_in, n_out, dtype=torch_dtype))
        if i < len(sizes) - 2:
            layers.append(act())
    model = torch.nn.Sequential(*layers)
    with torch.no_grad():
        for p, arr in zip(
            model.parameters(), init_params(list(sizes), seed, np.dtype(dtype)), strict=True
        ):
            p.copy_(torch.from_numpy(arr))
    X_np, target_np = make_batch(list(sizes), batch, loss, seed, np.dtype(dtype))
    X, target = torch.from_numpy(X_np), torch.from_numpy(target_np)
    loss_fn = torch.nn.functional.mse_loss if loss == "mse" else torch.nn.functional.cross_entropy
    opt = torch.optim.SGD(model.parameters(), lr=lr)

    def step() -> None:
        opt.zero_grad()
        out = loss_fn(model(X), target)
        out.backward()
        opt.step()

    return step
