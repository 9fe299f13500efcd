"""vcall's side of a Locust run: statistics from the workers, a summary and a verdict on the master.

Locust's own statistics round percentiles; vcall's log-linear histograms do not. So at test stop
each worker sends its ``LoadStats`` to the master as ``vcall_stats`` messages: the share since the
last report, each time Locust's worker reports its own statistics (every few seconds, and once
more after the test stopped and the calls under way were cancelled), so both cover the same
turns. When it quits, the master (or a single local process) merges them, hands the summary to
the reporter (``vcall.locust`` prints it) and applies ``--vcall-max-p99``,
``--vcall-max-error-rate`` and ``--vcall-max-violations``: any of them given, the process exits
1 on a breach and 0 otherwise (instead of Locust's "any failure -> 1").
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from locust import events
from locust.runners import MasterRunner, WorkerRunner

from vcall.simulator.errors import VcallError
from vcall.simulator.fixture.durations import parse_duration
from vcall.simulator.load.report import write_load_report
from vcall.simulator.load.runner import LoadConfig, LoadResult
from vcall.simulator.load.stats import LoadStats
from vcall.simulator.load.thresholds import Breach, Thresholds, check_thresholds, parse_fraction
from vcall.simulator.locust.calls import check_user_classes, existing_calls
from vcall.simulator.locust.user import SmartCallUser
from vcall.simulator.locust.wire import read_worker_stats

MESSAGE = "vcall_stats"
WORKER_HOST = "http://127.0.0.1/"
"""Stands in for a missing ``host`` when a worker checks its user classes at start-up."""
USAGE_EXIT = 2
BREACH_EXIT = 1
logger = logging.getLogger("vcall.locust")

Reporter = Callable[[LoadResult, list[Breach], int], None]
"""Shows the summary: the result, the thresholds breached, how many workers sent statistics."""


def _log_summary(result: LoadResult, breaches: list[Breach], workers: int) -> None:
    stats = result.stats
    logger.info(
        "vcall: %d calls (%d failed), %d callbacks, p99 %.1f ms, error rate %.3f%%, "
        "%d spec violations, %d fixture expectation misses",
        stats.calls_done,
        stats.calls_failed,
        stats.callbacks,
        stats.latency.percentile_ms(99),
        stats.error_rate * 100,
        stats.violation_count,
        stats.expectation_count,
    )
    for message in stats.crashes:
        logger.error("vcall: call stopped: %s", message)
    for breach in breaches:
        logger.error("vcall: threshold breached: %s", breach.message)


@dataclass(slots=True)
class Summary:
    """The master's (or a local runner's) view of vcall's statistics of the current test."""

    thresholds: Thresholds = field(default_factory=Thresholds)
    report_json: str | None = None
    stats: LoadStats = field(default_factory=LoadStats)
    started: float = field(default_factory=time.perf_counter)
    stopped: float | None = None
    workers: set[str] = field(default_factory=set)
    """The workers whose statistics came in (none: a single local process)."""
    rejected: list[str] = field(default_factory=list)
    """Worker messages not merged (malformed, or counts no worker can have): the run fails."""
    exit_code: int | None = None
    reporter: Reporter = _log_summary

    def reset(self) -> None:
        self.stats = LoadStats()
        self.started = time.perf_counter()
        self.stopped = None
        self.workers = set()
        self.rejected = []

    def receive(self, stats: LoadStats, worker: str | None = None) -> None:
        self.stats.merge(stats)
        if worker is not None:
            self.workers.add(worker)

    def reject(self, worker: str, why: str) -> None:
        """A worker's message that is not merged; the run cannot pass without it."""
        logger.error("vcall: statistics from worker %s rejected: %s", worker, why)
        self.rejected.append(f"{worker}: {why}")

    def finish(self) -> LoadResult:
        wall_ms = ((self.stopped or time.perf_counter()) - self.started) * 1000
        cut = self.stats.calls_started - self.stats.calls_done
        result = LoadResult(self.stats, LoadConfig(), wall_ms, cut_at_deadline=cut)
        breaches = check_thresholds(self.stats, self.thresholds)
        self.reporter(result, breaches, len(self.workers))
        if self.report_json:
            write_load_report(result, self.report_json, breaches)
        if self.thresholds.any:
            self.exit_code = BREACH_EXIT if breaches else 0
        if not self.stats.callbacks:
            logger.error("vcall: no callback was sent (see any worker's errors above)")
            self.exit_code = BREACH_EXIT
        if self.rejected:
            logger.error(
                "vcall: %d worker message(s) rejected: the statistics are incomplete, the run "
                "fails",
                len(self.rejected),
            )
            self.exit_code = BREACH_EXIT
        return result


