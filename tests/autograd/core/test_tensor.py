"""Tensor, the numpy node: every op's values and gradients against formulas, finite differences
and (when installed) PyTorch; broadcasting, reductions, indexing, numpy interop, dtypes, errors."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays, mutually_broadcastable_shapes

from autograd import Tensor, Value, concatenate, gradcheck, maximum, minimum, stack, where
from autograd.core.registry import REGISTRY
from tests.autograd.core import op_tables


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def reduce_to(g: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a broadcast gradient back to ``shape`` (written independently of the engine)."""
    while g.ndim > len(shape):
        g = g.sum(axis=0)
    for axis, n in enumerate(shape):
        if n == 1 and g.shape[axis] != 1:
            g = g.sum(axis=axis, keepdims=True)
    return g


def grads_of(f, *arrays_in, weight=None):
    """Value of f and the gradients of sum(weight * f(...)) for each input array."""
    ts = [Tensor(np.array(a, dtype=np.float64), requires_grad=True) for a in arrays_in]
    out = f(*ts)
    w = np.ones(out.shape) if weight is None else weight
    (out * w).sum().backward()
    return out.data, [t.grad for t in ts]


# -- elementwise functions -------------------------------------------------------------------
def _unary_cases() -> dict:
    """name -> (call, f, f', (low, high), kinks): every unary registry entry with each parameter
    set of the shared table, and the operator forms that are no entry."""
    out = {}
    for label, (name, params) in op_tables.cases().items():
        row = op_tables.UNARY[name]
        out[label] = (
            lambda t, n=name, p=params: op_tables.apply(n, t, p),
            lambda x, f=row.f, p=params: f(x, *p),
            lambda x, df=row.df, p=params: df(x, *p),
            row.values,
            op_tables.kinks(name, params),
        )
    for name, (call, f, df, domain) in op_tables.COMPOSED.items():
        out[name] = (call, f, df, domain, ())
    return out


UNARY = _unary_cases()


def _away_from_kinks(x: np.ndarray, kinks: tuple[float, ...]) -> np.ndarray:
    for k in kinks:
        x = np.where(np.abs(x - k) < 1e-3, k + 0.01, x)
    return x


@pytest.mark.parametrize("name", sorted(UNARY))
@given(
    u=arrays(np.float64, st.sampled_from([(3,), (2, 3), (1, 2, 2)]), elements=st.floats(0.0, 1.0))
)
def test_elementwise_op_matches_formula_and_finite_differences(name, u):
    call, f, df, (low, high), kinks = UNARY[name]
    x = _away_from_kinks(low + u * (high - low), kinks)
    w = rng().normal(size=x.shape)
    y, (g,) = grads_of(call, x, weight=w)
    np.testing.assert_allclose(y, f(x), rtol=1e-12, atol=1e-12)
    if df is not None:
        np.testing.assert_allclose(g, w * df(x), rtol=1e-9, atol=1e-12)
    assert gradcheck(call, [Tensor(x, requires_grad=True)])


