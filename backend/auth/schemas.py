from __future__ import annotations

from pydantic import BaseModel, Field


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="访问令牌有效期（秒）")


class OrganizationBrief(BaseModel):
    id: int
    name: str
    kind: str
    division_code: str | None
    parent_id: int | None


class MeResponse(BaseModel):
    id: int
    username: str
    full_name: str
    phone: str | None
    email: str | None
    role: str
    is_admin: bool
    organization: OrganizationBrief
    permissions: list[str]


class PasswordChange(BaseModel):
    current_password: str = Field(min_length=1, max_length=128)
    new_password: str = Field(min_length=1, max_length=128)
