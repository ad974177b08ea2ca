"""Optimizers: SGD, Adam and AdamW, with PyTorch's exact update rules.

They update Tensor parameters in place (the arrays are the parameters' own)
and Value parameters by rebinding their float ``data``. ``step`` runs every
training step, so on Tensors it allocates nothing in the common cases: each
parameter gets one scratch array, reused for the temporaries of its update
(a fresh 1.6 MB temporary per step costs more than the arithmetic).

Parameters whose ``grad`` is None are skipped. ``params`` is an iterable of
parameters, or of dicts (PyTorch's parameter groups: ``{"params": [...],
"lr": 0.01}``, unspecified options falling back to the optimizer's).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping
from numbers import Real
from typing import Any

import numpy as np

from autograd.core.tensor import Tensor, mark_stepped
from autograd.core.value import Value
from nn.module import Module

Param = Tensor | Value

__all__ = ["Optimizer", "SGD", "Adam", "AdamW"]


# Below this many elements a temporary is cheaper than looking up a scratch array
# (128 KB of float64: glibc's default threshold for serving allocations with mmap).
_SCRATCH_MIN_SIZE = 16384


def _sub_scaled_large(
    d: np.ndarray, scale: float, g: Any, key: int, scratch: dict[int, np.ndarray]
) -> None:
    """d -= scale * g in place, through the parameter's scratch array instead of a temporary."""
    s = _scratch_for(d, key, scratch)
    np.multiply(g, scale, out=s, casting="unsafe")
    np.subtract(d, s, out=d)


def _scratch_for(d: np.ndarray, key: int, scratch: dict[int, np.ndarray]) -> np.ndarray:
    """The parameter's work array, remade if its data was replaced by another shape or dtype."""
    s = scratch.get(key)
    if s is None or s.shape != d.shape or s.dtype != d.dtype:
        s = scratch[key] = np.empty_like(d)
    return s


def _clone(g: Any) -> Any:
    return g.copy() if isinstance(g, np.ndarray) else float(g)


def _zeros(g: Any) -> Any:
    return np.zeros_like(g) if isinstance(g, np.ndarray) else 0.0


def _number(value: Any, name: str, owner: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{owner}: {name} must be a real number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{owner}: {name} must be finite, got {value!r}")
    return x


def _non_negative(value: Any, name: str, owner: str) -> float:
    x = _number(value, name, owner)
    if x < 0:
        raise ValueError(f"{owner}: {name} must be >= 0, got {value!r}")
    return x


_MAX_STEP = 2**63 - 1  # PyTorch keeps the count in a 64-bit number too


def _step_count(value: Any, where: str) -> int:
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    integral = isinstance(value, (int, np.integer)) or (
        isinstance(value, (float, np.floating)) and math.isfinite(value) and value.is_integer()
    )
    if isinstance(value, (bool, np.bool_)) or not integral or not 0 <= value <= _MAX_STEP:
        raise ValueError(f"{where}: step must be an integer in [0, 2**63 - 1], got {_short(value)}")
    return int(value)


def _buffer(value: Any, key: str, data: np.ndarray, where: str) -> np.ndarray:
    """A moment buffer for a Tensor parameter: a finite float array of its shape and dtype."""
    try:
        arr = np.asarray(value)
    except (TypeError, ValueError):
        arr = np.asarray(None)
    if arr.shape != data.shape or arr.dtype.kind != "f":
        raise ValueError(
            f"{where}: {key} must be a float array of shape {data.shape}, "
            f"got {arr.dtype} {arr.shape}"
        )
    with np.errstate(over="ignore", invalid="ignore"):
        out = arr.astype(data.dtype, copy=True)
    bad = int(out.size - np.isfinite(out).sum())
    if bad:
        raise ValueError(
            f"{where}: {key} has {bad} NaN or inf values (or values beyond "
            f"{data.dtype}'s range); the next step would make the weights NaN"
        )
    if key == "exp_avg_sq" and (out < 0).any():
        raise ValueError(
            f"{where}: exp_avg_sq (a mean of squares) has "
            f"{int((out < 0).sum())} negative values; it must be >= 0"
        )
    return out


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text):,} characters)"


