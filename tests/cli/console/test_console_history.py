"""Where the console keeps its input history."""

from __future__ import annotations

from pathlib import Path

from prompt_toolkit.history import FileHistory, InMemoryHistory

from vcall.cli.console.history import history_path, open_history


def test_the_environment_variable_wins() -> None:
    environ = {"VCALL_HISTORY_FILE": "/tmp/x/hist", "XDG_STATE_HOME": "/state"}
    assert history_path(environ) == Path("/tmp/x/hist")


def test_xdg_state_home_then_the_default() -> None:
    assert history_path({"XDG_STATE_HOME": "/state"}) == Path("/state/vcall/history")
    assert history_path({}) == Path("~/.local/state/vcall/history").expanduser()


def test_the_file_and_its_folder_are_created(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "vcall" / "history"
    assert isinstance(open_history(path), FileHistory)
    assert path.is_file()


def test_an_unusable_place_falls_back_to_memory(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", "utf-8")
    assert isinstance(open_history(blocker / "history"), InMemoryHistory)
