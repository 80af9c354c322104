"""The outgoing side of the enforcement-system contract (openapi/enforcement.yaml): the inspection message,
written to the outbox in the transaction that completes the inspection. Delivery is the worker's job."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.config import Settings
from backend.models import (
    Agency,
    Campaign,
    Evaluator,
    Inspection,
    InspectionInspector,
    Inspector,
    OutboxMessage,
    Project,
)
from backend.models.base import utcnow

TOPIC = "inspection.completed"


def reference(inspection_id: int) -> str:
    return f"anping-inspection-{inspection_id}"


def inspection_id_of(reference_text: str) -> int | None:
    prefix = "anping-inspection-"
    tail = reference_text.removeprefix(prefix)
    return int(tail) if reference_text.startswith(prefix) and tail.isdigit() else None


async def inspection_message(session: AsyncSession, inspection: Inspection, callback_url: str) -> dict[str, Any]:
    agency = await session.get_one(Agency, inspection.agency_id)
    parent = await session.get(Agency, agency.parent_id) if agency.parent_id else None
    campaign = await session.get_one(Campaign, inspection.campaign_id)
    officers = (
        await session.scalars(
            select(Inspector)
            .join(InspectionInspector, InspectionInspector.inspector_id == Inspector.id)
            .where(InspectionInspector.inspection_id == inspection.id)
            .order_by(InspectionInspector.id)
        )
    ).all()
    project_ids = {p["project_id"] for p in inspection.problems or [] if p.get("project_id")}
    evaluator_ids = {p["evaluator_id"] for p in inspection.problems or [] if p.get("evaluator_id")}
    projects = {p.id: p for p in await session.scalars(select(Project).where(Project.id.in_(project_ids)))}
    evaluators = dict(
        (await session.execute(select(Evaluator.id, Evaluator.name).where(Evaluator.id.in_(evaluator_ids)))).all()
    )
    findings = []
    for index, problem in enumerate(inspection.problems or []):
        finding: dict[str, Any] = {
            "reference": f"{reference(inspection.id)}-{index + 1}",
            "code": problem["code"],
            "description": problem["description"],
            "target_kind": "project"
            if problem.get("project_id")
            else "evaluator"
            if problem.get("evaluator_id")
            else "agency",
        }
        if problem.get("sub_code"):
            finding["sub_code"] = problem["sub_code"]
        if problem.get("evaluator_id"):
            finding["evaluator_name"] = evaluators.get(problem["evaluator_id"], "")
        if problem.get("project_id") in projects:
            project = projects[problem["project_id"]]
            finding["project_name"] = project.name
            finding["report_number"] = project.report_number
        if problem.get("measure"):
            finding["measure"] = problem["measure"]
        if problem.get("deadline"):
            finding["deadline"] = problem["deadline"]
        findings.append(finding)
    unit: dict[str, Any] = {
        "name": agency.name,
        "credit_code": agency.credit_code,
        "address": agency.office_address or agency.registered_address or "（未登记地址）",
    }
    if agency.legal_representative:
        unit["legal_representative"] = agency.legal_representative
    if agency.contact_phone:
        unit["phone"] = agency.contact_phone
    if parent is not None:
        unit["parent_name"] = parent.name
    body: dict[str, Any] = {
        "reference": reference(inspection.id),
        "campaign": campaign.name,
        "kind": inspection.kind,
        "inspected_unit": unit,
        "place": inspection.place or "",
        "started_at": inspection.started_at.isoformat() if inspection.started_at else None,
        "ended_at": inspection.ended_at.isoformat() if inspection.ended_at else None,
        "officers": [{"name": o.name, "certificate_number": o.certificate_number} for o in officers],
        "findings": findings,
    }
    if inspection.on_site_person:
        body["on_site_person"] = inspection.on_site_person
    if inspection.summary:
        body["summary"] = inspection.summary
    return {"callback_url": callback_url, "inspection": body}


async def enqueue_inspection(session: AsyncSession, settings: Settings, inspection: Inspection) -> OutboxMessage:
    """One message per completed inspection; its key makes a redelivery harmless on the other side."""
    message_id = uuid.uuid4().hex
    now = utcnow()
    payload = await inspection_message(session, inspection, settings.enforcement_callback_url)
    payload = {"message_id": message_id, "sent_at": now.isoformat(), **payload}
    message = OutboxMessage(
        idempotency_key=f"{reference(inspection.id)}-{message_id}",
        topic=TOPIC,
        inspection_id=inspection.id,
        payload=payload,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(message)
    await session.flush()
    return message
