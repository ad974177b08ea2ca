"""Attention masks as PyTorch reads them (issue 19, finding 3), checked against torch 2.13.

scaled_dot_product_attention: a bool mask's True takes part; a query whose keys are all
masked gets 0 and finite gradients. MultiheadAttention: a bool mask's True is masked; a
fully masked query gets NaN in its row only.
"""

from __future__ import annotations

import numpy as np
import pytest

import nn
from autograd import Tensor
from autograd.core.tensor import _constant
from nn import functional as F

RNG = np.random.default_rng(19)
L, S, E = 3, 4, 5


def _qkv() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return RNG.normal(size=(2, L, E)), RNG.normal(size=(2, S, E)), RNG.normal(size=(2, S, 2))


def _bool_mask() -> np.ndarray:
    """SDPA's convention (True takes part); query 1 may attend to nothing."""
    m = RNG.random((L, S)) < 0.6
    m[:, 0] = True
    m[1] = False
    return m


def _ours_sdpa(q, k, v, mask):
    ins = [Tensor(a, requires_grad=True) for a in (q, k, v)]
    out = F.scaled_dot_product_attention(*ins, attn_mask=mask)
    (out * out).sum().backward()
    return out.data, [t.grad for t in ins]


def _torch_sdpa(q, k, v, mask):
    torch = pytest.importorskip("torch")
    ins = [torch.tensor(a, requires_grad=True) for a in (q, k, v)]
    out = torch.nn.functional.scaled_dot_product_attention(*ins, attn_mask=torch.tensor(mask))
    (out * out).sum().backward()
    return out.detach().numpy(), [t.grad.numpy() for t in ins]


@pytest.mark.parametrize("kind", ["bool", "float"])
def test_sdpa_fully_masked_query_gives_zero_and_finite_gradients_as_torch(kind):
    q, k, v = _qkv()
    mask = _bool_mask()
    if kind == "float":
        mask = np.where(mask, RNG.normal(size=mask.shape), -np.inf)
    out, grads = _ours_sdpa(q, k, v, mask)
    ref, ref_grads = _torch_sdpa(q, k, v, mask)
    assert np.all(out[:, 1] == 0.0)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-14)
    for ours, theirs in zip(grads, ref_grads, strict=True):
        assert np.isfinite(ours).all()  # no NaN from the dead row reaches any key's value.grad
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-13)


def test_sdpa_reads_a_bool_tensor_mask_as_bool_not_as_added_numbers():
    q, k, v = _qkv()
    mask = _bool_mask()
    bool_tensor = _constant(mask)  # a Tensor whose data is bool, as comparisons make
    out, _ = _ours_sdpa(q, k, v, bool_tensor)
    ref, _ = _ours_sdpa(q, k, v, mask)
    np.testing.assert_allclose(out, ref, rtol=1e-15, atol=0)


def _mha_pair(mask_for_mha: np.ndarray, ours_mask: object):
    torch = pytest.importorskip("torch")
    ours = nn.MultiheadAttention(E - 1, 2)
    for p in ours.parameters():
        p.data[...] = RNG.normal(size=p.shape) * 0.4
    theirs = torch.nn.MultiheadAttention(E - 1, 2, batch_first=True).double()
    theirs.load_state_dict({k: torch.from_numpy(a) for k, a in ours.state_dict().items()})
    q, k = RNG.normal(size=(2, L, E - 1)), RNG.normal(size=(2, S, E - 1))
    out, w = ours(Tensor(q), Tensor(k), Tensor(k), attn_mask=ours_mask)
    ref, rw = theirs(
        torch.tensor(q), torch.tensor(k), torch.tensor(k), attn_mask=torch.tensor(mask_for_mha)
    )
    return out.data, w.data, ref.detach().numpy(), rw.detach().numpy()


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("as_tensor", [False, True])
def test_mha_bool_mask_true_is_masked_and_a_fully_masked_row_is_nan_as_torch(as_tensor):
    blocked = ~_bool_mask()  # MultiheadAttention's convention: True may NOT attend
    out, w, ref, rw = _mha_pair(blocked, _constant(blocked) if as_tensor else blocked)
    assert np.isnan(out[:, 1]).all() and np.isnan(ref[:, 1]).all()
    assert np.isnan(w[:, 1]).all() and np.isnan(rw[:, 1]).all()
    live = [0, 2]
    np.testing.assert_allclose(out[:, live], ref[:, live], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(w[:, live], rw[:, live], rtol=1e-10, atol=1e-12)
