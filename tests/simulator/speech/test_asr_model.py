"""The ASR model: named changes, deterministic variants."""

from __future__ import annotations

from vcall.simulator.speech.asr_model import (
    FILLER,
    ITN,
    REGIONAL,
    TONE,
    TRUNCATION,
    Change,
    apply,
    candidate_changes,
    variants,
)


def test_changes_are_named_with_what_replaced_what() -> None:
    changes = {
        c.describe(): apply("我想查一下话费", [c]) for c in candidate_changes("我想查一下话费")
    }
    assert changes["tone: 花费 for 话费"] == "我想查一下花费"
    assert changes["drop: 一下 lost"] == "我想查话费"
    assert changes["filler 嗯"] in {"嗯我想查一下话费", "我想查一下话费嗯"}
    assert changes["truncation: 费 lost"] == "我想查一下话"


def test_regional_and_itn_changes() -> None:
    kinds = {(c.kind, c.new) for c in candidate_changes("三点半查流量，号码一三八")}
    assert (REGIONAL, "牛量") in kinds
    assert (ITN, "3:30") in kinds
    assert (ITN, "138") in kinds
    assert (ITN, "百分之五十") in {(c.kind, c.new) for c in candidate_changes("打50%的折")}


def test_only_the_kinds_asked_for() -> None:
    assert {c.kind for c in candidate_changes("我想查一下话费", (TONE,))} == {TONE}
    assert candidate_changes("好", (TRUNCATION, FILLER)) == [
        Change(0, 0, "嗯", FILLER, ""),
        Change(1, 1, "嗯", FILLER, ""),
        Change(0, 0, "那个", FILLER, ""),
    ]


def test_variants_are_distinct_deterministic_and_seeded() -> None:
    first = variants("我想查一下话费", 10, seed=1)
    assert first == variants("我想查一下话费", 10, seed=1)
    assert len(first) == 10
    assert len({v.text for v in first}) == 10
    assert all(v.text != "我想查一下话费" and v.changes for v in first)
    assert all(v.text == apply(v.original, v.changes) for v in first)
    assert [v.text for v in first] != [v.text for v in variants("我想查一下话费", 10, seed=2)]


def test_no_variant_when_nothing_can_change() -> None:
    assert variants("我想查一下话费", 0, seed=1) == []