@pytest.mark.parametrize(
    "call, x, expected",
    [
        (lambda t: t.relu(), [-1.0, 0.0, 1.0], [0.0, 0.0, 1.0]),
        (lambda t: t.abs(), [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]),
        (lambda t: t.leaky_relu(0.2), [-1.0, 0.0, 1.0], [0.2, 0.2, 1.0]),
        (lambda t: t.relu6(), [0.0, 3.0, 6.0, 7.0], [0.0, 1.0, 0.0, 0.0]),
        (lambda t: t.hardswish(), [-3.5, -3.0, 0.0, 3.0, 3.5], [0.0, 0.0, 0.5, 1.0, 1.0]),
        (lambda t: t.elu(1.5), [0.0], [1.5]),
        (lambda t: t.softplus(), [25.0, 1000.0], [1.0, 1.0]),
        (lambda t: t.sigmoid(), [-1000.0, 1000.0], [0.0, 0.0]),
        (lambda t: t**0, [0.0, 2.0], [0.0, 0.0]),
    ],
)
def test_gradient_at_kinks_follows_pytorch(call, x, expected):
    t = Tensor(x, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        call(t).sum().backward()
    np.testing.assert_array_equal(t.grad, expected)


def test_softplus_is_exactly_linear_above_twenty():
    x = np.array([20.5, 25.0, 800.0])
    np.testing.assert_array_equal(Tensor(x).softplus().data, x)


@pytest.mark.parametrize("case", sorted(op_tables.cases(with_scalar_forward=True)))
def test_tensor_and_value_agree_on_every_elementwise_op(case):
    name, params = op_tables.cases()[case]
    x = np.linspace(-4.0, 4.0, 17) + 0.013
    lo, hi = REGISTRY[name].domain
    x = lo + (x + 4.0) / 8.0 * (hi - lo)  # inside the entry's domain (log, sqrt)
    t = Tensor(x, requires_grad=True)
    out_t = op_tables.apply(name, t, params)
    out_t.sum().backward()
    for i, xi in enumerate(x):
        v = Value(float(xi))
        out = op_tables.apply(name, v, params)
        out.backward()
        assert out_t.data[i] == pytest.approx(out.data, rel=1e-12, abs=1e-15)
        assert t.grad[i] == pytest.approx(v.grad, rel=1e-9, abs=1e-15), name


# -- binary ops with broadcasting ------------------------------------------------------------
def _positive(x):
    return np.abs(x) + 0.5


# name -> (op, d/da, d/db, make_a, make_b)
BINARY = {
    name: (
        row.call,
        row.da,
        row.db,
        _positive if row.positive == "a" else None,
        _positive if row.positive == "b" else None,
    )
    for name, row in op_tables.BINARY.items()
}

shape_pairs = mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


@pytest.mark.parametrize("name", sorted(BINARY))
@given(shapes=shape_pairs, seed=st.integers(0, 2**16))
def test_binary_op_broadcasts_and_reduces_gradients_to_operand_shapes(name, shapes, seed):
    op, da, db, make_a, make_b = BINARY[name]
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    r = rng(seed)
    a, b = r.normal(size=sa), r.normal(size=sb)
    a = make_a(a) if make_a else a
    b = make_b(b) if make_b else b
    w = r.normal(size=out_shape)
    y, (ga, gb) = grads_of(op, a, b, weight=w)
    assert y.shape == out_shape
    np.testing.assert_allclose(y, op_tables.BINARY[name].f(a, b), rtol=1e-12)
    assert ga.shape == sa and gb.shape == sb
    np.testing.assert_allclose(ga, reduce_to(w * da(a, b), sa), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gb, reduce_to(w * db(a, b), sb), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_op_gradients_pass_gradcheck_with_broadcasting(name):
    op, _, _, make_a, make_b = BINARY[name]
    r = rng(1)
    a, b = r.normal(size=(2, 1, 3)), r.normal(size=(4, 1))
    a = make_a(a) if make_a else a
    b = make_b(b) if make_b else b
    assert gradcheck(op, [Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)])


@given(
    shapes=mutually_broadcastable_shapes(num_shapes=3, max_dims=3, max_side=3),
    seed=st.integers(0, 2**16),
)
def test_where_broadcasts_and_sends_gradient_to_the_chosen_side(shapes, seed):
    sc, sa, sb = shapes.input_shapes
    r = rng(seed)
    cond, a, b = r.normal(size=sc) > 0, r.normal(size=sa), r.normal(size=sb)
    w = r.normal(size=shapes.result_shape)
    y, (ga, gb) = grads_of(lambda x, z: where(cond, x, z), a, b, weight=w)
    np.testing.assert_array_equal(y, np.where(cond, a, b))
    ones = np.ones(shapes.result_shape)
    np.testing.assert_allclose(ga, reduce_to(w * (cond * ones), sa), atol=1e-12)
    np.testing.assert_allclose(gb, reduce_to(w * (~cond * ones), sb), atol=1e-12)


def test_where_accepts_numbers_and_tensor_conditions():
    x = Tensor([-1.0, 2.0, -3.0], requires_grad=True)
    y = where(Tensor([1.0, 0.0, 1.0]), 0.0, x)
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [0.0, 2.0, 0.0])
    np.testing.assert_array_equal(x.grad, [0.0, 1.0, 0.0])


def test_maximum_and_minimum_split_ties_in_half():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([2.0, 2.0, 2.0], requires_grad=True)
    maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(b.grad, [1.0, 0.5, 0.0])
    a.grad = b.grad = None
    minimum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [1.0, 0.5, 0.0])
    np.testing.assert_array_equal(b.grad, [0.0, 0.5, 1.0])


def test_maximum_with_a_number():
    x = Tensor([1.0, 5.0], requires_grad=True)
    y = maximum(x, 3.0)
    y.sum().backward()
    np.testing.assert_array_equal(y.data, [3.0, 5.0])
    np.testing.assert_array_equal(x.grad, [0.0, 1.0])


# -- matmul -------------------------------------------------------------------------------
MATMUL_SHAPES = [
    ((4,), (4,)),
    ((4,), (4, 3)),
    ((2, 4), (4,)),
    ((2, 4), (4, 3)),
    ((5, 2, 4), (4, 3)),
    ((2, 4), (5, 4, 3)),
    ((2, 1, 2, 4), (5, 4, 3)),
    ((6, 4), (2, 3, 4, 2)),
    ((4,), (2, 4, 3)),
    ((2, 3, 4), (4,)),
]


@pytest.mark.parametrize("sa, sb", MATMUL_SHAPES)
def test_matmul_values_and_gradients(sa, sb):
    r = rng(2)
    a, b = r.normal(size=sa), r.normal(size=sb)
    expected = np.matmul(a, b)
    w = r.normal(size=expected.shape)
    y, (ga, gb) = grads_of(lambda x, z: x @ z, a, b, weight=w)
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    # Promote 1-D operands to matrices, use dA = W B^T and dB = A^T W, then undo the promotion.
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    w2 = w[..., None] if b.ndim == 1 else w
    if a.ndim == 1:
        w2 = w2[..., None, :]
    da = reduce_to(w2 @ np.swapaxes(b2, -1, -2), a2.shape)
    db = reduce_to(np.swapaxes(a2, -1, -2) @ w2, b2.shape)
    np.testing.assert_allclose(ga, da.reshape(sa), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gb, db.reshape(sb), rtol=1e-9, atol=1e-12)
    assert gradcheck(
        lambda x, z: x @ z, [Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)]
    )


