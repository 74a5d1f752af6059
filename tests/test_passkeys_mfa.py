"""The passkey as a second factor (docs/mfa.md, docs/passkeys.md): registered in the second
factors' registry (app.mfa.factors), checked by the same ceremony rules as a
passkey sign-in, removed by an admin's MFA reset through the registry."""

from __future__ import annotations

import jwt
import pytest

from app import audit
from app.mfa import factors
from tests.auth_client import audit_events, fresh_ip, get_user
from tests.conftest import TEST_SECRET
from tests.test_passkeys import ORIGIN, add_passkey, enrolled, login_options, member  # noqa: F401  (fixtures)
from tests.webauthn_authenticator import SoftAuthenticator, b64url


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


# ------------------------------------------- the second step of a sign-in, over HTTP

from tests.test_mfa import clock, enrol, first_step  # noqa: E402,F401  (the TOTP clock fixture and steps)

LOGIN_MFA = "/api/v1/auth/login/mfa"


def second_step_options(client, mfa_token):
    return client.post("/api/v1/auth/passkeys/login/options", json={"mfa_token": mfa_token}, environ_base={"REMOTE_ADDR": fresh_ip()})


def login_mfa(client, mfa_token, credential):
    return client.post(LOGIN_MFA, json={"mfa_token": mfa_token, "credential": credential}, environ_base={"REMOTE_ADDR": fresh_ip()})


@pytest.fixture
def two_factor(client, enrolled, clock):  # noqa: F811
    """`enrolled` with TOTP on as well: (user, authenticator)."""
    user, _, authenticator, _ = enrolled
    enrol(client, user, clock)
    return user, authenticator


def test_a_passkey_answers_the_second_step(app, client, two_factor):
    user, authenticator = two_factor
    step = first_step(client, user.email)
    assert step["methods"] == ["totp", "recovery_code", "passkey"]
    response = second_step_options(client, step["mfa_token"])
    assert response.status_code == 200
    options = response.get_json()["data"]
    assert [c["id"] for c in options["allowCredentials"]] == [b64url(authenticator.credentials[0].credential_id)]
    answer = login_mfa(client, step["mfa_token"], authenticator.get(options, ORIGIN))
    assert answer.status_code == 200, answer.get_json()
    data = answer.get_json()["data"]
    assert data["user"]["id"] == str(user.id)
    assert jwt.decode(data["access_token"], TEST_SECRET, algorithms=["HS256"])["amr"] == ["pwd", "hwk"]
    assert jwt.decode(data["access_token"], TEST_SECRET, algorithms=["HS256"])["aal"] == 2


def test_the_second_step_wants_a_challenge_issued_for_it_and_this_account(app, client, two_factor, make_user, sign_in):
    user, authenticator = two_factor
    step = first_step(client, user.email)
    # A plain sign-in challenge (no mfa_token) does not answer the second step...
    response = login_mfa(client, step["mfa_token"], authenticator.get(login_options(client), ORIGIN))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "AUTH_MFA_CODE_INVALID_034"
    # ...nor another account's passkey on this step's challenge.
    other = make_user()
    other_authenticator = SoftAuthenticator()
    add_passkey(client, sign_in(other), other_authenticator)
    options = second_step_options(client, step["mfa_token"]).get_json()["data"]
    response = login_mfa(client, step["mfa_token"], other_authenticator.get(options, ORIGIN, credential=other_authenticator.credentials[0]))
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "AUTH_MFA_CODE_INVALID_034"
    assert get_user(app, user.id).failed_login_count == 2  # wrong second factors count toward the lockout


def test_a_second_step_challenge_cannot_sign_in_alone(app, client, two_factor):
    user, authenticator = two_factor
    options = second_step_options(client, first_step(client, user.email)["mfa_token"]).get_json()["data"]
    response = client.post(
        "/api/v1/auth/passkeys/login", json={"credential": authenticator.get(options, ORIGIN)}, environ_base={"REMOTE_ADDR": fresh_ip()}
    )
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "AUTH_PASSKEY_INVALID_039"


@pytest.mark.parametrize("token", ["unknown-token", "x" * 43])
def test_second_step_options_want_a_live_mfa_token(client, token):
    response = second_step_options(client, token)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "AUTH_MFA_TOKEN_INVALID_035"


def test_a_passkey_sign_in_needs_no_second_step_even_with_totp_on(client, two_factor):
    user, authenticator = two_factor
    response = client.post(
        "/api/v1/auth/passkeys/login",
        json={"credential": authenticator.get(login_options(client), ORIGIN)},
        environ_base={"REMOTE_ADDR": fresh_ip()},
    )
    assert response.status_code == 200 and "access_token" in response.get_json()["data"]


def test_reauthenticate_with_a_passkey_when_mfa_is_on(client, two_factor):
    user, authenticator = two_factor
    token = client.post(
        "/api/v1/auth/passkeys/login",
        json={"credential": authenticator.get(login_options(client), ORIGIN)},
        environ_base={"REMOTE_ADDR": fresh_ip()},
    ).get_json()["data"]["access_token"]
    response = client.post(
        "/api/v1/auth/reauthenticate",
        json={"password": "SecurePass123", "credential": authenticator.get(login_options(client), ORIGIN)},
        headers={"Authorization": f"Bearer {token}"},
        environ_base={"REMOTE_ADDR": fresh_ip()},
    )
    assert response.status_code == 200, response.get_json()


def test_an_admin_mfa_reset_removes_the_passkeys(app, client, two_factor, make_user, sign_in):
    user, authenticator = two_factor
    admin_headers = sign_in(make_user(is_admin=True))
    assert client.delete(f"/api/v1/users/{user.id}/mfa", headers=admin_headers).status_code == 204
    with app.app_context():
        assert passkey_factor().enrolled(user.id) == 0
    response = client.post(
        "/api/v1/auth/passkeys/login",
        json={"credential": authenticator.get(login_options(client), ORIGIN)},
        environ_base={"REMOTE_ADDR": fresh_ip()},
    )
    assert response.status_code == 401


def test_the_mfa_service_reads_passkeys_through_the_registry_alone(app, client, enrolled, make_user, sign_in):  # noqa: F811
    # app.mfa.service has no passkey fallback of its own: it relies on the app
    # (app.passkeys.routes importing app.passkeys.factor) registering the factor.
    from app.passkeys import factor as passkey_module

    assert factors.get("passkey") is passkey_module.FACTOR
    user, headers, _, _ = enrolled
    status = client.get("/api/v1/auth/mfa", headers=headers)
    assert status.status_code == 200 and status.get_json()["data"]["passkeys"] == 1
    admin_headers = sign_in(make_user(is_admin=True))
    assert client.delete(f"/api/v1/users/{user.id}/mfa", headers=admin_headers).status_code == 204  # passkeys only
    [reset] = audit_events(app, audit.MFA_RESET)
    assert reset.details["removed"] == {"totp": 0, "recovery_code": 0, "passkey": 1}
