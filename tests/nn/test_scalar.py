"""nn.scalar: micrograd-style Neuron, Layer and MLP built from Values."""

import random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Value, gradcheck, manual_seed
from nn.scalar import MLP, Layer, Neuron


def test_neuron_computes_relu_of_weighted_sum_plus_bias():
    n = Neuron(3)
    for w, v in zip(n.w, [1.0, -2.0, 0.5], strict=True):
        w.data = v
    n.b.data = 0.25
    assert n([2.0, 1.0, 4.0]).data == 2.25  # 2 - 2 + 2 + 0.25
    assert n([-2.0, 1.0, 0.0]).data == 0.0  # relu(-3.75)


def test_linear_neuron_has_no_relu():
    n = Neuron(1, nonlin=False)
    n.w[0].data = 1.0
    assert n([-3.0]).data == -3.0


def test_neuron_init_is_uniform_minus_one_one_with_zero_bias():
    n = Neuron(2000)
    w = np.array([p.data for p in n.w])
    assert np.abs(w).max() < 1.0 and abs(w.mean()) < 0.05 and n.b.data == 0.0
    assert abs(w.var() - 1.0 / 3.0) < 0.02


def test_neuron_accepts_values_and_numbers():
    n = Neuron(2)
    out = n([Value(1.0), 2])
    assert isinstance(out, Value)


def test_neuron_rejects_the_wrong_number_of_inputs():
    with pytest.raises(ValueError, match="expected 3 inputs, got 2"):
        Neuron(3)([1.0, 2.0])


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_scalar_modules_reject_bad_sizes(bad):
    with pytest.raises(ValueError):
        Neuron(bad)
    with pytest.raises(ValueError):
        Layer(2, bad)


def test_layer_returns_a_list_or_a_single_value():
    assert len(Layer(2, 3)([1.0, 2.0])) == 3
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)


def test_mlp_last_layer_is_linear_and_hidden_layers_use_relu():
    model = MLP(2, [3, 3, 1])
    assert [n.nonlin for layer in model.layers for n in layer.neurons] == [True] * 6 + [False]


def test_mlp_returns_one_value_or_a_list():
    assert isinstance(MLP(2, [3, 1])([1.0, 2.0]), Value)
    assert len(MLP(2, [3, 2])([1.0, 2.0])) == 2


def test_mlp_with_a_one_neuron_hidden_layer_works():
    assert isinstance(MLP(2, [1, 2, 1])([1.0, 2.0]), Value)


def test_mlp_rejects_empty_nouts():
    with pytest.raises(ValueError, match="nouts"):
        MLP(2, [])


def test_parameters_are_values_and_counted_like_micrograd():
    model = MLP(3, [4, 4, 1])
    params = list(model.parameters())
    assert all(isinstance(p, Value) for p in params)
    assert len(params) == model.num_parameters() == (3 + 1) * 4 + (4 + 1) * 4 + (4 + 1)


def test_parameter_names_are_readable_paths():
    names = [n for n, _ in MLP(2, [2, 1]).named_parameters()]
    assert names[:3] == ["layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b"]
    assert names[-1] == "layers.1.neurons.0.b"


def test_zero_grad_resets_value_grads_to_zero():
    model = MLP(2, [3, 1])
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_state_dict_round_trips_between_scalar_models():
    a, b = MLP(3, [4, 1]), MLP(3, [4, 1])
    sd = a.state_dict()
    assert all(v.shape == () and v.dtype == np.float64 for v in sd.values())
    b.load_state_dict(sd)
    x = [0.5, -1.0, 2.0]
    assert a(x).data == b(x).data


def test_load_state_dict_into_a_scalar_model_refuses_a_mismatch_unchanged():
    model = MLP(2, [2, 1])
    before = model.state_dict()
    sd = MLP(2, [3, 1]).state_dict()
    with pytest.raises(nn.StateDictError, match="unexpected keys"):
        model.load_state_dict(sd)
    assert all(np.array_equal(before[k], v) for k, v in model.state_dict().items())


@given(st.lists(st.floats(-2.0, 2.0), min_size=3, max_size=3), st.integers(0, 2**31))
def test_scalar_mlp_gradients_pass_gradcheck(x, seed):
    manual_seed(seed)
    model = MLP(3, [4, 1])
    # keep every hidden pre-activation off relu's kink
    pre = [
        sum((w.data * xi for w, xi in zip(n.w, x, strict=True)), n.b.data)
        for n in model.layers[0].neurons
    ]
    if min(abs(p) for p in pre) < 1e-3:
        return
    params = list(model.parameters())
    assert gradcheck(lambda *_: model(x), params)


def test_scalar_mlp_learns_a_small_dataset_with_plain_gradient_descent():
    state = random.getstate()
    random.seed(0)  # a small ReLU net can start with dead units; this seed does not
    try:
        _learns_a_small_dataset()
    finally:
        random.setstate(state)


def _learns_a_small_dataset():
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    model = MLP(3, [4, 4, 1])

    def loss_now():
        return sum(((model(x) - y) ** 2 for x, y in zip(xs, ys, strict=True)), Value(0.0))

    first = loss_now().data
    for _ in range(150):
        loss = loss_now()
        model.zero_grad()
        loss.backward()
        for p in model.parameters():
            p.data -= 0.02 * p.grad
    assert loss_now().data < 0.01 * first
    assert all((model(x).data > 0) == (y > 0) for x, y in zip(xs, ys, strict=True))


def test_scalar_repr_is_compact():
    text = repr(MLP(2, [16, 1]))
    assert "(0-15): 16 x Neuron(nin=2, nonlin=True)" in text
    assert text.startswith("MLP(\n  nin=2, nouts=[16, 1]")


def test_scalar_exports_the_three_models_and_no_helper_names():
    import nn.scalar

    namespace: dict = {}
    exec("from nn.scalar import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == ["Layer", "MLP", "Neuron"]
    assert dir(nn.scalar) == ["Layer", "MLP", "Neuron"]  # what tab completion offers
