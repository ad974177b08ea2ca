"""Animate: watch backprop walk through the README's tanh neuron, one node per frame.

``animate_backward(o)`` recomputes the reverse sweep step by step: frame 0 is
the seed do/do = 1 at the output, then each node in backward's order sends
"local derivative x upstream gradient" to its inputs, where contributions add
up. The demo writes the frames as an animated GIF (for places where scripts
cannot run, like the README) and as one self-contained HTML page with step /
play controls (arrow keys work; ``neuron_backward.html#step=3`` opens step 3).
Run: ``python -m demos.animate [--out DIR]``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from autograd import animate_backward
from demos._common import cli
from demos.neuron import neuron


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    """Animate the neuron's backward pass into ``out_dir/neuron_backward.{gif,html}``."""
    o, inputs = neuron()
    animation = animate_backward(o)
    out_dir = Path(out_dir)
    files = [animation.save(out_dir / "neuron_backward.html"),
             animation.save(out_dir / "neuron_backward.gif")]
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


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
