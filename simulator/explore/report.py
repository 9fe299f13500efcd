"""Reports of an exploration: JSON (the map with counts, the problems, their caller moves) and
a self-contained HTML page with the map drawn as SVG. Both written atomically."""

from __future__ import annotations

from html import escape as escape_html
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vcall.simulator import __version__
from vcall.simulator.atomic import write_atomic
from vcall.simulator.dialogue_map import to_dot, to_mermaid
from vcall.simulator.explore.svg import map_svg
from vcall.simulator.properties import outcome_dict, properties_section
from vcall.simulator.report_page import FONT_CSS
from vcall.simulator.text_safety import json_text, neutralize_controls

if TYPE_CHECKING:
    from vcall.simulator.explore.problems import Caution, Problem
    from vcall.simulator.explore.run import ExploreResult


def escape(text: str) -> str:
    """HTML-escaped, a bot's control characters shown as escapes."""
    return escape_html(neutralize_controls(text, keep_newlines=True))


REPORT_VERSION = 1


def explore_to_dict(result: ExploreResult) -> dict[str, Any]:
    crawl = result.crawl
    return {
        "report_version": REPORT_VERSION,
        "vcall": __version__,
        "kind": "explore",
        "target": result.target,
        "calls": crawl.calls,
        "states": len(crawl.map.nodes),
        "moves_tried": len(crawl.map.edges),
        "depth": crawl.depth_reached,
        "stopped": crawl.stopped or None,
        "interrupted": crawl.interrupted,
        "wall_ms": round(result.wall_s * 1000, 3),
        "wrong_path": result.wrong_path.line if result.wrong_path else None,
        "problems": [_problem(problem) for problem in result.problems],
        "warnings": [_warning(caution) for caution in result.warnings],
        "saved": [str(path) for path in result.saved],
        "properties": _properties_json(result),
        "map": crawl.map.to_dict(),
        **({"asr_robustness": result.robustness.to_dict()} if result.robustness else {}),
    }


def _problem(problem: Problem) -> dict[str, Any]:
    return {
        "kind": problem.kind.value,
        "rule": problem.rule,
        "title": problem.title,
        "summary": problem.summary,
        "state": problem.state,
        "states": list(problem.states),
        "moves": [move.label for move in problem.path],
        "shrunk": problem.shrunk,
        "moves_before_shrinking": problem.original_length,
        "finding": problem.finding.to_dict() if problem.finding else None,
        "also_at": list(problem.also_at),
        "also_at_more_states": problem.elsewhere,
        "only_way_on_to": list(problem.only_way_on),
    }


def _warning(caution: Caution) -> dict[str, Any]:
    return {
        "rule": caution.rule,
        "finding": caution.finding.to_dict(),
        "states": list(caution.states),
        "moves": [move.label for move in caution.path],
    }


def write_explore_json(result: ExploreResult, path: Path | str) -> None:
    text = json_text(explore_to_dict(result))
    write_atomic(path, text + "\n")


def write_graph(result: ExploreResult, path: Path | str, graph_format: str) -> None:
    """``mermaid`` or ``dot``."""
    text = to_dot(result.map) if graph_format == "dot" else to_mermaid(result.map)
    write_atomic(path, text)


EXPLORE_CSS = """
body{font-size:14px;line-height:1.45;margin:0;background:#f4f5f7;color:#1d2330}
header{background:#1d2330;color:#fff;padding:16px 28px;display:flex;gap:18px;align-items:center}
header h1{margin:0;font-size:20px}header .meta{opacity:.75;font-size:13px}
.verdict{margin-left:auto;padding:6px 14px;border-radius:4px;font-weight:700}
.pass{background:#1b7f3b}.fail{background:#d32f2f}
main{padding:20px 28px}
section{background:#fff;margin:0 0 20px;box-shadow:0 1px 2px #0002;padding:10px 18px}
h2{font-size:17px;margin:4px 0 10px}
table{border-collapse:collapse;width:100%}th,td{padding:5px 8px;border-bottom:1px solid #e6e8ec;
 text-align:left;vertical-align:top}th{font-size:12px;color:#5b6475}
td.problem{color:#b71c1c}td.warning{color:#8a5a00}.moves{font-family:ui-monospace,monospace;font-size:12.5px}
div.picture{overflow:auto;max-height:90vh}svg.map{display:block}
.legend{font-size:12.5px;color:#5b6475;margin:6px 0}
"""


