"""Second and third derivatives of every Value and Tensor op (Engine v2).

Each op is checked three ways: against a hand-derived formula, against finite
differences of its recorded first derivative (``gradgradcheck``), and, where
PyTorch is installed, against PyTorch's double backward. Inputs are drawn by
hypothesis inside each op's registry ``domain`` and away from its ``kinks``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
import nn.functional as F
from autograd import (
    Function,
    Op,
    Tensor,
    Value,
    concatenate,
    enable_grad,
    grad,
    gradcheck,
    gradgradcheck,
    hessian,
    jacobian,
    maximum,
    minimum,
    stack,
    where,
)
from autograd.core.registry import REGISTRY
from autograd.core.tensor import linear, variance
from autograd.testing import SCALAR_OPS, arrays, broadcastable_shapes, scalar_programs
from tests.autograd.core import op_tables

FEW = settings(max_examples=25, deadline=None)
FEWER = settings(max_examples=10, deadline=None)

# -- the cases: every unary registry entry with each parameter set of the shared table --------
SECOND_THIRD: dict[str, Callable[..., tuple[Any, Any]]] = {
    name: row.d23 for name, row in op_tables.UNARY.items()
}  # (x, *params) -> 2nd, 3rd derivative
UNARY = sorted(n for n, e in REGISTRY.items() if e.arity == 1)
SCALAR_UNARY = [n for n in UNARY if REGISTRY[n].scalar is not None]
UNARY_CASES = [
    pytest.param(n, p, id=op_tables.label(n, p)) for n in UNARY for p in op_tables.UNARY[n].params
]
SCALAR_UNARY_CASES = [case for case in UNARY_CASES if case.values[0] in SCALAR_UNARY]
apply = op_tables.apply


def away_from_kinks(x: Any, name: str, params: tuple[Any, ...] = (), margin: float = 0.05) -> Any:
    """Moves values within ``margin`` of a kink of ``name`` to kink + 2 * margin."""
    out = np.array(x, dtype=np.float64)
    for k in op_tables.kinks(name, params):
        near = np.abs(out - k) < margin
        out = np.where(near, k + 2 * margin, out)
    return out if np.ndim(x) else float(out)


def domain_floats(name: str, params: tuple[Any, ...] = ()) -> st.SearchStrategy[float]:
    lo, hi = REGISTRY[name].domain
    return st.floats(lo, hi).map(lambda v: away_from_kinks(v, name, params))


SHAPES = st.sampled_from([(3,), (2, 3)])


def domain_arrays(name: str, params: tuple[Any, ...] = (), shape: Any = SHAPES) -> Any:
    lo, hi = REGISTRY[name].domain
    return arrays(shape, min_value=lo, max_value=hi).map(lambda a: away_from_kinks(a, name, params))


def test_every_unary_entry_has_hand_formulas() -> None:
    assert set(SECOND_THIRD) == set(UNARY)


# -- Value: nested backward(create_graph=True) ---------------------------------------------------
def value_derivatives(f: Callable[[Value], Value], x0: float, order: int = 3) -> list[float]:
    """[f'(x0), f''(x0), f'''(x0), ...] by nested backward(create_graph=True)."""
    x = Value(x0)
    node = f(x)
    found = []
    for k in range(order):
        x.grad = 0.0
        node.backward(create_graph=k < order - 1)
        node = x.grad
        found.append(float(node.data) if isinstance(node, Value) else float(node))
        if not isinstance(node, Value):
            found += [0.0] * (order - 1 - k)
            break
    return found


@pytest.mark.parametrize(("name", "params"), SCALAR_UNARY_CASES)
@FEW
@given(data=st.data())
def test_value_unary_second_and_third_derivatives(name: str, params: tuple, data: Any) -> None:
    x0 = data.draw(domain_floats(name, params))
    d1, d2, d3 = value_derivatives(lambda v: apply(name, v, params), x0)
    want2, want3 = SECOND_THIRD[name](np.float64(x0), *params)
    assert d2 == pytest.approx(float(want2), rel=1e-6, abs=1e-9)
    assert d3 == pytest.approx(float(want3), rel=1e-6, abs=1e-9)
    assert gradgradcheck(lambda v: apply(name, v, params), [Value(x0)])
    # third order: finite differences of the recorded second derivative
    assert gradgradcheck(lambda v: recorded_value_grad(apply(name, v, params), v), [Value(x0)])


def recorded_value_grad(y: Value, x: Value, *others: Value) -> Value:
    """dy/dx as a Value node, via backward(create_graph=True), leaving the grads of x and
    the other leaves as they were."""
    leaves = (x, *others)
    old = [v.grad for v in leaves]
    x.grad = 0.0
    y.backward(create_graph=True)
    g = x.grad
    for v, o in zip(leaves, old, strict=True):
        v.grad = o
    return g if isinstance(g, Value) else Value(float(g))


# binary Value ops: symbol -> (f, Hessian [[aa, ab], [ab, bb]])
def _hessian_matrix(hessian: Callable[[Any, Any], tuple[Any, Any, Any]]) -> Callable[..., Any]:
    def matrix(a: float, b: float) -> list[list[Any]]:
        aa, ab, bb = hessian(a, b)
        return [[aa, ab], [ab, bb]]

    return matrix


VALUE_BINARY: dict[str, tuple[Callable[[Any, Any], Any], Callable[[float, float], Any]]] = {
    REGISTRY[name].symbol: (row.call, _hessian_matrix(row.hessian))
    for name, row in op_tables.BINARY.items()
    if REGISTRY[name].scalar is not None
}


def value_hessian(f: Callable[[Value, Value], Value], a0: float, b0: float) -> np.ndarray:
    a, b = Value(a0), Value(b0)
    f(a, b).backward(create_graph=True)
    firsts = [a.grad, b.grad]
    h = np.zeros((2, 2))
    for i, g in enumerate(firsts):
        a.grad, b.grad = 0.0, 0.0
        if isinstance(g, Value):
            g.backward()
        h[i] = [float(a.grad), float(b.grad)]
    return h


@pytest.mark.parametrize("op", sorted(VALUE_BINARY))
@FEW
@given(a0=st.floats(0.3, 3.0), b0=st.floats(0.3, 3.0))
def test_value_binary_hessian(op: str, a0: float, b0: float) -> None:
    f, hand = VALUE_BINARY[op]
    np.testing.assert_allclose(
        value_hessian(f, a0, b0), np.array(hand(a0, b0), dtype=float), rtol=1e-7, atol=1e-9
    )
    assert gradgradcheck(f, [Value(a0), Value(b0)])
    # third order: each recorded first derivative, checked by gradgradcheck
    for which in (0, 1):
        assert gradgradcheck(
            lambda a, b, w=which: recorded_value_grad(f(a, b), (a, b)[w], (a, b)[1 - w]),
            [Value(a0), Value(b0)],
        )


# a constant c on either side: name -> (f(v, c), f'', f''')
VALUE_WITH_CONSTANT: dict[str, tuple[Callable[[Any, float], Any], Callable[..., tuple]]] = {
    "v + c": (lambda v, c: v + c, lambda x, c: (0, 0)),
    "c + v": (lambda v, c: c + v, lambda x, c: (0, 0)),
    "v - c": (lambda v, c: v - c, lambda x, c: (0, 0)),
    "c - v": (lambda v, c: c - v, lambda x, c: (0, 0)),
    "v * c": (lambda v, c: v * c, lambda x, c: (0, 0)),
    "c * v": (lambda v, c: c * v, lambda x, c: (0, 0)),
    "v / c": (lambda v, c: v / c, lambda x, c: (0, 0)),
    "c / v": (lambda v, c: c / v, lambda x, c: (2 * c / x**3, -6 * c / x**4)),
    "v ** c": (
        lambda v, c: v**c,
        lambda x, c: (c * (c - 1) * x ** (c - 2), c * (c - 1) * (c - 2) * x ** (c - 3)),
    ),
    "c ** v": (lambda v, c: c**v, lambda x, c: (c**x * math.log(c) ** 2, c**x * math.log(c) ** 3)),
    "-v": (lambda v, c: -v, lambda x, c: (0, 0)),
}


@pytest.mark.parametrize("case", sorted(VALUE_WITH_CONSTANT))
@FEW
@given(x0=st.floats(0.3, 3.0), c=st.sampled_from([2, 2.0, 0.5, 3.5, -1.5]))
def test_value_op_with_a_constant_second_and_third_derivatives(
    case: str, x0: float, c: float
) -> None:
    f, hand = VALUE_WITH_CONSTANT[case]
    if case == "c ** v" and c <= 0:
        c = 2.0
    _, d2, d3 = value_derivatives(lambda v: f(v, c), x0)
    want2, want3 = hand(x0, c)
    assert d2 == pytest.approx(want2, rel=1e-7, abs=1e-9)
    assert d3 == pytest.approx(want3, rel=1e-7, abs=1e-9)
    assert gradgradcheck(lambda v: f(v, c), [Value(x0)])
    assert gradgradcheck(lambda v: recorded_value_grad(f(v, c), v), [Value(x0)])


@pytest.mark.parametrize("x0", [0.5, 2.0])
def test_two_to_the_v_two_minus_v_two_over_v(x0: float) -> None:
    """The reflected operators named in the issue, at fixed points."""
    ln2 = math.log(2.0)
    assert value_derivatives(lambda v: 2**v, x0) == pytest.approx(
        [2**x0 * ln2, 2**x0 * ln2**2, 2**x0 * ln2**3]
    )
    assert value_derivatives(lambda v: 2 - v, x0) == pytest.approx([-1.0, 0.0, 0.0])
    assert value_derivatives(lambda v: 2 / v, x0) == pytest.approx(
        [-2 / x0**2, 4 / x0**3, -12 / x0**4]
    )


# -- Tensor elementwise: grad(grad(...)) and grad(grad(grad(...))) --------------------------------
def nth_grad(f: Callable[[Any], Any], n: int) -> Callable[[Any], Any]:
    """The n-th derivative of an elementwise f, elementwise (grad of the sum, n times)."""
    g = f
    for _ in range(n):
        g = grad(lambda t, g=g: g(t).sum())
    return g


@pytest.mark.parametrize(("name", "params"), UNARY_CASES)
@FEW
@given(data=st.data())
def test_tensor_unary_second_and_third_derivatives(name: str, params: tuple, data: Any) -> None:
    x = data.draw(domain_arrays(name, params))
    f = lambda t: apply(name, t, params)  # noqa: E731
    want2, want3 = SECOND_THIRD[name](x, *params)
    np.testing.assert_allclose(nth_grad(f, 2)(x), want2 + 0 * x, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(nth_grad(f, 3)(x), want3 + 0 * x, rtol=1e-6, atol=1e-9)
    assert gradgradcheck(f, [Tensor(x, requires_grad=True)])


@pytest.mark.parametrize(("name", "params"), UNARY_CASES)
def test_tensor_unary_third_derivative_by_nested_backward(name: str, params: tuple) -> None:
    lo, hi = REGISTRY[name].domain
    x0 = away_from_kinks(np.linspace(lo, hi, 7)[1:-1], name, params)
    x = Tensor(x0, requires_grad=True)
    node, found = apply(name, x, params).sum(), []
    for k in range(3):
        if not node.requires_grad:  # a constant derivative: the next ones are 0 (as in PyTorch)
            found.append(np.zeros_like(x0))
            continue
        x.grad = None
        node.backward(create_graph=k < 2)
        g = x.grad if x.grad is not None else Tensor(np.zeros_like(x0))
        if k < 2:
            assert isinstance(g, Tensor)
        found.append(np.asarray(g.data if isinstance(g, Tensor) else g))
        node = g.sum() if isinstance(g, Tensor) else Tensor(0.0)
    g2, g3 = Tensor(found[1]), found[2]
    want2, want3 = SECOND_THIRD[name](x0, *params)
    np.testing.assert_allclose(g2.data, want2 + 0 * x0, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(g3, want3 + 0 * x0, rtol=1e-6, atol=1e-9)


# binary Tensor ops, broadcasting: name -> f
TENSOR_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    name: row.call for name, row in op_tables.BINARY.items()
}


def test_every_binary_entry_is_tested() -> None:
    assert set(TENSOR_BINARY) == {n for n, e in REGISTRY.items() if e.arity == 2}


def _operands(name: str, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if name == "pow":
        a = np.abs(a) + 0.3
    if name == "div":
        b = np.where(np.abs(b) < 0.3, 0.5, b)
    if name in ("maximum", "minimum"):  # keep away from ties
        a2, b2 = np.broadcast_arrays(a, b)
        close = np.abs(a2 - b2) < 0.05
        if close.any():
            a = a + 0.0
            b = np.where(np.abs(a - b) < 0.05, b + 0.2, b)
    return a, b


@pytest.mark.parametrize("name", sorted(TENSOR_BINARY))
@FEW
@given(data=st.data())
def test_tensor_binary_broadcasting_gradgradcheck(name: str, data: Any) -> None:
    sa, sb = data.draw(broadcastable_shapes(max_dims=2, max_side=3))
    a = data.draw(arrays(sa, min_value=-2, max_value=2))
    b = data.draw(arrays(sb, min_value=-2, max_value=2))
    a, b = _operands(name, a, b)
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    assert gradgradcheck(TENSOR_BINARY[name], [ta, tb])


#: same-shape Hessian blocks: name -> (H_aa, H_ab, H_bb) elementwise
BINARY_HAND: dict[str, Callable[[Any, Any], tuple[Any, Any, Any]]] = {
    name: row.hessian for name, row in op_tables.BINARY.items()
}


@pytest.mark.parametrize("name", sorted(TENSOR_BINARY))
@FEW
@given(a=arrays((3,), min_value=-2, max_value=2), b=arrays((3,), min_value=-2, max_value=2))
def test_tensor_binary_hessian_blocks_match_hand_formulas(
    name: str, a: np.ndarray, b: np.ndarray
) -> None:
    a, b = _operands(name, a, b)
    f = TENSOR_BINARY[name]

    def d(i: int) -> Callable[..., Any]:
        return lambda x, y: grad(lambda u, v: f(u, v).sum(), i)(x, y).sum()

    haa, hab, hbb = BINARY_HAND[name](a, b)
    np.testing.assert_allclose(grad(d(0), 0)(a, b), haa, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(grad(d(0), 1)(a, b), hab, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(grad(d(1), 0)(a, b), hab, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(grad(d(1), 1)(a, b), hbb, rtol=1e-7, atol=1e-9)


# -- matmul in all its forms ---------------------------------------------------------------
MATMUL_SHAPES = [
    ((3,), (3,)),
    ((2, 3), (3,)),
    ((3,), (3, 2)),
    ((2, 3), (3, 4)),
    ((2, 2, 3), (3, 4)),
    ((3,), (2, 3, 4)),
    ((2, 2, 3), (3,)),
    ((2, 2, 3), (2, 3, 4)),
    ((1, 2, 3), (2, 3, 2)),
    ((2, 1, 2, 3), (3, 3, 2)),
]


@pytest.mark.parametrize(("sa", "sb"), MATMUL_SHAPES)
@FEWER
@given(data=st.data())
def test_matmul_gradgradcheck(sa: tuple, sb: tuple, data: Any) -> None:
    a = Tensor(data.draw(arrays(sa, min_value=-2, max_value=2)), requires_grad=True)
    b = Tensor(data.draw(arrays(sb, min_value=-2, max_value=2)), requires_grad=True)
    assert gradgradcheck(lambda x, y: x @ y, [a, b])
    assert gradgradcheck(lambda x, y: (x @ y).tanh(), [a, b])


@pytest.mark.parametrize(("sa", "sb"), [((2, 3), (3, 4)), ((4, 2, 3), (3, 5))])
def test_matmul_mixed_second_derivative_matches_hand_formula(sa: tuple, sb: tuple) -> None:
    """d/dA sum(V * d/dB sum(W * (A @ B))) = W @ V^T, summed over batch dims of B's gradient."""
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=sa), rng.normal(size=sb)
    w = rng.normal(size=np.broadcast_shapes(sa[:-1] + (sb[-1],)))
    v = rng.normal(size=sb)

    def db_dot_v(x: Any, y: Any) -> Any:
        return (grad(lambda p, q: ((p @ q) * w).sum(), 1)(x, y) * v).sum()

    np.testing.assert_allclose(grad(db_dot_v, 0)(a, b), w @ v.T, rtol=1e-10)
    np.testing.assert_allclose(grad(db_dot_v, 1)(a, b), 0 * v, atol=0)
    assert hessian(lambda x: (x @ b).sum())(a).shape == sa + sa


