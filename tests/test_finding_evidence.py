"""Evidence files on findings: who may add or remove them in which state, and who may read them."""

from __future__ import annotations

import os

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.demo.files import minimal_pdf
from backend.models import AuditEvent, Organization, Project
from tests import builders
from tests.conftest import login
from tests.support import tus

HEAD_A = "河北安泰安全评价有限公司"
HAIGANG = "海港区应急管理局"


async def _finding(db: AsyncSession, *, raised_by: str | None = None) -> int:
    agency_id = await db.scalar(select(Organization.id).where(Organization.name == HEAD_A))
    project = await db.scalar(select(Project).where(Project.agency_id == agency_id).limit(1))
    assert project is not None
    raiser = await db.scalar(select(Organization.id).where(Organization.name == raised_by)) if raised_by else None
    finding = await builders.finding(db, project, source_organization_id=raiser)
    await db.commit()
    return finding.id


async def _photo(client: httpx.AsyncClient, headers: dict[str, str], name: str = "整改后照片.pdf") -> int:
    return (await tus.upload(client, headers, minimal_pdf("evidence", os.urandom(6).hex()), name)).file_id


async def test_rectification_evidence_through_the_lifecycle(client: httpx.AsyncClient, db: AsyncSession) -> None:
    finding_id = await _finding(db, raised_by=HAIGANG)
    url = f"/api/v1/findings/{finding_id}"
    agency = await login(client, "agency.a.admin")
    county = await login(client, "county.haigang")

    photo = await _photo(client, agency)
    added = await client.post(f"{url}/evidence", json={"file_id": photo, "note": "整改后现场照片"}, headers=agency)
    assert added.status_code == 200, added.text
    evidence = added.json()["evidence"]
    assert [(e["file"]["name"], e["note"]) for e in evidence] == [("整改后照片.pdf", "整改后现场照片")]
    assert evidence[0]["added_by_organization_name"] == HEAD_A and evidence[0]["added_by_name"]
    again = await client.post(f"{url}/evidence", json={"file_id": photo}, headers=agency)
    assert len(again.json()["evidence"]) == 1

    # The raising county reads the agency's evidence, and adds its own inspection record.
    download = await client.get(evidence[0]["file"]["download_url"], headers=county)
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    record = await _photo(client, county, "检查记录.pdf")
    with_record = await client.post(f"{url}/evidence", json={"file_id": record}, headers=county)
    county_link = next(e for e in with_record.json()["evidence"] if e["file"]["name"] == "检查记录.pdf")
    not_yours = await client.delete(f"{url}/evidence/{county_link['id']}", headers=agency)
    assert not_yours.status_code == 403 and not_yours.json()["detail"] == "只能移除本单位添加的佐证材料"

    submitted = await client.post(
        f"{url}/transitions", json={"action": "submit", "rectification_note": "已整改"}, headers=agency
    )
    assert submitted.status_code == 200
    late = await client.post(f"{url}/evidence", json={"file_id": await _photo(client, agency)}, headers=agency)
    assert late.status_code == 409 and "已提交验收" in late.json()["detail"]

    assert (await client.post(f"{url}/transitions", json={"action": "accept"}, headers=county)).status_code == 200
    closed = await client.post(f"{url}/evidence", json={"file_id": record}, headers=county)
    assert closed.status_code == 409 and "已验收" in closed.json()["detail"]
    audit = await db.scalar(select(AuditEvent).where(AuditEvent.entity_type == "finding_files").limit(1))
    assert audit is not None and audit.action == "finding_files.create"


async def test_evidence_must_be_the_adders_own_file_and_stays_private_to_the_finding(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    finding_id = await _finding(db)
    agency = await login(client, "agency.a.admin")
    foreign = await _photo(client, await login(client, "agency.b.admin"))
    refused = await client.post(f"/api/v1/findings/{finding_id}/evidence", json={"file_id": foreign}, headers=agency)
    assert refused.status_code == 404 and refused.json()["errors"][0]["field"] == "file_id"

    photo = await _photo(client, agency)
    await client.post(f"/api/v1/findings/{finding_id}/evidence", json={"file_id": photo}, headers=agency)
    other_agency = await login(client, "agency.b.admin")
    assert (await client.get(f"/api/v1/files/{photo}/content", headers=other_agency)).status_code == 404
    city = await login(client, "city.admin")
    assert (await client.get(f"/api/v1/files/{photo}/content", headers=city)).status_code == 200


async def test_removing_evidence(client: httpx.AsyncClient, db: AsyncSession) -> None:
    finding_id = await _finding(db)
    agency = await login(client, "agency.a.admin")
    photo = await _photo(client, agency)
    added = (
        await client.post(f"/api/v1/findings/{finding_id}/evidence", json={"file_id": photo}, headers=agency)
    ).json()
    link = added["evidence"][0]["id"]
    removed = await client.delete(f"/api/v1/findings/{finding_id}/evidence/{link}", headers=agency)
    assert removed.status_code == 200 and removed.json()["evidence"] == []
    gone = await client.delete(f"/api/v1/findings/{finding_id}/evidence/{link}", headers=agency)
    assert gone.status_code == 404
