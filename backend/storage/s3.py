"""Storage in an S3-compatible bucket (several app machines share one bucket).

Layout under the configured prefix:
- `objects/{key}`: complete files;
- `partials/{upload_id}/{start_offset:020d}`: an upload in progress, as *segments*, one per writer session.
  S3 objects cannot be appended to, so each session uploads what it wrote as a new segment; the partial is
  the concatenation of the segments in offset order.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import tempfile
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, ParamSpec, TypeVar

import boto3
from boto3.exceptions import Boto3Error
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from backend.storage.base import PartialWriter, Storage, StorageError
from backend.storage.local import _KEY, _UPLOAD_ID, READ_CHUNK

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer
    from botocore.response import StreamingBody
    from mypy_boto3_s3.client import S3Client
    from mypy_boto3_s3.type_defs import CompletedPartTypeDef, CopySourceTypeDef, FileobjTypeDef

    from backend.core.config import Settings

_P = ParamSpec("_P")
_T = TypeVar("_T")

MIB = 1 << 20
PART_SIZE = 8 * MIB
# S3 limits: at most 10,000 parts per multipart upload, 5 GiB per single copy.
MAX_PARTS = 10_000
MAX_COPY_BYTES = 5 * 1024 * MIB
RANGE_READER_BUFFER = 256 * 1024
_CLIENT_ERRORS = (BotoCoreError, ClientError, Boto3Error)
_NOT_FOUND_CODES = {"404", "NoSuchKey", "NotFound"}


def _transfer_config() -> TransferConfig:
    config = TransferConfig(
        multipart_threshold=PART_SIZE,
        multipart_chunksize=PART_SIZE,
        max_concurrency=2,
        preferred_transfer_client="classic",
    )
    # Parts of a seekable file are read into memory before upload; the default allows 10 of them queued.
    config.max_in_memory_upload_chunks = 2
    return config


def _is_not_found(error: ClientError) -> bool:
    return error.response.get("Error", {}).get("Code", "") in _NOT_FOUND_CODES


def _unavailable(error: Exception) -> StorageError:
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        reason = f"{details.get('Code', '?')} {details.get('Message', '')}".strip()
    else:
        reason = str(error)
    return StorageError(f"对象存储不可用：{reason[:200]}")


@dataclass(frozen=True)
class _Segment:
    key: str
    start: int
    size: int

    @property
    def end(self) -> int:
        return self.start + self.size


def _covered(segments: list[_Segment]) -> int:
    """Where ordered segments stop covering the partial from 0; -1 if they leave a gap or overlap."""
    end = 0
    for segment in segments:
        if segment.start != end:
            return -1
        end = segment.end
    return end


class S3PartialWriter(PartialWriter):
    """Spools a session's bytes to a local temporary file and uploads them as one segment on `close()`."""

    def __init__(self, storage: S3Storage, segment_key: str, spool: BinaryIO) -> None:
        self._storage = storage
        self._segment_key = segment_key
        self._spool: BinaryIO | None = spool
        self._size = 0

    def _take_spool(self) -> BinaryIO:
        if self._spool is None:
            raise StorageError("写入失败：写入已结束")
        spool, self._spool = self._spool, None
        return spool

    async def write(self, data: bytes) -> None:
        if self._spool is None:
            raise StorageError("写入失败：写入已结束")
        try:
            await asyncio.to_thread(self._spool.write, data)
        except OSError as error:
            raise StorageError(f"写入失败：{error.strerror}") from error
        self._size += len(data)

    async def close(self) -> None:
        spool = self._take_spool()
        try:
            if self._size:
                await asyncio.to_thread(spool.seek, 0)
                await self._storage._run(self._storage._upload, spool, self._segment_key)
        finally:
            await asyncio.to_thread(spool.close)

    async def abort(self) -> None:
        if self._spool is not None:
            await asyncio.to_thread(self._take_spool().close)


class _RangeReader(io.RawIOBase):
    """A read-only, seekable view of an object, each read one ranged GET (buffer it: see open_object_sync)."""

    def __init__(self, client: S3Client, bucket: str, key: str, size: int) -> None:
        self._client = client
        self._bucket = bucket
        self._key = key
        self._size = size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        if whence == io.SEEK_SET:
            position = offset
        elif whence == io.SEEK_CUR:
            position = self._position + offset
        elif whence == io.SEEK_END:
            position = self._size + offset
        else:
            raise ValueError(f"invalid whence: {whence}")
        if position < 0:
            raise ValueError("negative seek position")
        self._position = position
        return position

    def readinto(self, buffer: WriteableBuffer) -> int:
        if self.closed:
            raise ValueError("I/O operation on closed file")
        target = memoryview(buffer).cast("B")
        wanted = min(len(target), self._size - self._position)
        if wanted <= 0:
            return 0
        try:
            response = self._client.get_object(
                Bucket=self._bucket, Key=self._key, Range=f"bytes={self._position}-{self._position + wanted - 1}"
            )
            data = response["Body"].read()
        except _CLIENT_ERRORS as error:
            # Not an OSError on purpose: zipfile would report an unreachable bucket as "not a zip file".
            raise _unavailable(error) from error
        target[: len(data)] = data
        self._position += len(data)
        return len(data)


