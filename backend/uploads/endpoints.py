"""The tus 1.0.0 endpoints (https://tus.io/protocols/resumable-upload), documented in docs/UPLOADS.md."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response, status

from backend.authz.policies import Principal, authorize
from backend.core.config import Settings
from backend.core.database import DbSession
from backend.core.errors import ERROR_RESPONSES, AppError
from backend.core.http_protocol import take_direct_body
from backend.files.schemas import UploadRead, file_read
from backend.models import StoredFile, Upload
from backend.storage import Storage, get_storage
from backend.uploads import service

router = APIRouter(
    prefix="/uploads", tags=["uploads"], responses={s: ERROR_RESPONSES[s] for s in (401, 403, 404, 409, 422)}
)
Writer = Annotated[Principal, Depends(authorize("uploads:write"))]
StorageDep = Annotated[Storage, Depends(get_storage)]
OFFSET_OCTET_STREAM = "application/offset+octet-stream"


class PreconditionFailed(AppError):
    status_code = 412
    title = "不支持的 tus 协议版本"


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(_settings)]


def _check_version(tus_resumable: str | None) -> None:
    # Clients that speak tus send the header; plain HTTP clients (curl in the docs) may leave it out.
    if tus_resumable is not None and tus_resumable != service.TUS_VERSION:
        raise PreconditionFailed(f"仅支持 tus {service.TUS_VERSION}", headers={"Tus-Version": service.TUS_VERSION})


def _tus_headers(upload: Upload | None = None) -> dict[str, str]:
    headers = {"Tus-Resumable": service.TUS_VERSION, "Cache-Control": "no-store"}
    if upload is not None:
        headers["Upload-Offset"] = str(upload.offset)
        headers["Upload-Length"] = str(upload.length)
        headers["Upload-Expires"] = upload.expires_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    return headers


def _read(upload: Upload, stored: StoredFile | None) -> UploadRead:
    return UploadRead(
        id=upload.id,
        filename=upload.filename,
        length=upload.length,
        offset=upload.offset,
        status=upload.status,
        rejected_reason=upload.rejected_reason,
        sha256=upload.sha256,
        expires_at=upload.expires_at,
        created_at=upload.created_at,
        file=file_read(stored) if stored else None,
    )


@router.options("", operation_id="upload_options", summary="tus：服务器支持的协议版本、扩展和大小上限")
async def upload_options(principal: Writer, settings: SettingsDep) -> Response:
    return Response(
        status_code=status.HTTP_204_NO_CONTENT,
        headers={
            **_tus_headers(),
            "Tus-Version": service.TUS_VERSION,
            "Tus-Extension": service.TUS_EXTENSIONS,
            "Tus-Max-Size": str(settings.upload_max_bytes),
            "Tus-Checksum-Algorithm": ",".join(service.CHECKSUM_ALGORITHMS),
        },
    )


@router.post(
    "",
    operation_id="create_upload",
    status_code=status.HTTP_201_CREATED,
    summary="tus：创建上传（Upload-Length，Upload-Metadata: filename、可选 sha256），返回 Location",
)
async def create_upload(
    request: Request,
    session: DbSession,
    principal: Writer,
    settings: SettingsDep,
    upload_length: Annotated[int, Header(alias="Upload-Length", ge=0, description="文件总字节数")],
    upload_metadata: Annotated[str | None, Header(alias="Upload-Metadata")] = None,
    tus_resumable: Annotated[str | None, Header(alias="Tus-Resumable")] = None,
) -> Response:
    _check_version(tus_resumable)
    upload = await service.create(session, principal, settings, upload_length, service.parse_metadata(upload_metadata))
    location = str(request.url_for("head_upload", upload_id=upload.id).path)
    return Response(status_code=201, headers={**_tus_headers(upload), "Location": location})


@router.head("/{upload_id}", operation_id="head_upload", summary="tus：查询已收到的字节数（Upload-Offset）")
async def head_upload(
    upload_id: str,
    session: DbSession,
    principal: Writer,
    tus_resumable: Annotated[str | None, Header(alias="Tus-Resumable")] = None,
) -> Response:
    _check_version(tus_resumable)
    upload = await service.get(session, principal, upload_id)
    if upload.status == "rejected":
        # Gone, so that a tus client does not take the full offset for success; GET tells why.
        raise service.UploadGone(upload.rejected_reason or "文件内容不被接受", headers=_tus_headers())
    return Response(
        status_code=200, headers={**_tus_headers(upload), "Upload-Metadata": service.encode_metadata(upload)}
    )


@router.patch(
    "/{upload_id}",
    operation_id="append_upload",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="tus：从 Upload-Offset 处追加数据（请求体为原始字节）；最后一块到达后校验并保存文件",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {OFFSET_OCTET_STREAM: {"schema": {"type": "string", "format": "binary"}}},
        }
    },
    responses={
        413: {"description": "超出声明的大小"},
        415: {"description": "Content-Type 应为 application/offset+octet-stream"},
        423: {"description": "另一个请求正在写入此上传"},
        460: {"description": "校验值不一致（Upload-Checksum）"},
    },
)
async def append_upload(
    upload_id: str,
    request: Request,
    session: DbSession,
    principal: Writer,
    storage: StorageDep,
    settings: SettingsDep,
    upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0)],
    content_type: Annotated[str | None, Header(alias="Content-Type")] = None,
    upload_checksum: Annotated[str | None, Header(alias="Upload-Checksum")] = None,
    tus_resumable: Annotated[str | None, Header(alias="Tus-Resumable")] = None,
) -> Response:
    _check_version(tus_resumable)
    if (content_type or "").split(";")[0].strip().lower() != OFFSET_OCTET_STREAM:
        raise service.UnsupportedMediaType(
            f"Content-Type 应为 {OFFSET_OCTET_STREAM}（原始字节，不是 multipart 表单）", field="Content-Type"
        )
    checksum = service.parse_checksum(upload_checksum)
    result = await service.append(
        session,
        principal,
        storage,
        settings,
        upload_id,
        upload_offset,
        request.stream(),
        checksum,
        partial(take_direct_body, request.scope),
    )
    headers = _tus_headers(result.upload)
    if result.file is not None:
        headers["Anping-File-Id"] = str(result.file.id)
        headers["Anping-File-Sha256"] = result.file.sha256
    return Response(status_code=204, headers=headers)


@router.delete(
    "/{upload_id}",
    operation_id="terminate_upload",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="tus：放弃未完成的上传并删除已收到的数据",
)
async def terminate_upload(
    upload_id: str,
    session: DbSession,
    principal: Writer,
    storage: StorageDep,
    tus_resumable: Annotated[str | None, Header(alias="Tus-Resumable")] = None,
) -> Response:
    _check_version(tus_resumable)
    await service.terminate(session, principal, storage, upload_id)
    return Response(status_code=204, headers=_tus_headers())


@router.get("/{upload_id}", operation_id="get_upload", summary="上传状态（偏移量、SHA-256、拒收原因、生成的文件）")
async def get_upload(upload_id: str, session: DbSession, principal: Writer) -> UploadRead:
    upload = await service.get(session, principal, upload_id)
    stored = await session.get(StoredFile, upload.file_id) if upload.file_id else None
    return _read(upload, stored)


@router.post(
    "/{upload_id}/complete",
    operation_id="complete_upload",
    summary="完成上传（可重复调用）：校验 SHA-256、检查内容并保存；最后一块的 PATCH 已自动完成此步",
)
async def complete_upload(
    upload_id: str, session: DbSession, principal: Writer, storage: StorageDep, settings: SettingsDep
) -> UploadRead:
    result = await service.complete(session, principal, storage, settings, upload_id)
    return _read(result.upload, result.file)
