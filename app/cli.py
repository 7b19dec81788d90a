"""The ``starcert`` command: serve, migrate, create-admin, housekeeping, demo-data."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pydantic import ValidationError

from app.config import Settings, describe_error, get_settings


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        sys.exit(f"starcert: {describe_error(exc)}")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from app.services.rubrics import RubricFileError, load_configured, startup_problem

    settings = _settings()
    try:
        load_configured(settings)  # a rubric file that cannot be used: one line a problem
    except RubricFileError as exc:
        sys.exit(startup_problem(exc))
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level=settings.log_level.lower(),
        access_log=args.access_log,
        workers=args.workers,
        proxy_headers=False,  # client addresses come from STARCERT_TRUSTED_PROXIES only
        lifespan="on",  # a start-up that fails (bootstrap, database) fails the process
    )
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from alembic import command

    from app.schema_version import alembic_config

    settings = _settings()
    command.upgrade(alembic_config(settings.database_url), args.revision)
    return 0


def cmd_create_admin(args: argparse.Namespace) -> int:
    import json

    from sqlalchemy.exc import DBAPIError

    from app.clock import Clock
    from app.db import Database
    from app.domain.problems import DomainError
    from app.schema_version import at_head
    from app.schemas.users import UserCreate
    from app.services.bootstrap import create_admin

    settings = _settings()
    # the same rules as POST /api/v1/users: the same model, read from JSON as a body is
    body = {"name": args.name, "email": args.email, "roles": ["admin"]}
    try:
        user = UserCreate.model_validate_json(json.dumps(body))
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else "name"
        label = {"email": "e-mail"}.get(field, field)
        value = str(body.get(field, ""))
        shown = value if len(value) <= 60 else value[:60] + "…"
        sys.exit(f"starcert: invalid {label} {shown!r}: {error['msg']}")

    async def run() -> str | None:
        db = Database.from_settings(settings)
        try:
            if not await at_head(db):
                return None
            return await create_admin(
                db, settings, Clock(settings.zone), name=user.name, email=user.email
            )
        finally:
            await db.dispose()

    try:
        token = asyncio.run(run())
    except DomainError as exc:
        sys.exit(f"starcert: {exc.detail}")
    except (OSError, DBAPIError) as exc:
        sys.exit(f"starcert: the database cannot be reached: {type(exc).__name__}")
    if token is None:
        sys.exit(
            "starcert: the database schema is not migrated to the current version; "
            "run `starcert migrate` first"
        )
    print(f"admin {user.email} created; its API token (shown only now):")  # noqa: T201
    print(token)  # noqa: T201
    return 0


def cmd_housekeeping(_args: argparse.Namespace) -> int:
    from app.clock import Clock
    from app.db import Database
    from app.services import housekeeping

    settings = _settings()

    async def run() -> housekeeping.Report:
        db = Database.from_settings(settings)
        try:
            return await housekeeping.run(db, settings, Clock(settings.zone))
        finally:
            await db.dispose()

    print(asyncio.run(run()))  # noqa: T201
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    import time

    from app.clock import Clock
    from app.demo import load

    settings = _settings()
    if args.certificates < 1:
        sys.exit("starcert: --certificates must be at least 1")

    async def run() -> tuple[load.Plan, dict[str, int]]:
        existing = await load.count_certificates(settings)
        if existing:
            sys.exit(
                f"starcert: the register already holds {existing} certificates; "
                "demo data goes into an empty one"
            )
        plan = load.Plan(
            certificates=args.certificates,
            today=Clock(settings.zone).today(),
            prefix=settings.certificate_prefix,
            seed=args.seed,
        )
        await load.load(settings, plan)
        return plan, await load.status_counts(settings)

    started = time.perf_counter()
    plan, statuses = asyncio.run(run())
    seconds = time.perf_counter() - started
    print(  # noqa: T201
        f"loaded {plan.certificates} certificates ({len(plan.renewals)} renewals) "
        f"in {seconds:.1f} s: " + ", ".join(f"{k} {v}" for k, v in statuses.items())
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="starcert", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the API (STARCERT_HOST, STARCERT_PORT)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--access-log", action="store_true")
    serve.set_defaults(func=cmd_serve)

    migrate = sub.add_parser("migrate", help="upgrade the database schema")
    migrate.add_argument("revision", nargs="?", default="head")
    migrate.set_defaults(func=cmd_migrate)

    admin = sub.add_parser("create-admin", help="create an admin user and print its token once")
    admin.add_argument("--name", required=True)
    admin.add_argument("--email", required=True)
    admin.set_defaults(func=cmd_create_admin)

    chores = sub.add_parser(
        "housekeeping",
        help="record expiries, suspend overdue surveillance, withdraw long suspensions "
        "(idempotent; safe to run from cron on several hosts)",
    )
    chores.set_defaults(func=cmd_housekeeping)

    demo = sub.add_parser("demo-data", help="load a realistic demo register into an empty database")
    demo.add_argument("--certificates", type=int, required=True)
    demo.add_argument("--seed", type=int, default=27922)
    demo.set_defaults(func=cmd_demo_data)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
