"""Reading the values clerks type into spreadsheets: dates in several spellings, lists of names."""

from __future__ import annotations

import re
from datetime import date, datetime

_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")
_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def parse_date(value: object) -> date | None:
    """A date from an Excel cell; None for empty; ValueError with a Chinese reason when unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(str(value))
    if not match:
        raise ValueError(f"无法识别的日期“{value}”，请使用 2024-09-05 格式")
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"日期“{value}”不存在") from None


def parse_dates(value: object) -> list[date]:
    if value is None or value == "":
        return []
    if isinstance(value, date | datetime):
        return [parse_date(value)]  # type: ignore[list-item]
    parts = re.split(r"[、,，;；\s]+", str(value).strip())
    return [d for d in (parse_date(part) for part in parts if part) if d is not None]


def split_names(value: object) -> list[str]:
    if value is None:
        return []
    return [name for name in _SEPARATORS.split(str(value).strip()) if name]


def text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    cleaned = str(value).strip()
    return cleaned or None
