"""Privacy by default: no original phone number anywhere in a fixture or the log; fakes are
stable; --keep-numbers keeps them; --redact masks words."""

from __future__ import annotations

from pathlib import Path

import yaml
from tap_support import run, saved, shipped, tapped

from vcall.simulator.example_bot import app as example_bot
from vcall.simulator.fixture.loader import load_scenario
from vcall.simulator.tap.privacy import NumberFaker, Redactor

TRANSFER_LINE = "057126880001"
"""The agent line the example bot transfers to: a number the bot knows, not the caller's."""


def _originals(names: tuple[str, ...]) -> set[str]:
    numbers = {TRANSFER_LINE}
    for scenario in shipped(*names):
        numbers |= {
            n for n in (scenario.call.caller, scenario.call.callee, scenario.call.orgcallee) if n
        }
    return numbers


CALLS = ("forwarded_call_greeting", "transfer_to_agent", "inbound_order_inquiry")


def test_no_original_number_in_any_fixture_or_log_line(tmp_path: Path) -> None:
    log = tmp_path / "exchanges.jsonl"
    with tapped(example_bot, save_dir=tmp_path, log=log) as (tap_url, _bot, _app, _events):
        assert run(shipped(*CALLS), tap_url).failed == 0
    files = [*saved(tmp_path), log]
    assert len(files) == len(CALLS) + 1
    text = "\n".join(path.read_text(encoding="utf-8") for path in files)
    assert "13800138000" not in text or "13800138000" not in _originals(CALLS)
    leaked = {number for number in _originals(CALLS) if number in text}
    assert leaked == set()
    assert log.stat().st_mode & 0o777 == 0o600


def test_the_fixtures_still_replay_green_with_fake_numbers(tmp_path: Path) -> None:
    with tapped(example_bot, save_dir=tmp_path) as (tap_url, _bot, _app, _events):
        run(shipped(*CALLS), tap_url)
    result = run(
        [load_scenario(path) for path in saved(tmp_path)], "vcall.simulator.example_bot:app"
    )
    assert result.failed == 0
    transfers = [
        step["expect"]["number"]
        for path in saved(tmp_path)
        for step in yaml.safe_load(path.read_text(encoding="utf-8"))["steps"]
        if isinstance(step, dict) and "number" in step.get("expect", {})
    ]
    assert transfers and all(number == {"regex": r"^\d{12}$"} for number in transfers)


def test_keep_numbers_keeps_them(tmp_path: Path) -> None:
    with tapped(example_bot, save_dir=tmp_path, keep_numbers=True) as (
        tap_url,
        _bot,
        _app,
        _events,
    ):
        run(shipped("forwarded_call_greeting"), tap_url)
    (path,) = saved(tmp_path)
    original = shipped("forwarded_call_greeting")[0].call
    call = yaml.safe_load(path.read_text(encoding="utf-8"))["call"]
    assert (call["caller"], call["callee"], call["orgcallee"]) == (
        original.caller,
        original.callee,
        original.orgcallee,
    )


def test_fakes_are_stable_and_shaped_like_the_number() -> None:
    faker = NumberFaker(key=b"k")
    fake = faker.fake("13812345678")
    assert fake == faker.fake("13812345678") == NumberFaker(key=b"k").fake("13812345678")
    assert fake != "13812345678" and fake.startswith("138") and len(fake) == 11 and fake.isdigit()
    assert NumberFaker(key=b"other").fake("13812345678") != fake
    assert faker.fake("1234") == "1234"  # too short to be a phone number


def test_redact_masks_words_and_known_numbers_anywhere_in_text() -> None:
    redactor = Redactor(NumberFaker(key=b"k"), [r"\d{17}[\dXx]"])
    known = redactor.numbers(["13812345678"])
    text = redactor.text("我的身份证是11010519491231002X，电话13812345678", known)
    assert "11010519491231002X" not in text and "***" in text
    assert "13812345678" not in text and known["13812345678"] in text


def test_redact_applies_to_saved_words(tmp_path: Path) -> None:
    with tapped(example_bot, save_dir=tmp_path, redact=("快递",)) as (tap_url, _bot, _app, _events):
        run(shipped("inbound_order_inquiry"), tap_url)
    (path,) = saved(tmp_path)
    steps = yaml.safe_load(path.read_text(encoding="utf-8"))["steps"]
    words = [step["say"] for step in steps if isinstance(step, dict) and "say" in step]
    assert words and all("快递" not in w for w in words) and any("***" in w for w in words)


def test_a_number_spoken_with_spaces_or_dashes_is_faked_as_the_same_fake() -> None:
    redactor = Redactor(NumberFaker(key=b"k"))
    known = redactor.numbers(["13812345678"])
    fake = known["13812345678"]
    for spoken, shown in (
        ("138 1234 5678", f"{fake[:3]} {fake[3:7]} {fake[7:]}"),
        ("138-1234-5678", f"{fake[:3]}-{fake[3:7]}-{fake[7:]}"),
    ):
        text = redactor.text(f"我的电话是{spoken}，谢谢", known)
        assert spoken not in text and shown in text, text


def test_a_mobile_number_tap_never_learned_is_faked_in_words_too() -> None:
    redactor = Redactor(NumberFaker(key=b"k"))
    for spoken in ("13987654321", "139 8765 4321", "139-8765-4321"):
        text = redactor.text(f"打这个号{spoken}", {})
        digits = "".join(c for c in text if c.isdigit())
        assert spoken not in text and digits.startswith("139") and len(digits) == 11, text
    assert redactor.text("订单号 20240101", {}) == "订单号 20240101"  # not a phone number


def test_finding_messages_are_redacted_on_the_console_and_in_the_report(tmp_path: Path) -> None:
    import asyncio
    import json
    from urllib.parse import urlencode

    from vcall.simulator.tap import CallbackRelayed, TapConfig
    from vcall.simulator.tap.app import TapApp
    from vcall.simulator.tap.forward import BotAnswer

    report = tmp_path / "findings.jsonl"
    events: list[object] = []
    config = TapConfig(forward_to="http://127.0.0.1:9/cb", report_json=report)
    app = TapApp(config, sink=events.append, number_key=b"k")
    content = json.dumps({"caller": "13912345678", "callee": "057126880000"})
    form = urlencode(
        {
            "call_id": "p^1",
            "timestamp": "1700000000000",
            "content_type": "callin",
            "content": content,
        }
    )
    # the bot echoes the caller's number where an action belongs: the finding quotes it
    answer = b'{"result":"success","msg":"","data":{"call_id":"p^1","action":"139 1234 5678"}}'
    app.observer.observe(
        "POST",
        b"",
        form.encode(),
        "application/x-www-form-urlencoded",
        BotAnswer(200, (), answer, 1),
    )
    asyncio.run(app.stop())
    findings = [f for e in events if isinstance(e, CallbackRelayed) for f in e.findings]
    shown = " ".join(f"{f.message} {f.expected} {f.actual}" for f in findings)
    written = report.read_text(encoding="utf-8")
    assert findings and "139 1234 5678" in answer.decode()
    for text in (shown, written):
        assert "1234 5678" not in text and "12345678" not in text, text
