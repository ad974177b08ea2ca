"""The animation page treats labels and op names as data (issue 19, finding 1).

A label used to be able to end the page's script early, add markup or script
(``__DATA__`` followed by markup, with the page filled by chained
``str.replace``) or stop the player (``<!--<script>``, ``__SCRIPT__``). Every
page here is read back with ``html.parser`` and, where Chromium is installed,
opened in a real browser.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import numpy as np
import pytest

from autograd import Op, Tensor, Value, animate_backward
from autograd.pictures import animate
from autograd.pictures.animate import fill_page, json_for_html
from autograd.pictures.render import MAX_LABEL_CHARS, _text
from tests.autograd.pictures.browser import HAS_DOT, dump_dom, needs_browser

needs_dot = pytest.mark.skipif(
    not HAS_DOT,
    reason="needs Graphviz's dot (apt-get install graphviz) to lay out the page's graph",
)

PWNED = "document.title='pwned'"
HOSTILE = [
    f"__DATA__</script><script>{PWNED}</script>",
    f"{{{{data}}}}</script><script>{PWNED}</script>",
    "{{script}}",
    "{{svg}}",
    "{{title}}",
    "__SCRIPT__",
    "__SVG__",
    "__TITLE__",
    "__DATA__",
    "<!--<script>",
    "</script>",
    "</SCRIPT >",
    f'<img src=x onerror="{PWNED}">',
    "<img src=x onerror=document.title=/pwned/.source>",  # with a "__DATA__" label: ran before
    f'"><svg onload="{PWNED}">',
    "]]><!-- -->",
    "line\u2028separator\u2029",
    "&amp; &lt;b&gt;",
    "GRAD0",
    "bell\x07 nul\x00 lone \udc80",
    "z" * 5_000,
]
ROOT_LABELS = [
    HOSTILE[0],
    HOSTILE[1],
    "<!--<script>",
    "__SCRIPT__",
    "</script>",
    "bell\x07 nul\x00 lone \udc80",
]


class Page(HTMLParser):
    """What a browser's parser sees: start tags with attributes, scripts, the page's title
    (the first one: the SVG's elements have titles of their own)."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.title = ""
        self._in: str | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        first_title = tag == "title" and "title" not in [t for t, _ in self.tags[:-1]]
        if (tag == "script" or first_title) and self._in is None:  # the page's own title
            self._in = tag
            if tag == "script":
                self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "title":
            self.title += data


def hostile_graph(root_label: str) -> tuple[Value, list[Value]]:
    """Every hostile label on a leaf, and on an intermediate node each."""
    leaves = [Value(0.1 * (k + 1), label=label) for k, label in enumerate(HOSTILE)]
    out = leaves[0]
    for k, leaf in enumerate(leaves[1:]):
        out = out * 0.5 + leaf.tanh()
        out.label = HOSTILE[(k + 3) % len(HOSTILE)]
    out.label = root_label
    return out, leaves


def assert_page_is_untouched(page: str, title: str, frames: int) -> Page:
    parsed = Page(page)
    names = [tag for tag, _ in parsed.tags]
    assert names.count("script") == 2, "a label added or swallowed a script element"
    assert names.count("title") >= 1 and names.count("style") == 1
    assert not {"img", "iframe", "object", "embed"} & set(names)
    for tag, attrs in parsed.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
    assert parsed.title == title
    data, script = parsed.scripts
    frames_data = json.loads(data)  # the frames survive as valid JSON ...
    assert len(frames_data["frames"]) == frames
    assert script == "\n" + animate._page_file("player.js")  # ... and the player is whole
    return parsed


@needs_dot
@pytest.mark.parametrize("root_label", ROOT_LABELS)
def test_hostile_labels_stay_text_and_the_page_keeps_its_shape(root_label):
    root, leaves = hostile_graph(root_label)
    anim = animate_backward(root)
    page = anim.to_html()
    parsed = assert_page_is_untouched(page, f"backward of {_text(root_label)}", len(anim.frames))
    captions = " ".join(f["caption"] for f in json.loads(parsed.scripts[0])["frames"])
    for leaf in leaves:  # each label reaches the captions as (shortened, escaped) text
        assert _text(leaf.label)[:60] in captions
    page.encode("utf-8")  # lone surrogates were escaped: the page can be written


@needs_dot
def test_hostile_op_names_of_tensor_ops_stay_text():
    x = Tensor([1.0, 2.0], requires_grad=True, label="x")
    y = x
    for name in [
        "</script><script>" + PWNED + "</script>",
        "<!--<script>",
        "{{data}}",
        "__SCRIPT__",
        "GRAD1",
    ]:
        op = Op(name, lambda g, inputs, out, saved, needs: (g,))
        y = op(y.data + 1.0, (y,))
    root = y.sum()
    anim = animate_backward(root)
    assert_page_is_untouched(anim.to_html(), "backward of the result of sum", len(anim.frames))


@needs_dot
def test_long_labels_are_shortened_and_control_characters_escaped():
    x = Value(1.0, label="z" * 5_000 + "\x00")
    y = x.exp()
    y.label = "bell\x07"
    anim = animate_backward(y)
    page = anim.to_html()
    assert "z" * (MAX_LABEL_CHARS + 1) not in page
    assert "(5,001 characters)" in page
    assert "\x00" not in page and "\x07" not in page
    assert r"bell\x07" in page


@needs_dot
def test_the_grad_placeholder_cannot_be_taken_by_a_label():
    x = Value(2.0, label="GRAD0")
    y = x * x
    y.label = "GRAD1"
    page = animate_backward(y).to_html()
    ids = re.findall(r'<text id="(g\d+)"', page)
    assert sorted(ids) == ["g0", "g1"]  # one grad cell per node, and no label took an id
    assert ">GRAD0<" in page and ">GRAD1<" in page  # the labels are shown as written


def test_the_template_is_filled_in_one_pass():
    parts = {
        "title": "{{svg}}",
        "style": "{{script}}",
        "graph_class": "fit",
        "svg": "<svg>{{data}}</svg>",
        "data": "{{title}}",
        "script": "__DATA__",
    }
    page = fill_page(parts)
    assert "<title>{{svg}}</title>" in page  # what was put in is never scanned again
    assert page.count("<svg>{{data}}</svg>") == 1
    assert '<script id="frames" type="application/json">{{title}}</script>' in page
    with pytest.raises(ValueError, match="slots"):
        fill_page({"title": "x"})


@pytest.mark.parametrize("text", ["</script>", "<!--", "]]>", "&amp;", "\u2028\u2029", "<\u2028>&"])
def test_json_for_html_has_no_markup_characters_and_reads_back(text):
    out = json_for_html({"s": text, "n": [1, 2.5]})
    assert not set("<>&\u2028\u2029") & set(out)
    assert json.loads(out) == {"s": text, "n": [1, 2.5]}


@needs_dot
def test_jupyter_iframe_holds_the_whole_page_as_one_attribute():
    root, _ = hostile_graph(HOSTILE[0])
    anim = animate_backward(root)
    shown = Page(anim._repr_html_())
    assert [tag for tag, _ in shown.tags] == ["iframe"]
    assert shown.tags[0][1]["srcdoc"] == anim.to_html()


# -- in a real browser ---------------------------------------------------------------------


@needs_browser
@pytest.mark.parametrize("root_label", ROOT_LABELS)
def test_browser_title_and_dom_are_untouched_and_the_player_starts(root_label, tmp_path):
    root, leaves = hostile_graph(root_label)
    anim = animate_backward(root)
    page = tmp_path / "hostile.html"
    anim.save(page)
    last = len(anim.frames) - 1
    dom = dump_dom(page, f"step={last}")
    parsed = Page(dom)
    names = [tag for tag, _ in parsed.tags]
    assert parsed.title == f"backward of {_text(root_label)}"  # no script renamed the page
    assert names.count("script") == 2 and "img" not in names
    assert not [(t, a) for t, a in parsed.tags if any(k.startswith("on") for k in a)]
    assert f"step {last} / {last}" in dom  # the player ran to the last step
    assert "Backward is done" in dom
    # The last frame's gradients are on the page, e.g. the first leaf's.
    i = anim.nodes.index(leaves[0])
    shown = re.search(rf'<text id="g{i}"[^>]*>grad ([-+.\de]+)</text>', dom)
    assert shown and float(shown.group(1)) == pytest.approx(anim.frames[-1].grads[i], rel=1e-3)


@needs_browser
def test_browser_steps_through_a_hostile_page_with_the_keys(tmp_path):
    root, _ = hostile_graph("<!--<script>")
    anim = animate_backward(root)
    page = tmp_path / "hostile.html"
    anim.save(page)
    # The user's key presses, appended after the page (as a second visitor script would be).
    keys = (
        "<script>['End', 'ArrowLeft', 'ArrowLeft'].forEach(function (k) {"
        "document.dispatchEvent(new KeyboardEvent('keydown', {key: k})); });</script>"
    )
    scripted = tmp_path / "keys.html"
    scripted.write_text(
        page.read_text(encoding="utf-8").replace("</body>", keys + "</body>"), encoding="utf-8"
    )
    last = len(anim.frames) - 1
    assert f"step {last - 2} / {last}" in dump_dom(scripted)


def test_pages_without_labels_still_name_the_root():
    y = Value(2.0) * np.float64(3.0)
    assert animate_backward(y)._name(y) == "the result of *"
