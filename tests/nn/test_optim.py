"""Optimizers (nn.optim): three steps by hand, Tensors and Values, state dicts, checks."""

from __future__ import annotations

import copy
import math

import numpy as np
import pytest

from autograd import Tensor, Value
from nn import functional as F
from nn.optim import SGD, Adam, AdamW

LR, B1, B2, EPS = 0.1, 0.9, 0.999, 1e-8


def _run(make_opt, start, steps=3, kind="tensor"):
    """Minimise sum(p**2) / 2 (so grad = p) from ``start``; return each element's trajectory."""
    if kind == "tensor":
        p = Tensor(np.array(start, dtype=np.float64), requires_grad=True)
        params = [p]
    else:
        params = [Value(s) for s in start]
    opt = make_opt(params)
    path = []
    for _ in range(steps):
        opt.zero_grad()
        if kind == "tensor":
            (params[0] * params[0] * 0.5).sum().backward()
        else:
            sum(v * v * 0.5 for v in params).backward()
        opt.step()
        path.append(
            [float(x) for x in (params[0].data if kind == "tensor" else [v.data for v in params])]
        )
    return np.array(path)  # (steps, elements)


def _check(make_opt, hand):
    """``hand(p0)`` gives the three iterates for one starting value, written out by hand."""
    starts = [1.0, -2.0]
    expected = np.array([hand(s) for s in starts]).T
    for kind in ("tensor", "value"):
        np.testing.assert_allclose(
            _run(make_opt, starts, kind=kind), expected, rtol=1e-13, err_msg=kind
        )


# -- the update equations, three steps by hand --------------------------------------------------
def test_sgd_plain():
    def hand(p0):  # p <- p - lr * p
        p1 = p0 - LR * p0
        p2 = p1 - LR * p1
        p3 = p2 - LR * p2
        return [p1, p2, p3]

    _check(lambda ps: SGD(ps, lr=LR), hand)


def test_sgd_weight_decay():
    wd = 0.3

    def hand(p0):  # g = p + wd * p
        p1 = p0 - LR * (p0 + wd * p0)
        p2 = p1 - LR * (p1 + wd * p1)
        p3 = p2 - LR * (p2 + wd * p2)
        return [p1, p2, p3]

    _check(lambda ps: SGD(ps, lr=LR, weight_decay=wd), hand)


def test_sgd_momentum():
    mu = 0.9

    def hand(p0):  # buf = g first, then mu * buf + g; p -= lr * buf
        b1 = p0
        p1 = p0 - LR * b1
        b2 = mu * b1 + p1
        p2 = p1 - LR * b2
        b3 = mu * b2 + p2
        p3 = p2 - LR * b3
        return [p1, p2, p3]

    _check(lambda ps: SGD(ps, lr=LR, momentum=mu), hand)


def test_sgd_nesterov_with_weight_decay():
    mu, wd = 0.8, 0.05

    def hand(p0):  # g = p + wd p; buf as momentum; p -= lr * (g + mu * buf)
        g1 = p0 + wd * p0
        b1 = g1
        p1 = p0 - LR * (g1 + mu * b1)
        g2 = p1 + wd * p1
        b2 = mu * b1 + g2
        p2 = p1 - LR * (g2 + mu * b2)
        g3 = p2 + wd * p2
        b3 = mu * b2 + g3
        p3 = p2 - LR * (g3 + mu * b3)
        return [p1, p2, p3]

    _check(lambda ps: SGD(ps, lr=LR, momentum=mu, nesterov=True, weight_decay=wd), hand)


def _adam_hand(p0, wd=0.0, decoupled=False):
    """Three Adam steps on grad = p, each written out."""

    def one(p, m, v, t):
        g = p  # the gradient, taken before the step
        if decoupled:
            p = p * (1 - LR * wd)
        else:
            g = g + wd * p
        m = B1 * m + (1 - B1) * g
        v = B2 * v + (1 - B2) * g * g
        p = p - LR / (1 - B1**t) * m / (math.sqrt(v) / math.sqrt(1 - B2**t) + EPS)
        return p, m, v

    p1, m, v = one(p0, 0.0, 0.0, 1)
    p2, m, v = one(p1, m, v, 2)
    p3, m, v = one(p2, m, v, 3)
    return [p1, p2, p3]


def test_adam():
    _check(lambda ps: Adam(ps, lr=LR), _adam_hand)


