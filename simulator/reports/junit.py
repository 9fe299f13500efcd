"""The JUnit XML report: one testcase per call, one failure entry per failing turn."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from vcall.simulator.atomic import write_atomic
from vcall.simulator.findings import Finding
from vcall.simulator.replay.results import CallResult, RunResult, Turn
from vcall.simulator.text_safety import neutralize_controls

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot carry at all, not even escaped (a bot may answer with any bytes)."""


def run_to_junit(run: RunResult) -> ET.Element:
    suites = ET.Element(
        "testsuites", name="vcall", tests=str(len(run.calls)), failures=str(run.failed)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name="vcall simulate",
        tests=str(len(run.calls)),
        failures=str(run.failed),
        errors="0",
        time=f"{run.wall_ms / 1000:.3f}",
    )
    for call in run.calls:
        suite.append(_testcase(call, run.strict))
    return suites


def _testcase(call: CallResult, strict: bool) -> ET.Element:
    case = ET.Element(
        "testcase",
        name=call.scenario.name,
        classname=Path(call.scenario.file).stem if call.scenario.file else "vcall",
        file=call.scenario.file,
        time=f"{call.wall_ms / 1000:.3f}",
    )
    _properties(case, call)
    if call.failed(strict):
        for element in _failures(call, strict):
            case.append(element)
    return case


def _properties(case: ET.Element, call: CallResult) -> None:
    props = ET.SubElement(case, "properties")
    for name, value in call_properties(call).items():
        ET.SubElement(props, "property", name=name, value=value)


def call_properties(call: CallResult) -> dict[str, str]:
    """The testcase properties of a call (also what the pytest plugin reports per item)."""
    latencies = sorted(turn.exchange.latency_ms for turn in call.turns)
    return {
        "call_id": call.call_id,
        "end_reason": call.end_reason.value if call.end_reason else "",
        "turns": str(len(call.turns)),
        "simulated_ms": str(call.duration_ms),
        "latency_max_ms": f"{latencies[-1]:.1f}" if latencies else "",
        "latency_p50_ms": f"{latencies[len(latencies) // 2]:.1f}" if latencies else "",
    }


def _failures(call: CallResult, strict: bool) -> list[ET.Element]:
    elements = [
        _turn_failure(turn, strict) for turn in call.turns if _counts(turn.findings, strict)
    ]
    if _counts(call.call_findings, strict):
        failure = ET.Element(
            "failure", message=xml_safe(_summary(call.call_findings, strict)), type="call"
        )
        failure.text = xml_safe("\n".join(_finding_line(f) for f in call.call_findings))
        elements.append(failure)
    return elements


def _counts(findings: tuple[Finding, ...], strict: bool) -> bool:
    return any((strict and not f.is_info) or f.is_error for f in findings)  # info never fails


def _turn_failure(turn: Turn, strict: bool) -> ET.Element:
    message = f"turn {turn.number} ({turn.callback.kind.value}): {_summary(turn.findings, strict)}"
    failure = ET.Element("failure", message=xml_safe(message), type=turn.callback.kind.value)
    exchange = turn.exchange
    lines = [
        f"request: {exchange.method} {exchange.url} ({exchange.placement})",
        *(f"  {key}={value}" for key, value in exchange.params.items()),
        f"response: {exchange.status if exchange.status is not None else exchange.error}"
        f" in {exchange.latency_ms:.1f} ms",
        f"  {exchange.body_text}" if exchange.body else "  (no body)",
        "findings:",
        *(_finding_line(f) for f in turn.findings),
    ]
    failure.text = xml_safe("\n".join(lines))
    return failure


def xml_safe(text: str) -> str:
    """``text`` as XML can carry it, and as a terminal showing the file (``cat``) may: control
    characters (C1 ones included, which XML allows) shown as escapes."""
    text = neutralize_controls(text, keep_newlines=True)
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def _summary(findings: tuple[Finding, ...], strict: bool) -> str:
    shown = [f for f in findings if (strict and not f.is_info) or f.is_error]
    return "; ".join(f"[{f.rule}] {f.message}" for f in shown[:3]) + (
        " …" if len(shown) > 3 else ""
    )


def _finding_line(finding: Finding) -> str:
    path = f" at {finding.path}" if finding.path else ""
    return f"  {finding.severity.value} [{finding.rule}]{path}: {finding.message} ({finding.seed})"


def write_junit_report(run: RunResult, path: str | Path) -> None:
    tree = run_to_junit(run)
    ET.indent(tree)
    text = ET.tostring(tree, encoding="unicode", xml_declaration=True)
    write_atomic(path, text + "\n")
