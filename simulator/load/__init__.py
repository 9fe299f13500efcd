"""Load mode: many concurrent, complete, validated simulated calls, and their statistics."""

from vcall.simulator.load.histogram import Histogram
from vcall.simulator.load.runner import LoadConfig, LoadResult, LoadRun, run_load
from vcall.simulator.load.stats import LoadStats
from vcall.simulator.load.thresholds import Breach, Thresholds, check_thresholds, parse_fraction

__all__ = [
    "Breach",
    "Histogram",
    "LoadConfig",
    "LoadResult",
    "LoadRun",
    "LoadStats",
    "Thresholds",
    "check_thresholds",
    "parse_fraction",
    "run_load",
]
