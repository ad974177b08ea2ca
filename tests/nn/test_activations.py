"""Activation modules: known values, gradients (gradcheck), Value/Tensor agreement, torch oracle."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import nn
from autograd import Tensor, Value, gradcheck
from nn.activations import ACTIVATIONS, activation

# Elementwise activations with the points where their derivative jumps.
ELEMENTWISE = [
    (nn.ReLU, {}, [0.0]),
    (nn.LeakyReLU, {"negative_slope": 0.1}, [0.0]),
    (nn.ELU, {"alpha": 1.5}, [0.0]),
    (nn.CELU, {"alpha": 0.7}, [0.0]),
    (nn.GELU, {}, []),
    (nn.GELU, {"approximate": "tanh"}, []),
    (nn.Mish, {}, []),
    (nn.Hardswish, {}, [-3.0, 3.0]),
    (nn.ReLU6, {}, [0.0, 6.0]),
    (nn.Tanh, {}, []),
    (nn.Sigmoid, {}, []),
    (nn.Softplus, {}, []),
]
IDS = [f"{cls.__name__}{kw or ''}" for cls, kw, _ in ELEMENTWISE]


def _away_from(kinks, margin=1e-2):
    """Finite floats in [-8, 8] at least ``margin`` from every kink."""
    return st.floats(-8.0, 8.0).filter(lambda v: all(abs(v - k) > margin for k in kinks))


# -- known values, written down from the formulas -------------------------------------


@pytest.mark.parametrize(
    "module, x, expected",
    [
        (nn.GELU(), 1.0, 0.8413447460685429),  # Phi(1)
        (nn.GELU(approximate="tanh"), 1.0, 0.8411919906082768),
        (nn.Mish(), 1.0, 0.8650983882673103),  # tanh(log(1 + e))
        (nn.Softplus(), 1.0, 1.3132616875182228),  # log(1 + e)
        (nn.Softplus(), 0.0, math.log(2.0)),
        (nn.ELU(), -1.0, -0.6321205588285577),  # e**-1 - 1
        (nn.CELU(alpha=2.0), -2.0, -1.2642411176571153),  # 2 * (e**-1 - 1)
        (nn.Sigmoid(), 1.0, 0.7310585786300049),
        (nn.Sigmoid(), 0.0, 0.5),
        (nn.Tanh(), 1.0, 0.7615941559557649),
        (nn.Hardswish(), 1.0, 2.0 / 3.0),  # 1 * 4 / 6
        (nn.Hardswish(), -3.0, 0.0),
        (nn.Hardswish(), 4.0, 4.0),
        (nn.ReLU6(), 7.0, 6.0),
        (nn.ReLU6(), 3.5, 3.5),
        (nn.ReLU(), -2.0, 0.0),
        (nn.LeakyReLU(), -2.0, -0.02),
        (nn.LeakyReLU(0.2), 3.0, 3.0),
    ],
)
def test_activation_known_values_on_tensors_and_values(module, x, expected):
    assert module(Tensor([x])).data[0] == pytest.approx(expected, abs=1e-12)
    assert module(Value(x)).data == pytest.approx(expected, abs=1e-12)


def test_softmax_and_log_softmax_known_values():
    x = Tensor([[1.0, 2.0, 3.0]])
    expected = [0.09003057317038045, 0.2447284710547976, 0.6652409557748218]
    assert np.allclose(nn.Softmax()(x).data[0], expected, atol=1e-15)
    assert np.allclose(nn.LogSoftmax()(x).data[0], np.log(expected), atol=1e-14)


def test_softmax_respects_dim():
    x = Tensor(np.random.default_rng(0).normal(size=(3, 4)))
    assert np.allclose(nn.Softmax(dim=0)(x).data.sum(axis=0), 1.0, rtol=1e-12, atol=1e-12)
    assert np.allclose(nn.Softmax(dim=1)(x).data.sum(axis=1), 1.0, rtol=1e-12, atol=1e-12)


def test_log_softmax_is_stable_for_huge_logits():
    out = nn.LogSoftmax()(Tensor([[1e4, 0.0]])).data
    assert np.isfinite(out).all() and out[0, 0] == 0.0 and out[0, 1] == -1e4


# -- gradients -------------------------------------------------------------------------


@pytest.mark.parametrize(("cls", "kwargs", "kinks"), ELEMENTWISE, ids=IDS)
@given(data=st.data())
def test_activation_gradients_pass_gradcheck_and_agree_on_tensors_and_values(
    cls, kwargs, kinks, data
):
    x = data.draw(hnp.arrays(np.float64, (2, 3), elements=_away_from(kinks)))
    module = cls(**kwargs)
    t = Tensor(x, requires_grad=True)
    assert gradcheck(module, [t])
    v = Value(float(x[0, 0]))
    assert gradcheck(module, [v])
    module(t).sum().backward()
    module(v).backward()
    assert module(v).data == pytest.approx(float(module(t).data[0, 0]), rel=1e-12, abs=1e-12)
    assert v.grad == pytest.approx(float(t.grad[0, 0]), rel=1e-9, abs=1e-12)


@pytest.mark.parametrize("cls", [nn.Softmax, nn.LogSoftmax])
@pytest.mark.parametrize("dim", [0, -1])
@given(x=hnp.arrays(np.float64, (3, 4), elements=st.floats(-5.0, 5.0)))
def test_softmax_family_gradients_pass_gradcheck(cls, dim, x):
    assert gradcheck(cls(dim=dim), [Tensor(x, requires_grad=True)])


# -- factory and validation ---------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_factory_builds_a_fresh_module_per_name(name):
    a, b = activation(name), activation(name)
    assert isinstance(a, ACTIVATIONS[name]) and a is not b


def test_activation_factory_passes_modules_through():
    m = nn.Tanh()
    assert activation(m) is m


def test_activation_factory_rejects_unknown_names_listing_valid_ones():
    with pytest.raises(ValueError) as info:
        activation("ReLU")
    msg = str(info.value)
    assert "'ReLU'" in msg and all(name in msg for name in ACTIVATIONS)


def test_activation_factory_rejects_non_strings():
    with pytest.raises(TypeError, match="Module or one of the names"):
        activation(3)  # type: ignore[arg-type]


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="'none' or 'tanh'"):
        nn.GELU(approximate="erf")


def test_celu_rejects_alpha_zero():
    with pytest.raises(ValueError, match="non-zero"):
        nn.CELU(alpha=0.0)


def test_activation_reprs_show_their_settings():
    assert repr(nn.LeakyReLU(0.2)) == "LeakyReLU(negative_slope=0.2)"
    assert repr(nn.GELU("tanh")) == "GELU(approximate='tanh')"
    assert repr(nn.Softmax(dim=0)) == "Softmax(dim=0)"
    assert repr(nn.ReLU()) == "ReLU()"


# -- PyTorch oracle (float64, 1e-6) ----------------------------------------------------------


def _torch_module(torch, cls, kwargs):
    tnn = torch.nn
    if cls in (nn.Softmax, nn.LogSoftmax):
        return getattr(tnn, cls.__name__)(dim=kwargs.get("dim", -1))
    return getattr(tnn, cls.__name__)(**kwargs)


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [(cls, kw) for cls, kw, _ in ELEMENTWISE] + [(nn.Softmax, {"dim": 1}), (nn.LogSoftmax, {})],
)
def test_activations_match_torch_values_and_gradients(cls, kwargs):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = rng.uniform(-6.0, 6.0, size=(5, 40))
    x[np.abs(x) < 1e-3] = 0.5  # keep off the kinks where subgradient choices may differ
    upstream = rng.normal(size=x.shape)
    ours, xt = cls(**kwargs), Tensor(x, requires_grad=True)
    out = ours(xt)
    out.backward(upstream)
    xr = torch.tensor(x, requires_grad=True)
    ref = _torch_module(torch, cls, kwargs)(xr)
    ref.backward(torch.from_numpy(upstream))
    assert np.allclose(out.data, ref.detach().numpy(), rtol=0, atol=1e-6)
    assert np.allclose(xt.grad, xr.grad.numpy(), rtol=0, atol=1e-6)


# -- derived from the registry (issue 23) --------------------------------------------------------
def test_module_reprs_are_pytorchs():
    expected = {
        nn.LeakyReLU(): "LeakyReLU(negative_slope=0.01)",
        nn.ELU(): "ELU(alpha=1.0)",
        nn.CELU(2.0): "CELU(alpha=2.0)",
        nn.GELU(): "GELU(approximate='none')",
        nn.ReLU(): "ReLU()",
        nn.Softmax(): "Softmax(dim=-1)",
    }
    for module, text in expected.items():
        assert repr(module) == text
    torch = pytest.importorskip("torch")
    for module, text in expected.items():
        theirs = getattr(torch.nn, type(module).__name__)
        args = {"CELU": (2.0,), "Softmax": (-1,)}.get(type(module).__name__, ())
        assert repr(theirs(*args)) == text


def test_a_changed_parameter_needs_a_module_attribute_change_only():
    act = nn.LeakyReLU(0.1)
    x = Tensor([-1.0, 2.0])
    np.testing.assert_array_equal(act(x).data, [-0.1, 2.0])
    act.negative_slope = 0.5
    np.testing.assert_array_equal(act(x).data, [-0.5, 2.0])
    assert repr(act) == "LeakyReLU(negative_slope=0.5)"


def test_a_new_registry_parameter_reaches_F_and_the_module_with_no_other_edit(monkeypatch):
    """softplus(beta, threshold) as PyTorch: changing the registry entry's params is enough."""
    import dataclasses
    import inspect

    from autograd.core import registry
    from nn.activations import Elementwise
    from nn.functional.activations import _elementwise

    entry = registry.REGISTRY["softplus"]
    two = dataclasses.replace(
        entry,
        params=(("beta", 1.0), ("threshold", 20.0)),
        array=lambda x, beta=1.0, threshold=20.0: np.logaddexp(0, x),
    )
    monkeypatch.setitem(registry.REGISTRY, "softplus", two)
    monkeypatch.setattr(
        Tensor, "softplus", lambda self, beta=1.0, threshold=20.0: (beta, threshold), raising=True
    )

    class Softplus(Elementwise, op="softplus"):
        pass

    fn = _elementwise("softplus", "")
    assert str(inspect.signature(fn)) == "(x, beta=1.0, threshold=20.0)"
    assert fn(Tensor([1.0]), beta=2.0, threshold=10.0) == (2.0, 10.0)
    assert repr(Softplus()) == "Softplus(beta=1.0, threshold=20.0)"
    assert Softplus(2.0)(Tensor([1.0])) == (2.0, 20.0)
    assert Softplus(threshold=5)(Tensor([1.0])) == (1.0, 5.0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'gamma'"):
        Softplus(gamma=1.0)
    with pytest.raises(ValueError, match="Softplus: beta must be a finite real number"):
        Softplus(beta=float("nan"))


def test_the_name_table_is_derived_from_the_module_classes():
    from autograd.core.registry import ACTIVATIONS as REGISTRY_ACTIVATIONS

    assert set(ACTIVATIONS) == set(REGISTRY_ACTIVATIONS) | {"softmax", "log_softmax"}
    for name, cls in ACTIVATIONS.items():
        assert getattr(cls, "op", name) == name
