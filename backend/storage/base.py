"""One interface over where bytes live: the local file system or S3-compatible object storage.

Two kinds of things are stored:
- *partials*: the bytes of an upload in progress, addressed by the upload's id and written at an offset;
- *objects*: complete files, addressed by a key derived from their SHA-256, never changed once written.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncIterator, Sequence
from typing import BinaryIO


class StorageError(RuntimeError):
    """The storage could not do what was asked (disk full, bucket unreachable...)."""


class PartialWriter(abc.ABC):
    """Appends to an upload's partial from a known offset. Bytes count only once `close()` returned."""

    @abc.abstractmethod
    async def write(self, data: bytes) -> None: ...

    async def write_parts(self, parts: Sequence[bytes | memoryview]) -> None:
        """Write `parts` one after the other, as one block (a writer that can, without joining them first).
        The parts are not kept once this returns: the caller may fill its buffers again."""
        await self.write(b"".join(parts))

    @abc.abstractmethod
    async def close(self) -> None:
        """Make what was written durable (fsync or its equivalent) before the new offset is acknowledged."""

    @abc.abstractmethod
    async def abort(self) -> None:
        """Forget what this writer wrote (the partial stays as it was at the starting offset)."""


class Storage(abc.ABC):
    name: str

    # --- partials (uploads in progress) -------------------------------------------------------------------
    @abc.abstractmethod
    async def open_partial(self, upload_id: str, offset: int) -> PartialWriter:
        """A writer that continues the partial at `offset`, discarding anything stored beyond it."""

    @abc.abstractmethod
    def read_partial(self, upload_id: str, length: int) -> AsyncIterator[bytes]:
        """The first `length` bytes of a partial, in order."""

    @abc.abstractmethod
    async def commit_partial(self, upload_id: str, length: int, key: str) -> None:
        """Turn the first `length` bytes of a partial into the object `key` and drop the partial. If the object
        already exists (same content uploaded before) the partial is just dropped."""

    @abc.abstractmethod
    async def delete_partial(self, upload_id: str) -> None: ...

    # --- objects (complete files) -------------------------------------------------------------------------
    @abc.abstractmethod
    async def put_object(self, key: str, data: bytes) -> None:
        """Store small content in one go (demo data, generated documents)."""

    @abc.abstractmethod
    async def object_exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def read_object(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        """Bytes start..end (inclusive; None: to the end) of an object."""

    @abc.abstractmethod
    async def delete_object(self, key: str) -> None: ...

    @abc.abstractmethod
    def open_object_sync(self, key: str, size: int) -> BinaryIO:
        """A seekable, read-only file object for synchronous readers (zipfile reading a central directory).
        Called from a worker thread, never from the event loop."""

    async def close(self) -> None:
        """Release connections (S3 clients)."""
        return None
