"""Names every IPython kernel has bound before any cell runs."""

from __future__ import annotations

import builtins
import re

#: Names IPython binds in the user namespace (``InteractiveShell.init_user_ns``).
IPYTHON_NAMES = frozenset(
    {
        "_", "__", "___", "_i", "_ii", "_iii", "_ih", "_oh", "_dh", "_sh",
        "In", "Out", "get_ipython", "display", "exit", "quit",
        "__name__", "__doc__", "__builtins__", "__builtin__", "__spec__",
        "__package__", "__loader__",
    }
)  # fmt: skip
_NUMBERED = re.compile(r"^_(i|ii|iii)?\d+$|^_i$")
BUILTIN_NAMES = frozenset(dir(builtins))
#: Bound before any cell runs (numbered names like ``_3`` are matched separately).
PRESET_NAMES = BUILTIN_NAMES | IPYTHON_NAMES


def is_preset(name: str) -> bool:
    """Whether ``name`` is bound in a fresh IPython kernel (builtins, ``_3``...)."""
    return name in BUILTIN_NAMES or name in IPYTHON_NAMES or bool(_NUMBERED.match(name))
