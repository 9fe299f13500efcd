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
