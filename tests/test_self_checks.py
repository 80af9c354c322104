"""Self-checks (附件2, 附件3), findings and their lifecycle, oversight and reminders (issue 4)."""

from __future__ import annotations

import io
from datetime import date, timedelta

import httpx
import pytest
from fastapi import FastAPI
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.findings import policies as finding_policies
from backend.models import Agency, Campaign, CampaignDeadline, Finding, Notification, SelfCheck
from backend.self_checks import policies as self_check_policies
from tests import builders
from tests.conftest import login
from tests.support.statements import Statements

HEAD_A, BRANCH_A = "河北安泰安全评价有限公司", "河北安泰安全评价有限公司昌黎分公司"


async def _campaigns(db: AsyncSession) -> tuple[int, int]:
    """(current campaign, the 2024 one, which has no self-checks in the demo data)."""
    ids = list(await db.scalars(select(Campaign.id).order_by(Campaign.year.desc())))
    return ids[0], ids[-1]


def _complete_items(bad: str | None = None) -> list[dict[str, object]]:
    items = []
    for code in ("Q1", "Q2", "Q3", "Q4", "Q5"):
        item: dict[str, object] = {"code": code, "compliant": code != bad, "situation": "已核查"}
        if code == bad:
            item |= {
                "problem": "技术负责人变更未备案",
                "measure": "提交变更申请",
                "deadline": "2030-01-31",
                "responsible": "办公室",
            }
        items.append(item)
    return items


async def test_the_qualification_self_check_lifecycle(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    _, campaign = await _campaigns(db)
    deadline = await db.scalar(
        select(CampaignDeadline).where(
            CampaignDeadline.campaign_id == campaign, CampaignDeadline.code == "agency_self_check"
        )
    )
    assert deadline is not None
    deadline.due_on = date.today() + timedelta(days=7)
    await db.commit()
    agency = await login(client, "agency.a.admin")
    created = await client.post(
        "/api/v1/self-checks", json={"campaign_id": campaign, "kind": "qualification"}, headers=agency
    )
    assert created.status_code == 201
    check = created.json()
    assert check["status"] == "draft" and [i["code"] for i in check["items"]] == ["Q1", "Q2", "Q3", "Q4", "Q5"]
    assert check["items"][0]["title"] == "资质条件" and "800万元" in check["items"][0]["criterion"]
    url = f"/api/v1/self-checks/{check['id']}"
    again = await client.post(
        "/api/v1/self-checks", json={"campaign_id": campaign, "kind": "qualification"}, headers=agency
    )
    assert again.status_code == 409

    # A half-filled draft is saved as it is, and says when.
    partial = await client.put(
        url, json={"items": _complete_items("Q4")[:2], "header": {"phone": "0335-1"}}, headers=agency
    )
    assert partial.status_code == 200 and partial.json()["draft_saved_at"] is not None
    refused = await client.post(f"{url}/transitions", json={"action": "submit", "declaration": True}, headers=agency)
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"items.Q3", "items.Q4", "items.Q5"}

    await client.put(url, json={"items": _complete_items("Q4")}, headers=agency)
    undeclared = await client.post(f"{url}/transitions", json={"action": "submit"}, headers=agency)
    assert undeclared.status_code == 422 and undeclared.json()["errors"][0]["field"] == "declaration"
    submitted = await client.post(f"{url}/transitions", json={"action": "submit", "declaration": True}, headers=agency)
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["declared_by_name"] == "赵安泰" and submitted.json()["is_late"] is False

    # Submitted: frozen for the agency, until the city returns it.
    locked = await client.put(url, json={"header": {"phone": "x"}}, headers=agency)
    assert locked.status_code == 409 and "不能修改" in locked.json()["detail"]
    city = await login(client, "city.admin")
    no_reason = await client.post(f"{url}/transitions", json={"action": "return"}, headers=city)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    returned = await client.post(f"{url}/transitions", json={"action": "return", "reason": "Q2 情况过简"}, headers=city)
    assert returned.json()["status"] == "returned" and returned.json()["returned_reason"] == "Q2 情况过简"
    assert (await client.put(url, json={"header": {"phone": "0335-2"}}, headers=agency)).status_code == 200
    wrong_verb = await client.post(f"{url}/transitions", json={"action": "submit", "declaration": True}, headers=agency)
    assert wrong_verb.status_code == 409
    resubmitted = await client.post(
        f"{url}/transitions", json={"action": "resubmit", "declaration": True}, headers=agency
    )
    assert resubmitted.json()["status"] == "resubmitted"
    not_yours = await client.post(f"{url}/transitions", json={"action": "accept"}, headers=agency)
    assert not_yours.status_code == 403
    accepted = await client.post(f"{url}/transitions", json={"action": "accept"}, headers=city)
    assert accepted.json()["status"] == "accepted"

    # The non-compliant item became exactly one open Q4 finding, even after two submissions.
    findings = list(
        await db.scalars(select(Finding).where(Finding.source == "self_check", Finding.source_id == check["id"]))
    )
    assert [(f.code, f.status, f.target_kind) for f in findings] == [("Q4", "open", "agency")]


