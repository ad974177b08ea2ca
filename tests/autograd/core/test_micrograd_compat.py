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


# -- the lecture: micrograd's constructor and the manual backward, node by node ------------------
def lecture_neuron(V):  # noqa: N803 - the Value class under test
    """The lecture's neuron: o = tanh(x1*w1 + x2*w2 + b), its nodes named as in the notebook."""
    x1, x2 = V(2.0, label="x1"), V(0.0, label="x2")
    w1, w2 = V(-3.0, label="w1"), V(1.0, label="w2")
    b = V(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1x2w2 = x1w1 + x2w2
    n = x1w1x2w2 + b
    o = n.tanh()
    return dict(x1=x1, x2=x2, w1=w1, w2=w2, b=b, x1w1=x1w1, x2w2=x2w2, x1w1x2w2=x1w1x2w2, n=n, o=o)


MANUAL_ORDER = ["o", "n", "b", "x1w1x2w2", "x2w2", "x1w1", "x1", "x2", "w1", "w2"]
LEAVES = ["x1", "x2", "w1", "w2", "b"]


def test_manual_backward_node_by_node_gives_backwards_gradients():
    nodes = lecture_neuron(Value)
    nodes["o"].grad = 1.0
    for name in MANUAL_ORDER:
        nodes[name]._backward()  # leaves: nothing to push, as in micrograd
    manual = {k: nodes[k].grad for k in LEAVES}
    # the lecture's numbers: o = 0.7071, do/dn = 1 - o**2 = 0.5
    assert manual["x1"] == pytest.approx(-1.5) and manual["w1"] == pytest.approx(1.0)
    assert manual["x2"] == pytest.approx(0.5) and manual["w2"] == pytest.approx(0.0)
    assert manual["b"] == pytest.approx(0.5)
    again = lecture_neuron(Value)
    again["o"].backward()
    assert manual == pytest.approx({k: again[k].grad for k in LEAVES}, rel=1e-15)


def test_backward_step_adds_once_per_call_like_micrograds_closure():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    c.grad = 2.0
    c._backward()
    assert (a.grad, b.grad) == (-6.0, 4.0)
    c._backward()  # micrograd's closure adds again: so does ours
    assert (a.grad, b.grad) == (-12.0, 8.0)
    d = a + a
    d.grad = 1.0
    d._backward()
    assert a.grad == -10.0  # both operands are a: 1 + 1 more
    k = 3.0 - a  # a constant operand: one parent
    k.grad = 1.0
    k._backward()
    assert a.grad == -11.0


def test_backward_step_on_a_node_made_under_no_grad_says_why():
    from autograd import no_grad

    a = Value(1.0)
    with no_grad():
        b = a * 2.0
    b.grad = 1.0
    with pytest.raises(RuntimeError, match="under no_grad"):
        b._backward()
    assert a.grad == 0.0


@pytest.mark.parametrize(
    ("op", "f", "n"),
    [
        ("+", lambda x, y: x + y, 2),
        ("-", lambda x, y: x - y, 2),
        ("*", lambda x, y: x * y, 2),
        ("/", lambda x, y: x / y, 2),
        ("**", lambda x, y: x**y, 2),
        ("tanh", np.tanh, 1),
        ("exp", np.exp, 1),
        ("ReLU", lambda x: max(x, 0.0), 1),
        ("**2", lambda x: x**2, 1),
        ("**-1", lambda x: x**-1, 1),
        ("**0.5", np.sqrt, 1),
    ],
)
def test_hand_built_node_has_its_ops_derivatives(op, f, n):
    """Value(data, _children, _op) as the lecture builds nodes; checked by finite differences."""
    xs = [1.3, 0.7][:n]
    parents = [Value(x) for x in xs]
    out = Value(float(f(*xs)), tuple(parents), op, label="out")
    assert out.label == "out" and out._prev == set(parents)
    out.backward()
    h = 1e-6
    for i, p in enumerate(parents):
        up, down = list(xs), list(xs)
        up[i] += h
        down[i] -= h
        assert p.grad == pytest.approx((f(*up) - f(*down)) / (2 * h), rel=1e-6)
    again = [Value(x) for x in xs]
    manual = Value(float(f(*xs)), tuple(again), op)
    manual.grad = 1.0
    manual._backward()
    assert [p.grad for p in again] == [p.grad for p in parents]


def test_hand_built_nodes_join_the_graph_even_for_second_order():
    import math

    def by_hand(a, b):
        m = Value(a.data * b.data, (a, b), "*")
        return Value(math.tanh(m.data), (m,), "tanh") * a  # then one of our own ops

    def by_ops(a, b):
        return (a * b).tanh() * a

    grads = []
    for build in (by_hand, by_ops):
        a, b = Value(0.5), Value(-1.5)
        build(a, b).backward(create_graph=True)
        first = (a.grad.data, b.grad.data)
        ga = a.grad
        a.grad = b.grad = 0.0
        ga.backward()  # d2y/da2 and d2y/dadb
        grads.append([*first, a.grad, b.grad])
    assert grads[0] == pytest.approx(grads[1], rel=1e-12)
    assert grads[0][2:] != [0.0, 0.0]


@pytest.mark.parametrize(
    ("args", "error", "words"),
    [
        (((1.0,), "tanh"), TypeError, "_children must hold Values"),
        (("X", "+"), TypeError, "to name the Value, pass label='X'"),
        (((), "+"), ValueError, "a leaf has no op"),
        (("pair",), ValueError, "need the op"),
        (("one", "+"), ValueError, "takes 2 children, got 1"),
        (("pair", "tanh"), ValueError, "takes 1 child, got 2"),
        (("one", "softmax"), ValueError, "no derivative is known for the op 'softmax'"),
        (("one", "**x"), ValueError, "no derivative is known"),
        (("one", 3), ValueError, "need the op"),
    ],
)
def test_hand_built_node_with_bad_children_or_op_says_what_is_expected(args, error, words):
    a, b = Value(1.0), Value(2.0)
    given = {"pair": (a, b), "one": (a,)}
    args = tuple(given.get(x, x) if isinstance(x, str) else x for x in args)
    with pytest.raises(error, match=words.replace("(", r"\(")):
        Value(3.0, *args)
    assert a.grad == 0.0 and a._op == "" and a.parents == ()


def test_plain_leaf_unchanged_by_the_new_constructor():
    v = Value(2.5)
    assert (v.data, v.grad, v._op, v.parents, v.label) == (2.5, 0.0, "", (), "")
    assert Value(v).data == 2.5 and Value(1, label="k").label == "k"
    named = Value(1.0, "x")  # Value(data, label), positionally, as before: a leaf named x
    assert (named.label, named._op, named.parents) == ("x", "", ())


def manual_backward(root) -> None:
    """The lecture's backward(): seed 1, then ``_backward()`` on each node in reverse topological
    order (micrograd's recursive build_topo, written as a loop)."""
    topo, seen, stack = [], set(), [(root, False)]
    while stack:
        v, done = stack.pop()
        if done:
            topo.append(v)
        elif v not in seen:
            seen.add(v)
            stack.append((v, True))
            stack.extend((child, False) for child in v._prev)
    root.grad = 1.0
    for v in reversed(topo):
        v._backward()


def test_manual_backward_matches_micrograds_own_value():
    engine = pytest.importorskip("micrograd.engine")

    def build(V):  # noqa: N803 - the Value class under test; micrograd 0.1.0's ops only
        x1, x2, w1, w2, b = V(2.0), V(0.5), V(-3.0), V(1.0), V(6.5)
        n = x1 * w1 + x2 * w2 + b
        y = (n * n).relu() * x1 + (n**3) / (w2 - 4.0) - x2
        return [x1, x2, w1, w2, b], y

    their_leaves, their_y = build(engine.Value)
    manual_backward(their_y)
    our_leaves, our_y = build(Value)
    manual_backward(our_y)
    assert our_y.data == pytest.approx(their_y.data, rel=1e-15)
    assert [v.grad for v in our_leaves] == pytest.approx([v.grad for v in their_leaves], rel=1e-12)
    again_leaves, again_y = build(Value)
    again_y.backward()
    assert [v.grad for v in again_leaves] == pytest.approx([v.grad for v in our_leaves], rel=1e-15)
