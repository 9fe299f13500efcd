"""Batch placement: result CSV, resume after a crash, QPS spacing, input errors."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from smartcall_fakes import FakeApi, api_answer

from vcall.simulator.errors import EndpointUnreachableError, InputNotFoundError, UsageError
from vcall.simulator.smartcall import batch as batch_module
from vcall.simulator.smartcall.batch import (
    UNKNOWN_CODE,
    BatchRun,
    QpsLimiter,
    read_input,
    run_batch,
)
from vcall.simulator.smartcall.client import OutcomeUnknownError, SmartCallClient, SmartCallResult
from vcall.simulator.smartcall.clock import VirtualSyncClock
from vcall.simulator.smartcall.retry import NO_RETRY

MakeClient = Callable[..., SmartCallClient]
HEADER = "CalledShowNumber,CalledNumber,VoiceCode,VoiceCodeParam,OutId"
NUMBERS = ["13800138001", "13800138002", "13800138003", "13800138004", "13800138005"]


def write_rows(path: Path, numbers: list[str] = NUMBERS) -> Path:
    lines = [HEADER]
    for index, number in enumerate(numbers, start=1):
        lines.append(f'057188773344,{number},tts_1,"{{""name"":""李四""}}",order{index}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read_results(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def called(fake_api: FakeApi) -> list[str]:
    return [params["CalledNumber"] for params in fake_api.params_sent()]


def test_one_call_per_row_and_the_result_csv(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:3])
    out = tmp_path / "result.csv"
    summary = run_batch(rows, out, make_client(), qps=10, clock=clock)
    assert (summary.total, summary.placed, summary.skipped) == (3, 3, 0)
    assert (summary.succeeded, summary.failed) == (3, 0)
    assert called(fake_api) == NUMBERS[:3]
    assert fake_api.params_sent()[0]["VoiceCodeParam"] == '{"name":"李四"}'
    with out.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["Row", *HEADER.split(","), "Code", "Message", "RequestId", "CallId"]
    results = read_results(out)
    assert [r["Row"] for r in results] == ["1", "2", "3"]
    assert {r["Code"] for r in results} == {"OK"}
    assert results[2]["CalledNumber"] == NUMBERS[2]
    assert results[0]["CallId"] == "C-1"


def test_empty_cells_leave_the_parameter_out(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(f"{HEADER}\n057188773344,13800138001,tts_1,,\n", encoding="utf-8")
    run_batch(rows, tmp_path / "out.csv", make_client(), qps=10, clock=clock)
    assert "VoiceCodeParam" not in fake_api.params_sent()[0]
    assert "OutId" not in fake_api.params_sent()[0]


def test_resume_after_a_crash_does_not_call_anyone_twice(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv")
    out = tmp_path / "result.csv"

    def dies_on_row_3(request: httpx.Request) -> httpx.Response:
        if request.url.params["CalledNumber"] == NUMBERS[2]:
            raise httpx.ConnectError("connection refused", request=request)
        return api_answer("OK", CallId="C-" + request.url.params["CalledNumber"])

    fake_api.answers = [dies_on_row_3]
    with pytest.raises(EndpointUnreachableError):
        run_batch(rows, out, make_client(), qps=10, clock=clock)
    assert [(r["Row"], r["Code"]) for r in read_results(out)] == [
        ("1", "OK"),
        ("2", "OK"),
        ("3", "vcall.NOT_SENT"),  # refused: it never left, so it is placed on resume
    ]

    second = FakeApi()
    summary = run_batch(rows, out, make_client(transport=second.transport()), qps=10, clock=clock)
    assert called(second) == NUMBERS[2:]
    assert (summary.placed, summary.skipped, summary.succeeded) == (3, 2, 3)
    results = read_results(out)
    assert [r["Row"] for r in results] == ["1", "2", "3", "4", "5"]
    assert results[0]["CallId"] == "C-" + NUMBERS[0]  # kept from the first run


def test_rows_that_failed_are_placed_again(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:3])
    out = tmp_path / "result.csv"
    fake_api.answers = [
        lambda r: api_answer(
            "isv.OUT_OF_SERVICE" if r.url.params["CalledNumber"] == NUMBERS[1] else "OK"
        )
    ]
    first = run_batch(rows, out, make_client(), qps=10, clock=clock)
    assert (first.succeeded, first.failed) == (2, 1)
    assert read_results(out)[1]["Code"] == "isv.OUT_OF_SERVICE"
    second = FakeApi()
    run_batch(rows, out, make_client(transport=second.transport()), qps=10, clock=clock)
    assert called(second) == [NUMBERS[1]]
    assert [r["Code"] for r in read_results(out)] == ["OK", "OK", "OK"]


def test_a_row_answered_with_a_server_error_is_unknown_not_redialled(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    """A 5xx may come after the platform dialled: neither retried nor placed again on resume."""
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:3])
    out = tmp_path / "result.csv"
    fake_api.answers = [
        lambda r: (
            api_answer("isp.SYSTEM_ERROR", 500)
            if r.url.params["CalledNumber"] == NUMBERS[1]
            else api_answer()
        )
    ]
    run_batch(rows, out, make_client(), qps=10, clock=clock)
    assert called(fake_api) == NUMBERS[:3]
    second = FakeApi()
    summary = run_batch(rows, out, make_client(transport=second.transport()), qps=10, clock=clock)
    assert called(second) == []
    assert summary.unknown == 1


def test_result_file_is_written_after_each_row(
    tmp_path: Path, make_client: MakeClient, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:3])
    out = tmp_path / "result.csv"
    seen: list[int] = []

    def check(number: int, _result: SmartCallResult) -> None:
        seen.append(len(read_results(out)))

    run_batch(rows, out, make_client(), qps=10, clock=clock, flush_interval=0.0, on_result=check)
    assert seen == [1, 2, 3]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_edited_input_is_refused_on_resume(
    tmp_path: Path, make_client: MakeClient, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:2])
    out = tmp_path / "result.csv"
    run_batch(rows, out, make_client(), qps=10, clock=clock)
    write_rows(rows, [NUMBERS[3], NUMBERS[1]])
    with pytest.raises(UsageError, match="row 1 was placed with other values"):
        run_batch(rows, out, make_client(), qps=10, clock=clock)


def test_qps_spacing_on_the_virtual_clock(
    tmp_path: Path, make_client: MakeClient, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:4])
    run_batch(rows, tmp_path / "out.csv", make_client(), qps=4, clock=clock)
    assert clock.sleeps == [0.25, 0.25, 0.25]


def test_qps_spacing_counts_time_spent_in_the_call(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    def takes_a_tenth(_request: httpx.Request) -> httpx.Response:
        clock.advance(0.1)
        return api_answer("OK")

    fake_api.answers = [takes_a_tenth]
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:3])
    run_batch(rows, tmp_path / "out.csv", make_client(), qps=2, clock=clock)
    assert clock.sleeps == pytest.approx([0.4, 0.4])


def test_qps_limiter_never_waits_when_calls_are_slow() -> None:
    clock = VirtualSyncClock()
    limiter = QpsLimiter(10, clock)
    for _ in range(3):
        limiter.wait()
        clock.advance(0.5)
    assert clock.sleeps == []


@pytest.mark.parametrize("qps", [0, -1, 1001])
def test_qps_must_be_within_the_platform_limit(qps: float) -> None:
    with pytest.raises(UsageError, match="at most 1000"):
        QpsLimiter(qps, VirtualSyncClock())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty file"),
        (f"{HEADER},Nope\n", r":1: column 'Nope' is not a SmartCall parameter name"),
        ("CalledNumber,VoiceCode\n", r":1: required column\(s\) missing: CalledShowNumber"),
        (f"{HEADER}\n057188773344,13800138001\n", r":2: 2 cells for 5 columns"),
        (f"{HEADER},OutId\n", r":1: column 'OutId' appears twice"),
    ],
)
def test_bad_input_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        read_input(rows)


def test_excel_bom_is_accepted(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(f"\ufeff{HEADER}\n057188773344,13800138001,tts_1,,\n", encoding="utf-8")
    assert read_input(rows).columns[0] == "CalledShowNumber"


def test_missing_input_and_result_directory(tmp_path: Path, make_client: MakeClient) -> None:
    with pytest.raises(InputNotFoundError, match="no such file"):
        run_batch(tmp_path / "none.csv", tmp_path / "out.csv", make_client())
    rows = write_rows(tmp_path / "rows.csv")
    with pytest.raises(InputNotFoundError, match="no such directory"):
        run_batch(rows, tmp_path / "missing" / "out.csv", make_client())
    with pytest.raises(UsageError, match="must not be the input file"):
        run_batch(rows, rows, make_client())


def test_foreign_result_file_is_refused(tmp_path: Path, make_client: MakeClient) -> None:
    rows = write_rows(tmp_path / "rows.csv")
    out = tmp_path / "out.csv"
    out.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(UsageError, match="not a result file of this input"):
        run_batch(rows, out, make_client())


# --- the journal: never dial a row whose request may have been sent -------------------------


def journal_lines(out: Path) -> list[dict[str, object]]:
    text = (out.parent / (out.name + ".journal")).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def test_a_row_without_an_answer_is_unknown_and_not_redialled(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:4])
    out = tmp_path / "result.csv"

    def times_out_on_row_2(request: httpx.Request) -> httpx.Response:
        if request.url.params["CalledNumber"] == NUMBERS[1]:
            raise httpx.ReadTimeout("no answer", request=request)
        return api_answer("OK", CallId="C-" + request.url.params["CalledNumber"])

    fake_api.answers = [times_out_on_row_2]
    with pytest.raises(OutcomeUnknownError):
        run_batch(rows, out, make_client(), qps=10, clock=clock)
    second = FakeApi()
    summary = run_batch(rows, out, make_client(transport=second.transport()), qps=10, clock=clock)
    assert called(second) == NUMBERS[2:4]
    assert (summary.placed, summary.skipped, summary.unknown) == (2, 1, 1)
    row_2 = read_results(out)[1]
    assert row_2["Code"] == UNKNOWN_CODE
    assert row_2["Message"].startswith("unknown — not redialled")

    third = FakeApi()
    again = run_batch(
        rows, out, make_client(transport=third.transport()), clock=clock, redial_unknown=True
    )
    assert called(third) == [NUMBERS[1]]
    assert (again.unknown, [r["Code"] for r in read_results(out)]) == (0, ["OK"] * 4)


def test_each_row_is_journalled_and_fsynced_before_its_request_leaves(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:2])
    out = tmp_path / "result.csv"
    seen_before_send: list[list[object]] = []

    def look_at_the_journal(request: httpx.Request) -> httpx.Response:
        seen_before_send.append([(e["event"], e.get("row")) for e in journal_lines(out)])
        return api_answer("OK")

    fake_api.answers = [look_at_the_journal]
    run_batch(rows, out, make_client(), qps=10, clock=clock)
    assert seen_before_send == [
        [("batch", None), ("sending", 1)],
        [("batch", None), ("sending", 1), ("answered", 1), ("sending", 2)],
    ]


def test_ctrl_c_in_flight_leaves_the_row_unknown_and_says_what_was_done(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:3])
    out = tmp_path / "result.csv"

    def interrupted_on_row_2(request: httpx.Request) -> httpx.Response:
        if request.url.params["CalledNumber"] == NUMBERS[1]:
            raise KeyboardInterrupt
        return api_answer("OK")

    fake_api.answers = [interrupted_on_row_2]
    batch = BatchRun(rows, out, make_client(), qps=10, clock=clock)
    with pytest.raises(KeyboardInterrupt):
        batch.run()
    summary = batch.summary()
    assert (summary.placed, summary.succeeded, summary.failed, summary.unknown) == (2, 1, 0, 1)
    assert [r["Code"] for r in read_results(out)] == ["OK", UNKNOWN_CODE]
    assert journal_lines(out)[-1]["event"] == "unknown"


def test_an_answer_that_is_not_the_apis_is_unknown(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:1])
    out = tmp_path / "result.csv"
    fake_api.answers = [lambda _r: httpx.Response(502, text="<html>Bad Gateway</html>")]
    summary = run_batch(rows, out, make_client(retry=NO_RETRY), qps=10, clock=clock)
    assert summary.unknown == 1
    second = FakeApi()
    run_batch(rows, out, make_client(transport=second.transport()), qps=10, clock=clock)
    assert second.requests == []


def test_a_line_torn_by_a_kill_is_ignored_and_a_damaged_one_named(
    tmp_path: Path, make_client: MakeClient, clock: VirtualSyncClock
) -> None:
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:2])
    out = tmp_path / "result.csv"
    run_batch(rows, out, make_client(), qps=10, clock=clock)
    journal = tmp_path / "result.csv.journal"
    whole = journal.read_text(encoding="utf-8")
    journal.write_text(whole + '{"event": "sending", "row": 1, "cel', encoding="utf-8")
    second = FakeApi()
    run_batch(rows, out, make_client(transport=second.transport()), qps=10, clock=clock)
    assert second.requests == []
    lines = whole.splitlines(keepends=True)
    journal.write_text("".join([*lines[:2], "{oops\n", *lines[2:]]), encoding="utf-8")
    with pytest.raises(UsageError, match=r"result\.csv\.journal:3: not a JSON line"):
        run_batch(rows, out, make_client(), qps=10, clock=clock)


def test_the_result_csv_is_rebuilt_from_the_journal(
    tmp_path: Path, make_client: MakeClient, clock: VirtualSyncClock
) -> None:
    """A kill between the journal's answer and the CSV's rewrite loses nothing."""
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:2])
    out = tmp_path / "result.csv"
    run_batch(rows, out, make_client(), qps=10, clock=clock)
    out.unlink()
    second = FakeApi()
    summary = run_batch(rows, out, make_client(transport=second.transport()), clock=clock)
    assert second.requests == [] and summary.skipped == 2
    assert [r["Code"] for r in read_results(out)] == ["OK", "OK"]


def test_required_columns_may_come_as_defaults(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("CalledShowNumber,CalledNumber\n057188773344,13800138001\n", encoding="utf-8")
    with pytest.raises(UsageError, match="required column"):
        read_input(rows)
    assert read_input(rows, defaults={"VoiceCode"}).rows[0]["CalledNumber"] == "13800138001"


def test_a_cell_over_128_kib_is_a_file_line_error(tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    huge = "x" * (128 * 1024 + 1)
    rows.write_text(f"{HEADER}\n057188773344,13800138001,tts_1,,\n0571,1380,{huge},,\n", "utf-8")
    with pytest.raises(UsageError, match=r"rows\.csv:3: a cell is longer than 128 KiB"):
        read_input(rows)


def test_a_result_file_of_an_older_vcall_is_taken_over_for_good(
    tmp_path: Path, make_client: MakeClient, clock: VirtualSyncClock
) -> None:
    """A result CSV without a journal: its OK rows are journalled, so they stay skipped."""
    rows = write_rows(tmp_path / "rows.csv", NUMBERS[:3])
    out = tmp_path / "result.csv"
    header = "Row," + HEADER + ",Code,Message,RequestId,CallId"
    first = f'1,057188773344,{NUMBERS[0]},tts_1,"{{""name"":""李四""}}",order1,OK,OK,R-1,C-old'
    out.write_text(f"{header}\n{first}\n", encoding="utf-8")
    for attempt in range(2):
        api = FakeApi()
        summary = run_batch(rows, out, make_client(transport=api.transport()), clock=clock)
        assert called(api) == (NUMBERS[1:3] if attempt == 0 else [])
        assert summary.skipped == (1 if attempt == 0 else 3)
    assert read_results(out)[0]["CallId"] == "C-old"


def test_a_slow_result_csv_is_rewritten_less_often(
    tmp_path: Path,
    make_client: MakeClient,
    clock: VirtualSyncClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rewriting a CSV of thousands of rows after every row is quadratic: a rewrite that takes
    a second waits ten before the next (the journal has every row meanwhile)."""
    writes: list[float] = []
    real_write = batch_module.write_atomic

    def slow_write(path: Path, data: str) -> None:
        writes.append(clock.monotonic())
        clock.advance(1.0)
        real_write(path, data)

    monkeypatch.setattr(batch_module, "write_atomic", slow_write)
    rows = write_rows(tmp_path / "rows.csv", NUMBERS)
    run_batch(rows, tmp_path / "out.csv", make_client(), qps=10, clock=clock, flush_interval=0.0)
    assert len(writes) == 2  # after the first row, then at the end
    assert [r["Code"] for r in read_results(tmp_path / "out.csv")] == ["OK"] * 5


