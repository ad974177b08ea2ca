"""Containers: Sequential, ModuleList and ModuleDict register the modules they hold.

>>> from nn import Linear
>>> net = Sequential(Linear(2, 1), Linear(1, 2))
>>> [n for n, _ in net.named_parameters()][:2]
['0.weight', '0.bias']
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, overload

import numpy as np

from nn.module import Module, _keeping_names

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


def _position(index: Any, n: int, who: str) -> int:
    """A container's integer ``index`` (negative counts from the end) as a position in [0, n)."""
    if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
        raise TypeError(f"{who} indices must be int or slice, got {type(index).__name__}")
    if not -n <= index < n:
        raise IndexError(f"{who} index {index} is out of range for {n} modules")
    return int(index) % n


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
            x = m(x)
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
        return iter(self._children.values())

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> Sequential: ...

    def __getitem__(self, index: int | slice) -> Module | Sequential:
        items = list(self._children.items())
        if isinstance(index, slice):
            part = OrderedDict(items[index])
            return _keeping_names(part.values(), lambda: Sequential(part))
        return items[_position(index, len(items), "Sequential")][1]


def _check_module(who: str, m: Any) -> Module:
    if not isinstance(m, Module):
        raise TypeError(f"{who}: expected a Module, got {type(m).__name__}")
    return m


class ModuleList(Module):
    """A list of Modules that registers them (children named "0", "1", ...), as torch's.

    Indexing (also negative and slices), ``len``, iteration, ``append``,
    ``extend``, ``insert``, ``del`` and ``+=`` work as on a list; the names
    are renumbered so they stay "0" to "len-1". It has no ``forward``: the
    owner decides how to call what it holds.

    >>> from nn import Linear
    >>> layers = ModuleList([Linear(2, 2) for _ in range(3)])
    >>> layers.append(Linear(2, 1))
    ModuleList(
      (0-2): 3 x Linear(in_features=2, out_features=2, bias=True)
      (3): Linear(in_features=2, out_features=1, bias=True)
    )
    >>> len(layers), [n for n, _ in layers.named_parameters()][-2:]
    (4, ['3.weight', '3.bias'])
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _index(self, index: Any) -> int:
        return _position(index, len(self._children), "ModuleList")

    def _reset(self, modules: list[Module]) -> None:
        """Hold exactly ``modules``, renamed "0", "1", ... (validated by the caller)."""
        for name in list(self._children):
            object.__delattr__(self, name)
        self._children.clear()
        for i, m in enumerate(modules):
            setattr(self, str(i), m)

    @overload
    def __getitem__(self, index: int) -> Module: ...

    @overload
    def __getitem__(self, index: slice) -> ModuleList: ...

    def __getitem__(self, index: int | slice) -> Module | ModuleList:
        items = list(self._children.values())
        if isinstance(index, slice):
            part = items[index]
            return _keeping_names(part, lambda: ModuleList(part))
        return items[self._index(index)]

    def __setitem__(self, index: int, module: Module) -> None:
        _check_module("ModuleList.__setitem__", module)
        setattr(self, str(self._index(index)), module)

    def __delitem__(self, index: int | slice) -> None:
        items = list(self._children.values())
        if isinstance(index, slice):
            del items[index]
        else:
            del items[self._index(index)]
        self._reset(items)

    def __len__(self) -> int:
        return len(self._children)

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._children.values()))

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        both = [*self, *other]
        return _keeping_names(both, lambda: ModuleList(both))

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; returns self.

        >>> len(ModuleList().append(Module()))
        1
        """
        setattr(self, str(len(self)), _check_module("ModuleList.append", module))
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Add each of ``modules`` at the end (all are checked first); returns self.

        >>> len(ModuleList([Module()]).extend([Module(), Module()]))
        3
        """
        if isinstance(modules, Module) and not isinstance(modules, ModuleList):
            raise TypeError(
                "ModuleList.extend: expected an iterable of Modules, got a "
                f"{type(modules).__name__}; use append for one module"
            )
        items = [_check_module("ModuleList.extend", m) for m in modules]
        for m in items:
            setattr(self, str(len(self)), m)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index`` (as ``list.insert``).

        >>> from nn import Identity, Linear
        >>> ml = ModuleList([Linear(1, 1)]); ml.insert(0, Identity()); type(ml[0]).__name__
        'Identity'
        """
        _check_module("ModuleList.insert", module)
        if not isinstance(index, (int, np.integer)) or isinstance(index, bool):
            raise TypeError(f"ModuleList.insert: index must be an int, got {type(index).__name__}")
        items = list(self._children.values())
        items.insert(int(index), module)
        self._reset(items)


