"""W7: one training step of the GPT demo's model (demos/gpt.py), ours against PyTorch.

The step is what the demo does: embeddings, RMSNorm, causal multi-head attention,
ReLU MLP, linear head, cross-entropy over the real positions, backward, Adam. Both
engines start from the same weights: PyTorch's model has the same module names,
so it loads our ``state_dict`` as is. The batch is fixed (names drawn once with a
seed), so every step does the same work; float64 in both.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from benchmarks.harness import EngineMissing, Step


def _model_and_batch(
    vocab_only: bool = False,
    n_embd: int = 16,
    n_head: int = 4,
    n_layer: int = 1,
    block_size: int = 16,
    batch: int = 1,
    seed: int = 0,
) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
    from autograd import manual_seed
    from demos.gpt import GPT, Tokenizer, load_names, make_batch, microgpt_init

    rng = random.Random(seed)
    docs = load_names()
    tok = Tokenizer(docs)
    manual_seed(seed)
    model = GPT(tok.vocab_size, n_embd, n_head, n_layer, block_size)
    microgpt_init(model, rng)
    # The longest names fill the context: every step sees block_size positions.
    long = [d for d in docs if len(d) >= block_size - 1]
    picks = [long[rng.randrange(len(long))] for _ in range(batch)]
    x, y, w = make_batch(picks, tok, block_size)
    return model, x, y, w


def gpt_step_ours(threads: int = 1, **sizes: Any) -> Step:
    import nn
    from demos.gpt import loss_on

    model, x, y, w = _model_and_batch(**sizes)
    opt = nn.optim.Adam(model.parameters(), lr=0.01, betas=(0.85, 0.99), eps=1e-8)

    def step() -> None:
        loss = loss_on(model, x, y, w)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def torch_gpt(vocab_size: int, n_embd: int, n_head: int, n_layer: int, block_size: int) -> Any:
    """The demo's GPT in torch.nn, with the same module and parameter names."""
    import torch
    from torch import nn as tnn

    class Block(tnn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.attn_norm = tnn.RMSNorm(n_embd, eps=1e-5, elementwise_affine=False)
            self.attn = tnn.MultiheadAttention(n_embd, n_head, bias=False, batch_first=True)
            self.mlp_norm = tnn.RMSNorm(n_embd, eps=1e-5, elementwise_affine=False)
            self.fc1 = tnn.Linear(n_embd, 4 * n_embd, bias=False)
            self.fc2 = tnn.Linear(4 * n_embd, n_embd, bias=False)

        def forward(self, x: Any, mask: Any) -> Any:
            h = self.attn_norm(x)
            x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False, is_causal=True)[0]
            return x + self.fc2(torch.relu(self.fc1(self.mlp_norm(x))))

    class GPT(tnn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.wte = tnn.Embedding(vocab_size, n_embd)
            self.wpe = tnn.Embedding(block_size, n_embd)
            self.norm = tnn.RMSNorm(n_embd, eps=1e-5, elementwise_affine=False)
            self.blocks = tnn.Sequential(*[Block() for _ in range(n_layer)])
            self.lm_head = tnn.Linear(n_embd, vocab_size, bias=False)

        def forward(self, idx: Any) -> Any:
            t = idx.shape[-1]
            mask = tnn.Transformer.generate_square_subsequent_mask(t, dtype=torch.float64)
            x = self.norm(self.wte(idx) + self.wpe(torch.arange(t)))
            for block in self.blocks:
                x = block(x, mask)
            return self.lm_head(x)

    return GPT().double()


def gpt_step_torch(threads: int = 1, **sizes: Any) -> Step:
    try:
        import torch
    except ImportError as exc:
        raise EngineMissing("PyTorch is not installed") from exc
    torch.set_num_threads(threads)
    ours, x_np, y_np, w_np = _model_and_batch(**sizes)
    model = torch_gpt(
        ours.wte.num_embeddings,
        ours.wte.embedding_dim,
        ours.blocks[0].attn.num_heads,
        len(ours.blocks),
        ours.block_size,
    )
    model.load_state_dict({k: torch.from_numpy(v) for k, v in ours.state_dict().items()})
    opt = torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.85, 0.99), eps=1e-8)
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    w = torch.from_numpy(w_np).reshape(-1)
    count = w.sum()

    def step() -> None:
        logits = model(x)
        losses = torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="none"
        )
        loss = (losses * w).sum() / count
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


