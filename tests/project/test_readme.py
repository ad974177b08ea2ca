"""The README's Python examples run and print what the README says they print."""

import doctest
import importlib.util
import re
from pathlib import Path

import pytest

README = Path(__file__).parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


def _needs(block: str) -> list[str]:
    # a block that imports backproplab.torch as torch uses the facade, not PyTorch
    facade = "import backproplab.torch as torch" in block
    return [
        m
        for m in ("torch", "hypothesis")
        if re.search(rf"^>>> .*\b{m}\b", block, re.M) and not (m == "torch" and facade)
    ]


def test_readme_has_examples():
    assert len(BLOCKS) >= 5
    assert all(">>>" in block for block in BLOCKS), "write README examples as >>> sessions"


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_example_runs(index):
    block = BLOCKS[index]
    for module in _needs(block):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"this example needs {module}")
    test = doctest.DocTestParser().get_doctest(block, {}, f"README block {index}", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []  # (doctest swaps sys.stdout while it runs: collect, then show)
    runner.run(test, out=report.append)
    assert runner.failures == 0, f"README example {index} failed:\n" + "".join(report)
