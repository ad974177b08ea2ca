"""Tensor semantics numpy and PyTorch users share: elementwise comparisons, integer and
bool Tensors, and indexing with them (API.md, Tensor)."""

import operator

import numpy as np
import pytest

import autograd
from autograd import Op, Tensor, Value


def _torch():
    return pytest.importorskip("torch")


COMPARISONS = [operator.eq, operator.ne, operator.lt, operator.le, operator.gt, operator.ge]


# -- comparisons ------------------------------------------------------------------------
@pytest.mark.parametrize("cmp", COMPARISONS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("other", [2.0, 2, np.array([3.0, 2.0, 1.0]), "tensor"])
def test_all_six_comparisons_are_elementwise_bool_tensors_without_grad(cmp, other):
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    o = Tensor([3.0, 2.0, 1.0]) if isinstance(other, str) else other
    for out, expected in (
        (cmp(x, o), cmp(x.data, o.data if isinstance(o, Tensor) else o)),
        (cmp(o, x), cmp(o.data if isinstance(o, Tensor) else o, x.data)),
    ):
        assert isinstance(out, Tensor) and out.dtype == np.bool_
        assert not out.requires_grad and out.parents == ()
        np.testing.assert_array_equal(out.data, expected)


def test_counting_correct_predictions_counts_them_as_torch_does():
    torch = _torch()
    pred = np.array([0, 2, 1, 1, 0])
    y = np.array([0, 1, 1, 1, 2])
    ours = (Tensor(pred, dtype="int64") == Tensor(y, dtype="int64")).sum()
    theirs = (torch.tensor(pred) == torch.tensor(y)).sum()
    assert ours.item() == theirs.item() == 3
    logits = Tensor(np.eye(5)[pred] * 3.0, requires_grad=True)
    assert (logits.argmax(axis=1) == Tensor(y, dtype="int64")).sum().item() == 3


def test_hash_stays_identity_and_tensors_live_in_sets_and_dicts():
    a, b = Tensor([1.0, 2.0]), Tensor([1.0, 2.0])
    assert hash(a) == object.__hash__(a) and hash(a) != hash(b)
    seen = {a: "a", b: "b"}
    assert seen[a] == "a" and seen[b] == "b" and len({a, b, a}) == 2


def test_bool_works_for_one_element_and_raises_for_more():
    assert bool(Tensor([2.0]) > 1) is True and bool(Tensor(0.0) > 1) is False
    with pytest.raises(ValueError, match="ambiguous"):
        bool(Tensor([1.0, 2.0]) > 0)
    with pytest.raises(ValueError, match="ambiguous"):
        if Tensor([1.0, 2.0]) == Tensor([1.0, 2.0]):
            pass


def test_comparing_with_none_or_text_falls_back_to_identity():
    t = Tensor([1.0])
    assert (t == None) is False and (t != None) is True  # noqa: E711
    assert (t == "1") is False


def test_value_equality_stays_identity():
    a, b = Value(1.0), Value(1.0)
    assert (a == a) is True and (a == b) is False and len({a, b}) == 2


def test_comparison_shape_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        _ = Tensor([1.0, 2.0]) < Tensor([1.0, 2.0, 3.0])


# -- integer and bool dtypes --------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "bool"])
def test_integer_and_bool_tensors_from_dtype_never_require_grad(dtype):
    t = Tensor([1, 0, 1], dtype=dtype)
    assert t.dtype == np.dtype(dtype) and not t.requires_grad
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        Tensor([1, 0, 1], dtype=dtype, requires_grad=True)
    with pytest.raises(RuntimeError, match="only Tensors of floating point dtype"):
        t.requires_grad_()


def test_int_data_without_dtype_is_still_float64():
    assert Tensor([1, 2]).dtype == np.float64
    assert Tensor(np.array([1, 2])).dtype == np.float64
    assert Tensor(Tensor([1, 2], dtype="int64")).dtype == np.float64


def test_requires_grad_must_be_a_bool():
    with pytest.raises(TypeError, match="requires_grad must be True or False"):
        Tensor([1.0], requires_grad="no")
    with pytest.raises(TypeError, match="True or False"):
        Tensor([1.0]).requires_grad_("yes")
    assert Tensor([1.0], requires_grad=np.bool_(True)).requires_grad is True


def test_arithmetic_promotes_integers_to_float_as_torch_does():
    torch = _torch()
    i = Tensor([1, 2, 3], dtype="int64")
    ti = torch.tensor([1, 2, 3])
    for ours, theirs in (
        (i + 0.5, ti + 0.5),
        (i * 2.5, ti * 2.5),
        (i / 2, ti / 2),
        (0.5 - i, 0.5 - ti),
        (i * Tensor([0.5, 0.5, 0.5]), ti * 0.5),
    ):
        assert ours.dtype.kind == "f"
        np.testing.assert_allclose(ours.data, theirs.double().numpy())
    assert (i * 2).dtype == np.int64 and (i + 1).data.tolist() == [2, 3, 4]
    assert (Tensor([True, False], dtype=bool) + 1).dtype.kind == "i"


def test_gradient_through_an_integer_operand_is_not_truncated():
    torch = _torch()
    w = Tensor([0.3, -0.7, 1.1], requires_grad=True)
    k = Tensor([1, 2, 3], dtype="int64")
    ((w * k + k / 4) ** 2).sum().backward()
    tw = torch.tensor([0.3, -0.7, 1.1], dtype=torch.float64, requires_grad=True)
    tk = torch.tensor([1, 2, 3])
    ((tw * tk + tk / 4) ** 2).sum().backward()
    np.testing.assert_allclose(w.grad, tw.grad.numpy(), rtol=1e-12)


def test_an_integer_result_of_a_custom_op_does_not_truncate_later_gradients():
    halve = Op("halve_rounded", lambda g, inputs, out, saved, needs: (g * 0.5,))
    x = Tensor([1.0, 3.0], requires_grad=True)
    y = halve(np.round(x.data / 2).astype(np.int64), (x,))
    assert y.dtype.kind == "f"  # in the graph: float, so 0.25 * y stays 0.25 * y
    (y * 0.25).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.125, 0.125])


