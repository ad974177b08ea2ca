"""Dropout: why inverted dropout divides the kept units by keep_prob.

A unit's linear activation is z = w . a. Dropout keeps each a_i with
probability keep_prob (mask m_i ~ Bernoulli(keep_prob)). Without scaling,
E[w . (m * a)] = keep_prob * z: the next layer sees smaller inputs in
training than in eval mode. Inverted dropout (``nn.Dropout``, p = 1 - keep_prob)
divides the kept units by keep_prob, so E[w . (m * a) / keep_prob] = z and eval
mode can be the identity. We average z over many masks to see it, then compare
a whole network's train-mode outputs with its eval-mode output.
Run: ``python -m demos.dropout``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import nn
from autograd import Tensor, manual_seed, no_grad
from demos._common import cli, plt, save

KEEP_PROBS = [1.0, 0.7, 0.5, 0.3]


def run(out_dir: Path, quick: bool = False) -> dict[str, Any]:
    trials = 500 if quick else 20000
    rng = np.random.default_rng(0)
    a = rng.uniform(0.0, 1.0, 50)  # the previous layer's activations (post-ReLU: >= 0)
    w = rng.normal(0.5, 0.5, 50)  # one unit's weights
    z_eval = float(w @ a)  # eval mode: no dropout

    manual_seed(0)
    batch = np.tile(a, (trials, 1))  # the same activations, one fresh mask per row
    unscaled, scaled = [], []
    for keep in KEEP_PROBS:
        mask = rng.random(batch.shape) < keep
        unscaled.append(float((batch * mask @ w).mean()))  # plain dropout
        with no_grad():
            dropped = nn.Dropout(p=1.0 - keep)(Tensor(batch)).numpy()  # inverted dropout
        scaled.append(float((dropped @ w).mean()))

    # A whole network: dropout after each hidden layer, train mode vs eval mode.
    manual_seed(1)
    net = nn.MLP([10, 64, 64, 1], dropout=0.5)
    x = Tensor(np.tile(rng.normal(0.0, 1.0, 10), (trials, 1)))  # one input, many masks
    with no_grad():
        train_out = net.train()(x).numpy().ravel()
        eval_out = float(net.eval()(x[:1]).item())

    fig, (ax, ax_net) = plt.subplots(1, 2, figsize=(11, 4))
    pos = np.arange(len(KEEP_PROBS))
    ax.bar(pos - 0.2, unscaled, 0.4, color="C3", label="mask only: w . (m * a)")
    ax.bar(pos + 0.2, scaled, 0.4, color="C0", label="inverted: w . (m * a) / keep_prob")
    ax.plot(
        pos - 0.2,
        [keep * z_eval for keep in KEEP_PROBS],
        "k_",
        ms=22,
        mew=2,
        label="keep_prob * z (eval)",
    )
    ax.axhline(z_eval, color="k", ls="--", lw=1, label=f"eval mode: z = w . a = {z_eval:.1f}")
    ax.set_xticks(pos, [str(k) for k in KEEP_PROBS])
    ax.set(
        title=f"mean linear activation over {trials} masks",
        xlabel="keep_prob",
        ylabel="mean of z",
        ylim=(0, 1.6 * z_eval),
    )
    ax.legend(fontsize=7, loc="upper left", ncol=2)
    ax_net.hist(train_out, bins=60, color="C0", alpha=0.7, label="train mode (one per mask)")
    ax_net.axvline(
        float(train_out.mean()), color="C0", lw=2, label=f"train-mode mean {train_out.mean():.3f}"
    )
    ax_net.axvline(eval_out, color="k", ls="--", lw=2, label=f"eval mode {eval_out:.3f}")
    ax_net.set(
        title="MLP 10-64-64-1 with Dropout(0.5): one input", xlabel="network output", ylabel="count"
    )
    ax_net.legend(fontsize=8)
    path = save(fig, out_dir, "dropout.png")
    table = ", ".join(
        f"keep {k}: {u:.2f} vs {s:.2f}"
        for k, u, s in zip(KEEP_PROBS, unscaled, scaled, strict=True)
    )
    return {
        "summary": "mean linear activation under dropout, without vs with 1/keep_prob scaling",
        "eval_activation": z_eval,
        "unscaled_vs_scaled": table,
        "network": f"train-mode mean {train_out.mean():.3f} (std {train_out.std():.3f}) vs "
        f"eval {eval_out:.3f}; the ReLUs make them close, not equal",
        "files": [path],
    }


main = cli(run, __doc__)

if __name__ == "__main__":
    raise SystemExit(main())
