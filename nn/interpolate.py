"""Layer-wise linear interpolation between two models of the same architecture."""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nn.module import Module

__all__ = ["interpolate"]

Lambda = float | Sequence[float] | Mapping[str, float]


def interpolate(model_a: Module, model_b: Module, lam: Lambda) -> Module:
    """A new model whose layer i has parameters ``lam_i * a_i + (1 - lam_i) * b_i``.

    A *layer* is a module that holds parameters itself (a ``Linear``; a
    ``Neuron`` in an ``nn.scalar`` model), taken in ``modules()`` order. ``lam``
    is one number for every layer, a sequence with one number per layer, or a
    dict from layer name (as in ``named_modules()``, e.g. ``"0"``, ``"2"``) to
    number; the dict must name every layer and nothing else, so no layer is
    mixed with a weight you did not choose. Every lambda is in [0, 1]; ``lam_i = 1``
    copies layer i of ``model_a`` exactly and ``lam_i = 0`` that of ``model_b``.

    The result is a deep copy of ``model_a`` (same mode, gradients cleared) with
    the mixed parameters; neither input changes. Raises ValueError when the
    architectures, parameter names or shapes differ, or for a bad ``lam``.

    >>> import numpy as np
    >>> from nn import MLP
    >>> a, b = MLP([2, 3, 1]), MLP([2, 3, 1])
    >>> mid = interpolate(a, b, [1.0, 0.0])   # first layer from a, second from b
    >>> bool(np.array_equal(mid[0].weight.data, a[0].weight.data))
    True
    >>> bool(np.array_equal(mid[2].weight.data, b[2].weight.data))
    True
    >>> interpolate(a, b, 1.5)
    Traceback (most recent call last):
    ...
    ValueError: interpolate: lambda must be in [0, 1], got 1.5
    """
    for name, m in (("model_a", model_a), ("model_b", model_b)):
        if not isinstance(m, Module):
            raise TypeError(f"interpolate: {name} must be an nn.Module, got {type(m).__name__}")
    _check_same_architecture(model_a, model_b)
    layers = [
        name for name, m in model_a.named_modules() if any(True for _ in m._named_own_parameters())
    ]
    lams = _lambdas(lam, layers)

    sd_a, sd_b = model_a.state_dict(), model_b.state_dict()
    mixed = {}
    for layer, m in model_a.named_modules():
        if layer not in lams:
            continue
        t = lams[layer]
        for pname, _ in m._named_own_parameters():
            key = f"{layer}.{pname}" if layer else pname
            a, b = sd_a[key], sd_b[key]
            mixed[key] = a if t == 1.0 else b if t == 0.0 else t * a + (1.0 - t) * b

    out = copy.deepcopy(model_a)
    sd = out.state_dict()
    sd.update(mixed)
    out.load_state_dict(sd, allow_nonfinite=True)
    out.zero_grad()
    return out


def _check_same_architecture(a: Module, b: Module) -> None:
    mods_a, mods_b = list(a.named_modules()), list(b.named_modules())
    for (name_a, ma), (name_b, mb) in zip(mods_a, mods_b, strict=False):
        desc_a = f"{type(ma).__name__}({ma.extra_repr()})"
        desc_b = f"{type(mb).__name__}({mb.extra_repr()})"
        if name_a != name_b or desc_a != desc_b:
            raise ValueError(
                f"interpolate: the architectures differ: model_a has "
                f"{name_a or '<root>'}: {desc_a}, model_b has "
                f"{name_b or '<root>'}: {desc_b}"
            )
    if len(mods_a) != len(mods_b):
        raise ValueError(
            f"interpolate: the architectures differ: model_a has {len(mods_a)} "
            f"modules, model_b has {len(mods_b)}"
        )
    sd_a, sd_b = a.state_dict(), b.state_dict()
    if list(sd_a) != list(sd_b):
        only_a = [k for k in sd_a if k not in sd_b]
        only_b = [k for k in sd_b if k not in sd_a]
        raise ValueError(
            f"interpolate: the parameter names differ: only in model_a: "
            f"{only_a or 'none'}; only in model_b: {only_b or 'none'}"
        )
    for key, va in sd_a.items():
        if va.shape != sd_b[key].shape:
            raise ValueError(
                f"interpolate: parameter {key!r} has shape {va.shape} in model_a "
                f"but {sd_b[key].shape} in model_b"
            )


def _lambda(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise ValueError(f"interpolate: lambda{where} must be a number, got {x!r}")
    t = float(x)
    if not math.isfinite(t) or not 0.0 <= t <= 1.0:
        raise ValueError(f"interpolate: lambda{where} must be in [0, 1], got {x!r}")
    return t


def _lambdas(lam: Lambda, layers: list[str]) -> dict[str, float]:
    """One validated lambda per layer name."""
    if isinstance(lam, Mapping):
        unknown = [str(k) for k in lam if k not in layers]
        missing = [k for k in layers if k not in lam]
        if unknown or missing:
            raise ValueError(
                f"interpolate: the lambda dict must name each parameterised layer once; "
                f"unknown: {unknown or 'none'}; missing: {missing or 'none'} "
                f"(layers: {layers})"
            )
        return {k: _lambda(lam[k], f" for layer {k!r}") for k in layers}
    if isinstance(lam, (Sequence, np.ndarray)) and not isinstance(lam, (str, bytes)):
        values = list(np.asarray(lam).tolist()) if isinstance(lam, np.ndarray) else list(lam)
        if len(values) != len(layers):
            raise ValueError(
                f"interpolate: got {len(values)} lambdas for {len(layers)} "
                f"parameterised layers {layers}"
            )
        pairs = enumerate(zip(layers, values, strict=True))
        return {k: _lambda(v, f"[{i}]") for i, (k, v) in pairs}
    t = _lambda(lam, "")
    return dict.fromkeys(layers, t)
