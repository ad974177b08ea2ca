"""In-place changes of Tensors and the version checks that keep them honest (API.md,
Tensor): same object, same array; refused on a tensor that requires grad outside
no_grad(); a backward that needs an older version raises and writes no .grad."""

import numpy as np
import pytest

import nn
from autograd import Tensor, detect_anomaly, grad, no_grad
from nn import init, optim


def _torch():
    return pytest.importorskip("torch")


INPLACE = [
    ("iadd", lambda t: t.__iadd__(np.array([1.0, 2.0])), lambda a: a + [1.0, 2.0]),
    ("isub", lambda t: t.__isub__(0.5), lambda a: a - 0.5),
    ("imul", lambda t: t.__imul__(Tensor([2.0, -1.0])), lambda a: a * [2.0, -1.0]),
    ("itruediv", lambda t: t.__itruediv__(4), lambda a: a / 4),
    ("add_", lambda t: t.add_(3.0), lambda a: a + 3.0),
    ("sub_", lambda t: t.sub_(Tensor([1.0, 1.0])), lambda a: a - 1.0),
    ("mul_", lambda t: t.mul_(0.0), lambda a: a * 0.0),
    ("div_", lambda t: t.div_(np.array([2.0, 8.0])), lambda a: a / [2.0, 8.0]),
    ("copy_", lambda t: t.copy_(Tensor([7.0, 8.0])), lambda a: np.array([7.0, 8.0])),
    ("fill_", lambda t: t.fill_(-1.5), lambda a: np.full(2, -1.5)),
    ("zero_", lambda t: t.zero_(), lambda a: np.zeros(2)),
    ("clamp_", lambda t: t.clamp_(-1.0, 1.0), lambda a: np.clip(a, -1.0, 1.0)),
    ("clamp_min", lambda t: t.clamp_(min=0.0), lambda a: np.maximum(a, 0.0)),
]


@pytest.mark.parametrize(("name", "apply", "expected"), INPLACE, ids=[c[0] for c in INPLACE])
def test_in_place_ops_change_the_tensor_itself_and_bump_its_version(name, apply, expected):
    start = np.array([3.0, -2.0])
    t = Tensor(start.copy())
    array = t.data
    out = apply(t)
    assert out is t and t.data is array  # same object, same array
    np.testing.assert_allclose(t.data, expected(start))
    assert t._version == 1


def test_a_manual_sgd_step_under_no_grad_updates_the_model():
    model = nn.Linear(3, 1)
    x = Tensor(np.ones((4, 3)))
    before = [p.data.copy() for p in model.parameters()]
    model(x).sum().backward()
    with no_grad():
        for p in model.parameters():
            p -= 0.1 * p.grad
    for p, b in zip(model.parameters(), before, strict=True):
        np.testing.assert_allclose(p.data, b - 0.1 * p.grad)
        assert p.requires_grad and p.op == ""


@pytest.mark.parametrize(("name", "apply", "expected"), INPLACE, ids=[c[0] for c in INPLACE])
def test_in_place_on_a_leaf_that_requires_grad_is_refused_outside_no_grad(name, apply, expected):
    t = Tensor([3.0, -2.0], requires_grad=True)
    with pytest.raises(
        RuntimeError,
        match="a leaf Variable that requires grad is being used in an in-place operation",
    ):
        apply(t)
    assert t.data.tolist() == [3.0, -2.0] and t._version == 0


def test_in_place_on_a_result_that_requires_grad_is_refused_and_names_the_op():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"add_.*'mul'.*no_grad"):
        y += 1
    assert y.data.tolist() == [2.0, 4.0]


def test_writing_a_value_that_requires_grad_into_a_plain_tensor_is_refused():
    buf = Tensor([0.0, 0.0])
    x = Tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="drop that value's graph"):
        buf += x
    with pytest.raises(RuntimeError, match="out of place"):
        buf[0] = x[0]
    assert buf.data.tolist() == [0.0, 0.0]
    with no_grad():
        buf += x  # no graph is recorded here: allowed
    assert buf.data.tolist() == [1.0, 2.0]


def test_setitem_and_item_augmented_assignment_follow_numpy():
    t = Tensor(np.arange(6.0).reshape(2, 3))
    array = t.data
    t[0] = 9.0
    t[1, 1:] += Tensor([10.0, 20.0])
    t[Tensor([0, 1], dtype="int64"), Tensor([0, 0], dtype="int64")] = -1.0
    t[t > 20] = 0.0
    assert t.data is array
    np.testing.assert_array_equal(t.data, [[-1.0, 9.0, 9.0], [-1.0, 14.0, 0.0]])
    assert t._version >= 4
    i = Tensor([1, 2, 3], dtype="int64")
    i[0] = 7
    i += 1
    assert i.data.tolist() == [8, 3, 4] and i.dtype == np.int64


def test_bad_in_place_changes_raise_and_leave_the_data_unchanged():
    i = Tensor([1, 2], dtype="int64")
    with pytest.raises(RuntimeError, match="cannot be written into this int64 tensor"):
        i += 0.5
    t = Tensor([1.0, 2.0])
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(2,\)"):
        t += np.ones(3)
    with pytest.raises(ValueError, match=r"shape \(2, 2\)"):
        t.copy_(np.ones((2, 2)))
    with pytest.raises(ValueError, match="at least one"):
        t.clamp_()
    with pytest.raises(TypeError, match="fill_"):
        t.fill_("x")
    ro = Tensor(np.broadcast_to(np.ones(1), (3,)))
    with pytest.raises(ValueError, match="read-only"):
        ro.add_(1.0)
    assert i.data.tolist() == [1, 2] and t.data.tolist() == [1.0, 2.0]
    assert i._version == t._version == ro._version == 0