# -- reductions ------------------------------------------------------------------------------
AXES = [None, 0, 1, -1, (0, 1)]


def _distinct(x: np.ndarray) -> np.ndarray:
    """No ties: max/min pick one element."""
    order = np.argsort(x, axis=None).argsort().reshape(x.shape)
    return x + 0.1 * order


@pytest.mark.parametrize("reduction", ["sum", "mean", "max", "min"])
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
@FEWER
@given(x=arrays((2, 3), min_value=-2, max_value=2))
def test_reductions_second_order(reduction: str, axis: Any, keepdims: bool, x: np.ndarray) -> None:
    x = _distinct(x)
    red = lambda t: getattr(t, reduction)(axis=axis, keepdims=keepdims)  # noqa: E731
    assert gradgradcheck(lambda t: red(t) ** 2, [Tensor(x, requires_grad=True)])
    # hand formula: Hessian of sum(r(x)**2) = 2 * J^T J where J is the reduction's Jacobian
    jac = jacobian(red)(x).reshape(-1, x.size)
    h = hessian(lambda t: (red(t) ** 2).sum())(x).reshape(x.size, x.size)
    np.testing.assert_allclose(h, 2 * jac.T @ jac, rtol=1e-10, atol=1e-12)


def test_reduction_hessians_by_hand() -> None:
    x = np.array([[1.0, 5.0, 2.0], [0.5, -1.0, 3.0]])
    np.testing.assert_allclose(hessian(lambda t: t.sum() ** 2)(x), 2 * np.ones((2, 3, 2, 3)))
    np.testing.assert_allclose(hessian(lambda t: t.mean() ** 2)(x), 2 / 36 * np.ones((2, 3, 2, 3)))
    h = hessian(lambda t: t.max() ** 3)(x)
    want = np.zeros((2, 3, 2, 3))
    want[0, 1, 0, 1] = 6 * 5.0
    np.testing.assert_allclose(h, want)
    h = hessian(lambda t: (t.min(axis=1) ** 2).sum())(x)
    want = np.zeros((2, 3, 2, 3))
    want[0, 0, 0, 0] = want[1, 1, 1, 1] = 2.0
    np.testing.assert_allclose(h, want)