def test_adam_first_step_moves_each_weight_by_lr():
    # m_hat = g and v_hat = g**2 after one step, so the update is lr * g / (|g| + eps)
    w = Value(3.0)
    w.grad = 0.25
    Adam([w], lr=0.01).step()
    assert w.data == pytest.approx(3.0 - 0.01 * 0.25 / (0.25 + EPS), rel=1e-15)


def test_adam_coupled_weight_decay():
    _check(lambda ps: Adam(ps, lr=LR, weight_decay=0.2), lambda p0: _adam_hand(p0, wd=0.2))


def test_adamw_decoupled_weight_decay():
    _check(
        lambda ps: AdamW(ps, lr=LR, weight_decay=0.2),
        lambda p0: _adam_hand(p0, wd=0.2, decoupled=True),
    )


def test_adamw_default_weight_decay_is_0_01():
    assert AdamW([Value(1.0)]).param_groups[0]["weight_decay"] == 0.01
    assert Adam([Value(1.0)]).param_groups[0]["weight_decay"] == 0.0


# -- how parameters are updated --------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1),
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
        lambda ps: Adam(ps, weight_decay=0.1),
        lambda ps: AdamW(ps),
    ],
)
def test_tensor_params_are_updated_in_place_and_keep_dtype(make):
    p = Tensor(np.ones((2, 3), dtype=np.float32), requires_grad=True)
    array = p.data
    opt = make([p])
    for _ in range(2):
        p.grad = np.full((2, 3), 0.5, dtype=np.float32)
        opt.step()
    assert p.data is array
    assert p.data.dtype == np.float32
    assert (p.data < 1).all()


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1),
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
        lambda ps: Adam(ps, lr=0.1),
        lambda ps: AdamW(ps, lr=0.1),
    ],
)
def test_large_and_small_tensors_get_the_same_update(make):
    # large parameters go through a reused scratch array, small ones through a temporary
    rng = np.random.default_rng(5)
    big = Tensor(rng.normal(size=(160, 128)), requires_grad=True)
    small = Tensor(big.data[:2, :3].copy(), requires_grad=True)
    array = big.data
    opt = make([big, small])
    for _ in range(3):
        big.grad = np.sin(big.data) + 0.5
        small.grad = np.sin(small.data) + 0.5
        opt.step()
    assert big.data is array
    np.testing.assert_array_equal(big.data[:2, :3], small.data)


@pytest.mark.parametrize("n", [3, 20000])
def test_step_follows_a_parameter_whose_array_was_replaced(n):
    p = Tensor(np.ones(n), requires_grad=True)
    opt = SGD([p], lr=0.5)
    p.grad = np.ones(n)
    opt.step()
    p.data = np.full(n, 4.0, dtype=np.float32)  # as a user (or a benchmark) may do
    p.grad = np.ones(n, dtype=np.float32)
    opt.step()
    np.testing.assert_array_equal(p.data, np.full(n, 3.5))
    assert p.data.dtype == np.float32


def test_params_without_grad_are_skipped():
    a = Tensor([1.0], requires_grad=True)
    b = Tensor([1.0], requires_grad=True)
    opt = Adam([a, b], lr=0.1)
    a.grad = np.array([1.0])
    opt.step()
    assert b.data[0] == 1.0 and a.data[0] < 1.0
    assert opt.state_dict()["state"].keys() == {0}


def test_zero_grad_sets_tensor_grads_to_none_and_value_grads_to_zero():
    t, v = Tensor([1.0, 2.0], requires_grad=True), Value(1.0)
    t.grad, v.grad = np.array([3.0, 4.0]), 2.0
    opt = SGD([t, v], lr=0.1)
    opt.zero_grad()
    assert t.grad is None and v.grad == 0.0
    t.grad = np.array([3.0, 4.0])
    grad = t.grad
    opt.zero_grad(set_to_none=False)
    assert t.grad is grad and (grad == 0).all()


def test_params_may_be_a_generator_and_gradients_accumulate_between_zero_grads():
    ws = [Value(1.0), Value(2.0)]
    opt = SGD((w for w in ws), lr=0.5)
    for w in ws:
        w.grad = 1.0
    opt.step()
    assert [w.data for w in ws] == [0.5, 1.5]
    opt.step()  # the same grads again: nothing cleared them
    assert [w.data for w in ws] == [0.0, 1.0]


