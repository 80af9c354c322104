"""The review checklists (R1 失实 SS01–SS08, R2 虚假 XJ01–XJ06, the major-accident-hazard items MH01–MH20, other
breaches R4) as reference data; what an opinion must hold before it is signed; the problems it raises."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import FieldError
from backend.models import ReferenceCode
from backend.reviews.schemas import ChecklistItem, Conclusion, OpinionContent

CATEGORIES = {
    "inaccurate": "review_inaccurate",  # SS01–SS08
    "false": "review_false",  # XJ01–XJ06
    "hazard": "major_hazard",  # MH01–MH20
    "process": "process_control_breach",  # PC01–PC08
}
CONCLUSION_NAMES = {"no_problem": "未发现问题", "rectify": "存在问题需整改", "inaccurate": "失实", "false": "虚假"}
HAZARD_STATUS_NAMES = {
    "not_present": "不涉及",
    "evaluated": "已正确评价",
    "evaluated_incorrectly": "评价不正确",
    "not_evaluated": "未评价",
}
HAZARD_PROBLEMS = ("evaluated_incorrectly", "not_evaluated")


@dataclass(frozen=True)
class Checklists:
    inaccurate: list[ChecklistItem]
    false: list[ChecklistItem]
    hazards: list[ChecklistItem]
    hazard_activities: dict[str, list[str] | None]
    process: list[ChecklistItem]

    def label(self, code: str) -> str:
        for item in (*self.inaccurate, *self.false, *self.hazards, *self.process):
            if item.code == code:
                return item.label
        return code

    def applicable_hazards(self, activities: Iterable[str]) -> list[str]:
        """The hazard items that concern an enterprise's activities (all of them when its activities are unknown)."""
        wanted = set(activities)
        return [
            item.code
            for item in self.hazards
            if not wanted
            or self.hazard_activities.get(item.code) is None
            or wanted & set(self.hazard_activities[item.code] or ())
        ]


async def load(session: AsyncSession) -> Checklists:
    rows = (
        await session.scalars(
            select(ReferenceCode)
            .where(ReferenceCode.category.in_(CATEGORIES.values()))
            .order_by(ReferenceCode.sort_order, ReferenceCode.code)
        )
    ).all()

    def items(category: str) -> list[ChecklistItem]:
        return [
            ChecklistItem(code=r.code, label=r.label, description=r.description)
            for r in rows
            if r.category == CATEGORIES[category]
        ]

    return Checklists(
        inaccurate=items("inaccurate"),
        false=items("false"),
        hazards=items("hazard"),
        hazard_activities={r.code: r.applies_to for r in rows if r.category == CATEGORIES["hazard"]},
        process=items("process"),
    )


def draft_errors(content: OpinionContent, member_ids: set[int]) -> list[FieldError]:
    """What is wrong even in a draft: a code twice, an evaluator who is not on the project's team."""
    errors: list[FieldError] = []
    for name, answers in (("criteria", content.criteria), ("hazards", content.hazards)):
        seen: set[str] = set()
        for answer in answers:
            if answer.code in seen:
                errors.append(FieldError(field=f"{name}.{answer.code}", message=f"{answer.code} 重复填写"))
            seen.add(answer.code)
    entries = [
        *((f"criteria.{a.code}", a.evaluator_ids) for a in content.criteria),
        *((f"hazards.{a.code}", a.evaluator_ids) for a in content.hazards),
        *((f"other_breaches.{i}", b.evaluator_ids) for i, b in enumerate(content.other_breaches)),
    ]
    for where, evaluator_ids in entries:
        strangers = [str(e) for e in evaluator_ids if e not in member_ids]
        if strangers:
            errors.append(FieldError(field=f"{where}.evaluator_ids", message="所选评价人员不是该项目的项目组成员"))
    return errors


def expected_conclusion(content: OpinionContent) -> Conclusion:
    if any(a.met for a in content.criteria if a.code.startswith("XJ")):
        return "false"
    if any(a.met for a in content.criteria if a.code.startswith("SS")):
        return "inaccurate"
    if any(a.status in HAZARD_PROBLEMS for a in content.hazards) or content.other_breaches:
        return "rectify"
    return "no_problem"


