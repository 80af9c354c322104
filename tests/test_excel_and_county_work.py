"""附件1 and 附件5 in Excel, the county's liaisons and submissions, and bounded statement counts."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import httpx
from fastapi import FastAPI
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import Campaign, CampaignDeadline, Enterprise, Liaison, Project
from backend.tables import layout
from tests import builders
from tests.conftest import login
from tests.support.statements import Statements

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEAD_A = "河北安泰安全评价有限公司"


def _workbook(headers: list[str], rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _annex1_row(**values: Any) -> list[Any]:
    defaults = {
        "县区": "海港区",
        "企业名称": "秦皇岛导入化工有限公司",
        "企业统一社会信用代码": "91350100M000100Y43",
        "企业类型": "生产、储存",
        "评价机构": HEAD_A,
        "分支机构": None,
        "评价类型": "安全现状评价",
        "项目名称": "导入化工安全现状评价",
        "报告编号": "IMP-2025-001",
        "出具日期": date(2025, 5, 6),
        "有效期至": None,
        "项目负责人": "王外聘",
        "项目组成员": "李一、赵二",
        "技术负责人": None,
        "现场勘验日期": "2025-04-01",
        "勘验人员": "王外聘、李一",
        "备注": None,
    }
    defaults.update(values)
    return [defaults[column.header] for column in layout("annex1").columns]


ANNEX1_HEADERS = [column.header for column in layout("annex1").columns]


async def _import(client: httpx.AsyncClient, headers: dict[str, str], content: bytes, commit: bool) -> httpx.Response:
    return await client.post(
        f"/api/v1/projects/import?commit={str(commit).lower()}",
        files={"file": ("附件1.xlsx", content, XLSX)},
        headers=headers,
    )


async def test_annex1_export_has_the_official_columns_and_rows(client: httpx.AsyncClient, demo: dict[str, int]) -> None:
    county = await login(client, "county.haigang")
    response = await client.get("/api/v1/projects/export?valid=true", headers=county)
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["序号", *ANNEX1_HEADERS]
    listed = (await client.get("/api/v1/projects?valid=true&page_size=200", headers=county)).json()
    assert len(rows) - 1 == listed["total"] > 0
    assert {row[1] for row in rows[1:]} == {"海港区"}
    assert {row[3] for row in rows[1:]} == {p["enterprise_credit_code"] for p in listed["items"]}


async def test_exported_text_never_runs_as_a_formula(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    enterprise = await builders.enterprise(db, demo["海港区应急管理局"])
    enterprise.name = '=HYPERLINK("http://evil.example","点我")'
    await db.commit()
    response = await client.get(
        f"/api/v1/enterprises/export?q={enterprise.credit_code}", headers=await login(client, "city.admin")
    )
    workbook = load_workbook(io.BytesIO(response.content))
    cell = workbook.active["B2"]  # type: ignore[index]
    assert cell.value == '=HYPERLINK("http://evil.example","点我")' and cell.data_type == "s" and cell.quotePrefix


async def test_a_bad_import_lists_every_bad_row_and_saves_nothing(client: httpx.AsyncClient, db: AsyncSession) -> None:
    county = await login(client, "county.haigang")
    before = await db.scalar(select(func.count()).select_from(Project))
    content = _workbook(
        ANNEX1_HEADERS,
        [
            _annex1_row(),
            _annex1_row(**{"企业统一社会信用代码": "91350100M000100Y44", "报告编号": "IMP-2"}),
            _annex1_row(**{"评价机构": "不存在的评价公司", "报告编号": "IMP-3", "出具日期": "2025-13-01"}),
            _annex1_row(**{"县区": "昌黎县", "报告编号": "IMP-4"}),
            _annex1_row(**{"报告编号": "IMP-2025-001"}),
        ],
    )
    preview = await _import(client, county, content, commit=False)
    assert preview.status_code == 200
    result = preview.json()
    found = {(e["row"], e["column"]) for e in result["errors"]}
    assert {(3, "企业统一社会信用代码"), (4, "评价机构"), (4, "出具日期"), (5, "县区"), (6, "报告编号")} <= found
    assert result["committed"] is False and result["total_rows"] == 5
    messages = {(e["row"], e["column"]): e["message"] for e in result["errors"]}
    assert messages[(5, "县区")] == "只能导入本县区企业的项目"
    assert messages[(4, "出具日期")] == "日期“2025-13-01”不存在"
    refused = await _import(client, county, content, commit=True)
    assert refused.status_code == 422 and "未保存任何数据" in refused.json()["detail"]
    assert any(e["field"] == "第3行.企业统一社会信用代码" for e in refused.json()["errors"])
    assert await db.scalar(select(func.count()).select_from(Project)) == before
    assert await db.scalar(select(Enterprise.id).where(Enterprise.credit_code == "91350100M000100Y43")) is None


async def test_a_good_import_saves_everything_and_a_second_one_updates(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    county = await login(client, "county.haigang")
    content = _workbook(
        ANNEX1_HEADERS, [_annex1_row(), _annex1_row(**{"报告编号": "IMP-2025-002", "评价类型": "安全预评价"})]
    )
    preview = (await _import(client, county, content, commit=False)).json()
    assert preview["errors"] == [] and preview["created"] == 2 and preview["updated"] == 0
    committed = await _import(client, county, content, commit=True)
    assert committed.status_code == 200 and committed.json()["committed"] is True
    db.expire_all()
    enterprise = await db.scalar(select(Enterprise).where(Enterprise.credit_code == "91350100M000100Y43"))
    assert enterprise is not None and enterprise.county_id == demo["海港区应急管理局"]
    assert enterprise.activities == ["production", "storage"]
    projects = {
        p.report_number: p for p in await db.scalars(select(Project).where(Project.enterprise_id == enterprise.id))
    }
    assert projects["IMP-2025-001"].valid_until == date(2028, 5, 6) and projects["IMP-2025-002"].valid_until is None
    detail = (await client.get(f"/api/v1/projects/{projects['IMP-2025-001'].id}", headers=county)).json()
    assert [(m["name"], m["role"]) for m in detail["members"]] == [
        ("王外聘", "leader"),
        ("李一", "member"),
        ("赵二", "member"),
    ]
    assert [(v["visited_on"], v["name"]) for v in detail["site_visits"]] == [
        ("2025-04-01", "王外聘"),
        ("2025-04-01", "李一"),
    ]
    again = _workbook(ANNEX1_HEADERS, [_annex1_row(**{"项目名称": "导入化工安全现状评价（修订）"})])
    updated = (await _import(client, county, again, commit=True)).json()
    assert updated["created"] == 0 and updated["updated"] == 1
    renamed = (await client.get(f"/api/v1/projects/{projects['IMP-2025-001'].id}", headers=county)).json()
    assert renamed["name"] == "导入化工安全现状评价（修订）"


async def test_the_export_reimports_cleanly(client: httpx.AsyncClient) -> None:
    city = await login(client, "city.admin")
    exported = (await client.get("/api/v1/projects/export", headers=city)).content
    workbook = load_workbook(io.BytesIO(exported))
    sheet = workbook.active
    assert sheet is not None
    sheet.delete_cols(1)  # the 序号 column is ignored anyway; the import reads by header
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = (await _import(client, city, buffer.getvalue(), commit=False)).json()
    assert result["errors"] == [] and result["created"] == 0 and result["updated"] == result["total_rows"] > 40


async def test_a_file_that_is_not_a_workbook_gets_a_clear_reason(client: httpx.AsyncClient) -> None:
    county = await login(client, "county.haigang")
    result = (await _import(client, county, b"not a spreadsheet", commit=False)).json()
    assert result["errors"] == [{"row": 1, "column": "文件", "message": "无法读取文件，请上传 .xlsx 格式的附件1表格"}]
    missing = (await _import(client, county, _workbook(["县区", "企业名称"], [["海港区", "x"]]), commit=False)).json()
    assert missing["errors"][0]["column"] == "表头" and "报告编号" in missing["errors"][0]["message"]


async def _current_campaign(db: AsyncSession) -> Campaign:
    campaign = await db.scalar(select(Campaign).order_by(Campaign.year.desc()))
    assert campaign is not None
    return campaign


async def test_liaisons_round_trip_through_annex5(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    campaign = await _current_campaign(db)
    county = await login(client, "county.changli")
    headers = [c.header for c in layout("annex5").columns]
    bad = _workbook(headers, [["昌黎县", "昌黎县应急管理局", "孙立", "股长", "0335-1", "abc", "not-an-email", None]])
    preview = (
        await client.post(
            f"/api/v1/liaisons/import?campaign_id={campaign.id}", files={"file": ("5.xlsx", bad, XLSX)}, headers=county
        )
    ).json()
    assert {(e["row"], e["column"]) for e in preview["errors"]} == {(2, "手机"), (2, "电子邮箱")}
    good = _workbook(
        headers,
        [
            [
                "昌黎县",
                "昌黎县应急管理局危化股",
                "孙立",
                "股长",
                "0335-2020000",
                "13800000001",
                "sunli@example.cn",
                None,
            ],
            ["昌黎县", "昌黎县应急管理局危化股", "周平", "科员", None, "13800000002", None, "备岗"],
        ],
    )
    committed = await client.post(
        f"/api/v1/liaisons/import?campaign_id={campaign.id}&commit=true",
        files={"file": ("5.xlsx", good, XLSX)},
        headers=county,
    )
    assert committed.status_code == 200 and committed.json()["liaisons_by_county"] == {str(demo["昌黎县应急管理局"]): 2}
    names = set(
        await db.scalars(
            select(Liaison.name).where(
                Liaison.campaign_id == campaign.id, Liaison.county_id == demo["昌黎县应急管理局"]
            )
        )
    )
    assert names == {"孙立", "周平"}  # the county's earlier list was replaced
    exported = await client.get(f"/api/v1/liaisons/export?campaign_id={campaign.id}", headers=county)
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert list(rows[0]) == headers and {r[2] for r in rows[1:]} == {"孙立", "周平"}


async def test_county_submissions_know_their_deadline(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    campaign = await _current_campaign(db)
    county = await login(client, "county.changli")
    no_plan = await client.put(
        "/api/v1/county-submissions/county_work_plan",
        json={"campaign_id": campaign.id, "title": "计划"},
        headers=county,
    )
    assert no_plan.status_code == 422 and no_plan.json()["errors"][0]["field"] == "content"
    deadline = await db.scalar(
        select(CampaignDeadline).where(
            CampaignDeadline.campaign_id == campaign.id, CampaignDeadline.code == "county_work_plan"
        )
    )
    assert deadline is not None
    deadline.due_on = date.today() + timedelta(days=10)
    await db.commit()
    on_time = await client.put(
        "/api/v1/county-submissions/county_work_plan",
        json={"campaign_id": campaign.id, "title": "昌黎县专项整治工作计划", "content": "一、目标……"},
        headers=county,
    )
    assert on_time.status_code == 200 and on_time.json()["is_late"] is False
    deadline.due_on = date.today() - timedelta(days=3)
    await db.commit()
    late = await client.put(
        "/api/v1/county-submissions/county_work_plan",
        json={"campaign_id": campaign.id, "title": "昌黎县专项整治工作计划（修订）", "content": "一、目标……"},
        headers=county,
    )
    assert late.json()["is_late"] is True
    city = await login(client, "city.admin")
    progress = (await client.get(f"/api/v1/county-submissions?campaign_id={campaign.id}", headers=city)).json()
    by_county = {row["county_name"]: row for row in progress["items"]}
    assert len(by_county) == 9
    assert by_county["昌黎县应急管理局"]["county_work_plan"]["status"] == "submitted_late"
    assert by_county["卢龙县应急管理局"]["county_work_plan"]["status"] == "overdue"
    assert by_county["海港区应急管理局"]["liaison_count"] == 2
    own = (await client.get(f"/api/v1/county-submissions?campaign_id={campaign.id}", headers=county)).json()
    assert [row["county_name"] for row in own["items"]] == ["昌黎县应急管理局"]


async def _statements(app: FastAPI, client: httpx.AsyncClient, url: str, headers: dict[str, str]) -> int:
    with Statements(app) as counter:
        response = await client.get(url, headers=headers)
        assert response.status_code == 200
    return counter.count


async def test_no_statement_count_grows_with_the_rows(
    app: FastAPI, client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    city = await login(client, "city.admin")
    lists = (
        "/api/v1/projects",
        "/api/v1/agencies",
        "/api/v1/evaluators",
        "/api/v1/enterprises",
        "/api/v1/users",
        "/api/v1/experts",
        "/api/v1/review-panels",
        "/api/v1/review-assignments",
        "/api/v1/review-opinions",
    )
    for url in lists:
        await client.get(url, headers=city)  # warm: the projects list's total is then cached for both sizes
        small = await _statements(app, client, f"{url}?page_size=2", city)
        large = await _statements(app, client, f"{url}?page_size=40", city)
        assert small == large, url
    # A project's detail: the same number of statements whatever the size of its team.
    project_ids = list(await db.scalars(select(Project.id).limit(2)))
    agency = await db.scalar(select(Project.agency_id).where(Project.id == project_ids[1]))
    team = [{"name": f"成员{i}", "role": "member"} for i in range(25)]
    visits = [{"visited_on": "2020-01-01", "name": f"成员{i}"} for i in range(25)]
    big = await client.patch(
        f"/api/v1/projects/{project_ids[1]}", json={"members": team, "site_visits": visits}, headers=city
    )
    assert big.status_code == 200 and agency is not None
    one = await _statements(app, client, f"/api/v1/projects/{project_ids[0]}", city)
    many = await _statements(app, client, f"/api/v1/projects/{project_ids[1]}", city)
    assert one == many
