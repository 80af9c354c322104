from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from backend.authz.policies import Principal, authorize
from backend.authz.scope import scoped_select
from backend.campaigns import service as campaigns
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.excel import XLSX_MEDIA_TYPE, xlsx_response
from backend.core.pagination import Page, PageParams, apply_sort, page_params, paginate
from backend.models import Agency, SelfCheck
from backend.self_checks import annexes, oversight, service
from backend.self_checks.schemas import (
    AgencyProgress,
    ReminderIn,
    ReminderResult,
    SelfCheckCreate,
    SelfCheckDetail,
    SelfCheckDraft,
    SelfCheckKind,
    SelfCheckRead,
    SelfCheckTransitionIn,
)

router = APIRouter(
    prefix="/self-checks",
    tags=["self-checks"],
    responses={s: ERROR_RESPONSES[s] for s in (401, 403, 404, 409, 422)},
)
Reader = Annotated[Principal, Depends(authorize("self_checks:read"))]
Filler = Annotated[Principal, Depends(authorize("self_checks:fill"))]
Overseer = Annotated[Principal, Depends(authorize("self_checks:oversee"))]
XLSX: dict[int | str, dict[str, Any]] = {200: {"content": {XLSX_MEDIA_TYPE: {}}}}


@router.get("", operation_id="list_self_checks", summary="自查表列表")
async def list_self_checks(
    session: DbSession,
    principal: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    campaign_id: int | None = None,
    kind: SelfCheckKind | None = None,
    agency_id: int | None = None,
    status_: Annotated[str | None, Query(alias="status", max_length=20)] = None,
) -> Page[SelfCheckRead]:
    statement = (
        scoped_select(SelfCheck, principal.scope)
        .add_columns(Agency.name)
        .join(Agency, Agency.id == SelfCheck.agency_id)
    )
    for column, value in (
        (SelfCheck.campaign_id, campaign_id),
        (SelfCheck.kind, kind),
        (SelfCheck.agency_id, agency_id),
        (SelfCheck.status, status_),
    ):
        if value is not None:
            statement = statement.where(column == value)
    sortable = {"agency_name": Agency.name, "submitted_at": SelfCheck.submitted_at, "updated_at": SelfCheck.updated_at}
    statement = apply_sort(statement, params.sort, sortable, "agency_name", SelfCheck.id)
    rows, total = await paginate(session, statement, params)
    due = {}
    items = []
    for check, agency_name in rows:
        if check.campaign_id not in due:
            due[check.campaign_id] = await campaigns.deadline_of(session, check.campaign_id, service.DEADLINE)
        items.append(service.to_read(check, agency_name, due[check.campaign_id]))
    return Page(items=items, total=total, page=params.page, page_size=params.page_size)


@router.post(
    "", operation_id="create_self_check", status_code=status.HTTP_201_CREATED, summary="开始填写自查表（预填项目）"
)
async def create_self_check(body: SelfCheckCreate, session: DbSession, principal: Filler) -> SelfCheckDetail:
    return await service.create(session, principal, body)


@router.get("/oversight", operation_id="list_self_check_progress", summary="各机构自查表报送情况（督导）")
async def list_self_check_progress(session: DbSession, principal: Overseer, campaign_id: int) -> Page[AgencyProgress]:
    rows = await oversight.progress(session, principal, campaign_id)
    return Page(items=rows, total=len(rows), page=1, page_size=max(len(rows), 1))


@router.post("/reminders", operation_id="send_self_check_reminders", summary="提醒机构报送自查表（站内通知）")
async def send_reminders(body: ReminderIn, session: DbSession, principal: Overseer) -> ReminderResult:
    return ReminderResult(sent=await oversight.remind(session, principal, body))


@router.get(
    "/export",
    operation_id="export_self_checks",
    summary="导出附件2或附件3汇总（.xlsx）",
    response_class=Response,
    responses=XLSX,
)
async def export_self_checks(session: DbSession, principal: Reader, campaign_id: int, kind: SelfCheckKind) -> Response:
    content, filename = await annexes.export_combined(session, principal, campaign_id, kind)
    return xlsx_response(content, filename)


@router.get("/{self_check_id}", operation_id="get_self_check", summary="自查表详情（含逐项、逐报告内容）")
async def get_self_check(self_check_id: int, session: DbSession, principal: Reader) -> SelfCheckDetail:
    return await service.detail(session, principal, self_check_id)


@router.put("/{self_check_id}", operation_id="save_self_check_draft", summary="保存草稿")
async def save_self_check_draft(
    self_check_id: int, body: SelfCheckDraft, session: DbSession, principal: Filler
) -> SelfCheckDetail:
    return await service.save_draft(session, principal, self_check_id, body)


@router.post(
    "/{self_check_id}/transitions",
    operation_id="transition_self_check",
    summary="提交、重新提交（机构管理员）；退回、验收（市级）",
)
async def transition_self_check(
    self_check_id: int, body: SelfCheckTransitionIn, session: DbSession, principal: Reader
) -> SelfCheckDetail:
    return await service.transition(session, principal, self_check_id, body)


@router.get(
    "/{self_check_id}/export",
    operation_id="export_self_check",
    summary="导出本机构的附件2或附件3（.xlsx）",
    response_class=Response,
    responses=XLSX,
)
async def export_self_check(self_check_id: int, session: DbSession, principal: Reader) -> Response:
    content, filename = await annexes.export_one(session, principal, self_check_id)
    return xlsx_response(content, filename)
