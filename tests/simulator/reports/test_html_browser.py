"""The HTML report in a real browser: headless Chromium renders it, we read back the DOM it built,
measurements a probe script took of the layout, and a screenshot.

Skipped only when ``/usr/bin/chromium`` is absent (CI installs Debian's ``chromium``). Chromium is
driven directly (no Selenium/Playwright) and fully offline: the report must need no network.
"""

from __future__ import annotations

import json
import struct
import subprocess
from pathlib import Path

import pytest
from html_dom import Node, parse_html
from html_runs import broken_run, crowded_call

from vcall.simulator.replay.results import RunResult
from vcall.simulator.reports.html import render_html

CHROMIUM = Path("/usr/bin/chromium")
WINDOW = (1280, 2400)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--mute-audio",
    f"--window-size={WINDOW[0]},{WINDOW[1]}",
)
PROBE = """<script>
(() => {
  const boxes = (nodes) => [...nodes].map((node) => node.getBBox());
  const overlap = (a, b) => a.x < b.x + b.width && b.x < a.x + a.width &&
                            a.y < b.y + b.height && b.y < a.y + a.height;
  const sections = [...document.querySelectorAll("section.call")].map((section) => {
    const svg = section.querySelector("svg.timeline");
    const bars = [...svg.querySelectorAll("g.speech, g.bargein, g.early, g.playback, g.interrupted")];
    const overflowing = bars.filter((bar) => {
      const text = bar.querySelector("text");
      return text.textContent && text.getComputedTextLength() + 3 > bar.querySelector("rect").width.baseVal.value;
    }).map((bar) => bar.querySelector("text").textContent);
    const labels = boxes(svg.querySelectorAll("g.callback text"));
    let overlaps = 0;
    labels.forEach((a, i) => labels.slice(i + 1).forEach((b) => { overlaps += overlap(a, b) ? 1 : 0; }));
    const box = svg.getBoundingClientRect();
    return {id: section.id, width: box.width, height: box.height, overflowing, overlaps,
            heading: getComputedStyle(section.querySelector("h2")).color};
  });
  const probe = document.createElement("pre");
  probe.id = "probe";
  probe.textContent = JSON.stringify({sections, scrollWidth: document.documentElement.scrollWidth});
  document.body.append(probe);
})();
</script>"""

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (CI installs it)"
)


def chromium(tmp_path: Path, page: Path, *mode: str) -> subprocess.CompletedProcess[str]:
    profile = tmp_path / "profile"
    command = [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *mode, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)


@pytest.fixture(scope="module")
def run() -> RunResult:
    """Real calls against the broken bot (passed, passed, failed), then a crowded failed call."""
    real = broken_run()
    return RunResult((*real.calls, crowded_call()), real.wall_ms)


@pytest.fixture(scope="module")
def rendered(run: RunResult, tmp_path_factory: pytest.TempPathFactory) -> tuple[Node, dict]:
    """The DOM Chromium built from the report (with the probe's measurements appended)."""
    tmp_path = tmp_path_factory.mktemp("browser")
    page = tmp_path / "report.html"
    page.write_text(render_html(run).replace("</body>", f"{PROBE}</body>"), encoding="utf-8")
    dom = parse_html(chromium(tmp_path, page, "--dump-dom").stdout)
    (probe,) = [node for node in dom.all("pre") if node.attrs.get("id") == "probe"]
    return dom, json.loads(probe.text())


def test_summary_lists_every_call_and_marks_the_failed_one(
    rendered: tuple[Node, dict], run: RunResult
) -> None:
    dom, _ = rendered
    rows = dom.one("table", "summary").one("tbody").all("tr")
    names = [row.one("a").text() for row in rows]
    assert names == [call.scenario.name for call in run.calls]
    assert [("failed" in row.classes) for row in rows] == [False, False, True, True]
    assert "[data-call-id-missing]" in rows[2].one("td", "problem").text()


def test_each_call_has_a_timeline_with_speech_playback_and_callbacks(
    rendered: tuple[Node, dict], run: RunResult
) -> None:
    dom, _ = rendered
    sections = dom.all("section", "call")
    assert len(sections) == len(run.calls)
    for section, call in zip(sections[:3], run.calls[:3], strict=True):
        svg = section.one("svg")
        assert svg.all("g", "playback") or svg.all("g", "interrupted")
        assert len(svg.all("g", "callback")) == len(call.turns)
    assert sections[0].one("svg").all("g", "bargein")
    assert sections[2].one("svg").all("g", "speech") and sections[2].one("svg").all("g", "keys")


def test_failing_turns_are_red_on_the_timeline_and_show_their_findings(
    rendered: tuple[Node, dict],
) -> None:
    dom, _ = rendered
    failed = dom.all("section", "call")[2]
    assert "failed" in failed.classes
    marks = failed.one("svg").all("g", "callback")
    red = [mark for mark in marks if "failed" in mark.classes]
    assert [mark.one("text").text().split()[:2] for mark in red] == [["✗", "dtmf"]] * 2
    turns = [turn for turn in failed.all(cls="turn") if "failed" in turn.classes]
    assert len(turns) == 2
    for turn in turns:
        rules = {finding.one(cls="rule").text().split()[0] for finding in turn.all(cls="finding")}
        assert {"data-call-id-missing", "value-out-of-range"} <= rules


def test_layout_reads_well(rendered: tuple[Node, dict]) -> None:
    """Measured in the browser: pictures fill the width, bar texts fit their bars, the callback
    labels do not overlap, the failed call's heading is red, nothing scrolls sideways."""
    _, probe = rendered
    assert probe["scrollWidth"] <= WINDOW[0]
    for section in probe["sections"]:
        assert section["width"] > 0.8 * WINDOW[0] - 100 and section["height"] > 100
        assert section["overflowing"] == [], section["id"]
        assert section["overlaps"] == 0, section["id"]
    headings = [section["heading"] for section in probe["sections"]]
    assert headings[1] == headings[0] != headings[2] == headings[3]
    red, green, blue = (int(part) for part in headings[2][4:-1].split(","))
    assert red > 150 and green < 80 and blue < 80


def test_screenshot_is_taken(run: RunResult, tmp_path: Path) -> None:
    page, shot = tmp_path / "report.html", tmp_path / "report.png"
    page.write_text(render_html(run), encoding="utf-8")
    chromium(tmp_path, page, f"--screenshot={shot}")
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == WINDOW
