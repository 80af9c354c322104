"""The registry (issue 3): campaigns, agencies, evaluators, enterprises, statutory projects."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.campaigns.service import current_phase, default_deadlines, default_phases
from backend.core import calendar
from backend.models import Agency, AgencyChange, AuditEvent, Campaign, CampaignPhase, Evaluator, Project
from tests import builders
from tests.conftest import login

HEAD_A = "河北安泰安全评价有限公司"


def _campaign(year: int) -> Campaign:
    campaign = Campaign(name="t", year=year)
    campaign.phases = [
        CampaignPhase(code=p.code, name=p.code, starts_on=p.starts_on, ends_on=p.ends_on) for p in default_phases(year)
    ]
    return campaign


def test_the_current_phase_follows_the_date() -> None:
    campaign = _campaign(2024)
    assert current_phase(campaign, date(2024, 9, 1)) == "not_started"
    assert current_phase(campaign, date(2024, 9, 9)) == "mobilisation"
    assert current_phase(campaign, date(2024, 10, 15)) == "self_check"
    assert current_phase(campaign, date(2024, 11, 24)) == "inspection"
    assert current_phase(campaign, date(2024, 11, 25)) == "summary"  # the overlap day belongs to the later phase
    assert current_phase(campaign, date(2024, 12, 1)) == "ended"


def test_the_notice_calendar_is_the_default() -> None:
    deadlines = {d.code: d.due_on for d in default_deadlines(2024)}
    assert deadlines == {
        "liaison_table": date(2024, 9, 9),
        "county_work_plan": date(2024, 9, 15),
        "agency_self_check": date(2024, 10, 15),
        "retrieved_reports": date(2024, 10, 25),
        "county_summary": date(2024, 11, 28),
    }


def test_a_deadline_ends_at_midnight_beijing_time() -> None:
    due = date(2024, 9, 9)
    assert not calendar.is_late(datetime(2024, 9, 9, 23, 59, tzinfo=calendar.BEIJING), due)
    assert calendar.is_late(datetime(2024, 9, 10, 0, 0, tzinfo=calendar.BEIJING), due)
    assert not calendar.is_late(datetime(2024, 9, 9, 15, 59, tzinfo=UTC), due)  # 23:59 in Beijing


async def test_the_city_creates_and_edits_campaigns(client: httpx.AsyncClient) -> None:
    city = await login(client, "city.admin")
    created = await client.post("/api/v1/campaigns", json={"name": "2027年专项整治", "year": 2027}, headers=city)
    assert created.status_code == 201
    body = created.json()
    assert [p["code"] for p in body["phases"]] == ["mobilisation", "self_check", "inspection", "summary"]
    assert body["deadlines"][0] == {
        "code": "liaison_table",
        "name": "报送联络员表（附件5）",
        "due_on": "2027-09-09",
        "days_left": (date(2027, 9, 9) - calendar.today()).days,
    }
    bad = await client.patch(
        f"/api/v1/campaigns/{body['id']}",
        json={"phases": [{"code": "self_check", "starts_on": "2027-10-15", "ends_on": "2027-09-16"}]},
        headers=city,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["message"] == "阶段结束日期不能早于开始日期"
    moved = await client.patch(
        f"/api/v1/campaigns/{body['id']}",
        json={"deadlines": [{"code": "liaison_table", "due_on": "2027-09-12"}]},
        headers=city,
    )
    assert moved.status_code == 200 and [d["due_on"] for d in moved.json()["deadlines"]] == ["2027-09-12"]
    listed = (await client.get("/api/v1/campaigns", headers=await login(client, "expert.1"))).json()
    assert listed["total"] == 3


async def test_agency_credit_code_is_checked(client: httpx.AsyncClient, demo: dict[str, int]) -> None:
    city = await login(client, "city.admin")
    payload = {"name": "新机构有限公司", "credit_code": "91350100M000100Y44", "county_id": demo["海港区应急管理局"]}
    response = await client.post("/api/v1/agencies", json=payload, headers=city)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "credit_code", "message": "统一社会信用代码校验位不正确，请核对"}]
    payload["credit_code"] = "91350100M000100Y43"
    assert (await client.post("/api/v1/agencies", json=payload, headers=city)).status_code == 201
    again = await client.post("/api/v1/agencies", json=payload | {"name": "另一家"}, headers=city)
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "credit_code"


async def test_a_branch_is_registered_under_its_head_office(client: httpx.AsyncClient, demo: dict[str, int]) -> None:
    city = await login(client, "city.admin")
    payload = {
        "name": "河北安泰安全评价有限公司抚宁分公司",
        "credit_code": builders.credit_code(),
        "county_id": demo["抚宁区应急管理局"],
        "parent_id": demo[HEAD_A],
        "business_scopes": ["chemicals"],
    }
    branch = (await client.post("/api/v1/agencies", json=payload, headers=city)).json()
    assert branch["parent_name"] == HEAD_A and branch["county_name"] == "抚宁区应急管理局"
    head = (await client.get(f"/api/v1/agencies/{demo[HEAD_A]}", headers=city)).json()
    assert "河北安泰安全评价有限公司抚宁分公司" in {b["name"] for b in head["branches"]}
    # The head office's admin now sees the new branch too.
    agency_admin = await login(client, "agency.a.admin")
    assert (await client.get(f"/api/v1/agencies/{branch['id']}", headers=agency_admin)).status_code == 200
    bad_scope = await client.post(
        "/api/v1/agencies",
        json=payload | {"credit_code": builders.credit_code(), "name": "x公司", "business_scopes": ["space"]},
        headers=city,
    )
    assert bad_scope.status_code == 422 and bad_scope.json()["errors"][0]["field"] == "business_scopes"


async def test_registry_changes_are_kept_with_their_registration(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    admin = await login(client, "agency.a.admin")
    agency_id = demo[HEAD_A]
    response = await client.patch(
        f"/api/v1/agencies/{agency_id}",
        json={"legal_representative": "陈新", "contact_phone": "0335-8888888", "change_effective_on": "2026-10-01"},
        headers=admin,
    )
    assert response.status_code == 200
    detail = response.json()
    assert detail["legal_representative"] == "陈新"
    [change] = [c for c in detail["changes"] if c["field"] == "legal_representative"]
    assert change["new_value"] == "陈新" and change["effective_on"] == "2026-10-01" and change["registered_on"] is None
    assert detail["unregistered_changes"] >= 1
    marked = await client.patch(
        f"/api/v1/agencies/{agency_id}/changes/{change['id']}", json={"registered_on": "2026-10-20"}, headers=admin
    )
    assert marked.status_code == 200 and marked.json()["registered_on"] == "2026-10-20"
    early = await client.patch(
        f"/api/v1/agencies/{agency_id}/changes/{change['id']}", json={"registered_on": "2026-09-01"}, headers=admin
    )
    assert early.status_code == 422
    # The agency cannot move its own office to another county; the organisation's name follows renames.
    moved = await client.patch(
        f"/api/v1/agencies/{agency_id}", json={"county_id": demo["昌黎县应急管理局"]}, headers=admin
    )
    assert moved.status_code == 403
    city = await login(client, "city.admin")
    renamed = await client.patch(
        f"/api/v1/agencies/{agency_id}", json={"name": "河北安泰安全技术有限公司"}, headers=city
    )
    assert renamed.json()["name"] == "河北安泰安全技术有限公司"
    organization = (await client.get(f"/api/v1/organizations/{agency_id}", headers=city)).json()
    assert organization["name"] == "河北安泰安全技术有限公司"
    fields = set(await db.scalars(select(AgencyChange.field).where(AgencyChange.agency_id == agency_id)))
    assert {"legal_representative", "name"} <= fields


async def test_id_numbers_are_checked_masked_and_kept_out_of_the_trail(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    admin = await login(client, "agency.a.admin")
    bad = await client.post(
        "/api/v1/evaluators", json={"name": "张三", "id_number": "110105194912310021"}, headers=admin
    )
    assert bad.status_code == 422 and bad.json()["errors"][0] == {
        "field": "id_number",
        "message": "身份证号校验位不正确，请核对",
    }
    created = await client.post(
        "/api/v1/evaluators",
        json={
            "name": "张三",
            "id_number": "11010519491231002x",
            "certificate_kind": "safety_evaluator_2",
            "contract_kind": "labour",
        },
        headers=admin,
    )
    assert created.status_code == 201
    evaluator = created.json()
    assert evaluator["id_number"] == "110105********002X" and evaluator["agency_id"] == demo[HEAD_A]
    city = await login(client, "city.admin")
    assert (await client.get(f"/api/v1/evaluators/{evaluator['id']}", headers=city)).json()[
        "id_number"
    ] == "11010519491231002X"
    county = await login(client, "county.haigang")
    assert (await client.get(f"/api/v1/evaluators/{evaluator['id']}", headers=county)).json()["id_number"].count(
        "*"
    ) == 8
    duplicate = await client.post(
        "/api/v1/evaluators", json={"name": "张三", "id_number": "11010519491231002X"}, headers=admin
    )
    assert duplicate.status_code == 409
    trail = await db.scalar(
        select(AuditEvent).where(AuditEvent.entity_type == "evaluators", AuditEvent.entity_id == str(evaluator["id"]))
    )
    assert trail is not None and trail.changes["id_number"]["after"] == "***"
    assert "11010519491231002X" not in str(trail.changes)


async def test_verification_records_who_checked_what_when(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    county = await login(client, "county.haigang")
    evaluator = await db.scalar(select(Evaluator).where(Evaluator.agency_id == demo[HEAD_A]))
    assert evaluator is not None
    response = await client.post(
        f"/api/v1/evaluators/{evaluator.id}/verifications",
        json={"platform": "mohrss", "result": "inconsistent", "note": "证书编号与姓名不符"},
        headers=county,
    )
    assert response.status_code == 201
    record = response.json()
    assert record["checked_by_name"] == "李海港" and record["result"] == "inconsistent"
    detail = (await client.get(f"/api/v1/evaluators/{evaluator.id}", headers=county)).json()
    assert detail["verifications"][0]["note"] == "证书编号与姓名不符"
    unknown = await client.post(
        f"/api/v1/evaluators/{evaluator.id}/verifications",
        json={"platform": "baidu", "result": "consistent"},
        headers=county,
    )
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "platform"


async def test_counties_register_enterprises_in_their_own_jurisdiction(
    client: httpx.AsyncClient, demo: dict[str, int]
) -> None:
    county = await login(client, "county.haigang")
    code = builders.credit_code()
    created = await client.post(
        "/api/v1/enterprises",
        json={
            "name": "秦皇岛测试化工有限公司",
            "credit_code": code,
            "activities": ["production", "storage"],
            "has_major_hazard": True,
        },
        headers=county,
    )
    assert created.status_code == 201 and created.json()["county_id"] == demo["海港区应急管理局"]
    elsewhere = await client.post(
        "/api/v1/enterprises",
        json={"name": "别处化工有限公司", "credit_code": builders.credit_code(), "county_id": demo["昌黎县应急管理局"]},
        headers=county,
    )
    assert elsewhere.status_code == 403
    city = await login(client, "city.admin")
    missing_county = await client.post(
        "/api/v1/enterprises",
        json={"name": "市级登记化工有限公司", "credit_code": builders.credit_code()},
        headers=city,
    )
    assert missing_county.status_code == 422 and missing_county.json()["errors"][0]["field"] == "county_id"
    changli = await login(client, "county.changli")
    assert (await client.get(f"/api/v1/enterprises/{created.json()['id']}", headers=changli)).status_code == 404


async def test_projects_default_their_validity_and_keep_their_team(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    county = await login(client, "county.haigang")
    enterprise = await builders.enterprise(db, demo["海港区应急管理局"])
    team = [e for e in await db.scalars(select(Evaluator).where(Evaluator.agency_id == demo[HEAD_A]).limit(2))]
    await db.commit()
    payload = {
        "enterprise_id": enterprise.id,
        "agency_id": demo[HEAD_A],
        "kind": "status",
        "name": "安全现状评价",
        "report_number": "AT-2025-001",
        "issued_on": "2025-03-10",
        "members": [
            {"evaluator_id": team[0].id, "role": "leader"},
            {"evaluator_id": team[1].id, "role": "member"},
            {"name": "外聘专家", "role": "member"},
        ],
        "site_visits": [
            {"visited_on": "2025-02-20", "evaluator_id": team[0].id},
            {"visited_on": "2025-02-20", "name": "外聘专家"},
        ],
    }
    response = await client.post("/api/v1/projects", json=payload, headers=county)
    assert response.status_code == 201, response.text
    project = response.json()
    assert (
        project["valid_until"] == "2028-03-10" and project["is_valid"] is True and project["listed_by_county"] is True
    )
    assert project["leader_name"] == team[0].name and project["county_id"] == demo["海港区应急管理局"]
    assert [m["name"] for m in project["members"]] == [team[0].name, team[1].name, "外聘专家"]
    assert [v["name"] for v in project["site_visits"]] == [team[0].name, "外聘专家"]
    duplicate = await client.post("/api/v1/projects", json=payload, headers=county)
    assert duplicate.status_code == 409 and duplicate.json()["errors"][0]["field"] == "report_number"
    outsider = await builders.evaluator(db, await db.get_one(Agency, demo["秦皇岛衡安安全技术咨询有限公司"]))
    await db.commit()
    wrong_team = payload | {
        "report_number": "AT-2025-002",
        "members": [{"evaluator_id": outsider.id, "role": "leader"}],
    }
    rejected = await client.post("/api/v1/projects", json=wrong_team, headers=county)
    assert rejected.status_code == 422 and rejected.json()["errors"][0]["field"] == "members"
    late_visit = payload | {"report_number": "AT-2025-003", "site_visits": [{"visited_on": "2025-04-01", "name": "甲"}]}
    assert (await client.post("/api/v1/projects", json=late_visit, headers=county)).status_code == 422
    agency_view = await client.get(f"/api/v1/projects/{project['id']}", headers=await login(client, "agency.a.admin"))
    assert agency_view.status_code == 200
    other_agency = await client.get(f"/api/v1/projects/{project['id']}", headers=await login(client, "agency.b.admin"))
    assert other_agency.status_code == 404


async def test_project_lists_filter_by_validity_and_scope(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    haigang = demo["海港区应急管理局"]
    agency = await db.get_one(Agency, demo[HEAD_A])
    enterprise = await builders.enterprise(db, haigang)
    expired = await builders.project(db, enterprise, agency, issued_on=date.today() - timedelta(days=4 * 365))
    current = await builders.project(db, enterprise, agency)
    await db.commit()
    county = await login(client, "county.haigang")
    listed = (await client.get(f"/api/v1/projects?enterprise_id={enterprise.id}&valid=true", headers=county)).json()
    assert [p["id"] for p in listed["items"]] == [current.id]
    listed = (await client.get(f"/api/v1/projects?enterprise_id={enterprise.id}&valid=false", headers=county)).json()
    assert [p["id"] for p in listed["items"]] == [expired.id]
    everything = (await client.get("/api/v1/projects?page_size=200", headers=county)).json()
    assert everything["total"] > 0 and {p["county_id"] for p in everything["items"]} == {haigang}
    branch = (await client.get("/api/v1/projects?page_size=200", headers=await login(client, "agency.a.branch"))).json()
    assert {p["agency_id"] for p in branch["items"]} == {demo["河北安泰安全评价有限公司昌黎分公司"]}
    head = (await client.get("/api/v1/projects?page_size=200", headers=await login(client, "agency.a.admin"))).json()
    assert {p["agency_id"] for p in head["items"]} == {demo[HEAD_A], demo["河北安泰安全评价有限公司昌黎分公司"]}


async def test_deleting_a_project_removes_its_team(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    agency = await db.get_one(Agency, demo[HEAD_A])
    project = await builders.project(db, await builders.enterprise(db, demo["海港区应急管理局"]), agency)
    project_id = project.id
    await db.commit()
    county = await login(client, "county.haigang")
    assert (await client.delete(f"/api/v1/projects/{project_id}", headers=county)).status_code == 204
    assert (await client.get(f"/api/v1/projects/{project_id}", headers=county)).status_code == 404


async def test_a_project_with_findings_cannot_be_deleted(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    agency = await db.get_one(Agency, demo[HEAD_A])
    project = await builders.project(db, await builders.enterprise(db, demo["海港区应急管理局"]), agency)
    await builders.finding(db, project)
    await db.commit()
    response = await client.delete(f"/api/v1/projects/{project.id}", headers=await login(client, "county.haigang"))
    assert response.status_code == 409 and "问题记录" in response.json()["detail"]
    assert await db.get(Project, project.id) is not None


async def test_counties_pick_any_agency_from_the_directory(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    stranger = await builders.agency(db, None, name="北京远方安全评价有限公司")
    await db.commit()
    county = await login(client, "county.changli")
    scoped = {a["id"] for a in (await client.get("/api/v1/agencies?page_size=200", headers=county)).json()["items"]}
    assert stranger.id not in scoped
    assert (await client.get(f"/api/v1/agencies/{stranger.id}", headers=county)).status_code == 404
    directory = (await client.get("/api/v1/agencies/directory?q=远方", headers=county)).json()
    assert [a["id"] for a in directory["items"]] == [stranger.id]
    assert set(directory["items"][0]) == {"id", "name", "credit_code", "parent_name", "county_name"}
    city = await login(client, "city.admin")
    outside = await client.post(
        "/api/v1/agencies", json={"name": "北京某安全评价有限公司", "credit_code": builders.credit_code()}, headers=city
    )
    assert outside.status_code == 201 and outside.json()["county_id"] is None