def test_matmul_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(3, 4\) and \(5, 2\)"):
        Tensor(np.ones((3, 4))) @ Tensor(np.ones((5, 2)))
    with pytest.raises(ValueError, match=r"\(3,\) and \(4,\)"):
        Tensor(np.ones(3)) @ np.ones(4)
    with pytest.raises(ValueError, match=r"\(2, 3, 4\) and \(5, 4, 2\)"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 4, 2)))
    with pytest.raises(ValueError, match="dimension"):
        Tensor(np.ones(3)) @ 2.0


# -- reductions --------------------------------------------------------------------------
AXES = [None, 0, 1, -1, -3, (0, 2), (-1, 0), (0, 1, 2)]


@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name", ["sum", "mean"])
def test_sum_and_mean_values_and_gradients(name, axis, keepdims):
    x = rng(3).normal(size=(2, 3, 4))
    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    w = rng(4).normal(size=np.shape(expected))
    y, (g,) = grads_of(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), x, weight=w)
    np.testing.assert_allclose(y, expected, rtol=1e-12)
    count = x.size // max(np.size(expected), 1)
    w_full = np.broadcast_to(
        np.sum(x * 0, axis=axis, keepdims=True)
        + (w if keepdims or axis is None else np.expand_dims(w, axis)),
        x.shape,
    )
    np.testing.assert_allclose(g, w_full / (count if name == "mean" else 1), rtol=1e-12)


@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("name", ["max", "min"])
def test_max_and_min_values_and_gradients_without_ties(name, axis, keepdims):
    x = rng(5).permutation(24).reshape(2, 3, 4).astype(float)  # distinct values
    expected = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    y, (g,) = grads_of(lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), x)
    np.testing.assert_array_equal(y, expected)
    mask = x == getattr(np, name)(x, axis=axis, keepdims=True)
    np.testing.assert_array_equal(g, mask * 1.0)
    assert gradcheck(
        lambda t: getattr(t, name)(axis=axis, keepdims=keepdims), [Tensor(x, requires_grad=True)]
    )


def test_max_and_min_split_gradient_evenly_between_ties():
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    x.grad = None
    x.max().backward()
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [0, 0, 0]])
    x.grad = None
    x.min(axis=0).sum().backward()
    np.testing.assert_allclose(x.grad, [[1, 0, 0], [0, 1, 1]])
    x.grad = None
    x.min().backward()
    np.testing.assert_allclose(x.grad, [[1, 0, 0], [0, 0, 0]])


def test_reduction_axis_out_of_range_raises():
    with pytest.raises(ValueError, match="axis 3"):
        Tensor(np.ones((2, 3, 4))).sum(axis=3)
    with pytest.raises(ValueError, match="axis -4"):
        Tensor(np.ones((2, 3, 4))).mean(axis=-4)


def test_empty_reductions_raise():
    with pytest.raises(ValueError, match="empty"):
        Tensor(np.ones((0, 3))).max()
    with pytest.raises(ValueError, match="empty"):
        Tensor(np.ones((0, 3))).mean(axis=0)


# -- shape ops -----------------------------------------------------------------------------
def test_reshape_accepts_both_call_styles_and_routes_gradient_back():
    x = rng(6).normal(size=(2, 6))
    w = rng(7).normal(size=(3, 4))
    for call in (
        lambda t: t.reshape(3, 4),
        lambda t: t.reshape((3, 4)),
        lambda t: t.reshape([3, -1]),
        lambda t: t.reshape(-1, 4),
    ):
        y, (g,) = grads_of(call, x, weight=w)
        np.testing.assert_array_equal(y, x.reshape(3, 4))
        np.testing.assert_array_equal(g, w.reshape(2, 6))
    with pytest.raises(ValueError, match=r"\(2, 6\).*\(5, 5\)"):
        Tensor(x).reshape(5, 5)


@pytest.mark.parametrize("axes", [(), (2, 0, 1), ((1, 2, 0),), (-1, 0, 1)])
def test_transpose_default_and_explicit_axes(axes):
    x = rng(8).normal(size=(2, 3, 4))
    perm = None if not axes else (axes[0] if isinstance(axes[0], tuple) else axes)
    expected = np.transpose(x, perm)
    w = rng(9).normal(size=expected.shape)
    y, (g,) = grads_of(lambda t: t.transpose(*axes), x, weight=w)
    np.testing.assert_array_equal(y, expected)
    inverse = np.argsort([a % 3 for a in perm]) if perm else None
    np.testing.assert_array_equal(g, np.transpose(w, inverse))


def test_T_reverses_axes():
    x = rng(10).normal(size=(2, 3))
    w = rng(11).normal(size=(3, 2))
    y, (g,) = grads_of(lambda t: t.T, x, weight=w)
    np.testing.assert_array_equal(y, x.T)
    np.testing.assert_array_equal(g, w.T)
    assert Tensor(np.ones(3)).T.shape == (3,)