class S3Storage(Storage):
    name = "s3"

    def __init__(
        self,
        *,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> None:
        self.bucket = bucket
        prefix = prefix.strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        self._client: S3Client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(
                max_pool_connections=16,
                retries={"max_attempts": 3, "mode": "standard"},
                # Since botocore 1.36 checksums are sent by default; many S3-compatible servers refuse them.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )
        self._transfer_config = _transfer_config()

    @classmethod
    def from_settings(cls, settings: Settings) -> S3Storage:
        return cls(
            bucket=settings.s3_bucket,
            prefix=settings.s3_prefix,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )

    async def close(self) -> None:
        await asyncio.to_thread(self._client.close)

    # --- keys -----------------------------------------------------------------------------------------------
    def _segments_prefix(self, upload_id: str) -> str:
        if not _UPLOAD_ID.match(upload_id):
            raise ValueError("invalid upload id")
        return f"{self.prefix}partials/{upload_id}/"

    def _object_key(self, key: str) -> str:
        if not _KEY.match(key):
            raise ValueError("invalid object key")
        return f"{self.prefix}objects/{key}"

    # --- blocking helpers, run in a worker thread -----------------------------------------------------------
    async def _run(self, function: Callable[_P, _T], *args: _P.args, **kwargs: _P.kwargs) -> _T:
        try:
            return await asyncio.to_thread(function, *args, **kwargs)
        except _CLIENT_ERRORS as error:
            raise _unavailable(error) from error

    def _upload(self, fileobj: FileobjTypeDef, key: str) -> None:
        self._client.upload_fileobj(fileobj, self.bucket, key, Config=self._transfer_config)

    def _list_segments(self, prefix: str) -> list[_Segment]:
        segments = []
        paginator = self._client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            for item in page.get("Contents", []):
                name = item["Key"][len(prefix) :]
                if len(name) == 20 and name.isdigit():
                    segments.append(_Segment(item["Key"], int(name), item["Size"]))
        return sorted(segments, key=lambda segment: segment.start)

    def _delete_keys(self, keys: list[str]) -> None:
        for first in range(0, len(keys), 1000):
            batch = keys[first : first + 1000]
            response = self._client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
            )
            if errors := response.get("Errors"):
                raise StorageError(f"对象存储不可用：删除失败（{errors[0].get('Code', '?')}）")

    def _exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _is_not_found(error):
                return False
            raise
        return True

    def _get(self, key: str, start: int, end: int | None) -> StreamingBody | None:
        """The streaming body of bytes start..end (inclusive) of `key`; None when that range is empty."""
        if end is not None and end < start:
            return None
        if start == 0 and end is None:
            return self._client.get_object(Bucket=self.bucket, Key=key)["Body"]
        try:
            response = self._client.get_object(
                Bucket=self.bucket, Key=key, Range=f"bytes={start}-{'' if end is None else end}"
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "InvalidRange":
                return None
            raise
        return response["Body"]

    def _open_partial(self, prefix: str, offset: int) -> None:
        segments = self._list_segments(prefix)
        kept = [segment for segment in segments if segment.start < offset]
        if _covered(kept) < offset:
            raise StorageError("暂存数据少于已确认的偏移量")
        # Bytes beyond the acknowledged offset were never confirmed to the client: drop them.
        self._delete_keys([segment.key for segment in segments if segment.start >= offset])
        if kept and kept[-1].end > offset:
            # Only after a crash between a segment's upload and the acknowledgement of its end offset.
            straddling = kept[-1]
            body = self._get(straddling.key, 0, offset - straddling.start - 1)
            assert body is not None
            try:
                self._upload(body, straddling.key)
            finally:
                body.close()

    def _compose(self, segments: list[_Segment], length: int, key: str) -> None:
        """Write the first `length` bytes of contiguous `segments` (none starting at or beyond it) as `key`."""
        if len(segments) == 1 and segments[0].size == length and length <= MAX_COPY_BYTES:
            source: CopySourceTypeDef = {"Bucket": self.bucket, "Key": segments[0].key}
            self._client.copy_object(Bucket=self.bucket, Key=key, CopySource=source)
            return
        part_size = max(PART_SIZE, -(-length // MAX_PARTS))
        with contextlib.closing(self._parts(segments, length, part_size)) as parts:
            if length < part_size:
                self._client.put_object(Bucket=self.bucket, Key=key, Body=next(parts, io.BytesIO()))
            else:
                self._multipart_upload(parts, key)

    def _multipart_upload(self, parts: Iterator[io.BytesIO], key: str) -> None:
        upload_id = self._client.create_multipart_upload(Bucket=self.bucket, Key=key)["UploadId"]
        try:
            etags: list[CompletedPartTypeDef] = []
            for number, part in enumerate(parts, start=1):
                with part:  # closing a BytesIO frees its buffer before the next part is read
                    response = self._client.upload_part(
                        Bucket=self.bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=part
                    )
                etags.append({"PartNumber": number, "ETag": response["ETag"]})
            self._client.complete_multipart_upload(
                Bucket=self.bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": etags}
            )
        except BaseException:
            # The original error matters more; a leftover upload is removed by a bucket lifecycle rule.
            with contextlib.suppress(*_CLIENT_ERRORS):
                self._client.abort_multipart_upload(Bucket=self.bucket, Key=key, UploadId=upload_id)
            raise

    def _parts(self, segments: list[_Segment], length: int, part_size: int) -> Generator[io.BytesIO]:
        """The first `length` bytes of the segments, re-cut into parts of `part_size` bytes held one at a time."""
        part = io.BytesIO()
        remaining = length
        for segment in segments:
            if remaining <= 0:
                break
            body = self._get(segment.key, 0, min(segment.size, remaining) - 1)
            if body is None:
                continue
            try:
                while chunk := body.read(min(READ_CHUNK, part_size - part.tell())):
                    part.write(chunk)
                    remaining -= len(chunk)
                    if part.tell() == part_size:
                        part.seek(0)
                        yield part
                        part = io.BytesIO()
            finally:
                body.close()
        if part.tell():
            part.seek(0)
            yield part

    async def _stream(self, key: str, start: int, end: int | None) -> AsyncIterator[bytes]:
        try:
            body = await asyncio.to_thread(self._get, key, start, end)
        except ClientError as error:
            if _is_not_found(error):
                raise FileNotFoundError(f"no object {key}") from error
            raise _unavailable(error) from error
        except _CLIENT_ERRORS as error:
            raise _unavailable(error) from error
        if body is None:
            return
        try:
            while chunk := await self._run(body.read, READ_CHUNK):
                yield chunk
        finally:
            await asyncio.to_thread(body.close)

    # --- partials -------------------------------------------------------------------------------------------
    async def open_partial(self, upload_id: str, offset: int) -> PartialWriter:
        prefix = self._segments_prefix(upload_id)
        await self._run(self._open_partial, prefix, offset)
        try:
            spool = await asyncio.to_thread(tempfile.TemporaryFile)
        except OSError as error:
            raise StorageError(f"写入失败：{error.strerror}") from error
        return S3PartialWriter(self, f"{prefix}{offset:020d}", spool)

    async def read_partial(self, upload_id: str, length: int) -> AsyncIterator[bytes]:
        segments = await self._run(self._list_segments, self._segments_prefix(upload_id))
        position = 0
        for segment in segments:
            if position >= length:
                break
            if segment.start != position:
                raise StorageError("暂存数据不连续")
            async for chunk in self._stream(segment.key, 0, min(segment.size, length - position) - 1):
                position += len(chunk)
                yield chunk

    async def commit_partial(self, upload_id: str, length: int, key: str) -> None:
        prefix = self._segments_prefix(upload_id)
        target = self._object_key(key)

        def commit() -> None:
            segments = self._list_segments(prefix)
            if not self._exists(target):
                needed = [segment for segment in segments if segment.start < length]
                if _covered(needed) < length:
                    raise StorageError("暂存数据少于要提交的长度")
                self._compose(needed, length, target)
            self._delete_keys([segment.key for segment in segments])

        await self._run(commit)

    async def delete_partial(self, upload_id: str) -> None:
        prefix = self._segments_prefix(upload_id)

        def delete() -> None:
            self._delete_keys([segment.key for segment in self._list_segments(prefix)])

        await self._run(delete)

    # --- objects --------------------------------------------------------------------------------------------
    async def put_object(self, key: str, data: bytes) -> None:
        target = self._object_key(key)

        def put() -> None:
            if not self._exists(target):
                self._client.put_object(Bucket=self.bucket, Key=target, Body=data)

        await self._run(put)

    async def object_exists(self, key: str) -> bool:
        return await self._run(self._exists, self._object_key(key))

    async def read_object(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        async for chunk in self._stream(self._object_key(key), start, end):
            yield chunk

    async def delete_object(self, key: str) -> None:
        target = self._object_key(key)
        await self._run(self._client.delete_object, Bucket=self.bucket, Key=target)

    def open_object_sync(self, key: str, size: int) -> BinaryIO:
        target = self._object_key(key)
        try:
            exists = self._exists(target)
        except _CLIENT_ERRORS as error:
            raise _unavailable(error) from error
        if not exists:
            raise FileNotFoundError(f"no object {key}")
        return io.BufferedReader(_RangeReader(self._client, self.bucket, target, size), RANGE_READER_BUFFER)
