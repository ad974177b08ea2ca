"""The functional forms of nn's modules, as ``torch.nn.functional``: ``import nn.functional as F``.

One file per family, named like the module files: activations, dropout, losses,
normalization, embedding, attention, conv. ``linear`` is the engine's.

>>> import nn.functional as F
>>> from autograd import Tensor
>>> F.relu(Tensor([-1.0, 2.0])).data
array([0., 2.])
"""

from autograd.core.tensor import linear
from nn.functional.activations import (
    celu,
    elu,
    gelu,
    hardswish,
    leaky_relu,
    log_softmax,
    mish,
    relu,
    relu6,
    sigmoid,
    softmax,
    softplus,
    tanh,
)
from nn.functional.attention import scaled_dot_product_attention
from nn.functional.conv import avg_pool2d, conv2d, max_pool2d
from nn.functional.dropout import dropout
from nn.functional.embedding import embedding
from nn.functional.losses import (
    REDUCTIONS,
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    l1_loss,
    mse_loss,
    nll_loss,
)
from nn.functional.normalization import batch_norm, layer_norm, rms_norm

__all__ = [
    "relu",
    "leaky_relu",
    "elu",
    "celu",
    "gelu",
    "mish",
    "hardswish",
    "relu6",
    "tanh",
    "sigmoid",
    "softplus",
    "softmax",
    "log_softmax",
    "linear",
    "dropout",
    "mse_loss",
    "l1_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "nll_loss",
    "REDUCTIONS",
    "embedding",
    "layer_norm",
    "rms_norm",
    "scaled_dot_product_attention",
    "conv2d",
    "max_pool2d",
    "avg_pool2d",
    "batch_norm",
]
