"""Animate: watch backprop walk through the README's tanh neuron, one node per frame.

``animate_backward(o)`` recomputes the reverse sweep step by step: frame 0 is
the seed do/do = 1 at the output, then each node in backward's order sends
"local derivative x upstream gradient" to its inputs, where contributions add
up. The demo writes the frames as an animated GIF (for places where scripts
cannot run, like the README) and as one self-contained HTML page with step /
play controls (arrow keys work; ``neuron_backward.html#step=3`` opens step 3).
With an engine that records backward (``backward(create_graph=True)``), it
also draws the graph of ``x1.grad``: the derivative -1.5 is itself a
computation, w1 * (1 - o*o), that can be differentiated again.
Run: ``python -m demos.animate [--out DIR]``.
"""

from __future__ import annotations

import inspect
import warnings
from pathlib import Path
from typing import Any

from autograd import Value, animate_backward, render_graph
from demos._common import cli
from demos.neuron import neuron


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    """Animate the neuron's backward pass into ``out_dir/neuron_backward.{gif,html}``."""
    o, inputs = neuron()
    animation = animate_backward(o)
    out_dir = Path(out_dir)
    files = [
        animation.save(out_dir / "neuron_backward.html"),
        animation.save(out_dir / "neuron_backward.gif"),
    ]
    picture = gradient_graph(out_dir)
    if picture is not None:
        files.append(picture)
    final = animation.frames[-1].grads
    grads = {name: final[animation.nodes.index(v)] for name, v in inputs.items()}
    return {
        "summary": f"{len(animation.frames)} frames (the seed, then {len(animation.frames) - 1} "
        f"nodes in backward's order); final gradients "
        + ", ".join(f"{name} {g:g}" for name, g in grads.items()),
        "files": files,
        "frames": len(animation.frames),
        **{f"d o / d {name}": g for name, g in grads.items()},
    }


def gradient_graph(out_dir: Path) -> str | None:
    """Draw the graph of x1.grad after ``o.backward(create_graph=True)`` (None if unsupported)."""
    if "create_graph" not in inspect.signature(Value.backward).parameters:
        return None  # this engine's gradients are plain numbers
    o, inputs = neuron()
    with warnings.catch_warnings():  # the leaf-to-.grad cycle: these Values die with the call
        warnings.simplefilter("ignore", UserWarning)
        o.backward(create_graph=True)  # type: ignore[call-arg,unused-ignore]
    grad: Any = inputs["x1"].grad  # a Value: the derivative, as a graph
    grad.label = "x1.grad"
    # show_grad=False: after create_graph the nodes' own grads are graph nodes, not numbers.
    return render_graph(grad, Path(out_dir) / "neuron_gradient_graph.svg", show_grad=False)


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
