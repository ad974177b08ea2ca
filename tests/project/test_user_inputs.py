"""What users bring: one dropout, and array-likes given to activations (modules and functions)."""

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, manual_seed
from nn import functional as F


# -- one dropout ----------------------------------------------------------------------------
@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.9])
def test_module_and_function_draw_the_same_mask_for_the_same_seed(p):
    x = Tensor(np.arange(1.0, 201.0))
    manual_seed(11)
    a = nn.Dropout(p)(x).data
    manual_seed(11)
    b = F.dropout(x, p).data
    np.testing.assert_array_equal(a, b)
    assert 0 < (a == 0).sum() < a.size


def test_dropout_one_gives_zeros_in_training_and_identity_in_eval():
    x = Tensor(np.ones((3, 4)), requires_grad=True)
    drop = nn.Dropout(1.0)
    out = drop(x)
    np.testing.assert_array_equal(out.data, np.zeros((3, 4)))
    out.sum().backward()
    np.testing.assert_array_equal(x.grad, np.zeros((3, 4)))
    assert drop.eval()(x) is x
    assert F.dropout(Value(2.0), 1.0).data == 0.0
    assert nn.Dropout(1.0)(Value(2.0)).data == 0.0


def test_dropout_one_in_an_mlp_zeros_the_hidden_units():
    net = nn.MLP([2, 3, 1], dropout=1.0)
    out = net(Tensor([[1.0, 2.0]]))
    np.testing.assert_allclose(out.data, net[-1].bias.data.reshape(1, 1))


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan"), "0.5", True, None])
def test_module_and_function_refuse_the_same_bad_p(p):
    with pytest.raises(ValueError, match=r"drop probability\) must be .*in \[0, 1\]"):
        nn.Dropout(p)
    with pytest.raises(ValueError, match=r"drop probability\) must be .*in \[0, 1\]"):
        F.dropout(Tensor([1.0]), p)


def test_dropout_reads_an_array_like_as_a_constant():
    manual_seed(0)
    out = nn.Dropout(0.5)(np.ones(100))
    assert isinstance(out, Tensor) and set(np.unique(out.data)) <= {0.0, 2.0}


# -- array-likes in activations: the same rule for modules and functions --------------------------
ELEMENTWISE = [
    (nn.ReLU(), F.relu, "relu"),
    (nn.LeakyReLU(0.1), lambda x: F.leaky_relu(x, 0.1), "leaky_relu"),
    (nn.ELU(), F.elu, "elu"),
    (nn.CELU(), F.celu, "celu"),
    (nn.GELU(), F.gelu, "gelu"),
    (nn.Mish(), F.mish, "mish"),
    (nn.Hardswish(), F.hardswish, "hardswish"),
    (nn.ReLU6(), F.relu6, "relu6"),
    (nn.Tanh(), F.tanh, "tanh"),
    (nn.Sigmoid(), F.sigmoid, "sigmoid"),
    (nn.Softplus(), F.softplus, "softplus"),
    (nn.Softmax(), F.softmax, "softmax"),
    (nn.LogSoftmax(), F.log_softmax, "log_softmax"),
]
IDS = [name for _, _, name in ELEMENTWISE]


@pytest.mark.parametrize(("module", "function", "name"), ELEMENTWISE, ids=IDS)
@pytest.mark.parametrize(
    "make",
    [
        lambda a: a,
        lambda a: a.tolist(),
        lambda a: a.astype(np.float32),
        lambda a: np.round(a).astype(np.int64),
    ],
    ids=["ndarray", "list", "float32", "int"],
)
def test_array_likes_are_constants_with_the_tensors_result(module, function, name, make):
    raw = make(np.linspace(-3.0, 3.0, 7))
    expected = module(Tensor(np.asarray(raw))).data
    for out in (module(raw), function(raw)):
        assert isinstance(out, Tensor) and not out.requires_grad
        np.testing.assert_allclose(out.data, expected, rtol=1e-6)


def test_the_lecture_relu_on_linspace_works():
    out = nn.ReLU()(np.linspace(-1, 1, 5))
    np.testing.assert_array_equal(out.data, [0.0, 0.0, 0.0, 0.5, 1.0])


@pytest.mark.parametrize(("module", "function", "name"), ELEMENTWISE, ids=IDS)
@pytest.mark.parametrize(
    "bad",
    ["abc", [[1.0, 2.0], [3.0]], {"a": 1}, None, [1.0, "x"]],
    ids=["str", "ragged", "dict", "None", "mixed"],
)
def test_non_numeric_input_is_refused_naming_what_was_expected(module, function, name, bad):
    for call in (module, function):
        with pytest.raises(TypeError, match=rf"^{name}: expected a Tensor.*array-like of numbers"):
            call(bad)


@pytest.mark.parametrize("cls", [nn.Softmax, nn.LogSoftmax])
def test_softmax_of_a_single_value_says_it_needs_a_tensor(cls):
    with pytest.raises(TypeError, match="got a single Value"):
        cls()(Value(1.0))


def test_values_and_tensors_pass_through_unchanged():
    v = Value(-2.0)
    assert nn.ReLU()(v).data == 0.0 and F.tanh(v).data == pytest.approx(np.tanh(-2.0))
    t = Tensor([1.0, -1.0], requires_grad=True)
    nn.Sigmoid()(t).sum().backward()
    assert t.grad is not None
