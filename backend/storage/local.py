"""Storage on the local file system (the default; under var/storage)."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import errno
import fcntl
import logging
import mmap
import os
import re
import secrets
import sys
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import BinaryIO

from backend.storage.base import PartialWriter, Storage, StorageError

logger = logging.getLogger(__name__)
READ_CHUNK = 1 << 20
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
_KEY = re.compile(r"^[a-z0-9]+(/[a-z0-9]+)*$")


SYNC_FILE_RANGE_WRITE = 2

# O_DIRECT wants file offsets, sizes and memory addresses aligned to the disk's logical block: 4096 covers the
# 512- and 4096-byte blocks of common disks.
ALIGNMENT = 4096
# Bytes gathered before each direct write: larger writes keep the disk busier (dd oflag=direct here: 1 MiB blocks
# 0.9 GB/s, 4 MiB 1.2 GB/s); the buffer is the writer's only memory.
STAGE_BYTES = 4 << 20
_O_DIRECT: int = getattr(os, "O_DIRECT", 0)


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


# Starts writing a range back to disk without waiting (Linux), for writes through the page cache: each block goes
# to the disk as soon as it is written, while the next ones arrive, so the fsync before the acknowledgement waits
# for the last few blocks, not the whole body.
_sync_file_range = _load_sync_file_range()


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _enable_direct_io(fd: int) -> bool:
    """Bypass the page cache for this file where the file system allows it."""
    if not _O_DIRECT:
        return False
    try:
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | _O_DIRECT)
    except OSError:
        return False
    return True


def _page_aligned(view: memoryview) -> bool:
    if view.readonly or not view.contiguous or len(view) < ALIGNMENT:
        return False
    address = ctypes.addressof(ctypes.c_char.from_buffer(view))
    return address % ALIGNMENT == 0


class LocalPartialWriter(PartialWriter):
    """Appends through a staging buffer, written with direct I/O (O_DIRECT) where the file system allows it; a
    caller's page-aligned buffer is written as it is.

    An upload is written once and read back rarely, so it has nothing to gain from the page cache, and going
    through it costs: every byte is copied into a newly allocated cache page, which measured here 0.35 to 2.5
    CPU-seconds per GiB depending on how recently the host had handed those pages to this machine. A direct write
    goes from the staging buffer to the disk, and fsync has only the file's size left to make durable.
    Direct writes must start and end on ALIGNMENT boundaries: a writer continuing at an unaligned offset starts its
    buffer with the bytes already stored before it in the same block (rewriting them unchanged), and the last
    block is padded with zeros and the file truncated back to its length before the fsync.
    """

    def __init__(self, fd: int, offset: int, head: bytes, direct: bool) -> None:
        self._fd = fd
        self._start = offset
        self._direct = direct
        self._stage = mmap.mmap(-1, STAGE_BYTES)  # page-aligned, as direct writes need
        self._stage[: len(head)] = head
        self._staged = len(head)
        self._stage_offset = offset - len(head)  # where the buffer's first byte goes in the file
        self._closed = False

    def _take_fd(self) -> int:
        # The fd number is reused by the OS once closed: closing it twice could close someone else's file.
        if self._closed:
            raise StorageError("写入已结束")
        self._closed = True
        return self._fd

    async def write(self, data: bytes) -> None:
        await self.write_parts((data,))

    async def write_parts(self, parts: Sequence[bytes | memoryview]) -> None:
        if self._closed:
            raise StorageError("写入已结束")
        try:
            await asyncio.to_thread(self._write_parts, parts)
        except OSError as error:
            raise StorageError(f"写入失败：{error.strerror}") from error

    def _write_parts(self, parts: Sequence[bytes | memoryview]) -> None:
        for part in parts:
            view = memoryview(part)
            if self._direct and not self._staged and _page_aligned(view):
                # A caller's page-aligned buffer (a direct receive) goes to the disk without the copy into ours.
                whole_blocks = len(view) - len(view) % ALIGNMENT
                self._pwrite(view[:whole_blocks])
                view = view[whole_blocks:]
            while view:
                taken = min(STAGE_BYTES - self._staged, len(view))
                self._stage[self._staged : self._staged + taken] = view[:taken]
                self._staged += taken
                view = view[taken:]
                if self._staged == STAGE_BYTES:
                    self._flush(STAGE_BYTES)

    def _flush(self, size: int) -> None:
        """Write the first `size` bytes of the buffer at its offset in the file and empty it."""
        with memoryview(self._stage) as stage:
            self._pwrite(stage[:size])
        self._staged = 0

    def _pwrite(self, view: memoryview) -> None:
        """Write `view` at the buffer's offset in the file, which moves past it."""
        written = 0
        while written < len(view):
            try:
                written += os.pwrite(self._fd, view[written:], self._stage_offset + written)
            except OSError as error:
                if not (self._direct and error.errno == errno.EINVAL):
                    raise
                # The file system took O_DIRECT but not this write (a larger block, say): go through the
                # page cache from here on; nothing was written by the refused call.
                fcntl.fcntl(self._fd, fcntl.F_SETFL, fcntl.fcntl(self._fd, fcntl.F_GETFL) & ~_O_DIRECT)
                self._direct = False
        if not self._direct and _sync_file_range is not None:
            # Only a hint (its failure changes nothing): close() makes the bytes durable.
            _sync_file_range(self._fd, self._stage_offset, len(view), SYNC_FILE_RANGE_WRITE)
        self._stage_offset += len(view)

    async def close(self) -> None:
        fd = self._take_fd()

        def finish() -> None:
            try:
                end = self._stage_offset + self._staged
                if self._staged:
                    size = -(-self._staged // ALIGNMENT) * ALIGNMENT if self._direct else self._staged
                    self._stage[self._staged : size] = bytes(size - self._staged)
                    self._flush(size)
                    if self._stage_offset != end:
                        os.ftruncate(fd, end)
                os.fsync(fd)
            finally:
                os.close(fd)
                self._stage.close()

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
                self._stage.close()

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
        self.trash = root / "trash"
        for directory in (self.partials, self.objects, self.trash):
            directory.mkdir(parents=True, exist_ok=True)
        self._trash_lock = threading.Lock()
        self._trash_filled = True  # by an earlier process, perhaps
        self._emptier: threading.Thread | None = None

    def _discard(self, path: Path) -> None:
        """Take `path` out of the way at once; its blocks are freed later (`_empty_trash`). Unlinking a large file
        can take a second or more (measured here: 0.9-1.3 s for 1 GiB, with online discard): no one waits for it."""
        with contextlib.suppress(FileNotFoundError):
            os.replace(path, self.trash / f"{path.name}.{secrets.token_hex(8)}")

    def _empty_trash(self) -> None:
        while True:
            with self._trash_lock:
                if not self._trash_filled:
                    self._emptier = None
                    return
                self._trash_filled = False
            for entry in os.scandir(self.trash):
                try:
                    Path(entry.path).unlink(missing_ok=True)
                except OSError:
                    logger.exception("could not delete %s", entry.path)

    def _empty_trash_soon(self) -> None:
        """Free what was discarded, including what a process that stopped early left behind, in a thread of its
        own: it outlives the request, and the event loop, if need be."""
        with self._trash_lock:
            self._trash_filled = True
            if self._emptier is None:
                self._emptier = threading.Thread(target=self._empty_trash, name="anping-trash", daemon=True)
                self._emptier.start()

    async def close(self) -> None:
        emptier = self._emptier
        if emptier is not None:
            await asyncio.to_thread(emptier.join)

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

        def open_at() -> LocalPartialWriter:
            # Only a new upload creates its partial; continuing one that is gone is an error, not a fresh file.
            try:
                fd = os.open(path, os.O_RDWR | (os.O_CREAT if offset == 0 else 0), 0o600)
            except FileNotFoundError:
                raise StorageError("暂存数据少于已确认的偏移量") from None
            try:
                if os.fstat(fd).st_size < offset:
                    raise StorageError("暂存数据少于已确认的偏移量")
                # Bytes beyond the acknowledged offset were never confirmed to the client: drop them.
                os.ftruncate(fd, offset)
                # The bytes before the offset in its block, for a buffer that starts on a block boundary.
                head = os.pread(fd, offset % ALIGNMENT, offset - offset % ALIGNMENT)
                return LocalPartialWriter(fd, offset, head, _enable_direct_io(fd))
            except BaseException:
                os.close(fd)
                raise

        return await asyncio.to_thread(open_at)

    async def read_partial(self, upload_id: str, length: int) -> AsyncIterator[bytes]:
        async for chunk in self._read(self._partial(upload_id), 0, length - 1):
            yield chunk

    async def commit_partial(self, upload_id: str, length: int, key: str) -> None:
        source = self._partial(upload_id)
        target = self._object(key)

        def commit() -> None:
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                self._discard(source)
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
        self._empty_trash_soon()

    async def delete_partial(self, upload_id: str) -> None:
        await asyncio.to_thread(self._discard, self._partial(upload_id))
        self._empty_trash_soon()

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
