"""Static typing: mypy sees every elementwise method and function, with its return type.

The methods and functions are made from the registry but written out one per line, so a
type checker knows them; this runs mypy on ``typing_check.py`` (beside this file), which
marks each line mypy must report.
"""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
CHECKED = Path(__file__).with_name("typing_check.py")
ERROR = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: .*\[(?P<code>[a-z-]+)\]$")
MARK = re.compile(r"#\s*error:\s*(?P<code>[a-z-]+)\s*$")


def expected_errors() -> set[tuple[int, str]]:
    """(line, error code) for every line of typing_check.py marked ``# error: <code>``."""
    lines = CHECKED.read_text(encoding="utf-8").splitlines()
    return {
        (number, mark["code"])
        for number, line in enumerate(lines, 1)
        if (mark := MARK.search(line))
    }


def test_mypy_knows_the_elementwise_methods_and_reports_typos(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--cache-dir",
            str(tmp_path),
            "--no-error-summary",
            "--show-error-codes",
            "--hide-error-context",
            str(CHECKED.relative_to(ROOT)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode in (0, 1), run.stdout + run.stderr  # 2: mypy itself failed
    reported = set()
    for line in run.stdout.splitlines():
        match = ERROR.match(line)
        if match is None:
            continue
        assert Path(match["path"]).name == CHECKED.name, f"mypy error outside the check: {line}"
        reported.add((int(match["line"]), match["code"]))
    expected = expected_errors()
    typo = next(
        n
        for n, line in enumerate(CHECKED.read_text().splitlines(), 1)
        if line.strip().startswith("x.tahn()")
    )
    assert (typo, "attr-defined") in expected  # the marks are read
    assert reported == expected, run.stdout


@pytest.mark.parametrize("owner", ["value", "tensor"])
def test_a_method_factory_refuses_an_entry_it_would_mistype(owner: str) -> None:
    # ``_method`` is typed as taking no parameters: an entry with some needs ``_method_with``.
    module = importlib.import_module(f"autograd.core.{owner}")
    with pytest.raises(
        TypeError,
        match=r"has parameters \(beta, threshold\); write "
        r"softplus = _method_with\('softplus'\)",
    ):
        module._method("softplus")
    with pytest.raises(TypeError, match=r"has no parameters; write tanh = _method\('tanh'\)"):
        module._method_with("tanh")
    assert module._method("tanh").__qualname__ == f"{owner.capitalize()}.tanh"


def test_a_function_factory_refuses_an_entry_it_would_mistype() -> None:
    from autograd.core import free_functions

    with pytest.raises(TypeError, match=r"write gelu = _elementwise_with\('gelu'\)"):
        free_functions._elementwise("gelu")
    with pytest.raises(TypeError, match=r"write exp = _elementwise\('exp'\)"):
        free_functions._elementwise_with("exp")
