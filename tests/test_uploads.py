"""Resumable uploads (tus), content checks, stored files and downloads."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
import os
import zipfile
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.auth import tokens
from backend.core.config import Settings
from backend.core.errors import ValidationFailed
from backend.demo.files import archive_zip, minimal_pdf, process_archive
from backend.files import inspection
from backend.models import StoredFile, Upload
from backend.models.base import utcnow
from backend.uploads import service as uploads
from tests.conftest import login, make_settings
from tests.support import tus
from tests.support.s3 import bucket_keys

PDF = minimal_pdf("Report QHD-2025-001", "Anping test")


def stored_path(settings: Settings, sha256: str) -> Any:
    return settings.storage_dir / "objects" / uploads.object_key(sha256)


async def file_count(db: AsyncSession, sha256: str) -> int:
    return int(await db.scalar(select(func.count()).select_from(StoredFile).where(StoredFile.sha256 == sha256)) or 0)


async def test_options_advertise_the_protocol(client: httpx.AsyncClient) -> None:
    headers = await login(client, "agency.a.admin")
    response = await client.options("/api/v1/uploads", headers=headers)
    assert response.status_code == 204
    assert response.headers["Tus-Version"] == "1.0.0"
    assert set(response.headers["Tus-Extension"].split(",")) == {"creation", "termination", "checksum", "expiration"}
    assert int(response.headers["Tus-Max-Size"]) == 2 * 1024**3
    assert "sha256" in response.headers["Tus-Checksum-Algorithm"]


async def test_upload_in_one_request_stores_a_verified_file(
    client: httpx.AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    headers = await login(client, "agency.a.admin")
    data = minimal_pdf("one request", os.urandom(8).hex())
    result = await tus.upload(client, headers, data, "安全现状评价报告.pdf")
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    status = (await client.get(result.location, headers=headers)).json()
    assert status["status"] == "complete" and status["offset"] == len(data) and status["sha256"] == result.sha256
    info = (await client.get(f"/api/v1/files/{result.file_id}", headers=headers)).json()
    assert info["name"] == "安全现状评价报告.pdf" and info["kind"] == "pdf" and info["size"] == len(data)
    assert stored_path(settings, result.sha256).read_bytes() == data


async def test_upload_in_chunks_and_a_retried_chunk_is_not_stored_twice(
    client: httpx.AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    headers = await login(client, "agency.a.admin")
    data = process_archive(os.urandom(6).hex()) + b""
    location = await tus.create(client, headers, len(data), "过程控制档案.zip")
    first = await tus.patch(client, headers, location, 0, data[:1000])
    assert first.status_code == 204 and first.headers["Upload-Offset"] == "1000"
    # The client did not see the answer and sends the same chunk again: refused, nothing appended.
    retried = await tus.patch(client, headers, location, 0, data[:1000])
    assert retried.status_code == 409
    assert retried.headers["content-type"].startswith("application/problem+json")
    assert "服务器已收到 1000 字节" in retried.json()["detail"]
    assert await tus.offset_of(client, headers, location) == 1000
    last = await tus.patch(client, headers, location, 1000, data[1000:])
    assert last.status_code == 204
    sha = hashlib.sha256(data).hexdigest()
    assert last.headers["Anping-File-Sha256"] == sha
    assert stored_path(settings, sha).read_bytes() == data
    info = (await client.get(f"/api/v1/files/{last.headers['Anping-File-Id']}", headers=headers)).json()
    assert info["kind"] == "zip" and info["zip_entries"] == 4
    assert {entry["name"] for entry in info["zip_listing"]} >= {"01合同/评价合同.pdf", "02现场勘验/现场勘验记录.pdf"}


async def test_repeated_completion_returns_the_same_file(
    client: httpx.AsyncClient, db: AsyncSession, settings: Settings
) -> None:
    headers = await login(client, "agency.a.admin")
    data = minimal_pdf("complete twice", os.urandom(8).hex())
    result = await tus.upload(client, headers, data)
    answers = [await client.post(f"{result.location}/complete", headers=headers) for _ in range(3)]
    assert {a.status_code for a in answers} == {200}
    assert {a.json()["file"]["id"] for a in answers} == {result.file_id}
    assert await file_count(db, result.sha256) == 1
    patched_again = await tus.patch(client, headers, result.location, len(data), b"")
    assert patched_again.status_code == 409


async def test_completion_before_the_last_byte_is_refused(client: httpx.AsyncClient) -> None:
    headers = await login(client, "agency.a.admin")
    location = await tus.create(client, headers, 100, "未完成.pdf")
    await tus.patch(client, headers, location, 0, PDF[:40])
    response = await client.post(f"{location}/complete", headers=headers)
    assert response.status_code == 409
    assert response.json()["detail"] == "上传尚未完成：已收到 40 / 100 字节"


async def test_interrupted_upload_resumes_where_it_stopped(
    app: Any, live_server: str, db: AsyncSession, settings: Settings
) -> None:
    data = os.urandom(3 * 1024 * 1024)
    data = minimal_pdf("big") + data  # a PDF by its first bytes, 3 MiB long
    port = int(live_server.rsplit(":", 1)[1])
    async with httpx.AsyncClient(base_url=live_server) as client:
        headers = await login(client, "agency.a.admin")
        token = headers["Authorization"].removeprefix("Bearer ")
        location = await tus.create(client, headers, len(data), "大文件.pdf", sha256=hashlib.sha256(data).hexdigest())
        cut = 1_234_567
        await tus.send_cut_short(port, location, token, 0, len(data), data[:cut])
        # What arrived before the connection dropped is kept, once the server noticed the drop.
        for _ in range(200):
            offset = await tus.offset_of(client, headers, location)
            upload = await db.get(Upload, location.rsplit("/", 1)[1], populate_existing=True)
            if upload is not None and upload.lease_token is None and offset > 0:
                break
            await asyncio.sleep(0.02)
        assert offset == cut
        response = await tus.patch(client, headers, location, offset, data[offset:])
        assert response.status_code == 204, response.text
    assert response.headers["Anping-File-Sha256"] == hashlib.sha256(data).hexdigest()
    assert stored_path(settings, hashlib.sha256(data).hexdigest()).read_bytes() == data


async def test_a_large_body_is_read_from_the_socket_and_stored_intact(
    app: Any, live_server: str, settings: Settings
) -> None:
    # Over a real socket the server offers the body to be read straight from the socket; more than the receive
    # buffers hold, in pieces that end off the storage's block boundaries, through two requests.
    data = minimal_pdf("socket") + os.urandom(13 * 1024 * 1024 + 4099)
    cut = 5 * 1024 * 1024 + 1  # the second request continues inside a block
    async with httpx.AsyncClient(base_url=live_server) as client:
        headers = await login(client, "agency.a.admin")
        location = await tus.create(client, headers, len(data), "档案.pdf", sha256=hashlib.sha256(data).hexdigest())
        first = await tus.patch(client, headers, location, 0, data[:cut])
        assert first.status_code == 204 and first.headers["Upload-Offset"] == str(cut)
        # The server's parser did not see the bytes read from the socket: the connection ends with the answer.
        assert first.headers["connection"] == "close"
        last = await tus.patch(client, headers, location, cut, data[cut:])
        assert last.status_code == 204, last.text
    sha256 = hashlib.sha256(data).hexdigest()
    assert last.headers["Anping-File-Sha256"] == sha256
    assert stored_path(settings, sha256).read_bytes() == data


async def test_a_checksum_and_a_size_limit_hold_for_a_body_read_from_the_socket(
    app: Any, live_server: str, settings: Settings
) -> None:
    data = minimal_pdf("checksum") + os.urandom(6 * 1024 * 1024)
    async with httpx.AsyncClient(base_url=live_server) as client:
        headers = await login(client, "agency.a.admin")
        location = await tus.create(client, headers, len(data), "报告.pdf")
        wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
        refused = await tus.patch(client, headers, location, 0, data, **{"Upload-Checksum": f"sha256 {wrong}"})
        assert refused.status_code == 460 and refused.headers["connection"] == "close"
        assert await tus.offset_of(client, headers, location) == 0
        # More than the upload has room for: refused, and the answer reaches the client (not a reset connection).
        too_long = await tus.patch(client, headers, location, 0, data + b"x")
        assert too_long.status_code == 413 and "超出声明的文件大小" in too_long.json()["detail"]
        assert await tus.offset_of(client, headers, location) == 0
        right = base64.b64encode(hashlib.sha256(data).digest()).decode()
        accepted = await tus.patch(client, headers, location, 0, data, **{"Upload-Checksum": f"sha256 {right}"})
        assert accepted.status_code == 204, accepted.text
    assert stored_path(settings, hashlib.sha256(data).hexdigest()).read_bytes() == data


async def test_a_resumed_upload_is_verified_from_the_digest_carried_over(
    app: Any, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each PATCH continues the SHA-256 of the ones before: completing reads back the head, never the whole file.
    storage = app.state.storage
    read_partial = storage.read_partial
    read_lengths: list[int] = []

    def spy(upload_id: str, length: int) -> Any:
        read_lengths.append(length)
        return read_partial(upload_id, length)

    monkeypatch.setattr(storage, "read_partial", spy)
    headers = await login(client, "agency.a.admin")
    data = minimal_pdf("resumed") + os.urandom(3 * 1024 * 1024)
    result = await tus.upload(client, headers, data, chunk=1_000_003)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert read_lengths and max(read_lengths) <= inspection.HEAD_BYTES
    # The carried-over digest is checked like any other: a wrong declared one still rejects the file.
    location = await tus.create(client, headers, len(data), "篡改.pdf", sha256="0" * 64)
    for offset in range(0, len(data), 1_000_003):
        response = await tus.patch(client, headers, location, offset, data[offset : offset + 1_000_003])
    assert response.status_code == 422 and "SHA-256" in response.json()["detail"]


async def test_an_upload_resumed_in_another_process_is_verified_from_its_bytes(client: httpx.AsyncClient) -> None:
    headers = await login(client, "agency.a.admin")
    data = minimal_pdf("elsewhere") + os.urandom(2 * 1024 * 1024)
    sha = hashlib.sha256(data).hexdigest()
    location = await tus.create(client, headers, len(data), "续传.pdf", sha256=sha)
    half = len(data) // 2
    assert (await tus.patch(client, headers, location, 0, data[:half])).status_code == 204
    uploads._HASHERS.clear()  # the rest arrives at a process that did not see the beginning
    last = await tus.patch(client, headers, location, half, data[half:])
    assert last.status_code == 204 and last.headers["Anping-File-Sha256"] == sha


async def test_a_digest_is_carried_over_only_once_its_offset_is_committed(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = await login(client, "agency.a.admin")
    data = minimal_pdf("committed") + os.urandom(200_000)
    location = await tus.create(client, headers, len(data), "重传.pdf")
    half = len(data) // 2

    def fail(settings: Settings) -> Any:
        raise ValidationFailed("模拟：确认偏移量之前失败")

    with monkeypatch.context() as patched:
        patched.setattr(uploads, "expiry", fail)
        # Bytes written and synced, then the request fails: they are not acknowledged, nor is their digest kept
        # (another process could take the same offset with other bytes; this state must never be continued).
        failed = await tus.patch(client, headers, location, 0, data[:40] + os.urandom(half - 40))
    assert failed.status_code == 422
    assert await tus.offset_of(client, headers, location) == 0
    assert location.rsplit("/", 1)[1] not in uploads._HASHERS
    assert (await tus.patch(client, headers, location, 0, data[:half])).status_code == 204
    last = await tus.patch(client, headers, location, half, data[half:])
    assert last.status_code == 204 and last.headers["Anping-File-Sha256"] == hashlib.sha256(data).hexdigest()


async def test_a_wrong_offset_type_or_size_is_refused_and_nothing_is_appended(client: httpx.AsyncClient) -> None:
    headers = await login(client, "agency.a.admin")
    location = await tus.create(client, headers, len(PDF), "报告.pdf")
    ahead = await tus.patch(client, headers, location, 10, PDF[10:])
    assert ahead.status_code == 409 and ahead.json()["errors"][0]["field"] == "Upload-Offset"
    multipart = await client.patch(
        location, files={"file": ("a.pdf", PDF)}, headers={**headers, **tus.TUS, "Upload-Offset": "0"}
    )
    assert multipart.status_code == 415 and "application/offset+octet-stream" in multipart.json()["detail"]
    too_much = await tus.patch(client, headers, location, 0, PDF + b"extra")
    assert too_much.status_code == 413
    assert await tus.offset_of(client, headers, location) == 0
    too_big = await client.post(
        "/api/v1/uploads",
        headers={**headers, "Upload-Length": str(3 * 1024**3), "Upload-Metadata": tus.metadata("巨大.zip")},
    )
    assert too_big.status_code == 413 and "超过上限 2 GiB" in too_big.json()["detail"]
    nameless = await client.post("/api/v1/uploads", headers={**headers, "Upload-Length": "10"})
    assert nameless.status_code == 422 and nameless.json()["errors"][0]["field"] == "Upload-Metadata"
    old_version = await client.post(
        "/api/v1/uploads",
        headers={**headers, "Tus-Resumable": "0.2.2", "Upload-Length": "10", "Upload-Metadata": tus.metadata("a")},
    )
    assert old_version.status_code == 412 and old_version.headers["Tus-Version"] == "1.0.0"


async def test_chunk_checksum(client: httpx.AsyncClient) -> None:
    headers = await login(client, "agency.a.admin")
    location = await tus.create(client, headers, len(PDF), "报告.pdf")
    wrong = base64.b64encode(hashlib.sha256(b"something else").digest()).decode()
    refused = await tus.patch(client, headers, location, 0, PDF[:50], **{"Upload-Checksum": f"sha256 {wrong}"})
    assert refused.status_code == 460
    assert await tus.offset_of(client, headers, location) == 0
    right = base64.b64encode(hashlib.sha256(PDF[:50]).digest()).decode()
    accepted = await tus.patch(client, headers, location, 0, PDF[:50], **{"Upload-Checksum": f"sha256 {right}"})
    assert accepted.status_code == 204 and accepted.headers["Upload-Offset"] == "50"
    unknown = await tus.patch(client, headers, location, 50, PDF[50:], **{"Upload-Checksum": "crc32 AAAA"})
    assert unknown.status_code == 400 and unknown.json()["errors"][0]["field"] == "Upload-Checksum"


async def test_a_declared_hash_that_does_not_match_rejects_the_file(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await login(client, "agency.a.admin")
    data = minimal_pdf("tampered", os.urandom(8).hex())
    location = await tus.create(client, headers, len(data), "报告.pdf", sha256="0" * 64)
    response = await tus.patch(client, headers, location, 0, data)
    assert response.status_code == 422
    assert "SHA-256" in response.json()["detail"]
    status = (await client.get(location, headers=headers)).json()
    assert status["status"] == "rejected" and status["file"] is None
    assert await file_count(db, hashlib.sha256(data).hexdigest()) == 0


def _zip_with(*names: str, encrypted: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(zipfile.ZipInfo(name), b"content")
    data = bytearray(out.getvalue())
    if encrypted:
        # zipfile cannot encrypt; set the "encrypted" flag in the local and the central header as a tool would.
        for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            position = data.index(signature) + flag_at
            data[position] |= 0x1
    return bytes(data)


def _bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", bytes(40 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "reason"),
    [
        pytest.param(b"just some text, named like a report", "报告.pdf", "不支持的文件类型", id="type-from-bytes"),
        pytest.param(_bomb(), "档案.zip", "压缩比异常", id="zip-bomb-ratio"),
        pytest.param(_zip_with("/etc/passwd"), "档案.zip", "不安全的路径：/etc/passwd", id="absolute-path"),
        pytest.param(_zip_with("a/../../evil.sh"), "档案.zip", "不安全的路径：a/../../evil.sh", id="dot-dot-path"),
        pytest.param(_zip_with("C:\\Windows\\x.dll"), "档案.zip", "不安全的路径", id="drive-path"),
        pytest.param(_zip_with("合同.pdf", encrypted=True), "档案.zip", "已加密", id="encrypted"),
        pytest.param(b"PK\x03\x04" + b"\x00" * 200, "档案.zip", "已损坏", id="truncated-zip"),
    ],
)
async def test_refused_content(
    client: httpx.AsyncClient, db: AsyncSession, settings: Settings, content: bytes, name: str, reason: str
) -> None:
    headers = await login(client, "agency.a.admin")
    location = await tus.create(client, headers, len(content), name)
    response = await tus.patch(client, headers, location, 0, content)
    assert response.status_code == 422, response.text
    assert reason in response.json()["detail"]
    sha = hashlib.sha256(content).hexdigest()
    assert await file_count(db, sha) == 0
    assert not stored_path(settings, sha).exists()
    assert (await client.get(location, headers=headers)).json()["rejected_reason"] == response.json()["detail"]
    gone = await client.head(location, headers={**headers, **tus.TUS})
    assert gone.status_code == 410


async def test_too_many_zip_entries_is_refused(database_url: str) -> None:
    application = create_app(make_settings(database_url, zip_max_entries=3))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            headers = await login(client, "agency.a.admin")
            content = archive_zip({f"{i}.txt": b"x" for i in range(4)})
            location = await tus.create(client, headers, len(content), "档案.zip")
            response = await tus.patch(client, headers, location, 0, content)
    assert response.status_code == 422
    assert response.json()["detail"] == "zip 文件条目过多（4 个，上限 3 个）"


def test_overlapping_entries_are_refused() -> None:
    first, second = zipfile.ZipInfo("a"), zipfile.ZipInfo("b")
    first.header_offset, first.compress_size = 0, 1000
    second.header_offset, second.compress_size = 100, 1000
    with pytest.raises(inspection.ContentRefused, match="条目相互重叠"):
        inspection._refuse_overlapping([first, second], 5000)


def test_gbk_entry_names_are_read_as_chinese() -> None:
    info = zipfile.ZipInfo("评价合同.pdf".encode("gbk").decode("cp437"))
    assert inspection._entry_name(info) == "评价合同.pdf"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("..\\..\\评价报告.pdf", "评价报告.pdf"),
        ("/etc/passwd", "passwd"),
        ("C:\\fakepath\\现场照片.jpg", "现场照片.jpg"),
        ("报告\x00.pdf\n", "报告.pdf"),
        ("..", "未命名文件"),
    ],
)
def test_file_names_keep_chinese_and_lose_paths(raw: str, shown: str) -> None:
    assert inspection.display_name(raw) == shown


async def test_the_type_comes_from_the_bytes_not_the_name(client: httpx.AsyncClient) -> None:
    headers = await login(client, "agency.a.admin")
    result = await tus.upload(client, headers, minimal_pdf("named zip", os.urandom(4).hex()), "看起来是压缩包.zip")
    info = (await client.get(f"/api/v1/files/{result.file_id}", headers=headers)).json()
    assert info["kind"] == "pdf" and info["media_type"] == "application/pdf"


async def test_download_with_range_and_chinese_name(client: httpx.AsyncClient) -> None:
    headers = await login(client, "agency.a.admin")
    data = minimal_pdf("download", os.urandom(8).hex())
    result = await tus.upload(client, headers, data, "秦皇岛 评价报告(终稿).pdf")
    url = f"/api/v1/files/{result.file_id}/content"
    whole = await client.get(url, headers=headers)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["Accept-Ranges"] == "bytes" and whole.headers["ETag"] == f'"{result.sha256}"'
    disposition = whole.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert f"filename*=UTF-8''{quote('秦皇岛 评价报告(终稿).pdf', safe='')}" in disposition
    part = await client.get(url, headers={**headers, "Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == data[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
    tail = await client.get(url, headers={**headers, "Range": "bytes=-7"})
    assert tail.status_code == 206 and tail.content == data[-7:]
    rest = await client.get(url, headers={**headers, "Range": f"bytes={len(data) - 3}-"})
    assert rest.content == data[-3:]
    beyond = await client.get(url, headers={**headers, "Range": f"bytes={len(data)}-"})
    assert beyond.status_code == 416 and beyond.headers["Content-Range"] == f"bytes */{len(data)}"
    changed = await client.get(url, headers={**headers, "Range": "bytes=0-9", "If-Range": '"other"'})
    assert changed.status_code == 200 and changed.content == data
    inline = await client.get(f"{url}?inline=true", headers=headers)
    assert inline.headers["Content-Disposition"].startswith("inline; ")


async def test_uploads_and_files_are_private_to_their_organisation(client: httpx.AsyncClient) -> None:
    owner = await login(client, "agency.a.admin")
    result = await tus.upload(client, owner, minimal_pdf("private", os.urandom(8).hex()))
    location = await tus.create(client, owner, 100, "进行中.pdf")
    for stranger in ("agency.b.admin", "county.haigang", "expert.1"):
        headers = await login(client, stranger)
        assert (await client.get(f"/api/v1/files/{result.file_id}", headers=headers)).status_code == 404
        assert (await client.get(f"/api/v1/files/{result.file_id}/content", headers=headers)).status_code == 404
        assert (await client.head(location, headers={**headers, **tus.TUS})).status_code == 404
        assert (await tus.patch(client, headers, location, 0, b"%PDF")).status_code == 404
    city = await login(client, "city.admin")
    assert (await client.get(f"/api/v1/files/{result.file_id}/content", headers=city)).status_code == 200
    branch = await login(client, "agency.a.branch")
    assert (await client.get(f"/api/v1/files/{result.file_id}", headers=branch)).status_code == 404


async def test_terminating_an_upload_deletes_its_bytes(client: httpx.AsyncClient, settings: Settings) -> None:
    headers = await login(client, "agency.a.admin")
    location = await tus.create(client, headers, 100, "放弃.pdf")
    await tus.patch(client, headers, location, 0, PDF[:30])
    partial = settings.storage_dir / "partials" / location.rsplit("/", 1)[1]
    assert partial.stat().st_size == 30
    response = await client.delete(location, headers={**headers, **tus.TUS})
    assert response.status_code == 204
    assert not partial.exists()
    assert (await client.head(location, headers={**headers, **tus.TUS})).status_code == 404


async def test_abandoned_uploads_are_purged_after_the_configured_time(
    client: httpx.AsyncClient, db: AsyncSession, settings: Settings, app: Any
) -> None:
    headers = await login(client, "agency.a.admin")
    stale = await tus.create(client, headers, 100, "中断.pdf")
    await tus.patch(client, headers, stale, 0, PDF[:30])
    fresh = await tus.create(client, headers, 100, "进行中.pdf")
    await tus.patch(client, headers, fresh, 0, PDF[:30])
    stale_id, fresh_id = stale.rsplit("/", 1)[1], fresh.rsplit("/", 1)[1]
    upload = await db.get(Upload, stale_id)
    assert upload is not None
    upload.expires_at = utcnow() - timedelta(minutes=1)
    await db.commit()
    purged = await uploads.purge_abandoned(db, app.state.storage)
    assert purged == 1
    assert not (settings.storage_dir / "partials" / stale_id).exists()
    assert (settings.storage_dir / "partials" / fresh_id).exists()
    assert (await client.head(stale, headers={**headers, **tus.TUS})).status_code == 404
    assert await tus.offset_of(client, headers, fresh) == 30


async def test_two_requests_on_one_upload_never_interleave(client: httpx.AsyncClient, db: AsyncSession) -> None:
    headers = await login(client, "agency.a.admin")
    location = await tus.create(client, headers, len(PDF), "并发.pdf")
    upload = await db.get(Upload, location.rsplit("/", 1)[1])
    assert upload is not None
    upload.lease_token = "f" * 32
    upload.lease_expires_at = utcnow() + timedelta(minutes=1)
    await db.commit()
    locked = await tus.patch(client, headers, location, 0, PDF)
    assert locked.status_code == 423 and "另一个请求" in locked.json()["detail"]
    # A lease left by a crashed process expires, and the upload can go on.
    upload.lease_expires_at = utcnow() - timedelta(seconds=1)
    await db.commit()
    assert (await tus.patch(client, headers, location, 0, PDF)).status_code == 204


async def test_the_whole_upload_and_download_path_on_s3(
    database_url: str, s3_endpoint: str, bucket: str, s3_admin: Any
) -> None:
    settings = make_settings(
        database_url,
        storage_backend="s3",
        s3_endpoint_url=s3_endpoint,
        s3_bucket=bucket,
        s3_prefix="anping/",
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
    )
    application = create_app(settings)
    data = process_archive(f"s3 {os.urandom(4).hex()}") + b""
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            headers = await login(client, "agency.a.admin")
            location = await tus.create(client, headers, len(data), "档案.zip", sha256=hashlib.sha256(data).hexdigest())
            half = len(data) // 2
            assert (await tus.patch(client, headers, location, 0, data[:half])).status_code == 204
            assert await tus.offset_of(client, headers, location) == half
            last = await tus.patch(client, headers, location, half, data[half:])
            assert last.status_code == 204, last.text
            file_id = last.headers["Anping-File-Id"]
            info = (await client.get(f"/api/v1/files/{file_id}", headers=headers)).json()
            part = await client.get(f"/api/v1/files/{file_id}/content", headers={**headers, "Range": "bytes=4-99"})
            bomb = _bomb()
            refused_at = await tus.create(client, headers, len(bomb), "炸弹.zip")
            refused = await tus.patch(client, headers, refused_at, 0, bomb)
    sha = hashlib.sha256(data).hexdigest()
    assert info["kind"] == "zip" and info["zip_entries"] == 4 and info["sha256"] == sha
    assert part.status_code == 206 and part.content == data[4:100]
    assert refused.status_code == 422 and "压缩比异常" in refused.json()["detail"]
    keys = set(bucket_keys(s3_admin, bucket))
    # One object, named by its hash; no partial segments and nothing of the refused zip left behind.
    assert keys == {f"anping/objects/{uploads.object_key(sha)}"}


async def test_overlong_metadata_is_cut_to_what_is_stored(client: httpx.AsyncClient) -> None:
    headers = await login(client, "agency.a.admin")
    location = await tus.create(client, headers, 10, "报" * 300 + ".pdf", filetype="application/" + "x" * 200)
    status = (await client.get(location, headers=headers)).json()
    assert status["filename"] == "报" * 251 + ".pdf"


async def test_the_app_purges_abandoned_uploads_by_itself(database_url: str, tmp_path: Any) -> None:
    settings = make_settings(
        database_url, storage_dir=tmp_path, upload_expiry_hours=0.5 / 3600, upload_purge_interval_seconds=0.2
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            headers = await login(client, "agency.a.admin")
            location = await tus.create(client, headers, 100, "中断.pdf")
            await tus.patch(client, headers, location, 0, PDF[:30])
            partial = tmp_path / "partials" / location.rsplit("/", 1)[1]
            assert partial.exists()
            for _ in range(50):
                if not partial.exists():
                    break
                await asyncio.sleep(0.1)
            assert not partial.exists()
            assert (await client.head(location, headers={**headers, **tus.TUS})).status_code == 404


async def test_a_download_link_works_without_a_login_header_and_only_briefly(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    headers = await login(client, "agency.a.admin")
    data = minimal_pdf("link", os.urandom(8).hex())
    result = await tus.upload(client, headers, data, "评价报告.pdf")
    link = await client.post(f"/api/v1/files/{result.file_id}/link?inline=true", headers=headers)
    assert link.status_code == 200
    url = link.json()["url"]
    whole = await client.get(url)
    assert whole.status_code == 200 and whole.content == data
    assert whole.headers["Content-Disposition"].startswith("inline; ")
    part = await client.get(url, headers={"Range": "bytes=0-4"})
    assert part.status_code == 206 and part.content == b"%PDF-"
    # A link for one file opens no other; a forged or expired one opens nothing.
    other = await tus.upload(client, headers, minimal_pdf("other", os.urandom(8).hex()))
    token = url.split("token=")[1].split("&")[0]
    assert (await client.get(f"/api/v1/files/{other.file_id}/download?token={token}")).status_code == 403
    assert (await client.get(f"/api/v1/files/{result.file_id}/download?token=forged")).status_code == 403
    expired = tokens.create_file_link_token(settings, result.file_id, 5, now=utcnow() - timedelta(minutes=6))
    refused = await client.get(f"/api/v1/files/{result.file_id}/download?token={expired}")
    assert refused.status_code == 403 and "已过期" in refused.json()["detail"]
    stranger = await login(client, "agency.b.admin")
    assert (await client.post(f"/api/v1/files/{result.file_id}/link", headers=stranger)).status_code == 404
