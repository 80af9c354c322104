"""One exception hierarchy, one handler: every 4xx/5xx is RFC 9457 application/problem+json."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from backend.core.request_context import current_request_id

logger = logging.getLogger("anping.errors")

PROBLEM_JSON = "application/problem+json"


class FieldError(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """The error body (RFC 9457)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    request_id: str | None = None
    errors: list[FieldError] | None = None


class AppError(Exception):
    status_code = 400
    title = "请求有误"
    keep_changes = False

    def __init__(
        self,
        detail: str | None = None,
        *,
        field: str | None = None,
        errors: Sequence[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        keep_changes: bool | None = None,
    ) -> None:
        self.detail = detail or self.title
        self.errors = list(errors or [])
        if field:
            self.errors.append(FieldError(field=field, message=self.detail))
        self.headers = headers
        if keep_changes is not None:
            self.keep_changes = keep_changes
        super().__init__(self.detail)


class Unauthenticated(AppError):
    status_code = 401
    title = "未登录或登录已过期"

    def __init__(self, detail: str | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("headers", {"WWW-Authenticate": "Bearer"})
        super().__init__(detail, **kwargs)


class Forbidden(AppError):
    status_code = 403
    title = "无权执行此操作"


class NotFound(AppError):
    status_code = 404
    title = "记录不存在"


class Conflict(AppError):
    status_code = 409
    title = "操作与当前状态冲突"


class Locked(AppError):
    status_code = 423
    title = "账号已锁定"


class ValidationFailed(AppError):
    status_code = 422
    title = "提交的数据有误"


_STATUS_TITLES = {
    400: "请求有误",
    401: "未登录或登录已过期",
    403: "无权执行此操作",
    404: "请求的资源不存在",
    405: "不支持该请求方法",
    406: "无法提供所请求的格式",
    409: "操作与当前状态冲突",
    413: "上传内容过大",
    415: "不支持的内容类型",
    422: "提交的数据有误",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误",
    503: "服务暂不可用",
}

# Pydantic error types → Chinese messages (ctx values are interpolated).
_VALIDATION_MESSAGES = {
    "missing": "必填项",
    "string_too_short": "长度不能少于 {min_length} 个字符",
    "string_too_long": "长度不能超过 {max_length} 个字符",
    "string_type": "应为文本",
    "string_pattern_mismatch": "格式不正确",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为是或否",
    "bool_type": "应为是或否",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "literal_error": "取值无效，可选值：{expected}",
    "enum": "取值无效，可选值：{expected}",
    "date_parsing": "日期格式应为 YYYY-MM-DD",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD",
    "datetime_parsing": "时间格式应为 ISO 8601",
    "datetime_from_date_parsing": "时间格式应为 ISO 8601",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "list_type": "应为列表",
    "extra_forbidden": "不允许的字段",
    "value_error": "{error}",
    "assertion_error": "{error}",
}


def validation_message(error: dict[str, Any]) -> str:
    template = _VALIDATION_MESSAGES.get(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if template is None:
        return "取值无效"
    try:
        message = template.format(**ctx)
    except (KeyError, IndexError):
        return "取值无效"
    return message.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _field_name(loc: Sequence[Any]) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "header", "cookie", "form")]
    return ".".join(parts) or "body"


def problem_response(
    status: int,
    detail: str,
    *,
    title: str | None = None,
    errors: Sequence[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = Problem(
        title=title or _STATUS_TITLES.get(status, "错误"),
        status=status,
        detail=detail,
        request_id=current_request_id(),
        errors=list(errors) if errors else None,
    )
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status, headers=headers, media_type=PROBLEM_JSON
    )


async def _app_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    return problem_response(exc.status_code, exc.detail, title=exc.title, errors=exc.errors, headers=exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [FieldError(field=_field_name(e.get("loc", ())), message=validation_message(e)) for e in exc.errors()]
    detail = "；".join(f"{e.field}：{e.message}" for e in errors) or "提交的数据有误"
    return problem_response(422, detail, errors=errors)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else None
    return problem_response(
        status, detail or _STATUS_TITLES.get(status, "请求有误"), headers=dict(exc.headers) if exc.headers else None
    )


def internal_error_response() -> JSONResponse:
    """The 500 body: never the exception's text or a stack trace (RequestContextMiddleware logs those)."""
    return problem_response(500, "服务器内部错误，请稍后重试；如问题持续，请联系管理员并提供请求编号。")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": _STATUS_TITLES[status]}
    for status in (401, 403, 404, 409, 422)
}