def test_param_groups_have_their_own_options():
    a, b = Value(1.0), Value(1.0)
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.0)
    a.grad = b.grad = 1.0
    opt.step()
    assert a.data == pytest.approx(0.9) and b.data == pytest.approx(0.5)
    opt.lr = 0.2
    assert [g["lr"] for g in opt.param_groups] == [0.2, 0.2] and opt.lr == 0.2
    with pytest.raises(ValueError, match="unknown option"):
        SGD([{"params": [a], "betas": (0.9, 0.9)}], lr=0.1)


def test_training_a_linear_model_converges():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.3
    for make in (
        lambda ps: SGD(ps, lr=0.1, momentum=0.9),
        lambda ps: Adam(ps, lr=0.05),
        lambda ps: AdamW(ps, lr=0.05, weight_decay=0.0),
    ):
        w = Tensor(np.zeros((1, 3)), requires_grad=True)
        b = Tensor(np.zeros(1), requires_grad=True)
        opt = make([w, b])
        for _ in range(300):
            opt.zero_grad()
            loss = F.mse_loss(F.linear(Tensor(X), w, b), y[:, None])
            loss.backward()
            opt.step()
        assert loss.item() < 1e-4
        np.testing.assert_allclose(w.data[0], [1.5, -2.0, 0.5], atol=1e-2)


def test_repr_names_the_options():
    text = repr(SGD([Value(1.0)], lr=0.1, momentum=0.9))
    assert text.startswith("SGD(1 parameters") and "momentum=0.9" in text


# -- state dicts ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "make",
    [
        lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
        lambda ps: Adam(ps, lr=0.05, weight_decay=0.01),
        lambda ps: AdamW(ps, lr=0.05),
    ],
)
@pytest.mark.parametrize("kind", ["tensor", "value"])
def test_state_dict_round_trip_continues_the_same_trajectory(make, kind):
    def params(values):
        if kind == "tensor":
            return [Tensor(np.array(values), requires_grad=True)]
        return [Value(v) for v in values]

    def data(ps):
        return np.array(ps[0].data if kind == "tensor" else [p.data for p in ps], dtype=float)

    def train(opt, ps, steps):
        for _ in range(steps):
            opt.zero_grad()
            loss = (
                (ps[0] * ps[0] * ps[0] * 0.1 + ps[0] * 0.5).sum()
                if kind == "tensor"
                else sum(p * p * p * 0.1 + p * 0.5 for p in ps)
            )
            loss.backward()
            opt.step()

    a = params([1.0, -0.5, 2.0])
    opt_a = make(a)
    train(opt_a, a, 3)
    saved = copy.deepcopy(opt_a.state_dict())
    b, c = params(list(data(a))), params(list(data(a)))
    opt_b = make(b)
    opt_b.load_state_dict(saved)
    train(opt_a, a, 3)
    train(opt_b, b, 3)
    np.testing.assert_array_equal(data(a), data(b))
    train(make(c), c, 3)  # without the saved state the trajectory differs
    assert not np.allclose(data(a), data(c), rtol=1e-5, atol=1e-8)


def test_state_dict_is_a_copy():
    p = Tensor([1.0, 2.0], requires_grad=True)
    opt = Adam([p], lr=0.1)
    p.grad = np.array([1.0, 1.0])
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["exp_avg"][:] = 99.0
    sd["param_groups"][0]["lr"] = 5.0
    assert opt.state_dict()["state"][0]["exp_avg"][0] != 99.0
    assert opt.param_groups[0]["lr"] == 0.1
    assert sd["param_groups"][0]["params"] == [0]
    assert sd["state"][0]["step"] == 1


def test_load_state_dict_validates_before_changing_anything():
    p = Tensor([1.0, 2.0], requires_grad=True)
    opt = Adam([p], lr=0.1)
    p.grad = np.array([1.0, 1.0])
    opt.step()
    good = opt.state_dict()

    def broken(edit):
        sd = copy.deepcopy(good)
        edit(sd)
        return sd

    bad = [
        broken(lambda sd: sd["state"][0].__setitem__("exp_avg", np.zeros(3))),
        broken(lambda sd: sd["state"][0].pop("exp_avg_sq")),
        broken(lambda sd: sd["state"][0].__setitem__("step", -1)),
        broken(lambda sd: sd["state"].__setitem__(5, sd["state"][0])),
        broken(lambda sd: sd["param_groups"][0].__setitem__("lr", -1.0)),
        broken(lambda sd: sd["param_groups"][0].__setitem__("betas", (0.9, 1.0))),
        broken(lambda sd: sd["param_groups"][0].__setitem__("params", [0, 1])),
        broken(lambda sd: sd["param_groups"][0].pop("eps")),
        broken(lambda sd: sd["param_groups"].append(sd["param_groups"][0])),
        {"state": {}},
    ]
    before = opt.state_dict()
    for sd in bad:
        with pytest.raises(ValueError):
            opt.load_state_dict(sd)
        after = opt.state_dict()
        assert after["param_groups"] == before["param_groups"]
        np.testing.assert_array_equal(after["state"][0]["exp_avg"], before["state"][0]["exp_avg"])
        assert after["state"][0]["step"] == 1
    with pytest.raises(ValueError, match="options"):
        SGD([p], lr=0.1, momentum=0.9).load_state_dict(good)


