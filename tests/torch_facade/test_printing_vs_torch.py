"""``print(t)`` gives PyTorch's text, compared with the real torch for many shapes and dtypes."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed: the oracle for these tests")

import backproplab.torch as bt  # noqa: E402

ARRAYS = [
    np.array(3.14159, np.float32),
    np.array([1.0, 2.0, 3.0], np.float32),
    np.array([0.5, -1.25, 100.0], np.float32),
    np.array([1e-5, 1.0, 3.0], np.float32),
    np.array([1e9, 1.0], np.float32),
    np.array([0.0, 0.0], np.float32),
    np.array([np.inf, -np.inf, np.nan, 1.5], np.float32),
    np.array([1, -2, 300], np.int64),
    np.array([1, 2], np.int32),
    np.array([True, False]),
    np.arange(12, dtype=np.float64).reshape(3, 4) / 7,
    np.zeros((0, 3), np.float32),
    np.zeros(0, np.int64),
    np.random.default_rng(0).standard_normal((27, 27)).astype(np.float32),
    np.random.default_rng(1).standard_normal((40, 40, 3)).astype(np.float32),
    np.random.default_rng(2).integers(0, 100, (5, 30)),
    np.random.default_rng(3).standard_normal(2000).astype(np.float32),
    np.random.default_rng(4).standard_normal((2, 3, 4)).astype(np.float32) * 1e-3,
]


@pytest.mark.parametrize("k", range(len(ARRAYS)))
def test_print_matches_torch(k):
    a = ARRAYS[k]
    assert str(bt.tensor(a)) == str(torch.tensor(a))
    assert repr(bt.tensor(a).shape) == repr(torch.tensor(a).shape)


def test_print_of_graph_nodes_and_parameters_matches_torch():
    x, tx = (
        bt.tensor([[1.0, -2.0], [3.0, 4.5]], requires_grad=True),
        torch.tensor([[1.0, -2.0], [3.0, 4.5]], requires_grad=True),
    )
    assert str(x) == str(tx)
    for f in (
        lambda t: t * 2,
        lambda t: t + 1,
        lambda t: t.sum(),
        lambda t: t.mean(),
        lambda t: t.tanh(),
        lambda t: t.exp(),
        lambda t: t[0],
        lambda t: t[:, 1],
        lambda t: t[0, :1],
        lambda t: t.view(-1),
        lambda t: t.std(),
        lambda t: t.log10(),
        lambda t: t @ t,
        lambda t: t.clone(),
        lambda t: t.transpose(0, 1),
    ):
        assert str(f(x)) == str(f(tx))
    assert str(bt.nn.Parameter(bt.ones(2))) == str(torch.nn.Parameter(torch.ones(2)))
    assert str(x.max(dim=1)) == str(tx.max(dim=1))


def test_format_and_item_as_pytorch():
    loss, tloss = bt.tensor(2.345678), torch.tensor(2.345678)
    assert f"{loss.item():.4f}" == f"{tloss.item():.4f}"
    assert f"{loss:.3f}" == f"{tloss:.3f}"
    # the course prints with %: '%f' % t needs float(t)
    assert "%f %e" % (loss, loss) == "%f %e" % (tloss, tloss)  # noqa: UP031
    assert bt.tensor([3]).item() == 3 and isinstance(bt.tensor([3]).item(), int)


@pytest.mark.parametrize(
    "index",
    [
        0,
        (slice(1, None),),
        (None,),
        ([0, 2],),
        (slice(None), 0),
        (Ellipsis, None),
        (1, slice(0, 2)),
    ],
    ids=repr,
)
def test_an_indexing_nodes_grad_fn_is_named_as_pytorch_names_it(index):
    a = np.arange(12, dtype=np.float32).reshape(3, 4)
    ours = bt.tensor(a, requires_grad=True)[index]
    theirs = torch.tensor(a, requires_grad=True)[index]
    assert repr(ours.grad_fn).split()[0] == repr(theirs.grad_fn).split()[0]
    assert bt.tensor(a)[index].grad_fn is None


def test_layer_and_shape_nodes_print_pytorchs_grad_fn_names():
    import backproplab.torch.nn as bnn

    got = {}
    for m, nn in ((bt, bnn), (torch, torch.nn)):
        m.manual_seed(0)
        x = m.randn(4, 3, requires_grad=True)
        outs = [
            nn.LayerNorm(3)(x),
            nn.BatchNorm1d(3)(x),
            x.unsqueeze(0),
            x[None].squeeze(0),
            x[None].squeeze(),
            x.sum(),
        ]
        got[m] = [(repr(o), o.grad_fn.name()) for o in outs]
    assert got[bt] == got[torch]


def test_joins_of_mixed_dtypes_take_pytorchs_common_dtype():
    for ints, floats in [
        ((bt.int64, bt.int32), bt.float32),
        ((torch.int64, torch.int32), torch.float32),
    ]:
        m = bt if floats is bt.float32 else torch
        cases = [
            m.cat([m.tensor([1], dtype=ints[0]), m.tensor([2.5], dtype=floats)]),
            m.stack([m.tensor([1], dtype=ints[1]), m.tensor([2], dtype=ints[0])]),
            m.cat([m.tensor([True]), m.tensor([2], dtype=ints[1])]),
            m.cat([m.tensor([1.0], dtype=m.float64), m.tensor([2.0], dtype=floats)]),
            m.cat([m.tensor([1], dtype=ints[0]), m.tensor([2.0], dtype=m.float16)]),
        ]
        if m is bt:
            ours = [repr(c) for c in cases]
        else:
            assert ours == [repr(c) for c in cases]
    x = bt.tensor([1.0, 2.0], requires_grad=True)
    bt.cat([bt.tensor([7]), x]).sum().backward()  # the int joins the float's graph
    assert x.grad.tolist() == [1.0, 1.0]


def test_histogram_prints_as_pytorchs():
    for m in (bt, torch):
        h = m.histogram(m.tensor([1.0, 2.0, 1.0]), bins=2)
        if m is bt:
            ours = repr(h)
    assert ours == repr(h)


def test_module_reprs_match_pytorchs():
    import backproplab.torch.nn as bnn

    def models(nn):
        block = lambda: nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Dropout(0.2))  # noqa: E731
        return [
            nn.Sequential(*[block() for _ in range(3)]),  # every child printed
            nn.ModuleList([nn.Linear(2, 2) for _ in range(2)] + [nn.Tanh()]),  # a run of two
            nn.ModuleList([nn.LayerNorm(3)] + [nn.Embedding(5, 3) for _ in range(3)]),
            nn.Dropout(0.1),
            nn.LayerNorm(3, elementwise_affine=False),
            nn.LayerNorm((2, 3), bias=False),
        ]

    for ours, theirs in zip(models(bnn), models(torch.nn), strict=True):
        assert repr(ours) == repr(theirs)
