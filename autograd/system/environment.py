"""Checks on the environment we were imported into (run once, by ``import autograd``).

HIPS autograd (the ``autograd`` distribution on PyPI) uses the same import name,
``autograd``, as this package (the ``backproplab`` distribution). Installed into
one environment, the second install overwrites the first one's files, and
uninstalling either breaks the other. We cannot fix that from inside, but we can
say so plainly instead of failing later with a puzzling ImportError.
"""

from __future__ import annotations

import warnings
from importlib import metadata

__all__ = ["DistributionConflictWarning", "package_version", "warn_if_hips_autograd_installed"]

OURS = "backproplab"
HIPS = "autograd"  # HIPS autograd's distribution name
# pyproject.toml's version, for a checkout used without installing it (PYTHONPATH=.): a test
# keeps the two equal.
SOURCE_VERSION = "0.1.0"

_warned = False


class DistributionConflictWarning(UserWarning):
    """Two installed distributions provide the same top-level package ``autograd``."""


def package_version() -> str:
    """backproplab's version: the installed distribution's, or the source tree's when not installed.

    >>> package_version() == SOURCE_VERSION
    True
    """
    try:
        return metadata.version(OURS)
    except metadata.PackageNotFoundError:
        return SOURCE_VERSION


def hips_autograd_version() -> str | None:
    """The version of HIPS autograd installed next to us, or None when it is not installed.

    >>> hips_autograd_version() is None or isinstance(hips_autograd_version(), str)
    True
    """
    try:
        return metadata.version(HIPS)
    except metadata.PackageNotFoundError:
        return None


def warn_if_hips_autograd_installed() -> None:
    """Warn (once per process) when HIPS autograd shares this environment with us.

    >>> warn_if_hips_autograd_installed()  # silent where HIPS autograd is absent
    """
    global _warned
    version = hips_autograd_version()
    if _warned or version is None:
        return
    _warned = True
    warnings.warn(
        f"two distributions provide the import name 'autograd' in this environment: "
        f"'{OURS}' (this package: backproplab's autograd and nn) and '{HIPS}' {version} "
        f"(HIPS autograd). They overwrite each other's files, so `import autograd` gives one of "
        f"them, possibly broken, and uninstalling either breaks the other. Fix: install them "
        f"in separate environments, e.g. `python -m venv .venv-backproplab` for {OURS} and "
        f"another venv for HIPS autograd.",
        DistributionConflictWarning,
        stacklevel=2,
    )
