"""Every python-jose call lives here. Access tokens are short-lived JWTs bound to a login session;
refresh tokens and API tokens are opaque random strings stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from jose import JWTError, jwt

from backend.core.config import Settings
from backend.models.base import utcnow

ALGORITHM = "HS256"
ACCESS_TYPE = "access"
FILE_LINK_TYPE = "file"
API_TOKEN_PREFIX = "anp_"


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    session_id: int


def create_access_token(settings: Settings, user_id: int, session_id: int, now: datetime | None = None) -> str:
    issued = now or utcnow()
    claims = {
        "sub": str(user_id),
        "sid": session_id,
        "typ": ACCESS_TYPE,
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(minutes=settings.access_token_minutes)).timestamp()),
        "jti": secrets.token_hex(8),
    }
    return str(jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM))


def decode_access_token(settings: Settings, token: str) -> AccessClaims | None:
    """The claims of a valid, unexpired access token, or None."""
    try:
        claims = jwt.decode(token, settings.secret_key, algorithms=[ALGORITHM])
    except JWTError:
        return None
    if claims.get("typ") != ACCESS_TYPE:
        return None
    try:
        return AccessClaims(user_id=int(claims["sub"]), session_id=int(claims["sid"]))
    except (KeyError, TypeError, ValueError):
        return None


def create_file_link_token(settings: Settings, file_id: int, minutes: int, now: datetime | None = None) -> str:
    """A short-lived capability to download one file, minted after the requester's scope was checked, so that a
    browser can fetch a large file with a plain link (streamed to disk, resumable) instead of a scripted request."""
    issued = now or utcnow()
    claims = {
        "sub": str(file_id),
        "typ": FILE_LINK_TYPE,
        "iat": int(issued.timestamp()),
        "exp": int((issued + timedelta(minutes=minutes)).timestamp()),
    }
    return str(jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM))


def file_link_target(settings: Settings, token: str) -> int | None:
    """The file a valid, unexpired download-link token grants, or None."""
    try:
        claims = jwt.decode(token, settings.secret_key, algorithms=[ALGORITHM])
    except JWTError:
        return None
    if claims.get("typ") != FILE_LINK_TYPE:
        return None
    try:
        return int(claims["sub"])
    except (KeyError, TypeError, ValueError):
        return None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def new_api_token() -> tuple[str, str]:
    """(prefix, full token). The prefix is stored in clear to find the row; the whole token only as a digest."""
    prefix = secrets.token_hex(4)
    return prefix, f"{API_TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def api_token_prefix(token: str) -> str | None:
    if not token.startswith(API_TOKEN_PREFIX):
        return None
    prefix, _, secret = token[len(API_TOKEN_PREFIX) :].partition("_")
    return prefix if len(prefix) == 8 and secret else None
