"""``vcall explore --asr-robustness K --save DIR``: one fixture per variant that broke a route.

The fixture is the call that says the sentence as written (its answers recorded as the
expectations, the route the bot should take), with the sentence replaced by what the ASR variant
made of it: replayed, it fails for as long as the bot routes the variant elsewhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vcall.simulator.dialogue_map import PathRun, path_document, slug, write_fixture
from vcall.simulator.explore.asr_robustness import Broken, TransitionRobustness

TAG = "asr-robustness"


def save_broken_variants(
    directory: Path,
    target: str,
    found: list[tuple[TransitionRobustness, Broken, PathRun]],
) -> list[Path]:
    """``found``: each broken variant with the run of its transition's sentence as written."""
    written = []
    for index, (transition, broken, run) in enumerate(found, start=1):
        name = f"asr-{index:02d}-{transition.source}-{slug(broken.smallest.changes[0].kind)}"
        document = path_document(run, name, target)
        heard = broken.smallest.text
        if not _replace_last_say(document, transition.words, heard):
            continue
        document["description"] = (
            f"Found by vcall explore --asr-robustness against {target}: from {transition.source}, "
            f"the caller says {transition.words!r} and the bot goes to {transition.target} "
            f"({transition.target_label}); ASR delivers {heard!r} ({broken.smallest.label}) and "
            f"the bot goes to {broken.reached} instead. The expectations are the answers to "
            "the sentence as said: the fixture fails while the variant is routed elsewhere."
        )
        document["tags"] = [*document.get("tags", []), TAG]
        written.append(
            write_fixture(directory, name, document, f"ASR variant {broken.smallest.label}")
        )
    return written


def _replace_last_say(document: dict[str, Any], words: str, heard: str) -> bool:
    for step in reversed(document.get("steps", [])):
        if isinstance(step, dict) and step.get("say") == words:
            step["say"] = heard
            return True
    return False
