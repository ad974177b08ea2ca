"""Module, Parameter and Sequential: the containers every layer is built from.

A ``Module`` registers what is assigned to its attributes, as in PyTorch:

- a ``Parameter`` (or a ``Value``, for scalar models) becomes a parameter;
- a ``Module`` becomes a child;
- a non-empty list or tuple of Modules, or of Parameters/Values, is registered
  as a whole and its items are named by position (``"neurons.3.w.1"``). The
  list is kept as is, so appending to it later is seen too.

Names compose with dots as in PyTorch (``"encoder.1.bias"``), so a
``state_dict`` maps one-to-one onto the same model built with ``torch.nn``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar, overload

import numpy as np

from autograd.graph import STATE
from autograd.tensor import Tensor
from autograd.value import Value

__all__ = ["Module", "Parameter", "Sequential", "StateDictError"]

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


def _is_param(x: object) -> bool:
    return isinstance(x, (Parameter, Value))


def _all(items: Any, test: Callable[[object], bool]) -> bool:
    return isinstance(items, (list, tuple)) and len(items) > 0 and all(test(i) for i in items)


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
    _children: dict[str, Module | list[Module] | tuple[Module, ...]]

    def __init__(self) -> None:
        d = self.__dict__
        d["training"] = True
        d["_scope_name"] = ""  # this module's name in its parent; "" for a root
        d["_params"] = {}
        d["_children"] = {}

    # -- registration ------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_params")
        if params is None:
            if _is_param(value) or isinstance(value, Module) or _all(value, _is_param) \
                    or _all(value, lambda m: isinstance(m, Module)):
                raise AttributeError(
                    f"cannot assign {name!r} before Module.__init__() has run: call "
                    f"super().__init__() first in {type(self).__name__}.__init__"
                )
            object.__setattr__(self, name, value)
            return
        children = d["_children"]
        is_module = isinstance(value, Module)
        is_module_list = not is_module and _all(value, lambda m: isinstance(m, Module))
        if is_module or is_module_list:
            for m in [value] if is_module else value:
                if any(sub is self for sub in m.modules()):
                    raise ValueError(f"cannot assign {name!r}: {type(self).__name__} would "
                                     "contain itself (modules must form a tree)")
        params.pop(name, None)
        children.pop(name, None)
        if _is_param(value) or _all(value, _is_param):
            params[name] = value
        elif is_module:
            children[name] = value
            _name_scopes(value, _dotted(d["_scope_name"], name))
        elif is_module_list:
            children[name] = value
            for i, m in enumerate(value):
                _name_scopes(m, _dotted(d["_scope_name"], f"{name}.{i}"))
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self.__dict__["_params"].pop(name, None)
        self.__dict__["_children"].pop(name, None)
        object.__delattr__(self, name)

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
            raise TypeError(f"register_parameter: {name!r} must be a Parameter or Value, "
                            f"got {type(param).__name__}")
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
        state = STATE
        outer, outer_annotate = state.scope, state.annotate
        name = self._scope_name
        state.scope = name
        state.annotate = outer_annotate or bool(name)
        try:
            return self.forward(*args, **kwargs)
        finally:
            state.scope = outer
            state.annotate = outer_annotate

    # -- traversal ---------------------------------------------------------------
    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct sub-modules with their names (list items as ``"name.i"``).

        >>> [n for n, _ in Sequential(Module(), Module()).named_children()]
        ['0', '1']
        """
        for name, child in self._children.items():
            if isinstance(child, Module):
                yield name, child
            else:
                for i, m in enumerate(child):
                    yield f"{name}.{i}", m

    def children(self) -> Iterator[Module]:
        """Direct sub-modules.

        >>> len(list(Sequential(Module(), Module()).children()))
        2
        """
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and all below it, depth first, each once (the root's name is "").

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

    def named_parameters(self) -> Iterator[tuple[str, Param]]:
        """Every parameter with its dotted name, each once, in registration order.

        >>> from nn import Linear
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
        """An ordered dict from parameter name to a copy of its data.

        A Value parameter gives a 0-d float64 array.

        >>> from nn import Linear
        >>> sd = Linear(2, 1).state_dict()
        >>> list(sd), sd["weight"].shape
        (['weight', 'bias'], (1, 2))
        """
        out: OrderedDict[str, np.ndarray] = OrderedDict()
        for name, p in self._all_named_parameters():
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
            raise TypeError(f"load_state_dict: expected a mapping from names to arrays, got "
                            f"{type(state_dict).__name__}")
        own = OrderedDict(self._all_named_parameters())
        missing = [k for k in own if k not in state_dict]
        unexpected = [str(k) for k in state_dict if k not in own]
        problems: list[str] = []
        if strict:
            if missing:
                problems.append("missing keys: " + ", ".join(missing))
            if unexpected:
                problems.append("unexpected keys: " + ", ".join(unexpected))
        updates: list[tuple[Param, np.ndarray]] = []
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
        for name, child in self._children.items():
            items = [(name, child)] if isinstance(child, Module) else \
                [(f"{name}.{i}", m) for i, m in enumerate(child)]
            lines.extend(_compressed(items))
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        body = ([extra] if extra else []) + lines
        inner = "\n".join("  " + line.replace("\n", "\n  ") for line in body)
        return f"{type(self).__name__}(\n{inner}\n)"


def _compressed(items: list[tuple[str, Module]]) -> list[str]:
    """``(name): repr`` per item; runs of identical reprs in a list collapse to one line."""
    out: list[str] = []
    i = 0
    while i < len(items):
        text = repr(items[i][1])
        j = i + 1
        while j < len(items) and repr(items[j][1]) == text:
            j += 1
        if j - i > 2:
            first, last = items[i][0], items[j - 1][0].rsplit(".", 1)[-1]
            out.append(f"({first}-{last}): {j - i} x {text}")
        else:
            out.extend(f"({n}): {repr(m)}" for n, m in items[i:j])
        i = j
    return out


def _checked_array(name: str, raw: Any, p: Param, allow_nonfinite: bool) -> tuple[Any, str]:
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
        return None, f"{name}: shape {arr.shape} does not match the parameter's shape {expected}"
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
            return None, (f"{name}: {bad} of {arr.size} values overflow the parameter's "
                          f"dtype {target} (largest magnitude {float(np.abs(arr).max())!r})")
    return arr, ""


class Sequential(Module):
    """Modules applied one after another; indexable, sliceable, iterable, with len.

    Children are named "0", "1", ... (or by the keys of an OrderedDict).

    >>> from autograd import Tensor
    >>> from nn import Linear
    >>> net = Sequential(Linear(2, 1), Linear(1, 2))
    >>> len(net), [n for n, _ in net.named_parameters()]
    (2, ['0.weight', '0.bias', '1.weight', '1.bias'])
    >>> net(Tensor([[1.0, 2.0]])).shape
    (1, 2)
    """

    def __init__(self, *modules: Module | Mapping[str, Module]) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            named: Iterable[tuple[str, Any]] = modules[0].items()
        else:
            named = ((str(i), m) for i, m in enumerate(modules))
        for name, m in named:
            if not isinstance(m, Module):
                raise TypeError(f"Sequential: item {name} must be a Module, got {type(m).__name__}")
            setattr(self, name, m)

    def forward(self, x: Any) -> Any:
        for m in self._children.values():
            x = m(x)  # type: ignore[operator]
        return x

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns self.

        >>> len(Sequential().append(Module()))
        1
        """
        if not isinstance(module, Module):
            raise TypeError(f"Sequential.append: expected a Module, got {type(module).__name__}")
        setattr(self, str(len(self)), module)
        return self

    def __len__(self) -> int:
        return len(self._children)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._children.values())  # type: ignore[arg-type]

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Module | Sequential:
        items = list(self._children.items())
        if isinstance(index, slice):
            return Sequential(OrderedDict(items[index]))  # type: ignore[arg-type]
        if not isinstance(index, int) or isinstance(index, bool):
            raise TypeError(f"Sequential indices must be int or slice, got {type(index).__name__}")
        if not -len(items) <= index < len(items):
            raise IndexError(f"Sequential index {index} is out of range for {len(items)} modules")
        return items[index][1]  # type: ignore[return-value]
