"""vcall's project configuration: ``vcall.toml`` or ``[tool.vcall]``, and ``VCALL_*`` variables.

Precedence, highest first: the command line, the environment, the file, vcall's defaults. The
command line is the CLI's business; this module reads the other two and says where each value
came from, so ``vcall config`` can show it.

A file holds **shared keys** (``target = "http://…"``), which apply to every command that has
the matching option, and **command sections** (``[check]`` in ``vcall.toml``,
``[tool.vcall.check]`` in ``pyproject.toml``) whose keys are that command's own option names
(``--max-calls`` → ``max_calls`` or ``max-calls``). A section wins over the shared keys for its
command. An unknown shared key or section is an error naming the file, line and the nearest
known name; a section's keys are checked against the command's options when it runs.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vcall.simulator.errors import UsageError

CONFIG_FILE = "vcall.toml"
PYPROJECT = "pyproject.toml"
MAX_CONFIG_BYTES = 1 << 20
"""A configuration file is small; a larger one is refused before it is parsed."""

PATH_OPTIONS = frozenset(
    {
        "fixtures",
        "fixture",
        "properties",
        "report",
        "report_junit",
        "report_json",
        "report_html",
        "report_csv",
        "report_md",
        "save",
        "save_paths",
        "say_file",
        "log",
        "record",
        "graph",
        "batch",
        "result",
        "params_file",
    }
)
"""Keys whose relative paths are read from the configuration file's folder (in the environment,
from the working folder, as on the command line)."""

ENV_PREFIX = "VCALL_"
CONFIG_ENV = "VCALL_CONFIG"
"""Names the configuration file explicitly (no search)."""


@dataclass(frozen=True, slots=True)
class SharedKey:
    """A key that applies to every command having one of ``options`` (their Python names)."""

    name: str
    help: str
    options: tuple[str, ...]
    multiple: bool = False


SHARED_KEYS: dict[str, SharedKey] = {
    key.name: key
    for key in (
        SharedKey("target", "the bot: a URL or module:attr", ("target", "forward_to")),
        SharedKey("fixtures", "fixture files or folders", ("fixture",), multiple=True),
        SharedKey("placement", "form or query (where the four parameters go)", ("params",)),
        SharedKey("timeout", "per-callback answer deadline, e.g. 10s", ("timeout",)),
        SharedKey(
            "latency_budget", "slower answers are a warning, e.g. 300ms", ("latency_budget",)
        ),
        SharedKey("properties", "a dialogue properties file", ("properties",)),
        SharedKey("seed", "seed for call ids and variants", ("seed",)),
        SharedKey("concurrency", "calls or behaviours side by side", ("concurrency",)),
        SharedKey("strict", "warnings fail too", ("strict",)),
        SharedKey("epoch", "fixed start time of simulated calls", ("epoch",)),
        SharedKey("report_json", "JSON report path", ("report_json",)),
        SharedKey("report_junit", "JUnit XML report path", ("report",)),
        SharedKey("report_html", "HTML report path", ("report_html",)),
        SharedKey("report_csv", "CSV report path (load)", ("report_csv",)),
    )
}
"""Every shared key a file or ``VCALL_<KEY>`` may set."""

COMMANDS = (
    "check",
    "explore",
    "simulate",
    "validate-response",
    "load",
    "tap",
    "smartcall",
    "emulator",
    "example-bot",
    "diff",
    "persona",
)
"""Commands a file may have a section for."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One configured value and where it came from (``vcall.toml:3``, ``env VCALL_TIMEOUT``)."""

    value: Any
    source: str


@dataclass(frozen=True, slots=True)
class Settings:
    """What the environment and the configuration file say, before the command line."""

    file: Path | None = None
    shared: Mapping[str, Setting] = field(default_factory=dict)
    sections: Mapping[str, Mapping[str, Setting]] = field(default_factory=dict)

    def for_command(self, command: str, options: Mapping[str, bool]) -> dict[str, Setting]:
        """The settings one command receives, by option name. ``options`` maps each of the
        command's (visible) option names to whether it takes several values."""
        chosen: dict[str, Setting] = {}
        for name, setting in self.shared.items():
            for option in SHARED_KEYS[name].options:
                if option in options:
                    chosen[option] = _shaped(setting, options[option])
        for name, setting in self.sections.get(command, {}).items():
            target = section_option(name, options)
            if target is not None:
                chosen[target] = _shaped(setting, options[target])
        return chosen

    def check_section(self, command: str, options: Mapping[str, bool]) -> None:
        """An unknown key in ``command``'s section is an error (file:line, did-you-mean)."""
        for name, setting in self.sections.get(command, {}).items():
            if section_option(name, options) is None:
                hint = _did_you_mean(name, options)
                raise UsageError(
                    f"{setting.source}: [{command}] has no option {name!r}{hint} "
                    f"(vcall {command} --help lists them)"
                )

    def value(self, key: str) -> Any:
        """A shared key's configured value (``None`` when unset)."""
        setting = self.shared.get(key)
        return setting.value if setting is not None else None


def section_option(key: str, options: Mapping[str, bool]) -> str | None:
    """The option a section's key sets: the option of that name, or the one a shared key
    stands for in this command (``placement`` → ``params``)."""
    if key in options:
        return key
    shared = SHARED_KEYS.get(key)
    if shared is not None:
        return next((option for option in shared.options if option in options), None)
    return None


def _shaped(setting: Setting, multiple: bool) -> Setting:
    value = setting.value
    if multiple and isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if multiple and not isinstance(value, list):
        value = [value]
    return Setting(value, setting.source)


def normal_key(key: str) -> str:
    return key.strip().lower().replace("-", "_")


