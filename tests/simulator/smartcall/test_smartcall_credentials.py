"""The credential chain: flags, environment, profile file; precedence; errors; masking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vcall.simulator.errors import CredentialsError
from vcall.simulator.smartcall.credentials import (
    Credentials,
    mask_access_key_id,
    resolve_credentials,
)

ENV_ID = "ALIBABA_CLOUD_ACCESS_KEY_ID"
ENV_SECRET = "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
ENV_TOKEN = "ALIBABA_CLOUD_SECURITY_TOKEN"
ENV_PROFILE = "ALIBABA_CLOUD_PROFILE"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in (ENV_ID, ENV_SECRET, ENV_TOKEN, ENV_PROFILE):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def write_config(home: Path, document: object) -> Path:
    path = home / ".aliyun" / "config.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


PROFILES = {
    "current": "default",
    "profiles": [
        {
            "name": "default",
            "mode": "AK",
            "access_key_id": "LTAIdefault0001",
            "access_key_secret": "default-secret",
            "region_id": "cn-hangzhou",
        },
        {
            "name": "ops",
            "mode": "StsToken",
            "access_key_id": "STS.opsid00002",
            "access_key_secret": "ops-secret",
            "sts_token": "ops-token",
        },
    ],
}
ENVIRONMENT = {ENV_ID: "LTAIenvironment3", ENV_SECRET: "env-secret"}


def test_flags(home: Path) -> None:
    creds = resolve_credentials(access_key_id="LTAIflag", access_key_secret="flag-secret")
    assert (creds.access_key_id, creds.access_key_secret, creds.source) == (
        "LTAIflag",
        "flag-secret",
        "flags",
    )


def test_flags_win_over_environment_and_profile(home: Path) -> None:
    write_config(home, PROFILES)
    creds = resolve_credentials(
        access_key_id="LTAIflag",
        access_key_secret="flag-secret",
        security_token="flag-token",
        environ={**ENVIRONMENT, "HOME": str(home)},
    )
    assert creds.access_key_id == "LTAIflag"
    assert creds.security_token == "flag-token"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"access_key_id": "LTAIflag"}, "--access-key-id given without --access-key-secret"),
        ({"access_key_secret": "s"}, "--access-key-secret given without --access-key-id"),
        ({"security_token": "t"}, "--security-token given without --access-key-id"),
    ],
)
def test_half_given_flags_are_an_error(home: Path, given: dict[str, str], message: str) -> None:
    with pytest.raises(CredentialsError, match=message):
        resolve_credentials(**given)  # type: ignore[arg-type]


def test_environment(home: Path) -> None:
    environ = {**ENVIRONMENT, ENV_TOKEN: "env-token", "HOME": str(home)}
    creds = resolve_credentials(environ=environ)
    assert creds == Credentials("LTAIenvironment3", "env-secret", "env-token", "environment")


def test_environment_wins_over_profile_file(home: Path) -> None:
    write_config(home, PROFILES)
    creds = resolve_credentials(environ={**ENVIRONMENT, "HOME": str(home)})
    assert creds.source == "environment"


def test_environment_with_only_the_id_is_an_error(home: Path) -> None:
    with pytest.raises(CredentialsError, match=f"{ENV_ID} is set but {ENV_SECRET} is not"):
        resolve_credentials(environ={ENV_ID: "LTAIx", "HOME": str(home)})


def test_current_profile_of_the_config_file(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(home, PROFILES)
    creds = resolve_credentials()  # the real os.environ, with HOME patched
    assert creds.access_key_id == "LTAIdefault0001"
    assert creds.security_token is None
    assert creds.source == "profile default in ~/.aliyun/config.json"


def test_profile_named_by_environment(home: Path) -> None:
    write_config(home, PROFILES)
    creds = resolve_credentials(environ={ENV_PROFILE: "ops", "HOME": str(home)})
    assert (creds.access_key_id, creds.security_token) == ("STS.opsid00002", "ops-token")
    assert creds.source == "profile ops in ~/.aliyun/config.json"


def test_explicit_profile_does_not_beat_the_environment(home: Path) -> None:
    write_config(home, PROFILES)
    environ = {**ENVIRONMENT, "HOME": str(home)}
    creds = resolve_credentials(profile="ops", environ=environ)
    assert (creds.access_key_id, creds.source) == ("LTAIenvironment3", "environment")


def test_explicit_profile_wins_over_profile_named_by_environment(home: Path) -> None:
    write_config(home, PROFILES)
    environ = {ENV_PROFILE: "default", "HOME": str(home)}
    creds = resolve_credentials(profile="ops", environ=environ)
    assert creds.access_key_id == "STS.opsid00002"


def test_explicit_profile_wins_over_current_profile(home: Path) -> None:
    write_config(home, PROFILES)
    creds = resolve_credentials(profile="ops", environ={"HOME": str(home)})
    assert creds.source == "profile ops in ~/.aliyun/config.json"


def test_flags_win_over_explicit_profile(home: Path) -> None:
    write_config(home, PROFILES)
    creds = resolve_credentials(
        access_key_id="LTAIflag",
        access_key_secret="flag-secret",
        profile="ops",
        environ={"HOME": str(home)},
    )
    assert creds.source == "flags"


def test_explicit_config_path(tmp_path: Path, home: Path) -> None:
    path = tmp_path / "elsewhere.json"
    path.write_text(json.dumps(PROFILES), encoding="utf-8")
    creds = resolve_credentials(environ={}, config_path=path, profile="ops")
    assert creds.access_key_secret == "ops-secret"
    assert creds.source == "profile ops in ~/elsewhere.json"  # HOME is tmp_path


def test_nothing_found_names_the_three_places(home: Path) -> None:
    with pytest.raises(CredentialsError) as caught:
        resolve_credentials(environ={"HOME": str(home)})
    message = str(caught.value)
    assert "\n" not in message
    for place in ("--access-key-id", ENV_ID, ENV_SECRET, "~/.aliyun/config.json"):
        assert place in message


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("{not json", r"~/\.aliyun/config\.json: not valid JSON \(line 1"),
        ('["a"]', r"~/\.aliyun/config\.json: expected an object"),
        (json.dumps({"current": "gone", "profiles": []}), "no profile named 'gone'"),
        (
            json.dumps({"current": "r", "profiles": [{"name": "r", "mode": "RamRoleArn"}]}),
            "uses mode RamRoleArn, which vcall does not support",
        ),
        (
            json.dumps({"current": "e", "profiles": [{"name": "e", "mode": "AK"}]}),
            "profile 'e' has no access_key_id/access_key_secret",
        ),
        (
            json.dumps(
                {
                    "current": "s",
                    "profiles": [
                        {
                            "name": "s",
                            "mode": "StsToken",
                            "access_key_id": "a",
                            "access_key_secret": "b",
                        }
                    ],
                }
            ),
            "has mode StsToken but no sts_token",
        ),
    ],
)
def test_malformed_config_names_the_file(home: Path, document: str, message: str) -> None:
    path = home / ".aliyun" / "config.json"
    path.parent.mkdir()
    path.write_text(document, encoding="utf-8")
    with pytest.raises(CredentialsError, match=message):
        resolve_credentials(environ={"HOME": str(home)})


def test_asked_for_profile_without_a_file(home: Path) -> None:
    with pytest.raises(CredentialsError, match="profile 'ops' was asked for but"):
        resolve_credentials(profile="ops", environ={"HOME": str(home)})


def test_repr_and_str_mask_secret_and_token() -> None:
    creds = Credentials("LTAI5tQ8exampleKey1234", "very-secret-value", "sts-token-value", "flags")
    for text in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert "very-secret-value" not in text
        assert "sts-token-value" not in text
        assert "LTAI5tQ8exampleKey1234" not in text
        assert "LTAI****1234" in text


def test_mask_access_key_id() -> None:
    assert mask_access_key_id("LTAI5tQ8exampleKey1234") == "LTAI****1234"
    assert mask_access_key_id("testid") == "te****"
