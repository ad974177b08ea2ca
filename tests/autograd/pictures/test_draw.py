"""draw_graph / render_graph: what the picture shows, clusters, summaries, and rendering."""

from __future__ import annotations

import gc
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import numpy as np
import pytest

import autograd.pictures.render as render
from autograd import Tensor, Value, draw_graph, render_graph
from autograd.core.graph import module_scope

SVG_TEXT = "{http://www.w3.org/2000/svg}text"


def neuron() -> tuple[Value, dict[str, Value]]:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


def svg_texts(path: str | Path) -> list[str]:
    root = ET.parse(path).getroot()
    return [t.text or "" for t in root.iter(SVG_TEXT)]


def node_labels(source: str) -> list[str]:
    return re.findall(r'label="([^"]*)"', source)


# -- the picture --------------------------------------------------------------------------


def test_value_boxes_show_label_data_and_grad_like_micrograd():
    o, _ = neuron()
    o.backward()
    source = draw_graph(o).source
    assert "{ x1 | data 2.0000 | grad -1.5000 }" in source
    assert "{ w1 | data -3.0000 | grad 1.0000 }" in source
    assert "{ x2 | data 0.0000 | grad 0.5000 }" in source
    assert "{ w2 | data 1.0000 | grad 0.0000 }" in source
    assert "{ o | data 0.7071 | grad 1.0000 }" in source


def test_every_op_is_an_ellipse_between_its_inputs_and_its_output():
    a, b = Value(1.5, label="a"), Value(-2.0, label="b")
    c = a * b
    d = c.exp() + a
    source = draw_graph(d).source
    ellipses = re.findall(r"(n\d+op) \[label=(\S+) ", source)
    assert sorted(op.strip('"') for _, op in ellipses) == ["*", "+", "exp"]
    for name, _ in ellipses:
        out = name[:-2]
        assert f"{name} -> {out}" in source  # op -> its output box
        assert re.search(rf"n\d+ -> {name}\b", source)  # some input -> op
    # a feeds both '*' and '+': two edges leave its box
    a_name = re.search(r'(n\d+) \[label="\{ a \|', source).group(1)
    assert len(re.findall(rf"^\s*{a_name} -> ", source, re.M)) == 2


def test_value_op_names_match_the_engine():
    x = Value(0.3, label="x")
    y = (x**2 - x / 2 + (-x)).sigmoid().relu()
    source = draw_graph(y).source
    for op in ['"**"', '"/"', '"-"', "neg", "sigmoid", "relu"]:
        assert f"[label={op} " in source


def test_same_graph_gives_the_same_source():
    first = draw_graph(neuron()[0]).source
    second = draw_graph(neuron()[0]).source
    assert first == second
    assert "0x" not in first  # no id()-based names


def test_tensor_boxes_show_shape_dtype_preview_and_grad():
    x = Tensor(np.arange(12.0).reshape(3, 4), label="x")
    w = Tensor(np.ones((4, 2), dtype=np.float32), requires_grad=True, label="w")
    bias = Tensor([0.5, -0.5], requires_grad=True, label="bias")
    y = ((x @ w) + bias).tanh().sum()
    y.backward()
    source = draw_graph(y).source
    labels = node_labels(source)
    x_box = next(lab for lab in labels if lab.startswith("x |"))
    assert "(3, 4) float64" in x_box and "min 0.0000" in x_box and "max 11.0000" in x_box
    assert "grad" not in x_box  # a constant never gets one
    bias_box = next(lab for lab in labels if lab.startswith("bias |"))
    assert "(2,) float64" in bias_box and "data [0.5, -0.5]" in bias_box and "grad [" in bias_box
    for op in ("matmul", "add", "tanh", "sum"):
        assert f"[label={op} " in source


def test_tensor_without_backward_shows_grad_none():
    w = Tensor([1.0, 2.0], requires_grad=True, label="w")
    source = draw_graph((w * 3).sum()).source
    assert "grad None" in source


def test_show_grad_false_hides_every_grad():
    o, _ = neuron()
    o.backward()
    source = draw_graph(o, show_grad=False).source
    assert not re.search(r"\bgrad\b", source)
    assert "data 0.7071" in source


def test_rankdir_is_honoured_and_checked():
    o, _ = neuron()
    assert "rankdir=TB" in draw_graph(o, rankdir="TB").source
    assert "rankdir=LR" in draw_graph(o).source
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(o, rankdir="sideways")


def test_draw_graph_returns_a_digraph_that_jupyter_can_show():
    dot = draw_graph(Value(1.0) * 2)
    assert isinstance(dot, graphviz.Digraph)
    assert hasattr(dot, "_repr_mimebundle_")


