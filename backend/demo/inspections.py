"""Demo inspections, county checks and penalties, made through the services themselves: the inspector pool, a
recorded random draw, county inspections completed and in draft (so each county's duty shows both states), the
documents recorded by hand (manual mode), a county check of a report, and penalties with their stamped scans."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core import calendar
from backend.core.config import get_settings
from backend.demo.files import minimal_pdf
from backend.demo.reviews import principal_of
from backend.files.store import store_bytes
from backend.inspections import county_checks, service
from backend.inspections.schemas import (
    ChecklistAnswer,
    CountyCheckCreate,
    DocumentIn,
    InspectionCreate,
    InspectionDrawCreate,
    InspectionUpdate,
    InspectorIn,
    ProblemIn,
    SpotCheck,
)
from backend.models import Agency, Campaign, Evaluator, Inspector, Organization, Project, User
from backend.penalties import service as penalties
from backend.penalties.schemas import PenaltyIn
from backend.storage import Storage

DRAW_SEED = "qhd-2024-1016"
INSPECTORS = {
    "city.admin": [("张执法", "13030001"), ("刘执法", "13030002"), ("陈执法", "13030003")],
    "county.haigang": [("李海检", "13030201"), ("周海检", "13030202")],
    "county.changli": [("王昌检", "13032201"), ("赵昌检", "13032202")],
}
CREDIT = {
    "河北安泰安全评价有限公司": "yellow",
    "秦皇岛衡安安全技术咨询有限公司": "orange",
    "天津华衡安全评价有限公司": "blue",
}


async def _scan(session: AsyncSession, storage: Storage, organization_id: int, name: str, title: str) -> int:
    stored = await store_bytes(session, storage, minimal_pdf(title), name=name, organization_id=organization_id)
    return stored.id


def _record(inspector_ids: list[int], day: date, problems: list[ProblemIn], place: str) -> InspectionUpdate:
    flagged = {p.code for p in problems}
    start = datetime.combine(day, datetime.min.time(), tzinfo=calendar.BEIJING) + timedelta(hours=9)
    return InspectionUpdate(
        inspected_on=day,
        started_at=start,
        ended_at=start + timedelta(hours=2, minutes=30),
        place=place,
        on_site_person="机构技术负责人",
        inspector_ids=inspector_ids,
        checklist=[
            ChecklistAnswer(code=code, result="non_compliant" if code in flagged else "compliant")
            for code in ("Q1", "Q2", "Q3", "Q4", "Q5")
        ],
        problems=problems,
        summary="检查了资质条件、专职人员劳动合同和社保、过程控制档案。",
    )


async def load_inspection_demo(session: AsyncSession, storage: Storage, campaign: Campaign) -> None:
    if await session.scalar(select(Inspector.id).limit(1)):
        return
    # Manual mode whatever the deployment's settings: demo records are never sent to an enforcement system.
    settings = get_settings().model_copy(update={"enforcement_endpoint": None})
    users = {u.username: u for u in await session.scalars(select(User).where(User.username.in_(INSPECTORS)))}
    if len(users) < len(INSPECTORS):
        return
    principals = {name: await principal_of(session, user) for name, user in users.items()}
    agencies = {a.name: a for a in await session.scalars(select(Agency))}
    for name, level in CREDIT.items():
        if name in agencies:
            agencies[name].credit_level = level
    pool: dict[str, list[int]] = {}
    for username, officers in INSPECTORS.items():
        pool[username] = [
            (
                await service.create_inspector(
                    session, principals[username], InspectorIn(name=name, certificate_number=number)
                )
            ).id
            for name, number in officers
        ]
    counties = {
        o.short_name: o.id for o in await session.scalars(select(Organization).where(Organization.kind == "county"))
    }
    today = calendar.today()

    # 海港区: its agency office inspected, two problems, the documents recorded by hand.
    head = agencies["河北安泰安全评价有限公司"]
    project = await session.scalar(select(Project).where(Project.agency_id == head.id).order_by(Project.id).limit(1))
    problems = [
        ProblemIn(
            code="Q2",
            description="2 名专职安全评价师劳动合同已到期未续签",
            measure="续签劳动合同并补缴社保",
            deadline=today + timedelta(days=30),
        )
    ]
    if project is not None:
        problems.append(
            ProblemIn(
                code="R4",
                sub_code="PC04",
                description="抽查的过程控制档案中现场勘验照片无拍摄时间和地点",
                project_id=project.id,
                deadline=today + timedelta(days=20),
            )
        )
    haigang = principals["county.haigang"]
    inspection = await service.create(
        session, haigang, settings, InspectionCreate(campaign_id=campaign.id, agency_id=head.id, kind="county_duty")
    )
    record = _record(
        pool["county.haigang"], today - timedelta(days=12), problems, head.office_address or "机构办公场所"
    )
    if project is not None:
        record.spot_checks = [SpotCheck(project_id=project.id, archive_complete=False, missing=["现场影像资料"])]
    await service.update(session, haigang, settings, inspection.id, record)
    await service.complete(session, haigang, settings, inspection.id)
    record_scan = await _scan(session, storage, counties["haigang"], "现场检查记录（盖章）.pdf", "Inspection record")
    for kind, number, scan in (
        ("inspection_record", "（秦海）应急检记〔2024〕21号", record_scan),
        ("rectification_order", "（秦海）应急责改〔2024〕21号", None),
    ):
        await service.add_document(
            session,
            haigang,
            settings,
            inspection.id,
            DocumentIn(kind=kind, number=number, issued_on=today - timedelta(days=12), file_id=scan),
        )
    fine_scan = await _scan(session, storage, counties["haigang"], "行政处罚决定书（盖章）.pdf", "Penalty decision")
    await penalties.create(
        session,
        haigang,
        PenaltyIn(
            campaign_id=campaign.id,
            target_kind="agency",
            agency_id=head.id,
            inspection_id=inspection.id,
            decision_number="（秦海）应急罚〔2024〕6号",
            decided_on=today - timedelta(days=3),
            legal_basis="《安全评价检测检验机构管理办法》第三十条第十项",
            measures=["warning", "fine"],
            fine_amount=Decimal("30000"),
            facts="专职安全评价师劳动合同到期未续签，仍以其名义出具报告。",
            file_id=fine_scan,
        ),
    )

    # 昌黎县: the branch's inspection still a draft (the duty not yet met), and a county check of a report.
    changli = principals["county.changli"]
    branch = agencies["河北安泰安全评价有限公司昌黎分公司"]
    draft = await service.create(
        session, changli, settings, InspectionCreate(campaign_id=campaign.id, agency_id=branch.id, kind="county_duty")
    )
    await service.update(
        session,
        changli,
        settings,
        draft.id,
        InspectionUpdate(inspector_ids=pool["county.changli"], place="分公司办公场所"),
    )
    checked = await session.scalar(
        select(Project).where(Project.county_id == counties["changli"]).order_by(Project.id).limit(1)
    )
    if checked is not None:
        check = await county_checks.create(
            session,
            changli,
            CountyCheckCreate(
                campaign_id=campaign.id,
                project_id=checked.id,
                legality_ok=True,
                completeness_ok=True,
                truthfulness_ok=False,
                truthfulness_note="报告中储罐区周边环境描述与现场不符",
                problems=[ProblemIn(code="R1", sub_code="SS01", description="周边环境描述与实际不符，影响评价结论")],
            ),
        )
        await county_checks.complete(session, changli, check.id)

    # The city: a recorded random draw; the first drawn agency inspected, the second still to be visited.
    city = principals["city.admin"]
    drawn = await service.create_draw(
        session,
        city,
        settings,
        InspectionDrawCreate(campaign_id=campaign.id, target_count=2, inspectors_per_target=2, seed=DRAW_SEED),
    )
    first = drawn.inspection_ids[0]
    target = await service.detail(session, city.scope, settings, first)
    await service.update(
        session,
        city,
        settings,
        first,
        _record([i.id for i in target.inspectors], today - timedelta(days=5), [], "机构办公场所"),
    )
    await service.complete(session, city, settings, first)
    evaluator = await session.scalar(
        select(Evaluator).where(Evaluator.agency_id == target.agency_id).order_by(Evaluator.id).limit(1)
    )
    if evaluator is not None:
        await penalties.create(
            session,
            city,
            PenaltyIn(
                campaign_id=campaign.id,
                target_kind="evaluator",
                agency_id=target.agency_id,
                evaluator_id=evaluator.id,
                inspection_id=first,
                decision_number="（秦）应急罚〔2024〕2号",
                decided_on=today - timedelta(days=1),
                legal_basis="《安全生产法》第九十二条第一款",
                measures=["warning"],
                facts="出借资格证书。",
            ),
        )
