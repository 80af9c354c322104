from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from backend.authz.policies import Principal, authorize
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page, PageParams, apply_sort, page_params, paginate
from backend.models import Organization
from backend.organizations import repository
from backend.organizations.schemas import OrganizationRead

router = APIRouter(
    prefix="/organizations",
    tags=["organizations"],
    responses={status: ERROR_RESPONSES[status] for status in (401, 404, 422)},
)
Reader = Annotated[Principal, Depends(authorize("organizations:read"))]


@router.get("", operation_id="list_organizations", summary="单位列表（按权限范围）")
async def list_organizations(
    session: DbSession,
    principal: Reader,
    params: Annotated[PageParams, Depends(page_params)],
    kind: Literal["city", "county", "agency", "expert_group"] | None = None,
    q: Annotated[str | None, Query(max_length=100, description="按名称或区划代码搜索")] = None,
    parent_id: int | None = None,
) -> Page[OrganizationRead]:
    statement = repository.list_statement(principal.scope, kind, q, parent_id)
    statement = apply_sort(statement, params.sort, repository.SORTABLE, "kind,name", Organization.id)
    rows, total = await paginate(session, statement, params)
    return Page(
        items=[OrganizationRead.model_validate(row[0]) for row in rows],
        total=total,
        page=params.page,
        page_size=params.page_size,
    )


@router.get("/{organization_id}", operation_id="get_organization", summary="单位详情")
async def get_organization(organization_id: int, session: DbSession, principal: Reader) -> OrganizationRead:
    return OrganizationRead.model_validate(await repository.get(session, principal.scope, organization_id))