def test_draw_graph_rejects_what_is_not_a_node():
    with pytest.raises(TypeError, match="Value or a Tensor"):
        draw_graph(3.0)  # type: ignore[arg-type]


def test_draw_graph_needs_no_dot_program(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert "tanh" in draw_graph(neuron()[0]).source


def test_graph_kept_alive_by_root_still_shows_data_and_grads():
    def build() -> Value:
        x = Value(0.5, label="x")
        y = (x * x).exp()
        y.backward()
        return y

    y = build()
    gc.collect()
    source = draw_graph(y).source
    assert "{ x | data 0.5000 | grad 1.2840 }" in source  # 2x * exp(x**2)


def test_labels_with_record_characters_are_escaped(tmp_path):
    x = Value(1.0, label='a|b{c}<d>"e\\')
    y = x * 2
    source = draw_graph(y).source
    assert r"a\|b\{c\}\<d\>\"e\\" in source
    path = render_graph(y, tmp_path / "escaped.svg")
    assert any('a|b{c}<d>"e\\' in t for t in svg_texts(path))


def test_small_and_large_numbers_keep_their_digits():
    x = Value(1.5e-7, label="tiny")
    y = x * 2e8
    y.backward()
    source = draw_graph(y).source
    assert "data 1.500e-07 | grad 2.000e+08" in source


# -- clusters ------------------------------------------------------------------------------


def test_nodes_made_in_a_module_scope_are_drawn_in_its_cluster():
    x = Tensor([[1.0, 2.0]], label="x")
    w1 = Tensor([[0.5], [0.25]], requires_grad=True, label="w1")
    w2 = Tensor([[2.0]], requires_grad=True, label="w2")
    with module_scope("layer1"):
        h = (x @ w1).relu()
    with module_scope("layer2"):
        y = h @ w2
    source = draw_graph(y.sum()).source
    layer1 = re.search(r"subgraph cluster_layer1 \{(.*?)\n\t\}", source, re.S)
    layer2 = re.search(r"subgraph cluster_layer2 \{(.*?)\n\t\}", source, re.S)
    assert layer1 and layer2
    assert "label=layer1" in layer1.group(1) and "label=layer2" in layer2.group(1)
    assert "label=matmul" in layer1.group(1) and "label=relu" in layer1.group(1)
    assert "label=matmul" in layer2.group(1) and "relu" not in layer2.group(1)
    # leaves and the final sum were made outside any module
    assert "label=sum" not in layer1.group(1) + layer2.group(1)


def test_nested_module_scopes_become_nested_clusters():
    x = Value(1.0, label="x")
    with module_scope("encoder.0"):
        h = x * 2
    with module_scope("encoder.1"):
        y = h.tanh()
    source = draw_graph(y).source
    outer = source.index("subgraph cluster_encoder {")
    inner0 = source.index('subgraph "cluster_encoder.0" {')
    inner1 = source.index('subgraph "cluster_encoder.1" {')
    assert outer < inner0 and outer < inner1
    assert 'label="encoder.0"' in source


# -- summaries of large graphs -------------------------------------------------------------


def test_million_node_chain_is_summarized_in_a_few_lines():
    x = Value(1.0, label="x")
    y = x
    for _ in range(1_000_000):
        y = y * 1.0000001
    source = draw_graph(y).source
    assert len(source.splitlines()) < 30
    assert "1,000,001 nodes" in source
    assert "1,000,000 x '*'" in source
    assert "{ x | data 1.0000" in source  # the input is still drawn in full


def test_large_graph_source_stays_near_max_nodes_statements():
    x = Value(0.5, label="x")
    y = x
    for i in range(3_000):
        y = (y * 0.5 + x).tanh() if i % 2 else (y - 0.1).sin()
    max_nodes = 60
    source = draw_graph(y, max_nodes=max_nodes).source
    statements = [line for line in source.splitlines() if line.strip() not in ("{", "}")]
    assert len(statements) <= 3 * max_nodes + 10
    for op in ("'*'", "'+'", "'tanh'", "'-'", "'sin'"):
        assert op in source


def test_many_small_branches_are_grouped_by_op():
    leaves = [Value(float(i), label=f"p{i}") for i in range(400)]
    total = leaves[0] * 1.0
    for p in leaves[1:]:
        total = total + p.tanh()
    source = draw_graph(total, max_nodes=50).source
    assert len(source.splitlines()) < 50 * 3
    assert "400 leaves" in source
    assert "399 x 'tanh'" in source


def test_summary_keeps_module_clusters():
    x = Value(1.0, label="x")
    y = x
    for i in range(600):
        with module_scope(f"block{i % 2}"):
            y = (y * 0.9).tanh()
    source = draw_graph(y, max_nodes=40).source
    assert "subgraph cluster_block0" in source and "subgraph cluster_block1" in source
    assert len(source.splitlines()) < 40 * 3


def test_too_many_modules_fall_back_to_one_box():
    x = Value(1.0, label="x")
    y = x
    for i in range(300):
        with module_scope(f"m{i}"):
            y = (y * 0.9).tanh()
    source = draw_graph(y, max_nodes=10).source
    assert "everything in one box" in source
    assert len(source.splitlines()) < 15


def test_large_tensor_graph_is_summarized():
    w = Tensor(np.ones(3), requires_grad=True, label="w")
    y = w
    for _ in range(2_000):
        y = y * 0.999 + w
    source = draw_graph(y.sum(), max_nodes=100).source
    assert "nodes (more than max_nodes=100)" in source
    assert "'mul'" in source and "'add'" in source


# -- rendering -------------------------------------------------------------------------------


def test_rendered_svg_parses_as_xml_and_shows_ops_data_and_grads(tmp_path):
    o, _ = neuron()
    o.backward()
    path = render_graph(o, tmp_path / "neuron.svg")
    assert path == str(tmp_path / "neuron.svg")
    texts = svg_texts(path)
    for expected in ("tanh", "+", "*", "data 0.7071", "grad -1.5000", "x1"):
        assert expected in texts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neuron.svg"]  # no stray source file


def test_render_graph_writes_other_formats_to_exactly_the_path(tmp_path):
    y = Value(2.0, label="x").exp()
    png = render_graph(y, tmp_path / "graph.png", format="png")
    pdf = render_graph(y, str(tmp_path / "sub" / "graph"), format="pdf", rankdir="TB")
    assert Path(png).read_bytes()[:4] == b"\x89PNG"
    assert Path(pdf).read_bytes()[:4] == b"%PDF"
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == [
        "graph.png",
        "sub",
        "sub/graph",
    ]


def test_render_graph_rejects_unknown_formats(tmp_path):
    with pytest.raises(ValueError, match="unknown format 'svgz2'"):
        render_graph(Value(1.0) * 2, tmp_path / "g", format="svgz2")


def test_render_graph_without_dot_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError) as info:
        render_graph(neuron()[0], tmp_path / "neuron.svg")
    message = str(info.value)
    assert "apt-get install graphviz" in message
    assert "brew install graphviz" in message
    assert "conda install" in message
    assert not (tmp_path / "neuron.svg").exists()


