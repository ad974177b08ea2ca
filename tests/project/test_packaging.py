"""Packaging: the version, the license, and what the wheel and the sdist hold.

The full check, building both distributions and installing them into fresh
virtual environments, takes a minute or two; it runs in ``make dist-check``
(and here when ``BACKPROPLAB_DIST_CHECK=1``), see ``test_dist_check``.
"""

import math
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import autograd
from autograd.system import environment

ROOT = Path(__file__).parents[2]
PYPROJECT_TEXT = (ROOT / "pyproject.toml").read_text(encoding="utf-8")


def pyproject(key: str) -> str:
    """A ``key = "value"`` of pyproject.toml's [project] table (tomllib is Python 3.11+)."""
    project = PYPROJECT_TEXT.split("[project]", 1)[1].split("\n[", 1)[0]
    found = re.search(rf"^{key} = (.+)$", project, re.M)
    assert found, f"no {key} in pyproject.toml's [project]"
    return found.group(1).strip()


VERSION = pyproject("version").strip('"')


def test_version_is_pyprojects():
    assert VERSION == environment.SOURCE_VERSION  # what a checkout not installed reports
    assert autograd.__version__ == VERSION  # installed (metadata) or not (the fallback)


def test_version_falls_back_to_the_source_version_when_not_installed(monkeypatch):
    from importlib import metadata

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(environment.metadata, "version", not_installed)
    assert environment.package_version() == environment.SOURCE_VERSION


def test_license_is_mit_and_credits_the_data():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "Permission is hereby granted" in text
    assert "names.txt" in text and "Andrej Karpathy" in text  # the demos' data set
    assert pyproject("license") == '"MIT"' and pyproject("license-files") == '["LICENSE"]'


# -- the distributions, built and installed -------------------------------------------------------
PACKAGES = ["autograd", "autograd/core", "autograd/pictures", "autograd/system", "nn"]
SHIPPED_SOURCE = ["autograd", "nn", "tests", "demos", "benchmarks"]  # folders the sdist holds


