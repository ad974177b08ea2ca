"""Function: user-defined differentiable ops on Tensors, in PyTorch's style."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.core import generic as G
from autograd.core.tensor import Op, Tensor, real_array


class FunctionCtx:
    """What ``forward`` leaves for ``backward``: saved arrays and any attributes.

    ``needs_input_grad`` has one bool per input of ``apply``.
    """

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.saved_tensors: tuple[Any, ...] = ()
        self.needs_input_grad = needs_input_grad

    def save_for_backward(self, *arrays: Any) -> None:
        """Keep arrays for ``backward``; they come back as ``ctx.saved_tensors``."""
        self.saved_tensors = arrays


class Function:
    """Base class for custom ops: write ``forward`` and ``backward`` on ndarrays.

    ``apply`` records the op with ``autograd.Op``, like every op of the library. In a
    recorded backward (``create_graph=True``) ``backward`` receives ``grad_out`` as a
    Tensor, and the entries of ``ctx.saved_tensors`` that were inputs of ``apply``
    as the input Tensors (and the result of ``forward`` as the output Tensor), so a
    backward written with operators (like ``Cube``'s below) is itself differentiable.
    A wrong number of gradients, or a gradient whose shape cannot be reduced to its
    input's, raises ``ValueError`` naming the Function.

    >>> class Cube(Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad_out):
    ...         (x,) = ctx.saved_tensors
    ...         return 3 * x ** 2 * grad_out
    >>> t = Tensor([1.0, 2.0], requires_grad=True)
    >>> y = Cube.apply(t)
    >>> y.sum().backward()
    >>> t.grad
    array([ 3., 12.])
    """

    @staticmethod
    def forward(ctx: FunctionCtx, *args: Any) -> Any:
        raise NotImplementedError("Function subclasses implement forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: FunctionCtx, grad_output: np.ndarray) -> Any:
        raise NotImplementedError("Function subclasses implement backward(ctx, grad_output)")

    @classmethod
    def apply(cls, *args: Any) -> Tensor:
        """Run ``forward`` on the inputs' arrays and record the op in the graph."""
        for a in args:
            if type(a).__name__ == "Value":
                raise TypeError(f"{cls.__name__}.apply: Function works on Tensors, not Values")
        ctx = FunctionCtx(tuple(isinstance(a, Tensor) and a.requires_grad for a in args))
        raw = [a.data if isinstance(a, Tensor) else a for a in args]
        result = cls.forward(ctx, *raw)
        out = _forward_result(cls, result)
        # What forward returned, by identity: saved, it comes back as the output node.
        returned = (id(result), id(out), id(result.data) if isinstance(result, Tensor) else 0)
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        parents = tuple(args[i] for i in positions)
        op = cls.__dict__.get("_op")
        if op is None:
            op = Op(cls.__name__, _function_rule)
            cls._op = op  # type: ignore[attr-defined]  # one Op per Function class
        return op(out, parents, (cls, ctx, positions, len(args), raw, returned))


def _forward_result(cls: type, out: Any) -> np.ndarray:
    """``forward``'s result as a float array, or an error naming the Function."""
    if isinstance(out, Tensor):
        out = out.data
    if out is None:
        raise TypeError(
            f"{cls.__name__}.forward returned None; it must return the op's result "
            "(an ndarray or a number)"
        )
    if isinstance(out, (str, bytes)):
        raise TypeError(
            f"{cls.__name__}.forward returned a string; it must return the op's "
            "result (an ndarray or a number)"
        )
    arr = real_array(out, f"{cls.__name__}.forward returned", type(out).__name__, "an array")
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def _function_rule(g: Any, inputs: Any, out: Any, saved: Any, needs: Any) -> tuple[Any, ...]:
    cls, ctx, positions, n_inputs, raw, returned = saved
    if G.is_plain(g):
        grads = cls.backward(ctx, g)
    else:
        # A recorded backward: the saved arrays that were inputs come back as the input
        # Tensors, and the saved result as the output node (PyTorch's Exp example saves
        # its result), so a backward written with operators is differentiable again.
        by_id = {key: out for key in returned if key}
        by_id.update({id(raw[i]): t for i, t in zip(positions, inputs, strict=True)})
        plain = ctx.saved_tensors
        ctx.saved_tensors = tuple(by_id.get(id(a), a) for a in plain)
        try:
            grads = cls.backward(ctx, g)
        finally:
            ctx.saved_tensors = plain
    if isinstance(grads, list):
        grads = tuple(grads)
    elif not isinstance(grads, tuple):
        grads = (grads,)
    if len(grads) != n_inputs:
        raise ValueError(
            f"{cls.__name__}.backward returned {len(grads)} gradient(s); "
            f"expected one per input of apply(), i.e. {n_inputs}"
        )
    result: list[Any] = []
    for i in positions:
        gi = grads[i]
        if gi is not None and not isinstance(gi, Tensor):
            # A copy: user code may hand back a saved array that must not become a grad buffer.
            what = f"a gradient for input {i}"
            gi = real_array(gi, f"{cls.__name__}.backward returned", what, what, copy=True)
        result.append(gi)
    return tuple(result)
