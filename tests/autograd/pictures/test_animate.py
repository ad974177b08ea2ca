"""animate_backward: frames follow backward step by step and end at backward()'s gradients.

The browser tests at the end open the saved page in headless Chromium; they
skip where no Chromium is installed (Debian: ``apt-get install chromium``).
"""

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Tensor, Value, animate_backward, detect_anomaly
from autograd.core.graph import topological_order
from autograd.pictures.animate import BackwardAnimation
from autograd.pictures.cli import main as draw_main
from autograd.testing import broadcastable_arrays, scalar_programs
from tests.autograd.pictures.browser import HAS_DOT, chromium, needs_browser

needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
NEURON = ["tanh(x1*w1 + x2*w2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"]


def neuron():
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


def reused():
    """x feeds four ops, y two; x * x uses x twice in one op."""
    x, y = Value(1.5, label="x"), Value(-0.5, label="y")
    out = (x * x + x * y).sigmoid() * x + (x - y).exp()
    out.label = "out"
    return out, [x, y]


def tensor_mlp():
    """A 3-5-1 MLP on a batch of 4 with broadcast biases and a constant input and target."""
    rng = np.random.default_rng(0)
    x = Tensor(rng.normal(size=(4, 3)), label="x")  # a constant: gets no gradient
    w1 = Tensor(rng.normal(size=(3, 5)), requires_grad=True, label="W1")
    b1 = Tensor(rng.normal(size=(5,)), requires_grad=True, label="b1")
    w2 = Tensor(rng.normal(size=(5, 1)), requires_grad=True, label="W2")
    b2 = Tensor(rng.normal(size=(1,)), requires_grad=True, label="b2")
    y = Tensor(rng.normal(size=(4, 1)), label="y")
    h = (x @ w1 + b1).tanh()
    loss = (((h @ w2 + b2) - y) ** 2).mean()
    loss.label = "loss"
    return loss, [w1, b1, w2, b2]


def backward_grads(root):
    """Each node's .grad after a real backward() on the same (fresh) graph."""
    root.backward()
    return [node.grad for node in topological_order(root)]


def assert_same_grad(got, want):
    if isinstance(want, np.ndarray):
        assert isinstance(got, np.ndarray) and got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    else:
        assert got == want


# -- frames --------------------------------------------------------------------------


def test_frame_zero_is_the_seed():
    o, _ = neuron()
    anim = animate_backward(o)
    first = anim.frames[0]
    assert first.step == 0 and first.node is o and first.contributions == ()
    assert first.grads == tuple(1.0 if n is o else None for n in anim.nodes)
    assert first.caption.startswith("Seed: backward starts at o")


@pytest.mark.parametrize("build", [neuron, reused, tensor_mlp])
def test_frames_follow_backwards_processing_order(build):
    root, _ = build()
    anim = animate_backward(root)
    order = topological_order(root)
    assert anim.nodes == tuple(order)
    processed = [n for n in reversed(order) if n.parents]
    assert [f.node for f in anim.frames[1:]] == processed
    assert [f.step for f in anim.frames] == list(range(len(processed) + 1))


@pytest.mark.parametrize("build", [neuron, reused, tensor_mlp])
def test_frame_count_and_order_match_what_backward_actually_does(build, monkeypatch):
    # The sweep calls _backward_step once per node it processes. (Value's plain sweep is
    # one loop without a call per node; anomaly mode runs the checked sweep, which visits
    # the same order through _backward_step, and the last-frame test below checks the grads.)
    cls = Value if build is not tensor_mlp else Tensor
    root, _ = build()
    seen = []
    original = cls._backward_step

    def recording(node, *args):
        seen.append(node)
        return original(node, *args)

    monkeypatch.setattr(cls, "_backward_step", recording)
    anim = animate_backward(root)
    with detect_anomaly():
        root.backward()
    assert [f.node for f in anim.frames[1:]] == seen


