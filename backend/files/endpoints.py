from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse

from backend.auth import tokens
from backend.authz.policies import Principal, authorize
from backend.authz.scope import scoped_select
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES, Forbidden, NotFound
from backend.files.download import download_response
from backend.files.schemas import FileLink, FileRead, file_read
from backend.models import StoredFile
from backend.models.base import utcnow
from backend.storage import Storage, get_storage

router = APIRouter(prefix="/files", tags=["files"], responses={s: ERROR_RESPONSES[s] for s in (401, 403, 404)})
Reader = Annotated[Principal, Depends(authorize("files:read"))]
LINK_MINUTES = 5


async def _get(session: DbSession, principal: Principal, file_id: int) -> StoredFile:
    stored = await session.scalar(scoped_select(StoredFile, principal.scope).where(StoredFile.id == file_id))
    if stored is None:
        raise NotFound("文件不存在或您无权查看")
    return stored


@router.get("/{file_id}", operation_id="get_file", summary="文件信息（大小、SHA-256、类型、zip 目录）")
async def get_file(file_id: int, session: DbSession, principal: Reader) -> FileRead:
    return file_read(await _get(session, principal, file_id), with_listing=True)


@router.get(
    "/{file_id}/content",
    operation_id="download_file",
    summary="下载文件（支持 Range 断点续传，文件名保留中文）",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        206: {"description": "部分内容（Range）"},
        416: {"description": "请求的范围无效"},
    },
)
async def download_file(
    file_id: int,
    session: DbSession,
    principal: Reader,
    storage: Annotated[Storage, Depends(get_storage)],
    inline: Annotated[bool, Query(description="在浏览器中直接打开（PDF 预览）")] = False,
    range_: Annotated[str | None, Header(alias="Range")] = None,
    if_range: Annotated[str | None, Header(alias="If-Range")] = None,
) -> StreamingResponse:
    stored = await _get(session, principal, file_id)
    return download_response(stored, storage, range_header=range_, if_range=if_range, inline=inline)


@router.post(
    "/{file_id}/link",
    operation_id="create_file_link",
    summary="生成有效期 5 分钟的下载链接（浏览器可直接打开、断点续传，无需登录头）",
)
async def create_file_link(
    file_id: int,
    request: Request,
    session: DbSession,
    principal: Reader,
    inline: Annotated[bool, Query(description="在浏览器中直接打开（PDF 预览）")] = False,
) -> FileLink:
    stored = await _get(session, principal, file_id)
    token = tokens.create_file_link_token(request.app.state.settings, stored.id, LINK_MINUTES)
    url = f"/api/v1/files/{stored.id}/download?token={token}" + ("&inline=true" if inline else "")
    return FileLink(url=url, expires_at=utcnow() + timedelta(minutes=LINK_MINUTES))


@router.get(
    "/{file_id}/download",
    operation_id="download_file_by_link",
    summary="凭下载链接下载文件（支持 Range）",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
        206: {"description": "部分内容（Range）"},
        416: {"description": "请求的范围无效"},
    },
)
async def download_file_by_link(
    file_id: int,
    request: Request,
    session: DbSession,
    storage: Annotated[Storage, Depends(get_storage)],
    token: Annotated[str, Query(max_length=1000, description="下载链接中的令牌")],
    inline: bool = False,
    range_: Annotated[str | None, Header(alias="Range")] = None,
    if_range: Annotated[str | None, Header(alias="If-Range")] = None,
) -> StreamingResponse:
    if tokens.file_link_target(request.app.state.settings, token) != file_id:
        raise Forbidden("下载链接无效或已过期，请回到页面重新下载")
    stored = await session.get(StoredFile, file_id)
    if stored is None:
        raise NotFound("文件不存在")
    return download_response(stored, storage, range_header=range_, if_range=if_range, inline=inline)
