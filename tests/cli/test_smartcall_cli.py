"""``vcall smartcall``: flags from the spec, params files, checks before sending, credentials,
dry-run masking, API errors and retries, batches, and a real call on the emulator."""

from __future__ import annotations

import csv
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest
import typer
from typer.testing import CliRunner

from vcall.cli.app import app
from vcall.cli.commands import smartcall as smartcall_cli
from vcall.simulator import spec
from vcall.simulator.emulator import EmulatorConfig, EmulatorEvent, SmartCallEmulator
from vcall.simulator.emulator.serve import ServerThread
from vcall.simulator.replay.engine import CallFinished
from vcall.simulator.replay.targets import EXAMPLE_BOT, resolve_target
from vcall.simulator.smartcall.client import SmartCallClient
from vcall.simulator.smartcall.clock import VirtualSyncClock
from vcall.simulator.smartcall.credentials import Credentials
from vcall.simulator.smartcall.signing import RequestParts, access_key_id_of, check_v1, check_v3

KEY_ID = "LTAI5tCliTestKey0001"
SECRET = "cli/S3kr1t+Value=1"
TOKEN = "STS.cli token/+=value"
ENV_KEY_ID = "LTAI5tEnvironment0002"
PROFILE_KEY_ID = "LTAI5tProfileKey0003"
OPS_KEY_ID = "LTAI5tOpsProfile0004"
CALL_FLAGS = (
    "--called-number",
    "13800138000",
    "--called-show-number",
    "057126880000",
    "--voice-code",
    "$name$,survey_opening.wav",
    "--voice-code-param",
    '{"name":"张先生"}',
)
ENV_NAMES = (
    spec.ENV_ACCESS_KEY_ID,
    spec.ENV_ACCESS_KEY_SECRET,
    spec.ENV_SECURITY_TOKEN,
    spec.ENV_PROFILE,
)
runner = CliRunner()


@dataclass
class FakeApi:
    """A SmartCall API on a MockTransport: verifies the signature against every known secret,
    records what it was sent, answers the scripted codes in turn (the last one repeats)."""

    codes: list[str] = field(default_factory=lambda: ["OK"])
    message: str = ""
    requests: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        parts = RequestParts.from_httpx(request)
        self.requests.append(request)
        assert any(self._verified(parts, secret) for secret in (SECRET, "env-secret", "p-secret"))
        code = self.codes[min(len(self.requests), len(self.codes)) - 1]
        status = spec.SMARTCALL_ERROR_CODES[code].http_status if code != "OK" else 200
        body = {"Code": code, "Message": self.message or code, "RequestId": "RID-9"}
        if code == "OK":
            body["CallId"] = f"116012854210^{len(self.requests)}"
        return httpx.Response(status, json=body)

    @staticmethod
    def _verified(parts: RequestParts, secret: str) -> bool:
        if "authorization" in parts.headers:
            return check_v3(parts, secret).ok
        return check_v1(parts.method, parts.query_dict(), secret).ok

    def sent(self) -> list[dict[str, str]]:
        return [dict(r.url.params) for r in self.requests]

    def key_ids(self) -> list[str | None]:
        return [access_key_id_of(RequestParts.from_httpx(r)) for r in self.requests]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    return home


@pytest.fixture
def clock() -> VirtualSyncClock:
    return VirtualSyncClock()


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch, clock: VirtualSyncClock) -> FakeApi:
    fake = FakeApi()

    def build(credentials: Credentials, endpoint: str, signature: str) -> SmartCallClient:
        return SmartCallClient(
            credentials,
            endpoint=endpoint,
            signature=signature,  # type: ignore[arg-type]
            transport=httpx.MockTransport(fake.handle),
            clock=clock,
            rand=lambda: 0.5,
        )

    monkeypatch.setattr(smartcall_cli, "build_client", build)
    return fake


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["smartcall", *args])
    return result.exit_code, result.stdout, result.stderr


def with_keys(*args: str, token: str | None = None) -> tuple[str, ...]:
    keys = ("--access-key-id", KEY_ID, "--access-key-secret", SECRET)
    return (*keys, *(("--security-token", token) if token else ()), *args)


