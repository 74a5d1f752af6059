"""Passkeys (docs/passkeys.md): registration and sign-in ceremonies end to end with a
software authenticator (tests/webauthn_authenticator.py), and what an
attacker tries: another origin or RP id, a replayed or expired challenge,
someone else's passkey, no user verification, a forged signature, a cloned
authenticator (counter going backwards), probing which emails have accounts."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from app import audit
from app.security import access_tokens
from config import ConfigError, load_config
from tests.auth_client import audit_events, bearer, emailed_messages, fresh_ip, get_user, set_user
from tests.conftest import TEST_SECRET
from tests.webauthn_authenticator import SoftAuthenticator, b64url, b64url_decode

PASSKEYS = "/api/v1/auth/passkeys"
ORIGIN = "http://localhost:5000"  # WEBAUTHN_ORIGINS' default, from FRONTEND_URL's default


def code(response):
    return response.get_json()["error"]["code"]


def registration_options(client, headers):
    response = client.post(PASSKEYS + "/register/options", json={}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def register(client, headers, credential, name="Laptop"):
    body = {"credential": credential}
    if name is not None:
        body["name"] = name
    return client.post(PASSKEYS + "/register", json=body, headers=headers)


def add_passkey(client, headers, authenticator, name="Laptop") -> dict:
    credential = authenticator.create(registration_options(client, headers), ORIGIN)
    response = register(client, headers, credential, name)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def login_options(client, email=None, ip=None):
    body = {} if email is None else {"email": email}
    response = client.post(PASSKEYS + "/login/options", json=body, environ_base={"REMOTE_ADDR": ip or fresh_ip()})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


def passkey_login(client, credential, ip=None):
    return client.post(PASSKEYS + "/login", json={"credential": credential}, environ_base={"REMOTE_ADDR": ip or fresh_ip()})


def claims(access_token):
    return jwt.decode(access_token, TEST_SECRET, algorithms=["HS256"])


@pytest.fixture
def member(make_user, sign_in):
    """A user with a fresh session: (user, Authorization header)."""
    user = make_user(full_name="Ada Lovelace")
    return user, sign_in(user)


@pytest.fixture
def enrolled(client, member):
    """`member` with one passkey on a software authenticator: (user, headers, authenticator, passkey)."""
    user, headers = member
    authenticator = SoftAuthenticator()
    passkey = add_passkey(client, headers, authenticator)
    return user, headers, authenticator, passkey


def stale(monkeypatch, seconds=600):
    monkeypatch.setattr(access_tokens, "_clock", lambda: time.time() + seconds)


def expire_challenges(app):
    from app.extensions import db
    from app.models import WebAuthnChallenge

    with app.app_context():
        db.session.execute(db.update(WebAuthnChallenge).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()


def stored_passkey(app, passkey_id):
    from app.extensions import db
    from app.models import Passkey

    with app.app_context():
        passkey = db.session.get(Passkey, uuid.UUID(passkey_id))
        if passkey is not None:
            db.session.expunge(passkey)
        return passkey


def failure_reasons(app):
    return [e.details["reason"] for e in audit_events(app, audit.PASSKEY_SIGN_IN_FAILED)]


# ------------------------------------------------------------- registration


def test_registration_options_ask_for_a_discoverable_verified_credential_of_this_user(client, member):
    user, headers = member
    options = registration_options(client, headers)
    assert options["rp"] == {"id": "localhost", "name": "Gatehouse"}
    assert b64url_decode(options["user"]["id"]) == user.id.bytes  # an opaque handle, not the email
    assert options["user"]["name"] == user.email and options["user"]["displayName"] == "Ada Lovelace"
    assert len(b64url_decode(options["challenge"])) == 32
    assert options["authenticatorSelection"]["residentKey"] == "required"
    assert options["authenticatorSelection"]["userVerification"] == "required"
    assert options["attestation"] == "none" and options["timeout"] == 300000
    assert {"type": "public-key", "alg": -7} in options["pubKeyCredParams"]
    assert options["excludeCredentials"] == []


def test_registration_stores_the_passkey_emails_and_audits_it(app, client, member):
    user, headers = member
    authenticator = SoftAuthenticator(backup_eligible=True, backed_up=True)
    passkey = add_passkey(client, headers, authenticator, name="  Phone  ")
    assert set(passkey) == {"id", "name", "created_at", "last_used_at"}
    assert passkey["name"] == "Phone" and passkey["last_used_at"] is None
    stored = stored_passkey(app, passkey["id"])
    assert stored.user_id == user.id
    assert stored.credential_id == authenticator.credentials[0].credential_id
    assert stored.transports == ["internal", "hybrid"]
    assert stored.backup_eligible and stored.backed_up and stored.sign_count == 0
    [message] = emailed_messages(app, to=user.email, template="passkey_added")
    assert message["context"]["name"] == "Phone"
    [event] = audit_events(app, audit.PASSKEY_ADDED)
    assert event.user_id == user.id and event.outcome == "success" and event.details["passkey_id"] == passkey["id"]


def test_existing_passkeys_are_excluded_from_new_registrations(client, enrolled):
    _, headers, authenticator, _ = enrolled
    options = registration_options(client, headers)
    assert [b64url_decode(c["id"]) for c in options["excludeCredentials"]] == [authenticator.credentials[0].credential_id]
    assert options["excludeCredentials"][0]["transports"] == ["internal", "hybrid"]


def test_a_user_may_hold_several_passkeys_listed_oldest_first(client, member):
    _, headers = member
    first = add_passkey(client, headers, SoftAuthenticator(), "Laptop")
    second = add_passkey(client, headers, SoftAuthenticator(), "Phone")
    listed = client.get(PASSKEYS, headers=headers).get_json()["data"]
    assert [p["id"] for p in listed] == [first["id"], second["id"]]


@pytest.mark.parametrize(
    "sent, kept",
    [
        (None, "Passkey"),
        ("   ", "Passkey"),
        ("evil\nSubject: x", "evil Subject: x"),
        ("a\u202eb\u0000c", "a b c"),
        ("  Work   laptop ", "Work laptop"),
    ],
)
def test_the_name_is_cleaned_of_control_characters_and_defaults(client, member, sent, kept):
    _, headers = member
    assert add_passkey(client, headers, SoftAuthenticator(), name=sent)["name"] == kept


@pytest.mark.parametrize("bad", ["", "x" * 65, 42, None])
def test_bad_names_are_validation_errors(client, member, bad):
    _, headers = member
    credential = SoftAuthenticator().create(registration_options(client, headers), ORIGIN)
    response = client.post(PASSKEYS + "/register", json={"credential": credential, "name": bad}, headers=headers)
    assert response.status_code == 400 and code(response) == "REQUEST_VALIDATION_FAILED_004", bad


@pytest.mark.parametrize("path", ["/register/options", "/register"])
def test_registration_needs_a_fresh_session(client, member, monkeypatch, path):
    _, headers = member
    credential = SoftAuthenticator().create(registration_options(client, headers), ORIGIN)
    stale(monkeypatch)
    response = client.post(PASSKEYS + path, json={"credential": credential} if path == "/register" else {}, headers=headers)
    assert response.status_code == 403 and code(response) == "AUTH_REAUTH_REQUIRED_033"


def test_registration_needs_a_signed_in_user(client):
    response = client.post(PASSKEYS + "/register/options", json={})
    assert response.status_code == 401


@pytest.mark.parametrize(
    "attack, create_kwargs, reason",
    [
        ("another origin", {"origin": "https://evil.example"}, "verification"),
        ("another origin port", {"origin": "http://localhost:5001"}, "verification"),
        ("another RP id", {"rp_id": "evil.example"}, "verification"),
        ("no user verification", {"user_verified": False}, "verification"),
        ("no user presence", {"user_present": False}, "verification"),
        ("an assertion's client data", {"client_type": "webauthn.get"}, "verification"),
        ("a made-up challenge", {"challenge": b64url(b"0" * 32)}, "challenge"),
    ],
)
def test_registration_refuses_what_does_not_verify(app, client, member, attack, create_kwargs, reason):
    _, headers = member
    options = registration_options(client, headers)
    kwargs = {"origin": ORIGIN, **create_kwargs}
    credential = SoftAuthenticator().create(options, **kwargs)
    response = register(client, headers, credential)
    assert response.status_code == 400, attack
    assert code(response) == "AUTH_PASSKEY_INVALID_039"
    assert client.get(PASSKEYS, headers=headers).get_json()["data"] == []
    [event] = audit_events(app, audit.PASSKEY_ADDED)
    assert event.outcome == "failure" and event.details["reason"] == reason


def test_a_registration_challenge_is_single_use(client, member):
    _, headers = member
    options = registration_options(client, headers)
    assert register(client, headers, SoftAuthenticator().create(options, ORIGIN)).status_code == 201
    # A second credential answering the same challenge (a replayed ceremony).
    response = register(client, headers, SoftAuthenticator().create(options, ORIGIN))
    assert response.status_code == 400 and code(response) == "AUTH_PASSKEY_INVALID_039"


def test_a_failed_registration_spends_its_challenge(client, member):
    _, headers = member
    options = registration_options(client, headers)
    assert register(client, headers, SoftAuthenticator().create(options, "https://evil.example")).status_code == 400
    assert register(client, headers, SoftAuthenticator().create(options, ORIGIN)).status_code == 400


def test_an_expired_registration_challenge_is_refused(app, client, member):
    _, headers = member
    options = registration_options(client, headers)
    expire_challenges(app)
    response = register(client, headers, SoftAuthenticator().create(options, ORIGIN))
    assert response.status_code == 400 and code(response) == "AUTH_PASSKEY_INVALID_039"


def test_another_users_registration_challenge_is_refused(client, member, make_user, sign_in):
    _, headers = member
    other_headers = sign_in(make_user())
    # The victim's options answered, then sent with the attacker's session (or the other way round).
    credential = SoftAuthenticator().create(registration_options(client, headers), ORIGIN)
    response = register(client, other_headers, credential)
    assert response.status_code == 400 and code(response) == "AUTH_PASSKEY_INVALID_039"


def test_a_sign_in_challenge_cannot_register(client, member):
    _, headers = member
    sign_in_options = login_options(client)
    fake = {"rp": {"id": "localhost"}, "user": {"id": b64url(b"x")}, "challenge": sign_in_options["challenge"]}
    response = register(client, headers, SoftAuthenticator().create(fake, ORIGIN))
    assert response.status_code == 400 and code(response) == "AUTH_PASSKEY_INVALID_039"


def test_a_credential_registered_already_is_refused_even_for_another_account(client, enrolled, make_user, sign_in):
    _, _, authenticator, _ = enrolled
    other_headers = sign_in(make_user())
    same_id = authenticator.credentials[0].credential_id
    credential = SoftAuthenticator().create(registration_options(client, other_headers), ORIGIN, credential_id=same_id)
    response = register(client, other_headers, credential)
    assert response.status_code == 400 and code(response) == "AUTH_PASSKEY_INVALID_039"
    assert "already registered" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c.pop("response"),
        lambda c: c.update(type="password"),
        lambda c: c["response"].update(attestationObject="not base64url!"),
        lambda c: c["response"].pop("clientDataJSON"),
        lambda c: c.update(rawId=""),
    ],
)
def test_malformed_registration_credentials_are_validation_errors(client, member, mangle):
    _, headers = member
    credential = SoftAuthenticator().create(registration_options(client, headers), ORIGIN)
    mangle(credential)
    response = register(client, headers, credential)
    assert response.status_code == 400 and code(response) == "REQUEST_VALIDATION_FAILED_004"


def test_garbage_that_passes_the_schema_is_039_not_500(client, member):
    _, headers = member
    credential = SoftAuthenticator().create(registration_options(client, headers), ORIGIN)
    credential["response"]["attestationObject"] = b64url(b"\xff\x00garbage")
    response = register(client, headers, credential)
    assert response.status_code == 400 and code(response) == "AUTH_PASSKEY_INVALID_039"


# ------------------------------------------------------------------ sign-in


def test_passkey_sign_in_end_to_end_gives_an_aal2_session(app, client, enrolled):
    user, _, authenticator, passkey = enrolled
    options = login_options(client)
    assert options["allowCredentials"] == [] and options["userVerification"] == "required"
    assert options["rpId"] == "localhost" and options["timeout"] == 300000
    response = passkey_login(client, authenticator.get(options, ORIGIN))
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert data["user"]["id"] == str(user.id) and data["token_type"] == "Bearer"
    assert claims(data["access_token"])["aal"] == 2
    assert claims(data["access_token"])["amr"] == ["hwk", "user"]
    me = client.get("/api/v1/users/me", headers=bearer(data["access_token"]))
    assert me.status_code == 200
    sessions = client.get("/api/v1/auth/sessions", headers=bearer(data["access_token"])).get_json()["data"]
    assert [(s["aal"], s["amr"]) for s in sessions if s["current"]] == [(2, ["hwk", "user"])]
    stored = stored_passkey(app, passkey["id"])
    assert stored.sign_count == 1 and stored.last_used_at is not None
    [event] = audit_events(app, audit.LOGIN_SUCCEEDED)
    assert event.details["method"] == "passkey" and event.details["aal"] == 2
    # A passkey sign-in is a fresh session: it may add a passkey at once.
    assert client.post(PASSKEYS + "/register/options", json={}, headers=bearer(data["access_token"])).status_code == 200


def test_discoverable_sign_in_finds_the_right_account(client, enrolled, make_user, sign_in):
    other = make_user()
    other_authenticator = SoftAuthenticator()
    add_passkey(client, sign_in(other), other_authenticator)
    response = passkey_login(client, other_authenticator.get(login_options(client), ORIGIN))
    assert response.get_json()["data"]["user"]["id"] == str(other.id)


def test_an_authenticator_without_a_counter_signs_in_again_and_again(client, member):
    _, headers = member
    authenticator = SoftAuthenticator(counter_step=0)
    add_passkey(client, headers, authenticator)
    for _ in range(3):
        assert passkey_login(client, authenticator.get(login_options(client), ORIGIN)).status_code == 200


@pytest.mark.parametrize(
    "attack, get_kwargs",
    [
        ("another origin", {"origin": "https://evil.example"}),
        ("another scheme", {"origin": "https://localhost:5000"}),
        ("another RP id", {"rp_id": "evil.example"}),
        ("no user verification", {"user_verified": False}),
        ("no user presence", {"user_present": False}),
        ("a forged signature", {"tamper_signature": True}),
        ("a registration's client data", {"client_type": "webauthn.create"}),
    ],
)
def test_sign_in_refuses_what_does_not_verify(app, client, enrolled, attack, get_kwargs):
    _, _, authenticator, passkey = enrolled
    kwargs = {"origin": ORIGIN, **get_kwargs}
    response = passkey_login(client, authenticator.get(login_options(client), **kwargs))
    assert response.status_code == 401, attack
    assert code(response) == "AUTH_PASSKEY_INVALID_039"
    assert "access_token" not in response.get_data(as_text=True)
    assert failure_reasons(app) == ["verification"]
    assert stored_passkey(app, passkey["id"]).last_used_at is None


def test_a_replayed_assertion_is_refused(app, client, enrolled):
    _, _, authenticator, _ = enrolled
    assertion = authenticator.get(login_options(client), ORIGIN)
    assert passkey_login(client, assertion).status_code == 200
    response = passkey_login(client, assertion)
    assert response.status_code == 401 and code(response) == "AUTH_PASSKEY_INVALID_039"
    assert failure_reasons(app) == ["challenge"]


def test_two_assertions_for_one_challenge_sign_in_once(client, enrolled):
    _, _, authenticator, _ = enrolled
    options = login_options(client)
    first, second = authenticator.get(options, ORIGIN), authenticator.get(options, ORIGIN)
    assert passkey_login(client, first).status_code == 200
    assert passkey_login(client, second).status_code == 401


def test_an_expired_sign_in_challenge_is_refused(app, client, enrolled):
    _, _, authenticator, _ = enrolled
    options = login_options(client)
    expire_challenges(app)
    response = passkey_login(client, authenticator.get(options, ORIGIN))
    assert response.status_code == 401 and failure_reasons(app) == ["challenge"]


def test_a_made_up_challenge_is_refused(app, client, enrolled):
    _, _, authenticator, _ = enrolled
    response = passkey_login(client, authenticator.get(login_options(client), ORIGIN, challenge=b64url(b"1" * 32)))
    assert response.status_code == 401 and failure_reasons(app) == ["challenge"]


def test_a_registration_challenge_cannot_sign_in(client, enrolled):
    _, headers, authenticator, _ = enrolled
    options = registration_options(client, headers)
    response = passkey_login(client, authenticator.get({"rpId": "localhost", "challenge": options["challenge"]}, ORIGIN))
    assert response.status_code == 401


def test_an_unknown_credential_is_refused(app, client, enrolled):
    stranger = SoftAuthenticator()
    stranger.create({"rp": {"id": "localhost"}, "user": {"id": b64url(b"someone")}, "challenge": b64url(b"c")}, ORIGIN)
    response = passkey_login(client, stranger.get(login_options(client), ORIGIN))
    assert response.status_code == 401 and failure_reasons(app) == ["unknown_credential"]


def test_a_foreign_key_claiming_a_registered_credential_id_is_refused(app, client, enrolled):
    """An attacker who knows a credential id signs with a key of their own."""
    _, _, authenticator, _ = enrolled
    attacker = SoftAuthenticator()
    victim = authenticator.credentials[0]
    attacker.create(
        {"rp": {"id": "localhost"}, "user": {"id": b64url(victim.user_handle)}, "challenge": b64url(b"c")},
        ORIGIN,
        credential_id=victim.credential_id,
    )
    response = passkey_login(client, attacker.get(login_options(client), ORIGIN))
    assert response.status_code == 401 and failure_reasons(app) == ["verification"]


def test_a_user_handle_of_another_account_is_refused(app, client, enrolled):
    _, _, authenticator, _ = enrolled
    assertion = authenticator.get(login_options(client), ORIGIN, user_handle=uuid.uuid4().bytes)
    response = passkey_login(client, assertion)
    assert response.status_code == 401 and failure_reasons(app) == ["user_handle"]


def test_a_removed_passkey_signs_in_no_more(app, client, enrolled):
    _, headers, authenticator, passkey = enrolled
    assert client.delete(f"{PASSKEYS}/{passkey['id']}", headers=headers).status_code == 204
    response = passkey_login(client, authenticator.get(login_options(client), ORIGIN))
    assert response.status_code == 401 and failure_reasons(app) == ["unknown_credential"]


def test_a_counter_going_backwards_is_refused_and_audited(app, client, enrolled):
    user, _, authenticator, passkey = enrolled
    for _ in range(3):
        assert passkey_login(client, authenticator.get(login_options(client), ORIGIN)).status_code == 200
    # A clone of the authenticator, made when its counter stood at 2, is used now.
    response = passkey_login(client, authenticator.get(login_options(client), ORIGIN, sign_count=2))
    assert response.status_code == 401 and code(response) == "AUTH_PASSKEY_INVALID_039"
    [event] = audit_events(app, audit.PASSKEY_COUNTER_REGRESSION)
    assert event.user_id == user.id and event.details == {"passkey_id": passkey["id"], "stored": 3, "presented": 2}
    assert failure_reasons(app) == ["counter_regression"]
    # The same count as the stored one is no better; the original, moving on, still works.
    assert passkey_login(client, authenticator.get(login_options(client), ORIGIN, sign_count=3)).status_code == 401
    assert passkey_login(client, authenticator.get(login_options(client), ORIGIN)).status_code == 200
    assert stored_passkey(app, passkey["id"]).sign_count == 4


def test_a_counter_that_drops_to_zero_is_refused(client, enrolled):
    _, _, authenticator, _ = enrolled
    assert passkey_login(client, authenticator.get(login_options(client), ORIGIN)).status_code == 200
    assert passkey_login(client, authenticator.get(login_options(client), ORIGIN, sign_count=0)).status_code == 401


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c["response"].pop("signature"),
        lambda c: c["response"].update(authenticatorData="!!"),
        lambda c: c.update(type="password"),
        lambda c: c.pop("rawId"),
    ],
)
def test_malformed_assertions_are_validation_errors(client, enrolled, mangle):
    _, _, authenticator, _ = enrolled
    assertion = authenticator.get(login_options(client), ORIGIN)
    mangle(assertion)
    response = passkey_login(client, assertion)
    assert response.status_code == 400 and code(response) == "REQUEST_VALIDATION_FAILED_004"


def test_garbage_client_data_is_401_not_500(client, enrolled):
    _, _, authenticator, _ = enrolled
    assertion = authenticator.get(login_options(client), ORIGIN)
    assertion["response"]["clientDataJSON"] = b64url(b"{not json")
    assert passkey_login(client, assertion).status_code == 401
    assertion["response"]["clientDataJSON"] = b64url(b'{"challenge": 5}')
    assert passkey_login(client, assertion).status_code == 401


# ------------------------------------------------------ email and enumeration


def test_login_options_have_the_same_shape_for_any_email(client, enrolled, make_user):
    user, _, _, _ = enrolled
    without_passkey = make_user()
    answers = [
        login_options(client),
        login_options(client, user.email),
        login_options(client, without_passkey.email),
        login_options(client, "nobody-here@example.com"),
    ]
    for answer in answers:
        assert {k: v for k, v in answer.items() if k != "challenge"} == {
            "timeout": 300000,
            "rpId": "localhost",
            "allowCredentials": [],
            "userVerification": "required",
        }
        assert len(answer["challenge"]) == len(answers[0]["challenge"])
    assert len({a["challenge"] for a in answers}) == len(answers)


def test_options_for_an_email_accept_that_accounts_passkey_only(app, client, enrolled, make_user, sign_in):
    user, _, authenticator, _ = enrolled
    other = make_user()
    other_authenticator = SoftAuthenticator()
    add_passkey(client, sign_in(other), other_authenticator)
    response = passkey_login(client, other_authenticator.get(login_options(client, user.email), ORIGIN))
    assert response.status_code == 401 and failure_reasons(app) == ["other_account"]
    response = passkey_login(client, authenticator.get(login_options(client, user.email.upper()), ORIGIN))
    assert response.status_code == 200 and response.get_json()["data"]["user"]["id"] == str(user.id)


def test_options_for_an_email_without_account_accept_no_passkey(app, client, enrolled):
    _, _, authenticator, _ = enrolled
    response = passkey_login(client, authenticator.get(login_options(client, "nobody-here@example.com"), ORIGIN))
    assert response.status_code == 401 and failure_reasons(app) == ["unknown_account"]


# ------------------------------------------------- the rules every sign-in obeys


def test_a_disabled_account_cannot_sign_in_with_a_passkey(app, client, enrolled):
    user, _, authenticator, _ = enrolled
    set_user(app, user.id, is_active=False)
    response = passkey_login(client, authenticator.get(login_options(client), ORIGIN))
    assert response.status_code == 403 and code(response) == "AUTH_ACCOUNT_DISABLED_021"


def test_a_deleted_account_cannot_sign_in_with_a_passkey(app, client, enrolled):
    user, _, authenticator, _ = enrolled
    set_user(app, user.id, deleted_at=datetime.now(UTC))
    response = passkey_login(client, authenticator.get(login_options(client), ORIGIN))
    assert response.status_code == 401 and code(response) == "AUTH_PASSKEY_INVALID_039"


def test_a_locked_account_cannot_sign_in_with_a_passkey(app, client, enrolled):
    user, _, authenticator, _ = enrolled
    set_user(app, user.id, locked_until=datetime.now(UTC) + timedelta(minutes=10))
    response = passkey_login(client, authenticator.get(login_options(client), ORIGIN))
    assert response.status_code == 429 and code(response) == "AUTH_ACCOUNT_LOCKED_022"
    assert "Retry-After" in response.headers
    assert get_user(app, user.id).locked_until is not None


def test_sign_in_routes_are_rate_limited_per_ip(client):
    statuses = [client.post(PASSKEYS + "/login/options", json={}, environ_base={"REMOTE_ADDR": "10.99.0.1"}).status_code for _ in range(21)]
    assert statuses[:20] == [200] * 20 and statuses[20] == 429


# ------------------------------------------------------------------ management


def test_list_is_only_your_own(client, enrolled, make_user, sign_in):
    other_headers = sign_in(make_user())
    assert client.get(PASSKEYS, headers=other_headers).get_json()["data"] == []
    assert client.get(PASSKEYS).status_code == 401


def test_rename_your_passkey_and_not_anyone_elses(app, client, enrolled, make_user, sign_in):
    _, headers, _, passkey = enrolled
    response = client.patch(f"{PASSKEYS}/{passkey['id']}", json={"name": "Work laptop"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["data"]["name"] == "Work laptop"
    assert stored_passkey(app, passkey["id"]).name == "Work laptop"
    [event] = audit_events(app, audit.PASSKEY_RENAMED)
    assert event.details["to"] == "Work laptop"
    other_headers = sign_in(make_user())
    response = client.patch(f"{PASSKEYS}/{passkey['id']}", json={"name": "Mine now"}, headers=other_headers)
    assert response.status_code == 404 and code(response) == "AUTH_PASSKEY_NOT_FOUND_054"
    assert stored_passkey(app, passkey["id"]).name == "Work laptop"


def test_delete_your_passkey_and_not_anyone_elses(app, client, enrolled, make_user, sign_in):
    _, headers, _, passkey = enrolled
    other_headers = sign_in(make_user())
    response = client.delete(f"{PASSKEYS}/{passkey['id']}", headers=other_headers)
    assert response.status_code == 404 and code(response) == "AUTH_PASSKEY_NOT_FOUND_054"
    assert stored_passkey(app, passkey["id"]) is not None
    assert client.delete(f"{PASSKEYS}/{passkey['id']}", headers=headers).status_code == 204
    assert stored_passkey(app, passkey["id"]) is None
    assert client.get(PASSKEYS, headers=headers).get_json()["data"] == []
    [event] = audit_events(app, audit.PASSKEY_REMOVED)
    assert event.details["passkey_id"] == passkey["id"]
    response = client.delete(f"{PASSKEYS}/{passkey['id']}", headers=headers)
    assert response.status_code == 404


def test_the_last_way_to_sign_in_cannot_be_deleted(app, client, make_user, sign_in):
    # An account without a password (as one made through an identity provider
    # and then unlinked from it) signs in with its passkeys alone (app.auth.methods).
    user = make_user()
    set_user(app, user.id, password_hash=None)
    headers = sign_in(user)
    first = add_passkey(client, headers, SoftAuthenticator(), "Laptop")
    last = add_passkey(client, headers, SoftAuthenticator(), "Phone")
    assert client.delete(f"{PASSKEYS}/{first['id']}", headers=headers).status_code == 204
    response = client.delete(f"{PASSKEYS}/{last['id']}", headers=headers)
    assert response.status_code == 409 and code(response) == "AUTH_LAST_SIGN_IN_METHOD_041"
    assert stored_passkey(app, last["id"]) is not None
    refused = audit_events(app, audit.PASSKEY_REMOVED)[-1]
    assert refused.outcome == "failure" and refused.details["reason"] == "last_sign_in_method"
    # With a password it may go.
    set_user(app, user.id, password_hash=get_user(app, make_user().id).password_hash)
    assert client.delete(f"{PASSKEYS}/{last['id']}", headers=headers).status_code == 204


@pytest.mark.parametrize("bad_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_unknown_or_malformed_passkey_ids_are_404(client, member, bad_id):
    _, headers = member
    response = client.delete(f"{PASSKEYS}/{bad_id}", headers=headers)
    assert response.status_code == 404 and code(response) == "AUTH_PASSKEY_NOT_FOUND_054"


def test_removing_a_passkey_needs_a_fresh_session(app, client, enrolled, monkeypatch):
    _, headers, _, passkey = enrolled
    stale(monkeypatch)
    response = client.delete(f"{PASSKEYS}/{passkey['id']}", headers=headers)
    assert response.status_code == 403 and code(response) == "AUTH_REAUTH_REQUIRED_033"
    assert stored_passkey(app, passkey["id"]) is not None
    # Listing and renaming are not sensitive (docs/passkeys.md names adding and removing).
    assert client.get(PASSKEYS, headers=headers).status_code == 200
    assert client.patch(f"{PASSKEYS}/{passkey['id']}", json={"name": "x"}, headers=headers).status_code == 200


def test_remove_all_removes_every_passkey_of_one_account(app, client, enrolled, make_user, sign_in):
    from app.extensions import db
    from app.passkeys import service

    user, headers, _, _ = enrolled
    add_passkey(client, headers, SoftAuthenticator())
    other = make_user()
    add_passkey(client, sign_in(other), SoftAuthenticator())
    with app.app_context():
        assert service.remove_all(user.id) == 2
        db.session.commit()
        assert service.count_passkeys(user.id) == 0 and service.has_passkeys(other.id)


# ------------------------------------------------------------- configuration


def test_relying_party_defaults_from_frontend_url():
    settings = load_config({"FRONTEND_URL": "https://accounts.example.org/app"})
    assert settings["WEBAUTHN_RP_ID"] == "accounts.example.org"
    assert settings["WEBAUTHN_ORIGINS"] == ["https://accounts.example.org"]
    assert settings["WEBAUTHN_RP_NAME"] == "Gatehouse"


def test_relying_party_from_its_variables():
    settings = load_config(
        {
            "WEBAUTHN_RP_ID": "Example.com",
            "WEBAUTHN_RP_NAME": "Example",
            "WEBAUTHN_ORIGINS": "https://example.com, https://app.example.com/",
        }
    )
    assert settings["WEBAUTHN_RP_ID"] == "example.com"
    assert settings["WEBAUTHN_ORIGINS"] == ["https://example.com", "https://app.example.com"]


@pytest.mark.parametrize(
    "environ, variable",
    [
        ({"WEBAUTHN_RP_ID": "https://example.com"}, "WEBAUTHN_RP_ID"),
        ({"WEBAUTHN_RP_ID": "example.com:443"}, "WEBAUTHN_RP_ID"),
        ({"WEBAUTHN_RP_ID": "example.com", "WEBAUTHN_ORIGINS": "https://evil.com"}, "WEBAUTHN_ORIGINS"),
        ({"WEBAUTHN_RP_ID": "example.com", "WEBAUTHN_ORIGINS": "https://notexample.com"}, "WEBAUTHN_ORIGINS"),
        ({"WEBAUTHN_RP_ID": "example.com", "WEBAUTHN_ORIGINS": "http://example.com"}, "WEBAUTHN_ORIGINS"),
        ({"WEBAUTHN_RP_ID": "example.com", "WEBAUTHN_ORIGINS": "https://example.com/path"}, "WEBAUTHN_ORIGINS"),
        ({"WEBAUTHN_ORIGINS": "localhost:5000"}, "WEBAUTHN_ORIGINS"),
        ({"WEBAUTHN_RP_NAME": "x" * 65}, "WEBAUTHN_RP_NAME"),
    ],
)
def test_bad_relying_party_settings_stop_start_up(environ, variable):
    with pytest.raises(ConfigError, match=variable):
        load_config(environ)


def test_the_passkey_added_email_renders():
    from app.email.rendering import render

    rendered = render("passkey_added", {"full_name": "Ada", "name": "<b>Phone</b>", "at": "2026-12-03 02:00 UTC"})
    assert rendered.subject == "A passkey was added to your account"
    assert "<b>Phone</b>" in rendered.text and "&lt;b&gt;Phone&lt;/b&gt;" in rendered.html
