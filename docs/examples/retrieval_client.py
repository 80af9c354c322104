"""An agency's software answering the city's retrieval requests (附件4) through the Anping API, with httpx.

For every open request it uploads, per project, `<report number>.pdf` (the report) and `<report number>.zip`
(the process-control archive) from a folder, resuming any upload that was interrupted, then submits.

    ANPING_URL=http://127.0.0.1:8000 ANPING_TOKEN=anp_... python retrieval_client.py REPORTS_FOLDER
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx

TUS = {"Tus-Resumable": "1.0.0"}
CHUNK = 8 * 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def chunks(path: Path, offset: int) -> Iterator[bytes]:
    with path.open("rb") as handle:
        handle.seek(offset)
        while block := handle.read(1024 * 1024):
            yield block


def upload(client: httpx.Client, path: Path, state_file: Path) -> int:
    """Upload `path` (resuming a previous attempt recorded in `state_file`) and return the stored file's id."""
    sha256 = sha256_of(path)
    state = json.loads(state_file.read_text()) if state_file.exists() else {}
    location = state.get(sha256)
    if location is None or client.head(location, headers=TUS).status_code == 404:
        metadata = ",".join(
            f"{key} {base64.b64encode(value.encode()).decode()}"
            for key, value in (("filename", path.name), ("sha256", sha256))
        )
        created = client.post(
            "/api/v1/uploads",
            headers={**TUS, "Upload-Length": str(path.stat().st_size), "Upload-Metadata": metadata},
        )
        created.raise_for_status()
        location = created.headers["Location"]
        state[sha256] = location
        state_file.write_text(json.dumps(state))
    size = path.stat().st_size
    while True:
        offset = int(client.head(location, headers=TUS).headers["Upload-Offset"])
        if offset >= size:
            break
        end = min(offset + CHUNK, size)
        with path.open("rb") as handle:
            handle.seek(offset)
            body = handle.read(end - offset)
        response = client.patch(
            location,
            content=body,
            headers={**TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": str(offset)},
        )
        if response.status_code == 422:
            sys.exit(f"{path.name}: {response.json()['detail']}")
        response.raise_for_status()
    completed = client.post(f"{location}/complete")  # idempotent: the same file however often it is called
    completed.raise_for_status()
    return int(completed.json()["file"]["id"])


def main(folder: Path) -> None:
    headers = {"Authorization": f"Bearer {os.environ['ANPING_TOKEN']}"}
    with httpx.Client(base_url=os.environ["ANPING_URL"], headers=headers, timeout=120) as client:
        requests = client.get("/api/v1/retrieval-requests", params={"status": "open", "page_size": 100})
        requests.raise_for_status()
        for summary in requests.json()["items"]:
            base = f"/api/v1/retrieval-requests/{summary['id']}"
            for item in client.get(base).json()["items"]:
                for slot, suffix in (("report", ".pdf"), ("archive", ".zip")):
                    if slot not in item["missing"]:
                        continue
                    path = folder / f"{item['report_number']}{suffix}"
                    file_id = upload(client, path, folder / ".anping-uploads.json")
                    attached = client.post(f"{base}/items/{item['id']}/files", json={"file_id": file_id, "slot": slot})
                    attached.raise_for_status()
            submitted = client.post(f"{base}/submit")
            if submitted.status_code != 200:
                sys.exit(f"提交失败：{submitted.json()['detail']}")
            print(f"已提交调阅通知 {summary['id']}（{summary['agency_name']}）")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
