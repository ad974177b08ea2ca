"""nn.interpolate: layer-wise mixing of two models of one architecture."""

import copy

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Tensor, manual_seed


def _pair(sizes=(2, 4, 3, 1)):
    manual_seed(0)
    return nn.MLP(list(sizes)), nn.MLP(list(sizes))


def _state(model):
    return {k: v.copy() for k, v in model.state_dict().items()}


def _equal(sd1, sd2):
    return list(sd1) == list(sd2) and all(np.array_equal(sd1[k], sd2[k]) for k in sd1)


def test_lambda_one_reproduces_model_a_and_zero_model_b_exactly():
    a, b = _pair()
    assert _equal(nn.interpolate(a, b, 1.0).state_dict(), a.state_dict())
    assert _equal(nn.interpolate(a, b, 0.0).state_dict(), b.state_dict())
    x = Tensor(np.random.default_rng(0).normal(size=(5, 2)))
    assert np.array_equal(nn.interpolate(a, b, 1).eval()(x).data, a(x).data)


def test_interpolation_leaves_both_inputs_untouched():
    a, b = _pair()
    sa, sb = _state(a), _state(b)
    mid = nn.interpolate(a, b, 0.3)
    mid[0].weight.data[...] = 0.0
    assert _equal(a.state_dict(), sa) and _equal(b.state_dict(), sb)


@given(st.floats(0.0, 1.0))
def test_every_parameter_is_the_convex_combination(lam):
    a, b = _pair()
    mixed = nn.interpolate(a, b, lam).state_dict()
    sa, sb = a.state_dict(), b.state_dict()
    for k in sa:
        assert np.allclose(mixed[k], lam * sa[k] + (1 - lam) * sb[k], rtol=0, atol=1e-15)


def test_a_sequence_gives_one_lambda_per_parameterised_layer():
    a, b = _pair()
    mixed = nn.interpolate(a, b, [1.0, 0.5, 0.0])
    assert np.array_equal(mixed[0].weight.data, a[0].weight.data)
    assert np.allclose(
        mixed[2].bias.data, 0.5 * (a[2].bias.data + b[2].bias.data), rtol=1e-12, atol=1e-12
    )
    assert np.array_equal(mixed[4].weight.data, b[4].weight.data)


def test_a_dict_maps_layer_names_to_lambdas():
    a, b = _pair()
    mixed = nn.interpolate(a, b, {"0": 0.0, "2": 1.0, "4": 0.25})
    assert np.array_equal(mixed[0].weight.data, b[0].weight.data)
    assert np.array_equal(mixed[2].weight.data, a[2].weight.data)


def test_a_dict_must_name_every_layer_and_nothing_else():
    a, b = _pair()
    with pytest.raises(ValueError, match=r"unknown: \['9'\]; missing: \['4'\]"):
        nn.interpolate(a, b, {"0": 0.5, "2": 0.5, "9": 0.5})


@pytest.mark.parametrize("lam", [[0.5, 0.5], [0.5] * 4, []])
def test_a_sequence_of_the_wrong_length_is_refused(lam):
    a, b = _pair()
    with pytest.raises(ValueError, match=f"got {len(lam)} lambdas for 3 parameterised layers"):
        nn.interpolate(a, b, lam)


@pytest.mark.parametrize(
    "lam",
    [
        -0.01,
        1.01,
        float("nan"),
        float("inf"),
        [0.5, 2.0, 0.5],
        {"0": 0.5, "2": -1.0, "4": 0.5},
        True,
        "0.5",
        None,
    ],
)
def test_lambdas_outside_zero_one_or_not_numbers_are_refused(lam):
    a, b = _pair()
    with pytest.raises(ValueError, match="lambda"):
        nn.interpolate(a, b, lam)


def test_different_architectures_are_refused():
    manual_seed(0)
    a = nn.MLP([2, 4, 1])
    with pytest.raises(ValueError, match="architectures differ"):
        nn.interpolate(a, nn.MLP([2, 5, 1]), 0.5)
    with pytest.raises(ValueError, match="architectures differ"):
        nn.interpolate(a, nn.MLP([2, 4, 1], activation="tanh"), 0.5)
    with pytest.raises(ValueError, match="architectures differ"):
        nn.interpolate(a, nn.MLP([2, 4, 4, 1]), 0.5)


def test_same_names_with_different_shapes_are_refused():
    a, b = nn.Module(), nn.Module()
    a.w, b.w = nn.Parameter(np.zeros(2)), nn.Parameter(np.zeros(3))
    with pytest.raises(ValueError, match=r"'w' has shape \(2,\) in model_a but \(3,\)"):
        nn.interpolate(a, b, 0.5)


def test_non_modules_are_refused():
    with pytest.raises(TypeError, match="model_b"):
        nn.interpolate(nn.Linear(1, 1), {"weight": 1}, 0.5)  # type: ignore[arg-type]


def test_the_result_is_a_fresh_copy_without_gradients():
    a, b = _pair()
    a(Tensor(np.ones((1, 2)))).sum().backward()
    mid = nn.interpolate(a, b, 0.5)
    assert type(mid) is nn.MLP and all(p.grad is None for p in mid.parameters())
    assert a[0].weight.grad is not None


def test_scalar_models_interpolate_per_neuron():
    manual_seed(1)
    a, b = nn.scalar.MLP(2, [3, 1]), nn.scalar.MLP(2, [3, 1])
    sa = copy.deepcopy(a.state_dict())
    assert _equal(nn.interpolate(a, b, 1.0).state_dict(), a.state_dict())
    assert _equal(nn.interpolate(a, b, 0.0).state_dict(), b.state_dict())
    lams = [0.0, 1.0, 0.0, 0.5]  # one per neuron: 3 hidden, 1 output
    mixed = nn.interpolate(a, b, lams)
    assert mixed.layers[0].neurons[1].w[0].data == a.layers[0].neurons[1].w[0].data
    assert mixed.layers[1].neurons[0].b.data == pytest.approx(
        0.5 * (a.layers[1].neurons[0].b.data + b.layers[1].neurons[0].b.data)
    )
    assert _equal(a.state_dict(), sa)


def test_float32_models_stay_float32():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    for m in (a, b):
        m.weight = nn.Parameter(m.weight.data.astype(np.float32))
    assert nn.interpolate(a, b, 0.5).weight.dtype == np.float32
