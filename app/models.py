"""Database tables as SQLAlchemy 2.0 typed models.

Columns, relationships and small invariants only: no HTTP, no commits (the
services commit). Every timestamp is timezone-aware UTC, every key a UUID.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC in Python, on PostgreSQL
    (timestamptz) and on SQLite (which stores no zone) alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                value = value.replace(tzinfo=UTC)
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


# JSONB on PostgreSQL (indexable, compact), plain JSON elsewhere.
JSONType = JSON().with_variant(JSONB(), "postgresql")


def _created_at():
    return mapped_column(UTCDateTime, nullable=False, default=utcnow, server_default=func.now())


def _updated_at():
    # On PostgreSQL the trigger of migration 0001 also maintains it for raw SQL updates.
    return mapped_column(UTCDateTime, nullable=False, default=utcnow, onupdate=utcnow, server_default=func.now())


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # Stored trimmed and lower-cased; the unique index below is on lower(email)
    # anyway so that a raw insert cannot create a case-variant duplicate.
    email: Mapped[str] = mapped_column(String(255), nullable=False)
    # None: an account created through an identity provider that has not set a password yet
    # (docs/oidc.md); no password verifies against it, and forgot-password sets a first one.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(255), nullable=False)
    is_verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text("false"))
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True, server_default=text("true"))
    is_admin: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text("false"))
    # Login lockout: failures counted inside a window; `locked_until` lifts by itself.
    failed_login_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default=text("0"))
    failed_login_window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language tags of the registration's Accept-Language (app.i18n): the
    # language of emails and pages until the profile's preferences.locale says otherwise.
    accept_language: Mapped[str | None] = mapped_column(String(100))

    profile: Mapped[UserProfile | None] = relationship(back_populates="user", uselist=False, lazy="select")

    __table_args__ = (
        # Uniqueness among live accounts only (soft delete and the registration race, docs/architecture.md §1).
        Index(
            "uq_users_email_live",
            func.lower(email),
            unique=True,
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
        # The indexes of email look-ups and of the admin list (its order and filters).
        Index("idx_users_email", "email", postgresql_where=text("deleted_at IS NULL"), sqlite_where=text("deleted_at IS NULL")),
        Index("idx_users_created_at", "created_at"),
        Index(
            "idx_users_email_active",
            "email",
            postgresql_where=text("is_active = TRUE AND deleted_at IS NULL"),
            sqlite_where=text("is_active = 1 AND deleted_at IS NULL"),
        ),
        Index("idx_users_created_active", "created_at", "is_active"),
    )

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def has_password(self) -> bool:
        return self.password_hash is not None


class Session(db.Model):
    """A sign-in: one per login, alive until it expires or is revoked.

    The refresh tokens it has issued live in `refresh_tokens` (one row per
    rotation), so that presenting any earlier one is recognised as reuse.
    """

    __tablename__ = "sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = _created_at()
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, server_default=func.now())
    # When the user last proved who they are on this session (sign-in, re-authentication, later a
    # second factor): the session is fresh for REAUTH_MAX_AGE_SECONDS after it (app.auth.fresh).
    authenticated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    # Authentication assurance level (docs/mfa.md): 1 = one factor (a password),
    # 2 = a second factor or a passkey. Kept by refresh; access tokens carry it.
    aal: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=1, server_default=text("1"))
    # How the user proved who they are (RFC 8176 method names, space-separated, e.g. "pwd otp").
    amr: Mapped[str] = mapped_column(String(64), nullable=False, default="pwd", server_default="pwd")

    user: Mapped[User] = relationship()

    __table_args__ = (
        Index("idx_sessions_user_live", "user_id", postgresql_where=text("revoked_at IS NULL"), sqlite_where=text("revoked_at IS NULL")),
        Index("idx_sessions_expires_at", "expires_at"),
    )

    def is_live(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.revoked_at is None and self.expires_at > now

    @property
    def methods(self) -> list[str]:
        """`amr` as a list, e.g. ["pwd", "otp"]."""
        return self.amr.split()


class SignInContext(db.Model):
    """A device (browser and OS, from the User-Agent) and network (the /24 or
    /64) an account has signed in from, and when it last did: a sign-in from a
    pair not seen for 90 days is mailed to the user (app.auth.signin)."""

    __tablename__ = "sign_in_contexts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    device: Mapped[str] = mapped_column(String(128), nullable=False)
    network: Mapped[str] = mapped_column(String(64), nullable=False)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("uq_sign_in_contexts_user_device_network", "user_id", "device", "network", unique=True),)


class RefreshToken(db.Model):
    """One refresh token of a session, stored only as its SHA-256 hash."""

    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("idx_refresh_tokens_session", "session_id"),)


class UserToken(db.Model):
    """A single-use emailed token (email verification, password reset, email
    change), stored only as its SHA-256 hash."""

    __tablename__ = "user_tokens"

    PURPOSE_VERIFY_EMAIL = "verify_email"
    PURPOSE_RESET_PASSWORD = "reset_password"
    PURPOSE_CHANGE_EMAIL = "change_email"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    purpose: Mapped[str] = mapped_column(String(32), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    # For an email change: the address that becomes the account's once confirmed;
    # for a password reset: the address the link was mailed to (it is void once the account's differs).
    new_email: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("idx_user_tokens_user_purpose", "user_id", "purpose"),)


class UserProfile(db.Model):
    __tablename__ = "user_profiles"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, unique=True)
    avatar_url: Mapped[str | None] = mapped_column(String(2048))
    bio: Mapped[str | None] = mapped_column(Text)
    preferences: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()

    user: Mapped[User] = relationship(back_populates="profile")


class OutboxMessage(db.Model):
    """A message (email or webhook) committed together with the change that
    causes it, then delivered by the workers (transactional outbox)."""

    __tablename__ = "outbox_messages"

    KIND_EMAIL = "email"
    KIND_WEBHOOK = "webhook"
    STATUS_PENDING = "pending"
    # An attempt is in progress (until `locked_until`).
    STATUS_SENDING = "sending"
    STATUS_SENT = "sent"
    # In the dead-letter queue (email_dead_letter_queue / notification_dlq); `last_error` says why.
    STATUS_DEAD = "dead"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    # What to send: template name and context for email, the event for a webhook.
    payload: Mapped[dict] = mapped_column(JSONType, nullable=False)
    status: Mapped[str] = mapped_column(String(16), nullable=False, default=STATUS_PENDING, server_default=STATUS_PENDING)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default=text("0"))
    last_error: Mapped[str | None] = mapped_column(Text)
    # Set when enqueued on RQ; the sweeper re-enqueues pending rows whose time has come.
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The Message-ID header (or webhook delivery id), fixed at the first attempt: every retry repeats it.
    message_id: Mapped[str | None] = mapped_column(String(255))
    # Not started by then: expired into the dead-letter queue (EMAIL_/NOTIFICATION_JOB_TTL_SECONDS).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the retry after a transient failure is due.
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Lease of the attempt in progress ("sending"); past it the attempt is presumed dead.
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the payload's secrets (the emailed link) expire; a dead message is scrubbed then.
    scrub_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = _created_at()
    updated_at: Mapped[datetime] = _updated_at()

    __table_args__ = (Index("idx_outbox_status_created", "status", "created_at"),)


class AuditEvent(db.Model):
    """A security-relevant event: who, what, from where, and how it ended."""

    __tablename__ = "audit_events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    event_type: Mapped[str] = mapped_column(String(64), nullable=False)
    outcome: Mapped[str] = mapped_column(String(16), nullable=False, default="success")
    ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(512))
    details: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    created_at: Mapped[datetime] = _created_at()

    __table_args__ = (
        Index("idx_audit_user_created", "user_id", "created_at"),
        Index("idx_audit_type_created", "event_type", "created_at"),
        Index("idx_audit_created", "created_at"),
    )


class SigningKey(db.Model):
    """An asymmetric key that signs access tokens (JWT_ALGORITHM EdDSA or ES256, docs/signing-keys.md).

    `kid` is the RFC 7638 thumbprint of the public key. The private key is kept
    only encrypted with ENCRYPTION_KEYS (app.encryption). The newest unretired key
    of the configured algorithm signs; every unretired one verifies and is published.
    """

    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16), nullable=False)
    public_jwk: Mapped[dict] = mapped_column(JSONType, nullable=False)
    private_key_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = _created_at()
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("idx_signing_keys_algorithm_created", "algorithm", "created_at"),)


class Passkey(db.Model):
    """A WebAuthn credential (passkey) of a user: its public key and what the
    authenticator told about it (docs/passkeys.md)."""

    __tablename__ = "passkeys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    # The authenticator's id for the credential (raw bytes; at most 1023 by the WebAuthn spec).
    credential_id: Mapped[bytes] = mapped_column(LargeBinary, nullable=False, unique=True)
    # COSE public key, as the authenticator gave it.
    public_key: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    # The authenticator's signature counter at the last use (0: the authenticator keeps none).
    sign_count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0, server_default=text("0"))
    transports: Mapped[list] = mapped_column(JSONType, nullable=False, default=list)
    # Backup eligible (a synced passkey) and backed up, from the authenticator data flags BE / BS.
    backup_eligible: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text("false"))
    backed_up: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text("false"))
    aaguid: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = _created_at()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("idx_passkeys_user", "user_id"),)


class WebAuthnChallenge(db.Model):
    """A challenge handed to a browser for one WebAuthn ceremony: single use,
    valid 5 minutes, bound to its purpose (and to the account when it is
    known). Stored only as its SHA-256 hash; the ceremony's answer carries the
    challenge itself (in clientDataJSON), which finds the row again."""

    __tablename__ = "webauthn_challenges"

    PURPOSE_REGISTER = "register"
    PURPOSE_LOGIN = "login"  # discoverable sign-in: any account's passkey
    PURPOSE_LOGIN_ACCOUNT = "login_account"  # sign-in for the account of a given email (none: nobody)
    PURPOSE_MFA = "mfa"  # the second step of a sign-in (POST /auth/login/mfa)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    challenge_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=text("false"))

    __table_args__ = (Index("idx_webauthn_challenges_expires_at", "expires_at"),)


# ------------------------------------------------------ two-factor sign-in (docs/mfa.md)


class TotpAuthenticator(db.Model):
    """An account's TOTP authenticator (RFC 6238): pending from setup until a
    code confirms it, then on. The secret is kept encrypted with ENCRYPTION_KEYS
    (app.encryption) and never shown again after setup."""

    __tablename__ = "mfa_totp"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    secret_encrypted: Mapped[str] = mapped_column(Text, nullable=False)
    # NULL while pending: setup changes nothing until a code confirms it.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The 30-second step of the last accepted code: a code of that step or an
    # earlier one is refused, so that no code works twice.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = _created_at()


class RecoveryCode(db.Model):
    """A single-use recovery code, stored only as its SHA-256 (the codes carry
    80 random bits, so a plain hash cannot be reversed by guessing)."""

    __tablename__ = "mfa_recovery_codes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = _created_at()

    __table_args__ = (Index("idx_mfa_recovery_codes_user", "user_id"),)


class MfaChallenge(db.Model):
    """A sign-in waiting for its second factor (the `mfa_token` of an
    `mfa_required` answer, stored as a hash): it ends on use, after
    MAX_ATTEMPTS wrong codes, at `expires_at`, or when the password it was
    issued for changes (`password_digest`)."""

    __tablename__ = "mfa_challenges"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    # What the first step proved (RFC 8176 names, space-separated, e.g. "pwd").
    amr: Mapped[str] = mapped_column(String(64), nullable=False)
    # SHA-256 of the password hash the first step verified (NULL: no password, e.g. a provider).
    password_digest: Mapped[str | None] = mapped_column(String(64))
    failed_attempts: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0, server_default=text("0"))
    created_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("idx_mfa_challenges_user", "user_id"), Index("idx_mfa_challenges_expires_at", "expires_at"))


class OidcIdentity(db.Model):
    """An account at an OpenID Connect provider (`provider`, its `sub`) linked
    to a Gatehouse account: signing in there signs in here (docs/oidc.md)."""

    __tablename__ = "oidc_identities"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    provider: Mapped[str] = mapped_column(String(64), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    # The address the provider gave when the identity was linked or last used (shown, never trusted).
    email: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = _created_at()
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("uq_oidc_identities_provider_subject", "provider", "subject", unique=True),
        Index("idx_oidc_identities_user", "user_id"),
    )


class OidcRequest(db.Model):
    """A one-time record of a browser's round trip through a provider, found by
    the SHA-256 hash of the random value the browser or client holds:

    - `state`: an authorization in flight (nonce, PKCE verifier, where to send
      the browser back, the browser binding), spent by the callback;
    - `link`: a link ticket from POST /auth/oidc/{provider}/link, spent when
      the browser starts the authorization;
    - `code`: the `gatehouse_code` the browser is sent back with, spent by
      POST /auth/oidc/exchange.
    """

    __tablename__ = "oidc_requests"

    KIND_STATE = "state"
    KIND_LINK = "link"
    KIND_CODE = "code"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    provider: Mapped[str] = mapped_column(String(64), nullable=False)
    data: Mapped[dict] = mapped_column(JSONType, nullable=False, default=dict)
    created_at: Mapped[datetime] = _created_at()
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)

    __table_args__ = (
        Index("uq_oidc_requests_token_hash", "token_hash", unique=True),
        Index("idx_oidc_requests_expires_at", "expires_at"),
    )
