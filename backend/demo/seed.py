"""Demo data (development only): Qinhuangdao, its counties, two agencies (one with a branch in another
county), an expert group with two experts, and one account per demo role. Idempotent: safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth.passwords import hash_password
from backend.demo.registry import load_registry_demo
from backend.models import Organization, User
from backend.models.organization import ROLE_BY_KIND
from backend.storage import Storage

DEMO_PASSWORD = "Anping@2024"

CITY = ("秦皇岛市应急管理局", "130300")
# (slug, bureau name, division code); the last two are functional zones with their own bureaus.
COUNTIES = [
    ("haigang", "海港区应急管理局", "130302"),
    ("shanhaiguan", "山海关区应急管理局", "130303"),
    ("beidaihe", "北戴河区应急管理局", "130304"),
    ("funing", "抚宁区应急管理局", "130306"),
    ("qinglong", "青龙满族自治县应急管理局", "130321"),
    ("changli", "昌黎县应急管理局", "130322"),
    ("lulong", "卢龙县应急管理局", "130324"),
    ("kaifaqu", "秦皇岛经济技术开发区应急管理局", "130371"),
    ("beidaihexinqu", "北戴河新区应急管理局", "130372"),
]
AGENCY_A = "河北安泰安全评价有限公司"
AGENCY_A_BRANCH = "河北安泰安全评价有限公司昌黎分公司"
AGENCY_B = "秦皇岛衡安安全技术咨询有限公司"
EXPERT_GROUP = "秦皇岛市安全评价专家组"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    organization: str
    is_admin: bool


DEMO_ACCOUNTS = [
    DemoAccount("city.admin", "张建国", CITY[0], True),
    DemoAccount("county.haigang", "李海港", "海港区应急管理局", True),
    DemoAccount("county.changli", "王昌黎", "昌黎县应急管理局", True),
    DemoAccount("agency.a.admin", "赵安泰", AGENCY_A, True),
    DemoAccount("agency.a.branch", "钱分部", AGENCY_A_BRANCH, True),
    DemoAccount("agency.b.admin", "孙衡安", AGENCY_B, True),
    DemoAccount("expert.1", "周专家", EXPERT_GROUP, False),
    DemoAccount("expert.2", "吴专家", EXPERT_GROUP, False),
    DemoAccount("expert.3", "郑专家", EXPERT_GROUP, False),
    DemoAccount("expert.4", "王专家", EXPERT_GROUP, False),
    DemoAccount("expert.5", "冯专家", EXPERT_GROUP, False),
]


async def _organization(session: AsyncSession, *, kind: str, name: str, **fields: object) -> Organization:
    existing = await session.scalar(select(Organization).where(Organization.kind == kind, Organization.name == name))
    if existing is not None:
        return existing
    organization = Organization(kind=kind, name=name, is_demo=True, **fields)
    session.add(organization)
    await session.flush()
    return organization


async def load_demo_data(session: AsyncSession, storage: Storage) -> dict[str, int]:
    """Create what is missing; returns the ids of the demo organisations by name."""
    organizations: dict[str, Organization] = {}
    organizations[CITY[0]] = await _organization(session, kind="city", name=CITY[0], division_code=CITY[1])
    for slug, name, code in COUNTIES:
        county = await _organization(session, kind="county", name=name, division_code=code, short_name=slug)
        if county.county_id is None:
            county.county_id = county.id
        organizations[name] = county
    haigang, changli = organizations["海港区应急管理局"], organizations["昌黎县应急管理局"]
    beidaihe = organizations["北戴河区应急管理局"]
    organizations[AGENCY_A] = agency_a = await _organization(
        session, kind="agency", name=AGENCY_A, county_id=haigang.id
    )
    organizations[AGENCY_A_BRANCH] = await _organization(
        session, kind="agency", name=AGENCY_A_BRANCH, county_id=changli.id, parent_id=agency_a.id
    )
    organizations[AGENCY_B] = await _organization(session, kind="agency", name=AGENCY_B, county_id=beidaihe.id)
    organizations[EXPERT_GROUP] = await _organization(session, kind="expert_group", name=EXPERT_GROUP)

    existing = set(await session.scalars(select(User.username).where(User.is_demo.is_(True))))
    password_hash = None
    for account in DEMO_ACCOUNTS:
        if account.username in existing:
            continue
        password_hash = password_hash or hash_password(DEMO_PASSWORD)
        organization = organizations[account.organization]
        session.add(
            User(
                username=account.username,
                full_name=account.full_name,
                organization_id=organization.id,
                role=ROLE_BY_KIND[organization.kind],
                is_admin=account.is_admin,
                is_demo=True,
                password_hash=password_hash,
            )
        )
    await session.flush()
    ids = {name: organization.id for name, organization in organizations.items()}
    city_admin = await session.scalar(select(User.id).where(User.username == "city.admin"))
    await load_registry_demo(session, ids, city_admin, storage)
    return ids
