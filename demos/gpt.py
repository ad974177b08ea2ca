"""GPT on names: a character-level transformer in microgpt's shape, trained on 32,033 names.

The model is Karpathy's microgpt written with ``nn`` layers: token and position
``Embedding``s, ``RMSNorm`` (no weights), one block of causal
``MultiheadAttention`` (4 heads, no biases) and a ReLU MLP, each with a
residual connection, and a linear head; 16-dim embeddings, context 16.

- Default: mini-batches of 32 names, Adam with linear decay; prints the
  validation loss (on 10% of the names held out) and sampled names, and saves
  a loss-curve picture. It also trains the ``--like-microgpt`` baseline (one
  name per step, 1,000 steps) for comparison.
- ``--like-microgpt``: draws the initial weights and orders the names exactly
  as microgpt does (Python's ``random``, seed 42, its draw order), one name per
  step, Adam(0.85, 0.99) with lr 0.01 decaying linearly: its per-step losses
  match microgpt's scalar run (``--losses FILE`` writes them).

Run: ``python -m demos.gpt [--steps N] [--batch B] [--like-microgpt] [--out DIR]``.
The names are from makemore (MIT license, see demos/data/).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

import nn
from autograd import Tensor, manual_seed, no_grad
from demos._common import header, plt, progress, report, save
from nn import functional as F

DATA = Path(__file__).parent / "data" / "names.txt"


# -- data -----------------------------------------------------------------------------------
def load_names(path: Path = DATA) -> list[str]:
    """One document per non-empty line, as microgpt reads them."""
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


class Tokenizer:
    """Characters -> ids 0..n-1 in sorted order; id n is BOS, which starts and ends a name."""

    def __init__(self, docs: Sequence[str]) -> None:
        self.chars = sorted(set("".join(docs)))
        self.bos = len(self.chars)
        self.vocab_size = len(self.chars) + 1
        self._ids = {c: i for i, c in enumerate(self.chars)}

    def encode(self, doc: str) -> list[int]:
        return [self.bos] + [self._ids[c] for c in doc] + [self.bos]

    def decode(self, ids: Sequence[int]) -> str:
        return "".join(self.chars[i] for i in ids)


def make_batch(
    docs: Sequence[str], tok: Tokenizer, block_size: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inputs and targets (B, T) padded with BOS, and a 0/1 weight per target position."""
    seqs = [tok.encode(d)[: block_size + 1] for d in docs]
    t = max(len(s) for s in seqs) - 1
    x = np.full((len(seqs), t), tok.bos, dtype=np.int64)
    y = np.full((len(seqs), t), tok.bos, dtype=np.int64)
    w = np.zeros((len(seqs), t))
    for i, s in enumerate(seqs):
        x[i, : len(s) - 1], y[i, : len(s) - 1], w[i, : len(s) - 1] = s[:-1], s[1:], 1.0
    return x, y, w


# -- model ----------------------------------------------------------------------------------
class Block(nn.Module):
    """x + attention(norm(x)), then x + mlp(norm(x)); pre-norm residual block, no biases."""

    def __init__(self, n_embd: int, n_head: int) -> None:
        super().__init__()
        self.attn_norm = nn.RMSNorm(n_embd, eps=1e-5, elementwise_affine=False)
        self.attn = nn.MultiheadAttention(n_embd, n_head, bias=False)
        self.mlp_norm = nn.RMSNorm(n_embd, eps=1e-5, elementwise_affine=False)
        self.fc1 = nn.Linear(n_embd, 4 * n_embd, bias=False)
        self.fc2 = nn.Linear(4 * n_embd, n_embd, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        h = self.attn_norm(x)
        x = x + self.attn(h, h, h, need_weights=False, is_causal=True)[0]
        # The MLP on a (B * T, E) matrix: one BLAS call per layer instead of one per name.
        h = self.mlp_norm(x).reshape(-1, x.shape[-1])
        return x + self.fc2(self.fc1(h).relu()).reshape(x.shape)


class GPT(nn.Module):
    """Token ids (B, T) -> next-token logits (B, T, vocab_size)."""

    def __init__(
        self,
        vocab_size: int,
        n_embd: int = 16,
        n_head: int = 4,
        n_layer: int = 1,
        block_size: int = 16,
    ) -> None:
        super().__init__()
        self.block_size = block_size
        self.wte = nn.Embedding(vocab_size, n_embd)
        self.wpe = nn.Embedding(block_size, n_embd)
        self.norm = nn.RMSNorm(n_embd, eps=1e-5, elementwise_affine=False)
        self.blocks = nn.Sequential(*[Block(n_embd, n_head) for _ in range(n_layer)])
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)

    def forward(self, idx: np.ndarray) -> Tensor:
        t = idx.shape[-1]
        if t > self.block_size:
            raise ValueError(
                f"GPT: sequence of length {t} is longer than block_size {self.block_size}"
            )
        x = self.norm(self.wte(idx) + self.wpe(np.arange(t)))
        x = self.blocks(x)
        return self.lm_head(x.reshape(-1, x.shape[-1])).reshape(x.shape[:-1] + (-1,))


