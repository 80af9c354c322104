"""Field types shared by the domains' schemas."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from backend.core.identifiers import credit_code_problem, id_number_problem


def _credit_code(value: str) -> str:
    problem = credit_code_problem(value)
    if problem:
        raise ValueError(problem)
    return value.strip().upper()


def _id_number(value: str) -> str:
    problem = id_number_problem(value)
    if problem:
        raise ValueError(problem)
    return value.strip().upper()


def _phone(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = value.strip()
    if cleaned and not all(c.isdigit() or c in "-+ ()转" for c in cleaned):
        raise ValueError("电话号码只能包含数字、空格、括号、+ 和 -")
    return cleaned or None


CreditCode = Annotated[str, Field(description="统一社会信用代码（18 位，含校验位）"), AfterValidator(_credit_code)]
IdNumber = Annotated[str, Field(description="身份证号（18 位，含校验位）"), AfterValidator(_id_number)]
Phone = Annotated[str | None, Field(default=None, max_length=30), AfterValidator(_phone)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
