"""Sequence layers: Embedding, LayerNorm, RMSNorm, MultiheadAttention and their functional forms.

Gradients against finite differences (and second order when the engine records
backward passes), outputs and gradients against PyTorch where it is installed
(a state_dict from ours loaded into the torch module), causal masking, and bad
input leaving the module as it was.
"""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor, grad, gradcheck, gradgradcheck, manual_seed
from nn import functional as F

RNG = np.random.default_rng(0)


def t(*shape: int, grad: bool = True, scale: float = 1.0) -> Tensor:
    return Tensor(RNG.normal(size=shape) * scale, requires_grad=grad)


def snapshot(module: nn.Module) -> dict[str, np.ndarray]:
    return {k: v.copy() for k, v in module.state_dict().items()}


def assert_unchanged(module: nn.Module, before: dict[str, np.ndarray]) -> None:
    after = module.state_dict()
    assert list(after) == list(before)
    for k in before:
        np.testing.assert_array_equal(after[k], before[k])
    assert all(p.grad is None for p in module.parameters())


# -- functional forms: values against hand formulas -------------------------------------------
def test_embedding_picks_rows_and_repeated_indices_accumulate():
    w = t(4, 3)
    out = F.embedding(np.array([[1, 1], [3, 1]]), w)
    np.testing.assert_array_equal(out.data, w.data[[[1, 1], [3, 1]]])
    out.sum().backward()
    expected = np.zeros((4, 3))
    expected[1], expected[3] = 3.0, 1.0
    np.testing.assert_array_equal(w.grad, expected)


def test_embedding_padding_row_gets_no_gradient_but_is_still_looked_up():
    w = t(4, 2)
    out = F.embedding([0, 2, 2, 3], w, padding_idx=2)
    np.testing.assert_array_equal(out.data[1], w.data[2])
    out.sum().backward()
    np.testing.assert_array_equal(w.grad, [[1, 1], [0, 0], [0, 0], [1, 1]])


def test_layer_norm_matches_the_formula():
    x = RNG.normal(size=(3, 2, 5))
    w, b = RNG.normal(size=(2, 5)), RNG.normal(size=(2, 5))
    out = F.layer_norm(Tensor(x), (2, 5), Tensor(w), Tensor(b), eps=1e-3).data
    mu = x.mean(axis=(1, 2), keepdims=True)
    var = x.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(out, (x - mu) / np.sqrt(var + 1e-3) * w + b, rtol=1e-12)


def test_rms_norm_matches_the_formula_and_defaults_eps_to_machine_epsilon():
    x = RNG.normal(size=(4, 6))
    w = RNG.normal(size=6)
    out = F.rms_norm(Tensor(x), 6, Tensor(w)).data
    eps = np.finfo(np.float64).eps
    np.testing.assert_allclose(
        out, x / np.sqrt((x * x).mean(-1, keepdims=True) + eps) * w, rtol=1e-12
    )


def test_sdpa_matches_the_formula_with_a_float_mask():
    q, k, v = RNG.normal(size=(2, 3, 4)), RNG.normal(size=(2, 5, 4)), RNG.normal(size=(2, 5, 2))
    mask = RNG.normal(size=(3, 5))
    out = F.scaled_dot_product_attention(
        Tensor(q), Tensor(k), Tensor(v), attn_mask=mask, scale=0.3
    ).data
    s = q @ k.transpose(0, 2, 1) * 0.3 + mask
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
    np.testing.assert_allclose(out, p @ v, rtol=1e-12)


# -- gradients against finite differences ---------------------------------------------------
def test_gradcheck_embedding():
    w = t(5, 3)
    idx = np.array([[0, 4, 4], [2, 0, 1]])
    assert gradcheck(lambda w: (F.embedding(idx, w) ** 2).sum(), [w])
    # padding_idx=3 is unused here, so the masking must not change any gradient
    assert gradcheck(lambda w: (F.embedding(idx, w, padding_idx=3) ** 2).sum(), [w])


def test_gradcheck_layer_norm_input_weight_bias():
    x, w, b = t(2, 3, 4), t(3, 4), t(3, 4)
    c = RNG.normal(size=(2, 3, 4))
    assert gradcheck(lambda x, w, b: (F.layer_norm(x, (3, 4), w, b) * c).sum(), [x, w, b])


