"""The ops the PyTorch facade needs from the engine: index_put (a differentiable
``t[i] = v``), cumsum and astype, checked against finite differences and by hand."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Tensor, gradcheck


def _rng() -> np.random.Generator:
    return np.random.default_rng(7)


@pytest.mark.parametrize(
    "index, vshape",
    [
        (1, (4,)),  # a row
        ((slice(0, 2), 3), (2,)),  # a slice of a column
        ((np.array([0, 2]), np.array([1, 3])), ()),  # advanced, a broadcast scalar value
        (np.array([True, False, True]), (1, 4)),  # a mask, a broadcast row
    ],
)
def test_index_put_gradients_match_finite_differences(index, vshape):
    r = _rng()
    x = Tensor(r.standard_normal((3, 4)), requires_grad=True)
    v = Tensor(r.standard_normal(vshape), requires_grad=True)
    w = Tensor(r.standard_normal((3, 4)))
    assert gradcheck(lambda a, b: (a.index_put(index, b) * w).sum(), [x, v])


def test_index_put_by_hand_and_leaves_its_input_alone():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.index_put(np.array([0, 2]), 9.0)
    np.testing.assert_array_equal(y.data, [9.0, 2.0, 9.0])
    np.testing.assert_array_equal(x.data, [1.0, 2.0, 3.0])
    (y * Tensor([1.0, 10.0, 100.0])).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 10.0, 0.0])


def test_index_put_twice_differentiable():
    r = _rng()
    x = Tensor(r.standard_normal(5), requires_grad=True)
    v = Tensor(r.standard_normal(2), requires_grad=True)
    assert gradcheck(lambda a, b: (a.index_put(slice(1, 3), b * b) ** 3).sum(), [x, v])
    y = (x.index_put(slice(1, 3), v * v) ** 2).sum()
    y.backward(create_graph=True)
    gv = v.grad
    v.grad = None
    gv.sum().backward()  # d/dv sum(4 v**3) = 12 v**2
    np.testing.assert_allclose(v.grad, 12 * v.data**2)


def test_index_put_bad_index_names_the_op():
    with pytest.raises(IndexError, match="index_put"):
        Tensor([1.0, 2.0]).index_put(5, 1.0)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_cumsum_gradients_match_finite_differences(axis):
    r = _rng()
    x = Tensor(r.standard_normal((3, 4)), requires_grad=True)
    w = Tensor(r.standard_normal((3, 4)))
    assert gradcheck(lambda a: (a.cumsum(axis) * w).sum(), [x])
    np.testing.assert_allclose(x.cumsum(axis).data, np.cumsum(x.data, axis=axis))


def test_cumsum_twice_differentiable():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    (x.cumsum(0) ** 2).sum().backward(create_graph=True)
    g = x.grad  # 2 * reverse-cumsum of the cumsum
    np.testing.assert_allclose(g.data, [2 * (1 + 3 + 6), 2 * (3 + 6), 2 * 6])
    x.grad = None
    g.sum().backward()  # d/dx_j sum_i 2 sum_{k>=i} c_k, c_k = sum_{m<=k} x_m
    np.testing.assert_allclose(x.grad, [12.0, 10.0, 6.0])


def test_astype_float_keeps_the_graph_and_casts_the_gradient_back():
    x = Tensor(np.array([1.5, -2.0], dtype=np.float64), requires_grad=True)
    y = x.astype(np.float32)
    assert y.dtype == np.float32 and y.requires_grad
    (y * y).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad, 2 * x.data, rtol=1e-6)
    assert gradcheck(lambda a: (a.astype(np.float32) ** 2).sum(), [x], eps=1e-2, atol=1e-2)


def test_astype_integer_has_no_gradient_and_bad_dtypes_are_refused():
    x = Tensor([1.7, -2.2], requires_grad=True)
    i = x.astype("int64")
    assert i.dtype == np.int64 and not i.requires_grad
    np.testing.assert_array_equal(i.data, [1, -2])
    with pytest.raises(TypeError, match="astype"):
        x.astype("complex128")
    with pytest.raises(TypeError, match="astype"):
        x.astype("not a dtype")


def test_results_keep_a_subclass_that_asks_for_it():
    class Mine(Tensor):
        __slots__ = ()

    Mine._result_class = Mine
    m = Mine([1.0, 2.0], requires_grad=True)
    for out in (m * 2, (m * 2).sum(), m > 1, m.argmax(), m.astype("float32"), m[0]):
        assert type(out) is Mine
    assert type(Tensor([1.0]) * 2) is Tensor


def test_an_array_updated_in_place_with_a_tensor():
    from autograd import no_grad

    d = np.ones(3)
    d += Tensor([1.0, 2.0, 3.0])  # an optimizer's update on .data
    np.testing.assert_array_equal(d, [2.0, 3.0, 4.0])
    d *= Tensor([2.0, 2.0, 2.0])
    np.testing.assert_array_equal(d, [4.0, 6.0, 8.0])
    w = Tensor([1.0, 1.0, 1.0], requires_grad=True)
    with pytest.raises(TypeError, match="drop the graph"):
        d += w
    np.testing.assert_array_equal(d, [4.0, 6.0, 8.0])
    with no_grad():
        d -= w
    np.testing.assert_array_equal(d, [3.0, 5.0, 7.0])
