"""A differential test of the backward sweeps (issue 19): for random Value and Tensor
programs, the plain backward, the backward under detect_anomaly() (the graph core's
checked sweep) and the recorded backward (create_graph=True) give the same gradients,
and a Value program agrees with the same program run on 0-d Tensors."""

import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Tensor, Value, detect_anomaly, maximum, where
from autograd.testing import arrays, scalar_programs

RTOL, ATOL = 1e-12, 1e-13
MODES = ("plain", "anomaly", "recorded")


def _grads(build, make_leaves, mode):
    """The leaves' gradients after one backward of ``build(*leaves)`` in ``mode``."""
    leaves = make_leaves()
    out = build(*leaves)
    if mode == "plain":
        out.backward()
    elif mode == "anomaly":
        with detect_anomaly():
            out.backward()
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the cycle warning: cleared below
            out.backward(create_graph=True)
    grads = []
    for leaf in leaves:
        g = leaf.grad
        if mode == "recorded" and isinstance(g, (Value, Tensor)):
            g = g.data
            leaf.grad = None  # break the leaf <-> grad cycle
        grads.append(np.zeros_like(np.asarray(leaf.data)) if g is None else np.asarray(g))
    return out.data, grads


def _agree(build, make_leaves):
    results = {mode: _grads(build, make_leaves, mode) for mode in MODES}
    value, grads = results["plain"]
    for mode in MODES[1:]:
        other_value, other_grads = results[mode]
        np.testing.assert_array_equal(other_value, value)
        for g, h in zip(grads, other_grads, strict=True):
            np.testing.assert_allclose(h, g, rtol=RTOL, atol=ATOL, err_msg=mode)
    return value, grads


@settings(max_examples=60, deadline=None)
@given(
    scalar_programs(n_inputs=st.integers(1, 3), max_ops=10),
    st.lists(st.floats(-2, 2), min_size=3, max_size=3),
)
def test_value_programs_agree_in_every_backward_and_with_tensors(program, xs):
    xs = xs[: program.n_inputs]
    _, value_grads = _agree(program, lambda: [Value(x) for x in xs])
    _, tensor_grads = _agree(program, lambda: [Tensor(x, requires_grad=True) for x in xs])
    for g, h in zip(value_grads, tensor_grads, strict=True):
        np.testing.assert_allclose(h, g, rtol=1e-10, atol=1e-12)


@settings(max_examples=30, deadline=None)
@given(
    scalar_programs(n_inputs=2, max_ops=8),
    arrays((3, 4), min_value=-2, max_value=2),
    arrays((4,), min_value=-2, max_value=2),
)
def test_elementwise_tensor_programs_with_broadcasting_agree(program, a, b):
    _agree(
        lambda x, y: program(x, y).sum(),
        lambda: [Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)],
    )


# Tensor ops beyond the elementwise ones: each maps (node, other node) of shape (3, 4) to
# a node of shape (3, 4), so that any sequence of them is a program.
M = np.linspace(-1.0, 1.0, 16).reshape(4, 4)
TENSOR_OPS = {
    "add": lambda a, b: a + b,
    "mul": lambda a, b: a * b,
    "sub_scaled": lambda a, b: a - 0.5 * b,
    "div": lambda a, b: a / (1.0 + b * b),
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "softplus": lambda a, b: a.softplus(),
    "sin": lambda a, b: a.sin(),
    "softmax": lambda a, b: a.softmax(axis=1),
    "log_softmax": lambda a, b: a.log_softmax(axis=0) * 0.1,
    "matmul": lambda a, b: a @ M,
    "center": lambda a, b: a - a.mean(axis=1, keepdims=True),
    "colsum": lambda a, b: b + a.sum(axis=0, keepdims=True) * 0.1,
    "rowmax": lambda a, b: a.max(axis=1, keepdims=True) * b,
    "maximum": lambda a, b: maximum(a, b),
    "where": lambda a, b: where(a.data > 0, a, b * 2.0),
    "gather": lambda a, b: a[[2, 0, 0]] + b,
    "transpose": lambda a, b: (a.T @ M[:3, :3]).T,
    "pow": lambda a, b: (a * a + 1.0) ** 0.5,
}


@st.composite
def tensor_programs(draw):
    steps = []
    for k in range(draw(st.integers(1, 8))):
        name = draw(st.sampled_from(sorted(TENSOR_OPS)))
        i = draw(st.integers(0, k + 1))
        j = draw(st.integers(0, k + 1))
        steps.append((name, i, j))
    return steps


def _run(steps):
    def build(x, y):
        slots = [x, y]
        for name, i, j in steps:
            slots.append(TENSOR_OPS[name](slots[i], slots[j]))
        weights = np.arange(1.0, 13.0).reshape(3, 4) / 12
        return (slots[-1] * weights).sum() + (slots[len(slots) // 2] ** 2).mean()

    return build


@settings(max_examples=60, deadline=None)
@given(
    tensor_programs(),
    arrays((3, 4), min_value=-2, max_value=2),
    arrays((3, 4), min_value=-2, max_value=2),
)
def test_tensor_programs_agree_in_every_backward(steps, a, b):
    _agree(_run(steps), lambda: [Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)])