@pytest.mark.parametrize(
    ("shape", "normalized", "affine"),
    [
        ((2, 3, 4), (4,), True),
        ((2, 3, 4), (3, 4), True),
        ((3, 4), (3, 4), True),
        ((5, 3), 3, False),
    ],
)
def test_layer_norm_first_and_second_derivatives(shape, normalized, affine):
    """One node with a closed-form backward: checked against finite differences twice over,
    and against the composed formula (mean, variance, scale) in a recorded backward."""
    x = t(*shape)
    wshape = x.shape[x.ndim - len(np.atleast_1d(normalized)) :]
    w, b = (t(*wshape), t(*wshape)) if affine else (None, None)
    c = Tensor(RNG.normal(size=shape))
    inputs = [x, w, b] if affine else [x]

    def f(x, w=None, b=None):
        return (F.layer_norm(x, normalized, w, b) * c).tanh().sum()

    def composed(x, w=None, b=None):
        axes = tuple(range(x.ndim - len(wshape), x.ndim))
        centred = x - x.mean(axis=axes, keepdims=True)
        out = centred * ((centred * centred).mean(axis=axes, keepdims=True) + 1e-5) ** -0.5
        out = out * w + b if affine else out
        return (out * c).tanh().sum()

    assert gradcheck(f, inputs)
    assert gradgradcheck(f, inputs)
    every = tuple(range(len(inputs)))

    def second(fn):  # the gradient of (the sum of every first derivative)
        return grad(lambda *a: sum((d * d).sum() for d in grad(fn, every)(*a)), every)

    for got, expected in zip(second(f)(*inputs), second(composed)(*inputs), strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)


def test_gradcheck_rms_norm_input_weight():
    x, w = t(3, 5), t(5)
    c = RNG.normal(size=(3, 5))
    assert gradcheck(lambda x, w: (F.rms_norm(x, 5, w, eps=1e-5) * c).sum(), [x, w])


@pytest.mark.parametrize("causal", [False, True])
def test_gradcheck_sdpa(causal):
    q, k, v = t(2, 4, 3), t(2, 4, 3), t(2, 4, 2)
    c = RNG.normal(size=(2, 4, 2))
    assert gradcheck(
        lambda q, k, v: (F.scaled_dot_product_attention(q, k, v, is_causal=causal) * c).sum(),
        [q, k, v],
    )


def test_gradcheck_multihead_attention_parameters_and_inputs():
    manual_seed(1)
    mha = nn.MultiheadAttention(4, 2)
    for p in mha.parameters():  # non-zero biases so their gradients are checked too
        p.data[...] = RNG.normal(size=p.shape) * 0.5
    x, kv = t(2, 3, 4), t(2, 5, 4)
    c = RNG.normal(size=(2, 3, 4))
    params = list(mha.parameters())
    mask = RNG.normal(size=(3, 5))

    def f(x, kv, *_):
        out, w = mha(x, kv, kv, attn_mask=mask)
        return (out * c).sum() + (w * w).sum()

    assert gradcheck(f, [x, kv, *params])


def test_second_order_layers_hessian_vector_products_match_finite_differences():
    x = t(2, 3, 4)
    mha = nn.MultiheadAttention(4, 2)
    ln = nn.LayerNorm(4)
    rms = nn.RMSNorm(4)
    c = Tensor(RNG.normal(size=(2, 3, 4)))
    v = RNG.normal(size=x.shape)

    def f(x):
        h = rms(ln(x))
        return (mha(h, h, h, is_causal=True)[0] * c).sum()

    def grad_at(data):
        xx = Tensor(data, requires_grad=True)
        f(xx).backward()
        return xx.grad

    x.grad = None
    f(x).backward(create_graph=True)
    g = x.grad
    x.grad = None
    (g * Tensor(v)).sum().backward()
    hv = x.grad.data if isinstance(x.grad, Tensor) else x.grad
    eps = 1e-5
    numeric = (grad_at(x.data + eps * v) - grad_at(x.data - eps * v)) / (2 * eps)
    np.testing.assert_allclose(np.asarray(hv), np.asarray(numeric), rtol=1e-4, atol=1e-6)


