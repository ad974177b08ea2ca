"""Install hygiene: `import autograd`/`import nn` need numpy alone; HIPS autograd next to us warns.

Each check runs in a fresh interpreter (a subprocess), since what matters is what
an import does to a process that has not imported anything yet.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import skip_reason, skip_summary

ROOT = Path(__file__).parents[2]

BLOCK_GRAPHVIZ = """
import importlib.abc, sys
class BlockGraphviz(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "graphviz" or name.startswith("graphviz."):
            raise ModuleNotFoundError("No module named 'graphviz' (blocked by the test)")
        return None
sys.meta_path.insert(0, BlockGraphviz())
"""


def run_python(
    code: str, *args: str, pythonpath: str | None = None, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter; ``pythonpath`` comes before the checkout."""
    env_path = str(ROOT) if pythonpath is None else f"{pythonpath}:{ROOT}"
    return subprocess.run(
        [sys.executable, *args, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={"PYTHONPATH": env_path, "PATH": "/usr/bin:/bin"},
    )


def test_import_autograd_and_nn_without_graphviz():
    result = run_python(
        BLOCK_GRAPHVIZ
        + """
import autograd, nn
from nn import functional as F, optim
from autograd import Value, Tensor
assert "graphviz" not in sys.modules
y = (Value(2.0) * 3).tanh(); y.backward()
print("ok", round(y.data, 3))
"""
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok 1.0"


def test_drawing_without_graphviz_says_what_to_install():
    result = run_python(
        BLOCK_GRAPHVIZ
        + """
from autograd import Value, draw_graph
try:
    draw_graph(Value(1.0) + 2)
except ImportError as exc:
    print(exc)
"""
    )
    assert result.returncode == 0, result.stderr
    assert "needs the 'graphviz' Python package" in result.stdout
    assert "pip install graphviz" in result.stdout


def fake_hips_autograd(tmp_path: Path, version: str = "1.7.0") -> str:
    """An installed-looking HIPS autograd: its dist-info metadata, no code."""
    dist = tmp_path / f"autograd-{version}.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: autograd\nVersion: {version}\n", encoding="utf-8"
    )
    return str(tmp_path)


def test_hips_autograd_in_the_environment_warns_once_naming_both_and_the_fix(tmp_path):
    result = run_python(
        """
import importlib
import autograd
import nn
importlib.reload(autograd)
print(autograd.Value(1.0).data)
""",
        "-W",
        "always",
        pythonpath=fake_hips_autograd(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "1.0"
    assert result.stderr.count("DistributionConflictWarning") == 1, result.stderr
    message = result.stderr
    assert "'backproplab'" in message and "'autograd' 1.7.0" in message
    assert "HIPS autograd" in message and "separate environments" in message


def test_no_warning_without_hips_autograd():
    result = run_python("import autograd, nn", "-W", "error")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def hips_autograd_installed_after_us(tmp_path: Path) -> str:
    """HIPS autograd first on the path: its metadata and an `autograd` package of its own."""
    site = Path(fake_hips_autograd(tmp_path))
    (site / "autograd").mkdir()
    (site / "autograd" / "__init__.py").write_text(
        "def grad(fun, argnum=0):\n    return fun\n", encoding="utf-8"
    )
    return str(site)


@pytest.mark.parametrize("what", ["import nn", "from nn import Linear", "import nn.scalar"])
def test_import_nn_when_hips_autograd_owns_the_name_says_which_and_the_fix(tmp_path, what):
    site = hips_autograd_installed_after_us(tmp_path)
    result = run_python(
        f"""
try:
    {what}
except ImportError as exc:
    print(exc)
""",
        pythonpath=site,
        cwd=tmp_path,
    )  # (not from the checkout: '' leads sys.path)
    assert result.returncode == 0, result.stderr
    message = result.stdout
    assert "HIPS autograd (the 'autograd' distribution 1.7.0)" in message
    assert f"{site}/autograd/__init__.py" in message
    assert "separate environments" in message and "cannot import name" not in message


def test_import_nn_with_a_foreign_autograd_module_already_imported():
    result = run_python("""
import sys, types
sys.modules["autograd"] = types.ModuleType("autograd")
try:
    import nn
except ImportError as exc:
    print(exc)
""")
    assert result.returncode == 0, result.stderr
    assert "`import autograd` gives a package that is not backproplab" in result.stdout
    assert "separate environments" in result.stdout


def test_a_failing_foreign_autograd_is_explained_too(tmp_path):
    site = Path(fake_hips_autograd(tmp_path))
    (site / "autograd").mkdir()
    (site / "autograd" / "__init__.py").write_text(
        "from autograd.differential_operators import grad\n", encoding="utf-8"
    )
    result = run_python(
        """
try:
    import nn
except ImportError as exc:
    print(exc)
""",
        pythonpath=str(site),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "fails (ModuleNotFoundError" in result.stdout
    assert "HIPS autograd (the 'autograd' distribution 1.7.0)" in result.stdout


# -- the skip summary printed at the end of `make test` (tests/conftest.py) ---------------------
@pytest.mark.parametrize(
    ("longrepr", "reason"),
    [
        (
            ("f.py", 1, "Skipped: could not import 'torch': No module named 'torch'"),
            "torch not installed",
        ),
        (("f.py", 1, "Skipped: micrograd is not installed"), "micrograd not installed"),
        (
            ("f.py", 1, "Skipped: could not import 'micrograd.nn': No module named 'micrograd'"),
            "micrograd not installed",
        ),
        (("f.py", 1, "Skipped: this example needs torch"), "torch not installed"),
        (("f.py", 1, "Skipped: needs os.fork"), "needs os.fork"),
    ],
)
def test_skip_reasons_are_named_by_what_is_missing(longrepr, reason):
    assert skip_reason(longrepr) == reason


def test_skip_summary_is_one_line_saying_why():
    assert skip_summary([]) == ""
    assert skip_summary(["torch not installed"] * 131) == (
        "131 oracle tests skipped: torch not installed"
    )
    line = skip_summary(
        ["torch not installed"] * 3 + ["micrograd not installed"] + ["needs os.fork"]
    )
    assert line == (
        "5 tests skipped: 3 oracle tests (torch not installed), "
        "1 oracle test (micrograd not installed), 1 test (needs os.fork)"
    )


def test_pytest_prints_the_skip_summary(tmp_path):
    (tmp_path / "conftest.py").write_text(
        (ROOT / "tests" / "conftest.py").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (tmp_path / "test_oracle.py").write_text(
        textwrap.dedent("""
        import pytest
        def test_one():
            pytest.importorskip("no_such_oracle_package_xyz")
        def test_two():
            pytest.importorskip("no_such_oracle_package_xyz")
        def test_three():
            assert True
    """),
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            "/dev/null",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last == "2 tests skipped: no_such_oracle_package_xyz not installed"
