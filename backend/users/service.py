"""Organisation admins manage their organisation's users; the city's admins manage any organisation's."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import passwords
from backend.auth.service import check_password_policy, revoke_all_sessions
from backend.authz.policies import Principal
from backend.authz.scope import scoped_select
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.models import ExpertProfile, Organization, User
from backend.models.organization import ROLE_BY_KIND
from backend.users import repository
from backend.users.schemas import UserCreate, UserRead, UserUpdate


def to_read(user: User, organization_name: str) -> UserRead:
    fields = {name: getattr(user, name) for name in UserRead.model_fields if name != "organization_name"}
    return UserRead(**fields, organization_name=organization_name)


async def create_user(session: AsyncSession, principal: Principal, data: UserCreate) -> UserRead:
    organization_id = data.organization_id or principal.actor.organization_id
    organization = await session.scalar(
        scoped_select(Organization, principal.scope).where(Organization.id == organization_id)
    )
    if organization is None or organization.id not in _manageable(principal, organization):
        raise NotFound("单位不存在", field="organization_id")
    check_password_policy(data.password, "password")
    taken = await session.scalar(select(User.id).where(func.lower(User.username) == data.username.lower()))
    if taken is not None:
        raise Conflict(f"用户名“{data.username}”已被使用", field="username")
    user = User(
        username=data.username,
        full_name=data.full_name,
        phone=data.phone,
        email=data.email,
        organization_id=organization.id,
        role=ROLE_BY_KIND[organization.kind],
        is_admin=data.is_admin,
        password_hash=passwords.hash_password(data.password),
    )
    session.add(user)
    await session.flush()
    if user.role == "expert":
        session.add(ExpertProfile(user_id=user.id))  # every expert is in the review pool until the city says not
        await session.flush()
    return to_read(user, organization.name)


def _manageable(principal: Principal, organization: Organization) -> set[int]:
    if principal.scope.is_city:
        return {organization.id}
    return set(principal.scope.own_organization_ids)


async def update_user(session: AsyncSession, principal: Principal, user_id: int, data: UserUpdate) -> UserRead:
    user, organization_name = await repository.get(session, principal.scope, user_id)
    changes = data.model_dump(exclude_unset=True)
    if user.id == principal.actor.user_id and (changes.get("is_active") is False or changes.get("is_admin") is False):
        raise ValidationFailed("不能停用自己的账号或取消自己的管理员身份", field="is_active")
    for field in ("full_name", "phone", "email", "is_admin", "is_active"):
        if field in changes:
            if field in ("full_name", "is_admin", "is_active") and changes[field] is None:
                raise ValidationFailed("不能为空", field=field)
            setattr(user, field, changes[field])
    if changes.get("is_active") is False:
        await revoke_all_sessions(session, user.id)
    if changes.get("is_active") is True:
        user.failed_login_count = 0
        user.locked_until = None
    await session.flush()
    return to_read(user, organization_name)


async def reset_password(session: AsyncSession, principal: Principal, user_id: int, new_password: str) -> None:
    user, _ = await repository.get(session, principal.scope, user_id)
    check_password_policy(new_password, "new_password")
    user.password_hash = passwords.hash_password(new_password)
    user.failed_login_count = 0
    user.locked_until = None
    await revoke_all_sessions(session, user.id)
    await session.flush()


async def get_user(session: AsyncSession, principal: Principal, user_id: int) -> UserRead:
    user, organization_name = await repository.get(session, principal.scope, user_id)
    return to_read(user, organization_name)
