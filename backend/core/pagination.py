"""One list shape for every resource: {items, total, page, page_size}, with page/page_size/sort."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from backend.core.errors import ValidationFailed

MAX_PAGE_SIZE = 200
T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class PageParams(BaseModel):
    page: int = Field(1, ge=1, description="页码，从 1 开始")
    page_size: int = Field(20, ge=1, le=MAX_PAGE_SIZE, description="每页条数，最多 200")
    sort: str | None = Field(None, description="排序字段，逗号分隔，前缀 - 表示降序，如 -created_at,name")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


# async: FastAPI runs a plain def dependency in a worker thread, a needless hop on every list request.
async def page_params(params: Annotated[PageParams, Query()]) -> PageParams:
    return params


def apply_sort(
    statement: Select[Any],
    sort: str | None,
    allowed: Mapping[str, ColumnElement[Any] | Any],
    default: str,
    tiebreaker: Any,
) -> Select[Any]:
    """Order by the requested fields (only those allowed), always ending with a unique tiebreaker."""
    orders = []
    for raw in (sort or default).split(","):
        name = raw.strip()
        if not name:
            continue
        descending = name.startswith("-")
        key = name.lstrip("-+")
        column = allowed.get(key)
        if column is None:
            choices = "、".join(sorted(allowed))
            raise ValidationFailed(f"不支持按“{key}”排序，可选：{choices}", field="sort")
        orders.append(column.desc() if descending else column.asc())
    orders.append(tiebreaker.asc())
    return statement.order_by(*orders)


async def paginate(session: AsyncSession, statement: Select[Any], params: PageParams) -> tuple[list[Any], int]:
    """Run the page query and its count; rows are whatever the statement selects."""
    total_statement = select(func.count()).select_from(statement.order_by(None).subquery())
    total = int((await session.execute(total_statement)).scalar_one())
    if total == 0 or params.offset >= total:
        return [], total
    rows = (await session.execute(statement.limit(params.page_size).offset(params.offset))).all()
    return list(rows), total


def json_page(items: list[dict[str, Any]], total: int, params: PageParams) -> Response:
    """A page of plain rows serialised by orjson, for the hot lists that skip per-row pydantic models; the route
    declares the Page[...] model (response_model) it produces, and a test holds the two to the same JSON."""
    body = {"items": items, "total": total, "page": params.page, "page_size": params.page_size}
    return Response(orjson.dumps(body, option=orjson.OPT_UTC_Z), media_type="application/json")


def filter_equal(statement: Select[Any], filters: Mapping[Any, Any]) -> Select[Any]:
    """Narrow a list query by `column == value` for each filter the caller gave (None: not filtered)."""
    for column, value in filters.items():
        if value is not None:
            statement = statement.where(column == value)
    return statement


async def sorted_page(
    session: AsyncSession,
    statement: Select[Any],
    params: PageParams,
    *,
    sortable: Mapping[str, Any],
    default: str,
    tiebreaker: Any,
    read: Callable[[Any], T],
) -> Page[T]:
    """The usual list endpoint: sort as asked (among `sortable`), page, and turn each row into its read model."""
    rows, total = await paginate(session, apply_sort(statement, params.sort, sortable, default, tiebreaker), params)
    return Page(items=[read(row) for row in rows], total=total, page=params.page, page_size=params.page_size)