def _describe(p: Param, index: int) -> str:
    """How errors name a parameter: its number (as in state_dict), label, kind and shape."""
    label = f" {p.label!r}" if getattr(p, "label", "") else ""
    if isinstance(p, Value):
        return f"parameter {index}{label} (a Value)"
    return f"parameter {index}{label} (shape {p.data.shape})"


def _value_grad(p: Value, g: Any, opt: Optimizer) -> float:
    if isinstance(g, Value):
        g = g.data
    if isinstance(g, (bool, np.bool_)) or not isinstance(g, Real):
        raise TypeError(
            f"{_where(opt, p)} has a gradient of type "
            f"{type(g).__name__}, expected a float; no parameter was updated"
        )
    return float(g)


def _tensor_grad(p: Tensor, g: Any, opt: Optimizer, entry: Any) -> np.ndarray:
    d = p.data
    if (
        g.__class__ is np.ndarray
        and g.dtype is d.dtype
        and g.shape == d.shape
        and d.dtype.kind == "f"
        and d.flags.writeable
    ):  # the common case, checked quickly
        if not entry:
            return g
        shape = d.shape
        for b in entry.values():
            if b.__class__ is np.ndarray and b.shape != shape:
                break
        else:
            return g
    if isinstance(g, Tensor):
        g = g.data  # a gradient recorded with create_graph=True
    if not isinstance(g, np.ndarray) or g.dtype.kind not in "biuf":
        what = f"an array of dtype {g.dtype}" if isinstance(g, np.ndarray) else type(g).__name__
        raise TypeError(
            f"{_where(opt, p)} has a gradient that is {what}, "
            f"expected a real array of shape {d.shape}; no parameter was updated"
        )
    if g.shape != d.shape:
        raise ValueError(
            f"{_where(opt, p)} has a gradient of shape "
            f"{g.shape}, expected the parameter's shape {d.shape}; no parameter "
            "was updated"
        )
    if d.dtype.kind != "f":
        raise TypeError(
            f"{_where(opt, p)} holds {d.dtype} data; optimizers "
            "update float parameters only; no parameter was updated"
        )
    if not d.flags.writeable:
        raise ValueError(
            f"{_where(opt, p)} has read-only data (it cannot "
            "be updated in place); no parameter was updated"
        )
    if entry:
        for key, buf in entry.items():
            if isinstance(buf, np.ndarray) and buf.shape != d.shape:
                raise ValueError(
                    f"{_where(opt, p)}: its {key} has shape "
                    f"{buf.shape} (the data was replaced by another shape?); no "
                    "parameter was updated"
                )
    return g


def _where(opt: Optimizer, p: Param) -> str:
    return f"{type(opt).__name__}.step: {_describe(p, opt._number_of(p))}"