# -- version checks -----------------------------------------------------------------------
def test_backward_after_an_optimizer_step_raises_and_writes_no_grad():
    torch = _torch()
    model = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    opt = optim.SGD(model.parameters(), lr=0.1)
    loss = (model(Tensor([[1.0, 2.0]])) ** 2).sum()
    loss.backward()
    grads = [p.grad.copy() for p in model.parameters()]
    opt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation.*'linear'.*SGD.step"):
        loss.backward()
    for p, g in zip(model.parameters(), grads, strict=True):
        np.testing.assert_array_equal(p.grad, g)  # nothing written
    # PyTorch raises for the same program.
    tmodel = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Tanh(), torch.nn.Linear(3, 1))
    topt = torch.optim.SGD(tmodel.parameters(), lr=0.1)
    tloss = (tmodel(torch.tensor([[1.0, 2.0]])) ** 2).sum()
    tloss.backward(retain_graph=True)
    topt.step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        tloss.backward()


def test_a_weight_read_for_nobody_s_gradient_may_change_as_in_torch():
    # One Linear on a constant input: its gradient reads the input, not the weight, so
    # PyTorch runs the second backward; so do we, and both accumulate the same gradient.
    torch = _torch()
    model = nn.Linear(2, 1)
    loss = model(Tensor([[1.0, 2.0]])).sum()
    loss.backward()
    first = model.weight.grad.copy()
    optim.SGD(model.parameters(), lr=0.1).step()
    loss.backward()
    np.testing.assert_array_equal(model.weight.grad, 2 * first)
    lin = torch.nn.Linear(2, 1)
    tloss = lin(torch.tensor([[1.0, 2.0]])).sum()
    tloss.backward(retain_graph=True)
    torch.optim.SGD(lin.parameters(), lr=0.1).step()
    tloss.backward()
    np.testing.assert_array_equal(lin.weight.grad.numpy(), 2 * first)


@pytest.mark.parametrize(
    "make",
    [
        lambda ps: optim.Adam(ps, lr=0.1),
        lambda ps: optim.AdamW(ps, lr=0.1),
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    ],
    ids=["Adam", "AdamW", "SGD-momentum"],
)
def test_every_optimizer_step_bumps_the_versions_of_what_it_changed(make):
    model = nn.Linear(2, 2)
    before = [p._version for p in model.parameters()]
    model(Tensor(np.ones((1, 2)))).sum().backward()
    make(model.parameters()).step()
    assert [p._version for p in model.parameters()] == [v + 1 for v in before]


def test_nn_init_bumps_the_version():
    w = nn.Parameter(np.zeros((3, 2)))
    y = (w * w).sum()
    for fn in (init.zeros_, init.ones_, init.xavier_uniform_, init.kaiming_normal_):
        fn(w)
    assert w._version == 4
    with pytest.raises(RuntimeError, match="nn.init"):
        y.backward()


def test_a_change_to_a_value_the_rule_does_not_read_is_allowed_as_in_torch():
    torch = _torch()
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([5.0, 5.0])
    y = (x + c).sum()  # add's gradient reads no values
    c.add_(1.0)
    y.backward()
    assert x.grad.tolist() == [1.0, 1.0]
    tx = torch.tensor([1.0, 2.0], requires_grad=True)
    tc = torch.tensor([5.0, 5.0])
    ty = (tx + tc).sum()
    tc.add_(1.0)
    ty.backward()
    assert tx.grad.tolist() == [1.0, 1.0]


def test_a_change_to_a_value_the_rule_reads_raises_as_in_torch():
    torch = _torch()
    for make in (lambda x, c: (x * c).sum(), lambda x, c: x @ c):
        x = Tensor([1.0, 2.0], requires_grad=True)
        c = Tensor([5.0, 5.0])
        y = make(x, c)
        c.mul_(2.0)
        with pytest.raises(RuntimeError, match="version 1"):
            y.backward()
        assert x.grad is None
        tx = torch.tensor([1.0, 2.0], requires_grad=True)
        tc = torch.tensor([5.0, 5.0])
        ty = make(tx, tc)
        tc.mul_(2.0)
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            ty.backward()


def test_a_saved_output_changed_in_place_is_detected():
    x = Tensor([0.5, 1.0], requires_grad=True)
    y = x.exp()  # exp's gradient reads its output
    with no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="output of 'exp'"):
        y.sum().backward()


def test_the_check_runs_in_every_kind_of_backward():
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([3.0, 4.0])
    y = (x * c).sum()
    c.add_(1.0)
    with pytest.raises(RuntimeError, match="inplace"):
        y.backward(create_graph=True)
    with detect_anomaly(), pytest.raises(RuntimeError, match="inplace"):
        y.backward()
    assert x.grad is None


def test_grad_transform_is_unaffected_by_earlier_in_place_changes():
    c = Tensor([1.0, 2.0])
    c.add_(1.0)
    assert grad(lambda x: (x * c).sum())(np.array([1.0, 1.0])).tolist() == [2.0, 3.0]


def test_writing_into_data_directly_is_the_escape_hatch():
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([3.0, 4.0])
    y = (x * c).sum()
    c.data[...] = [10.0, 20.0]  # not through the library: no version bump, as in PyTorch
    y.backward()
    assert x.grad.tolist() == [10.0, 20.0] and c._version == 0
