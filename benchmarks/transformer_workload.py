"""W9: a microgpt-style training step, a tiny transformer on scalar Values.

The model is written in the style of Karpathy's microgpt (a GPT trained on scalar
autograd values), but this is our own code: token and position embeddings,
RMSNorm, one causal self-attention layer with 4 heads of 4 dims, a ReLU MLP
(16 -> 64 -> 16), a language-model head, softmax cross-entropy averaged over the
16 positions of a context window, then one Adam update on plain floats. About
4,200 parameters and ~133,000 scalar nodes per step.

One model source runs on three scalar engines; only the ``Value`` class differs:

- ``ours``: ``autograd.Value``;
- ``minimal``: ``MinimalValue`` below, a closure-free Value the way microgpt writes
  its own (``data``, ``grad``, ``_children``, ``_local_grads``; iterative
  topological sort), the baseline a user could write in 40 lines;
- ``micrograd``: micrograd 0.1.0's ``Value`` (a closure per node, so every graph is
  a reference cycle), with ``exp`` and ``log`` added in its own style, since it
  has neither.

Each step times its phases: forward, backward, the Adam update, and freeing the
graph. Our Value and the minimal one free a graph by reference counting when it
is dropped; micrograd's graph is a cycle that only the cyclic collector frees,
so its "free" phase is the drop plus a ``gc.collect()``: the work its users pay
for, sooner or later, outside their step. ``paused=True`` runs the whole step
under ``autograd.gc_paused()``.
"""

from __future__ import annotations

import gc
import math
import random
import sys
from collections.abc import Callable, Sequence
from typing import Any

from benchmarks import harness
from benchmarks.harness import EngineMissing, Step

N_EMBD = 16
N_HEAD = 4
HEAD_DIM = N_EMBD // N_HEAD
CONTEXT = 16
N_HIDDEN = 4 * N_EMBD
SYLLABLES = ("ka", "ri", "lo", "ma", "ne", "su", "ta", "vi", "do", "el", "an", "yo", "be")
VOCAB = 27  # 'a'-'z' and a separator token


# -- the minimal closure-free Value -------------------------------------------------------
class MinimalValue:
    """A scalar node the way microgpt writes its own: each op stores its local gradients.

    >>> a, b = MinimalValue(2.0), MinimalValue(3.0)
    >>> c = (a * b + a).log()
    >>> c.backward()
    >>> round(a.grad, 4), round(b.grad, 4)  # (b + 1) / (ab + a), a / (ab + a)
    (0.5, 0.25)
    """

    __slots__ = ("data", "grad", "_children", "_local_grads")

    def __init__(
        self,
        data: float,
        children: tuple[MinimalValue, ...] = (),
        local_grads: tuple[float, ...] = (),
    ) -> None:
        self.data = data
        self.grad = 0.0
        self._children = children
        self._local_grads = local_grads

    def __add__(self, other: Any) -> MinimalValue:
        other = other if isinstance(other, MinimalValue) else MinimalValue(other)
        return MinimalValue(self.data + other.data, (self, other), (1.0, 1.0))

    def __mul__(self, other: Any) -> MinimalValue:
        other = other if isinstance(other, MinimalValue) else MinimalValue(other)
        return MinimalValue(self.data * other.data, (self, other), (other.data, self.data))

    def __pow__(self, k: float) -> MinimalValue:
        return MinimalValue(self.data**k, (self,), (k * self.data ** (k - 1),))

    def exp(self) -> MinimalValue:
        e = math.exp(self.data)
        return MinimalValue(e, (self,), (e,))

    def log(self) -> MinimalValue:
        return MinimalValue(math.log(self.data), (self,), (1.0 / self.data,))

    def relu(self) -> MinimalValue:
        return MinimalValue(max(0.0, self.data), (self,), (float(self.data > 0),))

    def __neg__(self) -> MinimalValue:
        return self * -1.0

    def __radd__(self, other: Any) -> MinimalValue:
        return self + other

    def __rmul__(self, other: Any) -> MinimalValue:
        return self * other

    def __sub__(self, other: Any) -> MinimalValue:
        return self + (-other)

    def __rsub__(self, other: Any) -> MinimalValue:
        return (-self) + other

    def __truediv__(self, other: Any) -> MinimalValue:
        return self * other**-1.0

    def __rtruediv__(self, other: Any) -> MinimalValue:
        return self**-1.0 * other

    def backward(self) -> None:
        order: list[MinimalValue] = []
        seen: set[MinimalValue] = set()
        stack: list[tuple[MinimalValue, bool]] = [(self, False)]
        while stack:
            node, children_done = stack.pop()
            if children_done:
                order.append(node)
            elif node not in seen:
                seen.add(node)
                stack.append((node, True))
                stack.extend((child, False) for child in node._children if child not in seen)
        self.grad = 1.0
        for node in reversed(order):
            for child, local in zip(node._children, node._local_grads, strict=False):
                child.grad += local * node.grad


