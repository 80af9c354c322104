"""Campaign dates are Beijing dates: a deadline "by 10-15" ends at 24:00 Beijing time on 10-15."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "北京时间")


def today() -> date:
    return datetime.now(BEIJING).date()


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=BEIJING)


def is_late(submitted_at: datetime, due_on: date) -> bool:
    return submitted_at >= end_of_day(due_on)
