"""Inspections (issue 7, first part): the random selection, a county's duty, the inspection record and its
findings, manual enforcement documents, the outbox message when the adapter is on, county checks, penalties."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.inspections import selection
from backend.models import Agency, AuditEvent, Campaign, Finding, InspectionDraw, OutboxMessage
from tests import builders
from tests.conftest import login
from tests.support.contract import assert_request_follows_contract

HEAD_A = "河北安泰安全评价有限公司"
BRANCH_A = "河北安泰安全评价有限公司昌黎分公司"
HAIGANG = "海港区应急管理局"


async def _campaign(db: AsyncSession) -> int:
    campaign = await db.scalar(select(Campaign.id).order_by(Campaign.year.desc()))
    assert campaign is not None
    return campaign


async def _inspectors(client: httpx.AsyncClient, headers: dict[str, str], count: int = 2) -> list[int]:
    ids = []
    for _ in range(count):
        number = f"IN{next(builders._counter):08d}"
        created = await client.post(
            "/api/v1/inspectors", json={"name": f"执法员{number[-3:]}", "certificate_number": number}, headers=headers
        )
        assert created.status_code == 201, created.text
        ids.append(created.json()["id"])
    return ids


def _complete_record(inspector_ids: list[int], problems: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    problems = problems or []
    flagged = {p["code"] for p in problems}
    return {
        "inspector_ids": inspector_ids,
        "started_at": "2024-10-20T01:00:00Z",
        "ended_at": "2024-10-20T03:30:00Z",
        "place": "海港区河北大街 100 号 机构办公场所",
        "on_site_person": "赵安泰（总经理）",
        "checklist": [
            {"code": code, "result": "non_compliant" if code in flagged else "compliant"}
            for code in ("Q1", "Q2", "Q3", "Q4", "Q5")
        ],
        "problems": problems,
        "summary": "现场检查了资质条件、人员和过程控制档案。",
    }


# --- the random selection -------------------------------------------------------------------------------------
def test_weighted_selection_is_reproducible_and_favours_risk() -> None:
    weights = {1: 1.0, 2: 4.0, 3: 1.0, 4: 1.0}
    assert selection.draw_targets("s", weights, 2) == selection.draw_targets("s", dict(reversed(weights.items())), 2)
    drawn = [selection.draw_targets(f"seed-{n}", weights, 1)[0] for n in range(2000)]
    share = drawn.count(2) / len(drawn)
    assert 0.5 < share < 0.65  # 4 / 7 ≈ 0.57
    inspectors = selection.draw_inspectors("s", [1, 2, 3], [10, 11, 12, 13], 2)
    assert all(len(chosen) == 2 for chosen in inspectors.values())
    assert inspectors == selection.draw_inspectors("s", [3, 2, 1], [13, 12, 11, 10], 2)


async def test_draw_records_seed_inputs_and_creates_inspections(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    city = await login(client, "city.admin")
    await _inspectors(client, city, 4)
    campaign = await _campaign(db)
    # The credit grading is the city's to record, not the agency's.
    own = await client.patch(
        f"/api/v1/agencies/{demo[BRANCH_A]}",
        json={"credit_level": "blue"},
        headers=await login(client, "agency.a.branch"),
    )
    assert own.status_code == 403 and own.json()["errors"][0]["field"] == "credit_level"
    graded = await client.patch(f"/api/v1/agencies/{demo[BRANCH_A]}", json={"credit_level": "red"}, headers=city)
    assert graded.status_code == 200 and graded.json()["credit_level"] == "red"
    body = {
        "campaign_id": campaign,
        "target_count": 2,
        "inspectors_per_target": 2,
        "seed": "qhd-2024-1016",
        "exclude_inspected_since": "2099-01-01",  # nobody left out: the demo has inspected some already
    }
    drawn = await client.post("/api/v1/inspection-draws", json=body, headers=city)
    assert drawn.status_code == 201, drawn.text
    result = drawn.json()
    assert result["seed"] == "qhd-2024-1016" and result["reproducible"] is True
    weights = {c["agency_id"]: c["weight"] for c in result["candidates"]}
    red = next(c for c in result["candidates"] if c["agency_id"] == demo[BRANCH_A])
    assert red["weight"] >= 4.0 and "信用等级红" in red["reason"]
    assert sorted(int(k) for k in result["result"]) == selection.draw_targets("qhd-2024-1016", weights, 2)
    assert len(result["inspection_ids"]) == 2
    inspection = (await client.get(f"/api/v1/inspections/{result['inspection_ids'][0]}", headers=city)).json()
    assert inspection["kind"] == "random" and len(inspection["inspectors"]) == 2 and inspection["status"] == "draft"
    audited = await db.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "inspection_draws.create", AuditEvent.entity_id == str(result["id"])
        )
    )
    assert audited is not None and audited.changes["seed"]["after"] == "qhd-2024-1016"
    # Those just drawn (inspected since the campaign began) sit out the next draw.
    again = (
        await client.post(
            "/api/v1/inspection-draws",
            json={**body, "seed": "x", "target_count": 1, "exclude_inspected_since": None},
            headers=city,
        )
    ).json()
    assert {c["agency_id"] for c in again["excluded"]} >= {int(k) for k in result["result"]}
    # A record altered afterwards no longer replays.
    record = await db.get_one(InspectionDraw, result["id"])
    # Someone swaps a drawn agency for one never drawn.
    record.result = {"999999": next(iter(record.result.values())), **dict(list(record.result.items())[1:])}
    await db.commit()
    tampered = (await client.get(f"/api/v1/inspection-draws/{result['id']}", headers=city)).json()
    assert tampered["reproducible"] is False


# --- inspections ---------------------------------------------------------------------------------------------------
async def test_county_inspection_lifecycle_findings_and_duty(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    county = await login(client, "county.haigang")
    campaign = await _campaign(db)
    inspectors = await _inspectors(client, county)
    # Only offices in its own area.
    elsewhere = await client.post(
        "/api/v1/inspections", json={"campaign_id": campaign, "agency_id": demo[BRANCH_A]}, headers=county
    )
    assert elsewhere.status_code == 422 and "办公地在本辖区" in elsewhere.json()["detail"]
    # The duty: a new office in its area, not inspected yet, until the county completes an inspection of it.
    office = await builders.agency(db, demo[HAIGANG])
    await db.commit()
    duty = (await client.get(f"/api/v1/inspections/duty?campaign_id={campaign}", headers=county)).json()
    assert [d["county_name"] for d in duty] == [HAIGANG]
    before = next(o for o in duty[0]["offices"] if o["agency_id"] == office.id)
    assert before["inspected"] is False and duty[0]["done"] is False
    visit = await client.post(
        "/api/v1/inspections",
        json={"campaign_id": campaign, "agency_id": office.id, **_complete_record(inspectors)},
        headers=county,
    )
    assert (await client.post(f"/api/v1/inspections/{visit.json()['id']}/complete", headers=county)).status_code == 200
    duty = (await client.get(f"/api/v1/inspections/duty?campaign_id={campaign}", headers=county)).json()
    after = next(o for o in duty[0]["offices"] if o["agency_id"] == office.id)
    assert after["inspected"] is True and after["last_inspected_on"] is not None
    created = await client.post(
        "/api/v1/inspections", json={"campaign_id": campaign, "agency_id": demo[HEAD_A]}, headers=county
    )
    assert created.status_code == 201
    inspection_id = created.json()["id"]
    project = await builders.project(
        db, await builders.enterprise(db, demo[HAIGANG]), await db.get_one(Agency, demo[HEAD_A])
    )
    await db.commit()
    problems = [
        {"code": "Q2", "description": "2 名专职评价师劳动合同已到期", "measure": "补签合同", "deadline": "2024-12-31"},
        {"code": "R4", "sub_code": "PC04", "description": "抽查档案现场照片无时间地点", "project_id": project.id},
    ]
    record = _complete_record(inspectors, problems)
    record["spot_checks"] = [{"project_id": project.id, "archive_complete": False, "missing": ["现场影像资料"]}]
    # The agency does not see the inspectors' working draft.
    agency = await login(client, "agency.a.admin")
    assert (await client.get(f"/api/v1/inspections/{inspection_id}", headers=agency)).status_code == 404
    incomplete = await client.post(f"/api/v1/inspections/{inspection_id}/complete", headers=county)
    assert incomplete.status_code == 422
    fields = {e["field"] for e in incomplete.json()["errors"]}
    assert {"inspector_ids", "started_at", "place", "checklist.Q1"} <= fields
    saved = await client.put(f"/api/v1/inspections/{inspection_id}", json=record, headers=county)
    assert saved.status_code == 200, saved.text
    # A photo taken on site.
    photo = await builders.stored_file(db, demo[HAIGANG], name="现场照片.jpg")
    await db.commit()
    attached = await client.post(
        f"/api/v1/inspections/{inspection_id}/files", json={"file_id": photo.id, "kind": "photo"}, headers=county
    )
    assert attached.status_code == 200 and attached.json()["files"][0]["kind"] == "photo"
    done = await client.post(f"/api/v1/inspections/{inspection_id}/complete", headers=county)
    assert done.status_code == 200, done.text
    detail = done.json()
    assert detail["status"] == "completed" and len(detail["finding_ids"]) == 2
    assert detail["delivery"] == "not_configured"  # manual mode: no enforcement endpoint set
    findings = {f.code: f for f in await db.scalars(select(Finding).where(Finding.id.in_(detail["finding_ids"])))}
    assert findings["R4"].project_id == project.id and findings["R4"].source == "inspection"
    assert findings["Q2"].target_kind == "agency" and findings["Q2"].source_organization_id == demo[HAIGANG]
    # Completed: immutable; the agency sees it now; the duty is met for that office.
    assert (await client.put(f"/api/v1/inspections/{inspection_id}", json={}, headers=county)).status_code == 409
    seen = await client.get(f"/api/v1/inspections/{inspection_id}", headers=agency)
    assert seen.status_code == 200 and seen.json()["files"][0]["file"]["id"] == photo.id
    duty = (await client.get(f"/api/v1/inspections/duty?campaign_id={campaign}", headers=county)).json()
    assert next(o for o in duty[0]["offices"] if o["agency_id"] == demo[HEAD_A])["inspected"] is True
    # Manual mode: the document numbers come back by hand.
    document = {"kind": "inspection_record", "number": "（秦海）应急检记〔2024〕8号", "issued_on": "2024-10-20"}
    recorded = await client.post(f"/api/v1/inspections/{inspection_id}/documents", json=document, headers=county)
    assert recorded.status_code == 200 and recorded.json()["documents"][0]["source"] == "manual"
    twice = await client.post(f"/api/v1/inspections/{inspection_id}/documents", json=document, headers=county)
    assert twice.status_code == 409 and twice.json()["errors"][0]["field"] == "number"
    # Another county neither sees nor touches it.
    other = await login(client, "county.changli")
    assert (await client.get(f"/api/v1/inspections/{inspection_id}", headers=other)).status_code == 404


async def test_completing_with_the_adapter_on_queues_a_contract_message(
    db: AsyncSession, demo: dict[str, int], settings: Any
) -> None:
    configured = settings.model_copy(
        update={"enforcement_endpoint": "https://zhifa.example.gov.cn", "enforcement_token": "secret"}
    )
    app = create_app(configured)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        city = await login(client, "city.admin")
        inspectors = await _inspectors(client, city)
        created = await client.post(
            "/api/v1/inspections",
            json={
                "campaign_id": await _campaign(db),
                "agency_id": demo[BRANCH_A],
                **_complete_record(inspectors, [{"code": "Q5", "description": "分支机构专职评价师不足"}]),
            },
            headers=city,
        )
        assert created.status_code == 201, created.text
        done = await client.post(f"/api/v1/inspections/{created.json()['id']}/complete", headers=city)
        assert done.status_code == 200 and done.json()["delivery"] == "pending"
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.inspection_id == created.json()["id"]))
    assert message is not None and message.status == "pending" and message.attempts == 0
    # The message is what the contract says the enforcement system accepts.
    request = httpx.Request(
        "POST",
        "https://zhifa.example.gov.cn/inspections",
        headers={"Authorization": "Bearer secret", "Idempotency-Key": message.idempotency_key},
        content=json.dumps(message.payload, ensure_ascii=False).encode(),
        extensions={},
    )
    request.headers["content-type"] = "application/json"
    assert_request_follows_contract(request)
    assert message.payload["inspection"]["findings"][0]["code"] == "Q5"
    assert message.payload["inspection"]["inspected_unit"]["parent_name"] == HEAD_A


# --- county checks and penalties --------------------------------------------------------------------------------------
async def test_county_check_of_a_report_raises_findings(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    county = await login(client, "county.haigang")
    project = await builders.project(
        db, await builders.enterprise(db, demo[HAIGANG]), await db.get_one(Agency, demo[BRANCH_A])
    )
    foreign = await builders.project(
        db, await builders.enterprise(db, demo["昌黎县应急管理局"]), await db.get_one(Agency, demo[HEAD_A])
    )
    await db.commit()
    campaign = await _campaign(db)
    refused = await client.post(
        "/api/v1/county-checks", json={"campaign_id": campaign, "project_id": foreign.id}, headers=county
    )
    assert refused.status_code == 404  # not even visible: another county's enterprise
    created = await client.post(
        "/api/v1/county-checks",
        json={"campaign_id": campaign, "project_id": project.id, "legality_ok": True, "completeness_ok": False},
        headers=county,
    )
    assert created.status_code == 201, created.text
    check_id = created.json()["id"]
    incomplete = await client.post(f"/api/v1/county-checks/{check_id}/complete", headers=county)
    assert {e["field"] for e in incomplete.json()["errors"]} == {"truthfulness_ok", "problems"}
    problem = {"code": "R1", "sub_code": "SS02", "description": "报告遗漏储罐区改扩建内容"}
    await client.put(
        f"/api/v1/county-checks/{check_id}", json={"truthfulness_ok": True, "problems": [problem]}, headers=county
    )
    done = await client.post(f"/api/v1/county-checks/{check_id}/complete", headers=county)
    assert done.status_code == 200 and len(done.json()["finding_ids"]) == 1
    finding = await db.get_one(Finding, done.json()["finding_ids"][0])
    assert (finding.source, finding.code, finding.agency_id) == ("county_check", "R1", demo[BRANCH_A])
    # The branch sees the completed check of its report.
    branch = await login(client, "agency.a.branch")
    assert (await client.get(f"/api/v1/county-checks/{check_id}", headers=branch)).status_code == 200


async def test_penalties_are_recorded_with_their_basis_and_scan(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    county = await login(client, "county.haigang")
    evaluator = await builders.evaluator(db, await db.get_one(Agency, demo[HEAD_A]))
    scan = await builders.stored_file(db, demo[HAIGANG], name="处罚决定书（盖章）.pdf")
    await db.commit()
    body = {
        "target_kind": "evaluator",
        "agency_id": demo[HEAD_A],
        "evaluator_id": evaluator.id,
        "decision_number": "（秦海）应急罚〔2024〕3号",
        "decided_on": "2024-11-20",
        "legal_basis": "《安全生产法》第九十二条第一款",
        "measures": ["fine"],
        "file_id": scan.id,
    }
    no_amount = await client.post("/api/v1/penalties", json=body, headers=county)
    assert no_amount.status_code == 422 and no_amount.json()["errors"][0]["field"] == "fine_amount"
    created = await client.post("/api/v1/penalties", json={**body, "fine_amount": "50000"}, headers=county)
    assert created.status_code == 201, created.text
    penalty = created.json()
    assert penalty["evaluator_name"] == evaluator.name and penalty["decided_by_organization_name"] == HAIGANG
    assert penalty["file"]["name"] == "处罚决定书（盖章）.pdf" and penalty["fine_amount"] == "50000.00"
    duplicate = await client.post("/api/v1/penalties", json={**body, "fine_amount": "1"}, headers=county)
    assert duplicate.status_code == 409
    stranger = await builders.evaluator(db, await db.get_one(Agency, demo["秦皇岛衡安安全技术咨询有限公司"]))
    await db.commit()
    wrong_person = await client.post(
        "/api/v1/penalties",
        json={**body, "decision_number": "（秦海）应急罚〔2024〕4号", "fine_amount": "1", "evaluator_id": stranger.id},
        headers=county,
    )
    assert wrong_person.status_code == 422 and wrong_person.json()["errors"][0]["field"] == "evaluator_id"
    # The agency reads its penalty and the stamped scan; another county does not see it; the city cannot edit it.
    agency = await login(client, "agency.a.admin")
    assert (await client.get(f"/api/v1/penalties/{penalty['id']}", headers=agency)).status_code == 200
    assert (await client.get(f"/api/v1/files/{scan.id}/content", headers=agency)).status_code == 200
    changli = await login(client, "county.changli")
    assert (await client.get(f"/api/v1/penalties/{penalty['id']}", headers=changli)).status_code == 404
    city = await login(client, "city.admin")
    edit = await client.put(f"/api/v1/penalties/{penalty['id']}", json={**body, "fine_amount": "1"}, headers=city)
    assert edit.status_code == 409
    listed = await client.get("/api/v1/penalties?target_kind=evaluator", headers=city)
    assert penalty["id"] in {p["id"] for p in listed.json()["items"]}
