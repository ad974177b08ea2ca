"""Function: user-defined differentiable ops on Tensors, in PyTorch's style."""

from __future__ import annotations

from typing import Any

import numpy as np

from autograd.tensor import Tensor, _result


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
        out = np.asarray(cls.forward(ctx, *raw))
        if out.dtype.kind != "f":
            out = out.astype(np.float64)
        positions = tuple(i for i, a in enumerate(args) if isinstance(a, Tensor))
        parents = tuple(args[i] for i in positions)
        return _result(out, cls.__name__, parents, _function_vjp, (cls, ctx, positions, len(args)))


def _function_vjp(g: np.ndarray, node: Tensor) -> tuple[np.ndarray | None, ...]:
    cls, ctx, positions, n_inputs = node._saved
    grads = cls.backward(ctx, g)
    if not isinstance(grads, tuple):
        grads = (grads,)
    if len(grads) != n_inputs:
        raise ValueError(f"{cls.__name__}.backward returned {len(grads)} gradient(s); "
                         f"expected one per input of apply(), i.e. {n_inputs}")
    out: list[np.ndarray | None] = []
    for i, parent in zip(positions, node._parents, strict=False):
        gi = grads[i]
        if gi is None:
            out.append(None)
            continue
        # A copy: user code may hand back a saved array that must not become a grad buffer.
        gi = np.array(gi, dtype=parent.data.dtype)
        try:
            full = np.broadcast_shapes(gi.shape, parent.data.shape)
        except ValueError:
            raise ValueError(f"{cls.__name__}.backward returned a gradient of shape {gi.shape} "
                             f"for input {i} of shape {parent.data.shape}") from None
        if gi.shape != full:
            gi = np.broadcast_to(gi, full)  # the driver sums it back to the input's shape
        out.append(gi)
    return tuple(out)
