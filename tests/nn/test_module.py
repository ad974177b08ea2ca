"""nn.Module, Parameter, Sequential: registration, traversal, modes, state dicts, repr, scopes."""

import copy
import gc
from collections import OrderedDict

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from autograd import Tensor, Value, manual_seed, no_grad
from autograd.core.graph import thread_state
from nn.module import StateDictError


class Encoder(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.encoder = nn.Sequential(nn.Linear(2, 3), nn.ReLU(), nn.Linear(3, 2))
        self.head = nn.Linear(2, 1)
        self.scale = nn.Parameter([1.5])

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.encoder(x)) * self.scale


def _snapshot(model: nn.Module) -> dict:
    return {k: v.copy() for k, v in model.state_dict().items()}


def _same(a: dict, b: dict) -> bool:
    return list(a) == list(b) and all(
        a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]) for k in a
    )


# -- Parameter ---------------------------------------------------------------------


def test_parameter_copies_its_data_and_requires_grad():
    src = np.arange(3.0)
    p = nn.Parameter(src)
    src[0] = 99.0
    assert p.requires_grad and p.data[0] == 0.0 and isinstance(p, Tensor)


def test_parameter_turns_ints_into_float64_and_keeps_float32():
    assert nn.Parameter([1, 2]).dtype == np.float64
    assert nn.Parameter(np.zeros(2, dtype=np.float32)).dtype == np.float32


def test_parameter_from_tensor_copies():
    t = Tensor([1.0, 2.0])
    p = nn.Parameter(t)
    p.data[0] = 5.0
    assert t.data[0] == 1.0


def test_ops_on_parameters_give_plain_tensors():
    p = nn.Parameter([1.0])
    assert type(p * 2) is Tensor


# -- registration and names --------------------------------------------------------


def test_named_parameters_follow_pytorch_names():
    names = [n for n, _ in Encoder().named_parameters()]
    assert names == [
        "scale",
        "encoder.0.weight",
        "encoder.0.bias",
        "encoder.2.weight",
        "encoder.2.bias",
        "head.weight",
        "head.bias",
    ]


