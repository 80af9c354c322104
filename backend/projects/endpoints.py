from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile, status
from pydantic import BaseModel, Field

from backend.authz.policies import Principal, authorize
from backend.core import calendar
from backend.core.config import Settings
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES, AppError, FieldError, ValidationFailed
from backend.core.excel import XLSX_MEDIA_TYPE, streamed_xlsx_response
from backend.core.fastpath import app_cache
from backend.core.pagination import Page, PageParams, apply_sort, json_page
from backend.core.query_model import QueryModel
from backend.models import Project
from backend.projects import annex1, service
from backend.projects.schemas import (
    EvaluationKind,
    ImportResult,
    ProjectCreate,
    ProjectDetail,
    ProjectRead,
    ProjectUpdate,
)

router = APIRouter(
    prefix="/projects",
    tags=["projects"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 403, 404, 422)},
)
Reader = Annotated[Principal, Depends(authorize("registry:read"))]
Manager = Annotated[Principal, Depends(authorize("projects:manage"))]
MAX_IMPORT_BYTES = 10 * 1024 * 1024


class TooLarge(AppError):
    status_code = 413
    title = "上传内容过大"


class ProjectFilters(BaseModel):
    """The list's and the export's filters."""

    q: str | None = Field(None, max_length=100, description="按项目名称、报告编号或企业名称搜索")
    county_id: int | None = None
    agency_id: int | None = None
    enterprise_id: int | None = None
    kind: EvaluationKind | None = None
    valid: bool | None = Field(None, description="true：今天在有效期内")
    issued_from: date | None = None
    issued_to: date | None = None


class ProjectListQuery(ProjectFilters, PageParams):  # pydantic orders fields from the last base
    pass


# The hottest route parses its query string in one model validation (core/query_model.py).
list_query = QueryModel(ProjectListQuery)
export_query = QueryModel(ProjectFilters)
FILTER_NAMES = set(ProjectFilters.model_fields)


@router.get(
    "",
    operation_id="list_projects",
    summary="法定安全评价项目列表（附件1）",
    response_model=Page[ProjectRead],
    openapi_extra=list_query.openapi_extra,
)
async def list_projects(
    request: Request, session: DbSession, principal: Reader, query: Annotated[ProjectListQuery, Depends(list_query)]
) -> Response:
    totals = app_cache(request.app, "project_totals")
    filters = query.model_dump(include=FILTER_NAMES)
    items, total = await service.list_page(
        session, principal.scope, query, today=calendar.today(), totals=totals, **filters
    )
    return json_page(items, total, query)


@router.get(
    "/export",
    operation_id="export_projects",
    summary="导出附件1（.xlsx，与列表筛选一致）",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
    openapi_extra=export_query.openapi_extra,
)
async def export_projects(
    session: DbSession,
    principal: Reader,
    filters: Annotated[ProjectFilters, Depends(export_query)],
    sort: Annotated[str | None, Query()] = None,
) -> Response:
    today = calendar.today()
    statement = service.list_statement(principal.scope, today=today, **filters.model_dump())
    statement = apply_sort(statement, sort, service.SORTABLE, "-issued_on", Project.id)
    content = await annex1.export_workbook(session, statement)
    return streamed_xlsx_response(content, f"附件1_安全评价项目及评价人员信息表_{today:%Y%m%d}.xlsx")


@router.post(
    "/import",
    operation_id="import_projects",
    summary="导入附件1：先预览（commit=false），无错误时再提交（commit=true）",
    responses={413: ERROR_RESPONSES[422]},
)
async def import_projects(
    request: Request,
    session: DbSession,
    principal: Manager,
    file: Annotated[UploadFile, File(description="附件1 .xlsx")],
    commit: Annotated[bool, Query(description="true：全部行无误时保存；有任何错误则不保存")] = False,
) -> ImportResult:
    content = await file.read(MAX_IMPORT_BYTES + 1)
    if len(content) > MAX_IMPORT_BYTES:
        raise TooLarge("文件超过 10 MB，请拆分后导入", field="file")
    settings: Settings = request.app.state.settings
    result = await annex1.import_workbook(session, principal, settings, content, commit=commit)
    if commit and not result.committed:
        raise ValidationFailed(
            f"共 {len(result.errors)} 处错误，未保存任何数据；请修改后重新导入",
            errors=[_field_error(issue.row, issue.column, issue.message) for issue in result.errors],
        )
    return result


def _field_error(row: int, column: str, message: str) -> FieldError:
    return FieldError(field=f"第{row}行.{column}", message=message)


@router.post("", operation_id="create_project", status_code=status.HTTP_201_CREATED, summary="登记评价项目")
async def create_project(
    request: Request, body: ProjectCreate, session: DbSession, principal: Manager
) -> ProjectDetail:
    return await service.create(session, principal, request.app.state.settings, body)


@router.get("/{project_id}", operation_id="get_project", summary="评价项目详情（含项目组成员和现场勘验）")
async def get_project(project_id: int, session: DbSession, principal: Reader) -> ProjectDetail:
    return await service.detail(session, principal.scope, project_id)


@router.patch("/{project_id}", operation_id="update_project", summary="修改评价项目")
async def update_project(project_id: int, body: ProjectUpdate, session: DbSession, principal: Manager) -> ProjectDetail:
    return await service.update(session, principal, project_id, body)


@router.delete(
    "/{project_id}", operation_id="delete_project", status_code=status.HTTP_204_NO_CONTENT, summary="删除评价项目"
)
async def delete_project(project_id: int, session: DbSession, principal: Manager) -> Response:
    await service.delete(session, principal, project_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
