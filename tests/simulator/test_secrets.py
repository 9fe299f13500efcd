"""The one masking function: every encoding, prefixes and fragments, short dummies left alone."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vcall.simulator import secrets
from vcall.simulator.secrets import (
    MASK,
    MIN_FRAGMENT_LENGTH,
    MaskingStream,
    SecretRegistry,
)

TOKEN = "STS.NUgYrLnoC37mZZCNvAbN1jB5+Lv6yBFXXQg/ZT3ERx8nbGY==" + "Kq7/Zb+3x" * 20
ENCODINGS: dict[str, Callable[[str], str]] = {
    "raw": lambda s: s,
    "percent": lambda s: quote(s, safe="~"),
    "percent twice": lambda s: quote(quote(s, safe="~"), safe="~"),
    "percent, lower-case hex": lambda s: quote(s, safe="~").replace("%2B", "%2b"),
    "quote_plus": quote_plus,
    "quote_plus twice": lambda s: quote_plus(quote_plus(s)),
    "base64": lambda s: base64.b64encode(s.encode()).decode(),
    "urlsafe base64": lambda s: base64.urlsafe_b64encode(s.encode()).decode(),
    "base64 inside base64": lambda s: base64.b64encode(b"k=" + s.encode()).decode(),
}

secret_text = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")),
    min_size=secrets.MIN_SECRET_LENGTH,
    max_size=80,
).filter(lambda s: len(s.strip()) >= secrets.MIN_SECRET_LENGTH)
surrounding = st.text(alphabet=" ,:;\"'<>()[]{}\n\t中文…", max_size=20)


def leaked_stretches(masked: str, form: str) -> list[str]:
    """Stretches of ``form`` (at least the fragment length) still readable in ``masked``."""
    size = MIN_FRAGMENT_LENGTH
    return [
        masked[i : i + size] for i in range(len(masked) - size + 1) if masked[i : i + size] in form
    ]


def own_part(encoding: str, form: str) -> str:
    """The part of an encoded secret that depends on the secret alone: a base64 text's first
    and last characters also depend on the bytes around it."""
    return form[4:-4] if "base64" in encoding else form


@settings(max_examples=400, deadline=None)
@given(
    secret=secret_text,
    encoding=st.sampled_from(sorted(ENCODINGS)),
    cut=st.tuples(st.integers(0, 400), st.integers(0, 400)),
    before=surrounding,
    after=surrounding,
)
def test_no_encoding_prefix_or_fragment_of_a_secret_survives(
    secret: str, encoding: str, cut: tuple[int, int], before: str, after: str
) -> None:
    registry = SecretRegistry()
    registry.register(secret)
    form = ENCODINGS[encoding](secret)
    start, length = sorted(cut)
    piece = form[start : start + max(length, MIN_FRAGMENT_LENGTH)]
    masked = registry.mask(f"{before}{piece}{after}")
    assert leaked_stretches(masked, own_part(encoding, form)) == []
    if len(piece) >= MIN_FRAGMENT_LENGTH and encoding in ("raw", "percent", "quote_plus"):
        assert MASK in masked


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_a_long_token_in_any_encoding_is_masked(encoding: str) -> None:
    registry = SecretRegistry()
    registry.register(TOKEN)
    form = ENCODINGS[encoding](TOKEN)
    masked = registry.mask(f"string to sign is:{form}&Timestamp=2026")
    assert leaked_stretches(masked, own_part(encoding, form)) == []
    assert masked.startswith("string to sign is:")
    assert masked.endswith("&Timestamp=2026")


def test_a_truncated_token_is_still_masked() -> None:
    """The API's HTML error page echoed the token; vcall quoted its first 120 characters."""
    registry = SecretRegistry()
    registry.register(TOKEN)
    page = f"<html><body>Bad request: token={quote(TOKEN, safe='~')}</body></html>"
    quoted = page[:120]
    masked = registry.mask(quoted)
    assert quote(TOKEN, safe="~")[:20] not in masked
    assert leaked_stretches(masked, quote(TOKEN, safe="~")) == []
    assert masked.startswith("<html><body>Bad request: token=")


def test_short_dummy_keys_are_never_masked_and_urls_keep_their_host() -> None:
    registry = SecretRegistry()
    registry.register("a", "ht", "dyvm", "secret7")  # all shorter than MIN_SECRET_LENGTH
    url = "https://dyvmsapi.aliyuncs.com/?AccessKeyId=ht&Action=SmartCall"
    assert registry.mask(url) == url
    assert not registry


def test_a_fragment_never_masks_a_urls_scheme_or_host() -> None:
    registry = SecretRegistry()
    registry.register("aliyuncs.com-K9x2")
    text = "POST https://dyvmsapi.aliyuncs.com/?x=1 key aliyuncs.com-K9x2"
    assert registry.mask(text) == f"POST https://dyvmsapi.aliyuncs.com/?x=1 key {MASK}"


@pytest.mark.parametrize(
    "text",
    [
        "POST&%2F&AccessKeyId%3DLTAI%26SecurityToken%3Dnever-seen-tok%26Timestamp%3D1",
        "x-acs-security-token: never-seen-tok",
        '{"sts_token": "never-seen-tok", "region_id": "cn-hangzhou"}',
        "AccessKeySecret=never-seen-tok&x=1",
    ],
)
def test_values_named_like_secrets_are_masked_even_when_unknown(text: str) -> None:
    masked = SecretRegistry().mask(text)
    assert "never-seen-tok" not in masked
    assert MASK in masked


def test_masking_is_idempotent_and_leaves_other_text_alone() -> None:
    registry = SecretRegistry()
    registry.register(TOKEN)
    text = f"call 13800138000 placed; token {TOKEN}; 你好"
    once = registry.mask(text)
    assert registry.mask(once) == once
    assert once == f"call 13800138000 placed; token {MASK}; 你好"


def test_bytes_that_are_not_utf8_pass_through() -> None:
    registry = SecretRegistry()
    registry.register(TOKEN)
    data = b"\xff\xfe" + TOKEN.encode() + b"\x00"
    assert registry.mask_bytes(data) == b"\xff\xfe" + MASK.encode() + b"\x00"


def test_the_stream_masks_a_secret_split_over_two_writes() -> None:
    registry = SecretRegistry()
    registry.register(TOKEN)
    out = io.StringIO()
    stream = MaskingStream(out, registry)  # type: ignore[arg-type]
    stream.write("token " + TOKEN[:40])
    stream.write(TOKEN[40:] + " done\nnext")
    assert out.getvalue() == f"token {MASK} done\n"
    stream.flush()
    assert out.getvalue().endswith("next")


def test_writelines_is_masked_too() -> None:
    registry = SecretRegistry()
    registry.register(TOKEN)
    out = io.StringIO()
    MaskingStream(out, registry).writelines([f"a {TOKEN}\n", "b\n"])  # type: ignore[arg-type]
    assert out.getvalue() == f"a {MASK}\nb\n"
