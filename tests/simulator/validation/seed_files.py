"""Which stored copy of a vendor page each citation names (tests only: users cite by title and doc
id, the copies live in the maintainers' ``shared/seeds/``), and vcall's own reading, in the repo."""

from __future__ import annotations

from pathlib import Path

from vcall.simulator.spec import (
    SEED_CALLBACK_OVERVIEW,
    SEED_CALLIN,
    SEED_FOLLOWUP,
    SEED_SMARTCALL,
    SEED_SMARTCALL_OLD,
    SPEC_NOTES,
)

ROOT = Path(__file__).resolve().parents[3]
PLATFORM_PAGE = ROOT / "docs" / "platform.md"
"""What ``SPEC_NOTES`` cites: vcall's reading of the platform, shipped in the repository."""
SEED_FILES = {
    SEED_CALLBACK_OVERVIEW: "000_d7375703da66d8a3.txt",
    SEED_FOLLOWUP: "001_e406b395c8902673.txt",
    SEED_SMARTCALL: "002_be0875914619bb4d.txt",
    SEED_SMARTCALL_OLD: "003_66fa8c66580b70a3.txt",
    SEED_CALLIN: "004_1932a3d3efe8eaa9.txt",
}
"""Citation (title and doc id) → the file name of its stored copy."""
CITATION_OF_FILE = {
    **{name: citation for citation, name in SEED_FILES.items()},
    "SPEC-NOTES.md": SPEC_NOTES,  # the maintainers' notes docs/platform.md was written from
}


def shared() -> Path | None:
    """``shared/`` beside the repository or above it (worktrees sit one level deeper)."""
    for parent in ROOT.parents:
        if (parent / "shared" / "seeds").is_dir():
            return parent / "shared"
    return None


def page_text(source: str) -> str | None:
    """The text of the page a citation names, or None when no copy is at hand."""
    if source == SPEC_NOTES:
        return PLATFORM_PAGE.read_text(encoding="utf-8")
    stored = shared()
    if source in SEED_FILES and stored is not None:
        return (stored / "seeds" / SEED_FILES[source]).read_text(encoding="utf-8")
    return None
