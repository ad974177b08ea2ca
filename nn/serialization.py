"""save / load a module's state_dict as an .npz file, atomically and without pickle.

``save`` writes through ``autograd.system.atomic_write``: a temporary file next to
the target, synced and renamed over it, so a crash never leaves a
half-written file under the real name. A symlink stays a link (its file gets
the content), an overwritten file keeps its mode, a target that is not a
regular file (directory, FIFO, device) is refused, and temporary files left
by a killed save are removed by the next save to the same path.

``load`` checks everything before touching the module: the archive's member
names (duplicates refused) and each member's shape and dtype, read from its
``.npy`` header, before any array data is read, so a crafted file cannot make
it allocate more than the module's own size; then the data, with
``allow_pickle=False``. Any problem raises and the module is unchanged.
"""

from __future__ import annotations

import os
import zipfile
from collections import Counter
from typing import IO, Any, Union

import numpy as np

from autograd.system.atomic_write import atomic_write
from nn.module import Module, StateDictError

__all__ = ["save", "load"]

PathLike = Union[str, "os.PathLike[str]"]

_NPY_MAGIC = b"\x93NUMPY"


def save(module: Module, path: PathLike) -> str:
    """Write ``module.state_dict()`` to ``path`` (exactly that name; no suffix is added).

    Returns the path written. Weights that are NaN or inf are saved as they
    are; ``load(..., allow_nonfinite=True)`` reads them back.

    >>> import os, tempfile
    >>> from nn import Linear
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> model = Linear(2, 1)
    >>> save(model, path) == path
    True
    >>> load(Linear(2, 1), path).weight.data.shape
    (1, 2)
    """
    if not isinstance(module, Module):
        raise TypeError(f"nn.save: expected an nn.Module, got {type(module).__name__}")
    target = os.fspath(path)
    state = module.state_dict()
    # The .npz layout written by np.savez, but keys can be any string (even "file").
    with (
        atomic_write(target, "nn.save") as f,
        zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf,
    ):
        for key, arr in state.items():
            with zf.open(key + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, np.asarray(arr), allow_pickle=False)
    return target


def load(
    module: Module, path: PathLike, strict: bool = True, *, allow_nonfinite: bool = False
) -> Module:
    """Load a file written by ``save`` into ``module`` and return the module.

    Raises FileNotFoundError for a missing file and ValueError (with the path and
    the reason) for an empty, truncated, corrupt, pickle-bearing or mismatched
    one; in every case the module is left unchanged. Names, shapes and dtypes
    are checked from the archive's headers before any array is read. Arrays
    holding NaN or inf are refused unless ``allow_nonfinite=True``.

    >>> import os, tempfile
    >>> from nn import Linear
    >>> path = os.path.join(tempfile.mkdtemp(), "empty.npz")
    >>> open(path, "wb").close()
    >>> load(Linear(2, 1), path)
    Traceback (most recent call last):
    ...
    ValueError: nn.load: '...empty.npz' is empty (0 bytes), not a saved state dict
    """
    if not isinstance(module, Module):
        raise TypeError(f"nn.load: expected an nn.Module, got {type(module).__name__}")
    source = os.fspath(path)
    if not os.path.exists(source):
        raise FileNotFoundError(f"nn.load: no such file: {source!r}")
    if not os.path.isfile(source):
        raise ValueError(f"nn.load: {source!r} is not a regular file")
    if os.path.getsize(source) == 0:
        raise ValueError(f"nn.load: {source!r} is empty (0 bytes), not a saved state dict")
    expected = {k: (v.shape, v.dtype) for k, v in module.state_dict().items()}
    try:
        state = _read_checked(source, expected, strict)
    except (ValueError, StateDictError):
        raise
    except Exception as exc:  # truncated or corrupt archives fail in many ways (zip, zlib, EOF)
        raise ValueError(
            f"nn.load: cannot read {source!r} (truncated or corrupt?): {type(exc).__name__}: {exc}"
        ) from None
    try:
        module.load_state_dict(state, strict=strict, allow_nonfinite=allow_nonfinite)
    except StateDictError as exc:
        hint = (
            "\n  (nn.load(..., allow_nonfinite=True) loads NaN and inf values)"
            if "NaN or inf" in str(exc) and not allow_nonfinite
            else ""
        )
        raise StateDictError(f"nn.load: {source!r} does not fit the module: {exc}{hint}") from None
    return module


