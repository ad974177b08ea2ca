"""W10: the course's models, one training step each, written once per API.

``facade`` is the code a learner runs (PyTorch's names, ``backproplab.torch``),
``torch`` the very same code on PyTorch (CPU, 1 thread), ``native`` the same model
on ``autograd`` and ``nn`` directly (what the facade costs over the engine). Models:
makemore part 2's MLP (embeddings 10, hidden 200, batch 32), part 3's BatchNorm MLP
(5 hidden layers of 100 with BatchNorm1d and tanh), part 5's WaveNet (hand-written
layers: embeddings 24, pairs of positions merged three times, hidden 128, batch 32,
context 8), and the GPT lecture's model
(n_embd 64, 4 heads, 2 layers, block 32, batch 16, AdamW). Float32; the batch is
fixed, so every step does the same work.
"""

from __future__ import annotations

import importlib
from typing import Any

import numpy as np

from benchmarks.harness import EngineMissing, Step

VOCAB = 65


def _torchlike(engine: str) -> Any:
    """The ``torch`` module the facade and PyTorch steps are written against."""
    if engine == "torch":
        try:
            return importlib.import_module("torch")
        except ImportError as exc:
            raise EngineMissing("PyTorch is not installed") from exc
    return importlib.import_module("backproplab.torch")


def _batch(n: int, width: int, high: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, high, (n, width)), rng.integers(0, high, n)


# -- makemore part 2: the MLP, parameters as plain tensors ------------------------------------
def mlp_step(engine: str, threads: int = 1, batch: int = 32) -> Step:
    xb, yb = _batch(batch, 3, 27)
    if engine == "native":
        from autograd import Tensor
        from nn import functional as F

        rng = np.random.default_rng(0)
        shapes = [(27, 10), (30, 200), (200,), (200, 27), (27,)]
        params = [
            Tensor(rng.standard_normal(s).astype(np.float32) * 0.1, requires_grad=True)
            for s in shapes
        ]
        C, W1, b1, W2, b2 = params

        def step() -> None:
            h = (C[xb].reshape(-1, 30) @ W1 + b1).tanh()
            loss = F.cross_entropy(h @ W2 + b2, yb)
            for p in params:
                p.grad = None
            loss.backward()
            for p in params:
                p.data += -0.1 * p.grad

        return step
    torch = _torchlike(engine)
    torch.set_num_threads(threads)
    F = torch.nn.functional
    g = torch.Generator().manual_seed(2147483647)
    params = [
        torch.randn(s, generator=g) * 0.1 for s in [(27, 10), (30, 200), (200,), (200, 27), (27,)]
    ]
    for p in params:
        p.requires_grad = True
    C, W1, b1, W2, b2 = params
    X, Y = torch.tensor(xb), torch.tensor(yb)

    def torch_step() -> None:
        h = torch.tanh(C[X].view(-1, 30) @ W1 + b1)
        loss = F.cross_entropy(h @ W2 + b2, Y)
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data += -0.1 * p.grad

    return torch_step


# -- makemore part 3: the BatchNorm MLP as modules ---------------------------------------------
def _bn_layers(nn: Any, hidden: int = 100) -> list[Any]:
    layers: list[Any] = [nn.Linear(30, hidden, bias=False), nn.BatchNorm1d(hidden), nn.Tanh()]
    for _ in range(4):
        layers += [nn.Linear(hidden, hidden, bias=False), nn.BatchNorm1d(hidden), nn.Tanh()]
    return layers + [nn.Linear(hidden, 27)]


def bnmlp_step(engine: str, threads: int = 1, batch: int = 32) -> Step:
    xb, yb = _batch(batch, 3, 27)
    if engine == "native":
        import nn
        from autograd import Tensor
        from nn import functional as F

        model = nn.Sequential(*_bn_layers(nn))
        for p in model.parameters():
            p.data = p.data.astype(np.float32)
        for b in model.buffers():
            if b.data.dtype.kind == "f":
                b.data = b.data.astype(np.float32)
        C = Tensor(
            np.random.default_rng(0).standard_normal((27, 10)).astype(np.float32),
            requires_grad=True,
        )
        params = [C, *model.parameters()]

        def step() -> None:
            loss = F.cross_entropy(model(C[xb].reshape(-1, 30)), yb)
            for p in params:
                p.grad = None
            loss.backward()
            for p in params:
                p.data += -0.1 * p.grad

        return step
    torch = _torchlike(engine)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = torch.nn.Sequential(*_bn_layers(torch.nn))
    Ct = torch.randn((27, 10))
    Ct.requires_grad = True
    tparams = [Ct, *model.parameters()]
    X, Y = torch.tensor(xb), torch.tensor(yb)

    def torch_step() -> None:
        loss = torch.nn.functional.cross_entropy(model(Ct[X].view(-1, 30)), Y)
        for p in tparams:
            p.grad = None
        loss.backward()
        for p in tparams:
            p.data += -0.1 * p.grad

    return torch_step


