"""The README's promises point at real tests."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_test_named_in_the_readme_errors_section_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Errors and guarantees", 1)[1].split("\n## ", 1)[0]
    defined = set()
    for path in (ROOT / "tests").rglob("test_*.py"):
        defined.update(re.findall(r"^def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
    named = re.findall(r"`(?:test_\w+\.py::)?(test_\w+\*?)`", section)
    assert len(named) > 30
    missing = [
        n
        for n in named
        if not (any(d.startswith(n[:-1]) for d in defined) if n.endswith("*") else n in defined)
    ]
    assert missing == []
