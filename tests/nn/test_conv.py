"""Image layers: Conv2d, MaxPool2d, AvgPool2d, BatchNorm1d/2d and their functional forms."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autograd import Tensor, enable_grad, gradcheck, manual_seed
from nn import functional as F
from nn.functional.conv import Fold, MaxPool, Unfold, _fold_array, _unfold_array


def _rand(*shape: int, seed: int = 0, grad: bool = True) -> Tensor:
    return Tensor(np.random.default_rng(seed).normal(size=shape), requires_grad=grad)


# -- the Unfold / Fold primitive pair -------------------------------------------------------


@settings(max_examples=30, deadline=None)
@given(
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 1),
    st.integers(3, 6),
    st.sampled_from([1, 3, 8]),
    st.integers(0, 2**31),
)
def test_fold_is_the_adjoint_of_unfold(kh, kw, stride, pad, size, channels, seed):
    # <unfold(x), y> == <x, fold(y)> for every x, y: each is the other's backward.
    # (Both unfold paths: per-offset copies for few channels, one strided copy for many;
    # and the one-copy fold when windows tile the input.)
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(2, channels, size, size + 1))
    cols = _unfold_array(x, (kh, kw), (stride, stride), (pad, pad), 0.0)
    y = rng.normal(size=cols.shape)
    folded = _fold_array(y, (size, size + 1), (stride, stride), (pad, pad))
    assert folded.shape == x.shape
    assert np.isclose((cols * y).sum(), (x * folded).sum(), rtol=1e-12, atol=1e-12)


def test_unfold_gathers_the_windows_by_hand():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    cols = _unfold_array(x, (2, 2), (2, 2), (0, 0), 0.0)
    assert cols.shape == (1, 2, 2, 2, 2, 1)
    assert cols[0, 1, 0, :, :, 0].tolist() == [[8.0, 9.0], [12.0, 13.0]]
    padded = _unfold_array(x, (3, 3), (1, 1), (1, 1), -np.inf)
    assert padded[0, 0, 0, 0, :, 0].tolist() == [-np.inf] * 3


def test_unfold_and_fold_gradcheck():
    x = _rand(1, 2, 4, 5)
    assert gradcheck(lambda t: (Unfold.apply(t, (2, 3), (1, 2), (1, 1), 0.0) ** 2).sum(), [x])
    cols = _rand(1, 2, 2, 2, 2, 3, seed=1)
    assert gradcheck(lambda t: (Fold.apply(t, (3, 3), (2, 2), (1, 1)) ** 2).sum(), [cols])


def test_backward_of_unfold_on_a_tensor_records_fold_and_vice_versa():
    # In a recorded backward (create_graph) the grad arrives as a Tensor: the backward
    # must stay on the graph by calling the other Function, so it is differentiable again.
    from autograd.core.function import FunctionCtx

    ctx = FunctionCtx((True,))
    Unfold.forward(ctx, np.zeros((1, 1, 3, 3)), (2, 2), (1, 1), (0, 0), 0.0)
    g = _rand(1, 2, 2, 2, 2, 1)
    dx = Unfold.backward(ctx, g)[0]
    assert isinstance(dx, Tensor) and dx.op == "Fold" and dx.shape == (1, 1, 3, 3)
    ctx2 = FunctionCtx((True,))
    Fold.forward(ctx2, np.zeros((1, 2, 2, 2, 2, 1)), (3, 3), (1, 1), (0, 0))
    back = Fold.backward(ctx2, _rand(1, 1, 3, 3))[0]
    assert isinstance(back, Tensor) and back.op == "Unfold" and back.shape == (1, 2, 2, 2, 2, 1)
    ctx3 = FunctionCtx((True,))
    MaxPool.forward(ctx3, np.arange(16.0).reshape(1, 1, 4, 4), (2, 2), (2, 2), (0, 0))
    g = _rand(1, 1, 2, 2)
    dmax = MaxPool.backward(ctx3, g)[0]
    assert isinstance(dmax, Tensor) and dmax.op == "Fold" and dmax.shape == (1, 1, 4, 4)
    assert np.array_equal(dmax.data, MaxPool.backward(ctx3, g.data)[0])


def test_batch_norm_backward_on_tensors_matches_the_fast_path():
    # The recorded (Tensor) backward recomputes from the inputs with shared methods; on
    # ndarrays the same function must give the fast path's numbers.
    from autograd.core.function import FunctionCtx
    from nn.functional.normalization import BatchNormTrain, _batch_norm_grads

    rng = np.random.default_rng(0)
    x, w, b, g = (
        rng.normal(size=(4, 3, 2, 5)),
        rng.normal(size=3),
        rng.normal(size=3),
        rng.normal(size=(4, 3, 2, 5)),
    )
    ctx = FunctionCtx((True, True, True))
    BatchNormTrain.forward(ctx, x, w, b, 1e-5, [])
    fast = BatchNormTrain.backward(ctx, g)[:3]
    generic = _batch_norm_grads(x, w, g, 1e-5)
    assert all(
        np.allclose(a, c, rtol=1e-12, atol=1e-12) for a, c in zip(fast, generic, strict=True)
    )
    on_tensors = _batch_norm_grads(Tensor(x), Tensor(w), Tensor(g), 1e-5)
    assert all(
        np.allclose(a.data, c, rtol=1e-12, atol=1e-12)
        for a, c in zip(on_tensors, generic, strict=True)
    )
    # ... and is a graph of Tensor ops in x, weight and g (what a recorded backward needs).
    xt, wt, gt = (
        Tensor(x, requires_grad=True),
        Tensor(w, requires_grad=True),
        Tensor(g, requires_grad=True),
    )
    r = [Tensor(rng.normal(size=a.shape)) for a in generic]
    assert gradcheck(
        lambda *ins: sum(
            (
                (d * ri).sum()
                for d, ri in zip(_batch_norm_grads(ins[0], ins[1], ins[2], 1e-5), r, strict=True)
            ),
            Tensor(0.0),
        ),
        [xt, wt, gt],
    )


def _grad_norm(f, x_data: np.ndarray):
    """w -> |d f(x, w) / dx|^2: differentiating it checks f's second derivatives."""

    def h(*params: Tensor) -> Tensor:
        before = [p.grad for p in params]
        x = Tensor(x_data, requires_grad=True)
        with enable_grad():  # gradcheck's finite differences call h under no_grad()
            f(x, *params).backward(create_graph=True)
        for p, g in zip(params, before, strict=True):
            p.grad = g  # the inner backward's contribution is not part of h's gradient
        return (x.grad * x.grad).sum()  # type: ignore[operator]

    return h


