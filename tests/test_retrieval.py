"""Report retrieval (附件4): requests, attachments, submission, lateness, receipt and return; demo data."""

from __future__ import annotations

import asyncio
import hashlib
import os
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core import calendar
from backend.demo.files import minimal_pdf, process_archive
from backend.models import Agency, Campaign, Notification, Project, RetrievalRequest
from backend.projects.service import valid_clause
from tests import builders
from tests.conftest import login
from tests.support import tus

HEAD_A = "河北安泰安全评价有限公司"
AGENCY_B = "秦皇岛衡安安全技术咨询有限公司"


async def _campaign(db: AsyncSession) -> int:
    campaign = await db.scalar(select(Campaign.id).order_by(Campaign.year.desc()))
    assert campaign is not None
    return campaign


async def _create(client: httpx.AsyncClient, db: AsyncSession, agency: str, **extra: Any) -> dict[str, Any]:
    agency_id = await db.scalar(select(Agency.id).where(Agency.name == agency))
    city = await login(client, "city.admin")
    body = {"campaign_id": await _campaign(db), "agency_id": agency_id, **extra}
    response = await client.post("/api/v1/retrieval-requests", json=body, headers=city)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def _fill(client: httpx.AsyncClient, headers: dict[str, str], request: dict[str, Any]) -> dict[str, Any]:
    """Upload a report and an archive for every project and attach them."""
    detail = request
    for item in request["items"]:
        tag = f"{item['report_number']} {os.urandom(4).hex()}"
        report = await tus.upload(client, headers, minimal_pdf(tag), f"{item['project_name']}.pdf")
        archive = await tus.upload(client, headers, process_archive(tag), "过程控制档案.zip")
        for file_id, slot in ((report.file_id, "report"), (archive.file_id, "archive")):
            response = await client.post(
                f"/api/v1/retrieval-requests/{request['id']}/items/{item['id']}/files",
                json={"file_id": file_id, "slot": slot},
                headers=headers,
            )
            assert response.status_code == 200, response.text
            detail = response.json()
    return detail


async def test_the_city_calls_in_every_valid_report_by_default(client: httpx.AsyncClient, db: AsyncSession) -> None:
    request = await _create(client, db, AGENCY_B)
    agency_id = request["agency_id"]
    valid = set(
        await db.scalars(select(Project.id).where(Project.agency_id == agency_id, valid_clause(calendar.today())))
    )
    assert {item["project_id"] for item in request["items"]} == valid and valid
    assert request["status"] == "open" and request["missing_count"] == len(valid)
    assert all(item["missing"] == ["report", "archive"] for item in request["items"])
    deadline = (
        await client.get(f"/api/v1/campaigns/{request['campaign_id']}", headers=await login(client, "city.admin"))
    ).json()
    assert request["deadline"] == next(d["due_on"] for d in deadline["deadlines"] if d["code"] == "retrieved_reports")
    notice = await db.scalar(
        select(Notification).where(Notification.organization_id == agency_id, Notification.kind == "retrieval_request")
    )
    assert notice is not None and f"{len(valid)} 份评价报告" in (notice.body or "")


