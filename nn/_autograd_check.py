"""Make sure ``import autograd`` gives backproplab's engine before ``nn`` imports from it.

HIPS autograd (the ``autograd`` distribution on PyPI) has the same import name as
our engine. Installed after backproplab into one environment, its files replace
ours (or it comes first on ``sys.path``), and ``nn`` would fail with a puzzling
"cannot import name 'Tensor' from 'autograd'". Importing this module instead
raises an ImportError that names the package now answering to ``autograd`` and
the fix. It imports only the standard library and ``autograd`` itself (which may
not be ours), so it lives in ``nn``, not in ``autograd``; the ``backproplab``
facade can import it the same way before it imports ``autograd``.
"""

from __future__ import annotations

import importlib
import sys
from importlib import metadata
from types import ModuleType

__all__ = ["foreign_autograd_message", "require_our_autograd"]

OURS = "backproplab"
HIPS = "autograd"  # HIPS autograd's distribution name
_OUR_VALUE_MODULE = "autograd.core.value"


def _is_ours(module: ModuleType) -> bool:
    value = vars(module).get("Value")
    return getattr(value, "__module__", None) == _OUR_VALUE_MODULE


def _initializing(module: ModuleType) -> bool:
    """True while ``module``'s own ``__init__`` is still running (an import cycle)."""
    spec = getattr(module, "__spec__", None)
    return bool(getattr(spec, "_initializing", False))


def _hips_version() -> str | None:
    try:
        return metadata.version(HIPS)
    except metadata.PackageNotFoundError:
        return None


def foreign_autograd_message(module: ModuleType | None, error: BaseException | None = None) -> str:
    """Why ``module`` (or the failed import, ``error``) is not backproplab's autograd, and the fix.

    >>> from types import ModuleType
    >>> fake = ModuleType("autograd"); fake.__file__ = "/site-packages/autograd/__init__.py"
    >>> message = foreign_autograd_message(fake)
    >>> "gives" in message and "/site-packages/autograd/__init__.py" in message
    True
    >>> "separate environments" in message
    True
    """
    where = getattr(module, "__file__", None) if module is not None else None
    hips = _hips_version()
    owner = (
        f"HIPS autograd (the '{HIPS}' distribution {hips})"
        if hips is not None
        else "a package that is not backproplab"
    )
    found = (
        (f"gives {owner} at {where}" if where else f"gives {owner}")
        if module is not None
        else f"fails ({type(error).__name__}: {error}); the name belongs to {owner}"
    )
    fix = (
        "The two distributions share the import name 'autograd': installed into one environment, "
        "the later install overwrites the earlier one's files. Fix: use separate environments, "
        f"e.g. `python -m venv .venv-{OURS} && .venv-{OURS}/bin/pip install {OURS}` for this "
        "package and another venv for HIPS autograd; or, to keep only backproplab here, "
        f"`pip uninstall {HIPS}` then `pip install --force-reinstall {OURS}`."
    )
    return f"{OURS}'s nn needs {OURS}'s autograd, but `import autograd` {found}. {fix}"


def require_our_autograd() -> None:
    """Import ``autograd`` and raise ImportError, saying why and what to do, unless it is ours.

    >>> require_our_autograd()  # silent: here ``autograd`` is backproplab's
    """
    module = sys.modules.get("autograd")
    if module is not None and _initializing(module):
        return  # autograd itself is importing nn: its own check runs when it is done
    try:
        module = importlib.import_module("autograd")
    except ImportError as exc:
        if _hips_version() is None:
            raise  # no HIPS autograd here: the error is our own, and says more than ours would
        raise ImportError(foreign_autograd_message(None, exc)) from exc
    if not _is_ours(module):
        raise ImportError(foreign_autograd_message(module))


require_our_autograd()
