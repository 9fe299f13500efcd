"""The HTML report, parsed into a DOM (see ``html_dom``): summary, sections, timeline, transcript.

The same checks on the page as a browser renders it are in ``test_html_browser.py``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from html_dom import Node, parse_html
from html_runs import FAILING, PASSING, broken_run, crowded_call
from report_samples import down_call, order_call, quiet_call, sample_run

from vcall.simulator.fixture.scenario import Scenario
from vcall.simulator.replay.results import RunResult
from vcall.simulator.reports.html import first_problem, render_html, write_html_report
from vcall.simulator.reports.html_timeline import RIGHT, WIDTH, fit_text, text_width


@pytest.fixture(scope="module")
def real_run() -> RunResult:
    """Two passing calls and a failing one, from the engine against the broken bot."""
    return broken_run()


def page(run: RunResult) -> Node:
    return parse_html(render_html(run))


def section(dom: Node, index: int) -> Node:
    (found,) = [node for node in dom.all("section") if node.attrs.get("id") == f"call-{index}"]
    return found


def summary_rows(dom: Node) -> list[Node]:
    return dom.one("table", "summary").one("tbody").all("tr")


def cells(row: Node) -> list[str]:
    return [cell.text().strip() for cell in row.all("td")]


# --- summary ------------------------------------------------------------------------------------


def test_summary_lists_every_call_with_its_verdict() -> None:
    rows = summary_rows(page(sample_run()))
    assert [cells(row)[1] for row in rows] == ["快递查询：问候、提问", "无人应答", "转人工"]
    assert [sorted(row.classes) for row in rows] == [["failed"], ["passed", "warning"], ["failed"]]
    assert [cells(row)[0] for row in rows] == ["FAILED", "passed", "FAILED"]
    assert cells(rows[0])[3:] == ["4", "bot_hangup", "0", "1", "2", "00:17.0", "900 ms"]


def test_summary_names_where_a_failed_call_first_went_wrong() -> None:
    rows = summary_rows(page(sample_run()))
    assert cells(rows[0])[2] == (
        "turn 2 (normal at 00:06.2): [expect-mismatch] "
        "step 1 (say): data.action should equal 'play', got 'hangup'"
    )
    # a passed call's first warning is shown too, drawn as a warning (not in error red)
    assert cells(rows[1])[2].startswith("turn 1 (callin at 00:00.0): [latency-budget]")
    problem = rows[1].all("td")[2]
    assert sorted(problem.classes) == ["problem", "warning"]
    assert sorted(rows[0].all("td")[2].classes) == ["problem"]
    assert cells(rows[2])[2].startswith("turn 1 (callin at 00:00.0): [endpoint-unreachable]")


def test_first_problem_falls_back_to_call_findings_and_honours_strict() -> None:
    call = replace(down_call(), turns=())
    assert (
        first_problem(call) == "call: [steps-unplayed] 2 steps were not played: the call had ended"
    )
    assert first_problem(quiet_call()) == ""
    assert first_problem(quiet_call(), strict=True).startswith(
        "turn 1 (callin at 00:00.0): [latency-budget]"
    )


def test_summary_links_to_each_section() -> None:
    dom = page(sample_run())
    links = [row.one("a").attrs["href"] for row in summary_rows(dom)]
    assert links == ["#call-0", "#call-1", "#call-2"]
    assert all(section(dom, index) for index in range(3))


def test_header_verdict_counts_failed_calls() -> None:
    assert page(sample_run()).one(cls="verdict").text() == "2 of 3 call(s) FAILED"
    passing = RunResult((quiet_call(),), 5.0)
    verdict = page(passing).one(cls="verdict")
    assert verdict.text() == "all 1 call(s) passed" and "pass" in verdict.classes


def test_strict_fails_a_warning_only_call_everywhere() -> None:
    dom = page(sample_run(strict=True))
    assert "failed" in summary_rows(dom)[1].classes
    quiet = section(dom, 1)
    assert "failed" in quiet.classes
    assert quiet.one(cls="turn").classes == {"turn", "failed"}
    assert quiet.one("svg").all("g", "failed")


# --- one call -----------------------------------------------------------------------------------


def test_failed_section_is_marked_and_a_passed_one_is_not() -> None:
    dom = page(sample_run())
    assert "failed" in section(dom, 0).classes
    assert "failed" not in section(dom, 1).classes
    assert section(dom, 0).one("h2").one(cls="badge").text() == "FAILED"


def test_failing_turn_shows_its_findings_and_raw_exchange_unfolded() -> None:
    turns = section(page(sample_run()), 0).all(cls="turn")
    assert [sorted(turn.classes - {"turn"}) for turn in turns] == [
        ["ok"],
        ["failed"],
        ["warning"],
        ["ok"],
    ]
    failing = turns[1]
    findings = [finding.text() for finding in failing.all(cls="finding")]
    assert findings[0].startswith("errorexpect-mismatch data.action: step 1 (say)")
    assert "latency-budget" in findings[1]
    assert "open" in failing.one("details").attrs
    response = failing.one("pre", "response").text()
    assert response.startswith("HTTP 200\n") and '"action": "hangup"' in response
    assert "open" not in turns[2].one("details").attrs


def test_unreachable_turn_says_why_there_is_no_answer() -> None:
    down = section(page(sample_run()), 2)
    turn = down.one(cls="turn")
    assert "no answer (connect)" in turn.one(cls="answer").text()
    assert "connect: All connection attempts failed" in turn.one("pre", "response").text()
    assert "steps-unplayed" in down.one(cls="callfindings").text()


def test_every_callback_is_marked_and_linked_to_its_turn() -> None:
    dom = page(sample_run())
    order = section(dom, 0)
    marks = order.one("svg").all("g", "callback")
    assert len(marks) == 4
    assert [sorted(mark.classes - {"callback"}) for mark in marks] == [
        ["ok"],
        ["failed"],
        ["warning"],
        ["ok"],
    ]
    ids = {node.attrs.get("id") for node in dom.iter()}
    hrefs = [link.attrs["href"] for link in order.one("svg").all("a")]
    assert hrefs == [f"#call-0-turn-{n}" for n in range(1, 5)]
    assert all(href[1:] in ids for href in hrefs)


def test_callback_marks_show_the_latency_of_each_answer() -> None:
    marks = section(page(sample_run()), 0).one("svg").all("g", "callback")
    labels = [mark.one("text").text() for mark in marks]
    assert labels == ["callin 12 ms", "✗ normal 900 ms", "mute 850 ms", "dtmf 12 ms"]


def test_labels_of_callbacks_close_together_go_on_separate_rows() -> None:
    svg = section(page(RunResult((crowded_call(),), 1.0)), 0).one("svg")
    rows = [mark.one("text").attrs["y"] for mark in svg.all("g", "callback")]
    assert rows[0] == rows[1] and len(set(rows[1:])) == 3


def test_failing_callback_has_a_red_band_and_its_findings_in_the_tooltip() -> None:
    svg = section(page(sample_run()), 0).one("svg")
    assert len(svg.all("rect", "problem")) == 1
    failed = svg.one("g", "failed")
    assert "error [expect-mismatch]" in failed.one("title").text()


def test_end_mark_names_the_end_reason_and_turns_red_on_call_errors() -> None:
    dom = page(sample_run())
    assert section(dom, 0).one("g", "end").one("text").text() == "■ bot_hangup"
    down_end = section(dom, 2).one("g", "end")
    assert "failed" in down_end.classes


def test_timeline_of_real_calls_draws_what_was_said_played_and_pressed(real_run: RunResult) -> None:
    dom = page(real_run)
    barge_in, silence, dtmf = (section(dom, index).one("svg") for index in range(3))
    assert [call.scenario.file.rsplit("/", 1)[-1] for call in real_run.calls] == [*PASSING, FAILING]
    assert barge_in.all("g", "bargein") and barge_in.all("g", "interrupted")
    assert barge_in.all("g", "playback") and not barge_in.all("g", "failed")
    assert silence.all("g", "silence") and not silence.all("g", "speech")
    assert [keys.one("text").text() for keys in dtmf.all("g", "keys")] == ["0#", "1#"]
    assert dtmf.all("g", "speech")
    assert len(dtmf.all("g", "failed")) == 2 == len(dtmf.all("rect", "problem"))


def test_bars_carry_their_words_and_times_in_a_tooltip(real_run: RunResult) -> None:
    svg = section(page(real_run), 0).one("svg")
    tooltips = [bar.one("title").text() for bar in svg.all("g", "bargein")]
    assert tooltips[0].startswith("caller barges in: 等一下")
    assert re.search(r"\(00:0\d\.\d–00:0\d\.\d\)$", tooltips[0])


def test_axis_ticks_stay_inside_the_picture(real_run: RunResult) -> None:
    for index in range(len(real_run.calls)):
        svg = section(page(real_run), index).one("svg")
        ticks = [float(text.attrs["x"]) for text in svg.all("text") if ":" in text.text()]
        assert ticks and max(ticks) <= WIDTH - RIGHT


# --- the page as a whole ------------------------------------------------------------------------


def test_names_and_bodies_are_escaped() -> None:
    hostile = replace(
        order_call(), scenario=Scenario(name="<script>alert(1)</script>", steps=(), file="")
    )
    turn = replace(
        hostile.turns[1], exchange=replace(hostile.turns[1].exchange, body=b"</pre><b>x")
    )
    hostile = replace(hostile, turns=(hostile.turns[0], turn))
    dom = page(RunResult((hostile,), 1.0))
    assert not dom.all("script") and not dom.all("b")
    assert section(dom, 0).one("h2").text().endswith("<script>alert(1)</script>")
    assert "</pre><b>x" in dom.all("pre", "response")[1].text()


def test_report_is_self_contained() -> None:
    text = render_html(sample_run())
    dom = parse_html(text)
    assert not dom.all("script") and not dom.all("link") and not dom.all("img")
    assert not [node for node in dom.iter() if "src" in node.attrs]
    assert all(node.attrs["href"].startswith("#") for node in dom.iter() if "href" in node.attrs)
    assert "url(" not in text and "@import" not in text
    assert {"charset": "utf-8"} in [meta.attrs for meta in dom.all("meta")]


def test_write_html_report_writes_the_page(tmp_path: Path) -> None:
    path = tmp_path / "report.html"
    write_html_report(sample_run(), path, title="夜间回归")
    dom = parse_html(path.read_text(encoding="utf-8"))
    assert dom.one("head").one("title").text() == "夜间回归"
    assert len(dom.all("section")) == 3


def test_text_is_cut_to_fit_its_bar() -> None:
    assert fit_text("welcome.wav", 200, 11) == "welcome.wav"
    cut = fit_text("您最近的一笔快递已到达杭州转运中心", 60, 11)
    assert cut.endswith("…") and text_width(cut, 11) <= 60
    assert fit_text("您好", 8, 11) == ""
    assert text_width("ab您", 10) == pytest.approx(22)


def test_model_notes_are_listed_folded_under_the_call() -> None:
    from vcall.simulator.model import ModelNote

    call = replace(
        order_call(), notes=(ModelNote(1500, 2, "key 5 ignored: no dtmf collection pending"),)
    )
    text = render_html(RunResult((call,), 10.0))
    assert "platform model notes (1)" in text
    assert "key 5 ignored: no dtmf collection pending" in text
    assert "00:01.5" in text


def test_a_call_without_notes_has_no_notes_block() -> None:
    assert "platform model notes" not in render_html(
        RunResult((replace(order_call(), notes=()),), 10.0)
    )


def test_every_html_report_names_chinese_faces_for_text_and_monospace() -> None:
    """Chinese must not fall to boxes where the browser's default face has no CJK glyphs
    (issue 26): the sans stack and the monospace stack both end in CJK faces."""
    from vcall.simulator.reports.page import FONT_CSS

    text = render_html(sample_run())
    assert FONT_CSS in text
    for face in ("Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei"):
        assert text.count(face) >= 2  # in the sans stack and in the monospace fallback
    mono = FONT_CSS.split("code,pre,")[1]
    assert mono.rindex(",monospace}") > mono.index("Noto Sans CJK SC")  # generic face last