# -- indexing, reshape, transpose -------------------------------------------------------------
INDEXES: list[Any] = [
    [0, 0, 2],
    np.array([1, 1, 1, 0]),
    slice(1, 3),
    slice(None, None, 2),
    (slice(None), 1),
    (np.array([0, 0]), np.array([1, 1])),
    2,
    (1, slice(0, 2)),
]


@pytest.mark.parametrize("index", INDEXES, ids=repr)
@FEWER
@given(x=arrays((3, 3), min_value=-2, max_value=2))
def test_getitem_second_order(index: Any, x: np.ndarray) -> None:
    assert gradgradcheck(lambda t: t[index] ** 3, [Tensor(x, requires_grad=True)])
    # hand: d2/dx2 sum(x[i]**3) = 6 x * (times each element was picked), on the diagonal
    counts = np.zeros_like(x)
    np.add.at(counts, index if not isinstance(index, list) else np.array(index), 1.0)
    got = nth_grad(lambda t: t[index] ** 3, 2)(x)
    np.testing.assert_allclose(got, 6 * x * counts, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(nth_grad(lambda t: t[index] ** 3, 3)(x), 6 * counts)


@FEWER
@given(
    data=st.data(),
    n=st.sampled_from([40, 300]),
    lead=st.sampled_from([(), (2,)]),
    width=st.sampled_from([3, 64]),
    rows=st.sampled_from([7, 200]),  # (a small table sums by a product, a big one by sorting)
)
def test_embedding_lookup_gradient_sums_repeated_rows(
    data: Any, n: int, lead: tuple, width: int, rows: int
) -> None:
    """``table[ids]`` for many ids (negative ones too, repeating): each row's gradient is the
    sum of the output gradients that read it, by a loop; and again through a recorded backward."""
    ids = data.draw(hnp.arrays(np.int64, (*lead, n), elements=st.integers(-rows, rows - 1)))
    ids.flat[:3] = (3, 3 - rows, 3)  # one row reached by a positive and a negative id
    table = data.draw(arrays((rows, width), min_value=-1, max_value=1))
    v = data.draw(arrays((*lead, n, width), min_value=-1, max_value=1))
    want = np.zeros((rows, width))
    for i, row in enumerate(ids.reshape(-1)):
        want[row] += v.reshape(-1, width)[i]
    t = Tensor(table, requires_grad=True)
    (t[ids] * v).sum().backward()
    np.testing.assert_allclose(t.grad, want, rtol=1e-12, atol=1e-12)
    first = grad(lambda u: (u[ids] ** 2 * v).sum())  # 2 table[r] * want[r], row by row
    np.testing.assert_allclose(first(table), 2 * table * want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grad(lambda u: first(u).sum())(table), 2 * want, atol=1e-12)


@FEWER
@given(x=arrays((2, 3, 2), min_value=-2, max_value=2))
def test_reshape_and_transpose_second_order(x: np.ndarray) -> None:
    w = np.arange(12.0).reshape(3, 4) / 10
    t = Tensor(x, requires_grad=True)
    assert gradgradcheck(lambda u: (u.reshape(3, 4) ** 3) * w, [t])
    assert gradgradcheck(lambda u: u.transpose(2, 0, 1).sin() * w.reshape(2, 2, 3), [t])
    assert gradgradcheck(lambda u: (u.transpose() @ u.reshape(2, 6).T[:2]).tanh(), [t])
    np.testing.assert_allclose(nth_grad(lambda u: u.reshape(-1) ** 3, 2)(x), 6 * x)
    np.testing.assert_allclose(nth_grad(lambda u: u.transpose().sin(), 3)(x), -np.cos(x))


# -- concatenate, stack, where, maximum/minimum, softmax, log_softmax, linear --------------------
@FEWER
@given(a=arrays((2, 3), min_value=-2, max_value=2), b=arrays((2, 3), min_value=-2, max_value=2))
def test_structural_ops_second_order(a: np.ndarray, b: np.ndarray) -> None:
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    cond = np.array([[True, False, True], [False, False, True]])
    assert gradgradcheck(lambda x, y: concatenate([x * y, x.sin()], axis=1), [ta, tb])
    assert gradgradcheck(lambda x, y: concatenate([x * y, y**2]), [ta, tb])
    assert gradgradcheck(lambda x, y: stack([x * y, x.tanh()], axis=1), [ta, tb])
    assert gradgradcheck(lambda x, y: where(cond, x**3, x * y), [ta, tb])
    a2, b2 = _operands("maximum", a, b)
    ta2, tb2 = Tensor(a2, requires_grad=True), Tensor(b2, requires_grad=True)
    assert gradgradcheck(lambda x, y: maximum(x, y) ** 3, [ta2, tb2])
    assert gradgradcheck(lambda x, y: minimum(x, y) ** 3, [ta2, tb2])
    # hand: where picks x**3 (second derivative 6x) where cond, else x*y (0 in x)
    np.testing.assert_allclose(
        nth_grad(lambda u: where(cond, u**3, u * b), 2)(a), np.where(cond, 6 * a, 0.0)
    )
    np.testing.assert_allclose(nth_grad(lambda u: stack([u**3, u**2]), 2)(a), 6 * a + 2)


@pytest.mark.parametrize("fn", ["softmax", "log_softmax"])
@pytest.mark.parametrize("axis", [-1, 0])
@FEWER
@given(x=arrays((2, 3), min_value=-3, max_value=3))
def test_softmax_second_order(fn: str, axis: int, x: np.ndarray) -> None:
    assert gradgradcheck(lambda t: getattr(t, fn)(axis), [Tensor(x, requires_grad=True)])
    assert gradgradcheck(lambda t: getattr(t, fn)(axis) ** 2, [Tensor(x, requires_grad=True)])


@FEW
@given(x=arrays((4,), min_value=-3, max_value=3), w=arrays((4,), min_value=-1, max_value=1))
def test_log_softmax_hessian_by_hand(x: np.ndarray, w: np.ndarray) -> None:
    """Hessian of sum(w * log_softmax(x)) = -sum(w) (diag(p) - p p^T)."""
    p = np.exp(x - x.max())
    p /= p.sum()
    got = hessian(lambda t: (t.log_softmax() * w).sum())(x)
    np.testing.assert_allclose(got, -w.sum() * (np.diag(p) - np.outer(p, p)), atol=1e-10)
    # softmax: d2 p_k / dx_i dx_j, checked against the derivative of the softmax Jacobian
    k = 1
    jac_k = lambda t: t.softmax()[k] * (Tensor(np.eye(4)[k]) - t.softmax())  # noqa: E731
    np.testing.assert_allclose(hessian(lambda t: t.softmax()[k])(x), jacobian(jac_k)(x), atol=1e-10)


@FEWER
@given(data=st.data())
def test_linear_second_order(data: Any) -> None:
    x = Tensor(data.draw(arrays((2, 3), min_value=-2, max_value=2)), requires_grad=True)
    w = Tensor(data.draw(arrays((4, 3), min_value=-1, max_value=1)), requires_grad=True)
    b = Tensor(data.draw(arrays((4,), min_value=-1, max_value=1)), requires_grad=True)
    assert gradgradcheck(lambda *a: linear(*a), [x, w, b])
    assert gradgradcheck(lambda *a: linear(*a).tanh(), [x, w, b])
    assert gradgradcheck(lambda u, v: linear(u, v) ** 2, [x, w])
    # hand: d/dW sum(V * d/dx sum(linear(x, W))): dW[o, i] = sum_n V[n, i]
    v = np.arange(6.0).reshape(2, 3)
    got = grad(lambda ww, xx: (grad(lambda u, q: linear(u, q).sum(), 0)(xx, ww) * v).sum())(
        w.data, Tensor(x.data, requires_grad=True)
    )
    np.testing.assert_allclose(got, np.broadcast_to(v.sum(0), (4, 3)))


@FEWER
@given(data=st.data(), lead=st.sampled_from([(), (2,), (2, 3)]))
def test_linear_and_matmul_on_leading_dimensions_by_hand(data: Any, lead: tuple) -> None:
    """Stacked inputs go through one 2-D product: values and gradients as the formulas say."""
    x = data.draw(arrays((*lead, 3), min_value=-2, max_value=2))
    w = data.draw(arrays((4, 3), min_value=-1, max_value=1))
    b = data.draw(arrays((4,), min_value=-1, max_value=1))
    v = data.draw(arrays((*lead, 4), min_value=-1, max_value=1))  # the output's gradient
    xt, wt, bt = (Tensor(a, requires_grad=True) for a in (x, w, b))
    out = linear(xt, wt, bt)
    np.testing.assert_allclose(out.data, np.einsum("...i,oi->...o", x, w) + b, atol=1e-12)
    (out * v).sum().backward()
    np.testing.assert_allclose(xt.grad, np.einsum("...o,oi->...i", v, w), atol=1e-12)
    np.testing.assert_allclose(wt.grad, v.reshape(-1, 4).T @ x.reshape(-1, 3), atol=1e-12)
    np.testing.assert_allclose(bt.grad, v.reshape(-1, 4).sum(0), atol=1e-12)
    wm = Tensor(w.T.copy(), requires_grad=True)  # the same product as a matmul, weight (3, 4)
    xm = Tensor(x, requires_grad=True)
    ((xm @ wm) * v).sum().backward()
    np.testing.assert_allclose(xm.grad, np.einsum("...o,oi->...i", v, w), atol=1e-12)
    np.testing.assert_allclose(wm.grad, x.reshape(-1, 3).T @ v.reshape(-1, 4), atol=1e-12)
    assert gradgradcheck(lambda *a: linear(*a).tanh(), [xt, wt, bt])
    assert gradgradcheck(lambda a, c: (a @ c).tanh(), [xm, wm])


@FEWER
@given(
    x=arrays((3, 4), min_value=-2, max_value=2),
    axes=st.sampled_from([(0,), (1,), (0, 1)]),
    correction=st.sampled_from([0, 1]),
    keepdims=st.booleans(),
)
def test_variance_is_one_node_with_first_and_second_derivatives(
    x: np.ndarray, axes: tuple, correction: int, keepdims: bool
) -> None:
    """PyTorch's var as one node: numpy's var; d/dx = 2 (x - mean) / (n - correction)."""
    t = Tensor(x, requires_grad=True)
    v = variance(t, axes, correction, keepdims)
    np.testing.assert_allclose(v.data, x.var(axis=axes, ddof=correction, keepdims=keepdims))
    assert v._parents == (t,)
    w = np.arange(1.0, 1.0 + v.data.size).reshape(v.shape)
    (v * w).sum().backward()
    n = np.prod([x.shape[a] for a in axes])
    wk = w.reshape([1 if i in axes else k for i, k in enumerate(x.shape)])
    want = wk * 2 * (x - x.mean(axis=axes, keepdims=True)) / (n - correction)
    np.testing.assert_allclose(t.grad, want, rtol=1e-10, atol=1e-12)
    assert gradgradcheck(lambda a: variance(a, axes, correction, keepdims).tanh(), [t])


# -- PyTorch's double backward as an oracle --------------------------------------------------------
def _torch() -> Any:
    return pytest.importorskip("torch")


def torch_third(torch: Any, f: Callable[[Any], Any], x: np.ndarray) -> list[np.ndarray]:
    t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    out, found = f(t).sum(), []
    for _ in range(3):
        (g,) = torch.autograd.grad(out, t, create_graph=True, allow_unused=True)
        if g is None:
            g = torch.zeros_like(t)
        found.append(g.detach().numpy(force=True))
        out = g.sum()
        if not out.requires_grad:
            found += [np.zeros_like(x)] * (3 - len(found))
            break
    return found


TORCH_UNARY: dict[str, Callable[[Any, Any, tuple], Any]] = {
    name: row.torch for name, row in op_tables.UNARY.items()
}


@pytest.mark.parametrize(("name", "params"), UNARY_CASES)
def test_unary_derivatives_match_torch(name: str, params: tuple) -> None:
    torch = _torch()
    lo, hi = REGISTRY[name].domain
    x = away_from_kinks(np.linspace(lo, hi, 9)[1:-1], name, params)
    want = torch_third(torch, lambda t: TORCH_UNARY[name](torch, t, params), x)
    f = lambda t: apply(name, t, params)  # noqa: E731
    value = TORCH_UNARY[name](torch, torch.tensor(x, dtype=torch.float64), params)
    np.testing.assert_allclose(f(Tensor(x)).data, value.numpy(), rtol=1e-12, atol=1e-14)
    for n in (1, 2, 3):
        np.testing.assert_allclose(nth_grad(f, n)(x), want[n - 1], rtol=1e-6, atol=1e-9)


TORCH_OPS: dict[str, tuple[Callable[..., Any], Callable[..., Any], list[tuple]]] = {
    "matmul": (lambda a, b: a @ b, lambda a, b: a @ b, [((2, 3), (3, 4)), ((2, 2, 3), (3,))]),
    "pow": (lambda a, b: a**b, lambda a, b: a**b, [((2, 3), (3,))]),
    "div": (lambda a, b: a / b, lambda a, b: a / b, [((2, 3), (2, 1))]),
    "softmax": (lambda a, b: a.softmax(-1) * b, lambda a, b: a.softmax(-1) * b, [((2, 3), (2, 3))]),
    "log_softmax": (
        lambda a, b: a.log_softmax(0) * b,
        lambda a, b: a.log_softmax(0) * b,
        [((2, 3), (2, 3))],
    ),
    "linear": (
        lambda a, b: linear(a, b).tanh(),
        lambda a, b: __import__("torch").nn.functional.linear(a, b).tanh(),
        [((2, 3), (4, 3))],
    ),
}


@pytest.mark.parametrize("name", sorted(TORCH_OPS))
def test_mixed_second_derivatives_match_torch(name: str) -> None:
    torch = _torch()
    ours, theirs, shapes = TORCH_OPS[name]
    rng = np.random.default_rng(1)
    for sa, sb in shapes:
        a, b = rng.uniform(0.5, 2.0, sa), rng.uniform(0.5, 2.0, sb)
        ta = torch.tensor(a, requires_grad=True)
        tb = torch.tensor(b, requires_grad=True)
        ga, gb = torch.autograd.grad(theirs(ta, tb).sum(), (ta, tb), create_graph=True)
        want = torch.autograd.grad((ga**2).sum() + (gb**3).sum(), (ta, tb))
        xa, xb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
        ours(xa, xb).sum().backward(create_graph=True)
        pa, pb = xa.grad, xb.grad
        xa.grad = xb.grad = None
        ((pa**2).sum() + (pb**3).sum()).backward()
        np.testing.assert_allclose(xa.grad, want[0].numpy(), rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(xb.grad, want[1].numpy(), rtol=1e-8, atol=1e-10)


# -- backward(create_graph=...) semantics ------------------------------------------------------
def test_plain_backward_gives_plain_floats_and_arrays() -> None:
    x = Value(1.5)
    z = x * x
    (z.tanh() + x).backward()
    assert type(x.grad) is float and type(z.grad) is float
    t = Tensor([1.0, 2.0], requires_grad=True)
    u = t * t
    u.tanh().sum().backward()
    assert type(t.grad) is np.ndarray and type(u.grad) is np.ndarray
    assert grad(lambda s: s.tanh())(0.5) == pytest.approx(1 - math.tanh(0.5) ** 2)
    assert type(grad(grad(lambda s: s.tanh()))(0.5)) is float
    assert type(grad(lambda s: grad(lambda u: u.tanh().sum())(s).sum())(np.ones(2))) is np.ndarray


def test_create_graph_gives_every_reached_node_a_node_grad() -> None:
    x, y = Value(1.5), Value(-0.5)
    z = x * y
    w = z.tanh()
    (w + x).backward(create_graph=True)
    for node in (x, y, z, w):
        assert isinstance(node.grad, Value)
    t = Tensor([1.0, 2.0], requires_grad=True)
    u = t * t
    v = u.sin()
    v.sum().backward(create_graph=True)
    for node in (t, u, v):
        assert isinstance(node.grad, Tensor)
    np.testing.assert_allclose(t.grad.data, np.cos(t.data**2) * 2 * t.data)


def test_leaves_accumulate_with_and_without_create_graph() -> None:
    x = Value(2.0)
    (x**3).backward(create_graph=True)
    (x**3).backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == pytest.approx(24.0)
    g = x.grad
    x.grad = 0.0
    g.backward()
    assert x.grad == pytest.approx(24.0)  # d/dx 2 * 3 x**2 = 12 x
    x = Value(2.0)
    (x**3).backward()  # a float first, then a node: the sum is a node
    (x**3).backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == pytest.approx(24.0)
    t = Tensor([1.0, -1.0], requires_grad=True)
    (t**3).sum().backward(create_graph=True)
    (t**2).sum().backward(create_graph=True)
    np.testing.assert_allclose(t.grad.data, 3 * t.data**2 + 2 * t.data)
    g, t.grad = t.grad, None
    g.sum().backward()
    np.testing.assert_allclose(t.grad, 6 * t.data + 2)
    # intermediates are recomputed from zero on every call (never compounded)
    x = Value(1.0)
    z = x * 3
    (z * z).backward(create_graph=True)
    (z * z).backward(create_graph=True)
    assert z.grad.data == pytest.approx(6.0) and x.grad.data == pytest.approx(36.0)


def test_jacobian_and_hessian_shapes_and_values() -> None:
    rng = np.random.default_rng(2)
    a = rng.normal(size=(4, 6))
    x = rng.normal(size=(2, 3))
    jac = jacobian(lambda t: Tensor(a) @ t.reshape(6))(x)
    assert jac.shape == (4, 2, 3)
    np.testing.assert_allclose(jac, a.reshape(4, 2, 3))
    h = hessian(lambda t: ((Tensor(a) @ t.reshape(6)) ** 2).sum())(x)
    assert h.shape == (2, 3, 2, 3)
    np.testing.assert_allclose(h.reshape(6, 6), 2 * a.T @ a, rtol=1e-10)
    h = hessian(lambda t: (t**3).sum())(x)
    np.testing.assert_allclose(h.reshape(6, 6), np.diag(6 * x.ravel()))
    assert hessian(lambda t: t.sin() * t)(1.0).shape == ()
    assert hessian(lambda t: t.sin() * t)(1.0) == pytest.approx(2 * math.cos(1.0) - math.sin(1.0))
    jac = jacobian(lambda t: t.softmax())(np.zeros(3))
    np.testing.assert_allclose(jac, np.eye(3) / 3 - 1 / 9)
    jx, jy = jacobian(lambda u, v: u * v, argnums=(0, 1))(
        np.array([1.0, 2.0]), np.array([3.0, 4.0])
    )
    np.testing.assert_allclose(jx, np.diag([3.0, 4.0]))
    np.testing.assert_allclose(jy, np.diag([1.0, 2.0]))
    assert grad(grad(grad(lambda t: t**4)))(2.0) == pytest.approx(48.0)


# -- user Function and Op ---------------------------------------------------------------------
class Cube(Function):
    @staticmethod
    def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
        ctx.save_for_backward(x)
        return x**3

    @staticmethod
    def backward(ctx: Any, grad_out: Any) -> Any:
        (x,) = ctx.saved_tensors
        return 3 * x**2 * grad_out


@FEW
@given(x=arrays((3,), min_value=-2, max_value=2))
def test_user_function_is_differentiable_twice_and_thrice(x: np.ndarray) -> None:
    f = lambda t: Cube.apply(t)  # noqa: E731
    np.testing.assert_allclose(nth_grad(f, 1)(x), 3 * x**2)
    np.testing.assert_allclose(nth_grad(f, 2)(x), 6 * x)
    np.testing.assert_allclose(nth_grad(f, 3)(x), 6 + 0 * x)
    assert gradgradcheck(lambda t: Cube.apply(t.sin()), [Tensor(x, requires_grad=True)])


def test_rule_returning_the_wrong_number_of_gradients_is_an_error() -> None:
    two = Op("two_grads", lambda g, inputs, out, saved, needs: (g, g))
    for create_graph in (False, True):
        x = Tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(ValueError, match=r"two_grads.*2 gradient.*1 input"):
            two(x.data * 2, (x,)).sum().backward(create_graph=create_graph)

    class Twice(Function):
        @staticmethod
        def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
            return 2 * x

        @staticmethod
        def backward(ctx: Any, grad_out: Any) -> Any:
            return grad_out, grad_out

    for create_graph in (False, True):
        x = Tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(ValueError, match=r"Twice.*2 gradient.*1"):
            Twice.apply(x).sum().backward(create_graph=create_graph)


def test_rule_returning_an_unreducible_shape_is_an_error() -> None:
    wide = Op(
        "wide",
        lambda g, inputs, out, saved, needs: (np.ones(3) if G_plain(g) else Tensor(np.ones(3)),),
    )
    for create_graph in (False, True):
        x = Tensor([1.0, 2.0], requires_grad=True)
        with pytest.raises(ValueError, match=r"wide.*\(3,\).*\(2,\)"):
            wide(x.data * 2, (x,)).sum().backward(create_graph=create_graph)

    class Wrong(Function):
        @staticmethod
        def forward(ctx: Any, x: np.ndarray) -> np.ndarray:
            return x.sum(keepdims=True)

        @staticmethod
        def backward(ctx: Any, grad_out: Any) -> Any:
            return np.ones((2, 2))

    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"Wrong.*\(2, 2\).*\(3,\)"):
        Wrong.apply(x).sum().backward()
    # a broadcast-shaped gradient is fine: it is reduced
    grow = Op("grow", lambda g, inputs, out, saved, needs: (np.ones((4, 2)),))
    x = Tensor([1.0, 2.0], requires_grad=True)
    grow(x.data * 1, (x,)).sum().backward()
    np.testing.assert_allclose(x.grad, [4.0, 4.0])


def G_plain(g: Any) -> bool:
    return not isinstance(g, Tensor)


# -- gradient penalties and Hessian-vector products through nn -----------------------------------
def _params(model: nn.Module) -> list[Tensor]:
    return list(model.parameters())


def _loss_grads(loss_fn: Callable[[], Tensor], params: list[Tensor]) -> list[np.ndarray]:
    for p in params:
        p.grad = None
    loss_fn().backward()
    out = [np.array(p.grad) for p in params]
    for p in params:
        p.grad = None
    return out


def hvp(loss_fn: Callable[[], Tensor], params: list[Tensor], v: list[np.ndarray]) -> list[Any]:
    for p in params:
        p.grad = None
    loss_fn().backward(create_graph=True)
    gs = [p.grad for p in params]
    for p in params:
        p.grad = None
    total = sum(((g * vi).sum() for g, vi in zip(gs, v, strict=True)), start=Tensor(0.0))
    total.backward()
    out = [np.zeros_like(p.data) if p.grad is None else np.array(p.grad) for p in params]
    for p in params:
        p.grad = None
    return out


def hvp_by_finite_differences(
    loss_fn: Callable[[], Tensor], params: list[Tensor], v: list[np.ndarray], eps: float = 1e-5
) -> list[np.ndarray]:
    base = [p.data.copy() for p in params]
    for p, b, vi in zip(params, base, v, strict=True):
        p.data = b + eps * vi
    plus = _loss_grads(loss_fn, params)
    for p, b, vi in zip(params, base, v, strict=True):
        p.data = b - eps * vi
    minus = _loss_grads(loss_fn, params)
    for p, b in zip(params, base, strict=True):
        p.data = b
    return [(a - b) / (2 * eps) for a, b in zip(plus, minus, strict=True)]


def _model_and_loss(kind: str) -> tuple[nn.Module, Callable[[], Tensor], np.ndarray]:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5, 3))
    if kind == "linear_mse":
        model: nn.Module = nn.Linear(3, 2)
        y = rng.normal(size=(5, 2))
        return model, lambda: F.mse_loss(model(Tensor(x)), y), x
    if kind == "mlp_mse":
        model = nn.MLP([3, 4, 2], activation="tanh")
        y = rng.normal(size=(5, 2))
        return model, lambda: F.mse_loss(model(Tensor(x)), y), x
    model = nn.MLP([3, 4, 3], activation="tanh")
    labels = np.array([0, 2, 1, 1, 0])
    return model, lambda: F.cross_entropy(model(Tensor(x)), labels), x


