"""This process's view of the signing keys, kept in step with every other instance.

Under JWT_ALGORITHM=EdDSA or ES256 each process holds a `KeySet`: the key that
signs (the newest unretired key of the algorithm) and every key that verifies
(all unretired keys of the algorithm), read from the `signing_keys` table, or
the one key of JWT_PRIVATE_KEY_FILE.

How a rotation reaches every instance within seconds, without a restart
(docs/signing-keys.md): `flask keys rotate|retire` commits, then increments a
version counter in Redis. Each process compares that counter with the one it
loaded at most every JWT_KEYS_CHECK_SECONDS (one GET, on a request that needs
a key) and reloads the table when it moved. A token naming a kid this process
does not know yet reloads at once (at most once a second, so that made-up kids
cannot flood the database). And every process reloads the table at least every
RELOAD_SECONDS whatever Redis says, so that a lost counter (Redis down during a
rotation, a flushed DB) delays a change by a minute at worst, never forever.

The table is read on a connection of its own, never in the caller's
transaction: a login issuing a token must not have its session rows
committed or rolled back by a key lookup.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select, text

from app import cache, encryption
from app.keys import material

log = logging.getLogger("gatehouse.keys")

RELOAD_SECONDS = 60.0
# An unknown kid reloads the table at most this often per process.
UNKNOWN_KID_RELOAD_SECONDS = 1.0
_UNAVAILABLE = object()


@dataclass(frozen=True, eq=False)
class VerifyingKey:
    kid: str
    algorithm: str
    public_key: object
    jwk: dict


@dataclass(frozen=True, eq=False)
class SigningMaterial:
    kid: str
    private_key: object = field(repr=False)


@dataclass
class KeySet:
    algorithm: str
    source: str  # "database" or the JWT_PRIVATE_KEY_FILE path
    signing: SigningMaterial | None
    verifying: dict[str, VerifyingKey]
    version: bytes | None = None
    loaded_at: float = 0.0
    checked_at: float = 0.0
    forced_at: float = 0.0


def version_key() -> str:
    """The Redis counter every change of the key table increments."""
    return cache.key("auth", "signing_keys", "all", "version")


def announce_change() -> None:
    """Tell every instance that the key table changed (after the commit). Without
    Redis they still see it within RELOAD_SECONDS."""
    cache.safe(lambda r: r.incr(version_key()))
    current_app.extensions.pop("gatehouse-signing-keys", None)


def _state() -> dict:
    return current_app.extensions.setdefault("gatehouse-signing-keys", {"lock": threading.Lock(), "set": None})


def current_keys(*, force: bool = False) -> KeySet:
    """The key set of the configured algorithm, reloaded when another instance changed it.

    `force` reloads from the database now (rate limited: a token with an unknown kid).
    """
    config = current_app.config
    algorithm, key_file = config["JWT_ALGORITHM"], config.get("JWT_PRIVATE_KEY_FILE")
    state = _state()
    keys = state["set"]
    source = key_file or "database"
    if keys is None or keys.algorithm != algorithm or keys.source != source:
        with state["lock"]:
            keys = state["set"] = _load_file(key_file, algorithm) if key_file else _load_table(algorithm, None, {})
        return keys
    if key_file:
        return keys  # the file is read once; a new file needs a restart
    now = time.monotonic()
    if force:
        if now - keys.forced_at < UNKNOWN_KID_RELOAD_SECONDS:
            return keys
    elif now - keys.checked_at < config["JWT_KEYS_CHECK_SECONDS"]:
        return keys
    with state["lock"]:
        keys = state["set"]
        if force:
            keys.forced_at = now
        keys.checked_at = now
        version = cache.safe(lambda r: r.get(version_key()), fallback=_UNAVAILABLE)
        if force or version is _UNAVAILABLE or version != keys.version or now - keys.loaded_at >= RELOAD_SECONDS:
            fresh = _load_table(algorithm, None if version is _UNAVAILABLE else version, keys.verifying, keys)
            fresh.forced_at = keys.forced_at
            keys = state["set"] = fresh
    return keys


def _load_file(path: str, algorithm: str) -> KeySet:
    with open(path, "rb") as f:
        private_key = material.load_private_pem(f.read(), algorithm)
    public_key = private_key.public_key()
    kid = material.thumbprint(public_key, algorithm)
    verifying = VerifyingKey(kid, algorithm, public_key, material.public_jwk(public_key, algorithm, kid))
    now = time.monotonic()
    return KeySet(algorithm, path, SigningMaterial(kid, private_key), {kid: verifying}, loaded_at=now, checked_at=now)


def _load_table(algorithm: str, version, known: dict[str, VerifyingKey], previous: KeySet | None = None) -> KeySet:
    """Read the unretired keys of `algorithm`; keep `previous` if the database cannot be read."""
    from app.extensions import db
    from app.models import SigningKey

    if version is None and previous is None:
        version = cache.safe(lambda r: r.get(version_key()))  # read before the table: a later change reloads again
    table = SigningKey.__table__
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(
                select(table.c.kid, table.c.public_jwk, table.c.private_key_encrypted)
                .where(table.c.algorithm == algorithm, table.c.retired_at.is_(None))
                .order_by(table.c.created_at.desc(), table.c.kid)
            ).all()
    except Exception:
        if previous is None:
            raise
        log.warning("signing keys could not be reloaded; keeping the %d known", len(previous.verifying))
        return previous
    now = time.monotonic()
    verifying = {}
    for row in rows:
        old = known.get(row.kid)
        verifying[row.kid] = old or VerifyingKey(
            row.kid, algorithm, material.public_key_from_jwk(row.public_jwk, algorithm), dict(row.public_jwk)
        )
    signing = None
    if rows:
        newest = rows[0]
        if previous is not None and previous.signing is not None and previous.signing.kid == newest.kid:
            signing = previous.signing
        else:
            pem = encryption.decrypt(newest.private_key_encrypted)
            signing = SigningMaterial(newest.kid, material.load_private_pem(pem.encode("ascii"), algorithm))
    return KeySet(algorithm, "database", signing, verifying, version=version, loaded_at=now, checked_at=now)


def signing_key() -> SigningMaterial:
    """The key new tokens are signed with; the first key of the algorithm is made on first use."""
    keys = current_keys()
    if keys.signing is None:
        create_first_key(keys.algorithm)
        _state()["set"] = None
        keys = current_keys()
    if keys.signing is None:  # pragma: no cover - a key of the algorithm exists now
        raise RuntimeError(f"no {keys.algorithm} signing key")
    return keys.signing


def verifying_key(kid) -> VerifyingKey | None:
    """The unretired key `kid` of the configured algorithm, or None (unknown, retired, other algorithm)."""
    if not isinstance(kid, str):
        return None
    keys = current_keys()
    if kid not in keys.verifying and keys.source == "database":
        keys = current_keys(force=True)  # perhaps just made by another instance
    return keys.verifying.get(kid)


def new_key_row(algorithm: str) -> dict:
    """The columns of a new key of `algorithm`: kid, public JWK, encrypted private PEM."""
    private_key = material.generate_private_key(algorithm)
    public_key = private_key.public_key()
    kid = material.thumbprint(public_key, algorithm)
    return {
        "kid": kid,
        "algorithm": algorithm,
        "public_jwk": material.public_jwk(public_key, algorithm, kid),
        "private_key_encrypted": encryption.encrypt(material.private_pem(private_key)),
    }


def create_first_key(algorithm: str) -> None:
    """Make the first key of `algorithm` unless some instance already has (a lock on PostgreSQL)."""
    from app.extensions import db
    from app.models import SigningKey

    table = SigningKey.__table__
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('gatehouse:signing_keys'))"))
        exists = conn.execute(select(table.c.kid).where(table.c.algorithm == algorithm, table.c.retired_at.is_(None)).limit(1)).first()
        if exists:
            return
        row = new_key_row(algorithm)
        conn.execute(table.insert().values(**row))
    log.info("made the first %s signing key, kid %s", algorithm, row["kid"])
    announce_change()


def jwks() -> dict:
    """The RFC 7517 JWK Set of the keys that verify: empty under HS256."""
    if current_app.config["JWT_ALGORITHM"] == "HS256":
        return {"keys": []}
    return {"keys": [dict(key.jwk) for key in current_keys().verifying.values()]}