def explore_html(result: ExploreResult) -> str:
    crawl = result.crawl
    ok = not result.failed()
    verdict = "no problem found" if ok else f"{len(result.problems) or 1} problem(s)"
    violated = sum(1 for outcome in result.properties if outcome.violated)
    if violated:
        found = f"{len(result.problems)} problem(s), " if result.problems else ""
        verdict = f"{found}{violated} property(ies) violated"
    if result.warnings:
        verdict += f", {len(result.warnings)} warning(s)"
    meta = (
        f"{escape(result.target)} · {len(crawl.map.nodes)} states · {len(crawl.map.edges)} "
        f"moves tried · {crawl.calls} calls · {result.wall_s:.1f} s"
        + (f" · stopped by {escape(crawl.stopped)}" if crawl.stopped else "")
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>vcall explore: {escape(result.target)}</title><style>{EXPLORE_CSS}{FONT_CSS}</style></head><body>",
            f'<header><h1>vcall explore</h1><span class="meta">{meta}</span>',
            f'<span class="verdict {"pass" if ok else "fail"}">{verdict}</span></header><main>',
            _problems_section(result),
            _warnings_section(result),
            _robustness_html(result),
            _properties_html(result),
            _map_section(result),
            _states_section(result),
            f'<p class="legend">vcall {escape(__version__)}</p></main></body></html>',
        ]
    )


def _problems_section(result: ExploreResult) -> str:
    if result.wrong_path is not None:
        line = escape(result.wrong_path.line)
        return f'<section><h2>Problems</h2><p class="problem">{line}</p></section>'
    if not result.problems:
        return "<section><h2>Problems</h2><p>None found.</p></section>"
    rows = [
        f'<tr><td>{index}</td><td>{escape(p.kind.value)}</td><td class="problem">{escape(p.summary)}</td>'
        f'<td class="moves">{escape(" → ".join(m.label for m in p.path) or "(the call’s start)")}</td>'
        f"<td>{escape(p.state)}</td></tr>"
        for index, p in enumerate(result.problems, start=1)
    ]
    return (
        "<section><h2>Problems</h2><table><tr><th>#</th><th>kind</th><th>what</th>"
        "<th>shortest caller moves</th><th>state</th></tr>" + "".join(rows) + "</table></section>"
    )


def _warnings_section(result: ExploreResult) -> str:
    if not result.warnings:
        return ""
    rows = [
        f'<tr><td>{escape(c.rule)}</td><td class="warning">{escape(c.finding.message)}</td>'
        f"<td>{escape(', '.join(c.states))}</td>"
        f'<td class="moves">{escape(" → ".join(m.label for m in c.path) or "(the call’s start)")}</td></tr>'
        for c in result.warnings
    ]
    return (
        "<section><h2>Warnings</h2><table><tr><th>rule</th><th>what</th><th>states</th>"
        "<th>shortest caller moves (first state)</th></tr>" + "".join(rows) + "</table></section>"
    )


def _map_section(result: ExploreResult) -> str:
    legend = (
        "Each box is a state (what the bot does: its action and what it plays), in rows by how "
        "many caller moves reach it. Arrows are the moves tried, labelled with the move and how often "
        "it was seen; ↺N counts moves that stay in the state. Rounded green boxes end the call; "
        "red boxes and arrows are problems. Hover for details. Caller hang-ups are not drawn."
    )
    return (
        f'<section><h2>Map</h2><p class="legend">{legend}</p>'
        f'<div class="picture">{map_svg(result.map)}</div></section>'
    )


def _states_section(result: ExploreResult) -> str:
    rows = [
        f"<tr><td>{node.id}</td><td>{escape(node.key.key)}</td><td>{node.visits}</td>"
        f'<td class="moves">{escape(" → ".join(m.label for m in node.path))}</td></tr>'
        for node in result.map.nodes.values()
    ]
    return (
        "<section><h2>States</h2><table><tr><th>id</th><th>state</th><th>visits</th>"
        "<th>shortest caller moves</th></tr>" + "".join(rows) + "</table></section>"
    )


def write_explore_html(result: ExploreResult, path: Path | str) -> None:
    write_atomic(path, explore_html(result))


def _properties_json(result: ExploreResult) -> list[Any]:
    return [outcome_dict(outcome) for outcome in result.properties]


def _properties_html(result: ExploreResult) -> str:
    return properties_section(result.properties, result.map)


def _robustness_html(result: ExploreResult) -> str:
    from vcall.simulator.explore.asr_robustness import robustness_html  # when used

    return robustness_html(result.robustness)