# -- engines ---------------------------------------------------------------------------------
class Engine:
    """A Value class plus ``exp`` and ``log`` as functions (micrograd lacks the methods)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.free_cycles = False
        if name == "ours":
            from autograd import Value

            self.value: Any = Value
            self.exp: Callable[[Any], Any] = Value.exp
            self.log: Callable[[Any], Any] = Value.log
        elif name == "minimal":
            self.value, self.exp, self.log = MinimalValue, MinimalValue.exp, MinimalValue.log
        elif name == "micrograd":
            try:
                from micrograd.engine import Value as MicrogradValue
            except ImportError as exc:
                raise EngineMissing(
                    "micrograd is not installed (pip install -e '.[bench]')"
                ) from exc
            self.value, self.exp, self.log = MicrogradValue, _micrograd_exp, _micrograd_log
            self.free_cycles = True  # its graphs are reference cycles
            # micrograd sorts the graph recursively; this graph is a few hundred deep.
            sys.setrecursionlimit(max(sys.getrecursionlimit(), 20_000))
        else:
            raise EngineMissing(f"no engine {name!r}")


def _micrograd_exp(v: Any) -> Any:
    out = type(v)(math.exp(v.data), (v,), "exp")

    def _backward() -> None:  # micrograd's style: a closure over its node
        v.grad += out.data * out.grad

    out._backward = _backward
    return out


def _micrograd_log(v: Any) -> Any:
    out = type(v)(math.log(v.data), (v,), "log")

    def _backward() -> None:
        v.grad += out.grad / v.data

    out._backward = _backward
    return out


# -- data and parameters ------------------------------------------------------------------
def make_tokens(n: int, seed: int) -> list[int]:
    """A stream of made-up names, separated by token 26: seeded, the same for every engine.

    >>> tokens = make_tokens(40, 0)
    >>> len(tokens), max(tokens) < VOCAB, 26 in tokens
    (40, True, True)
    """
    rng = random.Random(seed)
    tokens: list[int] = []
    while len(tokens) < n:
        name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 4)))
        tokens += [ord(c) - ord("a") for c in name] + [26]
    return tokens[:n]


def init_params(value: Any, seed: int) -> dict[str, list[list[Any]]]:
    """Weight matrices as lists of rows of Values, Gaussian with std 0.08 (seeded)."""
    rng = random.Random(seed)

    def matrix(rows: int, cols: int) -> list[list[Any]]:
        return [[value(rng.gauss(0.0, 0.08)) for _ in range(cols)] for _ in range(rows)]

    return {
        "wte": matrix(VOCAB, N_EMBD),
        "wpe": matrix(CONTEXT, N_EMBD),
        "wq": matrix(N_EMBD, N_EMBD),
        "wk": matrix(N_EMBD, N_EMBD),
        "wv": matrix(N_EMBD, N_EMBD),
        "wo": matrix(N_EMBD, N_EMBD),
        "fc1": matrix(N_HIDDEN, N_EMBD),
        "fc2": matrix(N_EMBD, N_HIDDEN),
        "head": matrix(VOCAB, N_EMBD),
    }


# -- the model ------------------------------------------------------------------------------
def linear(x: Sequence[Any], w: Sequence[Sequence[Any]]) -> list[Any]:
    return [sum(wi * xi for wi, xi in zip(row, x, strict=True)) for row in w]


def rmsnorm(x: Sequence[Any]) -> list[Any]:
    mean_square = sum(xi * xi for xi in x) * (1.0 / len(x))
    scale = (mean_square + 1e-5) ** -0.5
    return [xi * scale for xi in x]


def softmax(logits: Sequence[Any], exp: Callable[[Any], Any]) -> list[Any]:
    top = max(v.data for v in logits)  # a constant shift, for numerical safety
    exps = [exp(v - top) for v in logits]
    total = sum(exps)
    return [e / total for e in exps]


def sequence_loss(engine: Engine, p: dict[str, list[list[Any]]], tokens: Sequence[int]) -> Any:
    """Mean next-token cross-entropy over ``len(tokens) - 1`` positions, causal attention."""
    exp, log = engine.exp, engine.log
    keys: list[list[Any]] = []
    values: list[list[Any]] = []
    losses = []
    scale = HEAD_DIM**-0.5
    for t in range(len(tokens) - 1):
        x = rmsnorm([a + b for a, b in zip(p["wte"][tokens[t]], p["wpe"][t], strict=True)])
        h = rmsnorm(x)
        q = linear(h, p["wq"])
        keys.append(linear(h, p["wk"]))
        values.append(linear(h, p["wv"]))
        heads: list[Any] = []
        for lo in range(0, N_EMBD, HEAD_DIM):
            hi = lo + HEAD_DIM
            scores = [
                sum(qi * ki for qi, ki in zip(q[lo:hi], k[lo:hi], strict=True)) * scale
                for k in keys
            ]
            weights = softmax(scores, exp)
            heads += [
                sum(w * v[i] for w, v in zip(weights, values, strict=True)) for i in range(lo, hi)
            ]
        x = [a + b for a, b in zip(x, linear(heads, p["wo"]), strict=True)]
        h = [u.relu() for u in linear(rmsnorm(x), p["fc1"])]
        x = [a + b for a, b in zip(x, linear(h, p["fc2"]), strict=True)]
        probs = softmax(linear(x, p["head"]), exp)
        losses.append(-log(probs[tokens[t + 1]]))
    return sum(losses) * (1.0 / len(losses))


class Adam:
    """Adam on the Values' plain floats, as microgpt updates its parameters."""

    def __init__(
        self,
        params: list[Any],
        lr: float = 0.01,
        betas: tuple[float, float] = (0.85, 0.99),
        eps: float = 1e-8,
    ) -> None:
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m = [0.0] * len(params)
        self.v = [0.0] * len(params)
        self.t = 0

    def step(self) -> None:
        self.t += 1
        b1, b2 = self.betas
        c1, c2 = 1.0 - b1**self.t, 1.0 - b2**self.t
        m, v, lr, eps = self.m, self.v, self.lr, self.eps
        for i, p in enumerate(self.params):
            g = p.grad
            m[i] = b1 * m[i] + (1.0 - b1) * g
            v[i] = b2 * v[i] + (1.0 - b2) * g * g
            p.data -= lr * (m[i] / c1) / ((v[i] / c2) ** 0.5 + eps)
            p.grad = 0.0