# -- the same step on scalar Values ----------------------------------------------------------
def scalar_gpt_loss(weights: dict[str, Any], tokens: list[int], n_head: int) -> Any:
    """The demo's model, one position at a time on ``autograd.Value``s (lists of lists).

    ``weights`` maps our state_dict names to nested lists of Values; ``tokens`` is
    one name with BOS at both ends. Returns the mean next-token loss (a Value).
    """
    from autograd import Value

    def matvec(w: list[list[Value]], x: list[Value]) -> list[Value]:
        return [sum((wi * xi for wi, xi in zip(row, x, strict=True)), Value(0.0)) for row in w]

    def rmsnorm(x: list[Value]) -> list[Value]:
        scale = (sum((xi * xi for xi in x), Value(0.0)) / len(x) + 1e-5) ** -0.5
        return [xi * scale for xi in x]

    def softmax(z: list[Value]) -> list[Value]:
        top = max(v.data for v in z)
        e = [(v - top).exp() for v in z]
        total = sum(e, Value(0.0))
        return [v / total for v in e]

    n_layer = sum(1 for k in weights if k.endswith("attn.in_proj_weight"))
    e = len(weights["wte.weight"][0])
    d = e // n_head
    keys: list[list[list[Value]]] = [[] for _ in range(n_layer)]
    values: list[list[list[Value]]] = [[] for _ in range(n_layer)]
    n = min(len(weights["wpe.weight"]), len(tokens) - 1)
    losses = []
    for pos in range(n):
        x = [
            a + b
            for a, b in zip(
                weights["wte.weight"][tokens[pos]], weights["wpe.weight"][pos], strict=True
            )
        ]
        x = rmsnorm(x)
        for li in range(n_layer):
            p = f"blocks.{li}."
            h = rmsnorm(x)
            qkv = matvec(weights[p + "attn.in_proj_weight"], h)
            q = qkv[:e]
            keys[li].append(qkv[e : 2 * e])
            values[li].append(qkv[2 * e :])
            heads: list[Value] = []
            for hi in range(n_head):
                s = slice(hi * d, (hi + 1) * d)
                att = softmax(
                    [
                        sum((a * b for a, b in zip(q[s], k[s], strict=True)), Value(0.0)) * d**-0.5
                        for k in keys[li]
                    ]
                )
                heads += [
                    sum((a * v[s][j] for a, v in zip(att, values[li], strict=True)), Value(0.0))
                    for j in range(d)
                ]
            x = [
                a + b
                for a, b in zip(matvec(weights[p + "attn.out_proj.weight"], heads), x, strict=True)
            ]
            hidden = [v.relu() for v in matvec(weights[p + "fc1.weight"], rmsnorm(x))]
            x = [a + b for a, b in zip(matvec(weights[p + "fc2.weight"], hidden), x, strict=True)]
        probs = softmax(matvec(weights["lm_head.weight"], x))
        losses.append(-probs[tokens[pos + 1]].log())
    return sum(losses, Value(0.0)) / n


def gpt_step_scalar(threads: int = 1, **sizes: Any) -> Step:
    """One name per step (batch must be 1), Adam by hand: the scalar engine's version of W7."""
    from autograd import Value

    ours, x, y, _ = _model_and_batch(**sizes)
    if x.shape[0] != 1:
        raise ValueError("the scalar step takes one name (batch=1)")
    weights = {
        k: [[Value(float(v)) for v in row] for row in np.atleast_2d(arr)]
        for k, arr in ours.state_dict().items()
    }
    params = [v for rows in weights.values() for row in rows for v in row]
    tokens = [int(t) for t in x[0]] + [int(y[0, -1])]
    m = [0.0] * len(params)
    s = [0.0] * len(params)
    t = [0]
    n_head = ours.blocks[0].attn.num_heads

    def step() -> None:
        loss = scalar_gpt_loss(weights, tokens, n_head)
        for p in params:
            p.grad = 0.0
        loss.backward()
        t[0] += 1
        for i, p in enumerate(params):
            m[i] = 0.85 * m[i] + 0.15 * p.grad
            s[i] = 0.99 * s[i] + 0.01 * p.grad**2
            p.data -= (
                0.01 * (m[i] / (1 - 0.85 ** t[0])) / ((s[i] / (1 - 0.99 ** t[0])) ** 0.5 + 1e-8)
            )

    return step
