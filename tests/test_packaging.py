"""The built wheel installs vcall.cli / vcall.simulator, never a bare top-level cli or simulator."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("vcall-*.whl")
    return wheel


@pytest.fixture(scope="module")
def wheel_names(wheel_path: Path) -> list[str]:
    with zipfile.ZipFile(wheel_path) as archive:
        return archive.namelist()


def test_wheel_has_only_the_vcall_package_at_top_level(wheel_names: list[str]) -> None:
    top = {name.split("/", 1)[0] for name in wheel_names}
    assert {t for t in top if not t.endswith(".dist-info")} == {"vcall"}


def test_wheel_maps_folders_to_subpackages(wheel_names: list[str]) -> None:
    for module in (
        "vcall/__init__.py",
        "vcall/__main__.py",
        "vcall/cli/app.py",
        "vcall/simulator/spec.py",
    ):
        assert module in wheel_names


def test_wheel_holds_every_source_package(wheel_names: list[str]) -> None:
    """A package folder missing from pyproject's list would silently vanish from the wheel."""
    folders = {"cli": "vcall/cli", "simulator": "vcall/simulator"}
    for source, installed in folders.items():
        for init in (ROOT / source).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / source)
            if relative.parts[:1] == ("_root",):
                continue
            expected = "/".join((installed, *relative.parts, "__init__.py"))
            assert expected in wheel_names, (
                f"{expected} is not in the wheel: add it to pyproject's packages"
            )


def test_wheel_ships_data_files(wheel_names: list[str]) -> None:
    assert "vcall/simulator/fixture/fixture.schema.json" in wheel_names
    assert "vcall/simulator/py.typed" in wheel_names
    assert any(
        name.startswith("vcall/fixtures/") and name.endswith(".yaml") for name in wheel_names
    )


def test_wheel_ships_the_platform_page_the_code_cites(wheel_path: Path) -> None:
    """Findings cite "vcall docs/platform.md §N": pip users have it as vcall/docs/platform.md."""
    with zipfile.ZipFile(wheel_path) as archive:
        docs = sorted(name for name in archive.namelist() if name.startswith("vcall/docs/"))
        assert docs == ["vcall/docs/platform.md"]
        shipped = archive.read("vcall/docs/platform.md").decode("utf-8")
    assert shipped == (ROOT / "docs" / "platform.md").read_text(encoding="utf-8")


def test_console_script_points_at_the_cli(wheel_path: Path) -> None:
    with zipfile.ZipFile(wheel_path) as archive:
        entry = next(
            name for name in archive.namelist() if name.endswith(".dist-info/entry_points.txt")
        )
        text = archive.read(entry).decode()
    assert "vcall = vcall.cli.app:main" in text


def test_python_m_vcall_prints_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vcall", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("vcall ")


def test_wheel_ships_the_check_suite_and_the_caller_lines(wheel_names: list[str]) -> None:
    suite = [n for n in wheel_names if n.startswith("vcall/simulator/explore/data/suite/")]
    assert len([n for n in suite if n.endswith(".yaml")]) == 23
    assert "vcall/simulator/dialogue_map/data/caller_lines.txt" in wheel_names