def test_conv2d_and_pools_are_differentiable_twice():
    x = np.random.default_rng(0).normal(size=(1, 2, 4, 4))
    w, b = _rand(3, 2, 2, 2, seed=1), _rand(3, seed=2)
    assert gradcheck(
        _grad_norm(lambda x_, w_, b_: (F.conv2d(x_, w_, b_, padding=1) ** 3).sum(), x), [w, b]
    )
    scale = _rand(1, 2, 1, 1, seed=3)
    for pool in (F.max_pool2d, F.avg_pool2d):

        def cubed(x_, s_, pool=pool):
            return (pool(x_ * s_, 2) ** 3).sum()

        assert gradcheck(_grad_norm(cubed, x), [scale])


def test_batch_norm_is_differentiable_twice():
    x = np.random.default_rng(0).normal(size=(4, 3, 2, 2))
    bn = nn.BatchNorm2d(3)
    bn.weight.data[:] = [0.5, 2.0, -1.0]
    w = Tensor(np.random.default_rng(1).normal(size=x.shape))
    assert gradcheck(
        _grad_norm(lambda x_, g_, b_: (bn(x_) ** 3 * w).sum(), x), [bn.weight, bn.bias]
    )


# -- conv2d ---------------------------------------------------------------------------------


def test_conv2d_matches_a_hand_loop():
    x, w, b = _rand(2, 3, 6, 5), _rand(4, 3, 3, 2, seed=1), _rand(4, seed=2)
    out = F.conv2d(x, w, b, stride=2, padding=1).data
    xp = np.pad(x.data, ((0, 0), (0, 0), (1, 1), (1, 1)))
    oh, ow = (6 + 2 - 3) // 2 + 1, (5 + 2 - 2) // 2 + 1
    expected = np.empty((2, 4, oh, ow))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, :, 2 * i : 2 * i + 3, 2 * j : 2 * j + 2]
            expected[:, :, i, j] = np.einsum("nchw,ochw->no", patch, w.data) + b.data
    assert out.shape == expected.shape and np.allclose(out, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("stride,padding", [(1, 0), (2, 1), ((1, 2), (2, 0))])
def test_conv2d_gradcheck(stride, padding):
    x, w, b = _rand(2, 2, 5, 4), _rand(3, 2, 3, 2, seed=1), _rand(3, seed=2)
    assert gradcheck(
        lambda x_, w_, b_: (F.conv2d(x_, w_, b_, stride, padding) ** 2).sum(), [x, w, b]
    )


def test_conv2d_module_gradcheck_and_init_bounds():
    manual_seed(0)
    conv = nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 0))
    bound = 1 / np.sqrt(2 * 3 * 2)
    assert np.abs(conv.weight.data).max() <= bound and np.abs(conv.bias.data).max() <= bound
    assert np.abs(conv.weight.data).max() > 0.7 * bound  # uniform over the whole range
    x = _rand(2, 2, 5, 4)
    assert gradcheck(lambda t, *_: conv(t).tanh().sum(), [x, conv.weight, conv.bias])
    assert [n for n, _ in conv.named_parameters()] == ["weight", "bias"]
    assert nn.Conv2d(1, 1, 1, bias=False).bias is None


