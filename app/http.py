"""HTTP conventions every router reuses: ETag/If-Match, and the limits every request meets
before routing (no NUL in the URL, a bounded body)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header, Request, Response
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.domain.problems import PRECONDITION_FAILED, TOO_LARGE, VALIDATION, FieldError
from app.problems import problem, respond

# --- optimistic concurrency -------------------------------------------------------------


def etag(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


IfMatchHeader = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=200,
        description='The `version` last read, as `"<version>"`; a stale one → 412.',
    ),
]


_VERSION_TAG = re.compile(r'"([0-9]{1,10})"')


def expected_version(if_match: str | None) -> int | None:
    """The version an ``If-Match`` header asks for; None when absent or ``*``.

    An entity tag that cannot name a version (weak, malformed) never matches: 412.
    """
    if if_match is None or if_match.strip() == "*":
        return None
    for tag in (t.strip() for t in if_match.split(",")):
        match = _VERSION_TAG.fullmatch(tag)
        if match is not None:
            return int(match[1])
    raise PRECONDITION_FAILED(f"If-Match {if_match!r} does not name a version")


# --- text the database cannot store -----------------------------------------------------


NUL_DETAIL = "文本不能包含 NUL 字符。Text must not contain a NUL character."


class RefuseNulMiddleware:
    """A NUL in the path or the query string is 422 before anything reads it: PostgreSQL text
    cannot hold one, so it must never reach a statement. Bodies are checked by their schemas."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and (
            "\x00" in scope["path"] or b"%00" in scope.get("query_string", b"")
        ):
            where = "query" if "\x00" not in scope["path"] else "path"
            response = problem(
                VALIDATION,
                "the request is not valid; see errors",
                errors=[FieldError((where,), "text must not contain a NUL character")],
            )
            # the human pages answer with an HTML page of the same status
            answer = respond(Request(scope, receive), response, NUL_DETAIL)
            await answer(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Reads no more of a body than ``max_bytes`` (413 ``request.too_large``): refused at once
    on its Content-Length, or as soon as a streamed body passes the limit — then whoever reads
    it gets an HTTPException(413), which the application answers as the problem."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.detail = f"the request body is larger than {max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await problem(TOO_LARGE, self.detail)(scope, receive, send)
                return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise HTTPException(413, self.detail)
            return message

        await self.app(scope, counting_receive, send)