# -- causal masking --------------------------------------------------------------------------
def test_causal_attention_never_sees_later_positions():
    manual_seed(2)
    mha = nn.MultiheadAttention(8, 4)
    x = RNG.normal(size=(2, 6, 8))
    y = x.copy()
    y[:, 3:] = RNG.normal(size=(2, 3, 8))  # change positions 3..5 only
    a, wa = mha(Tensor(x), Tensor(x), Tensor(x), is_causal=True)
    b, _ = mha(Tensor(y), Tensor(y), Tensor(y), is_causal=True)
    np.testing.assert_array_equal(a.data[:, :3], b.data[:, :3])
    assert not np.allclose(a.data[:, 3:], b.data[:, 3:], rtol=1e-5, atol=1e-8)
    assert np.all(np.triu(wa.data[0], k=1) == 0)
    # and no gradient flows from an early output to a later input
    xt = Tensor(x, requires_grad=True)
    out, _ = mha(xt, xt, xt, is_causal=True)
    out[:, 2].sum().backward()
    assert np.all(xt.grad[:, 3:] == 0) and np.any(xt.grad[:, :3] != 0)


def test_sdpa_causal_equals_the_boolean_lower_triangle():
    q, k, v = RNG.normal(size=(3, 5, 4)), RNG.normal(size=(3, 5, 4)), RNG.normal(size=(3, 5, 4))
    a = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), is_causal=True)
    tri = np.tril(np.ones((5, 5), dtype=bool))
    b = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), attn_mask=tri)
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_allclose(a.data[:, 0], v[:, 0])  # the first query sees only the first key


def test_mha_boolean_mask_is_true_for_blocked_positions_as_in_pytorch():
    mha = nn.MultiheadAttention(4, 1)
    x = Tensor(RNG.normal(size=(1, 3, 4)))
    blocked = ~np.tril(np.ones((3, 3), dtype=bool))
    a, wa = mha(x, x, x, attn_mask=blocked)
    b, wb = mha(x, x, x, is_causal=True)
    np.testing.assert_array_equal(a.data, b.data)
    np.testing.assert_array_equal(wa.data, wb.data)


# -- modules: names, shapes, init, options ----------------------------------------------------
def test_parameter_names_and_shapes_are_pytorchs():
    assert [(n, p.shape) for n, p in nn.Embedding(7, 3).named_parameters()] == [("weight", (7, 3))]
    assert [(n, p.shape) for n, p in nn.LayerNorm((2, 3)).named_parameters()] == [
        ("weight", (2, 3)),
        ("bias", (2, 3)),
    ]
    assert [n for n, _ in nn.LayerNorm(3, bias=False).named_parameters()] == ["weight"]
    assert list(nn.LayerNorm(3, elementwise_affine=False).named_parameters()) == []
    assert [(n, p.shape) for n, p in nn.RMSNorm(5).named_parameters()] == [("weight", (5,))]
    assert [(n, p.shape) for n, p in nn.MultiheadAttention(6, 3).named_parameters()] == [
        ("in_proj_weight", (18, 6)),
        ("in_proj_bias", (18,)),
        ("out_proj.weight", (6, 6)),
        ("out_proj.bias", (6,)),
    ]
    assert [n for n, _ in nn.MultiheadAttention(6, 3, bias=False).named_parameters()] == [
        "in_proj_weight",
        "out_proj.weight",
    ]


def test_default_init():
    manual_seed(0)
    w = nn.Embedding(2000, 50, padding_idx=3).weight.data
    assert abs(w.mean()) < 0.01 and abs(w.std() - 1) < 0.01 and np.all(w[3] == 0)
    ln = nn.LayerNorm(4)
    assert np.all(ln.weight.data == 1) and np.all(ln.bias.data == 0)
    mha = nn.MultiheadAttention(64, 4)
    bound = np.sqrt(6 / (64 + 192))  # xavier_uniform on (3E, E)
    assert np.abs(mha.in_proj_weight.data).max() <= bound
    assert np.abs(mha.in_proj_weight.data).max() > 0.9 * bound
    assert np.all(mha.in_proj_bias.data == 0) and np.all(mha.out_proj.bias.data == 0)
    assert np.abs(mha.out_proj.weight.data).max() <= 1 / 8  # Linear's 1/sqrt(in_features)


def test_mha_layouts_agree_batch_first_seq_first_and_unbatched():
    manual_seed(3)
    a = nn.MultiheadAttention(4, 2, batch_first=True)
    b = nn.MultiheadAttention(4, 2, batch_first=False)
    b.load_state_dict(a.state_dict())
    x = RNG.normal(size=(2, 3, 4))
    out_a, w_a = a(x, x, x)
    out_b, w_b = b(x.transpose(1, 0, 2), x.transpose(1, 0, 2), x.transpose(1, 0, 2))
    np.testing.assert_allclose(out_b.data.transpose(1, 0, 2), out_a.data, rtol=1e-12)
    np.testing.assert_allclose(w_b.data, w_a.data, rtol=1e-12)
    out_u, w_u = a(x[1], x[1], x[1], need_weights=True)
    np.testing.assert_allclose(out_u.data, out_a.data[1], rtol=1e-12)
    assert w_u.shape == (3, 3)
    assert a(x, x, x, need_weights=False)[1] is None