async def test_a_late_submission_is_marked_late(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    _, campaign = await _campaigns(db)  # the 2024 campaign: its deadline (2024-10-15) has passed
    agency = await login(client, "agency.b.admin")
    check = (
        await client.post(
            "/api/v1/self-checks", json={"campaign_id": campaign, "kind": "qualification"}, headers=agency
        )
    ).json()
    await client.put(f"/api/v1/self-checks/{check['id']}", json={"items": _complete_items()}, headers=agency)
    submitted = await client.post(
        f"/api/v1/self-checks/{check['id']}/transitions", json={"action": "submit", "declaration": True}, headers=agency
    )
    assert submitted.json()["is_late"] is True and submitted.json()["due_on"] == "2024-10-15"


async def test_only_the_agency_admin_signs(client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]) -> None:
    _, campaign = await _campaigns(db)
    admin = await login(client, "agency.b.admin")
    check = (
        await client.post("/api/v1/self-checks", json={"campaign_id": campaign, "kind": "qualification"}, headers=admin)
    ).json()
    staff = await client.post(
        "/api/v1/users",
        json={"username": "b.staff", "full_name": "普通员工", "password": "Staff-Pass-2025"},
        headers=admin,
    )
    assert staff.status_code == 201
    clerk = await login(client, "b.staff", "Staff-Pass-2025")
    refused = await client.post(
        f"/api/v1/self-checks/{check['id']}/transitions", json={"action": "submit", "declaration": True}, headers=clerk
    )
    assert refused.status_code == 403


