"""Pydantic models mirroring `openapi/enforcement.yaml` field for field (a test compares them with the contract).

Validate raw bodies with `model_validate_json(..., strict=True)` so that, as in the contract, dates and times are
only accepted as strings and numbers are not accepted for text.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, model_validator

CREDIT_CODE_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"
PDF_MAX_BYTES = 10 * 1024 * 1024
PDF_BASE64_MAX_CHARS = (PDF_MAX_BYTES + 2) // 3 * 4


def _text(max_length: int, min_length: int = 1) -> StringConstraints:
    return StringConstraints(min_length=min_length, max_length=max_length)


Text50 = Annotated[str, _text(50)]
Text100 = Annotated[str, _text(100)]
Text200 = Annotated[str, _text(200)]
Text300 = Annotated[str, _text(300)]
Text2000 = Annotated[str, _text(2000)]
CreditCode = Annotated[str, StringConstraints(min_length=18, max_length=18, pattern=CREDIT_CODE_PATTERN)]
PdfBase64 = Annotated[str, StringConstraints(min_length=1, max_length=PDF_BASE64_MAX_CHARS, pattern=BASE64_PATTERN)]

InspectionKind = Literal["random", "county_duty", "daily"]
FindingCode = Literal["Q1", "Q2", "Q3", "Q4", "Q5", "R1", "R2", "R3", "R4"]
FindingTarget = Literal["agency", "evaluator", "project"]
DocumentKind = Literal[
    "inspection_record",
    "rectification_order",
    "recheck_opinion",
    "on_site_measures",
    "case_approval",
    "penalty_notice",
    "penalty_decision",
    "closing_approval",
]
PenaltyTarget = Literal["agency", "evaluator"]
PenaltyMeasure = Literal["warning", "fine", "confiscation", "suspension", "revocation", "ban"]

DOCUMENT_TITLES: dict[str, str] = {
    "inspection_record": "现场检查记录",
    "rectification_order": "责令限期整改指令书",
    "recheck_opinion": "整改复查意见书",
    "on_site_measures": "现场处理措施决定书",
    "case_approval": "立案审批表",
    "penalty_notice": "行政处罚告知书",
    "penalty_decision": "行政处罚决定书",
    "closing_approval": "结案审批表",
}


class ContractModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# --- Anping → enforcement system ----------------------------------------------------------------


class InspectedUnit(ContractModel):
    name: Text200
    credit_code: CreditCode
    address: Text300
    legal_representative: Annotated[str, _text(50, 0)] | None = None
    phone: Annotated[str, _text(30, 0)] | None = None
    parent_name: Annotated[str, _text(200, 0)] | None = None


class Officer(ContractModel):
    name: Text50
    certificate_number: Text50


class Finding(ContractModel):
    reference: Text100
    code: FindingCode
    sub_code: Annotated[str, _text(20, 0)] | None = None
    description: Text2000
    target_kind: FindingTarget
    evaluator_name: Annotated[str, _text(50, 0)] | None = None
    project_name: Annotated[str, _text(200, 0)] | None = None
    report_number: Annotated[str, _text(100, 0)] | None = None
    measure: Annotated[str, _text(2000, 0)] | None = None
    deadline: date | None = None


class Inspection(ContractModel):
    reference: Text100
    campaign: Text200
    kind: InspectionKind
    inspected_unit: InspectedUnit
    place: Text200
    started_at: AwareDatetime
    ended_at: AwareDatetime
    officers: Annotated[list[Officer], Field(min_length=2, max_length=20)]
    on_site_person: Annotated[str, _text(100, 0)] | None = None
    summary: Annotated[str, _text(5000, 0)] | None = None
    findings: Annotated[list[Finding], Field(max_length=500)]


class InspectionMessage(ContractModel):
    message_id: Text100
    sent_at: AwareDatetime
    callback_url: Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"^https?://")]
    inspection: Inspection


class InspectionAccepted(ContractModel):
    case_id: Text100
    received_at: AwareDatetime
    duplicate: bool


# --- enforcement system → Anping ----------------------------------------------------------------


class Document(ContractModel):
    kind: DocumentKind
    number: Text100
    issued_on: date
    pdf_base64: PdfBase64


class DocumentIssuedCallback(ContractModel):
    event: Literal["document.issued"]
    callback_id: Text100
    inspection_reference: Text100
    case_id: Text100
    document: Document


class Penalty(ContractModel):
    target_kind: PenaltyTarget
    target_name: Text200
    credit_code: CreditCode | None = None
    certificate_number: Annotated[str, _text(50, 0)] | None = None
    decision_number: Text100
    decided_on: date
    legal_basis: Text2000
    measures: Annotated[list[PenaltyMeasure], Field(min_length=1)]
    fine_amount: Annotated[float, Field(ge=0)] | None = None
    pdf_base64: PdfBase64

    @model_validator(mode="after")
    def _measures_consistent(self) -> Penalty:
        if len(set(self.measures)) != len(self.measures):
            raise ValueError("处罚种类不得重复")
        if "fine" in self.measures and self.fine_amount is None:
            raise ValueError("处罚种类含罚款时须填写罚款金额")
        return self


class PenaltyDecidedCallback(ContractModel):
    event: Literal["penalty.decided"]
    callback_id: Text100
    inspection_reference: Text100
    case_id: Text100
    penalty: Penalty


EnforcementCallback = Annotated[DocumentIssuedCallback | PenaltyDecidedCallback, Field(discriminator="event")]
enforcement_callback_adapter: TypeAdapter[DocumentIssuedCallback | PenaltyDecidedCallback] = TypeAdapter(
    EnforcementCallback
)


class CallbackAccepted(ContractModel):
    accepted: Literal[True]
    duplicate: bool
