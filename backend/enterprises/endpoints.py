from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from backend.authz.policies import Principal, authorize
from backend.core import calendar
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.excel import Column, build_workbook, xlsx_response
from backend.core.pagination import Page, PageParams, apply_sort, page_params, paginate
from backend.enterprises import service
from backend.enterprises.schemas import EnterpriseCreate, EnterpriseRead, EnterpriseUpdate
from backend.models import Enterprise

router = APIRouter(
    prefix="/enterprises",
    tags=["enterprises"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 403, 404, 422)},
)
Reader = Annotated[Principal, Depends(authorize("registry:read"))]
Manager = Annotated[Principal, Depends(authorize("enterprises:manage"))]


class EnterpriseFilters:
    def __init__(
        self,
        q: Annotated[str | None, Query(max_length=100, description="按企业名称或统一社会信用代码搜索")] = None,
        county_id: int | None = None,
        activity: Annotated[str | None, Query(max_length=40)] = None,
        has_major_hazard: bool | None = None,
    ) -> None:
        self.values: dict[str, Any] = {
            "q": q,
            "county_id": county_id,
            "activity": activity,
            "has_major_hazard": has_major_hazard,
        }


@router.get("", operation_id="list_enterprises", summary="危险化学品生产经营单位列表")
async def list_enterprises(
    session: DbSession,
    principal: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    filters: Annotated[EnterpriseFilters, Depends()],
) -> Page[EnterpriseRead]:
    statement = apply_sort(
        service.list_statement(principal.scope, **filters.values), params.sort, service.SORTABLE, "name", Enterprise.id
    )
    rows, total = await paginate(session, statement, params)
    return Page(items=[service.to_read(row) for row in rows], total=total, page=params.page, page_size=params.page_size)


EXPORT_COLUMNS = [
    Column("企业名称", lambda e: e.name, 36),
    Column("统一社会信用代码", lambda e: e.credit_code, 22),
    Column("县区", lambda e: e.county_name, 18),
    Column("地址", lambda e: e.address, 36),
    Column("经营活动", lambda e: e.activities, 20),
    Column("重大危险源", lambda e: e.has_major_hazard, 10),
    Column("联系人", lambda e: e.contact_name),
    Column("联系电话", lambda e: e.contact_phone),
    Column("评价项目数", lambda e: e.project_count, 10),
]


@router.get(
    "/export",
    operation_id="export_enterprises",
    summary="导出企业列表（.xlsx，与列表筛选一致）",
    response_class=Response,
    responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)
async def export_enterprises(
    session: DbSession,
    principal: Reader,
    filters: Annotated[EnterpriseFilters, Depends()],
    sort: Annotated[str | None, Query()] = None,
) -> Response:
    statement = apply_sort(
        service.list_statement(principal.scope, **filters.values), sort, service.SORTABLE, "name", Enterprise.id
    )
    rows = [service.to_read(row) for row in (await session.execute(statement)).all()]
    return xlsx_response(build_workbook("企业", EXPORT_COLUMNS, rows), f"企业_{calendar.today():%Y%m%d}.xlsx")


@router.post("", operation_id="create_enterprise", status_code=status.HTTP_201_CREATED, summary="登记企业")
async def create_enterprise(body: EnterpriseCreate, session: DbSession, principal: Manager) -> EnterpriseRead:
    return await service.create(session, principal, body)


@router.get("/{enterprise_id}", operation_id="get_enterprise", summary="企业详情")
async def get_enterprise(enterprise_id: int, session: DbSession, principal: Reader) -> EnterpriseRead:
    return await service.get(session, principal.scope, enterprise_id)


@router.patch("/{enterprise_id}", operation_id="update_enterprise", summary="修改企业信息")
async def update_enterprise(
    enterprise_id: int, body: EnterpriseUpdate, session: DbSession, principal: Manager
) -> EnterpriseRead:
    return await service.update(session, principal, enterprise_id, body)
