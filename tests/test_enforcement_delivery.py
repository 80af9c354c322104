"""Delivery to the enforcement system that survives faults, and the callbacks it sends back (issue 7, points 5–7).

Everything is real: Anping served by uvicorn on a socket, the simulator of the enforcement system on another, the
outbox worker (in-process passes with a controlled clock, and a real `python -m backend worker` process that is
killed mid-delivery)."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.auth import tokens
from backend.core.config import Settings
from backend.demo.files import minimal_pdf
from backend.enforcement_simulator import create_simulator
from backend.inspections import worker
from backend.models import ApiToken, Campaign, EnforcementDocument, OutboxMessage, Penalty
from backend.models.base import utcnow
from tests import builders
from tests.conftest import login
from tests.support.contract import assert_request_follows_contract
from tests.support.servers import serving

TOKEN = "zhifa-test-token"
HEAD_A = "河北安泰安全评价有限公司"


class Link:
    """Anping (with the adapter on) and the simulator, both listening, and a way to drive the outbox."""

    def __init__(self, settings: Settings, anping: str, simulator: str, database: Any) -> None:
        self.settings, self.anping, self.simulator, self.database = settings, anping, simulator, database
        self.offset = timedelta(0)

    async def control(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        async with httpx.AsyncClient() as client:
            response = await (
                client.post(f"{self.simulator}/_control/{path}", json=body or {})
                if body is not None
                else client.get(f"{self.simulator}/_control/{path}")
            )
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    async def deliver(self, *, later: timedelta = timedelta(0)) -> int:
        """One worker pass at a clock moved on by `later` (back-off waits are not slept through)."""
        self.offset += later
        async with httpx.AsyncClient(timeout=10) as client:
            return await worker.deliver_due(self.database, self.settings, client, now=utcnow() + self.offset)

    async def message(self, inspection_id: int) -> OutboxMessage:
        async with self.database.sessionmaker() as session:
            found = await session.scalar(select(OutboxMessage).where(OutboxMessage.inspection_id == inspection_id))
        assert found is not None
        return found


async def _city_token(db: AsyncSession, demo: dict[str, int]) -> str:
    """The API token the city issues to the enforcement system for its callbacks."""
    prefix, token = tokens.new_api_token()
    city = await db.scalar(select(builders.Organization.id).where(builders.Organization.kind == "city"))
    assert city is not None
    db.add(ApiToken(name="执法系统", prefix=prefix, token_hash=tokens.digest(token), organization_id=city, role="city"))
    await db.commit()
    return token


@pytest.fixture
async def link(settings: Settings, db: AsyncSession, demo: dict[str, int]) -> AsyncIterator[Link]:
    anping_token = await _city_token(db, demo)
    simulator_app = create_simulator(token=TOKEN, anping_token=anping_token, retry_delays=(0.2, 0.5))
    async with serving(simulator_app) as simulator:
        configured = settings.model_copy(
            update={
                "enforcement_endpoint": simulator,
                "enforcement_token": TOKEN,
                "enforcement_max_attempts": 4,
                "enforcement_retry_base_seconds": 30,
            }
        )
        app = create_app(configured)
        async with serving(app) as anping:
            configured.enforcement_callback_url = f"{anping}/api/v1/enforcement/callbacks"
            yield Link(configured, anping, simulator, app.state.database)


async def _completed_inspection(link: Link, db: AsyncSession, demo: dict[str, int]) -> int:
    """An inspection of 河北安泰 with one finding, completed through the API (which queues the message)."""
    async with httpx.AsyncClient(base_url=link.anping) as client:
        city = await login(client, "city.admin")
        city_org = await db.scalar(select(builders.Organization.id).where(builders.Organization.kind == "city"))
        assert city_org is not None
        inspectors = [(await builders.inspector(db, city_org)).id for _ in range(2)]
        await db.commit()
        campaign = await db.scalar(select(Campaign.id).order_by(Campaign.year.desc()))
        created = await client.post(
            "/api/v1/inspections",
            json={
                "campaign_id": campaign,
                "agency_id": demo[HEAD_A],
                "inspector_ids": inspectors,
                "started_at": "2024-10-21T01:00:00Z",
                "ended_at": "2024-10-21T02:00:00Z",
                "place": "机构办公场所",
                "checklist": [
                    {"code": c, "result": "non_compliant" if c == "Q4" else "compliant"}
                    for c in ("Q1", "Q2", "Q3", "Q4", "Q5")
                ],
                "problems": [{"code": "Q4", "description": "技术负责人变更后未办理变更", "deadline": "2024-12-31"}],
            },
            headers=city,
        )
        assert created.status_code == 201, created.text
        done = await client.post(f"/api/v1/inspections/{created.json()['id']}/complete", headers=city)
        assert done.status_code == 200, done.text
        assert done.json()["delivery"] == "pending"
        return int(created.json()["id"])


async def _documents(link: Link, inspection_id: int, count: int) -> list[dict[str, Any]]:
    """The inspection's documents once the simulator's callbacks have arrived (they are asynchronous)."""
    async with httpx.AsyncClient(base_url=link.anping) as client:
        city = await login(client, "city.admin")
        for _ in range(100):
            detail = (await client.get(f"/api/v1/inspections/{inspection_id}", headers=city)).json()
            if len(detail["documents"]) >= count:
                return detail["documents"]  # type: ignore[no-any-return]
            await asyncio.sleep(0.1)
    raise AssertionError(f"the enforcement system's documents did not arrive: {detail}")


async def test_delivered_after_an_outage_and_documents_come_back(
    link: Link, db: AsyncSession, demo: dict[str, int]
) -> None:
    await link.control("outage", {"requests": 2})
    inspection_id = await _completed_inspection(link, db, demo)
    assert await link.deliver() == 1
    first = await link.message(inspection_id)
    assert first.status == "pending" and first.attempts == 1 and "503" in (first.last_error or "")
    # Not due before its back-off (30 s after the first failure) ...
    assert await link.deliver(later=timedelta(seconds=10)) == 0
    # ... then 503 once more, and delivered at the third attempt (back-off 60 s).
    assert await link.deliver(later=timedelta(seconds=25)) == 1
    assert await link.deliver(later=timedelta(seconds=61)) == 1
    delivered = await link.message(inspection_id)
    assert delivered.status == "delivered" and delivered.attempts == 3 and delivered.response is not None
    state = await link.control("state")
    assert len(state["cases"]) == 1 and state["refused"] >= 2
    (received,) = state["inspections"]
    assert received["idempotency_key"] == delivered.idempotency_key and received["times_seen"] == 1
    # The enforcement system draws up the inspection record and the order to rectify, and calls back.
    documents = await _documents(link, inspection_id, 2)
    assert {d["kind"] for d in documents} == {"inspection_record", "rectification_order"}
    assert all(d["source"] == "enforcement_system" and d["file"]["kind"] == "pdf" for d in documents)
    assert documents[0]["number"].startswith("（秦）应急")


async def test_no_duplicate_when_a_delivered_message_is_sent_again(
    link: Link, db: AsyncSession, demo: dict[str, int]
) -> None:
    inspection_id = await _completed_inspection(link, db, demo)
    assert await link.deliver() == 1
    # A worker that crashed after sending but before recording it: the message is still pending.
    async with link.database.sessionmaker() as session, session.begin():
        await session.execute(
            update(OutboxMessage).where(OutboxMessage.inspection_id == inspection_id).values(status="pending")
        )
    assert await link.deliver(later=timedelta(seconds=1)) == 1
    message = await link.message(inspection_id)
    assert message.status == "delivered" and message.response is not None and message.response["duplicate"] is True
    state = await link.control("state")
    assert len(state["cases"]) == 1 and state["inspections"][0]["times_seen"] == 2
    await _documents(link, inspection_id, 2)
    async with link.database.sessionmaker() as session:
        count = len(
            list(
                await session.scalars(
                    select(EnforcementDocument).where(EnforcementDocument.inspection_id == inspection_id)
                )
            )
        )
    assert count == 2


async def test_nothing_is_lost_when_the_worker_is_killed_mid_delivery(
    link: Link, db: AsyncSession, demo: dict[str, int]
) -> None:
    inspection_id = await _completed_inspection(link, db, demo)
    await link.control("slow", {"seconds": 30})
    environment = {
        **os.environ,
        "ANPING_DATABASE_URL": link.settings.database_url,
        "ANPING_ENFORCEMENT_ENDPOINT": link.settings.enforcement_endpoint or "",
        "ANPING_ENFORCEMENT_TOKEN": TOKEN,
        "ANPING_STORAGE_DIR": str(link.settings.storage_dir),
    }
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "backend", "worker", env=environment)
    try:
        # Wait until the worker holds the message (its lease is set) and its request is in flight.
        for _ in range(400):
            message = await link.message(inspection_id)
            if message.lease_token is not None:
                break
            await asyncio.sleep(0.05)
        assert message.lease_token is not None
        await asyncio.sleep(0.5)
        process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.wait(), 10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    await link.control("slow", {"seconds": 0})
    held = await link.message(inspection_id)
    assert held.status == "pending" and held.attempts == 0  # the dead worker recorded nothing
    # Another worker may not take it while the lease runs ...
    assert await link.deliver() == 0
    # ... and delivers it once the lease has expired.
    assert await link.deliver(later=worker.LEASE + timedelta(seconds=1)) == 1
    delivered = await link.message(inspection_id)
    assert delivered.status == "delivered"
    state = await link.control("state")
    assert len(state["cases"]) == 1


async def test_after_the_last_retry_a_message_is_dead_until_resent(
    link: Link, db: AsyncSession, demo: dict[str, int]
) -> None:
    await link.control("outage", {"requests": 4})
    inspection_id = await _completed_inspection(link, db, demo)
    for step in range(4):
        assert await link.deliver(later=timedelta(hours=1) if step else timedelta(0)) == 1
    dead = await link.message(inspection_id)
    assert dead.status == "dead" and dead.attempts == 4
    async with httpx.AsyncClient(base_url=link.anping) as client:
        city = await login(client, "city.admin")
        listed = (await client.get("/api/v1/enforcement/outbox?status=dead", headers=city)).json()
        assert [m["id"] for m in listed["items"]] == [dead.id] and "503" in listed["items"][0]["last_error"]
        detail = (await client.get(f"/api/v1/inspections/{inspection_id}", headers=city)).json()
        assert detail["delivery"] == "dead" and "503" in detail["delivery_error"]
        county = await login(client, "county.haigang")
        assert (await client.get("/api/v1/enforcement/outbox", headers=county)).status_code == 403
        resent = await client.post(f"/api/v1/enforcement/outbox/{dead.id}/resend", headers=city)
        assert resent.status_code == 200 and resent.json()["status"] == "pending"
        again = await client.post(f"/api/v1/enforcement/outbox/{dead.id}/resend", headers=city)
        assert again.status_code == 409
    assert await link.deliver(later=timedelta(seconds=1)) == 1
    assert (await link.message(inspection_id)).status == "delivered"


async def test_a_refused_token_is_dead_at_once(link: Link, db: AsyncSession, demo: dict[str, int]) -> None:
    inspection_id = await _completed_inspection(link, db, demo)
    link.settings = link.settings.model_copy(update={"enforcement_token": "wrong"})
    assert await link.deliver() == 1
    message = await link.message(inspection_id)
    assert message.status == "dead" and message.attempts == 1 and "401" in (message.last_error or "")


# --- callbacks ----------------------------------------------------------------------------------------------------
def _document_callback(reference: str, number: str = "（秦）应急检记〔2024〕77号", **document: Any) -> dict[str, Any]:
    return {
        "event": "document.issued",
        "callback_id": "cb-1",
        "inspection_reference": reference,
        "case_id": "ZF-2024-1",
        "document": {
            "kind": "inspection_record",
            "number": number,
            "issued_on": "2024-10-21",
            "pdf_base64": base64.b64encode(minimal_pdf("Inspection record")).decode(),
            **document,
        },
    }


async def test_callbacks_are_authenticated_idempotent_and_refused_clearly(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    token = await _city_token(db, demo)
    city_org = await db.scalar(select(builders.Organization.id).where(builders.Organization.kind == "city"))
    campaign = await db.scalar(select(Campaign.id).order_by(Campaign.year.desc()))
    assert campaign is not None and city_org is not None
    agency = await db.get_one(builders.Agency, demo[HEAD_A])
    inspection = await builders.inspection(db, campaign, agency, city_org, completed=True)
    evaluator = await builders.evaluator(db, agency)
    evaluator.certificate_number = "S011032000110192001234"
    await db.commit()
    reference = f"anping-inspection-{inspection.id}"
    url = "/api/v1/enforcement/callbacks"
    machine = {"Authorization": f"Bearer {token}", "Idempotency-Key": "cb-1"}
    body = _document_callback(reference)
    first = await client.post(url, json=body, headers=machine)
    assert first.status_code == 200 and first.json() == {"accepted": True, "duplicate": False}
    repeat = await client.post(url, json=body, headers=machine)
    assert repeat.status_code == 200 and repeat.json()["duplicate"] is True
    documents = list(
        await db.scalars(select(EnforcementDocument).where(EnforcementDocument.inspection_id == inspection.id))
    )
    assert len(documents) == 1 and documents[0].source == "enforcement_system"
    other_body = await client.post(url, json=_document_callback(reference, number="另一个"), headers=machine)
    assert other_body.status_code == 409 and other_body.json()["errors"][0]["field"] == "Idempotency-Key"
    # Refused, each with its reason in Chinese.
    fresh = {**machine, "Idempotency-Key": "cb-2"}
    unknown = await client.post(url, json=_document_callback("anping-inspection-999999"), headers=fresh)
    assert unknown.status_code == 404 and "未知的检查编号" in unknown.json()["detail"]
    not_pdf = await client.post(
        url,
        json=_document_callback(reference, number="2号", pdf_base64=base64.b64encode(b"hello").decode()),
        headers=fresh,
    )
    assert not_pdf.status_code == 422 and not_pdf.json()["errors"][0]["field"] == "document.pdf_base64"
    assert "PDF" in not_pdf.json()["detail"]
    malformed = await client.post(url, json={**body, "document": {"kind": "inspection_record"}}, headers=fresh)
    assert malformed.status_code == 422
    assert malformed.headers["content-type"].startswith("application/problem+json")
    assert any(e["field"].startswith("document") for e in malformed.json()["errors"])
    no_key = await client.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert no_key.status_code == 422
    assert (await client.post(url, json=body)).status_code == 401
    person = await login(client, "city.admin")
    assert (await client.post(url, json=body, headers={**person, "Idempotency-Key": "cb-3"})).status_code == 403
    # A penalty decided there arrives here, against the evaluator named by certificate.
    penalty = {
        "event": "penalty.decided",
        "callback_id": "cb-4",
        "inspection_reference": reference,
        "case_id": "ZF-2024-1",
        "penalty": {
            "target_kind": "evaluator",
            "target_name": evaluator.name,
            "certificate_number": "S011032000110192001234",
            "decision_number": "（秦）应急罚〔2024〕5号",
            "decided_on": "2024-11-10",
            "legal_basis": "《安全生产法》第九十二条第一款",
            "measures": ["warning", "fine"],
            "fine_amount": 50000,
            "pdf_base64": base64.b64encode(minimal_pdf("Penalty decision")).decode(),
        },
    }
    decided = await client.post(url, json=penalty, headers={**machine, "Idempotency-Key": "cb-4"})
    assert decided.status_code == 200, decided.text
    recorded = await db.scalar(select(Penalty).where(Penalty.decision_number == "（秦）应急罚〔2024〕5号"))
    assert recorded is not None and recorded.source == "enforcement_system" and recorded.evaluator_id == evaluator.id
    # What was accepted is what the contract describes.
    for callback in (body, penalty):
        assert_request_follows_contract(
            httpx.Request(
                "POST",
                "https://anping.example.gov.cn/api/v1/enforcement/callbacks",
                json=callback,
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": callback["callback_id"]},
            )
        )
