"""The storage contract, run against the local file system and against a real S3-compatible server (moto's
server mode on 127.0.0.1), plus what only S3 has: segments, multipart composition, ranged zip reading."""

from __future__ import annotations

import asyncio
import errno
import hashlib
import io
import itertools
import mmap
import os
import random
import uuid
import zipfile
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from backend.core.config import Settings
from backend.storage import create_storage, local
from backend.storage.base import Storage, StorageError
from backend.storage.local import LocalStorage
from backend.storage.s3 import S3Storage
from tests.support.s3 import bucket_keys

if TYPE_CHECKING:
    from mypy_boto3_s3.client import S3Client

MIB = 1 << 20
PREFIX = "anping/"
CREDENTIALS = {"access_key_id": "testing", "secret_access_key": "testing"}


# --- fixtures ---------------------------------------------------------------------------------------------------
@pytest.fixture
async def s3_storage(s3_endpoint: str, bucket: str) -> AsyncIterator[S3Storage]:
    storage = S3Storage(bucket=bucket, prefix=PREFIX, endpoint_url=s3_endpoint, **CREDENTIALS)
    yield storage
    await storage.close()


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "storage")
    s3: S3Storage = request.getfixturevalue("s3_storage")
    return s3


# --- helpers ----------------------------------------------------------------------------------------------------
def new_upload_id() -> str:
    return uuid.uuid4().hex