MODELS = ["linear_mse", "mlp_mse", "mlp_cross_entropy"]


@pytest.mark.parametrize("kind", MODELS)
def test_hessian_vector_product_matches_finite_differences(kind: str) -> None:
    model, loss_fn, _ = _model_and_loss(kind)
    params = _params(model)
    rng = np.random.default_rng(4)
    v = [rng.normal(size=p.data.shape) for p in params]
    got = hvp(loss_fn, params, v)
    want = hvp_by_finite_differences(loss_fn, params, v)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-6)
    if kind == "linear_mse":  # hand: quadratic in (W, b); the HVP of W alone is 2/(N*O) V X^T X
        x = _model_and_loss(kind)[2]
        only_w = [v[0], np.zeros_like(v[1])]
        got = hvp(loss_fn, params, only_w)
        np.testing.assert_allclose(got[0], 2 / 10 * v[0] @ x.T @ x, rtol=1e-10)


@pytest.mark.parametrize("kind", MODELS)
def test_gradient_penalty_matches_finite_differences(kind: str) -> None:
    """penalty = ||d loss / d x||**2; its gradient with respect to the weights, vs finite
    differences of the penalty."""
    model, _, x0 = _model_and_loss(kind)
    rng = np.random.default_rng(5)
    if kind == "mlp_cross_entropy":
        labels = np.array([0, 2, 1, 1, 0])
        loss_of = lambda out: F.cross_entropy(out, labels)  # noqa: E731
    else:
        y = rng.normal(size=(5, 2))
        loss_of = lambda out: F.mse_loss(out, y)  # noqa: E731
    params = _params(model)

    def penalty() -> Tensor:
        x = Tensor(x0, requires_grad=True)
        with enable_grad():  # gradcheck's finite differences call it under no_grad()
            loss_of(model(x)).backward(create_graph=True)
        gx = x.grad
        for p in params:
            p.grad = None
        return (gx**2).sum()

    assert gradcheck(lambda *ps: penalty(), params, eps=1e-6, atol=1e-7, rtol=1e-4)


