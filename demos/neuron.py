"""Neuron: the classic picture of backprop through one tanh neuron, as in micrograd's lecture.

o = tanh(x1*w1 + x2*w2 + b) with x1=2, x2=0, w1=-3, w2=1 and b chosen so that
the pre-activation n is 0.8814 and o = 0.7071. After ``o.backward()`` every box
of the graph shows its data and its gradient: do/dn = 1 - o**2 = 0.5, which the
``+`` nodes pass unchanged to b, x1*w1 and x2*w2, and each ``*`` node hands to
one input the other input times 0.5 (so x1.grad = w1 * 0.5 = -1.5).
Run: ``python -m demos.neuron [--out DIR]`` (writes DIR/neuron.svg).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autograd import Value, render_graph
from demos._common import cli


def neuron() -> tuple[Value, dict[str, Value]]:
    """The neuron's output and its named inputs, every node labelled like micrograd's."""
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, {"x1": x1, "x2": x2, "w1": w1, "w2": w2, "b": b}


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    """Build the neuron, backpropagate, and draw it to ``out_dir/neuron.svg``."""
    o, inputs = neuron()
    o.backward()
    path = render_graph(o, Path(out_dir) / "neuron.svg")
    grads = ", ".join(f"{name} {v.grad:g}" for name, v in inputs.items())
    return {
        "summary": f"o = tanh(x1*w1 + x2*w2 + b) = {o.data:.4f}; gradients {grads}",
        "files": [path],
        "output": o.data,
        **{f"d o / d {name}": v.grad for name, v in inputs.items()},
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
