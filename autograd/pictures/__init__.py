"""Pictures of a graph: ``draw_graph`` (= ``draw_dot``) and ``render_graph`` (render.py,
Graphviz; digraph.py gives their Jupyter display), ``animate_backward`` (animate.py: a
self-contained HTML page whose template, style and script are the package-data files in
``page/``) and the ``autograd-draw`` command line (cli.py).

The only part of ``autograd`` that needs the ``graphviz`` package, imported when drawing;
rendering needs Graphviz's ``dot`` program, and without it every entry point says in one
line how to install it.
"""
