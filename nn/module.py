"""Module and Parameter: what every layer is built from (containers in ``nn.containers``).

A ``Module`` registers what is assigned to its attributes, as in PyTorch:

- a ``Parameter`` (or a ``Value``, for scalar models) becomes a parameter;
- a ``Module`` becomes a child;
- a non-empty list or tuple of Parameters/Values is registered as a whole and
  its items are named by position (``"w.1"``); the list is kept as is, so
  appending to it later is seen too;
- a list, tuple or dict holding Modules is refused: wrap it in ``ModuleList``
  or ``ModuleDict``, which register what they hold (a plain list would
  silently leave its modules' parameters out of ``parameters()``);
- ``register_buffer`` adds non-trainable state (BatchNorm's running
  statistics), saved in ``state_dict`` when persistent.

Names compose with dots as in PyTorch (``"encoder.1.bias"``), so a
``state_dict`` maps one-to-one onto the same model built with ``torch.nn``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

import numpy as np

from autograd.core.graph import PER_THREAD
from autograd.core.tensor import Tensor, _constant
from autograd.core.value import Value

__all__ = ["Module", "Parameter", "StateDictError"]

M = TypeVar("M", bound="Module")


class Parameter(Tensor):
    """A Tensor that a Module registers as trainable when assigned to an attribute.

    The data is copied (a Parameter never aliases the array it was built from);
    integer and bool input becomes float64, float32 stays float32.

    >>> import numpy as np
    >>> src = np.zeros(3)
    >>> p = Parameter(src)
    >>> p.requires_grad, p.shape, p.data is src
    (True, (3,), False)
    """

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        if isinstance(data, Tensor):
            data = data.data
        super().__init__(np.array(data, copy=True), requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


Param = Parameter | Value


class StateDictError(ValueError, RuntimeError):
    """A state dict that does not fit the module (a ValueError, and a RuntimeError as in torch).

    >>> issubclass(StateDictError, ValueError), issubclass(StateDictError, RuntimeError)
    (True, True)
    """


class IncompatibleKeys(NamedTuple):
    """What ``load_state_dict(strict=False)`` skipped.

    >>> from nn import Linear
    >>> Linear(1, 1).load_state_dict({"bias": [0.0], "extra": 1}, strict=False)
    IncompatibleKeys(missing_keys=['weight'], unexpected_keys=['extra'])
    """

    missing_keys: list[str]
    unexpected_keys: list[str]


def _dotted(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _name_scopes(module: Module, name: str) -> None:
    """Give ``module`` and everything below it their qualified names from the root.

    ``__call__`` enters the scope ``_scope_name`` as is, so the hot path
    does no string work; the names are fixed here, when a module is attached.
    """
    for rel, m in module.named_modules():
        m.__dict__["_scope_name"] = _dotted(name, rel) if rel else name


def _keeping_names(modules: Iterable[Any], build: Callable[[], M]) -> M:
    """``build()`` a new container of ``modules`` (a slice, a sum of lists) without
    renaming them: reading a model must not change the names its nodes are drawn with."""
    saved = [
        (m, m.__dict__["_scope_name"])
        for top in modules
        if isinstance(top, Module)
        for m in top.modules()
    ]
    out = build()
    for m, name in saved:
        if name:  # a module already in a tree keeps its name there
            m.__dict__["_scope_name"] = name
    return out


def _is_param(x: object) -> bool:
    return isinstance(x, (Parameter, Value))


def _all(items: Any, test: Callable[[object], bool]) -> bool:
    return isinstance(items, (list, tuple)) and len(items) > 0 and all(test(i) for i in items)


def _holds_modules(value: Any) -> bool:
    """A plain list, tuple or dict with a Module among its items (or values)."""
    if isinstance(value, (list, tuple)):
        return any(isinstance(m, Module) for m in value)
    if isinstance(value, dict):
        return any(isinstance(m, Module) for m in value.values())
    return False


def _refuse_plain_container(owner: Module, name: str, value: Any) -> None:
    kind = type(value).__name__
    wrapper = "ModuleDict" if isinstance(value, dict) else "ModuleList"
    raise TypeError(
        f"cannot assign a plain {kind} of Modules to {type(owner).__name__}.{name}: its "
        f"modules would not be registered (no parameters, state_dict or train/eval); "
        f"wrap it: self.{name} = nn.{wrapper}(...) (nn.ModuleList for a list or tuple, "
        f"nn.ModuleDict for a dict)"
    )


def _as_buffer(name: str, tensor: Any, who: str) -> Tensor | None:
    """A buffer's value: a Tensor that needs no grad (an ndarray is wrapped), or None."""
    if tensor is None:
        return None
    if isinstance(tensor, Parameter):
        raise TypeError(
            f"{who}: {name!r} is a Parameter; register it with "
            "register_parameter (buffers hold non-trainable state)"
        )
    if isinstance(tensor, Tensor):
        return tensor
    if isinstance(tensor, np.ndarray):
        return _constant(tensor)  # kept as is: integer buffers stay integer
    raise TypeError(
        f"{who}: buffer {name!r} must be a Tensor, an ndarray or None, got {type(tensor).__name__}"
    )


