"""The application factory: API under /api/v1, the SPA under /."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, Response
from sqlalchemy import select
from starlette.staticfiles import StaticFiles

from backend.agencies.endpoints import router as agencies_router
from backend.api_tokens.endpoints import router as api_tokens_router
from backend.audit.endpoints import router as audit_router
from backend.auth.endpoints import router as auth_router
from backend.campaigns.endpoints import router as campaigns_router
from backend.core.config import Settings, get_settings
from backend.core.database import Database
from backend.core.errors import NotFound, install_error_handlers
from backend.core.request_context import RequestContextMiddleware
from backend.county_work.endpoints import liaisons as liaisons_router
from backend.county_work.endpoints import submissions as county_submissions_router
from backend.dashboard.endpoints import router as dashboard_router
from backend.enterprises.endpoints import router as enterprises_router
from backend.evaluators.endpoints import router as evaluators_router
from backend.files.endpoints import router as files_router
from backend.findings.endpoints import router as findings_router
from backend.health.endpoints import router as health_router
from backend.inspections.endpoints import routers as inspection_routers
from backend.models import User
from backend.notifications.endpoints import router as notifications_router
from backend.organizations.endpoints import router as organizations_router
from backend.penalties.endpoints import router as penalties_router
from backend.projects.endpoints import router as projects_router
from backend.reference.endpoints import router as reference_router
from backend.retrieval.endpoints import router as retrieval_router
from backend.reviews.endpoints import routers as review_routers
from backend.self_checks.endpoints import router as self_checks_router
from backend.storage import Storage, create_storage
from backend.uploads import service as uploads_service
from backend.uploads.endpoints import router as uploads_router
from backend.users.endpoints import router as users_router

API_PREFIX = "/api/v1"
logger = logging.getLogger("anping")


class UnsafeProductionSetup(RuntimeError):
    pass


async def refuse_demo_accounts_in_production(settings: Settings, database: Database) -> None:
    if settings.env != "production":
        return
    async with database.sessionmaker() as session:
        demo_user = await session.scalar(select(User.username).where(User.is_demo.is_(True)).limit(1))
    if demo_user is not None:
        raise UnsafeProductionSetup(
            f"ANPING_ENV=production but demo account {demo_user!r} exists: remove the demo data first"
        )


async def purge_uploads_periodically(database: Database, storage: Storage, interval: float) -> None:
    """Every process runs this; purging is idempotent, so several at once do no harm."""
    while True:
        await asyncio.sleep(interval)
        try:
            async with database.sessionmaker() as session:
                purged = await uploads_service.purge_abandoned(session, storage)
            if purged:
                logger.info("purged %d abandoned uploads", purged)
        except Exception:
            logger.exception("purging abandoned uploads failed")


def api_routers() -> tuple[APIRouter, ...]:
    """Each domain's router, included straight into the app under API_PREFIX: FastAPI walks every level of
    included routers on each request (their version checks cost about 7 % of a list page's CPU at two levels)."""
    return (
        projects_router,  # routes are matched in order: the hottest list first
        health_router,
        auth_router,
        users_router,
        organizations_router,
        api_tokens_router,
        audit_router,
        reference_router,
        campaigns_router,
        agencies_router,
        evaluators_router,
        enterprises_router,
        liaisons_router,
        county_submissions_router,
        self_checks_router,
        findings_router,
        notifications_router,
        uploads_router,
        files_router,
        retrieval_router,
        *review_routers,
        *inspection_routers,
        penalties_router,
        dashboard_router,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database.from_settings(settings)
        storage = create_storage(settings)
        app.state.database = database
        app.state.storage = storage
        purger = (
            asyncio.create_task(purge_uploads_periodically(database, storage, settings.upload_purge_interval_seconds))
            if settings.upload_purge_interval_seconds > 0
            else None
        )
        try:
            await refuse_demo_accounts_in_production(settings, database)
            yield
        finally:
            if purger is not None:
                purger.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await purger
            await storage.close()
            await database.engine.dispose()

    app = FastAPI(
        title="Anping 安评 API",
        version="0.1.0",
        description="危险化学品行业安全评价机构执业行为专项整治系统",
        lifespan=lifespan,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=f"{API_PREFIX}/docs/oauth2-redirect",
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)
    for router in api_routers():
        app.include_router(router, prefix=API_PREFIX)
    _mount_spa(app, settings.spa_dir)
    return app


def _mount_spa(app: FastAPI, spa_dir: Path) -> None:
    """Serve the built SPA; any non-API path falls back to index.html so that client routes work on reload."""
    root = spa_dir.resolve()
    assets = root / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="spa-assets")

    @app.get("/{path:path}", include_in_schema=False, name="spa")
    async def spa(path: str) -> Response:
        if path == "api" or path.startswith("api/"):
            raise NotFound("接口不存在")
        candidate = (root / path).resolve()
        if path and candidate.is_file() and candidate.is_relative_to(root):
            return FileResponse(candidate)
        index = root / "index.html"
        if not index.is_file():
            return Response("前端尚未构建：请运行 make run。", media_type="text/plain; charset=utf-8", status_code=503)
        return FileResponse(index, headers={"Cache-Control": "no-cache"})