@pytest.mark.parametrize("build", [neuron, reused, tensor_mlp])
def test_last_frame_holds_exactly_the_gradients_backward_gives(build):
    root, _ = build()
    anim = animate_backward(root)
    want = backward_grads(root)
    for node, got, expected in zip(anim.nodes, anim.frames[-1].grads, want, strict=True):
        if isinstance(node, Tensor) and not node.requires_grad:
            assert got is None and expected is None  # constants get no gradient
        else:
            assert_same_grad(got, expected)


def assert_each_frame_adds_its_contributions(anim):
    index = {id(n): i for i, n in enumerate(anim.nodes)}
    for previous, frame in zip(anim.frames, anim.frames[1:], strict=False):
        grads = list(previous.grads)
        upstream = grads[index[id(frame.node)]]
        for c in frame.contributions:
            j = index[id(c.parent)]
            assert c.parent is frame.node.parents[c.position]
            assert c.upstream is upstream
            if grads[j] is None:
                assert c.before is None
            else:
                assert_same_grad(c.before, grads[j])
            if c.local is not None:  # a Value: local derivative times upstream
                assert c.product == c.local * c.upstream
            else:
                assert c.product.shape == c.parent.shape
            grads[j] = c.product if grads[j] is None else grads[j] + c.product
            assert_same_grad(c.after, grads[j])
        for got, want in zip(frame.grads, grads, strict=True):
            if want is None:
                assert got is None
            else:
                assert_same_grad(got, want)


@pytest.mark.parametrize("build", [neuron, reused, tensor_mlp])
def test_each_frame_is_the_previous_one_plus_its_contributions(build):
    root, _ = build()
    assert_each_frame_adds_its_contributions(animate_backward(root))


@settings(max_examples=60, deadline=None)
@given(scalar_programs(n_inputs=3, max_ops=10), st.lists(st.floats(-2, 2), min_size=3, max_size=3))
def test_random_programs_step_by_step_and_end_at_backward(program, xs):
    inputs = [Value(x) for x in xs]
    out = program(*inputs)
    anim = animate_backward(out)
    assert_each_frame_adds_its_contributions(anim)
    final = anim.frames[-1].grads
    out.backward()
    for node, got in zip(anim.nodes, final, strict=True):
        assert got == node.grad


@settings(max_examples=40, deadline=None)
@given(
    scalar_programs(n_inputs=3, max_ops=8),
    broadcastable_arrays(3, min_value=-2, max_value=2, max_dims=2, max_side=3),
)
def test_random_tensor_programs_step_by_step_and_end_at_backward(program, arrays):
    # Inputs of shapes that broadcast together: the frames' contributions are summed down
    # to each input's shape, as backward's are.
    inputs = [Tensor(a, requires_grad=True) for a in arrays]
    out = program(*inputs).sum()
    anim = animate_backward(out)
    assert_each_frame_adds_its_contributions(anim)
    final = anim.frames[-1].grads
    out.backward()
    for leaf in inputs:
        (i,) = [k for k, node in enumerate(anim.nodes) if node is leaf] or [None]
        if i is None or final[i] is None:  # an input the program never reads
            assert leaf.grad is None or not np.any(leaf.grad)
            continue
        assert final[i].shape == leaf.shape and final[i].dtype == leaf.grad.dtype
        np.testing.assert_allclose(final[i], leaf.grad, rtol=1e-12, atol=1e-12)


def test_neuron_frames_show_the_hand_computed_local_derivatives():
    o, v = neuron()
    anim = animate_backward(o)
    (tanh_edge,) = anim.frames[1].contributions
    assert tanh_edge.local == pytest.approx(1 - o.data**2) and tanh_edge.upstream == 1.0
    last = anim.frames[-1]  # x1*w1 is processed last: it hands x1 the other input times 0.5
    assert [c.parent for c in last.contributions] == [v["x1"], v["w1"]]
    assert [c.local for c in last.contributions] == [-3.0, 2.0]
    assert [c.product for c in last.contributions] == pytest.approx([-1.5, 1.0])
    assert "-3 × 0.5 = -1.5 to x1" in last.caption
    assert last.caption.endswith("these are the gradients backward() gives.")


