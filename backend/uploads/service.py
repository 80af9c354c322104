"""Resumable uploads (tus 1.0.0: core, creation, termination, checksum, expiration).

A PATCH streams the request body to the upload's partial in storage, a few MiB at a time (read straight from the
socket where the server offers it), hashing on the way; it takes a short lease on the upload row first so that two
requests never write the same upload. The new offset
is acknowledged only after the bytes are durable. When the last byte arrives the upload is finalised: hash
verified, content checked, partial turned into a content-addressed object, StoredFile created — once, however
often the completion is retried.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import mmap
import re
import secrets
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import ClientDisconnect

from backend.authz.policies import Principal
from backend.authz.scope import scoped_select
from backend.core.config import Settings
from backend.core.errors import AppError, Conflict, NotFound, ValidationFailed
from backend.core.http_protocol import DirectBody
from backend.files import inspection
from backend.models import StoredFile, Upload
from backend.models.base import utcnow
from backend.storage import PartialWriter, Storage

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,checksum,expiration"
CHECKSUM_ALGORITHMS = {"sha256": hashlib.sha256, "sha1": hashlib.sha1}
BUFFER_BYTES = 2 << 20
LEASE_SECONDS = 120
LEASE_RENEW_SECONDS = 30
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PayloadTooLarge(AppError):
    status_code = 413
    title = "上传内容过大"


class UnsupportedMediaType(AppError):
    status_code = 415
    title = "不支持的内容类型"


class UploadLocked(AppError):
    status_code = 423
    title = "上传正在进行"


class ChecksumMismatch(AppError):
    # tus checksum extension: 460 Checksum Mismatch.
    status_code = 460
    title = "校验值不一致"


class UploadGone(AppError):
    status_code = 410
    title = "上传已被拒收"


class ContentRejected(AppError):
    status_code = 422
    title = "文件内容不被接受"
    # The rejection (status and reason on the upload) is itself the outcome to keep.
    keep_changes = True


# --- the running SHA-256 of uploads this process is receiving ----------------------------------------------
# hashlib states cannot be saved, so each process keeps the ones it has; a PATCH that lands on another process
# (or after a restart) leaves the digest to be computed from the stored bytes once, at completion. A state is
# kept only once its offset is committed: the bytes it covers can then never change.
_HASHERS: OrderedDict[str, tuple[int, Any]] = OrderedDict()
_HASHERS_MAX = 256


def _take_hasher(upload_id: str, offset: int) -> Any | None:
    entry = _HASHERS.pop(upload_id, None)
    if offset == 0:
        return hashlib.sha256()
    if entry is not None and entry[0] == offset:
        return entry[1]
    return None


def _keep_hasher(upload_id: str, offset: int, hasher: Any) -> None:
    _HASHERS[upload_id] = (offset, hasher)
    while len(_HASHERS) > _HASHERS_MAX:
        _HASHERS.popitem(last=False)


# --- metadata -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Metadata:
    filename: str
    filetype: str | None
    sha256: str | None


def parse_metadata(header: str | None) -> Metadata:
    """Upload-Metadata: comma-separated `key base64(value)` pairs; filename is required."""
    values: dict[str, str] = {}
    for pair in (header or "").split(","):
        pair = pair.strip()
        if not pair:
            continue
        key, _, encoded = pair.partition(" ")
        try:
            values[key] = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise ValidationFailed(
                f"Upload-Metadata 中 {key} 的值不是有效的 base64 编码的 UTF-8 文本", field="Upload-Metadata"
            ) from None
    filename = values.get("filename") or values.get("name")
    if not filename:
        raise ValidationFailed("Upload-Metadata 须包含文件名（filename）", field="Upload-Metadata")
    sha256 = values.get("sha256")
    if sha256 is not None:
        sha256 = sha256.strip().lower()
        if not _SHA256.match(sha256):
            raise ValidationFailed("Upload-Metadata 中的 sha256 应为 64 位十六进制数", field="Upload-Metadata")
    # The declared type is only a hint kept for the record (the type is read from the bytes).
    filetype = (values.get("filetype") or "")[:100] or None
    return Metadata(filename=inspection.display_name(filename), filetype=filetype, sha256=sha256)


def encode_metadata(upload: Upload) -> str:
    pairs = {"filename": upload.filename, "filetype": upload.declared_type, "sha256": upload.declared_sha256}
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in pairs.items() if v)


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """Upload-Checksum: `algorithm base64(digest)` of this request's body."""
    if not header:
        return None
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm not in CHECKSUM_ALGORITHMS:
        raise AppError(f"不支持的校验算法 {algorithm}，可用：sha256、sha1", field="Upload-Checksum")
    try:
        return algorithm, base64.b64decode(encoded, validate=True)
    except binascii.Error:
        raise AppError("Upload-Checksum 的校验值不是有效的 base64", field="Upload-Checksum") from None