@pytest.mark.parametrize("axes", [(1, 2), (0, 5), (0, 0), (0, 1, 2), (-3, 0)])
def test_transpose_rejects_axes_that_are_not_a_permutation(axes):
    # Out-of-range axes used to wrap around: (1, 2) on a 2-D tensor became (1, 0).
    with pytest.raises(ValueError, match="permutation"):
        Tensor(np.ones((2, 3))).transpose(*axes)


@pytest.mark.parametrize(
    "index",
    [
        1,
        -1,
        slice(1, 3),
        (0, slice(None)),
        (slice(None), 1),
        (Ellipsis, 0),
        (None, 1),
        (slice(None, None, -1),),
        (1, 2),
    ],
)
def test_basic_indexing_values_and_gradients(index):
    x = rng(12).normal(size=(3, 4))
    expected = x[index]
    w = rng(13).normal(size=np.shape(expected))
    y, (g,) = grads_of(lambda t: t[index], x, weight=w)
    np.testing.assert_array_equal(y, expected)
    want = np.zeros_like(x)
    want[index] = w
    np.testing.assert_array_equal(g, want)


def test_integer_array_indexing_with_repeated_indices_accumulates():
    x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    y = x[[0, 2, 0, 0]]
    np.testing.assert_array_equal(y.data, [10.0, 30.0, 10.0, 10.0])
    (y * Tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0 + 3.0 + 4.0, 0.0, 2.0])


def test_integer_array_indexing_in_two_dimensions():
    m = Tensor(np.arange(12.0).reshape(3, 4), requires_grad=True)
    rows, cols = np.array([0, 2, 0]), np.array([1, 3, 1])
    y = m[rows, cols]
    np.testing.assert_array_equal(y.data, [1.0, 11.0, 1.0])
    y.sum().backward()
    want = np.zeros((3, 4))
    want[0, 1], want[2, 3] = 2.0, 1.0
    np.testing.assert_array_equal(m.grad, want)
    m.grad = None
    m[[1, 1]].sum().backward()  # whole rows, repeated
    np.testing.assert_array_equal(m.grad, np.array([[0] * 4, [2] * 4, [0] * 4], dtype=float))
    m.grad = None
    m[Tensor([2.0, 2.0]), 0].sum().backward()  # a Tensor of indices works too
    assert m.grad[2, 0] == 2.0 and m.grad.sum() == 2.0


def test_boolean_mask_indexing():
    x = Tensor([[1.0, -2.0], [-3.0, 4.0]], requires_grad=True)
    mask = x > 0
    y = x[mask]
    np.testing.assert_array_equal(y.data, [1.0, 4.0])
    (y * Tensor([5.0, 7.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [[5.0, 0.0], [0.0, 7.0]])
    x.grad = None
    x[np.array([False, True])].sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [1.0, 1.0]])


def test_index_out_of_range_raises_index_error_with_shape():
    with pytest.raises(IndexError, match=r"\(3,\)"):
        Tensor(np.ones(3))[5]


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_concatenate_values_and_gradients(axis):
    r = rng(14)
    shapes = {0: [(1, 3), (2, 3), (4, 3)], 1: [(2, 1), (2, 3), (2, 2)], -1: [(2, 1), (2, 3)]}
    parts = [r.normal(size=s) for s in shapes[axis]]
    expected = np.concatenate(parts, axis=axis)
    w = r.normal(size=expected.shape)
    y, grads = grads_of(lambda *ts: concatenate(ts, axis=axis), *parts, weight=w)
    np.testing.assert_array_equal(y, expected)
    bounds = np.cumsum([p.shape[axis] for p in parts])[:-1]
    for g, want in zip(grads, np.split(w, bounds, axis=axis), strict=True):
        np.testing.assert_array_equal(g, want)


@pytest.mark.parametrize("axis", [0, 1, 2, -1])
def test_stack_values_and_gradients(axis):
    r = rng(15)
    parts = [r.normal(size=(2, 3)) for _ in range(3)]
    expected = np.stack(parts, axis=axis)
    w = r.normal(size=expected.shape)
    y, grads = grads_of(lambda *ts: stack(ts, axis=axis), *parts, weight=w)
    np.testing.assert_array_equal(y, expected)
    for i, g in enumerate(grads):
        np.testing.assert_array_equal(g, np.take(w, i, axis=axis))


def test_concatenate_and_stack_shape_errors_name_the_shapes():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(2, 4\)"):
        concatenate([Tensor(np.ones((2, 3))), Tensor(np.ones((2, 4)))], axis=0)
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3, 2\)"):
        stack([Tensor(np.ones((2, 3))), Tensor(np.ones((3, 2)))])
    with pytest.raises(ValueError, match="at least one"):
        concatenate([])


