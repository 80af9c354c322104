"""The enforcement contract (openapi/enforcement.yaml) and the simulator of the enforcement system.

No database: the simulator app is driven over ASGI, and Anping's callback endpoint is played by an
httpx.MockTransport that validates every callback against the contract.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import io
import json
import re
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate as validate_spec
from pydantic import BaseModel, ValidationError
from pypdf import PdfReader

from backend.enforcement_simulator import create_simulator
from backend.enforcement_simulator.__main__ import build_parser, main
from backend.enforcement_simulator.schemas import (
    CallbackAccepted,
    Document,
    DocumentIssuedCallback,
    Finding,
    InspectedUnit,
    Inspection,
    InspectionAccepted,
    InspectionMessage,
    Officer,
    Penalty,
    PenaltyDecidedCallback,
    enforcement_callback_adapter,
)
from backend.enforcement_simulator.store import now
from tests.support.contract import (
    SPEC,
    assert_exchange_follows_contract,
    assert_request_follows_contract,
)

TOKEN = "enforcement-secret"
ANPING_TOKEN = "anp_0123abcd_simulated-anping-token"
SIMULATOR_URL = "https://zhifa.example.gov.cn"
CALLBACK_URL = "https://anping.example.gov.cn/api/v1/enforcement/callbacks"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

MIRRORED_MODELS: list[tuple[type[BaseModel], str]] = [
    (InspectionMessage, "InspectionMessage"),
    (Inspection, "Inspection"),
    (InspectedUnit, "InspectedUnit"),
    (Officer, "Officer"),
    (Finding, "Finding"),
    (InspectionAccepted, "InspectionAccepted"),
    (DocumentIssuedCallback, "DocumentIssuedCallback"),
    (Document, "Document"),
    (PenaltyDecidedCallback, "PenaltyDecidedCallback"),
    (Penalty, "Penalty"),
    (CallbackAccepted, "CallbackAccepted"),
]


# --- the contract as a validator -------------------------------------------------------------------


def schema_validator(schema: dict[str, Any]) -> OAS31Validator:
    # The components ride along so that "#/components/..." references resolve from the root.
    return OAS31Validator({**schema, "components": SPEC["components"]}, format_checker=OAS31Validator.FORMAT_CHECKER)


def contract_errors(schema_name: str, value: Any) -> list[str]:
    validator = schema_validator({"$ref": f"#/components/schemas/{schema_name}"})
    return [error.message for error in validator.iter_errors(value)]


def iter_examples(node: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, dict[str, Any], Any]]:
    """Every (where, schema, example) in media types and parameters."""
    if isinstance(node, dict):
        if "schema" in node:
            if "example" in node:
                yield "/".join(path), node["schema"], node["example"]
            for name, example in (node.get("examples") or {}).items():
                yield "/".join((*path, name)), node["schema"], example["value"]
        for key, value in node.items():
            yield from iter_examples(value, (*path, str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from iter_examples(value, (*path, str(index)))


def example(where: str, name: str) -> dict[str, Any]:
    content = SPEC["paths"][where]["post"]["requestBody"]["content"]["application/json"]
    return copy.deepcopy(content["examples"][name]["value"])


def inspection_message(reference: str = "anping-inspection-42", *, findings: bool = True) -> dict[str, Any]:
    message = example("/inspections", "with_findings" if findings else "without_findings")
    message["callback_url"] = CALLBACK_URL
    message["inspection"]["reference"] = reference
    return message


# --- a stand-in for Anping's callback endpoint --------------------------------------------------------


class AnpingReceiver:
    """Plays Anping's side: checks each callback against the contract and answers as scripted."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.script: list[int | type[Exception]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        outcome = self.script.pop(0) if self.script else 200
        if not isinstance(outcome, int):
            raise outcome("simulated network failure", request=request)
        assert_request_follows_contract(request)
        if outcome != 200:
            return httpx.Response(outcome, json={"title": "错误", "status": outcome, "detail": "模拟的错误"})
        return httpx.Response(200, json={"accepted": True, "duplicate": False})

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(request.content) for request in self.requests]


@pytest.fixture
def receiver() -> AnpingReceiver:
    return AnpingReceiver()


