"""Reading the versioned reference data (loaded by migrations) and validating codes against it."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import ValidationFailed
from backend.models import ReferenceCode


async def labels(session: AsyncSession, category: str) -> dict[str, str]:
    rows = await session.execute(
        select(ReferenceCode.code, ReferenceCode.label)
        .where(ReferenceCode.category == category)
        .order_by(ReferenceCode.sort_order)
    )
    return {code: label for code, label in rows.all()}


async def require_codes(session: AsyncSession, category: str, codes: Iterable[str | None], field: str) -> None:
    wanted = {code for code in codes if code is not None}
    if not wanted:
        return
    known = await labels(session, category)
    unknown = sorted(wanted - set(known))
    if unknown:
        choices = "、".join(f"{code}（{label}）" for code, label in known.items())
        raise ValidationFailed(f"无效的代码：{'、'.join(unknown)}；可选：{choices}", field=field)
