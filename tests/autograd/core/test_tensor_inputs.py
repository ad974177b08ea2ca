"""What a Tensor accepts: numbers and arrays, Tensor indices, float16 means."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import nn
from autograd import (
    Tensor,
    detect_anomaly,
    manual_seed,
)
from nn import functional as F


# -- bad numbers and arrays ------------------------------------------------------------------
def test_integer_and_bool_data_become_float64():
    for data in ([1, 2, 3], np.arange(3, dtype=np.int8), np.array([True, False]), 7):
        t = Tensor(data)
        assert t.dtype == np.float64
        np.testing.assert_array_equal(t.data, np.asarray(data, dtype=np.float64))


@pytest.mark.parametrize(
    "data, dtype",
    [
        (np.array([1.0, None], dtype=object), "object"),
        (np.array([1.0, 2.0], dtype=object), "object"),
        (["a", "b"], "<U1"),
        ([1j], "complex128"),
    ],
)
def test_object_string_and_complex_data_are_refused(data, dtype):
    with pytest.raises(TypeError, match=rf"data must be numeric .*got an array of dtype {dtype}"):
        Tensor(data)


def test_ragged_data_is_refused_with_a_type_error():
    with pytest.raises(TypeError, match="cannot convert list to a numeric array"):
        Tensor([[1.0, 2.0], [3.0]])


def test_empty_tensor_sum_is_zero_with_an_empty_gradient():
    x = Tensor(np.zeros(0), requires_grad=True)
    s = x.sum()
    assert s.item() == 0.0
    s.backward()
    assert x.grad.shape == (0,)
    assert Tensor(np.zeros((0, 3))).softmax().shape == (0, 3)


@pytest.mark.parametrize("op", ["mean", "max", "min"])
def test_empty_tensor_mean_max_min_raise_naming_the_op_and_shape(op):
    with pytest.raises(ValueError, match=rf"{op}: .*empty.*\(0,\)"):
        getattr(Tensor(np.zeros(0)), op)()
    with pytest.raises(ValueError, match=rf"{op}: .*empty.*\(2, 0\)"):
        getattr(Tensor(np.zeros((2, 0))), op)(axis=1)


@pytest.mark.parametrize("op", ["sum", "mean", "max", "min", "softmax"])
def test_an_axis_of_a_zero_dim_tensor_is_refused_naming_the_op(op):
    with pytest.raises(
        ValueError,
        match=rf"{op}: axis 0 is out of range for a tensor with 0 "
        "dimensions",
    ):
        getattr(Tensor(1.0), op)(axis=0)
    assert Tensor(1.0).sum().item() == 1.0  # axis=None is fine


def test_zero_size_batch_through_linear_gives_an_empty_output_and_zero_gradients():
    manual_seed(0)
    layer = nn.Linear(3, 2)
    out = layer(Tensor(np.zeros((0, 3))))
    assert out.shape == (0, 2)
    out.sum().backward()
    np.testing.assert_array_equal(layer.weight.grad, np.zeros((2, 3)))
    np.testing.assert_array_equal(layer.bias.grad, np.zeros(2))


LOSSES = [
    (F.mse_loss, lambda n: np.zeros(n)),
    (F.l1_loss, lambda n: np.zeros(n)),
    (F.binary_cross_entropy, lambda n: np.zeros(n)),
    (F.binary_cross_entropy_with_logits, lambda n: np.zeros(n)),
]
CLASS_LOSSES = [F.cross_entropy, F.nll_loss]


@pytest.mark.parametrize("loss", [f for f, _ in LOSSES] + CLASS_LOSSES, ids=lambda f: f.__name__)
def test_zero_size_batch_into_a_loss_is_refused_as_an_empty_batch(loss):
    shape, target = ((0, 3), np.zeros(0, dtype=int)) if loss in CLASS_LOSSES else ((0,), [])
    with pytest.raises(
        ValueError,
        match=rf"{loss.__name__}: empty batch: .*"
        rf"{re.escape(f'(shape {shape})')}",
    ):
        loss(Tensor(np.zeros(shape)), target)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize(
    "loss",
    [F.mse_loss, F.l1_loss, F.binary_cross_entropy_with_logits, F.cross_entropy, F.nll_loss],
    ids=lambda f: f.__name__,
)
def test_nan_and_inf_propagate_through_losses_as_in_pytorch(loss, bad):
    """No exception: the loss comes out NaN or inf, and backward still runs."""
    if loss in CLASS_LOSSES:
        x, target = Tensor([[bad, 0.5], [0.1, 0.2]], requires_grad=True), [0, 1]
    else:
        x, target = Tensor([bad, 0.5], requires_grad=True), [1.0, 0.0]
    with np.errstate(all="ignore"):
        value = loss(x, target)
        assert not np.isfinite(value.item())
        value.backward()
        assert x.grad.shape == x.shape
        if loss is F.cross_entropy:  # a logit of -inf is a class of probability 0: fine elsewhere
            assert np.isfinite(loss(x, [1, 1]).item()) == (bad == -np.inf)


def test_detect_anomaly_finds_a_nan_that_a_loss_let_through():
    x = Tensor([np.nan, 0.5], requires_grad=True)
    with detect_anomaly(), pytest.raises(FloatingPointError, match="'mse_loss'"):
        F.mse_loss(x, [1.0, 0.0]).backward()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf, -0.5, 1.5])
def test_binary_cross_entropy_refuses_inputs_that_are_not_probabilities(bad):
    with pytest.raises(
        ValueError,
        match=r"binary_cross_entropy: input must be probabilities in "
        rf"\[0, 1\]; input\[0\] is {re.escape(repr(bad))}",
    ):
        F.binary_cross_entropy(Tensor([bad, 0.5]), [1.0, 0.0])


@pytest.mark.parametrize("loss", [f for f, _ in LOSSES], ids=lambda f: f.__name__)
def test_mismatched_target_shapes_are_refused_naming_both_shapes(loss):
    with pytest.raises(
        ValueError,
        match=rf"{loss.__name__}: input shape \(4, 1\) and target "
        r"shape \(4,\) differ.*reshape the target to \(4, 1\)",
    ):
        loss(Tensor(np.full((4, 1), 0.5)), np.zeros(4))


@pytest.mark.parametrize("loss", CLASS_LOSSES, ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "target, message",
    [
        (
            [0, 1, 1],
            r"input shape \(2, 3\) needs integer labels of shape \(2,\) or class "
            r"probabilities of shape \(2, 3\); got target shape \(3,\)",
        ),
        ([0, 3], r"label 3 is out of range for 3 classes"),
        ([0, -1], r"label -1 is out of range for 3 classes"),
        (Tensor([0.0, 1.5]), r"labels must be integers in \[0, 3\); got label 1.5"),
        (Tensor([0.0, np.nan]), r"labels must be integers in \[0, 3\); got label nan"),
        (np.array(["a", "b"]), r"labels must be integers, got an array of dtype <U1"),
    ],
)
def test_bad_class_labels_are_refused_saying_what_was_expected(loss, target, message):
    with pytest.raises(ValueError, match=rf"{loss.__name__}: {message}"):
        loss(Tensor(np.zeros((2, 3))), target)


# -- 8. Tensor indices -------------------------------------------------------------------------
def test_a_tensor_index_must_be_integral_and_not_made_from_bools():
    x = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    with pytest.raises(IndexError, match="made from bools.*numpy bool array"):
        x[Tensor([True, False, True])]
    with pytest.raises(IndexError, match="made from bools"):
        x[Tensor(np.array([True, False, True]))]
    with pytest.raises(IndexError, match="made from bools"):
        x[Tensor(Tensor([True, False, True]))]
    with pytest.raises(IndexError, match="integral values.*first 1.7"):
        x[Tensor([1.7])]
    for bad in (math.nan, math.inf, 0.5):
        with pytest.raises(IndexError, match="integral values"):
            x[Tensor([0.0, bad])]
        with pytest.raises(IndexError, match="integral values"):
            x[(Tensor([bad]),)]
    # Integral values index as integers; numpy bool masks work as in numpy.
    assert x[Tensor([2.0, 0.0, 2.0])].data.tolist() == [30.0, 10.0, 30.0]
    assert x[Tensor(np.array([1, -1]))].data.tolist() == [20.0, 30.0]
    assert x[np.array([True, False, True])].data.tolist() == [10.0, 30.0]
    x[Tensor([2.0, 2.0])].sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 2.0]
    # Float data, and data made from ints, are not "made from bools".
    assert Tensor([1.0, 0.0])[Tensor([1, 0])].data.tolist() == [0.0, 1.0]
    assert x[Tensor([True, 1])].data.tolist() == [20.0, 20.0]  # mixed: ints, as numpy


# -- 9. float16 means --------------------------------------------------------------------------
def _f16(value, n=10_000):
    return np.full(n, value, dtype=np.float16)


@pytest.mark.parametrize(
    "loss", ["mse_loss", "l1_loss", "binary_cross_entropy_with_logits", "cross_entropy"]
)
def test_float16_mean_losses_over_ten_thousand_elements_give_the_true_value(loss):
    if loss == "mse_loss":  # |diff| = 10: the mean of 100s is 100
        x, target, true = Tensor(_f16(10.0), requires_grad=True), _f16(0.0), 100.0
    elif loss == "l1_loss":
        x, target, true = Tensor(_f16(-10.0), requires_grad=True), _f16(0.0), 10.0
    elif loss == "binary_cross_entropy_with_logits":  # softplus(10) per element
        x, target, true = (
            Tensor(_f16(-10.0), requires_grad=True),
            _f16(1.0),
            10.0 + math.log1p(math.exp(-10.0)),
        )
    else:  # logits (0, -10), label 1: loss 10 + log(1 + e**-10) per example
        logits = np.zeros((10_000, 2), dtype=np.float16)
        logits[:, 1] = -10.0
        x, target, true = (
            Tensor(logits, requires_grad=True),
            np.ones(10_000, dtype=int),
            (10.0 + math.log1p(math.exp(-10.0))),
        )
    out = getattr(F, loss)(x, target, reduction="mean")
    assert out.dtype == np.float16
    assert math.isfinite(out.item())
    assert out.item() == pytest.approx(true, rel=1e-3)
    out.backward()
    assert x.grad.dtype == np.float16 and np.isfinite(x.grad).all()
    # the sum still overflows float16, as it does in numpy
    with np.errstate(over="ignore"):
        assert getattr(F, loss)(x, target, reduction="sum").item() == math.inf


def test_float16_tensor_mean_gives_the_true_value():
    t = Tensor(_f16(10.0), requires_grad=True)
    m = t.mean()
    assert m.dtype == np.float16 and m.item() == 10.0
    m.backward()
    assert t.grad.dtype == np.float16 and np.allclose(t.grad, 1e-4, rtol=1e-3)
    rows = Tensor(np.full((2, 10_000), 10.0, dtype=np.float16)).mean(axis=1)
    assert rows.data.tolist() == [10.0, 10.0]
