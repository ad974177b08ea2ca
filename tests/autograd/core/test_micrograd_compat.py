"""micrograd users' code runs on ours: nn.scalar's weights and parameters(), Value._prev/_op.

The comparisons with the `micrograd` package itself run where it is installed
(`pip install micrograd==0.1.0`, the `bench` extra) and are skipped otherwise.
"""

import random
from collections.abc import Iterator

import numpy as np
import pytest

from autograd import Value, manual_seed
from nn.scalar import MLP, Layer, Neuron


@pytest.fixture
def python_random() -> Iterator[None]:
    """Tests may seed Python's `random`; the state is put back afterwards."""
    state = random.getstate()
    yield
    random.setstate(state)


def weights(model) -> list[float]:
    return [p.data for p in model.parameters()]


def test_parameters_is_a_list_as_in_micrograd():
    model = MLP(2, [16, 16, 1])
    params = model.parameters()
    assert isinstance(params, list) and len(params) == 337
    assert isinstance(Layer(3, 2).parameters(), list) and len(Neuron(3).parameters()) == 4


def test_weights_come_from_python_random_uniform_in_micrograds_order(python_random):
    random.seed(1337)
    model = MLP(3, [4, 2])
    random.seed(1337)
    expected = []
    for nin, nout in [(3, 4), (4, 2)]:
        for _ in range(nout):
            expected += [random.uniform(-1, 1) for _ in range(nin)] + [0.0]  # w..., then b
    assert weights(model) == expected


def test_random_seed_reproduces_a_model_and_manual_seed_does_not_touch_it(python_random):
    random.seed(7)
    a = weights(MLP(2, [3, 1]))
    manual_seed(0)
    random.seed(7)
    manual_seed(1)
    assert weights(MLP(2, [3, 1])) == a
    assert weights(MLP(2, [3, 1])) != a  # the next draws differ


def test_prev_is_the_set_of_parents_and_op_names_the_op():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c + a
    assert d._prev == {c, a} and c._prev == {a, b} and a._prev == set()
    assert (d._op, c._op, a._op) == ("+", "*", "")
    assert (a * a)._prev == {a}  # a set, as micrograd's
    with pytest.raises(AttributeError):
        d._prev = set()  # read-only


def trace(root):
    """The lecture's draw_dot walk (nodes and edges via _prev), written as a loop."""
    nodes, edges, stack = set(), set(), [root]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    return nodes, edges


def test_lecture_style_trace_sees_the_whole_graph(python_random):
    random.seed(1337)
    n = Neuron(2)
    y = n([Value(1.0), Value(-2.0)])
    y.backward()
    nodes, edges = trace(y)
    # 2 inputs, 2 weights, bias, 2 products, 2 sums, relu
    assert len(nodes) == 10 and len(edges) == 9
    assert sorted(v._op for v in nodes if v._op) == ["*", "*", "+", "+", "relu"]
    pytest.importorskip("graphviz")
    from graphviz import Digraph

    dot = Digraph()
    for v in nodes:
        dot.node(str(id(v)), f"{{ data {v.data:.4f} | grad {v.grad:.4f} }}", shape="record")
    assert dot.source.count("record") == 10


# -- against the micrograd package ---------------------------------------------------------------
def demo_losses(Value, MLP, steps: int) -> list[float]:  # noqa: N803 - the classes under test
    """micrograd's demo.ipynb loop (svm loss + L2, SGD) on a fixed small dataset."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    y = np.where(X[:, 0] * X[:, 1] > 0, 1, -1)
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    out = []
    for k in range(steps):
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores, strict=True)]
        data_loss = sum(losses) * (1.0 / len(losses))
        total = data_loss + 1e-4 * sum(p * p for p in model.parameters())
        model.zero_grad()
        total.backward()
        for p in model.parameters():
            p.data -= (1.0 - 0.9 * k / 100) * p.grad
        out.append(total.data)
    return out


def test_same_seed_gives_micrograds_exact_weights(python_random):
    micrograd_nn = pytest.importorskip("micrograd.nn")
    random.seed(42)
    theirs = [p.data for p in micrograd_nn.MLP(2, [16, 16, 1]).parameters()]
    random.seed(42)
    assert weights(MLP(2, [16, 16, 1])) == theirs


def test_demo_training_prints_micrograds_losses(python_random):
    micrograd_nn = pytest.importorskip("micrograd.nn")
    from micrograd.engine import Value as MicrogradValue

    theirs = demo_losses(MicrogradValue, micrograd_nn.MLP, steps=5)
    ours = demo_losses(Value, MLP, steps=5)
    assert ours == pytest.approx(theirs, rel=1e-12, abs=0.0)