def test_conv2d_bad_input_names_both_shapes_and_leaves_module_unchanged():
    conv = nn.Conv2d(3, 2, 3)
    before = conv.state_dict()
    with pytest.raises(ValueError, match=r"\(2, 3, 3, 3\).*\(1, 2, 5, 5\)"):
        conv(Tensor(np.zeros((1, 2, 5, 5))))
    with pytest.raises(ValueError, match=r"\(1, 3, 5\)"):
        conv(Tensor(np.zeros((1, 3, 5))))
    with pytest.raises(ValueError, match="kernel size"):
        conv(Tensor(np.zeros((1, 3, 2, 2))))
    with pytest.raises(ValueError, match=r"\(1, 2, 5, 5\).*\(4, 3, 3, 3\)"):
        F.conv2d(Tensor(np.zeros((1, 2, 5, 5))), Tensor(np.zeros((4, 3, 3, 3))))
    with pytest.raises(ValueError, match=r"bias of shape \(3,\).*\(4, 3, 3, 3\)"):
        F.conv2d(
            Tensor(np.zeros((1, 3, 5, 5))), Tensor(np.zeros((4, 3, 3, 3))), Tensor(np.zeros(3))
        )
    with pytest.raises(ValueError, match="stride"):
        nn.Conv2d(1, 1, 3, stride=0)
    with pytest.raises(TypeError, match="kernel_size"):
        nn.Conv2d(1, 1, 2.5)  # type: ignore[arg-type]
    after = conv.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)


# -- pooling --------------------------------------------------------------------------------


def test_max_pool_by_hand_with_padding_and_first_max_gets_the_gradient():
    x = Tensor(np.array([[[[1.0, 1.0], [0.0, -1.0]]]]), requires_grad=True)
    y = F.max_pool2d(x, 2)
    assert y.data.ravel().tolist() == [1.0]
    y.sum().backward()
    assert x.grad.ravel().tolist() == [1.0, 0.0, 0.0, 0.0]  # ties: the first, as torch
    neg = Tensor(-np.ones((1, 1, 3, 3)))
    assert F.max_pool2d(neg, 3, stride=1, padding=1).data.max() == -1.0  # padding is -inf


def test_avg_pool_by_hand_counts_zero_padding():
    y = F.avg_pool2d(Tensor(np.ones((1, 1, 2, 2))), 2, stride=1, padding=1)
    assert y.data[0, 0].tolist() == [[0.25, 0.5, 0.25], [0.5, 1.0, 0.5], [0.25, 0.5, 0.25]]