@pytest.mark.parametrize("kind", MODELS)
def test_hessian_vector_product_matches_torch(kind: str) -> None:
    torch = _torch()
    model, loss_fn, x = _model_and_loss(kind)
    params = _params(model)
    rng = np.random.default_rng(6)
    v = [rng.normal(size=p.data.shape) for p in params]
    got = hvp(loss_fn, params, v)
    tp = [torch.tensor(p.data, requires_grad=True) for p in params]
    tx = torch.tensor(x)

    def tmodel() -> Any:
        h = tx
        pairs = list(zip(tp[::2], tp[1::2], strict=True))
        for i, (w, b) in enumerate(pairs):
            h = torch.nn.functional.linear(h, w, b)
            if i < len(pairs) - 1:
                h = h.tanh()
        return h

    rng2 = np.random.default_rng(3)
    rng2.normal(size=(5, 3))
    if kind == "mlp_cross_entropy":
        loss = torch.nn.functional.cross_entropy(tmodel(), torch.tensor([0, 2, 1, 1, 0]))
    else:
        loss = torch.nn.functional.mse_loss(tmodel(), torch.tensor(rng2.normal(size=(5, 2))))
    np.testing.assert_allclose(loss.item(), loss_fn().item(), rtol=1e-10)
    gs = torch.autograd.grad(loss, tp, create_graph=True)
    dot = sum((g * torch.tensor(vi)).sum() for g, vi in zip(gs, v, strict=True))
    want = torch.autograd.grad(dot, tp)
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w.numpy(), rtol=1e-8, atol=1e-10)


