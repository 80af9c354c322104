"""Excel export (openpyxl write-only, streamed) and import reading. No exported cell can ever run as a formula."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

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
    headers = (["序号"] if numbered else []) + [column.header for column in columns]
    widths = ([6] if numbered else []) + [column.width for column in columns]
    for index, width in enumerate(widths):
        sheet.column_dimensions[_letter(index)].width = width
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        header_cells.append(cell)
    sheet.append(header_cells)
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
        headers={"Content-Disposition": f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"},
    )


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