def test_argmax_and_argmin_are_integer_tensors_as_numpy():
    data = np.array([[1.0, 5.0, 5.0], [7.0, -2.0, 0.0]])
    t = Tensor(data, requires_grad=True)
    for axis in (None, 0, 1, -1):
        for keepdims in (False, True):
            for ours, fn in (
                (t.argmax(axis, keepdims), np.argmax),
                (t.argmin(axis=axis, keepdims=keepdims), np.argmin),
            ):
                expected = fn(data, axis=axis, keepdims=keepdims)
                assert ours.dtype.kind == "i" and not ours.requires_grad
                np.testing.assert_array_equal(ours.data, expected)
    assert autograd.argmax([3.0, 9.0, 1.0]).item() == 1
    assert autograd.argmin(t, axis=1).data.tolist() == [0, 1]
    with pytest.raises(ValueError, match="empty"):
        Tensor(np.zeros(0)).argmax()


# -- indexing with integer and bool Tensors ------------------------------------------------
def test_an_integer_tensor_indexes_rows_and_repeats_accumulate_as_torch():
    torch = _torch()
    rng = np.random.default_rng(0)
    table = rng.normal(size=(27, 2))
    X = rng.integers(0, 27, size=(32, 3))
    C = Tensor(table, requires_grad=True)
    emb = C[Tensor(X, dtype="int64")]
    assert emb.shape == (32, 3, 2)
    w = rng.normal(size=(32, 3, 2))
    (emb * w).sum().backward()
    tC = torch.tensor(table, requires_grad=True)
    (tC[torch.tensor(X)] * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(C.grad, tC.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_a_bool_tensor_masks_as_torch():
    torch = _torch()
    data = np.array([[-1.0, 2.0], [3.0, -4.0]])
    x = Tensor(data, requires_grad=True)
    picked = x[x > 0]
    assert picked.data.tolist() == [2.0, 3.0]
    (picked * Tensor([10.0, 20.0])).sum().backward()
    tx = torch.tensor(data, requires_grad=True)
    (tx[tx > 0] * torch.tensor([10.0, 20.0], dtype=torch.float64)).sum().backward()
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())


def test_indexing_an_integer_tensor_gives_an_integer_tensor():
    i = Tensor([4, 5, 6], dtype="int64")
    assert i[1:].dtype == np.int64 and i[Tensor([2, 0], dtype="int64")].data.tolist() == [6, 4]
    assert int(i[0]) == 4 and [10, 20, 30, 40, 50][Tensor(1, dtype="int64")] == 20


def test_float_indices_must_be_integral_and_not_made_from_bools():
    x = Tensor([1.0, 2.0, 3.0])
    assert x[Tensor([2.0, 0.0])].data.tolist() == [3.0, 1.0]  # integral floats are positions
    with pytest.raises(IndexError, match="integral"):
        x[Tensor([0.5])]
    with pytest.raises(IndexError, match="made from bools"):
        x[Tensor([True, False, True])]  # float64 1.0/0.0, not a mask: refused


def test_mixed_integer_and_array_indices_around_a_slice_follow_numpy():
    # numpy treats the integer as an array index too, and moves the broadcast index axis
    # first when a slice separates them: shape (2, 3). PyTorch applies the integer first
    # and gives (3, 2); the native API follows numpy, as the README says.
    data = np.arange(24.0).reshape(2, 3, 4)
    x = Tensor(data, requires_grad=True)
    out = x[0, :, [1, 2]]
    assert out.shape == data[0, :, [1, 2]].shape == (2, 3)
    np.testing.assert_array_equal(out.data, data[0, :, [1, 2]])
    out.sum().backward()
    expected = np.zeros_like(data)
    expected[0, :, [1, 2]] = 1.0
    np.testing.assert_array_equal(x.grad, expected)
