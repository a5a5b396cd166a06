"""Slack's request signature, checked on the raw bytes before anything parses them.

Bolt checks signatures too, but only after it has read the whole body into memory,
decoded it and parsed it, and it logs the whole body of a badly signed request. In HTTP
mode `slackbot.server` calls `read_signed_body` first, so a request that Slack did not
sign costs a hash over the body in 64 KiB pieces and one short log line, nothing more.

The rules (api.slack.com/authentication/verifying-requests-from-slack):
`X-Slack-Request-Timestamp` is whole seconds since the epoch, within five minutes of now;
`X-Slack-Signature` is `v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{raw body}`
keyed with the signing secret. Slack's bodies are UTF-8.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from typing import BinaryIO

# The largest body orgbot reads, in bytes. Slack publishes no maximum; the largest payload
# a Slack surface can produce is a view_submission (or a block_actions from a modal or the
# Home tab) carrying a 100-block view: with every input at its 3000-character limit and
# labels and hints at 2000, that is 1.2 MB of form-encoded JSON in ASCII and 9.3 MB when
# every character is CJK (percent-encoded UTF-8). 16 MiB leaves room above that; see
# docs/operations.md, "Hostile requests".
MAX_BODY_BYTES = 16 * 1024 * 1024
# How far the timestamp may be from now, in seconds (Slack's own rule: five minutes).
MAX_CLOCK_SKEW = 5 * 60

_CHUNK = 64 * 1024
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass(frozen=True)
class SignedBody:
    """The outcome of `read_signed_body`: the body when Slack signed it, else why not."""

    body: bytes | None
    refusal: str = ""

    @property
    def ok(self) -> bool:
        return self.body is not None


def check_headers(*, timestamp: str | None, signature: str | None, now: float) -> str:
    """Why the signature headers cannot belong to a request from Slack, or "" when they may.

    Checked before the body is read: a missing, malformed (`abc`, empty, `1.5`) or stale
    timestamp, or a signature that is not `v0=` and 64 hex digits.
    """
    if not timestamp:
        return "no timestamp"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "malformed timestamp"
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW:
        return "stale timestamp"
    if not signature:
        return "no signature"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed signature"
    return ""


def read_signed_body(
    stream: BinaryIO,
    length: int,
    *,
    secret: str,
    timestamp: str | None,
    signature: str | None,
    now: float,
) -> SignedBody:
    """Read `length` bytes of `stream` and return them only if Slack signed them.

    The body is hashed as it is read. When the stream can seek back (waitress's body
    buffers can), nothing is kept while hashing, so a badly signed body is never held in
    memory; it is read again only once the signature matched.

    Args:
        stream: the request body (`wsgi.input`).
        length: its Content-Length, at most `MAX_BODY_BYTES` (the server enforces that).
        secret: the signing secret.
        timestamp: the `X-Slack-Request-Timestamp` header as sent.
        signature: the `X-Slack-Signature` header as sent.
        now: the current time, in seconds since the epoch.

    Returns:
        The body, or a short refusal reason ("bad signature", "not UTF-8", ...) that is
        safe to log: it never contains anything the sender wrote.
    """
    refusal = check_headers(timestamp=timestamp, signature=signature, now=now)
    if refusal:
        return SignedBody(None, refusal)
    if length > MAX_BODY_BYTES:
        return SignedBody(None, "body too large")
    mac = hmac.new(secret.encode(), f"v0:{timestamp}:".encode(), hashlib.sha256)
    start = _position(stream)
    kept: list[bytes] | None = None if start is not None else []
    remaining = length
    while remaining > 0:
        chunk = stream.read(min(remaining, _CHUNK))
        if not chunk:
            break
        mac.update(chunk)
        remaining -= len(chunk)
        if kept is not None:
            kept.append(chunk)
    if remaining or not hmac.compare_digest(f"v0={mac.hexdigest()}", signature or ""):
        return SignedBody(None, "bad signature")
    if kept is None:
        stream.seek(start)
        body = stream.read(length)
    else:
        body = b"".join(kept)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return SignedBody(None, "not UTF-8")
    return SignedBody(body)


def _position(stream: BinaryIO) -> int | None:
    """Where a seekable stream is now, or None if it cannot seek back there."""
    try:
        if not stream.seekable():
            return None
        return stream.tell()
    except (AttributeError, OSError, ValueError):
        return None
