"""Headless Chromium for the page tests: where it is, and how to run it once.

Tests that need it use ``needs_browser``; they skip, saying what to install, when
Chromium or Graphviz's ``dot`` is missing.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

CHROMIUM = next(
    (
        shutil.which(name)
        for name in ("chromium", "chromium-browser", "chromium-headless-shell", "google-chrome")
        if shutil.which(name)
    ),
    None,
)
HAS_DOT = shutil.which("dot") is not None

needs_browser = pytest.mark.skipif(
    CHROMIUM is None or not HAS_DOT,
    reason="needs headless Chromium (Debian/Ubuntu: apt-get install chromium) and Graphviz's "
    "dot (apt-get install graphviz) to open the page in a real browser",
)

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--virtual-time-budget=5000",
)


def chromium(*args: str) -> str:
    """Run Chromium headless with ``args`` (e.g. ``--dump-dom URL``) in a fresh profile;
    returns what it printed (the DOM after the page's scripts ran, for ``--dump-dom``)."""
    assert CHROMIUM is not None
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode("utf-8", errors="replace")


def dump_dom(page: Path, fragment: str = "") -> str:
    """The page's DOM after its scripts ran, opened at ``#fragment`` if given."""
    return chromium("--dump-dom", page.as_uri() + (f"#{fragment}" if fragment else ""))


def screenshot(page: Path, out: Path, size: str = "1100,650", fragment: str = "") -> bytes:
    """A PNG of the page (written to ``out``), opened at ``#fragment`` if given."""
    chromium(
        f"--screenshot={out}",
        f"--window-size={size}",
        page.as_uri() + (f"#{fragment}" if fragment else ""),
    )
    return out.read_bytes()