class Module:
    """Base class of every layer and model.

    Subclasses assign parameters and sub-modules in ``__init__`` and define
    ``forward``; calling the module runs ``forward`` and tags the graph nodes
    it creates with the module's dotted name (``draw_graph`` groups by it).

    >>> from autograd import Tensor
    >>> class Affine(Module):
    ...     def __init__(self) -> None:
    ...         super().__init__()
    ...         self.scale = Parameter([2.0])
    ...         self.shift = Parameter([1.0])
    ...     def forward(self, x: Tensor) -> Tensor:
    ...         return x * self.scale + self.shift
    >>> m = Affine()
    >>> m(Tensor([3.0])).data
    array([7.])
    >>> [name for name, _ in m.named_parameters()]
    ['scale', 'shift']
    """

    training: bool
    _scope_name: str
    _params: dict[str, Param | list[Param] | tuple[Param, ...]]
    _children: dict[str, Module]
    _buffers: dict[str, Tensor | None]
    _non_persistent: set[str]

    def __init__(self) -> None:
        d = self.__dict__
        d["training"] = True
        d["_scope_name"] = ""  # this module's name in its parent; "" for a root
        d["_params"] = {}
        d["_children"] = {}
        d["_buffers"] = {}
        d["_non_persistent"] = set()

    #: ``repr`` prints a run of this many identical children or more as one line
    #: (``(0-2): 3 x Linear(...)``); 0 prints every child.
    _REPR_RUN = 3

    # -- registration ------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_params")
        if params is None:
            if (
                _is_param(value)
                or isinstance(value, Module)
                or _all(value, _is_param)
                or _holds_modules(value)
            ):
                raise AttributeError(
                    f"cannot assign {name!r} before Module.__init__() has run: call "
                    f"super().__init__() first in {type(self).__name__}.__init__"
                )
            object.__setattr__(self, name, value)
            return
        if _holds_modules(value):
            _refuse_plain_container(self, name, value)
        buffers = d["_buffers"]
        if name in buffers and not _is_param(value) and not isinstance(value, Module):
            # As in torch: assigning to a buffer's name replaces the buffer's tensor.
            value = _as_buffer(name, value, f"{type(self).__name__}.{name}")
            buffers[name] = value
            object.__setattr__(self, name, value)
            return
        children = d["_children"]
        is_module = isinstance(value, Module)
        if is_module and any(sub is self for sub in value.modules()):
            raise ValueError(
                f"cannot assign {name!r}: {type(self).__name__} would "
                "contain itself (modules must form a tree)"
            )
        # Replacing a parameter or child keeps its place in the order (as torch does).
        is_param = _is_param(value) or _all(value, _is_param)
        if not is_param:
            params.pop(name, None)
        if not is_module:
            children.pop(name, None)
        buffers.pop(name, None)
        d["_non_persistent"].discard(name)
        if is_param:
            params[name] = value
        elif is_module:
            children[name] = value
            _name_scopes(value, _dotted(d["_scope_name"], name))
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        d["_params"].pop(name, None)
        d["_children"].pop(name, None)
        d["_buffers"].pop(name, None)
        d["_non_persistent"].discard(name)
        object.__delattr__(self, name)

    def register_buffer(
        self, name: str, tensor: Tensor | np.ndarray | None, persistent: bool = True
    ) -> None:
        """Register non-trainable state ``tensor`` as ``name`` (e.g. a running mean).

        A buffer is an attribute like any other, is listed by ``buffers()``,
        and, when ``persistent``, is saved in ``state_dict`` under its dotted
        name (as PyTorch names it), loaded by ``load_state_dict`` and by
        ``nn.load``. Assigning a Tensor to the name later replaces it. An
        ndarray is wrapped in a Tensor (kept as is, integers included).

        >>> import numpy as np
        >>> m = Module(); m.register_buffer("running_mean", np.zeros(2))
        >>> list(m.state_dict()), m.num_parameters()
        (['running_mean'], 0)
        """
        who = f"{type(self).__name__}.register_buffer"
        if not isinstance(name, str) or not name or "." in name:
            raise KeyError(f"{who}: the name must be a non-empty string without '.', got {name!r}")
        d = self.__dict__
        if "_buffers" not in d:
            raise AttributeError(
                f"cannot register buffer {name!r} before Module.__init__() "
                f"has run: call super().__init__() first"
            )
        if name not in d["_buffers"] and (name in d or hasattr(type(self), name)):
            raise KeyError(f"{who}: attribute {name!r} already exists and is not a buffer")
        value = _as_buffer(name, tensor, who)
        d["_buffers"][name] = value
        if persistent:
            d["_non_persistent"].discard(name)
        else:
            d["_non_persistent"].add(name)
        object.__setattr__(self, name, value)

    def named_buffers(self, prefix: str = "", recurse: bool = True) -> Iterator[tuple[str, Tensor]]:
        """Every buffer (persistent or not, None skipped) with its dotted name, each once.

        >>> import numpy as np
        >>> from nn import Sequential
        >>> m = Sequential(Module()); m[0].register_buffer("count", np.zeros(()))
        >>> [n for n, _ in m.named_buffers()]
        ['0.count']
        """
        seen: set[int] = set()
        modules = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for mod_name, module in modules:
            for name, b in module._buffers.items():
                if b is not None and id(b) not in seen:
                    seen.add(id(b))
                    yield _dotted(mod_name, name), b

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """Every buffer (see ``named_buffers``).

        >>> import numpy as np
        >>> m = Module(); m.register_buffer("b", np.ones(2), persistent=False)
        >>> [b.shape for b in m.buffers()], list(m.state_dict())
        ([(2,)], [])
        """
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def add_module(self, name: str, module: Module) -> None:
        """Register ``module`` as a child called ``name`` (same as ``setattr``).

        >>> m = Module(); m.add_module("inner", Module()); [n for n, _ in m.named_children()]
        ['inner']
        """
        if not isinstance(module, Module):
            raise TypeError(f"add_module: {name!r} must be a Module, got {type(module).__name__}")
        setattr(self, name, module)

    def register_parameter(self, name: str, param: Param) -> None:
        """Register ``param`` (a Parameter or a Value) as ``name`` (same as ``setattr``).

        >>> m = Module(); m.register_parameter("bias", Parameter([0.0])); m.num_parameters()
        1
        """
        if not _is_param(param):
            raise TypeError(
                f"register_parameter: {name!r} must be a Parameter or Value, "
                f"got {type(param).__name__}"
            )
        setattr(self, name, param)

    # -- calling -----------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The computation; every subclass defines it. Call the module, not ``forward``.

        >>> Module()(1)
        Traceback (most recent call last):
        ...
        NotImplementedError: Module does not define forward()
        """
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        # Exactly ``with module_scope(self._scope_name): return self.forward(...)``,
        # written out because __call__ is on the hot path: it saves the context
        # manager object and protocol calls (~0.6 us of ~1 us per call).
        state = PER_THREAD.state
        outer, outer_record = state.scope, state.record
        name = self._scope_name
        state.scope = name
        if outer_record == 1 and name:
            state.record = 2  # nodes made inside remember this module's name
        try:
            return self.forward(*args, **kwargs)
        finally:
            state.scope = outer
            state.record = outer_record

    # -- traversal ---------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules with their names.

        >>> from nn import Sequential
        >>> [n for n, _ in Sequential(Module(), Module()).named_children()]
        ['0', '1']
        """
        yield from self._children.items()

    def children(self) -> Iterator[Module]:
        """Direct sub-modules.

        >>> from nn import Sequential
        >>> len(list(Sequential(Module(), Module()).children()))
        2
        """
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and all below it, depth first, each once (the root's name is "").

        >>> from nn import Sequential
        >>> [n for n, _ in Sequential(Sequential(Module())).named_modules()]
        ['', '0', '0.0']
        """
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            yield name, module
            kids = [(f"{name}.{n}" if name else n, m) for n, m in module.named_children()]
            stack.extend(reversed(kids))

    def modules(self) -> Iterator[Module]:
        """This module and all below it, depth first.

        >>> from nn import Sequential
        >>> len(list(Sequential(Module(), Sequential(Module())).modules()))
        4
        """
        for _, m in self.named_modules():
            yield m

    def _named_own_parameters(self) -> Iterator[tuple[str, Param]]:
        for name, p in self._params.items():
            if isinstance(p, (list, tuple)):
                for i, q in enumerate(p):
                    yield f"{name}.{i}", q
            else:
                yield name, p

    def _all_named_parameters(self) -> Iterator[tuple[str, Param]]:
        """Every (name, parameter) pair; shared modules and parameters under each of their names.

        As in torch's state_dict; assignment refuses cycles, so the walk ends.
        """
        stack: list[tuple[str, Module]] = [("", self)]
        while stack:
            prefix, module = stack.pop()
            for name, p in module._named_own_parameters():
                yield (f"{prefix}.{name}" if prefix else name), p
            kids = [(f"{prefix}.{n}" if prefix else n, m) for n, m in module.named_children()]
            stack.extend(reversed(kids))

    def _all_named_state(self) -> Iterator[tuple[str, Param | Tensor]]:
        """What ``state_dict`` holds, in torch's order: per module its parameters,
        then its persistent buffers, then its children's."""
        stack: list[tuple[str, Module]] = [("", self)]
        while stack:
            prefix, module = stack.pop()
            for name, p in module._named_own_parameters():
                yield _dotted(prefix, name), p
            skip = module._non_persistent
            for name, b in module._buffers.items():
                if b is not None and name not in skip:
                    yield _dotted(prefix, name), b
            kids = [(_dotted(prefix, n), m) for n, m in module.named_children()]
            stack.extend(reversed(kids))

    def named_parameters(self) -> Iterator[tuple[str, Param]]:
        """Every parameter with its dotted name, each once, in registration order.

        >>> from nn import Linear
        >>> from nn import Sequential
        >>> [n for n, _ in Sequential(Sequential(Linear(2, 1))).named_parameters()]
        ['0.0.weight', '0.0.bias']
        """
        seen: set[int] = set()
        for name, p in self._all_named_parameters():
            if id(p) not in seen:
                seen.add(id(p))
                yield name, p

    def parameters(self) -> Iterator[Param]:
        """Every parameter (Parameters, or Values in scalar models), each once.

        >>> from nn import Linear
        >>> sum(p.size for p in Linear(2, 1).parameters())
        3
        """
        # The walk of named_parameters() without building names: optimizers and
        # zero_grad() call this every step.
        seen: set[int] = set()
        for module in self.modules():
            for p in module._params.values():
                for q in p if isinstance(p, (list, tuple)) else (p,):
                    if id(q) not in seen:
                        seen.add(id(q))
                        yield q

    def num_parameters(self) -> int:
        """How many scalars the parameters hold (a Value counts as one).

        >>> from nn import Linear
        >>> Linear(2, 1).num_parameters()
        3
        """
        return sum(1 if isinstance(p, Value) else p.data.size for p in self.parameters())

    def apply(self: M, fn: Callable[[Module], Any]) -> M:
        """Call ``fn`` on every sub-module (children first, as in torch) and on self.

        >>> from nn import Sequential
        >>> names = []; _ = Sequential(Module()).apply(lambda m: names.append(type(m).__name__))
        >>> names
        ['Module', 'Sequential']
        """
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # -- modes and gradients -------------------------------------------------------
    def train(self: M, mode: bool = True) -> M:
        """Set training mode on this module and all below it; returns self.

        >>> from nn import Sequential
        >>> m = Sequential(Module()).train(False)
        >>> m.training, m[0].training
        (False, False)
        """
        if not isinstance(mode, bool):
            raise TypeError(f"train: mode must be a bool, got {type(mode).__name__}")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self: M) -> M:
        """Evaluation mode (``train(False)``): Dropout and noise layers become identities.

        >>> Module().eval().training
        False
        """
        return self.train(False)

    def zero_grad(self) -> None:
        """Clear every parameter's gradient: None for Tensors, 0.0 for Values.

        >>> from autograd import Value
        >>> m = Module(); m.w = Value(1.0); m.w.grad = 3.0
        >>> m.zero_grad(); m.w.grad
        0.0
        """
        for p in self.parameters():
            if isinstance(p, Value):
                p.grad = 0.0
            else:
                p.grad = None

    # -- state dict ----------------------------------------------------------------
    def state_dict(self) -> OrderedDict[str, np.ndarray]:
        """An ordered dict from parameter (and persistent buffer) name to a copy of its data.

        A Value parameter gives a 0-d float64 array.

        >>> from nn import Linear
        >>> sd = Linear(2, 1).state_dict()
        >>> list(sd), sd["weight"].shape
        (['weight', 'bias'], (1, 2))
        """
        out: OrderedDict[str, np.ndarray] = OrderedDict()
        for name, p in self._all_named_state():
            if isinstance(p, Value):
                out[name] = np.array(p.data, dtype=np.float64)
            else:
                out[name] = p.data.copy()
        return out

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True, *, allow_nonfinite: bool = False
    ) -> IncompatibleKeys:
        """Copy ``state_dict``'s arrays into the parameters, after checking all of them.

        Nothing changes unless every entry fits: with ``strict`` no key may be
        missing or unexpected; every array must have its parameter's shape, a
        dtype that casts to it (numbers, not strings or objects) and, unless
        ``allow_nonfinite``, no NaN or inf. Otherwise a ``StateDictError``
        (a ValueError and RuntimeError) lists every problem. The data is
        copied into the existing parameters, keeping their dtypes.

        >>> from nn import Linear
        >>> a, b = Linear(2, 1), Linear(2, 1)
        >>> _ = b.load_state_dict(a.state_dict())
        >>> bool((a.weight.data == b.weight.data).all())
        True
        >>> b.load_state_dict({"weight": np.zeros((3, 3))})
        Traceback (most recent call last):
        ...
        nn.module.StateDictError: load_state_dict: the state dict does not fit Linear ...
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(
                f"load_state_dict: expected a mapping from names to arrays, got "
                f"{type(state_dict).__name__}"
            )
        own = OrderedDict(self._all_named_state())
        missing = [k for k in own if k not in state_dict]
        unexpected = [str(k) for k in state_dict if k not in own]
        problems: list[str] = []
        if strict:
            if missing:
                problems.append("missing keys: " + ", ".join(missing))
            if unexpected:
                problems.append("unexpected keys: " + ", ".join(unexpected))
        updates: list[tuple[Param | Tensor, np.ndarray]] = []
        for name, p in own.items():
            if name not in state_dict:
                continue
            arr, problem = _checked_array(name, state_dict[name], p, allow_nonfinite)
            if problem:
                problems.append(problem)
            else:
                updates.append((p, arr))
        if problems:
            raise StateDictError(
                f"load_state_dict: the state dict does not fit {type(self).__name__} "
                f"(nothing was loaded):\n  " + "\n  ".join(problems)
            )
        for p, arr in updates:
            if isinstance(p, Value):
                p.data = float(arr)
            elif p.data.flags.writeable:
                np.copyto(p.data, arr, casting="same_kind")  # in place, as torch's copy_
            else:
                p.data = np.array(arr, dtype=p.data.dtype)
        return IncompatibleKeys(missing, unexpected)

    # -- printing ------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The part of the repr between the parentheses; layers override it.

        >>> from nn import Linear
        >>> Linear(2, 1).extra_repr()
        'in_features=2, out_features=1, bias=True'
        """
        return ""

    def __repr__(self) -> str:
        lines: list[str] = []
        lines.extend(_compressed(list(self._children.items()), self._REPR_RUN))
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        body = ([extra] if extra else []) + lines
        inner = "\n".join("  " + line.replace("\n", "\n  ") for line in body)
        return f"{type(self).__name__}(\n{inner}\n)"


