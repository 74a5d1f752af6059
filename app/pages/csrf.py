"""CSRF protection for the pages' forms: a signed double submit.

The service keeps no cookie session (app.StatelessSessions), so the usual
session-bound token (Flask-WTF's CSRFProtect stores it in `flask.session`)
has nowhere to live. Instead, each browser gets a random value in a cookie
(HttpOnly, SameSite=Strict, Secure over HTTPS) and each form a token that
binds that value, the form's name and the time, signed with itsdangerous
(Flask's own signing library) under a key derived from JWT_SECRET_KEY. A
POST passes only when the form's token verifies, is younger than
CSRF_MAX_AGE_SECONDS, names the same form and matches the browser's cookie;
another site can neither read the cookie nor make a token for it. Requests
that say they come from another site (Origin, Sec-Fetch-Site) are refused first.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import current_app, g, request
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE_NAME = "gatehouse_csrf"
FIELD_NAME = "csrf_token"
CSRF_MAX_AGE_SECONDS = 2 * 3600
_SALT = "gatehouse.pages.csrf"


def _serializer() -> URLSafeTimedSerializer:
    key = hmac.new(current_app.config["JWT_SECRET_KEY"].encode(), b"gatehouse pages csrf", hashlib.sha256).digest()
    return URLSafeTimedSerializer(key, salt=_SALT)


def _fingerprint(cookie_value: str) -> str:
    return hashlib.sha256(cookie_value.encode()).hexdigest()[:32]


def _browser_value() -> str:
    """This browser's cookie value; a new one (set on the response) if it has none."""
    value = g.get("csrf_cookie") or request.cookies.get(COOKIE_NAME)
    if not value or len(value) > 64:
        value = secrets.token_urlsafe(32)
        g.csrf_cookie_new = True
    g.csrf_cookie = value
    return value


def generate_token(form: str) -> str:
    """A token for one form (`form` names it) of this browser; put it in the form's
    hidden `csrf_token` field (templates: `{{ csrf_field("reset") }}`)."""
    return _serializer().dumps([_fingerprint(_browser_value()), form])


def is_valid(form: str) -> bool:
    """Whether this POST carries a good token for `form` from this browser."""
    origin = request.headers.get("Origin")
    # "null": under Referrer-Policy no-referrer, browsers send `Origin: null` with a
    # page's own form posts; only a named other origin is a sign of another site.
    if origin and origin != "null" and origin != request.host_url.rstrip("/"):
        return False
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return False
    cookie = request.cookies.get(COOKIE_NAME)
    token = request.form.get(FIELD_NAME)
    if not cookie or not token:
        return False
    try:
        fingerprint, named = _serializer().loads(token, max_age=CSRF_MAX_AGE_SECONDS)
    except (BadData, TypeError, ValueError):
        return False
    return named == form and hmac.compare_digest(str(fingerprint), _fingerprint(cookie))


def set_cookie(response) -> None:
    """Give the browser its cookie if this request made it one."""
    if g.get("csrf_cookie_new"):
        response.set_cookie(
            COOKIE_NAME, g.csrf_cookie, max_age=CSRF_MAX_AGE_SECONDS, path="/", secure=request.is_secure, httponly=True, samesite="Strict"
        )
