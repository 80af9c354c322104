from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$")


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    full_name: str
    phone: str | None
    email: str | None
    role: str
    is_admin: bool
    is_active: bool
    organization_id: int
    organization_name: str
    last_login_at: datetime | None
    locked_until: datetime | None
    created_at: datetime


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64, description="字母、数字、点、下划线或连字符")
    full_name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=128)
    is_admin: bool = False
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=200)
    organization_id: int | None = Field(default=None, description="仅市级管理员可为其他单位创建用户")

    @field_validator("username")
    @classmethod
    def _username(cls, value: str) -> str:
        if not USERNAME_PATTERN.match(value):
            raise ValueError("用户名只能包含字母、数字、点、下划线和连字符，且以字母或数字开头")
        return value


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, min_length=1, max_length=100)
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=200)
    is_admin: bool | None = None
    is_active: bool | None = None


class PasswordReset(BaseModel):
    model_config = ConfigDict(extra="forbid")

    new_password: str = Field(min_length=1, max_length=128)
