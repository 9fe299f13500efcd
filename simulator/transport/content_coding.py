"""Undoing a response's ``Content-Encoding``, the one way both senders do it, in bounded memory.

Both HTTP clients (``delivery.HttpxSender`` and the load path's ``HttpSender``) read the raw body
and pass it through a :class:`BodyDecoder`, so a server is judged the same whichever runs:
``gzip``/``x-gzip``, ``deflate`` (zlib-wrapped or raw, as servers send both), ``identity`` and
stacked codings (``gzip, gzip`` is undone last first). Anything else — ``br``, ``zstd``,
``compress`` — is an :class:`EncodingError` ("unsupported encoding br"): vcall asks for
``gzip, deflate`` only. The decoded output stops one byte past ``limit`` (a decompression bomb
costs at most the limit), and each step decompresses at most ``PIECE`` bytes at a time.
"""

from __future__ import annotations

import zlib

ACCEPTED = "gzip, deflate"
"""What vcall sends as ``Accept-Encoding``."""
PIECE = 64 * 1024
_GZIP = zlib.MAX_WBITS | 16
_CODINGS = {"gzip": _GZIP, "x-gzip": _GZIP, "deflate": zlib.MAX_WBITS}


class EncodingError(Exception):
    """The body cannot be decoded: an unsupported coding or corrupt compressed data."""


class _Stage:
    """One coding to undo; ``deflate`` falls back to raw deflate when the zlib header is absent."""

    __slots__ = ("decompressor", "fed", "name")

    def __init__(self, name: str) -> None:
        self.name = name
        self.decompressor = zlib.decompressobj(_CODINGS[name])
        self.fed = 0
        """Input bytes taken so far: a zlib header is told from raw deflate in the first two."""

    def decompress(self, data: bytes) -> tuple[bytes, bytes]:
        """Up to ``PIECE`` bytes of output, and the input not consumed yet."""
        try:
            out = self.decompressor.decompress(data, PIECE)
        except zlib.error as error:
            if self.name != "deflate" or self.fed >= 2:
                raise EncodingError(f"the {self.name} body is corrupt: {error}") from None
            self.decompressor = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, no header
            self.fed = 2
            return self.decompress(data)
        tail = self.decompressor.unconsumed_tail
        self.fed += len(data) - len(tail)
        return out, tail

    def flush(self) -> bytes:
        try:
            return self.decompressor.flush()
        except zlib.error as error:
            raise EncodingError(f"the {self.name} body is corrupt: {error}") from None


class BodyDecoder:
    """Feed it the raw body in pieces; ``size``, ``over_limit`` and the decoded ``chunks``."""

    __slots__ = ("chunks", "limit", "over_limit", "size", "stages")

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        self.stages = _stages(content_encoding)
        self.limit = limit
        self.chunks: list[bytes] = []
        self.size = 0
        self.over_limit = False

    @property
    def identity(self) -> bool:
        return not self.stages

    def feed(self, data: bytes) -> None:
        """Decode ``data``; raises :class:`EncodingError`. Once over the limit, input is ignored."""
        if not self.over_limit and data:
            self._push(0, data)

    def finish(self) -> None:
        """The body is complete: decode what the decompressors still hold."""
        for index, stage in enumerate(self.stages):
            if self.over_limit:
                return
            out = stage.flush()
            if out:
                self._push(index + 1, out)

    def body(self) -> bytes:
        """What was decoded, at most ``limit + 1`` bytes."""
        chunks = self.chunks
        body = chunks[0] if len(chunks) == 1 else b"".join(chunks)
        return body[: self.limit + 1] if self.over_limit else body

    def _push(self, index: int, data: bytes) -> None:
        if index == len(self.stages):
            self._keep(data)
            return
        stage = self.stages[index]
        while data and not self.over_limit:
            out, data = stage.decompress(data)
            if out:
                self._push(index + 1, out)

    def _keep(self, data: bytes) -> None:
        self.chunks.append(data)
        self.size += len(data)
        if self.size > self.limit:
            self.over_limit = True


def _stages(content_encoding: str | None) -> list[_Stage]:
    """The codings to undo, in the order to undo them (the last one applied first)."""
    if not content_encoding:
        return []
    names = [name.strip().lower() for name in content_encoding.split(",")]
    names = [name for name in names if name and name != "identity"]
    for name in names:
        if name not in _CODINGS:
            raise EncodingError(f"unsupported encoding {name} (vcall accepts {ACCEPTED})")
    return [_Stage(name) for name in reversed(names)]