def write_profiles(home: Path) -> None:
    path = home / ".aliyun" / "config.json"
    path.parent.mkdir()
    profiles = [
        {"name": "default", "mode": "AK", "access_key_id": PROFILE_KEY_ID},
        {"name": "ops", "mode": "AK", "access_key_id": OPS_KEY_ID},
    ]
    for profile in profiles:
        profile["access_key_secret"] = "p-secret"
    path.write_text(json.dumps({"current": "default", "profiles": profiles}), encoding="utf-8")


# --- flags from the spec ------------------------------------------------------------------------


def test_every_smartcall_parameter_has_its_flag_and_help_from_the_spec() -> None:
    command = typer.main.get_command(app).commands["smartcall"]  # type: ignore[attr-defined]
    options = {opt: param for param in command.params for opt in param.opts}
    for param in spec.SMARTCALL_PARAMS.values():
        assert param.flag in options, param.name
        option = options[param.flag]
        assert option.help.startswith(f"{param.name}: {param.description}")
        if param.type is spec.ValueType.BOOLEAN:
            assert option.secondary_opts == [f"--no-{param.flag.removeprefix('--')}"]


def test_flags_are_sent_under_their_api_names(api: FakeApi) -> None:
    code, out, err = invoke(
        *with_keys(*CALL_FLAGS, "--mute-time", "5000", "--record-flag", "--no-action-code-break")
    )
    assert (code, err) == (0, "")
    (sent,) = api.sent()
    assert sent["CalledNumber"] == "13800138000"
    assert sent["VoiceCodeParam"] == '{"name":"张先生"}'
    assert (sent["MuteTime"], sent["RecordFlag"], sent["ActionCodeBreak"]) == (
        "5000",
        "true",
        "false",
    )
    assert "Speed" not in sent
    assert "CallId     116012854210^1" in out and "RequestId  RID-9" in out


