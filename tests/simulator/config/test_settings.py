"""Configuration: which file is found, what it sets, where each value comes from, its errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from vcall.simulator.config import load_settings
from vcall.simulator.errors import UsageError

CHECK_OPTIONS = {"target": False, "params": False, "timeout": False, "concurrency": False}
TAP_OPTIONS = {"forward_to": False, "timeout": False, "save": False}
SIMULATE_OPTIONS = {"target": False, "fixture": True, "timeout": False}


def project(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / ".git").mkdir()
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_vcall_toml_values_carry_their_file_and_line(tmp_path: Path) -> None:
    root = project(
        tmp_path, "vcall.toml", '# bot\ntarget = "http://127.0.0.1:9/cb"\ntimeout = "3s"\n'
    )
    settings = load_settings(root, environ={})
    chosen = settings.for_command("check", CHECK_OPTIONS)
    assert chosen["target"].value == "http://127.0.0.1:9/cb"
    assert chosen["target"].source == "vcall.toml:2"
    assert chosen["timeout"].source == "vcall.toml:3"


def test_pyproject_tool_vcall_is_read_with_its_sections(tmp_path: Path) -> None:
    text = '[project]\nname = "bot"\n\n[tool.vcall]\ntimeout = "2s"\n\n[tool.vcall.check]\nconcurrency = 3\n'
    root = project(tmp_path, "pyproject.toml", text)
    settings = load_settings(root, environ={})
    chosen = settings.for_command("check", CHECK_OPTIONS)
    assert chosen["concurrency"].value == 3
    assert chosen["concurrency"].source == "pyproject.toml:8"
    assert "concurrency" not in settings.for_command("tap", TAP_OPTIONS)


def test_a_pyproject_without_tool_vcall_is_not_a_configuration(tmp_path: Path) -> None:
    root = project(tmp_path, "pyproject.toml", '[project]\nname = "bot"\n')
    assert load_settings(root, environ={}).file is None


def test_the_search_goes_up_but_stops_at_the_project_root(tmp_path: Path) -> None:
    (tmp_path / "vcall.toml").write_text('timeout = "1s"\n', encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "src").mkdir()
    assert load_settings(repo / "src", environ={}).file is None
    assert load_settings(tmp_path / "repo" / "..", environ={}).file == tmp_path / "vcall.toml"


def test_the_environment_wins_over_the_file(tmp_path: Path) -> None:
    root = project(tmp_path, "vcall.toml", 'timeout = "3s"\n')
    settings = load_settings(root, environ={"VCALL_TIMEOUT": "5s"})
    timeout = settings.for_command("check", CHECK_OPTIONS)["timeout"]
    assert (timeout.value, timeout.source) == ("5s", "env VCALL_TIMEOUT")


def test_vcall_config_names_the_file(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere.toml"
    other.write_text("seed = 7\n", encoding="utf-8")
    assert load_settings(tmp_path, environ={"VCALL_CONFIG": str(other)}).value("seed") == 7
    with pytest.raises(UsageError, match=r"VCALL_CONFIG=.*no such file"):
        load_settings(tmp_path, environ={"VCALL_CONFIG": str(tmp_path / "missing.toml")})


def test_shared_keys_reach_each_command_under_its_own_option_name(tmp_path: Path) -> None:
    text = 'target = "http://127.0.0.1:9/cb"\nplacement = "query"\nfixtures = ["calls"]\n'
    settings = load_settings(project(tmp_path, "vcall.toml", text), environ={})
    assert settings.for_command("check", CHECK_OPTIONS)["params"].value == "query"
    assert settings.for_command("tap", TAP_OPTIONS)["forward_to"].value == "http://127.0.0.1:9/cb"
    fixtures = settings.for_command("simulate", SIMULATE_OPTIONS)["fixture"].value
    assert fixtures == [str(tmp_path / "calls")]  # relative to the file, not the working folder


def test_a_fixtures_variable_is_split_on_commas() -> None:
    settings = load_settings(Path("/"), environ={"VCALL_FIXTURES": "calls/, builtin:"})
    assert settings.for_command("simulate", SIMULATE_OPTIONS)["fixture"].value == [
        "calls/",
        "builtin:",
    ]


def test_an_unknown_key_is_located_with_a_suggestion(tmp_path: Path) -> None:
    root = project(tmp_path, "vcall.toml", 'timeout = "3s"\ntimout = "4s"\n')
    with pytest.raises(
        UsageError, match=r"vcall.toml:2: unknown key 'timout' \(did you mean 'timeout'\?\)"
    ):
        load_settings(root, environ={})


def test_an_unknown_section_and_an_unknown_section_key_are_errors(tmp_path: Path) -> None:
    root = project(tmp_path, "vcall.toml", "[chek]\nconcurrency = 2\n")
    with pytest.raises(
        UsageError, match=r"vcall.toml:1: no command 'chek' \(did you mean 'check'\?\)"
    ):
        load_settings(root, environ={})
    (tmp_path / "vcall.toml").write_text("[check]\nconcurency = 2\n", encoding="utf-8")
    settings = load_settings(root, environ={})
    with pytest.raises(UsageError, match=r"vcall.toml:2: \[check\] has no option 'concurency'"):
        settings.check_section("check", CHECK_OPTIONS)


def test_a_section_may_use_a_shared_key_name(tmp_path: Path) -> None:
    settings = load_settings(
        project(tmp_path, "vcall.toml", '[check]\nplacement = "form"\n'), environ={}
    )
    settings.check_section("check", CHECK_OPTIONS)
    assert settings.for_command("check", CHECK_OPTIONS)["params"].value == "form"


def test_broken_toml_is_one_located_error(tmp_path: Path) -> None:
    root = project(tmp_path, "vcall.toml", 'timeout = "3s\n')
    with pytest.raises(UsageError, match=r"vcall\.toml: not valid TOML"):
        load_settings(root, environ={})
