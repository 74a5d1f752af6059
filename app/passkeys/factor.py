"""The passkey as a second factor (docs/mfa.md, docs/passkeys.md).

Registered in app.mfa.factors' registry as `passkey`: its proof arrives as
`credential` (an assertion, as at POST /auth/passkeys/login) and a session
signed in with it carries amr `hwk`. It never turns the second step on by
itself (`activates` is False): an account with TOTP on may answer the second
step with a passkey instead of a code; an account with only passkeys signs in
with them directly (aal 2). An admin's MFA reset removes passkeys through
`remove`.
"""

from __future__ import annotations

from marshmallow import ValidationError

from app.context import RequestContext
from app.errors import AppError
from app.mfa import factors
from app.models import User, WebAuthnChallenge
from app.passkeys import service
from app.passkeys.schemas import AuthenticationCredentialSchema

NAME = "passkey"


def verify(user: User, proof, pending=None) -> bool:
    """Whether `proof` is a valid assertion by one of `user`'s passkeys.

    In a sign-in's second step (`pending`: the mfa_token's challenge) it must
    answer a challenge issued for that step to this account (POST
    /auth/passkeys/login/options with the `mfa_token`); elsewhere
    (re-authentication) a sign-in challenge will do. A refused assertion is
    audited by the service (without the request's address: the registry gives
    no context) and its challenge stays spent.
    """
    try:
        credential = AuthenticationCredentialSchema().load(proof if isinstance(proof, dict) else {})
    except ValidationError:
        return False
    purposes = (
        (WebAuthnChallenge.PURPOSE_MFA,)
        if pending is not None
        else (WebAuthnChallenge.PURPOSE_MFA, WebAuthnChallenge.PURPOSE_LOGIN, WebAuthnChallenge.PURPOSE_LOGIN_ACCOUNT)
    )
    try:
        service.verify_assertion(credential, purposes, RequestContext(), user_id=user.id)
    except AppError:
        return False
    return True


FACTOR = factors.SecondFactor(
    name=NAME, field="credential", amr=("hwk",), enrolled=service.count_passkeys, verify=verify, remove=service.remove_all
)
factors.register(FACTOR)
