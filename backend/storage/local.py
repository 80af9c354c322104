"""Storage on the local file system (the default; under var/storage)."""

from __future__ import annotations

import asyncio
import ctypes
import os
import re
import secrets
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from backend.storage.base import PartialWriter, Storage, StorageError

READ_CHUNK = 1 << 20
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
_KEY = re.compile(r"^[a-z0-9]+(/[a-z0-9]+)*$")


SYNC_FILE_RANGE_WRITE = 2
# Below IOV_MAX (1024 on Linux) wherever writev exists.
_MAX_PARTS = 512


def _load_sync_file_range() -> Callable[[int, int, int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).sync_file_range
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


# Starts writing a range back to disk without waiting (Linux). Each block goes to the disk as soon as it is
# written, while the next ones arrive, so the fsync before the acknowledgement waits for the last few blocks, not
# the whole body: writing everything then syncing takes receive time + disk time, this about the larger of them.
_sync_file_range = _load_sync_file_range()


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalPartialWriter(PartialWriter):
    def __init__(self, fd: int, offset: int) -> None:
        self._fd = fd
        self._start = offset
        self._position = offset
        self._closed = False

    def _take_fd(self) -> int:
        # The fd number is reused by the OS once closed: closing it twice could close someone else's file.
        if self._closed:
            raise StorageError("写入已结束")
        self._closed = True
        return self._fd

    async def write(self, data: bytes) -> None:
        await self.write_parts((data,))

    async def write_parts(self, parts: Sequence[bytes]) -> None:
        if self._closed:
            raise StorageError("写入已结束")
        try:
            await asyncio.to_thread(self._write_parts, parts)
        except OSError as error:
            raise StorageError(f"写入失败：{error.strerror}") from error

    def _write_parts(self, parts: Sequence[bytes]) -> None:
        # One writev, not a join: the receiving side need not copy a block together before it is written.
        size = sum(len(part) for part in parts)
        written = os.writev(self._fd, parts) if len(parts) <= _MAX_PARTS else 0
        if written < size:  # a short write, or too many parts for one call: the rest one block at a time
            view = memoryview(b"".join(parts))[written:]
            while view:
                view = view[os.write(self._fd, view) :]
        if _sync_file_range is not None:
            # Only a hint (its failure changes nothing): close() makes the bytes durable.
            _sync_file_range(self._fd, self._position, size, SYNC_FILE_RANGE_WRITE)
        self._position += size

    async def close(self) -> None:
        fd = self._take_fd()

        def finish() -> None:
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

        try:
            await asyncio.to_thread(finish)
        except OSError as error:
            raise StorageError(f"写入失败：{error.strerror}") from error

    async def abort(self) -> None:
        fd = self._take_fd()

        def undo() -> None:
            try:
                os.ftruncate(fd, self._start)
            finally:
                os.close(fd)

        try:
            await asyncio.to_thread(undo)
        except OSError as error:
            raise StorageError(f"写入失败：{error.strerror}") from error


class LocalStorage(Storage):
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.partials = root / "partials"
        self.objects = root / "objects"
        self.partials.mkdir(parents=True, exist_ok=True)
        self.objects.mkdir(parents=True, exist_ok=True)

    def _partial(self, upload_id: str) -> Path:
        if not _UPLOAD_ID.match(upload_id):
            raise ValueError("invalid upload id")
        return self.partials / upload_id

    def _object(self, key: str) -> Path:
        if not _KEY.match(key):
            raise ValueError("invalid object key")
        return self.objects / key

    async def open_partial(self, upload_id: str, offset: int) -> PartialWriter:
        path = self._partial(upload_id)

        def open_at() -> int:
            # Only a new upload creates its partial; continuing one that is gone is an error, not a fresh file.
            try:
                fd = os.open(path, os.O_WRONLY | (os.O_CREAT if offset == 0 else 0), 0o600)
            except FileNotFoundError:
                raise StorageError("暂存数据少于已确认的偏移量") from None
            try:
                if os.fstat(fd).st_size < offset:
                    raise StorageError("暂存数据少于已确认的偏移量")
                # Bytes beyond the acknowledged offset were never confirmed to the client: drop them.
                os.ftruncate(fd, offset)
                os.lseek(fd, offset, os.SEEK_SET)
            except BaseException:
                os.close(fd)
                raise
            return fd

        return LocalPartialWriter(await asyncio.to_thread(open_at), offset)

    async def read_partial(self, upload_id: str, length: int) -> AsyncIterator[bytes]:
        async for chunk in self._read(self._partial(upload_id), 0, length - 1):
            yield chunk

    async def commit_partial(self, upload_id: str, length: int, key: str) -> None:
        source = self._partial(upload_id)
        target = self._object(key)

        def commit() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                source.unlink(missing_ok=True)
                return
            size = source.stat().st_size if source.exists() else -1
            if size < length:
                raise StorageError("暂存数据少于要提交的长度")
            if size > length:
                with open(source, "r+b") as handle:
                    handle.truncate(length)
                    os.fsync(handle.fileno())
            # Otherwise the bytes are durable already: every acknowledged offset was fsynced by its writer.
            os.replace(source, target)
            _fsync_directory(target.parent)

        await asyncio.to_thread(commit)

    async def delete_partial(self, upload_id: str) -> None:
        await asyncio.to_thread(self._partial(upload_id).unlink, True)

    async def put_object(self, key: str, data: bytes) -> None:
        target = self._object(key)

        def put() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                return
            temporary = target.with_name(f"{target.name}.{secrets.token_hex(8)}.tmp")
            with open(temporary, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, target)
            _fsync_directory(target.parent)

        await asyncio.to_thread(put)

    async def object_exists(self, key: str) -> bool:
        return await asyncio.to_thread(self._object(key).is_file)

    async def read_object(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        async for chunk in self._read(self._object(key), start, end):
            yield chunk

    async def _read(self, path: Path, start: int, end: int | None) -> AsyncIterator[bytes]:
        handle = await asyncio.to_thread(open, path, "rb")
        try:
            await asyncio.to_thread(handle.seek, start)
            remaining = None if end is None else end - start + 1
            while remaining is None or remaining > 0:
                size = READ_CHUNK if remaining is None else min(READ_CHUNK, remaining)
                chunk = await asyncio.to_thread(handle.read, size)
                if not chunk:
                    break
                if remaining is not None:
                    remaining -= len(chunk)
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)

    async def delete_object(self, key: str) -> None:
        await asyncio.to_thread(self._object(key).unlink, True)

    def open_object_sync(self, key: str, size: int) -> BinaryIO:
        return open(self._object(key), "rb")
