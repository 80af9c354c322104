from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response

from backend.authz.policies import Principal, authorize
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.dashboard import service
from backend.dashboard.schemas import DashboardCounts

RESPONSES: dict[int | str, dict[str, Any]] = {s: ERROR_RESPONSES[s] for s in (401, 403, 422)}
Reader = Annotated[Principal, Depends(authorize("dashboard:read"))]

router = APIRouter(prefix="/dashboard", tags=["dashboard"], responses=RESPONSES)


def counts_cache(app: FastAPI) -> service.CountsCache:
    """One cache per app (per worker process; per test app, each on its own database)."""
    cache: service.CountsCache | None = getattr(app.state, "dashboard_cache", None)
    if cache is None:
        cache = app.state.dashboard_cache = service.CountsCache()
    return cache


@router.get(
    "/counts",
    operation_id="dashboard_counts",
    summary="总览统计：各县区×状态、各问题代码的数量",
    description="市级看全市，县区看本辖区。数据无变动时直接返回上次统计的结果（任何写入都会使其失效）。",
    response_model=DashboardCounts,
)
async def dashboard_counts(
    request: Request,
    session: DbSession,
    principal: Reader,
    campaign_id: Annotated[int | None, Query(description="专项整治行动编号；不填则统计全部")] = None,
) -> Response:
    body = await service.counts_json(session, principal.scope, campaign_id, counts_cache(request.app))
    # Already validated and serialised when computed: cached requests skip both.
    return Response(content=body, media_type="application/json")
