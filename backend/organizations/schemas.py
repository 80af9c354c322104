from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class OrganizationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    short_name: str | None
    kind: str
    division_code: str | None
    parent_id: int | None
    county_id: int | None
