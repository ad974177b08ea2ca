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
    ReLU,
    ReLU6,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
)
from nn.conv import AvgPool2d, Conv2d, MaxPool2d
from nn.interpolate import interpolate
from nn.layers import MLP, Dropout, Flatten, GaussianNoise, Identity, Linear, Maxout, PReLU
from nn.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss
from nn.module import Module, ModuleDict, ModuleList, Parameter, Sequential, StateDictError
from nn.normalization import BatchNorm1d, BatchNorm2d
from nn.perceptron import Perceptron
from nn.sequence import Embedding, LayerNorm, MultiheadAttention, RMSNorm
from nn.serialization import load, save

__all__ = [
    "Module", "Parameter", "Sequential", "StateDictError", "ModuleList", "ModuleDict",
    "Linear", "MLP", "Dropout", "GaussianNoise", "Maxout", "PReLU", "Identity", "Flatten",
    "ReLU", "LeakyReLU", "ELU", "CELU", "GELU", "Mish", "Hardswish", "ReLU6", "Tanh", "Sigmoid",
    "Softplus", "Softmax", "LogSoftmax",
    "MSELoss", "L1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "Embedding", "LayerNorm", "RMSNorm", "MultiheadAttention",
    "Conv2d", "MaxPool2d", "AvgPool2d", "BatchNorm1d", "BatchNorm2d",
    "Perceptron", "interpolate", "save", "load", "data", "functional", "init", "optim", "scalar",
]
