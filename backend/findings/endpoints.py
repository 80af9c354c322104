from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from backend.authz.policies import Principal, authorize
from backend.core import calendar
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page, PageParams, page_params, sorted_page
from backend.findings import service
from backend.findings.schemas import (
    EvidenceIn,
    FindingCode,
    FindingCreate,
    FindingDetail,
    FindingRead,
    FindingTransitionIn,
)
from backend.models import Finding

router = APIRouter(
    prefix="/findings", tags=["findings"], responses={s: ERROR_RESPONSES[s] for s in (401, 403, 404, 409, 422)}
)
Reader = Annotated[Principal, Depends(authorize("findings:read"))]


@router.get("", operation_id="list_findings", summary="问题清单（自查、检查、核查、专家审查）")
async def list_findings(
    session: DbSession,
    principal: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    campaign_id: int | None = None,
    code: FindingCode | None = None,
    status_: Annotated[str | None, Query(alias="status", max_length=20)] = None,
    source: Annotated[str | None, Query(max_length=20)] = None,
    agency_id: int | None = None,
    project_id: int | None = None,
    overdue: bool | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[FindingRead]:
    today = calendar.today()
    statement = service.list_statement(
        principal.scope,
        today=today,
        campaign_id=campaign_id,
        code=code,
        status=status_,
        source=source,
        agency_id=agency_id,
        project_id=project_id,
        overdue=overdue,
        q=q,
    )
    return await sorted_page(
        session,
        statement,
        params,
        sortable=service.SORTABLE,
        default="-created_at",
        tiebreaker=Finding.id,
        read=lambda r: service.to_read(r, today),
    )


@router.post("", operation_id="create_finding", status_code=status.HTTP_201_CREATED, summary="登记检查或核查发现的问题")
async def create_finding(
    body: FindingCreate, session: DbSession, principal: Annotated[Principal, Depends(authorize("findings:raise"))]
) -> FindingDetail:
    return await service.create(session, principal, body)


@router.get("/{finding_id}", operation_id="get_finding", summary="问题详情（含整改过程）")
async def get_finding(finding_id: int, session: DbSession, principal: Reader) -> FindingDetail:
    return await service.detail(session, principal.scope, finding_id)


@router.post(
    "/{finding_id}/transitions",
    operation_id="transition_finding",
    summary="整改（机构）：开始整改、提交验收；验收（市级或发现问题的县区）：通过、退回重新整改",
)
async def transition_finding(
    finding_id: int, body: FindingTransitionIn, session: DbSession, principal: Reader
) -> FindingDetail:
    return await service.transition(session, principal, finding_id, body)


@router.post(
    "/{finding_id}/evidence",
    operation_id="add_finding_evidence",
    summary="添加佐证材料（机构：整改材料，提交验收前；市级或发现问题的县区：检查、验收材料）",
)
async def add_finding_evidence(
    finding_id: int, body: EvidenceIn, session: DbSession, principal: Reader
) -> FindingDetail:
    return await service.add_evidence(session, principal, finding_id, body)


@router.delete(
    "/{finding_id}/evidence/{evidence_id}",
    operation_id="remove_finding_evidence",
    summary="移除本单位添加的佐证材料",
)
async def remove_finding_evidence(
    finding_id: int, evidence_id: int, session: DbSession, principal: Reader
) -> FindingDetail:
    return await service.remove_evidence(session, principal, finding_id, evidence_id)