# -- random scalar programs: second order on whole graphs -----------------------------------------
#: the programs' ops without a kink where programs go (|values| <= 10; elu's second
#: derivative jumps at 0, softplus's kink at 20 is out of reach)
SMOOTH_PROGRAM_OPS = [
    op
    for op in SCALAR_OPS
    if not (op in REGISTRY and any(abs(k) <= 10 for k in REGISTRY[op].kinks))
]


@FEW
@given(
    program=scalar_programs(n_inputs=2, max_ops=6, ops=SMOOTH_PROGRAM_OPS),
    xs=st.lists(st.floats(-2, 2), min_size=2, max_size=2),
)
def test_scalar_programs_are_twice_differentiable(program: Any, xs: list[float]) -> None:
    assert gradgradcheck(program, [Value(x) for x in xs], atol=1e-4)


# -- regressions: engine bugs these tests found ------------------------------------------------
def test_grad_inside_grad_sees_the_outer_input_through_other_arguments_and_closures() -> None:
    """d/dx [x**2 + d/dy (x*y)] = 2x + 1: the inner grad must record its backward even when the
    outer input reaches it through a closure or an argument it does not differentiate."""
    assert grad(lambda x: x * x + grad(lambda y: x * y)(1.0))(3.0) == pytest.approx(7.0)
    b = np.array([3.0, 5.0])
    got = grad(lambda x: grad(lambda u, v: (u * v * v).sum(), 1)(x, b).sum())(np.ones(2))
    np.testing.assert_allclose(got, 2 * b)


