"""numpy on Tensors (API.md, Tensor): a numpy function applied to a Tensor that requires
grad stays in the graph with the right gradient, or raises a TypeError naming the
function; it never returns an ndarray that silently drops the graph."""

import re

import numpy as np
import pytest

import autograd
from autograd import Tensor, no_grad

X = np.array([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]])
W = np.array([[0.2, -0.4], [1.1, 0.6], [-0.3, 0.9]])


def _torch():
    return pytest.importorskip("torch")


# Each: (name, ours on (x, w) Tensors via numpy, torch on (x, w)).
IN_GRAPH = [
    ("sum", lambda x, w: np.sum(x), lambda x, w: x.sum()),
    ("sum_axis", lambda x, w: np.sum(x, axis=0, keepdims=True).sum(), lambda x, w: x.sum()),
    ("mean", lambda x, w: np.mean(x * x), lambda x, w: (x * x).mean()),
    ("max", lambda x, w: np.max(x, axis=1).sum(), lambda x, w: x.amax(dim=1).sum()),
    ("min", lambda x, w: np.min(x), lambda x, w: x.min()),
    ("amax", lambda x, w: np.amax(x), lambda x, w: x.max()),
    (
        "reshape",
        lambda x, w: (np.reshape(x, (3, 2)) * w).sum(),
        lambda x, w: (x.reshape(3, 2) * w).sum(),
    ),
    ("transpose", lambda x, w: (np.transpose(x) * w).sum(), lambda x, w: (x.T * w).sum()),
    (
        "concatenate",
        lambda x, w: (np.concatenate([x, w.T], axis=0) ** 2).sum(),
        lambda x, w: (torch_cat([x, w.T]) ** 2).sum(),
    ),
    (
        "stack",
        lambda x, w: (np.stack([x, w.T]) ** 3).sum(),
        lambda x, w: (torch_stack([x, w.T]) ** 3).sum(),
    ),
    (
        "where",
        lambda x, w: np.where(X > 0, x, w.T * 2).sum(),
        lambda x, w: torch_where(x, w.T * 2).sum(),
    ),
    ("maximum", lambda x, w: np.maximum(x, w.T).sum(), lambda x, w: torch_max(x, w.T).sum()),
    ("minimum", lambda x, w: np.minimum(x, 0.1).sum(), lambda x, w: torch_min(x, 0.1).sum()),
    ("dot", lambda x, w: (np.dot(x, w) ** 2).sum(), lambda x, w: ((x @ w) ** 2).sum()),
    ("matmul", lambda x, w: np.matmul(x, w).tanh().sum(), lambda x, w: (x @ w).tanh().sum()),
    (
        "clip",
        lambda x, w: (np.clip(x, -1.0, 1.0) * 3.0).sum(),
        lambda x, w: (x.clamp(-1.0, 1.0) * 3.0).sum(),
    ),
    ("exp_log", lambda x, w: np.log(np.exp(x) + 1.0).sum(), lambda x, w: (x.exp() + 1).log().sum()),
    (
        "tanh_sqrt",
        lambda x, w: np.sqrt(np.tanh(x) ** 2 + 1.0).sum(),
        lambda x, w: (x.tanh() ** 2 + 1).sqrt().sum(),
    ),
    (
        "square_abs",
        lambda x, w: (np.square(x) + np.abs(w).sum()).sum(),
        lambda x, w: (x * x + w.abs().sum()).sum(),
    ),
    (
        "ravel",
        lambda x, w: (np.ravel(x) * np.arange(6.0)).sum(),
        lambda x, w: (x.reshape(-1) * torch_arange()).sum(),
    ),
]


def torch_cat(ts):
    return _torch().cat(ts)


def torch_stack(ts):
    return _torch().stack(ts)


def torch_where(a, b):
    torch = _torch()
    return torch.where(torch.tensor(X > 0), a, b)


def torch_max(a, b):
    return _torch().maximum(a, b)


def torch_min(a, b):
    torch = _torch()
    return torch.minimum(a, torch.tensor(0.1, dtype=torch.float64))


def torch_arange():
    torch = _torch()
    return torch.arange(6.0, dtype=torch.float64)