@pytest.mark.parametrize("pool", [F.max_pool2d, F.avg_pool2d])
@pytest.mark.parametrize("kernel,stride,padding", [(2, None, 0), (3, 2, 1), ((2, 3), 1, (1, 1))])
def test_pool_gradcheck(pool, kernel, stride, padding):
    x = _rand(2, 2, 5, 6)
    assert gradcheck(lambda t: (pool(t, kernel, stride, padding) ** 2).sum(), [x])


def test_pool_modules_and_bad_input():
    x = _rand(1, 2, 4, 4)
    assert nn.MaxPool2d(2)(x).shape == (1, 2, 2, 2)
    assert nn.AvgPool2d(3, stride=1, padding=1)(x).shape == (1, 2, 4, 4)
    with pytest.raises(ValueError, match=r"4-d input.*\(2, 4, 4\)"):
        nn.MaxPool2d(2)(Tensor(np.zeros((2, 4, 4))))
    with pytest.raises(ValueError, match="half the kernel"):
        nn.MaxPool2d(2, padding=2)
    with pytest.raises(ValueError, match="kernel size"):
        nn.AvgPool2d(5)(x)


# -- batch norm -----------------------------------------------------------------------------


def test_batchnorm2d_training_uses_batch_statistics_and_updates_running_ones():
    bn = nn.BatchNorm2d(3, momentum=0.2)
    x = _rand(4, 3, 2, 5, grad=False)
    y = bn(x).data
    mean = x.data.mean(axis=(0, 2, 3))
    var = x.data.var(axis=(0, 2, 3))
    expected = (x.data - mean[:, None, None]) / np.sqrt(var[:, None, None] + 1e-5)
    assert np.allclose(y, expected, rtol=1e-12, atol=1e-12)
    n = 4 * 2 * 5
    assert np.allclose(bn.running_mean.data, 0.2 * mean, rtol=1e-12, atol=1e-12)
    assert np.allclose(
        bn.running_var.data,
        0.8 + 0.2 * var * n / (n - 1),  # unbiased
        rtol=1e-12,
        atol=1e-12,
    )
    assert int(bn.num_batches_tracked.data) == 1
    bn.eval()
    y_eval = bn(x).data
    rm, rv = bn.running_mean.data, bn.running_var.data
    assert np.allclose(
        y_eval,
        (x.data - rm[:, None, None]) / np.sqrt(rv[:, None, None] + 1e-5),
        rtol=1e-12,
        atol=1e-12,
    )
    assert int(bn.num_batches_tracked.data) == 1 and np.array_equal(bn.running_mean.data, rm)


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2)])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm1d_gradcheck(shape, training):
    bn = nn.BatchNorm1d(3)
    bn.weight.data[:] = [0.5, 2.0, -1.0]
    bn.bias.data[:] = [0.1, 0.0, 0.3]
    bn.running_mean.data[:] = [0.1, -0.2, 0.3]
    bn.running_var.data[:] = [0.5, 2.0, 1.5]
    bn.train(training)
    x = _rand(*shape)
    w = Tensor(np.random.default_rng(9).normal(size=shape))
    assert gradcheck(lambda t, *_: (bn(t) * w).sum(), [x, bn.weight, bn.bias])


def test_batchnorm2d_gradcheck():
    bn = nn.BatchNorm2d(2)
    x = _rand(3, 2, 2, 3)
    w = Tensor(np.random.default_rng(9).normal(size=x.shape))
    assert gradcheck(lambda t, *_: (bn(t) * w).sum(), [x, bn.weight, bn.bias])


def test_batchnorm_bad_input_leaves_the_module_unchanged():
    bn = nn.BatchNorm2d(3)
    before = bn.state_dict()
    with pytest.raises(ValueError, match=r"\(N, C, H, W\).*C=3.*\(2, 4, 5, 5\)"):
        bn(Tensor(np.zeros((2, 4, 5, 5))))
    with pytest.raises(ValueError, match=r"\(2, 3\)"):
        bn(Tensor(np.zeros((2, 3))))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        nn.BatchNorm1d(3)(Tensor(np.zeros((1, 3))))
    with pytest.raises(ValueError, match=r"running_mean of shape \(2,\).*\(4, 3\)"):
        F.batch_norm(Tensor(np.zeros((4, 3))), Tensor(np.zeros(2)), Tensor(np.ones(2)))
    after = bn.state_dict()
    assert list(after) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert all(np.array_equal(before[k], after[k]) for k in before)


