"""The served OpenAPI document as the judge of every response the tests provoke.

``Recorder`` wraps the application under test. For each response it finds the operation
(the matched route's template and the method) and checks, against the document the service
serves:

- the status is documented for the operation;
- a JSON body (``application/json`` or ``application/problem+json``) validates against the
  documented schema — closed: a field the schema does not name is a violation, so a record
  built by hand (the public lookup, search and batch verify write dicts with orjson) cannot
  drift from the model that documents it;
- a problem's ``code`` is one the operation documents for that status (the enum in its
  schema), so a route cannot raise a code it does not declare.

Violations are kept on the recorder; the ``client`` fixture fails the test that provoked them.
Every (operation, code) seen is also kept for the session, so the documented codes no test
provokes can be listed (``unprovoked``).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.main import create_app
from app.openapi import documented_codes, implied

JSON_TYPES = ("application/json", "application/problem+json")
METHODS = ("get", "put", "post", "patch", "delete", "head")
# problem bodies may carry extension members (RFC 9457 §3.2): the Problem schema stays open
OPEN = frozenset({"Problem"})


@cache
def document() -> dict[str, Any]:
    """The OpenAPI document the service serves (the same for every configuration)."""
    # no database is opened: the document depends on the routes alone
    app = create_app(Settings(database_url="sqlite:///unused-for-the-openapi-document.db"))
    served: dict[str, Any] = app.openapi()
    return served


@cache
def _components() -> dict[str, Any]:
    """The document's schemas, each object schema closed to fields it does not name."""
    components = copy.deepcopy(document()["components"])
    for name, schema in components["schemas"].items():
        if name not in OPEN:
            for part in _objects(schema):
                part.setdefault("additionalProperties", False)
    return components


def _objects(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        if "properties" in schema:
            yield schema
        for value in schema.values():
            yield from _objects(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _objects(value)


@cache
def _validator(path: str, method: str, status: str, media: str) -> Draft202012Validator | None:
    responses = document()["paths"][path][method]["responses"]
    content = responses[status].get("content", {})
    schema = content.get(media, {}).get("schema")
    if schema is None:
        return None
    return Draft202012Validator({**schema, "components": _components()})


@dataclass(frozen=True)
class Seen:
    path: str
    method: str
    status: int
    code: str | None


SESSION: set[Seen] = set()


@dataclass
class Recorder:
    app: ASGIApp
    violations: list[str] = field(default_factory=list)
    seen: set[Seen] = field(default_factory=lambda: SESSION)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0
        media = ""
        body = bytearray()

        async def capture(message: Message) -> None:
            nonlocal status, media
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() == b"content-type":
                        media = value.decode("latin-1").split(";")[0].strip()
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        template = getattr(scope.get("route"), "path_format", None) or self._template(scope)
        if isinstance(template, str):
            try:
                self.judge(template, scope["method"].lower(), status, media, bytes(body))
            except Exception as exc:  # the transport would swallow it: make it a violation
                self.violations.append(f"{scope['method']} {template}: judging failed: {exc!r}")

    def _template(self, scope: Scope) -> str | None:
        """The operation of a request answered before routing (a rate-limit refusal): the
        first of the application's own routes whose pattern and method fit."""
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        for route in getattr(self.app, "routes", ()):
            pattern = getattr(route, "path_regex", None)
            if (
                pattern is not None
                and getattr(route, "include_in_schema", False)
                and pattern.match(scope["path"])
                and method in route.methods
            ):
                template: str = route.path_format
                return template
        return None

    def judge(self, path: str, method: str, status: int, media: str, body: bytes) -> None:
        operation = document()["paths"].get(path, {}).get("head" if method == "head" else method)
        if operation is None and method == "head":
            operation = document()["paths"].get(path, {}).get("get")
            method = "get"
        where = f"{method.upper()} {path} → {status}"
        if operation is None:
            if status != 405:  # a method the path does not have: nothing to document
                self.violations.append(f"{where}: no such operation in the OpenAPI document")
            return
        if str(status) not in operation["responses"]:
            self.violations.append(f"{where}: status not documented")
            return
        if media not in JSON_TYPES or not body:
            self.seen.add(Seen(path, method, status, None))
            return
        value = json.loads(body)
        code = value.get("code") if media == "application/problem+json" else None
        self.seen.add(Seen(path, method, status, code))
        validator = _validator(path, method, str(status), media)
        if validator is None:
            self.violations.append(f"{where}: {media} not documented")
            return
        for error in validator.iter_errors(value):
            self.violations.append(f"{where}: {error.message} at {list(error.absolute_path)}")


def unprovoked() -> list[str]:
    """Codes an operation declares for itself (beyond those of its kind) that no test
    provoked in this session."""
    seen = {(s.path, s.method, s.code) for s in SESSION}
    missing = []
    for path, item in document()["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            generic = {k.code for k in implied(path, method, operation)}
            for codes in documented_codes(operation).values():
                missing += [
                    f"{method.upper()} {path}: {code}"
                    for code in codes
                    if code not in generic and (path, method, code) not in seen
                ]
    return missing
