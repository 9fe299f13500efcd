"""``vcall init``'s files: planned from templates, never overwriting, installable as written."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from vcall.simulator.errors import UsageError
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.scaffold import plan_project, write_project
from vcall.simulator.scaffold.project import _direct_url


def test_the_planned_files_are_valid_in_their_own_formats(tmp_path: Path) -> None:
    planned = {str(item.path): item.text for item in plan_project("myapp.main:app")}
    config = tomllib.loads(planned["vcall.toml"])
    assert config["target"] == "myapp.main:app"
    compile(planned["tests/test_calls.py"], "test_calls.py", "exec")
    for name in ("calls/caller_asks_a_question.yaml", "calls/silent_caller.yaml"):
        path = tmp_path / Path(name).name
        path.write_text(planned[name], encoding="utf-8")
        assert load_scenario(path).steps  # loads with no error
    assert ".github/workflows/vcall.yml" in planned and "ci/vcall.gitlab-ci.yml" in planned


def test_only_the_chosen_ci_job_is_planned() -> None:
    paths = {str(item.path) for item in plan_project(ci=("gitlab",))}
    assert "ci/vcall.gitlab-ci.yml" in paths and ".github/workflows/vcall.yml" not in paths


def test_existing_files_are_kept_byte_for_byte(tmp_path: Path) -> None:
    (tmp_path / "calls").mkdir()
    mine = tmp_path / "calls" / "silent_caller.yaml"
    mine.write_text("mine\n", encoding="utf-8")
    result = write_project(tmp_path, plan_project())
    assert mine.read_text(encoding="utf-8") == "mine\n"
    assert Path("calls/silent_caller.yaml") in result.kept
    assert Path("vcall.toml") in result.written
    again = write_project(tmp_path, plan_project())
    assert again.written == () and len(again.kept) == len(result.written) + 1


def test_a_target_that_would_break_the_toml_is_refused() -> None:
    with pytest.raises(UsageError, match="without quotes"):
        plan_project('http://x/"; rm')


def test_the_requirement_line_follows_how_vcall_was_installed() -> None:
    git = {
        "url": "https://git.example.test/team/vcall.git",
        "vcs_info": {"vcs": "git", "requested_revision": "v1.2"},
    }
    assert _direct_url(json.dumps(git)) == "git+https://git.example.test/team/vcall.git@v1.2"
    wheel = {"url": "https://files.example.test/vcall-0.1-py3-none-any.whl", "archive_info": {}}
    assert _direct_url(json.dumps(wheel)) == wheel["url"]
    assert _direct_url("not json") is None