def test_reprs():
    assert repr(nn.Embedding(10, 3)) == "Embedding(10, 3)"
    assert repr(nn.LayerNorm(4)) == "LayerNorm((4,), eps=1e-05, elementwise_affine=True)"
    assert repr(nn.RMSNorm([2, 3])) == "RMSNorm((2, 3), eps=None, elementwise_affine=True)"
    assert "MultiheadAttention(" in repr(nn.MultiheadAttention(4, 2))


# -- bad input -------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [[0, 5], [-1, 0], [[1, 2], [7, 0]]])
def test_embedding_refuses_indices_out_of_range_and_stays_unchanged(bad):
    emb = nn.Embedding(5, 2)
    before = snapshot(emb)
    with pytest.raises(IndexError, match=r"out of range.*input shape .*weight shape \(5, 2\)"):
        emb(bad)
    with pytest.raises(ValueError):  # also a ValueError, the project's bad-input error
        F.embedding(bad, emb.weight)
    assert_unchanged(emb, before)


def test_embedding_refuses_non_integer_indices():
    emb = nn.Embedding(5, 2)
    before = snapshot(emb)
    with pytest.raises(TypeError, match="integers"):
        emb(np.array([0.5, 1.0]))
    with pytest.raises(TypeError, match="integers"):
        emb(np.array([True, False]))
    assert_unchanged(emb, before)
    np.testing.assert_array_equal(emb(Tensor([1.0, 2.0])).data, emb.weight.data[[1, 2]])


@pytest.mark.parametrize("args", [(0, 3), (3, 0), (3, 2.5)])
def test_embedding_refuses_bad_sizes(args):
    with pytest.raises(ValueError):
        nn.Embedding(*args)
    with pytest.raises(ValueError, match="padding_idx"):
        nn.Embedding(3, 2, padding_idx=3)


def test_norms_refuse_a_mismatched_trailing_shape_naming_both():
    for layer in (nn.LayerNorm((2, 3)), nn.RMSNorm((2, 3))):
        before = snapshot(layer)
        with pytest.raises(ValueError, match=r"\(4, 3, 2\).*\(2, 3\)"):
            layer(Tensor(np.ones((4, 3, 2))))
        with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)"):
            layer(Tensor(np.ones(3)))
        assert_unchanged(layer, before)
    with pytest.raises(ValueError, match="normalized_shape"):
        nn.LayerNorm(0)
    with pytest.raises(ValueError, match=r"weight of shape \(4,\).*\(3,\)"):
        F.layer_norm(Tensor(np.ones((2, 3))), 3, Tensor(np.ones(4)))


def test_mha_refuses_bad_shapes_and_masks_naming_them():
    mha = nn.MultiheadAttention(4, 2)
    before = snapshot(mha)
    x = Tensor(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match=r"\(2, 3, 5\).*embed_dim=4"):
        mha(Tensor(np.ones((2, 3, 5))), x, x)
    with pytest.raises(
        ValueError,
        match=r"key of shape \(2, 3, 4\) and value of shape "
        r"\(2, 2, 4\)",
    ):
        mha(x, x, Tensor(np.ones((2, 2, 4))))
    with pytest.raises(ValueError, match=r"3-D .*2-D"):
        mha(x, Tensor(np.ones((3, 4))), Tensor(np.ones((3, 4))))
    with pytest.raises(ValueError, match="batch sizes"):
        mha(x, Tensor(np.ones((1, 3, 4))), Tensor(np.ones((1, 3, 4))))
    with pytest.raises(ValueError, match=r"attn_mask of shape \(2, 2\) must be \(3, 3\)"):
        mha(x, x, x, attn_mask=np.zeros((2, 2), dtype=bool))
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(5, 2)
    assert_unchanged(mha, before)


def test_sdpa_refuses_mismatched_shapes_and_mask_with_is_causal():
    q = Tensor(np.ones((2, 3, 4)))
    with pytest.raises(ValueError, match=r"\(2, 3, 4\).*\(2, 3, 5\)"):
        F.scaled_dot_product_attention(q, Tensor(np.ones((2, 3, 5))), q)
    with pytest.raises(ValueError, match=r"key of shape \(2, 3, 4\) and value of shape"):
        F.scaled_dot_product_attention(q, q, Tensor(np.ones((2, 2, 4))))
    with pytest.raises(ValueError, match="attn_mask of shape"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((4, 4), dtype=bool))
    with pytest.raises(ValueError, match="not both"):
        F.scaled_dot_product_attention(
            q, q, q, attn_mask=np.ones((3, 3), dtype=bool), is_causal=True
        )


