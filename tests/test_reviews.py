"""Expert review (issue 6): assignments and conflicts, the reproducible draw, opinions in immutable versions, the
findings they raise, the review panel, and the 审查意见书 PDF."""

from __future__ import annotations

import io
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.models import (
    AuditEvent,
    Campaign,
    Finding,
    FindingEvaluator,
    ProjectMember,
    RetrievalRequest,
    ReviewDraw,
    ReviewOpinion,
)
from backend.reviews.draw import draw
from backend.reviews.guard import SignedOpinionChanged
from tests import builders
from tests.conftest import login

HEAD_A = "河北安泰安全评价有限公司"
BRANCH_A = "河北安泰安全评价有限公司昌黎分公司"
AGENCY_B = "秦皇岛衡安安全技术咨询有限公司"
NAMES = {"expert.1": "周专家", "expert.2": "吴专家", "expert.3": "郑专家", "expert.4": "王专家"}


async def _campaign(db: AsyncSession) -> int:
    campaign = await db.scalar(select(Campaign.id).order_by(Campaign.year.desc()))
    assert campaign is not None
    return campaign


async def _submitted_report(db: AsyncSession, demo: dict[str, int], agency_name: str = HEAD_A) -> dict[str, Any]:
    """A report submitted in a retrieval request, its project team two evaluators of the agency."""
    agency = await db.get_one(builders.Agency, demo[agency_name])
    enterprise = await builders.enterprise(db, demo["海港区应急管理局"])
    project = await builders.project(db, enterprise, agency)
    evaluators = [await builders.evaluator(db, agency), await builders.evaluator(db, agency)]
    for position, evaluator in enumerate(evaluators):
        db.add(
            ProjectMember(
                project_id=project.id,
                evaluator_id=evaluator.id,
                name=evaluator.name,
                role="leader" if position == 0 else "member",
                position=position,
            )
        )
    request: RetrievalRequest = await builders.retrieval_request(db, await _campaign(db), project, submitted=True)
    await db.commit()
    return {"item": request.items[0].id, "project": project.id, "evaluators": [e.id for e in evaluators]}


