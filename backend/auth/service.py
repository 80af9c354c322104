"""Login, refresh rotation, logout and password changes. Services flush; the request's session commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta, timezone

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.auth import passwords, tokens
from backend.core.config import Settings
from backend.core.errors import Forbidden, Locked, Unauthenticated, ValidationFailed
from backend.models import AuthSession, RefreshToken, User
from backend.models.base import utcnow

BEIJING = timezone(timedelta(hours=8), "北京时间")


class InvalidCredentials(Unauthenticated):
    title = "登录失败"
    keep_changes = True  # the failed-attempt count must survive the error response


@dataclass(frozen=True)
class IssuedTokens:
    access_token: str
    refresh_token: str


def _locked_message(user: User) -> str:
    assert user.locked_until is not None
    local = user.locked_until.astimezone(BEIJING)
    return f"密码连续错误次数过多，账号已锁定至 {local:%Y-%m-%d %H:%M}（北京时间），请稍后再试"


async def login(
    session: AsyncSession, settings: Settings, username: str, password: str, user_agent: str | None
) -> IssuedTokens:
    user = await session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))
    now = utcnow()
    if user is None:
        passwords.dummy_verify(password)
        raise InvalidCredentials("用户名或密码错误")
    if user.locked_until is not None and user.locked_until > now:
        raise Locked(_locked_message(user))
    if not passwords.verify_password(user.password_hash, password):
        user.failed_login_count += 1
        if user.failed_login_count >= settings.login_max_failures:
            user.failed_login_count = 0
            user.locked_until = now + timedelta(minutes=settings.login_lock_minutes)
            raise Locked(
                f"密码连续错误 {settings.login_max_failures} 次，账号已锁定 {settings.login_lock_minutes} 分钟",
                keep_changes=True,
            )
        remaining = settings.login_max_failures - user.failed_login_count
        raise InvalidCredentials(f"用户名或密码错误，再错 {remaining} 次账号将被锁定")
    if not user.is_active:
        raise Forbidden("账号已停用，请联系本单位管理员")
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    login_session = AuthSession(user_id=user.id, last_seen_at=now, user_agent=(user_agent or "")[:300] or None)
    session.add(login_session)
    await session.flush()
    return await _issue(session, settings, user.id, login_session.id)


async def _issue(session: AsyncSession, settings: Settings, user_id: int, session_id: int) -> IssuedTokens:
    refresh = tokens.new_refresh_token()
    session.add(
        RefreshToken(
            session_id=session_id,
            token_hash=tokens.digest(refresh),
            expires_at=utcnow() + timedelta(days=settings.refresh_token_days),
        )
    )
    await session.flush()
    return IssuedTokens(tokens.create_access_token(settings, user_id, session_id), refresh)


async def refresh(session: AsyncSession, settings: Settings, refresh_token: str | None) -> IssuedTokens:
    if not refresh_token:
        raise Unauthenticated("登录已过期，请重新登录")
    row = (
        await session.execute(
            select(RefreshToken, AuthSession, User)
            .join(AuthSession, AuthSession.id == RefreshToken.session_id)
            .join(User, User.id == AuthSession.user_id)
            .where(RefreshToken.token_hash == tokens.digest(refresh_token))
        )
    ).first()
    if row is None:
        raise Unauthenticated("登录已过期，请重新登录")
    stored, login_session, user = row
    now = utcnow()
    if stored.used_at is not None:
        # A rotated token presented again: it was stolen or replayed, so the whole login ends.
        login_session.revoked_at = login_session.revoked_at or now
        raise InvalidCredentials("登录凭据已被使用，请重新登录")
    idle = now - login_session.last_seen_at > timedelta(minutes=settings.session_idle_minutes)
    if stored.expires_at <= now or login_session.revoked_at is not None or not user.is_active or idle:
        raise Unauthenticated("登录已过期，请重新登录")
    stored.used_at = now
    login_session.last_seen_at = now
    return await _issue(session, settings, user.id, login_session.id)


async def logout(session: AsyncSession, session_id: int | None) -> None:
    if session_id is None:
        return
    login_session = await session.get(AuthSession, session_id)
    if login_session is not None and login_session.revoked_at is None:
        login_session.revoked_at = utcnow()
        await session.flush()


async def revoke_all_sessions(session: AsyncSession, user_id: int) -> None:
    sessions = await session.scalars(
        select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    )
    now = utcnow()
    for login_session in sessions:
        login_session.revoked_at = now


def check_password_policy(password: str, field: str) -> None:
    problem = passwords.password_problem(password)
    if problem:
        raise ValidationFailed(problem, field=field)


async def change_own_password(session: AsyncSession, user_id: int, current: str, new: str) -> None:
    user = await session.get_one(User, user_id)
    if not passwords.verify_password(user.password_hash, current):
        raise ValidationFailed("当前密码不正确", field="current_password")
    check_password_policy(new, "new_password")
    user.password_hash = passwords.hash_password(new)
    await session.flush()
