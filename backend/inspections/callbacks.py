"""The incoming side of the enforcement-system contract: documents issued and penalties decided, accepted once
per idempotency key (a repeat with the same body is a harmless "duplicate"; another body under that key is a
conflict), and the dead-letter list of outgoing messages that city admins resend."""

from __future__ import annotations

import base64
import binascii
import hashlib
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.authz.policies import Principal
from backend.authz.scope import AccessScope, scoped_select
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.files import inspection as file_inspection
from backend.files.store import store_bytes
from backend.inspections.delivery import inspection_id_of
from backend.inspections.schemas import DocumentKind
from backend.models import (
    Agency,
    EnforcementCallback,
    EnforcementDocument,
    Evaluator,
    Inspection,
    OutboxMessage,
    Penalty,
    StoredFile,
)
from backend.models.base import utcnow
from backend.penalties.schemas import PenaltyMeasure
from backend.storage import Storage

MAX_PDF_BASE64 = 13_981_016  # 10 MiB decoded


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CallbackDocument(_Strict):
    kind: DocumentKind
    number: str = Field(min_length=1, max_length=100)
    issued_on: date
    pdf_base64: str = Field(min_length=1, max_length=MAX_PDF_BASE64)


class CallbackPenalty(_Strict):
    target_kind: Literal["agency", "evaluator"]
    target_name: str = Field(min_length=1, max_length=200)
    credit_code: str | None = Field(default=None, max_length=18)
    certificate_number: str | None = Field(default=None, max_length=50)
    decision_number: str = Field(min_length=1, max_length=100)
    decided_on: date
    legal_basis: str = Field(min_length=1, max_length=2000)
    measures: list[PenaltyMeasure] = Field(min_length=1)
    fine_amount: Decimal | None = Field(default=None, ge=0)
    pdf_base64: str = Field(min_length=1, max_length=MAX_PDF_BASE64)


class DocumentIssued(_Strict):
    event: Literal["document.issued"]
    callback_id: str = Field(min_length=1, max_length=100)
    inspection_reference: str = Field(min_length=1, max_length=100)
    case_id: str = Field(min_length=1, max_length=100)
    document: CallbackDocument


class PenaltyDecided(_Strict):
    event: Literal["penalty.decided"]
    callback_id: str = Field(min_length=1, max_length=100)
    inspection_reference: str = Field(min_length=1, max_length=100)
    case_id: str = Field(min_length=1, max_length=100)
    penalty: CallbackPenalty


Callback = Annotated[DocumentIssued | PenaltyDecided, Field(discriminator="event")]


class CallbackAccepted(BaseModel):
    accepted: bool = True
    duplicate: bool


class OutboxRead(BaseModel):
    id: int
    topic: str
    inspection_id: int | None
    agency_name: str | None
    status: Literal["pending", "delivered", "dead"]
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


async def _stored_pdf(
    session: AsyncSession, storage: Storage, encoded: str, name: str, organization_id: int, field: str
) -> StoredFile:
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("PDF 内容不是有效的 base64 编码", field=field) from None
    try:
        kind = file_inspection.sniff(data[:512])[0]
    except file_inspection.ContentRefused:
        kind = ""
    if kind != "pdf":
        raise ValidationFailed("回传的文件不是 PDF", field=field)
    return await store_bytes(session, storage, data, name=name, organization_id=organization_id)


async def receive(
    session: AsyncSession, storage: Storage, key: str, body: DocumentIssued | PenaltyDecided
) -> CallbackAccepted:
    digest = hashlib.sha256(orjson.dumps(body.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)).hexdigest()
    seen = await session.scalar(select(EnforcementCallback).where(EnforcementCallback.idempotency_key == key))
    if seen is not None:
        if seen.body_sha256 != digest:
            raise Conflict("该 Idempotency-Key 已用于内容不同的回调", field="Idempotency-Key")
        return CallbackAccepted(duplicate=True)
    inspection_id = inspection_id_of(body.inspection_reference)
    inspection = await session.get(Inspection, inspection_id) if inspection_id is not None else None
    if inspection is None:
        raise NotFound(f"未知的检查编号“{body.inspection_reference}”", field="inspection_reference")
    if isinstance(body, DocumentIssued):
        await _document(session, storage, inspection, body.document)
    else:
        await _penalty(session, storage, inspection, body.penalty)
    session.add(
        EnforcementCallback(
            idempotency_key=key,
            body_sha256=digest,
            event=body.event,
            inspection_id=inspection.id,
            received_at=utcnow(),
        )
    )
    await session.flush()
    return CallbackAccepted(duplicate=False)


