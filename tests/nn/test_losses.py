"""Losses (nn.functional and nn.losses): values by hand, reductions, weights, gradients, errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autograd import Tensor, gradcheck
from nn import functional as F
from nn.losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss, MSELoss, NLLLoss

REDUCTIONS = ["mean", "sum", "none", "sum_by_nonzero_weights"]
ELEMENTWISE = [F.mse_loss, F.l1_loss, F.binary_cross_entropy, F.binary_cross_entropy_with_logits]


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# -- values written out by hand -------------------------------------------------------------
def test_mse_matches_the_contract_example():
    loss = F.mse_loss(Tensor([[0.9, 0.2, 0.2], [0.2, 0.8, 0.3]]), [[1, 0, 0], [0, 0, 1]])
    # squared errors 0.01 0.04 0.04 / 0.04 0.64 0.49 -> 1.26 / 6
    assert loss.shape == ()
    assert loss.item() == pytest.approx(0.21, abs=1e-15)


def test_mse_each_reduction_by_hand():
    x = Tensor([[1.0, 2.0], [3.0, 5.0]])
    t = np.array([[0.0, 0.0], [1.0, 1.0]])
    # elementwise (x - t)^2 = [[1, 4], [4, 16]]
    assert F.mse_loss(x, t, reduction="sum").item() == 25.0
    assert F.mse_loss(x, t, reduction="mean").item() == 6.25
    assert F.mse_loss(x, t, reduction="sum_by_nonzero_weights").item() == 6.25
    np.testing.assert_array_equal(F.mse_loss(x, t, reduction="none").data, [[1, 4], [4, 16]])


def test_l1_by_hand():
    x = Tensor([[1.0, -2.0], [0.5, 3.0]])
    assert F.l1_loss(x, [[0, 0], [0, 1]]).item() == pytest.approx((1 + 2 + 0.5 + 2) / 4)
    out = F.l1_loss(x, np.zeros((2, 2)), reduction="none")
    np.testing.assert_allclose(out.data, np.abs(x.data))


def test_bce_by_hand():
    p, t = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 1.0])
    expected = -(math.log(0.9) + math.log(0.8) + math.log(0.6)) / 3
    assert F.binary_cross_entropy(Tensor(p), t).item() == pytest.approx(expected, rel=1e-12)


def test_bce_clamps_log_at_minus_100_like_pytorch():
    # log(0) would be -inf: PyTorch clamps each log at -100
    assert F.binary_cross_entropy(Tensor([0.0]), [1.0]).item() == 100.0
    assert F.binary_cross_entropy(Tensor([1.0, 0.0]), [1.0, 0.0]).item() == 0.0
    x = Tensor([0.0, 1.0], requires_grad=True)
    F.binary_cross_entropy(x, [1.0, 0.0]).backward()
    assert np.isfinite(x.grad).all()


def test_bce_with_logits_by_hand():
    z, t = np.array([2.0, -1.0, 0.0]), np.array([1.0, 0.0, 0.3])
    sig = 1 / (1 + np.exp(-z))
    expected = -(t * np.log(sig) + (1 - t) * np.log(1 - sig))
    out = F.binary_cross_entropy_with_logits(Tensor(z), t, reduction="none")
    np.testing.assert_allclose(out.data, expected, rtol=1e-12)


def test_cross_entropy_with_labels_by_hand():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    labels = [1, 0]
    expected = [-math.log(_softmax(z)[0, 1]), -math.log(_softmax(z)[1, 0])]
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), labels, reduction="none").data, expected)
    assert F.cross_entropy(Tensor(z), labels).item() == pytest.approx(np.mean(expected))
    total = F.cross_entropy(Tensor(z), labels, reduction="sum")
    assert total.item() == pytest.approx(sum(expected))


def test_cross_entropy_gradient_is_softmax_minus_onehot_over_n():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    x = Tensor(z, requires_grad=True)
    F.cross_entropy(x, [1, 0]).backward()
    onehot = np.array([[0, 1, 0], [1, 0, 0]])
    np.testing.assert_allclose(x.grad, (_softmax(z) - onehot) / 2, rtol=1e-12)


def test_cross_entropy_with_probabilities_by_hand():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    t = np.array([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])
    expected = -(t * np.log(_softmax(z))).sum(axis=1)
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), t, reduction="none").data, expected)


def test_cross_entropy_with_one_hot_probabilities_equals_labels():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(5, 4))
    labels = np.array([0, 3, 1, 1, 2])
    a = F.cross_entropy(Tensor(z), labels)
    b = F.cross_entropy(Tensor(z), np.eye(4)[labels])
    assert a.item() == pytest.approx(b.item(), rel=1e-12)


def test_cross_entropy_accepts_integral_float_labels_and_single_examples():
    z = Tensor([[1.0, 2.0], [3.0, 0.0]])
    assert F.cross_entropy(z, Tensor([1.0, 0.0])).item() == F.cross_entropy(z, [1, 0]).item()
    # one example: logits (C,) with a scalar label
    single = F.cross_entropy(Tensor([1.0, 2.0]), 1).item()
    assert single == pytest.approx(-math.log(_softmax(np.array([[1.0, 2.0]]))[0, 1]))


def test_cross_entropy_with_spatial_dims_matches_per_position_loss():
    rng = np.random.default_rng(1)
    z = rng.normal(size=(2, 3, 4))  # (N, C, d)
    labels = rng.integers(0, 3, size=(2, 4))
    out = F.cross_entropy(Tensor(z), labels, reduction="none")
    assert out.shape == (2, 4)
    flat = F.cross_entropy(
        Tensor(np.moveaxis(z, 1, -1).reshape(-1, 3)), labels.reshape(-1), reduction="none"
    )
    np.testing.assert_allclose(out.data.reshape(-1), flat.data, rtol=1e-12)
    x = Tensor(z, requires_grad=True)
    w = np.array([1.0, 3.0])
    assert gradcheck(lambda t: F.cross_entropy(t, labels, sample_weight=w), [x])
    assert gradcheck(lambda t: F.nll_loss(t, labels, sample_weight=w, reduction="none"), [x])


def test_nll_loss_by_hand_and_agrees_with_cross_entropy():
    x = Tensor([[-0.2, -1.7], [-3.0, -0.05]])
    assert F.nll_loss(x, [0, 1]).item() == pytest.approx((0.2 + 0.05) / 2)
    z = Tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    assert F.nll_loss(F.log_softmax(z, dim=1), [2, 1]).item() == pytest.approx(
        F.cross_entropy(z, [2, 1]).item(), rel=1e-12
    )


# -- sample weights and reductions ------------------------------------------------------------
def test_weighted_mean_divides_by_n_not_by_sum_of_weights():
    x, t = Tensor([1.0, 2.0, 3.0]), [0.0, 0.0, 0.0]
    w = [2.0, 0.0, 1.0]
    # weighted losses 2*1, 0*4, 1*9 -> 11
    assert F.mse_loss(x, t, w, reduction="sum").item() == 11.0
    assert F.mse_loss(x, t, w, reduction="mean").item() == pytest.approx(11 / 3)
    assert F.mse_loss(x, t, w, reduction="sum_by_nonzero_weights").item() == pytest.approx(11 / 2)
    np.testing.assert_array_equal(F.mse_loss(x, t, w, reduction="none").data, [2.0, 0.0, 9.0])


def test_cross_entropy_weighted_mean_is_sum_of_weighted_losses_over_n():
    z = np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [0.3, 0.3, 0.3]])
    labels, w = [1, 0, 2], np.array([0.5, 2.0, 0.0])
    per = F.cross_entropy(Tensor(z), labels, reduction="none").data
    assert F.cross_entropy(Tensor(z), labels, w).item() == pytest.approx((w * per).sum() / 3)
    assert F.cross_entropy(Tensor(z), labels, w, "sum_by_nonzero_weights").item() == pytest.approx(
        (w * per).sum() / 2
    )


def test_sample_weight_broadcasts_over_trailing_dims():
    rng = np.random.default_rng(2)
    x, t = rng.normal(size=(3, 2, 4)), rng.normal(size=(3, 2, 4))
    w = np.array([1.0, 0.0, 2.5])
    sq = (x - t) ** 2
    out = F.mse_loss(Tensor(x), t, w, reduction="none")
    assert out.shape == (3, 2, 4)
    np.testing.assert_allclose(out.data, w[:, None, None] * sq)
    weighted = (w[:, None, None] * sq).sum()
    assert F.mse_loss(Tensor(x), t, w).item() == pytest.approx(weighted / 24)
    # non-zero weights cover 2 examples of 8 elements each
    by_nonzero = F.mse_loss(Tensor(x), t, w, "sum_by_nonzero_weights")
    assert by_nonzero.item() == pytest.approx(weighted / 16)


def test_sum_by_nonzero_weights_with_all_zero_weights_is_zero_not_nan():
    for fn in ELEMENTWISE:
        x = Tensor([[0.3, 0.6], [0.5, 0.1]], requires_grad=True)
        out = fn(
            x,
            [[1.0, 0.0], [0.0, 1.0]],
            sample_weight=[0.0, 0.0],
            reduction="sum_by_nonzero_weights",
        )
        assert out.item() == 0.0
        out.backward()
        np.testing.assert_array_equal(x.grad, np.zeros((2, 2)))
    x = Tensor([[1.0, 2.0]], requires_grad=True)
    out = F.cross_entropy(x, [0], sample_weight=[0.0], reduction="sum_by_nonzero_weights")
    assert out.item() == 0.0


def test_zero_weight_examples_get_zero_gradient():
    x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    F.cross_entropy(x, [0, 1], sample_weight=[1.0, 0.0]).backward()
    np.testing.assert_array_equal(x.grad[1], [0.0, 0.0])
    assert np.abs(x.grad[0]).sum() > 0


def test_sample_weight_may_be_a_tensor_or_list():
    x = Tensor([1.0, 2.0])
    a = F.l1_loss(x, [0.0, 0.0], sample_weight=Tensor([1.0, 3.0]), reduction="sum").item()
    b = F.l1_loss(x, [0.0, 0.0], sample_weight=[1, 3], reduction="sum").item()
    assert a == b == 7.0


def test_targets_may_be_tensors_ndarrays_or_lists():
    x = Tensor([[0.5, 0.25]])
    values = [
        F.mse_loss(x, t).item()
        for t in ([[1, 0]], np.array([[1.0, 0.0]]), Tensor([[1.0, 0.0]]), np.array([[1, 0]]))
    ]
    assert values == [values[0]] * 4


def test_float32_input_gives_float32_loss_and_grad():
    x = Tensor(np.array([[0.2, 0.7]], dtype=np.float32), requires_grad=True)
    for fn in ELEMENTWISE:
        x.grad = None
        out = fn(x, [[0.0, 1.0]])
        assert out.dtype == np.float32
        out.backward()
        assert x.grad.dtype == np.float32
    out = F.cross_entropy(x, [1])
    assert out.dtype == np.float32


# -- gradients --------------------------------------------------------------------------------
def _finite(shape: tuple[int, ...], lo: float = -3.0, hi: float = 3.0) -> st.SearchStrategy:
    return arrays(np.float64, shape, elements=st.floats(lo, hi, allow_nan=False))


shapes = st.sampled_from([(1,), (4,), (3, 2), (2, 3, 2)])
reductions = st.sampled_from(REDUCTIONS)


@st.composite
def elementwise_case(draw: st.DrawFn, lo: float = -3.0, hi: float = 3.0) -> tuple:
    shape = draw(shapes)
    x = draw(_finite(shape, lo, hi))
    t = draw(_finite(shape, 0.0, 1.0))
    w = draw(st.none() | _finite((shape[0],), 0.0, 2.0))
    return x, t, w, draw(reductions)


def _check(fn, x, t, w, reduction, target_grad=False):
    xt = Tensor(x, requires_grad=True)
    tt = Tensor(t, requires_grad=target_grad)
    inputs = [xt, tt] if target_grad else [xt]
    assert gradcheck(lambda *a: fn(a[0], a[1] if target_grad else tt, w, reduction), inputs)


@given(elementwise_case())
def test_mse_gradients_to_input_and_target(case):
    x, t, w, reduction = case
    _check(F.mse_loss, x, t, w, reduction, target_grad=True)


@given(elementwise_case())
def test_l1_gradients(case):
    x, t, w, reduction = case
    x = np.where(np.abs(x - t) < 1e-3, x + 0.01, x)  # away from the kink
    _check(F.l1_loss, x, t, w, reduction, target_grad=True)


@given(elementwise_case(lo=0.05, hi=0.95))
def test_bce_gradients(case):
    x, t, w, reduction = case
    _check(F.binary_cross_entropy, x, t, w, reduction, target_grad=True)


@given(elementwise_case(lo=-6.0, hi=6.0))
def test_bce_with_logits_gradients(case):
    x, t, w, reduction = case
    _check(F.binary_cross_entropy_with_logits, x, t, w, reduction, target_grad=True)


@st.composite
def classification_case(draw: st.DrawFn) -> tuple:
    n, c = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    z = draw(_finite((n, c), -5.0, 5.0))
    labels = draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    w = draw(st.none() | _finite((n,), 0.0, 2.0))
    return z, labels, w, draw(reductions)


@given(classification_case())
def test_cross_entropy_gradients_with_labels(case):
    z, labels, w, reduction = case
    x = Tensor(z, requires_grad=True)
    assert gradcheck(lambda a: F.cross_entropy(a, labels, w, reduction), [x])


@given(classification_case(), st.data())
def test_cross_entropy_gradients_with_probabilities(case, data):
    z, _, w, reduction = case
    raw = data.draw(_finite(z.shape, 0.01, 1.0))
    t = Tensor(raw / raw.sum(axis=1, keepdims=True), requires_grad=True)
    x = Tensor(z, requires_grad=True)
    assert gradcheck(lambda a, b: F.cross_entropy(a, b, w, reduction), [x, t])


@given(classification_case())
def test_nll_gradients(case):
    z, labels, w, reduction = case
    x = Tensor(z, requires_grad=True)
    assert gradcheck(lambda a: F.nll_loss(a, labels, w, reduction), [x])


def test_backward_twice_gives_the_same_gradient():
    x = Tensor([[1.0, 2.0, 0.0]], requires_grad=True)
    loss = F.cross_entropy(x, [2])
    loss.backward()
    first = x.grad.copy()
    x.grad = None
    loss.backward()
    np.testing.assert_array_equal(x.grad, first)


def test_target_without_requires_grad_gets_no_gradient():
    x = Tensor([1.0, 2.0], requires_grad=True)
    t = Tensor([0.0, 0.0])
    F.mse_loss(x, t).backward()
    assert t.grad is None
    assert F.mse_loss(x, t).parents == (x,)


def test_gradient_flows_to_target_only_when_input_is_constant():
    x, t = Tensor([1.0, 2.0]), Tensor([0.0, 0.0], requires_grad=True)
    F.mse_loss(x, t).backward()
    np.testing.assert_allclose(t.grad, [-1.0, -2.0])
    assert x.grad is None


# -- stability and non-finite values ----------------------------------------------------------
def test_bce_with_logits_is_finite_for_huge_logits():
    x = Tensor([1e4, -1e4, 1e4, -1e4], requires_grad=True)
    loss = F.binary_cross_entropy_with_logits(x, [1.0, 0.0, 0.0, 1.0])
    loss.backward()
    assert loss.item() == pytest.approx(2e4 / 4)  # the two wrong ones cost 1e4 each
    assert np.isfinite(x.grad).all()
    np.testing.assert_allclose(x.grad, [0.0, 0.0, 0.25, -0.25])


def test_cross_entropy_is_finite_for_huge_logits():
    x = Tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4]], requires_grad=True)
    loss = F.cross_entropy(x, [1, 0])
    loss.backward()
    # row 0: logsumexp 1e4 minus -1e4; row 1: logsumexp 1e4 + ln 2 minus -1e4
    assert loss.item() == pytest.approx((2e4 + 2e4 + math.log(2)) / 2, rel=1e-15)
    assert np.isfinite(x.grad).all()


@pytest.mark.filterwarnings("ignore:invalid value")
def test_nan_in_input_propagates_like_pytorch():
    assert math.isnan(F.mse_loss(Tensor([np.nan, 1.0]), [0.0, 0.0]).item())
    assert math.isnan(F.l1_loss(Tensor([np.inf, 1.0]), [np.inf, 0.0]).item())
    assert math.isnan(F.cross_entropy(Tensor([[1.0, np.nan]]), [0]).item())
    assert math.isnan(F.binary_cross_entropy_with_logits(Tensor([np.nan]), [1.0]).item())


def test_bce_rejects_nan_and_values_outside_unit_interval():
    for bad in (1.5, -0.1, np.nan):
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            F.binary_cross_entropy(Tensor([0.5, bad]), [1.0, 0.0])


# -- errors --------------------------------------------------------------------------------------
def test_labels_out_of_range_name_the_label_and_class_count():
    with pytest.raises(ValueError, match=r"label 3 .*3 classes"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), [0, 3])
    with pytest.raises(ValueError, match=r"label -1 "):
        F.nll_loss(Tensor(np.zeros((2, 3))), [-1, 0])


def test_non_integer_labels_raise():
    with pytest.raises(ValueError, match=r"integers.*0\.5"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), Tensor([0.5, 1.0]))
    with pytest.raises(ValueError, match="integers"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), Tensor([np.nan, 1.0]))
    with pytest.raises(ValueError, match="integers"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), np.array([True, False]))


@pytest.mark.parametrize("fn", [F.cross_entropy, F.nll_loss])
def test_float_class_indices_are_refused_as_torch(fn):
    """Issue 19: a float ndarray or a list of floats as class indices is refused (torch raises);
    a Tensor holding whole numbers (a Tensor made from ints is float64) is accepted."""
    x = Tensor(np.zeros((2, 3)))
    for target in ([0.0, 1.0], np.array([0.0, 1.0])):
        with pytest.raises(
            ValueError,
            match=r"labels must be integers, got an array of dtype "
            r"float64.*astype\(int\)",
        ):
            fn(x, target)
    assert np.isclose(fn(x, Tensor([0, 1])).item(), fn(x, [0, 1]).item(), rtol=1e-15, atol=0)


def test_float_class_indices_are_refused_by_torch_too():
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.nn.functional.cross_entropy(
            torch.zeros(2, 3, dtype=torch.float64), torch.tensor([0.0, 1.0], dtype=torch.float64)
        )


def test_shape_mismatch_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(4, 1\).*\(4,\)"):
        F.mse_loss(Tensor(np.zeros((4, 1))), np.zeros(4))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3,\)"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), [0, 1, 2])
    for fn in ELEMENTWISE:
        with pytest.raises(ValueError, match="shape"):
            fn(Tensor([0.5, 0.5]), [[1.0], [0.0]])


def test_unknown_reduction_lists_the_valid_ones():
    for fn in ELEMENTWISE:
        with pytest.raises(ValueError, match="sum_by_nonzero_weights"):
            fn(Tensor([0.5]), [1.0], reduction="avg")
    with pytest.raises(ValueError, match="'mean'.*'avg'"):
        F.cross_entropy(Tensor([[0.5, 0.1]]), [1], reduction="avg")
    with pytest.raises(ValueError, match="reduction"):
        CrossEntropyLoss(reduction="average")


def test_bad_sample_weights_raise():
    x = Tensor([0.5, 0.5])
    for bad, text in (
        ([1.0, -1.0], r"sample_weight\[1\] is -1"),
        ([np.nan, 1.0], "finite"),
        ([1.0, np.inf], "finite"),
        ([1.0], r"shape \(2,\)"),
        ([[1.0, 1.0]], r"shape \(2,\)"),
    ):
        with pytest.raises(ValueError, match=text):
            F.mse_loss(x, [0.0, 1.0], sample_weight=bad)
    with pytest.raises(TypeError, match="reduction='sum'"):
        F.mse_loss(x, [0.0, 1.0], "sum")


def test_empty_batch_raises():
    for fn in ELEMENTWISE:
        with pytest.raises(ValueError, match="empty batch"):
            fn(Tensor(np.zeros((0, 2))), np.zeros((0, 2)))
    with pytest.raises(ValueError, match="empty batch"):
        F.cross_entropy(Tensor(np.zeros((0, 3))), np.zeros(0, dtype=int))


def test_value_input_is_rejected_with_a_hint():
    from autograd import Value

    with pytest.raises(TypeError, match="Value"):
        F.mse_loss(Value(1.0), 0.0)


# -- loss modules -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("module", "fn", "target"),
    [
        (MSELoss, F.mse_loss, [[1.0, 0.0], [0.0, 1.0]]),
        (L1Loss, F.l1_loss, [[1.0, 0.0], [0.0, 1.0]]),
        (BCELoss, F.binary_cross_entropy, [[1.0, 0.0], [0.0, 1.0]]),
        (BCEWithLogitsLoss, F.binary_cross_entropy_with_logits, [[1.0, 0.0], [0.0, 1.0]]),
        (CrossEntropyLoss, F.cross_entropy, [1, 0]),
        (NLLLoss, F.nll_loss, [1, 0]),
    ],
)
def test_loss_modules_match_functional_forms(module, fn, target):
    x = Tensor([[0.3, 0.6], [0.8, 0.1]])
    w = [0.5, 2.0]
    for reduction in REDUCTIONS:
        np.testing.assert_array_equal(
            module(reduction=reduction)(x, target, w).data, fn(x, target, w, reduction).data
        )
    assert module()(x, target).item() == fn(x, target).item()
    assert module().parameters() is not None and list(module().parameters()) == []


def test_loss_module_repr_shows_reduction():
    assert repr(MSELoss()) == "MSELoss()"
    assert repr(CrossEntropyLoss(reduction="sum")) == "CrossEntropyLoss(reduction='sum')"


# -- functional activations and dropout ----------------------------------------------------------
def test_functional_activations_match_node_methods():
    x = Tensor([-2.0, -0.5, 0.0, 0.7, 3.0])
    for name in ("relu", "mish", "hardswish", "relu6", "tanh", "sigmoid", "softplus"):
        np.testing.assert_array_equal(getattr(F, name)(x).data, getattr(x, name)().data)
    np.testing.assert_array_equal(F.leaky_relu(x, 0.2).data, x.leaky_relu(0.2).data)
    np.testing.assert_array_equal(F.elu(x, 0.5).data, x.elu(0.5).data)
    np.testing.assert_array_equal(F.celu(x, 0.5).data, x.celu(0.5).data)
    np.testing.assert_array_equal(F.gelu(x, approximate="tanh").data, x.gelu("tanh").data)
    m = Tensor([[1.0, 2.0], [0.0, 0.0]])
    np.testing.assert_array_equal(F.softmax(m, dim=0).data, m.softmax(0).data)
    np.testing.assert_array_equal(F.log_softmax(m).data, m.log_softmax(-1).data)


def test_dropout_keeps_expected_value_and_is_reproducible():
    from autograd import manual_seed

    x = Tensor(np.ones(20000), requires_grad=True)
    manual_seed(3)
    a = F.dropout(x, p=0.25)
    manual_seed(3)
    b = F.dropout(x, p=0.25)
    np.testing.assert_array_equal(a.data, b.data)
    assert set(np.unique(a.data)) == {0.0, 1 / 0.75}
    assert a.data.mean() == pytest.approx(1.0, abs=0.03)
    a.sum().backward()
    np.testing.assert_array_equal(x.grad, a.data)  # the gradient is the same mask
    assert F.dropout(x, 0.5, training=False) is x
    np.testing.assert_array_equal(F.dropout(x, 1.0).data, 0.0)
    with pytest.raises(ValueError, match="p"):
        F.dropout(x, 1.5)


def test_dropout_on_a_value_keeps_or_drops_it():
    from autograd import Value, manual_seed

    manual_seed(0)
    outs = {F.dropout(Value(3.0), p=0.5).data for _ in range(50)}
    assert outs == {0.0, 6.0}


# -- PyTorch as an oracle (only where torch is installed) ---------------------------------------
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_losses_match_pytorch_values_and_gradients(reduction):
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    rng = np.random.default_rng(7)
    z = rng.normal(size=(6, 4)) * 3
    t = rng.uniform(size=(6, 4))
    p = rng.uniform(0.01, 0.99, size=(6, 4))
    labels = rng.integers(0, 4, size=6)
    probs = rng.uniform(size=(6, 4))
    probs /= probs.sum(axis=1, keepdims=True)
    cases = [
        (F.mse_loss, tf.mse_loss, z, t),
        (F.l1_loss, tf.l1_loss, z, t),
        (F.binary_cross_entropy, tf.binary_cross_entropy, p, t),
        (F.binary_cross_entropy_with_logits, tf.binary_cross_entropy_with_logits, z, t),
        (F.cross_entropy, tf.cross_entropy, z, labels),
        (F.cross_entropy, tf.cross_entropy, z, probs),
        (F.nll_loss, tf.nll_loss, np.log(probs), labels),
    ]
    for ours, theirs, x_np, t_np in cases:
        x = Tensor(x_np, requires_grad=True)
        out = ours(x, t_np, reduction=reduction)
        xt = torch.tensor(x_np, requires_grad=True)
        ref = theirs(xt, torch.tensor(t_np), reduction=reduction)
        np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-14)
        seed = rng.normal(size=out.shape)
        out.backward(seed)
        ref.backward(torch.tensor(seed))
        np.testing.assert_allclose(
            x.grad, xt.grad.numpy(), rtol=1e-10, atol=1e-14, err_msg=ours.__name__
        )


def test_target_gradients_match_pytorch():
    torch = pytest.importorskip("torch")
    tf = torch.nn.functional
    rng = np.random.default_rng(8)
    z, t = rng.normal(size=(5, 3)), rng.uniform(0.05, 0.95, size=(5, 3))
    probs = rng.uniform(size=(5, 3))
    probs /= probs.sum(axis=1, keepdims=True)
    cases = [
        (F.mse_loss, tf.mse_loss, z, t),
        (F.l1_loss, tf.l1_loss, z, t),
        (F.binary_cross_entropy, tf.binary_cross_entropy, t[::-1].copy(), t),
        (F.binary_cross_entropy_with_logits, tf.binary_cross_entropy_with_logits, z, t),
        (F.cross_entropy, tf.cross_entropy, z, probs),
    ]
    for ours, theirs, x_np, t_np in cases:
        target = Tensor(t_np, requires_grad=True)
        ours(Tensor(x_np, requires_grad=True), target).backward()
        tt = torch.tensor(t_np, requires_grad=True)
        theirs(torch.tensor(x_np, requires_grad=True), tt).backward()
        np.testing.assert_allclose(target.grad, tt.grad.numpy(), rtol=1e-10, err_msg=ours.__name__)


# -- PyTorch's class weights (weight=) ---------------------------------------------------------
@settings(max_examples=30)
@given(st.integers(0, 2**31 - 1), st.sampled_from(["mean", "sum", "none"]))
def test_class_weights_follow_pytorchs_rule_for_cross_entropy_and_nll(seed, reduction):
    rng = np.random.default_rng(seed)
    n, c = 5, 4
    z = rng.normal(size=(n, c))
    labels = rng.integers(0, c, size=n)
    w = rng.uniform(0.1, 3.0, size=c)
    log_p = (
        z
        - np.log(np.exp(z - z.max(1, keepdims=True)).sum(1, keepdims=True))
        - z.max(1, keepdims=True)
    )
    per_example = -w[labels] * log_p[np.arange(n), labels]
    # PyTorch's mean divides by the sum of the target classes' weights, not by N.
    want = {
        "mean": per_example.sum() / w[labels].sum(),
        "sum": per_example.sum(),
        "none": per_example,
    }[reduction]
    x = Tensor(z, requires_grad=True)
    got = F.cross_entropy(x, labels, weight=w, reduction=reduction)
    np.testing.assert_allclose(got.data, want, rtol=1e-12)
    got_nll = F.nll_loss(Tensor(log_p), labels, weight=w, reduction=reduction)
    np.testing.assert_allclose(got_nll.data, want, rtol=1e-12)
    assert gradcheck(lambda t: F.cross_entropy(t, labels, weight=w, reduction=reduction), [x])
    module = CrossEntropyLoss(weight=w, reduction=reduction)
    np.testing.assert_allclose(module(Tensor(z), labels).data, want, rtol=1e-12)
    np.testing.assert_allclose(
        NLLLoss(weight=w, reduction=reduction)(Tensor(log_p), labels).data, want, rtol=1e-12
    )


def test_class_weights_match_torch_where_installed():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    z, labels, w = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6), np.array([0.2, 1.0, 3.0])
    x = Tensor(z, requires_grad=True)
    F.cross_entropy(x, labels, weight=w).backward()
    tz = torch.tensor(z, requires_grad=True)
    ref = torch.nn.functional.cross_entropy(tz, torch.tensor(labels), weight=torch.tensor(w))
    ref.backward()
    np.testing.assert_allclose(
        F.cross_entropy(Tensor(z), labels, weight=w).item(), ref.item(), rtol=1e-12
    )
    np.testing.assert_allclose(x.grad, tz.grad.numpy(), rtol=1e-10)


def test_class_weights_of_the_wrong_shape_or_not_finite_are_refused():
    x = Tensor(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"weight must have shape \(3,\)"):
        F.cross_entropy(x, [0, 1], weight=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"class weights must be finite; weight\[1\] is nan"):
        F.nll_loss(x, [0, 1], weight=[1.0, np.nan, 1.0])
    with pytest.raises(ValueError, match=r"weight must be 1-D"):
        CrossEntropyLoss(weight=[[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"CrossEntropyLoss: class weights must be finite"):
        CrossEntropyLoss(weight=[1.0, np.inf])
    with pytest.raises(TypeError, match=r"NLLLoss: weight must be numeric"):
        NLLLoss(weight=["a", "b"])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name", ["cross_entropy", "nll_loss"])
def test_negative_class_weights_are_accepted_as_torch(name, reduction):
    """Issue 19: PyTorch accepts class weights of any sign; values and gradients match it."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    z, labels, w = rng.normal(size=(4, 3)), np.array([0, 2, 1, 2]), np.array([1.5, -0.5, 2.0])
    x = Tensor(z, requires_grad=True)
    tz = torch.tensor(z, requires_grad=True)
    out = getattr(F, name)(x, labels, reduction=reduction, weight=w)
    ref = getattr(torch.nn.functional, name)(
        tz, torch.tensor(labels), weight=torch.tensor(w), reduction=reduction
    )
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(x.grad, tz.grad.numpy(), rtol=1e-12, atol=1e-14)
    module = {"cross_entropy": CrossEntropyLoss, "nll_loss": NLLLoss}[name]
    np.testing.assert_allclose(
        module(weight=w, reduction=reduction)(Tensor(z), labels).data, out.data, rtol=1e-15, atol=0
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5)])
def test_probability_targets_with_class_weights_match_torch(reduction, shape):
    """Soft targets and weight= together: values and the gradients to the logits and to a
    target that requires grad, against torch (a wrong weighting in the backward shows here)."""
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(23)
    z = rng.normal(size=shape)
    t = rng.dirichlet(np.ones(3), size=shape[:1] + shape[2:])  # (N, ..., C)
    t = np.moveaxis(t, -1, 1)
    w = np.array([0.5, 2.0, 1.25])
    x, target = Tensor(z, requires_grad=True), Tensor(t, requires_grad=True)
    tz, tt = torch.tensor(z, requires_grad=True), torch.tensor(t, requires_grad=True)
    out = F.cross_entropy(x, target, weight=w, reduction=reduction)
    ref = torch.nn.functional.cross_entropy(tz, tt, weight=torch.tensor(w), reduction=reduction)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = rng.normal(size=out.shape)
    (out * Tensor(g)).sum().backward()
    (ref * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(x.grad, tz.grad.numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(target.grad, tt.grad.numpy(), rtol=1e-10, atol=1e-13)
