from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text

from backend.core.database import Database

router = APIRouter(tags=["health"])
logger = logging.getLogger("anping.health")


class Health(BaseModel):
    status: str
    database: str


@router.get(
    "/health",
    operation_id="get_health",
    summary="健康检查",
    response_model=Health,
    responses={503: {"model": Health, "description": "数据库不可用"}},
)
async def health(request: Request) -> Health | JSONResponse:  # JSONResponse: the 503 body
    database: Database = request.app.state.database
    try:
        async with asyncio.timeout(5):
            async with database.engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach the database means "not ready"
        logger.warning("health check: database unreachable: %s", error)
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return Health(status="ok", database="ok")
