"""The compare command: first differing printed number, or "same numbers"; and our
course-style scripts print PyTorch's numbers through it."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from backproplab.torch.compare import first_difference

SCRIPTS = sorted((Path(__file__).parent / "scripts").glob("*.py"))
ROOT = Path(__file__).parents[2]


def test_numbers_within_tolerance_or_last_printed_digit_are_the_same():
    assert first_difference("loss 2.45678\n", "loss 2.45679\n", 1e-4) is None
    assert first_difference("tensor(0.1234)\n", "tensor(0.1235)\n", 1e-6) is None
    assert first_difference("x 1e-09\n", "x 5e-09\n", 1e-4, atol=1e-6) is None
    assert first_difference("<obj at 0x7f00ab>\n", "<obj at 0x7e11cd>\n", 1e-4) is None


def test_the_first_differing_number_is_reported_with_its_lines():
    msg = first_difference("a 1.0\nstep 3: 2.5000\n", "a 1.0\nstep 3: 2.6000\n", 1e-4)
    assert msg is not None and msg.startswith("number 3 differs: 2.5000 (PyTorch) vs 2.6000")
    assert "line 2: step 3: 2.5000" in msg


def test_text_and_count_differences_are_reported():
    assert "text differs at line 2" in first_difference("1\nemma\n", "1\nolivia\n", 1e-4)
    assert "printed 2 numbers" in first_difference("1 2\n", "1\n", 1e-4)


def test_the_alias_runner_refuses_torch_modules_it_does_not_offer(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("import torch\nprint(torch.tensor([1, 2]))\nimport torch.fft\n")
    r = subprocess.run(
        [sys.executable, "-m", "backproplab.torch._alias", str(script)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert r.stdout == "tensor([1, 2])\n"
    assert "torch.fft is not supported here" in r.stderr


@pytest.mark.skipif(
    importlib.util.find_spec("torch") is None,
    reason="torch is not installed: the oracle for the course scripts",
)
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_course_style_script_prints_pytorchs_numbers(script):
    r = subprocess.run(
        [sys.executable, "-m", "backproplab.torch.compare", "--seed", "0", str(script)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("same numbers")
