"""The ``graphviz.Digraph`` that ``draw_graph`` returns, with a notebook display that
explains a missing ``dot`` instead of printing graphviz's traceback.

Building a Digraph needs no Graphviz program; showing it in Jupyter does (graphviz
runs ``dot`` to make the SVG). Without ``dot`` the display is a short note naming
what is missing and how to install it on each platform. Imported on the first
drawing only: ``import autograd`` needs numpy alone.

>>> import graphviz
>>> issubclass(Digraph, graphviz.Digraph)
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import graphviz

from autograd.pictures.render import INSTALL_HINT, dot_missing, missing_dot_html

__all__ = ["Digraph", "Source"]


class _ExplainsMissingDot:
    """The notebook display of graphviz's objects, with a note instead of a traceback."""

    def _repr_mimebundle_(
        self,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        try:
            return dict(super()._repr_mimebundle_(include, exclude, **kwargs))  # type: ignore[misc]
        except graphviz.ExecutableNotFound:
            return {"text/plain": INSTALL_HINT, "text/html": missing_dot_html()}

    def _repr_svg_(self) -> str | None:
        """The SVG (for front ends that ask for it by this name); None without ``dot``."""
        try:
            return str(self.pipe(format="svg", encoding="utf-8"))  # type: ignore[attr-defined]
        except graphviz.ExecutableNotFound:
            return None

    def _repr_html_(self) -> str | None:
        """Only without ``dot``: the note saying how to install it (else the SVG shows)."""
        return missing_dot_html() if dot_missing() else None


class Digraph(_ExplainsMissingDot, graphviz.Digraph):
    """graphviz's Digraph; in a notebook, a missing ``dot`` shows as a note, not a traceback.

    >>> d = Digraph()
    >>> d.node("a"); "a" in d.source
    True
    """


class Source(_ExplainsMissingDot, graphviz.Source):
    """graphviz's Source (a graph given as DOT text), with the same notebook display.

    >>> "digraph" in Source("digraph { a -> b }").source
    True
    """
