"""Emailed links (email verification, email change, password reset) die with the credentials.

A password reset, a password change, logout-all, disabling and deleting an
account void every unused link of that account (docs: README "Security
model"): a link requested by someone who had the account for a while (a
stolen token, an old session) must not outlive the owner taking it back.
Nothing here commits.
"""

from __future__ import annotations

from sqlalchemy import update

from app.extensions import db
from app.models import UserToken, utcnow


def void_pending_links(user_id, now=None, purposes=None) -> int:
    """Spend every unused emailed link of `user_id` (only `purposes` if given); returns how many."""
    conditions = [UserToken.user_id == user_id, UserToken.used_at.is_(None)]
    if purposes is not None:
        conditions.append(UserToken.purpose.in_(tuple(purposes)))
    result = db.session.execute(
        update(UserToken).where(*conditions).values(used_at=now or utcnow()).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0