def test_float32_stays_float32_through_every_layer_and_its_gradients():
    model = nn.Sequential(
        nn.Conv2d(2, 3, 3, padding=1),
        nn.BatchNorm2d(3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.AvgPool2d(2, stride=1),
        nn.Flatten(),
    )
    for p in model.parameters():
        p.data = p.data.astype(np.float32)
    x = Tensor(
        np.random.default_rng(0).normal(size=(4, 2, 6, 6)).astype(np.float32), requires_grad=True
    )
    y = model(x)
    assert y.dtype == np.float32 and y.shape == (4, 3 * 2 * 2)
    y.sum().backward()
    assert x.grad.dtype == np.float32
    assert all(p.grad is not None and p.grad.dtype == np.float32 for p in model.parameters())


def test_digits_sized_cnn_trains():
    manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(4 * 4 * 4, 2),
    )
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 1, 8, 8))
    y = (x[:, 0, :4].sum(axis=(1, 2)) > 0).astype(int)
    opt = nn.optim.Adam(model.parameters(), lr=0.05)
    first = None
    for _ in range(30):
        loss = F.cross_entropy(model(Tensor(x)), y)
        first = first if first is not None else loss.item()
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.item() < 0.3 * first


# -- against torch --------------------------------------------------------------------------


def _torch():
    torch = pytest.importorskip("torch")
    torch.set_num_threads(1)
    return torch


def _load_into_torch(torch, ours, theirs):
    sd = {k: torch.from_numpy(np.array(v)) for k, v in ours.state_dict().items()}
    theirs.double().load_state_dict(sd)