def test_a_node_used_twice_says_so_and_adds_up():
    x = Value(3.0, label="x")
    y = x * x
    anim = animate_backward(y)
    first, second = anim.frames[1].contributions
    assert first.before is None and first.after == 3.0
    assert second.before == 3.0 and second.after == 6.0
    assert "x is used twice, so its gradient is now 3 + 3 = 6" in anim.frames[1].caption


def test_no_nodes_grad_changes():
    o, v = neuron()
    v["x1"].grad = 7.0  # a leaf may hold gradients of earlier losses
    before = [n.grad for n in topological_order(o)]
    anim = animate_backward(o)
    assert [n.grad for n in topological_order(o)] == before
    assert anim.frames[-1].grads[anim.nodes.index(v["x1"])] == pytest.approx(-1.5)  # this pass
    loss, params = tensor_mlp()
    animate_backward(loss)
    assert all(n.grad is None for n in topological_order(loss))


def test_a_leaf_root_is_one_seed_frame():
    x = Value(2.0, label="x")
    anim = animate_backward(x)
    assert len(anim) == 1 and anim.frames[0].grads == (1.0,)


def test_a_scalar_tensor_root_with_a_constant_parent():
    w = Tensor([1.0, 2.0], requires_grad=True, label="w")
    c = Tensor([3.0, 4.0], label="c")
    loss = (w * c).sum()
    anim = animate_backward(loss)
    mul = anim.frames[2]
    assert [c.parent for c in mul.contributions] == [w]  # the constant gets nothing
    np.testing.assert_array_equal(anim.frames[-1].grads[anim.nodes.index(w)], [3.0, 4.0])


def test_tensor_captions_name_the_broadcast_sum():
    loss, (w1, b1, w2, b2) = tensor_mlp()
    anim = animate_backward(loss)
    to_b1 = next(c for f in anim.frames for c in f.contributions if c.parent is b1)
    assert to_b1.broadcast == (4, 5) and to_b1.product.shape == (5,)
    to_w1 = next(c for f in anim.frames for c in f.contributions if c.parent is w1)
    assert to_w1.broadcast is None and to_w1.local is None
    assert any("to b1 (summed from (4, 5): b1 was broadcast" in f.caption for f in anim.frames)


# -- bad input -------------------------------------------------------------------------


def test_a_graph_above_max_nodes_is_refused_after_counting_only_max_nodes(monkeypatch):
    x = Value(0.5)
    y = x
    for _ in range(100_000):
        y = y + 1.0
    # Count the nodes whose parents the check reads: it must stop just past max_nodes,
    # not walk the 100,001 nodes.
    reads = []
    parents = Value.parents

    def counted(node):
        reads.append(id(node))
        return parents.fget(node)

    monkeypatch.setattr(Value, "parents", property(counted))
    with pytest.raises(ValueError, match=r"more than max_nodes=200 nodes.*draw_graph"):
        animate_backward(y)
    assert 200 <= len(set(reads)) <= 202 and len(reads) <= 203
    reads.clear()
    with pytest.raises(ValueError, match="more than max_nodes=5000 nodes"):
        animate_backward(y, max_nodes=5000)
    assert 5000 <= len(set(reads)) <= 5002
    monkeypatch.undo()


@pytest.mark.parametrize("n", [1, 2, 7, 50])
def test_max_nodes_counts_exactly(n):
    x = Value(0.5)
    y = x
    for _ in range(n - 1):  # a chain of n nodes
        y = y * 1.5
    assert len(animate_backward(y, max_nodes=n).nodes) == n
    if n > 1:
        with pytest.raises(ValueError, match=f"max_nodes={n - 1} "):
            animate_backward(y, max_nodes=n - 1)
    shared = x * x + x  # 3 nodes, x reached three times: counted once
    assert len(animate_backward(shared, max_nodes=3).nodes) == 3
    with pytest.raises(ValueError, match="max_nodes=2 "):
        animate_backward(shared, max_nodes=2)


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_max_nodes_must_be_a_positive_int(bad):
    with pytest.raises(ValueError, match="max_nodes must be a positive int"):
        animate_backward(Value(1.0), max_nodes=bad)


