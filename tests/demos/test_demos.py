"""Smoke tests: every demo runs on tiny settings and writes valid pictures."""

import importlib
import shutil
from pathlib import Path

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("tqdm")

from demos import DEMOS  # noqa: E402
from demos.__main__ import main as run_all  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
HAS_DOT = shutil.which("dot") is not None


def assert_picture(path: Path) -> None:
    assert path.is_file(), f"{path} was not written"
    head = path.read_bytes()[:400]
    if path.suffix == ".png":
        assert head.startswith(PNG_MAGIC), f"{path} is not a PNG"
    elif path.suffix == ".svg":
        assert b"<svg" in head, f"{path} is not an SVG"
    elif path.suffix == ".gif":
        assert head.startswith(b"GIF89a"), f"{path} is not a GIF"
    elif path.suffix == ".html":
        assert b"<svg" in path.read_bytes(), f"{path} is not a page with the graph's SVG"
    else:
        raise AssertionError(f"unexpected file type {path}")


@pytest.mark.parametrize("name", DEMOS)
def test_demo_runs_quickly_and_writes_its_pictures(name, tmp_path):
    if name in ("neuron", "animate", "derivatives") and not HAS_DOT:
        pytest.skip("Graphviz's dot is not installed")
    module = importlib.import_module(f"demos.{name}")
    result = module.run(tmp_path, quick=True)
    assert result["summary"]
    assert result["files"], f"{name} wrote no files"
    for path in result["files"]:
        assert Path(path).parent == tmp_path
        assert_picture(Path(path))


def test_every_demo_module_is_listed():
    here = Path(__file__).parents[2] / "demos"
    modules = {p.stem for p in here.glob("*.py") if not p.stem.startswith("_")}
    assert modules == set(DEMOS)


def test_demos_main_prints_a_summary_per_demo(tmp_path, capsys):
    assert run_all(["--quick", "--out", str(tmp_path), "sigmoid_autodiff", "perceptron"]) == 0
    out = capsys.readouterr().out
    assert "== sigmoid_autodiff" in out and "== perceptron" in out
    assert "converged=False" in out  # the perceptron never converges on XOR
    assert f"2 demos, 2 files in {tmp_path}/" in out
    assert_picture(tmp_path / "perceptron.png")


def test_demos_main_rejects_an_unknown_demo(tmp_path, capsys):
    with pytest.raises(SystemExit):
        run_all(["--out", str(tmp_path), "no_such_demo"])
    assert "unknown demo(s) no_such_demo" in capsys.readouterr().err


def test_a_demo_runs_alone_from_its_main(tmp_path, capsys):
    from demos import sigmoid_autodiff

    assert sigmoid_autodiff.main(["--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "== sigmoid_autodiff" in out and "max_abs_difference_value" in out
    assert_picture(tmp_path / "sigmoid_autodiff.png")


def test_sigmoid_autodiff_matches_the_formula(tmp_path):
    from demos import sigmoid_autodiff

    result = sigmoid_autodiff.run(tmp_path, quick=True)
    assert float(result["max_abs_difference_value"]) < 1e-12
    assert float(result["max_abs_difference_tensor"]) < 1e-12


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's dot is not installed")
def test_derivatives_nested_grad_matches_tanhs_closed_forms_and_newton_converges(tmp_path):
    from demos import derivatives

    result = derivatives.run(tmp_path, quick=True)
    for k in range(1, 5):
        assert result[f"max_error_derivative_{k}"] < 1e-12
    distances = [float(d) for d in result["newton_distances"].split()]
    assert distances[-1] < 1e-12 and len(distances) <= 10  # Newton: a handful of steps
    svg = (tmp_path / "gradient_graph.svg").read_text()
    assert "dy/dx" in svg and "1 &#45; y*y" in svg  # the backward pass, drawn as nodes


def test_derivatives_hand_formulas_match_finite_differences():
    np = pytest.importorskip("numpy")
    from demos.derivatives import closed_forms

    x, h = np.linspace(-3.0, 3.0, 13), 1e-5
    up, down = closed_forms(x + h), closed_forms(x - h)
    exact = closed_forms(x)
    for k in range(4):  # each formula is the derivative of the one before
        np.testing.assert_allclose((up[k] - down[k]) / (2 * h), exact[k + 1], atol=1e-6)


def test_progress_prints_periodic_lines_when_not_on_a_terminal(capsys):
    from demos._common import progress

    assert list(progress(range(4), "steps", every=0.0)) == [0, 1, 2, 3]
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0].strip() for line in lines] == [
        "steps: 1/4 (25%)",
        "steps: 2/4 (50%)",
        "steps: 3/4 (75%)",
    ]  # none at the end
    assert all("s left" in line for line in lines)
    assert list(progress(iter("ab"), "chars", every=0.0)) == ["a", "b"]  # no length known
    assert capsys.readouterr().err.splitlines()[0].split(",")[0].strip() == "chars: 1"
    assert list(progress(range(3), "quiet", every=60.0)) == [0, 1, 2]  # quick loops: silent
    assert capsys.readouterr().err == ""


def test_every_demo_prints_its_header_before_its_own_output(tmp_path, capsys):
    from demos import gpt

    assert gpt.main(["--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("== gpt\n   GPT on names")
    assert out.index("== gpt") < out.index("samples:") < out.index("gpt done")
    assert run_all(["--quick", "--out", str(tmp_path), "gpt", "perceptron"]) == 0
    out = capsys.readouterr().out
    assert out.index("== gpt") < out.index("samples:") < out.index("== perceptron")


def test_perceptron_log_says_what_its_picture_says(tmp_path):
    from demos import perceptron

    result = perceptron.run(tmp_path, quick=True)
    wrong = result["xor_wrong_at_the_end"]
    assert 0 < wrong < 100  # XOR: no line gets them all
    assert f"the last line gets {wrong} of 100 wrong" in result["xor"]  # the picture's words
