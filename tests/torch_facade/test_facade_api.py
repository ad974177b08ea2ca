"""backproplab.torch's contract without PyTorch: PyTorch's meaning where it conflicts with
numpy's, one engine underneath, clear errors for what it does not have."""

import subprocess
import sys

import numpy as np
import pytest

import autograd
import backproplab.torch as torch
import backproplab.torch.nn as nn
import backproplab.torch.nn.functional as F
from backproplab.torch.nn import functional as F2
from backproplab.torch.utils.data import DataLoader


def test_import_lines_of_the_course_work():
    assert F is F2 and torch.nn is nn and torch.nn.functional is F
    assert DataLoader is torch.utils.data.DataLoader
    assert torch.optim.AdamW and nn.init.normal_ and torch.cuda.is_available() is False


def test_facade_tensors_are_engine_tensors_on_one_graph():
    x = torch.randn(3, 4, requires_grad=True)
    y = (x * 2).tanh().sum()
    assert isinstance(x, autograd.Tensor) and isinstance(y, torch.Tensor)
    assert y.parents and y.parents[0].parents  # the engine's graph, node by node
    y.backward()
    assert isinstance(x.grad, torch.Tensor)
    np.testing.assert_allclose(x.grad.numpy(), 2 * (1 - np.tanh(2 * x.data) ** 2), rtol=1e-5)


def test_default_dtypes_follow_pytorch():
    assert torch.tensor([1, 2]).dtype == torch.int64
    assert torch.tensor([1.5]).dtype == torch.float32
    assert torch.tensor([True]).dtype == torch.bool
    assert torch.zeros(2).dtype == torch.float32 and torch.arange(3).dtype == torch.long
    assert (torch.tensor([1, 2]) / 2).dtype == torch.float32
    assert (torch.tensor([1, 2]) * 2).dtype == torch.int64
    assert (torch.tensor([1, 2]) + torch.ones(2)).dtype == torch.float32
    assert autograd.Tensor([1, 2]).dtype == np.float64  # the native API keeps its contract


def test_conflicting_names_mean_what_pytorch_means():
    t = torch.arange(6).float().view(2, 3)
    assert t.size() == torch.Size([2, 3]) and t.size(1) == 3 and t.numel() == 6
    assert autograd.Tensor(np.zeros((2, 3))).size == 6
    m = t.max(1)
    assert m.values.tolist() == [2.0, 5.0] and m.indices.tolist() == [2, 2]
    assert t.max().item() == 5.0
    assert t.transpose(0, 1).shape == (3, 2) and t.T.shape == (3, 2)
    x = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert x.std().item() == pytest.approx(np.std([1, 2, 3, 4], ddof=1))
    assert x.var(unbiased=False).item() == pytest.approx(np.var([1, 2, 3, 4]))
    assert x.var(correction=0).item() == pytest.approx(1.25)
    assert torch.tensor([[1, 2]]).repeat(2, 2).tolist() == [[1, 2, 1, 2], [1, 2, 1, 2]]
    assert t.sum(dim=0, keepdim=True).shape == (1, 3)
    assert t.sum(1, keepdims=True).shape == (2, 1)


def test_grad_is_a_tensor_with_tensor_methods():
    w = torch.ones(3, requires_grad=True)
    (w * torch.tensor([1.0, -2.0, 3.0])).sum().backward()
    assert w.grad.abs().tolist() == [1.0, 2.0, 3.0]
    assert w.grad.std().item() == pytest.approx(np.std([1, -2, 3], ddof=1), rel=1e-6)
    w.grad.zero_()
    assert w.grad.tolist() == [0.0, 0.0, 0.0]
    w.grad = None
    assert w.grad is None


def test_autograd_vocabulary():
    x = torch.randn(4, requires_grad=True)
    h = x * 3
    assert x.is_leaf and not h.is_leaf and h.requires_grad
    h.retain_grad()
    y = (h**2).sum()
    y.backward()
    np.testing.assert_allclose(h.grad.numpy(), 2 * h.data, rtol=1e-6)
    z = x * 2
    (z.sum()).backward()
    assert z.grad is None  # a non-leaf's grad is kept only after retain_grad()
    d = h.detach()
    assert not d.requires_grad and d.is_leaf
    c = torch.zeros(2)
    c.requires_grad = True
    assert c.requires_grad

    @torch.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    with torch.inference_mode():
        assert not (x * 2).requires_grad


def test_in_place_ops_follow_pytorch_rules():
    w = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w += 1
    with torch.no_grad():
        w -= 0.5 * torch.ones(3)
    assert w.tolist() == [0.5, 0.5, 0.5]
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    y += x  # recorded: y = 2x + x
    y.sum().backward()
    assert x.grad.tolist() == [3.0, 3.0, 3.0]
    x.grad = None
    y = x * 2
    y[1] = 0.0  # index_put: no gradient through the overwritten entry
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 0.0, 2.0]


