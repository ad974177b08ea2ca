"""Module buffers (register_buffer, buffers, named_buffers) and ModuleList / ModuleDict."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import nn
from autograd import Tensor


class Counter(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.Parameter([2.0])
        self.register_buffer("total", np.zeros(2))
        self.register_buffer("scratch", np.ones(3), persistent=False)
        self.register_buffer("count", np.array(0, dtype=np.int64))

    def forward(self, x: Tensor) -> Tensor:
        self.total.data += x.data.sum(axis=0)
        self.count.data += 1
        return x * self.scale


def test_buffers_are_listed_named_and_not_parameters():
    m = nn.Sequential(nn.Linear(2, 2), Counter())
    assert [n for n, _ in m.named_buffers()] == ["1.total", "1.scratch", "1.count"]
    assert len(list(m.buffers())) == 3 and m.num_parameters() == 2 * 2 + 2 + 1
    assert all(not b.requires_grad for b in m.buffers())
    assert [n for n, _ in m[1].named_buffers(prefix="c", recurse=False)] == [
        "c.total",
        "c.scratch",
        "c.count",
    ]
    assert m[1].count.data.dtype == np.int64


def test_persistent_buffers_are_in_state_dict_after_the_parameters():
    m = nn.Sequential(Counter(), nn.Linear(2, 1))
    assert list(m.state_dict()) == ["0.scale", "0.total", "0.count", "1.weight", "1.bias"]
    sd = m.state_dict()
    m(Tensor([[1.0, 2.0]]))
    assert sd["0.total"].tolist() == [0.0, 0.0]  # a copy
    assert m.state_dict()["0.total"].tolist() == [1.0, 2.0]


def test_load_state_dict_restores_buffers_and_checks_them_first():
    a, b = Counter(), Counter()
    a(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    b.load_state_dict(a.state_dict())
    assert b.total.data.tolist() == [4.0, 6.0] and int(b.count.data) == 1
    bad = a.state_dict()
    bad["total"] = np.zeros(3)
    bad["scale"] = np.array([9.0])
    c = Counter()
    with pytest.raises(
        nn.StateDictError,
        match=r"total: shape \(3,\) does not match the "
        r"buffer's shape \(2,\)",
    ):
        c.load_state_dict(bad)
    assert c.scale.data.tolist() == [2.0] and c.total.data.tolist() == [0.0, 0.0]
    with pytest.raises(nn.StateDictError, match="missing keys: count"):
        c.load_state_dict({"scale": [1.0], "total": [0.0, 0.0]})
    assert c.scale.data.tolist() == [2.0]


def test_buffers_go_through_save_and_load(tmp_path):
    a = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    a(Tensor(np.random.default_rng(0).normal(size=(4, 1, 5, 5))))
    path = tmp_path / "model.npz"
    nn.save(a, path)
    b = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2))
    nn.load(b, path)
    for k, v in a.state_dict().items():
        assert np.array_equal(b.state_dict()[k], v) and b.state_dict()[k].dtype == v.dtype, k
    assert int(b[1].num_batches_tracked.data) == 1
    wrong = nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(3))
    before = wrong.state_dict()
    with pytest.raises(ValueError):
        nn.load(wrong, path)
    assert all(np.array_equal(before[k], v) for k, v in wrong.state_dict().items())


def test_assigning_to_a_buffer_name_replaces_the_buffer():
    m = Counter()
    m.total = Tensor([5.0, 6.0])
    assert m.state_dict()["total"].tolist() == [5.0, 6.0]
    m.total = None
    assert "total" not in m.state_dict()
    assert [n for n, _ in m.named_buffers()] == ["scratch", "count"]
    with pytest.raises(TypeError, match="buffer 'total'"):
        m.total = "abc"
    del m.count
    assert [n for n, _ in m.named_buffers()] == ["scratch"]


def test_register_buffer_refuses_bad_names_and_values():
    m = nn.Linear(1, 1)
    with pytest.raises(KeyError, match="'.'"):
        m.register_buffer("a.b", np.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("weight", np.zeros(1))
    m.note = "plain attribute"
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("note", np.zeros(1))
    with pytest.raises(KeyError, match="already exists"):
        m.register_buffer("forward", np.zeros(1))
    with pytest.raises(TypeError, match="register_parameter"):
        m.register_buffer("p", nn.Parameter([1.0]))
    with pytest.raises(TypeError, match="Tensor, an ndarray or None"):
        m.register_buffer("q", [1.0])  # type: ignore[arg-type]
    assert list(m.state_dict()) == ["weight", "bias"]


def test_deepcopy_copies_buffers():
    a = Counter()
    b = copy.deepcopy(a)
    b(Tensor([[1.0, 1.0]]))
    assert a.total.data.tolist() == [0.0, 0.0] and b.total.data.tolist() == [1.0, 1.0]


def test_interpolate_keeps_working_with_buffers():
    a = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    b = copy.deepcopy(a)
    for p in b.parameters():
        p.data += 1.0
    mid = nn.interpolate(a, b, 0.5)
    assert np.allclose(mid[0].weight.data, a[0].weight.data + 0.5, rtol=1e-12, atol=1e-12)
    assert list(mid.state_dict()) == list(a.state_dict())


# -- ModuleList -----------------------------------------------------------------------------


def test_module_list_behaves_like_a_list_and_registers_everything():
    a, b, c, d = nn.Linear(1, 1), nn.ReLU(), nn.Linear(1, 2), nn.Identity()
    ml = nn.ModuleList([a, b])
    ml.append(c)
    ml.extend([d])
    assert len(ml) == 4 and list(ml) == [a, b, c, d] and ml[-1] is d and ml[0] is a
    assert isinstance(ml[1:3], nn.ModuleList) and list(ml[1:3]) == [b, c]
    ml.insert(1, nn.Tanh())
    assert [type(m).__name__ for m in ml] == ["Linear", "Tanh", "ReLU", "Linear", "Identity"]
    assert [n for n, _ in ml.named_parameters()] == ["0.weight", "0.bias", "3.weight", "3.bias"]
    del ml[1]
    assert [n for n, _ in ml.named_children()] == ["0", "1", "2", "3"] and ml[2] is c
    ml[1] = nn.Sigmoid()
    assert type(ml[1]).__name__ == "Sigmoid"
    ml += [nn.ReLU()]
    assert len(ml) == 5
    with pytest.raises(IndexError, match="out of range"):
        ml[7]
    with pytest.raises(TypeError, match="Module"):
        ml.append(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Module"):
        ml.extend([nn.ReLU(), 3])  # type: ignore[list-item]
    assert len(ml) == 5


def test_a_module_list_in_a_model_is_trained_saved_and_switched_to_eval():
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(2)])
            self.layers.append(nn.Dropout(0.5))

        def forward(self, x: Tensor) -> Tensor:
            for layer in self.layers:
                x = layer(x)
            return x

    net = Net()
    assert list(net.state_dict()) == [
        "layers.0.weight",
        "layers.0.bias",
        "layers.1.weight",
        "layers.1.bias",
    ]
    net.eval()
    assert not net.layers[2].training
    assert net.layers[1]._scope_name == "layers.1"


def test_module_list_state_dict_loads_into_torch():
    torch = pytest.importorskip("torch")
    ours = nn.ModuleList([nn.Linear(2, 3), nn.BatchNorm1d(3)])
    theirs = torch.nn.ModuleList([torch.nn.Linear(2, 3), torch.nn.BatchNorm1d(3)]).double()
    theirs.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in ours.state_dict().items()})
    assert list(theirs.state_dict()) == list(ours.state_dict())


# -- ModuleDict -----------------------------------------------------------------------------


def test_module_dict_behaves_like_a_dict_and_registers_everything():
    md = nn.ModuleDict({"enc": nn.Linear(2, 2), "act": nn.ReLU()})
    md["dec"] = nn.Linear(2, 1)
    assert list(md) == ["enc", "act", "dec"] and md.keys() == ["enc", "act", "dec"]
    assert len(md) == 3 and "act" in md and "nope" not in md
    assert [k for k, _ in md.items()] == md.keys() and md.values()[2] is md["dec"]
    assert [n for n, _ in md.named_parameters()] == [
        "enc.weight",
        "enc.bias",
        "dec.weight",
        "dec.bias",
    ]
    popped = md.pop("act")
    assert type(popped).__name__ == "ReLU" and md.keys() == ["enc", "dec"]
    md.update([("act", nn.Tanh())])
    del md["enc"]
    assert md.keys() == ["dec", "act"]
    with pytest.raises(KeyError, match="nope"):
        md["nope"]
    with pytest.raises(TypeError, match="strings"):
        md[3] = nn.ReLU()  # type: ignore[index]
    with pytest.raises(TypeError, match="Module"):
        md.update({"x": nn.ReLU(), "y": 3})  # type: ignore[dict-item]
    assert md.keys() == ["dec", "act"]
    md.clear()
    assert len(md) == 0 and list(md.parameters()) == []


def test_plain_containers_of_modules_are_refused_and_lists_of_values_kept():
    m = nn.Module()
    with pytest.raises(TypeError, match="ModuleList"):
        m.layers = [nn.Linear(1, 1)]
    with pytest.raises(TypeError, match="ModuleDict"):
        m.heads = {"a": nn.Linear(1, 1)}
    m.numbers = [1, 2, 3]  # no modules: a plain attribute
    assert m.numbers == [1, 2, 3] and list(m.parameters()) == []


def test_slicing_or_adding_containers_keeps_the_names_the_model_draws_with() -> None:
    class Net(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
            self.head = nn.Sequential(nn.Linear(2, 2), nn.Tanh())

    net = Net()
    before = [m._scope_name for m in net.modules()]
    part, both, tail = net.layers[1:], net.layers + [nn.Linear(2, 1)], net.head[1:]
    assert [m._scope_name for m in net.modules()] == before
    assert before[1:] == ["layers", "layers.0", "layers.1", "layers.2", "head", "head.0", "head.1"]
    assert len(part) == 2 and len(both) == 4 and len(tail) == 1
    assert both[3]._scope_name == "3"  # a new module gets its place in the new list