def test_a_placed_call_as_json(api: FakeApi) -> None:
    code, out, err = invoke(*with_keys(*CALL_FLAGS, "--format", "json"))
    assert (code, err) == (0, "")
    answer = json.loads(out)
    assert (answer["ok"], answer["call_id"], answer["request_id"]) == (
        True,
        "116012854210^1",
        "RID-9",
    )


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_params_file_gives_the_parameters_and_flags_override_it(
    api: FakeApi, tmp_path: Path, suffix: str
) -> None:
    document = {
        "CalledNumber": "13900139000",
        "CalledShowNumber": "057126880000",
        "VoiceCode": "welcome.wav",
        "VoiceCodeParam": {"name": "李女士"},
        "MuteTime": 8000,
    }
    path = tmp_path / f"call{suffix}"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    code, _out, _err = invoke(*with_keys("--params-file", str(path), "--mute-time", "6000"))
    assert code == 0
    (sent,) = api.sent()
    assert (sent["CalledNumber"], sent["MuteTime"]) == ("13900139000", "6000")
    assert sent["VoiceCodeParam"] == '{"name":"李女士"}'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "call.yaml: no such file"),
        ("CalledNumber: [1,\n", "call.yaml:"),
        ("- just\n- a list\n", "expected a mapping of SmartCall parameter names"),
    ],
)
def test_a_bad_params_file_is_a_one_line_usage_error(
    api: FakeApi, tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "call.yaml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    code, _out, err = invoke(*with_keys("--params-file", str(path)))
    assert code == 2
    assert message in err and len(err.strip().splitlines()) == 1
    assert api.requests == []


def test_the_old_params_spelling_still_works_with_a_deprecation_line(
    api: FakeApi, tmp_path: Path
) -> None:
    path = tmp_path / "call.yaml"
    path.write_text(
        'CalledNumber: "13900139000"\nCalledShowNumber: "057126880000"\nVoiceCode: a.wav\n',
        encoding="utf-8",
    )
    code, out, err = invoke(*with_keys("--params", str(path)))
    assert code == 0, err
    (sent,) = api.sent()
    assert sent["CalledNumber"] == "13900139000"
    (line,) = [line for line in err.splitlines() if "deprecated" in line]
    assert "--params-file FILE" in line and "deprecated" not in out
    both = invoke(*with_keys("--params", str(path), "--params-file", str(path)))
    assert both[0] == 2 and "give one of them" in both[2]
    assert len(api.sent()) == 1  # nothing more was sent
    assert "--params-file" in runner.invoke(app, ["smartcall", "--help"]).stdout


# --- checks before sending ----------------------------------------------------------------------


def test_parameter_errors_stop_before_anything_is_sent(api: FakeApi) -> None:
    code, _out, err = invoke(
        *with_keys("--called-number", "12345", "--voice-code", "hi.wav", "--volume", "9")
    )
    assert code == 1
    assert "number-not-mainland" in err and "CalledNumber" in err
    assert "param-required-missing" in err and "CalledShowNumber" in err
    assert "value-out-of-range" in err or "Volume" in err
    assert "nothing was sent" in err
    assert api.requests == []


def test_parameter_errors_are_found_before_credentials_are_needed(api: FakeApi) -> None:
    code, _out, err = invoke("--called-number", "12345")
    assert code == 1 and "credentials" not in err


def test_warnings_are_printed_and_the_call_is_placed(api: FakeApi) -> None:
    code, out, err = invoke(*with_keys(*CALL_FLAGS, "--mute-time", "50000", "--speed", "1"))
    assert code == 0
    assert "range-fallback" in err and "param-unsupported" in err
    assert len(api.requests) == 1 and "CallId" in out


# --- credentials --------------------------------------------------------------------------------


def test_credentials_from_flags(api: FakeApi, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(spec.ENV_ACCESS_KEY_ID, ENV_KEY_ID)
    monkeypatch.setenv(spec.ENV_ACCESS_KEY_SECRET, "env-secret")
    assert invoke(*with_keys(*CALL_FLAGS))[0] == 0
    assert api.key_ids() == [KEY_ID]


def test_credentials_from_the_environment_beat_the_profile_file(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch, clean_environment: Path
) -> None:
    write_profiles(clean_environment)
    monkeypatch.setenv(spec.ENV_ACCESS_KEY_ID, ENV_KEY_ID)
    monkeypatch.setenv(spec.ENV_ACCESS_KEY_SECRET, "env-secret")
    assert invoke(*CALL_FLAGS)[0] == 0
    assert invoke("--profile", "ops", *CALL_FLAGS)[0] == 0  # --profile does not beat env
    assert api.key_ids() == [ENV_KEY_ID, ENV_KEY_ID]


def test_credentials_from_the_profile_file(
    api: FakeApi, monkeypatch: pytest.MonkeyPatch, clean_environment: Path
) -> None:
    write_profiles(clean_environment)
    assert invoke(*CALL_FLAGS)[0] == 0  # "current"
    assert invoke("--profile", "ops", *CALL_FLAGS)[0] == 0
    monkeypatch.setenv(spec.ENV_PROFILE, "ops")
    assert invoke(*CALL_FLAGS)[0] == 0
    assert invoke("--profile", "default", *CALL_FLAGS)[0] == 0  # --profile beats the env's name
    assert api.key_ids() == [PROFILE_KEY_ID, OPS_KEY_ID, OPS_KEY_ID, PROFILE_KEY_ID]


def test_missing_credentials_name_the_three_places_in_one_line(api: FakeApi) -> None:
    code, out, err = invoke(*CALL_FLAGS)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    for place in ("--access-key-id", spec.ENV_ACCESS_KEY_ID, "~/.aliyun/config.json"):
        assert place in err
    assert api.requests == []


# --- dry run ------------------------------------------------------------------------------------


def _secret_spellings(*values: str) -> list[str]:
    return [f(v) for v in values for f in (str, lambda s: quote(s, safe=""), quote_plus)]


@pytest.mark.parametrize("signature", ["v3", "v1"])
@pytest.mark.parametrize("output_format", ["text", "json"])
def test_dry_run_prints_the_signed_request_with_secrets_masked(
    api: FakeApi, signature: str, output_format: str
) -> None:
    args = with_keys(*CALL_FLAGS, token=TOKEN)
    result = runner.invoke(
        app,
        ["smartcall", *args, "--dry-run", "--signature", signature, "--format", output_format],
    )
    assert result.exit_code == 0
    whole = result.stdout + result.stderr
    for spelling in _secret_spellings(SECRET, TOKEN):
        assert spelling not in whole
    assert KEY_ID not in whole and "LTAI****0001" in whole
    assert "****" in whole
    assert "13800138000" in whole
    assert api.requests == []
    if output_format == "json":
        request = json.loads(result.stdout)
        assert request["method"] == "POST"
        assert request["params"]["CalledNumber"] == "13800138000"


@pytest.mark.parametrize("signature", ["v3", "v1"])
def test_dry_run_with_one_letter_dummy_keys_keeps_the_url_whole(
    api: FakeApi, signature: str
) -> None:
    """Short dummies are not secrets worth masking: replacing ``h`` everywhere garbled the URL
    (``http****://dyvm****``)."""
    keys = ["--access-key-id", "h", "--access-key-secret", "t", "--security-token", "s"]
    result = runner.invoke(
        app, ["smartcall", *keys, *CALL_FLAGS, "--dry-run", "--signature", signature]
    )
    assert result.exit_code == 0
    assert "POST https://dyvmsapi.aliyuncs.com/?" in result.stdout
    (url_line,) = [line for line in result.stdout.splitlines() if line.startswith("POST ")]
    assert "****" not in url_line.replace("SecurityToken=****", "")
    assert "Credential=h," in result.stdout or "AccessKeyId=h&" in url_line


def test_dry_run_json_of_v3_shows_the_authorization_header(api: FakeApi) -> None:
    result = runner.invoke(
        app, ["smartcall", *with_keys(*CALL_FLAGS), "--dry-run", "--format", "json"]
    )
    headers = json.loads(result.stdout)["headers"]
    assert headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI****0001,")
    assert headers["x-acs-action"] == "SmartCall"


# --- answers of the API -------------------------------------------------------------------------


def test_an_api_error_exits_4_with_code_message_and_hint(api: FakeApi) -> None:
    api.codes = ["isv.OUT_OF_SERVICE"]
    code, out, err = invoke(*with_keys(*CALL_FLAGS))
    assert code == 4 and "CallId" not in out
    assert "isv.OUT_OF_SERVICE" in err
    assert spec.SMARTCALL_ERROR_CODES["isv.OUT_OF_SERVICE"].hint in err
    assert "RID-9" in err


def test_an_api_error_as_json(api: FakeApi) -> None:
    api.codes = ["isv.BUSINESS_LIMIT_CONTROL"]
    code, out, _err = invoke(*with_keys(*CALL_FLAGS, "--format", "json"))
    answer = json.loads(out)
    assert code == 4
    assert (answer["ok"], answer["code"], answer["http_status"]) == (
        False,
        "isv.BUSINESS_LIMIT_CONTROL",
        200,
    )
    assert answer["hint"] == spec.SMARTCALL_ERROR_CODES["isv.BUSINESS_LIMIT_CONTROL"].hint


def test_a_secret_echoed_by_the_api_is_masked(api: FakeApi) -> None:
    api.codes = ["SignatureDoesNotMatch"]
    api.message = f"server string to sign is: SecurityToken%3D{quote(TOKEN, safe='')} {SECRET}"
    result = runner.invoke(app, ["smartcall", *with_keys(*CALL_FLAGS, token=TOKEN)])
    assert result.exit_code == 4
    whole = result.stdout + result.stderr
    assert "SignatureDoesNotMatch" in whole
    for spelling in _secret_spellings(SECRET, TOKEN):
        assert spelling not in whole


def test_throttling_is_retried_with_backoff_on_the_clock(
    api: FakeApi, clock: VirtualSyncClock
) -> None:
    api.codes = ["Throttling", "Throttling", "OK"]
    code, out, _err = invoke(*with_keys(*CALL_FLAGS))
    assert code == 0
    assert "after 3 attempts" in out and "116012854210^3" in out
    assert clock.sleeps == [0.375, 0.75]  # 0.5 s doubling, jitter 0.5 at rand 0.5
    nonces = {r.headers["x-acs-signature-nonce"] for r in api.requests}
    assert len(nonces) == 3  # every attempt is signed anew


def test_a_non_retryable_error_is_not_retried(api: FakeApi, clock: VirtualSyncClock) -> None:
    api.codes = ["isv.MOBILE_NUMBER_ILLEGAL"]
    assert invoke(*with_keys(*CALL_FLAGS))[0] == 4
    assert len(api.requests) == 1 and clock.sleeps == []


def test_an_unreachable_endpoint_exits_3() -> None:
    with socket.socket() as probe:  # a port nothing listens on (port 1 may be taken)
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    code, _out, err = invoke(*with_keys(*CALL_FLAGS, "--endpoint", url))
    assert code == 3
    assert f"cannot reach {url}" in err and len(err.strip().splitlines()) == 1


# --- batch --------------------------------------------------------------------------------------


def write_rows(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


ROWS = [
    {"CalledNumber": number, "CalledShowNumber": "057126880000", "VoiceCode": "welcome.wav"}
    for number in ("13800138001", "13800138002", "13800138003")
]


def read_result(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_a_batch_places_every_row_and_resumes_the_failed_ones(api: FakeApi, tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "calls.csv", ROWS)
    api.codes = ["OK", "isv.BUSINESS_LIMIT_CONTROL", "OK"]
    code, out, _err = invoke(*with_keys("--batch", str(rows), "--mute-time", "5000", "--qps", "50"))
    assert code == 4
    result_csv = tmp_path / "calls.result.csv"
    assert [r["Code"] for r in read_result(result_csv)] == [
        "OK",
        "isv.BUSINESS_LIMIT_CONTROL",
        "OK",
    ]
    assert {s["MuteTime"] for s in api.sent()} == {"5000"}  # flags are defaults for every row
    assert "2 placed, 1 failed" in out

    api.codes, api.requests = ["OK"], []
    code, out, _err = invoke(*with_keys("--batch", str(rows), "--mute-time", "5000"))
    assert code == 0
    assert [s["CalledNumber"] for s in api.sent()] == ["13800138002"]
    assert [r["Code"] for r in read_result(result_csv)] == ["OK", "OK", "OK"]
    assert "2 skipped" in out


def test_a_batch_with_parameter_errors_sends_nothing(api: FakeApi, tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "calls.csv", [*ROWS, {**ROWS[0], "CalledNumber": "999"}])
    code, _out, err = invoke(*with_keys("--batch", str(rows), "--result", str(tmp_path / "r.csv")))
    assert code == 1
    assert "row 4:" in err and "number-not-mainland" in err
    assert api.requests == [] and not (tmp_path / "r.csv").exists()


def test_skip_invalid_sends_the_valid_rows_and_reports_the_others(
    api: FakeApi, tmp_path: Path
) -> None:
    bad = {**ROWS[0], "CalledNumber": "999"}
    rows = write_rows(tmp_path / "calls.csv", [ROWS[0], bad, ROWS[1]])
    result_csv = tmp_path / "r.csv"
    args = ("--batch", str(rows), "--result", str(result_csv), "--skip-invalid")
    code, out, err = invoke(*with_keys(*args))
    assert code == 1  # rows were left out: the batch is not all done
    assert "row 2:" in err and "number-not-mainland" in err
    assert [s["CalledNumber"] for s in api.sent()] == [
        ROWS[0]["CalledNumber"],
        ROWS[1]["CalledNumber"],
    ]
    results = read_result(result_csv)
    assert [r["Code"] for r in results] == ["OK", "vcall.INVALID_ROW", "OK"]
    assert "number-not-mainland" in results[1]["Message"]
    assert "1 invalid — not sent" in out
    rows.write_text(rows.read_text(encoding="utf-8").replace("\n999,", "\n13800138009,"), "utf-8")
    code, _out, _err = invoke(*with_keys(*args))  # fixed: a resumed run places only that row
    assert code == 0
    assert [s["CalledNumber"] for s in api.sent()][-1] == "13800138009"
    assert len(api.sent()) == 3


def test_a_batch_summary_as_json(api: FakeApi, tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "calls.csv", ROWS[:1])
    code, out, _err = invoke(*with_keys("--batch", str(rows), "--format", "json"))
    assert code == 0
    assert json.loads(out) == {
        "total": 1,
        "placed": 1,
        "skipped": 0,
        "succeeded": 1,
        "failed": 0,
        "unknown": 0,
        "invalid": 0,
        "result_csv": str(tmp_path / "calls.result.csv"),
        "journal": str(tmp_path / "calls.result.csv.journal"),
    }


def test_batch_qps_is_capped_at_the_platform_limit(api: FakeApi, tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "calls.csv", ROWS)
    code, _out, _err = invoke(*with_keys("--batch", str(rows), "--qps", "1001"))
    assert code == 2 and api.requests == []


# --- against the emulator -----------------------------------------------------------------------


@pytest.fixture
def emulator(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[str, SmartCallEmulator, threading.Semaphore]]:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    finished = threading.Semaphore(0)

    def sink(event: EmulatorEvent) -> None:
        if isinstance(event, CallFinished):
            finished.release()

    config = EmulatorConfig((Credentials(KEY_ID, SECRET),), resolve_target(EXAMPLE_BOT))
    app_under_test = SmartCallEmulator(config, sink=sink)
    with ServerThread(app_under_test) as server:
        yield server.url, app_under_test, finished


@pytest.mark.parametrize("signature", ["v3", "v1"])
def test_a_call_placed_on_the_emulator_is_played_against_the_example_bot(
    emulator: tuple[str, SmartCallEmulator, threading.Semaphore], signature: str
) -> None:
    url, emulated, finished = emulator
    args = with_keys(*CALL_FLAGS, "--endpoint", url, "--signature", signature)
    code, out, err = invoke(*args)
    assert (code, err) == (0, "")
    assert finished.acquire(timeout=20)
    (result,) = emulated.calls.results
    assert f"CallId     {result.call_id}" in out
    assert result.passed and result.end_reason is not None
    assert result.turns[0].callback.content["words"] == "喂，你好，方便的，你说吧"


def test_the_emulator_turns_down_a_wrong_secret(
    emulator: tuple[str, SmartCallEmulator, threading.Semaphore],
) -> None:
    url, emulated, _finished = emulator
    wrong = "wr0ng/S3cr+1x"
    args = ("--access-key-id", KEY_ID, "--access-key-secret", wrong, *CALL_FLAGS, "--endpoint", url)
    result = runner.invoke(app, ["smartcall", *args])
    assert result.exit_code == 4
    error_line, hint_line, request_id_line = result.stderr.strip().splitlines()
    assert "SignatureDoesNotMatch" in error_line
    assert "server string to sign is:ACS3-HMAC-SHA256\\n" in error_line  # kept on one line
    assert spec.SMARTCALL_ERROR_CODES["SignatureDoesNotMatch"].hint in hint_line
    assert request_id_line.startswith("RequestId")
    for spelling in _secret_spellings(wrong):
        assert spelling not in result.stdout + result.stderr
    assert emulated.calls.started == 0


def test_batch_flags_fill_required_columns_for_every_row(api: FakeApi, tmp_path: Path) -> None:
    """The README's example: the CSV has the numbers, --voice-code gives every row's file."""
    rows = write_rows(
        tmp_path / "calls.csv", [{k: v for k, v in r.items() if k != "VoiceCode"} for r in ROWS]
    )
    code, _out, err = invoke(
        *with_keys("--batch", str(rows), "--voice-code", "x.wav", "--qps", "50")
    )
    assert (code, err.count("required column")) == (0, 0)
    assert [s["VoiceCode"] for s in api.sent()] == ["x.wav"] * 3


def test_a_batch_cell_over_128_kib_is_one_line_exit_2(api: FakeApi, tmp_path: Path) -> None:
    rows = write_rows(tmp_path / "calls.csv", [{**ROWS[0], "VoiceCode": "x" * 140_000}])
    code, _out, err = invoke(*with_keys("--batch", str(rows)))
    assert code == 2
    assert err.strip() == f"error: {rows}:2: a cell is longer than 128 KiB"
    assert api.requests == []


def test_a_deep_profile_file_is_one_line_exit_2(api: FakeApi, clean_environment: Path) -> None:
    path = clean_environment / ".aliyun" / "config.json"
    path.parent.mkdir()
    path.write_text('{"profiles": [\n' + "[" * 100_000 + "]" * 100_000 + "]}", encoding="utf-8")
    code, _out, err = invoke(*CALL_FLAGS)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "config.json:2: nested more than" in err


def test_a_profile_file_with_a_huge_number_is_one_line_exit_2(
    api: FakeApi, clean_environment: Path
) -> None:
    path = clean_environment / ".aliyun" / "config.json"
    path.parent.mkdir()
    path.write_text('{"profiles": [], "x": ' + "9" * 10_000 + "}", encoding="utf-8")
    code, _out, err = invoke(*CALL_FLAGS)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "config.json: not valid JSON" in err


@pytest.mark.parametrize("suffix", ["yaml", "json"])
def test_a_params_file_with_a_huge_number_is_file_line_exit_2(
    api: FakeApi, tmp_path: Path, suffix: str
) -> None:
    path = tmp_path / f"params.{suffix}"
    text = {"yaml": "VoiceCode: a.wav\nCalledNumber: ", "json": '{"VoiceCode": "a.wav",\n"x": '}
    path.write_text(text[suffix] + "9" * 100_000 + ("}" if suffix == "json" else "\n"))
    code, _out, err = invoke(*with_keys("--params-file", str(path), "--dry-run"))
    assert code == 2
    assert err.strip() == f"error: {path}:2: an integer of 100000 digits is too long (at most 100)"


@pytest.mark.parametrize("source", ["flags", "environment", "profile"])
def test_the_sts_token_echoed_twice_encoded_never_reaches_the_result_csv(
    api: FakeApi,
    tmp_path: Path,
    source: str,
    clean_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = "STS.NUgYrLnoC37mZZCNvAbN1jB5+Lv6yBFXXQg/ZT3ERx8nbGY=="
    string_to_sign = "POST&%2F&" + quote(f"SecurityToken={quote(token, safe='~')}&Timestamp=1")
    api.codes, api.message = ["SignatureDoesNotMatch"], f"server string to sign is:{string_to_sign}"
    rows = write_rows(tmp_path / "calls.csv", ROWS[:1])
    args = ("--batch", str(rows), "--signature", "v1")
    if source == "flags":
        args = with_keys(*args, token=token)
    elif source == "environment":
        monkeypatch.setenv(spec.ENV_ACCESS_KEY_ID, ENV_KEY_ID)
        monkeypatch.setenv(spec.ENV_ACCESS_KEY_SECRET, "env-secret")
        monkeypatch.setenv(spec.ENV_SECURITY_TOKEN, token)
    else:
        path = clean_environment / ".aliyun" / "config.json"
        path.parent.mkdir()
        profile = {"name": "default", "mode": "StsToken", "access_key_id": PROFILE_KEY_ID}
        profile |= {"access_key_secret": "p-secret", "sts_token": token}
        path.write_text(json.dumps({"current": "default", "profiles": [profile]}), "utf-8")
    code, out, err = invoke(*args)
    assert code == 4
    written = (tmp_path / "calls.result.csv").read_text("utf-8")
    journal = (tmp_path / "calls.result.csv.journal").read_text("utf-8")
    for text in (written, journal, out, err):
        for spelling in _secret_spellings(token):
            assert spelling[6:30] not in text
    assert "server string to sign is:POST&%2F&SecurityToken%3D****%26Timestamp%3D1" in written


def test_ctrl_c_during_a_batch_says_what_was_done(
    api: FakeApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = write_rows(tmp_path / "calls.csv", ROWS)
    real_handle = api.handle

    def interrupted_on_the_second(request: httpx.Request) -> httpx.Response:
        if len(api.requests) == 1:
            api.requests.append(request)
            raise KeyboardInterrupt
        return real_handle(request)

    monkeypatch.setattr(api, "handle", interrupted_on_the_second)
    code, _out, err = invoke(*with_keys("--batch", str(rows), "--qps", "50"))
    assert code == 130
    assert "interrupted: 1 placed, 0 failed · 1 unknown — not redialled" in err
    code, _out, err = invoke(*with_keys("--batch", str(rows), "--qps", "50"))
    assert [s["CalledNumber"] for s in api.sent()] == ["13800138001", "13800138002", "13800138003"]
    assert code == 3 and "1 unknown — not redialled" in _out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 50_000 + "]" * 50_000, ":1: nested more than 32 levels deep"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(
                f"{n}: &{n} [{', '.join([f'*{p}'] * 9)}]\n"
                for p, n in zip("abcdefgh", "bcdefghi", strict=True)
            )
            + "VoiceCodeParam: *i\n",
            ":2: aliases (*name) are not allowed",
        ),
    ],
)
def test_a_hostile_params_file_is_one_line_exit_2(
    api: FakeApi, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "call.yaml"
    path.write_text(text, encoding="utf-8")
    code, _out, err = invoke(*with_keys("--params-file", str(path), "--dry-run"))
    assert (code, err.strip()) == (2, f"error: {path}{message}")