def test_concatenate_mixes_tensors_and_arrays():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = concatenate([np.array([0.0]), x, [3.0]])
    np.testing.assert_array_equal(y.data, [0.0, 1.0, 2.0, 3.0])
    (y * Tensor([1.0, 2.0, 3.0, 4.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [2.0, 3.0])


# -- softmax family -------------------------------------------------------------------------
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax_rows_sum_to_one_and_gradient_matches_formula(axis):
    x = rng(16).normal(size=(3, 4, 5)) * 3
    w = rng(17).normal(size=x.shape)
    y, (g,) = grads_of(lambda t: t.softmax(axis=axis), x, weight=w)
    e = np.exp(x)
    s = e / e.sum(axis=axis, keepdims=True)
    np.testing.assert_allclose(y, s, rtol=1e-12)
    np.testing.assert_allclose(y.sum(axis=axis), 1.0, rtol=1e-12)
    # Jacobian diag(s) - s s^T applied to w:  s * (w - sum(w * s))
    np.testing.assert_allclose(g, s * (w - (w * s).sum(axis=axis, keepdims=True)), atol=1e-12)
    assert gradcheck(lambda t: t.softmax(axis=axis), [Tensor(x[:2, :2, :3], requires_grad=True)])


@pytest.mark.parametrize("axis", [-1, 0])
def test_log_softmax_values_and_gradient(axis):
    x = rng(18).normal(size=(4, 5)) * 3
    w = rng(19).normal(size=x.shape)
    y, (g,) = grads_of(lambda t: t.log_softmax(axis=axis), x, weight=w)
    lse = np.log(np.exp(x).sum(axis=axis, keepdims=True))
    np.testing.assert_allclose(y, x - lse, rtol=1e-12, atol=1e-12)
    s = np.exp(x - lse)
    np.testing.assert_allclose(g, w - s * w.sum(axis=axis, keepdims=True), atol=1e-12)
    assert gradcheck(lambda t: t.log_softmax(axis=axis), [Tensor(x, requires_grad=True)])


def test_softmax_and_log_softmax_do_not_overflow_for_huge_logits():
    logits = np.array([[1e4, 0.0, -1e4], [1e4, 1e4, 1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            t = Tensor(logits, requires_grad=True)
            s = t.softmax()
            ls = t.log_softmax()
            (s * Tensor([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])).sum().backward()
            ls.sum().backward()
    np.testing.assert_allclose(s.data, [[1.0, 0.0, 0.0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-15)
    np.testing.assert_allclose(ls.data, [[0.0, -1e4, -2e4], [-math.log(3)] * 3], rtol=1e-12)
    assert np.isfinite(t.grad).all()


# -- operands: numbers, arrays, lists on either side; numpy ufuncs ---------------------------
OPERATORS = {
    "+": (lambda a, b: a + b),
    "-": (lambda a, b: a - b),
    "*": (lambda a, b: a * b),
    "/": (lambda a, b: a / b),
    "**": (lambda a, b: a**b),
    "@": (lambda a, b: a @ b),
}


OPERAND_KINDS = ["ndarray", "list", "int", "float", "numpy_scalar"]


@pytest.mark.parametrize(
    "op, kind",
    # matmul needs two arrays; a scalar operand is rejected (tested with the matmul errors).
    [
        (op, kind)
        for op in sorted(OPERATORS)
        for kind in OPERAND_KINDS
        if op != "@" or kind in ("ndarray", "list")
    ],
)
def test_operators_accept_other_operands_on_either_side(op, kind):
    fn = OPERATORS[op]
    x = np.array([[1.5, 2.0], [0.5, 3.0]])
    other = {
        "ndarray": np.array([[2.0, 1.0], [3.0, 0.5]]),
        "list": [[2.0, 1.0], [3.0, 0.5]],
        "int": 2,
        "float": 2.5,
        "numpy_scalar": np.float64(2.5),
    }[kind]
    other_array = np.asarray(other, dtype=float)
    for left_is_tensor in (True, False):
        t = Tensor(x, requires_grad=True)
        out = fn(t, other) if left_is_tensor else fn(other, t)
        want = fn(x, other_array) if left_is_tensor else fn(other_array, x)
        assert isinstance(out, Tensor), (op, kind, left_is_tensor, type(out))
        np.testing.assert_allclose(out.data, want, rtol=1e-12)
        out.sum().backward()
        assert t.grad is not None and t.grad.shape == x.shape


def test_ndarray_on_the_left_gives_a_tensor_in_the_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = np.array([3.0, 4.0]) * x
    assert isinstance(y, Tensor) and y.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    z = np.array([5.0, 6.0]) - x
    assert isinstance(z, Tensor)
    np.testing.assert_array_equal(z.data, [4.0, 4.0])


@pytest.mark.parametrize(
    "ufunc, method",
    [
        (np.exp, "exp"),
        (np.log, "log"),
        (np.sqrt, "sqrt"),
        (np.tanh, "tanh"),
        (np.sin, "sin"),
        (np.cos, "cos"),
        (np.abs, "abs"),
        (np.negative, "__neg__"),
    ],
)
def test_numpy_unary_ufuncs_map_onto_tensor_ops(ufunc, method):
    x = Tensor([0.5, 1.5], requires_grad=True)
    y = ufunc(x)
    assert isinstance(y, Tensor) and y.op == getattr(x, method)().op
    np.testing.assert_allclose(y.data, ufunc(np.array([0.5, 1.5])))
    y.sum().backward()
    assert x.grad is not None


def test_numpy_binary_ufuncs_map_onto_tensor_ops():
    x = Tensor([1.0, 4.0], requires_grad=True)
    for fn in (np.add, np.subtract, np.multiply, np.divide, np.power, np.maximum, np.minimum):
        y = fn(np.array([2.0, 3.0]), x)
        assert isinstance(y, Tensor), fn
        np.testing.assert_allclose(y.data, fn(np.array([2.0, 3.0]), np.array([1.0, 4.0])))
    assert isinstance(np.matmul(np.ones(2), x), Tensor)


def test_comparisons_give_plain_boolean_arrays():
    x = Tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(x > 2, [False, False, True])
    np.testing.assert_array_equal(x <= np.array([1.0, 1.0, 5.0]), [True, False, True])
    np.testing.assert_array_equal(np.array([2.0, 2.0, 2.0]) < x, [False, False, True])


# -- dtypes and construction -----------------------------------------------------------------
def test_float32_in_gives_float32_data_and_grads():
    x = Tensor(np.array([0.5, 1.5, 2.5], dtype=np.float32), requires_grad=True)
    w = Tensor(np.ones((3, 2), dtype=np.float32), requires_grad=True)
    y = ((x * 2 + 1.0) ** 2 / 3.0).sigmoid().gelu().softplus()
    z = (y @ w).softmax().log_softmax(axis=0).mean() + x.max() + (2.0**x).sum()
    assert y.dtype == np.float32 and z.dtype == np.float32
    z.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def test_float32_gradients_of_every_unary_op_are_float32():
    for name, (call, *_rest) in UNARY.items():
        x = Tensor(np.array([0.5, 1.5], dtype=np.float32), requires_grad=True)
        y = call(x)
        assert y.dtype == np.float32, name
        y.sum().backward()
        assert x.grad.dtype == np.float32, name


@pytest.mark.parametrize("data", [[1, 2, 3], np.array([1, 2], dtype=np.int32), [True, False], 7])
def test_integer_and_bool_input_becomes_float64(data):
    t = Tensor(data)
    assert t.dtype == np.float64
    np.testing.assert_array_equal(t.data, np.asarray(data, dtype=np.float64))


def test_floating_input_keeps_its_dtype_and_shares_memory():
    a = np.array([1.0, 2.0], dtype=np.float32)
    t = Tensor(a)
    assert t.dtype == np.float32 and t.data is a
    assert Tensor([1, 2], dtype=np.float32).dtype == np.float32


@pytest.mark.parametrize(
    "data",
    [
        np.array([1, "a"], dtype=object),
        np.array([1.0, 2.0], dtype=object),
        ["a", "b"],
        "3.0",
        [1.0, None],
        np.array([1 + 2j]),
    ],
)
def test_object_str_and_complex_data_raise_type_error(data):
    with pytest.raises(TypeError, match="Tensor"):
        Tensor(data)


def test_non_numeric_dtype_argument_raises_type_error():
    # Integer and bool dtypes are Tensors of their own (they never require grad).
    assert Tensor([1.0, 2.0], dtype=np.int32).dtype == np.int32
    with pytest.raises(TypeError, match="floating, integer or bool"):
        Tensor([1.0, 2.0], dtype=np.complex128)


def test_non_numeric_operand_raises_type_error():
    with pytest.raises(TypeError, match="add"):
        Tensor([1.0]) + "a"
    with pytest.raises(TypeError, match="mul"):
        Tensor([1.0]) * np.array(["x"])


def test_tensor_attributes_and_conversions():
    t = Tensor([[1.0, 2.0, 3.0]], label="t")
    assert t.shape == (1, 3) and t.ndim == 2 and t.size == 3 and t.dtype == np.float64
    assert len(t) == 1 and t.label == "t" and t.op == "" and t.parents == ()
    assert t.grad is None and t.requires_grad is False
    assert t.numpy() is t.data
    assert np.asarray(t) is t.data
    assert Tensor([[4.0]]).item() == 4.0 and float(Tensor(2.5)) == 2.5
    with pytest.raises(ValueError, match="one-element"):
        t.item()
    with pytest.raises(TypeError, match="0-d"):
        len(Tensor(1.0))
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    assert y.op == "mul" and y.parents[0] is x and y.requires_grad
    d = y.detach()
    assert d.parents == () and not d.requires_grad and d.data is y.data
    assert "requires_grad=True" in repr(x)


# -- errors --------------------------------------------------------------------------------
def test_broadcast_mismatch_names_both_shapes():
    for fn in (
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a * b,
        lambda a, b: a / b,
        lambda a, b: a**b,
        maximum,
        minimum,
    ):
        with pytest.raises(ValueError, match=r"\(2, 3\) and \(4,\)"):
            fn(Tensor(np.ones((2, 3))), Tensor(np.ones(4)))


def test_log_and_sqrt_domain_errors():
    with pytest.raises(ValueError, match="log"):
        Tensor([1.0, 0.0]).log()
    with pytest.raises(ValueError, match="log"):
        Tensor([-1.0]).log()
    with pytest.raises(ValueError, match="sqrt"):
        Tensor([4.0, -1.0]).sqrt()


def test_division_by_zero_raises_zero_division_error():
    with pytest.raises(ZeroDivisionError, match="div"):
        Tensor([1.0, 2.0]) / Tensor([1.0, 0.0])
    with pytest.raises(ZeroDivisionError, match="div"):
        Tensor([1.0]) / 0
    with pytest.raises(ZeroDivisionError, match="div"):
        1.0 / Tensor([0.0])


def test_pow_domain_errors():
    with pytest.raises(ZeroDivisionError, match="pow"):
        Tensor([0.0, 1.0]) ** -1
    with pytest.raises(ValueError, match="pow"):
        Tensor([-2.0, 1.0]) ** 0.5
    with pytest.raises(ValueError, match="pow"):
        Tensor([2.0, -2.0]) ** Tensor([2.0, 0.5])


def test_pow_domain_is_checked_element_by_element():
    # A zero base next to a negative exponent elsewhere is fine (0 ** 2, 2 ** -1) ...
    np.testing.assert_allclose((Tensor([0.0, 2.0]) ** Tensor([2.0, -1.0])).data, [0.0, 0.5])
    # ... and so is a negative base with an integer exponent next to a fractional one.
    np.testing.assert_allclose((Tensor([-2.0, 4.0]) ** Tensor([2.0, 0.5])).data, [4.0, 2.0])
    np.testing.assert_allclose(
        (Tensor([[-2.0], [4.0]]) ** Tensor([2.0, 3.0])).data, [[4.0, -8.0], [16.0, 64.0]]
    )


def test_pow_exponent_gradient_at_a_negative_base_is_nan_and_the_rest_still_flows():
    # PyTorch's rule: log of a negative base is not real, so d/dk is NaN there, never an error
    # in the middle of backward; at a zero base with k >= 0 it is 0.
    k = Tensor([2.0, 2.0, 2.0], requires_grad=True)
    x = Tensor([-2.0, 0.0, 3.0], requires_grad=True)
    (x**k).sum().backward()
    assert np.isnan(k.grad[0]) and k.grad[1] == 0.0
    assert k.grad[2] == pytest.approx(9.0 * np.log(3.0))
    np.testing.assert_allclose(x.grad, [-4.0, 0.0, 6.0])


def test_value_mixed_with_tensor_raises_type_error():
    with pytest.raises(TypeError, match="Value"):
        Tensor([1.0]) * Value(2.0)
    with pytest.raises(TypeError, match="Value"):
        concatenate([Tensor([1.0]), Value(2.0)])


# -- PyTorch as an oracle (optional; never a dependency) -------------------------------------
TORCH_CASES = {
    "add": (lambda a, b: a + b, [(2, 1, 3), (4, 1)], None),
    "sub": (lambda a, b: a - b, [(3,), (2, 3)], None),
    "mul": (lambda a, b: a * b, [(2, 3), (2, 3)], None),
    "div": (lambda a, b: a / b, [(2, 3), (3,)], "positive"),
    "pow": (lambda a, b: a**b, [(2, 3), (2, 3)], "positive"),
    "pow_scalar": (lambda a: a**3, [(2, 3)], None),
    "rpow": (lambda a: 2.0**a, [(2, 3)], None),
    "rdiv": (lambda a: 3.0 / a, [(2, 3)], "positive"),
    "matmul_vv": (lambda a, b: a @ b, [(4,), (4,)], None),
    "matmul_vm": (lambda a, b: a @ b, [(4,), (4, 3)], None),
    "matmul_mv": (lambda a, b: a @ b, [(2, 4), (4,)], None),
    "matmul_mm": (lambda a, b: a @ b, [(2, 4), (4, 3)], None),
    "matmul_batched": (lambda a, b: a @ b, [(2, 1, 2, 4), (3, 4, 5)], None),
    "neg": (lambda a: -a, [(2, 3)], None),
    "exp": (lambda a: a.exp(), [(2, 3)], None),
    "log": (lambda a: a.log(), [(2, 3)], "positive"),
    "sqrt": (lambda a: a.sqrt(), [(2, 3)], "positive"),
    "abs": (lambda a: a.abs(), [(2, 3)], None),
    "tanh": (lambda a: a.tanh(), [(2, 3)], None),
    "sigmoid": (lambda a: a.sigmoid(), [(2, 3)], None),
    "relu": (lambda a: a.relu(), [(2, 3)], None),
    "sin": (lambda a: a.sin(), [(2, 3)], None),
    "cos": (lambda a: a.cos(), [(2, 3)], None),
    "sum": (lambda a: a.sum(), [(2, 3)], None),
    "sum_axes": (lambda a: a.sum((0, -1), keepdims=True), [(2, 3, 4)], None),
    "mean": (lambda a: a.mean(1), [(2, 3, 4)], None),
    "reshape": (lambda a: a.reshape(3, 2), [(2, 3)], None),
    "transpose": (None, [(2, 3, 4)], None),  # torch spells it permute: see the test
    "T": (lambda a: a.T, [(2, 3)], None),
    "getitem": (lambda a: a[1:, ::2], [(3, 4)], None),
    "softmax": (lambda a: a.softmax(-1), [(3, 4)], None),
}
TORCH_FUNCS = {
    "leaky_relu": ("leaky_relu", lambda F, a: F.leaky_relu(a, 0.1), lambda a: a.leaky_relu(0.1)),
    "elu": ("elu", lambda F, a: F.elu(a, 0.7), lambda a: a.elu(0.7)),
    "celu": ("celu", lambda F, a: F.celu(a, 1.5), lambda a: a.celu(1.5)),
    "gelu": ("gelu", lambda F, a: F.gelu(a), lambda a: a.gelu()),
    "gelu_tanh": (
        "gelu",
        lambda F, a: F.gelu(a, approximate="tanh"),
        lambda a: a.gelu(approximate="tanh"),
    ),
    "mish": ("mish", lambda F, a: F.mish(a), lambda a: a.mish()),
    "hardswish": ("hardswish", lambda F, a: F.hardswish(a), lambda a: a.hardswish()),
    "relu6": ("relu6", lambda F, a: F.relu6(a), lambda a: a.relu6()),
    "softplus": ("softplus", lambda F, a: F.softplus(a), lambda a: a.softplus()),
    "log_softmax": (
        "log_softmax",
        lambda F, a: F.log_softmax(a, dim=0),
        lambda a: a.log_softmax(axis=0),
    ),
    "max": ("max", lambda F, a: a.amax(dim=1), lambda a: a.max(axis=1)),
    "min": ("min", lambda F, a: a.amin(dim=(0, 1)), lambda a: a.min(axis=(0, 1))),
    "maximum": ("maximum", None, None),
    "where": ("where", None, None),
    "concatenate": ("concatenate", None, None),
    "stack": ("stack", None, None),
    "index_repeat": ("getitem", None, None),
}


def _inputs(shapes, domain, seed):
    r = rng(seed)
    xs = [r.normal(size=s) * 3 for s in shapes]
    if domain == "positive":
        xs = [np.abs(x) + 0.3 for x in xs]
    return xs


def _compare_with_torch(ours, theirs, xs, seed):
    torch = pytest.importorskip("torch")
    mine = [Tensor(x.copy(), requires_grad=True) for x in xs]
    tts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out, tout = ours(*mine), theirs(*tts)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-6, atol=1e-6)
    w = rng(seed + 1).normal(size=out.shape)
    (out * w).sum().backward()
    (tout * torch.tensor(w)).sum().backward()
    for m, t in zip(mine, tts, strict=True):
        np.testing.assert_allclose(m.grad, t.grad.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", sorted(TORCH_CASES))
@pytest.mark.parametrize("seed", [0, 1])
def test_tensor_ops_match_torch(name, seed):
    fn, shapes, domain = TORCH_CASES[name]
    if name == "transpose":
        ours, theirs = (lambda a: a.transpose(2, 0, 1)), (lambda a: a.permute(2, 0, 1))
    else:
        ours = theirs = fn
    _compare_with_torch(ours, theirs, _inputs(shapes, domain, seed), seed)


@pytest.mark.parametrize("name", sorted(TORCH_FUNCS))
@pytest.mark.parametrize("seed", [0, 1])
def test_tensor_functions_match_torch(name, seed):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    _, theirs, ours = TORCH_FUNCS[name]
    xs = _inputs([(3, 4, 2)], None, seed)
    if name == "maximum":
        xs = _inputs([(3, 4), (4,)], None, seed)
        xs[1][0] = xs[0][0, 0]  # a tie
        _compare_with_torch(maximum, torch.maximum, xs, seed)
        _compare_with_torch(minimum, torch.minimum, xs, seed)
        return
    if name == "where":
        xs = _inputs([(3, 4), (4,)], None, seed)
        cond = xs[0] > 0.5
        _compare_with_torch(
            lambda a, b: where(cond, a, b),
            lambda a, b: torch.where(torch.tensor(cond), a, b),
            xs,
            seed,
        )
        return
    if name in ("concatenate", "stack"):
        xs = _inputs([(2, 3), (2, 3)], None, seed)
        ours_f = concatenate if name == "concatenate" else stack
        theirs_f = torch.cat if name == "concatenate" else torch.stack
        _compare_with_torch(
            lambda a, b: ours_f([a, b], axis=1), lambda a, b: theirs_f([a, b], dim=1), xs, seed
        )
        return
    if name == "index_repeat":
        idx = [0, 2, 0, 0]
        _compare_with_torch(lambda a: a[idx], lambda a: a[idx], xs, seed)
        return
    if name in ("max", "min"):
        xs[0][0, 1, 0] = xs[0][0, 0, 0]  # a tie inside a reduced group
    if name == "softplus":
        xs[0][0, 0, 0], xs[0][0, 0, 1] = 25.0, 20.0
    if name == "relu6":
        xs[0].flat[:2] = [0.0, 6.0]
    if name == "hardswish":
        # Exactly at the kinks PyTorch takes 0 (x = -3) and 1 (x = 3); so do we.
        xs[0].flat[:4] = [0.0, -3.0, 3.0, -3.001]
    _compare_with_torch(ours, lambda a: theirs(F, a), xs, seed)
