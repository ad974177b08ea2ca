"""Pictures of a graph: ``draw_graph``/``render_graph`` (Graphviz), ``animate_backward``
(a self-contained HTML page) and the ``autograd-draw`` command line.

The only part of ``autograd`` that needs the ``graphviz`` package, imported when drawing.
"""
