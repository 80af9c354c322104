"""Excel export (openpyxl write-only, streamed) and import reading. No exported cell can ever run as a formula."""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any
from urllib.parse import quote

from fastapi.responses import Response, StreamingResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from starlette.background import BackgroundTask

from backend.core.calendar import BEIJING

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 16


def safe_cell_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(BEIJING).replace(tzinfo=None)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return value


def build_workbook(
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Any],
    *,
    numbered: bool = True,
    preamble: Sequence[tuple[str, Any]] = (),
) -> bytes:
    """One sheet: optional label/value lines (a form's header block), then the table."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for label, value in preamble:
        label_cell = WriteOnlyCell(sheet, value=label)
        label_cell.font = Font(bold=True)
        value_cell = WriteOnlyCell(sheet, value=safe_cell_value(value))
        if isinstance(value_cell.value, str) and value_cell.value.startswith(FORMULA_TRIGGERS):
            value_cell.data_type = "s"
            value_cell.quotePrefix = True
        sheet.append([label_cell, value_cell])
    if preamble:
        sheet.append([])
    _write_header(sheet, [(column.header, column.width) for column in columns], numbered=numbered)
    for number, row in enumerate(rows, start=1):
        values = [safe_cell_value(column.value(row)) for column in columns]
        cells = []
        for value in ([number] if numbered else []) + values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
                # Stored as a string cell with Excel's "quote prefix": shown as typed, never evaluated.
                cell.data_type = "s"
                cell.quotePrefix = True
            elif isinstance(value, date | datetime):
                cell.number_format = "yyyy-mm-dd" if not isinstance(value, datetime) else "yyyy-mm-dd hh:mm"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_header(sheet: Any, headers: Sequence[tuple[str, int]], *, numbered: bool) -> None:
    """Column widths, then the bold, centred header row."""
    headers = ([("序号", 6)] if numbered else []) + list(headers)
    for index, (_, width) in enumerate(headers):
        sheet.column_dimensions[_letter(index)].width = width
    header_cells = []
    for header, _ in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    sheet.append(header_cells)


class StreamedWorkbook:
    """One write-only sheet spooled to disk as rows are appended, then streamed back: memory stays flat whatever
    the row count. Cells are the same as build_workbook's; only a value that needs it becomes a styled cell."""

    def __init__(self, title: str, headers: Sequence[tuple[str, int]], *, numbered: bool = True) -> None:
        self._workbook = Workbook(write_only=True)
        # Any: the openpyxl stubs' WriteOnlyWorksheet has neither column_dimensions nor _writer.
        self._sheet: Any = self._workbook.create_sheet(title[:31])
        self._numbered = numbered
        self._count = 0
        _write_header(self._sheet, headers, numbered=numbered)

    def append_rows(self, rows: Iterable[list[Any]]) -> int:
        """Append rows (lists, changed in place) of plain values: str, int, float, date or None go to openpyxl as they
        are, only a string that needs its quote prefix becomes a cell; anything else goes through safe_cell_value.
        Returns how many rows."""
        append, sheet, numbered, start = self._sheet.append, self._sheet, self._numbered, self._count
        count = start
        for values in rows:
            for index, value in enumerate(values):
                kind = type(value)
                if kind is str:
                    if value.startswith(FORMULA_TRIGGERS):
                        values[index] = _quoted(sheet, value)
                elif value is not None and kind not in _PLAIN:
                    values[index] = _styled(sheet, safe_cell_value(value))
            count += 1
            if numbered:
                values.insert(0, count)
            append(values)
        self._count = count
        return count - start

    def save(self) -> IO[bytes]:
        """The finished .xlsx in an anonymous temporary file (already unlinked), positioned at its start."""
        target = tempfile.TemporaryFile()  # noqa: SIM115  (returned open: the response closes it)
        try:
            self._workbook.save(target)
        except BaseException:
            target.close()
            raise
        target.seek(0)
        return target

    def discard(self) -> None:
        """After a failure: remove the sheet's spool file now rather than at the process's exit."""
        writer = self._sheet._writer
        if writer is not None:
            with contextlib.suppress(Exception):  # whatever state the failure left the sheet in
                self._sheet.close()
            with contextlib.suppress(OSError, ValueError):  # already removed by a save that got that far
                writer.cleanup()


_PLAIN = frozenset({int, float, date})
STREAM_CHUNK_BYTES = 256 * 1024


def _quoted(sheet: Any, value: str) -> Cell:
    # Stored as a string cell with Excel's "quote prefix": shown as typed, never evaluated.
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _styled(sheet: Any, value: Any) -> Any:
    if isinstance(value, str):
        return _quoted(sheet, value) if value.startswith(FORMULA_TRIGGERS) else value
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    return value


def streamed_xlsx_response(content: IO[bytes], filename: str) -> StreamingResponse:
    """Send a spooled workbook in blocks; the (already unlinked) file is closed once sent, or on disconnect."""
    size = os.fstat(content.fileno()).st_size

    async def blocks() -> AsyncIterator[bytes]:
        try:
            while block := content.read(STREAM_CHUNK_BYTES):
                yield block
        finally:
            content.close()

    return StreamingResponse(
        blocks(),
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": _disposition(filename), "Content-Length": str(size)},
        background=BackgroundTask(content.close),
    )


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xlsx_response(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": _disposition(filename)},
    )


def _disposition(filename: str) -> str:
    return f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"


def read_rows(content: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """(headers, [(row number in the sheet, values)]) of the first sheet; blank rows are skipped."""
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row = next(rows, None)
        headers = [str(v).strip() if v is not None else "" for v in (header_row or ())]
        body = []
        for number, values in enumerate(rows, start=2):
            cleaned = [v.strip() if isinstance(v, str) else v for v in values]
            if any(v not in (None, "") for v in cleaned):
                body.append((number, cleaned))
        return headers, body
    finally:
        workbook.close()
