"""``torch.optim``: the engine's optimizers (``nn.optim``) on facade parameters.

``step()`` runs the engine's update on engine views of the parameters (their
``.grad`` the engine's arrays); ``zero_grad(set_to_none=True)`` is PyTorch's default.

>>> import backproplab.torch as torch
>>> w = torch.tensor([1.0, 2.0], requires_grad=True)
>>> opt = SGD([w], lr=0.1); (w * w).sum().backward(); opt.step(); w
tensor([0.8000, 1.6000], requires_grad=True)
"""

from __future__ import annotations

from typing import Any

from nn import optim as _optim

from ._bridge import engine_call
from ._unsupported import missing


class _Facade:
    """Runs the engine optimizer's step on engine views of its parameters."""

    param_groups: list[dict[str, Any]]

    def step(self, closure: Any = None) -> Any:
        loss = closure() if closure is not None else None
        params = tuple(p for g in self.param_groups for p in g["params"])
        engine_call(super().step, extra=params)  # type: ignore[misc]
        return loss

    def zero_grad(self, set_to_none: bool = True) -> None:
        for g in self.param_groups:
            for p in g["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.zero_()


class SGD(_Facade, _optim.SGD):
    """``torch.optim.SGD(params, lr=1e-3, momentum=0, weight_decay=0, nesterov=False)``."""

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        if dampening:
            raise NotImplementedError("SGD: dampening is not supported here")
        super().__init__(
            params, lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay
        )


class Adam(_Facade, _optim.Adam):
    """``torch.optim.Adam`` (coupled L2 weight decay, as PyTorch)."""


class AdamW(_Facade, _optim.AdamW):
    """``torch.optim.AdamW`` (decoupled weight decay, default 0.01)."""


def __getattr__(name: str) -> Any:
    missing("backproplab.torch.optim", name)