def submit_errors(content: OpinionContent, lists: Checklists, applicable: list[str]) -> list[FieldError]:
    """A signed opinion answers every criterion and every applicable hazard item, locates each problem in the
    report, states its opinion, and concludes consistently with what it ticked."""
    errors: list[FieldError] = []
    answered = {a.code: a for a in content.criteria}
    for item in (*lists.inaccurate, *lists.false):
        answer = answered.get(item.code)
        if answer is None or answer.met is None:
            errors.append(FieldError(field=f"criteria.{item.code}", message=f"请判断 {item.code}（{item.label}）"))
        elif answer.met and not (answer.location and answer.location.strip()):
            errors.append(
                FieldError(field=f"criteria.{item.code}.location", message=f"{item.code}：请注明报告中的页码或章节")
            )
    hazards = {a.code: a for a in content.hazards}
    for code in applicable:
        hazard = hazards.get(code)
        if hazard is None or hazard.status is None:
            errors.append(FieldError(field=f"hazards.{code}", message=f"请判断 {code}（{lists.label(code)}）"))
        elif hazard.status in HAZARD_PROBLEMS and not (hazard.location and hazard.location.strip()):
            errors.append(FieldError(field=f"hazards.{code}.location", message=f"{code}：请注明报告中的页码或章节"))
    for index, breach in enumerate(content.other_breaches):
        if not (breach.location and breach.location.strip()):
            errors.append(
                FieldError(field=f"other_breaches.{index}.location", message=f"其他问题 {index + 1}：请注明页码或章节")
            )
    if not (content.opinion_text and content.opinion_text.strip()):
        errors.append(FieldError(field="opinion_text", message="请填写审查意见"))
    expected = expected_conclusion(content)
    if content.conclusion is None:
        errors.append(FieldError(field="conclusion", message="请选择审查结论"))
    elif content.conclusion != expected:
        errors.append(FieldError(field="conclusion", message=_conclusion_message(content, expected)))
    return errors


def _conclusion_message(content: OpinionContent, expected: str) -> str:
    name = CONCLUSION_NAMES[expected]
    if expected in ("false", "inaccurate"):
        prefix = "XJ" if expected == "false" else "SS"
        codes = "、".join(a.code for a in content.criteria if a.met and a.code.startswith(prefix))
        return f"已认定{name}情形（{codes}），结论应为“{name}”"
    if expected == "rectify":
        return "已列出重大事故隐患评价问题或其他问题，结论应为“存在问题需整改”"
    return "未认定任何问题，结论应为“未发现问题”"


@dataclass
class Problem:
    key: str
    code: str
    sub_code: str | None
    severity: str
    description: str
    evaluator_ids: list[int] = field(default_factory=list)


def _located(text: str, location: str | None, note: str | None) -> str:
    where = f"（{location}）" if location else ""
    return f"{text}{where}{'：' + note if note else ''}"[:2000]


def problems(content: OpinionContent, lists: Checklists) -> list[Problem]:
    """The findings an opinion raises, one per problem, keyed so that two experts naming one problem meet."""
    found: list[Problem] = []
    for answer in content.criteria:
        if not answer.met:
            continue
        code, severity = ("R2", "critical") if answer.code.startswith("XJ") else ("R1", "major")
        found.append(
            Problem(
                key=f"{code}:{answer.code}",
                code=code,
                sub_code=answer.code,
                severity=severity,
                description=_located(f"专家审查：{lists.label(answer.code)}", answer.location, answer.note),
                evaluator_ids=answer.evaluator_ids,
            )
        )
    for hazard in content.hazards:
        if hazard.status not in HAZARD_PROBLEMS:
            continue
        verdict = "未评价" if hazard.status == "not_evaluated" else "评价不正确"
        found.append(
            Problem(
                key=f"R3:{hazard.code}",
                code="R3",
                sub_code=hazard.code,
                severity="critical" if hazard.status == "not_evaluated" else "major",
                description=_located(
                    f"专家审查：重大事故隐患{verdict}——{lists.label(hazard.code)}", hazard.location, hazard.note
                ),
                evaluator_ids=hazard.evaluator_ids,
            )
        )
    for breach in content.other_breaches:
        digest = hashlib.sha256(breach.description.strip().encode()).hexdigest()[:16]
        basis = f"（依据：{breach.legal_basis}）" if breach.legal_basis else ""
        found.append(
            Problem(
                key=f"R4:{breach.sub_code or digest}",
                code="R4",
                sub_code=breach.sub_code,
                severity="major",
                description=_located(f"专家审查：{breach.description}{basis}", breach.location, None),
                evaluator_ids=breach.evaluator_ids,
            )
        )
    return found