def test_sequential_names_children_by_position():
    net = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    assert [n for n, _ in net.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_plain_tensors_and_numbers_are_not_registered():
    m = nn.Module()
    m.cache = Tensor([1.0], requires_grad=True)
    m.rate = 0.1
    assert list(m.named_parameters()) == []


def test_reassigning_an_attribute_replaces_the_registration():
    m = nn.Module()
    m.w = nn.Parameter([1.0])
    m.w = nn.Linear(1, 1)
    assert [n for n, _ in m.named_parameters()] == ["w.weight", "w.bias"]
    m.w = 3
    assert list(m.named_parameters()) == [] and list(m.children()) == []


def test_deleting_an_attribute_unregisters_it():
    m = nn.Module()
    m.w = nn.Parameter([1.0])
    del m.w
    assert list(m.parameters()) == [] and not hasattr(m, "w")


def test_module_lists_and_lists_of_values_are_registered_by_position():
    m = nn.Module()
    m.blocks = nn.ModuleList([nn.Linear(1, 1), nn.Linear(1, 1, bias=False)])
    m.coeffs = [Value(1.0), Value(2.0)]
    names = [n for n, _ in m.named_parameters()]
    assert names == ["coeffs.0", "coeffs.1", "blocks.0.weight", "blocks.0.bias", "blocks.1.weight"]
    assert [n for n, _ in m.named_children()] == ["blocks"]


@pytest.mark.parametrize("plain", [list, tuple, lambda ms: {"a": ms[0], "b": ms[1]}])
def test_a_plain_container_of_modules_is_refused_naming_the_containers(plain):
    m = nn.Module()
    m.keep = nn.Linear(1, 1)
    with pytest.raises(TypeError, match="ModuleList") as err:
        m.blocks = plain([nn.Linear(1, 1), nn.ReLU()])
    assert "ModuleDict" in str(err.value) and "blocks" in str(err.value)
    assert not hasattr(m, "blocks") and [n for n, _ in m.named_children()] == ["keep"]


def test_appending_to_a_registered_list_is_seen():
    m = nn.Module()
    m.coeffs = [Value(1.0)]
    m.coeffs.append(Value(2.0))
    assert m.num_parameters() == 2


def test_assigning_a_module_before_init_raises_a_clear_error():
    class Broken(nn.Module):
        def __init__(self) -> None:
            self.layer = nn.Linear(1, 1)

    with pytest.raises(AttributeError, match="super\\(\\).__init__"):
        Broken()


def test_add_module_and_register_parameter_check_types():
    m = nn.Module()
    m.add_module("inner", nn.Identity())
    m.register_parameter("b", nn.Parameter([0.0]))
    assert [n for n, _ in m.named_children()] == ["inner"]
    with pytest.raises(TypeError):
        m.add_module("x", 3)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        m.register_parameter("y", Tensor([1.0]))  # type: ignore[arg-type]


def test_shared_parameters_are_listed_once():
    lin = nn.Linear(2, 2)
    net = nn.Sequential(lin, lin)
    assert len(list(net.parameters())) == 2
    assert net.num_parameters() == 6
    assert list(net.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_children_modules_and_named_modules_are_depth_first():
    model = Encoder()
    assert [n for n, _ in model.named_modules()] == [
        "",
        "encoder",
        "encoder.0",
        "encoder.1",
        "encoder.2",
        "head",
    ]
    assert len(list(model.children())) == 2
    assert list(model.modules())[0] is model


def test_num_parameters_counts_scalars():
    assert Encoder().num_parameters() == 1 + (2 * 3 + 3) + (3 * 2 + 2) + (2 + 1)


def test_apply_visits_children_before_parents():
    seen = []
    nn.Sequential(nn.ReLU(), nn.Tanh()).apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["ReLU", "Tanh", "Sequential"]


# -- modes and gradients -------------------------------------------------------------


def test_train_and_eval_reach_every_submodule():
    model = Encoder()
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    with pytest.raises(TypeError):
        model.train("no")  # type: ignore[arg-type]


def test_zero_grad_sets_tensor_grads_to_none_and_value_grads_to_zero():
    m = nn.Module()
    m.lin = nn.Linear(2, 1)
    m.v = Value(2.0)
    out = m.lin(Tensor([[1.0, 2.0]])).sum()
    out.backward()
    (m.v * 3).backward()
    assert m.lin.weight.grad is not None and m.v.grad == 3.0
    m.zero_grad()
    assert m.lin.weight.grad is None and m.lin.bias.grad is None and m.v.grad == 0.0


# -- state dicts ---------------------------------------------------------------------


def test_state_dict_is_an_ordered_dict_of_copies():
    model = Encoder()
    sd = model.state_dict()
    assert isinstance(sd, OrderedDict)
    sd["head.weight"][...] = 123.0
    assert not np.any(model.head.weight.data == 123.0)


def test_state_dict_gives_values_as_0d_float64_arrays():
    m = nn.Module()
    m.v = Value(2.5)
    sd = m.state_dict()
    assert sd["v"].shape == () and sd["v"].dtype == np.float64 and float(sd["v"]) == 2.5


def test_load_state_dict_round_trip_reproduces_outputs():
    a, b = Encoder(), Encoder()
    b.load_state_dict(a.state_dict())
    x = Tensor(np.random.default_rng(0).normal(size=(4, 2)))
    assert np.array_equal(a(x).data, b(x).data)


def test_load_state_dict_copies_in_place_and_keeps_dtype():
    lin = nn.Linear(2, 1)
    lin.weight = nn.Parameter(np.zeros((1, 2), dtype=np.float32))
    weight_array = lin.weight.data
    lin.load_state_dict({"weight": np.ones((1, 2)), "bias": np.array([2])})
    assert lin.weight.data is weight_array and lin.weight.dtype == np.float32
    assert lin.bias.data.tolist() == [2.0]


def test_load_state_dict_sets_value_parameters():
    m = nn.Module()
    m.v = Value(0.0)
    m.load_state_dict({"v": np.array(4.0)})
    assert m.v.data == 4.0 and type(m.v.data) is float


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda sd: sd.pop("head.bias"), "missing keys: head.bias"),
        (lambda sd: sd.__setitem__("extra", np.zeros(1)), "unexpected keys: extra"),
        (lambda sd: sd.__setitem__("head.weight", np.zeros((2, 2))), "shape (2, 2)"),
        (lambda sd: sd.__setitem__("scale", np.array(["a"])), "not a real number type"),
        (lambda sd: sd.__setitem__("scale", np.array([1 + 2j])), "not a real number type"),
        (lambda sd: sd.__setitem__("scale", np.array([np.nan])), "NaN or inf"),
        (lambda sd: sd.__setitem__("scale", [[1.0, 2.0], [3.0]]), "cannot be read"),
    ],
)
def test_load_state_dict_rejects_bad_entries_and_leaves_the_module_unchanged(edit, expected):
    model = Encoder()
    before = _snapshot(model)
    sd = Encoder().state_dict()
    edit(sd)
    with pytest.raises(StateDictError, match="nothing was loaded") as info:
        model.load_state_dict(sd)
    assert expected in str(info.value)
    assert _same(_snapshot(model), before)


