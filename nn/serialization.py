"""save / load a module's state_dict as an .npz file, atomically and without pickle.

``save`` writes a temporary file next to the target, syncs it to disk and
renames it over the target, so a crash never leaves a half-written file under
the real name. ``load`` reads with ``allow_pickle=False`` and checks everything
before touching the module: any problem raises and the module is unchanged.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from typing import Union

import numpy as np

from nn.module import Module, StateDictError

__all__ = ["save", "load"]

PathLike = Union[str, "os.PathLike[str]"]


def save(module: Module, path: PathLike) -> str:
    """Write ``module.state_dict()`` to ``path`` (exactly that name; no suffix is added).

    Returns the path written.

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
    folder = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"nn.save: the folder {folder!r} for {target!r} does not exist")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="." + os.path.basename(target) + ".",
                               suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            # The .npz layout written by np.savez, but keys can be any string (even "file").
            with zipfile.ZipFile(f, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
                for key, arr in state.items():
                    with zf.open(key + ".npy", "w", force_zip64=True) as member:
                        np.lib.format.write_array(member, np.asarray(arr), allow_pickle=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    _sync_folder(folder)
    return target


def _sync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load(module: Module, path: PathLike, strict: bool = True) -> Module:
    """Load a file written by ``save`` into ``module`` and return the module.

    Raises FileNotFoundError for a missing file and ValueError (with the path and
    the reason) for an empty, truncated, corrupt, pickle-bearing or mismatched
    one; in every case the module is left unchanged.

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
    try:
        archive = np.load(source, allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not an .npz archive of named arrays")
        with archive:
            state = {key: archive[key] for key in archive.files}
    except ValueError as exc:
        if "pickle" in str(exc):
            raise ValueError(f"nn.load: {source!r} holds pickled (object) data, which is refused "
                             f"for safety: {exc}") from None
        raise ValueError(f"nn.load: cannot read {source!r}: {exc}") from None
    except Exception as exc:  # truncated or corrupt archives fail in many ways (zip, zlib, EOF)
        raise ValueError(f"nn.load: cannot read {source!r} (truncated or corrupt?): "
                         f"{type(exc).__name__}: {exc}") from None
    try:
        module.load_state_dict(state, strict=strict)
    except StateDictError as exc:
        raise StateDictError(f"nn.load: {source!r} does not fit the module: {exc}") from None
    return module
