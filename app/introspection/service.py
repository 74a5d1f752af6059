"""Whether a token is a live access token, answered as RFC 7662 §2.2 says.

Free of HTTP: the route checks the caller and parses the body, then hands the
token here. The same checks as Gatehouse's own routes, nothing looser.
"""

from __future__ import annotations

from app.errors import AppError
from app.security.access_tokens import decode_access_token
from app.security.session_cache import session_is_live

INACTIVE = {"active": False}


def introspect(token: str) -> dict:
    """`{"active": true, sub, sid, exp, iat, aal, token_type}` for an access token that
    verifies (configured algorithm, key in use, unexpired) of a live session of an active,
    undeleted user; `{"active": false}` for anything else -- expired, bad signature, revoked
    session, disabled or deleted user, a refresh token, garbage -- without saying which
    (RFC 7662 §2.2)."""
    if not token or len(token) > 8192:
        return dict(INACTIVE)
    try:
        claims = decode_access_token(token)
    except AppError:
        return dict(INACTIVE)
    if not session_is_live(claims["sid"], claims["sub"]):
        return dict(INACTIVE)
    return {
        "active": True,
        "sub": str(claims["sub"]),
        "sid": str(claims["sid"]),
        "exp": int(claims["exp"]),
        "iat": int(claims["iat"]),
        "aal": int(claims.get("aal") or 1),
        "token_type": "Bearer",
    }
