"""One-time records of a browser's round trip through a provider (`OidcRequest`).

Each record is found by the SHA-256 hash of a random value (never stored in
the clear) and spent by one `DELETE ... RETURNING`: of two concurrent uses
exactly one gets it, and a spent or expired value finds nothing. Lifetimes:
`state` and link tickets 10 minutes, a `gatehouse_code` 60 seconds.
Nothing here commits.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete

from app.extensions import db
from app.models import OidcRequest, utcnow
from app.security.tokens import hash_token, new_token

STATE_TTL = timedelta(minutes=10)
LINK_TTL = timedelta(minutes=10)
CODE_TTL = timedelta(seconds=60)
_TTL = {OidcRequest.KIND_STATE: STATE_TTL, OidcRequest.KIND_LINK: LINK_TTL, OidcRequest.KIND_CODE: CODE_TTL}


def issue(kind: str, provider: str, data: dict, *, value: str | None = None) -> str:
    """Store a record of `kind` for `provider` holding `data`; returns the plain value
    (`value` when given, else a new random one) that finds it once."""
    if value is None:
        value, value_hash = new_token()
    else:
        value_hash = hash_token(value)
    now = utcnow()
    # Expired records are of no use to anyone: clear them as new ones come.
    db.session.execute(
        delete(OidcRequest).where(OidcRequest.expires_at < now - timedelta(minutes=1)).execution_options(synchronize_session=False)
    )
    db.session.add(OidcRequest(kind=kind, token_hash=value_hash, provider=provider, data=data, created_at=now, expires_at=now + _TTL[kind]))
    return value


def spend(kind: str, value: str | None) -> OidcRequest | None:
    """The live record of `kind` that `value` finds, deleted (so never found again); None if there is none."""
    if not value or not isinstance(value, str) or len(value) > 512:
        return None
    row = db.session.execute(
        delete(OidcRequest)
        .where(OidcRequest.token_hash == hash_token(value), OidcRequest.kind == kind, OidcRequest.expires_at > utcnow())
        .returning(OidcRequest.id, OidcRequest.provider, OidcRequest.data)
        .execution_options(synchronize_session=False)
    ).first()
    if row is None:
        return None
    return OidcRequest(id=row.id, kind=kind, provider=row.provider, data=row.data)
