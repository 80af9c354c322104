"""The baseline for the list page: a minimal FastAPI endpoint running the same SQL with raw asyncpg and orjson.

BENCH_SQL_FILE=… BENCH_DATABASE_URL=… uvicorn tests.bench.baseline_app:app --workers 2
"""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import orjson
from fastapi import FastAPI, Response

QUERIES = json.loads(Path(os.environ["BENCH_SQL_FILE"]).read_text(encoding="utf-8"))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool_size = int(os.environ.get("BENCH_POOL_SIZE", "4"))
    app.state.pool = await asyncpg.create_pool(os.environ["BENCH_DATABASE_URL"], min_size=pool_size, max_size=pool_size)
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/list")
async def list_page() -> Response:
    async with app.state.pool.acquire() as connection:
        # The same statements as the endpoint, in order: the small ones (version, or a count) and then the page.
        values = [await connection.fetchval(sql) for name, sql in QUERIES.items() if name != "page"]
        rows = await connection.fetch(QUERIES["page"])
    body = {"items": [dict(row) for row in rows], "total": values[-1], "page": 1, "page_size": 50}
    return Response(orjson.dumps(body, default=str), media_type="application/json")
