"""Tab completion in the console: command names, ``/bargein`` options, files for ``/save``."""

from __future__ import annotations

from collections.abc import Iterable

from prompt_toolkit.completion import CompleteEvent, Completer, Completion, PathCompleter
from prompt_toolkit.document import Document

from vcall.cli.console.commands import COMMAND_NAMES, COMMANDS, CommandSpec

DURATION_HINTS: dict[str, tuple[str, ...]] = {
    "wait": ("playback", "1s", "3s", "5s"),
    "silence": ("2s", "5s", "12s"),
}
"""Suggestions after ``/wait `` and ``/silence ``."""


class ConsoleCompleter(Completer):
    def __init__(self) -> None:
        self.paths = PathCompleter(expanduser=True)

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterable[Completion]:
        text = document.text_before_cursor
        if not text.startswith("/") or text.startswith("//"):
            return
        name, space, rest = text[1:].partition(" ")
        if not space:
            yield from _command_names(name)
            return
        spec = next((spec for spec in COMMANDS if spec.name == name.lower()), None)
        if spec is None:
            return
        if spec.takes_file:
            yield from self.paths.get_completions(Document(rest, len(rest)), complete_event)
        else:
            yield from _arguments(spec, rest)


def _command_names(prefix: str) -> Iterable[Completion]:
    for spec in COMMANDS:
        if spec.name.startswith(prefix.lower()):
            shown = f"/{spec.name} {spec.usage}".rstrip()
            yield Completion(
                f"/{spec.name}", -len(prefix) - 1, display=shown, display_meta=spec.help
            )


def _arguments(spec: CommandSpec, rest: str) -> Iterable[Completion]:
    word = rest.rsplit(" ", 1)[-1]
    if spec.name == "help":
        candidates: tuple[str, ...] = COMMAND_NAMES
    elif spec.options and rest.strip():
        candidates = tuple(option for option in spec.options if option not in rest)
    else:
        candidates = DURATION_HINTS.get(spec.name, ()) if " " not in rest else ()
    for candidate in candidates:
        if candidate.startswith(word) and candidate != word:
            yield Completion(candidate, -len(word))
