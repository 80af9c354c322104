"""QueryModel (core/query_model.py) against FastAPI's own query parameters: same OpenAPI, same values, same 422s."""

# No `from __future__ import annotations`: the routes below annotate with a local model, evaluated at once.
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, Query
from pydantic import BaseModel

from backend.core.errors import install_error_handlers
from backend.core.query_model import QueryModel
from backend.projects.endpoints import ProjectFilters, ProjectListQuery

MODELS = [ProjectListQuery, ProjectFilters]


def _apps(model: type[BaseModel]) -> tuple[FastAPI, FastAPI]:
    """The same query declared FastAPI's way and through a QueryModel, each echoing what it parsed."""
    fastapi_way, ours = FastAPI(), FastAPI()
    for app in (fastapi_way, ours):
        install_error_handlers(app)
    query = QueryModel(model)

    @fastapi_way.get("/items")
    async def declared(parsed: Annotated[model, Query()]) -> dict[str, Any]:  # type: ignore[valid-type]
        return parsed.model_dump(mode="json")  # type: ignore[no-any-return,attr-defined]

    @ours.get("/items", openapi_extra=query.openapi_extra)
    async def modelled(parsed: Annotated[model, Depends(query)]) -> dict[str, Any]:  # type: ignore[valid-type]
        return parsed.model_dump(mode="json")  # type: ignore[no-any-return,attr-defined]

    return fastapi_way, ours


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_openapi_parameters_are_fastapis(model: type[BaseModel]) -> None:
    fastapi_way, ours = _apps(model)
    expected = fastapi_way.openapi()["paths"]["/items"]["get"]["parameters"]
    assert ours.openapi()["paths"]["/items"]["get"]["parameters"] == expected
    assert [p["name"] for p in expected] == list(model.model_fields)


QUERIES = [
    "",
    "valid=true&sort=-issued_on&page_size=50",
    "page=3&page_size=200&q=%E5%8C%96%E5%B7%A5&county_id=2&kind=pre&issued_from=2025-01-01&issued_to=2025-12-31",
    "valid=0&agency_id=7&agency_id=9&unknown=1",  # a repeated name: the last wins; unknown names are ignored
    "page=0&page_size=201&county_id=abc&kind=other&valid=maybe&issued_from=2025-13-01",
    "q=" + "长" * 101,
    "county_id=&page=",
]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("query", QUERIES)
async def test_same_values_and_errors_as_fastapi(model: type[BaseModel], query: str) -> None:
    fastapi_way, ours = _apps(model)
    answers = []
    for app in (fastapi_way, ours):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            response = await client.get(f"/items?{query}")
        body = response.json()
        body.pop("request_id", None)
        answers.append((response.status_code, response.headers["content-type"], body))
    assert answers[1] == answers[0]
    if query.startswith("page=0"):
        status, content_type, body = answers[1]
        assert (status, content_type) == (422, "application/problem+json")
        fields = {error["field"] for error in body["errors"]}
        assert {"county_id", "kind", "valid", "issued_from"} <= fields
        assert ("page" in fields) == ("page" in model.model_fields)