# --- lifecycle ----------------------------------------------------------------------------------------------
def expiry(settings: Settings) -> datetime:
    return utcnow() + timedelta(hours=settings.upload_expiry_hours)


async def create(
    session: AsyncSession, principal: Principal, settings: Settings, length: int, metadata: Metadata
) -> Upload:
    if length > settings.upload_max_bytes:
        raise PayloadTooLarge(
            f"文件大小 {_size(length)} 超过上限 {_size(settings.upload_max_bytes)}", field="Upload-Length"
        )
    actor = principal.actor
    upload = Upload(
        id=secrets.token_hex(16),
        organization_id=actor.organization_id,
        created_by_id=actor.user_id,
        api_token_id=actor.api_token_id,
        length=length,
        offset=0,
        filename=metadata.filename,
        declared_type=metadata.filetype,
        declared_sha256=metadata.sha256,
        status="receiving",
        expires_at=expiry(settings),
    )
    session.add(upload)
    await session.flush()
    return upload


async def get(session: AsyncSession, principal: Principal, upload_id: str) -> Upload:
    if not _UPLOAD_ID.match(upload_id):
        raise NotFound("上传不存在或已过期")
    upload = await session.scalar(scoped_select(Upload, principal.scope).where(Upload.id == upload_id))
    if upload is None:
        raise NotFound("上传不存在或已过期")
    return upload


