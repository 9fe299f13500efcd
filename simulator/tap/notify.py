"""tap's alerts: a message to a team's chat robot on an error finding or a breached threshold.

A sink of tap's events. Messages are built in the shape DingTalk, WeCom (企业微信) and Feishu
(飞书) custom robots take, rate limited (one message per ``min_interval_s``; what was held back
is counted in the next), and posted from a worker thread with a bounded queue, so a slow or dead
webhook never touches the relay. A message carries the call_id and the finding, never a secret
(the webhook URL's token is registered as one) nor a phone number (every run of 7 or more
digits in a message, spaced or dashed, keeps its first three digits only).
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from vcall.simulator import secrets
from vcall.simulator.errors import UsageError
from vcall.simulator.tap.events import CallbackRelayed, TapEvent

MAX_MESSAGE_CHARS = 1500
"""Robots cap a text message (DingTalk 20,000 bytes, Feishu 30 KB); an alert stays short."""
MIN_P99_SAMPLES = 20
"""A window's p99 is judged once it holds this many answers (fewer say little)."""


class NotifyFormat(StrEnum):
    DINGTALK = "dingtalk"
    WECOM = "wecom"
    FEISHU = "feishu"
    PLAIN = "plain"
    """``{"text": "..."}``: for a webhook of your own."""


def robot_payload(form: NotifyFormat, text: str) -> dict[str, Any]:
    """The JSON body each robot's custom webhook takes for a plain text message."""
    if form is NotifyFormat.FEISHU:
        return {"msg_type": "text", "content": {"text": text}}
    if form in (NotifyFormat.DINGTALK, NotifyFormat.WECOM):
        return {"msgtype": "text", "text": {"content": text}}
    return {"text": text}


_DIGITS = re.compile(r"(?<![\d^])\d(?:[ \-]?\d){6,}(?![\d^])")
"""A phone-number-like run: 7+ digits, possibly spaced or dashed (``138 1234 5678``). Digits
joined by ``^`` (a call_id) are left alone."""


def mask_numbers(text: str) -> str:
    """Every phone-number-like run keeps its first three digits; the rest become ``*``."""

    def hide(match: re.Match[str]) -> str:
        seen = 0
        out = []
        for char in match.group(0):
            if char.isdigit():
                seen += 1
                out.append(char if seen <= 3 else "*")
            else:
                out.append(char)
        return "".join(out)

    return _DIGITS.sub(hide, text)


def printable(text: str, limit: int = 200) -> str:
    """Network text made safe for a message: no control characters, bounded."""
    cleaned = "".join(char if char.isprintable() else "?" for char in text)
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


def register_webhook_secrets(url: str) -> None:
    """The webhook's token (``access_token``/``key`` query values, a Feishu hook id in the
    path) is a secret: masked wherever vcall writes."""
    parts = urlsplit(url)
    values = [value for _name, value in parse_qsl(parts.query) if len(value) >= 8]
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if len(last) >= 16:
        values.append(last)
    secrets.register(*values)


@dataclass(frozen=True, slots=True)
class NotifyConfig:
    url: str
    form: NotifyFormat = NotifyFormat.DINGTALK
    min_interval_s: float = 10.0
    max_p99_ms: float | None = None
    window_s: float = 60.0
    queue_size: int = 100
    timeout_s: float = 5.0


Poster = Callable[[str, Mapping[str, Any], float], None]
"""Posts one JSON body to the URL within the timeout; raises on failure."""


def httpx_poster(url: str, body: Mapping[str, Any], timeout_s: float) -> None:
    import httpx

    response = httpx.post(url, json=dict(body), timeout=timeout_s)
    if response.status_code >= 300:
        raise OSError(f"HTTP {response.status_code}")


