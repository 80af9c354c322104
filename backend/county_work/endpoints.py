from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile, status
from pydantic import BaseModel

from backend.authz.policies import Principal, authorize
from backend.campaigns import service as campaigns
from backend.core import calendar
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES, FieldError, ValidationFailed
from backend.core.excel import XLSX_MEDIA_TYPE, xlsx_response
from backend.core.pagination import Page, PageParams, apply_sort, page_params, paginate
from backend.county_work import annex5, service
from backend.county_work.schemas import (
    CountyProgress,
    LiaisonCreate,
    LiaisonRead,
    LiaisonUpdate,
    SubmissionIn,
    SubmissionKind,
    WorkPlanRead,
)
from backend.models import Liaison
from backend.projects.endpoints import MAX_IMPORT_BYTES, TooLarge
from backend.projects.schemas import ImportIssue

liaisons = APIRouter(
    prefix="/liaisons",
    tags=["county-work"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 403, 404, 422)},
)
submissions = APIRouter(
    prefix="/county-submissions",
    tags=["county-work"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 403, 404, 422)},
)
Reader = Annotated[Principal, Depends(authorize("liaisons:read"))]
Manager = Annotated[Principal, Depends(authorize("liaisons:manage"))]
SORTABLE = {"county": Liaison.county_id, "name": Liaison.name, "unit": Liaison.unit}


@liaisons.get("", operation_id="list_liaisons", summary="联络员列表（附件5）")
async def list_liaisons(
    session: DbSession,
    principal: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    campaign_id: int | None = None,
    county_id: int | None = None,
) -> Page[LiaisonRead]:
    statement = apply_sort(
        service.liaison_statement(principal.scope, campaign_id, county_id), params.sort, SORTABLE, "county", Liaison.id
    )
    rows, total = await paginate(session, statement, params)
    return Page(
        items=[service.liaison_read(r) for r in rows], total=total, page=params.page, page_size=params.page_size
    )


@liaisons.get(
    "/export",
    operation_id="export_liaisons",
    summary="导出附件5（.xlsx）",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
async def export_liaisons(
    session: DbSession, principal: Reader, campaign_id: int, county_id: int | None = None
) -> Response:
    statement = apply_sort(
        service.liaison_statement(principal.scope, campaign_id, county_id), None, SORTABLE, "county", Liaison.id
    )
    rows = [service.liaison_read(r) for r in (await session.execute(statement)).all()]
    return xlsx_response(annex5.export(rows), f"附件5_安全评价工作联络员表_{calendar.today():%Y%m%d}.xlsx")


class LiaisonImportResult(BaseModel):
    committed: bool
    total_rows: int
    liaisons_by_county: dict[int, int]
    errors: list[ImportIssue]


@liaisons.post(
    "/import",
    operation_id="import_liaisons",
    summary="导入附件5：先预览，无错误时提交；提交后替换表中各县区的联络员",
)
async def import_liaisons(
    session: DbSession,
    principal: Manager,
    campaign_id: int,
    file: Annotated[UploadFile, File(description="附件5 .xlsx")],
    commit: bool = False,
) -> LiaisonImportResult:
    await campaigns.get(session, campaign_id)
    content = await file.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise TooLarge("文件超过 10 MB", field="file")
    errors, total, per_county = await annex5.import_workbook(session, principal, campaign_id, content, commit=commit)
    if commit and errors:
        raise ValidationFailed(
            f"共 {len(errors)} 处错误，未保存任何数据；请修改后重新导入",
            errors=[FieldError(field=f"第{e.row}行.{e.column}", message=e.message) for e in errors],
        )
    return LiaisonImportResult(committed=commit, total_rows=total, liaisons_by_county=per_county, errors=errors)


@liaisons.post("", operation_id="create_liaison", status_code=status.HTTP_201_CREATED, summary="新增联络员")
async def create_liaison(body: LiaisonCreate, session: DbSession, principal: Manager) -> LiaisonRead:
    return await service.create_liaison(session, principal, body)


@liaisons.patch("/{liaison_id}", operation_id="update_liaison", summary="修改联络员")
async def update_liaison(liaison_id: int, body: LiaisonUpdate, session: DbSession, principal: Manager) -> LiaisonRead:
    return await service.update_liaison(session, principal, liaison_id, body)


@liaisons.delete(
    "/{liaison_id}", operation_id="delete_liaison", status_code=status.HTTP_204_NO_CONTENT, summary="删除联络员"
)
async def delete_liaison(liaison_id: int, session: DbSession, principal: Manager) -> Response:
    await service.delete_liaison(session, principal, liaison_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@submissions.get("", operation_id="list_county_progress", summary="各县区联络员表、工作计划报送情况")
async def list_county_progress(
    session: DbSession, principal: Reader, campaign_id: Annotated[int, Query()]
) -> Page[CountyProgress]:
    rows = await service.progress(session, principal.scope, campaign_id)
    return Page(items=rows, total=len(rows), page=1, page_size=max(len(rows), 1))


@submissions.put("/{kind}", operation_id="submit_county_document", summary="报送联络员表或工作计划（县区）")
async def submit_county_document(
    kind: SubmissionKind,
    body: SubmissionIn,
    session: DbSession,
    principal: Annotated[Principal, Depends(authorize("county_documents:submit"))],
) -> WorkPlanRead:
    return await service.submit(session, principal, kind, body)


@submissions.get("/{kind}/{county_id}", operation_id="get_county_document", summary="查看县区报送的材料")
async def get_county_document(
    kind: SubmissionKind, county_id: int, campaign_id: int, session: DbSession, principal: Reader
) -> WorkPlanRead:
    return await service.get_submission(session, principal.scope, campaign_id, county_id, kind)
