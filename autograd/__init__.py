"""backproplab's autodiff engine: a scalar ``Value`` and a numpy ``Tensor`` on one graph core.

>>> from autograd import Value, Tensor
>>> x = Value(2.0); y = x * x + 3 * x; y.backward(); x.grad
7.0
"""

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
from autograd.functional import grad, value_and_grad
from autograd.gradcheck import GradcheckError, gradcheck
from autograd.graph import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from autograd.random import manual_seed
from autograd.render import draw_graph, render_graph
from autograd.tensor import Tensor, concatenate, maximum, minimum, stack, where
from autograd.value import Value

warn_if_hips_autograd_installed()  # HIPS autograd in the same environment: say so, once

__all__ = [
    "Value", "Tensor", "no_grad", "enable_grad", "is_grad_enabled", "grad", "value_and_grad",
    "gradcheck", "GradcheckError", "Function", "draw_graph", "render_graph", "manual_seed",
    "detect_anomaly", "concatenate", "stack", "where", "maximum", "minimum",
    "zeros", "ones", "full", "zeros_like", "ones_like", "arange", "linspace", "eye", "rand",
    "randn",
]
