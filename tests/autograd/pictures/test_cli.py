"""The autograd-draw command line: the neuron example, the whitelist, errors and options."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import autograd.pictures.cli as draw
import autograd.pictures.render as render
from autograd.pictures.cli import main

NEURON = ["tanh(x1*w1 + x2*w2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"]
REPO = Path(__file__).resolve().parents[3]


def printed_grads(out: str) -> dict[str, float]:
    return {m[0]: float(m[1]) for m in re.findall(r"d/d(\w+)\s*= (\S+)", out)}


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def evaluations(monkeypatch):
    """Counts how often the CLI gets as far as evaluating an expression."""
    calls = []
    real = draw._evaluate

    def counting(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(draw, "_evaluate", counting)
    return calls


def test_neuron_example_prints_output_and_gradients_and_writes_svg(in_tmp, capsys):
    assert main([*NEURON, "-o", "neuron.svg"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "tanh(x1*w1 + x2*w2 + b) = 0.707107"
    grads = printed_grads(out)
    assert grads == pytest.approx({"x1": -1.5, "x2": 0.5, "w1": 1.0, "w2": 0.0, "b": 0.5})
    assert "wrote neuron.svg" in out
    texts = [
        t.text
        for t in ET.parse(in_tmp / "neuron.svg").getroot().iter("{http://www.w3.org/2000/svg}text")
    ]
    for expected in ("tanh", "*", "+", "x1", "data 0.7071", "grad -1.5000"):
        assert expected in texts
    assert sorted(p.name for p in in_tmp.iterdir()) == ["neuron.svg"]


def test_default_output_is_out_svg(in_tmp, capsys):
    assert main(["x*x", "x=3"]) == 0
    assert (in_tmp / "out.svg").exists()
    assert printed_grads(capsys.readouterr().out) == {"x": 6.0}


HOSTILE = [
    ("__import__('os').system('touch PWNED')", "call"),
    ("__import__('os')", "__import__"),
    ("x.__class__", "attribute access"),
    ("x.__class__.__bases__[0].__subclasses__()", "call"),
    ("(lambda: 1)()", "call"),
    ("lambda: x", "lambda"),
    ("[x for x in (1, 2)]", "comprehension"),
    ("sum(x for x in (1, 2))", "'sum'"),
    ("'touch PWNED'", "str constant"),
    ("b'x'", "bytes constant"),
    ("x if x else 1", "conditional"),
    ("x < 1", "comparison"),
    ("(x := 1)", "assignment"),
    ("tanh(x=x)", "keyword"),
    ("tanh(*[x])", "starred"),
    ("tanh(x, x)", "exactly one argument"),
    ("elu(x, x)", "must be a number"),
    ("open('PWNED', 'w')", "'open'"),
    ("exec('1')", "'exec'"),
    ("x // 2", "operator"),
    ("x @ x", "operator"),
    ("not x", "operator"),
    ("True + x", "bool constant"),
    ("1j * x", "complex constant"),
    ("[x]", "list"),
    ("f'{x}'", "f-string"),
    ("y * x", "unknown name 'y'"),
    ("tanh", "is a function"),
    ("x +", "not a valid expression"),
    ("x; import os", "not a valid expression"),
    ("x * 1e999", "not finite"),
    ("x * 1" + "0" * 400, "not finite"),
    ("x\0", "not a valid expression"),
]


@pytest.mark.parametrize(("expr", "reason"), HOSTILE)
def test_expressions_outside_the_whitelist_are_rejected_and_nothing_runs(
    expr, reason, in_tmp, capsys, evaluations
):
    assert main([expr, "x=1", "-o", "g.svg"]) == 2
    err = capsys.readouterr().err
    assert "autograd-draw: error:" in err
    assert reason in err
    assert evaluations == []
    assert list(in_tmp.iterdir()) == []  # no graph, no PWNED


def test_hundred_thousand_deep_expression_is_rejected_quickly(in_tmp, capsys, evaluations):
    deep = "(" * 100_000 + "x" + ")" * 100_000
    start = time.perf_counter()
    assert main([deep, "x=1"]) == 2
    assert time.perf_counter() - start < 5
    assert "10,000" in capsys.readouterr().err
    assert evaluations == []


@pytest.mark.parametrize(
    "expr",
    [
        "-" * 9_000 + "x",  # deep unary chain under the length limit
        "(" * 300 + "x" + ")" * 300,  # more parentheses than Python's parser allows
        "+".join(["x"] * 3_000),  # long left-nested sum
        "tanh(" * 1_500 + "x" + ")" * 1_500,
    ],
)
def test_deeply_nested_expressions_are_rejected_with_a_clear_message(
    expr, in_tmp, capsys, evaluations
):
    assert main(["-o", "g.svg", "--", expr, "x=1"]) == 2
    err = capsys.readouterr().err
    assert re.search(r"nested too deeply|too many nested|more than 2,000 parts", err), err
    assert evaluations == []
    assert list(in_tmp.iterdir()) == []


def test_long_but_shallow_expression_within_limits_works(in_tmp, capsys):
    expr = "+".join(["x*0.5"] * 300)
    assert main([expr, "x=2"]) == 0
    assert printed_grads(capsys.readouterr().out) == pytest.approx({"x": 150.0})


@pytest.mark.parametrize(
    ("expr", "inputs", "message"),
    [
        ("log(x)", ["x=-1"], "log"),
        ("x / y", ["x=1", "y=0"], "division by zero"),
        ("1 / 0", [], "division by zero"),
        ("sqrt(x)", ["x=-4"], "sqrt"),
        ("(-8) ** 0.5", [], "not real"),
        ("9 ** 9 ** 9", [], "overflows"),
        ("exp(x)", ["x=1000"], "overflows"),
    ],
)
def test_math_errors_exit_1_with_the_engine_message(expr, inputs, message, in_tmp, capsys):
    assert main([expr, *inputs]) == 1
    err = capsys.readouterr().err
    assert "math error" in err and message in err
    assert list(in_tmp.iterdir()) == []


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (["x=abc"], "not a number"),
        (["x=1", "x=2"], "given twice"),
        (["1x=2"], "NAME=NUMBER"),
        (["x"], "NAME=NUMBER"),
        (["x=nan"], "finite"),
        (["x=inf"], "finite"),
    ],
)
def test_bad_inputs_exit_2(inputs, message, in_tmp, capsys):
    assert main(["x * 2", *inputs]) == 2
    assert message in capsys.readouterr().err


def test_unused_input_gets_a_note_and_zero_gradient(in_tmp, capsys):
    assert main(["x * 2", "x=1", "y=5"]) == 0
    captured = capsys.readouterr()
    assert "y does not appear" in captured.err
    assert printed_grads(captured.out) == {"x": 2.0, "y": 0.0}


def test_functions_and_optional_second_argument(in_tmp, capsys):
    assert main(["leaky_relu(x, 0.2) + elu(x, -1.5) + sigmoid(x)", "x=-1"]) == 0
    out = capsys.readouterr().out
    # 0.2 + (-1.5 * e**-1) + sigmoid'(-1)
    expected = 0.2 + (-1.5 * 0.36787944117144233) + 0.19661193324148185
    assert printed_grads(out)["x"] == pytest.approx(expected, rel=1e-5)


def test_expression_of_numbers_only_still_draws_a_graph(in_tmp, capsys):
    assert main(["tanh(2) * 3"]) == 0
    assert capsys.readouterr().out.startswith("tanh(2) * 3 = 2.89")
    assert (in_tmp / "out.svg").exists()


def test_format_comes_from_the_extension_or_the_flag(in_tmp):
    assert main(["x*x", "x=1", "-o", "g.png"]) == 0
    assert (in_tmp / "g.png").read_bytes()[:4] == b"\x89PNG"
    assert main(["x*x", "x=1", "-o", "graph", "--format", "pdf"]) == 0
    assert (in_tmp / "graph").read_bytes()[:4] == b"%PDF"
    assert main(["x*x", "x=1", "--format", "png"]) == 0
    assert (in_tmp / "out.png").exists()
    assert main(["x*x", "x=1", "-o", "g.unknownfmt"]) == 2
    assert main(["x*x", "x=1", "--format", "nope"]) == 2


def test_rankdir_and_no_grad_reach_the_picture(in_tmp, monkeypatch, capsys):
    seen = {}

    def fake_render(root, path, format="svg", **kw):
        seen.update(kw, format=format, path=path)
        return path

    monkeypatch.setattr(draw, "render_graph", fake_render)
    assert main(["x*x", "x=1", "--rankdir", "TB", "--no-grad", "-o", "g.svg"]) == 0
    assert seen == {"rankdir": "TB", "show_grad": False, "format": "svg", "path": "g.svg"}


def test_no_grad_picture_has_no_gradients(in_tmp):
    assert main([*NEURON, "--no-grad", "-o", "n.svg"]) == 0
    texts = [
        t.text or ""
        for t in ET.parse(in_tmp / "n.svg").getroot().iter("{http://www.w3.org/2000/svg}text")
    ]
    assert "data 0.7071" in texts and not any("grad" in t for t in texts)


def test_missing_dot_exits_1_with_install_hint(in_tmp, monkeypatch, capsys):
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    assert main([*NEURON]) == 1
    captured = capsys.readouterr()
    assert "apt-get install graphviz" in captured.err
    assert printed_grads(captured.out)["x1"] == pytest.approx(-1.5)  # the numbers still print
    assert list(in_tmp.iterdir()) == []


def test_help_explains_usage_with_the_neuron_example(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "tanh(x1*w1 + x2*w2 + b)" in out
    for option in ("-o", "--format", "--rankdir", "--no-grad"):
        assert option in out


def test_expression_starting_with_minus_goes_after_double_dash(in_tmp, capsys):
    assert main(["-o", "g.svg", "--", "-x*x", "x=3"]) == 0
    assert printed_grads(capsys.readouterr().out) == {"x": -6.0}


def test_argparse_errors_exit_2(capsys):
    assert main([]) == 2
    assert "EXPR" in capsys.readouterr().err


def test_python_dash_m_autograd_draw_is_the_entry_point(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "autograd.draw", *NEURON, "-o", "neuron.svg"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # in particular, no runpy warning
    assert printed_grads(done.stdout) == pytest.approx(
        {"x1": -1.5, "x2": 0.5, "w1": 1.0, "w2": 0.0, "b": 0.5}
    )
    ET.parse(tmp_path / "neuron.svg")


def test_python_dash_m_rejects_hostile_input_with_exit_code_2(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-m", "autograd.draw", "__import__('os').system('touch PWNED')", "x=1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 2
    assert "rejected call" in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_console_script_autograd_draw_points_at_main():
    scripts = importlib.metadata.entry_points(group="console_scripts")
    (script,) = [s for s in scripts if s.name == "autograd-draw"]
    assert script.value == "autograd.draw:main"
    assert script.load() is main