def test_render_graph_with_dot_missing_from_path(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        render_graph(neuron()[0], tmp_path / "neuron.svg")


def test_render_graph_turns_graphviz_executable_not_found_into_the_hint(monkeypatch, tmp_path):
    monkeypatch.setattr(render.shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setenv("PATH", str(tmp_path))  # graphviz itself then cannot start dot
    with pytest.raises(RuntimeError, match="brew install graphviz"):
        render_graph(neuron()[0], tmp_path / "neuron.svg")
    assert list(tmp_path.iterdir()) == []


# -- the neuron demo ----------------------------------------------------------------------------


def demo_neuron():
    """demos.neuron, or a skip naming what the demos need (the 'demos' extra)."""
    pytest.importorskip(
        "matplotlib", reason="the demos need matplotlib (pip install -e '.[demos]')"
    )
    pytest.importorskip("tqdm", reason="the demos need tqdm (pip install -e '.[demos]')")
    from demos import neuron

    return neuron


def test_neuron_demo_draws_the_lecture_neuron(tmp_path):
    demo = demo_neuron()

    result = demo.run(tmp_path)
    assert result["files"] == [str(tmp_path / "neuron.svg")]
    assert result["output"] == pytest.approx(0.7071067811865476)
    assert result["d o / d x1"] == pytest.approx(-1.5)
    assert result["d o / d w1"] == pytest.approx(1.0)
    assert result["d o / d x2"] == pytest.approx(0.5)
    assert result["d o / d w2"] == pytest.approx(0.0)
    texts = svg_texts(tmp_path / "neuron.svg")
    assert "x1*w1 + x2*w2" in texts and "grad 0.5000" in texts


def test_neuron_demo_command_line_prints_what_it_wrote(tmp_path, capsys):
    demo = demo_neuron()

    assert demo.main(["--out", str(tmp_path)]) == 0
    assert f"wrote {tmp_path / 'neuron.svg'}" in capsys.readouterr().out


def test_gallery_neuron_picture_is_committed_and_parses():
    path = Path(__file__).resolve().parents[3] / "demos" / "gallery" / "neuron.svg"
    texts = svg_texts(path)
    assert "data 0.7071" in texts and "grad -1.5000" in texts
