"""Tab completion: command names, /bargein options, /help topics, duration hints, files for /save."""

from __future__ import annotations

from pathlib import Path

from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from vcall.cli.console.commands import COMMAND_NAMES
from vcall.cli.console.completion import ConsoleCompleter


def complete(text: str) -> list[str]:
    document = Document(text, len(text))
    return [
        c.text
        for c in ConsoleCompleter().get_completions(
            document, CompleteEvent(completion_requested=True)
        )
    ]


def applied(text: str) -> list[str]:
    """The line as it reads once each completion is applied."""
    document = Document(text, len(text))
    completions = ConsoleCompleter().get_completions(
        document, CompleteEvent(completion_requested=True)
    )
    return [text[: len(text) + c.start_position] + c.text for c in completions]


def test_a_slash_offers_every_command() -> None:
    assert complete("/") == [f"/{name}" for name in COMMAND_NAMES]
    assert applied("/ha") == ["/hangup"]
    assert applied("/s") == ["/silence", "/show", "/state", "/save"]
    assert applied("/SH") == ["/show"]


def test_commands_show_their_usage_and_help() -> None:
    (completion,) = ConsoleCompleter().get_completions(Document("/pr", 3), CompleteEvent())
    assert completion.display_text == "/press DIGITS"
    assert "0-9" in completion.display_meta_text


def test_words_are_never_completed() -> None:
    assert complete("你好") == []
    assert complete("//sa") == []
    assert complete("/unknown x") == []


def test_bargein_options_after_the_words() -> None:
    assert complete("/bargein ") == []
    assert applied("/bargein 等一下 ") == ["/bargein 等一下 after=", "/bargein 等一下 for="]
    assert applied("/bargein 等一下 a") == ["/bargein 等一下 after="]
    assert applied("/bargein 等一下 after=1s ") == ["/bargein 等一下 after=1s for="]


def test_help_topics_and_duration_hints() -> None:
    assert applied("/help ba") == ["/help bargein"]
    assert applied("/wait p") == ["/wait playback"]
    assert "5s" in complete("/silence ")
    assert complete("/wait 3s ") == []


def test_save_completes_file_names(tmp_path: Path) -> None:
    (tmp_path / "order_inquiry.yaml").write_text("", "utf-8")
    assert applied(f"/save {tmp_path}/ord") == [f"/save {tmp_path}/order_inquiry.yaml"]