class Notifier:
    """Turns tap's events into robot messages (call it as a ``TapSink``); :meth:`close` sends
    what was held back and stops the worker."""

    def __init__(
        self,
        config: NotifyConfig,
        *,
        post: Poster = httpx_poster,
        clock: Callable[[], float] = time.monotonic,
        on_problem: Callable[[str], None] | None = None,
    ) -> None:
        if not config.url.startswith(("http://", "https://")):
            raise UsageError(f"--notify {config.url!r}: expected an http(s) webhook URL")
        register_webhook_secrets(config.url)
        self.config = config
        self._post = post
        self._clock = clock
        self._on_problem = on_problem or (lambda _message: None)
        self._last_sent: float | None = None
        self._held = 0
        self._window: deque[tuple[float, float]] = deque()
        self._last_p99_alert: float | None = None
        self._queue: queue.Queue[dict[str, Any] | None] = queue.Queue(config.queue_size)
        self.sent = self.dropped = self.failed = 0
        self._worker = threading.Thread(target=self._drain, name="vcall-notify", daemon=True)
        self._worker.start()

    # --- what becomes a message -----------------------------------------------------------------

    def __call__(self, event: TapEvent) -> None:
        if not isinstance(event, CallbackRelayed):
            return
        text = self._alert_text(event)
        if text is not None:
            self._alert(text)
        if self.config.max_p99_ms is not None and event.error is None:
            self._watch_latency(event.latency_ms)

    def _alert_text(self, event: CallbackRelayed) -> str | None:
        where = (
            f"call {printable(event.call_id, 80)} ({printable(event.kind, 20)}, turn {event.turn})"
        )
        errors = [finding for finding in event.findings if finding.is_error]
        if errors:
            first = errors[0]
            more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
            return f"{where}: {first.rule} at {first.path}: {first.message}{more}"
        if event.error is not None or event.status >= 500:
            reason = event.error or f"HTTP {event.status}"
            return f"{where}: the bot failed ({reason}); tap answered HTTP {event.status}"
        return None

    def _watch_latency(self, latency_ms: float) -> None:
        now = self._clock()
        self._window.append((now, latency_ms))
        while self._window and self._window[0][0] < now - self.config.window_s:
            self._window.popleft()
        if len(self._window) < MIN_P99_SAMPLES:
            return
        ordered = sorted(latency for _at, latency in self._window)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        limit = self.config.max_p99_ms
        assert limit is not None
        recent = (
            self._last_p99_alert is not None and now - self._last_p99_alert < self.config.window_s
        )
        if p99 > limit and not recent:
            self._last_p99_alert = now
            self._alert(
                f"answer p99 {p99:.0f} ms over the last {self.config.window_s:.0f} s "
                f"({len(ordered)} callbacks) is above --max-p99 {limit:.0f} ms"
            )

    def _alert(self, text: str) -> None:
        now = self._clock()
        if self._last_sent is not None and now - self._last_sent < self.config.min_interval_s:
            self._held += 1
            return
        held = f" (+{self._held} more alert(s) held back by the rate limit)" if self._held else ""
        self._held = 0
        self._last_sent = now
        self._enqueue("vcall tap: " + text + held)

    def _enqueue(self, text: str) -> None:
        safe = secrets.mask(mask_numbers(text))[:MAX_MESSAGE_CHARS]
        try:
            self._queue.put_nowait(robot_payload(self.config.form, safe))
        except queue.Full:
            self.dropped += 1

    # --- posting --------------------------------------------------------------------------------

    def _drain(self) -> None:
        while True:
            body = self._queue.get()
            if body is None:
                return
            try:
                self._post(self.config.url, body, self.config.timeout_s)
                self.sent += 1
            except Exception as error:  # a webhook's failure is counted and said, never raised
                self.failed += 1
                self._on_problem(
                    f"notify: the webhook did not take a message ({type(error).__name__}: {secrets.mask(str(error))})"
                )

    def close(self, timeout_s: float = 5.0) -> None:
        """Send a last message for alerts still held back, then stop (bounded wait)."""
        if self._held:
            self._enqueue(f"vcall tap: {self._held} more alert(s) held back by the rate limit")
            self._held = 0
        try:
            self._queue.put(None, timeout=timeout_s)
        except queue.Full:
            return
        self._worker.join(timeout_s)
