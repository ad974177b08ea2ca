"""PyTorch's names on the backproplab engine: ``import backproplab.torch as torch``.

One engine: every op runs on ``autograd`` and every layer is ``nn``'s; this
package only speaks PyTorch's vocabulary (see the README section
"backproplab.torch: PyTorch's names on this engine"). It never imports torch.

>>> import backproplab.torch as torch
>>> g = torch.Generator().manual_seed(2147483647)
>>> torch.rand(3, generator=g)
tensor([0.7081, 0.3542, 0.1054])
>>> x = torch.tensor([1.0, 2.0], requires_grad=True)
>>> (x ** 2).sum()
tensor(5., grad_fn=<SumBackward0>)
"""

from __future__ import annotations

from typing import Any

from autograd import enable_grad, is_grad_enabled, no_grad

from . import cuda
from ._dtypes import bool_ as bool  # noqa: A001 - PyTorch's name
from ._dtypes import dtype, float16, float32, float64, int8, int16, int32, int64, uint8
from ._functions import (
    abs,
    all,
    allclose,
    any,
    arange,
    argmax,
    argmin,
    cat,
    clamp,
    concat,
    cos,
    empty,
    empty_like,
    equal,
    exp,
    eye,
    flatten,
    from_numpy,
    full,
    full_like,
    get_default_dtype,
    get_num_threads,
    histogram,
    initial_seed,
    is_tensor,
    isfinite,
    isnan,
    linspace,
    log,
    log2,
    log10,
    log_softmax,
    manual_seed,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    multinomial,
    normal,
    numel,
    ones,
    ones_like,
    permute,
    pow,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    relu,
    reshape,
    roll,
    round,
    seed,
    set_default_dtype,
    set_num_threads,
    sigmoid,
    sin,
    softmax,
    split,
    sqrt,
    squeeze,
    stack,
    std,
    sum,
    tanh,
    tensor,
    transpose,
    tril,
    triu,
    unsqueeze,
    var,
    where,
    zeros,
    zeros_like,
)
from ._random import Generator, default_generator
from ._serialization import load, save
from ._tensor import Size, Tensor, device
from ._unsupported import missing

float = float32  # noqa: A001
double = float64
half = float16
long = int64
int = int32  # noqa: A001
short = int16
FloatTensor = Tensor
LongTensor = Tensor


class inference_mode(no_grad):  # noqa: N801 - PyTorch's name
    """No graph is recorded (``no_grad``), as a context manager or decorator."""

    def __init__(self, mode: Any = True) -> None:
        super().__init__()


def __getattr__(name: str) -> Any:
    missing("backproplab.torch", name)


from . import nn, optim, utils  # noqa: E402 - torch.nn etc. as attributes, as in PyTorch

__all__ = [
    "Tensor",
    "Size",
    "dtype",
    "Generator",
    "default_generator",
    "no_grad",
    "enable_grad",
    "is_grad_enabled",
    "inference_mode",
    "device",
    "cuda",
    "nn",
    "optim",
    "utils",
    "save",
    "load",
    "float32",
    "float64",
    "float16",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
    "float",
    "double",
    "half",
    "long",
    "int",
    "short",
    "tensor",
    "from_numpy",
    "zeros",
    "ones",
    "empty",
    "full",
    "zeros_like",
    "ones_like",
    "full_like",
    "empty_like",
    "arange",
    "linspace",
    "eye",
    "tril",
    "triu",
    "manual_seed",
    "seed",
    "initial_seed",
    "rand",
    "randn",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "randint_like",
    "multinomial",
    "normal",
    "cat",
    "concat",
    "stack",
    "where",
    "roll",
    "histogram",
    "allclose",
    "equal",
    "exp",
    "log",
    "log10",
    "log2",
    "sqrt",
    "tanh",
    "sigmoid",
    "relu",
    "abs",
    "sin",
    "cos",
    "pow",
    "clamp",
    "softmax",
    "log_softmax",
    "sum",
    "mean",
    "std",
    "var",
    "max",
    "min",
    "argmax",
    "argmin",
    "maximum",
    "minimum",
    "matmul",
    "all",
    "any",
    "flatten",
    "reshape",
    "transpose",
    "permute",
    "squeeze",
    "unsqueeze",
    "split",
    "isfinite",
    "isnan",
    "round",
    "numel",
    "is_tensor",
    "get_default_dtype",
    "set_default_dtype",
    "set_num_threads",
    "get_num_threads",
]
