"""backproplab's neural-network package: modules, layers, losses and optimizers on ``autograd``.

>>> import nn
>>> from autograd import Tensor, manual_seed
>>> manual_seed(0)
>>> model = nn.MLP([2, 16, 1])
>>> model(Tensor([[0.5, -0.5]])).shape
(1, 1)
"""

import nn._autograd_check  # noqa: F401 - first: `autograd` must be ours (HIPS shares the name)
from nn import data, functional, init, optim, scalar
from nn.activations import (
    CELU,
    ELU,
    GELU,
    Hardswish,
    LeakyReLU,
    LogSoftmax,
    Mish,
    PReLU,
    ReLU,
    ReLU6,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from nn.attention import MultiheadAttention
from nn.containers import ModuleDict, ModuleList, Sequential
from nn.conv import AvgPool2d, Conv2d, MaxPool2d
from nn.dropout import Dropout, GaussianNoise
from nn.embedding import Embedding
from nn.interpolate import interpolate
from nn.linear import MLP, Flatten, Identity, Linear, Maxout
from nn.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from nn.module import Module, Parameter, StateDictError
from nn.normalization import BatchNorm1d, BatchNorm2d, LayerNorm, RMSNorm
from nn.perceptron import Perceptron
from nn.serialization import load, save

__all__ = [
    "Module",
    "Parameter",
    "Sequential",
    "StateDictError",
    "ModuleList",
    "ModuleDict",
    "Linear",
    "MLP",
    "Dropout",
    "GaussianNoise",
    "Maxout",
    "PReLU",
    "Identity",
    "Flatten",
    "ReLU",
    "LeakyReLU",
    "ELU",
    "CELU",
    "GELU",
    "Mish",
    "Hardswish",
    "ReLU6",
    "Tanh",
    "Sigmoid",
    "Softplus",
    "Softmax",
    "LogSoftmax",
    "MSELoss",
    "L1Loss",
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "NLLLoss",
    "Embedding",
    "LayerNorm",
    "RMSNorm",
    "MultiheadAttention",
    "Conv2d",
    "MaxPool2d",
    "AvgPool2d",
    "BatchNorm1d",
    "BatchNorm2d",
    "Perceptron",
    "interpolate",
    "save",
    "load",
    "data",
    "functional",
    "init",
    "optim",
    "scalar",
]
