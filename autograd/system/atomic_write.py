"""Replace a file atomically: readers see the old content or the new, never a mix.

``atomic_write(path, owner)`` yields a binary file; the bytes go to a
temporary file in the target's folder, which is synced and renamed over the
target only when the block ends without an exception. ``nn.save`` and
``render_graph`` write through it. What it promises about the target:

- A target that exists and is not a regular file (a directory, FIFO, device
  or socket) is refused with an error naming the path and what it is.
- A symbolic link stays a link: the file it points to receives the content
  (a dangling link creates the file it names).
- A new file gets mode 0666 masked by the umask, as ``open`` and ``np.savez``
  give; an overwritten file keeps its mode, and its owner and group where the
  process may set them.
- Temporary files are named ``.<name>.<8 characters>.tmp`` and locked while
  being written. One left behind by a killed process (its lock went with the
  process) is removed by the next write to the same target.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import BinaryIO, Union

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: stale temporaries are then kept
    fcntl = None  # type: ignore[assignment]

__all__ = ["atomic_write", "NotARegularFileError"]

PathLike = Union[str, "os.PathLike[str]"]

_KINDS = [
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
]
_NAME_LIMIT = 200  # of the target's name inside a temporary file's name (filenames: 255 bytes)


class NotARegularFileError(OSError, ValueError):
    """The target exists and is not a regular file (an OSError and a ValueError).

    >>> issubclass(NotARegularFileError, OSError), issubclass(NotARegularFileError, ValueError)
    (True, True)
    """


@contextmanager
def atomic_write(path: PathLike, owner: str) -> Iterator[BinaryIO]:
    """Yield a binary file whose content replaces ``path`` when the block succeeds.

    ``owner`` (e.g. ``"nn.save"``) starts every error message. On an exception
    the target is untouched and the temporary file removed.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "out.txt")
    >>> with atomic_write(path, "example") as f:
    ...     _ = f.write(b"hello")
    >>> open(path, "rb").read(), os.listdir(os.path.dirname(path))
    (b'hello', ['out.txt'])
    """
    final, old = _resolve(os.fspath(path), owner)
    folder, name = os.path.split(final)
    _remove_stale_temporaries(folder, name)
    fd, tmp = _create_locked_temporary(folder, name)
    try:
        if old is not None:
            _copy_mode_and_owner(fd, old)
        with os.fdopen(fd, "wb", closefd=False) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
    except BaseException:
        with suppress(OSError):
            os.unlink(tmp)
        raise
    finally:
        os.close(fd)  # releases the lock, after the rename
    _sync_folder(folder)


def _resolve(target: str, owner: str) -> tuple[str, os.stat_result | None]:
    """The real path to replace (symlinks followed) and its stat, or None if it is new."""
    if not target:
        raise FileNotFoundError(f"{owner}: the path is empty")
    if target.endswith(("/", os.sep)) or os.path.basename(target) in ("", ".", ".."):
        if os.path.isdir(target):
            raise NotARegularFileError(
                f"{owner}: {target!r} is a directory, not a regular file; refusing to replace it"
            )
        raise FileNotFoundError(f"{owner}: {target!r} names a folder, not a file")
    final = os.path.realpath(target)
    try:
        st = os.stat(final)
    except FileNotFoundError:
        st = None
    except OSError as exc:  # e.g. a loop of symbolic links
        raise OSError(exc.errno, f"{owner}: cannot write {target!r}: {exc.strerror}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        kind = next((k for test, k in _KINDS if test(st.st_mode)), "not a regular file")
        via = f" (the link leads to {final!r})" if final != os.path.abspath(target) else ""
        raise NotARegularFileError(
            f"{owner}: {target!r} is {kind}{via}, not a regular file; refusing to replace it"
        )
    folder = os.path.dirname(final)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{owner}: the folder {folder!r} for {target!r} does not exist")
    return final, st


def _temporary_pattern(name: str) -> re.Pattern[str]:
    return re.compile(re.escape("." + name[:_NAME_LIMIT] + ".") + r"[0-9a-f]{8}\.tmp")


def _remove_stale_temporaries(folder: str, name: str) -> None:
    """Remove our temporaries for this target that no live writer holds locked."""
    if fcntl is None:
        return
    pattern = _temporary_pattern(name)
    try:
        entries = [
            e
            for e in os.scandir(folder)
            if pattern.fullmatch(e.name) and e.is_file(follow_symlinks=False)
        ]
    except OSError:
        return
    for entry in entries:
        try:
            fd = os.open(entry.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # fails while its writer lives
            if os.fstat(fd).st_ino == os.lstat(entry.path).st_ino:
                os.unlink(entry.path)
        except OSError:
            pass
        finally:
            os.close(fd)


def _create_locked_temporary(folder: str, name: str) -> tuple[int, str]:
    flags = (
        os.O_WRONLY
        | os.O_CREAT
        | os.O_EXCL
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_CLOEXEC", 0)
        | getattr(os, "O_BINARY", 0)
    )
    for _ in range(100):
        tmp = os.path.join(folder, f".{name[:_NAME_LIMIT]}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)  # the kernel applies the umask, as open() does
        except FileExistsError:
            continue
        if fcntl is None:
            return fd, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.fstat(fd).st_ino == os.lstat(tmp).st_ino:
                return fd, tmp
        except FileNotFoundError:
            pass
        os.close(fd)  # another write took it for stale before we locked it: take a new name
    raise FileExistsError(f"could not create a temporary file in {folder!r}")


def _copy_mode_and_owner(fd: int, old: os.stat_result) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, stat.S_IMODE(old.st_mode))
    if not hasattr(os, "fchown"):
        return
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (old.st_uid, old.st_gid):
        return
    for uid in (old.st_uid, -1):  # the owner needs privileges; the group may still be ours
        try:
            os.fchown(fd, uid, old.st_gid)
        except OSError:
            continue
        break
    if hasattr(os, "fchmod") and stat.S_IMODE(old.st_mode) & (stat.S_ISUID | stat.S_ISGID):
        os.fchmod(fd, stat.S_IMODE(old.st_mode))  # chown clears set-id bits


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
