"""backproplab's autodiff engine: a scalar ``Value`` and a numpy ``Tensor`` on one graph core.

>>> from autograd import Value, Tensor
>>> x = Value(2.0); y = x * x + 3 * x; y.backward(); x.grad
7.0
"""

from autograd.animate import animate_backward
from autograd.environment import warn_if_hips_autograd_installed
from autograd.factories import (
    arange,
    eye,
    full,
    linspace,
    ones,
    ones_like,
    rand,
    randn,
    zeros,
    zeros_like,
)
from autograd.function import Function
from autograd.functional import grad, hessian, jacobian, value_and_grad
from autograd.functions import (
    abs,
    celu,
    cos,
    elu,
    erf,
    exp,
    gelu,
    hardswish,
    leaky_relu,
    log,
    log_softmax,
    matmul,
    max,
    mean,
    min,
    mish,
    relu,
    relu6,
    reshape,
    sigmoid,
    sin,
    softmax,
    softplus,
    sqrt,
    sum,
    tanh,
    transpose,
)
from autograd.gc_pause import gc_paused
from autograd.gradcheck import GradcheckError, gradcheck, gradgradcheck
from autograd.graph import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from autograd.random import manual_seed
from autograd.render import draw_graph, render_graph
from autograd.tensor import Op, Tensor, concatenate, maximum, minimum, stack, where
from autograd.value import Value

warn_if_hips_autograd_installed()  # HIPS autograd in the same environment: say so, once

__all__ = [
    "Value", "Tensor", "no_grad", "enable_grad", "is_grad_enabled", "grad", "value_and_grad",
    "jacobian", "hessian", "gradcheck", "gradgradcheck", "GradcheckError", "Function", "Op",
    "draw_graph", "render_graph", "manual_seed", "detect_anomaly", "concatenate", "stack",
    "where", "maximum", "minimum", "gc_paused",
    # module-level functions mirroring the methods
    "exp", "log", "sqrt", "abs", "sin", "cos", "erf", "tanh", "sigmoid", "relu", "leaky_relu",
    "elu", "celu", "gelu", "softplus", "mish", "hardswish", "relu6", "softmax", "log_softmax",
    "sum", "mean", "max", "min", "reshape", "transpose", "matmul",
    "zeros", "ones", "full", "zeros_like", "ones_like", "arange", "linspace", "eye", "rand",
    "randn",
    "animate_backward",
]
