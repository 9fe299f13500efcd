"""Clean verdicts remembered: an answer the rules found nothing in, known again without them.

A load run's bot gives every call the same answer at the same step; only the ``call_id`` it echoes
differs. The validator still reads each body (the model needs its ``data``), but the rules (two
thirds of its time on such an answer) need not run again on an answer they passed before: when
every input they can see is the same. The key holds exactly those inputs:

- the stage, the HTTP status, the headers, the transfer phase and the settings made before;
- the body's bytes with the call id cut out of them (where it stood, once, as ``data.call_id``:
  see :func:`memo_key`), so every envelope and ``data`` entry is the same text, types included;
- the request's content as the rules read it: the entries named in :data:`REQUEST_CONTENT_READ`
  (``tests/simulator/validation/test_validation_memo.py`` fails if a rule reads another);
- of the ``call_id``, only that ``data.call_id`` equals the request's, and its shape (digits
  read as ``0``): no rule reads more of it than whether it is blank, equal, and its characters
  (the same test holds the rules to that).

Only a verdict without any finding is remembered, so no finding's message (which may quote the
call id) is ever reused; whatever differs from a remembered answer is validated in full. Bounded
(:data:`MEMO_LIMIT` answers, then forgotten at once) and dropped when a rule set changes.
"""

from __future__ import annotations

from collections.abc import Mapping

from vcall.simulator.spec import Stage, TransferPhase
from vcall.simulator.validation.body import ParsedBody
from vcall.simulator.validation.registry import on_rules_changed

MEMO_LIMIT = 4096
"""Clean answers remembered at most (then the memo starts afresh)."""
REQUEST_CONTENT_READ = ("is_monitor", "is_playing", "transfer_status")
"""The entries of the request's content any rule reads (``context.request_content.get``)."""
_NOTHING: Mapping[str, object] = {}
_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_PLAIN = frozenset({str, int})
"""Values kept in a key as they are (``bool``, equal to ``0``/``1``, is not among them)."""

MemoKey = tuple[object, ...]


class CleanMemo:
    """The keys of answers every rule passed (see the module's docstring); forgotten whenever
    a rule is registered or a rule set replaced (``registry.on_rules_changed``)."""

    def __init__(self) -> None:
        self._clean: set[MemoKey] = set()
        self._sizes: set[int] = set()
        """The body sizes of the answers remembered: a body of another size is not looked up
        (its key is not even made: an answer with findings costs one set lookup more)."""
        self.enabled = True
        """False: nothing is remembered or recalled (``benchmarks/validate_bench.py`` times both
        ways)."""
        on_rules_changed(self.clear)

    def clear(self) -> None:
        self._clean.clear()
        self._sizes.clear()

    def may_have(self, body: bytes) -> bool:
        return self.enabled and len(body) in self._sizes

    def passed(self, key: MemoKey | None) -> bool:
        return key is not None and key in self._clean

    def remember(self, key: MemoKey, body: bytes) -> None:
        if not self.enabled:
            return
        if len(self._clean) >= MEMO_LIMIT:
            self.clear()
        self._clean.add(key)
        self._sizes.add(len(body))


def memo_key(
    body: bytes,
    parsed: ParsedBody,
    stage: Stage,
    status: int | None,
    headers: Mapping[str, str] | None,
    call_id: str | None,
    request_content: Mapping[str, object] | None,
    previous_settings: Mapping[str, object] | None,
    transfer_phase: TransferPhase | None,
) -> MemoKey | None:
    """What the rules can see of this answer, or ``None`` when it is not one to remember.

    The body is keyed as bytes with its one occurrence of the call id cut out, and where it
    was: two such bodies are the same text around it. :func:`is_echo` holds of the parsed body
    too (``parsed`` is ``body`` read), which makes that occurrence ``data.call_id`` itself (written any other
    way, ``data.call_id`` would decode to the same text in both bodies, and could not equal
    both call ids).
    """
    if call_id is None or not is_echo(parsed, call_id):
        return None
    echoed = call_id.encode("utf-8", "surrogatepass")
    at = body.find(echoed) if echoed else -1
    if at < 0 or body.find(echoed, at + 1) >= 0:
        return None
    if status is not None and type(status) is not int:
        return None
    content = request_content or _NOTHING
    read = tuple([content.get(name) for name in REQUEST_CONTENT_READ])
    sent = None if headers is None else tuple(headers.items())
    settings = None if previous_settings is None else tuple(previous_settings.items())
    if not (_plain(read) and _plain_items(sent) and _plain_items(settings)):
        return None
    return (
        stage,
        status,
        sent,
        transfer_phase,
        settings,
        read,
        echoed.translate(_DIGITS),
        at,
        body.replace(echoed, b""),
    )


def _plain(values: tuple[object, ...]) -> bool:
    """Only strings, integers and ``None``: ``1``, ``1.0`` and ``True`` are equal in a key, not
    to the rules (such an answer is validated in full)."""
    return all(value is None or type(value) in _PLAIN for value in values)


def _plain_items(items: tuple[tuple[object, object], ...] | None) -> bool:
    return items is None or _plain(tuple([value for _, value in items]))


def is_echo(parsed: ParsedBody, call_id: str | None) -> bool:
    """Whether the body is a sound JSON object whose ``data.call_id`` is ``call_id``."""
    envelope = parsed.value
    if type(envelope) is not dict or parsed.issues:
        return False
    data = envelope.get("data")
    return type(data) is dict and data.get("call_id") == call_id
