"""The drawing command: hostile input evaluates nothing; output errors, atomic pictures, single-
file formats, labels dot cannot read.
"""

from __future__ import annotations

import os
import re
import shutil

import pytest

import autograd.pictures.cli as draw
import nn
from autograd import (
    Tensor,
    Value,
    render_graph,
)

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is missing")


# -- the draw CLI ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "expr, message",
    [
        ("__import__('os').system('touch SENTINEL')", "rejected call"),
        ("open('SENTINEL', 'w').write('x')", "rejected call"),
        ("x + " * 250_000 + "x", "the limit is 10,000"),  # 1 MB
        ("(" * 500_000 + "x" + ")" * 500_000, "the limit is 10,000"),  # 10^6 characters, nested
        ("(" * 4_000 + "x" + ")" * 4_000, "nested"),  # under the length limit
    ],
)
def test_draw_cli_rejects_hostile_and_huge_expressions_without_evaluating(
    tmp_path, monkeypatch, capsys, expr, message
):
    monkeypatch.chdir(tmp_path)
    evaluated = []
    monkeypatch.setattr(draw, "_evaluate", lambda *a: evaluated.append(a))
    assert draw.main([expr, "x=1", "-o", "g.svg"]) == 2
    err = capsys.readouterr().err
    assert "autograd-draw: error:" in err and re.search(message, err), err[:300]
    assert len(err) < 2_000  # the message does not echo a megabyte back
    assert evaluated == []
    assert list(tmp_path.iterdir()) == []  # no SENTINEL, no picture


# -- 17. the drawing command's output errors, and atomic pictures -----------------------------
@needs_dot
@pytest.mark.parametrize(
    "output, message",
    [
        ("DIR", "is a directory, not a regular file"),
        ("", "the output path is empty"),
        ("FIFO", r"is a FIFO \(named pipe\), not a regular file"),
        ("FILE/g.svg", "Not a directory|File exists"),
    ],
)
def test_draw_cli_output_errors_exit_2_with_a_message(
    tmp_path, monkeypatch, capsys, output, message
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "DIR").mkdir()
    os.mkfifo(tmp_path / "FIFO")
    reader = os.open(tmp_path / "FIFO", os.O_RDONLY | os.O_NONBLOCK)  # a writer never blocks
    (tmp_path / "FILE").write_text("x")
    before = sorted(os.listdir(tmp_path))
    try:
        assert draw.main(["x*2", "x=1", "-o", output]) == 2
    finally:
        os.close(reader)
    err = capsys.readouterr().err
    assert re.search(rf"autograd-draw: error: .*({message})", err), err
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == before


@needs_dot
def test_a_failed_picture_write_keeps_the_old_picture_whole(tmp_path, monkeypatch, capsys):
    path = tmp_path / "g.svg"
    assert draw.main(["x*2", "x=1", "-o", str(path)]) == 0
    old = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    assert draw.main(["tanh(x*3)", "x=1", "-o", str(path)]) == 2
    assert "autograd-draw: error: cannot write" in capsys.readouterr().err
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["g.svg"]
    with pytest.raises(OSError, match="No space left"):
        render_graph(Value(1.0).exp(), path)
    assert path.read_bytes() == old and os.listdir(tmp_path) == ["g.svg"]


# -- 18. only formats that write one file -----------------------------------------------------
@needs_dot
@pytest.mark.parametrize("fmt", ["vrml", "x11", "xlib", "gtk"])
def test_render_graph_and_the_cli_accept_only_single_file_formats(
    tmp_path, monkeypatch, capsys, fmt
):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(
        ValueError, match=f"render_graph: format '{fmt}' does not write a single file"
    ):
        render_graph(Value(1.0, label="a") * 2, tmp_path / "g.out", format=fmt)
    assert draw.main(["x*2", "x=1", "--format", fmt]) == 2
    assert draw.main(["x*2", "x=1", "-o", f"g.{fmt}"]) == 2
    assert f"format '{fmt}' does not write a single file" in capsys.readouterr().err
    assert os.listdir(tmp_path) == []  # no node1.png ... in the current folder


# -- 19. labels dot cannot read ---------------------------------------------------------------
@needs_dot
@pytest.mark.parametrize(
    "label, shown",
    [
        ("a\x00b", r"a\x00b"),
        ("x\udc80y", r"x\udc80y"),
        ("bell\x07", r"bell\x07"),
        ("end\\", "end\\"),
        ("<b>", "&lt;b&gt;"),
        ("z" * 20_000, "... (20,000 characters)"),
    ],
)
def test_labels_with_nul_surrogates_huge_length_or_a_trailing_backslash_render_escaped(
    tmp_path, label, shown
):
    x = Value(2.0, label=label)
    y = (x * 3).tanh()
    y.backward()
    with open(render_graph(y, tmp_path / "g.svg"), encoding="utf-8") as f:
        svg = f.read()
    assert shown in svg
    assert len(svg) < 10_000


@needs_dot
def test_a_module_name_ending_in_a_backslash_renders(tmp_path):
    class Scale(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter([2.0])

        def forward(self, x):
            return x * self.w

    root = nn.Module()
    setattr(root, "odd\\", Scale())
    setattr(root, "long" + "n" * 20_000, Scale())
    out = (
        getattr(root, "odd\\")(Tensor([1.0])) + getattr(root, "long" + "n" * 20_000)(Tensor([1.0]))
    ).sum()
    out.backward()
    with open(render_graph(out, tmp_path / "m.svg"), encoding="utf-8") as f:
        svg = f.read()
    assert "odd\\" in svg and "(20,004 characters)" in svg
