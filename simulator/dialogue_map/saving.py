"""A played path written as a fixture ``vcall simulate`` replays: the call's steps and the answers
observed as expectations (tagged ``recorded``), one YAML file per path, written atomically.

Explore's problems and ASR variants, the properties' counterexamples and diff save paths this way.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from vcall.simulator.atomic import write_atomic
from vcall.simulator.dialogue_map.paths import PathRun
from vcall.simulator.errors import UsageError
from vcall.simulator.fixture import document_yaml
from vcall.simulator.live import CallRecording, fixture_document

EXPLORE_TAG = "explore"
SLUG = re.compile(r"[^a-z0-9]+")


def path_document(run: PathRun, name: str, target: str) -> dict[str, Any]:
    """The fixture document of one played path (before a caller adds its description)."""
    result = run.result
    recording = CallRecording(
        settings=result.scenario.call,
        steps=run.steps,
        turns=result.turns,
        call_id=result.call_id,
        end_reason=result.end_reason,
        target=target,
    )
    return fixture_document(recording, name)


def write_fixture(directory: Path, name: str, document: dict[str, Any], what: str) -> Path:
    """Write ``document`` as ``directory/name.yaml``; a clear error when it cannot."""
    header = (
        f"# Written by vcall explore ({what}).\n"
        "# Replay it: vcall simulate TARGET --fixture THIS_FILE\n"
    )
    path = directory / f"{name}.yaml"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(path, document_yaml(document, header))
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    return path


def slug(text: str) -> str:
    """``text`` as a short file-name part (lower case, dashes)."""
    return SLUG.sub("-", text.lower()).strip("-")[:40] or "problem"
