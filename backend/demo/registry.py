"""Demo registry: two campaigns, agencies with staff and change history, enterprises across the counties, dozens
of statutory projects, liaisons and county submissions. Deterministic (seeded), keyed by natural keys, so loading
it again adds nothing."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.campaigns import service as campaigns
from backend.campaigns.schemas import CampaignCreate
from backend.core import calendar
from backend.core.identifiers import id_check_char, uscc_check_char
from backend.models import (
    Agency,
    AgencyChange,
    Campaign,
    CountySubmission,
    Enterprise,
    Evaluator,
    EvaluatorVerification,
    Liaison,
    Organization,
    Project,
    ProjectMember,
    SiteVisit,
)
from backend.models.base import utcnow
from backend.storage import Storage

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = [
    "建华",
    "海燕",
    "志强",
    "丽娜",
    "国庆",
    "晓东",
    "静",
    "磊",
    "红梅",
    "春生",
    "立新",
    "雪",
    "伟",
    "秀兰",
    "明",
    "宏伟",
    "婷",
    "超",
    "玉芳",
    "俊杰",
]
MAJORS = ["化学工程与工艺", "安全工程", "应用化学", "机械工程", "电气工程及其自动化", "环境工程", "油气储运工程"]
TITLES = ["高级工程师", "工程师", "正高级工程师", "助理工程师"]
DEGREES = ["本科/学士", "硕士研究生/硕士", "博士研究生/博士", "大专"]
ENTERPRISE_WORDS = ["化工", "石化", "新材料", "精细化工", "燃气", "化学品储运", "医药化工", "港口储运"]
PLACES = ["渤海", "燕山", "临港", "碣石", "长城", "金海", "联众", "华润", "恒泰", "鑫源", "宏达", "祥和"]
PROJECT_SUFFIX = {
    "pre": "建设项目安全预评价",
    "acceptance": "建设项目安全验收评价",
    "status": "安全现状评价",
    "special": "专项安全评价",
}

EXTRA_AGENCIES = [
    # (name, office county division code or None for an office outside the city)
    ("河北正安安全技术服务有限公司", None),
    ("天津华衡安全评价有限公司", None),
    ("秦皇岛安科安全评价有限公司", "130371"),
]


def credit_code(rng: random.Random, division: str) -> str:
    body = "91" + division + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc_check_char(body)


def id_number(rng: random.Random) -> str:
    born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 30))
    body = (
        rng.choice(["130302", "130322", "130104", "120101", "130203"]) + f"{born:%Y%m%d}" + f"{rng.randrange(100, 999)}"
    )
    return body + id_check_char(body)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


async def _campaigns(session: AsyncSession, today: date) -> Campaign:
    existing = {c.name: c for c in await campaigns.list_all(session)}
    for year in (2024, today.year):
        name = f"{year}年危险化学品行业安全评价机构执业行为专项整治"
        if name not in existing:
            existing[name] = await campaigns.create(
                session, CampaignCreate(name=name, year=year, notice_reference="秦皇岛市应急管理局 2024年9月5日通知")
            )
    return existing[f"{today.year}年危险化学品行业安全评价机构执业行为专项整治"]


async def _agencies(session: AsyncSession, rng: random.Random, orgs: dict[str, int], today: date) -> list[Agency]:
    counties = {
        o.division_code: o for o in await session.scalars(select(Organization).where(Organization.kind == "county"))
    }
    head_a, branch_a, agency_b = (
        "河北安泰安全评价有限公司",
        "河北安泰安全评价有限公司昌黎分公司",
        "秦皇岛衡安安全技术咨询有限公司",
    )
    for name, division in EXTRA_AGENCIES:
        found = await session.scalar(
            select(Organization.id).where(Organization.kind == "agency", Organization.name == name)
        )
        if found is not None:
            orgs[name] = found
        else:
            county = counties.get(division) if division else None
            organization = Organization(kind="agency", name=name, county_id=county.id if county else None, is_demo=True)
            session.add(organization)
            await session.flush()
            orgs[name] = organization.id
    specs = [
        (head_a, None, today + timedelta(days=600), ["chemicals", "metal_smelting"], "海港区河北大街西段 88 号"),
        (branch_a, head_a, today + timedelta(days=600), ["chemicals"], "昌黎县碣阳大街 16 号"),
        (agency_b, None, today + timedelta(days=45), ["chemicals"], "北戴河区海宁路 9 号"),
        (
            "河北正安安全技术服务有限公司",
            None,
            today - timedelta(days=20),
            ["chemicals", "fireworks"],
            "石家庄市裕华区槐安东路 1 号",
        ),
        (
            "天津华衡安全评价有限公司",
            None,
            today + timedelta(days=900),
            ["chemicals", "onshore_oil_gas"],
            "天津市滨海新区港城大道 5 号",
        ),
        ("秦皇岛安科安全评价有限公司", None, today + timedelta(days=300), ["chemicals"], "经济技术开发区龙海道 66 号"),
    ]
    agencies = []
    for name, parent, valid_until, scopes, office in specs:
        agency = await session.get(Agency, orgs[name])
        if agency is None:
            organization = await session.get_one(Organization, orgs[name])
            agency = Agency(
                id=organization.id,
                name=name,
                credit_code=credit_code(rng, "130300" if "秦皇岛" in name or "河北安泰" in name else "130100"),
                parent_id=orgs[parent] if parent else None,
                county_id=organization.county_id,
                qualification_number=None if parent else f"APJ-（冀）-{rng.randrange(100, 999)}",
                qualification_valid_from=valid_until - timedelta(days=5 * 365),
                qualification_valid_until=valid_until,
                business_scopes=scopes,
                registered_address=office,
                office_address=office,
                legal_representative=person_name(rng),
                technical_director=person_name(rng),
                contact_name=person_name(rng),
                contact_phone=f"0335-{rng.randrange(3000000, 8999999)}",
            )
            session.add(agency)
            await session.flush()
            if name == head_a:
                session.add(
                    AgencyChange(
                        agency_id=agency.id,
                        county_id=agency.county_id,
                        field="technical_director",
                        old_value=person_name(rng),
                        new_value=agency.technical_director,
                        effective_on=today - timedelta(days=200),
                        registered_on=today - timedelta(days=185),
                    )
                )
            if name == agency_b:
                session.add(
                    AgencyChange(
                        agency_id=agency.id,
                        county_id=agency.county_id,
                        field="name",
                        old_value="秦皇岛衡安安全咨询有限公司",
                        new_value=name,
                        effective_on=today - timedelta(days=75),
                        registered_on=None,
                        note="尚未向省应急管理厅办理变更",
                    )
                )
        agencies.append(agency)
    return agencies


async def _evaluators(
    session: AsyncSession, rng: random.Random, agencies: list[Agency], checker_id: int | None
) -> dict[int, list[Evaluator]]:
    staff: dict[int, list[Evaluator]] = {}
    for agency in agencies:
        existing = list(await session.scalars(select(Evaluator).where(Evaluator.agency_id == agency.id)))
        if not existing:
            for index in range(8 if agency.parent_id is None else 5):
                kind = rng.choice(
                    ["safety_evaluator_1", "safety_evaluator_2", "safety_evaluator_3", "registered_safety_engineer"]
                )
                start = date(rng.randrange(2012, 2023), rng.randrange(1, 13), 1)
                evaluator = Evaluator(
                    agency_id=agency.id,
                    county_id=agency.county_id,
                    name=person_name(rng),
                    id_number=id_number(rng),
                    certificate_kind=kind,
                    certificate_number=f"{'S' if kind.startswith('safety') else 'ZA'}{rng.randrange(10**9, 10**10)}",
                    major=rng.choice(MAJORS),
                    title=rng.choice(TITLES),
                    degree=rng.choice(DEGREES),
                    contract_kind="labour" if index % 6 else "service",
                    contract_start=start,
                    contract_end=start + timedelta(days=rng.choice([3, 5]) * 365),
                    is_full_time=index % 7 != 6,
                    phone=f"13{rng.randrange(100000000, 999999999)}",
                )
                session.add(evaluator)
                existing.append(evaluator)
            await session.flush()
            for evaluator in existing[:3]:
                session.add(
                    EvaluatorVerification(
                        evaluator_id=evaluator.id,
                        platform="mohrss" if evaluator.certificate_kind != "registered_safety_engineer" else "mem",
                        checked_by_id=checker_id,
                        checked_by_name="张建国",
                        checked_at=utcnow() - timedelta(days=rng.randrange(5, 60)),
                        result="consistent" if evaluator is not existing[2] else "not_found",
                        note=None if evaluator is not existing[2] else "平台未查到该证书编号，已要求机构说明",
                    )
                )
        staff[agency.id] = existing
    return staff


async def _enterprises(session: AsyncSession, rng: random.Random) -> list[Enterprise]:
    counties = list(
        await session.scalars(
            select(Organization).where(Organization.kind == "county").order_by(Organization.division_code)
        )
    )
    weights = {
        "130302": 5,
        "130322": 4,
        "130371": 4,
        "130306": 3,
        "130303": 2,
        "130304": 2,
        "130321": 1,
        "130324": 2,
        "130372": 1,
    }
    enterprises = []
    for county in counties:
        for index in range(weights.get(county.division_code or "", 1)):
            code = credit_code(random.Random(f"{county.division_code}-{index}"), county.division_code or "130300")
            enterprise = await session.scalar(select(Enterprise).where(Enterprise.credit_code == code))
            if enterprise is None:
                short = county.name.removesuffix("应急管理局")
                plant = "" if index == 0 else f"（{short}{index}厂）"
                enterprise = Enterprise(
                    county_id=county.id,
                    name=f"秦皇岛{rng.choice(PLACES)}{rng.choice(ENTERPRISE_WORDS)}有限公司{plant}",
                    credit_code=code,
                    address=f"{short}{rng.choice(['工业园区', '临港产业区', '化工园区'])}{rng.randrange(1, 99)}号",
                    longitude=round(119.2 + rng.random() * 0.8, 6),
                    latitude=round(39.7 + rng.random() * 0.5, 6),
                    activities=sorted(rng.sample(["production", "storage", "operation", "use"], rng.randrange(1, 3))),
                    has_major_hazard=rng.random() < 0.4,
                    contact_name=person_name(rng),
                    contact_phone=f"0335-{rng.randrange(3000000, 8999999)}",
                )
                session.add(enterprise)
            enterprises.append(enterprise)
    await session.flush()
    return enterprises


async def _projects(
    session: AsyncSession,
    rng: random.Random,
    enterprises: list[Enterprise],
    agencies: list[Agency],
    staff: dict[int, list[Evaluator]],
    today: date,
) -> None:
    for number, enterprise in enumerate(enterprises * 2):
        agency = agencies[(number * 7 + number // 3) % len(agencies)]
        kind = ["status", "status", "pre", "acceptance", "status", "special"][number % 6]
        report_number = f"{agency.credit_code[-6:]}-{2021 + number % 5}-{number + 1:03d}"
        exists = await session.scalar(
            select(Project.id).where(Project.agency_id == agency.id, Project.report_number == report_number)
        )
        if exists is not None:
            continue
        issued_on = today - timedelta(days=rng.randrange(30, 365 * 4))
        valid_until = None
        if kind == "status":
            valid_until = (
                issued_on.replace(year=issued_on.year + 3)
                if issued_on.month != 2 or issued_on.day != 29
                else issued_on + timedelta(days=3 * 365)
            )
        people = staff[agency.id] + (staff.get(agency.parent_id or -1) or [])
        team = rng.sample(people, min(len(people), 4))
        project = Project(
            enterprise_id=enterprise.id,
            county_id=enterprise.county_id,
            agency_id=agency.id,
            kind=kind,
            name=f"{enterprise.name.split('（')[0]}{PROJECT_SUFFIX[kind]}",
            report_number=report_number,
            issued_on=issued_on,
            valid_until=valid_until,
            listed_by_county=number % 5 != 4,
        )
        project.members = [
            ProjectMember(evaluator_id=e.id, name=e.name, role=role, position=index)
            for index, (e, role) in enumerate(
                zip(team, ["leader", "member", "member", "technical_director"], strict=False)
            )
        ]
        survey_day = issued_on - timedelta(days=rng.randrange(20, 90))
        project.site_visits = [SiteVisit(evaluator_id=e.id, name=e.name, visited_on=survey_day) for e in team[:2]]
        session.add(project)
    await session.flush()


async def _county_work(session: AsyncSession, campaign: Campaign, orgs: dict[str, int]) -> None:
    liaisons = [
        ("海港区应急管理局", "海港区应急管理局危化科", "李海港", "科长", "0335-3011234", "13903351234"),
        ("海港区应急管理局", "海港区应急管理局危化科", "郭晓东", "科员", "0335-3011235", "13903355678"),
        ("昌黎县应急管理局", "昌黎县应急管理局危化股", "王昌黎", "股长", "0335-2021234", "13833561234"),
        ("抚宁区应急管理局", "抚宁区应急管理局安全生产监督管理科", "刘立新", "副科长", "0335-6061234", "13633351234"),
    ]
    for county, unit, name, position, office, mobile in liaisons:
        found = await session.scalar(
            select(Liaison.id).where(
                Liaison.campaign_id == campaign.id, Liaison.county_id == orgs[county], Liaison.name == name
            )
        )
        if found is None:
            session.add(
                Liaison(
                    campaign_id=campaign.id,
                    county_id=orgs[county],
                    unit=unit,
                    name=name,
                    position=position,
                    office_phone=office,
                    mobile=mobile,
                )
            )
    due = {d.code: d.due_on for d in campaign.deadlines}
    submissions = [
        ("海港区应急管理局", "liaison_table", -2, None, None),
        ("昌黎县应急管理局", "liaison_table", 3, None, None),
        (
            "海港区应急管理局",
            "county_work_plan",
            -1,
            "海港区安全评价机构执业行为专项整治工作计划",
            "一、工作目标……\n二、工作安排……",
        ),
    ]
    for county, kind, days_after_due, title, content in submissions:
        found = await session.scalar(
            select(CountySubmission.id).where(
                CountySubmission.campaign_id == campaign.id,
                CountySubmission.county_id == orgs[county],
                CountySubmission.kind == kind,
            )
        )
        if found is None:
            submitted_at = datetime.combine(
                due[kind] + timedelta(days=days_after_due), time(10), tzinfo=calendar.BEIJING
            )
            session.add(
                CountySubmission(
                    campaign_id=campaign.id,
                    county_id=orgs[county],
                    kind=kind,
                    title=title,
                    content=content,
                    submitted_at=submitted_at,
                    is_late=calendar.is_late(submitted_at, due[kind]),
                )
            )
    await session.flush()


async def load_registry_demo(
    session: AsyncSession, orgs: dict[str, int], city_admin_id: int | None, storage: Storage
) -> None:
    today = calendar.today()
    rng = random.Random(20240905)
    campaign = await _campaigns(session, today)
    agencies = await _agencies(session, rng, orgs, today)
    staff = await _evaluators(session, rng, agencies, city_admin_id)
    enterprises = await _enterprises(session, rng)
    await _projects(session, rng, enterprises, agencies, staff, today)
    await _county_work(session, campaign, orgs)
    from backend.demo.self_checks import load_self_check_demo

    await load_self_check_demo(session, campaign, city_admin_id)
    from backend.demo.retrieval import load_retrieval_demo

    await load_retrieval_demo(session, storage, campaign)
    from backend.demo.reviews import load_review_demo

    await load_review_demo(session, campaign)
    from backend.demo.inspections import load_inspection_demo

    await load_inspection_demo(session, storage, campaign)
