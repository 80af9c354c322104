import httpx

from backend.app import create_app
from tests.conftest import make_settings


async def test_health_reports_database_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.headers["x-request-id"]


async def test_health_is_503_when_the_database_is_unreachable() -> None:
    app = create_app(make_settings("postgresql+asyncpg://postgres@127.0.0.1:1/nowhere"))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            response = await client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.json()["database"] != "ok"