class ModuleDict(Module):
    """An ordered dict of Modules that registers them under their keys, as torch's.

    ``d[key]``, ``d[key] = m``, ``del d[key]``, ``key in d``, ``len``,
    iteration over keys, ``keys()``, ``items()``, ``values()``,
    ``update()``, ``pop()`` and ``clear()`` work as on a dict.

    >>> from nn import Linear, ReLU
    >>> heads = ModuleDict({"score": Linear(4, 1), "act": ReLU()})
    >>> list(heads.keys()), [n for n, _ in heads.named_parameters()]
    (['score', 'act'], ['score.weight', 'score.bias'])
    """

    def __init__(
        self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None
    ) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    @staticmethod
    def _key(key: Any) -> str:
        if not isinstance(key, str):
            raise TypeError(f"ModuleDict keys must be strings, got {type(key).__name__}")
        if not key or "." in key:
            raise KeyError(f"ModuleDict key {key!r} must be non-empty and contain no '.'")
        return key

    def __getitem__(self, key: str) -> Module:
        try:
            return self._children[key]
        except KeyError:
            raise KeyError(f"ModuleDict has no key {key!r}; keys: {list(self._children)}") from None

    def __setitem__(self, key: str, module: Module) -> None:
        key = self._key(key)
        _check_module("ModuleDict.__setitem__", module)
        if key not in self._children and hasattr(self, key):
            raise KeyError(f"ModuleDict key {key!r} clashes with an attribute of ModuleDict")
        setattr(self, key, module)

    def __delitem__(self, key: str) -> None:
        self[key]  # noqa: B018 (raises the KeyError above for a missing key)
        delattr(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self._children

    def __len__(self) -> int:
        return len(self._children)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._children))

    def keys(self) -> list[str]:
        """The keys, in insertion order.

        >>> ModuleDict({"a": Module()}).keys()
        ['a']
        """
        return list(self._children)

    def items(self) -> list[tuple[str, Module]]:
        """(key, module) pairs, in insertion order.

        >>> [k for k, _ in ModuleDict({"a": Module()}).items()]
        ['a']
        """
        return list(self._children.items())

    def values(self) -> list[Module]:
        """The modules, in insertion order.

        >>> len(ModuleDict({"a": Module()}).values())
        1
        """
        return list(self._children.values())

    def update(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]]) -> None:
        """Add or replace entries from a mapping or (key, module) pairs (all checked first).

        >>> d = ModuleDict(); d.update([("a", Module())]); len(d)
        1
        """
        if isinstance(modules, Module) and not isinstance(modules, ModuleDict):
            raise TypeError(
                f"ModuleDict.update: expected a mapping of Modules, got a {type(modules).__name__}"
            )
        pairs = (
            list(modules.items()) if isinstance(modules, (Mapping, ModuleDict)) else list(modules)
        )
        checked = []
        for pair in pairs:
            if not isinstance(pair, (tuple, list)) or len(pair) != 2:
                raise TypeError(f"ModuleDict.update: expected (key, module) pairs, got {pair!r}")
            key, m = pair
            checked.append((self._key(key), _check_module(f"ModuleDict.update[{key!r}]", m)))
        for key, m in checked:
            self[key] = m

    def pop(self, key: str) -> Module:
        """Remove ``key`` and return its module.

        >>> d = ModuleDict({"a": Module()}); _ = d.pop("a"); len(d)
        0
        """
        m = self[key]
        del self[key]
        return m

    def clear(self) -> None:
        """Remove every entry.

        >>> d = ModuleDict({"a": Module()}); d.clear(); len(d)
        0
        """
        for key in list(self._children):
            delattr(self, key)
