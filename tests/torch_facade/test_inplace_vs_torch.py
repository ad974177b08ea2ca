"""In-place ops and the engine ops the facade maps onto (index_put, cumsum, casts,
comparisons), values and gradients against PyTorch's."""

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is not installed: the oracle for these tests")

import backproplab.torch as bt  # noqa: E402

X = np.random.default_rng(3).standard_normal((3, 4))


def _both(program):
    """Run ``program(m, x)`` on PyTorch and on the facade (float64); loss and x.grad."""
    out = []
    for m in (torch, bt):
        x = m.tensor(X, dtype=m.float64, requires_grad=True)
        loss = program(m, x)
        loss.backward()
        out.append((loss.item(), x.grad.numpy().copy()))
    return out


def _setitem_tensor(m, x):
    y = x * 2
    y[1, 1:3] = x[0, :2] ** 2  # a value that requires grad, written into a node
    return (y * y).sum()


def _iadd_chain(m, x):
    y = x * x
    y += x.exp()
    y *= 2
    return y.sum()


def _overwrites(m, x):
    a = x * 1.5
    a.clamp_(-0.5, 0.5)
    b = x * 2
    b.zero_()
    c = x + 1
    c.fill_(2.0)
    d = x * 0.0
    d.copy_(x[0] * 4)
    e = x * 3
    e.masked_fill_(x > 0, 0.0)
    return (a * x).sum() + (b + c).sum() + (d * x).sum() + (e * e).sum()


def _into_plain_tensor(m, x):
    z = m.zeros(3, 4, dtype=m.float64)
    z[1:, 1] += x[1:, 0]  # into a plain tensor's part: z enters the graph
    z[0] = x[2]
    z[2] = x[0] * 3
    return (z * z).sum()


def _cumsum_and_casts(m, x):
    c = x.cumsum(1).float().double()
    return (c * c).sum() + (x > 0).double().sum() * x.sum()


@pytest.mark.parametrize(
    "program", [_setitem_tensor, _iadd_chain, _overwrites, _into_plain_tensor, _cumsum_and_casts]
)
def test_values_and_gradients_match_pytorch(program):
    (theirs, gtheirs), (ours, gours) = _both(program)
    assert ours == pytest.approx(theirs, rel=1e-6)
    np.testing.assert_allclose(gours, gtheirs, rtol=1e-6, atol=1e-12)


def test_a_backward_through_values_changed_since_raises():
    for m in (torch, bt):
        x = m.ones(3, requires_grad=True)
        y = x * 2
        w = y.exp()  # exp keeps its output, changed below
        w.mul_(2)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            w.sum().backward()


def test_an_op_recorded_before_its_input_was_changed_in_the_graph_refuses():
    # PyTorch (whose in-place ops act on views of one storage) computes these; the
    # facade, whose y becomes a new node, refuses them rather than send z's gradient to
    # the wrong node
    x = bt.ones(3, requires_grad=True)
    y = x * 2
    z = y + 1
    y += 1
    with pytest.raises(RuntimeError, match="changed by 'add_' afterwards"):
        z.sum().backward()
    t = bt.zeros(3, 4)
    t[0] = x[0]  # t is in the graph now
    t[:, 1] += 1.0  # reads t[:, 1] (recorded), then writes it back into t
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        t.sum().backward()
    (y * 1.0).sum().backward()  # a use made after the change is fine
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_results_comparisons_and_indices_are_facade_tensors():
    x = bt.tensor([[1.0, -2.0], [3.0, 0.5]], requires_grad=True)
    for out in (
        x * 2,
        2 - x,
        x > 0,
        x.argmax(1),
        x.max(1).indices,
        x.float(),
        x.long(),
        bt.where(x > 0, x, 0.0),
        x.cumsum(0),
        x.max(),
    ):
        assert type(out) is bt.Tensor, out
    assert (x > 0).dtype == bt.bool and x.argmax(1).dtype == bt.int64
    assert x.long().tolist() == [[1, -2], [3, 0]]
