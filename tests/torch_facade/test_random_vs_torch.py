"""PyTorch's CPU random numbers: the same seed gives PyTorch's numbers (integer and uniform
draws bit for bit, float32 normals within one ulp, float64 normals within 1e-15)."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed: the oracle for these tests")

import backproplab.torch as bt  # noqa: E402
import backproplab.torch.nn as bnn  # noqa: E402
from backproplab.torch.utils.data import DataLoader, RandomSampler, TensorDataset  # noqa: E402

SEEDS = [0, 1, 7, 42, 1337, 2147483647, 2**40 + 3]
SIZES = [1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 100, 1000]


def ulps(a: np.ndarray, b: np.ndarray) -> int:
    a = np.ascontiguousarray(a, np.float32).view(np.int32).astype(np.int64)
    b = np.ascontiguousarray(b, np.float32).view(np.int32).astype(np.int64)
    return int(np.abs(a - b).max()) if a.size else 0


def pair(seed):
    return bt.Generator().manual_seed(seed), torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
def test_rand_is_bit_for_bit(seed, n):
    g, tg = pair(seed)
    for dt, tdt in [(bt.float32, torch.float32), (bt.float64, torch.float64)]:
        assert np.array_equal(
            bt.rand(n, generator=g, dtype=dt).numpy(),
            torch.rand(n, generator=tg, dtype=tdt).numpy(),
        )


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n", SIZES)
def test_randn_within_one_ulp_float32_and_1e15_float64(seed, n):
    g, tg = pair(seed)
    for _ in range(2):  # the second call starts where the first left the stream
        a = bt.randn(n, generator=g).numpy()
        b = torch.randn(n, generator=tg).numpy()
        assert ulps(a, b) <= 1
        a = bt.randn(n, generator=g, dtype=bt.float64).numpy()
        b = torch.randn(n, generator=tg, dtype=torch.float64).numpy()
        np.testing.assert_allclose(a, b, rtol=1e-15, atol=0)


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_randn_shapes_and_global_generator(seed):
    bt.manual_seed(seed)
    torch.manual_seed(seed)
    for shape in [(3, 5), (4, 4), (2, 3, 7), (27, 10)]:
        assert ulps(bt.randn(*shape).numpy(), torch.randn(*shape).numpy()) <= 1
        assert np.array_equal(bt.rand(shape).numpy(), torch.rand(shape).numpy())


@pytest.mark.parametrize("seed", SEEDS)
def test_randint_randperm_are_bit_for_bit(seed):
    g, tg = pair(seed)
    for n in SIZES:
        assert np.array_equal(
            bt.randint(0, 27, (n,), generator=g).numpy(),
            torch.randint(0, 27, (n,), generator=tg).numpy(),
        )
        assert np.array_equal(
            bt.randint(-5, 2**33, (n,), generator=g).numpy(),
            torch.randint(-5, 2**33, (n,), generator=tg).numpy(),
        )
        assert np.array_equal(
            bt.randperm(n, generator=g).numpy(), torch.randperm(n, generator=tg).numpy()
        )
    assert bt.randint(10, (3,), generator=g).dtype == bt.int64


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("replacement", [True, False])
def test_multinomial_choices_are_pytorchs(seed, replacement):
    g, tg = pair(seed)
    for rows, k in [(1, 27), (3, 27), (5, 65)]:
        p = torch.rand(rows, k, generator=tg) ** 3
        q = bt.tensor(p.numpy())
        g.set_state(g.get_state())
        bt.rand(rows, k, generator=g)  # keep the streams together
        for num in (1, 3, 10):
            a = bt.multinomial(q, num, replacement=replacement, generator=g).numpy()
            b = torch.multinomial(p, num, replacement=replacement, generator=tg).numpy()
            assert np.array_equal(a, b), (rows, k, num)
        a = bt.multinomial(q[0], 2, replacement=replacement, generator=g).numpy()
        b = torch.multinomial(p[0], 2, replacement=replacement, generator=tg).numpy()
        assert np.array_equal(a, b)


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_normal_and_uniform_in_place(seed):
    g, tg = pair(seed)
    for n in (5, 16, 40):
        a = bt.empty(n).normal_(0.5, 0.02, generator=g).numpy()
        b = torch.empty(n).normal_(0.5, 0.02, generator=tg).numpy()
        assert ulps(a, b) <= 1
        a = bt.empty(n).uniform_(-0.3, 0.7, generator=g).numpy()
        b = torch.empty(n).uniform_(-0.3, 0.7, generator=tg).numpy()
        assert np.array_equal(a, b)


@pytest.mark.parametrize("seed", [0, 42, 1337])
def test_default_init_of_layers_is_pytorchs(seed):
    bt.manual_seed(seed)
    torch.manual_seed(seed)
    ours = [
        bnn.Linear(30, 200),
        bnn.Embedding(27, 10),
        bnn.Linear(7, 3, bias=False),
        bnn.LayerNorm(8),
        bnn.BatchNorm1d(5),
        bnn.Embedding(65, 32),
    ]
    theirs = [
        torch.nn.Linear(30, 200),
        torch.nn.Embedding(27, 10),
        torch.nn.Linear(7, 3, bias=False),
        torch.nn.LayerNorm(8),
        torch.nn.BatchNorm1d(5),
        torch.nn.Embedding(65, 32),
    ]
    for m, tm in zip(ours, theirs, strict=True):
        sd, tsd = m.state_dict(), tm.state_dict()
        assert list(sd) == list(tsd)
        for k in sd:
            assert str(sd[k].dtype) == str(tsd[k].dtype), k
            assert (
                ulps(sd[k].numpy(), tsd[k].numpy()) <= 1
                if sd[k].dtype == bt.float32
                else np.array_equal(sd[k].numpy(), tsd[k].numpy())
            )


@pytest.mark.parametrize("seed", [0, 3, 99])
def test_dataloader_batches_come_in_pytorchs_order(seed):
    ds = TensorDataset(bt.arange(23), bt.arange(23) * 2)
    tds = torch.utils.data.TensorDataset(torch.arange(23), torch.arange(23) * 2)
    bt.manual_seed(seed)
    torch.manual_seed(seed)
    for _ in range(2):  # two epochs: the loader and sampler draw new seeds each time
        ours = [x.tolist() for x, _ in DataLoader(ds, batch_size=5, shuffle=True)]
        theirs = [
            x.tolist() for x, _ in torch.utils.data.DataLoader(tds, batch_size=5, shuffle=True)
        ]
        assert ours == theirs
    g, tg = pair(seed)
    a = list(RandomSampler(range(10), replacement=True, num_samples=70, generator=g))
    b = list(
        torch.utils.data.RandomSampler(range(10), replacement=True, num_samples=70, generator=tg)
    )
    assert a == b
    a = list(RandomSampler(range(10), num_samples=25, generator=g))
    b = list(torch.utils.data.RandomSampler(range(10), num_samples=25, generator=tg))
    assert a == b


def ulps16(a: np.ndarray, b: np.ndarray) -> int:
    a = np.ascontiguousarray(a, np.float16).view(np.int16).astype(np.int64)
    b = np.ascontiguousarray(b, np.float16).view(np.int16).astype(np.int64)
    return int(np.abs(a - b).max()) if a.size else 0


@pytest.mark.parametrize("seed", SEEDS)
def test_random_like_functions_draw_what_pytorch_draws(seed):
    bt.manual_seed(seed)
    torch.manual_seed(seed)
    for shape in [(3,), (4, 5), (2, 3, 7)]:
        for dt, tdt in [(bt.float32, torch.float32), (bt.float64, torch.float64)]:
            x, tx = bt.zeros(shape, dtype=dt), torch.zeros(shape, dtype=tdt)
            a, b = bt.rand_like(x), torch.rand_like(tx)
            assert a.dtype == dt and np.array_equal(a.numpy(), b.numpy())
            a, b = bt.randn_like(x), torch.randn_like(tx)
            assert a.dtype == dt
            if dt == bt.float32:
                assert ulps(a.numpy(), b.numpy()) <= 1
            else:
                np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-15, atol=0)
            a, b = bt.randint_like(x, 10), torch.randint_like(tx, 10)  # whole floats, x's dtype
            assert a.dtype == dt and np.array_equal(a.numpy(), b.numpy())
        xi, txi = bt.zeros(shape, dtype=bt.int64), torch.zeros(shape, dtype=torch.int64)
        a, b = bt.randint_like(xi, -3, 4), torch.randint_like(txi, -3, 4)
        assert a.dtype == bt.int64 and np.array_equal(a.numpy(), b.numpy())
        a = bt.randn_like(xi, dtype=bt.float32)
        b = torch.randn_like(txi, dtype=torch.float32)
        assert ulps(a.numpy(), b.numpy()) <= 1


@pytest.mark.parametrize("seed", SEEDS)
def test_float16_draws_are_pytorchs(seed):
    g, tg = pair(seed)
    for n in SIZES:
        a = bt.rand(n, generator=g, dtype=bt.float16)
        b = torch.rand(n, generator=tg, dtype=torch.float16)
        assert a.dtype == bt.float16 and np.array_equal(a.numpy(), b.numpy())
        a = bt.randn(n, generator=g, dtype=bt.float16)
        b = torch.randn(n, generator=tg, dtype=torch.float16)
        assert a.dtype == bt.float16 and ulps16(a.numpy(), b.numpy()) <= 1
    for n in (5, 16, 40, 1000):
        a = bt.empty(n, dtype=bt.float16).uniform_(2.5, 3.1, generator=g).numpy()
        b = torch.empty(n, dtype=torch.float16).uniform_(2.5, 3.1, generator=tg).numpy()
        assert np.array_equal(a, b)  # (a draw rounding up to 3.1 is 2.5 in both)
        a = bt.empty(n, dtype=bt.float16).normal_(0.5, 0.02, generator=g).numpy()
        b = torch.empty(n, dtype=torch.float16).normal_(0.5, 0.02, generator=tg).numpy()
        assert ulps16(a, b) <= 1


@pytest.mark.parametrize(
    "draw",
    [
        lambda m, dt: m.rand(3, dtype=dt),
        lambda m, dt: m.randn(20, dtype=dt),
        lambda m, dt: m.zeros(5, dtype=dt).normal_(),
        lambda m, dt: m.zeros(5, dtype=dt).uniform_(),
        lambda m, dt: m.rand_like(m.zeros(4, dtype=dt)),
    ],
)
@pytest.mark.parametrize("name", ["int64", "int32", "bool"])
def test_random_floats_of_an_integer_or_bool_dtype_are_refused_as_in_pytorch(draw, name):
    bt.manual_seed(5)
    torch.manual_seed(5)
    with pytest.raises(RuntimeError):
        draw(torch, getattr(torch, name))
    with pytest.raises(RuntimeError, match="floating point dtype"):
        draw(bt, getattr(bt, name))
    # refused before drawing: the stream goes on where PyTorch's does
    assert np.array_equal(bt.rand(4).numpy(), torch.rand(4).numpy())


def test_normal_on_an_integer_tensor_leaves_it_as_it_was():
    x = bt.arange(5)
    with pytest.raises(RuntimeError, match="floating point dtype"):
        x.normal_()
    assert x.tolist() == [0, 1, 2, 3, 4]
