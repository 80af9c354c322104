import logging

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import login


async def test_validation_errors_name_each_field_in_chinese(client: httpx.AsyncClient) -> None:
    headers = await login(client, "city.admin")
    response = await client.post("/api/v1/users", json={"username": "x", "password": 5}, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    problem = response.json()
    fields = {error["field"]: error["message"] for error in problem["errors"]}
    assert fields["username"] == "长度不能少于 3 个字符"
    assert fields["full_name"] == "必填项"
    assert fields["password"] == "应为文本"
    assert problem["status"] == 422 and problem["title"] == "提交的数据有误"
    assert problem["request_id"] == response.headers["x-request-id"]


async def test_unknown_api_path_is_a_problem_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "接口不存在"


async def test_wrong_method_is_a_problem_405(client: httpx.AsyncClient) -> None:
    response = await client.delete("/api/v1/health")
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"] == "不支持该请求方法"


async def test_request_id_is_echoed_or_generated(client: httpx.AsyncClient) -> None:
    given = await client.get("/api/v1/health", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    hostile = await client.get("/api/v1/health", headers={"X-Request-ID": "bad id\twith spaces"})
    assert hostile.headers["x-request-id"] != "bad id\twith spaces" and len(hostile.headers["x-request-id"]) == 32


async def test_a_500_is_a_problem_without_stack_trace_and_is_logged_with_its_request_id(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/api/v1/test-explode", explode)
    app.router.routes.insert(0, app.router.routes.pop())  # ahead of the SPA's catch-all
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        with caplog.at_level(logging.ERROR, logger="anping.request"):
            response = await client.get("/api/v1/test-explode")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    request_id = response.headers["x-request-id"]
    assert response.json()["request_id"] == request_id
    assert any(request_id in record.getMessage() and record.exc_info for record in caplog.records)


async def test_lists_share_one_shape_and_paginate(client: httpx.AsyncClient) -> None:
    headers = await login(client, "city.admin")
    first = (await client.get("/api/v1/organizations?page=1&page_size=5&sort=name", headers=headers)).json()
    assert set(first) == {"items", "total", "page", "page_size"}
    total = first["total"]
    assert total == 17 and first["page"] == 1 and first["page_size"] == 5 and len(first["items"]) == 5
    assert all("id" in item for item in first["items"])
    names = [item["name"] for item in first["items"]]
    assert names == sorted(names)
    last = (await client.get("/api/v1/organizations?page=4&page_size=5&sort=name", headers=headers)).json()
    assert len(last["items"]) == total - 15
    beyond = (await client.get("/api/v1/organizations?page=9&page_size=5", headers=headers)).json()
    assert beyond["items"] == [] and beyond["total"] == total
    descending = (await client.get("/api/v1/organizations?sort=-name&page_size=200", headers=headers)).json()
    assert [item["name"] for item in descending["items"]] == sorted(
        (item["name"] for item in descending["items"]), reverse=True
    )


async def test_list_limits_and_bad_sort_are_clear_422s(client: httpx.AsyncClient) -> None:
    headers = await login(client, "city.admin")
    too_big = await client.get("/api/v1/organizations?page_size=201", headers=headers)
    assert too_big.status_code == 422 and too_big.json()["errors"][0]["field"] == "page_size"
    assert too_big.json()["errors"][0]["message"] == "应不大于 200"
    bad_sort = await client.get("/api/v1/organizations?sort=password", headers=headers)
    assert bad_sort.status_code == 422
    assert bad_sort.json()["errors"][0]["field"] == "sort" and "不支持按“password”排序" in bad_sort.json()["detail"]


async def test_user_list_filters_and_search(client: httpx.AsyncClient) -> None:
    headers = await login(client, "city.admin")
    county_users = (await client.get("/api/v1/users?role=county", headers=headers)).json()
    assert {user["username"] for user in county_users["items"]} == {"county.haigang", "county.changli"}
    found = (await client.get("/api/v1/users?q=专家&sort=-username", headers=headers)).json()
    assert [user["username"] for user in found["items"]] == ["expert.5", "expert.4", "expert.3", "expert.2", "expert.1"]
    assert found["items"][0]["organization_name"] == "秦皇岛市安全评价专家组"


async def test_jurisdiction_scoping_of_organisations(client: httpx.AsyncClient, demo: dict[str, int]) -> None:
    def names(response: httpx.Response) -> set[str]:
        return {item["name"] for item in response.json()["items"]}

    haigang = await login(client, "county.haigang")
    assert names(await client.get("/api/v1/organizations", headers=haigang)) == {
        "海港区应急管理局",
        "河北安泰安全评价有限公司",
    }
    changli = await login(client, "county.changli")
    assert names(await client.get("/api/v1/organizations", headers=changli)) == {
        "昌黎县应急管理局",
        "河北安泰安全评价有限公司昌黎分公司",
    }
    branch_id = demo["河北安泰安全评价有限公司昌黎分公司"]
    assert (await client.get(f"/api/v1/organizations/{branch_id}", headers=haigang)).status_code == 404
    assert (await client.get(f"/api/v1/organizations/{branch_id}", headers=changli)).status_code == 200
    head = await login(client, "agency.a.admin")
    assert (await client.get(f"/api/v1/organizations/{branch_id}", headers=head)).status_code == 200
    branch = await login(client, "agency.a.branch")
    head_id = demo["河北安泰安全评价有限公司"]
    assert (await client.get(f"/api/v1/organizations/{head_id}", headers=branch)).status_code == 404
    assert (await client.get("/api/v1/organizations/999999", headers=head)).status_code == 404