def test_load_state_dict_errors_are_value_and_runtime_errors():
    model = nn.Linear(1, 1)
    with pytest.raises(ValueError):
        model.load_state_dict({})
    with pytest.raises(RuntimeError):
        model.load_state_dict({})


def test_load_state_dict_lists_every_problem_at_once():
    model = Encoder()
    sd = model.state_dict()
    del sd["scale"]
    sd["bogus"] = np.zeros(1)
    sd["head.bias"] = np.zeros(5)
    with pytest.raises(StateDictError) as info:
        model.load_state_dict(sd)
    msg = str(info.value)
    assert "missing keys: scale" in msg and "unexpected keys: bogus" in msg
    assert "head.bias: shape (5,)" in msg


def test_load_state_dict_non_strict_skips_missing_and_unexpected_keys_but_checks_shapes():
    model = Encoder()
    result = model.load_state_dict({"head.bias": np.array([7.0]), "other": 1}, strict=False)
    assert model.head.bias.data.tolist() == [7.0]
    assert result.unexpected_keys == ["other"] and "scale" in result.missing_keys
    with pytest.raises(StateDictError):
        model.load_state_dict({"head.bias": np.zeros(3)}, strict=False)


def test_load_state_dict_allows_nonfinite_values_when_asked():
    lin = nn.Linear(1, 1)
    lin.load_state_dict({"weight": [[np.inf]], "bias": [np.nan]}, allow_nonfinite=True)
    assert np.isinf(lin.weight.data).all()


def test_load_state_dict_needs_a_mapping():
    with pytest.raises(TypeError, match="mapping"):
        nn.Linear(1, 1).load_state_dict([("weight", np.zeros((1, 1)))])  # type: ignore[arg-type]


def test_load_state_dict_rejects_value_arrays_that_are_not_scalars():
    m = nn.Module()
    m.v = Value(1.0)
    with pytest.raises(StateDictError, match=r"shape \(2,\)"):
        m.load_state_dict({"v": np.zeros(2)})
    assert m.v.data == 1.0


@given(st.lists(st.integers(1, 5), min_size=2, max_size=4), st.integers(0, 2**31))
def test_state_dict_round_trip_holds_for_any_mlp(sizes, seed):
    manual_seed(seed)
    a, b = nn.MLP(sizes), nn.MLP(sizes)
    b.load_state_dict(a.state_dict())
    assert _same(b.state_dict(), a.state_dict())


# -- repr ----------------------------------------------------------------------------


def test_repr_reads_like_pytorch():
    text = repr(Encoder())
    assert text == (
        "Encoder(\n"
        "  (encoder): Sequential(\n"
        "    (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "    (1): ReLU()\n"
        "    (2): Linear(in_features=3, out_features=2, bias=True)\n"
        "  )\n"
        "  (head): Linear(in_features=2, out_features=1, bias=True)\n"
        ")"
    )


