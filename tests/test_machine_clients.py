"""The documented machine-client examples (docs/UPLOADS.md) run as written against a real server."""

from __future__ import annotations

import asyncio
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.config import PROJECT_ROOT
from backend.demo.files import minimal_pdf, process_archive
from backend.models import Agency, Campaign
from tests.conftest import login
from tests.support import tus

EXAMPLES = PROJECT_ROOT / "docs" / "examples"
AGENCY = "河北安泰安全评价有限公司"


def test_the_docs_show_the_tested_examples() -> None:
    doc = (PROJECT_ROOT / "docs" / "UPLOADS.md").read_text()
    for example in ("upload_curl.sh", "retrieval_client.py"):
        assert (EXAMPLES / example).read_text() in doc


async def _token_and_request(client: httpx.AsyncClient, db: AsyncSession) -> tuple[str, dict[str, Any]]:
    agency_id = await db.scalar(select(Agency.id).where(Agency.name == AGENCY))
    campaign = await db.scalar(select(Campaign.id).order_by(Campaign.year.desc()))
    city = await login(client, "city.admin")
    created = await client.post(
        "/api/v1/retrieval-requests", json={"campaign_id": campaign, "agency_id": agency_id}, headers=city
    )
    assert created.status_code == 201, created.text
    admin = await login(client, "agency.a.admin")
    token = await client.post("/api/v1/api-tokens", json={"name": "机构业务系统"}, headers=admin)
    assert token.status_code == 201
    return token.json()["token"], created.json()


async def _run(*command: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *command, env={**os.environ, **env}, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_curl_example_uploads_resumes_and_attaches(live_server: str, db: AsyncSession, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=live_server) as client:
        token, request = await _token_and_request(client, db)
        item = request["items"][0]
        archive = tmp_path / "过程控制档案.zip"
        archive.write_bytes(process_archive(f"curl {os.urandom(4).hex()}") + b"")
        env = {"ANPING_URL": live_server, "ANPING_TOKEN": token}
        code, out, err = await _run(
            "bash",
            str(EXAMPLES / "upload_curl.sh"),
            str(request["id"]),
            str(item["id"]),
            "archive",
            str(archive),
            env=env,
        )
        assert code == 0, err
        file_id = int(out.strip())

        # An interrupted upload: half of a report sent earlier, continued by running the script with UPLOAD_URL.
        report = tmp_path / "评价报告.pdf"
        report.write_bytes(minimal_pdf(f"curl resume {os.urandom(4).hex()}") + os.urandom(200_000))
        data = report.read_bytes()
        headers = {"Authorization": f"Bearer {token}"}
        location = await tus.create(client, headers, len(data), report.name, sha256=hashlib.sha256(data).hexdigest())
        await tus.patch(client, headers, location, 0, data[:100_000])
        code, out, err = await _run(
            "bash",
            str(EXAMPLES / "upload_curl.sh"),
            str(request["id"]),
            str(item["id"]),
            "report",
            str(report),
            env={**env, "UPLOAD_URL": f"{live_server}{location}"},
        )
        assert code == 0, err
        detail = (await client.get(f"/api/v1/retrieval-requests/{request['id']}", headers=headers)).json()
    files = {f["slot"]: f["file"] for f in detail["items"][0]["files"]}
    assert files["archive"]["id"] == file_id and files["archive"]["name"] == "过程控制档案.zip"
    assert files["report"]["id"] == int(out.strip())
    assert files["report"]["sha256"] == hashlib.sha256(data).hexdigest() and files["report"]["name"] == "评价报告.pdf"


async def test_python_example_does_the_whole_flow(live_server: str, db: AsyncSession, tmp_path: Path) -> None:
    async with httpx.AsyncClient(base_url=live_server) as client:
        token, request = await _token_and_request(client, db)
        headers = {"Authorization": f"Bearer {token}"}
        contents: dict[str, bytes] = {}
        for item in request["items"]:
            tag = f"{item['report_number']} {os.urandom(4).hex()}"
            contents[f"{item['report_number']}.pdf"] = minimal_pdf(tag)
            contents[f"{item['report_number']}.zip"] = process_archive(tag)
        for name, data in contents.items():
            (tmp_path / name).write_bytes(data)
        # The first report was half uploaded by an earlier run, which recorded where.
        first = f"{request['items'][0]['report_number']}.pdf"
        data = contents[first]
        location = await tus.create(client, headers, len(data), first, sha256=hashlib.sha256(data).hexdigest())
        await tus.patch(client, headers, location, 0, data[: len(data) // 2])
        (tmp_path / ".anping-uploads.json").write_text(f'{{"{hashlib.sha256(data).hexdigest()}": "{location}"}}')

        code, out, err = await _run(
            sys.executable,
            str(EXAMPLES / "retrieval_client.py"),
            str(tmp_path),
            env={"ANPING_URL": live_server, "ANPING_TOKEN": token},
        )
        assert code == 0, err
        assert f"已提交调阅通知 {request['id']}" in out
        resumed = (await client.get(location, headers=headers)).json()
        detail = (await client.get(f"/api/v1/retrieval-requests/{request['id']}", headers=headers)).json()
    assert resumed["status"] == "complete"
    assert detail["status"] == "submitted" and detail["missing_count"] == 0
    for item in detail["items"]:
        for attached in item["files"]:
            suffix = ".pdf" if attached["slot"] == "report" else ".zip"
            expected = contents[f"{item['report_number']}{suffix}"]
            assert attached["file"]["sha256"] == hashlib.sha256(expected).hexdigest()
    first_report = next(f["file"] for f in detail["items"][0]["files"] if f["slot"] == "report")
    assert first_report["id"] == resumed["file"]["id"]