def test_jacobian_of_an_output_that_is_a_broadcast_view() -> None:
    """The gradient of a sum over axis 0 is a broadcast (non-contiguous) view: its Jacobian
    is not 0."""
    x = np.arange(6.0).reshape(2, 3) + 1
    h = hessian(lambda t: t.sum(axis=0).sin().sum())(x).reshape(6, 6)
    s = -np.sin(x.sum(0))
    want = np.zeros((6, 6))
    for i in range(6):
        for j in range(6):
            if i % 3 == j % 3:
                want[i, j] = s[i % 3]
    np.testing.assert_allclose(h, want, atol=1e-12)


def test_pow_mixed_second_derivative_at_a_zero_exponent() -> None:
    """d2(a**b)/da db = a**(b-1) (1 + b log a), which is 1/a at b = 0 (not 0)."""
    a, b = Value(0.5), Value(0.0)
    assert value_hessian(lambda u, v: u**v, 0.5, 0.0)[0, 1] == pytest.approx(2.0)
    assert gradgradcheck(lambda u, v: u**v, [a, b])
    ta, tb = Tensor([0.5, 2.0], requires_grad=True), Tensor([0.0, 0.0], requires_grad=True)
    assert gradgradcheck(lambda u, v: u**v, [ta, tb])
    got = grad(lambda v: grad(lambda u, w: (u**w).sum())(ta.data, v).sum())(tb.data)
    np.testing.assert_allclose(got, [2.0, 0.5])
    # the base's gradient at 0 ** 0 stays 0 (not 0 * inf)
    z = Tensor([0.0], requires_grad=True)
    (z ** Tensor([0.0])).sum().backward()
    np.testing.assert_array_equal(z.grad, [0.0])


@pytest.mark.parametrize("x", [2.0, np.array(-3.5)])
def test_grad_of_a_function_that_returns_its_input_is_one(x: Any) -> None:
    # The output is the input itself, a leaf: there is no op to sweep through.
    assert grad(lambda t: t)(x) == 1.0
    assert grad(grad(lambda t: t))(x) == 0.0
    leaf = Tensor(x, requires_grad=True)
    leaf.backward()
    assert leaf.grad == 1.0
