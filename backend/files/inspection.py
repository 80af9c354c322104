"""What a file is, from its bytes: the type from its magic number (never its name), and a zip's listing read
from its central directory without extracting anything."""

from __future__ import annotations

import itertools
import re
import stat
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, BinaryIO

import filetype

# The bytes filetype needs to recognise every kind we accept.
HEAD_BYTES = 8192
LISTING_LIMIT = 500
KINDS = {
    "application/pdf": "pdf",
    "application/zip": "zip",
    "image/png": "png",
    "image/jpeg": "jpeg",
}
KIND_LABELS = {"pdf": "PDF", "zip": "zip 压缩包", "png": "PNG 图片", "jpeg": "JPEG 图片"}
# A small stored entry may legitimately compress very well; only ratios on entries above this size count.
_RATIO_FLOOR_BYTES = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")


class ContentRefused(ValueError):
    """The content is not accepted; the message says why, in Chinese, for the uploader."""


@dataclass(frozen=True)
class ZipLimits:
    max_entries: int
    max_ratio: int
    max_uncompressed_bytes: int


@dataclass
class Inspected:
    kind: str
    media_type: str
    details: dict[str, Any] = field(default_factory=dict)


def sniff(head: bytes) -> tuple[str, str]:
    """The kind and media type of content starting with `head`; refused unless PDF, zip, PNG or JPEG."""
    guess = filetype.guess(head) if head else None
    media_type = guess.mime if guess else None
    # Office files are zips with a known first entry; as uploads they are neither reports nor archives.
    if media_type is None or media_type not in KINDS:
        raise ContentRefused("不支持的文件类型：只接受 PDF、zip 压缩包和 PNG/JPEG 图片（按文件内容判断，而非扩展名）")
    return KINDS[media_type], media_type


def display_name(raw: str) -> str:
    """The name shown and offered on download: the last path component, printable, at most 255 characters.
    It is only ever stored as text; files in storage are named by their hash."""
    name = PureWindowsPath(PurePosixPath(raw.replace("\x00", "")).name).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".") or "未命名文件"
    if len(name) <= 255:
        return name
    suffix = PurePosixPath(name).suffix
    suffix = suffix if len(suffix) <= 16 else ""
    return name[: 255 - len(suffix)] + suffix


def _entry_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    # Without the UTF-8 flag, zipfile decodes as cp437; Chinese Windows tools write GBK.
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _unsafe_path(name: str) -> bool:
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return True
    return any(part == ".." for part in re.split(r"[/\\]", name))


def inspect_zip(handle: BinaryIO, size: int, limits: ZipLimits) -> dict[str, Any]:
    """Check a zip from its central directory; refuse bombs, unsafe paths, encryption and links."""
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ContentRefused("zip 文件已损坏或不完整，无法读取其目录") from error
    if len(entries) > limits.max_entries:
        raise ContentRefused(f"zip 文件条目过多（{len(entries)} 个，上限 {limits.max_entries} 个）")
    total = 0
    listing: list[dict[str, Any]] = []
    for info in entries:
        name = _entry_name(info)
        if info.flag_bits & 0x1:
            raise ContentRefused(f"zip 文件已加密（{name}），无法审查，请去除密码后重新上传")
        if _unsafe_path(name):
            raise ContentRefused(f"zip 文件含有不安全的路径：{name}")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ContentRefused(f"zip 文件含有符号链接：{name}")
        if info.file_size > _RATIO_FLOOR_BYTES and (
            info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio
        ):
            raise ContentRefused(f"zip 文件压缩比异常（{name}），疑似压缩炸弹")
        total += info.file_size
        if total > limits.max_uncompressed_bytes:
            raise ContentRefused("zip 文件解压后总大小超过上限，疑似压缩炸弹")
        if len(listing) < LISTING_LIMIT:
            listing.append({"name": name, "size": info.file_size, "is_dir": info.is_dir()})
    _refuse_overlapping(entries, size)
    return {
        "entries": len(entries),
        "uncompressed_size": total,
        "listing": listing,
        "listing_truncated": len(entries) > LISTING_LIMIT,
    }


def _refuse_overlapping(entries: list[zipfile.ZipInfo], size: int) -> None:
    """Entries sharing compressed bytes are how the worst zip bombs (non-recursive, overlapping) are built."""
    ordered = sorted(entries, key=lambda info: info.header_offset)
    for current, following in itertools.pairwise(ordered):
        if current.header_offset + current.compress_size > following.header_offset:
            raise ContentRefused("zip 文件结构异常（条目相互重叠），疑似压缩炸弹")
    if ordered and ordered[-1].header_offset + ordered[-1].compress_size > size:
        raise ContentRefused("zip 文件已损坏或不完整，无法读取其目录")
