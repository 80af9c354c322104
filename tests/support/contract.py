"""The enforcement-system contract (openapi/enforcement.yaml) as a validator of real HTTP exchanges."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from werkzeug.datastructures import Headers, ImmutableMultiDict

from backend.core.errors import PROBLEM_JSON

CONTRACT_PATH = Path(__file__).resolve().parents[2] / "openapi" / "enforcement.yaml"
SPEC: dict[str, Any] = yaml.safe_load(CONTRACT_PATH.read_text(encoding="utf-8"))
# openapi-core reads only plain application/json as JSON; our errors are problem+json.
CONTRACT = OpenAPI.from_dict(SPEC, config=Config(extra_media_type_deserializers={PROBLEM_JSON: json.loads}))


class ContractRequest:
    """An httpx request as openapi-core sees one."""

    def __init__(self, request: httpx.Request) -> None:
        self.host_url = f"{request.url.scheme}://{request.url.netloc.decode()}"
        self.path = request.url.path
        self.method = request.method.lower()
        self.body: bytes | None = request.content
        self.content_type = request.headers.get("content-type", "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(request.url.params.multi_items())),
            header=Headers(list(request.headers.items())),
            cookie=ImmutableMultiDict(),
        )


class ContractResponse:
    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.content_type = response.headers.get("content-type", "")
        self.headers = Headers(list(response.headers.items()))
        self.data: bytes | None = response.content


def assert_request_follows_contract(request: httpx.Request) -> None:
    CONTRACT.validate_request(ContractRequest(request))


def assert_exchange_follows_contract(response: httpx.Response) -> None:
    CONTRACT.validate_response(ContractRequest(response.request), ContractResponse(response))
