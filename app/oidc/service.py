"""The browser's round trip through a provider, and the account rules (docs/oidc.md).

1. `start_authorization` (GET /auth/oidc/{provider}/authorize): the browser
   is sent to the provider with a fresh `state`, `nonce` and PKCE (S256)
   challenge. They are kept server-side (`grants`, 10 minutes, single use)
   together with a hash of the browser binding: a random value in a cookie of
   Gatehouse's own (`BROWSER_COOKIE`), so that a `state` carried to another
   browser (a login-CSRF, a leaked callback URL) is refused.
2. `finish` (GET /auth/oidc/{provider}/callback): the `state` is spent
   whatever happens next; the code is redeemed with the PKCE verifier and the
   ID token validated (app.oidc.provider). The browser is then sent back to
   its `redirect_uri` with a one-time `gatehouse_code` (60 s) — never a token
   in a URL — or with `error=<CODE>`.
3. `exchange` (POST /auth/oidc/exchange): the client trades the code for the
   login answer through app.auth.signin (lockout, disabled account, MFA,
   session, new-device email, audit apply as to any sign-in).

Accounts (the only place these rules live):

- an identity (provider, `sub`) already linked signs in to its account;
- an unknown identity whose email the provider has verified, and that no
  live account uses, creates a verified account without a password;
- an unknown identity whose email a live account uses is never linked
  silently: AUTH_OIDC_LINK_REQUIRED_040 (the owner signs in and links it);
- an unknown identity without a provider-verified email is refused
  (AUTH_OIDC_IDENTITY_REFUSED_060), and so is linking an identity that is
  linked to another account.

Linking starts from a fresh session (POST /auth/oidc/{provider}/link): it
returns a link ticket (10 minutes, single use) inside an `authorize_url` of
Gatehouse's own, which the browser opens; the ticket is spent there and the
binding cookie set, so that the round trip completes only in that browser.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, errors
from app.auth import signin
from app.context import RequestContext
from app.email.outbox import queue_email
from app.errors import AppError, ErrorCode
from app.extensions import db
from app.fields import Email, FullName
from app.i18n import locale_for_user
from app.models import OidcIdentity, OidcRequest, Session, User, utcnow
from app.oidc import grants, provider, redirects
from app.oidc.provider import Provider, ProviderError

# The browser binding cookie (HttpOnly, SameSite=Lax, on /api/v1/auth/oidc only).
BROWSER_COOKIE = "gatehouse_oidc"
# RFC 8176 has no name for "a federated identity provider vouched for the user";
# "fed" is the one Microsoft's identity platform uses.
AMR_FEDERATED = "fed"


def _fail(error: ErrorCode, message: str | None = None, **kwargs):
    db.session.rollback()
    raise AppError(error, message, **kwargs)


def provider_or_404(name: str) -> Provider:
    """The configured provider `name`; 404 REQUEST_NOT_FOUND_006 otherwise."""
    found = provider.configured(name)
    if found is None:
        raise AppError(errors.ROUTE_NOT_FOUND, "No such identity provider.")
    return found


def list_providers() -> list[dict]:
    """The configured providers' names, for a sign-in page's buttons."""
    return [{"name": name} for name in provider.provider_names()]


def new_browser_binding() -> str:
    return secrets.token_urlsafe(32)


def _binding_hash(binding: str | None) -> str:
    return hashlib.sha256((binding or "").encode("utf-8")).hexdigest()


def _refuse_redirect(redirect_uri: str, error: ErrorCode, reason: str, ctx: RequestContext, *, provider_name: str, user_id=None) -> str:
    """Record why the round trip failed, commit, and where the browser goes with `error=<CODE>`."""
    db.session.rollback()
    audit.record_event(
        audit.OIDC_REFUSED,
        ctx=ctx,
        user_id=user_id,
        outcome="failure",
        details={"provider": provider_name, "reason": reason, "error": error.code},
    )
    db.session.commit()
    return redirects.with_params(redirect_uri, error=error.code)


# ------------------------------------------------------------ 1. authorize


def check_redirect_uri(redirect_uri: str | None) -> str:
    """`redirect_uri` if OIDC_REDIRECT_ALLOWLIST allows it; else 400 (never an open redirect)."""
    if not redirect_uri or not redirects.is_allowed(redirect_uri, current_app.config["OIDC_REDIRECT_ALLOWLIST"]):
        raise AppError(
            errors.VALIDATION_FAILED,
            "redirect_uri is not on OIDC_REDIRECT_ALLOWLIST.",
            field="redirect_uri",
            details=[{"field": "redirect_uri", "message": "Not an allowed redirect URI."}],
        )
    return redirect_uri


def start_link(user_id, session_id, provider_name: str, redirect_uri: str, ctx: RequestContext) -> str:
    """A link ticket (single use, 10 minutes) for the signed-in user to link
    `provider_name`; the caller has checked that the session is fresh."""
    provider_or_404(provider_name)
    check_redirect_uri(redirect_uri)
    ticket = grants.issue(
        OidcRequest.KIND_LINK, provider_name, {"user_id": str(user_id), "session_id": str(session_id), "redirect_uri": redirect_uri}
    )
    db.session.commit()
    return ticket


def start_authorization(
    provider_name: str, *, redirect_uri: str | None, link_ticket: str | None, binding: str, callback_url: str, ctx: RequestContext
) -> str:
    """Where to send the browser: the provider's authorization URL, or on a
    provider failure the `redirect_uri` with `error=AUTH_OIDC_PROVIDER_FAILED_059`.

    With `link_ticket` the round trip links an identity to the ticket's
    account (and goes back to the ticket's redirect_uri); a unknown, used or
    expired ticket is 400 AUTH_OIDC_STATE_INVALID_058. Otherwise it signs in,
    and a redirect_uri off the allow-list is 400.
    """
    chosen = provider_or_404(provider_name)
    link = None
    if link_ticket is not None:
        ticket = grants.spend(OidcRequest.KIND_LINK, link_ticket)
        if ticket is None or ticket.provider != provider_name:
            _fail(errors.OIDC_STATE_INVALID, field="link")
        db.session.commit()
        redirect_uri = ticket.data["redirect_uri"]
        link = {"user_id": ticket.data["user_id"], "session_id": ticket.data["session_id"]}
    else:
        check_redirect_uri(redirect_uri)
    db.session.rollback()  # hold no database connection while the provider answers

    state, nonce, verifier = secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(64)
    try:
        url = provider.authorization_url(chosen, redirect_uri=callback_url, state=state, nonce=nonce, code_verifier=verifier)
    except ProviderError as exc:
        return _refuse_redirect(
            redirect_uri,
            errors.OIDC_PROVIDER_FAILED,
            exc.reason,
            ctx,
            provider_name=provider_name,
            user_id=link and uuid.UUID(link["user_id"]),
        )
    grants.issue(
        OidcRequest.KIND_STATE,
        provider_name,
        {
            "nonce": nonce,
            "code_verifier": verifier,
            "redirect_uri": redirect_uri,
            "callback_url": callback_url,
            "browser": _binding_hash(binding),
            "link": link,
        },
        value=state,
    )
    db.session.commit()
    return url


# ------------------------------------------------------------- 2. callback


def finish(provider_name: str, *, state: str | None, code: str | None, error: str | None, binding: str | None, ctx: RequestContext) -> str:
    """Where to send the browser back after the provider: its redirect_uri
    with `gatehouse_code=…` (sign-in), `linked=<provider>` (link) or
    `error=<CODE>`. A `state` that is unknown, used, expired, of another
    provider or of another browser is 400 AUTH_OIDC_STATE_INVALID_058 (there
    is no trusted place to send the browser then)."""
    record = grants.spend(OidcRequest.KIND_STATE, state)
    if record is None or record.provider != provider_name:
        reason = "state_unknown" if record is None else "state_of_another_provider"
        _refuse_state(reason, provider_name, ctx)
    if not binding or not hmac.compare_digest(record.data["browser"], _binding_hash(binding)):
        _refuse_state("state_of_another_browser", provider_name, ctx)
    db.session.commit()  # the state is spent, whatever follows
    data = record.data
    redirect_uri = data["redirect_uri"]
    link = data.get("link")
    user_id = uuid.UUID(link["user_id"]) if link else None

    chosen = provider.configured(provider_name)
    if chosen is None:  # removed from the configuration meanwhile
        return _refuse_redirect(
            redirect_uri, errors.OIDC_PROVIDER_FAILED, "provider_not_configured", ctx, provider_name=provider_name, user_id=user_id
        )
    if error or not code:
        reason = f"provider_error:{str(error)[:64]}" if error else "no_code"
        return _refuse_redirect(redirect_uri, errors.OIDC_PROVIDER_FAILED, reason, ctx, provider_name=provider_name, user_id=user_id)
    db.session.rollback()  # hold no database connection while the provider answers
    try:
        claims = provider.redeem_code(
            chosen, code=code, redirect_uri=data["callback_url"], code_verifier=data["code_verifier"], nonce=data["nonce"]
        )
    except ProviderError as exc:
        return _refuse_redirect(redirect_uri, errors.OIDC_PROVIDER_FAILED, exc.reason, ctx, provider_name=provider_name, user_id=user_id)
    if link:
        return _finish_link(chosen, claims, uuid.UUID(link["user_id"]), uuid.UUID(link["session_id"]), redirect_uri, ctx)
    return _finish_sign_in(chosen, claims, redirect_uri, ctx)


def _refuse_state(reason: str, provider_name: str, ctx: RequestContext):
    audit.record_event(
        audit.OIDC_REFUSED,
        ctx=ctx,
        outcome="failure",
        details={"provider": provider_name, "reason": reason, "error": errors.OIDC_STATE_INVALID.code},
    )
    db.session.commit()  # (a spent state stays spent)
    raise AppError(errors.OIDC_STATE_INVALID, field="state")


def _verified_email(claims: dict) -> tuple[str | None, bool]:
    """The provider's email for the identity (normalised as ours are) and whether it says it verified it."""
    raw = claims.get("email")
    if not isinstance(raw, str):
        return None, False
    try:
        email = Email().deserialize(raw)
    except ValidationError:
        return None, False
    verified = claims.get("email_verified")
    return email, verified is True or verified == "true"


def _full_name(claims: dict, email: str) -> str:
    candidates = [
        claims.get("name"),
        " ".join(str(claims.get(k) or "") for k in ("given_name", "family_name")).strip(),
        email.split("@", 1)[0],
    ]
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            try:
                return FullName().deserialize(candidate.strip()[:255])
            except ValidationError:
                continue
    return "New user"


def _identity(provider_name: str, subject: str) -> OidcIdentity | None:
    return db.session.execute(
        select(OidcIdentity).where(OidcIdentity.provider == provider_name, OidcIdentity.subject == subject).with_for_update()
    ).scalar_one_or_none()


def _linked_user(identity: OidcIdentity) -> User | None:
    """The identity's live account; an identity of a deleted account is let go (it may sign up again)."""
    user = db.session.get(User, identity.user_id)
    if user is None or user.is_deleted:
        db.session.delete(identity)
        db.session.flush()
        return None
    return user


def _finish_sign_in(chosen: Provider, claims: dict, redirect_uri: str, ctx: RequestContext) -> str:
    subject = claims["sub"]
    email, email_verified = _verified_email(claims)
    now = utcnow()
    identity = _identity(chosen.name, subject)
    user = _linked_user(identity) if identity is not None else None
    if user is not None:
        identity.last_used_at = now
        if email:
            identity.email = email
    else:
        if not email or not email_verified:
            return _refuse_redirect(
                redirect_uri,
                errors.OIDC_IDENTITY_REFUSED,
                "email_missing" if not email else "email_unverified",
                ctx,
                provider_name=chosen.name,
            )
        from app.users.service import find_live_user_by_email

        existing = find_live_user_by_email(email)
        if existing is not None:
            # Never linked silently: whoever controls this provider account may not be the owner.
            return _refuse_redirect(
                redirect_uri, errors.OIDC_LINK_REQUIRED, "email_of_existing_account", ctx, provider_name=chosen.name, user_id=existing.id
            )
        user = User(id=uuid.uuid4(), email=email, password_hash=None, full_name=_full_name(claims, email), is_verified=True)
        identity = OidcIdentity(
            id=uuid.uuid4(), user_id=user.id, provider=chosen.name, subject=subject, email=email, created_at=now, last_used_at=now
        )
        db.session.add(user)
        try:
            db.session.flush()
            db.session.add(identity)
            db.session.flush()
        except IntegrityError:  # the address or the identity was taken by a concurrent request
            return _refuse_redirect(redirect_uri, errors.OIDC_LINK_REQUIRED, "concurrent_sign_up", ctx, provider_name=chosen.name)
        method = f"oidc:{chosen.name}"
        audit.record_event(audit.REGISTERED, ctx=ctx, user_id=user.id, details={"method": method})
        audit.record_event(
            audit.OIDC_LINKED,
            ctx=ctx,
            user_id=user.id,
            details={"provider": chosen.name, "identity_id": str(identity.id), "new_account": True},
        )
    code = grants.issue(OidcRequest.KIND_CODE, chosen.name, {"user_id": str(user.id), "identity_id": str(identity.id)})
    db.session.commit()
    return redirects.with_params(redirect_uri, gatehouse_code=code)


def _finish_link(chosen: Provider, claims: dict, user_id, session_id, redirect_uri: str, ctx: RequestContext) -> str:
    now = utcnow()
    live = db.session.execute(
        select(Session.id)
        .join(User, User.id == Session.user_id)
        .where(
            Session.id == session_id,
            Session.user_id == user_id,
            Session.revoked_at.is_(None),
            Session.expires_at > now,
            User.deleted_at.is_(None),
            User.is_active.is_(True),
        )
    ).first()
    if live is None:  # signed out, disabled or deleted since the link was asked for
        return _refuse_redirect(redirect_uri, errors.SESSION_REVOKED, "link_session_ended", ctx, provider_name=chosen.name, user_id=user_id)
    subject = claims["sub"]
    email, _ = _verified_email(claims)
    identity = _identity(chosen.name, subject)
    if identity is not None and _linked_user(identity) is not None:
        if identity.user_id == user_id:  # linked already: nothing changes
            db.session.commit()
            return redirects.with_params(redirect_uri, linked=chosen.name)
        return _refuse_redirect(
            redirect_uri,
            errors.OIDC_IDENTITY_REFUSED,
            "identity_linked_to_another_account",
            ctx,
            provider_name=chosen.name,
            user_id=user_id,
        )
    identity = OidcIdentity(id=uuid.uuid4(), user_id=user_id, provider=chosen.name, subject=subject, email=email, created_at=now)
    db.session.add(identity)
    try:
        db.session.flush()
    except IntegrityError:  # linked by a concurrent request
        return _refuse_redirect(
            redirect_uri, errors.OIDC_IDENTITY_REFUSED, "concurrent_link", ctx, provider_name=chosen.name, user_id=user_id
        )
    user = db.session.get(User, user_id)
    audit.record_event(
        audit.OIDC_LINKED,
        ctx=ctx,
        user_id=user_id,
        details={"provider": chosen.name, "identity_id": str(identity.id), "session_id": str(session_id)},
    )
    queue_email(
        user.email,
        "identity_linked",
        {
            "full_name": user.full_name,
            "provider": chosen.name,
            "provider_email": email or "(none given)",
            "at": now.strftime("%Y-%m-%d %H:%M UTC"),
        },
        locale=locale_for_user(user),
    )
    db.session.commit()
    return redirects.with_params(redirect_uri, linked=chosen.name)


# ------------------------------------------------------------- 3. exchange


def exchange(code: str, ctx: RequestContext) -> dict:
    """The login answer for a `gatehouse_code` (or `mfa_required` when the
    account has two-factor sign-in on); the code is spent. Unknown, used or
    expired: 401 AUTH_OIDC_CODE_INVALID_061. Then the rules of every sign-in
    (app.auth.signin): 403 disabled, 429 locked."""
    record = grants.spend(OidcRequest.KIND_CODE, code)
    if record is None:
        _fail(errors.OIDC_CODE_INVALID, field="code")
    user = db.session.get(User, uuid.UUID(record.data["user_id"]))
    if user is None:
        _fail(errors.OIDC_CODE_INVALID, field="code")
    return signin.complete_sign_in(user, ctx, amr=[AMR_FEDERATED], aal=signin.AAL1, method=f"oidc:{record.provider}")


# ------------------------------------------------------------ identities


def list_identities(user_id) -> list[OidcIdentity]:
    """The user's linked identities, oldest first."""
    return list(
        db.session.execute(
            select(OidcIdentity).where(OidcIdentity.user_id == user_id).order_by(OidcIdentity.created_at, OidcIdentity.id)
        ).scalars()
    )


def identity_methods(user_id) -> list[str]:
    """One `oidc:<provider>` per linked identity (app.auth.methods)."""
    return [
        f"oidc:{provider_name}"
        for provider_name in db.session.execute(
            select(OidcIdentity.provider).where(OidcIdentity.user_id == user_id).order_by(OidcIdentity.created_at, OidcIdentity.id)
        ).scalars()
    ]


def unlink(user_id, identity_id: uuid.UUID, ctx: RequestContext) -> None:
    """Remove one of the user's identities; 404 for someone else's or an
    unknown one; 409 AUTH_LAST_SIGN_IN_METHOD_041 when the account would be
    left with no way to sign in. A security email goes to the user."""
    from app.auth import methods

    # The account's row lock serialises two unlinks of its last two identities.
    user = db.session.execute(select(User).where(User.id == user_id, User.deleted_at.is_(None)).with_for_update()).scalar_one_or_none()
    identity = db.session.execute(
        select(OidcIdentity).where(OidcIdentity.id == identity_id, OidcIdentity.user_id == user_id)
    ).scalar_one_or_none()
    if user is None or identity is None:
        _fail(errors.ROUTE_NOT_FOUND, "No such linked identity.")
    if len(methods.sign_in_methods(user.id)) <= 1:
        audit.record_event(
            audit.OIDC_UNLINKED,
            ctx=ctx,
            user_id=user_id,
            outcome="failure",
            details={"provider": identity.provider, "identity_id": str(identity.id), "reason": "last_sign_in_method"},
        )
        db.session.commit()
        raise AppError(errors.LAST_SIGN_IN_METHOD)
    db.session.delete(identity)  # (an ORM delete: app.auth.methods voids the account's cached /me)
    audit.record_event(
        audit.OIDC_UNLINKED, ctx=ctx, user_id=user_id, details={"provider": identity.provider, "identity_id": str(identity.id)}
    )
    queue_email(
        user.email,
        "identity_unlinked",
        {
            "full_name": user.full_name,
            "provider": identity.provider,
            "provider_email": identity.email or "(none given)",
            "at": utcnow().strftime("%Y-%m-%d %H:%M UTC"),
        },
        locale=locale_for_user(user),
    )
    db.session.commit()


def _register_sign_in_methods() -> None:
    from app.auth import methods

    methods.register_sign_in_methods(identity_methods)


_register_sign_in_methods()
