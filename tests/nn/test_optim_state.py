"""Optimizer state on load, and a step() that changes all parameters or none."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, manual_seed
from nn import optim


# -- 13. optimizer state on load, and an atomic step() ----------------------------------------
def _trained(opt_class, **kw):
    manual_seed(0)
    model = nn.Linear(3, 2)
    opt = opt_class(model.parameters(), lr=0.1, **kw)
    for _ in range(2):
        opt.zero_grad()
        (model(Tensor(np.ones((4, 3)))) ** 2).sum().backward()
        opt.step()
    return model, opt


def _with(sd, key, value, index=0):
    sd = copy.deepcopy(sd)
    sd["state"][index][key] = value
    return sd


@pytest.mark.parametrize(
    "opt_class, kw, key, value, message",
    [
        (optim.Adam, {}, "exp_avg", np.full((2, 3), np.nan), "exp_avg has 6 NaN or inf values"),
        (optim.Adam, {}, "exp_avg_sq", -np.ones((2, 3)), "exp_avg_sq .* 6 negative values"),
        (
            optim.Adam,
            {},
            "exp_avg",
            np.full((2, 3), 1e300),
            "exp_avg has 6 .*beyond float32's range",
        ),
        (optim.Adam, {}, "step", "3", r"step must be an integer in \[0, 2\*\*63 - 1\], got '3'"),
        (optim.Adam, {}, "step", 10**400, r"step must be an integer .*got 1000000000.*characters"),
        (optim.Adam, {}, "step", -1, "step must be an integer .*got -1"),
        (optim.Adam, {}, "step", 1.5, "step must be an integer .*got 1.5"),
        (optim.Adam, {}, "step", float("nan"), "step must be an integer .*got nan"),
        (optim.Adam, {}, "step", True, "step must be an integer .*got True"),
        (optim.AdamW, {}, "exp_avg_sq", np.full((2, 3), np.inf), "exp_avg_sq has 6 NaN or inf"),
        (
            optim.SGD,
            {"momentum": 0.9},
            "momentum_buffer",
            np.full((2, 3), np.nan),
            "momentum_buffer has 6 NaN or inf",
        ),
        (
            optim.SGD,
            {"momentum": 0.9},
            "momentum_buffer",
            "x",
            r"momentum_buffer must be a float array of shape \(2, 3\), got <U1 \(\)",
        ),
    ],
)
def test_optimizer_load_state_dict_refuses_bad_state_and_leaves_the_optimizer_unchanged(
    opt_class, kw, key, value, message
):
    model, opt = _trained(opt_class, **kw)
    for p in model.parameters():
        p.data = p.data.astype(np.float32)
    for entry in opt.state.values():
        for k, v in entry.items():
            if isinstance(v, np.ndarray):
                entry[k] = v.astype(np.float32)
    good = opt.state_dict()
    with pytest.raises(
        ValueError,
        match=rf"{opt_class.__name__}.load_state_dict: state of "
        rf"parameter 0 \(shape \(2, 3\)\): {message}",
    ):
        opt.load_state_dict(_with(good, key, value))
    after = opt.state_dict()
    assert after["param_groups"] == good["param_groups"]
    for n, entry in good["state"].items():
        for k, v in entry.items():
            assert np.array_equal(after["state"][n][k], v)


def test_optimizer_load_state_dict_checks_value_parameters_too():
    w = Value(1.0)
    w.grad = 0.5
    opt = optim.Adam([w], lr=0.1)
    opt.step()
    good = opt.state_dict()
    for key, value, message in [
        ("exp_avg_sq", -1.0, "must be >= 0"),
        ("exp_avg", float("nan"), "must be finite"),
        ("exp_avg", "0.1", "must be a real number"),
    ]:
        with pytest.raises((ValueError, TypeError), match=rf"parameter 0 \(a Value\).*{message}"):
            opt.load_state_dict(_with(good, key, value))
    assert opt.state_dict() == good


def _two_params():
    a = nn.Parameter(np.ones(3))
    b = nn.Parameter(np.ones((2, 2)))
    a.grad = np.full(3, 0.5)
    b.grad = np.full((2, 2), 0.5)
    return a, b


@pytest.mark.parametrize(
    "spoil, error, message",
    [
        (
            lambda b: setattr(b, "grad", np.ones(4)),
            ValueError,
            r"parameter 1 \(shape \(2, 2\)\) has a gradient of shape \(4,\), "
            r"expected the parameter's shape \(2, 2\)",
        ),
        (lambda b: setattr(b, "grad", np.ones((1, 2))), ValueError, r"gradient of shape \(1, 2\)"),
        (lambda b: b.data.setflags(write=False), ValueError, "parameter 1 .* has read-only data"),
        (
            lambda b: setattr(b, "grad", np.ones((2, 2), complex)),
            TypeError,
            "an array of dtype complex128",
        ),
        (lambda b: setattr(b, "grad", "0.5"), TypeError, "gradient that is str"),
        (lambda b: setattr(b, "data", np.ones((2, 2), np.int64)), TypeError, "holds int64 data"),
    ],
)
@pytest.mark.parametrize(
    "opt_class, kw",
    [
        (optim.SGD, {"momentum": 0.9}),
        (optim.Adam, {}),
        (optim.AdamW, {}),
    ],
)
def test_optimizer_step_checks_every_parameter_before_moving_any(
    opt_class, kw, spoil, error, message
):
    a, b = _two_params()
    opt = opt_class([a, b], lr=0.1, **kw)
    opt.step()  # a first good step, so there is state to keep
    a.grad, b.grad = np.full(3, 0.5), np.full((2, 2), 0.5)
    spoil(b)
    a_before, state_before = a.data.copy(), copy.deepcopy(opt.state_dict())
    with pytest.raises(error, match=rf"{opt_class.__name__}.step: .*{message}"):
        opt.step()
    assert np.array_equal(a.data, a_before)  # the first parameter did not move
    after = opt.state_dict()
    for n, entry in state_before["state"].items():
        for k, v in entry.items():
            assert np.array_equal(after["state"][n][k], v)  # step counts did not advance


@pytest.mark.parametrize("opt_class", [optim.SGD, optim.Adam])
def test_optimizer_step_refuses_an_array_gradient_on_a_value_naming_it(opt_class):
    a, b = Value(1.0), Value(2.0)
    a.grad, b.grad = 0.5, np.array(1.0)
    opt = opt_class([a, b], lr=0.1)
    with pytest.raises(
        TypeError,
        match=rf"{opt_class.__name__}.step: parameter 1 \(a Value\) "
        r"has a gradient of type ndarray",
    ):
        opt.step()
    assert a.data == 1.0  # nothing moved


def test_optimizer_step_names_a_state_buffer_whose_parameter_changed_shape():
    a, b = _two_params()
    opt = optim.Adam([a, b], lr=0.1)
    opt.step()
    b.data, b.grad = np.ones(5), np.ones(5)
    with pytest.raises(
        ValueError,
        match=r"parameter 1 \(shape \(5,\)\): its exp_avg has shape "
        r"\(2, 2\)",
    ):
        opt.step()
