"""The files ``vcall init`` writes into a team's repository, and how.

Nothing that exists is ever replaced: a file already there is kept and reported as such, so
running ``vcall init`` twice, or in a repository that has some of these files, is safe.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Literal

from vcall.simulator.errors import UsageError

DEFAULT_TARGET = "http://127.0.0.1:8080/callback"
CiKind = Literal["github", "gitlab"]

_TEMPLATES: tuple[tuple[str, str, CiKind | None], ...] = (
    ("calls/caller_asks_a_question.yaml", "calls/caller_asks_a_question.yaml", None),
    ("calls/silent_caller.yaml", "calls/silent_caller.yaml", None),
    ("tests/test_calls.py.txt", "tests/test_calls.py", None),
    ("vcall.toml", "vcall.toml", None),
    ("requirements-dev.txt", "requirements-dev.txt", None),
    ("github/vcall.yml", ".github/workflows/vcall.yml", "github"),
    ("gitlab/vcall.gitlab-ci.yml", "ci/vcall.gitlab-ci.yml", "gitlab"),
)
"""(template, where it goes in the project, the CI system it is for)."""


@dataclass(frozen=True, slots=True)
class PlannedFile:
    path: Path
    """Relative to the project folder."""
    text: str


@dataclass(frozen=True, slots=True)
class ScaffoldResult:
    folder: Path
    written: tuple[Path, ...]
    kept: tuple[Path, ...]
    """Files that already existed and were left as they were."""


def vcall_requirement() -> str:
    """The requirement line that installs this vcall the way it was installed here: the git
    URL or wheel it came from (PEP 610), else a line to edit."""
    try:
        raw = metadata.distribution("vcall").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        raw = None
    url = _direct_url(raw) if raw else None
    if url is None or url.startswith("file:"):
        return (
            "vcall @ git+https://YOUR-GIT-HOST/YOUR-ORG/vcall.git  # or a path/URL of vcall's wheel"
        )
    return f"vcall @ {url}"


def _direct_url(raw: str) -> str | None:
    try:
        info = json.loads(raw)
    except ValueError:
        return None
    url = info.get("url") if isinstance(info, dict) else None
    if not isinstance(url, str):
        return None
    vcs = info.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        revision = vcs.get("requested_revision") or vcs.get("commit_id")
        return f"git+{url}" + (f"@{revision}" if revision else "")
    return url


def plan_project(
    target: str = DEFAULT_TARGET, ci: tuple[CiKind, ...] = ("github", "gitlab")
) -> tuple[PlannedFile, ...]:
    """Every file of the starter, with its text."""
    if '"' in target or "\\" in target or "\n" in target:
        raise UsageError(f"--target {target!r}: a URL or module:attr without quotes")
    values = {"{target}": target, "{vcall_requirement}": vcall_requirement()}
    planned = []
    root = resources.files("vcall.simulator.scaffold") / "templates"
    for template, destination, system in _TEMPLATES:
        if system is not None and system not in ci:
            continue
        text = (root / template).read_text(encoding="utf-8")
        for placeholder, value in values.items():
            text = text.replace(placeholder, value)
        planned.append(PlannedFile(Path(destination), text))
    return tuple(planned)


def write_project(folder: Path, planned: tuple[PlannedFile, ...]) -> ScaffoldResult:
    """Write each planned file that does not exist yet (created exclusively: never replaced)."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder}: not a folder")
    written: list[Path] = []
    kept: list[Path] = []
    for item in planned:
        path = folder / item.path
        if path.exists() or path.is_symlink():
            kept.append(item.path)
            continue
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(item.text)
        except FileExistsError:
            kept.append(item.path)
            continue
        except OSError as error:
            raise UsageError(f"{path}: cannot write: {error.strerror or error}") from None
        written.append(item.path)
    return ScaffoldResult(folder, tuple(written), tuple(kept))
