from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response, status

from backend.agencies import repository, service
from backend.agencies.schemas import (
    AgencyBrief,
    AgencyChangeRead,
    AgencyChangeUpdate,
    AgencyCreate,
    AgencyDetail,
    AgencyRead,
    AgencyUpdate,
)
from backend.authz.policies import Principal, authorize
from backend.core import calendar
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.excel import Column, build_workbook, xlsx_response
from backend.core.pagination import Page, PageParams, apply_sort, page_params, paginate
from backend.models import Agency

router = APIRouter(
    prefix="/agencies",
    tags=["agencies"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 403, 404, 422)},
)
Reader = Annotated[Principal, Depends(authorize("registry:read"))]
QualificationStatus = Literal["valid", "expiring", "expired"]


class AgencyFilters:
    def __init__(
        self,
        q: Annotated[str | None, Query(max_length=100, description="按名称或统一社会信用代码搜索")] = None,
        county_id: int | None = None,
        parent_id: int | None = None,
        is_branch: bool | None = None,
        business_scope: Annotated[str | None, Query(max_length=40)] = None,
        qualification_status: QualificationStatus | None = None,
    ) -> None:
        self.values: dict[str, Any] = {
            "q": q,
            "county_id": county_id,
            "parent_id": parent_id,
            "is_branch": is_branch,
            "business_scope": business_scope,
            "qualification_status": qualification_status,
        }


@router.get("", operation_id="list_agencies", summary="评价机构列表")
async def list_agencies(
    session: DbSession,
    principal: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    filters: Annotated[AgencyFilters, Depends()],
) -> Page[AgencyRead]:
    today = calendar.today()
    statement = repository.list_statement(principal.scope, today=today, **filters.values)
    statement = apply_sort(statement, params.sort, repository.SORTABLE, "name", Agency.id)
    rows, total = await paginate(session, statement, params)
    return Page(
        items=[service.to_read(row, today) for row in rows], total=total, page=params.page, page_size=params.page_size
    )


EXPORT_COLUMNS = [
    Column("机构名称", lambda a: a.name, 36),
    Column("统一社会信用代码", lambda a: a.credit_code, 22),
    Column("总部机构", lambda a: a.parent_name or "（总部）", 30),
    Column("办公地所在县区", lambda a: a.county_name, 18),
    Column("资质证书编号", lambda a: a.qualification_number, 20),
    Column("资质有效期至", lambda a: a.qualification_valid_until, 14),
    Column("业务范围", lambda a: a.business_scopes, 30),
    Column("注册地址", lambda a: a.registered_address, 36),
    Column("办公地址", lambda a: a.office_address, 36),
    Column("法定代表人", lambda a: a.legal_representative),
    Column("技术负责人", lambda a: a.technical_director),
    Column("联系人", lambda a: a.contact_name),
    Column("联系电话", lambda a: a.contact_phone),
]


@router.get(
    "/export",
    operation_id="export_agencies",
    summary="导出评价机构列表（.xlsx，与列表筛选一致）",
    response_class=Response,
    responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)
async def export_agencies(
    session: DbSession,
    principal: Reader,
    filters: Annotated[AgencyFilters, Depends()],
    sort: Annotated[str | None, Query()] = None,
) -> Response:
    today = calendar.today()
    statement = repository.list_statement(principal.scope, today=today, **filters.values)
    statement = apply_sort(statement, sort, repository.SORTABLE, "name", Agency.id)
    rows = [service.to_read(row, today) for row in (await session.execute(statement)).all()]
    return xlsx_response(build_workbook("评价机构", EXPORT_COLUMNS, rows), f"评价机构_{today:%Y%m%d}.xlsx")


@router.get("/directory", operation_id="list_agency_directory", summary="评价机构名录（登记项目时选择出具报告的机构）")
async def list_agency_directory(
    session: DbSession,
    _: Annotated[Principal, Depends(authorize("projects:manage"))],
    params: Annotated[PageParams, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=100, description="按名称或统一社会信用代码搜索")] = None,
) -> Page[AgencyBrief]:
    # Licensed agencies are public: a county lists reports by agencies based anywhere, so this is not scoped.
    statement = repository.directory_statement(q)
    statement = apply_sort(statement, params.sort, {"name": Agency.name}, "name", Agency.id)
    rows, total = await paginate(session, statement, params)
    items = [
        AgencyBrief(
            id=r.id, name=r.name, credit_code=r.credit_code, parent_name=r.parent_name, county_name=r.county_name
        )
        for r in rows
    ]
    return Page(items=items, total=total, page=params.page, page_size=params.page_size)


@router.post("", operation_id="create_agency", status_code=status.HTTP_201_CREATED, summary="登记评价机构或分支机构")
async def create_agency(
    body: AgencyCreate, session: DbSession, principal: Annotated[Principal, Depends(authorize("agencies:create"))]
) -> AgencyDetail:
    return await service.create(session, principal, body)


@router.get("/{agency_id}", operation_id="get_agency", summary="评价机构详情（含分支机构和变更记录）")
async def get_agency(agency_id: int, session: DbSession, principal: Reader) -> AgencyDetail:
    return await service.detail(session, principal, agency_id)


@router.patch("/{agency_id}", operation_id="update_agency", summary="修改评价机构登记信息")
async def update_agency(
    agency_id: int,
    body: AgencyUpdate,
    session: DbSession,
    principal: Annotated[Principal, Depends(authorize("agencies:update"))],
) -> AgencyDetail:
    return await service.update(session, principal, agency_id, body)


@router.patch("/{agency_id}/changes/{change_id}", operation_id="update_agency_change", summary="登记变更事项的办理情况")
async def update_agency_change(
    agency_id: int,
    change_id: int,
    body: AgencyChangeUpdate,
    session: DbSession,
    principal: Annotated[Principal, Depends(authorize("agencies:update"))],
) -> AgencyChangeRead:
    return await service.update_change(session, principal, agency_id, change_id, body)
