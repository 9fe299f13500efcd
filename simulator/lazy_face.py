"""A lazy package face (PEP 562): each public name is imported from its module the first time
it is asked for, so a command's first output line does not wait for the whole package."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, where: Mapping[str, tuple[str, str]]) -> Callable[[str], Any]:
    """The package's module ``__getattr__``: ``where`` maps each public name to the module of
    ``package`` that defines it (or a module's full name, for a name another package defines)
    and its name there; a name found is kept in the package."""

    def __getattr__(name: str) -> Any:
        found = where.get(name)
        if found is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = found[0] if "." in found[0] else f"{package}.{found[0]}"
        value = getattr(importlib.import_module(module), found[1])
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
