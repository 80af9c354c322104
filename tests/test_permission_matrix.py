"""Every route of the app × every role × {own scope, sibling scope} → the expected status.

The table is read from the route table: a new route without a row here fails test_every_route_is_in_the_matrix.
Statuses follow the convention: 401 no token · 403 in scope but not your verb · 404 missing or out of scope.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.app import create_app
from backend.auth import tokens
from backend.auth.actor import resolve_actor
from backend.models import Agency, ApiToken, Campaign, Enterprise, RetrievalRequest, User
from tests import builders
from tests.conftest import login, make_settings

ACTORS = [
    "anonymous",
    "city.admin",
    "county.haigang",
    "agency.a.admin",
    "agency.a.branch",
    "expert.1",
    "agency.a.token",
]
HEAD_A, BRANCH_A, AGENCY_B = (
    "河北安泰安全评价有限公司",
    "河北安泰安全评价有限公司昌黎分公司",
    "秦皇岛衡安安全技术咨询有限公司",
)
# Every actor tries a sibling's records, except the city, which sees everything.
HAS_SIBLING = {"county.haigang", "agency.a.admin", "agency.a.branch", "expert.1", "agency.a.token"}

PUBLIC = {
    ("GET", "/api/v1/health"),
    ("POST", "/api/v1/auth/token"),
    ("POST", "/api/v1/auth/refresh"),  # authenticated by its httpOnly cookie, tested in test_auth
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
    ("GET", "/api/v1/docs/oauth2-redirect"),
    ("GET", "/{path:path}"),  # the SPA
    ("GET", "/api/v1/files/{file_id}/download"),  # authorised by its signed link, tested in test_uploads
}

Body = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None


@dataclass(frozen=True)
class Row:
    method: str
    path: str  # {placeholders} are filled from the test's world; {name} are route parameters
    own: dict[str, int]  # expected status per actor on its own records (or the collection)
    body: Body = None
    targeted: bool = False  # names a scoped record: a sibling's record is tried too (404 once allowed)
    route: str | None = None  # the route's path in the app when it differs from `path`
    # a sibling's record when the verb is checked only after the record is found (state machines): 404 for all
    # actors allowed to read it
    sibling_after_lookup: frozenset[str] = frozenset()


def statuses(default: int, **by_actor: int) -> dict[str, int]:
    expected = dict.fromkeys(ACTORS, default)
    expected["anonymous"] = 401
    expected.update({name.replace("_", "."): status for name, status in by_actor.items()})
    return expected


NEW_PASSWORD = "Qhd-Anping-2025"
ADMINS = {"expert.1": 403, "agency.a.token": 403}
REGISTRY_READERS = {"expert.1": 403}
CITY_ONLY = dict.fromkeys(("county_haigang", "agency_a_admin", "agency_a_branch", "expert_1", "agency_a_token"), 403)
CITY_COUNTY = dict.fromkeys(("agency_a_admin", "agency_a_branch", "expert_1", "agency_a_token"), 403)
AGENCY_EDITORS = {"county_haigang": 403, "expert_1": 403, "agency_a_token": 403}
VERIFIERS = {"expert_1": 403, "agency_a_token": 403}
NOT_REVIEWERS = dict.fromkeys(("county_haigang", "agency_a_admin", "agency_a_branch", "agency_a_token"), 403)
EXPERT_ONLY = dict.fromkeys(("city_admin", *NOT_REVIEWERS), 403)
_unique = itertools.count(1)
INSPECTING_ONLY = dict.fromkeys(("agency_a_admin", "agency_a_branch", "expert_1", "agency_a_token"), 403)


def _penalty_body(world: dict[str, Any], agency: int | None = None) -> dict[str, Any]:
    return {
        "target_kind": "agency",
        "agency_id": agency or world["own_agency"],
        "decision_number": f"（秦）应急罚〔2025〕矩阵{world['unique']}号",
        "decided_on": "2024-11-01",
        "legal_basis": "《安全生产法》第九十二条第一款",
        "measures": ["fine"],
        "fine_amount": "30000.00",
    }


def _valid_credit_code() -> str:
    return builders.credit_code("130302")


MATRIX = [
    Row("GET", "/api/v1/auth/me", statuses(200, agency_a_token=404)),
    Row("POST", "/api/v1/auth/logout", statuses(204)),
    Row(
        "POST",
        "/api/v1/auth/password",
        statuses(204, agency_a_token=404),
        body={"current_password": "Anping@2024", "new_password": NEW_PASSWORD},
    ),
    Row("GET", "/api/v1/users", statuses(200, **ADMINS)),
    Row(
        "POST",
        "/api/v1/users",
        statuses(201, **ADMINS),
        body={"username": "new.user", "full_name": "新用户", "password": NEW_PASSWORD},
    ),
    Row("GET", "/api/v1/users/{user}", statuses(200, **ADMINS), targeted=True),
    Row("PATCH", "/api/v1/users/{user}", statuses(200, **ADMINS), body={"phone": "0335-1234567"}, targeted=True),
    Row(
        "POST",
        "/api/v1/users/{user}/password",
        statuses(204, **ADMINS),
        body={"new_password": NEW_PASSWORD},
        targeted=True,
    ),
    Row("GET", "/api/v1/organizations", statuses(200)),
    Row("GET", "/api/v1/organizations/{organization}", statuses(200), targeted=True),
    Row("GET", "/api/v1/api-tokens", statuses(200, **ADMINS)),
    Row("POST", "/api/v1/api-tokens", statuses(201, **ADMINS), body={"name": "机构业务系统"}),
    Row("DELETE", "/api/v1/api-tokens/{api_token}", statuses(204, **ADMINS), targeted=True),
    Row("GET", "/api/v1/audit-events", statuses(403, city_admin=200)),
    Row("GET", "/api/v1/reference-codes", statuses(200)),
    # campaigns: the same for everyone to read; the city sets them up
    Row("GET", "/api/v1/campaigns", statuses(200)),
    Row("GET", "/api/v1/campaigns/current", statuses(200)),
    Row("GET", "/api/v1/campaigns/{campaign}", statuses(200)),
    Row("POST", "/api/v1/campaigns", statuses(201, **CITY_ONLY), body={"name": "2027年专项整治", "year": 2027}),
    Row("PATCH", "/api/v1/campaigns/{campaign}", statuses(200, **CITY_ONLY), body={"name": "专项整治（修订）"}),
    # agencies
    Row("GET", "/api/v1/agencies", statuses(200, **REGISTRY_READERS)),
    Row("GET", "/api/v1/agencies/export", statuses(200, **REGISTRY_READERS)),
    Row("GET", "/api/v1/agencies/directory", statuses(200, **CITY_COUNTY)),
    Row(
        "POST",
        "/api/v1/agencies",
        statuses(201, **CITY_ONLY),
        body=lambda w: {"name": "新登记评价机构", "credit_code": _valid_credit_code(), "county_id": w["own_county"]},
    ),
    Row("GET", "/api/v1/agencies/{agency}", statuses(200, **REGISTRY_READERS), targeted=True),
    Row(
        "PATCH",
        "/api/v1/agencies/{agency}",
        statuses(200, **AGENCY_EDITORS),
        body={"contact_name": "联系人"},
        targeted=True,
    ),
    Row(
        "PATCH",
        "/api/v1/agencies/{change_agency}/changes/{change}",
        statuses(200, **AGENCY_EDITORS),
        body={"registered_on": date.today().isoformat()},
        targeted=True,
        route="/api/v1/agencies/{agency_id}/changes/{change_id}",
    ),
    # evaluators
    Row("GET", "/api/v1/evaluators", statuses(200, **REGISTRY_READERS)),
    Row("GET", "/api/v1/evaluators/export", statuses(200, **REGISTRY_READERS)),
    Row(
        "POST",
        "/api/v1/evaluators",
        statuses(201, **AGENCY_EDITORS),
        body=lambda w: {"name": "新评价员", "id_number": builders.id_number(), "agency_id": w["own_agency"]},
    ),
    Row("GET", "/api/v1/evaluators/{evaluator}", statuses(200, **REGISTRY_READERS), targeted=True),
    Row(
        "PATCH",
        "/api/v1/evaluators/{evaluator}",
        statuses(200, **AGENCY_EDITORS),
        body={"major": "安全工程"},
        targeted=True,
    ),
    Row(
        "POST",
        "/api/v1/evaluators/{evaluator}/verifications",
        statuses(201, **VERIFIERS),
        body={"platform": "mohrss", "result": "consistent"},
        targeted=True,
    ),
    # enterprises
    Row("GET", "/api/v1/enterprises", statuses(200, **REGISTRY_READERS)),
    Row("GET", "/api/v1/enterprises/export", statuses(200, **REGISTRY_READERS)),
    Row(
        "POST",
        "/api/v1/enterprises",
        statuses(201, **CITY_COUNTY),
        body=lambda w: {
            "name": "新登记化工有限公司",
            "credit_code": _valid_credit_code(),
            "county_id": w["own_county"],
        },
    ),
    Row("GET", "/api/v1/enterprises/{enterprise}", statuses(200, **REGISTRY_READERS), targeted=True),
    Row(
        "PATCH",
        "/api/v1/enterprises/{enterprise}",
        statuses(200, **CITY_COUNTY),
        body={"address": "新地址"},
        targeted=True,
    ),
    # projects
    Row("GET", "/api/v1/projects", statuses(200, **REGISTRY_READERS)),
    Row("GET", "/api/v1/projects/export", statuses(200, **REGISTRY_READERS)),
    Row("POST", "/api/v1/projects/import", statuses(422, **CITY_COUNTY)),  # allowed, but no file was sent
    Row(
        "POST",
        "/api/v1/projects",
        statuses(201, **CITY_COUNTY),
        body=lambda w: {
            "enterprise_id": w["own_enterprise"],
            "agency_id": w["own_agency"],
            "kind": "status",
            "name": "新项目安全现状评价",
            "report_number": "NEW-001",
            "issued_on": "2025-06-01",
        },
    ),
    Row("GET", "/api/v1/projects/{project}", statuses(200, **REGISTRY_READERS), targeted=True),
    Row("PATCH", "/api/v1/projects/{project}", statuses(200, **CITY_COUNTY), body={"note": "已核对"}, targeted=True),
    Row("DELETE", "/api/v1/projects/{project}", statuses(204, **CITY_COUNTY), targeted=True),
    # county work: liaisons (附件5), submissions
    Row("GET", "/api/v1/liaisons", statuses(200, **CITY_COUNTY)),
    Row(
        "GET",
        "/api/v1/liaisons/export?campaign_id={campaign}",
        statuses(200, **CITY_COUNTY),
        route="/api/v1/liaisons/export",
    ),
    Row(
        "POST",
        "/api/v1/liaisons/import?campaign_id={campaign}",
        statuses(422, **CITY_COUNTY),
        route="/api/v1/liaisons/import",
    ),
    Row(
        "POST",
        "/api/v1/liaisons",
        statuses(201, **CITY_COUNTY),
        body=lambda w: {
            "campaign_id": w["campaign"],
            "county_id": w["own_county"],
            "unit": "危化科",
            "name": "新联络员",
        },
    ),
    Row(
        "PATCH",
        "/api/v1/liaisons/{liaison}",
        statuses(200, **CITY_COUNTY),
        body={"mobile": "13900000000"},
        targeted=True,
    ),
    Row("DELETE", "/api/v1/liaisons/{liaison}", statuses(204, **CITY_COUNTY), targeted=True),
    Row(
        "GET",
        "/api/v1/county-submissions?campaign_id={campaign}",
        statuses(200, **CITY_COUNTY),
        route="/api/v1/county-submissions",
    ),
    Row(
        "PUT",
        "/api/v1/county-submissions/liaison_table",
        statuses(403, county_haigang=200),
        body=lambda w: {"campaign_id": w["campaign"]},
        route="/api/v1/county-submissions/{kind}",
    ),
    Row(
        "GET",
        "/api/v1/county-submissions/county_work_plan/{submission_county}?campaign_id={campaign}",
        statuses(200, **CITY_COUNTY),
        targeted=True,
        route="/api/v1/county-submissions/{kind}/{county_id}",
    ),
]

READERS_NOT_EXPERT = frozenset({"county.haigang", "agency.a.admin", "agency.a.branch", "agency.a.token"})
AGENCY_FILLERS = dict.fromkeys(("city_admin", "county_haigang", "expert_1"), 403)
OVERSEERS = dict.fromkeys(("agency_a_admin", "agency_a_branch", "expert_1", "agency_a_token"), 403)

MATRIX += [
    Row("GET", "/api/v1/self-checks", statuses(200, **REGISTRY_READERS)),
    Row(
        "POST",
        "/api/v1/self-checks",
        statuses(201, **AGENCY_FILLERS),
        body=lambda w: {"campaign_id": w["old_campaign"], "kind": "projects"},
    ),
    Row(
        "GET",
        "/api/v1/self-checks/oversight?campaign_id={campaign}",
        statuses(200, **OVERSEERS),
        route="/api/v1/self-checks/oversight",
    ),
    Row(
        "POST",
        "/api/v1/self-checks/reminders",
        statuses(200, **OVERSEERS),
        body=lambda w: {"campaign_id": w["campaign"], "agency_ids": [w["own_agency"]]},
    ),
    Row(
        "GET",
        "/api/v1/self-checks/export?campaign_id={campaign}&kind=qualification",
        statuses(200, **REGISTRY_READERS),
        route="/api/v1/self-checks/export",
    ),
    Row("GET", "/api/v1/self-checks/{self_check}", statuses(200, **REGISTRY_READERS), targeted=True),
    Row(
        "PUT",
        "/api/v1/self-checks/{self_check}",
        statuses(200, **AGENCY_FILLERS),
        body={"header": {"phone": "0335-1"}},
        targeted=True,
    ),
    # accepting a draft: the city may accept, but not a draft (409); nobody else may accept at all (403)
    Row(
        "POST",
        "/api/v1/self-checks/{self_check}/transitions",
        statuses(403, city_admin=409),
        body={"action": "accept"},
        targeted=True,
        sibling_after_lookup=READERS_NOT_EXPERT,
    ),
    Row("GET", "/api/v1/self-checks/{self_check}/export", statuses(200, **REGISTRY_READERS), targeted=True),
    Row("GET", "/api/v1/findings", statuses(200, **REGISTRY_READERS)),
    Row(
        "POST",
        "/api/v1/findings",
        statuses(201, **CITY_COUNTY),
        body=lambda w: {
            "source": "county_check",
            "code": "R4",
            "project_id": w["own_project"],
            "description": "报告缺少附件",
        },
    ),
    Row("GET", "/api/v1/findings/{finding}", statuses(200, **REGISTRY_READERS), targeted=True),
    # starting rectification belongs to the agency (its admins and its machine client)
    Row(
        "POST",
        "/api/v1/findings/{finding}/transitions",
        statuses(200, city_admin=403, county_haigang=403, expert_1=403),
        body={"action": "start"},
        targeted=True,
        sibling_after_lookup=READERS_NOT_EXPERT,
    ),
    # evidence: the agency while rectifying, the city or the raising county until accepted
    Row(
        "POST",
        "/api/v1/findings/{finding}/evidence",
        statuses(200, county_haigang=403, expert_1=403),
        body=lambda w: {"file_id": w["file"], "note": "整改后照片"},
        targeted=True,
        sibling_after_lookup=READERS_NOT_EXPERT,
    ),
    Row(
        "DELETE",
        "/api/v1/findings/{finding}/evidence/{evidence}",
        statuses(200, county_haigang=403, expert_1=403),
        targeted=True,
        sibling_after_lookup=READERS_NOT_EXPERT,
        route="/api/v1/findings/{finding_id}/evidence/{evidence_id}",
    ),
    Row("GET", "/api/v1/notifications", statuses(200)),
    Row("POST", "/api/v1/notifications/{notification}/read", statuses(204), targeted=True),
]

EVERY_ACTOR = frozenset(ACTORS) - {"anonymous"}
AGENCY_SUBMITTERS = dict.fromkeys(("city_admin", "county_haigang", "expert_1"), 403)
RETRIEVAL_READERS = {"expert_1": 403}

MATRIX += [
    # uploads (tus): anyone may upload; an upload in progress belongs to the organisation that started it
    Row("OPTIONS", "/api/v1/uploads", statuses(204)),
    Row("POST", "/api/v1/uploads", statuses(422)),  # allowed, but without Upload-Length
    Row("GET", "/api/v1/uploads/{upload}", statuses(200), targeted=True),
    Row("PATCH", "/api/v1/uploads/{upload}", statuses(422)),  # allowed, but without Upload-Offset
    Row("DELETE", "/api/v1/uploads/{upload}", statuses(204), targeted=True),
    Row(
        "POST",
        "/api/v1/uploads/{upload}/complete",
        statuses(409),  # found, but not all bytes have arrived
        targeted=True,
        sibling_after_lookup=EVERY_ACTOR,
    ),
    # files: the uploader's organisation, and whoever sees a record the file is attached to
    Row("GET", "/api/v1/files/{file}", statuses(200), targeted=True),
    Row("GET", "/api/v1/files/{file}/content", statuses(200), targeted=True),
    Row("POST", "/api/v1/files/{file}/link", statuses(200), targeted=True),
    # report retrieval (附件4)
    Row("GET", "/api/v1/retrieval-requests", statuses(200, **RETRIEVAL_READERS)),
    Row(
        "POST",
        "/api/v1/retrieval-requests",
        statuses(201, **CITY_ONLY),
        body=lambda w: {"campaign_id": w["campaign"], "agency_id": w["own_agency"]},
    ),
    Row("GET", "/api/v1/retrieval-requests/{retrieval}", statuses(200, **RETRIEVAL_READERS), targeted=True),
    Row(
        "POST",
        "/api/v1/retrieval-requests/{retrieval}/items/{retrieval_item}/files",
        statuses(200, **AGENCY_SUBMITTERS),
        body=lambda w: {"file_id": w["file"], "slot": "archive"},
        targeted=True,
        route="/api/v1/retrieval-requests/{request_id}/items/{item_id}/files",
    ),
    Row(
        "DELETE",
        "/api/v1/retrieval-requests/{retrieval}/items/{retrieval_item}/files/{retrieval_link}",
        statuses(200, **AGENCY_SUBMITTERS),
        targeted=True,
        route="/api/v1/retrieval-requests/{request_id}/items/{item_id}/files/{link_id}",
    ),
    Row(
        "POST",
        "/api/v1/retrieval-requests/{retrieval}/submit",
        statuses(200, **AGENCY_SUBMITTERS),
        targeted=True,
        route="/api/v1/retrieval-requests/{request_id}/submit",
    ),
    Row(
        "POST",
        "/api/v1/retrieval-requests/{retrieval_submitted}/items/{retrieval_submitted_item}/review",
        statuses(200, **CITY_ONLY),
        body={"decision": "received"},
        targeted=True,
        route="/api/v1/retrieval-requests/{request_id}/items/{item_id}/review",
    ),
    # expert review: the city organises and decides; an expert sees only its own profile, tasks and opinions
    Row("GET", "/api/v1/experts", statuses(200, **NOT_REVIEWERS)),
    Row("GET", "/api/v1/experts/{expert}", statuses(200, **NOT_REVIEWERS), targeted=True),
    Row("PATCH", "/api/v1/experts/{expert}", statuses(200, **CITY_ONLY), body={"in_pool": True}, targeted=True),
    Row(
        "POST",
        "/api/v1/experts/{expert}/conflicts",
        statuses(201, **NOT_REVIEWERS),
        body=lambda w: {"agency_id": w["own_agency"], "reason": "曾在该机构任职"},
        targeted=True,
    ),
    Row(
        "DELETE",
        "/api/v1/experts/{expert}/conflicts/{expert_conflict}",
        statuses(200, expert_1=409, **NOT_REVIEWERS),  # an expert declares conflicts; only the city lifts one
        targeted=True,
        sibling_after_lookup=frozenset({"expert.1"}),
        route="/api/v1/experts/{expert_id}/conflicts/{conflict_id}",
    ),
    Row("GET", "/api/v1/review-assignments", statuses(200, **NOT_REVIEWERS)),
    Row(
        "POST",
        "/api/v1/review-assignments",
        statuses(201, **CITY_ONLY),
        body=lambda w: {"retrieval_item_ids": [w["review_item"]], "expert_ids": [w["expert"]]},
    ),
    Row("GET", "/api/v1/review-assignments/{review_assignment}", statuses(200, **NOT_REVIEWERS), targeted=True),
    Row("DELETE", "/api/v1/review-assignments/{review_assignment}", statuses(204, **CITY_ONLY), targeted=True),
    Row(
        "POST",
        "/api/v1/review-draws",
        statuses(201, **CITY_ONLY),
        body=lambda w: {
            "campaign_id": w["campaign"],
            "retrieval_item_ids": [w["review_item"]],
            "experts_per_report": 1,
        },
    ),
    Row("GET", "/api/v1/review-draws/{review_draw}", statuses(200, **CITY_ONLY), targeted=True),
    Row("GET", "/api/v1/review-opinions", statuses(200, **NOT_REVIEWERS)),
    Row(
        "POST",
        "/api/v1/review-opinions",
        statuses(201, **EXPERT_ONLY),
        body=lambda w: {"assignment_id": w["review_assignment_fresh"]},
        targeted=True,
    ),
    Row(
        "GET",
        "/api/v1/review-opinions/{review_opinion_submitted}",
        statuses(200, **NOT_REVIEWERS),
        targeted=True,
        route="/api/v1/review-opinions/{opinion_id}",
    ),
    Row("PUT", "/api/v1/review-opinions/{review_opinion}", statuses(200, **EXPERT_ONLY), body={}, targeted=True),
    Row("DELETE", "/api/v1/review-opinions/{review_opinion}", statuses(204, **EXPERT_ONLY), targeted=True),
    Row(
        "POST",
        "/api/v1/review-opinions/{review_opinion}/submit",
        statuses(422, **EXPERT_ONLY),  # found, but nothing in the checklist is answered yet
        body={"signature": "周专家"},
        targeted=True,
        sibling_after_lookup=frozenset({"expert.1"}),
        route="/api/v1/review-opinions/{opinion_id}/submit",
    ),
    Row(
        "POST",
        "/api/v1/review-opinions/{review_opinion_submitted}/corrections",
        statuses(201, **EXPERT_ONLY),
        body={"reason": "补充审查意见"},
        targeted=True,
        route="/api/v1/review-opinions/{opinion_id}/corrections",
    ),
    Row(
        "GET",
        "/api/v1/review-opinions/{review_opinion_submitted}/pdf",
        statuses(200, **NOT_REVIEWERS),
        targeted=True,
        route="/api/v1/review-opinions/{opinion_id}/pdf",
    ),
    Row("GET", "/api/v1/review-panels", statuses(200, **CITY_ONLY)),
    Row("GET", "/api/v1/review-panels/{review_item}", statuses(200, **CITY_ONLY), targeted=True),
    Row(
        "PUT",
        "/api/v1/review-panels/{review_item_opinion}/decision",
        statuses(200, **CITY_ONLY),
        body={"conclusion": "no_problem"},
        targeted=True,
        route="/api/v1/review-panels/{retrieval_item_id}/decision",
    ),
    # inspections (city and counties), county checks of reports, penalties; an agency reads what concerns it
    Row("GET", "/api/v1/inspectors", statuses(200, **INSPECTING_ONLY)),
    Row(
        "POST",
        "/api/v1/inspectors",
        statuses(201, **INSPECTING_ONLY),
        body=lambda w: {"name": "新执法员", "certificate_number": f"NEW{w['unique']:08d}"},
    ),
    Row(
        "PATCH",
        "/api/v1/inspectors/{inspector}",
        statuses(200, **INSPECTING_ONLY),
        body={"phone": "0335-1"},
        targeted=True,
    ),
    Row(
        "POST",
        "/api/v1/inspection-draws",
        statuses(201, **CITY_ONLY),
        body=lambda w: {"campaign_id": w["campaign"], "target_count": 1, "inspectors_per_target": 2},
    ),
    Row("GET", "/api/v1/inspection-draws/{inspection_draw}", statuses(200, **CITY_ONLY), targeted=True),
    Row("GET", "/api/v1/inspections", statuses(200, expert_1=403)),
    Row(
        "GET",
        "/api/v1/inspections/duty?campaign_id={campaign}",
        statuses(200, **INSPECTING_ONLY),
        route="/api/v1/inspections/duty",
    ),
    Row(
        "POST",
        "/api/v1/inspections",
        statuses(201, **INSPECTING_ONLY),
        body=lambda w: {"campaign_id": w["campaign"], "agency_id": w["own_agency"]},
    ),
    Row(
        "GET",
        "/api/v1/inspections/{inspection_done}",
        statuses(200, expert_1=403),
        targeted=True,
        route="/api/v1/inspections/{inspection_id}",
    ),
    Row("PUT", "/api/v1/inspections/{inspection}", statuses(200, **INSPECTING_ONLY), body={}, targeted=True),
    Row("DELETE", "/api/v1/inspections/{inspection}", statuses(204, **INSPECTING_ONLY), targeted=True),
    Row(
        "POST",
        "/api/v1/inspections/{inspection}/complete",
        statuses(422, **INSPECTING_ONLY),  # found, but the record is empty
        targeted=True,
        sibling_after_lookup=frozenset({"county.haigang"}),
        route="/api/v1/inspections/{inspection_id}/complete",
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection}/files",
        statuses(200, **INSPECTING_ONLY),
        body=lambda w: {"file_id": w["file"]},
        targeted=True,
        route="/api/v1/inspections/{inspection_id}/files",
    ),
    Row(
        "DELETE",
        "/api/v1/inspections/{inspection}/files/{inspection_file}",
        statuses(200, **INSPECTING_ONLY),
        targeted=True,
        route="/api/v1/inspections/{inspection_id}/files/{link_id}",
    ),
    Row(
        "POST",
        "/api/v1/inspections/{inspection_done}/documents",
        statuses(200, **INSPECTING_ONLY),
        body=lambda w: {
            "kind": "rectification_order",
            "number": f"（秦）应急责改〔2024〕{w['unique']}号",
            "issued_on": "2024-10-20",
        },
        targeted=True,
        route="/api/v1/inspections/{inspection_id}/documents",
    ),
    Row(
        "DELETE",
        "/api/v1/inspections/{inspection_done}/documents/{document}",
        statuses(200, **INSPECTING_ONLY),
        targeted=True,
        route="/api/v1/inspections/{inspection_id}/documents/{document_id}",
    ),
    Row("GET", "/api/v1/county-checks", statuses(200, expert_1=403)),
    Row(
        "POST",
        "/api/v1/county-checks",
        statuses(201, **INSPECTING_ONLY),
        body=lambda w: {"campaign_id": w["campaign"], "project_id": w["own_project"]},
    ),
    Row(
        "GET",
        "/api/v1/county-checks/{county_check_done}",
        statuses(200, expert_1=403),
        targeted=True,
        route="/api/v1/county-checks/{check_id}",
    ),
    Row("PUT", "/api/v1/county-checks/{county_check}", statuses(200, **INSPECTING_ONLY), body={}, targeted=True),
    Row("DELETE", "/api/v1/county-checks/{county_check}", statuses(204, **INSPECTING_ONLY), targeted=True),
    Row(
        "POST",
        "/api/v1/county-checks/{county_check}/complete",
        statuses(422, **INSPECTING_ONLY),  # found, but no verdicts yet
        targeted=True,
        sibling_after_lookup=frozenset({"county.haigang"}),
        route="/api/v1/county-checks/{check_id}/complete",
    ),
    Row("GET", "/api/v1/penalties", statuses(200, expert_1=403)),
    Row("POST", "/api/v1/penalties", statuses(201, **INSPECTING_ONLY), body=lambda w: _penalty_body(w)),
    Row("GET", "/api/v1/penalties/{penalty}", statuses(200, expert_1=403), targeted=True),
    Row(
        "PUT",
        "/api/v1/penalties/{penalty}",
        statuses(200, **INSPECTING_ONLY),
        body=lambda w: _penalty_body(w, w["agency"]),
        targeted=True,
    ),
    Row("DELETE", "/api/v1/penalties/{penalty}", statuses(204, **INSPECTING_ONLY), targeted=True),
    # the enforcement system's callbacks (its city-issued API token only) and the outbox (city admins)
    Row("POST", "/api/v1/enforcement/callbacks", statuses(403), body={"event": "document.issued"}),
    Row("GET", "/api/v1/enforcement/outbox", statuses(200, **CITY_ONLY)),
    Row(
        "POST",
        "/api/v1/enforcement/outbox/{outbox}/resend",
        statuses(200, **CITY_ONLY),
        targeted=True,
        route="/api/v1/enforcement/outbox/{message_id}/resend",
    ),
    # dashboard counts: the city (everything) and the counties (their jurisdiction)
    Row("GET", "/api/v1/dashboard/counts", statuses(200, **CITY_COUNTY)),
]

ROUTE_PARAMS = {
    "{self_check}": "{self_check_id}",
    "{finding}": "{finding_id}",
    "{notification}": "{notification_id}",
    "{user}": "{user_id}",
    "{organization}": "{organization_id}",
    "{api_token}": "{token_id}",
    "{campaign}": "{campaign_id}",
    "{agency}": "{agency_id}",
    "{evaluator}": "{evaluator_id}",
    "{enterprise}": "{enterprise_id}",
    "{project}": "{project_id}",
    "{liaison}": "{liaison_id}",
    "{upload}": "{upload_id}",
    "{file}": "{file_id}",
    "{retrieval}": "{request_id}",
    "{expert}": "{expert_id}",
    "{review_assignment}": "{assignment_id}",
    "{review_opinion}": "{opinion_id}",
    "{review_draw}": "{draw_id}",
    "{review_item}": "{retrieval_item_id}",
    "{inspector}": "{inspector_id}",
    "{inspection_draw}": "{draw_id}",
    "{inspection}": "{inspection_id}",
    "{county_check}": "{check_id}",
    "{penalty}": "{penalty_id}",
}


def _route_of(row: Row) -> str:
    if row.route:
        return row.route
    path = row.path
    for placeholder, parameter in ROUTE_PARAMS.items():
        path = path.replace(placeholder, parameter)
    return path


def _route_contexts() -> list[Any]:
    """Every route as served, routers included (FastAPI's own flattening, as used by its OpenAPI)."""
    return list(iter_route_contexts(create_app(make_settings("sqlite+aiosqlite:///:memory:")).routes))


def _app_routes() -> set[tuple[str, str]]:
    return {(method, context.path) for context in _route_contexts() for method in context.methods if method != "HEAD"}


def test_every_route_is_in_the_matrix() -> None:
    covered = {(row.method, _route_of(row)) for row in MATRIX} | PUBLIC
    assert _app_routes() == covered


def test_every_non_public_route_authenticates() -> None:
    def calls(dependant: Any) -> set[Any]:
        found = {dependant.call}
        for sub in dependant.dependencies:
            found |= calls(sub)
        return found

    api_routes = [context for context in _route_contexts() if isinstance(context.route, APIRoute)]
    unguarded = [
        (sorted(context.methods)[0], context.path)
        for context in api_routes
        if not {(m, context.path) for m in context.methods} <= PUBLIC
        and resolve_actor not in calls(context.route.dependant)
    ]
    assert len(api_routes) > len(PUBLIC)
    assert unguarded == []


async def _token_for(db: AsyncSession, organization_id: int, role: str) -> tuple[int, str]:
    prefix, token = tokens.new_api_token()
    api_token = ApiToken(
        name="测试", prefix=prefix, token_hash=tokens.digest(token), organization_id=organization_id, role=role
    )
    db.add(api_token)
    await db.flush()
    return api_token.id, token


async def _world(
    db: AsyncSession,
    demo: dict[str, int],
    actor: str,
    scope: str,
    *,
    reviews: bool = False,
    inspections: bool = False,
) -> dict[str, Any]:
    """The records an actor tries: its own (scope='own') or a sibling's (scope='sibling'), built for the test."""
    haigang, changli = demo["海港区应急管理局"], demo["昌黎县应急管理局"]
    agencies = {a.id: a for a in await db.scalars(select(Agency))}
    own_agency = agencies[demo[{"agency.a.branch": BRANCH_A}.get(actor, HEAD_A)]]
    if actor.startswith("agency."):
        sibling_agency = agencies[demo[HEAD_A if actor == "agency.a.branch" else AGENCY_B]]
    else:
        sibling_agency = await builders.agency(db, changli)  # in another county, with no work in this one
    sibling = scope == "sibling"
    agency = sibling_agency if sibling else own_agency
    county = changli if sibling else haigang
    campaign = await db.scalar(select(Campaign.id).order_by(Campaign.year.desc()))
    old_campaign = await db.scalar(select(Campaign.id).order_by(Campaign.year))
    assert campaign is not None and old_campaign is not None
    enterprise = await builders.enterprise(db, county)
    project = await builders.project(db, enterprise, agency)
    if not sibling and actor.startswith("agency."):
        visible_enterprise = enterprise  # an agency sees the enterprises it evaluated
    else:
        visible_enterprise = await builders.enterprise(db, county)
    change = await builders.agency_change(db, agency)
    owner = {"agency.a.admin": "agency.b.admin", "agency.a.branch": "agency.a.admin"}.get(actor, "county.changli")
    user_name = owner if sibling else ("agency.a.admin" if actor in ("agency.a.token", "anonymous") else actor)
    if not sibling and actor == "anonymous":
        user_name = "city.admin"
    user = await db.scalar(select(User).where(User.username == user_name))
    assert user is not None
    token_id, _ = await _token_for(db, user.organization_id, user.role)
    own_project = await builders.project(db, await builders.enterprise(db, haigang), own_agency)
    finding = await builders.finding(db, await builders.project(db, enterprise, agency))
    stored_file = await builders.stored_file(db, user.organization_id)
    evidence = await builders.finding_file(db, finding, stored_file, user.organization_id)
    retrieval = await builders.retrieval_request(db, campaign, await builders.project(db, enterprise, agency))
    retrieval_submitted = await builders.retrieval_request(
        db, campaign, await builders.project(db, enterprise, agency), submitted=True
    )
    world = {
        "old_campaign": old_campaign,
        "own_project": own_project.id,
        "self_check": (await builders.self_check(db, old_campaign, agency)).id,
        "finding": finding.id,
        "evidence": evidence.id,
        "notification": (await builders.notification(db, user.organization_id)).id,
        "own_county": haigang,
        "own_agency": own_agency.id,
        "own_enterprise": (await builders.enterprise(db, haigang)).id,
        "campaign": campaign,
        "agency": agency.id,
        "change_agency": agency.id,
        "change": change.id,
        "evaluator": (await builders.evaluator(db, agency)).id,
        "enterprise": visible_enterprise.id,
        "project": project.id,
        "liaison": (await builders.liaison(db, campaign, county)).id,
        "submission_county": (await builders.county_submission(db, campaign, county)).county_id,
        "user": user.id,
        "organization": user.organization_id,
        "api_token": token_id,
        "upload": (await builders.upload(db, user.organization_id)).id,
        "file": stored_file.id,
        "retrieval": retrieval.id,
        "retrieval_item": retrieval.items[0].id,
        "retrieval_link": retrieval.items[0].files[1].id,
        "retrieval_submitted": retrieval_submitted.id,
        "retrieval_submitted_item": retrieval_submitted.items[0].id,
    }
    if reviews:
        world.update(await _review_world(db, demo, sibling, campaign, enterprise, agency, retrieval_submitted))
    if inspections:
        # Inspections by the actor's own county (haigang) or, for a sibling, by changli; the city's own as the city.
        inspecting = user.organization_id if actor == "city.admin" and not sibling else county
        world.update(await _inspection_world(db, campaign, agency, inspecting, project, stored_file))
    await db.commit()
    return world


async def _inspection_world(
    db: AsyncSession, campaign: int, agency: Agency, inspecting: int, project: Any, stored_file: Any
) -> dict[str, Any]:
    draft = await builders.inspection(db, campaign, agency, inspecting)
    done = await builders.inspection(db, campaign, agency, inspecting, completed=True)
    for _ in range(2):  # a draw needs two inspectors in the pool
        await builders.inspector(db, inspecting)
    return {
        "unique": next(_unique),
        "inspector": (await builders.inspector(db, inspecting)).id,
        "inspection_draw": (await builders.inspection_draw(db, campaign)).id,
        "inspection": draft.id,
        "inspection_done": done.id,
        "inspection_file": (await builders.inspection_file(db, draft, stored_file)).id,
        "document": (await builders.enforcement_document(db, done)).id,
        "county_check": (await builders.county_check(db, campaign, project)).id,
        "county_check_done": (await builders.county_check(db, campaign, project, completed=True)).id,
        "penalty": (await builders.penalty(db, agency, inspecting)).id,
        "outbox": (await builders.outbox_message(db, done)).id,
    }


async def _review_world(
    db: AsyncSession,
    demo: dict[str, int],
    sibling: bool,
    campaign: int,
    enterprise: Enterprise,
    agency: Agency,
    retrieval_submitted: RetrievalRequest,
) -> dict[str, Any]:
    """Expert review: expert.1's records, or (a sibling's) expert.2's; reports of requests already submitted."""
    expert = demo["expert.2" if sibling else "expert.1"]
    reviewed = await builders.retrieval_request(
        db, campaign, await builders.project(db, enterprise, agency), submitted=True
    )
    assignment = await builders.review_assignment(db, retrieval_submitted, expert)
    fresh_assignment = await builders.review_assignment(
        db,
        await builders.retrieval_request(db, campaign, await builders.project(db, enterprise, agency), submitted=True),
        expert,
    )
    signed = await builders.review_opinion(db, await builders.review_assignment(db, reviewed, expert), submitted=True)
    return {
        "expert": expert,
        "expert_conflict": (await builders.expert_conflict(db, expert, demo[AGENCY_B])).id,
        "review_item": retrieval_submitted.items[0].id,
        "review_item_opinion": reviewed.items[0].id,
        "review_assignment": assignment.id,
        "review_assignment_fresh": fresh_assignment.id,
        "review_opinion": (await builders.review_opinion(db, assignment)).id,
        "review_opinion_submitted": signed.id,
        "review_draw": (await builders.review_draw(db, campaign)).id,
    }


async def _headers(client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int], actor: str) -> dict[str, str]:
    if actor == "anonymous":
        return {}
    if actor.endswith(".token"):
        _, token = await _token_for(db, demo[HEAD_A], "agency")
        await db.commit()
        return {"Authorization": f"Bearer {token}"}
    return await login(client, actor)