async def _document(
    session: AsyncSession, storage: Storage, inspection: Inspection, document: CallbackDocument
) -> None:
    existing = await session.scalar(
        select(EnforcementDocument).where(
            EnforcementDocument.kind == document.kind, EnforcementDocument.number == document.number
        )
    )
    if existing is not None:
        if existing.inspection_id != inspection.id:
            raise Conflict(f"文书编号“{document.number}”已登记在另一次检查下", field="document.number")
        return
    stored = await _stored_pdf(
        session,
        storage,
        document.pdf_base64,
        f"{document.number}.pdf",
        inspection.organization_id,
        "document.pdf_base64",
    )
    session.add(
        EnforcementDocument(
            inspection_id=inspection.id,
            kind=document.kind,
            number=document.number,
            issued_on=document.issued_on,
            file_id=stored.id,
            source="enforcement_system",
        )
    )


async def _penalty(session: AsyncSession, storage: Storage, inspection: Inspection, penalty: CallbackPenalty) -> None:
    if await session.scalar(select(Penalty.id).where(Penalty.decision_number == penalty.decision_number)):
        return
    agency = await session.get_one(Agency, inspection.agency_id)
    evaluator_id = None
    if penalty.target_kind == "evaluator":
        evaluator_id = await session.scalar(
            select(Evaluator.id).where(
                Evaluator.certificate_number == penalty.certificate_number,
                Evaluator.agency_id.in_({agency.id, agency.parent_id or agency.id}),
            )
        )
        if evaluator_id is None:
            raise ValidationFailed(
                f"被检查机构没有证书编号为“{penalty.certificate_number}”的评价人员", field="penalty.certificate_number"
            )
    if "fine" in penalty.measures and penalty.fine_amount is None:
        raise ValidationFailed("处罚种类含罚款，但未给出罚款金额", field="penalty.fine_amount")
    stored = await _stored_pdf(
        session,
        storage,
        penalty.pdf_base64,
        f"{penalty.decision_number}.pdf",
        inspection.organization_id,
        "penalty.pdf_base64",
    )
    session.add(
        Penalty(
            campaign_id=inspection.campaign_id,
            target_kind=penalty.target_kind,
            agency_id=agency.id,
            evaluator_id=evaluator_id,
            county_id=agency.county_id,
            inspection_id=inspection.id,
            decided_by_organization_id=inspection.organization_id,
            decision_number=penalty.decision_number,
            decided_on=penalty.decided_on,
            legal_basis=penalty.legal_basis,
            measures=list(penalty.measures),
            fine_amount=penalty.fine_amount,
            file_id=stored.id,
            source="enforcement_system",
        )
    )


# --- the dead-letter list -------------------------------------------------------------------------------------------
def outbox_statement(scope: AccessScope, status: str | None) -> Select[Any]:
    statement = (
        scoped_select(OutboxMessage, scope)
        .add_columns(Agency.name.label("agency_name"))
        .outerjoin(Inspection, Inspection.id == OutboxMessage.inspection_id)
        .outerjoin(Agency, Agency.id == Inspection.agency_id)
    )
    return statement.where(OutboxMessage.status == status) if status else statement


def outbox_read(row: Any) -> OutboxRead:
    message: OutboxMessage = row[0]
    return OutboxRead(
        id=message.id,
        topic=message.topic,
        inspection_id=message.inspection_id,
        agency_name=row.agency_name,
        status=message.status,
        attempts=message.attempts,
        next_attempt_at=message.next_attempt_at,
        last_error=message.last_error,
        created_at=message.created_at,
        delivered_at=message.delivered_at,
    )


async def resend(session: AsyncSession, principal: Principal, message_id: int) -> OutboxRead:
    message = await session.scalar(scoped_select(OutboxMessage, principal.scope).where(OutboxMessage.id == message_id))
    if message is None:
        raise NotFound("报送记录不存在")
    if message.status != "dead":
        raise Conflict("只有投递失败（死信）的报送可以重新发送")
    # The same key again: if an earlier attempt did arrive, the other side answers "duplicate".
    message.status, message.attempts, message.next_attempt_at = "pending", 0, utcnow()
    message.lease_token = message.lease_expires_at = None
    await session.flush()
    row = (await session.execute(outbox_statement(principal.scope, None).where(OutboxMessage.id == message.id))).one()
    return outbox_read(row)
