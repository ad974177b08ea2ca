"""Edges of grad / jacobian / hessian and of recorded backward passes (issue 19's findings
2, 5, 6, 8, 9): constants, reference cycles, domain edges, dtypes, composition, errors."""

import gc
import warnings
import weakref

import numpy as np
import pytest

from autograd import (
    Function,
    Op,
    Tensor,
    Value,
    gc_paused,
    grad,
    gradcheck,
    hessian,
    jacobian,
    maximum,
)
from autograd.core.graph import CYCLE_WARNING


def _torch():
    return pytest.importorskip("torch")


# -- f that ignores its input -------------------------------------------------------------
def test_grad_of_a_function_that_ignores_its_input_is_zero_of_its_shape():
    assert grad(lambda x: 3.0)(2.0) == 0.0
    g = grad(lambda x: np.float64(1.5))(np.ones((2, 3)))
    assert isinstance(g, np.ndarray) and g.shape == (2, 3) and not g.any()
    gx, gy = grad(lambda x, y: (y * 2).sum(), argnums=(0, 1))(np.ones(2), np.ones(3))
    assert gx.tolist() == [0.0, 0.0] and gy.tolist() == [2.0, 2.0, 2.0]
    assert grad(grad(lambda x: 7.0))(1.0) == 0.0
    assert jacobian(lambda x: np.ones(2))(np.ones(3)).tolist() == np.zeros((2, 3)).tolist()


# -- finding 5: cycles ----------------------------------------------------------------------
def test_create_graph_reaching_a_leaf_warns_of_the_cycle_and_its_fixes():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.warns(UserWarning, match=r"reference cycle.*autograd\.grad.*\.grad = None"):
        (x * x).sum().backward(create_graph=True)
    v = Value(2.0)
    with pytest.warns(UserWarning, match="reference cycle"):
        (v * v).backward(create_graph=True)