def _fill(template: str, world: dict[str, Any]) -> str:
    for key, value in world.items():
        template = template.replace("{" + key + "}", str(value))
    return template


CASES = [
    pytest.param(row, actor, scope, id=f"{row.method} {row.path} {actor} {scope}")
    for row in MATRIX
    for actor in ACTORS
    for scope in (("own", "sibling") if row.targeted else ("own",))
    if scope == "own" or actor in HAS_SIBLING
]


@pytest.mark.parametrize(("row", "actor", "scope"), CASES)
async def test_matrix(
    client: httpx.AsyncClient, db: AsyncSession, demo: dict[str, int], row: Row, actor: str, scope: str
) -> None:
    headers = await _headers(client, db, demo, actor)
    world = await _world(
        db,
        demo,
        actor,
        scope,
        reviews=row.path.startswith(("/api/v1/review", "/api/v1/experts")),
        inspections=row.path.startswith(
            ("/api/v1/inspect", "/api/v1/county-checks", "/api/v1/penalties", "/api/v1/enforcement")
        ),
    )
    body = row.body(world) if callable(row.body) else row.body
    response = await client.request(row.method, _fill(row.path, world), json=body, headers=headers)
    expected = row.own[actor]
    if scope == "sibling" and (expected < 400 or actor in row.sibling_after_lookup):
        expected = 404
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
