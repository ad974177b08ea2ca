"""backproplab's autodiff engine: a scalar ``Value`` and a numpy ``Tensor`` on one graph core.

>>> from autograd import Value, Tensor
>>> x = Value(2.0); y = x * x + 3 * x; y.backward(); x.grad
7.0
"""

from autograd.checking import GradcheckError, gradcheck, gradgradcheck
from autograd.compiler import compile
from autograd.core.factories import (
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
from autograd.core.free_functions import (
    abs,
    argmax,
    argmin,
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
from autograd.core.function import Function
from autograd.core.gc_pause import gc_paused
from autograd.core.graph import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from autograd.core.random import manual_seed
from autograd.core.tensor import Op, Tensor, concatenate, maximum, minimum, stack, where
from autograd.core.value import Value
from autograd.pictures.animate import animate_backward
from autograd.pictures.render import draw_dot, draw_graph, render_graph
from autograd.system.environment import package_version, warn_if_hips_autograd_installed
from autograd.transforms import grad, hessian, jacobian, value_and_grad

warn_if_hips_autograd_installed()  # HIPS autograd in the same environment: say so, once

__version__ = package_version()  # the installed distribution's (pyproject.toml's) version

__all__ = [
    "Value",
    "Tensor",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "grad",
    "value_and_grad",
    "jacobian",
    "hessian",
    "gradcheck",
    "gradgradcheck",
    "GradcheckError",
    "Function",
    "Op",
    "draw_graph",
    "render_graph",
    "manual_seed",
    "detect_anomaly",
    "concatenate",
    "stack",
    "where",
    "maximum",
    "minimum",
    "gc_paused",
    "compile",
    # module-level functions mirroring the methods: the elementwise ones (one per unary
    # registry entry; the registry test names any that is missing), then the others
    "exp",
    "log",
    "sqrt",
    "abs",
    "sin",
    "cos",
    "erf",
    "tanh",
    "sigmoid",
    "relu",
    "leaky_relu",
    "elu",
    "celu",
    "gelu",
    "softplus",
    "mish",
    "hardswish",
    "relu6",
    "softmax",
    "log_softmax",
    "sum",
    "mean",
    "max",
    "min",
    "argmax",
    "argmin",
    "reshape",
    "transpose",
    "matmul",
    "zeros",
    "ones",
    "full",
    "zeros_like",
    "ones_like",
    "arange",
    "linspace",
    "eye",
    "rand",
    "randn",
    "animate_backward",
    "draw_dot",
]
