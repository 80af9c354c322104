"""Chinese identifiers with check characters: the unified social credit code (GB 32100-2015) and the
resident ID-card number (GB 11643-1999). Each returns the Chinese reason a value is wrong, or None."""

from __future__ import annotations

import re
from datetime import date

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_PATTERN = re.compile(rf"^[{_USCC_CHARSET}]{{18}}$")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


def uscc_check_char(first17: str) -> str:
    total = sum(_USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(value: str) -> str | None:
    code = value.strip().upper()
    if len(code) != 18:
        return "统一社会信用代码应为 18 位"
    if not _USCC_PATTERN.match(code):
        return "统一社会信用代码含有无效字符（不使用 I、O、Z、S、V）"
    if uscc_check_char(code[:17]) != code[17]:
        return "统一社会信用代码校验位不正确，请核对"
    return None


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def id_number_problem(value: str) -> str | None:
    number = value.strip().upper()
    if not _ID_PATTERN.match(number):
        return "身份证号应为 18 位，前 17 位为数字，末位为数字或 X"
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效"
    if born.year < 1900 or born > date.today():
        return "身份证号中的出生日期无效"
    if id_check_char(number[:17]) != number[17]:
        return "身份证号校验位不正确，请核对"
    return None


def mask_id_number(number: str) -> str:
    """Keep the region (first 6) and the last 4: enough to tell people apart, not to identify them."""
    return number[:6] + "*" * (len(number) - 10) + number[-4:] if len(number) > 10 else "*" * len(number)
