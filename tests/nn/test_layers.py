"""Tensor layers: Linear, MLP, Dropout, GaussianNoise, Maxout, PReLU, Identity, Flatten."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
from autograd import Tensor, gradcheck, manual_seed


def _array(shape, lo=-3.0, hi=3.0):
    return hnp.arrays(np.float64, shape, elements=st.floats(lo, hi, allow_nan=False))


def _nonzero_array(shape, margin=1e-2):
    """Arrays whose entries keep ``margin`` away from 0, where relu-like functions have a kink."""
    side = st.floats(margin, 3.0)
    return hnp.arrays(np.float64, shape, elements=st.one_of(side, side.map(lambda v: -v)))


def _input(shape, requires_grad=True, seed=0):
    return Tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=requires_grad)


# -- Linear --------------------------------------------------------------------------


def test_linear_has_pytorch_shapes_and_names():
    layer = nn.Linear(3, 2)
    assert layer.weight.shape == (2, 3) and layer.bias.shape == (2,)
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]


def test_linear_without_bias_has_only_a_weight():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    x = _input((4, 3))
    assert np.allclose(layer(x).data, x.data @ layer.weight.data.T, rtol=1e-12, atol=1e-12)


def test_linear_init_is_uniform_within_one_over_sqrt_fan_in():
    manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1.0 / math.sqrt(400)
    w = layer.weight.data
    assert np.abs(w).max() <= bound and np.abs(layer.bias.data).max() <= bound
    # U(-b, b) has variance b**2 / 3; 120k draws pin it down to well under 2%
    assert abs(w.var() / (bound**2 / 3) - 1) < 0.02
    assert abs(w.mean()) < 0.01 * bound


def test_linear_init_follows_manual_seed():
    manual_seed(7)
    a = nn.Linear(4, 3).state_dict()
    manual_seed(7)
    b = nn.Linear(4, 3).state_dict()
    assert all(np.array_equal(a[k], b[k]) for k in a)


@given(_array((3, 4)), _array((2, 4)), _array((2,)))
def test_linear_computes_x_times_weight_transposed_plus_bias(x, w, b):
    layer = nn.Linear(4, 2)
    layer.load_state_dict({"weight": w, "bias": b})
    assert np.allclose(layer(Tensor(x)).data, x @ w.T + b, rtol=1e-12, atol=1e-12)


@given(_array((3, 4)), st.integers(0, 2**31))
def test_linear_gradients_pass_gradcheck(x, seed):
    manual_seed(seed)
    layer = nn.Linear(4, 2)
    xt = Tensor(x, requires_grad=True)
    assert gradcheck(lambda a, w, b: layer(a), [xt, layer.weight, layer.bias])


def test_linear_accepts_batched_and_single_inputs():
    layer = nn.Linear(3, 2)
    assert layer(Tensor(np.ones(3))).shape == (2,)
    assert layer(Tensor(np.ones((5, 4, 3)))).shape == (5, 4, 2)
    assert layer(np.ones((1, 3))).shape == (1, 2)


@pytest.mark.parametrize("shape", [(4, 2), (2,), (3, 3, 5), ()])
def test_linear_rejects_wrong_input_shapes_naming_in_features(shape):
    layer = nn.Linear(3, 2)
    with pytest.raises(ValueError, match=r"in_features=3, got shape " + re_shape(shape)):
        layer(Tensor(np.zeros(shape)))


def re_shape(shape):
    return str(tuple(shape)).replace("(", r"\(").replace(")", r"\)")


@pytest.mark.parametrize("args", [(0, 2), (2, -1), (2.5, 1), (True, 1), ("3", 1)])
def test_linear_rejects_bad_sizes(args):
    with pytest.raises(ValueError, match="positive integer"):
        nn.Linear(*args)


def test_linear_repr_names_its_sizes():
    assert repr(nn.Linear(3, 2, bias=False)) == "Linear(in_features=3, out_features=2, bias=False)"


# -- MLP ------------------------------------------------------------------------------


def test_mlp_numbers_children_like_torch_sequential():
    net = nn.MLP([2, 16, 16, 1])
    names = [n for n, _ in net.named_parameters()]
    assert names == ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"]
    assert [type(m).__name__ for m in net] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]


def test_mlp_puts_dropout_after_each_hidden_activation():
    net = nn.MLP([2, 4, 4, 1], activation="tanh", dropout=0.2)
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "Tanh", "Dropout", "Linear", "Tanh", "Dropout", "Linear"]
    assert [n for n, _ in net.named_parameters()][::2] == ["0.weight", "3.weight", "6.weight"]


def test_mlp_output_activation_comes_last():
    net = nn.MLP([2, 3, 1], output_activation="sigmoid")
    out = net(Tensor(np.random.default_rng(0).normal(size=(10, 2))))
    assert isinstance(net[-1], nn.Sigmoid) and ((out.data > 0) & (out.data < 1)).all()


def test_mlp_copies_an_activation_module_for_each_layer():
    act = nn.PReLU()
    net = nn.MLP([2, 3, 3, 1], activation=act)
    assert net[1] is not net[3]
    assert [n for n, _ in net.named_parameters()].count("1.weight") == 1
    assert "3.weight" in dict(net.named_parameters())


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "gelu", "leaky_relu", "elu"])
def test_mlp_accepts_activation_names(name):
    net = nn.MLP([2, 3, 1], activation=name)
    assert type(net[1]).__name__.lower().replace("leakyrelu", "leaky_relu") == name


def test_mlp_rejects_unknown_activation_names_listing_valid_ones():
    with pytest.raises(ValueError, match="unknown activation 'swish'.*relu.*tanh"):
        nn.MLP([2, 3, 1], activation="swish")


@pytest.mark.parametrize("sizes", [[2], [], [2, 0, 1], [2, -3], "21", 3])
def test_mlp_rejects_bad_sizes(sizes):
    with pytest.raises(ValueError):
        nn.MLP(sizes)


@pytest.mark.parametrize("p", [-0.1, 1.01, float("nan")])
def test_mlp_rejects_bad_dropout(p):
    with pytest.raises(ValueError, match="drop probability"):
        nn.MLP([2, 3, 1], dropout=p)


def test_mlp_gradients_pass_gradcheck():
    manual_seed(3)
    net = nn.MLP([3, 4, 2], activation="tanh")
    x = _input((5, 3))
    assert gradcheck(lambda a, *ps: net(a), [x, *net.parameters()])


def test_mlp_learns_two_moons():
    manual_seed(0)
    X, y = nn.data.make_moons(200, noise=0.1, seed=0)
    net = nn.MLP([2, 16, 16, 1])
    opt = nn.optim.Adam(net.parameters(), lr=0.02)
    xt, target = Tensor(X), y.reshape(-1, 1).astype(np.float64)
    for _ in range(300):
        opt.zero_grad()
        loss = nn.functional.binary_cross_entropy_with_logits(net(xt), target)
        loss.backward()
        opt.step()
    accuracy = ((net(xt).data[:, 0] > 0) == (y == 1)).mean()
    assert accuracy >= 0.97


# -- Dropout --------------------------------------------------------------------------


@pytest.mark.parametrize("p", [-0.01, 1.5, float("nan"), "0.5", True, None])
def test_dropout_rejects_p_outside_zero_one(p):
    with pytest.raises(ValueError, match=r"in \[0, 1\]"):
        nn.Dropout(p)


def test_dropout_keeps_expected_value():
    manual_seed(1)
    x = Tensor(np.full(200_000, 3.0))
    for p in (0.1, 0.5, 0.9):
        out = nn.Dropout(p)(x).data
        assert abs(out.mean() - 3.0) < 0.05 * 3.0
        assert abs((out == 0).mean() - p) < 0.01
        assert np.allclose(out[out != 0], 3.0 / (1 - p), rtol=1e-12, atol=1e-12)


def test_dropout_is_identity_in_eval_and_with_p_zero():
    x = Tensor(np.arange(5.0))
    assert nn.Dropout(0.5).eval()(x) is x
    assert nn.Dropout(0.0)(x) is x


def test_dropout_gradient_is_the_scaled_mask():
    manual_seed(2)
    x = Tensor(np.ones(1000), requires_grad=True)
    out = nn.Dropout(0.25)(x)
    out.sum().backward()
    assert np.array_equal(x.grad, out.data)  # d(x * m)/dx = m, and x = 1


def test_dropout_is_reproducible_under_manual_seed():
    x = Tensor(np.ones(50))
    manual_seed(5)
    a = nn.Dropout(0.5)(x).data
    manual_seed(5)
    assert np.array_equal(a, nn.Dropout(0.5)(x).data)


def test_dropout_keeps_float32():
    x = Tensor(np.ones(10, dtype=np.float32))
    assert nn.Dropout(0.5)(x).dtype == np.float32


# -- GaussianNoise ----------------------------------------------------------------------


def test_gaussian_noise_adds_noise_of_the_given_std_in_training():
    manual_seed(0)
    out = nn.GaussianNoise(0.5)(Tensor(np.zeros(100_000))).data
    assert abs(out.std() - 0.5) < 0.01 and abs(out.mean()) < 0.01


def test_gaussian_noise_is_identity_in_eval():
    x = Tensor([1.0, 2.0])
    assert nn.GaussianNoise(1.0).eval()(x) is x


def test_gaussian_noise_passes_the_gradient_through():
    x = Tensor(np.zeros(4), requires_grad=True)
    nn.GaussianNoise(1.0)(x).sum().backward()
    assert np.array_equal(x.grad, np.ones(4))


@pytest.mark.parametrize("std", [-1.0, float("inf"), float("nan"), "1"])
def test_gaussian_noise_rejects_bad_std(std):
    with pytest.raises(ValueError, match="std"):
        nn.GaussianNoise(std)


# -- Maxout ------------------------------------------------------------------------------


@given(_array((4, 3)), st.integers(0, 2**31))
def test_maxout_is_the_max_over_each_group_of_pieces(x, seed):
    manual_seed(seed)
    layer = nn.Maxout(3, 2, pieces=3)
    z = x @ layer.weight.data.T + layer.bias.data
    assert np.allclose(
        layer(Tensor(x)).data, z.reshape(4, 2, 3).max(axis=-1), rtol=1e-12, atol=1e-12
    )


@given(_array((3, 3)), st.integers(0, 2**31))
def test_maxout_gradients_pass_gradcheck(x, seed):
    manual_seed(seed)
    layer = nn.Maxout(3, 2, pieces=2)
    z = (x @ layer.weight.data.T + layer.bias.data).reshape(3, 2, 2)
    assume(np.abs(z[..., 0] - z[..., 1]).min() > 1e-3)  # away from ties, where max has a kink
    xt = Tensor(x, requires_grad=True)
    assert gradcheck(lambda a, w, b: layer(a), [xt, layer.weight, layer.bias])


def test_maxout_rejects_wrong_input_width():
    with pytest.raises(ValueError, match="in_features=3"):
        nn.Maxout(3, 2, 2)(Tensor(np.zeros((1, 4))))


def test_maxout_names_and_repr():
    layer = nn.Maxout(3, 2, pieces=4)
    assert layer.weight.shape == (8, 3)
    assert repr(layer) == "Maxout(in_features=3, out_features=2, pieces=4)"


# -- PReLU -------------------------------------------------------------------------------


def test_prelu_is_x_above_zero_and_slope_times_x_below():
    out = nn.PReLU(init=0.25)(Tensor([-4.0, -1.0, 0.0, 2.0])).data
    assert out.tolist() == [-1.0, -0.25, 0.0, 2.0]


@given(_nonzero_array((3, 4)), st.floats(-1.0, 1.0))
def test_prelu_gradients_pass_gradcheck(x, a):
    layer = nn.PReLU(init=a)
    xt = Tensor(x, requires_grad=True)
    assert gradcheck(lambda t, w: layer(t), [xt, layer.weight])


def test_prelu_with_channels_uses_axis_one():
    layer = nn.PReLU(num_parameters=3)
    layer.weight.data[:] = [0.1, 0.2, 0.3]
    x = -np.ones((2, 3, 4))
    out = layer(Tensor(x)).data
    assert np.allclose(out[:, :, 0], [[-0.1, -0.2, -0.3]] * 2, rtol=1e-12, atol=1e-12)
    xt = Tensor(np.random.default_rng(0).normal(size=(2, 3, 4)), requires_grad=True)
    assert gradcheck(lambda t, w: layer(t), [xt, layer.weight])


def test_prelu_rejects_a_channel_mismatch():
    with pytest.raises(ValueError, match="3 channels on axis 1"):
        nn.PReLU(3)(Tensor(np.zeros((2, 4))))


def test_prelu_keeps_module_num_parameters_working():
    layer = nn.PReLU(5)
    assert layer.num_parameters() == 5 and repr(layer) == "PReLU(num_parameters=5)"


# -- Identity and Flatten ------------------------------------------------------------------


def test_identity_returns_its_input():
    x = Tensor([1.0])
    assert nn.Identity(3, unused=True)(x) is x


@pytest.mark.parametrize(
    "start, end, shape, expected",
    [
        (1, -1, (2, 3, 4), (2, 12)),
        (0, -1, (2, 3, 4), (24,)),
        (0, 1, (2, 3, 4), (6, 4)),
        (1, 1, (2, 3), (2, 3)),
        (-2, -1, (5, 2, 3), (5, 6)),
    ],
)
def test_flatten_merges_the_chosen_axes(start, end, shape, expected):
    assert nn.Flatten(start, end)(Tensor(np.zeros(shape))).shape == expected


def test_flatten_gradient_flows_back_in_the_input_shape():
    x = Tensor(np.random.default_rng(0).normal(size=(2, 3, 2)), requires_grad=True)
    assert gradcheck(lambda t: nn.Flatten()(t) * 2.0, [x])


@pytest.mark.parametrize("start, end", [(3, -1), (2, 1)])
def test_flatten_rejects_bad_dims(start, end):
    with pytest.raises(ValueError, match="Flatten"):
        nn.Flatten(start, end)(Tensor(np.zeros((2, 3, 4))))


# -- PyTorch oracle ------------------------------------------------------------------------


def test_linear_state_dict_loads_into_torch_linear_with_identical_outputs():
    torch = pytest.importorskip("torch")
    layer = nn.Linear(5, 3)
    ref = torch.nn.Linear(5, 3).double()
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in layer.state_dict().items()})
    x = np.random.default_rng(0).normal(size=(7, 5))
    expected = ref(torch.from_numpy(x)).detach().numpy()
    assert np.allclose(layer(Tensor(x)).data, expected, atol=1e-12)


def test_mlp_state_dict_loads_into_the_equivalent_torch_sequential():
    torch = pytest.importorskip("torch")
    tnn = torch.nn
    net = nn.MLP([4, 8, 8, 2], activation="tanh", dropout=0.3).eval()
    ref = (
        tnn.Sequential(
            tnn.Linear(4, 8),
            tnn.Tanh(),
            tnn.Dropout(0.3),
            tnn.Linear(8, 8),
            tnn.Tanh(),
            tnn.Dropout(0.3),
            tnn.Linear(8, 2),
        )
        .double()
        .eval()
    )
    assert list(ref.state_dict()) == list(net.state_dict())
    ref.load_state_dict({k: torch.from_numpy(v) for k, v in net.state_dict().items()})
    x = np.random.default_rng(1).normal(size=(6, 4))
    assert np.allclose(net(Tensor(x)).data, ref(torch.from_numpy(x)).detach().numpy(), atol=1e-12)


def test_torch_state_dict_loads_into_our_mlp():
    torch = pytest.importorskip("torch")
    tnn = torch.nn
    ref = tnn.Sequential(tnn.Linear(3, 5), tnn.ReLU(), tnn.Linear(5, 1))
    net = nn.MLP([3, 5, 1])
    net.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    assert net[0].weight.dtype == np.float64  # float32 data cast into our float64 parameters
    x = np.random.default_rng(2).normal(size=(4, 3)).astype(np.float32)
    assert np.allclose(net(Tensor(x)).data, ref(torch.from_numpy(x)).detach().numpy(), atol=1e-5)


def test_prelu_matches_torch_values_and_gradients():
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(3).normal(size=(4, 3))
    ours = nn.PReLU(3, init=0.1)
    xt = Tensor(x, requires_grad=True)
    ours(xt).sum().backward()
    ref = torch.nn.PReLU(3, init=0.1).double()
    xr = torch.tensor(x, requires_grad=True)
    out = ref(xr)
    out.sum().backward()
    assert np.allclose(ours(Tensor(x)).data, out.detach().numpy(), atol=1e-12)
    assert np.allclose(xt.grad, xr.grad.numpy(), atol=1e-12)
    assert np.allclose(ours.weight.grad, ref.weight.grad.numpy(), atol=1e-12)
