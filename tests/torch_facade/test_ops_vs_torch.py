"""Values and gradients of the facade's ops, layers and optimizers against PyTorch's."""

import copy

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed: the oracle for these tests")

import backproplab.torch as bt  # noqa: E402
import backproplab.torch.nn as bnn  # noqa: E402
import backproplab.torch.nn.functional as BF  # noqa: E402

OPS = {
    "std": lambda m, x: x.std(),
    "std_dim": lambda m, x: x.std(1, keepdim=True).sum(),
    "var": lambda m, x: x.var(0).sum(),
    "max_dim": lambda m, x: x.max(1).values.sum(),
    "min_dim": lambda m, x: x.min(dim=0, keepdim=True).values.sum(),
    "transpose": lambda m, x: (x.transpose(0, 1) @ x).sum(),
    "view": lambda m, x: x.view(-1)[3:9].sum(),
    "softmax": lambda m, x: (m.softmax(x, dim=1) ** 2).sum(),
    "log_softmax": lambda m, x: m.log_softmax(x, dim=-1)[:, 2].sum(),
    "cat_stack": lambda m, x: m.cat([x, x * 2], dim=1).sum(0) * m.stack([x[0], x[1]]).sum(),
    "masked_fill": lambda m, x: (
        x.masked_fill(m.tril(m.ones(4, 6)) == 0, float("-inf")).softmax(-1).sum()
    ),
    "pow_tensor": lambda m, x: (x.abs() + 1) ** m.tensor(1.5),
    "clamp": lambda m, x: x.clamp(-0.5, 0.5).sum(),
    "index": lambda m, x: x[m.arange(4), m.tensor([0, 5, 2, 1])].sum(),
    "split_unsqueeze": lambda m, x: x.split(2, dim=1)[1].unsqueeze(0).squeeze().sum(),
    "roll_flatten": lambda m, x: (m.roll(x, 2, 1).flatten() * m.arange(24).float()).sum(),
    # operators by name, and torch functions as methods
    "add_sub_alpha": lambda m, x: x.add(x * x, alpha=0.5).sub(x.exp(), alpha=2).sum(),
    "mul_div_neg": lambda m, x: x.mul(3.0).div(x.abs() + 1).neg().sum(),
    "reciprocal": lambda m, x: (x.abs() + 1).reciprocal().sum(),
    "tril_triu_methods": lambda m, x: (x.tril(-1) * 2 + x.triu(1)).sum(),
    "roll_method": lambda m, x: (x.roll(1, 0) * m.arange(24).float().view(4, 6)).sum(),
    "maximum_where": lambda m, x: x.maximum(x * 0.5).where(x > 0, x.minimum(-x)).sum(),
    "matmul_method": lambda m, x: x.matmul(x.T).sum(),
}


@pytest.mark.parametrize("name", sorted(OPS))
def test_op_value_and_gradient_match_torch(name):
    a = np.random.default_rng(5).standard_normal((4, 6)).astype(np.float32)
    x, tx = bt.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    y, ty = OPS[name](bt, x), OPS[name](torch, tx)
    y, ty = y.sum(), ty.sum()
    np.testing.assert_allclose(y.item(), ty.item(), rtol=2e-5, atol=1e-6)
    y.backward()
    ty.backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=2e-4, atol=1e-6)


def test_cross_entropy_with_ignore_index_and_one_hot_match_torch():
    a = np.random.default_rng(1).standard_normal((6, 5)).astype(np.float32)
    y = [0, 4, -100, 2, -100, 1]
    x, tx = bt.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    loss = BF.cross_entropy(x, bt.tensor(y), ignore_index=-100)
    tloss = torch.nn.functional.cross_entropy(tx, torch.tensor(y), ignore_index=-100)
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-6)
    loss.backward()
    tloss.backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-7)
    assert (
        BF.one_hot(bt.tensor([3, 0]), 5).tolist()
        == torch.nn.functional.one_hot(torch.tensor([3, 0]), 5).tolist()
    )


@pytest.mark.parametrize("opt", ["SGD", "Adam", "AdamW"])
def test_a_model_trains_as_in_pytorch(opt):
    bt.manual_seed(3)
    torch.manual_seed(3)
    kw = {"lr": 0.05, "momentum": 0.9} if opt == "SGD" else {"lr": 1e-2}

    def build(nn, m):
        model = nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.LayerNorm(16), nn.Linear(16, 3))
        return model, getattr(m.optim, opt)(model.parameters(), **kw)

    ours, ours_opt = build(bnn, bt)
    theirs, their_opt = build(torch.nn, torch)
    x = np.random.default_rng(0).standard_normal((32, 5)).astype(np.float32)
    y = np.random.default_rng(1).integers(0, 3, 32)
    for _ in range(20):
        loss = BF.cross_entropy(ours(bt.tensor(x)), bt.tensor(y))
        ours_opt.zero_grad(set_to_none=True)
        loss.backward()
        ours_opt.step()
        tloss = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y))
        their_opt.zero_grad(set_to_none=True)
        tloss.backward()
        their_opt.step()
        np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-4)
    for (k, v), (tk, tv) in zip(
        ours.state_dict().items(), theirs.state_dict().items(), strict=True
    ):
        assert k == tk
        np.testing.assert_allclose(v.numpy(), tv.numpy(), rtol=1e-3, atol=1e-5)