# -- against PyTorch -------------------------------------------------------------------------
def _torch():
    return pytest.importorskip("torch")


def _load_into_torch(ours: nn.Module, theirs):
    torch = _torch()
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    return theirs


def test_torch_embedding_state_dict_round_trip_and_gradients():
    torch = _torch()
    ours = nn.Embedding(6, 4, padding_idx=2)
    theirs = _load_into_torch(ours, torch.nn.Embedding(6, 4, padding_idx=2).double())
    idx = np.array([[0, 2, 5], [2, 2, 1]])
    c = RNG.normal(size=(2, 3, 4))
    out = ours(idx)
    (out * Tensor(c)).sum().backward()
    ref = theirs(torch.from_numpy(idx))
    (ref * torch.from_numpy(c)).sum().backward()
    np.testing.assert_array_equal(out.data, ref.detach().numpy())
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-12)
    ours2 = nn.Embedding(6, 4)
    ours2.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    np.testing.assert_array_equal(ours2.weight.data, ours.weight.data)


@pytest.mark.parametrize("kind", ["layer", "rms", "rms_eps"])
def test_torch_norms_forward_and_backward(kind):
    torch = _torch()
    shape = (3, 4)
    if kind == "layer":
        ours = nn.LayerNorm(shape)
        theirs = torch.nn.LayerNorm(shape).double()
    else:
        eps = 1e-5 if kind == "rms_eps" else None
        ours, theirs = nn.RMSNorm(shape, eps=eps), torch.nn.RMSNorm(shape, eps=eps).double()
    for p in ours.parameters():
        p.data[...] = RNG.normal(size=p.shape)
    _load_into_torch(ours, theirs)
    x = RNG.normal(size=(2, 3, 4)) * 3
    c = RNG.normal(size=x.shape)
    xo, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(xo), theirs(xt)
    (out * Tensor(c)).sum().backward()
    (ref * torch.from_numpy(c)).sum().backward()
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(xo.grad, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    for (name, p), (tname, tp) in zip(
        ours.named_parameters(), theirs.named_parameters(), strict=True
    ):
        assert name == tname
        np.testing.assert_allclose(p.grad, tp.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mask", [None, "causal", "bool", "float", "bool3d"])
@pytest.mark.parametrize("batch_first", [True, False])
def test_torch_multihead_attention_forward_backward_and_weights(mask, batch_first):
    torch = _torch()
    e, h, n, L, S = 8, 2, 3, 4, 5
    ours = nn.MultiheadAttention(e, h, batch_first=batch_first)
    for p in ours.parameters():
        p.data[...] = RNG.normal(size=p.shape) * 0.4
    theirs = _load_into_torch(
        ours, torch.nn.MultiheadAttention(e, h, batch_first=batch_first).double()
    )
    src = S if mask != "causal" else L
    shape_q = (n, L, e) if batch_first else (L, n, e)
    shape_k = (n, src, e) if batch_first else (src, n, e)
    q, k, v = RNG.normal(size=shape_q), RNG.normal(size=shape_k), RNG.normal(size=shape_k)
    if mask == "causal":
        k = v = q
    m = None
    if mask == "bool":
        m = RNG.random((L, S)) < 0.3
        m[:, 0] = False
    elif mask == "float":
        m = RNG.normal(size=(L, S))
    elif mask == "bool3d":
        m = RNG.random((n * h, L, S)) < 0.3
        m[..., 0] = False
    ins = [Tensor(a, requires_grad=True) for a in (q, k, v)]
    if mask == "causal":
        ins = [ins[0]] * 3
    tins = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    if mask == "causal":
        tins = [tins[0]] * 3
    c = RNG.normal(size=shape_q)
    if mask == "causal":
        out, w = ours(*ins, is_causal=True)
        tm = torch.nn.Transformer.generate_square_subsequent_mask(L, dtype=torch.float64)
        ref, rw = theirs(*tins, attn_mask=tm, is_causal=True)
    else:
        out, w = ours(*ins, attn_mask=m)
        ref, rw = theirs(*tins, attn_mask=None if m is None else torch.from_numpy(m))
    ((out * Tensor(c)).sum() + (w * w).sum()).backward()
    ((ref * torch.from_numpy(c)).sum() + (rw * rw).sum()).backward()
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w.data, rw.detach().numpy(), rtol=1e-10, atol=1e-12)
    for a, b in zip(ins, tins, strict=True):
        np.testing.assert_allclose(a.grad, b.grad.numpy(), rtol=1e-9, atol=1e-12)
    tgrads = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad, tgrads[name].grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mask", [None, "causal", "bool", "float"])
def test_torch_scaled_dot_product_attention(mask):
    torch = _torch()
    q, k, v = (
        RNG.normal(size=(2, 3, 4, 8)),
        RNG.normal(size=(2, 3, 4, 8)),
        RNG.normal(size=(2, 3, 4, 5)),
    )
    m = None
    if mask == "bool":
        m = RNG.random((4, 4)) < 0.6
        m[:, 0] = True
    elif mask == "float":
        m = RNG.normal(size=(3, 4, 4))
    kw = {"is_causal": mask == "causal", "scale": 0.7}
    out = F.scaled_dot_product_attention(Tensor(q), Tensor(k), Tensor(v), attn_mask=m, **kw)
    ref = torch.nn.functional.scaled_dot_product_attention(
        *(torch.from_numpy(a) for a in (q, k, v)),
        attn_mask=None if m is None else torch.from_numpy(m),
        **kw,
    )
    np.testing.assert_allclose(out.data, ref.numpy(), rtol=1e-10, atol=1e-12)


def test_torch_functional_forms_agree():
    torch = _torch()
    x = RNG.normal(size=(2, 5))
    w = RNG.normal(size=5)
    tf = torch.nn.functional
    np.testing.assert_allclose(
        F.layer_norm(Tensor(x), (5,), Tensor(w), Tensor(w)).data,
        tf.layer_norm(torch.from_numpy(x), (5,), torch.from_numpy(w), torch.from_numpy(w)),
        rtol=1e-10,
    )
    np.testing.assert_allclose(
        F.rms_norm(Tensor(x), (5,), Tensor(w)).data,
        tf.rms_norm(torch.from_numpy(x), (5,), torch.from_numpy(w)),
        rtol=1e-10,
    )
    table = RNG.normal(size=(7, 3))
    idx = np.array([[6, 0], [1, 1]])
    np.testing.assert_array_equal(
        F.embedding(idx, Tensor(table)).data,
        tf.embedding(torch.from_numpy(idx), torch.from_numpy(table)),
    )


# -- properties on drawn inputs ----------------------------------------------------------------
from hypothesis import assume, given, settings  # noqa: E402

from autograd.testing import arrays  # noqa: E402


@settings(max_examples=30, deadline=None)
@given(arrays((3, 6), min_value=-5, max_value=5))
def test_property_layer_norm_rows_have_mean_zero_and_unit_variance(x):
    var = x.var(axis=-1)
    assume(var.min() > 1e-2)
    y = F.layer_norm(Tensor(x), 6, eps=1e-5).data
    np.testing.assert_allclose(y.mean(axis=-1), 0, atol=1e-9)
    np.testing.assert_allclose(y.var(axis=-1), var / (var + 1e-5), rtol=1e-9)


@settings(max_examples=20, deadline=None)
@given(arrays((2, 5), min_value=-3, max_value=3), arrays(5, min_value=-2, max_value=2))
def test_property_rms_norm_gradcheck(x, w):
    assume((x * x).mean(axis=-1).min() > 1e-2)
    xt, wt = Tensor(x, requires_grad=True), Tensor(w, requires_grad=True)
    c = np.linspace(-1, 1, 10).reshape(2, 5)
    assert gradcheck(lambda a, b: (F.rms_norm(a, 5, b, eps=1e-6) * c).sum(), [xt, wt])


@settings(max_examples=30, deadline=None)
@given(arrays((2, 4, 3), min_value=-4, max_value=4), arrays((2, 4, 3), min_value=-4, max_value=4))
def test_property_causal_weights_are_distributions_over_earlier_positions(q, k):
    from nn.functional.attention import attention_weights

    w = attention_weights(Tensor(q), Tensor(k), is_causal=True).data
    np.testing.assert_allclose(w.sum(axis=-1), 1.0, rtol=1e-12)
    assert np.all(np.triu(np.ones((4, 4)), k=1)[None] * w == 0)
    assert np.all(w >= 0)
