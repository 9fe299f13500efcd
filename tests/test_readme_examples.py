"""Every command in the ``sh`` blocks of README.md and of every page under docs/ runs as written,
or is skipped for a stated reason (``docs/_pending/``, text waiting to be folded in, is not read).

Each file's commands run in order, in a fresh directory of their own holding a copy of the shipped
fixtures as ``fixtures/`` (the layout the CI examples assume), with this environment's ``vcall``
first on ``PATH``: a page starts the servers it uses. The only change made to them: servers the README starts on 127.0.0.1:8080 and
:8081 get free ports instead (other programs on this machine may hold those), and every URL
follows. A command ending in ``&`` is started and waited for until its port answers, and stopped
at the end. A new ``sh`` command must be either runnable here or added to ``SKIPPED``.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {
    "pip install": "installs vcall itself; .ci/run runs the two first commands on a fresh clone",
    "myapp.main:app": "needs your own app (module myapp)",
    "--calls 1000 --concurrency 100": "real time by design: 1000 calls of up to minutes each",
    "--duration 5m": "runs for five minutes by design",
    "--ramp 0:10/s,5m:200/s,10m:200/s": "a ten-minute ramp by design",
    "locust -f locustfile.py": "Locust with a locustfile, master and workers: tests/cli/test_locust_run.py",
    "export ALIBABA_CLOUD_ACCESS_KEY_ID": "needs real AccessKey credentials",
    '--voice-code-param \'{"name":"张先生"}\' --dry-run': "needs AccessKey credentials (export)",
    "--batch calls.csv": "needs AccessKey credentials and your calls.csv; it dials people",
    ".venv/bin/": "the project's own development commands (CI runs them)",
    "bash .ci/run": "the project's own CI script",
    ".ci/typecheck": "the project's own type check (CI runs it)",
    "--save recorded/": "vcall tap relays live calls until stopped; tests/simulator/tap run it",
    "--fixture recorded/": "replays what vcall tap recorded (tests/simulator/tap do it)",
    "export VCALL_LLM_API_KEY": "needs a DashScope API key",
    "--model qwen-plus": "needs DashScope and a bot on :8080 (tests/cli/test_persona_cli.py fakes the API)",
    "--model qwen2.5-7b-instruct": "needs an LLM server on 127.0.0.1:8000 (faked in tests/simulator/persona)",
}
"""A substring of each skipped command, and why it does not run here."""
PORTS = ("8080", "8081")


DOCS = ROOT / "docs"


def documented_files() -> list[Path]:
    """README.md and every Markdown page under docs/ (but docs/_pending/) that has ``sh`` blocks."""
    pages = sorted(p for p in DOCS.rglob("*.md") if DOCS / "_pending" not in p.parents)
    return [p for p in [ROOT / "README.md", *pages] if "```sh\n" in p.read_text(encoding="utf-8")]


def readme_commands(path: Path = ROOT / "README.md") -> list[str]:
    """The commands of every ``sh`` block: continuation lines joined, comments dropped."""
    text = path.read_text(encoding="utf-8")
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, flags=re.S | re.M):
        pending = ""
        for line in block.splitlines():
            line = re.sub(r"\s{2,}# .*$", "", line).rstrip()
            if line.endswith("\\"):
                pending += line[:-1].rstrip() + " "
            elif line.endswith("|"):
                pending += line + " "
            elif line:
                commands.append(" ".join((pending + line.strip()).split()))
                pending = ""
    return commands


def skip_reason(command: str) -> str | None:
    return next((why for key, why in SKIPPED.items() if key in command), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port} after 30 s")


class Shell:
    """Runs README commands in one directory; servers in the background, on free ports."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.ports = {port: free_port() for port in PORTS}
        self.servers: list[subprocess.Popen[bytes]] = []
        bin_dir = str(Path(sys.executable).parent)
        self.env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ["PATH"]}
        self.env.pop("COLUMNS", None)

    def adapt(self, command: str) -> str:
        for readme_port, port in self.ports.items():
            command = command.replace(f"127.0.0.1:{readme_port}", f"127.0.0.1:{port}")
        command = command.replace(
            "vcall example-bot", f"vcall example-bot --port {self.ports['8080']}"
        )
        return command.replace("vcall emulator", f"vcall emulator --port {self.ports['8081']}")

    def run(self, command: str) -> subprocess.CompletedProcess[str] | None:
        adapted = self.adapt(command)
        if adapted.endswith("&"):
            self._serve(adapted.removesuffix("&").strip(), command)
            return None
        return subprocess.run(
            ["bash", "-o", "pipefail", "-c", adapted],
            cwd=self.directory,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def _serve(self, adapted: str, command: str) -> None:
        port = self.ports["8081" if "emulator" in command else "8080"]
        process = subprocess.Popen(
            ["bash", "-c", f"exec {adapted}"],
            cwd=self.directory,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.servers.append(process)
        wait_for(port, process)

    def close(self) -> None:
        for process in self.servers:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture
def shell(tmp_path: Path) -> Iterator[Shell]:
    shutil.copytree(Path(str(resources.files("vcall.fixtures"))), tmp_path / "fixtures")
    running = Shell(tmp_path)
    yield running
    running.close()


@pytest.mark.parametrize("path", documented_files(), ids=lambda path: path.name)
def test_every_documented_command_runs_as_written_or_is_skipped_for_a_reason(
    shell: Shell, path: Path
) -> None:
    commands = readme_commands(path)
    ran, failed = [], []
    for command in commands:
        if skip_reason(command) is not None:
            continue
        done = shell.run(command)
        ran.append(command)
        if done is not None and done.returncode != 0:
            failed.append(f"{command}\n  exit {done.returncode}: {done.stderr.strip()[-600:]}")
    assert not failed, "\n".join(failed)
    assert ran or path.name == "tap.md", f"{path.name}: every command is skipped"


def test_the_documentation_runs_enough_commands() -> None:
    ran = [c for p in documented_files() for c in readme_commands(p) if skip_reason(c) is None]
    assert len(ran) >= 30, ran
    readme = [c for c in readme_commands() if skip_reason(c) is None]
    assert [c.split()[:2] for c in readme] == [
        ["vcall", "example-bot"],
        ["vcall", "check"],
        ["vcall", "explore"],
        ["vcall", "simulate"],
    ]


def test_every_skip_reason_still_matches_a_command() -> None:
    commands = [command for path in documented_files() for command in readme_commands(path)]
    stale = [key for key in SKIPPED if not any(key in command for command in commands)]
    assert not stale


def test_the_endpoint_section_comes_first_in_its_page_with_a_curl() -> None:
    text = (DOCS / "simulate.md").read_text(encoding="utf-8")
    assert "](docs/simulate.md#what-your-endpoint-receives" in (ROOT / "README.md").read_text(
        encoding="utf-8"
    )
    first = text.split("\n## ", 1)[1]
    assert first.startswith("What your endpoint receives"), first[:80]
    section = first.split("\n## ", 1)[0]
    for word in ("call_id", "timestamp", "content_type", "content", "form", "query", "result"):
        assert f"`{word}" in section or word in section
    assert "curl" in section and "vcall example-bot &" in section


def help_commands(epilog: str) -> list[str]:
    """The commands of a ``--help`` epilog (rich markup dropped, continuation lines joined)."""
    plain = re.sub(r"\[/?[a-z ]*\]", "", epilog)
    commands: list[str] = []
    pending = ""
    for line in plain.splitlines():
        line = line.strip()
        if not pending and not line.startswith(("vcall ", "curl ")):
            continue
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
        elif line.endswith("|"):
            pending += line + " "
        else:
            commands.append(re.sub(r"\s+\(.*\)$", "", pending + line))
            pending = ""
    return commands


def test_validate_response_help_examples_run_as_written(shell: Shell) -> None:
    from vcall.cli.commands.validate import EPILOG

    commands = help_commands(EPILOG)
    assert any(command.startswith("curl ") for command in commands)
    assert shell.run("vcall example-bot &") is None
    ordered = sorted(commands, key=lambda command: not command.startswith("curl "))  # saves first
    for command in ordered:
        if command.startswith("vcall example-bot"):
            continue
        done = shell.run(command)
        assert done is not None and done.returncode == 0, (command, done and done.stderr)
