"""Every python-jose call lives here. Access tokens are short-lived JWTs bound to a login session;
refresh tokens and API tokens are opaque random strings stored as SHA-256."""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from jose import JWTError, jwt

from backend.core.config import Settings
from backend.core.fastpath import LruCache
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


# Verifying a token's signature is a tenth of a list request's CPU, and every request of a login presents the same
# token: a token verified once is remembered (by its exact text and key) until it expires. What the token grants is
# still checked against its login session on every request.
_VERIFIED = LruCache(4096)


def decode_access_token(settings: Settings, token: str) -> AccessClaims | None:
    """The claims of a valid, unexpired access token, or None."""
    key = (settings.secret_key, token)
    remembered = _VERIFIED.peek(key)
    if remembered is not None:
        access, expires = remembered
        return access if time.time() <= expires else None
    try:
        claims = jwt.decode(token, settings.secret_key, algorithms=[ALGORITHM])
    except JWTError:
        return None
    if claims.get("typ") != ACCESS_TYPE:
        return None
    try:
        access = AccessClaims(user_id=int(claims["sub"]), session_id=int(claims["sid"]))
        expires = int(claims["exp"])
    except (KeyError, TypeError, ValueError):
        return None
    _VERIFIED.put(key, (access, expires))
    return access


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
