from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select

from backend.authz.policies import Principal, authorize
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES
from backend.core.pagination import Page
from backend.models import ReferenceCode

router = APIRouter(prefix="/reference-codes", tags=["reference"], responses={401: ERROR_RESPONSES[401]})


class ReferenceCodeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    category: str
    code: str
    label: str
    description: str | None
    version: str
    applies_to: list[str] | None


@router.get("", operation_id="list_reference_codes", summary="参考代码（业务范围、评价类型、证书类别等）")
async def list_reference_codes(
    session: DbSession,
    _: Annotated[Principal, Depends(authorize())],
    category: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[ReferenceCodeRead]:
    statement = select(ReferenceCode).order_by(ReferenceCode.category, ReferenceCode.sort_order, ReferenceCode.id)
    if category:
        statement = statement.where(ReferenceCode.category == category)
    items = [ReferenceCodeRead.model_validate(row) for row in await session.scalars(statement)]
    return Page(items=items, total=len(items), page=1, page_size=max(len(items), 1))
