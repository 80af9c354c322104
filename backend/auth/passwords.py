"""Password hashing (argon2id) and the password policy."""

from __future__ import annotations

import string
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.core.config import get_settings

MIN_PASSWORD_LENGTH = 8


@lru_cache
def _hasher(time_cost: int, memory_kib: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def _current_hasher() -> PasswordHasher:
    settings = get_settings()
    return _hasher(settings.password_hash_time_cost, settings.password_hash_memory_kib)


def hash_password(password: str) -> str:
    return _current_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return bool(_current_hasher().verify(password_hash, password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return bool(_current_hasher().check_needs_rehash(password_hash))


# Verified against when the username is unknown, so that the response time does not reveal it.
def dummy_verify(password: str) -> None:
    verify_password(_dummy_hash(), password)


@lru_cache
def _dummy_hash() -> str:
    return hash_password("dummy-password-Aa1!")


def password_problem(password: str) -> str | None:
    """The policy: at least 8 characters and 3 of the 4 classes. Returns the Chinese reason, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"密码长度不能少于 {MIN_PASSWORD_LENGTH} 位"
    classes = (
        any(c in string.ascii_uppercase for c in password),
        any(c in string.ascii_lowercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    )
    if sum(classes) < 3:
        return "密码须包含大写字母、小写字母、数字、符号中的至少三类"
    return None
