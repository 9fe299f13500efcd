"""The JSON shape of a load run (``vcall load --report-json``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vcall.simulator import __version__
from vcall.simulator.atomic import write_atomic
from vcall.simulator.load.runner import LoadResult
from vcall.simulator.load.thresholds import Breach
from vcall.simulator.text_safety import json_text

PERCENTS = (50, 90, 95, 99)


def load_to_dict(result: LoadResult, breaches: list[Breach] | None = None) -> dict[str, Any]:
    stats = result.stats
    return {
        "report_version": 1,
        "vcall": __version__,
        "interrupted": result.interrupted,
        "unreachable": result.unreachable,
        "wall_ms": round(result.wall_ms, 3),
        "calls": {
            "started": stats.calls_started,
            "done": stats.calls_done,
            "failed": stats.calls_failed,
            "crashed": stats.calls_crashed,
            "cut_at_deadline": result.cut_at_deadline,
        },
        "spec_only": result.config.spec_only,
        "callbacks": stats.callbacks,
        "callbacks_per_s": round(result.callbacks_per_s, 2),
        "error_rate": stats.error_rate,
        "latency_ms": stats.latency.summary_ms(PERCENTS),
        "latency_ms_by_content_type": {
            kind: h.summary_ms(PERCENTS) for kind, h in sorted(stats.by_kind.items())
        },
        "lateness_ms": stats.lateness.summary_ms(PERCENTS),
        "errors_by_rule": dict(stats.errors.most_common()),
        "violations_by_rule": dict(stats.violations.most_common()),
        "spec_violations": stats.violation_count,
        "expectation_misses_by_rule": dict(stats.expectations.most_common()),
        "expectation_misses": stats.expectation_count,
        "crashes": list(stats.crashes),
        "warnings_by_rule": dict(stats.warnings.most_common()),
        "slowest_turns": [
            {
                "latency_ms": round(s.latency_ms, 3),
                "scenario": s.scenario,
                "turn": s.turn,
                "content_type": s.kind,
                "action": s.action,
            }
            for s in stats.slowest
        ],
        "thresholds": [
            {"name": b.name, "limit": b.limit, "actual": b.actual} for b in breaches or []
        ],
    }


def write_load_report(
    result: LoadResult, path: str | Path, breaches: list[Breach] | None = None
) -> None:
    write_atomic(path, json_text(load_to_dict(result, breaches)) + "\n")