# -- hyperparameter checks -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("make", "text"),
    [
        (lambda ps: SGD(ps, lr=-0.1), "lr must be >= 0, got -0.1"),
        (lambda ps: SGD(ps, lr=float("nan")), "lr must be finite, got nan"),
        (lambda ps: Adam(ps, lr=float("inf")), "lr must be finite"),
        (lambda ps: SGD(ps, lr=0.1, momentum=-0.5), "momentum must be >= 0, got -0.5"),
        (lambda ps: SGD(ps, lr=0.1, nesterov=True), r"nesterov=True needs momentum > 0"),
        (lambda ps: SGD(ps, lr=0.1, weight_decay=-1.0), "weight_decay must be >= 0"),
        (lambda ps: Adam(ps, betas=(1.0, 0.999)), r"betas\[0\] must be in \[0, 1\), got 1.0"),
        (lambda ps: Adam(ps, betas=(0.9, -0.1)), r"betas\[1\] must be in \[0, 1\)"),
        (lambda ps: AdamW(ps, betas=(0.9,)), "betas must be a pair"),
        (lambda ps: Adam(ps, eps=-1e-8), "eps must be >= 0"),
        (lambda ps: AdamW(ps, weight_decay=-0.01), "weight_decay must be >= 0"),
        (lambda ps: SGD([], lr=0.1), "empty parameter list"),
        (lambda ps: SGD(iter([]), lr=0.1), "empty parameter list"),
        (lambda ps: SGD(ps + ps, lr=0.1), "more than once"),
    ],
)
def test_bad_hyperparameters_raise_value_error_naming_the_value(make, text):
    with pytest.raises(ValueError, match=text):
        make([Value(1.0)])


def test_non_parameters_are_rejected():
    with pytest.raises(TypeError, match="parameter 1 is a ndarray"):
        SGD([Value(1.0), np.zeros(2)], lr=0.1)
    with pytest.raises(TypeError, match="wrap it in a list"):
        SGD(Value(1.0), lr=0.1)
    x = Tensor([1.0], requires_grad=True)
    with pytest.raises(ValueError, match="not a leaf"):
        SGD([x * 2], lr=0.1)
    with pytest.raises(ValueError, match="lr"):
        SGD([x], lr=0.1).lr = -1.0


# -- PyTorch as an oracle (only where torch is installed) ----------------------------------------
@pytest.mark.parametrize(
    ("ours", "theirs", "options"),
    [
        (SGD, "SGD", {"lr": 0.05}),
        (SGD, "SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
        (SGD, "SGD", {"lr": 0.05, "momentum": 0.7, "nesterov": True}),
        (Adam, "Adam", {"lr": 0.01}),
        (Adam, "Adam", {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1}),
        (AdamW, "AdamW", {"lr": 0.02}),
        (AdamW, "AdamW", {"lr": 0.02, "weight_decay": 0.3, "betas": (0.5, 0.9)}),
    ],
)
def test_ten_steps_match_pytorch(ours, theirs, options):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    a, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    w0, b0 = rng.normal(size=(2, 3)), rng.normal(size=2)
    w, b = Tensor(w0.copy(), requires_grad=True), Tensor(b0.copy(), requires_grad=True)
    tw, tb = torch.tensor(w0, requires_grad=True), torch.tensor(b0, requires_grad=True)
    opt = ours([w, b], **options)
    topt = getattr(torch.optim, theirs)([tw, tb], **options)
    for _ in range(10):
        opt.zero_grad()
        F.mse_loss(F.linear(Tensor(a), w, b).tanh(), y).backward()
        opt.step()
        topt.zero_grad()
        torch.nn.functional.mse_loss(
            torch.tanh(torch.tensor(a) @ tw.T + tb), torch.tensor(y)
        ).backward()
        topt.step()
    np.testing.assert_allclose(w.data, tw.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(b.data, tb.detach().numpy(), rtol=1e-12, atol=1e-14)
