"""The passkey as a second factor (docs/mfa.md, docs/passkeys.md): registered in the second
factors' registry (app.mfa.factors), checked by the same ceremony rules as a
passkey sign-in, removed by an admin's MFA reset through the registry."""

from __future__ import annotations

from app import audit
from app.mfa import factors
from tests.auth_client import audit_events
from tests.test_passkeys import ORIGIN, add_passkey, enrolled, login_options, member  # noqa: F401  (fixtures)
from tests.webauthn_authenticator import SoftAuthenticator


def passkey_factor():
    [factor] = [f for f in factors.all_factors() if f.name == "passkey"]
    return factor


def test_the_passkey_is_a_second_factor_answering_in_credential_with_amr_hwk(app):
    factor = passkey_factor()
    assert factor.field == "credential" and factor.amr == ("hwk",)
    assert not factor.activates  # passkeys alone do not turn a second step on
    assert factor in factors.for_field("credential")


def test_an_account_with_passkeys_only_gets_no_second_step(app, client, enrolled):  # noqa: F811
    user, _, _, _ = enrolled
    with app.app_context():
        assert passkey_factor().enrolled(user.id) == 1
        assert factors.enrolled_methods(user.id) == []


def test_verify_accepts_the_users_own_passkey_once(app, client, enrolled):  # noqa: F811
    user, _, authenticator, _ = enrolled
    assertion = authenticator.get(login_options(client), ORIGIN)
    with app.app_context():
        assert passkey_factor().verify(user, assertion, None) is True
        from app.extensions import db

        db.session.commit()
        assert passkey_factor().verify(user, assertion, None) is False  # its challenge is spent


def test_verify_refuses_another_accounts_passkey_and_garbage(app, client, enrolled, make_user, sign_in):  # noqa: F811
    user, _, _, _ = enrolled
    other = make_user()
    other_authenticator = SoftAuthenticator()
    add_passkey(client, sign_in(other), other_authenticator)
    assertion = other_authenticator.get(login_options(client), ORIGIN)
    with app.app_context():
        assert passkey_factor().verify(user, assertion, None) is False
        for garbage in ["123456", None, {}, {"id": "x"}, ["a"]]:
            assert passkey_factor().verify(user, garbage, None) is False
    [event] = audit_events(app, audit.PASSKEY_SIGN_IN_FAILED)
    assert event.details["reason"] == "other_account"


def test_a_second_step_wants_a_challenge_issued_for_it(app, client, enrolled):  # noqa: F811
    """With a pending second step, a sign-in challenge (not bound to the step) is refused."""
    user, _, authenticator, _ = enrolled
    assertion = authenticator.get(login_options(client), ORIGIN)
    with app.app_context():
        assert passkey_factor().verify(user, assertion, object()) is False


def test_remove_through_the_registry_removes_every_passkey(app, client, enrolled):  # noqa: F811
    user, headers, _, _ = enrolled
    add_passkey(client, headers, SoftAuthenticator())
    with app.app_context():
        from app.extensions import db

        assert passkey_factor().remove(user.id) == 2
        db.session.commit()
        assert passkey_factor().enrolled(user.id) == 0
    assert client.get("/api/v1/auth/passkeys", headers=headers).get_json()["data"] == []
