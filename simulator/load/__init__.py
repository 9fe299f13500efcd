"""Load mode: many concurrent, complete, validated simulated calls, and their statistics."""

from vcall.simulator.load.estimate import LoadEstimate, estimate_load
from vcall.simulator.load.histogram import Histogram
from vcall.simulator.load.html_report import write_load_html
from vcall.simulator.load.outcome import partial_result, run_load_to_outcome
from vcall.simulator.load.ramp import parse_ramp
from vcall.simulator.load.report import write_load_report
from vcall.simulator.load.runner import (
    MAX_CONNECTIONS,
    LoadConfig,
    LoadResult,
    LoadRun,
    LoadTransport,
    run_load,
)
from vcall.simulator.load.series import write_series_csv
from vcall.simulator.load.stats import LoadStats
from vcall.simulator.load.thresholds import Breach, Thresholds, check_thresholds, parse_fraction

__all__ = [
    "MAX_CONNECTIONS",
    "Breach",
    "Histogram",
    "LoadConfig",
    "LoadEstimate",
    "LoadResult",
    "LoadRun",
    "LoadStats",
    "LoadTransport",
    "Thresholds",
    "check_thresholds",
    "estimate_load",
    "parse_fraction",
    "parse_ramp",
    "partial_result",
    "run_load",
    "run_load_to_outcome",
    "write_load_html",
    "write_load_report",
    "write_series_csv",
]