async def test_the_projects_self_check_lists_every_valid_report(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    _, campaign = await _campaigns(db)
    branch = await db.get_one(Agency, demo[BRANCH_A])
    # A report a county listed that the agency might not have: it is pre-filled too, and must be answered.
    county_listed = await builders.project(db, await builders.enterprise(db, demo["昌黎县应急管理局"]), branch)
    county_listed.listed_by_county = True
    expired = await builders.project(
        db,
        await builders.enterprise(db, demo["昌黎县应急管理局"]),
        branch,
        issued_on=date.today() - timedelta(days=4 * 365),
    )
    await db.commit()
    agency = await login(client, "agency.a.branch")
    check = (
        await client.post("/api/v1/self-checks", json={"campaign_id": campaign, "kind": "projects"}, headers=agency)
    ).json()
    rows = {row["project_id"]: row for row in check["rows"]}
    assert county_listed.id in rows and rows[county_listed.id]["listed_by_county"] is True
    assert expired.id not in rows
    assert check["missing_projects"] == len(rows) > 1
    url = f"/api/v1/self-checks/{check['id']}"
    answers = [{"project_id": pid, "no_problem": True} for pid in rows if pid != county_listed.id]
    await client.put(url, json={"rows": answers}, headers=agency)
    refused = await client.post(f"{url}/transitions", json={"action": "submit", "declaration": True}, headers=agency)
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == [f"rows.{county_listed.id}"]
    stranger = await client.put(url, json={"rows": [{"project_id": expired.id, "no_problem": True}]}, headers=agency)
    assert stranger.status_code == 422
    problem = {"code": "R3", "description": "未评价储罐区紧急切断装置（MH05）"}
    half = await client.put(
        url, json={"rows": [{"project_id": county_listed.id, "problems": [problem]}]}, headers=agency
    )
    assert half.json()["missing_projects"] == 0
    no_measure = await client.post(f"{url}/transitions", json={"action": "submit", "declaration": True}, headers=agency)
    assert no_measure.status_code == 422 and "整改措施" in no_measure.json()["errors"][0]["message"]
    fixed = {"project_id": county_listed.id, "problems": [problem], "measure": "补充评价", "deadline": "2030-03-01"}
    await client.put(url, json={"rows": [fixed]}, headers=agency)
    submitted = await client.post(f"{url}/transitions", json={"action": "submit", "declaration": True}, headers=agency)
    assert submitted.status_code == 200
    [finding] = list(
        await db.scalars(select(Finding).where(Finding.source_id == check["id"], Finding.source == "self_check"))
    )
    assert (finding.code, finding.project_id, finding.target_kind, finding.county_id) == (
        "R3",
        county_listed.id,
        "project",
        demo["昌黎县应急管理局"],
    )
    exported = await client.get(f"{url}/export", headers=agency)
    sheet = load_workbook(io.BytesIO(exported.content)).active
    assert sheet is not None
    rows_out = list(sheet.iter_rows(values_only=True))
    assert rows_out[0][:4] == ("序号", "企业名称", "县区", "项目名称")
    assert any(r[9] == "未评价储罐区紧急切断装置（MH05）" and r[10] == "R3" for r in rows_out[1:])
    assert sum(1 for r in rows_out[1:] if r[9] == "未发现问题") == len(rows) - 1


@pytest.mark.parametrize(
    ("role", "action", "status", "allowed"),
    [
        (role, action, status, status in t.sources and t.target and ok)
        for action, t in finding_policies.TRANSITIONS.items()
        for status in finding_policies.STATUS_NAMES
        for role, ok in (
            ("agency", t.owner == "agency"),
            ("city", t.owner == "acceptor"),
            ("raising_county", t.owner == "acceptor"),
            ("other_county", False),
        )
    ],
)
def test_the_finding_transition_table(role: str, action: str, status: str, allowed: bool) -> None:
    from backend.auth.actor import Actor
    from backend.core.errors import Conflict, Forbidden

    raising_county = 5
    actor = Actor(
        organization_id={"agency": 20, "city": 1, "raising_county": raising_county, "other_county": 6}[role],
        organization_kind={"agency": "agency", "city": "city"}.get(role, "county"),
        organization_county_id=None,
        organization_parent_id=None,
        role={"agency": "agency", "city": "city"}.get(role, "county"),
        is_admin=True,
        user_id=1,
    )
    if allowed:
        assert finding_policies.check_transition(actor, action, status, raising_county).target
    else:
        with pytest.raises((Forbidden, Conflict)):
            finding_policies.check_transition(actor, action, status, raising_county)


@pytest.mark.parametrize(
    ("role", "admin", "action", "status"),
    [
        (role, admin, action, status)
        for action in self_check_policies.TRANSITIONS
        for status in self_check_policies.STATUS_NAMES
        for role in ("agency", "city", "county")
        for admin in (True, False)
    ],
)
def test_the_self_check_transition_table(role: str, admin: bool, action: str, status: str) -> None:
    from backend.auth.actor import Actor
    from backend.core.errors import Conflict, Forbidden

    actor = Actor(
        organization_id=1,
        organization_kind=role,
        organization_county_id=None,
        organization_parent_id=None,
        role=role,
        is_admin=admin,
        user_id=1,
    )
    transition = self_check_policies.TRANSITIONS[action]
    role_ok = role in transition.roles and (admin or not transition.admin_only)
    if role_ok and status in transition.sources:
        assert self_check_policies.check_transition(actor, action, status).target == transition.target
    else:
        with pytest.raises(Forbidden if not role_ok else Conflict):
            self_check_policies.check_transition(actor, action, status)


async def test_a_finding_is_rectified_accepted_or_reopened_by_its_owners(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    county = await login(client, "county.haigang")
    agency_model = await db.get_one(Agency, demo[HEAD_A])
    project = await builders.project(db, await builders.enterprise(db, demo["海港区应急管理局"]), agency_model)
    await db.commit()
    raised = await client.post(
        "/api/v1/findings",
        json={
            "source": "county_check",
            "code": "R1",
            "sub_code": "SS05",
            "project_id": project.id,
            "description": "重大危险源辨识错误",
            "deadline": (date.today() + timedelta(days=30)).isoformat(),
        },
        headers=county,
    )
    assert raised.status_code == 201
    finding = raised.json()
    assert finding["agency_id"] == demo[HEAD_A] and finding["status"] == "open" and finding["target_kind"] == "project"
    url = f"/api/v1/findings/{finding['id']}/transitions"
    agency = await login(client, "agency.a.admin")
    assert (await client.post(url, json={"action": "accept"}, headers=agency)).status_code == 403
    assert (await client.post(url, json={"action": "start"}, headers=agency)).json()["status"] == "rectifying"
    no_note = await client.post(url, json={"action": "submit"}, headers=agency)
    assert no_note.status_code == 422 and no_note.json()["errors"][0]["field"] == "rectification_note"
    submitted = await client.post(
        url,
        json={"action": "submit", "rectification_note": "已重新辨识并修订报告"},
        headers=agency,
    )
    assert submitted.json()["status"] == "submitted"
    other_county = await login(client, "county.changli")
    assert (await client.post(url, json={"action": "accept"}, headers=other_county)).status_code == 404
    reopened = await client.post(url, json={"action": "reopen", "note": "修订页未盖章"}, headers=county)
    assert reopened.json()["status"] == "reopened" and reopened.json()["reopened_reason"] == "修订页未盖章"
    await client.post(url, json={"action": "submit", "rectification_note": "已盖章"}, headers=agency)
    city = await login(client, "city.admin")
    accepted = await client.post(url, json={"action": "accept"}, headers=city)
    assert accepted.json()["status"] == "accepted"
    history = (await client.get(f"/api/v1/findings/{finding['id']}", headers=county)).json()["events"]
    assert [(e["from_status"], e["to_status"]) for e in history] == [
        (None, "open"),
        ("open", "rectifying"),
        ("rectifying", "submitted"),
        ("submitted", "reopened"),
        ("reopened", "submitted"),
        ("submitted", "accepted"),
    ]
    assert history[3]["note"] == "修订页未盖章" and history[-1]["actor_name"] == "张建国"
    again = await client.post(url, json={"action": "start"}, headers=agency)
    assert again.status_code == 409 and "已验收" in again.json()["detail"]


async def test_overdue_follows_from_the_deadline(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    county = await login(client, "county.haigang")
    overdue = (await client.get("/api/v1/findings?overdue=true&page_size=200", headers=county)).json()
    assert overdue["total"] >= 1
    assert all(f["is_overdue"] and f["status"] in ("open", "rectifying", "reopened") for f in overdue["items"])
    assert all(date.fromisoformat(f["deadline"]) < date.today() for f in overdue["items"])
    q4 = [f for f in overdue["items"] if f["code"] == "Q4"]
    assert q4 and q4[0]["agency_name"] == HEAD_A


async def test_oversight_shows_who_is_late_and_reminders_reach_the_agency(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    campaign, _ = await _campaigns(db)
    deadline = await db.scalar(
        select(CampaignDeadline).where(
            CampaignDeadline.campaign_id == campaign, CampaignDeadline.code == "agency_self_check"
        )
    )
    assert deadline is not None
    deadline.due_on = date.today() - timedelta(days=1)
    await db.commit()
    city = await login(client, "city.admin")
    rows = {
        r["agency_name"]: r
        for r in (await client.get(f"/api/v1/self-checks/oversight?campaign_id={campaign}", headers=city)).json()[
            "items"
        ]
    }
    assert (
        rows["河北正安安全技术服务有限公司"]["qualification"] == "not_started"
        and rows["河北正安安全技术服务有限公司"]["overdue"]
    )
    assert rows[HEAD_A]["qualification"] == "accepted" and not rows[HEAD_A]["overdue"]
    assert rows["秦皇岛衡安安全技术咨询有限公司"]["qualification_late"] is True
    assert rows["天津华衡安全评价有限公司"]["projects"] == "not_started"
    county = await login(client, "county.haigang")
    own = (await client.get(f"/api/v1/self-checks/oversight?campaign_id={campaign}", headers=county)).json()
    assert [r["agency_name"] for r in own["items"]] == [HEAD_A]  # the only office in 海港区
    elsewhere = await client.post(
        "/api/v1/self-checks/reminders",
        json={"campaign_id": campaign, "agency_ids": [demo["河北正安安全技术服务有限公司"]]},
        headers=county,
    )
    assert elsewhere.status_code == 404
    sent = await client.post(
        "/api/v1/self-checks/reminders",
        json={
            "campaign_id": campaign,
            "agency_ids": [demo[HEAD_A], demo["天津华衡安全评价有限公司"]],
            "message": "请尽快报送",
        },
        headers=city,
    )
    assert sent.json() == {"sent": 2}
    agency = await login(client, "agency.a.admin")
    inbox = (await client.get("/api/v1/notifications?unread=true", headers=agency)).json()
    [reminder] = [n for n in inbox["items"] if n["body"] == "请尽快报送"]
    assert "自查自改提醒" in reminder["title"]
    assert (await client.post(f"/api/v1/notifications/{reminder['id']}/read", headers=agency)).status_code == 204
    assert reminder["id"] not in {
        n["id"] for n in (await client.get("/api/v1/notifications?unread=true", headers=agency)).json()["items"]
    }
    other = await client.post(
        f"/api/v1/notifications/{reminder['id']}/read", headers=await login(client, "agency.b.admin")
    )
    assert other.status_code == 404
    stored = await db.scalar(select(Notification).where(Notification.id == reminder["id"]))
    assert stored is not None and stored.organization_id == demo[HEAD_A]


async def test_combined_exports_cover_the_callers_scope(client: httpx.AsyncClient, db: AsyncSession) -> None:
    campaign, _ = await _campaigns(db)
    city = await login(client, "city.admin")
    response = await client.get(f"/api/v1/self-checks/export?campaign_id={campaign}&kind=qualification", headers=city)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("序号", "机构名称", "类别")
    submitted = await db.scalar(
        select(SelfCheck.id).where(SelfCheck.campaign_id == campaign, SelfCheck.kind == "qualification").limit(1)
    )
    assert submitted is not None
    agencies = {r[1] for r in rows[1:]}
    assert len(rows) - 1 == 5 * len(agencies) and HEAD_A in agencies
    one = await client.get(f"/api/v1/self-checks/{submitted}/export", headers=city)
    single = list(load_workbook(io.BytesIO(one.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert single[0][0] == "机构名称" and single[1][0] == "统一社会信用代码"


async def test_oversight_statements_do_not_grow_with_the_agencies_in_scope(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession
) -> None:
    campaign, _ = await _campaigns(db)
    city = await login(client, "city.admin")
    url = f"/api/v1/self-checks/oversight?campaign_id={campaign}"

    async def oversight() -> tuple[list[str], dict[str, dict[str, object]]]:
        with Statements(app) as statements:
            response = await client.get(url, headers=city)
        assert response.status_code == 200
        return statements.sql, {row["agency_name"]: row for row in response.json()["items"]}

    before, rows = await oversight()
    county_id = await db.scalar(select(Agency.county_id).where(Agency.county_id.is_not(None)).limit(1))
    added = [await builders.agency(db, county_id) for _ in range(5)]
    await builders.self_check(db, campaign, added[0])
    await builders.notification(db, added[1].id)
    await db.commit()
    after, more_rows = await oversight()

    # The same statements, word for word: the agencies in scope are a subquery, never one parameter each.
    assert after == before
    assert len(more_rows) == len(rows) + 5
    first = more_rows[added[0].name]
    assert first["qualification"] == "draft" and first["projects"] == "not_started"
    assert more_rows[added[1].name]["qualification"] == "not_started"
    assert more_rows[added[1].name]["last_reminded_at"] is None  # reminders count only of their own kind
