"""Opaque tokens (refresh, email verification, password reset): random, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets


def hash_token(token: str) -> str:
    """SHA-256 hex of an opaque token: the only form in which tokens are stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh random token and its hash: (plain for the client, hash for the database)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)
