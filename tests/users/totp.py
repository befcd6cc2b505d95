"""Codes of an authenticator app (RFC 6238: HMAC-SHA1, 30-second steps, six digits), for the
tests that set up and use a second factor."""

import base64
import hashlib
import hmac
import time


def totp_code(secret: str, at: float | None = None) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 10**6:06d}"