class Optimizer:
    """Base class: parameter groups, per-parameter state, zero_grad and state dicts.

    Subclasses set ``_state_keys`` (the names of their per-parameter state),
    ``_check`` (validate one group's options) and ``step``.

    >>> from autograd import Value
    >>> w = Value(1.0)
    >>> opt = SGD([w], lr=0.5)
    >>> opt.param_groups[0]["lr"], len(opt.param_groups[0]["params"])
    (0.5, 1)
    """

    _state_keys: tuple[str, ...] = ()

    def __init__(self, params: Iterable[Any], defaults: Mapping[str, Any]) -> None:
        name = type(self).__name__
        self.defaults = self._check(dict(defaults))
        self.param_groups: list[dict[str, Any]] = []
        self.state: dict[int, dict[str, Any]] = {}  # keyed by id(param)
        self._scratch: dict[int, np.ndarray] = {}  # one work array per Tensor parameter
        if isinstance(params, (Tensor, Value)):
            raise TypeError(
                f"{name}: params must be an iterable of parameters, got a single "
                f"{type(params).__name__}; wrap it in a list"
            )
        if isinstance(params, Module) or isinstance(getattr(params, "__self__", None), Module):
            what = (
                f"a {type(params).__name__} module"
                if isinstance(params, Module)
                else "the method model.parameters itself"
            )
            raise TypeError(
                f"{name}: params must be an iterable of parameters, got {what}; "
                f"pass model.parameters()"
            )
        items = list(params)
        if not items:
            raise ValueError(
                f"{name}: got an empty parameter list (did the model register any parameters?)"
            )
        groups = items if isinstance(items[0], Mapping) else [{"params": items}]
        for group in groups:
            self.add_param_group(group)

    def add_param_group(self, group: Mapping[str, Any]) -> None:
        """Add a group of parameters with its own options (the rest from the defaults).

        >>> from autograd import Value
        >>> opt = SGD([Value(1.0)], lr=0.1)
        >>> opt.add_param_group({"params": [Value(2.0)], "lr": 0.01})
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.01]
        """
        name = type(self).__name__
        if not isinstance(group, Mapping) or "params" not in group:
            raise TypeError(
                f"{name}: a parameter group is a dict with a 'params' entry, got {group!r}"
            )
        raw = group["params"]
        params = [raw] if isinstance(raw, (Tensor, Value)) else list(raw)
        if not params:
            raise ValueError(f"{name}: parameter group {len(self.param_groups)} is empty")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not isinstance(p, (Tensor, Value)):
                raise TypeError(
                    f"{name}: parameter {i} is a {type(p).__name__}; expected a "
                    "Tensor (nn.Parameter) or a Value"
                )
            if p.parents:
                raise ValueError(
                    f"{name}: parameter {i} is not a leaf (it was computed by "
                    f"{p.op!r}); optimize the leaf it came from"
                )
            if id(p) in seen:
                raise ValueError(f"{name}: parameter {i} appears more than once")
            seen.add(id(p))
        unknown = set(group) - set(self.defaults) - {"params"}
        if unknown:
            raise ValueError(
                f"{name}: unknown option(s) {sorted(unknown)} in a parameter group; "
                f"valid: {sorted(self.defaults)}"
            )
        options = {**self.defaults, **{k: v for k, v in group.items() if k != "params"}}
        self.param_groups.append({"params": params, **self._check(options)})

    @property
    def lr(self) -> float:
        """The learning rate of the first group; setting it sets every group's."""
        return float(self.param_groups[0]["lr"])

    @lr.setter
    def lr(self, value: float) -> None:
        lr = self._check({**self.defaults, "lr": value})["lr"]
        for group in self.param_groups:
            group["lr"] = lr

    def _check(self, options: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    def _check_lrs(self) -> None:
        """Check learning rates written straight into ``param_groups`` (as LR schedulers
        do) before any parameter moves: a NaN or inf would silently corrupt every weight."""
        for i, group in enumerate(self.param_groups):
            lr = group["lr"]
            if not (type(lr) is float and 0.0 <= lr < math.inf):  # NaN fails this test too
                _non_negative(lr, f"lr of parameter group {i}", type(self).__name__)

    def _checked_gradients(self) -> list[list[tuple[Param, Any]]]:
        """Per group, each parameter with a gradient and that gradient, all checked first.

        A bad one (wrong shape or type, read-only or integer data, a state buffer
        of another shape) raises naming it before any parameter moves.
        """
        self._check_lrs()
        state = self.state
        out: list[list[tuple[Param, Any]]] = []
        for group in self.param_groups:
            pairs: list[tuple[Param, Any]] = []
            append = pairs.append
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if isinstance(p, Value):
                    # the common scalar case first; a Value's grad of any other type is
                    # converted or refused by name
                    append((p, g if g.__class__ is float else _value_grad(p, g, self)))
                elif g.__class__ is np.ndarray and (not state or id(p) not in state):
                    d = p.data  # the common tensor case, checked in a few lines
                    if (
                        g.shape == d.shape
                        and g.dtype is d.dtype
                        and d.dtype.kind == "f"
                        and d.flags.writeable
                    ):
                        append((p, g))
                    else:
                        append((p, _tensor_grad(p, g, self, None)))
                else:
                    append((p, _tensor_grad(p, g, self, state.get(id(p)))))
            out.append(pairs)
        return out

    def _number_of(self, p: Param) -> int:
        """``p``'s number in ``state_dict()`` (errors use it to name the parameter)."""
        every = [q for group in self.param_groups for q in group["params"]]
        return next(i for i, q in enumerate(every) if q is p)

    def step(self) -> None:
        """Update every parameter that has a gradient."""
        raise NotImplementedError

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear gradients: Tensors' to None (or zeros in place), Values' to 0.0.

        >>> from autograd import Value
        >>> w = Value(1.0); w.grad = 3.0
        >>> SGD([w], lr=0.1).zero_grad(); w.grad
        0.0
        """
        for group in self.param_groups:
            for p in group["params"]:
                if isinstance(p, Value):
                    p.grad = 0.0
                elif set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    p.grad.fill(0.0)

    # -- state dicts -------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """A deep copy of the state: ``{"state": {index: {...}}, "param_groups": [...]}``.

        As in PyTorch, parameters are numbered in order across groups and each
        group lists its parameters' numbers; the state holds step counts and
        moment buffers (ndarray copies for Tensors, floats for Values).

        >>> from autograd import Value
        >>> w = Value(1.0); w.grad = 1.0
        >>> opt = Adam([w], lr=0.1); opt.step()
        >>> opt.state_dict()["state"][0]["step"], opt.state_dict()["param_groups"][0]["params"]
        (1, [0])
        """
        state: dict[int, dict[str, Any]] = {}
        groups = []
        index = 0
        for group in self.param_groups:
            numbers = []
            for p in group["params"]:
                entry = self.state.get(id(p))
                if entry:
                    state[index] = {
                        k: _clone(v) if k != "step" else int(v) for k, v in entry.items()
                    }
                numbers.append(index)
                index += 1
            groups.append(
                {
                    **{k: copy.deepcopy(v) for k, v in group.items() if k != "params"},
                    "params": numbers,
                }
            )
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: Mapping[str, Any]) -> None:
        """Load a ``state_dict()``; everything is checked before anything changes.

        >>> from autograd import Value
        >>> w = Value(1.0); w.grad = 1.0
        >>> a = SGD([w], lr=0.1, momentum=0.9); a.step()
        >>> b = SGD([w], lr=0.1, momentum=0.9); b.load_state_dict(a.state_dict())
        >>> b.state_dict()["state"][0]["momentum_buffer"]
        1.0
        """
        name = type(self).__name__
        if not isinstance(state_dict, Mapping) or set(state_dict) != {"state", "param_groups"}:
            raise ValueError(
                f"{name}.load_state_dict: expected a dict with keys 'state' and "
                "'param_groups' (from state_dict())"
            )
        groups = state_dict["param_groups"]
        if not isinstance(groups, (list, tuple)) or not all(isinstance(g, Mapping) for g in groups):
            raise ValueError(
                f"{name}.load_state_dict: 'param_groups' must be a list of dicts "
                f"(from state_dict()), got {type(groups).__name__}"
            )
        if not isinstance(state_dict["state"], Mapping):
            raise ValueError(
                f"{name}.load_state_dict: 'state' must be a dict from parameter "
                f"number to state, got {type(state_dict['state']).__name__}"
            )
        if len(groups) != len(self.param_groups):
            raise ValueError(
                f"{name}.load_state_dict: the state dict has {len(groups)} parameter "
                f"groups, this optimizer has {len(self.param_groups)}"
            )
        params: list[Param] = []
        new_groups = []
        for i, (ours, theirs) in enumerate(zip(self.param_groups, groups, strict=True)):
            numbers = theirs.get("params", ())
            if not isinstance(numbers, (list, tuple)) or len(numbers) != len(ours["params"]):
                count = len(numbers) if isinstance(numbers, (list, tuple)) else repr(numbers)
                raise ValueError(
                    f"{name}.load_state_dict: group {i} has {count} "
                    f"parameters in the state dict, {len(ours['params'])} here"
                )
            options = {k: v for k, v in theirs.items() if k != "params"}
            if set(options) != set(self.defaults):
                raise ValueError(
                    f"{name}.load_state_dict: group {i} has options "
                    f"{sorted(options)}, expected {sorted(self.defaults)}"
                )
            new_groups.append(self._check(copy.deepcopy(options)))
            params.extend(ours["params"])
        order = [n for g in groups for n in g["params"]]
        if any(type(n) is not int for n in order) or sorted(order) != list(range(len(params))):
            raise ValueError(
                f"{name}.load_state_dict: the groups must number the parameters "
                f"0..{len(params) - 1}, each once; got {order}"
            )
        by_number = dict(zip(order, params, strict=True))
        new_state: dict[int, dict[str, Any]] = {}
        for n, entry in dict(state_dict["state"]).items():
            if n not in by_number:
                raise ValueError(
                    f"{name}.load_state_dict: state for parameter {n!r}, which does not exist"
                )
            new_state[id(by_number[n])] = self._checked_entry(entry, by_number[n], n)
        for group, options in zip(self.param_groups, new_groups, strict=True):
            group.update(options)
        self.state = new_state

    def _checked_entry(self, entry: Any, p: Param, n: int) -> dict[str, Any]:
        """One parameter's state, checked: a bad step count or buffer would wreck later steps."""
        where = f"{type(self).__name__}.load_state_dict: state of {_describe(p, n)}"
        if not isinstance(entry, Mapping) or set(entry) != set(self._state_keys):
            keys = sorted(map(str, entry)) if isinstance(entry, Mapping) else entry
            raise ValueError(f"{where} has keys {keys}, expected {sorted(self._state_keys)}")
        out: dict[str, Any] = {}
        for key, value in entry.items():
            if key == "step":
                out[key] = _step_count(value, where)
            elif isinstance(p, Value):
                x = _number(value, key, where)
                if key == "exp_avg_sq" and x < 0:
                    raise ValueError(
                        f"{where}: exp_avg_sq (a mean of squares) must be >= 0, got {value!r}"
                    )
                out[key] = x
            else:
                out[key] = _buffer(value, key, p.data, where)
        return out

    def __repr__(self) -> str:
        n = sum(len(g["params"]) for g in self.param_groups)
        options = ", ".join(f"{k}={v!r}" for k, v in self.param_groups[0].items() if k != "params")
        more = f", {len(self.param_groups)} groups" if len(self.param_groups) > 1 else ""
        return f"{type(self).__name__}({n} parameters{more}, {options})"


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov momentum and L2 decay.

    PyTorch's update (dampening 0)::

        g = grad + weight_decay * p
        buf = g                      (first step)
        buf = momentum * buf + g     (later steps)
        g = g + momentum * buf if nesterov else buf
        p = p - lr * g

    The in-place operators below update ndarrays in place and rebind floats,
    so one code path serves Tensors and Values.

    >>> from autograd import Tensor
    >>> w = Tensor([1.0, 2.0], requires_grad=True)
    >>> opt = SGD([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); w.data
    array([0.8, 1.6])
    """

    _state_keys = ("momentum_buffer",)

    def __init__(
        self,
        params: Iterable[Any],
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(
            params,
            {"lr": lr, "momentum": momentum, "nesterov": nesterov, "weight_decay": weight_decay},
        )

    def _check(self, options: dict[str, Any]) -> dict[str, Any]:
        owner = "SGD"
        out = {
            "lr": _non_negative(options["lr"], "lr", owner),
            "momentum": _non_negative(options["momentum"], "momentum", owner),
            "nesterov": options["nesterov"],
            "weight_decay": _non_negative(options["weight_decay"], "weight_decay", owner),
        }
        if not isinstance(out["nesterov"], (bool, np.bool_)):
            raise TypeError(f"SGD: nesterov must be True or False, got {out['nesterov']!r}")
        out["nesterov"] = bool(out["nesterov"])
        if out["nesterov"] and out["momentum"] <= 0:
            raise ValueError(
                f"SGD: nesterov=True needs momentum > 0, got momentum={options['momentum']!r}"
            )
        return out

    def step(self) -> None:
        """One SGD update of every parameter with a gradient."""
        grads = self._checked_gradients()
        state, scratch = self.state, self._scratch
        for group, pairs in zip(self.param_groups, grads, strict=True):
            lr, momentum = group["lr"], group["momentum"]
            nesterov, weight_decay = group["nesterov"], group["weight_decay"]
            for p, g in pairs:
                if weight_decay:
                    g = g + weight_decay * p.data
                if momentum:
                    entry = state.get(id(p))
                    if entry is None:
                        buf = _clone(g)
                        state[id(p)] = {"momentum_buffer": buf}
                    else:
                        buf = entry["momentum_buffer"]
                        buf *= momentum
                        buf += g
                        entry["momentum_buffer"] = buf
                    g = g + momentum * buf if nesterov else buf
                if g.__class__ is np.ndarray and g.size >= _SCRATCH_MIN_SIZE:  # a large Tensor
                    _sub_scaled_large(p.data, lr, g, id(p), scratch)  # type: ignore[arg-type]
                else:
                    p.data -= lr * g  # in place for an ndarray, rebinding for a float
        # The Tensors' versions move on: a backward through an older graph raises.
        mark_stepped(grads, "SGD.step")


class Adam(Optimizer):
    """Adam with bias correction and coupled L2 weight decay, exactly as ``torch.optim.Adam``.

    Per step t (from 1)::

        g = grad + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        p = p - lr / (1 - beta1**t) * m / (sqrt(v) / sqrt(1 - beta2**t) + eps)

    >>> from autograd import Value
    >>> w = Value(1.0); w.grad = 0.5
    >>> opt = Adam([w], lr=0.1); opt.step(); round(w.data, 6)  # the first step moves by ~lr
    0.9
    """

    _state_keys = ("step", "exp_avg", "exp_avg_sq")
    _decoupled = False
    _step_name = "Adam.step"

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(
            params, {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        )

    def _check(self, options: dict[str, Any]) -> dict[str, Any]:
        owner = type(self).__name__
        betas = options["betas"]
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{owner}: betas must be a pair (beta1, beta2), got {betas!r}")
        for i, b in enumerate(betas):
            if not 0.0 <= _number(b, f"betas[{i}]", owner) < 1.0:
                raise ValueError(f"{owner}: betas[{i}] must be in [0, 1), got {b!r}")
        return {
            "lr": _non_negative(options["lr"], "lr", owner),
            "betas": (float(betas[0]), float(betas[1])),
            "eps": _non_negative(options["eps"], "eps", owner),
            "weight_decay": _non_negative(options["weight_decay"], "weight_decay", owner),
        }

    def step(self) -> None:
        """One Adam (or AdamW) update of every parameter with a gradient."""
        grads = self._checked_gradients()
        state, scratch = self.state, self._scratch
        decoupled = self._decoupled
        for group, pairs in zip(self.param_groups, grads, strict=True):
            lr, (beta1, beta2) = group["lr"], group["betas"]
            eps, weight_decay = group["eps"], group["weight_decay"]
            for p, g in pairs:
                entry = state.get(id(p))
                if entry is None:
                    entry = state[id(p)] = {
                        "step": 0,
                        "exp_avg": _zeros(p.data),
                        "exp_avg_sq": _zeros(p.data),
                    }
                t = entry["step"] = entry["step"] + 1
                step_size = lr / (1.0 - beta1**t)
                bias_root = math.sqrt(1.0 - beta2**t)
                if isinstance(p, Value):
                    if weight_decay and decoupled:  # AdamW shrinks the weights on their own
                        p.data *= 1.0 - lr * weight_decay
                    elif weight_decay:
                        g = g + weight_decay * p.data
                    m = entry["exp_avg"] = beta1 * entry["exp_avg"] + (1.0 - beta1) * g
                    v = entry["exp_avg_sq"] = beta2 * entry["exp_avg_sq"] + (1.0 - beta2) * g * g
                    p.data -= step_size * (m / (math.sqrt(v) / bias_root + eps))
                    continue
                # The same update on arrays, in place, with s as the one temporary.
                d, m, v = p.data, entry["exp_avg"], entry["exp_avg_sq"]
                s = _scratch_for(d, id(p), scratch)
                if weight_decay and decoupled:
                    d *= 1.0 - lr * weight_decay
                elif weight_decay:
                    g = g + weight_decay * d
                np.multiply(g, 1.0 - beta1, out=s, casting="unsafe")
                m *= beta1
                m += s
                np.multiply(g, g, out=s, casting="unsafe")
                s *= 1.0 - beta2
                v *= beta2
                v += s
                np.sqrt(v, out=s)
                s /= bias_root
                s += eps
                np.divide(m, s, out=s)
                s *= step_size
                d -= s
        # The Tensors' versions move on: a backward through an older graph raises.
        mark_stepped(grads, self._step_name)


class AdamW(Adam):
    """Adam with decoupled weight decay, as ``torch.optim.AdamW``.

    Each step first shrinks the weights, ``p = p * (1 - lr * weight_decay)``,
    then takes the Adam step on the plain gradient. Default weight_decay 0.01.

    >>> from autograd import Value
    >>> w = Value(1.0); w.grad = 0.0
    >>> opt = AdamW([w], lr=0.1, weight_decay=0.5); opt.step(); w.data  # 1 * (1 - 0.1 * 0.5)
    0.95
    """

    _decoupled = True
    _step_name = "AdamW.step"

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