async def test_a_chosen_set_of_projects_and_foreign_projects(client: httpx.AsyncClient, db: AsyncSession) -> None:
    agency_id = await db.scalar(select(Agency.id).where(Agency.name == AGENCY_B))
    chosen = (await db.scalars(select(Project.id).where(Project.agency_id == agency_id).limit(2))).all()
    request = await _create(client, db, AGENCY_B, project_ids=list(chosen), deadline="2026-12-31", note="抽查")
    assert [item["project_id"] for item in request["items"]] == list(chosen)
    other = await db.scalar(select(Project.id).where(Project.agency_id != agency_id).limit(1))
    city = await login(client, "city.admin")
    response = await client.post(
        "/api/v1/retrieval-requests",
        json={"campaign_id": request["campaign_id"], "agency_id": agency_id, "project_ids": [other]},
        headers=city,
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "project_ids"


async def test_the_whole_flow_with_lateness_receipt_and_return(client: httpx.AsyncClient, db: AsyncSession) -> None:
    yesterday = (calendar.today() - timedelta(days=1)).isoformat()
    request = await _create(client, db, HEAD_A, deadline=yesterday)
    agency = await login(client, "agency.a.admin")
    base = f"/api/v1/retrieval-requests/{request['id']}"

    refused = await client.post(f"{base}/submit", headers=agency)
    assert refused.status_code == 422
    assert refused.json()["detail"] == f"还有 {len(request['items'])} 个项目的材料不齐，不能提交"
    assert "缺少评价报告、过程控制档案" in refused.json()["errors"][0]["message"]

    detail = await _fill(client, agency, request)
    assert detail["missing_count"] == 0 and all(item["missing"] == [] for item in detail["items"])
    submitted = await client.post(f"{base}/submit", headers=agency)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted" and submitted.json()["is_late"] is True

    first, *others = submitted.json()["items"]
    editing = await client.delete(f"{base}/items/{first['id']}/files/{first['files'][0]['link_id']}", headers=agency)
    assert editing.status_code == 409 and "不能再修改" in editing.json()["detail"]

    city = await login(client, "city.admin")
    no_reason = await client.post(f"{base}/items/{first['id']}/review", json={"decision": "returned"}, headers=city)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    returned = await client.post(
        f"{base}/items/{first['id']}/review", json={"decision": "returned", "reason": "档案缺少现场照片"}, headers=city
    )
    assert returned.status_code == 200
    for item in others:
        await client.post(f"{base}/items/{item['id']}/review", json={"decision": "received"}, headers=city)
    after_review = (await client.get(base, headers=agency)).json()
    assert after_review["status"] == "returned" and after_review["returned_count"] == 1
    assert after_review["items"][0]["returned_reason"] == "档案缺少现场照片"

    # The agency replaces the archive of the returned project and submits again; the lateness stays on record.
    link = next(f for f in after_review["items"][0]["files"] if f["slot"] == "archive")
    removed = await client.delete(f"{base}/items/{first['id']}/files/{link['link_id']}", headers=agency)
    assert removed.json()["items"][0]["missing"] == ["archive"]
    archive = await tus.upload(client, agency, process_archive(f"photos {os.urandom(4).hex()}"), "补充档案.zip")
    await client.post(
        f"{base}/items/{first['id']}/files", json={"file_id": archive.file_id, "slot": "archive"}, headers=agency
    )
    again = await client.post(f"{base}/submit", headers=agency)
    assert again.status_code == 200 and again.json()["is_late"] is True
    done = await client.post(f"{base}/items/{first['id']}/review", json={"decision": "received"}, headers=city)
    assert done.json()["status"] == "completed" and done.json()["completed_at"] is not None
    twice = await client.post(f"{base}/items/{first['id']}/review", json={"decision": "received"}, headers=city)
    assert twice.status_code == 409


async def test_on_time_submission_is_not_late(client: httpx.AsyncClient, db: AsyncSession) -> None:
    request = await _create(client, db, HEAD_A, deadline=(calendar.today() + timedelta(days=3)).isoformat())
    agency = await login(client, "agency.a.admin")
    await _fill(client, agency, request)
    submitted = (await client.post(f"/api/v1/retrieval-requests/{request['id']}/submit", headers=agency)).json()
    assert submitted["is_late"] is False


async def test_slots_take_the_right_kind_of_file_and_a_new_report_replaces_the_old(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    request = await _create(client, db, HEAD_A)
    agency = await login(client, "agency.a.admin")
    item = request["items"][0]
    url = f"/api/v1/retrieval-requests/{request['id']}/items/{item['id']}/files"
    archive = await tus.upload(client, agency, process_archive(os.urandom(4).hex()), "档案.zip")
    wrong = await client.post(url, json={"file_id": archive.file_id, "slot": "report"}, headers=agency)
    assert wrong.status_code == 422 and "评价报告应为 PDF" in wrong.json()["detail"]
    first = await tus.upload(client, agency, minimal_pdf(os.urandom(4).hex()), "初稿.pdf")
    second = await tus.upload(client, agency, minimal_pdf(os.urandom(4).hex()), "终稿.pdf")
    await client.post(url, json={"file_id": first.file_id, "slot": "report"}, headers=agency)
    detail = (await client.post(url, json={"file_id": second.file_id, "slot": "report"}, headers=agency)).json()
    reports = [f["file"]["name"] for f in detail["items"][0]["files"] if f["slot"] == "report"]
    assert reports == ["终稿.pdf"]
    again = (await client.post(url, json={"file_id": second.file_id, "slot": "report"}, headers=agency)).json()
    assert len(again["items"][0]["files"]) == 1


async def test_an_agency_attaches_only_its_own_files(client: httpx.AsyncClient, db: AsyncSession) -> None:
    request = await _create(client, db, HEAD_A)
    other = await tus.upload(client, await login(client, "agency.b.admin"), minimal_pdf(os.urandom(4).hex()))
    agency = await login(client, "agency.a.admin")
    item = request["items"][0]
    response = await client.post(
        f"/api/v1/retrieval-requests/{request['id']}/items/{item['id']}/files",
        json={"file_id": other.file_id, "slot": "report"},
        headers=agency,
    )
    assert response.status_code == 404 and response.json()["errors"][0]["field"] == "file_id"


async def test_who_sees_requests_and_their_files(client: httpx.AsyncClient, db: AsyncSession) -> None:
    request = await _create(client, db, HEAD_A)
    agency = await login(client, "agency.a.admin")
    detail = await _fill(client, agency, {**request, "items": request["items"][:1]})
    file_id = detail["items"][0]["files"][0]["file"]["id"]
    head_a_county = await db.scalar(select(Agency.county_id).where(Agency.name == HEAD_A))
    assert request["county_id"] == head_a_county
    for user, status in (("county.haigang", 200), ("agency.b.admin", 404), ("agency.a.branch", 404)):
        headers = await login(client, user)
        assert (await client.get(f"/api/v1/retrieval-requests/{request['id']}", headers=headers)).status_code == status
        download = await client.get(f"/api/v1/files/{file_id}/content", headers=headers)
        assert download.status_code == status
    county_list = (await client.get("/api/v1/retrieval-requests", headers=await login(client, "county.haigang"))).json()
    assert county_list["items"] and all(r["county_id"] == head_a_county for r in county_list["items"])


async def test_two_uploads_at_once_into_one_request_lose_nothing(client: httpx.AsyncClient, db: AsyncSession) -> None:
    request = await _create(client, db, HEAD_A)
    agency = await login(client, "agency.a.admin")
    items = request["items"][:2]
    contents = [minimal_pdf(f"concurrent {i} {os.urandom(4).hex()}") + os.urandom(300_000) for i in range(2)]
    uploaded = await asyncio.gather(
        *(tus.upload(client, agency, data, f"并发{i}.pdf", chunk=65_536) for i, data in enumerate(contents))
    )
    answers = await asyncio.gather(
        *(
            client.post(
                f"/api/v1/retrieval-requests/{request['id']}/items/{item['id']}/files",
                json={"file_id": result.file_id, "slot": "report"},
                headers=agency,
            )
            for item, result in zip(items, uploaded, strict=True)
        )
    )
    assert {a.status_code for a in answers} == {200}
    detail = (await client.get(f"/api/v1/retrieval-requests/{request['id']}", headers=agency)).json()
    for item, data in zip(detail["items"][:2], contents, strict=True):
        file = next(f["file"] for f in item["files"] if f["slot"] == "report")
        assert file["sha256"] == hashlib.sha256(data).hexdigest()
        body = (await client.get(file["download_url"], headers=agency)).content
        assert body == data


async def test_list_filters_and_sorts(client: httpx.AsyncClient, db: AsyncSession) -> None:
    city = await login(client, "city.admin")
    campaign = await _campaign(db)
    listing = (
        await client.get(
            "/api/v1/retrieval-requests", params={"campaign_id": campaign, "sort": "agency_name"}, headers=city
        )
    ).json()
    names = [r["agency_name"] for r in listing["items"]]
    assert names == sorted(names) and listing["total"] == len(names) >= 5
    late = (await client.get("/api/v1/retrieval-requests", params={"is_late": True}, headers=city)).json()
    assert late["items"] and all(r["is_late"] for r in late["items"])
    found = (await client.get("/api/v1/retrieval-requests", params={"q": "秦皇岛衡安"}, headers=city)).json()
    assert [r["agency_name"] for r in found["items"]] == [AGENCY_B]


async def test_demo_requests_in_every_state_with_real_files(client: httpx.AsyncClient, db: AsyncSession) -> None:
    statuses = set(await db.scalars(select(RetrievalRequest.status)))
    assert statuses == {"open", "submitted", "returned", "completed"}
    city = await login(client, "city.admin")
    returned = await db.scalar(select(RetrievalRequest.id).where(RetrievalRequest.status == "returned"))
    detail = (await client.get(f"/api/v1/retrieval-requests/{returned}", headers=city)).json()
    assert {item["status"] for item in detail["items"]} == {"returned", "received"}
    archive = next(f["file"] for f in detail["items"][0]["files"] if f["slot"] == "archive")
    content = (await client.get(archive["download_url"], headers=city)).content
    assert content[:4] == b"PK\x03\x04" and hashlib.sha256(content).hexdigest() == archive["sha256"]


async def test_projects_of_other_agencies_or_unknown_agencies(client: httpx.AsyncClient, db: AsyncSession) -> None:
    city = await login(client, "city.admin")
    campaign = await _campaign(db)
    unknown = await client.post(
        "/api/v1/retrieval-requests", json={"campaign_id": campaign, "agency_id": 999_999}, headers=city
    )
    assert unknown.status_code == 404 and unknown.json()["errors"][0]["field"] == "agency_id"
    county = await db.scalar(select(Agency.county_id).where(Agency.name == HEAD_A))
    assert county is not None
    empty = await builders.agency(db, county)
    await db.commit()
    nothing = await client.post(
        "/api/v1/retrieval-requests", json={"campaign_id": campaign, "agency_id": empty.id}, headers=city
    )
    assert nothing.status_code == 422 and nothing.json()["detail"] == "该机构没有有效的法定评价报告可调阅"
