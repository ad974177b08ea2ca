"""nn.init: PyTorch's initialisers, in place, seeded by autograd.manual_seed."""

import math

import numpy as np
import pytest

from autograd import Tensor, manual_seed
from nn import init


def _zeros(*shape, dtype=np.float64):
    return Tensor(np.zeros(shape, dtype=dtype))


@pytest.mark.parametrize(
    "name, param, expected",
    [
        ("linear", None, 1.0),
        ("conv2d", None, 1.0),
        ("sigmoid", None, 1.0),
        ("tanh", None, 5 / 3),
        ("relu", None, math.sqrt(2.0)),
        ("leaky_relu", None, math.sqrt(2 / (1 + 0.01**2))),
        ("leaky_relu", 0.2, math.sqrt(2 / 1.04)),
        ("selu", None, 0.75),
    ],
)
def test_calculate_gain_follows_pytorch_table(name, param, expected):
    assert init.calculate_gain(name, param) == pytest.approx(expected, rel=1e-15)


def test_calculate_gain_rejects_unknown_nonlinearities():
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swish'"):
        init.calculate_gain("swish")


def test_initialisers_work_in_place_and_return_the_tensor():
    t = _zeros(3, 4)
    data = t.data
    for fn in (
        init.uniform_,
        init.normal_,
        init.xavier_uniform_,
        init.xavier_normal_,
        init.kaiming_uniform_,
        init.kaiming_normal_,
        init.ones_,
        init.zeros_,
    ):
        assert fn(t) is t and t.data is data


def test_initialisers_keep_float32():
    t = init.kaiming_uniform_(_zeros(4, 4, dtype=np.float32))
    assert t.dtype == np.float32 and np.any(t.data != 0)


def test_constants():
    assert (init.ones_(_zeros(2, 2)).data == 1).all()
    assert (init.zeros_(Tensor(np.ones(3))).data == 0).all()
    assert (init.constant_(_zeros(2), 0.3).data == 0.3).all()


def test_uniform_draws_inside_the_bounds_with_the_right_moments():
    manual_seed(0)
    t = init.uniform_(_zeros(100_000), -2.0, 4.0)
    assert t.data.min() >= -2.0 and t.data.max() <= 4.0
    assert abs(t.data.mean() - 1.0) < 0.03 and abs(t.data.var() - 3.0) < 0.05


def test_normal_draws_have_the_right_moments():
    manual_seed(0)
    t = init.normal_(_zeros(100_000), mean=2.0, std=0.5)
    assert abs(t.data.mean() - 2.0) < 0.01 and abs(t.data.std() - 0.5) < 0.01


@pytest.mark.parametrize(
    "fn, kwargs, bound",
    [
        (init.xavier_uniform_, {}, math.sqrt(6 / (300 + 200))),
        (init.xavier_uniform_, {"gain": 2.0}, 2 * math.sqrt(6 / (300 + 200))),
        (init.kaiming_uniform_, {}, math.sqrt(2 / (1 + 0.0)) * math.sqrt(3 / 300)),
        (init.kaiming_uniform_, {"a": math.sqrt(5)}, 1 / math.sqrt(300)),
        (
            init.kaiming_uniform_,
            {"mode": "fan_out", "nonlinearity": "relu"},
            math.sqrt(2) * math.sqrt(3 / 200),
        ),
    ],
)
def test_uniform_schemes_use_pytorchs_bounds(fn, kwargs, bound):
    manual_seed(1)
    w = fn(_zeros(200, 300), **kwargs).data  # fan_in 300, fan_out 200
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert abs(w.var() / (bound**2 / 3) - 1) < 0.03


@pytest.mark.parametrize(
    "fn, kwargs, std",
    [
        (init.xavier_normal_, {}, math.sqrt(2 / (300 + 200))),
        (init.kaiming_normal_, {"nonlinearity": "relu"}, math.sqrt(2) / math.sqrt(300)),
        (
            init.kaiming_normal_,
            {"mode": "fan_out", "nonlinearity": "tanh"},
            (5 / 3) / math.sqrt(200),
        ),
    ],
)
def test_normal_schemes_use_pytorchs_std(fn, kwargs, std):
    manual_seed(2)
    w = fn(_zeros(200, 300), **kwargs).data
    assert abs(w.std() / std - 1) < 0.02


def test_fans_count_the_receptive_field():
    manual_seed(3)
    w = init.kaiming_uniform_(_zeros(8, 4, 3, 3), nonlinearity="relu").data  # fan_in 36
    assert np.abs(w).max() <= math.sqrt(2) * math.sqrt(3 / 36)


def test_fan_based_schemes_need_two_dimensions():
    with pytest.raises(ValueError, match="fewer than 2 dimensions"):
        init.xavier_uniform_(_zeros(5))


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_normal_(_zeros(2, 2), mode="fan_avg")
    with pytest.raises(ValueError, match="a <= b"):
        init.uniform_(_zeros(2), 1.0, 0.0)
    with pytest.raises(ValueError, match="std"):
        init.normal_(_zeros(2), std=-1.0)
    with pytest.raises(TypeError, match="Tensor"):
        init.zeros_(np.zeros(2))  # type: ignore[arg-type]


def test_manual_seed_makes_init_reproducible_and_a_generator_can_be_passed():
    manual_seed(4)
    a = init.normal_(_zeros(5)).data.copy()
    manual_seed(4)
    assert np.array_equal(a, init.normal_(_zeros(5)).data)
    g1, g2 = np.random.default_rng(9), np.random.default_rng(9)
    assert np.array_equal(
        init.uniform_(_zeros(5), generator=g1).data, init.uniform_(_zeros(5), generator=g2).data
    )


def test_read_only_data_is_replaced_not_written():
    arr = np.zeros(3)
    arr.setflags(write=False)
    t = Tensor(arr)
    init.ones_(t)
    assert (t.data == 1).all() and (arr == 0).all()