@pytest.mark.parametrize("channels", [3, 8])
@pytest.mark.parametrize(
    "stride,padding,bias", [(1, 0, True), (2, 1, False), ((2, 1), (0, 2), True)]
)
def test_conv2d_matches_torch_forward_backward_and_state_dict(stride, padding, bias, channels):
    torch = _torch()
    ours = nn.Conv2d(channels, 4, (3, 2), stride=stride, padding=padding, bias=bias)
    theirs = torch.nn.Conv2d(channels, 4, (3, 2), stride=stride, padding=padding, bias=bias)
    _load_into_torch(torch, ours, theirs)
    x = _rand(2, channels, 7, 6)
    tx = torch.tensor(x.data, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    assert np.allclose(y.data, ty.detach().numpy(), atol=1e-12)
    g = np.random.default_rng(3).normal(size=y.shape)
    (y * Tensor(g)).sum().backward()
    ty.backward(torch.from_numpy(g))
    assert np.allclose(x.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
    assert np.allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-10, atol=1e-12)
    if bias:
        assert np.allclose(ours.bias.grad, theirs.bias.grad.numpy(), rtol=1e-10, atol=1e-12)
    back = nn.Conv2d(channels, 4, (3, 2), stride=stride, padding=padding, bias=bias)
    back.load_state_dict({k: v.numpy() for k, v in theirs.state_dict().items()})
    assert np.array_equal(back.weight.data, ours.weight.data)


def test_conv2d_default_init_has_torchs_distribution():
    torch = _torch()
    torch.manual_seed(0)
    theirs = torch.nn.Conv2d(6, 8, 5)
    ours = nn.Conv2d(6, 8, 5)
    t_w, o_w = theirs.weight.detach().numpy(), ours.weight.data
    assert np.isclose(np.abs(t_w).max(), np.abs(o_w).max(), rtol=0.02)
    assert np.isclose(t_w.std(), o_w.std(), rtol=0.1)


@pytest.mark.parametrize(
    "kernel,stride,padding", [(2, None, 0), (3, 2, 1), ((2, 3), (1, 2), (1, 0))]
)
@pytest.mark.parametrize("channels", [3, 8])
def test_pools_match_torch(kernel, stride, padding, channels):
    torch = _torch()
    x = _rand(2, channels, 7, 6)
    for ours, theirs in (
        (F.max_pool2d, torch.nn.functional.max_pool2d),
        (F.avg_pool2d, torch.nn.functional.avg_pool2d),
    ):
        x.grad = None
        tx = torch.tensor(x.data, requires_grad=True)
        y, ty = ours(x, kernel, stride, padding), theirs(tx, kernel, stride, padding)
        assert np.allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
        g = np.random.default_rng(3).normal(size=y.shape)
        (y * Tensor(g)).sum().backward()
        ty.backward(torch.from_numpy(g))
        assert np.allclose(x.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_max_pool_ties_after_relu_send_the_gradient_where_torch_does():
    torch = _torch()
    x = Tensor(np.maximum(_rand(2, 2, 6, 6, grad=False).data, 0.0), requires_grad=True)
    tx = torch.tensor(x.data, requires_grad=True)
    F.max_pool2d(x, 2).sum().backward()
    torch.nn.functional.max_pool2d(tx, 2).sum().backward()
    assert np.array_equal(x.grad, tx.grad.numpy())


@pytest.mark.parametrize(
    "cls,shape",
    [("BatchNorm1d", (6, 3)), ("BatchNorm1d", (4, 3, 5)), ("BatchNorm2d", (4, 3, 5, 2))],
)
def test_batchnorm_matches_torch_over_train_and_eval_steps(cls, shape):
    torch = _torch()
    ours = getattr(nn, cls)(3, momentum=0.3)
    theirs = getattr(torch.nn, cls)(3, momentum=0.3).double()
    ours.weight.data[:] = [1.5, -0.5, 2.0]
    _load_into_torch(torch, ours, theirs)
    for step in range(3):
        x = _rand(*shape, seed=step)
        tx = torch.tensor(x.data, requires_grad=True)
        y, ty = ours(x), theirs(tx)
        assert np.allclose(y.data, ty.detach().numpy(), rtol=1e-10, atol=1e-12)
        g = np.random.default_rng(step).normal(size=shape)
        (y * Tensor(g)).sum().backward()
        ty.backward(torch.from_numpy(g))
        assert np.allclose(x.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-12)
        assert np.allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-10, atol=1e-12)
    for k, v in theirs.state_dict().items():
        assert np.allclose(ours.state_dict()[k], v.numpy(), rtol=1e-10, atol=1e-12), k
    ours.eval(), theirs.eval()
    x = _rand(*shape, seed=7)
    assert np.allclose(
        ours(x).data, theirs(torch.from_numpy(x.data)).detach().numpy(), rtol=1e-10, atol=1e-12
    )
    fresh = getattr(torch.nn, cls)(3).double()
    _load_into_torch(torch, ours, fresh)
    assert int(fresh.num_batches_tracked) == 3


@pytest.mark.parametrize("cls,shape", [("BatchNorm1d", (5, 3)), ("BatchNorm2d", (2, 3, 4, 4))])
def test_batchnorm_eval_uses_a_non_tiny_eps_as_torch(cls, shape):
    """With eps = 0.5 against running variances near 1, an eval mode that dropped eps (or
    added it outside the square root) would be off by far more than the tolerance."""
    torch = _torch()
    ours = getattr(nn, cls)(3, eps=0.5)
    theirs = getattr(torch.nn, cls)(3, eps=0.5).double()
    ours.weight.data[:] = [1.5, -0.5, 2.0]
    ours.running_var.data[:] = [0.25, 1.0, 4.0]
    ours.running_mean.data[:] = [0.1, -0.2, 0.3]
    _load_into_torch(torch, ours, theirs)
    ours.eval(), theirs.eval()
    x = _rand(*shape, seed=11)
    tx = torch.tensor(x.data, requires_grad=True)
    y, ty = ours(x), theirs(tx)
    np.testing.assert_allclose(y.data, ty.detach().numpy(), rtol=1e-12, atol=1e-14)
    g = np.random.default_rng(11).normal(size=shape)
    (y * Tensor(g)).sum().backward()
    ty.backward(torch.from_numpy(g))
    np.testing.assert_allclose(x.grad, tx.grad.numpy(), rtol=1e-12, atol=1e-14)