def test_batchnorm1d_trains_and_evaluates_as_in_pytorch():
    bt.manual_seed(0)
    torch.manual_seed(0)
    bn, tbn = bnn.BatchNorm1d(4), torch.nn.BatchNorm1d(4)
    a = np.random.default_rng(2).standard_normal((8, 4)).astype(np.float32) * 3 + 1
    out, tout = bn(bt.tensor(a)), tbn(torch.tensor(a))
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-4, atol=1e-5)
    for k in ("running_mean", "running_var"):
        np.testing.assert_allclose(
            bn.state_dict()[k].numpy(), tbn.state_dict()[k].numpy(), rtol=1e-5
        )
    bn.eval()
    tbn.eval()
    np.testing.assert_allclose(
        bn(bt.tensor(a)).detach().numpy(),
        tbn(torch.tensor(a)).detach().numpy(),
        rtol=1e-4,
        atol=1e-5,
    )


def _grad_of(y, x):
    """dy/dx as a tensor that can be differentiated again (x.grad left empty)."""
    y.backward(create_graph=True)
    g, x.grad = x.grad, None
    return g


@pytest.mark.parametrize(
    ("shape", "dim", "kw"),
    [
        ((32, 10), 0, {"keepdim": True, "unbiased": False}),
        ((8, 4, 6), (0, 1), {"keepdim": True, "unbiased": False}),
        ((5, 7), None, {}),
        ((5, 7), -1, {"correction": 0}),
        ((3, 4, 5), [0, 2], {"keepdim": False}),
    ],
)
def test_var_is_one_node_whose_first_and_second_derivatives_match_torch(shape, dim, kw):
    rng = np.random.default_rng(7)
    a = rng.standard_normal(shape).astype(np.float32)
    w = rng.standard_normal(shape).astype(np.float32)
    x, tx = bt.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    args = () if dim is None else (dim,)
    v, tv = x.var(*args, **kw), tx.var(*args, **kw)
    assert v.grad_fn.name() == "VarBackward0" and v._parents == (x,)  # one node
    np.testing.assert_allclose(v.data, tv.detach().numpy(), rtol=1e-5, atol=1e-6)
    s = rng.standard_normal(tuple(v.shape)).astype(np.float32)
    g = _grad_of((v * bt.tensor(s)).sum(), x)
    (tg,) = torch.autograd.grad((tv * torch.tensor(s)).sum(), tx, create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-4, atol=1e-6)
    g2 = _grad_of((g * bt.tensor(w)).sum(), x)
    (tg2,) = torch.autograd.grad((tg * torch.tensor(w)).sum(), tx)
    np.testing.assert_allclose(g2.data, tg2.numpy(), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("layer", ["BatchNorm1d", "LayerNorm"])
def test_norm_layers_differentiate_twice_on_facade_tensors_as_torch(layer):
    """The norms' recorded backwards read shapes, not ``x.size`` (a method here)."""
    a = np.random.default_rng(5).standard_normal((4, 3))
    w = np.arange(12.0).reshape(4, 3)
    ours, theirs = getattr(bt.nn, layer)(3).double(), getattr(torch.nn, layer)(3).double()
    x, tx = bt.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    g = _grad_of((ours(x) ** 2 * bt.tensor(w)).sum(), x)
    (tg,) = torch.autograd.grad((theirs(tx) ** 2 * torch.tensor(w)).sum(), tx, create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-10, atol=1e-12)
    g2 = _grad_of((g * g).sum(), x)
    (tg2,) = torch.autograd.grad((tg * tg).sum(), tx)
    np.testing.assert_allclose(g2.data, tg2.numpy(), rtol=1e-9, atol=1e-10)


def test_mean_differentiates_twice_on_facade_tensors_as_torch():
    """The engine's mean rule must not read ``x.size`` (a method on torch's tensors)."""
    a = np.random.default_rng(3).standard_normal((4, 3))
    x, tx = bt.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    g = _grad_of((x.mean(0) ** 2).sum(), x)
    (tg,) = torch.autograd.grad((tx.mean(0) ** 2).sum(), tx, create_graph=True)
    np.testing.assert_allclose(g.data, tg.detach().numpy(), rtol=1e-12)
    g2 = _grad_of((g * g).sum(), x)
    (tg2,) = torch.autograd.grad((tg * tg).sum(), tx)
    np.testing.assert_allclose(g2.data, tg2.numpy(), rtol=1e-12)


@pytest.mark.parametrize(
    ("ignore_index", "labels", "reduction"),
    [
        (-100, [0, 4, 2, 3, 1, 1], "mean"),  # nothing ignored
        (-100, [0, -100, 2, 3, -100, 1], "sum"),
        (7, [0, 7, 2, 3, 4, 7], "mean"),  # above the classes
        (0, [0, 4, 0, 3, 2, 1], "mean"),  # a class: its rows take no part
        (2, [0, 4, 1, 3, 4, 1], "sum"),  # a class no label has
    ],
)
def test_cross_entropy_ignore_index_anywhere_matches_torch(ignore_index, labels, reduction):
    a = np.random.default_rng(2).standard_normal((6, 5)).astype(np.float32)
    x, tx = bt.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    kw = {"ignore_index": ignore_index, "reduction": reduction}
    loss = BF.cross_entropy(x, bt.tensor(labels), **kw)
    tloss = torch.nn.functional.cross_entropy(tx, torch.tensor(labels), **kw)
    np.testing.assert_allclose(loss.item(), tloss.item(), rtol=1e-6)
    loss.backward()
    tloss.backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-5, atol=1e-7)