def test_roots_backward_would_reject_are_rejected():
    with pytest.raises(TypeError, match="root must be a Value or a Tensor, got float"):
        animate_backward(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"one element.*shape \(2,\)"):
        animate_backward(Tensor([1.0, 2.0], requires_grad=True) * 2)
    with pytest.raises(RuntimeError, match="does not require grad"):
        animate_backward(Tensor([1.0]) * 2)


# -- files ---------------------------------------------------------------------------


def page_data(page):
    match = re.search(r'<script id="frames" type="application/json">(.*?)</script>', page, re.S)
    assert match
    return json.loads(match.group(1))


@needs_dot
@pytest.mark.parametrize("build", [neuron, tensor_mlp])
def test_saved_page_is_one_file_that_names_no_external_resource(build, tmp_path):
    root, _ = build()
    anim = animate_backward(root)
    path = tmp_path / "page.html"
    assert anim.save(path) == str(path)
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]
    page = path.read_text(encoding="utf-8")
    outside = page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
        'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
    )
    for marker in ("http:", "https:", "//cdn", "<link", "@import", "url(", "src="):
        assert marker not in outside, marker
    assert page.count("<svg") == 1 and "<script>" in page
    data = page_data(page)
    assert len(data["frames"]) == len(anim.frames)
    for i in range(len(anim.nodes)):  # every box and grad text has an id the script uses
        assert f'id="n{i}"' in page and f'id="g{i}"' in page
    n_edges = sum(len(n.parents) for n in anim.nodes)
    assert len(data["edges"]) == n_edges
    assert all(f'id="e{k}"' in page for k in range(n_edges))


@needs_dot
def test_a_larger_graph_gets_a_page_with_every_box_and_edge(tmp_path):
    x = Value(0.3, label="x")
    y = x
    for k in range(30):  # 46 nodes: above the size where edge labels go outside the layout
        y = (y * x).tanh() if k % 2 else y + x
    anim = animate_backward(y)
    page = anim.to_html()
    assert all(f'id="g{i}"' in page for i in range(len(anim.nodes)))
    assert len(anim.nodes) == 46 and len(page_data(page)["frames"]) == len(anim.frames) == 46


@needs_dot
def test_tensor_boxes_show_shape_and_a_short_preview(tmp_path):
    loss, _ = tensor_mlp()
    page = animate_backward(loss).to_html()
    assert "(3, 5) float64" in page and "(4, 1) float64" in page
    assert "min " in page and " mean " in page  # a 15-element tensor is summarized
    final = page_data(page)["frames"]
    assert any(text.startswith("grad min ") for f in final for text in f["grads"].values())


@needs_dot
def test_jupyter_shows_the_page_in_an_iframe():
    o, _ = neuron()
    shown = animate_backward(o)._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "&lt;svg" in shown and "<svg" not in shown


@needs_dot
def test_every_gif_frame_has_the_same_layout(tmp_path):
    image = pytest.importorskip("PIL.Image")
    o, _ = neuron()
    anim = animate_backward(o)
    path = anim.save(tmp_path / "neuron.gif")
    with image.open(path) as gif:
        assert gif.n_frames == len(anim.frames)
    sizes = set()
    for step in range(len(anim.frames)):
        png = anim.frame_graph(step).pipe(format="png")
        with image.open(__import__("io").BytesIO(png)) as picture:
            sizes.add(picture.size)
    assert len(sizes) == 1


def test_save_names_what_it_can_write(tmp_path):
    o, _ = neuron()
    with pytest.raises(ValueError, match=r"\.html.*\.gif"):
        animate_backward(o).save(tmp_path / "page.svg")
    assert not any(tmp_path.iterdir())


@needs_dot
def test_command_line_animate_writes_the_page(tmp_path, capsys):
    path = tmp_path / "neuron.html"
    assert draw_main([*NEURON, "--animate", "-o", str(path)]) == 0
    assert len(page_data(path.read_text(encoding="utf-8"))["frames"]) == 6
    assert draw_main(["x*x", "x=3", "--animate", "-o", str(tmp_path / "x.svg")]) == 2
    assert "--animate writes .html" in capsys.readouterr().err