def test_backward_through_a_value_changed_in_place_raises():
    x = torch.ones(3, requires_grad=True)
    y = x * 2
    z = y * y  # uses y's old values
    y += 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_indexing_with_integer_tensors_and_ranges():
    logits = torch.randn(4, 5)
    y = torch.tensor([0, 4, 1, 2])
    picked = logits[range(4), y]
    assert picked.tolist() == [logits.data[i, j] for i, j in enumerate([0, 4, 1, 2])]
    assert logits[torch.arange(4), y].tolist() == picked.tolist()
    mask = logits > 0
    assert mask.dtype == torch.bool
    assert logits.masked_fill(mask, 0.0).max().item() <= 0.0
    t = torch.zeros(3, 3, dtype=torch.int32)
    t[1, 2] += 5
    assert t[1, 2].item() == 5 and t.dtype == torch.int32


def test_unsupported_names_raise_naming_them():
    with pytest.raises(AttributeError, match=r"backproplab.torch.fft is not supported here"):
        torch.fft  # noqa: B018
    with pytest.raises(AttributeError, match=r"nn.Conv3d is not supported"):
        nn.Conv3d  # noqa: B018
    with pytest.raises(ImportError, match="gumbel_softmax"):
        from backproplab.torch.nn.functional import gumbel_softmax  # noqa: F401


def test_devices_other_than_cpu_are_refused():
    assert torch.zeros(2, device="cpu").to("cpu").device == "cpu"
    d = torch.ones(2).device  # PyTorch's device object: its type, repr, equality
    assert d.type == "cpu" and d.index is None and repr(d) == "device(type='cpu')"
    assert d == torch.device("cpu") and f"{d}" == "cpu"
    assert torch.ones(2, device=d).to(d).device == d
    assert next(torch.nn.Linear(2, 2).to(d).parameters()).device == d
    with pytest.raises(RuntimeError, match="'cuda' is not available here"):
        torch.device("cuda")
    with pytest.raises(RuntimeError, match="'cuda' is not available here"):
        torch.zeros(2, device="cuda")
    with pytest.raises(RuntimeError, match="CPU only"):
        torch.ones(2).to("cuda")
    torch.cuda.manual_seed_all(0)


def test_save_and_load_a_state_dict(tmp_path):
    torch.manual_seed(0)
    m = nn.Linear(3, 2)
    torch.save(m.state_dict(), tmp_path / "m.pt")
    m2 = nn.Linear(3, 2)
    m2.load_state_dict(torch.load(tmp_path / "m.pt"))
    assert torch.allclose(m.weight, m2.weight) and torch.equal(m.bias, m2.bias)
    with pytest.raises(TypeError, match="only a state_dict"):
        torch.save(m, tmp_path / "x.pt")


def test_module_vocabulary():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 4)
            self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])
            self.heads = nn.ModuleDict({"a": nn.Linear(4, 3)})
            self.register_buffer("mask", torch.tril(torch.ones(3, 3)))
            self.drop = nn.Dropout(0.5)

        def forward(self, idx):
            x = self.emb(idx)
            for b in self.blocks:
                x = F.relu(b(x))
            return self.heads["a"](self.drop(x))

    torch.manual_seed(0)
    net = Net()
    out = net(torch.tensor([[1, 2], [3, 4]]))
    assert isinstance(out, torch.Tensor) and out.shape == (2, 2, 3)
    assert "mask" in net.state_dict()
    net.eval()
    assert not net.drop.training
    names = []
    net.apply(lambda m: names.append(type(m).__name__))
    assert "Linear" in names
    opt = torch.optim.AdamW(net.parameters(), lr=1e-2)
    loss = F.cross_entropy(out.view(-1, 3), torch.tensor([0, 1, 2, -100]), ignore_index=-100)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