def test_cross_entropy_refuses_a_label_out_of_range_that_is_not_ignore_index():
    x = bt.tensor(np.zeros((2, 3), np.float32), requires_grad=True)
    with pytest.raises((IndexError, ValueError), match="3"):
        BF.cross_entropy(x, bt.tensor([0, 3]), ignore_index=-100)


def test_comparisons_new_tensors_and_layout_methods_match_torch():
    a = np.array([[1.5, -2.5, 0.5], [np.nan, 3.0, -0.5]], dtype=np.float32)
    for m in (bt, torch):
        x = m.tensor(a)
        got = [
            x.lt(0.5),
            x.le(0.5),
            x.gt(0.5),
            x.ge(0.5),
            x.isnan(),
            x.isfinite(),
            x.round(),
            m.tensor([1, 2, 3]).equal(m.tensor([1, 2, 3])),
            x.half().dtype,
            m.tensor([1, 2]).short().dtype,
            x.new_zeros(2, 3),
            x.new_ones((2,)),
            x.new_full((2,), 7),
            x.new_tensor([1, 2]),
            x.new_zeros(2, dtype=m.int64),
            m.tensor([1, 2]).new_ones(2).dtype,
            x.new_empty(3).shape,
            x.is_contiguous(),
            x.T.is_contiguous(),
            x.element_size(),
            x.half().element_size(),
            x.ndimension(),
            m.tensor([7, -7]).div(2, rounding_mode="floor"),
            m.tensor([[0.0, 1.0]]).multinomial(1, generator=m.Generator().manual_seed(3)),
        ]
        if m is bt:
            ours = got
    for o, t in zip(ours, got, strict=True):
        if isinstance(t, torch.Tensor):
            assert str(o.dtype) == str(t.dtype) and o.shape == t.shape
            np.testing.assert_array_equal(o.numpy(), t.numpy())
        else:
            assert str(o) == str(t)


def test_a_tensor_method_it_does_not_have_says_so():
    x = bt.ones(2)
    with pytest.raises(AttributeError, match=r"Tensor.cummax is not supported here"):
        x.cummax(0)
    with pytest.raises(NotImplementedError, match="'trunc' is not supported here"):
        x.div(2, rounding_mode="trunc")
    assert hasattr(torch.ones(2), "cummax")  # (a name PyTorch's Tensor has)
    assert not hasattr(x, "_no_such_slot")  # the engine's probes for slots still answer
    assert copy.deepcopy(x).tolist() == [1.0, 1.0] and np.asarray(x).tolist() == [1.0, 1.0]


def test_every_name_said_to_be_unsupported_is_a_pytorch_tensor_name_we_lack():
    from backproplab.torch._unsupported import TENSOR_NAMES

    x = bt.ones(2, 2)
    refused = 0
    for name in TENSOR_NAMES:
        assert name in dir(torch.Tensor), name
        try:
            getattr(x, name)
        except AttributeError as e:  # one we lack: said so, by name
            assert f"Tensor.{name} is not supported here" in str(e)
            refused += 1
    assert refused > 200


@pytest.mark.filterwarnings("error")  # (numpy's divide warnings would be errors here)
def test_floor_division_and_modulo_by_zero_are_pytorchs():
    for m in (bt, torch):
        f = m.tensor([7.0, -1.0, 0.0])
        got = [
            f // 0,
            f % 0,
            f // m.tensor([0.0, 2.0, 0.0]),
            m.tensor([7, -7]) // 2,
            m.tensor([7, -7]) % 3,
        ]
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            m.tensor([7]) // 0
        with pytest.raises(RuntimeError, match="ZeroDivisionError"):
            m.tensor([7]) % m.tensor([0])
        if m is bt:
            ours = got
    for o, t in zip(ours, got, strict=True):
        assert str(o.dtype) == str(t.dtype)
        np.testing.assert_array_equal(o.numpy(), t.numpy())
