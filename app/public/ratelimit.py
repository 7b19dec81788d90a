"""Rate limits of the public surface, per client address (docs/api.md, The public surface).

Fixed windows: ``STARCERT_PUBLIC_RATE_LIMIT`` requests per period and address. In-process by
default; with ``STARCERT_REDIS_URL`` every API process counts in Redis, so they share one
budget. ``/public/*`` and the ``/verify`` pages are limited (a batch verify is one request);
nothing else is. Responses carry ``RateLimit-Limit``, ``RateLimit-Remaining`` and
``RateLimit-Reset``; over the limit the answer is 429 with ``Retry-After``.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import redis.asyncio as aioredis
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Network, RateLimit
from app.paths import RATE_LIMITED_PREFIXES

log = logging.getLogger("starcert.ratelimit")


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_after: int  # seconds until the window ends

    def headers(self) -> list[tuple[bytes, bytes]]:
        return [
            (b"ratelimit-limit", str(self.limit).encode()),
            (b"ratelimit-remaining", str(self.remaining).encode()),
            (b"ratelimit-reset", str(self.reset_after).encode()),
        ]


class Counter(Protocol):
    async def hit(self, key: str, window: int, period: int) -> int:
        """Count one request of ``key`` in ``window``; the count so far."""
        ...

    async def close(self) -> None: ...


class MemoryCounter:
    """Counts of the current window only: a new window starts from an empty table."""

    def __init__(self) -> None:
        self._window = -1
        self._counts: dict[str, int] = {}

    async def hit(self, key: str, window: int, period: int) -> int:
        if window != self._window:
            self._window, self._counts = window, {}
        count = self._counts.get(key, 0) + 1
        self._counts[key] = count
        return count

    async def close(self) -> None:
        self._counts.clear()


class RedisCounter:
    """INCR and EXPIRE in one round trip; every process sees the same counts."""

    def __init__(self, url: str) -> None:
        self._redis = aioredis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    async def hit(self, key: str, window: int, period: int) -> int:
        name = f"starcert:ratelimit:{key}:{window}"
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.incr(name)
            pipe.expire(name, period + 1)
            count, _ = await pipe.execute()
        return int(count)

    async def close(self) -> None:
        await self._redis.aclose()


class Limiter:
    def __init__(
        self,
        rate: RateLimit,
        counter: Counter,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.rate = rate
        self.counter = counter
        self.clock = clock

    async def check(self, key: str) -> Decision:
        now = self.clock()
        period = self.rate.period_seconds
        window = int(now // period)
        reset_after = max(1, math.ceil((window + 1) * period - now))
        try:
            count = await self.counter.hit(key, window, period)
        except (RedisError, OSError) as exc:  # fail open: verification stays available
            log.warning("rate limit store unavailable, not limiting: %s", exc)
            return Decision(True, self.rate.limit, self.rate.limit, reset_after)
        remaining = max(0, self.rate.limit - count)
        return Decision(count <= self.rate.limit, self.rate.limit, remaining, reset_after)


def client_address(scope: Scope, trusted: Sequence[Network]) -> str:
    """The socket peer; behind a trusted proxy, the right-most X-Forwarded-For address that
    is not itself a trusted proxy."""
    client = scope.get("client")
    peer = str(client[0]) if client else "unknown"
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded: list[str] = [
        part.strip()
        for name, value in scope["headers"]
        if name == b"x-forwarded-for"
        for part in value.decode("latin-1").split(",")
    ]
    for address in reversed(forwarded):
        if address and not _is_trusted(address, trusted):
            return address
    return forwarded[0] if forwarded and forwarded[0] else peer


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


Refusal = Callable[[Decision, Scope], tuple[int, list[tuple[bytes, bytes]], bytes]]


class RateLimitMiddleware:
    """Pure ASGI, so the hot path pays one dictionary update (or one Redis round trip)."""

    def __init__(
        self, app: ASGIApp, limiter: Limiter, trusted: Sequence[Network], refuse: Refusal
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.trusted = tuple(trusted)
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(RATE_LIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        decision = await self.limiter.check(client_address(scope, self.trusted))
        if not decision.allowed:
            status, headers, body = self.refuse(decision, scope)
            headers = [
                *headers,
                *decision.headers(),
                (b"retry-after", str(decision.reset_after).encode()),
            ]
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        extra = decision.headers()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
