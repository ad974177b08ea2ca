"""grad and value_and_grad: differentiate plain Python functions, HIPS autograd/JAX style."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.graph import enable_grad
from autograd.tensor import Tensor
from autograd.value import Value

ArgNums = int | Sequence[int]


def value_and_grad(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., tuple[Any, Any]]:
    """Return a function giving ``(f(*args), gradient)`` with respect to ``args[argnums]``.

    Floats come back as floats and arrays as arrays of the same shape; with a
    tuple ``argnums`` the gradients come as a tuple.

    >>> import numpy as np
    >>> v, g = value_and_grad(lambda x, y: (x * y).sum() + x.sum(), argnums=(0, 1))(
    ...     np.array([1.0, 2.0]), 3.0)
    >>> v, g[0], g[1]
    (12.0, array([4., 4.]), 3.0)
    """
    single = isinstance(argnums, int)
    nums: tuple[int, ...] = (argnums,) if isinstance(argnums, int) else tuple(argnums)

    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        args_list = list(args)
        leaves: list[tuple[Tensor, bool]] = []
        for i in nums:
            if not -len(args) <= i < len(args):
                raise ValueError(f"grad: argnums {i} is out of range for {len(args)} argument(s)")
            x = args_list[i]
            is_scalar = isinstance(x, (int, float, np.number))
            arr = np.array(x.data if isinstance(x, (Tensor, Value)) else x, dtype=None)
            if arr.dtype.kind != "f":
                arr = arr.astype(np.float64)
            leaf = Tensor(arr, requires_grad=True)
            args_list[i] = leaf
            leaves.append((leaf, is_scalar))
        with enable_grad():
            out = f(*args_list, **kwargs)
        if not isinstance(out, Tensor):
            raise TypeError(f"grad: f must return a scalar computed from its inputs, "
                            f"got {type(out).__name__}")
        if out.size != 1:
            raise ValueError(f"grad: f must return a scalar, got a tensor of shape {out.shape}")
        if out.requires_grad:
            out.backward()
        grads = []
        for leaf, is_scalar in leaves:
            g = leaf.grad if leaf.grad is not None else np.zeros_like(leaf.data)
            grads.append(float(g) if is_scalar else g)
        return out.item(), (grads[0] if single else tuple(grads))

    return wrapped


def grad(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """Return a function giving the gradient of scalar ``f`` with respect to ``args[argnums]``.

    >>> import numpy as np
    >>> grad(lambda x: (x ** 2).sum())(np.array([1.0, -2.0]))
    array([ 2., -4.])
    >>> grad(lambda x: x.tanh())(0.0)
    1.0
    """
    vg = value_and_grad(f, argnums)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return vg(*args, **kwargs)[1]

    return wrapped
