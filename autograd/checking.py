"""gradcheck: compare the engine's gradients with central finite differences."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from autograd.core.free_functions import Node
from autograd.core.graph import enable_grad, gradients, no_grad, topological_order
from autograd.core.tensor import Tensor
from autograd.core.value import Value
from autograd.transforms import _grads_of


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when an analytic gradient disagrees with the numeric one.

    >>> from autograd import Tensor, gradcheck
    >>> x = Tensor([1.0, 2.0], requires_grad=True)
    >>> try:
    ...     gradcheck(lambda t: (t * t.detach()).sum(), [x])  # detach hides half the gradient
    ... except GradcheckError as err:
    ...     print(str(err).split(" does not match")[0])
    gradcheck: gradient of input #0 at index (0,) (output element 0)
    """


def _tolerances(eps: Any, atol: Any, rtol: Any) -> None:
    """eps must be a positive finite number, atol and rtol finite numbers >= 0."""
    for name, v, positive in (("eps", eps, True), ("atol", atol, False), ("rtol", rtol, False)):
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
            raise TypeError(f"gradcheck: {name} must be a number, got {v!r}")
        if not np.isfinite(v) or v < 0 or (positive and v == 0):
            need = (
                "a finite number > 0 (the finite-difference step)"
                if positive
                else "a finite number >= 0"
            )
            raise ValueError(f"gradcheck: {name} must be {need}, got {v!r}")


def gradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Node],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check ``f``'s gradients at ``inputs`` against central finite differences.

    Checked inputs are all Values and the Tensors with ``requires_grad``. A
    non-scalar output is checked element by element (one backward per output
    element). Tensors are checked in float64 whatever their dtype, so float32
    inputs need no looser tolerances. An element passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|``. The inputs' data and
    grads, and the grads of any other leaf ``f`` uses, are restored afterwards.

    >>> from autograd import Tensor
    >>> x = Tensor([0.5, -1.5], requires_grad=True)
    >>> gradcheck(lambda t: (t * t.sin()).sum(), [x])
    True
    """
    _tolerances(eps, atol, rtol)
    inputs = list(inputs)
    if not inputs:
        raise ValueError("gradcheck: inputs is empty; pass the Values/Tensors to check")
    for i, x in enumerate(inputs):
        if not isinstance(x, (Value, Tensor)):
            raise TypeError(
                f"gradcheck: input {i} is a {type(x).__name__}; expected Value or Tensor"
            )
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Value) or x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad; set requires_grad=True on a Tensor")

    saved = [(x.data, x.grad) for x in inputs]
    for x in inputs:
        if isinstance(x, Tensor):
            x.data = np.array(x.data, dtype=np.float64)  # a working copy: the original is untouched
    try:
        analytic = _analytic_jacobian(f, inputs, checked)
        numeric = _numeric_jacobian(f, inputs, checked, eps)
    finally:
        for x, (data, g) in zip(inputs, saved, strict=False):
            x.data, x.grad = data, g

    for i, a, n in zip(checked, analytic, numeric, strict=False):
        bad = ~(np.abs(a - n) <= atol + rtol * np.abs(n))  # a NaN never passes
        if bad.any():
            out_j, elem = np.argwhere(bad)[0]
            name = inputs[i].label or f"#{i}"
            where = _index(inputs[i], int(elem))
            msg = (
                f"gradcheck: gradient of input {name} at index {where} "
                f"(output element {int(out_j)}) does not match: "
                f"analytic {float(a[out_j, elem])!r}, numeric {float(n[out_j, elem])!r} "
                f"(atol={atol}, rtol={rtol}; {int(bad.sum())} mismatching entries)"
            )
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True


def _index(x: Node, flat: int) -> Any:
    if isinstance(x, Value):
        return "()"
    return tuple(int(i) for i in np.unravel_index(flat, x.data.shape)) if x.data.ndim else "()"


def _outputs(out: Any) -> tuple[list[Node], np.ndarray]:
    """The output nodes and their values as one flat float64 array."""
    if isinstance(out, Tensor):
        return [out], np.array(out.data, dtype=np.float64).ravel()
    if isinstance(out, Value):
        return [out], np.array([out.data])
    if isinstance(out, (list, tuple)) and all(isinstance(o, Value) for o in out) and out:
        return list(out), np.array([o.data for o in out])
    raise TypeError(
        f"gradcheck: f must return a Value, a list of Values or a Tensor, got {type(out).__name__}"
    )


def _size(x: Node) -> int:
    return 1 if isinstance(x, Value) else x.data.size


def _analytic_jacobian(
    f: Callable[..., Any], inputs: list[Node], checked: list[int]
) -> list[np.ndarray]:
    out = f(*inputs)
    nodes, values = _outputs(out)
    leaves = [n for node in nodes for n in topological_order(node) if not n._parents]
    leaf_grads = [(leaf, leaf.grad) for leaf in leaves]
    jac = [np.zeros((values.size, _size(inputs[i]))) for i in checked]
    try:
        for j in range(values.size):
            for leaf in leaves:
                leaf.grad = 0.0 if isinstance(leaf, Value) else None
            if isinstance(out, Tensor):
                if not out.requires_grad:
                    break  # f does not depend on any checked input: all zeros
                seed = np.zeros(out.data.size)
                seed[j] = 1.0
                out.backward(seed.reshape(out.data.shape))
            else:
                nodes[j].backward()
            for row, i in zip(jac, checked, strict=False):
                g = inputs[i].grad
                row[j] = 0.0 if g is None else np.asarray(g, dtype=np.float64).ravel()
    finally:
        for leaf, g in leaf_grads:
            leaf.grad = g
    return jac


def _numeric_jacobian(
    f: Callable[..., Any], inputs: list[Node], checked: list[int], eps: float
) -> list[np.ndarray]:
    jac = []
    with no_grad():
        n_out = _outputs(f(*inputs))[1].size
        for i in checked:
            x = inputs[i]
            cols = np.zeros((n_out, _size(x)))
            for k in range(_size(x)):
                if isinstance(x, Value):
                    base = x.data
                    x.data = base + eps
                    plus = _outputs(f(*inputs))[1]
                    x.data = base - eps
                    minus = _outputs(f(*inputs))[1]
                    x.data = base
                else:
                    flat = x.data.reshape(-1)
                    base = flat[k]
                    flat[k] = base + eps
                    plus = _outputs(f(*inputs))[1]
                    flat[k] = base - eps
                    minus = _outputs(f(*inputs))[1]
                    flat[k] = base
                cols[:, k] = (plus - minus) / (2.0 * eps)
            jac.append(cols)
    return jac


def gradgradcheck(
    f: Callable[..., Any],
    inputs: Sequence[Node],
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    seed: int = 0,
) -> bool:
    """Check ``f``'s second derivatives against finite differences of its first derivatives.

    For each checked input ``x_j`` it records the gradient ``d s / d x_j`` with
    ``create_graph`` (``s`` is ``f``'s output, weighted by fixed random numbers
    drawn from ``seed`` when it is not a scalar) and runs ``gradcheck`` on that
    gradient as a function of all the inputs: every second derivative
    ``d2 s / d x_i d x_j`` is compared. Arguments and errors as ``gradcheck``'s.

    >>> from autograd import Tensor, Value
    >>> x = Tensor([0.5, -1.5], requires_grad=True)
    >>> gradgradcheck(lambda t: (t * t.sin()).sum(), [x])
    True
    >>> gradgradcheck(lambda u, v: (u * v).tanh(), [Value(0.3), Value(-0.7)])
    True
    """
    inputs = list(inputs)
    checked = [
        i
        for i, x in enumerate(inputs)
        if isinstance(x, Value) or (isinstance(x, Tensor) and x.requires_grad)
    ]
    rng = np.random.default_rng(seed)
    weights: list[Any] = []

    def scalar(out: Any) -> Any:
        if isinstance(out, Tensor):
            if out.data.size == 1:
                return out.sum()
            if not weights:
                weights.append(rng.uniform(0.5, 1.5, out.data.shape))
            return (out * weights[0]).sum()
        if isinstance(out, Value):
            return out
        if not weights:
            weights.extend(rng.uniform(0.5, 1.5, len(out)).tolist())
        total: Any = 0.0
        for w, o in zip(weights, out, strict=True):
            total = total + w * o
        return total

    for j in checked:

        def first(*xs: Any, j: int = j) -> Any:
            with enable_grad():  # gradcheck's finite differences run f under no_grad()
                return _recorded_gradient(scalar(f(*xs)), xs[j])

        if not gradcheck(first, inputs, eps, atol, rtol, raise_exception):
            return False
    return True


def _recorded_gradient(s: Any, x: Any) -> Any:
    """d s / d x as a node (create_graph), touching no ``.grad``; zeros when s has no graph."""
    if isinstance(s, Value):
        if s._p0 is None:
            return Value(0.0)
        g = gradients(s, Value(1.0), True).get(x)
        return Value(0.0) if g is None else g
    return _grads_of(s, [x], np.ones_like(s.data), True)[0]