def test_result_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(
    tmp_path: Path, make_client: MakeClient, fake_api: FakeApi, clock: VirtualSyncClock
) -> None:
    """``=``, ``+``, ``-``, ``@``, tab and CR starting a cell get a leading ``'`` (OWASP's
    advice); plain numbers such as ``-200`` stay numbers; a resumed batch reads them back."""
    rows = tmp_path / "rows.csv"
    hostile = ['=HYPERLINK("http://x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "'quoted"]
    lines = ["CalledShowNumber,CalledNumber,VoiceCode,OutId,TtsSpeed"]
    for index, out_id in enumerate(hostile):
        cell = '"' + out_id.replace('"', '""') + '"'
        lines.append(f"057188773344,{NUMBERS[index % 5]}{index},tts_1,{cell},-200")
    rows.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "result.csv"
    run_batch(rows, out, make_client(), qps=10, clock=clock)
    results = read_results(out)
    assert [r["OutId"] for r in results] == ["'" + cell for cell in hostile]
    assert {r["TtsSpeed"] for r in results} == {"-200"}  # a number, not a formula
    for result in results:
        for cell in result.values():
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
            assert not cell.startswith("-") or cell == "-200"
    placed = len(fake_api.params_sent())
    again = run_batch(rows, out, make_client(), qps=10, clock=clock)  # resumes: nobody twice
    assert again.skipped == len(hostile) and len(fake_api.params_sent()) == placed


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("\tcmd", "'\tcmd"),
        ("\r=1", "'\r=1"),
        ("-12.5", "-12.5"),
        ("+8613800138000", "+8613800138000"),
        ("-", "'-"),
        ("成功", "成功"),
        ("", ""),
    ],
)
def test_spreadsheet_safe_cells_read_back_as_they_were(cell: str, written: str) -> None:
    assert batch_module.spreadsheet_safe(cell) == written
    assert batch_module.from_spreadsheet_safe(written) == cell
