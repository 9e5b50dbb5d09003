"""nbguard: make a notebook's hidden state visible, and prove it reproducible."""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # pragma: no cover - only in a source tree never built
    import warnings

    warnings.warn(
        "Importing 'jupyterlab_nbguard' outside a proper installation.", stacklevel=2
    )
    __version__ = "dev"


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-nbguard"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .app import NbGuardApp

    return [{"module": "jupyterlab_nbguard", "app": NbGuardApp}]