def build_distributions(out: Path) -> tuple[Path, Path]:
    """``python -m build`` into ``out``: the sdist, then the wheel built from it."""
    pytest.importorskip("build", reason="the 'build' package is not installed (the test extra)")
    from importlib import metadata

    try:  # no download: this environment's setuptools, when it is recent enough to build us
        recent = int(metadata.version("setuptools").split(".")[0]) >= 77
    except (metadata.PackageNotFoundError, ValueError):
        recent = False
    isolated = ["--no-isolation"] if recent else []
    result = subprocess.run(
        [sys.executable, "-m", "build", *isolated, "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=out,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return sdist, wheel


def fresh_venv(where: Path) -> Path:
    """A venv without pip whose dependencies (numpy, pytest, ...) are this environment's.

    A ``.pth`` line appends this environment's site-packages to the new one's path, after
    its own: packages installed into the venv win, and nothing is downloaded.
    """
    import sysconfig

    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(where)], check=True, timeout=300
    )
    python = where / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = subprocess.run(
        [python, "-c", purelib], capture_output=True, text=True, check=True
    ).stdout.strip()
    (Path(site) / "_backproplab_test_deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    return python


def pip_install(python: Path, target: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--disable-pip-version-check",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


SMOKE = """
import sys, autograd, nn
from autograd import Tensor, Value
assert autograd.__file__.startswith(sys.prefix), autograd.__file__  # the installed copy
assert nn.__file__.startswith(sys.prefix), nn.__file__
x = Value(2.0); y = (x * x).tanh(); y.backward()
model = nn.MLP([2, 4, 1]); out = model(Tensor([[0.5, -0.5]])).sum(); out.backward()
from importlib.resources import files  # the animation page ships as package data
assert files("autograd.pictures").joinpath("page/player.js").is_file()
print(autograd.__version__, round(x.grad, 6), next(model.parameters()).grad.shape)
"""


def test_distributions(tmp_path):
    """Build the wheel and the sdist, check what each holds, install each in a fresh venv.

    The wheel's venv runs a smoke import; the sdist is unpacked, installed and its
    test suite is collected (every test module imports). ``make dist-check`` sets
    ``BACKPROPLAB_DIST_CHECK=full`` to run that whole suite from the unpacked sdist.
    """
    sdist, wheel = build_distributions(tmp_path)
    version = VERSION
    assert (sdist.name, wheel.name) == (
        f"backproplab-{version}.tar.gz",
        f"backproplab-{version}-py3-none-any.whl",
    )

    names = set(zipfile.ZipFile(wheel).namelist())
    assert f"backproplab-{version}.dist-info/licenses/LICENSE" in names
    for package in PACKAGES:
        assert f"{package}/__init__.py" in names, package
    assert {"autograd/py.typed", "nn/py.typed"} <= names
    tops = {name.split("/")[0] for name in names}
    assert tops == {"autograd", "nn", f"backproplab-{version}.dist-info"} | (
        {"backproplab"} if (ROOT / "backproplab").is_dir() else set()
    )  # no tests, demos
    assert not [n for n in names if n.endswith((".pyc", ".pyo")) or "__pycache__" in n]
    package_data = {
        str(p.relative_to(ROOT))
        for top in tops - {f"backproplab-{version}.dist-info"}
        for p in (ROOT / top).rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert package_data - names == set()  # py.typed, the animation page's html, css and js

    prefix = f"backproplab-{version}/"
    with tarfile.open(sdist) as archive:
        members = {name.removeprefix(prefix) for name in archive.getnames()}
    for needed in [
        "LICENSE",
        "README.md",
        "pyproject.toml",
        "tests/conftest.py",
        "demos/data/names.txt",
        "demos/data/names.LICENSE",
    ]:
        assert needed in members, needed
    source = {
        str(p.relative_to(ROOT))
        for folder in SHIPPED_SOURCE
        for p in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert source - members == set()  # every module, test, __init__.py and conftest.py
    assert not [n for n in members if n.endswith((".pyc", ".pyo")) or "__pycache__" in n]

    wheel_python = fresh_venv(tmp_path / "wheel-venv")
    pip_install(wheel_python, wheel)
    elsewhere = tmp_path / "elsewhere"  # not the checkout: '' leads sys.path
    elsewhere.mkdir()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}
    smoke = subprocess.run(
        [wheel_python, "-c", SMOKE],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=300,
    )
    assert smoke.returncode == 0, smoke.stderr
    dy_dx = str(round(2 * 2.0 * (1 - math.tanh(4.0) ** 2), 6))  # d tanh(x*x) / dx at x = 2
    assert smoke.stdout.split() == [version, dy_dx, "(4,", "2)"]
    draw = subprocess.run(
        [tmp_path / "wheel-venv" / "bin" / "autograd-draw", "--help"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=300,
    )
    assert draw.returncode == 0 and "EXPR" in draw.stdout.upper(), draw.stderr

    with tarfile.open(sdist) as archive:
        archive.extractall(tmp_path / "unpacked", filter="data")
    unpacked = tmp_path / "unpacked" / prefix
    sdist_python = fresh_venv(tmp_path / "sdist-venv")
    pip_install(sdist_python, unpacked)
    full = os.environ.get("BACKPROPLAB_DIST_CHECK") == "full"
    suite = [
        sdist_python,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "-x",
        "--deselect",
        "tests/project/test_packaging.py::test_distributions",
    ]
    if not full:
        suite.append("--collect-only")
    result = subprocess.run(
        suite, cwd=unpacked, env=env, timeout=3600, capture_output=not full, text=True
    )
    output = "" if full else result.stdout[-5000:] + result.stderr[-3000:]
    assert result.returncode == 0, output
    if not full:
        assert "error" not in result.stdout.lower().splitlines()[-1], output
