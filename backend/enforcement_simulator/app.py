"""A stand-in for the city's enforcement system (应急管理综合行政执法系统), per `openapi/enforcement.yaml`.

It accepts inspections from Anping, opens a case per inspection, and calls Anping back with the documents it
"issues". Test switches under `/_control` (not part of the contract) simulate outages and slowness, show what was
received and sent, and trigger later documents and penalties.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
from collections.abc import Sequence
from typing import Annotated, Any, Literal

import httpx
from fastapi import BackgroundTasks, Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from backend.core.errors import (
    AppError,
    Conflict,
    FieldError,
    NotFound,
    Unauthenticated,
    ValidationFailed,
    install_error_handlers,
    validation_message,
)
from backend.core.identifiers import credit_code_problem
from backend.demo.files import minimal_pdf
from backend.enforcement_simulator.schemas import (
    Document,
    DocumentIssuedCallback,
    DocumentKind,
    InspectionAccepted,
    InspectionMessage,
    Penalty,
    PenaltyDecidedCallback,
    PenaltyMeasure,
)
from backend.enforcement_simulator.store import CallbackRecord, Case, Delivery, SimulatorStore, callback_view, now

# Series in document numbers, as in （秦）应急检记〔2026〕12号.
DOCUMENT_SERIES: dict[str, str] = {
    "inspection_record": "应急检记",
    "rectification_order": "应急责改",
    "recheck_opinion": "应急复查",
    "on_site_measures": "应急现决",
    "case_approval": "应急立审",
    "penalty_notice": "应急罚告",
    "penalty_decision": "应急罚",
    "closing_approval": "应急结审",
}

# Messages for error types that Anping's table (core.errors) does not word for lists and strict JSON.
_EXTRA_MESSAGES = {
    "too_short": "至少 {min_length} 项",
    "too_long": "最多 {max_length} 项",
    "timezone_aware": "时间须带时区偏移，如 +08:00",
    "datetime_type": "时间格式应为 ISO 8601",
    "date_type": "日期格式应为 YYYY-MM-DD",
    "float_type": "应为数字",
}

DEFAULT_RETRY_DELAYS = (0.5, 2.0, 5.0)


class Unavailable(AppError):
    status_code = 503
    title = "服务暂不可用"


class OutageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requests: int = Field(ge=0, le=10_000, description="接下来多少次 POST /inspections 返回 503")


class SlowIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    seconds: float = Field(ge=0, le=600, description="每次 POST /inspections 先等待的秒数（0 为不等待）")


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inspection_reference: str
    kind: DocumentKind


def _warning_and_fine() -> list[PenaltyMeasure]:
    return ["warning", "fine"]


class PenaltyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    inspection_reference: str
    target_kind: Literal["agency", "evaluator"] = "agency"
    target_name: str | None = Field(default=None, description="默认为被检查单位名称")
    credit_code: str | None = Field(default=None, description="处罚机构时默认为被检查单位的统一社会信用代码")
    certificate_number: str | None = None
    measures: list[PenaltyMeasure] = Field(default_factory=_warning_and_fine)
    fine_amount: float | None = Field(default=None, description="含罚款时默认 50000 元")
    legal_basis: str = "《中华人民共和国安全生产法》第九十二条第一款"


def field_errors(exc: ValidationError, prefix: str = "") -> list[FieldError]:
    errors = []
    for error in exc.errors():
        template = _EXTRA_MESSAGES.get(error["type"])
        message = template.format(**(error.get("ctx") or {})) if template else validation_message(dict(error))
        path = ".".join(str(part) for part in error["loc"])
        errors.append(FieldError(field=f"{prefix}{path}" if path else prefix or "body", message=message))
    return errors


def _invalid(errors: Sequence[FieldError]) -> ValidationFailed:
    return ValidationFailed("；".join(f"{e.field}：{e.message}" for e in errors), errors=errors)


def body_hash(raw: bytes) -> str:
    """Two bodies are "the same" when they are the same JSON value, whatever the key order or spacing."""
    canonical = json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _ascii(text: str) -> str:
    # minimal_pdf draws in Helvetica without a CJK font: keep the PDF readable and valid.
    return text.encode("ascii", "replace").decode()


class Simulator:
    def __init__(
        self,
        *,
        token: str,
        anping_token: str,
        fail_first: int,
        region: str,
        http_client: httpx.AsyncClient | None,
        retry_delays: Sequence[float],
        callback_timeout: float,
    ) -> None:
        self.token = token
        self.anping_token = anping_token
        self.fail_first = fail_first
        self.region = region
        self.http_client = http_client
        self.retry_delays = tuple(retry_delays)
        self.callback_timeout = callback_timeout
        self.store = SimulatorStore(outage_remaining=fail_first)

    # --- receiving ------------------------------------------------------------------------------------

    def check_token(self, authorization: str | None) -> None:
        scheme, _, presented = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(presented.strip().encode(), self.token.encode()):
            raise Unauthenticated("令牌缺失或无效")

    def accept(self, key: str, raw: bytes) -> tuple[Delivery, Case | None]:
        """Validate and record a message; returns the delivery and, for a first delivery, its case."""
        try:
            message = InspectionMessage.model_validate_json(raw)
        except ValidationError as exc:
            raise _invalid(field_errors(exc)) from None
        inspection = message.inspection
        problems = []
        if reason := credit_code_problem(inspection.inspected_unit.credit_code):
            problems.append(FieldError(field="inspection.inspected_unit.credit_code", message=reason))
        if inspection.ended_at < inspection.started_at:
            problems.append(FieldError(field="inspection.ended_at", message="结束时间不得早于开始时间"))
        if problems:
            raise _invalid(problems)

        digest = body_hash(raw)
        # No await from here on: the look-up and the insert must not interleave with a concurrent retry.
        delivery = self.store.deliveries.get(key)
        if delivery is not None:
            if delivery.body_hash != digest:
                delivery.conflicts += 1
                raise Conflict(f"幂等键 {key} 已用于内容不同的请求")
            delivery.times_seen += 1
            return delivery, None
        case = self.store.cases.get(inspection.reference)
        if case is None:
            case = Case(
                case_id=self.store.next_case_id(),
                inspection_reference=inspection.reference,
                callback_url=message.callback_url,
                inspection=inspection,
            )
            self.store.cases[inspection.reference] = case
        else:
            case.callback_url, case.inspection = message.callback_url, inspection
        delivery = Delivery(
            idempotency_key=key,
            body_hash=digest,
            message=message.model_dump(mode="json"),
            inspection_reference=inspection.reference,
            case_id=case.case_id,
            received_at=now(),
        )
        self.store.deliveries[key] = delivery
        return delivery, case

    # --- documents and callbacks ----------------------------------------------------------------------

    def _number(self, kind: str, case: Case) -> str:
        year = now().year
        if kind == "inspection_record":
            case.record_number = self.store.next_number(kind, year)
            n = case.record_number
        elif kind == "rectification_order" and case.record_number is not None:
            n = case.record_number  # the order's number is derived from its inspection record's
        else:
            n = self.store.next_number(kind, year)
        return f"（{self.region}）{DOCUMENT_SERIES[kind]}〔{year}〕{n}号"

    def _pdf(self, title: str, number: str, case: Case) -> str:
        pdf = minimal_pdf(
            f"Enforcement simulator: {_ascii(title)}",
            f"Number: {_ascii(number)}",
            f"Case: {_ascii(case.case_id)}",
            f"Inspection: {_ascii(case.inspection_reference)}",
            f"Issued: {now().date().isoformat()}",
        )
        return base64.b64encode(pdf).decode()

    async def issue_pending(self, case: Case) -> None:
        """After an accepted message: the inspection record, and the order to rectify when there are findings."""
        kinds: list[DocumentKind] = []
        if "inspection_record" not in case.issued:
            kinds.append("inspection_record")
        if case.inspection.findings and "rectification_order" not in case.issued:
            kinds.append("rectification_order")
        # Numbers are taken before any await so that a concurrent update of the case cannot issue twice.
        documents = [self.new_document(kind, case) for kind in kinds]
        for document in documents:
            await self.send_document(case, document)

    def new_document(self, kind: DocumentKind, case: Case) -> Document:
        number = self._number(kind, case)
        case.issued.append(kind)
        return Document(kind=kind, number=number, issued_on=now().date(), pdf_base64=self._pdf(kind, number, case))

    async def send_document(self, case: Case, document: Document) -> CallbackRecord:
        callback = DocumentIssuedCallback(
            event="document.issued",
            callback_id=self.store.next_callback_id(),
            inspection_reference=case.inspection_reference,
            case_id=case.case_id,
            document=document,
        )
        record = CallbackRecord(
            callback_id=callback.callback_id,
            event=callback.event,
            url=case.callback_url,
            inspection_reference=case.inspection_reference,
            case_id=case.case_id,
            document_kind=document.kind,
            number=document.number,
        )
        await self.deliver(record, callback.model_dump(mode="json", exclude_none=True))
        return record

    async def send_penalty(self, case: Case, penalty: Penalty) -> CallbackRecord:
        callback = PenaltyDecidedCallback(
            event="penalty.decided",
            callback_id=self.store.next_callback_id(),
            inspection_reference=case.inspection_reference,
            case_id=case.case_id,
            penalty=penalty,
        )
        record = CallbackRecord(
            callback_id=callback.callback_id,
            event=callback.event,
            url=case.callback_url,
            inspection_reference=case.inspection_reference,
            case_id=case.case_id,
            document_kind="penalty_decision",
            number=penalty.decision_number,
        )
        await self.deliver(record, callback.model_dump(mode="json", exclude_none=True))
        return record

    async def deliver(self, record: CallbackRecord, payload: dict[str, Any]) -> None:
        """POST the callback; retry on connection errors, timeouts, 429 and 5xx with the same key and body."""
        self.store.callbacks.append(record)
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {
            "Authorization": f"Bearer {self.anping_token}",
            "Idempotency-Key": record.callback_id,
            "Content-Type": "application/json",
        }
        client = self.http_client or httpx.AsyncClient(timeout=self.callback_timeout)
        try:
            for delay in (0.0, *self.retry_delays):
                if delay:
                    await asyncio.sleep(delay)
                try:
                    response = await client.post(record.url, content=body, headers=headers)
                except httpx.TransportError as exc:
                    record.attempts.append(type(exc).__name__)
                    continue
                record.attempts.append(response.status_code)
                if response.status_code < 500 and response.status_code != 429:
                    return
        finally:
            if client is not self.http_client:
                await client.aclose()

    def case_for(self, reference: str) -> Case:
        case = self.store.cases.get(reference)
        if case is None:
            raise NotFound(f"未收到编号为 {reference} 的现场检查", field="inspection_reference")
        return case

    def penalty(self, spec: PenaltyIn, case: Case) -> Penalty:
        unit = case.inspection.inspected_unit
        agency = spec.target_kind == "agency"
        target_name = spec.target_name or (unit.name if agency else None)
        if target_name is None:
            raise ValidationFailed("处罚评价人员时须填写 target_name", field="target_name")
        fine = spec.fine_amount if spec.fine_amount is not None else (50000.0 if "fine" in spec.measures else None)
        number = self._number("penalty_decision", case)
        try:
            return Penalty(
                target_kind=spec.target_kind,
                target_name=target_name,
                credit_code=spec.credit_code or (unit.credit_code if agency else None),
                certificate_number=spec.certificate_number,
                decision_number=number,
                decided_on=now().date(),
                legal_basis=spec.legal_basis,
                measures=spec.measures,
                fine_amount=fine,
                pdf_base64=self._pdf("penalty_decision", number, case),
            )
        except ValidationError as exc:
            raise _invalid(field_errors(exc)) from None


def create_simulator(
    *,
    token: str,
    anping_token: str,
    fail_first: int = 0,
    region: str = "秦",
    http_client: httpx.AsyncClient | None = None,
    retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
    callback_timeout: float = 10.0,
) -> FastAPI:
    """The simulator app. `token` is what Anping must present; `anping_token` is the API token the simulator
    presents to Anping's callback endpoint; the first `fail_first` inspections are answered 503.
    `http_client` (tests) replaces the per-callback client; `retry_delays` are the pauses between attempts."""
    simulator = Simulator(
        token=token,
        anping_token=anping_token,
        fail_first=fail_first,
        region=region,
        http_client=http_client,
        retry_delays=retry_delays,
        callback_timeout=callback_timeout,
    )
    app = FastAPI(
        title="执法系统模拟器",
        description="模拟应急管理综合行政执法系统，供安平对接开发和测试使用；接口契约见 openapi/enforcement.yaml。",
        version="1.0.0",
    )
    app.state.simulator = simulator
    install_error_handlers(app)

    async def availability() -> None:
        store = simulator.store
        if store.outage_remaining > 0:
            store.outage_remaining -= 1
            store.refused += 1
            raise Unavailable("执法系统暂不可用，请稍后重试", headers={"Retry-After": "1"})
        if store.slow_seconds:
            await asyncio.sleep(store.slow_seconds)

    async def authorized(authorization: Annotated[str | None, Header()] = None) -> None:
        simulator.check_token(authorization)

    @app.post(
        "/inspections",
        status_code=202,
        response_model=InspectionAccepted,
        dependencies=[Depends(availability), Depends(authorized)],
        operation_id="submit_inspection",
        summary="推送一次现场检查（契约接口）",
    )
    async def submit_inspection(
        request: Request,
        background: BackgroundTasks,
        idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
    ) -> JSONResponse:
        if not idempotency_key or len(idempotency_key) > 100:
            message = "必填项" if not idempotency_key else "长度不能超过 100 个字符"
            raise ValidationFailed(
                f"Idempotency-Key：{message}", errors=[FieldError(field="Idempotency-Key", message=message)]
            )
        delivery, case = simulator.accept(idempotency_key, await request.body())
        answer = InspectionAccepted(case_id=delivery.case_id, received_at=delivery.received_at, duplicate=case is None)
        if case is not None:
            background.add_task(simulator.issue_pending, case)
        return JSONResponse(answer.model_dump(mode="json"), status_code=202 if case is not None else 200)

    @app.post("/_control/outage", tags=["control"], summary="接下来 N 次推送返回 503")
    async def control_outage(body: OutageIn) -> dict[str, int]:
        simulator.store.outage_remaining = body.requests
        return {"outage_remaining": body.requests}

    @app.post("/_control/slow", tags=["control"], summary="每次推送先等待 S 秒")
    async def control_slow(body: SlowIn) -> dict[str, float]:
        simulator.store.slow_seconds = body.seconds
        return {"slow_seconds": body.seconds}

    @app.get("/_control/state", tags=["control"], summary="收到的推送、案件和发出的回调")
    async def control_state() -> dict[str, Any]:
        return simulator.store.snapshot()

    @app.post("/_control/reset", tags=["control"], summary="清空全部状态（--fail-first 重新生效）")
    async def control_reset() -> dict[str, Any]:
        simulator.store = SimulatorStore(outage_remaining=simulator.fail_first)
        return simulator.store.snapshot()

    @app.post("/_control/document", tags=["control"], summary="出具一份文书并回调安平")
    async def control_document(body: DocumentIn) -> dict[str, Any]:
        case = simulator.case_for(body.inspection_reference)
        record = await simulator.send_document(case, simulator.new_document(body.kind, case))
        return callback_view(record)

    @app.post("/_control/penalty", tags=["control"], summary="作出处罚决定并回调安平")
    async def control_penalty(body: PenaltyIn) -> dict[str, Any]:
        case = simulator.case_for(body.inspection_reference)
        record = await simulator.send_penalty(case, simulator.penalty(body, case))
        return callback_view(record)

    return app
