"""Jupyter and the command line without Graphviz's ``dot`` (issue 20).

``draw_graph`` needs no ``dot``; showing its Digraph in a notebook, rendering a
file and the animation page do. Without ``dot`` each says, in one line and with
no traceback from inside graphviz, what is missing and how to install it on each
platform. ``dot`` is taken away by emptying PATH (graphviz then cannot start it),
or by making ``shutil.which`` find nothing.
"""

from __future__ import annotations

import html
import os
import subprocess
import sys
from pathlib import Path

import graphviz
import pytest

import autograd.pictures.render as render
from autograd import Value, animate_backward, draw_dot, draw_graph, render_graph
from autograd.pictures.cli import main
from autograd.pictures.render import INSTALL_HINT, GraphvizNotFoundError
from tests.autograd.pictures.browser import HAS_DOT

ROOT = Path(__file__).resolve().parents[3]
PLATFORMS = [
    "sudo apt-get install graphviz",
    "brew install graphviz",
    "conda install -c conda-forge graphviz",
    "winget install graphviz",
    "choco install graphviz",
]


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """PATH holds one empty folder: neither shutil.which nor graphviz finds ``dot``."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return tmp_path


def neuron() -> Value:
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    o = (x * w + 6.88).tanh()
    o.label = "o"
    o.backward()
    return o


def assert_is_the_hint(text: str) -> None:
    text = html.unescape(text)
    assert "'dot'" in text and "not found" in text
    for command in PLATFORMS:
        assert command in text, command
    assert "Traceback" not in text and "ExecutableNotFound" not in text


def no_chained_traceback(exc: BaseException) -> bool:
    """Python prints no "During handling of the above exception" part for ``exc``."""
    return exc.__cause__ is None and (exc.__context__ is None or exc.__suppress_context__)


def test_the_hint_is_one_line_naming_every_platform():
    assert "\n" not in INSTALL_HINT
    assert_is_the_hint(INSTALL_HINT)


def test_draw_graph_needs_no_dot_and_its_notebook_display_says_how_to_install_it(no_dot):
    dot = draw_graph(neuron())
    assert isinstance(dot, graphviz.Digraph)
    assert "tanh" in dot.source
    bundle = dot._repr_mimebundle_()  # what Jupyter asks for (graphviz >= 0.19)
    assert set(bundle) == {"text/plain", "text/html"}
    assert_is_the_hint(bundle["text/plain"])
    assert_is_the_hint(bundle["text/html"])
    assert dot._repr_svg_() is None  # older front ends: no picture, and no exception
    assert_is_the_hint(dot._repr_html_())
    assert draw_dot is draw_graph


def test_the_notebook_note_is_escaped_html():
    note = render.missing_dot_html()
    assert note.startswith("<pre") and note.endswith("</pre>")
    assert "&#x27;dot&#x27;" in note  # the quotes of the hint, escaped


@pytest.mark.skipif(not HAS_DOT, reason="needs Graphviz's dot (apt-get install graphviz)")
def test_with_dot_the_notebook_shows_the_svg_as_graphviz_does():
    dot = draw_graph(neuron())
    bundle = dot._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]
    assert "<svg" in dot._repr_svg_()
    assert dot._repr_html_() is None  # the SVG shows, not a note
    assert dot._repr_mimebundle_(include=["image/png"])["image/png"][:4] == b"\x89PNG"


def test_clusters_of_a_module_drawing_keep_the_notebook_display(no_dot):
    import nn
    from autograd import Tensor

    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    out = model(Tensor([[1.0, 2.0]])).sum()
    dot = draw_graph(out)
    assert "cluster_" in dot.source
    assert_is_the_hint(dot._repr_mimebundle_()["text/plain"])


def test_render_graph_raises_one_line_without_graphviz_traceback(no_dot):
    path = no_dot / "g.svg"
    with pytest.raises(GraphvizNotFoundError) as info:
        render_graph(neuron(), path)
    assert isinstance(info.value, RuntimeError)
    assert str(info.value) == INSTALL_HINT
    assert no_chained_traceback(info.value)
    assert not path.exists()


def test_render_graph_when_graphviz_cannot_start_dot(monkeypatch, tmp_path):
    monkeypatch.setattr(render.shutil, "which", lambda name: "/usr/bin/dot")  # "found"...
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # ... but graphviz cannot start it
    with pytest.raises(GraphvizNotFoundError) as info:
        render_graph(neuron(), tmp_path / "g.svg")
    assert no_chained_traceback(info.value)
    assert sorted(os.listdir(tmp_path)) == ["empty-path"]


def test_animate_backward_works_and_its_display_and_save_say_how_to_install_dot(no_dot):
    anim = animate_backward(neuron())
    assert len(anim.frames) == 4  # the frames are data: no dot needed
    assert_is_the_hint(anim._repr_html_())
    assert_is_the_hint(anim.frame_graph(1)._repr_mimebundle_()["text/plain"])
    for make in (
        lambda: anim.save(no_dot / "a.html"),
        anim.to_html,
        lambda: anim.save(no_dot / "a.gif"),
    ):
        with pytest.raises(RuntimeError) as info:
            make()
        assert "apt-get install graphviz" in str(info.value)
    with pytest.raises(GraphvizNotFoundError) as saved:
        anim.save(no_dot / "a.html")
    assert no_chained_traceback(saved.value)
    assert not (no_dot / "a.html").exists()


@pytest.mark.parametrize("extra", [[], ["--animate", "-o", "page.html"]])
def test_command_line_without_dot_prints_one_line_and_no_traceback(tmp_path, extra):
    empty = tmp_path / "empty-path"
    empty.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "autograd.draw", "x*w", "x=2", "w=-3", *extra],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": str(empty)},
    )
    assert done.returncode == 1
    assert done.stderr.strip() == f"autograd-draw: error: {INSTALL_HINT}"
    assert "d/dx = -3" in done.stdout  # the numbers still print
    assert sorted(os.listdir(tmp_path)) == ["empty-path"]


def test_command_line_in_process_without_dot(no_dot, monkeypatch, capsys):
    monkeypatch.chdir(no_dot)
    assert main(["x*2", "x=1", "-o", "g.png"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "brew install graphviz" in err