def training_step(
    engine_name: str,
    threads: int = 1,
    positions: int = CONTEXT,
    paused: bool = False,
    seed: int = 0,
) -> Step:
    """The W9 step on one engine: forward over ``positions`` positions, backward, Adam."""
    from autograd import gc_paused

    if not 1 <= positions <= CONTEXT:
        raise ValueError(f"positions must be in 1..{CONTEXT}, got {positions}")
    engine = Engine(engine_name)
    params = init_params(engine.value, seed)
    flat = [v for matrix in params.values() for row in matrix for v in row]
    opt = Adam(flat)
    stream = make_tokens(4096, seed)
    windows = [stream[i : i + positions + 1] for i in range(0, len(stream) - positions - 1, 7)]
    counter = [0]

    def step() -> dict[str, float]:
        tokens = windows[counter[0] % len(windows)]
        counter[0] += 1
        t0 = harness.now()
        loss = sequence_loss(engine, params, tokens)
        t1 = harness.now()
        loss.backward()
        t2 = harness.now()
        opt.step()
        t3 = harness.now()
        del loss  # freeing the graph is part of the work a user pays for
        if engine.free_cycles:
            gc.collect()
        t4 = harness.now()
        return {"forward": t1 - t0, "backward": t2 - t1, "update": t3 - t2, "free": t4 - t3}

    if not paused:
        return step

    def paused_step() -> dict[str, float]:
        with gc_paused():
            return step()

    return paused_step


def step_ours(threads: int = 1, positions: int = CONTEXT, paused: bool = False) -> Step:
    return training_step("ours", threads, positions, paused)


def step_minimal(threads: int = 1, positions: int = CONTEXT, paused: bool = False) -> Step:
    return training_step("minimal", threads, positions, paused)


def step_micrograd(threads: int = 1, positions: int = CONTEXT, paused: bool = False) -> Step:
    return training_step("micrograd", threads, positions, paused)
