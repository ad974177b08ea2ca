"""The committed gallery (demos/gallery/) is what the demo scripts draw today (issue 23).

The graph pictures and the animation page are regenerated into a temporary
folder by the same functions ``make gallery`` (``python -m demos --out
demos/gallery``) runs, and compared with the committed copies. Volatile bits are
normalised: Graphviz's version comment and the layout's coordinates (which move
between Graphviz versions); what is compared is every element, its text, id and
class, in order, and for the page also every byte outside the SVG (title, style,
frames, script). A failure names the stale file and the command that fixes it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.autograd.pictures.browser import HAS_DOT

pytest.importorskip("matplotlib", reason="the demos need matplotlib (the 'demos' extra)")
pytest.importorskip("tqdm", reason="the demos need tqdm (the 'demos' extra)")
pytestmark = pytest.mark.skipif(
    not HAS_DOT, reason="needs Graphviz's dot (apt-get install graphviz) to draw the gallery"
)

GALLERY = Path(__file__).resolve().parents[3] / "demos" / "gallery"
FIX = (
    "regenerate it with `make gallery` (or python -m demos neuron animate derivatives --out "
    "demos/gallery) and commit it"
)
GEOMETRY = {
    "x",
    "y",
    "points",
    "d",
    "width",
    "height",
    "viewBox",
    "transform",
    "cx",
    "cy",
    "rx",
    "ry",
    "x1",
    "x2",
    "y1",
    "y2",
    "font-size",
    "stroke-dasharray",
}


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    from demos import animate, derivatives, neuron

    out = tmp_path_factory.mktemp("gallery")
    neuron.run(out)
    animate.run(out)
    derivatives.write_gradient_graph(out)
    return out


def svg_shape(text: str) -> list[tuple[str, str, str, str]]:
    """Every element of an SVG as (tag, id, class, text), in document order; no geometry."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    text = text[text.index("<svg") :]
    root = ET.fromstring(text)
    shape = []
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        attrs = {k: v for k, v in element.attrib.items() if k not in GEOMETRY}
        shape.append(
            (
                tag,
                attrs.get("id", ""),
                attrs.get("class", ""),
                (element.text or "").strip() + "|" + repr(sorted(attrs.items())),
            )
        )
    return shape


def split_page(page: str) -> tuple[str, str]:
    """(the page outside its SVG, the SVG)."""
    start, end = page.index("<svg"), page.index("</svg>") + len("</svg>")
    return page[:start] + "<svg/>" + page[end:], page[start:end]


@pytest.mark.parametrize("name", ["neuron.svg", "neuron_gradient_graph.svg", "gradient_graph.svg"])
def test_committed_graph_pictures_are_current(regenerated, name):
    committed = (GALLERY / name).read_text(encoding="utf-8")
    fresh = (regenerated / name).read_text(encoding="utf-8")
    assert svg_shape(committed) == svg_shape(fresh), f"demos/gallery/{name} is stale: {FIX}"


def test_committed_animation_page_is_current(regenerated):
    committed = (GALLERY / "neuron_backward.html").read_text(encoding="utf-8")
    fresh = (regenerated / "neuron_backward.html").read_text(encoding="utf-8")
    outside_committed, svg_committed = split_page(committed)
    outside_fresh, svg_fresh = split_page(fresh)
    assert outside_committed == outside_fresh, f"demos/gallery/neuron_backward.html is stale: {FIX}"
    assert svg_shape(svg_committed) == svg_shape(svg_fresh), (
        f"the graph in demos/gallery/neuron_backward.html is stale: {FIX}"
    )


def test_committed_animation_gif_has_the_current_frames(regenerated):
    image = pytest.importorskip("PIL.Image", reason="reading the GIF needs Pillow")
    with (
        image.open(GALLERY / "neuron_backward.gif") as committed,
        image.open(regenerated / "neuron_backward.gif") as fresh,
    ):
        assert committed.n_frames == fresh.n_frames, f"neuron_backward.gif is stale: {FIX}"


def test_the_normalisation_still_sees_a_changed_label(regenerated):
    fresh = (regenerated / "neuron.svg").read_text(encoding="utf-8")
    assert ">grad 0.5000<" in fresh
    assert svg_shape(fresh.replace(">grad 0.5000<", ">grad 0.5001<", 1)) != svg_shape(fresh)
    moved = re.sub(r'x="([\d.]+)"', lambda m: f'x="{float(m.group(1)) + 3}"', fresh)
    assert svg_shape(moved) == svg_shape(fresh)  # a layout shift alone is not staleness
