"""The animation page's HTML, CSS and JavaScript are package-data files (issue 23):
parsed here, shipped by pyproject's package-data, and read through importlib.resources."""

from __future__ import annotations

import shutil
import subprocess
import sys
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest

from autograd.pictures import animate

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[3]
PAGE = ROOT / "autograd" / "pictures" / "page"
FILES = ["player.html", "player.css", "player.js"]
VOID = {
    "meta",
    "link",
    "br",
    "img",
    "input",
    "hr",
    "area",
    "base",
    "col",
    "embed",
    "source",
    "track",
    "wbr",
}


class Balanced(HTMLParser):
    """Checks that every element the template opens is closed, in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.seen: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append(tag)
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if not self.open or self.open[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.open[-1:] or 'nothing'} at {self.getpos()}")
        else:
            self.open.pop()


def test_the_page_files_exist_and_are_read_through_importlib_resources():
    for name in FILES:
        shipped = (resources.files("autograd.pictures") / "page" / name).read_text("utf-8")
        assert shipped == (PAGE / name).read_text(encoding="utf-8")
        assert animate._page_file(name) == shipped


def test_the_html_template_is_well_formed_with_one_slot_each():
    text = (PAGE / "player.html").read_text(encoding="utf-8")
    parser = Balanced()
    parser.feed(text)
    parser.close()
    assert parser.errors == [] and parser.open == []
    assert parser.seen.count("script") == 2 and parser.seen.count("style") == 1
    slots = animate._SLOT.findall(text)
    assert sorted(slots) == sorted({"title", "style", "graph_class", "svg", "data", "script"})
    for element in ("reset", "back", "play", "forward", "counter", "caption", "graph", "frames"):
        assert f'id="{element}"' in text  # what player.js looks up


def test_the_css_has_balanced_braces_and_no_markup():
    css = (PAGE / "player.css").read_text(encoding="utf-8")
    depth = 0
    for ch in css:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth in (0, 1)
    assert depth == 0 and "<" not in css


def test_the_script_cannot_end_its_element_early():
    js = (PAGE / "player.js").read_text(encoding="utf-8")
    lowered = js.lower()
    assert "</script" not in lowered and "<!--" not in lowered and "{{" not in js


@pytest.mark.skipif(
    shutil.which("node") is None,
    reason="needs Node.js to parse the page's JavaScript (apt-get install nodejs)",
)
def test_node_parses_the_player_script():
    done = subprocess.run(
        ["node", "--check", str(PAGE / "player.js")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
