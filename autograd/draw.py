"""Placeholder until the rendering issue lands: draw_graph and render_graph."""

from __future__ import annotations

from typing import Any


def draw_graph(root: Any, rankdir: str = "LR", show_grad: bool = True, max_nodes: int = 500) -> Any:
    raise NotImplementedError("draw_graph is being written (issue 3)")


def render_graph(root: Any, path: str, format: str = "svg", **kw: Any) -> str:
    raise NotImplementedError("render_graph is being written (issue 3)")
