"""What the link pages need beyond the API's services: the state of an emailed
link without spending it (a GET must never consume a token: mail scanners
fetch links), and the API's confirmations with their refusals told apart
(used, expired, invalid) for the page to explain.

The confirmations themselves are the API's: app.auth.service.verify_email and
app.auth.recovery.reset_password, with all their rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from marshmallow import ValidationError
from sqlalchemy import select

from app import errors
from app.auth import recovery
from app.auth import service as auth_service
from app.auth.schemas import ResetPasswordSchema
from app.context import RequestContext
from app.errors import AppError
from app.extensions import db
from app.i18n import locale_for_user
from app.models import User, UserToken, utcnow
from app.security.tokens import hash_token

VALID, USED, EXPIRED, INVALID = "valid", "used", "expired", "invalid"


def N_(message: str) -> str:
    """Marks a message for the catalogues (pybabel extract -k N_) without translating it here."""
    return message


# The API's password messages (app/security/password_rules.py), in the catalogues so that
# the reset page shows them translated; a message not listed here is shown as the API words it.
API_MESSAGES = (
    N_("Password must be 8 to 128 characters long."),
    N_("Password must contain at least one uppercase letter."),
    N_("Password must contain at least one digit."),
    N_("The two passwords are not the same."),
)
TOKEN_MAX_LENGTH = 512
EMAIL_PURPOSES = (UserToken.PURPOSE_VERIFY_EMAIL, UserToken.PURPOSE_CHANGE_EMAIL)
CHANGE_PURPOSES = (UserToken.PURPOSE_CHANGE_EMAIL,)
RESET_PURPOSES = (UserToken.PURPOSE_RESET_PASSWORD,)


@dataclass(frozen=True)
class LinkState:
    state: str
    """VALID, USED (spent, or voided by a newer link or a password change), EXPIRED or INVALID."""
    purpose: str | None = None
    locale: str | None = None
    """The language of the account the link belongs to (app.i18n.locale_for_user); None if unknown."""
    new_email: str | None = None
    """An email change's new address."""


def link_state(token: str | None, purposes: tuple[str, ...]) -> LinkState:
    """Where the emailed link `token` of one of `purposes` stands; reads only, commits nothing."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return LinkState(INVALID)
    row = db.session.execute(
        select(UserToken).where(UserToken.token_hash == hash_token(token), UserToken.purpose.in_(purposes))
    ).scalar_one_or_none()
    if row is None:
        db.session.rollback()
        return LinkState(INVALID)
    user = db.session.get(User, row.user_id)
    locale = locale_for_user(user) if user is not None else None
    state = _state(row, user)
    result = LinkState(state, row.purpose, locale, row.new_email if row.purpose == UserToken.PURPOSE_CHANGE_EMAIL else None)
    db.session.rollback()  # a read: hold no connection while the page renders
    return result


def _state(row: UserToken, user: User | None) -> str:
    # A disabled or deleted account's link, or a reset link mailed to an address the
    # account no longer has, is no link at all (as the API refuses it).
    if user is None or user.is_deleted or not user.is_active:
        return INVALID
    if row.purpose == UserToken.PURPOSE_RESET_PASSWORD and row.new_email and row.new_email.lower() != user.email.lower():
        return INVALID
    if row.used_at is not None:
        return USED
    if row.expires_at <= utcnow():
        return EXPIRED
    return VALID


def confirm_email(token: str, purposes: tuple[str, ...], ctx: RequestContext) -> tuple[str, str | None]:
    """Confirm an email address (or an email change) with the API's service.

    Returns ("confirmed", purpose), ("taken", purpose) when an email change's
    address was taken meanwhile, or (USED | EXPIRED | INVALID, purpose)."""
    before = link_state(token, purposes)
    if before.state != VALID:
        return before.state, before.purpose
    try:
        auth_service.verify_email(token, ctx)
    except AppError as exc:
        if exc.error is errors.EMAIL_EXISTS:
            return "taken", before.purpose
        if exc.error is not errors.VERIFICATION_TOKEN_INVALID:
            raise
        after = link_state(token, purposes)
        return (after.state if after.state != VALID else INVALID), before.purpose
    return "confirmed", before.purpose


def new_password_problems(password: str, confirmation: str) -> dict[str, list[str]]:
    """The API's rules for a new password (ResetPasswordSchema), plus the two entries
    being the same: {"password": [...], "password_confirm": [...]}, empty when fine.
    Messages are in English, as the API's; the page translates those in its catalogue."""
    problems: dict[str, list[str]] = {}
    try:
        ResetPasswordSchema().load({"token": "-", "new_password": password})
    except ValidationError as exc:
        messages = exc.messages.get("new_password") or []
        problems["password"] = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
    if password != confirmation:
        problems["password_confirm"] = ["The two passwords are not the same."]
    return problems


def reset_password(token: str, password: str, ctx: RequestContext) -> str:
    """Set the new password with the API's service: "reset", or USED | EXPIRED |
    INVALID; a refusal of the password itself raises the API's AppError (400)."""
    before = link_state(token, RESET_PURPOSES)
    if before.state != VALID:
        return before.state
    try:
        recovery.reset_password(token, password, ctx)
    except AppError as exc:
        if exc.error is not errors.RESET_TOKEN_INVALID:
            raise
        after = link_state(token, RESET_PURPOSES)
        return after.state if after.state != VALID else INVALID
    return "reset"