@pytest.mark.parametrize(("name", "ours", "theirs"), IN_GRAPH, ids=[c[0] for c in IN_GRAPH])
def test_numpy_functions_stay_in_the_graph_with_torch_gradients(name, ours, theirs):
    torch = _torch()
    x, w = Tensor(X.copy(), requires_grad=True), Tensor(W.copy(), requires_grad=True)
    out = ours(x, w)
    assert isinstance(out, Tensor) and out.requires_grad
    out.backward()
    tx = torch.tensor(X, requires_grad=True)
    tw = torch.tensor(W, requires_grad=True)
    tout = theirs(tx, tw)
    tout.backward()
    np.testing.assert_allclose(out.item(), tout.item(), rtol=1e-12)
    for ours_t, their_t in ((x, tx), (w, tw)):
        zeros = np.zeros_like(ours_t.data)
        expected = their_t.grad.numpy() if their_t.grad is not None else zeros
        got = ours_t.grad if ours_t.grad is not None else zeros
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-15)


REFUSED = [
    ("np.var", lambda x: np.var(x), "mean"),
    ("np.std", lambda x: np.std(x), "sqrt"),
    ("np.linalg.norm", lambda x: np.linalg.norm(x), "sqrt"),
    ("np.einsum", lambda x: np.einsum("ij,ij", x, x), "@"),
    ("np.outer", lambda x: np.outer(x, x), "reshape"),
    ("np.cumsum", lambda x: np.cumsum(x), "use"),
    ("np.prod", lambda x: np.prod(x), "use"),
    ("np.tan", lambda x: np.tan(x), "sin"),
    ("np.log1p", lambda x: np.log1p(x * x), "log"),
    ("np.add.reduce", lambda x: np.add.reduce(x), "use"),
    ("np.vstack", lambda x: np.vstack([x, x]), "concatenate"),
    ("np.tensordot", lambda x: np.tensordot(x, x.T, axes=1), "@"),
]


@pytest.mark.parametrize(("name", "call", "hint"), REFUSED, ids=[c[0] for c in REFUSED])
def test_numpy_functions_without_an_op_are_refused_naming_the_function(name, call, hint):
    x = Tensor(X.copy(), requires_grad=True)
    with pytest.raises(
        TypeError, match=re.escape(name) + " would drop the graph.*" + re.escape(hint)
    ):
        call(x)


def test_np_dot_names_the_operator_to_use():
    x, w = Tensor(np.ones((2, 2, 3)), requires_grad=True), Tensor(W)
    with pytest.raises(TypeError, match=r"np\.dot.*@"):
        np.dot(x, w)
    with pytest.raises(
        TypeError,
        match=r"np\.dot would drop the graph of a Tensor that "
        r"requires grad; use x @ w",
    ):
        np.dot(x[0], np.ones((3, 2, 2)))


@pytest.mark.parametrize(("name", "call", "hint"), REFUSED, ids=[c[0] for c in REFUSED])
def test_tensors_without_grad_or_under_no_grad_fall_through_to_numpy(name, call, hint):
    expected = call(X)
    np.testing.assert_allclose(call(Tensor(X.copy())), expected)
    with no_grad():
        np.testing.assert_allclose(call(Tensor(X.copy(), requires_grad=True)), expected)


def test_asarray_and_functions_without_a_gradient_always_work():
    x = Tensor(X.copy(), requires_grad=True)
    assert np.asarray(x) is x.data and np.array(x).tolist() == X.tolist()
    assert np.allclose(x, X) and np.shape(x) == (2, 3) and np.argmax(x) == np.argmax(X)
    np.testing.assert_array_equal(np.isfinite(x), np.ones((2, 3), dtype=bool))
    assert np.count_nonzero(x > 0) == 4


def test_numpy_comparison_ufuncs_give_bool_tensors_like_the_operators():
    x = Tensor(X.copy(), requires_grad=True)
    for out in (np.greater(x, 0), x > X, np.equal(X, x)):
        assert isinstance(out, Tensor) and out.dtype == np.bool_ and not out.requires_grad
    np.testing.assert_array_equal(np.greater(x, 0).data, X > 0)


def test_a_list_holding_tensors_is_stacked_into_the_graph():
    x = Tensor(1.5, requires_grad=True)
    m = autograd.mean([x, x + 2])
    m.backward()
    assert m.item() == 2.5 and x.grad == 1.0  # HIPS autograd: gradient 1
    assert autograd.grad(lambda v: autograd.sum([v, v * v, 1.0]))(3.0) == 7.0
    y = Tensor([1.0, 2.0], requires_grad=True)
    (y * [y[1], y[0]]).sum().backward()
    assert y.grad.tolist() == [4.0, 2.0]
    nested = autograd.sum([[x, 2.0], [3.0, x * x]])
    assert nested.item() == 1.5 + 2.0 + 3.0 + 2.25 and nested.requires_grad
