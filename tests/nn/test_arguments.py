"""Arguments of nn's constructors and functions: interpolate lambdas, activation names, learning
rates, and the rest.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

import nn
from autograd import (
    Tensor,
    Value,
    manual_seed,
)
from nn import data as nn_data
from nn import functional as F
from nn import optim
from tests.nn.model_state import arrays as _arrays
from tests.nn.model_state import untouched as _untouched


# -- nn: interpolate, activations, learning rates -----------------------------------------------
@pytest.mark.parametrize(
    "lam, message",
    [
        (1.5, r"lambda must be in \[0, 1\], got 1.5"),
        (-0.01, r"lambda must be in \[0, 1\], got -0.01"),
        (float("nan"), r"lambda must be in \[0, 1\], got nan"),
        (float("inf"), r"lambda must be in \[0, 1\], got inf"),
        ([0.5, float("nan")], r"lambda\[1\] must be in \[0, 1\], got nan"),
        ({"0": 0.5, "2": 2.0}, r"lambda for layer '2' must be in \[0, 1\], got 2.0"),
        ([0.5], r"got 1 lambdas for 2 parameterised layers"),
        ("0.5", r"lambda must be a number, got '0.5'"),
    ],
)
def test_interpolate_refuses_lambdas_outside_the_unit_interval_and_nan(lam, message):
    manual_seed(0)
    a, b = nn.MLP([2, 3, 1]), nn.MLP([2, 3, 1])
    before_a, before_b = _arrays(a), _arrays(b)
    with pytest.raises(ValueError, match=rf"interpolate: {message}"):
        nn.interpolate(a, b, lam)
    assert _untouched(a, before_a) and _untouched(b, before_b)


@pytest.mark.parametrize(
    "kw", [{"activation": "rleu"}, {"output_activation": "Sigmoid"}, {"activation": "swish"}]
)
def test_unknown_activation_names_are_refused_listing_the_valid_ones(kw):
    name = next(iter(kw.values()))
    with pytest.raises(ValueError, match=rf"unknown activation '{name}'; valid names: .*relu"):
        nn.MLP([2, 3, 1], **kw)


OPTIMIZERS = [optim.SGD, optim.Adam, optim.AdamW]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
@pytest.mark.parametrize("opt_class", OPTIMIZERS, ids=lambda c: c.__name__)
def test_non_finite_learning_rates_are_refused_by_every_optimizer(opt_class, bad):
    w = Tensor([1.0], requires_grad=True)
    expected = rf"{opt_class.__name__}: lr must be finite, got {bad!r}"
    with pytest.raises(ValueError, match=expected):
        opt_class([w], lr=bad)
    opt = opt_class([w], lr=0.1)
    with pytest.raises(ValueError, match=expected):
        opt.lr = bad
    with pytest.raises(ValueError, match=expected):
        opt.add_param_group({"params": [Tensor([2.0], requires_grad=True)], "lr": bad})
    assert opt.lr == 0.1 and len(opt.param_groups) == 1


@pytest.mark.parametrize("opt_class", OPTIMIZERS, ids=lambda c: c.__name__)
def test_a_nan_lr_written_into_param_groups_is_refused_before_any_parameter_moves(opt_class):
    # LR schedulers write group["lr"] directly; a NaN there must not reach the weights.
    manual_seed(0)
    model = nn.MLP([2, 3, 1])
    opt = opt_class(model.parameters(), lr=0.1)
    opt.add_param_group({"params": [Value(1.0)]})
    F.mse_loss(model(Tensor(np.ones((1, 2)))), [[0.0]]).backward()
    before = _arrays(model)
    opt.param_groups[1]["lr"] = float("nan")  # the second group: the first must not move either
    with pytest.raises(
        ValueError,
        match=rf"{opt_class.__name__}: lr of parameter group 1 must "
        "be finite, got nan",
    ):
        opt.step()
    assert _untouched(model, before)


# -- 16. constructor and function arguments in nn ---------------------------------------------
@pytest.mark.parametrize(
    "make, error, message",
    [
        (
            lambda: nn.Flatten(start_dim=1.5),
            TypeError,
            "Flatten: start_dim must be an integer, got float 1.5",
        ),
        (lambda: nn.Flatten(end_dim=True), TypeError, "Flatten: end_dim must be an integer"),
        (lambda: nn.Flatten(start_dim="1"), TypeError, "Flatten: start_dim must be an integer"),
        (
            lambda: nn.LeakyReLU("0.1"),
            TypeError,
            "LeakyReLU: negative_slope must be a finite real number, got str '0.1'",
        ),
        (lambda: nn.LeakyReLU(float("nan")), ValueError, "LeakyReLU: negative_slope .* got nan"),
        (lambda: nn.ELU(float("inf")), ValueError, "ELU: alpha must be a finite real number"),
        (lambda: nn.CELU("1"), TypeError, "CELU: alpha must be a finite real number"),
        (lambda: nn.Softmax(dim=0.5), TypeError, "Softmax: dim must be an integer"),
        (lambda: nn.LogSoftmax(dim="1"), TypeError, "LogSoftmax: dim must be an integer"),
    ],
)
def test_nn_layer_arguments_of_the_wrong_type_or_not_finite_are_refused_naming_them(
    make, error, message
):
    with pytest.raises(error, match=message):
        make()
    assert nn.LeakyReLU(np.float32(0.2)).negative_slope == pytest.approx(0.2)
    assert nn.Flatten(np.int64(0)).start_dim == 0


@pytest.mark.parametrize(
    "call, error, message",
    [
        (
            lambda t: nn.init.normal_(t, std=math.inf),
            ValueError,
            "normal_: std must be a finite real number, got inf",
        ),
        (lambda t: nn.init.normal_(t, mean=math.nan), ValueError, "normal_: mean must be a finite"),
        (lambda t: nn.init.normal_(t, std="1"), TypeError, "normal_: std must be a finite real"),
        (lambda t: nn.init.uniform_(t, a=-math.inf), ValueError, "uniform_: a must be a finite"),
        (
            lambda t: nn.init.uniform_(t, -1e308, 1e308),
            ValueError,
            "uniform_: b - a must be finite",
        ),
        (lambda t: nn.init.constant_(t, math.nan), ValueError, "constant_: val must be a finite"),
        (
            lambda t: nn.init.xavier_uniform_(t, gain=math.inf),
            ValueError,
            "xavier_uniform_: gain must be a finite",
        ),
        (lambda t: nn.init.xavier_normal_(t, gain=None), TypeError, "xavier_normal_: gain must be"),
        (lambda t: nn.init.kaiming_uniform_(t, a="0"), TypeError, "kaiming_uniform_: a must be"),
        (
            lambda t: nn.init.kaiming_normal_(t, a=math.nan),
            ValueError,
            "kaiming_normal_: a must be",
        ),
        (
            lambda t: nn.init.normal_(t, generator=0),
            TypeError,
            "normal_: generator must be a numpy.random.Generator or None, got int",
        ),
    ],
)
def test_nn_init_refuses_non_finite_and_non_numeric_arguments_naming_them(call, error, message):
    t = nn.Parameter(np.ones((3, 4)))
    with pytest.raises(error, match=message):
        call(t)
    assert np.array_equal(t.data, np.ones((3, 4)))


@pytest.mark.parametrize(
    "maker",
    [
        nn_data.make_moons,
        nn_data.make_blobs,
        nn_data.make_spirals,
        nn_data.make_linearly_separable,
        nn_data.make_xor,
    ],
)
@pytest.mark.parametrize(
    "seed, error, message",
    [
        (-1, ValueError, "seed must be None or an integer >= 0, got -1"),
        (1.5, TypeError, "seed must be None or an integer >= 0, got float 1.5"),
        ("0", TypeError, "seed must be None or an integer >= 0, got str '0'"),
        (True, TypeError, "seed must be None or an integer >= 0, got bool True"),
    ],
)
def test_nn_data_makers_refuse_bad_seeds_naming_the_function(maker, seed, error, message):
    with pytest.raises(error, match=rf"{maker.__name__}: {message}"):
        maker(10, seed=seed)
    X, _ = maker(10, seed=np.int64(3))
    assert np.array_equal(X, maker(10, seed=3)[0])


def test_nn_data_batches_refuses_a_bad_seed_when_called():
    with pytest.raises(ValueError, match="batches: seed must be None or an integer >= 0, got -1"):
        nn_data.batches(np.zeros((4, 2)), np.zeros(4), 2, seed=-1)  # before iterating


@pytest.mark.parametrize("init", [float("nan"), float("inf"), "0.25", None])
def test_prelu_refuses_a_non_finite_or_non_numeric_initial_slope(init):
    with pytest.raises(
        ValueError,
        match=r"PReLU: init \(the initial slope\) must be a finite "
        rf"real number, got .*{re.escape(repr(init))}",
    ):
        nn.PReLU(init=init)
    assert nn.PReLU(init=np.float32(0.1)).weight.data[0] == pytest.approx(0.1)
