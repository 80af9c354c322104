"""Command line: python -m backend {migrate,seed-demo,serve,run,worker,verify-audit,openapi}."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

from backend.core.config import PROJECT_ROOT, Settings, get_settings


def migrate(settings: Settings, revision: str = "head") -> None:
    from alembic import command
    from alembic.config import Config

    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["database_url"] = settings.database_url
    command.upgrade(config, revision)


async def seed_demo(settings: Settings) -> None:
    from backend.core.database import Database
    from backend.demo.seed import load_demo_data
    from backend.storage import create_storage

    if settings.env == "production":
        raise SystemExit("拒绝在生产环境（ANPING_ENV=production）加载演示数据")
    database = Database.from_settings(settings)
    storage = create_storage(settings)
    try:
        async with database.sessionmaker() as session, session.begin():
            await load_demo_data(session, storage)
    finally:
        await storage.close()
        await database.engine.dispose()


async def simulator_token(settings: Settings) -> str:
    """(Development) an API token of the city for the simulator's callbacks, new on each start."""
    from sqlalchemy import select

    from backend.auth import tokens
    from backend.core.database import Database
    from backend.models import ApiToken, Organization

    database = Database.from_settings(settings)
    try:
        async with database.sessionmaker() as session, session.begin():
            city = await session.scalar(select(Organization.id).where(Organization.kind == "city"))
            if city is None:
                raise SystemExit("请先加载演示数据（make seed-demo）")
            prefix, token = tokens.new_api_token()
            session.add(
                ApiToken(
                    name="执法系统模拟器（演示）",
                    prefix=prefix,
                    token_hash=tokens.digest(token),
                    organization_id=city,
                    role="city",
                )
            )
        return token
    finally:
        await database.engine.dispose()


def with_simulator(settings: Settings, port: int = 8100) -> tuple[Settings, subprocess.Popen[bytes]]:
    """(Development) start the enforcement-system simulator and point the adapter at it, for the demo."""
    if settings.env == "production":
        raise SystemExit("拒绝在生产环境（ANPING_ENV=production）启动执法系统模拟器")
    secret = secrets.token_urlsafe(16)
    anping_token = asyncio.run(simulator_token(settings))
    command = [sys.executable, "-m", "backend.enforcement_simulator", "--port", str(port), "--token", secret]
    simulator = subprocess.Popen([*command, "--anping-token", anping_token])  # noqa: S603
    # The server's workers and the outbox worker read their settings from the environment.
    os.environ["ANPING_ENFORCEMENT_ENDPOINT"] = f"http://127.0.0.1:{port}"
    os.environ["ANPING_ENFORCEMENT_TOKEN"] = secret
    os.environ["ANPING_ENFORCEMENT_CALLBACK_URL"] = f"http://127.0.0.1:{settings.port}/api/v1/enforcement/callbacks"
    get_settings.cache_clear()
    return get_settings().model_copy(update={"host": settings.host, "port": settings.port}), simulator


async def verify_audit(settings: Settings) -> int:
    from backend.audit.verify import verify_chain
    from backend.core.database import create_engine

    engine = create_engine(settings)
    try:
        count, breaks = await verify_chain(engine)
    finally:
        await engine.dispose()
    for chain_break in breaks:
        print(f"审计记录 #{chain_break.seq}: {chain_break.reason}")
    if breaks:
        print(f"审计链校验失败：{len(breaks)} 处异常（共 {count} 条记录）")
        return 1
    print(f"审计链完整：共 {count} 条记录")
    return 0


def write_openapi(path: Path) -> None:
    from backend.app import create_app

    spec = create_app(Settings(spa_dir=Path("/nonexistent"))).openapi()
    path.write_text(json.dumps(spec, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def serve(settings: Settings) -> None:
    import uvicorn

    from backend.core.http_protocol import BodyChunksProtocol

    uvicorn.run(
        "backend.main:app",
        http=BodyChunksProtocol,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        proxy_headers=True,
        log_level=settings.log_level.lower(),
    )


def serve_with_worker(settings: Settings) -> None:
    """`run`: the enforcement outbox worker in its own process beside the server, stopped with it."""
    worker = subprocess.Popen([sys.executable, "-m", "backend", "worker", "--parent-pid", str(os.getpid())])  # noqa: S603
    try:
        serve(settings)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m backend", description="Anping 安评")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply the database migrations")
    commands.add_parser("seed-demo", help="load the demo data (idempotent; refused in production)")
    for name in ("serve", "run"):
        sub = commands.add_parser(
            name, help="serve the API and SPA" + (" after migrate + seed-demo" if name == "run" else "")
        )
        sub.add_argument("--host")
        sub.add_argument("--port", type=int)
        sub.add_argument(
            "--with-simulator",
            action="store_true",
            help="(development) start the enforcement-system simulator on port 8100 and send inspections to it",
        )
    worker = commands.add_parser("worker", help="deliver the enforcement outbox (started by run)")
    worker.add_argument("--parent-pid", type=int, help="stop when this process is gone")
    commands.add_parser("verify-audit", help="verify the audit trail's hash chain")
    openapi = commands.add_parser("openapi", help="write the OpenAPI document")
    openapi.add_argument("--output", type=Path, default=PROJECT_ROOT / "openapi" / "openapi.json")
    args = parser.parse_args(argv)

    settings = get_settings()
    if args.command in ("serve", "run"):
        overrides = {key: value for key, value in (("host", args.host), ("port", args.port)) if value is not None}
        if overrides:
            settings = settings.model_copy(update=overrides)
    if args.command in ("migrate", "run"):
        migrate(settings)
    if args.command == "seed-demo" or (args.command == "run" and settings.env != "production"):
        asyncio.run(seed_demo(settings))
    simulator = None
    if args.command in ("serve", "run") and args.with_simulator:
        settings, simulator = with_simulator(settings)
    try:
        if args.command == "serve":
            serve(settings)
        if args.command == "run":
            serve_with_worker(settings)
    finally:
        if simulator is not None:
            simulator.terminate()
    if args.command == "worker":
        from backend.inspections import worker as outbox_worker

        asyncio.run(outbox_worker.run(settings, parent_pid=args.parent_pid))
    if args.command == "verify-audit":
        return asyncio.run(verify_audit(settings))
    if args.command == "openapi":
        write_openapi(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
