"""A bigram character model by counting, then sampling (course style)."""

import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
words = (
    open(os.path.join(HERE, "..", "..", "..", "demos", "data", "names.txt"))
    .read()
    .splitlines()[:2000]
)
chars = sorted(set("".join(words)))
stoi = {s: i + 1 for i, s in enumerate(chars)}
stoi["."] = 0
itos = {i: s for s, i in stoi.items()}
N = torch.zeros((27, 27), dtype=torch.int32)
for w in words:
    cs = ["."] + list(w) + ["."]
    for a, b in zip(cs, cs[1:]):
        N[stoi[a], stoi[b]] += 1
print(N[0, :10])
P = (N + 1).float()
P /= P.sum(1, keepdim=True)
print(P[0].sum(), P.shape)
g = torch.Generator().manual_seed(2147483647)
for _ in range(5):
    out, ix = [], 0
    while True:
        ix = torch.multinomial(P[ix], num_samples=1, replacement=True, generator=g).item()
        if ix == 0:
            break
        out.append(itos[ix])
    print("".join(out))
log_likelihood, n = 0.0, 0
for w in words[:50]:
    cs = ["."] + list(w) + ["."]
    for a, b in zip(cs, cs[1:]):
        log_likelihood += torch.log(P[stoi[a], stoi[b]])
        n += 1
print(f"{log_likelihood=}")
print(f"nll {(-log_likelihood / n).item():.4f}")
# the same as a one-layer network trained by gradient descent
xs, ys = [], []
for w in words[:200]:
    cs = ["."] + list(w) + ["."]
    for a, b in zip(cs, cs[1:]):
        xs.append(stoi[a])
        ys.append(stoi[b])
xs, ys = torch.tensor(xs), torch.tensor(ys)
W = torch.randn((27, 27), generator=g, requires_grad=True)
import torch.nn.functional as F

for k in range(20):
    xenc = F.one_hot(xs, num_classes=27).float()
    logits = xenc @ W
    counts = logits.exp()
    probs = counts / counts.sum(1, keepdims=True)
    loss = -probs[torch.arange(xs.nelement()), ys].log().mean() + 0.01 * (W**2).mean()
    W.grad = None
    loss.backward()
    W.data += -50 * W.grad
    if k % 5 == 0:
        print(k, loss.item())
print(W.grad.abs().max(), W[0, :4])