def loss_on(model: GPT, x: np.ndarray, y: np.ndarray, w: np.ndarray) -> Tensor:
    """Mean cross-entropy over the real (non-padding) target positions."""
    logits = model(x)
    v = logits.shape[-1]
    return F.cross_entropy(
        logits.reshape(-1, v),
        y.reshape(-1),
        sample_weight=w.reshape(-1),
        reduction="sum_by_nonzero_weights",
    )


def microgpt_init(model: GPT, rng: random.Random, std: float = 0.08) -> None:
    """Overwrite every weight with rng.gauss(0, std) in microgpt's order and layout.

    microgpt draws wte, wpe, lm_head, then per layer wq, wk, wv, wo, fc1, fc2,
    each row by row as (out, in) matrices; wq, wk, wv stacked are in_proj_weight.
    """

    def draw(shape: tuple[int, int]) -> np.ndarray:
        return np.array([[rng.gauss(0, std) for _ in range(shape[1])] for _ in range(shape[0])])

    model.wte.weight.data[...] = draw(model.wte.weight.shape)
    model.wpe.weight.data[...] = draw(model.wpe.weight.shape)
    model.lm_head.weight.data[...] = draw(model.lm_head.weight.shape)
    for block in model.blocks:
        assert isinstance(block, Block)
        e = block.attn.embed_dim
        block.attn.in_proj_weight.data[...] = np.concatenate([draw((e, e)) for _ in range(3)])
        block.attn.out_proj.weight.data[...] = draw((e, e))
        block.fc1.weight.data[...] = draw(block.fc1.weight.shape)
        block.fc2.weight.data[...] = draw(block.fc2.weight.shape)


def sample(model: GPT, tok: Tokenizer, n: int, temperature: float, rng: random.Random) -> list[str]:
    """Names drawn token by token from BOS until BOS (or the context is full)."""
    names = []
    with no_grad():
        for _ in range(n):
            ids = [tok.bos]
            while len(ids) <= model.block_size:
                logits = model(np.array([ids]))[0, -1].data / temperature
                p = np.exp(logits - logits.max())
                nxt = rng.choices(range(tok.vocab_size), weights=(p / p.sum()).tolist())[0]
                if nxt == tok.bos:
                    break
                ids.append(nxt)
            names.append(tok.decode(ids[1:]))
    return names


# -- training -------------------------------------------------------------------------------
def train_like_microgpt(
    steps: int = 1000,
    n_embd: int = 16,
    n_head: int = 4,
    n_layer: int = 1,
    block_size: int = 16,
    seed: int = 42,
    max_steps: int | None = None,
) -> tuple[GPT, Tokenizer, list[float], random.Random]:
    """microgpt's run: its shuffle and init draws, one name per step, its Adam and decay.

    The learning rate decays to 0 over ``steps``; ``max_steps`` stops early (for tests).
    """
    rng = random.Random(seed)
    docs = load_names()
    rng.shuffle(docs)
    tok = Tokenizer(docs)
    model = GPT(tok.vocab_size, n_embd, n_head, n_layer, block_size)
    microgpt_init(model, rng)
    lr = 0.01
    opt = nn.optim.Adam(model.parameters(), lr=lr, betas=(0.85, 0.99), eps=1e-8)
    losses = []
    for step in progress(range(min(steps, max_steps or steps)), "gpt: like microgpt"):
        x, y, w = make_batch([docs[step % len(docs)]], tok, block_size)
        loss = loss_on(model, x, y, w)
        opt.zero_grad()
        loss.backward()
        opt.param_groups[0]["lr"] = lr * (1 - step / steps)
        opt.step()
        losses.append(loss.item())
    return model, tok, losses, rng


