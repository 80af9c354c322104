from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from backend.authz.policies import Principal, authorize
from backend.core import calendar
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.excel import Column, build_workbook, xlsx_response
from backend.core.pagination import Page, PageParams, apply_sort, page_params, paginate
from backend.evaluators import service
from backend.evaluators.schemas import (
    ContractKind,
    EvaluatorCreate,
    EvaluatorDetail,
    EvaluatorRead,
    EvaluatorUpdate,
    VerificationCreate,
    VerificationRead,
)
from backend.models import Evaluator

router = APIRouter(
    prefix="/evaluators",
    tags=["evaluators"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 403, 404, 422)},
)
Reader = Annotated[Principal, Depends(authorize("registry:read"))]
Manager = Annotated[Principal, Depends(authorize("evaluators:manage"))]


class EvaluatorFilters:
    def __init__(
        self,
        q: Annotated[str | None, Query(max_length=100, description="按姓名或证书编号搜索")] = None,
        agency_id: int | None = None,
        certificate_kind: Annotated[str | None, Query(max_length=40)] = None,
        is_full_time: bool | None = None,
        is_active: bool | None = None,
        contract_kind: ContractKind | None = None,
    ) -> None:
        self.values: dict[str, Any] = {
            "q": q,
            "agency_id": agency_id,
            "certificate_kind": certificate_kind,
            "is_full_time": is_full_time,
            "is_active": is_active,
            "contract_kind": contract_kind,
        }


@router.get("", operation_id="list_evaluators", summary="评价人员列表")
async def list_evaluators(
    session: DbSession,
    principal: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    filters: Annotated[EvaluatorFilters, Depends()],
) -> Page[EvaluatorRead]:
    statement = apply_sort(
        service.list_statement(principal.scope, **filters.values), params.sort, service.SORTABLE, "name", Evaluator.id
    )
    rows, total = await paginate(session, statement, params)
    return Page(
        items=[service.to_read(principal, evaluator, agency_name) for evaluator, agency_name in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


EXPORT_COLUMNS = [
    Column("姓名", lambda e: e.name, 12),
    Column("所属机构", lambda e: e.agency_name, 34),
    Column("身份证号", lambda e: e.id_number, 22),
    Column("证书类别", lambda e: e.certificate_kind),
    Column("证书编号", lambda e: e.certificate_number, 20),
    Column("专业", lambda e: e.major),
    Column("职称", lambda e: e.title),
    Column("学历学位", lambda e: e.degree),
    Column("合同类型", lambda e: {"labour": "劳动合同", "service": "劳务合同"}.get(e.contract_kind or "", "")),
    Column("合同起始", lambda e: e.contract_start, 12),
    Column("合同终止", lambda e: e.contract_end, 12),
    Column("专职", lambda e: e.is_full_time, 8),
    Column("在职", lambda e: e.is_active, 8),
]


@router.get(
    "/export",
    operation_id="export_evaluators",
    summary="导出评价人员列表（.xlsx，与列表筛选一致）",
    response_class=Response,
    responses={200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}},
)
async def export_evaluators(
    session: DbSession,
    principal: Reader,
    filters: Annotated[EvaluatorFilters, Depends()],
    sort: Annotated[str | None, Query()] = None,
) -> Response:
    statement = apply_sort(
        service.list_statement(principal.scope, **filters.values), sort, service.SORTABLE, "name", Evaluator.id
    )
    rows = [service.to_read(principal, e, name) for e, name in (await session.execute(statement)).all()]
    return xlsx_response(build_workbook("评价人员", EXPORT_COLUMNS, rows), f"评价人员_{calendar.today():%Y%m%d}.xlsx")


@router.post("", operation_id="create_evaluator", status_code=status.HTTP_201_CREATED, summary="登记评价人员")
async def create_evaluator(body: EvaluatorCreate, session: DbSession, principal: Manager) -> EvaluatorDetail:
    return await service.create(session, principal, body)


@router.get("/{evaluator_id}", operation_id="get_evaluator", summary="评价人员详情（含核查记录）")
async def get_evaluator(evaluator_id: int, session: DbSession, principal: Reader) -> EvaluatorDetail:
    return await service.detail(session, principal, evaluator_id)


@router.patch("/{evaluator_id}", operation_id="update_evaluator", summary="修改评价人员信息")
async def update_evaluator(
    evaluator_id: int, body: EvaluatorUpdate, session: DbSession, principal: Manager
) -> EvaluatorDetail:
    return await service.update(session, principal, evaluator_id, body)


@router.post(
    "/{evaluator_id}/verifications",
    operation_id="add_evaluator_verification",
    status_code=status.HTTP_201_CREATED,
    summary="记录一次国家平台核查（证书、学历、职称）",
)
async def add_verification(
    evaluator_id: int,
    body: VerificationCreate,
    session: DbSession,
    principal: Annotated[Principal, Depends(authorize("evaluators:verify"))],
) -> VerificationRead:
    return await service.add_verification(session, principal, evaluator_id, body)
