"""Pickling and copying nodes (issue 19, finding 7): leaves and parameters pickle and
deepcopy under every protocol; Value graphs round-trip without recursion; a Tensor that
is a graph node is refused with an error that says what to pickle instead."""

import copy
import pickle
import warnings

import numpy as np
import pytest

import nn
from autograd import Tensor, Value

PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))


def _round_trips(obj):
    """The object through every pickle protocol, and through deepcopy."""
    return [pickle.loads(pickle.dumps(obj, protocol=p)) for p in PROTOCOLS] + [copy.deepcopy(obj)]


def test_a_tensor_leaf_keeps_data_grad_flags_and_label():
    t = Tensor(np.array([1.5, -2.0], dtype=np.float32), requires_grad=True, label="w")
    (t * t).sum().backward()
    for clone in _round_trips(t):
        assert type(clone) is Tensor and clone is not t and clone.data is not t.data
        assert clone.dtype == np.float32 and clone.data.tolist() == [1.5, -2.0]
        assert clone.grad.tolist() == [3.0, -4.0] and clone.requires_grad
        assert clone.label == "w" and clone.op == "" and clone.parents == ()
        (clone * 2).sum().backward()  # a working leaf
        assert clone.grad.tolist() == [5.0, -2.0]


def test_integer_and_bool_tensors_round_trip():
    for t in (Tensor([1, 2], dtype="int64"), Tensor([True, False], dtype=bool)):
        for clone in _round_trips(t):
            assert clone.dtype == t.dtype and clone.data.tolist() == t.data.tolist()


def test_a_parameter_whose_grad_came_from_create_graph_pickles():
    p = nn.Parameter(np.array([1.0, 2.0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        (p**3).sum().backward(create_graph=True)
    assert isinstance(p.grad, Tensor)
    for clone in _round_trips(p)[:-1]:
        assert type(clone) is nn.Parameter and clone.requires_grad
        assert isinstance(clone.grad, np.ndarray) and clone.grad.tolist() == [3.0, 12.0]
    copied = copy.deepcopy(p)  # deepcopy keeps the recorded grad (a copy of its graph)
    assert isinstance(copied.grad, Tensor) and copied.grad.data.tolist() == [3.0, 12.0]


def test_a_model_pickles_under_every_protocol_and_computes_the_same():
    model = nn.MLP([2, 4, 1])
    x = Tensor(np.array([[0.5, -1.0], [2.0, 0.1]]))
    expected = model(x).data
    for clone in _round_trips(model):
        np.testing.assert_array_equal(clone(x).data, expected)
        assert all(type(p) is nn.Parameter for p in clone.parameters())


def test_a_tensor_graph_node_is_refused_with_a_clear_error():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * 2).tanh().sum()
    for protocol in PROTOCOLS:
        with pytest.raises(TypeError, match=r"computed by 'sum'.*t\.detach\(\)"):
            pickle.dumps(y, protocol=protocol)
    pickle.loads(pickle.dumps(y.detach()))  # the way out it names
    assert copy.deepcopy(y).data == y.data  # deepcopy copies the graph


def test_value_leaves_pickle_under_every_protocol():
    v = Value(2.5, label="b")
    v.grad = 0.25
    for clone in _round_trips(v):
        assert (clone.data, clone.grad, clone.label, clone.op) == (2.5, 0.25, "b", "")


def test_a_deep_value_graph_round_trips_without_recursion_and_differentiates_the_same():
    a, b = Value(0.5, label="a"), Value(-0.25, label="b")
    out = a
    for i in range(5_000):
        out = (out * 0.999 + b) if i % 2 else (out - b * 0.5)
    out.backward()
    expected = (out.data, a.grad, b.grad)
    for clone in _round_trips([out, a, b]):
        c_out, c_a, c_b = clone
        c_a.grad = c_b.grad = 0.0
        c_out.backward()
        assert (c_out.data, c_a.grad, c_b.grad) == expected  # and a, b stayed the leaves
        assert c_a.label == "a" and c_out.op == out.op
