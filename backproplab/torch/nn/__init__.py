"""``torch.nn`` on backproplab's ``nn``: the engine's layers with PyTorch's init and names.

Each layer here is the engine's layer (same forward, same gradient rules) whose
parameters are drawn as PyTorch draws them (float32, from PyTorch's generator,
in PyTorch's order) and are facade tensors, so ``layer.weight.grad.std()`` means
what it means in PyTorch.

>>> import backproplab.torch as torch
>>> import backproplab.torch.nn as nn
>>> _ = torch.manual_seed(42); layer = nn.Linear(3, 2)
>>> layer.weight
Parameter containing:
tensor([[ 0.4414,  0.4792, -0.1353],
        [ 0.5304, -0.1265,  0.1165]], requires_grad=True)
"""

from __future__ import annotations

from typing import Any

from .._unsupported import missing
from . import functional, init
from .modules import (
    GELU,
    BatchNorm1d,
    CrossEntropyLoss,
    Dropout,
    Embedding,
    Flatten,
    Identity,
    LayerNorm,
    Linear,
    Module,
    ModuleDict,
    ModuleList,
    MSELoss,
    Parameter,
    ReLU,
    Sequential,
    Sigmoid,
    Softmax,
    Tanh,
)


def __getattr__(name: str) -> Any:
    missing("backproplab.torch.nn", name)


__all__ = [
    "Module",
    "Parameter",
    "Sequential",
    "ModuleList",
    "ModuleDict",
    "Linear",
    "Embedding",
    "LayerNorm",
    "BatchNorm1d",
    "Dropout",
    "ReLU",
    "Tanh",
    "Sigmoid",
    "GELU",
    "Softmax",
    "Flatten",
    "Identity",
    "CrossEntropyLoss",
    "MSELoss",
    "functional",
    "init",
]