def object_key(data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()
    return f"sha256/{digest[:2]}/{digest}"


def payload(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


async def write_session(storage: Storage, upload_id: str, offset: int, *chunks: bytes) -> int:
    """One writer session from `offset`; the new offset once it is closed."""
    writer = await storage.open_partial(upload_id, offset)
    for chunk in chunks:
        await writer.write(chunk)
    await writer.close()
    return offset + sum(len(chunk) for chunk in chunks)


async def write_sessions(storage: Storage, upload_id: str, data: bytes, session_sizes: list[int]) -> None:
    offset = 0
    for size in session_sizes:
        session = data[offset : offset + size]
        # Several writes per session, of uneven sizes, as request bodies arrive.
        chunks = [session[i : i + 700_001] for i in range(0, len(session), 700_001)]
        offset = await write_session(storage, upload_id, offset, *chunks)
    assert offset == len(data)


async def collect(chunks: AsyncIterator[bytes]) -> bytes:
    return b"".join([chunk async for chunk in chunks])


async def assert_partial_ends_at(storage: Storage, upload_id: str, data: bytes) -> None:
    """The partial holds exactly `data`: it reads back, can be continued at its end, and has nothing beyond."""
    assert await collect(storage.read_partial(upload_id, len(data))) == data
    await (await storage.open_partial(upload_id, len(data))).abort()
    with pytest.raises(StorageError, match="暂存数据少于已确认的偏移量"):
        await storage.open_partial(upload_id, len(data) + 1)


# --- partials ---------------------------------------------------------------------------------------------------
async def test_partial_written_in_sessions_reads_back(storage: Storage) -> None:
    upload_id = new_upload_id()
    offset = await write_session(storage, upload_id, 0, b"hello", b" ")
    offset = await write_session(storage, upload_id, offset, b"partial")
    offset = await write_session(storage, upload_id, offset, b" wor", b"ld", b"!")
    assert offset == 20

    await assert_partial_ends_at(storage, upload_id, b"hello partial world!")
    assert await collect(storage.read_partial(upload_id, 8)) == b"hello pa"


@pytest.mark.parametrize("part_count", [1, 7, 513])
async def test_parts_written_as_one_block_read_back_in_order(storage: Storage, part_count: int) -> None:
    # A block as the request's chunks arrived: uneven, some of them empty.
    data = payload(part_count * 997 + 5, seed=part_count)
    cuts = sorted({0, len(data), *random.Random(part_count).sample(range(len(data)), part_count - 1)})
    parts = [data[a:b] for a, b in itertools.pairwise(cuts)] + [b""]
    upload_id = new_upload_id()
    writer = await storage.open_partial(upload_id, 0)
    await writer.write_parts(parts[:1])
    await writer.write_parts(parts[1:])
    await writer.close()
    await assert_partial_ends_at(storage, upload_id, data)


def _direct_io(writer: Any) -> bool:
    return bool(local.fcntl.fcntl(writer._fd, local.fcntl.F_GETFL) & local._O_DIRECT)


def _takes_direct_io(directory: Path) -> bool:
    """Whether the file system under `directory` opens files with O_DIRECT (Linux's ext4, xfs, tmpfs since 6.6)."""
    if not local._O_DIRECT:
        return False
    probe = directory / "direct-io-probe"
    try:
        os.close(os.open(probe, os.O_RDWR | os.O_CREAT | local._O_DIRECT, 0o600))
    except OSError:
        return False
    probe.unlink()
    return True


@pytest.mark.parametrize(
    "sessions",
    [
        [10, local.ALIGNMENT - 10, 1],  # ends on a block boundary, then one byte past it
        [local.ALIGNMENT + 1, 5, 3 * MIB],  # continues inside a block, twice
        [local.STAGE_BYTES - 1, 2, local.STAGE_BYTES + local.ALIGNMENT + 7],  # across full buffers
    ],
    ids=["boundary", "inside-block", "full-buffers"],
)
async def test_local_partials_are_written_past_the_page_cache_from_any_offset(
    tmp_path: Path, sessions: list[int]
) -> None:
    storage = LocalStorage(tmp_path / "storage")
    direct = _takes_direct_io(tmp_path)
    upload_id = new_upload_id()
    data = payload(sum(sessions), seed=len(sessions))
    offset = 0
    for size in sessions:
        writer = await storage.open_partial(upload_id, offset)
        assert _direct_io(writer) == direct
        chunk = data[offset : offset + size]
        await writer.write_parts([chunk[: size // 3], chunk[size // 3 :]])
        await writer.close()
        offset += size
        await assert_partial_ends_at(storage, upload_id, data[:offset])


async def test_a_page_aligned_buffer_is_written_to_the_disk_without_a_copy(tmp_path: Path) -> None:
    # A direct receive hands the writer its own page-aligned buffers: their whole blocks go straight to the disk.
    storage = LocalStorage(tmp_path / "storage")
    direct = _takes_direct_io(tmp_path)
    upload_id = new_upload_id()
    data = payload(2 * MIB + 3 * local.ALIGNMENT + 10)
    buffer = mmap.mmap(-1, len(data))
    buffer[:] = data
    writer = await storage.open_partial(upload_id, 0)
    await writer.write_parts([memoryview(buffer)[: MIB + 10]])
    # Only the bytes past the last whole block wait in the writer's own buffer (all of them without O_DIRECT).
    assert writer._staged == (10 if direct else MIB + 10)  # type: ignore[attr-defined]
    # Behind those, the next buffer is copied in like any bytes.
    await writer.write_parts([memoryview(buffer)[MIB + 10 :]])
    assert writer._staged == (len(data) - MIB if direct else len(data))  # type: ignore[attr-defined]
    await writer.close()
    await assert_partial_ends_at(storage, upload_id, data)
    # Bytes that are not page-aligned memory (read-only here) are always copied.
    other = new_upload_id()
    writer = await storage.open_partial(other, 0)
    await writer.write_parts([memoryview(data)[:MIB]])
    assert writer._staged == MIB  # type: ignore[attr-defined]
    await writer.close()
    await assert_partial_ends_at(storage, other, data[:MIB])


async def test_local_partials_go_through_the_page_cache_where_direct_io_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fcntl = local.fcntl.fcntl

    def no_direct_io(fd: int, command: int, argument: int = 0) -> int:
        if command == local.fcntl.F_SETFL and argument & local._O_DIRECT:
            raise OSError(errno.EINVAL, "Invalid argument")  # as a file system without O_DIRECT answers
        return real_fcntl(fd, command, argument)

    monkeypatch.setattr(local.fcntl, "fcntl", no_direct_io)
    storage = LocalStorage(tmp_path / "storage")
    upload_id = new_upload_id()
    data = payload(local.STAGE_BYTES + 3 * local.ALIGNMENT + 11)
    writer = await storage.open_partial(upload_id, 0)
    assert not _direct_io(writer)
    await writer.write(data[:1001])
    await writer.close()
    await write_sessions(storage, upload_id, data, [1001, len(data) - 1001])
    await assert_partial_ends_at(storage, upload_id, data)


async def test_a_direct_write_refused_by_the_file_system_is_done_through_the_page_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Some file systems accept O_DIRECT at open but refuse a write (a larger block size than ALIGNMENT).
    real_pwrite = local.os.pwrite
    refused: list[int] = []

    def pwrite(fd: int, data: Any, offset: int) -> int:
        if local.fcntl.fcntl(fd, local.fcntl.F_GETFL) & local._O_DIRECT:
            refused.append(offset)
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(local.os, "pwrite", pwrite)
    storage = LocalStorage(tmp_path / "storage")
    upload_id = new_upload_id()
    data = payload(local.STAGE_BYTES * 2 + 5)
    await write_sessions(storage, upload_id, data, [7, len(data) - 7])
    await assert_partial_ends_at(storage, upload_id, data)
    # Once per writer (the first write of each), where the file system took O_DIRECT at all.
    assert refused == ([0, 0] if _takes_direct_io(tmp_path) else [])


async def test_aborted_writer_leaves_partial_at_its_start(storage: Storage) -> None:
    upload_id = new_upload_id()
    await write_session(storage, upload_id, 0, b"0123456789")
    writer = await storage.open_partial(upload_id, 10)
    await writer.write(b"never acknowledged")
    await writer.abort()

    await assert_partial_ends_at(storage, upload_id, b"0123456789")
    await write_session(storage, upload_id, 10, b"abc")
    await assert_partial_ends_at(storage, upload_id, b"0123456789abc")


@pytest.mark.parametrize("hint", [None, lambda *args: -1], ids=["unavailable", "failing"])
async def test_local_writes_do_not_depend_on_the_writeback_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hint: Any
) -> None:
    # sync_file_range only starts the disk writes early; without it (or when it fails) close() still syncs.
    monkeypatch.setattr(local, "_sync_file_range", hint)
    storage = LocalStorage(tmp_path / "storage")
    upload_id = new_upload_id()
    data = payload(3 * MIB + 5)
    await write_sessions(storage, upload_id, data, [MIB + 3, 2 * MIB + 2])
    await assert_partial_ends_at(storage, upload_id, data)


async def test_session_without_writes_changes_nothing(storage: Storage) -> None:
    upload_id = new_upload_id()
    await write_session(storage, upload_id, 0, b"0123456789")
    assert await write_session(storage, upload_id, 10) == 10

    await assert_partial_ends_at(storage, upload_id, b"0123456789")


@pytest.mark.parametrize("offset", [0, 10, 15], ids=["start", "session-boundary", "mid-session"])
async def test_reopening_at_smaller_offset_drops_bytes_beyond_it(storage: Storage, offset: int) -> None:
    upload_id = new_upload_id()
    data = payload(30)
    await write_sessions(storage, upload_id, data, [10, 10, 10])

    await write_session(storage, upload_id, offset, b"XYZ")
    await assert_partial_ends_at(storage, upload_id, data[:offset] + b"XYZ")

    # Growing past the old end again must not bring back any of the dropped bytes.
    tail = payload(25, seed=offset)
    await write_session(storage, upload_id, offset + 3, tail)
    await assert_partial_ends_at(storage, upload_id, data[:offset] + b"XYZ" + tail)


async def test_offset_beyond_stored_bytes_is_refused(storage: Storage) -> None:
    upload_id = new_upload_id()
    await write_session(storage, upload_id, 0, b"0123456789")

    with pytest.raises(StorageError, match="暂存数据少于已确认的偏移量"):
        await storage.open_partial(upload_id, 11)
    with pytest.raises(StorageError, match="暂存数据少于已确认的偏移量"):
        await storage.open_partial(new_upload_id(), 1)
    # The refusal did not damage what was stored.
    await assert_partial_ends_at(storage, upload_id, b"0123456789")


async def test_delete_partial_is_idempotent(storage: Storage) -> None:
    upload_id = new_upload_id()
    await storage.delete_partial(new_upload_id())
    await write_sessions(storage, upload_id, payload(20), [5, 15])

    await storage.delete_partial(upload_id)
    await storage.delete_partial(upload_id)

    with pytest.raises(StorageError):
        await storage.open_partial(upload_id, 1)
    # The upload can start over from nothing.
    await write_session(storage, upload_id, 0, b"again")
    await assert_partial_ends_at(storage, upload_id, b"again")


async def test_discarded_partials_leave_at_once_and_their_blocks_are_freed_after(tmp_path: Path) -> None:
    # Unlinking a large file can take a second: the request does not wait for it.
    root = tmp_path / "storage"
    (root / "trash").mkdir(parents=True)
    (root / "trash" / "left-by-a-stopped-process").write_bytes(b"old")
    storage = LocalStorage(root)
    deleted, duplicate = new_upload_id(), new_upload_id()
    data = payload(100, seed=3)
    await write_session(storage, deleted, 0, b"to be deleted")
    await write_session(storage, duplicate, 0, data)
    await write_session(storage, other := new_upload_id(), 0, data)
    await storage.commit_partial(other, len(data), object_key(data))

    await storage.delete_partial(deleted)
    await storage.commit_partial(duplicate, len(data), object_key(data))  # its object exists: the partial goes
    assert not (root / "partials" / deleted).exists() and not (root / "partials" / duplicate).exists()
    await storage.close()  # waits for the trash to be emptied
    assert list((root / "trash").iterdir()) == []
    assert await collect(storage.read_object(object_key(data))) == data


# --- commit -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("session_sizes", [[1000], [1, 499, 300, 200]], ids=["one-session", "several-sessions"])
async def test_commit_partial_makes_the_object_and_is_idempotent(storage: Storage, session_sizes: list[int]) -> None:
    upload_id = new_upload_id()
    data = payload(1000, seed=1)
    key = object_key(data)
    await write_sessions(storage, upload_id, data, session_sizes)

    await storage.commit_partial(upload_id, len(data), key)
    await storage.commit_partial(upload_id, len(data), key)

    assert await storage.object_exists(key)
    stored = await collect(storage.read_object(key))
    assert hashlib.sha256(stored).hexdigest() == hashlib.sha256(data).hexdigest()
    assert stored == data
    with pytest.raises(StorageError):
        await storage.open_partial(upload_id, 1)


async def test_commit_keeps_only_the_first_length_bytes(storage: Storage) -> None:
    upload_id = new_upload_id()
    data = payload(30, seed=2)
    await write_sessions(storage, upload_id, data, [10, 20])

    await storage.commit_partial(upload_id, 25, object_key(data[:25]))

    assert await collect(storage.read_object(object_key(data[:25]))) == data[:25]


async def test_commit_of_an_empty_upload_makes_an_empty_object(storage: Storage) -> None:
    upload_id = new_upload_id()
    await write_session(storage, upload_id, 0)

    await storage.commit_partial(upload_id, 0, object_key(b""))

    assert await storage.object_exists(object_key(b""))
    assert await collect(storage.read_object(object_key(b""))) == b""


async def test_commit_when_the_object_exists_only_drops_the_partial(storage: Storage) -> None:
    upload_id = new_upload_id()
    original = payload(40, seed=3)
    key = object_key(original)
    await storage.put_object(key, original)
    # Different bytes on purpose: the existing object must not be replaced.
    await write_sessions(storage, upload_id, payload(40, seed=4), [40])

    await storage.commit_partial(upload_id, 40, key)

    assert await collect(storage.read_object(key)) == original
    with pytest.raises(StorageError):
        await storage.open_partial(upload_id, 1)


async def test_commit_of_a_large_multi_session_upload(storage: Storage) -> None:
    upload_id = new_upload_id()
    data = payload(20 * MIB + 12345, seed=5)
    key = object_key(data)
    # Sessions that do not line up with 8 MiB parts; one larger than a part on its own.
    await write_sessions(storage, upload_id, data, [3 * MIB + 1, 9 * MIB, 5 * MIB - 7, len(data) - 17 * MIB + 6])

    await storage.commit_partial(upload_id, len(data), key)

    stored = await collect(storage.read_object(key))
    assert len(stored) == len(data)
    assert hashlib.sha256(stored).digest() == hashlib.sha256(data).digest()
    boundary = 8 * MIB
    assert await collect(storage.read_object(key, boundary - 10, boundary + 10)) == data[boundary - 10 : boundary + 11]


# --- objects ----------------------------------------------------------------------------------------------------
RANGE_DATA = payload(3 * MIB + 7, seed=6)
RANGE_SIZE = len(RANGE_DATA)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (0, None, RANGE_DATA),
        (5, None, RANGE_DATA[5:]),
        (2, 6, RANGE_DATA[2:7]),
        (RANGE_SIZE - 1, RANGE_SIZE - 1, RANGE_DATA[-1:]),
        (MIB - 3, 2 * MIB + 3, RANGE_DATA[MIB - 3 : 2 * MIB + 4]),
        (3, RANGE_SIZE + 100, RANGE_DATA[3:]),
        (RANGE_SIZE, None, b""),
    ],
    ids=["whole", "start-only", "start-end", "last-byte", "across-chunks", "end-past-size", "start-at-size"],
)
async def test_read_object_ranges(storage: Storage, start: int, end: int | None, expected: bytes) -> None:
    key = object_key(RANGE_DATA)
    await storage.put_object(key, RANGE_DATA)

    assert await collect(storage.read_object(key, start, end)) == expected


async def test_put_object_keeps_existing_content(storage: Storage) -> None:
    await storage.put_object("demo/report", b"first")
    await storage.put_object("demo/report", b"second")

    assert await collect(storage.read_object("demo/report")) == b"first"


async def test_missing_object(storage: Storage) -> None:
    assert not await storage.object_exists("sha256/missing")
    with pytest.raises(FileNotFoundError):
        await collect(storage.read_object("sha256/missing"))
    with pytest.raises(FileNotFoundError):
        await asyncio.to_thread(storage.open_object_sync, "sha256/missing", 10)


async def test_delete_object_is_idempotent(storage: Storage) -> None:
    await storage.delete_object("sha256/never")
    await storage.put_object("sha256/gone", b"bytes")
    assert await storage.object_exists("sha256/gone")

    await storage.delete_object("sha256/gone")
    await storage.delete_object("sha256/gone")

    assert not await storage.object_exists("sha256/gone")


def build_zip() -> tuple[bytes, dict[str, bytes]]:
    members = {
        "说明.txt": "整改报告".encode() * 100,
        "images/scan.bin": payload(3 * MIB, seed=7),
        "empty/": b"",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("说明.txt", members["说明.txt"], compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("images/scan.bin", members["images/scan.bin"], compress_type=zipfile.ZIP_STORED)
        archive.writestr("empty/", b"")
    return buffer.getvalue(), members


def read_zip(storage: Storage, key: str, size: int, member: str) -> tuple[list[str], bytes]:
    with storage.open_object_sync(key, size) as handle, zipfile.ZipFile(handle) as archive:
        return archive.namelist(), archive.read(member)


async def test_open_object_sync_reads_a_zip(storage: Storage) -> None:
    content, members = build_zip()
    key = object_key(content)
    await storage.put_object(key, content)

    names, text = await asyncio.to_thread(read_zip, storage, key, len(content), "说明.txt")

    assert names == list(members)
    assert text == members["说明.txt"]
    _, scan = await asyncio.to_thread(read_zip, storage, key, len(content), "images/scan.bin")
    assert scan == members["images/scan.bin"]


INVALID_CALLS: dict[str, Callable[[Storage], Awaitable[Any]]] = {
    "open_partial": lambda storage: storage.open_partial("../partials", 0),
    "read_partial": lambda storage: collect(storage.read_partial("ABCDEF0123456789ABCDEF0123456789", 1)),
    "commit_partial-upload-id": lambda storage: storage.commit_partial("1234", 1, "sha256/abc"),
    "commit_partial-key": lambda storage: storage.commit_partial(new_upload_id(), 1, "../sha256/abc"),
    "delete_partial": lambda storage: storage.delete_partial(""),
    "put_object": lambda storage: storage.put_object("Sha256/ABC", b"x"),
    "object_exists": lambda storage: storage.object_exists("sha256//abc"),
    "read_object": lambda storage: collect(storage.read_object("sha256/../abc")),
    "delete_object": lambda storage: storage.delete_object("/sha256/abc"),
    "open_object_sync": lambda storage: asyncio.to_thread(storage.open_object_sync, "sha256/a b", 1),
}


@pytest.mark.parametrize("call", INVALID_CALLS.values(), ids=INVALID_CALLS.keys())
async def test_invalid_upload_ids_and_keys_are_refused(
    storage: Storage, call: Callable[[Storage], Awaitable[Any]]
) -> None:
    with pytest.raises(ValueError, match="invalid"):
        await call(storage)


# --- S3 only ----------------------------------------------------------------------------------------------------
def segment_key(upload_id: str, start: int) -> str:
    return f"{PREFIX}partials/{upload_id}/{start:020d}"


async def test_s3_layout_of_segments_and_objects(s3_storage: S3Storage, s3_admin: S3Client) -> None:
    upload_id = new_upload_id()
    data = payload(30, seed=8)
    key = object_key(data)
    await write_sessions(s3_storage, upload_id, data, [10, 20])

    assert bucket_keys(s3_admin, s3_storage.bucket) == {segment_key(upload_id, 0): 10, segment_key(upload_id, 10): 20}

    await s3_storage.commit_partial(upload_id, len(data), key)

    assert bucket_keys(s3_admin, s3_storage.bucket) == {f"{PREFIX}objects/{key}": 30}


async def test_s3_straddling_segment_is_truncated(s3_storage: S3Storage, s3_admin: S3Client) -> None:
    upload_id = new_upload_id()
    data = payload(40, seed=9)
    await write_sessions(s3_storage, upload_id, data, [10, 20, 10])

    writer = await s3_storage.open_partial(upload_id, 25)
    await writer.abort()

    assert bucket_keys(s3_admin, s3_storage.bucket) == {segment_key(upload_id, 0): 10, segment_key(upload_id, 10): 15}
    await assert_partial_ends_at(s3_storage, upload_id, data[:25])


async def test_s3_missing_segment_is_a_gap(s3_storage: S3Storage, s3_admin: S3Client) -> None:
    upload_id = new_upload_id()
    data = payload(30, seed=10)
    await write_sessions(s3_storage, upload_id, data, [10, 10, 10])
    s3_admin.delete_object(Bucket=s3_storage.bucket, Key=segment_key(upload_id, 10))

    with pytest.raises(StorageError, match="暂存数据少于已确认的偏移量"):
        await s3_storage.open_partial(upload_id, 30)
    with pytest.raises(StorageError):
        await collect(s3_storage.read_partial(upload_id, 30))
    with pytest.raises(StorageError):
        await s3_storage.commit_partial(upload_id, 30, object_key(data))
    assert not await s3_storage.object_exists(object_key(data))


async def test_s3_composition_uses_copy_or_multipart(s3_storage: S3Storage, s3_admin: S3Client) -> None:
    """A multipart object's ETag ends with its number of parts; a copied or single PUT one has none."""
    single, several = new_upload_id(), new_upload_id()
    small = payload(5000, seed=11)
    large = payload(17 * MIB, seed=12)
    await write_sessions(s3_storage, single, small, [5000])
    await write_sessions(s3_storage, several, large, [MIB, 16 * MIB])

    await s3_storage.commit_partial(single, len(small), object_key(small))
    await s3_storage.commit_partial(several, len(large), object_key(large))

    def etag(data: bytes) -> str:
        return s3_admin.head_object(Bucket=s3_storage.bucket, Key=f"{PREFIX}objects/{object_key(data)}")["ETag"]

    assert "-" not in etag(small)
    assert etag(large).strip('"').endswith("-3")
    assert s3_admin.list_multipart_uploads(Bucket=s3_storage.bucket).get("Uploads", []) == []
    assert bucket_keys(s3_admin, s3_storage.bucket, f"{PREFIX}partials/") == {}


async def test_s3_zip_directory_is_read_without_downloading_the_object(s3_storage: S3Storage) -> None:
    content, members = build_zip()
    key = object_key(content)
    await s3_storage.put_object(key, content)
    fetched: list[int] = []

    def count(parsed: dict[str, Any], **_: Any) -> None:
        fetched.append(parsed["ContentLength"])

    def list_names() -> list[str]:
        with zipfile.ZipFile(s3_storage.open_object_sync(key, len(content))) as archive:
            return archive.namelist()

    # Instrumentation through botocore's own event hooks: the requests still reach the server.
    s3_storage._client.meta.events.register("after-call.s3.GetObject", count)
    try:
        names = await asyncio.to_thread(list_names)
    finally:
        s3_storage._client.meta.events.unregister("after-call.s3.GetObject", count)

    assert names == list(members)
    assert 0 < sum(fetched) <= 512 * 1024 < len(content)


async def test_s3_failures_are_storage_errors(s3_endpoint: str) -> None:
    storage = S3Storage(bucket="no-such-bucket-anping", endpoint_url=s3_endpoint, **CREDENTIALS)
    try:
        with pytest.raises(StorageError, match="对象存储不可用"):
            await storage.put_object("sha256/abc", b"x")
        with pytest.raises(StorageError, match="对象存储不可用"):
            await storage.open_partial(new_upload_id(), 0)
        with pytest.raises(StorageError, match="对象存储不可用"):
            await collect(storage.read_object("sha256/abc"))
    finally:
        await storage.close()


async def test_create_storage_builds_s3_from_settings(s3_endpoint: str, bucket: str, s3_admin: S3Client) -> None:
    settings = Settings(
        storage_backend="s3",
        s3_endpoint_url=s3_endpoint,
        s3_bucket=bucket,
        s3_prefix="tenant",
        s3_access_key_id="testing",
        s3_secret_access_key="testing",
    )
    storage = create_storage(settings)
    try:
        assert isinstance(storage, S3Storage)
        await storage.put_object("demo/one", b"1")
    finally:
        await storage.close()

    assert bucket_keys(s3_admin, bucket) == {"tenant/objects/demo/one": 1}
