"""The request's access token: who is calling (`authenticate`, `current_user`).

The route decorators built on these (`auth_required`, `admin_required`) are
methods of the project Blueprint (app/blueprint.py).
"""

from __future__ import annotations

from flask import current_app, g, request

from app import errors
from app.errors import AppError
from app.extensions import db
from app.security.access_tokens import INVALID_TOKEN_CHALLENGE, decode_access_token
from app.security.session_cache import session_is_live


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AppError(errors.TOKEN_MISSING, headers={"WWW-Authenticate": "Bearer"})
    return token.strip()


def authenticate() -> dict:
    """Check the request's Bearer token and its session; sets `g.user_id`, `g.session_id`."""
    claims = decode_access_token(_bearer_token())
    if not session_is_live(claims["sid"], claims["sub"]):
        raise AppError(errors.SESSION_REVOKED, headers=INVALID_TOKEN_CHALLENGE)
    g.user_id = claims["sub"]
    g.session_id = claims["sid"]
    g.token_claims = claims
    return claims


def current_user():
    """The signed-in user (loaded once per request), or None outside `auth_required`."""
    if "current_user" not in g:
        from app.models import User

        user_id = g.get("user_id")
        g.current_user = db.session.get(User, user_id) if user_id else None
    return g.current_user


def require_admin_assurance(aal: int | None) -> None:
    """With MFA_REQUIRED_FOR_ADMINS, 403 AUTH_MFA_ENROLLMENT_REQUIRED_038 unless
    the caller's session (of assurance level `aal`) signed in with a second
    factor (aal 2, docs/mfa.md). Called wherever an admin uses admin rights."""
    if current_app.config.get("MFA_REQUIRED_FOR_ADMINS") and (aal or 1) < 2:
        raise AppError(errors.MFA_ENROLLMENT_REQUIRED)
