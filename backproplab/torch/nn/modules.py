"""``torch.nn``'s modules: the engine's ``nn`` classes with facade parameters and PyTorch's init.

>>> import backproplab.torch as torch
>>> _ = torch.manual_seed(0)
>>> m = Sequential(Linear(3, 4), Tanh(), Linear(4, 2))
>>> m(torch.ones(5, 3)).shape
torch.Size([5, 2])
"""

from __future__ import annotations

import math
from collections import OrderedDict
from typing import Any, cast

import numpy as np

import autograd as ag
import nn as _nn

from .. import _dtypes as D
from .._bridge import _ENGINE_CLASS, _call, _module_call, engine_class
from .._tensor import Tensor, _Base, _check_device, _make, device, wrap
from . import functional as F
from . import init

_F32 = np.float32


class Parameter(Tensor, _nn.Parameter):
    """A tensor a Module registers as trainable; it shares the data it is given (PyTorch)."""

    __slots__ = ()

    def __init__(self, data: Any = None, requires_grad: bool = True) -> None:
        arr = (
            np.empty(0, _F32)
            if data is None
            else (data.data if isinstance(data, ag.Tensor) else np.asarray(data))
        )
        _nn.Parameter.__init__(self, arr, requires_grad)
        if arr.dtype.kind == "f":
            self.data = arr

    def __repr__(self) -> str:
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__


_ENGINE_CLASS[Parameter] = _nn.Parameter  # engine_call's tag for it, looked up


def _adopt(module: _nn.Module, dtype: Any = _F32) -> None:
    """Make a module's own parameters facade Parameters (float32) and its buffers facade
    tensors (float buffers float32)."""
    for p in module.parameters():
        if not isinstance(p, Parameter) and isinstance(p, ag.Tensor):
            if p.data.dtype.kind == "f" and p.data.dtype != dtype:
                with np.errstate(over="ignore", invalid="ignore"):  # np.empty before init
                    p.data = p.data.astype(dtype)
            p.__class__ = Parameter
    for b in module.buffers():
        if type(b) is ag.Tensor:
            if b.data.dtype.kind == "f" and b.data.dtype != dtype:
                b.data = b.data.astype(dtype)
            b.__class__ = Tensor


class Module(_nn.Module):
    """``torch.nn.Module``: the engine's Module, whose forward speaks PyTorch (its ops
    on facade tensors give facade tensors)."""

    _REPR_RUN = 0  # PyTorch prints every child (a ModuleList collapses runs of two)

    def state_dict(self, *args: Any, **kwargs: Any) -> OrderedDict[str, Tensor]:  # type: ignore[override]
        return OrderedDict((k, _make(v)) for k, v in super().state_dict().items())

    def load_state_dict(self, state_dict: Any, strict: bool = True, **kwargs: Any) -> Any:
        arrays = {k: v.data if isinstance(v, ag.Tensor) else v for k, v in state_dict.items()}
        return super().load_state_dict(arrays, strict, **kwargs)

    def to(self, *args: Any, **kwargs: Any) -> Module:
        """Accepts ``"cpu"`` (other devices are refused); a dtype converts the floating
        parameters and buffers in place, as PyTorch's (the same Parameter objects).

        >>> import backproplab.torch as torch
        >>> torch.nn.Linear(2, 3).to(torch.float64).weight.dtype
        torch.float64
        """
        _check_device(kwargs.get("device"), "Module.to")
        target = kwargs.get("dtype")
        for a in args:
            if isinstance(a, (str, device)) or a is None:
                _check_device(a, "Module.to")
            else:
                target = a
        if target is not None:
            dtype = D.to_numpy(target, "Module.to")
            if dtype.kind != "f":
                raise TypeError(
                    f"Module.to: only floating dtypes are accepted, got {target!r} (as in PyTorch)"
                )
            for t in (*self.parameters(), *self.buffers()):
                arr = np.asarray(t.data)
                if arr.dtype.kind == "f" and arr.dtype != dtype:
                    t.data = arr.astype(dtype)
        return self

    def double(self) -> Module:
        """The floating parameters and buffers as float64, in place."""
        return self.to(np.float64)

    def float(self) -> Module:
        """The floating parameters and buffers as float32, in place."""
        return self.to(np.float32)

    def cpu(self) -> Module:
        return self

    def cuda(self, *args: Any) -> Module:
        _check_device("cuda", "Module.cuda")
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()