def simulator_client(receiver: AnpingReceiver, **options: Any) -> httpx.AsyncClient:
    callbacks = httpx.AsyncClient(transport=httpx.MockTransport(receiver))
    app = create_simulator(
        token=TOKEN, anping_token=ANPING_TOKEN, http_client=callbacks, retry_delays=(0, 0, 0), **options
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=SIMULATOR_URL)


@pytest.fixture
async def simulator(receiver: AnpingReceiver) -> AsyncIterator[httpx.AsyncClient]:
    async with simulator_client(receiver) as client:
        yield client


async def submit(
    client: httpx.AsyncClient, message: dict[str, Any], key: str = "key-1", headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post(
        "/inspections",
        content=json.dumps(message, ensure_ascii=False),
        headers={**AUTH, "Idempotency-Key": key, "Content-Type": "application/json", **(headers or {})},
    )


async def state(client: httpx.AsyncClient) -> dict[str, Any]:
    response = await client.get("/_control/state")
    assert response.status_code == 200
    result: dict[str, Any] = response.json()
    return result


def decoded_pdf(value: str) -> bytes:
    pdf = base64.b64decode(value, validate=True)
    assert pdf.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    return pdf


# --- the contract itself ----------------------------------------------------------------------------


def test_contract_is_a_valid_openapi_31_document() -> None:
    assert SPEC["openapi"].startswith("3.1.")
    validate_spec(SPEC)
    assert set(SPEC["paths"]) == {"/inspections", "/enforcement/callbacks"}
    for schema in ("InspectionMessage", "Inspection", "InspectedUnit", "Officer", "Finding", "Document", "Penalty"):
        assert SPEC["components"]["schemas"][schema]["additionalProperties"] is False


def test_every_example_in_the_contract_validates_against_its_schema() -> None:
    found = list(iter_examples(SPEC))
    assert len(found) >= 15
    for where, schema, value in found:
        errors = [error.message for error in schema_validator(schema).iter_errors(value)]
        assert errors == [], where


def test_every_body_example_is_accepted_by_the_simulator_models() -> None:
    checked = 0
    for _where, schema, value in iter_examples(SPEC):
        raw = json.dumps(value, ensure_ascii=False)
        ref = schema.get("$ref", "")
        if ref.endswith("/InspectionMessage"):
            InspectionMessage.model_validate_json(raw)
        elif ref.endswith("/EnforcementCallback"):
            enforcement_callback_adapter.validate_json(raw)
        elif ref.endswith("/InspectionAccepted"):
            InspectionAccepted.model_validate_json(raw)
        elif ref.endswith("/CallbackAccepted"):
            CallbackAccepted.model_validate_json(raw)
        else:
            continue
        checked += 1
    assert checked == 9


def _enums(property_schema: dict[str, Any]) -> set[Any] | None:
    for part in (property_schema, property_schema.get("items", {}), *property_schema.get("anyOf", [])):
        if "enum" in part:
            return set(part["enum"])
        if "const" in part:
            return {part["const"]}
        if "items" in part and "enum" in part["items"]:
            return set(part["items"]["enum"])
    return None


@pytest.mark.parametrize(("model", "schema_name"), MIRRORED_MODELS, ids=[name for _, name in MIRRORED_MODELS])
def test_simulator_models_mirror_the_contract(model: type[BaseModel], schema_name: str) -> None:
    contract = SPEC["components"]["schemas"][schema_name]
    mirrored = model.model_json_schema()
    assert set(mirrored["properties"]) == set(contract["properties"])
    assert set(mirrored.get("required", [])) == set(contract["required"])
    for name, prop in contract["properties"].items():
        resolved = prop
        if "$ref" in prop:
            resolved = SPEC["components"]["schemas"][prop["$ref"].rsplit("/", 1)[1]]
        expected = _enums(resolved)
        if expected is not None:
            assert _enums(mirrored["properties"][name]) == expected, name


def _without(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(message: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = message
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        del node[last]

    return mutate


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(message: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        node: Any = message
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value

    return mutate


INVALID_MESSAGES = {
    "unknown field": (_set("priority", "high"), "priority"),
    "unknown nested field": (_set("inspection.inspected_unit.county", "海港区"), "inspection.inspected_unit.county"),
    "one officer": (lambda m: m["inspection"]["officers"].pop(), "inspection.officers"),
    "unknown finding code": (_set("inspection.findings.0.code", "Q6"), "inspection.findings.0.code"),
    "unknown kind": (_set("inspection.kind", "special"), "inspection.kind"),
    "short credit code": (_set("inspection.inspected_unit.credit_code", "91130302MA0DK1234"), None),
    "credit code with O": (_set("inspection.inspected_unit.credit_code", "91130302MA0DK1234O"), None),
    "time without offset": (_set("inspection.started_at", "2026-03-02T09:30:00"), "inspection.started_at"),
    "date as a time": (_set("sent_at", "2026-03-02"), "sent_at"),
    "bad deadline": (_set("inspection.findings.0.deadline", "2026-02-30"), "inspection.findings.0.deadline"),
    "callback not http": (_set("callback_url", "ftp://anping.example.gov.cn/cb"), "callback_url"),
    "missing findings": (_without("inspection.findings"), "inspection.findings"),
    "missing place": (_without("inspection.place"), "inspection.place"),
    "empty message id": (_set("message_id", ""), "message_id"),
    "number as text": (_set("inspection.summary", 42), "inspection.summary"),
}


@pytest.mark.parametrize("case", list(INVALID_MESSAGES))
async def test_contract_and_simulator_refuse_the_same_drift(simulator: httpx.AsyncClient, case: str) -> None:
    mutate, field = INVALID_MESSAGES[case]
    message = inspection_message()
    mutate(message)
    assert contract_errors("InspectionMessage", message) != []

    response = await submit(simulator, message)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = {error["field"] for error in response.json()["errors"]}
    assert field in fields if field else fields
    assert_exchange_follows_contract(response)
    assert (await state(simulator))["inspections"] == []


def test_penalty_rules_hold_in_contract_and_models() -> None:
    penalty = example("/enforcement/callbacks", "penalty_decided")["penalty"]
    del penalty["fine_amount"]
    assert contract_errors("Penalty", penalty) != []
    with pytest.raises(ValidationError, match="罚款金额"):
        Penalty.model_validate_json(json.dumps(penalty))
    penalty.update(measures=["warning", "warning"])
    assert contract_errors("Penalty", penalty) != []
    with pytest.raises(ValidationError, match="不得重复"):
        Penalty.model_validate_json(json.dumps(penalty))


# --- POST /inspections --------------------------------------------------------------------------------


async def test_an_inspection_is_accepted_and_its_documents_are_called_back(
    simulator: httpx.AsyncClient, receiver: AnpingReceiver
) -> None:
    message = inspection_message()

    response = await submit(simulator, message, key="anping-outbox-1")

    assert response.status_code == 202
    assert_request_follows_contract(response.request)
    assert_exchange_follows_contract(response)
    accepted = response.json()
    assert accepted["duplicate"] is False
    assert re.fullmatch(r"ZF-\d{4}-\d{6}", accepted["case_id"])

    callbacks = receiver.bodies()
    assert [c["document"]["kind"] for c in callbacks] == ["inspection_record", "rectification_order"]
    year, today = now().year, now().date().isoformat()
    record, order = (c["document"] for c in callbacks)
    assert re.fullmatch(rf"（秦）应急检记〔{year}〕(\d+)号", record["number"])
    n = re.findall(r"〕(\d+)号", record["number"])[0]
    assert order["number"] == f"（秦）应急责改〔{year}〕{n}号"
    for callback in callbacks:
        assert callback["event"] == "document.issued"
        assert callback["inspection_reference"] == "anping-inspection-42"
        assert callback["case_id"] == accepted["case_id"]
        assert callback["document"]["issued_on"] == today
        decoded_pdf(callback["document"]["pdf_base64"])
    for request, callback in zip(receiver.requests, callbacks, strict=True):
        assert str(request.url) == CALLBACK_URL
        assert request.headers["Authorization"] == f"Bearer {ANPING_TOKEN}"
        assert request.headers["Idempotency-Key"] == callback["callback_id"]
    assert len({c["callback_id"] for c in callbacks}) == 2

    seen = await state(simulator)
    assert [(i["idempotency_key"], i["times_seen"], i["case_id"]) for i in seen["inspections"]] == [
        ("anping-outbox-1", 1, accepted["case_id"])
    ]
    assert seen["inspections"][0]["message"]["inspection"]["reference"] == "anping-inspection-42"
    assert [(c["document_kind"], c["attempts"], c["status"]) for c in seen["callbacks"]] == [
        ("inspection_record", [200], 200),
        ("rectification_order", [200], 200),
    ]


async def test_an_inspection_without_findings_gets_only_the_inspection_record(
    simulator: httpx.AsyncClient, receiver: AnpingReceiver
) -> None:
    response = await submit(simulator, inspection_message("anping-inspection-43", findings=False))

    assert response.status_code == 202
    assert_request_follows_contract(response.request)
    assert [c["document"]["kind"] for c in receiver.bodies()] == ["inspection_record"]


async def test_same_key_and_body_is_one_case_answered_as_a_duplicate(
    simulator: httpx.AsyncClient, receiver: AnpingReceiver
) -> None:
    message = inspection_message()
    first = await submit(simulator, message, key="k-dup")
    # The same JSON value with another key order and spacing is the same body.
    reordered = json.dumps(dict(reversed(list(message.items()))), ensure_ascii=False, indent=2)
    second = await simulator.post(
        "/inspections",
        content=reordered,
        headers={**AUTH, "Idempotency-Key": "k-dup", "Content-Type": "application/json"},
    )

    assert (first.status_code, second.status_code) == (202, 200)
    assert_exchange_follows_contract(second)
    assert second.json() == {**first.json(), "duplicate": True}
    seen = await state(simulator)
    assert [(i["times_seen"], i["conflicts"]) for i in seen["inspections"]] == [(2, 0)]
    assert len(seen["cases"]) == 1
    assert len(receiver.requests) == 2  # the documents were not issued again


async def test_same_key_with_another_body_is_a_conflict(simulator: httpx.AsyncClient) -> None:
    message = inspection_message()
    await submit(simulator, message, key="k-conflict")
    message["inspection"]["summary"] = "更正后的检查情况"

    response = await submit(simulator, message, key="k-conflict")

    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    assert "k-conflict" in response.json()["detail"]
    assert_exchange_follows_contract(response)
    seen = await state(simulator)
    assert [(i["times_seen"], i["conflicts"]) for i in seen["inspections"]] == [(1, 1)]
    assert seen["inspections"][0]["message"]["inspection"]["summary"] != "更正后的检查情况"


async def test_a_later_message_about_the_same_inspection_updates_its_case(
    simulator: httpx.AsyncClient, receiver: AnpingReceiver
) -> None:
    first = await submit(simulator, inspection_message("anping-inspection-7", findings=False), key="k-a")
    corrected = inspection_message("anping-inspection-7", findings=True)

    second = await submit(simulator, corrected, key="k-b")

    assert (first.status_code, second.status_code) == (202, 202)
    assert second.json()["case_id"] == first.json()["case_id"]
    assert second.json()["duplicate"] is False
    # The record is not issued twice; the order follows once there are findings.
    assert [c["document"]["kind"] for c in receiver.bodies()] == ["inspection_record", "rectification_order"]
    seen = await state(simulator)
    assert [c["documents"] for c in seen["cases"]] == [["inspection_record", "rectification_order"]]


async def test_distinct_inspections_get_distinct_cases_and_numbers(
    simulator: httpx.AsyncClient, receiver: AnpingReceiver
) -> None:
    one = await submit(simulator, inspection_message("anping-inspection-1", findings=False), key="k-1")
    two = await submit(simulator, inspection_message("anping-inspection-2", findings=False), key="k-2")

    assert one.json()["case_id"] != two.json()["case_id"]
    numbers = [c["document"]["number"] for c in receiver.bodies()]
    assert len(set(numbers)) == 2


async def test_missing_or_wrong_token_is_refused(simulator: httpx.AsyncClient) -> None:
    message = inspection_message()
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = await submit(simulator, message, headers=headers)

        assert response.status_code == 401
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["detail"] == "令牌缺失或无效"
        assert_exchange_follows_contract(response)
    assert (await state(simulator))["inspections"] == []


async def test_idempotency_key_is_required(simulator: httpx.AsyncClient) -> None:
    message = json.dumps(inspection_message(), ensure_ascii=False)
    headers = {**AUTH, "Content-Type": "application/json"}

    missing = await simulator.post("/inspections", content=message, headers=headers)
    too_long = await simulator.post("/inspections", content=message, headers={**headers, "Idempotency-Key": "k" * 101})

    for response in (missing, too_long):
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["errors"]] == ["Idempotency-Key"]
        assert_exchange_follows_contract(response)


async def test_rules_beyond_the_schema_are_checked(simulator: httpx.AsyncClient) -> None:
    message = inspection_message()
    message["inspection"]["inspected_unit"]["credit_code"] = "91130302MA0DK12340"  # wrong check character
    message["inspection"]["ended_at"] = "2026-03-02T08:00:00+08:00"  # before started_at

    response = await submit(simulator, message)

    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "inspection.inspected_unit.credit_code": "统一社会信用代码校验位不正确，请核对",
        "inspection.ended_at": "结束时间不得早于开始时间",
    }


async def test_invalid_json_is_refused(simulator: httpx.AsyncClient) -> None:
    response = await simulator.post(
        "/inspections",
        content=b"{not json",
        headers={**AUTH, "Idempotency-Key": "k", "Content-Type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "不是有效的 JSON"


# --- test controls ------------------------------------------------------------------------------------


async def test_outage_answers_503_for_the_next_n_requests(simulator: httpx.AsyncClient) -> None:
    assert (await simulator.post("/_control/outage", json={"requests": 2})).json() == {"outage_remaining": 2}
    message = inspection_message()

    answers = [await submit(simulator, message, key="k-outage") for _ in range(3)]

    assert [a.status_code for a in answers] == [503, 503, 202]
    for refused in answers[:2]:
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.headers["retry-after"] == "1"
        assert_exchange_follows_contract(refused)
    seen = await state(simulator)
    assert (seen["refused"], seen["outage_remaining"]) == (2, 0)
    assert [i["times_seen"] for i in seen["inspections"]] == [1]


async def test_fail_first_refuses_the_first_requests_and_again_after_reset(receiver: AnpingReceiver) -> None:
    async with simulator_client(receiver, fail_first=1) as simulator:
        message = inspection_message()
        assert (await submit(simulator, message)).status_code == 503
        assert (await submit(simulator, message)).status_code == 202

        reset = await simulator.post("/_control/reset")

        assert reset.status_code == 200
        assert reset.json()["inspections"] == [] and reset.json()["callbacks"] == []
        assert (await submit(simulator, message)).status_code == 503
        assert (await submit(simulator, message)).status_code == 202


async def test_slow_mode_delays_the_answer(simulator: httpx.AsyncClient) -> None:
    assert (await simulator.post("/_control/slow", json={"seconds": 30})).json() == {"slow_seconds": 30}

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(submit(simulator, inspection_message()), timeout=0.2)
    assert (await state(simulator))["inspections"] == []

    await simulator.post("/_control/slow", json={"seconds": 0})
    assert (await submit(simulator, inspection_message())).status_code == 202


async def test_controls_validate_their_input(simulator: httpx.AsyncClient) -> None:
    assert (await simulator.post("/_control/outage", json={"requests": -1})).status_code == 422
    assert (await simulator.post("/_control/slow", json={"seconds": "soon"})).status_code == 422


async def test_callbacks_are_retried_on_5xx_and_network_errors_with_the_same_key_and_body(
    simulator: httpx.AsyncClient, receiver: AnpingReceiver
) -> None:
    receiver.script = [503, httpx.ConnectError, 200]

    await submit(simulator, inspection_message(findings=False))

    assert len(receiver.requests) == 3
    assert len({r.headers["Idempotency-Key"] for r in receiver.requests}) == 1
    assert len({r.content for r in receiver.requests}) == 1
    [callback] = (await state(simulator))["callbacks"]
    assert (callback["attempts"], callback["status"]) == ([503, "ConnectError", 200], 200)


async def test_callbacks_are_not_retried_on_4xx_and_give_up_after_the_last_attempt(
    simulator: httpx.AsyncClient, receiver: AnpingReceiver
) -> None:
    receiver.script = [404, *([httpx.ConnectTimeout] * 4)]

    await submit(simulator, inspection_message())

    first, second = (await state(simulator))["callbacks"]
    assert (first["attempts"], first["status"]) == ([404], 404)
    assert (second["attempts"], second["status"]) == (["ConnectTimeout"] * 4, None)


async def test_penalty_control_sends_a_penalty_decision(simulator: httpx.AsyncClient, receiver: AnpingReceiver) -> None:
    accepted = (await submit(simulator, inspection_message())).json()

    response = await simulator.post("/_control/penalty", json={"inspection_reference": "anping-inspection-42"})

    assert response.status_code == 200
    assert response.json()["status"] == 200
    callback = receiver.bodies()[-1]
    assert_request_follows_contract(receiver.requests[-1])
    assert callback["event"] == "penalty.decided"
    assert callback["case_id"] == accepted["case_id"]
    penalty = callback["penalty"]
    assert penalty["target_kind"] == "agency"
    assert penalty["target_name"] == "秦皇岛安信安全评价有限公司"
    assert penalty["credit_code"] == "91130302MA0DK1234W"
    assert penalty["measures"] == ["warning", "fine"] and penalty["fine_amount"] == 50000
    assert re.fullmatch(rf"（秦）应急罚〔{now().year}〕1号", penalty["decision_number"])
    assert penalty["decided_on"] == now().date().isoformat()
    decoded_pdf(penalty["pdf_base64"])


async def test_penalty_of_an_evaluator(simulator: httpx.AsyncClient, receiver: AnpingReceiver) -> None:
    await submit(simulator, inspection_message())
    body = {"inspection_reference": "anping-inspection-42", "target_kind": "evaluator", "measures": ["ban"]}

    without_name = await simulator.post("/_control/penalty", json=body)
    response = await simulator.post(
        "/_control/penalty", json={**body, "target_name": "周建", "certificate_number": "S011013000110192001234"}
    )

    assert without_name.status_code == 422
    assert response.status_code == 200
    penalty = receiver.bodies()[-1]["penalty"]
    assert_request_follows_contract(receiver.requests[-1])
    assert (penalty["target_kind"], penalty["target_name"], penalty["measures"]) == ("evaluator", "周建", ["ban"])
    assert "credit_code" not in penalty and "fine_amount" not in penalty


async def test_penalty_for_an_unknown_inspection_is_404(simulator: httpx.AsyncClient) -> None:
    response = await simulator.post("/_control/penalty", json={"inspection_reference": "anping-inspection-999"})

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_document_control_issues_a_later_document(simulator: httpx.AsyncClient, receiver: AnpingReceiver) -> None:
    await submit(simulator, inspection_message())

    response = await simulator.post(
        "/_control/document", json={"inspection_reference": "anping-inspection-42", "kind": "recheck_opinion"}
    )

    assert response.status_code == 200
    assert response.json()["document_title"] == "整改复查意见书"
    document = receiver.bodies()[-1]["document"]
    assert_request_follows_contract(receiver.requests[-1])
    assert document["kind"] == "recheck_opinion"
    assert document["number"] == f"（秦）应急复查〔{now().year}〕1号"


# --- the command line ----------------------------------------------------------------------------------


def test_command_line_options(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENFORCEMENT_SIMULATOR_TOKEN", raising=False)
    monkeypatch.delenv("ENFORCEMENT_SIMULATOR_ANPING_TOKEN", raising=False)
    args = build_parser().parse_args(["--port", "8100", "--token", "T", "--anping-token", "A", "--fail-first", "3"])

    assert (args.port, args.token, args.anping_token, args.fail_first, args.host) == (8100, "T", "A", 3, "127.0.0.1")
    with pytest.raises(SystemExit):
        main(["--port", "8100"])