def train_batched(
    docs: list[str],
    val: list[str],
    tok: Tokenizer,
    steps: int,
    batch: int,
    n_embd: int,
    n_head: int,
    n_layer: int,
    block_size: int,
    lr: float,
    seed: int,
) -> tuple[GPT, list[float], list[tuple[int, float]]]:
    """Mini-batches drawn at random; validation loss every steps // 20 steps."""
    manual_seed(seed)
    model = GPT(tok.vocab_size, n_embd, n_head, n_layer, block_size)
    microgpt_init(model, random.Random(seed))  # microgpt's N(0, 0.08) init
    opt = nn.optim.Adam(model.parameters(), lr=lr, betas=(0.85, 0.99), eps=1e-8)
    rng = np.random.default_rng(seed)
    xv, yv, wv = make_batch(val, tok, block_size)
    train_losses: list[float] = []
    val_losses: list[tuple[int, float]] = []
    every = max(1, steps // 20)
    for step in progress(range(steps), "gpt: mini-batches"):
        picks = rng.integers(0, len(docs), size=batch)
        x, y, w = make_batch([docs[i] for i in picks], tok, block_size)
        loss = loss_on(model, x, y, w)
        opt.zero_grad()
        loss.backward()
        opt.param_groups[0]["lr"] = lr * (1 - step / steps)
        opt.step()
        train_losses.append(loss.item())
        if (step + 1) % every == 0 or step + 1 == steps:
            with no_grad():
                val_losses.append((step + 1, loss_on(model, xv, yv, wv).item()))
    return model, train_losses, val_losses


def smooth(xs: Sequence[float], k: int) -> np.ndarray:
    k = max(1, min(k, len(xs)))
    return np.convolve(xs, np.ones(k) / k, mode="valid")


def run(
    out_dir: Path,
    quick: bool = False,
    steps: int | None = None,
    batch: int = 32,
    n_embd: int = 16,
    n_head: int = 4,
    n_layer: int = 1,
    block_size: int = 16,
    lr: float = 0.01,
    like_microgpt: bool = False,
    baseline_steps: int | None = None,
    losses_file: Path | None = None,
    seed: int = 42,
) -> dict[str, Any]:
    if like_microgpt:
        n = steps or (30 if quick else 1000)
        start, cpu_start = time.perf_counter(), time.process_time()
        model, tok, losses, rng = train_like_microgpt(n, n_embd, n_head, n_layer, block_size, seed)
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
        names = sample(model, tok, 20, 0.5, rng)
        if losses_file is not None:
            Path(losses_file).write_text("".join(f"{v!r}\n" for v in losses))
        fig, ax = plt.subplots(figsize=(7, 4))
        ax.plot(np.arange(1, n + 1), losses, lw=0.5, alpha=0.4, color="C1")
        ax.plot(
            np.arange(min(50, n), n + 1),
            smooth(losses, 50),
            color="C1",
            label="one name per step (50-step mean)",
        )
        ax.set(
            xlabel="step", ylabel="loss (nats per character)", title="GPT on names, --like-microgpt"
        )
        ax.legend()
        path = save(fig, out_dir, "gpt_like_microgpt.png")
        tail = float(np.mean(losses[-100:]))
        for s in names:
            print("  ", s)
        return {
            "summary": f"{n} steps like microgpt in {seconds:.1f} s ({cpu_seconds:.1f} s "
            f"CPU), last-100-step mean loss {tail:.4f}; samples: "
            f"{', '.join(names[:5])}",
            "train_seconds": seconds,
            "train_cpu_seconds": cpu_seconds,
            "last100_loss": tail,
            "files": [path],
        }

    n_steps = steps or (40 if quick else 3000)
    n_base = baseline_steps or (30 if quick else 1000)
    rng = random.Random(seed)
    docs = load_names()
    rng.shuffle(docs)
    tok = Tokenizer(docs)
    n_val = len(docs) // 10
    val, train = docs[:n_val], docs[n_val:]
    if quick:
        val = val[:200]
    start, cpu_start = time.perf_counter(), time.process_time()
    model, train_losses, val_losses = train_batched(
        train, val, tok, n_steps, batch, n_embd, n_head, n_layer, block_size, lr, seed
    )
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu_start
    base_start = time.perf_counter()
    _, _, base_losses, _ = train_like_microgpt(n_base, 16, 4, 1, 16, seed)
    base_seconds = time.perf_counter() - base_start
    base_tail = float(np.mean(base_losses[-100:]))
    final_val = val_losses[-1][1]
    names = sample(model, tok, 20, 0.5, random.Random(seed))
    print("validation loss", f"{final_val:.4f};", "samples:")
    for s in names:
        print("  ", s)

    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    tokens_seen = np.arange(1, n_steps + 1) * batch
    k = max(1, n_steps // 50)
    ax.plot(
        tokens_seen[k - 1 :],
        smooth(train_losses, k),
        color="C0",
        lw=1,
        label=f"mini-batches of {batch}: training ({k}-step mean)",
    )
    ax.plot(
        [s * batch for s, _ in val_losses],
        [v for _, v in val_losses],
        "o-",
        color="C3",
        ms=3,
        label=f"mini-batches: validation ({final_val:.3f})",
    )
    kb = max(1, n_base // 20)
    ax.plot(
        np.arange(kb, n_base + 1),
        smooth(base_losses, kb),
        color="C1",
        lw=1,
        label=f"--like-microgpt, one name per step ({kb}-step mean)",
    )
    ax.axhline(
        base_tail,
        color="C1",
        ls="--",
        lw=0.8,
        label=f"--like-microgpt last 100 steps ({base_tail:.3f})",
    )
    ax.set_xscale("log")
    ax.set(
        xlabel="names seen",
        ylabel="loss (nats per character)",
        title=f"GPT on names: {model.num_parameters():,} weights, {n_steps} steps of {batch} names",
    )
    ax.legend(fontsize=8)
    path = save(fig, out_dir, "gpt.png")
    return {
        "summary": f"validation loss {final_val:.4f} after {n_steps} steps of {batch} names "
        f"({seconds:.1f} s, {cpu_seconds:.1f} s CPU) vs {base_tail:.4f} for "
        f"--like-microgpt's last 100 steps; samples: {', '.join(names[:6])}",
        "val_loss": final_val,
        "like_microgpt_last100": base_tail,
        "train_seconds": seconds,
        "train_cpu_seconds": cpu_seconds,
        "baseline_seconds": base_seconds,
        "files": [path],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demos.gpt", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=Path("out"), help="folder for the picture")
    parser.add_argument("--quick", action="store_true", help="a few steps, for a smoke test")
    parser.add_argument(
        "--steps",
        type=int,
        default=None,
        help="training steps (default 3000; 1000 with --like-microgpt)",
    )
    parser.add_argument("--batch", type=int, default=32, help="names per mini-batch")
    parser.add_argument("--n-embd", type=int, default=16, help="embedding width")
    parser.add_argument("--n-head", type=int, default=4, help="attention heads")
    parser.add_argument("--n-layer", type=int, default=1, help="transformer blocks")
    parser.add_argument("--block-size", type=int, default=16, help="context length")
    parser.add_argument("--lr", type=float, default=0.01, help="peak learning rate")
    parser.add_argument(
        "--like-microgpt",
        action="store_true",
        help="microgpt's init, data order, optimiser: one name per step",
    )
    parser.add_argument(
        "--losses",
        type=Path,
        default=None,
        help="with --like-microgpt: write the per-step losses to this file",
    )
    args = parser.parse_args(argv)
    for name in ("steps", "batch", "n_embd", "n_head", "n_layer", "block_size"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1, got {value}")
    header("gpt", __doc__)
    start = time.perf_counter()
    result = run(
        args.out,
        quick=args.quick,
        steps=args.steps,
        batch=args.batch,
        n_embd=args.n_embd,
        n_head=args.n_head,
        n_layer=args.n_layer,
        block_size=args.block_size,
        lr=args.lr,
        like_microgpt=args.like_microgpt,
        losses_file=args.losses,
    )
    report("gpt", result, time.perf_counter() - start)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
