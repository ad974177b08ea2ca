"""grad, value_and_grad, jacobian, hessian: differentiate plain Python functions, JAX style.

They compose to any order: called on an input that an outer ``grad`` is tracing,
a ``grad`` records its own backward pass (``create_graph``), so its result is a
node the outer one differentiates again. ``grad(grad(f))`` is the second derivative.
No ``.grad`` of any tensor is touched.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.core.graph import enable_grad, gradients
from autograd.core.tensor import Tensor, _constant, stack
from autograd.core.value import Value

ArgNums = int | Sequence[int]
_TRACES = threading.local()  # how many grad/jacobian traces are running on this thread


def _argnums(argnums: ArgNums, what: str) -> tuple[bool, tuple[int, ...]]:
    if isinstance(argnums, bool) or not isinstance(argnums, (int, np.integer, Sequence)):
        raise TypeError(f"{what}: argnums must be an int or a sequence of ints, got {argnums!r}")
    if isinstance(argnums, (int, np.integer)):
        return True, (int(argnums),)
    nums = tuple(argnums)
    if not nums or any(isinstance(i, bool) or not isinstance(i, (int, np.integer)) for i in nums):
        raise TypeError(
            f"{what}: argnums must be an int or a non-empty sequence of ints, got {argnums!r}"
        )
    return False, tuple(int(i) for i in nums)


def _input(x: Any, what: str, i: int) -> tuple[Tensor, bool, bool]:
    """The node to differentiate with respect to; whether the caller gave a plain number;
    whether an outer ``grad`` is tracing it (then the result must stay a node)."""
    if isinstance(x, Tensor) and x.requires_grad:
        return x, False, True
    if isinstance(x, Value):
        raise TypeError(
            f"{what}: argument {i} is a Value; grad works on floats, ndarrays "
            "and Tensors (for Values call .backward())"
        )
    is_scalar = isinstance(x, (float, int, np.number)) and not isinstance(x, bool)
    raw = x.data if isinstance(x, Tensor) else x
    try:
        leaf = Tensor(np.array(raw), requires_grad=True)
    except TypeError as exc:
        raise TypeError(f"{what}: argument {i}: {exc}") from None
    return leaf, is_scalar, False


def _trace(
    f: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    nums: tuple[int, ...],
    what: str,
) -> tuple[Any, list[Tensor], list[bool], bool]:
    for i in nums:
        if not -len(args) <= i < len(args):
            raise ValueError(f"{what}: argnums {i} is out of range for {len(args)} argument(s)")
    args_list = list(args)
    inputs: dict[int, Tensor] = {}
    scalars: dict[int, bool] = {}
    traced = False
    for i in nums:
        k = i % len(args)
        if k not in inputs:  # a repeated argnum shares one input, and gets the full gradient
            node, scalar, outer = _input(args[k], what, k)
            inputs[k], scalars[k] = node, scalar
            traced = traced or outer
            args_list[k] = node
    # Inside an outer grad (its input may reach f through another argument or a closure),
    # record this one too, so that the outer grad sees how the result depends on its input.
    depth = getattr(_TRACES, "depth", 0)
    traced = traced or depth > 0
    _TRACES.depth = depth + 1
    try:
        with enable_grad():
            out = f(*args_list, **kwargs)
    finally:
        _TRACES.depth = depth
    nodes = [inputs[i % len(args)] for i in nums]
    return out, nodes, [scalars[i % len(args)] for i in nums], traced


def _result(out: Any, what: str, expected: str) -> Tensor:
    """``f``'s result as a Tensor. A number or array that does not depend on the input
    (``f`` ignored it) is a constant: its derivative is 0, as in JAX and HIPS."""
    if isinstance(out, Tensor):
        return out
    if isinstance(out, (list, tuple)):
        from autograd.core.tensor import as_tensor

        try:
            return as_tensor(out, what)
        except (TypeError, ValueError):
            pass
    if isinstance(out, (int, float, np.number, np.ndarray)) and not isinstance(out, bool):
        arr = np.asarray(out)
        if arr.dtype.kind in "iuf":
            return _constant(arr.astype(np.result_type(arr.dtype, np.float64)))
    raise TypeError(
        f"{what}: f must return {expected} computed from its inputs, got {type(out).__name__}"
    )


def _grads_of(out: Tensor, nodes: list[Tensor], seed: Any, recorded: bool) -> list[Any]:
    if not out.requires_grad:
        found: dict[Any, Any] = {}
    else:
        if recorded and not isinstance(seed, Tensor):
            seed = _constant(seed)
        found = gradients(out, seed, recorded)
    result = []
    for node in nodes:
        g = found.get(node)
        if g is None:
            zeros = np.zeros_like(node.data)
            g = _constant(zeros) if recorded else zeros
        result.append(g)
    return result


def value_and_grad(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., tuple[Any, Any]]:
    """Return a function giving ``(f(*args), gradient)`` with respect to ``args[argnums]``.

    Floats come back as floats and arrays as arrays of the same shape; with a
    tuple ``argnums`` the gradients come as a tuple (a repeated argnum gets the
    full gradient in each place, as in JAX). Inside another ``grad`` they come
    back as Tensors, so derivatives compose to any order.

    >>> import numpy as np
    >>> v, g = value_and_grad(lambda x, y: (x * y).sum() + x.sum(), argnums=(0, 1))(
    ...     np.array([1.0, 2.0]), 3.0)
    >>> v, g[0], g[1]
    (12.0, array([4., 4.]), 3.0)
    """
    single, nums = _argnums(argnums, "grad")

    def wrapped(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        out, nodes, scalars, traced = _trace(f, args, kwargs, nums, "grad")
        out = _result(out, "grad", "a scalar")
        if out.size != 1:
            raise ValueError(f"grad: f must return a scalar, got a tensor of shape {out.shape}")
        grads = _grads_of(out, nodes, np.ones_like(out.data), traced)
        if not traced:
            grads = [float(g) if s else g for g, s in zip(grads, scalars, strict=True)]
        value = out if traced else out.item()
        return value, (grads[0] if single else tuple(grads))

    return wrapped


def grad(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """Return a function giving the gradient of scalar ``f`` with respect to ``args[argnums]``.

    ``grad(grad(f))`` is the second derivative, and so on to any order.

    >>> import numpy as np
    >>> grad(lambda x: (x ** 2).sum())(np.array([1.0, -2.0]))
    array([ 2., -4.])
    >>> grad(lambda x: x.tanh())(0.0)
    1.0
    >>> grad(grad(grad(lambda x: x ** 4)))(2.0)   # 24 x
    48.0
    """
    vg = value_and_grad(f, argnums)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        return vg(*args, **kwargs)[1]

    return wrapped


def jacobian(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """Return a function giving the Jacobian of ``f``: shape ``out.shape + in.shape``.

    One backward sweep per output element; with a tuple ``argnums``, a tuple of
    Jacobians.

    >>> import numpy as np
    >>> jacobian(lambda x: x ** 2)(np.array([1.0, 3.0]))
    array([[2., 0.],
           [0., 6.]])
    """
    single, nums = _argnums(argnums, "jacobian")

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        out, nodes, _, traced = _trace(f, args, kwargs, nums, "jacobian")
        out = _result(out, "jacobian", "a Tensor")
        if traced:  # inside an outer grad or jacobian: the result must stay in the graph
            recorded = _recorded_jacobians(out, nodes)
            return recorded[0] if single else tuple(recorded)
        jacs = [
            np.zeros(out.shape + n.shape, dtype=np.result_type(out.dtype, n.dtype)) for n in nodes
        ]
        seed = np.zeros(out.shape, dtype=out.dtype)  # C order: flat_seed must be a view
        flat_seed = seed.reshape(-1)
        for j in range(out.size):
            flat_seed[:] = 0.0
            flat_seed[j] = 1.0
            for jac, g in zip(jacs, _grads_of(out, nodes, seed.copy(), False), strict=True):
                jac.reshape((out.size,) + g.shape)[j] = g
        return jacs[0] if single else tuple(jacs)

    return wrapped


def _recorded_jacobians(out: Tensor, nodes: list[Tensor]) -> list[Tensor]:
    """The Jacobians as Tensors in the graph (one recorded sweep per output element), so
    that an outer ``grad`` or ``jacobian`` differentiates them again."""
    rows: list[list[Tensor]] = [[] for _ in nodes]
    for j in range(out.size):
        seed = np.zeros(out.size, dtype=out.dtype)
        seed[j] = 1.0
        for row, g in zip(rows, _grads_of(out, nodes, seed.reshape(out.shape), True), strict=True):
            row.append(g)
    jacs = []
    for n, row in zip(nodes, rows, strict=True):
        if not row:  # an empty output: an empty Jacobian
            jacs.append(_constant(np.zeros(out.shape + n.shape, dtype=n.dtype)))
        else:
            jacs.append(stack(row).reshape(out.shape + n.shape))
    return jacs


def hessian(f: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """Return a function giving the Hessian of scalar ``f``: shape ``in.shape + in.shape``.

    The Jacobian of the gradient (the gradient recorded, then differentiated once
    per element).

    >>> import numpy as np
    >>> hessian(lambda x: (x[0] ** 2) * x[1])(np.array([1.0, 3.0]))
    array([[6., 2.],
           [2., 0.]])
    """
    single, nums = _argnums(argnums, "hessian")
    if not single:
        raise TypeError("hessian: argnums must be one int (the Hessian of one argument)")
    return jacobian(grad(f, nums[0]), nums[0])