def _read_checked(
    source: str, expected: dict[str, tuple[tuple[int, ...], np.dtype[Any]]], strict: bool
) -> dict[str, np.ndarray]:
    """The arrays of ``source`` that the module takes, read only after every header was checked."""
    with open(source, "rb") as raw:
        start = raw.read(len(_NPY_MAGIC))
        if start == _NPY_MAGIC:
            raise ValueError(
                f"nn.load: cannot read {source!r}: it holds a single array, "
                "not an .npz archive of named arrays"
            )
        if not zipfile.is_zipfile(raw):
            raise ValueError(
                f"nn.load: cannot read {source!r}: not an .npz (zip) archive; "
                "it is neither a saved state dict nor readable without pickle"
            )
        raw.seek(0)
        with zipfile.ZipFile(raw) as zf:
            infos = zf.infolist()
            counts = Counter(info.filename for info in infos)
            twice = sorted(name for name, n in counts.items() if n > 1)
            if twice:
                raise ValueError(
                    f"nn.load: cannot read {source!r}: the archive holds more than "
                    f"one member named {', '.join(map(repr, twice))}; refused"
                )
            odd = [info.filename for info in infos if not info.filename.endswith(".npy")]
            if odd:
                raise ValueError(
                    f"nn.load: cannot read {source!r}: member {odd[0]!r} is not an .npy array"
                )
            members = {info.filename[:-4]: info for info in infos}
            problems: list[str] = []
            if strict:
                missing = [k for k in expected if k not in members]
                unexpected = [k for k in members if k not in expected]
                if missing:
                    problems.append("missing keys: " + ", ".join(missing))
                if unexpected:
                    problems.append("unexpected keys: " + ", ".join(unexpected))
            wanted = [k for k in expected if k in members]
            for key in wanted:
                problem = _check_header(source, zf, members[key], key, *expected[key])
                if problem:
                    problems.append(problem)
            if problems:
                raise StateDictError(
                    f"nn.load: {source!r} does not fit the module: load_state_dict: the state "
                    "dict does not fit (nothing was loaded):\n  " + "\n  ".join(problems)
                )
            return {key: _read_member(zf, members[key]) for key in wanted}


def _npy_header(f: IO[bytes]) -> tuple[tuple[int, ...], bool, np.dtype[Any]]:
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        return np.lib.format.read_array_header_1_0(f)
    if version == (2, 0):
        return np.lib.format.read_array_header_2_0(f)
    raise ValueError(f".npy format version {version} is not supported here")


def _check_header(
    source: str,
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    key: str,
    shape: tuple[int, ...],
    dtype: np.dtype[Any],
) -> str:
    """What is wrong with one member's declared shape and dtype ("" if nothing); reads no data."""
    with zf.open(info) as f:
        try:
            declared, _, declared_dtype = _npy_header(f)
        except ValueError as exc:
            raise ValueError(
                f"nn.load: cannot read {source!r}: member {info.filename!r} has a "
                f"bad .npy header: {exc}"
            ) from None
        header_size = f.tell()
    if declared_dtype.hasobject:
        raise ValueError(
            f"nn.load: {source!r} holds pickled (object) data in {key!r}, which is "
            "refused for safety"
        )
    if declared_dtype.kind not in "biuf":
        return f"{key}: dtype {declared_dtype} is not a real number type"
    if declared != shape:
        return f"{key}: shape {declared} does not match the parameter's shape {shape}"
    if not np.can_cast(declared_dtype, dtype, casting="same_kind"):
        return f"{key}: dtype {declared_dtype} cannot be cast to {dtype}"
    data_size = int(np.prod(declared, dtype=np.int64)) * declared_dtype.itemsize
    if info.file_size != header_size + data_size:
        raise ValueError(
            f"nn.load: cannot read {source!r}: member {info.filename!r} declares "
            f"{declared_dtype} {declared} ({data_size:,} bytes of data) but holds "
            f"{info.file_size - header_size:,} bytes"
        )
    return ""


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> np.ndarray:
    with zf.open(info) as f:
        arr = np.lib.format.read_array(f, allow_pickle=False)
        f.read(1)  # reach the end, where zipfile checks the CRC
    return arr