async def _acquire_lease(session: AsyncSession, upload: Upload) -> str:
    token = secrets.token_hex(16)
    now = utcnow()
    result = await session.execute(
        update(Upload)
        .where(
            Upload.id == upload.id,
            or_(Upload.lease_token.is_(None), Upload.lease_expires_at < now),
        )
        .values(lease_token=token, lease_expires_at=now + timedelta(seconds=LEASE_SECONDS))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise UploadLocked("该文件正在由另一个请求上传，请稍后重试")
    await session.commit()
    await session.refresh(upload)
    return token


async def _renew_lease(session: AsyncSession, upload_id: str, token: str) -> None:
    result = await session.execute(
        update(Upload)
        .where(Upload.id == upload_id, Upload.lease_token == token)
        .values(lease_expires_at=utcnow() + timedelta(seconds=LEASE_SECONDS))
        .execution_options(synchronize_session=False)
    )
    await session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise UploadLocked("上传已被另一个请求接管，请重新查询偏移量后继续")


def _release(upload: Upload) -> None:
    upload.lease_token = None
    upload.lease_expires_at = None


@dataclass
class PatchResult:
    upload: Upload
    file: StoredFile | None


async def append(
    session: AsyncSession,
    principal: Principal,
    storage: Storage,
    settings: Settings,
    upload_id: str,
    offset: int,
    body: AsyncIterator[bytes],
    checksum: tuple[str, bytes] | None,
    take_direct_body: Callable[[int], DirectBody | None] | None = None,
) -> PatchResult:
    """One PATCH: write the body at `offset`, acknowledge the new offset, finalise when complete.
    `take_direct_body`: the server's offer to read the rest of the body from the socket (http_protocol.py), asked
    for only once the upload is known to take it."""
    upload = await get(session, principal, upload_id)
    if upload.status != "receiving":
        raise Conflict("该上传已完成或已被拒收，不能再追加数据")
    if offset != upload.offset:
        raise Conflict(
            f"偏移量不一致：服务器已收到 {upload.offset} 字节，请求从 {offset} 开始；请先用 HEAD 查询偏移量",
            field="Upload-Offset",
        )
    token = await _acquire_lease(session, upload)
    if upload.offset != offset:  # moved while we waited for the lease
        upload.lease_token = None
        await session.commit()
        raise Conflict(f"偏移量不一致：服务器已收到 {upload.offset} 字节", field="Upload-Offset")
    try:
        received, complete_body, hasher = await _receive(
            session, storage, upload, token, body, take_direct_body, checksum
        )
        upload.offset = offset + received
        upload.expires_at = expiry(settings)
        if upload.offset < upload.length or not complete_body:
            _release(upload)
            await session.commit()
            if hasher is not None:
                _keep_hasher(upload.id, upload.offset, hasher)
            return PatchResult(upload, None)
        stored = await _finalise(session, storage, settings, upload, hasher)
        return PatchResult(upload, stored)
    except BaseException:
        await session.rollback()
        await _release_after_failure(session, upload_id, token)
        raise


async def _release_after_failure(session: AsyncSession, upload_id: str, token: str) -> None:
    await session.execute(
        update(Upload)
        .where(Upload.id == upload_id, Upload.lease_token == token)
        .values(lease_token=None, lease_expires_at=None)
        .execution_options(synchronize_session=False)
    )
    await session.commit()


def _update(digests: list[Any], parts: Sequence[bytes | memoryview]) -> None:
    for digest in digests:
        for part in parts:
            digest.update(part)  # hashlib lets go of the GIL for each part above 2 KiB


class _Block:
    __slots__ = ("done", "left", "parts")

    def __init__(self, parts: Sequence[bytes | memoryview], steps: int) -> None:
        self.parts = parts
        self.left = steps
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()


class _Pipeline:
    """Hashes and writes blocks in worker threads while the next ones arrive. Hashing and writing each take
    blocks from their own queue, so neither waits for the other (a direct write waits for the disk); at most
    DEPTH blocks wait in each, so memory stays bounded whatever the file size. It never stops half-way through a
    write: after a failure it drains the queues and reports the failure at the end."""

    # One waiting block per step: two measured within the noise here, for 2-3 MiB more RSS (the limit is 16 MiB).
    DEPTH = 1

    def __init__(self, writer: PartialWriter, digests: list[Any]) -> None:
        self.failure: BaseException | None = None
        steps: list[Callable[[Sequence[bytes | memoryview]], Awaitable[None]]] = [writer.write_parts]
        if digests:
            steps.append(lambda parts: asyncio.to_thread(_update, digests, parts))
        self._queues: list[asyncio.Queue[_Block | None]] = [asyncio.Queue(maxsize=self.DEPTH) for _ in steps]
        self._tasks = [
            asyncio.create_task(self._consume(step, queue)) for step, queue in zip(steps, self._queues, strict=True)
        ]

    async def _consume(
        self, step: Callable[[Sequence[bytes | memoryview]], Awaitable[None]], queue: asyncio.Queue[_Block | None]
    ) -> None:
        while (block := await queue.get()) is not None:
            if self.failure is None:
                try:
                    await step(block.parts)
                except Exception as error:
                    self.failure = error
            block.left -= 1
            if not block.left:
                block.done.set_result(None)

    async def put(self, parts: Sequence[bytes | memoryview]) -> asyncio.Future[None]:
        """A block as the parts it arrived in: they are hashed and written as they are, never joined here.
        Returns what says when every step is done with the parts (their buffers may then be filled again)."""
        if self.failure is not None:
            raise self.failure
        block = _Block(parts, len(self._queues))
        for queue in self._queues:
            await queue.put(block)
        return block.done

    async def finish(self) -> None:
        for queue in self._queues:
            await queue.put(None)
        await asyncio.gather(*self._tasks)
        if self.failure is not None:
            raise self.failure


async def _receive(
    session: AsyncSession,
    storage: Storage,
    upload: Upload,
    token: str,
    body: AsyncIterator[bytes],
    take_direct_body: Callable[[int], DirectBody | None] | None,
    checksum: tuple[str, bytes] | None,
) -> tuple[int, bool, Any | None]:
    """Stream the body into the partial. Returns the bytes kept, whether the body arrived whole and the running
    SHA-256 of the partial up to there (None if this process had not seen its beginning). A body cut short keeps
    what arrived (that is what makes the upload resumable) unless a checksum was asked for."""
    start = upload.offset
    hasher = _take_hasher(upload.id, start)
    chunk_hasher = CHECKSUM_ALGORITHMS[checksum[0]]() if checksum else None
    writer = await storage.open_partial(upload.id, start)
    pipeline = _Pipeline(writer, [digest for digest in (hasher, chunk_hasher) if digest is not None])
    receiving = _Receiving(session, upload, token, pipeline)
    direct: DirectBody | None = None
    try:
        try:
            direct = take_direct_body(receiving.room) if take_direct_body is not None else None
            if direct is not None:
                await receiving.from_socket(direct)
            else:
                await receiving.from_stream(body)
        finally:
            if direct is not None:
                direct.close()
            await pipeline.finish()
        if chunk_hasher is not None and checksum is not None:
            if not receiving.complete_body:
                raise ChecksumMismatch("请求体不完整，无法校验，本次数据未保存")
            if chunk_hasher.digest() != checksum[1]:
                raise ChecksumMismatch("本次上传数据的校验值与 Upload-Checksum 不一致，数据未保存")
        if time.monotonic() - receiving.last_renewal > LEASE_RENEW_SECONDS / 6:
            # Making the bytes durable can take a while (an S3 segment upload): the lease must outlive it.
            await _renew_lease(session, upload.id, token)
    except BaseException:
        await writer.abort()
        raise
    await writer.close()
    return receiving.received, receiving.complete_body, hasher


class _Receiving:
    """One PATCH's body on its way into the pipeline, read one of two ways."""

    # Direct receive: buffers the socket is read into, each refilled once the pipeline is done with it. Three let
    # the socket, the hash and the disk each work on one; 4 MiB direct writes keep the disk busiest (local.py).
    SOCKET_BUFFERS = 3
    SOCKET_BUFFER_BYTES = 4 << 20

    def __init__(self, session: AsyncSession, upload: Upload, token: str, pipeline: _Pipeline) -> None:
        self.session = session
        self.upload = upload
        self.token = token
        self.pipeline = pipeline
        self.room = upload.length - upload.offset
        self.received = 0
        self.complete_body = True
        self.last_renewal = time.monotonic()

    def _count(self, size: int) -> None:
        if self.received + size > self.room:
            raise PayloadTooLarge(f"数据超出声明的文件大小 {self.upload.length} 字节", field="Upload-Length")
        self.received += size

    async def _keep_lease(self) -> None:
        if time.monotonic() - self.last_renewal > LEASE_RENEW_SECONDS:
            await _renew_lease(self.session, self.upload.id, self.token)
            self.last_renewal = time.monotonic()

    async def from_stream(self, body: AsyncIterator[bytes]) -> None:
        """The ASGI way: chunks as the server parsed them, gathered into blocks of BUFFER_BYTES."""
        parts: list[bytes] = []
        pending = 0
        try:
            async for chunk in body:
                self._count(len(chunk))
                parts.append(chunk)
                pending += len(chunk)
                if pending >= BUFFER_BYTES:
                    await self.pipeline.put(parts)
                    parts, pending = [], 0
                await self._keep_lease()
        except ClientDisconnect:
            self.complete_body = False
        if parts:
            await self.pipeline.put(parts)

    async def from_socket(self, body: DirectBody) -> None:
        """Straight from the socket into page-aligned buffers, in a worker thread: nothing crosses the event loop,
        and the local storage writes the buffers to the disk as they are."""
        self._count(sum(map(len, body.parsed)))
        if body.parsed:
            await self.pipeline.put(body.parsed)
        buffers = [mmap.mmap(-1, self.SOCKET_BUFFER_BYTES) for _ in range(self.SOCKET_BUFFERS)]
        in_use: list[asyncio.Future[None] | None] = [None] * len(buffers)
        turn = 0
        while body.remaining:
            if (previous := in_use[turn]) is not None:
                await previous
            view = memoryview(buffers[turn])
            count = await asyncio.to_thread(body.read_into, view, LEASE_RENEW_SECONDS)
            self._count(count)
            if count:
                in_use[turn] = await self.pipeline.put([view[:count]])
            if body.disconnected:
                self.complete_body = False
                break
            await self._keep_lease()
            turn = (turn + 1) % len(buffers)
        # The buffers are unmapped when the last view of them is gone, after the pipeline has finished.


async def complete(
    session: AsyncSession, principal: Principal, storage: Storage, settings: Settings, upload_id: str
) -> PatchResult:
    """Finalise an upload whose bytes have all arrived; repeating it returns the same file."""
    upload = await get(session, principal, upload_id)
    if upload.status == "complete":
        return PatchResult(upload, await session.get(StoredFile, upload.file_id))
    if upload.status == "rejected":
        raise ContentRejected(upload.rejected_reason or "文件内容不被接受", keep_changes=False)
    if upload.offset < upload.length:
        raise Conflict(f"上传尚未完成：已收到 {upload.offset} / {upload.length} 字节")
    token = await _acquire_lease(session, upload)
    try:
        if upload.status == "complete":  # finalised by another request while we waited
            _release(upload)
            await session.commit()
            return PatchResult(upload, await session.get(StoredFile, upload.file_id))
        return PatchResult(upload, await _finalise(session, storage, settings, upload))
    except BaseException:
        await session.rollback()
        await _release_after_failure(session, upload_id, token)
        raise


async def _digest(storage: Storage, upload: Upload, hasher: Any | None) -> str:
    """The SHA-256 of the whole upload: from the state the bytes were hashed into on their way in, else (another
    process received the beginning) by reading them back once."""
    entry = _HASHERS.pop(upload.id, None)
    if hasher is None and entry is not None and entry[0] == upload.length:
        hasher = entry[1]
    if hasher is not None:
        return str(hasher.hexdigest())
    hasher = hashlib.sha256()
    async for chunk in storage.read_partial(upload.id, upload.length):
        await asyncio.to_thread(hasher.update, chunk)
    return hasher.hexdigest()


async def _partial_head(storage: Storage, upload: Upload) -> bytes:
    head = b""
    async for chunk in storage.read_partial(upload.id, min(upload.length, inspection.HEAD_BYTES)):
        head += chunk
    return head


async def _object_head(storage: Storage, key: str) -> bytes:
    head = b""
    async for chunk in storage.read_object(key, 0, inspection.HEAD_BYTES - 1):
        head += chunk
    return head


def object_key(sha256: str) -> str:
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


async def _reject(session: AsyncSession, upload: Upload, reason: str) -> ContentRejected:
    upload.status = "rejected"
    upload.rejected_reason = reason
    upload.completed_at = utcnow()
    _release(upload)
    await session.commit()
    return ContentRejected(reason)


async def _finalise(
    session: AsyncSession, storage: Storage, settings: Settings, upload: Upload, hasher: Any | None = None
) -> StoredFile:
    """Verify, check and store the complete upload. Safe to repeat after a crash at any step: the digest is
    saved before the partial becomes an object, and objects are content-addressed. `hasher`: the running
    SHA-256 of all `upload.length` bytes, when the request that received the last of them has it."""
    head: bytes | None = None
    if upload.sha256 is None:
        digest = await _digest(storage, upload, hasher)
        if upload.declared_sha256 and digest != upload.declared_sha256:
            await storage.delete_partial(upload.id)
            raise await _reject(
                session,
                upload,
                f"文件校验值（SHA-256）与声明不一致：收到的是 {digest}，声明的是 {upload.declared_sha256}",
            )
        head = await _partial_head(storage, upload)
        try:
            inspection.sniff(head)
        except inspection.ContentRefused as refused:
            await storage.delete_partial(upload.id)
            raise await _reject(session, upload, str(refused)) from None
        upload.sha256 = digest
        await session.commit()
    key = object_key(upload.sha256)
    await storage.commit_partial(upload.id, upload.length, key)
    # The object holds the same bytes as the partial (its key is their hash): its head is the one just read.
    kind, media_type = inspection.sniff(head if head is not None else await _object_head(storage, key))
    details: dict[str, Any] = {}
    if kind == "zip":
        limits = inspection.ZipLimits(
            settings.zip_max_entries, settings.zip_max_ratio, settings.zip_max_uncompressed_bytes
        )
        try:
            details = await asyncio.to_thread(_inspect_zip, storage, key, upload.length, limits)
        except inspection.ContentRefused as refused:
            if not await session.scalar(select(StoredFile.id).where(StoredFile.sha256 == upload.sha256).limit(1)):
                await storage.delete_object(key)
            raise await _reject(session, upload, str(refused)) from None
    stored = StoredFile(
        sha256=upload.sha256,
        size=upload.length,
        storage_key=key,
        original_name=upload.filename,
        kind=kind,
        media_type=media_type,
        details=details,
        organization_id=upload.organization_id,
        uploaded_by_id=upload.created_by_id,
        created_at=utcnow(),
    )
    session.add(stored)
    await session.flush()
    upload.file_id = stored.id
    upload.status = "complete"
    upload.completed_at = utcnow()
    _release(upload)
    await session.commit()
    return stored


def _inspect_zip(storage: Storage, key: str, size: int, limits: inspection.ZipLimits) -> dict[str, Any]:
    with storage.open_object_sync(key, size) as handle:
        return inspection.inspect_zip(handle, size, limits)


async def terminate(session: AsyncSession, principal: Principal, storage: Storage, upload_id: str) -> None:
    upload = await get(session, principal, upload_id)
    if upload.status == "complete":
        raise Conflict("已完成的上传不能删除；文件一经保存即作为证据保留")
    token = await _acquire_lease(session, upload)
    try:
        await storage.delete_partial(upload.id)
        _HASHERS.pop(upload.id, None)
        await session.delete(upload)
        await session.commit()
    except BaseException:
        await session.rollback()
        await _release_after_failure(session, upload_id, token)
        raise


async def purge_abandoned(session: AsyncSession, storage: Storage, now: datetime | None = None) -> int:
    """Delete uploads that stopped receiving bytes before their expiry (and rejected ones), with their partials.
    Returns how many were purged. Run periodically by every app process; running it twice is harmless."""
    now = now or utcnow()
    abandoned = (
        await session.scalars(
            select(Upload).where(
                Upload.status != "complete",
                Upload.expires_at < now,
                or_(Upload.lease_token.is_(None), Upload.lease_expires_at < now),
            )
        )
    ).all()
    for upload in abandoned:
        await storage.delete_partial(upload.id)
        _HASHERS.pop(upload.id, None)
    if abandoned:
        await session.execute(
            delete(Upload).where(Upload.id.in_([u.id for u in abandoned])).execution_options(synchronize_session=False)
        )
    await session.commit()
    return len(abandoned)


def _size(length: int) -> str:
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if length >= factor:
            return f"{length / factor:.1f} {unit}".replace(".0 ", " ")
    return f"{length} 字节"
