"""Every package under `simulator/` is reached from outside through its face (`__init__.py`).

A module imports `vcall.simulator.<pkg>.<module>` only if it lives inside `<pkg>` itself;
every other module imports `vcall.simulator.<pkg>` (the face). Imports inside functions and
under `TYPE_CHECKING` count too. The base modules (`spec.py`, `errors.py`, ...) are public as
modules. Inside a package, a module imports its siblings, never a name from its own face (the
face imports it: a cycle). The CLI is held to the same rule by import-linter (pyproject.toml); import-linter has
no contract that says "only from its own package" without one contract per package, so this
test is the enforcement for the simulator.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "vcall.simulator"

EXCEPTIONS: dict[tuple[str, str], str] = {
    # (importing file relative to the scanned root, imported module): why it may reach inside.
}
"""Allowed reaches inside another package, each with its reason (none today)."""


def _subpackages(root: Path) -> set[str]:
    return {p.parent.name for p in root.glob("*/__init__.py")}


def _owner(path: Path, root: Path) -> str | None:
    """The subpackage a file belongs to (None for a base module)."""
    parts = path.relative_to(root).parts
    return parts[0] if len(parts) > 1 else None


def _imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """Each module an import statement names (with its line), at any depth of the file."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from vcall.simulator.pkg import module` reaches inside as surely as the dotted form
            found.extend((node.lineno, f"{node.module}.{alias.name}") for alias in node.names)
    return found


def _is_module(root: Path, package: str, name: str) -> bool:
    return (root / package / f"{name}.py").exists() or (
        root / package / name / "__init__.py"
    ).exists()


def face_violations(root: Path, prefix: str = PREFIX) -> list[str]:
    """`file:line: module` for every import of another package's module under ``root``."""
    packages = _subpackages(root)
    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        owner = _owner(path, root)
        relative = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, module in _imported_modules(tree):
            if not module.startswith(prefix + "."):
                continue
            parts = module[len(prefix) + 1 :].split(".")
            if len(parts) < 2 or parts[0] not in packages or parts[0] == owner:
                continue
            reached = f"{prefix}.{parts[0]}.{parts[1]}"
            problem = f"{relative}:{line}: {reached}"
            if (
                _is_module(root, parts[0], parts[1])
                and (relative, reached) not in EXCEPTIONS
                and problem not in problems
            ):
                problems.append(problem)
    return problems


def own_face_imports(root: Path, prefix: str = PREFIX) -> list[str]:
    """`file:line: name` for every module that takes a name from its own package's face (a cycle:
    the face imports that module); `from <own package> import <sibling module>` is fine."""
    problems: list[str] = []
    for path in sorted(root.rglob("*.py")):
        owner = _owner(path, root)
        if owner is None or path.name == "__init__.py":
            continue
        relative = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == f"{prefix}.{owner}":
                problems.extend(
                    f"{relative}:{node.lineno}: {alias.name}"
                    for alias in node.names
                    if not _is_module(root, owner, alias.name)
                )
    return problems


def test_simulator_packages_import_each_other_through_their_faces() -> None:
    problems = face_violations(ROOT / "simulator")
    assert not problems, "imports reaching inside another package (use its face):\n" + "\n".join(
        problems
    )


def test_modules_of_a_package_import_their_siblings_not_their_own_face() -> None:
    problems = own_face_imports(ROOT / "simulator")
    assert not problems, "names taken from the module's own face (import the sibling):\n" + (
        "\n".join(problems)
    )


def _write(root: Path, relative: str, text: str = "") -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_scanner_names_each_reach_inside_another_package(tmp_path: Path) -> None:
    _write(tmp_path, "spec.py")
    _write(tmp_path, "alpha/__init__.py", "from pkg.alpha.core import thing\n")
    _write(tmp_path, "alpha/core.py", "from pkg.alpha.other import x\nimport pkg.spec\n")
    _write(tmp_path, "alpha/other.py")
    _write(
        tmp_path,
        "beta/__init__.py",
        "from pkg.alpha import thing\n",
    )
    _write(
        tmp_path,
        "beta/user.py",
        "from typing import TYPE_CHECKING\n"
        "from pkg.spec import LIMIT\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.alpha.core import thing\n"
        "def late():\n"
        "    import pkg.alpha.other\n"
        "    from pkg.alpha import core\n",
    )
    _write(tmp_path, "top.py", "from pkg.alpha.core import thing\nfrom pkg.beta import late\n")

    assert face_violations(tmp_path, prefix="pkg") == [
        "beta/user.py:4: pkg.alpha.core",
        "beta/user.py:6: pkg.alpha.other",
        "beta/user.py:7: pkg.alpha.core",
        "top.py:1: pkg.alpha.core",
    ]
    assert own_face_imports(tmp_path, prefix="pkg") == []
    _write(tmp_path, "alpha/late.py", "def f():\n    from pkg.alpha import other, thing\n")
    assert own_face_imports(tmp_path, prefix="pkg") == ["alpha/late.py:2: thing"]


def test_every_exception_still_names_an_import_that_exists() -> None:
    for relative, module in EXCEPTIONS:
        text = (ROOT / "simulator" / relative).read_text(encoding="utf-8")
        assert module in text, f"stale exception: {relative} no longer imports {module}"


def test_every_name_a_face_exports_is_there() -> None:
    """A lazy face lists each name three times (its TYPE_CHECKING import, ``_WHERE`` and
    ``__all__``): a name missing from ``_WHERE``, or pointing at the wrong module, only shows
    when asked for."""
    import importlib

    missing = []
    for package in sorted(_subpackages(ROOT / "simulator")):
        face = importlib.import_module(f"{PREFIX}.{package}")
        names = getattr(face, "__all__", [])
        where = getattr(face, "_WHERE", None)
        if where is not None and set(where) != set(names):
            missing.append(f"{package}: _WHERE and __all__ differ by {set(where) ^ set(names)}")
        missing += [f"{package}.{name}" for name in names if not hasattr(face, name)]
    assert not missing, missing