# -- makemore part 5: the WaveNet, layers written by hand as in the lecture --------------------
def _wavenet(T: Any, native: bool, n_embd: int = 24, n_hidden: int = 128) -> list[Any]:
    """The layers, on ``T`` (a torch-like module) or, with ``native``, on autograd."""
    if native:
        from autograd import Tensor

        def randn(*shape: int) -> Any:
            return Tensor(rng.standard_normal(shape).astype(np.float32))

        def full(shape: int, value: float) -> Any:
            return Tensor(np.full(shape, value, np.float32))

        rng = np.random.default_rng(0)
    else:

        def randn(*shape: int) -> Any:
            return T.randn(shape)

        def full(shape: int, value: float) -> Any:
            return T.ones(shape) * value

    class Linear:
        def __init__(self, fan_in: int, fan_out: int, bias: bool = True) -> None:
            self.weight = randn(fan_in, fan_out) * (1 / fan_in**0.5)
            self.bias = full(fan_out, 0.0) if bias else None

        def __call__(self, x: Any) -> Any:
            out = x @ self.weight
            return out + self.bias if self.bias is not None else out

        def parameters(self) -> list[Any]:
            return [self.weight] + ([] if self.bias is None else [self.bias])

    class BatchNorm1d:
        def __init__(self, dim: int) -> None:
            self.gamma, self.beta = full(dim, 1.0), full(dim, 0.0)

        def __call__(self, x: Any) -> Any:
            dims = (0, 1) if x.ndim == 3 else 0
            if native:
                mean = x.mean(axis=dims, keepdims=True)
                var = ((x - mean) ** 2).mean(axis=dims, keepdims=True)
            else:
                mean = x.mean(dims, keepdim=True)
                var = x.var(dims, keepdim=True, unbiased=False)
            return self.gamma * (x - mean) / (var + 1e-5) ** 0.5 + self.beta

        def parameters(self) -> list[Any]:
            return [self.gamma, self.beta]

    class Tanh:
        def __call__(self, x: Any) -> Any:
            return x.tanh()

        def parameters(self) -> list[Any]:
            return []

    class Embedding:
        def __init__(self, n: int, dim: int) -> None:
            self.weight = randn(n, dim)

        def __call__(self, idx: Any) -> Any:
            return self.weight[idx]

        def parameters(self) -> list[Any]:
            return [self.weight]

    class FlattenConsecutive:
        def __call__(self, x: Any) -> Any:
            B, L, C = x.shape
            x = x.reshape(B, L // 2, C * 2)
            return x.reshape(B, C * 2) if L == 2 else x

        def parameters(self) -> list[Any]:
            return []

    layers: list[Any] = [
        Embedding(27, n_embd),
        FlattenConsecutive(),
        Linear(n_embd * 2, n_hidden, bias=False),
        BatchNorm1d(n_hidden),
        Tanh(),
    ]
    for _ in range(2):
        layers += [
            FlattenConsecutive(),
            Linear(n_hidden * 2, n_hidden, bias=False),
            BatchNorm1d(n_hidden),
            Tanh(),
        ]
    return layers + [Linear(n_hidden, 27)]


def wavenet_step(engine: str, threads: int = 1, batch: int = 32) -> Step:
    xb, yb = _batch(batch, 8, 27)
    if engine == "native":
        from nn import functional as F

        layers = _wavenet(None, True)
        X, Y, ce = xb, yb, F.cross_entropy
    else:
        T = _torchlike(engine)
        T.set_num_threads(threads)
        T.manual_seed(42)
        layers = _wavenet(T, False)
        X, Y, ce = T.tensor(xb), T.tensor(yb), T.nn.functional.cross_entropy
    params = [p for layer in layers for p in layer.parameters()]
    for p in params:
        p.requires_grad = True

    def step() -> None:
        x = X
        for layer in layers:
            x = layer(x)
        loss = ce(x, Y)
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data += -0.1 * p.grad

    return step


# -- the GPT lecture's model -----------------------------------------------------------------
def _gpt(torch: Any, n_embd: int, n_head: int, n_layer: int, block: int) -> Any:
    nn, F = torch.nn, torch.nn.functional

    class Head(nn.Module):
        def __init__(self, size: int) -> None:
            super().__init__()
            self.key = nn.Linear(n_embd, size, bias=False)
            self.query = nn.Linear(n_embd, size, bias=False)
            self.value = nn.Linear(n_embd, size, bias=False)
            self.register_buffer("tril", torch.tril(torch.ones(block, block)))

        def forward(self, x: Any) -> Any:
            T = x.shape[1]
            k, q = self.key(x), self.query(x)
            wei = q @ k.transpose(-2, -1) * k.shape[-1] ** -0.5
            wei = F.softmax(wei.masked_fill(self.tril[:T, :T] == 0, float("-inf")), dim=-1)
            return wei @ self.value(x)

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.heads = nn.ModuleList([Head(n_embd // n_head) for _ in range(n_head)])
            self.proj = nn.Linear(n_embd, n_embd)
            self.ffwd = nn.Sequential(
                nn.Linear(n_embd, 4 * n_embd), nn.ReLU(), nn.Linear(4 * n_embd, n_embd)
            )
            self.ln1, self.ln2 = nn.LayerNorm(n_embd), nn.LayerNorm(n_embd)

        def forward(self, x: Any) -> Any:
            h = self.ln1(x)
            x = x + self.proj(torch.cat([head(h) for head in self.heads], dim=-1))
            return x + self.ffwd(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.tok = nn.Embedding(VOCAB, n_embd)
            self.pos = nn.Embedding(block, n_embd)
            self.blocks = nn.Sequential(*[Block() for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.head = nn.Linear(n_embd, VOCAB)

        def forward(self, idx: Any, targets: Any) -> Any:
            B, T = idx.shape
            x = self.tok(idx) + self.pos(torch.arange(T))
            logits = self.head(self.ln_f(self.blocks(x)))
            return F.cross_entropy(logits.view(B * T, VOCAB), targets.view(B * T))

    return GPT()


def _native_gpt(n_embd: int, n_head: int, n_layer: int, block: int) -> Any:
    import nn
    from autograd import concatenate, where
    from nn import functional as F

    mask = np.tril(np.ones((block, block), dtype=bool))

    class Head(nn.Module):
        def __init__(self, size: int) -> None:
            super().__init__()
            self.key = nn.Linear(n_embd, size, bias=False)
            self.query = nn.Linear(n_embd, size, bias=False)
            self.value = nn.Linear(n_embd, size, bias=False)

        def forward(self, x: Any) -> Any:
            T = x.shape[1]
            k, q = self.key(x), self.query(x)
            wei = q @ k.transpose(0, 2, 1) * k.shape[-1] ** -0.5
            wei = where(mask[:T, :T], wei, np.float32(-np.inf)).softmax(axis=-1)
            return wei @ self.value(x)

    class Block(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.heads = nn.ModuleList([Head(n_embd // n_head) for _ in range(n_head)])
            self.proj = nn.Linear(n_embd, n_embd)
            self.ffwd = nn.Sequential(
                nn.Linear(n_embd, 4 * n_embd), nn.ReLU(), nn.Linear(4 * n_embd, n_embd)
            )
            self.ln1, self.ln2 = nn.LayerNorm(n_embd), nn.LayerNorm(n_embd)

        def forward(self, x: Any) -> Any:
            h = self.ln1(x)
            x = x + self.proj(concatenate([head(h) for head in self.heads], axis=-1))
            return x + self.ffwd(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.tok = nn.Embedding(VOCAB, n_embd)
            self.pos = nn.Embedding(block, n_embd)
            self.blocks = nn.Sequential(*[Block() for _ in range(n_layer)])
            self.ln_f = nn.LayerNorm(n_embd)
            self.head = nn.Linear(n_embd, VOCAB)

        def forward(self, idx: Any, targets: Any) -> Any:
            B, T = idx.shape
            x = self.tok(idx) + self.pos(np.arange(T))
            logits = self.head(self.ln_f(self.blocks(x)))
            return F.cross_entropy(logits.reshape(B * T, VOCAB), targets.reshape(B * T))

    model = GPT()
    for p in model.parameters():
        p.data = p.data.astype(np.float32)
    return model


def gpt_step(
    engine: str,
    threads: int = 1,
    n_embd: int = 64,
    n_head: int = 4,
    n_layer: int = 2,
    block: int = 32,
    batch: int = 16,
) -> Step:
    rng = np.random.default_rng(0)
    xb = rng.integers(0, VOCAB, (batch, block))
    yb = rng.integers(0, VOCAB, (batch, block))
    if engine == "native":
        from nn import optim

        model = _native_gpt(n_embd, n_head, n_layer, block)
        opt = optim.AdamW(model.parameters(), lr=1e-3)

        def step() -> None:
            loss = model(xb, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()

        return step
    torch = _torchlike(engine)
    torch.set_num_threads(threads)
    torch.manual_seed(1337)
    tmodel = _gpt(torch, n_embd, n_head, n_layer, block)
    topt = torch.optim.AdamW(tmodel.parameters(), lr=1e-3)
    X, Y = torch.tensor(xb), torch.tensor(yb)

    def torch_step() -> None:
        loss = tmodel(X, Y)
        topt.zero_grad(set_to_none=True)
        loss.backward()
        topt.step()

    return torch_step


def builder(model: str, engine: str) -> Any:
    """A ``run_one`` builder: ``threads`` and the model's sizes as keyword arguments."""
    make = {"mlp": mlp_step, "bnmlp": bnmlp_step, "wavenet": wavenet_step, "gpt": gpt_step}[model]

    def build(threads: int = 1, **params: Any) -> Step:
        return make(engine, threads=threads, **params)

    return build
