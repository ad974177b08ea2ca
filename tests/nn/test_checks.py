"""nn's argument checks (nn/_checks.py): one check per idea, one error type per kind of
mistake, and issue 19's one-line errors naming the argument and the fix."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor, Value
from autograd.core.tensor import _constant
from nn import _checks
from nn import functional as F


# -- one error type per kind of mistake ----------------------------------------------------------
@pytest.mark.parametrize(
    "build",
    [
        lambda: nn.LeakyReLU("0.1"),
        lambda: nn.GaussianNoise("1"),
        lambda: nn.PReLU(init=None),
        lambda: nn.Softmax(dim=1.0),
        lambda: nn.Flatten(start_dim="1"),
        lambda: nn.GELU(3),
        lambda: nn.Conv2d(1, 1, kernel_size=2.5),
        lambda: nn.LayerNorm(3, eps="1e-5"),
    ],
)
def test_a_wrong_type_is_an_argument_type_error_both_type_and_value_error(build):
    with pytest.raises(_checks.ArgumentTypeError) as info:
        build()
    assert isinstance(info.value, TypeError) and isinstance(info.value, ValueError)


@pytest.mark.parametrize(
    "build, message",
    [
        (
            lambda: nn.Dropout(1.5),
            r"Dropout: p \(the drop probability\) must be a number in \[0, 1\]",
        ),
        (lambda: F.dropout(Tensor([1.0]), -0.1), r"dropout: p \(the drop probability\) must be"),
        (lambda: nn.MLP([2, 1], dropout=2), r"MLP: dropout \(the drop probability\) must be"),
        (lambda: nn.Linear(0, 1), r"Linear: in_features must be a positive integer, got 0"),
        (lambda: nn.Embedding(2, True), r"Embedding: embedding_dim must be a positive integer"),
        (lambda: nn.MultiheadAttention(4, -2), r"MultiheadAttention: num_heads must be a positive"),
        (lambda: nn.BatchNorm1d(0), r"BatchNorm1d: num_features must be a positive integer"),
        (lambda: nn.BatchNorm2d(2, eps=0.0), r"BatchNorm2d: eps must be a finite number > 0"),
        (
            lambda: nn.MaxPool2d(2, padding=2),
            r"MaxPool2d: padding 2 must be at most half the kernel",
        ),
        (
            lambda: F.avg_pool2d(Tensor(np.ones((1, 1, 4, 4))), 2, padding=2),
            r"avg_pool2d: padding 2 must be at most half the kernel",
        ),
    ],
)
def test_each_check_speaks_the_same_way_wherever_it_is_used(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_batch_norm_needs_more_than_one_value_per_channel_and_changes_nothing_when_refused():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"BatchNorm1d: expected more than 1 value per channel"):
        bn(Tensor(np.ones((1, 3))))
    assert int(bn.num_batches_tracked.data) == 0
    with pytest.raises(ValueError, match=r"batch_norm: expected more than 1 value per channel"):
        F.batch_norm(Tensor(np.ones((1, 3))), None, None, training=True)


# -- issue 19, finding 9: one-line errors that name the argument and the fix -------------------
@pytest.mark.parametrize("layer", [nn.LayerNorm, nn.RMSNorm])
@pytest.mark.parametrize("eps", [-1, float("nan"), float("inf")])
def test_norms_refuse_a_negative_or_non_finite_eps(layer, eps):
    with pytest.raises(ValueError, match=rf"{layer.__name__}: eps must be a finite"):
        layer(4, eps=eps)
    fn = {"LayerNorm": F.layer_norm, "RMSNorm": F.rms_norm}[layer.__name__]
    with pytest.raises(ValueError, match=r"_norm: eps must be a finite"):
        fn(Tensor(np.ones((2, 4))), 4, eps=eps)
    assert layer(4, eps=0.0).eps == 0.0  # zero is allowed, as torch


@pytest.mark.parametrize(
    "bool_input",
    [
        np.array([True, False]),
        _constant(np.array([True, False])),
    ],
)
def test_embedding_refuses_a_bool_mask_as_rows_naming_the_fix(bool_input):
    emb = nn.Embedding(3, 2)
    with pytest.raises(TypeError, match=r"Embedding|embedding: input is a bool .*flatnonzero"):
        emb(bool_input)


@pytest.mark.parametrize("params", ["model", "method"])
def test_sgd_given_the_model_or_the_unbound_method_says_pass_model_parameters(params):
    model = nn.Linear(2, 1)
    arg = model if params == "model" else model.parameters
    with pytest.raises(TypeError, match=r"SGD: params must be .*; pass model\.parameters\(\)"):
        nn.optim.SGD(arg, lr=0.1)
    with pytest.raises(TypeError, match=r"Adam: .*pass model\.parameters\(\)"):
        nn.optim.Adam(arg)


@pytest.mark.parametrize("x", [Value(1.0), [Value(1.0), Value(2.0)]])
def test_values_given_to_a_tensor_layer_point_to_nn_scalar(x):
    with pytest.raises(
        TypeError,
        match=r"Linear: expected a Tensor as input, got a .*Value"
        r".*nn\.scalar",
    ):
        nn.Linear(2, 1)(x)


def test_scalar_mlp_given_one_list_of_sizes_explains_nin_and_nouts():
    with pytest.raises(TypeError, match=r"MLP takes \(nin, nouts\).*MLP\(3, \[4, 1\]\)"):
        nn.scalar.MLP([3, 4, 1])


def test_losses_refuse_a_value_saying_to_write_the_loss_with_value_ops():
    with pytest.raises(
        TypeError,
        match=r"mse_loss: expected a Tensor as input, got a single "
        r"Value; .*Value ops",
    ):
        F.mse_loss(Value(1.0), [1.0])