def test_importing_the_engine_never_imports_the_facade_or_torch():
    code = (
        "import sys, autograd, nn; assert 'backproplab.torch' not in sys.modules; "
        "import backproplab.torch; assert 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_seeded_script_with_dropout_repeats_itself():
    def run():
        torch.manual_seed(7)
        return F.dropout(torch.ones(50), 0.5).tolist()

    assert run() == run()


def test_arithmetic_recording_nothing_gives_the_engines_tensors():
    # + - * on tensors that need no graph skip the engine's dispatch: same numbers, dtype, class
    g = torch.tensor([[1.5, -2.0], [0.25, 4.0]])
    w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    for out, want in [
        (-0.1 * g, np.float32(-0.1) * g.data),
        (g + 3, g.data + np.float32(3)),
        (2.0 - g, np.float32(2.0) - g.data),
        (g * g[0], g.data * g.data[0]),
        (g.sum() * 2.0, np.float32(2.0) * g.data.sum()),
    ]:
        assert type(out) is torch.Tensor and type(out.data) is np.ndarray
        assert out.dtype == torch.float32 and not out.requires_grad and out.grad_fn is None
        np.testing.assert_array_equal(out.data, want)
    assert (g * 2).shape == (2, 2) and (g.sum() * 2).shape == ()
    with pytest.raises(ValueError, match="broadcast"):
        _ = g + torch.ones(3)
    y = w * 2.0 - g  # an input that requires grad: recorded as before
    assert y.requires_grad and y.grad_fn is not None
    with torch.no_grad():
        assert not (w * 2.0).requires_grad


def test_engine_call_tags_every_tensor_once_and_back_even_on_error():
    import nn as engine_nn
    from backproplab.torch._bridge import engine_call

    x, y, p = torch.ones(2), torch.zeros(2), nn.Parameter(torch.ones(3))
    seen = []

    def fn(a, pair, named=None, fail=False):
        seen.extend(type(t) for t in (a, *pair, named["w"]))
        if fail:
            raise KeyError("inside")
        return a + pair[1]

    out = engine_call(fn, x, [x, y], named={"w": p}, extra=(y, p))
    assert seen == [autograd.Tensor] * 3 + [engine_nn.Parameter]
    assert type(out) is torch.Tensor and (type(x), type(y), type(p)) == (
        torch.Tensor,
        torch.Tensor,
        nn.Parameter,
    )
    with pytest.raises(KeyError, match="inside"):
        engine_call(fn, x, (y, x), named={"w": p}, fail=True)
    assert (type(x), type(y), type(p)) == (torch.Tensor, torch.Tensor, nn.Parameter)


def test_a_fractional_power_of_a_negative_number_raises_as_the_readme_says():
    """The one domain where the facade keeps the engine's rule (PyTorch gives nan): the
    error names the op and the reason, and the tensor is unchanged."""
    x = torch.tensor([-1.0, 4.0])
    with pytest.raises(ValueError, match="pow: a negative base to a non-integer power"):
        x**0.5
    assert x.tolist() == [-1.0, 4.0]
    assert (x**2).tolist() == [1.0, 16.0]  # whole powers are fine
    assert np.isnan(torch.sqrt(x).tolist()[0])  # sqrt gives nan, as PyTorch's


def test_a_division_by_zero_raises_as_the_readme_says():
    """The other domain where the facade keeps the engine's rule (PyTorch gives inf or
    nan): ``/`` by a zero and a negative power of a zero raise, naming the op."""
    x = torch.tensor([1.0, 0.0, -1.0])
    for divide in (lambda: x / 0, lambda: 1 / x, lambda: x / x, lambda: x.div(0.0)):
        with pytest.raises(ZeroDivisionError, match="div: division by zero"):
            divide()
    with pytest.raises(ZeroDivisionError, match="pow: 0 cannot be raised to a negative power"):
        x**-1
    assert x.tolist() == [1.0, 0.0, -1.0]
    assert (x / 2).tolist() == [0.5, 0.0, -0.5]


def test_module_to_a_dtype_converts_floating_state_in_place():
    """``model.double()`` / ``.to(torch.float64)`` / ``.float()``, as PyTorch's: the same
    Parameter objects with new data; integer dtypes refused, the model left as it was."""
    m = nn.BatchNorm1d(3)
    weight = m.weight
    assert m.double() is m and m.weight is weight
    assert m.weight.dtype == torch.float64 and m.running_mean.dtype == torch.float64
    assert m.num_batches_tracked.dtype == torch.int64  # not a floating buffer: unchanged
    assert m.to(torch.float32).weight.dtype == torch.float32
    assert m.double().float().running_var.dtype == torch.float32
    with pytest.raises(TypeError, match="only floating dtypes"):
        m.to(torch.int64)
    assert m.weight.dtype == torch.float32
    lin = nn.Linear(2, 3).to("cpu", torch.float64)
    assert lin(torch.ones(1, 2, dtype=torch.float64)).dtype == torch.float64


def test_a_layer_call_leaves_its_input_parameters_and_buffers_facade_tensors():
    # A layer runs the engine's forward on engine views of its input and of its own
    # tensors; afterwards (also when the forward raises) every one is a facade tensor again.
    bn, lin = nn.BatchNorm1d(3), nn.Linear(3, 2)
    x = torch.randn(4, 3, requires_grad=True)
    lin(bn(x)).sum().backward()
    for t in (x, lin.weight, lin.bias, bn.weight, bn.bias):
        assert isinstance(t.grad, torch.Tensor), t
    assert type(lin.weight) is nn.Parameter and type(bn.running_mean) is torch.Tensor
    assert type(x) is torch.Tensor and repr(lin.bias).startswith("Parameter containing:")
    with pytest.raises(ValueError, match="in_features"):
        lin(torch.randn(4, 5))
    assert type(lin.weight) is nn.Parameter and type(lin.bias) is nn.Parameter
    assert type(bn(x)) is torch.Tensor and type(bn.num_batches_tracked) is torch.Tensor
