"""API tokens: generated here, shown once, stored only as a SHA-256 hash.

Tokens carry 256 bits of randomness, so a fast hash is the right tool (a password hash
would only slow every request down without adding safety). The visible ``prefix`` lets a
user tell keys apart without revealing the secret part.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

TOKEN_SCHEME = "sct"  # noqa: S105 - the visible scheme part of every token, not a secret
BOOTSTRAP_PREFIX = "bootstrap"


@dataclass(frozen=True, slots=True)
class NewToken:
    token: str
    prefix: str
    token_hash: str


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> NewToken:
    prefix = f"{TOKEN_SCHEME}_{secrets.token_hex(4)}"
    token = f"{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(token=token, prefix=prefix, token_hash=hash_token(token))


def bootstrap_token(token: str) -> NewToken:
    """The operator's own token from ``STARCERT_BOOTSTRAP_ADMIN_TOKEN``; no part is shown."""
    return NewToken(token=token, prefix=BOOTSTRAP_PREFIX, token_hash=hash_token(token))
