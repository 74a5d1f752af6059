"""Which ways to sign in an account has: a password, its passkeys, and
whatever sign-in modules register (linked identity providers, app.oidc).

`sign_in_methods(user)` lists one entry per credential ("password",
"oidc:<provider>" per linked identity, ...): GET /users/me shows them
(without repeats), and removing a credential is refused when it is the last
entry (AUTH_LAST_SIGN_IN_METHOD_041), so that no account is left without a
way in.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session as OrmSession

from app import account_cache
from app.extensions import db
from app.models import OidcIdentity, Passkey, User

# Called with a user id; returns one method name per credential of that kind.
MethodSource = Callable[[object], list[str]]
_sources: list[MethodSource] = []

PASSWORD = "password"
PASSKEY = "passkey"


def register_sign_in_methods(source: MethodSource) -> MethodSource:
    """Make `source` part of every account's sign-in methods (usable as a decorator)."""
    if source not in _sources:
        _sources.append(source)
    return source


def sign_in_methods(user_id) -> list[str]:
    """One entry per way the account can sign in (see the module docstring), read in the caller's transaction."""
    has_password = db.session.execute(select(User.password_hash.is_not(None)).where(User.id == user_id)).scalar()
    found = [PASSWORD] if has_password else []
    # A passkey signs in on its own (POST /auth/passkeys/login), so each one is a way in.
    found.extend([PASSKEY] * db.session.execute(select(func.count()).where(Passkey.user_id == user_id)).scalar_one())
    for source in _sources:
        found.extend(source(user_id))
    return found


@event.listens_for(OrmSession, "after_flush")
def _credentials_changed(session, flush_context):
    # GET /users/me keeps `sign_in_methods` in the account snapshot: adding or
    # removing a passkey or an identity voids it (as writing the user's row does).
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, (Passkey, OidcIdentity)) and obj.user_id is not None:
            account_cache.changed(obj.user_id, session)