def _compressed(items: list[tuple[str, Module]], run: int) -> list[str]:
    """``(name): repr`` per item; runs of ``run`` or more identical reprs collapse to
    one line (none with ``run`` 0)."""
    out: list[str] = []
    i = 0
    while i < len(items):
        text = repr(items[i][1])
        j = i + 1
        while j < len(items) and repr(items[j][1]) == text:
            j += 1
        if run and j - i >= run:
            first, last = items[i][0], items[j - 1][0].rsplit(".", 1)[-1]
            out.append(f"({first}-{last}): {j - i} x {text}")
        else:
            out.extend(f"({n}): {repr(m)}" for n, m in items[i:j])
        i = j
    return out


def _checked_array(
    name: str, raw: Any, p: Param | Tensor, allow_nonfinite: bool
) -> tuple[Any, str]:
    """The array to load into ``p`` and "", or None and what is wrong with it."""
    if isinstance(raw, Tensor):
        raw = raw.data
    try:
        arr = np.asarray(raw)
    except (TypeError, ValueError) as exc:
        return None, f"{name}: cannot be read as an array ({exc})"
    if arr.dtype.kind not in "biuf":
        return None, f"{name}: dtype {arr.dtype} is not a real number type"
    target = np.dtype(np.float64) if isinstance(p, Value) else p.data.dtype
    expected: tuple[int, ...] = () if isinstance(p, Value) else p.data.shape
    if arr.shape != expected:
        what = "parameter" if _is_param(p) else "buffer"
        return None, f"{name}: shape {arr.shape} does not match the {what}'s shape {expected}"
    if not np.can_cast(arr.dtype, target, casting="same_kind"):
        return None, f"{name}: dtype {arr.dtype} cannot be cast to {target}"
    if not allow_nonfinite and arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = int(arr.size - np.isfinite(arr).sum())
        return None, f"{name}: {bad} of {arr.size} values are NaN or inf"
    if not allow_nonfinite and arr.dtype.kind == "f" and arr.dtype.itemsize > target.itemsize:
        # Finite float64 values beyond float32's range would become inf in the parameter.
        with np.errstate(over="ignore"):
            narrowed = arr.astype(target)
        if not np.isfinite(narrowed).all():
            bad = int(arr.size - np.isfinite(narrowed).sum())
            return None, (
                f"{name}: {bad} of {arr.size} values overflow the parameter's "
                f"dtype {target} (largest magnitude {float(np.abs(arr).max())!r})"
            )
    return arr, ""
