"""The GPT demo's model: microgpt's numbers, the scalar version, PyTorch, causality."""

from __future__ import annotations

import random

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("tqdm")

from autograd import Value  # noqa: E402
from benchmarks import gpt_workloads  # noqa: E402
from demos import gpt  # noqa: E402

# The first per-step losses of Karpathy's microgpt.py (the scalar, dependency-free
# version of February 2026: random.seed(42), 16-dim, 4 heads, 1 layer, context 16),
# printed with repr() when run on demos/data/names.txt.
MICROGPT_LOSSES = [
    3.3659669475848504,
    3.4242727838717717,
    3.177802125458052,
    3.066355684224198,
    3.220883089750623,
]


def test_like_microgpt_reproduces_microgpts_first_losses():
    _, tok, losses, _ = gpt.train_like_microgpt(steps=1000, max_steps=5)
    assert tok.vocab_size == 27
    np.testing.assert_allclose(losses, MICROGPT_LOSSES, rtol=1e-12)


def test_microgpt_init_draws_in_microgpts_order():
    rng = random.Random(7)
    model = gpt.GPT(27)
    gpt.microgpt_init(model, rng)
    again = random.Random(7)
    first = [again.gauss(0, 0.08) for _ in range(27 * 16)]
    np.testing.assert_array_equal(model.wte.weight.data.ravel(), first)
    for _ in range(16 * 16 + 27 * 16):  # wpe, lm_head
        again.gauss(0, 0.08)
    wq = [again.gauss(0, 0.08) for _ in range(16 * 16)]
    np.testing.assert_array_equal(model.blocks[0].attn.in_proj_weight.data[:16].ravel(), wq)


def _scalar_weights(model):
    return {
        k: [[Value(float(v)) for v in row] for row in np.atleast_2d(arr)]
        for k, arr in model.state_dict().items()
    }


def test_the_tensor_model_matches_the_scalar_value_model_loss_and_gradients():
    model = gpt.GPT(27, n_embd=8, n_head=2, n_layer=2, block_size=6)
    gpt.microgpt_init(model, random.Random(3), std=0.3)
    tok = gpt.Tokenizer(["abcdefghijklmnopqrstuvwxyz"])
    x, y, w = gpt.make_batch(["emma"], tok, 6)
    loss = gpt.loss_on(model, x, y, w)
    loss.backward()
    weights = _scalar_weights(model)
    scalar = gpt_workloads.scalar_gpt_loss(weights, tok.encode("emma"), n_head=2)
    scalar.backward()
    assert scalar.data == pytest.approx(loss.item(), rel=1e-12)
    for name, p in model.named_parameters():
        grad = np.array([[v.grad for v in row] for row in weights[name]]).reshape(p.shape)
        np.testing.assert_allclose(p.grad, grad, rtol=1e-9, atol=1e-14, err_msg=name)


def test_no_position_sees_a_later_one():
    model = gpt.GPT(27, n_layer=2)
    a = np.array([[26, 1, 2, 3, 4, 5, 6, 7]])
    b = a.copy()
    b[0, 4:] = [9, 9, 9, 9]
    la, lb = model(a).data, model(b).data
    np.testing.assert_array_equal(la[0, :4], lb[0, :4])
    assert not np.allclose(la[0, 4:], lb[0, 4:])


def test_padding_positions_do_not_count_in_the_loss():
    tok = gpt.Tokenizer(["ab"])
    x, y, w = gpt.make_batch(["a", "abab"], tok, 16)
    assert x.shape == (2, 5) and w.sum() == 2 + 5
    model = gpt.GPT(tok.vocab_size)
    both = gpt.loss_on(model, x, y, w).item()
    one = gpt.loss_on(model, *gpt.make_batch(["a"], tok, 16)).item()
    two = gpt.loss_on(model, *gpt.make_batch(["abab"], tok, 16)).item()
    assert both == pytest.approx((2 * one + 5 * two) / 7, rel=1e-12)


def test_the_state_dict_loads_into_the_same_torch_model_and_gives_the_same_logits():
    torch = pytest.importorskip("torch")
    model = gpt.GPT(27, n_embd=16, n_head=4, n_layer=2)
    theirs = gpt_workloads.torch_gpt(27, 16, 4, 2, 16)
    theirs.load_state_dict({k: torch.from_numpy(v) for k, v in model.state_dict().items()})
    idx = np.array([[26, 4, 12, 12, 0, 26], [26, 1, 2, 3, 26, 26]])
    with torch.no_grad():
        ref = theirs(torch.from_numpy(idx)).numpy()
    np.testing.assert_allclose(model(idx).data, ref, rtol=1e-10, atol=1e-12)


def test_model_refuses_a_context_longer_than_block_size():
    model = gpt.GPT(27, block_size=4)
    with pytest.raises(ValueError, match="longer than block_size 4"):
        model(np.zeros((1, 5), dtype=int))
