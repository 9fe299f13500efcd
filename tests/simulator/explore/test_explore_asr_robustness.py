"""``explore --asr-robustness``: routes replayed under ASR variants, scored, shrunk and saved."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from menu_bot import bot_from as json_bot

from vcall.simulator.asgi import App
from vcall.simulator.explore.run import ExploreConfig, ExploreResult, explore
from vcall.simulator.replay.engine import SimulationConfig
from vcall.simulator.replay.targets import app_target
from vcall.simulator.spec import CallbackKind

FEE = "我想查一下话费"
LINES = (FEE, "转人工")


def _bot(route: Callable[[str], str]) -> App:
    """A bot that plays, for each sentence, what ``route`` says of it (its state in
    ``dynamic_id``); the callin is answered with a greeting."""

    def data(kind: CallbackKind, content: Mapping[str, Any]) -> dict[str, Any]:
        if kind is CallbackKind.CALLIN:
            return {"action": "answer", "action_code": "welcome.wav", "dynamic_id": "start"}
        state = str(content.get("dynamic_id") or "start")
        if state != "start":
            return {"action": "hangup", "action_code": "bye.wav", "dynamic_id": "bye"}
        if kind is not CallbackKind.NORMAL:
            return {"action": "donothing", "dynamic_id": "start"}
        where = route(str(content.get("words", "")))
        return {"action": "play", "action_code": f"{where}.wav", "dynamic_id": where}

    return json_bot(data)


def keyword_bot() -> App:
    """Understands the fee request only when ASR delivers it exactly."""
    return _bot(lambda words: "fee" if words == FEE else "again")


def same_route_bot() -> App:
    return _bot(lambda _words: "agent")


def _explore(app: App, k: int = 12, seed: int = 7, **extra: Any) -> ExploreResult:
    config = ExploreConfig(
        simulation=SimulationConfig(timeout_s=2, seed=seed),
        lines=LINES,
        asr_robustness=k,
        **extra,
    )
    return explore(app_target("bot", app), config)


def test_a_keyword_bot_is_fragile_and_the_breaking_variant_is_shown() -> None:
    result = _explore(keyword_bot())
    robustness = result.robustness
    assert robustness is not None
    fee = next(t for t in robustness.transitions if t.words == FEE)
    assert fee.tried == 12
    assert fee.ratio < 0.5
    assert robustness.score < 1.0
    smallest = {b.smallest.label: b.smallest.text for b in fee.broken}
    assert smallest["tone: 花费 for 话费"] == "我想查一下花费"
    assert all(len(b.smallest.changes) == 1 for b in fee.broken)
    assert all(b.reached for b in fee.broken)
    # "转人工" goes to "again" whatever ASR does to it: that route holds.
    other = next(t for t in robustness.transitions if t.words == "转人工")
    assert other.ratio == 1.0


def test_a_bot_that_routes_every_sentence_alike_scores_one() -> None:
    result = _explore(same_route_bot())
    assert result.robustness is not None
    assert result.robustness.tried > 0
    assert result.robustness.score == 1.0
    assert not result.fragile


def test_the_same_seed_gives_the_same_variants_and_score() -> None:
    first, second = (_explore(keyword_bot(), k=8, seed=3).robustness for _ in range(2))
    assert first is not None and second is not None
    assert first.to_dict() == second.to_dict()
    assert first.score < 1.0


def test_min_robustness_fails_the_run_and_save_writes_a_fixture_per_break(
    tmp_path: Path,
) -> None:
    result = _explore(keyword_bot(), min_robustness=0.9, save_dir=tmp_path)
    assert result.failed()
    assert result.fragile
    robustness = result.robustness
    assert robustness is not None
    broken = [b for t in robustness.transitions for b in t.broken]
    assert len(result.saved) == len(broken) > 0
    document = yaml.safe_load(result.saved[0].read_text("utf-8"))
    said = [step["say"] for step in document["steps"] if "say" in step]
    assert said[-1] != FEE and said[-1] in {b.smallest.text for b in broken}
    assert "asr-robustness" in document["tags"]
    assert not _explore(same_route_bot(), min_robustness=0.9).fragile
