"""backproplab's autodiff engine: a scalar ``Value`` and a numpy ``Tensor`` on one graph core.

>>> from autograd import Value, Tensor
>>> x = Value(2.0); y = x * x + 3 * x; y.backward(); x.grad
7.0
"""

from autograd.animate import animate_backward
from autograd.function import Function
from autograd.functional import grad, value_and_grad
from autograd.gradcheck import GradcheckError, gradcheck
from autograd.graph import detect_anomaly, enable_grad, is_grad_enabled, no_grad
from autograd.random import manual_seed
from autograd.render import draw_graph, render_graph
from autograd.tensor import Tensor, concatenate, maximum, minimum, stack, where
from autograd.value import Value

__all__ = [
    "Value", "Tensor", "no_grad", "enable_grad", "is_grad_enabled", "grad", "value_and_grad",
    "gradcheck", "GradcheckError", "Function", "draw_graph", "render_graph", "manual_seed",
    "detect_anomaly", "concatenate", "stack", "where", "maximum", "minimum",
    "animate_backward",
]