def test_repr_collapses_runs_of_identical_list_items():
    m = nn.Module()
    m.blocks = nn.ModuleList([nn.ReLU() for _ in range(5)])
    assert repr(m) == "Module(\n  (blocks): ModuleList(\n    (0-4): 5 x ReLU()\n  )\n)"


# -- Sequential ------------------------------------------------------------------------


def test_sequential_is_indexable_sliceable_iterable_and_has_len():
    a, b, c = nn.Linear(2, 2), nn.ReLU(), nn.Linear(2, 1)
    net = nn.Sequential(a, b, c)
    assert len(net) == 3 and net[0] is a and net[-1] is c and list(net) == [a, b, c]
    head = net[:2]
    assert isinstance(head, nn.Sequential) and list(head) == [a, b]
    with pytest.raises(IndexError):
        net[3]


def test_sequential_applies_modules_in_order():
    net = nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1))
    x = Tensor([[0.5, -1.0]])
    expected = net[2](net[1](net[0](x)))
    assert np.array_equal(net(x).data, expected.data)


def test_sequential_accepts_an_ordered_dict_and_rejects_non_modules():
    net = nn.Sequential(OrderedDict([("fc", nn.Linear(1, 1)), ("act", nn.ReLU())]))
    assert [n for n, _ in net.named_parameters()] == ["fc.weight", "fc.bias"]
    with pytest.raises(TypeError, match="must be a Module"):
        nn.Sequential(nn.ReLU(), "relu")  # type: ignore[arg-type]


def test_sequential_append_adds_the_next_index():
    net = nn.Sequential(nn.Linear(1, 1)).append(nn.ReLU())
    assert [n for n, _ in net.named_children()] == ["0", "1"]


def test_forward_is_required():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(1)


# -- scopes (graph clustering) -------------------------------------------------------


def test_call_tags_nodes_with_the_qualified_module_name():
    model = Encoder()
    out = model(Tensor([[1.0, 2.0]]))
    assert out._scope == ""  # the root's own op
    hidden = out.parents[0]  # head's output
    assert hidden._scope == "head"
    scopes = set()
    stack = [out]
    while stack:
        node = stack.pop()
        scopes.add(node._scope)
        stack.extend(node.parents)
    assert {"encoder.0", "encoder.1", "encoder.2", "head"} <= scopes


def test_scope_names_follow_a_module_into_a_new_parent():
    inner = nn.Sequential(nn.Linear(1, 1))
    outer = nn.Module()
    outer.block = inner
    assert inner[0]._scope_name == "block.0"


def test_scope_is_restored_after_forward_raises():
    with pytest.raises(ValueError):
        nn.Sequential(nn.Linear(3, 1))(Tensor([[1.0]]))
    assert thread_state().scope == ""


def test_values_created_inside_a_module_get_its_scope():
    # The engine once crashed here: Value had no _scope slot.
    model = nn.scalar.MLP(2, [2, 1])
    out = model([1.0, -1.0])
    assert out._scope == "layers.1.neurons.0"


def test_deepcopy_gives_an_independent_module():
    a = Encoder()
    b = copy.deepcopy(a)
    b.head.weight.data[...] = 0.0
    assert not np.all(a.head.weight.data == 0.0)
    assert [n for n, _ in b.named_parameters()] == [n for n, _ in a.named_parameters()]


def test_calling_under_no_grad_records_nothing():
    with no_grad():
        out = Encoder()(Tensor([[1.0, 2.0]]))
    assert not out.requires_grad and out.parents == ()


def test_a_module_cannot_contain_itself():
    outer = nn.Sequential(nn.Linear(1, 1))
    with pytest.raises(ValueError, match="contain itself"):
        outer[0].loop = outer
    with pytest.raises(ValueError, match="contain itself"):
        outer.again = nn.ModuleList([outer])
    assert not hasattr(outer[0], "loop")


def test_a_module_call_never_touches_the_garbage_collector():
    seen = []

    class Probe(nn.Module):
        def forward(self, x):
            y = x * 2.0
            seen.append(gc.isenabled())
            return y

    loss = nn.Sequential(Probe(), Probe())(Value(1.0))
    assert seen == [True, True]
    loss.backward()
    assert gc.isenabled()