def test_command_line_animate_refuses_a_big_expression(tmp_path, capsys):
    expr = "+".join(["x*x"] * 150)  # 301 nodes
    assert draw_main([expr, "x=1", "--animate", "-o", str(tmp_path / "big.html")]) == 1
    assert "max_nodes=200" in capsys.readouterr().err


def test_an_animation_is_a_backward_animation():
    o, _ = neuron()
    anim = animate_backward(o)
    assert isinstance(anim, BackwardAnimation)
    assert repr(anim) == "<BackwardAnimation: 10 nodes, 6 frames>"
    assert not math.isnan(anim.frames[-1].grads[0])


# -- in a real browser -------------------------------------------------------------------


@pytest.fixture
def neuron_page(tmp_path):
    o, v = neuron()
    anim = animate_backward(o)
    return anim, v, Path(anim.save(tmp_path / "neuron.html"))


@needs_browser
def test_browser_screenshots_of_the_first_and_last_step_differ(neuron_page, tmp_path):
    anim, _, page = neuron_page
    shots = []
    for step in (0, len(anim.frames) - 1):
        shot = tmp_path / f"step{step}.png"
        chromium(f"--screenshot={shot}", "--window-size=1100,600", f"{page.as_uri()}#step={step}")
        shots.append(shot.read_bytes())
    assert all(s.startswith(b"\x89PNG") for s in shots)
    assert shots[0] != shots[1]


@needs_browser
def test_browser_page_text_at_the_last_step_shows_the_final_gradients(neuron_page, tmp_path):
    anim, inputs, page = neuron_page
    last = len(anim.frames) - 1
    dom = chromium("--dump-dom", f"{page.as_uri()}#step={last}")
    assert f"step {last} / {last}" in dom
    assert "Backward is done" in dom
    for name, want in {"x1": -1.5, "x2": 0.5, "w1": 1.0, "w2": 0.0, "b": 0.5}.items():
        i = anim.nodes.index(inputs[name])
        match = re.search(rf'<text id="g{i}"[^>]*>grad (-?[\d.]+)</text>', dom)
        assert match, f"no gradient text for {name}"
        assert float(match.group(1)) == pytest.approx(want, abs=1e-4)
    first = chromium("--dump-dom", f"{page.as_uri()}#step=0")
    assert "step 0 / 5" in first
    for name in inputs:  # nothing reached yet: every input's grad box is empty
        i = anim.nodes.index(inputs[name])
        assert re.search(rf'<text id="g{i}"[^>]*>grad —</text>', first), name


@needs_browser
def test_browser_opens_the_step_named_in_the_address(neuron_page, tmp_path):
    anim, _, page = neuron_page
    dom = chromium("--dump-dom", f"{page.as_uri()}#step=3")
    assert "step 3 / 5" in dom and anim.frames[3].caption.split(".")[0] in dom
    assert re.search(r'class="edge now"', dom)


@needs_browser
def test_browser_arrow_keys_and_buttons_step_through_the_frames(neuron_page, tmp_path):
    anim, _, page = neuron_page
    # Simulate a user: two presses of the left arrow, one of the right, then the back button.
    user = (
        "<script>function key(k) { document.dispatchEvent("
        "new KeyboardEvent('keydown', {key: k, bubbles: true})); }"
        "key('ArrowLeft'); key('ArrowLeft'); key('ArrowRight');"
        "document.getElementById('back').click();</script></body>"
    )
    html = page.read_text(encoding="utf-8").replace("</body>", user)
    scripted = tmp_path / "scripted.html"
    scripted.write_text(html, encoding="utf-8")
    dom = chromium("--dump-dom", f"{scripted.as_uri()}#step=5")
    assert "step 3 / 5" in dom  # 5 - 1 - 1 + 1 - 1
    first = re.search(r'<p id="caption">(.*?)</p>', dom)
    assert first and first.group(1).startswith("Step 3:")