def _did_you_mean(name: str, known: Mapping[str, Any] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# --- finding and reading the file ----------------------------------------------------------------


def find_config_file(start: Path, environ: Mapping[str, str]) -> tuple[Path, bool] | None:
    """The configuration file and whether it is a ``pyproject.toml`` (its ``[tool.vcall]``).

    ``VCALL_CONFIG`` names it outright. Otherwise the nearest ``vcall.toml``, or a
    ``pyproject.toml`` with a ``[tool.vcall]`` table, from ``start`` upwards; the search stops
    at a folder holding ``.git`` (the project's root)."""
    named = environ.get(CONFIG_ENV)
    if named:
        path = Path(named)
        if not path.is_file():
            raise UsageError(f"{CONFIG_ENV}={named}: no such file")
        return path, path.name == PYPROJECT
    for folder in (start, *start.parents):
        own = folder / CONFIG_FILE
        if own.is_file():
            return own, False
        project = folder / PYPROJECT
        if project.is_file() and _has_tool_vcall(project):
            return project, True
        if (folder / ".git").exists():
            return None
    return None


def _has_tool_vcall(path: Path) -> bool:
    try:
        text = _read_text(path)
    except UsageError:
        return False
    return re.search(r"^\s*\[\s*tool\.vcall\s*[\].]", text, re.MULTILINE) is not None


def _read_text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as error:
        raise UsageError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise UsageError(f"{path}: larger than {MAX_CONFIG_BYTES >> 10} KiB; not a config file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"{path}: not UTF-8 (byte {error.start})") from None


def read_config_file(path: Path, pyproject: bool) -> tuple[dict[str, Setting], dict[str, Any]]:
    """The shared keys and command sections of one file, each value with its ``file:line``."""
    text = _read_text(path)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise UsageError(f"{path}: not valid TOML: {error}") from None
    table: Any = document.get("tool", {}).get("vcall", {}) if pyproject else document
    if not isinstance(table, dict):
        raise UsageError(f"{path}: [tool.vcall] must be a table")
    lines = text.splitlines()
    prefix = "tool.vcall." if pyproject else ""
    shared: dict[str, Setting] = {}
    sections: dict[str, dict[str, Setting]] = {}
    for raw_key, value in table.items():
        key = normal_key(raw_key)
        if isinstance(value, dict):
            command = raw_key.strip().lower().replace("_", "-")
            where = _section_line(lines, prefix + raw_key)
            if command not in COMMANDS:
                hint = _did_you_mean(command, COMMANDS)
                raise UsageError(f"{path}:{where}: no command {raw_key!r}{hint}")
            sections[command] = {
                normal_key(name): Setting(
                    _anchored(normal_key(name), item, path.parent),
                    f"{path.name}:{_key_line(lines, name, prefix + raw_key)}",
                )
                for name, item in value.items()
            }
            continue
        where = _key_line(lines, raw_key, prefix.rstrip(".") or None)
        if key not in SHARED_KEYS:
            hint = _did_you_mean(key, SHARED_KEYS)
            raise UsageError(
                f"{path}:{where}: unknown key {raw_key!r}{hint} (shared keys: "
                f"{', '.join(SHARED_KEYS)}; a command's own options go in its section)"
            )
        shared[key] = Setting(_anchored(key, value, path.parent), f"{path.name}:{where}")
    return shared, sections


def _anchored(key: str, value: Any, base: Path) -> Any:
    """A relative path in the file, made relative to the file's folder."""
    if key not in PATH_OPTIONS:
        return value
    if isinstance(value, list):
        return [_anchored(key, item, base) for item in value]
    if not isinstance(value, str) or value in {"", "-"} or ":" in value.split("/")[0]:
        return value  # '-' is standard output; builtin:NAME and URLs are not paths
    candidate = Path(value).expanduser()
    return value if candidate.is_absolute() else str(base / candidate)


def _section_line(lines: list[str], section: str) -> int:
    pattern = re.compile(r"^\s*\[\s*" + re.escape(section) + r"\s*\]")
    for number, line in enumerate(lines, 1):
        if pattern.match(line):
            return number
    return 1


def _key_line(lines: list[str], key: str, section: str | None) -> int:
    """The line where ``key`` is set inside ``[section]`` (the top of the file when ``None``)."""
    inside = section is None
    header = re.compile(r"^\s*\[")
    wanted = re.compile(r"""^\s*["']?""" + re.escape(key) + r"""["']?\s*=""")
    for number, line in enumerate(lines, 1):
        if header.match(line):
            inside = (
                section is not None
                and re.match(r"^\s*\[\s*" + re.escape(section) + r"\s*\]", line) is not None
            )
            continue
        if inside and wanted.match(line):
            return number
    return 1


def _from_environment(environ: Mapping[str, str]) -> dict[str, Setting]:
    shared: dict[str, Setting] = {}
    for key in SHARED_KEYS:
        name = ENV_PREFIX + key.upper()
        value = environ.get(name)
        if value is not None and value != "":
            shared[key] = Setting(value, f"env {name}")
    return shared


def load_settings(start: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """The file's settings with the environment's laid over them."""
    env = os.environ if environ is None else environ
    found = find_config_file((start or Path.cwd()).resolve(), env)
    shared: dict[str, Setting] = {}
    sections: dict[str, Any] = {}
    path: Path | None = None
    if found is not None:
        path, pyproject = found
        shared, sections = read_config_file(path, pyproject)
    shared.update(_from_environment(env))
    return Settings(path, shared, sections)


def configured_target(start: Path | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The configured bot (``VCALL_TARGET`` or the file's ``target``), for tests that use it."""
    settings = load_settings(start, environ)
    target = settings.value("target")
    if not target:
        raise UsageError(
            "no target configured: set VCALL_TARGET or 'target' in vcall.toml "
            "(a URL or module:attr)"
        )
    return str(target)