SUMMARY = Summary()


def set_reporter(reporter: Reporter) -> None:
    """How the master shows vcall's summary (default: one log line)."""
    SUMMARY.reporter = reporter


def _arguments(parser: Any, **_kwargs: Any) -> None:
    group = parser.add_argument_group("vcall")
    group.add_argument(
        "--vcall-max-p99", default=None, help="vcall: fail if the p99 answer latency is over this"
    )
    group.add_argument(
        "--vcall-max-error-rate", default=None, help="vcall: fail over this error rate, e.g. 0.1%%"
    )
    group.add_argument(
        "--vcall-max-violations", default=None, help="vcall: fail over this many spec violations"
    )
    group.add_argument("--vcall-report-json", default=None, help="vcall: write its summary here")


def thresholds_from(options: Any) -> Thresholds:
    p99 = getattr(options, "vcall_max_p99", None)
    rate = getattr(options, "vcall_max_error_rate", None)
    violations = getattr(options, "vcall_max_violations", None)
    if violations is not None and not str(violations).isdigit():
        raise VcallError(f"--vcall-max-violations {violations!r}: expected a whole number")
    return Thresholds(
        max_p99_ms=parse_duration(p99, what="--vcall-max-p99") if p99 else None,
        max_error_rate=parse_fraction(rate, what="--vcall-max-error-rate") if rate else None,
        max_violations=int(violations) if violations is not None else None,
    )


def _on_init(environment: Any, **_kwargs: Any) -> None:
    runner = environment.runner
    try:
        SUMMARY.thresholds = thresholds_from(environment.parsed_options)
        SUMMARY.report_json = getattr(environment.parsed_options, "vcall_report_json", None)
        if not isinstance(runner, MasterRunner):
            vcall_users = [u for u in environment.user_classes if issubclass(u, SmartCallUser)]
            # a worker learns --host from the master only when the test starts
            host = WORKER_HOST if isinstance(runner, WorkerRunner) else environment.host
            check_user_classes(vcall_users, host)
    except VcallError as error:
        print(f"vcall: {error}", file=sys.stderr)
        sys.exit(USAGE_EXIT)
    if isinstance(runner, MasterRunner):
        runner.register_message(MESSAGE, _on_worker_stats)
    _refresh_loop_time()


def _refresh_loop_time() -> None:
    """Loading the fixtures held gevent's hub (seconds on a busy machine): its loop's cached
    time is that old, and a timer set next (``--run-time``) would fire at once. Read it anew."""
    import gevent

    gevent.get_hub().loop.update_now()


def _on_worker_stats(environment: Any, msg: Any, **_kwargs: Any) -> None:
    worker = str(getattr(msg, "node_id", "?"))
    try:
        stats = read_worker_stats(getattr(msg, "data", None))
    except ValueError as error:
        SUMMARY.reject(worker, str(error))
        return
    SUMMARY.receive(stats, worker)


def _on_test_start(environment: Any, **_kwargs: Any) -> None:
    calls = existing_calls()
    if calls is not None:
        calls.reset()
    SUMMARY.reset()


def _on_test_stop(environment: Any, **_kwargs: Any) -> None:
    """Users are stopped: cancel the calls still under way; their turns so far are counted."""
    SUMMARY.stopped = time.perf_counter()
    calls = existing_calls()
    if calls is not None:
        calls.settle()


def _on_report_to_master(client_id: str, data: dict[str, Any], **_kwargs: Any) -> None:
    """A worker's periodic (and final) report: vcall's statistics since the last one, sent just
    before Locust's own, so both cover the same turns when the test ends."""
    calls = existing_calls()
    if calls is None:
        return
    runner = calls.environment.runner
    runner.send_message(MESSAGE, calls.take_stats().to_wire())


def _on_quitting(environment: Any, **_kwargs: Any) -> None:
    runner = environment.runner
    calls = existing_calls()
    if not isinstance(runner, WorkerRunner):
        if calls is not None and not isinstance(runner, MasterRunner):
            SUMMARY.receive(calls.settle())
        SUMMARY.finish()
        if SUMMARY.exit_code is not None:
            environment.process_exit_code = SUMMARY.exit_code
    if calls is not None:
        calls.close()


def _register() -> None:
    hooks: Any = events  # Locust's event hooks are untyped
    hooks.init_command_line_parser.add_listener(_arguments)
    hooks.init.add_listener(_on_init)
    hooks.test_start.add_listener(_on_test_start)
    hooks.test_stop.add_listener(_on_test_stop)
    hooks.report_to_master.add_listener(_on_report_to_master)
    hooks.quitting.add_listener(_on_quitting)


_register()