class _EngineLayer(Module):
    """An engine layer called on engine views of its input, parameters and buffers."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        own = self.__dict__.get("_facade_state")
        if own is None:  # its tensors and their two classes, listed once (attribute
            own = [  # changes forget the list)
                (t, type(t), engine_class(t)) for t in (*self.parameters(), *self.buffers())
            ]
            object.__setattr__(self, "_facade_state", own)
        if kwargs or len(args) != 1 or type(args[0]) is not Tensor:
            scan = (*args, *kwargs.values(), *[t for t, _, _ in own])
            return _call(_module_call, (self, *args), kwargs, scan)
        # Hot (every layer of a model): module_call on one facade tensor, written out
        x: Any = args[0]
        x.__class__ = _Base
        for t, _, engine in own:
            t.__class__ = engine
        try:
            out = _module_call(self, x)
        finally:
            x.__class__ = Tensor
            for t, cls, _ in own:
                t.__class__ = cls
        if type(out) is _Base:
            out.__class__ = Tensor
            return out
        return wrap(out)

    def __setattr__(self, name: str, value: Any) -> None:
        self.__dict__.pop("_facade_state", None)
        super().__setattr__(name, value)

    def register_buffer(self, name: str, tensor: Any, persistent: bool = True) -> None:
        self.__dict__.pop("_facade_state", None)
        super().register_buffer(name, tensor, persistent)


class Sequential(Module, _nn.Sequential):
    """``nn.Sequential``: modules applied in order."""


class ModuleList(Module, _nn.ModuleList):
    """``nn.ModuleList``: a list of registered modules."""

    _REPR_RUN = 2


class ModuleDict(Module, _nn.ModuleDict):
    """``nn.ModuleDict``: a dict of registered modules."""


class Linear(_EngineLayer, _nn.Linear):
    """``nn.Linear`` with PyTorch's init drawn from PyTorch's generator."""

    def reset_parameters(self) -> None:
        _adopt(self)
        init.kaiming_uniform_(cast(Tensor, self.weight), a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(cast(Tensor, self.bias), -bound, bound)


class Embedding(_EngineLayer, _nn.Embedding):
    """``nn.Embedding``: N(0, 1) rows from PyTorch's generator."""

    def reset_parameters(self) -> None:
        _adopt(self)
        init.normal_(cast(Tensor, self.weight))
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0.0

    def __call__(self, input: Any) -> Any:  # noqa: A002
        idx = input.data if isinstance(input, ag.Tensor) else input
        return super().__call__(idx)


class LayerNorm(_EngineLayer, _nn.LayerNorm):
    """``nn.LayerNorm`` (float32 ones and zeros)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _adopt(self)

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, bias={self.bias is not None}"  # (PyTorch 2.1 on)


class BatchNorm1d(_EngineLayer, _nn.BatchNorm1d):
    """``nn.BatchNorm1d`` (float32 parameters and running statistics)."""

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
    ) -> None:
        if not affine or not track_running_stats:
            raise NotImplementedError(
                "BatchNorm1d: affine=False / track_running_stats=False are not supported here"
            )
        super().__init__(num_features, eps, momentum)
        _adopt(self)


class Dropout(_EngineLayer, _nn.Dropout):
    """``nn.Dropout`` (its masks come from the engine's generator, not PyTorch's)."""

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace=False"


class ReLU(_EngineLayer, _nn.ReLU):
    """``nn.ReLU``."""


class Tanh(_EngineLayer, _nn.Tanh):
    """``nn.Tanh``."""


class Sigmoid(_EngineLayer, _nn.Sigmoid):
    """``nn.Sigmoid``."""


class GELU(_EngineLayer, _nn.GELU):
    """``nn.GELU``."""


class Softmax(_EngineLayer, _nn.Softmax):
    """``nn.Softmax(dim)``."""


class Flatten(_EngineLayer, _nn.Flatten):
    """``nn.Flatten``."""


class Identity(_EngineLayer, _nn.Identity):
    """``nn.Identity``."""


class CrossEntropyLoss(Module):
    """``nn.CrossEntropyLoss`` (``ignore_index``, ``reduction``), via ``F.cross_entropy``."""

    def __init__(
        self, weight: Any = None, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__()
        self.class_weight = weight
        self.ignore_index = ignore_index
        self.reduction = reduction

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.cross_entropy(
            input,
            target,
            weight=self.class_weight,
            ignore_index=self.ignore_index,
            reduction=self.reduction,
        )


class MSELoss(Module):
    """``nn.MSELoss``."""

    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        self.reduction = reduction

    def forward(self, input: Any, target: Any) -> Any:  # noqa: A002
        return F.mse_loss(input, target, reduction=self.reduction)
