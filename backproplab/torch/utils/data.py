"""``torch.utils.data``: datasets, samplers and a single-process DataLoader.

Shuffled batches come out in PyTorch's order: the loader and its sampler draw
their seeds from the same generator, in the same order, as PyTorch's do.

>>> import backproplab.torch as torch
>>> ds = TensorDataset(torch.arange(6), torch.arange(6) * 10)
>>> _ = torch.manual_seed(0)
>>> [x.tolist() for x, _ in DataLoader(ds, batch_size=4, shuffle=True)]
[[0, 4, 3, 5], [2, 1]]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

import autograd as ag

from .. import _random as R
from .._functions import randint, randperm, stack
from .._tensor import Tensor, _make
from .._unsupported import missing


class Dataset:
    """A map-style dataset: ``__getitem__`` and ``__len__``."""

    def __getitem__(self, index: int) -> Any:
        raise NotImplementedError("Dataset subclasses implement __getitem__")


class TensorDataset(Dataset):
    """Rows of tensors that share their first dimension."""

    def __init__(self, *tensors: Tensor) -> None:
        n = tensors[0].shape[0]
        if any(t.shape[0] != n for t in tensors):
            raise ValueError(
                "TensorDataset: size mismatch between tensors (first dims "
                f"{[t.shape[0] for t in tensors]})"
            )
        self.tensors = tensors

    def __getitem__(self, index: int) -> tuple[Tensor, ...]:
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return int(self.tensors[0].shape[0])


def _seed64(generator: R.Generator | None) -> int:
    """``torch.empty((), dtype=torch.int64).random_(generator=g).item()``: 63 bits of a draw."""
    g = R.generator_or_default(generator)
    return int(g.words64(1)[0] % np.uint64(2**63))


class Sampler:
    """Yields dataset indices."""

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError


class SequentialSampler(Sampler):
    def __init__(self, data_source: Sequence[Any]) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler):
    """Random indices, as PyTorch draws them (a fresh seeded generator per epoch when none
    is given; with replacement, 32 ``randint`` draws at a time)."""

    def __init__(
        self,
        data_source: Sequence[Any],
        replacement: bool = False,
        num_samples: int | None = None,
        generator: R.Generator | None = None,
    ) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if num_samples is not None and (not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(
                f"num_samples should be a positive integer value, but got num_samples={num_samples}"
            )

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self) -> Iterator[int]:
        n = len(self.data_source)
        g = self.generator
        if g is None:
            g = R.Generator().manual_seed(_seed64(None))
        if self.replacement:
            for _ in range(self.num_samples // 32):
                yield from randint(0, n, (32,), generator=g).tolist()
            yield from randint(0, n, (self.num_samples % 32,), generator=g).tolist()
        else:
            for _ in range(self.num_samples // n):
                yield from randperm(n, generator=g).tolist()
            yield from randperm(n, generator=g).tolist()[: self.num_samples % n]

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler):
    def __init__(self, sampler: Any, batch_size: int, drop_last: bool) -> None:
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self) -> Iterator[list[int]]:  # type: ignore[override]
        batch: list[int] = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


def default_collate(batch: list[Any]) -> Any:
    """Stack samples: tensors along a new first dim, numbers into a tensor, tuples per field."""
    first = batch[0]
    if isinstance(first, ag.Tensor):
        return stack(batch)
    if isinstance(first, (tuple, list)):
        return type(first)(default_collate(list(f)) for f in zip(*batch, strict=True))
    if isinstance(first, dict):
        return {k: default_collate([b[k] for b in batch]) for k in first}
    if isinstance(first, (int, float, np.number)):
        arr = np.asarray(batch)
        return _make(arr.astype(np.int64) if arr.dtype.kind in "iu" else arr.astype(np.float64))
    return batch


class DataLoader:
    """Batches of a dataset in one process (``num_workers`` must be 0)."""

    def __init__(
        self,
        dataset: Any,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler: Any = None,
        batch_sampler: Any = None,
        num_workers: int = 0,
        collate_fn: Any = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        generator: R.Generator | None = None,
        **kwargs: Any,
    ) -> None:
        if num_workers != 0:
            raise ValueError(
                f"DataLoader: num_workers={num_workers} is not supported here "
                "(one process only); use num_workers=0"
            )
        if kwargs:
            raise TypeError(f"DataLoader: arguments {sorted(kwargs)} are not supported here")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.generator = generator
        if sampler is None:
            sampler = (
                RandomSampler(dataset, generator=generator)
                if shuffle
                else SequentialSampler(dataset)
            )
        self.sampler = sampler
        if batch_sampler is None and batch_size is not None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_sampler = batch_sampler
        self.collate_fn = collate_fn or default_collate

    def __iter__(self) -> Iterator[Any]:
        index_iter = iter(self.batch_sampler if self.batch_sampler is not None else self.sampler)
        _seed64(self.generator)  # PyTorch's iterator draws its base seed here
        for idx in index_iter:
            if self.batch_sampler is None:
                yield self.dataset[idx]
            else:
                yield self.collate_fn([self.dataset[i] for i in idx])

    def __len__(self) -> int:
        return len(self.batch_sampler if self.batch_sampler is not None else self.sampler)


def __getattr__(name: str) -> Any:
    missing("backproplab.torch.utils.data", name)
