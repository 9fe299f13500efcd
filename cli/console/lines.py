"""Where the console's lines come from: a prompt-toolkit prompt, or a stream (stdin, a script)."""

from __future__ import annotations

from typing import Protocol, TextIO

from prompt_toolkit import PromptSession
from rich.console import Console
from rich.text import Text


class LineSource(Protocol):
    interactive: bool
    """Whether a person answers (questions are asked only then)."""

    async def read(self, label: str, style: str = "prompt") -> str:
        """The next line. Ctrl-C raises ``KeyboardInterrupt``, the end of input ``EOFError``."""
        ...

    async def ask(self, question: str) -> str:
        """A one-off answer (not kept in the history)."""
        ...


class PromptLines:
    """Lines typed at a prompt-toolkit prompt, with history, completion and the toolbar."""

    interactive = True

    def __init__(self, session: PromptSession[str]) -> None:
        self.session = session

    async def read(self, label: str, style: str = "prompt") -> str:
        return await self.session.prompt_async([(f"class:{style}", f"{label} › ")])

    async def ask(self, question: str) -> str:
        once: PromptSession[str] = PromptSession(
            input=self.session.input, output=self.session.output
        )
        return await once.prompt_async([("class:question", f"{question} ")])


class StreamLines:
    """Lines read from a stream (stdin not a terminal: a shell script drives the console).

    Each line is echoed after its prompt, so the output reads as a transcript.
    """

    interactive = False

    def __init__(self, stream: TextIO, console: Console) -> None:
        self.stream = stream
        self.console = console

    async def read(self, label: str, style: str = "prompt") -> str:
        line = self.stream.readline()
        if not line:
            raise EOFError
        text = line.rstrip("\r\n")
        self.console.print(Text.assemble((f"{label} › ", "bold blue"), text))
        return text

    async def ask(self, question: str) -> str:
        raise EOFError