def test_the_cycle_warning_is_shown_once_per_call_site():
    x = Tensor([1.0], requires_grad=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # Python's own rule: once per place
        for _ in range(3):
            (x * x).sum().backward(create_graph=True)
            x.grad = None
    assert [str(w.message) for w in caught] == [CYCLE_WARNING]


def test_plain_backward_and_grad_do_not_warn():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (x * x).sum().backward()
        grad(grad(lambda t: (t**3).sum()))(np.array([1.0]))  # records, writes no .grad


@pytest.mark.parametrize(
    "transform",
    [
        lambda f: grad(lambda x: f(x).sum()),
        lambda f: jacobian(f),
        lambda f: hessian(lambda x: f(x).sum()),
        lambda f: grad(lambda x: grad(lambda y: f(y).sum())(x).sum()),
        lambda f: jacobian(jacobian(f)),
    ],
    ids=["grad", "jacobian", "hessian", "grad-grad", "jacobian-jacobian"],
)
def test_grad_jacobian_and_hessian_leave_no_reference_cycles(transform):
    refs = []

    def f(x):
        out = (x * x).tanh() * x.exp()
        refs.extend([weakref.ref(x), weakref.ref(out)])
        return out

    with gc_paused():  # nothing but reference counting may free the graph
        result = transform(f)(np.array([0.3, -0.2]))
        assert isinstance(result, np.ndarray) and np.isfinite(result).all()
        assert refs and all(r() is None for r in refs), "a node outlived its call: a cycle"
        assert gc.isenabled() is False


def test_create_graph_ties_the_leaf_to_its_grad_until_grad_is_reset():
    with gc_paused():
        x = Tensor([0.5, 1.0], requires_grad=True)
        (x.tanh() * x).sum().backward(create_graph=True)
        ref = weakref.ref(x)
        g = x.grad
        x.grad = None  # the documented fix: breaks the cycle
        del x, g
        assert ref() is None


# -- finding 6: domain edges --------------------------------------------------------------
def test_recorded_sqrt_at_zero_gives_torch_infinities():
    torch = _torch()
    v = Value(0.0)
    v.sqrt().backward(create_graph=True)
    first = v.grad
    assert first.data == np.inf
    v.grad = 0.0
    first.backward()
    tx = torch.zeros((), dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(tx.sqrt(), tx, create_graph=True)
    (tgg,) = torch.autograd.grad(tg, tx)
    assert first.data == tg.item() and v.grad == tgg.item() == -np.inf
    assert grad(grad(lambda x: x.sqrt()))(0.0) == tgg.item()


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # 0 * inf
def test_hessian_of_a_norm_at_the_origin_matches_torch():
    torch = _torch()
    ours = hessian(lambda x: (x**2).sum().sqrt())(np.zeros(2))
    theirs = torch.autograd.functional.hessian(
        lambda x: (x**2).sum().sqrt(), torch.zeros(2, dtype=torch.float64)
    )
    np.testing.assert_array_equal(ours, theirs.numpy())  # nan, as PyTorch


@pytest.mark.parametrize("k", [0.0, 0.5, 2.5, 3.0])
def test_recorded_powers_at_zero_match_torch(k):
    torch = _torch()
    ours = grad(grad(lambda x: x**k))(0.0)
    tx = torch.zeros((), dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(tx**k, tx, create_graph=True)
    tgg = torch.autograd.grad(tg, tx, allow_unused=True)[0] if tg.requires_grad else None
    expected = 0.0 if tgg is None else tgg.item()
    np.testing.assert_equal(ours, expected)


def test_division_by_zero_written_by_the_user_still_raises():
    with pytest.raises(ZeroDivisionError):
        Value(1.0) / 0.0
    with pytest.raises(ZeroDivisionError):
        Tensor([1.0]) / Tensor([0.0])
    with pytest.raises(ZeroDivisionError):
        Value(0.0) ** -1.0


# -- finding 2: a Function that saves its output ------------------------------------------
class Exp(Function):
    @staticmethod
    def forward(ctx, i):
        result = np.exp(i)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        (result,) = ctx.saved_tensors
        return grad_output * result


def test_a_function_saving_its_output_has_torch_s_second_derivative():
    torch = _torch()
    data = np.array([0.3, -1.0, 2.0])
    x = Tensor(data, requires_grad=True)
    (Exp.apply(x) ** 2).sum().backward(create_graph=True)
    g, x.grad = x.grad, None
    (g * g).sum().backward()
    tx = torch.tensor(data, requires_grad=True)
    (tg,) = torch.autograd.grad((tx.exp() ** 2).sum(), tx, create_graph=True)
    (tg * tg).sum().backward()
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12)
    assert grad(grad(lambda t: Exp.apply(t).sum()))(np.array([0.5]))[0] == pytest.approx(
        np.exp(0.5), rel=1e-12
    )


# -- finding 8: dtypes, powers, composition ------------------------------------------------
def test_a_float32_leaf_gets_a_float32_grad_under_create_graph():
    torch = _torch()
    x = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    (maximum(x, 1.5) * x).sum().backward(create_graph=True)
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    (torch.maximum(tx, torch.tensor(1.5)) * tx).sum().backward(create_graph=True)
    assert x.grad.dtype == np.float32 and str(tx.grad.dtype) == "torch.float32"
    np.testing.assert_array_equal(x.grad.data, tx.grad.detach().numpy())
    x.grad.sum().backward()  # and it differentiates again


def test_second_derivative_in_the_exponent_of_a_negative_base_is_nan_as_torch():
    torch = _torch()
    ta = torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)
    tk = torch.tensor(2.0, dtype=torch.float64, requires_grad=True)
    (tg,) = torch.autograd.grad(ta**tk, tk, create_graph=True)
    (tgg,) = torch.autograd.grad(tg, tk)
    assert np.isnan(tgg.item())
    a, k = Value(-2.0), Value(2.0)
    (a**k).backward(create_graph=True)
    gk, k.grad = k.grad, 0.0
    gk.backward()
    assert np.isnan(k.grad)
    at, kt = Tensor(-2.0, requires_grad=True), Tensor(2.0, requires_grad=True)
    (at**kt).backward(create_graph=True)
    gkt, kt.grad = kt.grad, None
    gkt.backward()
    assert np.isnan(kt.grad)


def test_jacobian_composes_with_itself_as_jax_does():
    torch = _torch()
    data = np.array([0.4, -1.3])

    def f(x):
        return (x * x).tanh() * x[0]

    ours = jacobian(jacobian(f))(data)
    tf = torch.autograd.functional

    def tjac(t):
        return tf.jacobian(lambda u: (u * u).tanh() * u[0], t, create_graph=True)

    theirs = tf.jacobian(tjac, torch.tensor(data))
    assert ours.shape == (2, 2, 2)
    np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(ours.sum(axis=0), hessian(lambda x: f(x).sum())(data), rtol=1e-12)
    third = jacobian(jacobian(jacobian(lambda x: x**3)))(np.array([1.0, 2.0]))
    assert third.shape == (2, 2, 2, 2)
    assert third[0, 0, 0, 0] == third[1, 1, 1, 1] == 6.0 and third.sum() == 12.0


def test_a_complex_or_textual_gradient_is_refused():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(TypeError, match="gradient must be real numbers"):
        y.backward(gradient=np.array([1 + 1j, 2.0]))
    with pytest.raises(TypeError, match="gradient must be real numbers.*str"):
        y.backward(gradient="abc")
    assert x.grad is None


# -- finding 9: clear errors ----------------------------------------------------------------
def test_op_refuses_a_bad_name_or_rule():
    with pytest.raises(TypeError, match="name must be a str"):
        Op(3, lambda *a: a)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rule must be callable"):
        Op("cube", "3 * x ** 2")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="result must be an array"):
        Op("cube", lambda *a: a)("abc", (Tensor([1.0], requires_grad=True),))


@pytest.mark.parametrize(
    "returned",
    ["abc", None, {"x": 1}, "generator", [[1.0, 2.0], [1.0]]],
    ids=["str", "None", "dict", "generator", "ragged"],
)
def test_a_rule_returning_nonsense_gets_an_error_naming_the_op(returned):
    def rule(g, inputs, out, saved, needs):
        if returned == "generator":
            return (g for _ in range(1))
        return (returned,) if isinstance(returned, list) else returned

    x = Tensor([[1.0, 2.0]], requires_grad=True)
    y = Op("weird", rule)(x.data * 2, (x,))
    with pytest.raises(TypeError, match="weird: its gradient rule returned"):
        y.sum().backward()
    assert x.grad is None


def test_other_argument_errors_name_the_argument():
    t = Tensor([[1.0, 2.0]], requires_grad=True)
    with pytest.raises(ValueError, match=r"axis \(0, 0\) names an axis more than once"):
        t.sum(axis=(0, 0))
    with pytest.raises(TypeError, match="requires_grad must be True or False"):
        Tensor([1.0], requires_grad="no")
    for eps in (0, -1e-6, float("nan")):
        with pytest.raises(ValueError, match="eps must be a finite number > 0"):
            gradcheck(lambda x: x.sum(), [t], eps=eps)
    with pytest.raises(TypeError, match="atol must be a number"):
        gradcheck(lambda x: x.sum(), [t], atol="0.1")