async def _assign(client: httpx.AsyncClient, city: dict[str, str], item: int, *experts: int) -> list[dict[str, Any]]:
    response = await client.post(
        "/api/v1/review-assignments", json={"retrieval_item_ids": [item], "expert_ids": list(experts)}, headers=city
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def _full_opinion(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    assignment_id: int,
    *,
    met: dict[str, list[int]] | None = None,
    hazards: dict[str, str] | None = None,
    breaches: list[dict[str, Any]] | None = None,
    conclusion: str,
) -> dict[str, Any]:
    """Every criterion and applicable hazard answered; the problems given located in the report."""
    detail = (await client.get(f"/api/v1/review-assignments/{assignment_id}", headers=headers)).json()
    met = met or {}
    hazards = hazards or {}
    codes = [f"SS0{i}" for i in range(1, 9)] + [f"XJ0{i}" for i in range(1, 7)]
    return {
        "criteria": [
            {"code": c, "met": c in met, "location": "第 3 章" if c in met else None, "evaluator_ids": met.get(c, [])}
            for c in codes
        ],
        "hazards": [
            {"code": h, "status": hazards.get(h, "evaluated"), "location": "第 5 节" if h in hazards else None}
            for h in detail["applicable_hazards"]
        ],
        "other_breaches": breaches or [],
        "opinion_text": "审查意见正文",
        "conclusion": conclusion,
    }


async def _submit_opinion(
    client: httpx.AsyncClient, username: str, assignment_id: int, **answers: Any
) -> dict[str, Any]:
    headers = await login(client, username)
    body = await _full_opinion(client, headers, assignment_id, **answers)
    created = await client.post(
        "/api/v1/review-opinions", json={"assignment_id": assignment_id, **body}, headers=headers
    )
    assert created.status_code == 201, created.text
    submitted = await client.post(
        f"/api/v1/review-opinions/{created.json()['id']}/submit", json={"signature": NAMES[username]}, headers=headers
    )
    assert submitted.status_code == 200, submitted.text
    return submitted.json()  # type: ignore[no-any-return]


# --- the draw as a pure function ----------------------------------------------------------------------------
def test_draw_is_a_function_of_its_seed_and_inputs() -> None:
    pool, items = [3, 5, 8, 13, 21], [101, 102, 103, 104]
    excluded = {101: [3], 103: [5, 8]}
    first = draw("seed-1", items, pool, excluded, 2)
    assert first == draw("seed-1", list(reversed(items)), list(reversed(pool)), excluded, 2)
    assert any(draw(f"seed-{n}", items, pool, excluded, 2) != first for n in range(2, 12))
    assert 3 not in first[101] and not {5, 8} & set(first[103])
    assert all(len(chosen) == 2 for chosen in first.values())
    # Balanced: 8 places over 5 experts, nobody drawn three times while another is drawn once.
    load = [sum(e in chosen for chosen in first.values()) for e in pool]
    assert max(load) - min(load) <= 1


# --- assignments ----------------------------------------------------------------------------------------------
async def test_conflicted_experts_are_never_assigned(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    city = await login(client, "city.admin")
    branch_report = await _submitted_report(db, demo, BRANCH_A)
    # Affiliated with the head office: the branch's report is out of bounds too.
    patched = await client.patch(
        f"/api/v1/experts/{demo['expert.2']}", json={"affiliated_agency_id": demo[HEAD_A]}, headers=city
    )
    assert patched.status_code == 200
    # A conflict the expert declares itself (the demo's 郑专家 declared one with the head office).
    declared = await client.post(
        f"/api/v1/experts/{demo['expert.4']}/conflicts",
        json={"agency_id": demo[BRANCH_A], "reason": "亲属在该机构任职"},
        headers=await login(client, "expert.4"),
    )
    assert declared.status_code == 201 and declared.json()["conflicts"][0]["agency_name"] == BRANCH_A
    for expert in ("expert.2", "expert.3", "expert.4"):
        refused = await client.post(
            "/api/v1/review-assignments",
            json={"retrieval_item_ids": [branch_report["item"]], "expert_ids": [demo["expert.1"], demo[expert]]},
            headers=city,
        )
        assert refused.status_code == 422, refused.text
        assert f"{NAMES[expert]}与" in refused.json()["detail"] and "回避" in refused.json()["detail"]
    # Nothing was saved, not even the unconflicted expert's assignment.
    listed = await client.get(f"/api/v1/review-assignments?retrieval_item_id={branch_report['item']}", headers=city)
    assert listed.json()["total"] == 0
    # The random draw leaves them out by itself.
    drawn = await client.post(
        "/api/v1/review-draws",
        json={
            "campaign_id": await _campaign(db),
            "retrieval_item_ids": [branch_report["item"]],
            "experts_per_report": 2,
        },
        headers=city,
    )
    assert drawn.status_code == 201, drawn.text
    result = drawn.json()
    conflicted = {demo["expert.2"], demo["expert.3"], demo["expert.4"]}
    assert set(result["excluded"][str(branch_report["item"])]) == conflicted
    assert set(result["result"][str(branch_report["item"])]) == {demo["expert.1"], demo["expert.5"]}
    # Asking for more experts than remain (the two drawn are assigned now) is refused with the reason.
    short = await client.post(
        "/api/v1/review-draws",
        json={
            "campaign_id": await _campaign(db),
            "retrieval_item_ids": [branch_report["item"]],
            "experts_per_report": 1,
        },
        headers=city,
    )
    assert short.status_code == 422 and "可抽取的专家只有" in short.json()["detail"]
    # An expert may not lift its own conflict.
    conflict_id = declared.json()["conflicts"][0]["id"]
    lifted = await client.delete(
        f"/api/v1/experts/{demo['expert.4']}/conflicts/{conflict_id}", headers=await login(client, "expert.4")
    )
    assert lifted.status_code == 409
    lifted = await client.delete(f"/api/v1/experts/{demo['expert.4']}/conflicts/{conflict_id}", headers=city)
    assert lifted.status_code == 200 and lifted.json()["conflicts"] == []


async def test_draw_is_recorded_reproducible_and_audited(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    city = await login(client, "city.admin")
    items = [(await _submitted_report(db, demo))["item"] for _ in range(3)]
    body = {
        "campaign_id": await _campaign(db),
        "retrieval_item_ids": items,
        "experts_per_report": 2,
        "seed": "public-42",
    }
    drawn = await client.post("/api/v1/review-draws", json=body, headers=city)
    assert drawn.status_code == 201, drawn.text
    result = drawn.json()
    assert result["seed"] == "public-42" and result["reproducible"] is True
    assert len(result["assignments"]) == 6 and {a["method"] for a in result["assignments"]} == {"random"}
    excluded = {int(k): v for k, v in result["excluded"].items()}
    assert excluded[items[0]] == [demo["expert.3"]]  # the demo's declared conflict with 河北安泰
    replayed = draw("public-42", items, result["pool"], excluded, 2)
    assert result["result"] == {str(k): v for k, v in replayed.items()}
    replay = await client.get(f"/api/v1/review-draws/{result['id']}", headers=city)
    assert replay.json()["reproducible"] is True
    # A record altered after the fact no longer replays.
    record = await db.get_one(ReviewDraw, result["id"])
    record.result = {**record.result, str(items[0]): [0]}
    await db.commit()
    assert (await client.get(f"/api/v1/review-draws/{result['id']}", headers=city)).json()["reproducible"] is False
    audited = await db.scalar(
        select(AuditEvent).where(AuditEvent.action == "review_draws.create", AuditEvent.entity_id == str(result["id"]))
    )
    assert audited is not None and audited.changes["seed"]["after"] == "public-42"
    assert audited.actor_user_id == demo["city.admin"]
    # Without a seed, the system picks one and records it.
    again = await client.post(
        "/api/v1/review-draws", json={**body, "seed": None, "experts_per_report": 1}, headers=city
    )
    assert again.status_code == 201 and len(again.json()["seed"]) == 16


async def test_an_expert_sees_only_its_own_assignments(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    city = await login(client, "city.admin")
    report = await _submitted_report(db, demo)
    mine, theirs = await _assign(client, city, report["item"], demo["expert.1"], demo["expert.2"])
    expert = await login(client, "expert.1")
    listed = (await client.get("/api/v1/review-assignments?page_size=200", headers=expert)).json()
    assert {a["expert_id"] for a in listed["items"]} == {demo["expert.1"]}
    assert (await client.get(f"/api/v1/review-assignments/{theirs['id']}", headers=expert)).status_code == 404
    detail = (await client.get(f"/api/v1/review-assignments/{mine['id']}", headers=expert)).json()
    assert detail["report"]["kind"] == "pdf" and [m["evaluator_id"] for m in detail["members"]] == report["evaluators"]
    # The report file itself is readable by the assigned expert, not by another one.
    assert (await client.get(f"/api/v1/files/{detail['report']['id']}/content", headers=expert)).status_code == 200
    other = await login(client, "expert.3")
    assert (await client.get(f"/api/v1/files/{detail['report']['id']}/content", headers=other)).status_code == 404
    # Reports not yet submitted cannot be assigned.
    pending = await builders.retrieval_request(
        db,
        await _campaign(db),
        await builders.project(
            db, await builders.enterprise(db, demo["海港区应急管理局"]), await db.get_one(builders.Agency, demo[HEAD_A])
        ),
    )
    await db.commit()
    refused = await client.post(
        "/api/v1/review-assignments",
        json={"retrieval_item_ids": [pending.items[0].id], "expert_ids": [demo["expert.1"]]},
        headers=city,
    )
    assert refused.status_code == 422 and "尚未报送" in refused.json()["detail"]


# --- opinions -------------------------------------------------------------------------------------------------
async def test_opinion_drafts_submission_and_immutability(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    city = await login(client, "city.admin")
    report = await _submitted_report(db, demo)
    (assignment,) = await _assign(client, city, report["item"], demo["expert.1"])
    expert = await login(client, "expert.1")
    draft = await client.post(
        "/api/v1/review-opinions",
        json={"assignment_id": assignment["id"], "criteria": [{"code": "SS05", "met": True}]},
        headers=expert,
    )
    assert draft.status_code == 201 and draft.json()["status"] == "draft"
    opinion_id = draft.json()["id"]
    # An evaluator not on the team is refused even in a draft.
    stranger = await client.put(
        f"/api/v1/review-opinions/{opinion_id}",
        json={"criteria": [{"code": "SS05", "met": True, "evaluator_ids": [999999]}]},
        headers=expert,
    )
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "criteria.SS05.evaluator_ids"
    # Submitting an incomplete opinion names every gap.
    incomplete = await client.post(
        f"/api/v1/review-opinions/{opinion_id}/submit", json={"signature": "周专家"}, headers=expert
    )
    assert incomplete.status_code == 422
    fields = {e["field"] for e in incomplete.json()["errors"]}
    assert {"criteria.SS01", "criteria.XJ06", "criteria.SS05.location", "opinion_text", "conclusion"} <= fields
    # A conclusion inconsistent with what is ticked is refused, with the reason.
    body = await _full_opinion(client, expert, assignment["id"], met={"SS05": []}, conclusion="rectify")
    assert (await client.put(f"/api/v1/review-opinions/{opinion_id}", json=body, headers=expert)).status_code == 200
    inconsistent = await client.post(
        f"/api/v1/review-opinions/{opinion_id}/submit", json={"signature": "周专家"}, headers=expert
    )
    assert inconsistent.status_code == 422
    assert inconsistent.json()["errors"] == [
        {"field": "conclusion", "message": "已认定失实情形（SS05），结论应为“失实”"}
    ]
    body["conclusion"] = "inaccurate"
    await client.put(f"/api/v1/review-opinions/{opinion_id}", json=body, headers=expert)
    wrong_name = await client.post(
        f"/api/v1/review-opinions/{opinion_id}/submit", json={"signature": "吴专家"}, headers=expert
    )
    assert wrong_name.status_code == 422 and wrong_name.json()["errors"][0]["field"] == "signature"
    signed = await client.post(
        f"/api/v1/review-opinions/{opinion_id}/submit", json={"signature": "周专家"}, headers=expert
    )
    assert signed.status_code == 200, signed.text
    assert signed.json()["status"] == "submitted" and len(signed.json()["content_sha256"]) == 64
    # Submitted: immutable through the API ...
    for response in (
        await client.put(f"/api/v1/review-opinions/{opinion_id}", json=body, headers=expert),
        await client.delete(f"/api/v1/review-opinions/{opinion_id}", headers=expert),
        await client.post("/api/v1/review-opinions", json={"assignment_id": assignment["id"]}, headers=expert),
    ):
        assert response.status_code == 409, response.text
    # ... and below it: the ORM refuses to change a signed opinion whatever the caller.
    stored = await db.get_one(ReviewOpinion, opinion_id)
    stored.opinion_text = "篡改"
    with pytest.raises(SignedOpinionChanged):
        await db.flush()
    await db.rollback()
    # A correction is a new version with its reason; the history stays.
    correction = await client.post(
        f"/api/v1/review-opinions/{opinion_id}/corrections", json={"reason": "复核后撤回 SS05"}, headers=expert
    )
    assert correction.status_code == 201
    v2 = correction.json()
    assert v2["version"] == 2 and v2["previous_id"] == opinion_id and v2["correction_reason"] == "复核后撤回 SS05"
    assert [(h["version"], h["status"]) for h in v2["history"]] == [(1, "submitted"), (2, "draft")]
    assert [h["is_current"] for h in v2["history"]] == [True, False]  # until v2 is signed, v1 stands
    again = await client.post(
        f"/api/v1/review-opinions/{opinion_id}/corrections", json={"reason": "再次"}, headers=expert
    )
    assert again.status_code == 409
    assert (await db.get_one(ReviewOpinion, opinion_id)).opinion_text == "审查意见正文"


async def test_submitting_raises_findings_against_agency_project_and_evaluators(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    city = await login(client, "city.admin")
    report = await _submitted_report(db, demo)
    first, second = await _assign(client, city, report["item"], demo["expert.1"], demo["expert.2"])
    leader, member = report["evaluators"]
    breach = {"sub_code": "PC04", "description": "现场照片无拍摄时间", "location": "附件 2", "evaluator_ids": [member]}
    opinion = await _submit_opinion(
        client,
        "expert.1",
        first["id"],
        met={"SS05": [leader], "XJ02": [leader, member]},
        hazards={"MH12": "not_evaluated"},
        breaches=[breach],
        conclusion="false",
    )
    findings = {(f["code"], f["sub_code"]): f for f in opinion["findings"]}
    assert set(findings) == {("R1", "SS05"), ("R2", "XJ02"), ("R3", "MH12"), ("R4", "PC04")}
    rows = {
        (f.code, f.sub_code): f
        for f in await db.scalars(
            select(Finding).where(Finding.source == "expert_review", Finding.project_id == report["project"])
        )
    }
    xj02 = rows[("R2", "XJ02")]
    assert xj02.agency_id == demo[HEAD_A] and xj02.severity == "critical" and xj02.source_id == opinion["id"]
    assert "第 3 章" in xj02.description
    concerned = set(
        await db.scalars(select(FindingEvaluator.evaluator_id).where(FindingEvaluator.finding_id == xj02.id))
    )
    assert concerned == {leader, member}
    # The agency sees the findings in its list, with the evaluators concerned.
    agency = await login(client, "agency.a.admin")
    listed = await client.get(f"/api/v1/findings?project_id={report['project']}&source=expert_review", headers=agency)
    assert listed.json()["total"] == 4
    detail = await client.get(f"/api/v1/findings/{xj02.id}", headers=agency)
    assert {e["id"] for e in detail.json()["evaluators"]} == {leader, member}
    # A second expert naming the same problem confirms it rather than duplicating it.
    await _submit_opinion(client, "expert.2", second["id"], breaches=[breach], conclusion="rectify")
    count = await db.scalar(
        select(func.count(Finding.id)).where(Finding.project_id == report["project"], Finding.code == "R4")
    )
    assert count == 1
    # A correction that no longer names a problem withdraws its finding if nobody worked on it yet; a finding
    # another expert also named, or one the agency started on, stays.
    ss05 = rows[("R1", "SS05")]
    start = await client.post(f"/api/v1/findings/{ss05.id}/transitions", json={"action": "start"}, headers=agency)
    assert start.status_code == 200
    expert = await login(client, "expert.1")
    v2 = (
        await client.post(
            f"/api/v1/review-opinions/{opinion['id']}/corrections", json={"reason": "复核"}, headers=expert
        )
    ).json()
    body = await _full_opinion(client, expert, first["id"], conclusion="no_problem")
    assert (await client.put(f"/api/v1/review-opinions/{v2['id']}", json=body, headers=expert)).status_code == 200
    signed = await client.post(
        f"/api/v1/review-opinions/{v2['id']}/submit", json={"signature": "周专家"}, headers=expert
    )
    assert signed.status_code == 200 and signed.json()["findings"] == []
    db.expire_all()
    remaining = {
        (f.code, f.sub_code)
        for f in await db.scalars(
            select(Finding).where(Finding.source == "expert_review", Finding.project_id == report["project"])
        )
    }
    assert remaining == {("R1", "SS05"), ("R4", "PC04")}


# --- the panel --------------------------------------------------------------------------------------------------
async def test_panel_flags_disagreement_and_records_the_decision(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    city = await login(client, "city.admin")
    report = await _submitted_report(db, demo)
    first, second = await _assign(client, city, report["item"], demo["expert.1"], demo["expert.2"])
    premature = await client.put(
        f"/api/v1/review-panels/{report['item']}/decision", json={"conclusion": "no_problem"}, headers=city
    )
    assert premature.status_code == 409
    await _submit_opinion(client, "expert.1", first["id"], met={"SS03": []}, conclusion="inaccurate")
    await _submit_opinion(client, "expert.2", second["id"], conclusion="no_problem")
    panel = (await client.get(f"/api/v1/review-panels/{report['item']}", headers=city)).json()
    assert panel["has_disagreement"] is True and len(panel["opinions"]) == 2
    topics = {d["topic"]: d["answers"] for d in panel["disagreements"]}
    assert topics["conclusion"] == {str(demo["expert.1"]): "失实", str(demo["expert.2"]): "未发现问题"}
    assert topics["SS03"] == {str(demo["expert.1"]): "是", str(demo["expert.2"]): "否"}
    listed = (await client.get("/api/v1/review-panels?disagreement=true&page_size=200", headers=city)).json()
    assert report["item"] in {r["retrieval_item_id"] for r in listed["items"]}
    no_reason = await client.put(
        f"/api/v1/review-panels/{report['item']}/decision", json={"conclusion": "inaccurate"}, headers=city
    )
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "note"
    decided = await client.put(
        f"/api/v1/review-panels/{report['item']}/decision",
        json={"conclusion": "inaccurate", "note": "经会商，采纳周专家意见"},
        headers=city,
    )
    assert decided.status_code == 200
    assert decided.json()["decision"]["conclusion"] == "inaccurate" and decided.json()["decision"]["decided_by_name"]
    decided_list = (await client.get("/api/v1/review-panels?decided=true&page_size=200", headers=city)).json()
    row = next(r for r in decided_list["items"] if r["retrieval_item_id"] == report["item"])
    assert row["decision"] == "inaccurate" and row["submitted_count"] == 2 and row["expert_count"] == 2
    # The panel is the city's alone.
    assert (
        await client.get(f"/api/v1/review-panels/{report['item']}", headers=await login(client, "expert.1"))
    ).status_code == 403


# --- the document -----------------------------------------------------------------------------------------------
async def test_opinion_pdf_is_chinese_text_in_cjk_fonts(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int]
) -> None:
    city = await login(client, "city.admin")
    report = await _submitted_report(db, demo)
    (assignment,) = await _assign(client, city, report["item"], demo["expert.1"])
    opinion = await _submit_opinion(client, "expert.1", assignment["id"], met={"SS05": []}, conclusion="inaccurate")
    response = await client.get(f"/api/v1/review-opinions/{opinion['id']}/pdf", headers=await login(client, "expert.1"))
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages).replace(" ", "")
    for expected in (
        "安全评价报告审查意见书",
        opinion["project_name"],
        "重大危险源辨识分级缺失或严重错误",
        "失实",
        "周专家",
    ):
        assert expected.replace(" ", "") in text, expected
    assert opinion["content_sha256"] in text
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    # Every glyph comes from the Noto CJK faces the setup installs: no fallback font, no missing glyphs.
    assert fonts and all("Noto" in name and "CJK" in name for name in fonts), fonts
