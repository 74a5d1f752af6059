"""Two-factor sign-in (docs/mfa.md) as an attacker would try it:
enrolment, the two-step login, replayed and drifting codes, a second step
guessed to exhaustion, expired and foreign `mfa_token`s, recovery codes used
twice, turning it off, new codes, an admin's reset, re-authentication, the
lockout, and that the secret and codes are never stored or logged in plain
text. Time is moved (the TOTP clock, the challenge clock), never slept."""

from __future__ import annotations

import logging
import statistics
import time
from datetime import timedelta

import jwt
import pyotp
import pytest
from sqlalchemy import select

from app import audit
from app.mfa import challenge as challenge_module
from app.mfa import factors, totp
from app.models import utcnow
from tests.auth_client import API, audit_events, bearer, emailed_messages, fresh_ip, get_user, login, post, signed_in
from tests.conftest import DEFAULT_PASSWORD, TEST_SECRET

MFA = API + "/mfa"


def claims(access_token):
    return jwt.decode(access_token, TEST_SECRET, algorithms=["HS256"])


def code_of(response):
    return response.get_json()["error"]["code"]


class Clock:
    """The TOTP clock, moved in whole steps: `clock.step(+1)`."""

    def __init__(self, monkeypatch):
        self.offset = 0.0
        monkeypatch.setattr(totp, "_clock", lambda: time.time() + self.offset)

    def step(self, steps=1):
        self.offset += steps * totp.INTERVAL


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def current_code(secret, steps=0):
    return totp.code_at(secret, totp.current_step() + steps)


def enrol(client, user, clock) -> dict:
    """Sign `user` in, set up and confirm TOTP over HTTP: {secret, recovery_codes, access_token}.
    The clock then moves a step on, so that the next code is not the confirming one."""
    data = signed_in(client, user.email)
    headers = bearer(data["access_token"])
    setup = client.post(MFA + "/totp/setup", headers=headers)
    assert setup.status_code == 200, setup.get_json()
    secret = setup.get_json()["data"]["secret"]
    confirmed = client.post(MFA + "/totp/confirm", json={"code": current_code(secret)}, headers=headers)
    assert confirmed.status_code == 200, confirmed.get_json()
    clock.step()
    return {"secret": secret, "recovery_codes": confirmed.get_json()["data"]["recovery_codes"], "access_token": data["access_token"]}


def first_step(client, email, ip=None) -> dict:
    response = login(client, email, ip=ip)
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert data["mfa_required"] is True and "access_token" not in data
    return data


def second_step(client, mfa_token, code, ip=None):
    return client.post(API + "/login/mfa", json={"mfa_token": mfa_token, "code": code}, environ_base={"REMOTE_ADDR": ip or fresh_ip()})


def mfa_login(client, user, secret) -> dict:
    """Both steps with the current code; returns the login data."""
    answer = second_step(client, first_step(client, user.email)["mfa_token"], current_code(secret))
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["data"]


# ---------------------------------------------------------------- end to end


def test_enrolment_to_login_to_recovery_to_reset_end_to_end(app, client, make_user, clock):
    user = make_user()
    admin = make_user(is_admin=True)
    data = signed_in(client, user.email)
    headers = bearer(data["access_token"])
    assert client.get(MFA, headers=headers).get_json()["data"] == {"totp_enabled": False, "recovery_codes_left": 0, "passkeys": 0}

    setup = client.post(MFA + "/totp/setup", headers=headers).get_json()["data"]
    parsed = pyotp.parse_uri(setup["otpauth_uri"])
    assert parsed.secret == setup["secret"] and parsed.issuer == "Gatehouse" and parsed.name == user.email
    assert setup["qr_svg"].startswith("<svg") and setup["qr_svg"].rstrip().endswith("</svg>")
    # An authenticator app (pyotp) reads the QR's URI and gives the code.
    app_code = pyotp.parse_uri(setup["otpauth_uri"]).at(time.time() + clock.offset)
    codes = client.post(MFA + "/totp/confirm", json={"code": app_code}, headers=headers).get_json()["data"]["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(MFA, headers=headers).get_json()["data"] == {"totp_enabled": True, "recovery_codes_left": 10, "passkeys": 0}
    [enabled] = emailed_messages(app, to=user.email, template="mfa_enabled")
    assert audit_events(app, audit.MFA_ENABLED)[0].user_id == user.id

    clock.step()
    step = first_step(client, user.email)
    assert step["methods"] == ["totp", "recovery_code"] and step["expires_in"] == 300
    signed = second_step(client, step["mfa_token"], current_code(setup["secret"])).get_json()["data"]
    assert claims(signed["access_token"])["aal"] == 2 and claims(signed["access_token"])["amr"] == ["pwd", "otp"]
    assert signed["user"]["email"] == user.email
    sessions = client.get(API + "/sessions", headers=bearer(signed["access_token"])).get_json()["data"]
    assert {(s["aal"], tuple(s["amr"])) for s in sessions} == {(1, ("pwd",)), (2, ("pwd", "otp"))}

    # The phone is lost: a recovery code signs in, once.
    with_recovery = second_step(client, first_step(client, user.email)["mfa_token"], codes[0].upper())
    assert with_recovery.status_code == 200
    [used] = emailed_messages(app, to=user.email, template="recovery_code_used")
    assert used["context"]["remaining"] == 9
    assert audit_events(app, audit.RECOVERY_CODE_USED)[0].details["remaining"] == 9

    # The admin resets it: every session ends, the user is told, and a password alone signs in again.
    admin_headers = bearer(signed_in(client, admin.email)["access_token"])
    assert client.delete(f"/api/v1/users/{user.id}/mfa", headers=admin_headers).status_code == 204
    assert client.get("/api/v1/users/me", headers=bearer(signed["access_token"])).status_code == 401
    [reset] = audit_events(app, audit.MFA_RESET)
    assert reset.user_id == user.id and reset.details["by"] == str(admin.id)
    assert reset.details["removed"]["totp"] == 1 and reset.details["removed"]["recovery_code"] == 9
    assert len(emailed_messages(app, to=user.email, template="mfa_reset")) == 1
    assert "access_token" in signed_in(client, user.email)


# --------------------------------------------------------------------- setup


def test_setup_needs_a_fresh_session(app, client, make_user, monkeypatch):
    from app.security import access_tokens

    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    monkeypatch.setattr(access_tokens, "_clock", lambda: time.time() + 301)
    refused = client.post(MFA + "/totp/setup", headers=headers)
    assert refused.status_code == 403 and code_of(refused) == "AUTH_REAUTH_REQUIRED_033"


def test_setup_changes_nothing_until_confirmed_and_again_replaces_the_secret(app, client, make_user, clock):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    first = client.post(MFA + "/totp/setup", headers=headers).get_json()["data"]["secret"]
    assert "access_token" in login(client, user.email).get_json()["data"]  # still one step
    second = client.post(MFA + "/totp/setup", headers=headers).get_json()["data"]["secret"]
    assert first != second
    stale = client.post(MFA + "/totp/confirm", json={"code": current_code(first)}, headers=headers)
    assert stale.status_code == 401 and code_of(stale) == "AUTH_MFA_CODE_INVALID_034"
    assert client.post(MFA + "/totp/confirm", json={"code": current_code(second)}, headers=headers).status_code == 200


def test_setup_and_confirm_when_on_are_409_036(app, client, make_user, clock):
    user = make_user()
    enrolled = enrol(client, user, clock)
    headers = bearer(enrolled["access_token"])
    assert code_of(client.post(MFA + "/totp/setup", headers=headers)) == "AUTH_MFA_ALREADY_ENABLED_036"
    again = client.post(MFA + "/totp/confirm", json={"code": current_code(enrolled["secret"])}, headers=headers)
    assert again.status_code == 409 and code_of(again) == "AUTH_MFA_ALREADY_ENABLED_036"


@pytest.mark.parametrize("bad", ["000000", "12345", "1234567", "abcdef", "", "١٢٣٤٥٦"])
def test_confirm_refuses_wrong_and_malformed_codes(app, client, make_user, clock, bad):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    secret = client.post(MFA + "/totp/setup", headers=headers).get_json()["data"]["secret"]
    if bad == "000000" and current_code(secret) == bad:
        clock.step()
    response = client.post(MFA + "/totp/confirm", json={"code": bad}, headers=headers)
    assert response.status_code in (400, 401)
    assert code_of(response) in ("AUTH_MFA_CODE_INVALID_034", "REQUEST_VALIDATION_FAILED_004")
    assert client.get(MFA, headers=headers).get_json()["data"]["totp_enabled"] is False


def test_confirm_without_setup_is_034(app, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    assert code_of(client.post(MFA + "/totp/confirm", json={"code": "123456"}, headers=headers)) == "AUTH_MFA_CODE_INVALID_034"


def test_otpauth_uri_carries_the_configured_issuer(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_ISSUER", "Acme Corp")
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    uri = client.post(MFA + "/totp/setup", headers=headers).get_json()["data"]["otpauth_uri"]
    assert pyotp.parse_uri(uri).issuer == "Acme Corp"
    assert uri.startswith("otpauth://totp/Acme%20Corp:")


# ------------------------------------------------------------ codes at login


def test_a_code_is_accepted_once_the_same_code_again_is_034(app, client, make_user, clock):
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    code = current_code(secret)
    assert second_step(client, first_step(client, user.email)["mfa_token"], code).status_code == 200
    replay = second_step(client, first_step(client, user.email)["mfa_token"], code)
    assert replay.status_code == 401 and code_of(replay) == "AUTH_MFA_CODE_INVALID_034"


def test_the_confirming_code_cannot_sign_in(app, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    secret = client.post(MFA + "/totp/setup", headers=headers).get_json()["data"]["secret"]
    code = current_code(secret)
    assert client.post(MFA + "/totp/confirm", json={"code": code}, headers=headers).status_code == 200
    replay = second_step(client, first_step(client, user.email)["mfa_token"], code)
    assert code_of(replay) == "AUTH_MFA_CODE_INVALID_034"


def test_an_older_step_after_a_newer_one_is_refused(app, client, make_user, clock):
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    assert second_step(client, first_step(client, user.email)["mfa_token"], current_code(secret, +1)).status_code == 200
    older = second_step(client, first_step(client, user.email)["mfa_token"], current_code(secret))
    assert code_of(older) == "AUTH_MFA_CODE_INVALID_034"


@pytest.mark.parametrize("steps, accepted", [(-2, False), (-1, True), (1, True), (2, False)])
def test_one_step_of_clock_drift_either_way(app, client, make_user, clock, steps, accepted):
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    clock.step(3)  # well past the confirming code's step
    response = second_step(client, first_step(client, user.email)["mfa_token"], current_code(secret, steps))
    assert (response.status_code == 200) is accepted, response.get_json()


def test_codes_may_be_typed_with_a_space(app, client, make_user, clock):
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    code = current_code(secret)
    assert second_step(client, first_step(client, user.email)["mfa_token"], f"{code[:3]} {code[3:]}").status_code == 200


# ---------------------------------------------------------- the mfa_token


def test_five_wrong_codes_end_the_mfa_token_even_for_the_right_code(app, client, make_user, clock):
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    token = first_step(client, user.email)["mfa_token"]
    wrong = "000000" if current_code(secret) != "000000" else "111111"
    for _ in range(5):
        assert code_of(second_step(client, token, wrong)) == "AUTH_MFA_CODE_INVALID_034"
    dead = second_step(client, token, current_code(secret))
    assert dead.status_code == 401 and code_of(dead) == "AUTH_MFA_TOKEN_INVALID_035"
    assert len(audit_events(app, audit.MFA_FAILED)) == 5


def test_the_mfa_token_dies_on_use(app, client, make_user, clock):
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    token = first_step(client, user.email)["mfa_token"]
    assert second_step(client, token, current_code(secret)).status_code == 200
    clock.step()
    assert code_of(second_step(client, token, current_code(secret))) == "AUTH_MFA_TOKEN_INVALID_035"


def test_the_mfa_token_expires_after_five_minutes(app, client, make_user, clock, monkeypatch):
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    token = first_step(client, user.email)["mfa_token"]
    monkeypatch.setattr(challenge_module, "utcnow", lambda: utcnow() + timedelta(seconds=301))
    expired = second_step(client, token, current_code(secret))
    assert expired.status_code == 401 and code_of(expired) == "AUTH_MFA_TOKEN_INVALID_035"
    monkeypatch.setattr(challenge_module, "utcnow", lambda: utcnow() + timedelta(seconds=299))
    assert second_step(client, token, current_code(secret)).status_code == 200


def test_a_new_mfa_token_clears_any_accounts_challenges_expired_a_while_ago(app, client, make_user, clock):
    from app.extensions import db
    from app.models import MfaChallenge

    def challenges(user):
        with app.app_context():
            return list(
                db.session.scalars(select(MfaChallenge.expires_at).where(MfaChallenge.user_id == user.id).order_by(MfaChallenge.created_at))
            )

    gone, other = make_user(), make_user()  # `gone` never signs in again
    enrol(client, gone, clock)
    enrol(client, other, clock)
    first_step(client, gone.email)
    first_step(client, gone.email)
    now = utcnow()
    long_ago = now - timedelta(seconds=challenge_module.LIFETIME_SECONDS + 60)
    recently = now - timedelta(seconds=10)
    with app.app_context():
        older, newer = db.session.scalars(
            select(MfaChallenge).where(MfaChallenge.user_id == gone.id).order_by(MfaChallenge.created_at)
        ).all()
        older.expires_at, newer.expires_at = long_ago, recently
        db.session.commit()
    first_step(client, other.email)
    assert challenges(gone) == [recently]  # expired a while ago: cleared; just now: left for a later one
    assert len(challenges(other)) == 1


@pytest.mark.parametrize("token", ["", "x" * 43, "not-a-token", "x" * 512])
def test_unknown_mfa_tokens_are_035(app, client, token):
    response = second_step(client, token, "123456")
    assert response.status_code in (400, 401)
    assert code_of(response) in ("AUTH_MFA_TOKEN_INVALID_035", "REQUEST_VALIDATION_FAILED_004")


def test_another_users_mfa_token_signs_in_only_that_user_and_not_with_my_code(app, client, make_user, clock):
    alice, mallory = make_user(), make_user()
    alice_secret = enrol(client, alice, clock)["secret"]
    mallory_secret = enrol(client, mallory, clock)["secret"]
    alice_token = first_step(client, alice.email)["mfa_token"]
    # Mallory answers Alice's step with her own code: wrong for Alice.
    refused = second_step(client, alice_token, current_code(mallory_secret))
    assert code_of(refused) == "AUTH_MFA_CODE_INVALID_034"
    # And her own step can never give her Alice's account.
    mallory_signed = second_step(client, first_step(client, mallory.email)["mfa_token"], current_code(mallory_secret))
    assert mallory_signed.get_json()["data"]["user"]["id"] == str(mallory.id)
    assert second_step(client, alice_token, current_code(alice_secret)).get_json()["data"]["user"]["id"] == str(alice.id)


def test_a_password_change_ends_pending_mfa_tokens(app, client, make_user, clock):
    user = make_user()
    enrolled = enrol(client, user, clock)
    token = first_step(client, user.email)["mfa_token"]
    changed = client.post(
        API + "/change-password",
        json={"current_password": DEFAULT_PASSWORD, "new_password": "AnotherPass456"},
        headers=bearer(enrolled["access_token"]),
    )
    assert changed.status_code == 200
    assert code_of(second_step(client, token, current_code(enrolled["secret"]))) == "AUTH_MFA_TOKEN_INVALID_035"


def test_a_disabled_account_cannot_finish_the_second_step(app, client, make_user, clock):
    from tests.auth_client import set_user

    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    token = first_step(client, user.email)["mfa_token"]
    set_user(app, user.id, is_active=False)
    assert code_of(second_step(client, token, current_code(secret))) == "AUTH_MFA_TOKEN_INVALID_035"


@pytest.mark.parametrize(
    "body",
    [
        {"code": "123456"},
        {"mfa_token": "t", "code": 123456},
        {"mfa_token": "t", "credential": "x"},
        {"mfa_token": "t", "code": "123456", "extra": 1},
    ],
)
def test_login_mfa_validates_its_fields(client, body):
    response = post(client, "/login/mfa", body, ip=fresh_ip())
    assert response.status_code == 400 and code_of(response) == "REQUEST_VALIDATION_FAILED_004"


def test_login_mfa_wants_exactly_one_proof_and_does_not_count_that_as_a_guess(app, client, make_user, clock):
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    token = first_step(client, user.email)["mfa_token"]
    for body in ({"mfa_token": token}, {"mfa_token": token, "code": current_code(secret), "credential": {}}):
        response = post(client, "/login/mfa", body, ip=fresh_ip())
        assert response.status_code == 401 and code_of(response) == "AUTH_MFA_CODE_INVALID_034"
    assert get_user(app, user.id).failed_login_count == 0
    assert second_step(client, token, current_code(secret)).status_code == 200


# ------------------------------------------------------------------ lockout


def test_wrong_codes_count_toward_the_account_lockout(app, client, make_user, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOCKOUT_THRESHOLD", 4)
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    wrong = "000000" if current_code(secret) != "000000" else "111111"
    attacker = "203.0.113.50"
    for _ in range(2):  # two tokens, two wrong codes each: the account's count is 4
        token = first_step(client, user.email, ip=attacker)["mfa_token"]
        for _ in range(2):
            second_step(client, token, wrong, ip=attacker)
    assert get_user(app, user.id).locked_until is not None
    locked = login(client, user.email, ip=attacker)
    assert locked.status_code == 429 and code_of(locked) == "AUTH_ACCOUNT_LOCKED_022"


def test_a_wrong_password_then_wrong_codes_add_up(app, client, make_user, clock, monkeypatch):
    monkeypatch.setitem(app.config, "LOCKOUT_THRESHOLD", 3)
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    assert login(client, user.email, password="WrongPass999").status_code == 401
    token = first_step(client, user.email)["mfa_token"]
    wrong = "000000" if current_code(secret) != "000000" else "111111"
    second_step(client, token, wrong)
    third = second_step(client, token, wrong)
    assert third.status_code == 401  # the failure that locks is still answered as wrong
    assert get_user(app, user.id).locked_until is not None
    # Locked: even the right code does not sign in (429), and no code is spent on it.
    assert code_of(second_step(client, token, current_code(secret))) == "AUTH_ACCOUNT_LOCKED_022"


def test_wrong_password_takes_as_long_with_mfa_as_without_and_never_looks_at_mfa(app, client, make_user, clock, monkeypatch):
    """Whether an account has two-factor sign-in is looked at only once the
    password has verified: a wrong password is answered alike, in the same
    time, for an account with MFA and one without."""
    with_mfa, without = make_user(), make_user()
    enrol(client, with_mfa, clock)
    looked = []
    real = factors.enrolled_methods
    monkeypatch.setattr(factors, "enrolled_methods", lambda user_id: looked.append(user_id) or real(user_id))
    monkeypatch.setitem(app.config, "BCRYPT_ROUNDS", 10)

    def timed(email):
        started = time.perf_counter()
        response = login(client, email, password="WrongPass999")
        assert response.status_code == 401 and code_of(response) == "AUTH_INVALID_CREDENTIALS_001"
        return time.perf_counter() - started

    mfa_times, plain_times = [], []
    for _ in range(3):
        mfa_times.append(timed(with_mfa.email))
        plain_times.append(timed(without.email))
    assert looked == []
    assert 0.5 < statistics.median(mfa_times) / statistics.median(plain_times) < 2.0, (mfa_times, plain_times)


# ------------------------------------------------------------ recovery codes


def test_a_recovery_code_works_once(app, client, make_user, clock):
    user = make_user()
    codes = enrol(client, user, clock)["recovery_codes"]
    assert second_step(client, first_step(client, user.email)["mfa_token"], codes[3]).status_code == 200
    again = second_step(client, first_step(client, user.email)["mfa_token"], codes[3])
    assert again.status_code == 401 and code_of(again) == "AUTH_MFA_CODE_INVALID_034"


def test_a_recovery_code_of_another_account_is_refused(app, client, make_user, clock):
    alice, bob = make_user(), make_user()
    enrol(client, alice, clock)
    bob_codes = enrol(client, bob, clock)["recovery_codes"]
    refused = second_step(client, first_step(client, alice.email)["mfa_token"], bob_codes[0])
    assert code_of(refused) == "AUTH_MFA_CODE_INVALID_034"
    assert second_step(client, first_step(client, bob.email)["mfa_token"], bob_codes[0]).status_code == 200


def test_methods_drop_recovery_code_when_none_are_left(app, client, make_user, clock):
    user = make_user()
    codes = enrol(client, user, clock)["recovery_codes"]
    for code in codes:
        assert second_step(client, first_step(client, user.email)["mfa_token"], code).status_code == 200
    assert first_step(client, user.email)["methods"] == ["totp"]
    [*_, last] = emailed_messages(app, to=user.email, template="recovery_code_used")
    assert last["context"]["remaining"] == 0


def test_new_recovery_codes_need_a_fresh_session_and_a_code_and_void_the_old(app, client, make_user, clock, monkeypatch):
    from app.security import access_tokens

    user = make_user()
    enrolled = enrol(client, user, clock)
    headers = bearer(enrolled["access_token"])
    wrong = client.post(MFA + "/recovery-codes", json={"code": "aaaa-bbbb-cccc-dddd"}, headers=headers)
    assert wrong.status_code == 401 and code_of(wrong) == "AUTH_MFA_CODE_INVALID_034"
    assert get_user(app, user.id).failed_login_count == 1
    new = client.post(MFA + "/recovery-codes", json={"code": current_code(enrolled["secret"])}, headers=headers)
    assert new.status_code == 200
    fresh_codes = new.get_json()["data"]["recovery_codes"]
    assert len(fresh_codes) == 10 and not set(fresh_codes) & set(enrolled["recovery_codes"])
    old = second_step(client, first_step(client, user.email)["mfa_token"], enrolled["recovery_codes"][0])
    assert code_of(old) == "AUTH_MFA_CODE_INVALID_034"
    assert second_step(client, first_step(client, user.email)["mfa_token"], fresh_codes[0]).status_code == 200
    assert len(emailed_messages(app, to=user.email, template="recovery_codes_regenerated")) == 1
    assert len(audit_events(app, audit.RECOVERY_CODES_REGENERATED)) == 1

    monkeypatch.setattr(access_tokens, "_clock", lambda: time.time() + 301)
    stale = client.post(MFA + "/recovery-codes", json={"code": fresh_codes[1]}, headers=headers)
    assert code_of(stale) == "AUTH_REAUTH_REQUIRED_033"


def test_new_recovery_codes_when_off_are_409_037(app, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    assert code_of(client.post(MFA + "/recovery-codes", json={"code": "123456"}, headers=headers)) == "AUTH_MFA_NOT_ENABLED_037"


# ------------------------------------------------------------------ turning off


def test_turning_off_needs_a_code_then_one_step_and_codes_are_void(app, client, make_user, clock):
    user = make_user()
    enrolled = enrol(client, user, clock)
    headers = bearer(enrolled["access_token"])
    wrong = client.delete(MFA + "/totp", json={"code": "000000" if current_code(enrolled["secret"]) != "000000" else "1"}, headers=headers)
    assert wrong.status_code in (400, 401)
    missing = client.delete(MFA + "/totp", json={}, headers=headers)
    assert missing.status_code == 400
    assert client.delete(MFA + "/totp", json={"code": enrolled["recovery_codes"][0]}, headers=headers).status_code == 204
    assert client.get(MFA, headers=headers).get_json()["data"] == {"totp_enabled": False, "recovery_codes_left": 0, "passkeys": 0}
    assert "access_token" in login(client, user.email).get_json()["data"]
    assert len(emailed_messages(app, to=user.email, template="mfa_disabled")) == 1
    assert len(audit_events(app, audit.MFA_DISABLED)) == 1
    again = client.delete(MFA + "/totp", json={"code": "123456"}, headers=headers)
    assert again.status_code == 409 and code_of(again) == "AUTH_MFA_NOT_ENABLED_037"


def test_turning_off_needs_a_fresh_session(app, client, make_user, clock, monkeypatch):
    from app.security import access_tokens

    user = make_user()
    enrolled = enrol(client, user, clock)
    monkeypatch.setattr(access_tokens, "_clock", lambda: time.time() + 301)
    refused = client.delete(MFA + "/totp", json={"code": current_code(enrolled["secret"])}, headers=bearer(enrolled["access_token"]))
    assert code_of(refused) == "AUTH_REAUTH_REQUIRED_033"


def test_turning_off_ends_pending_mfa_tokens(app, client, make_user, clock):
    user = make_user()
    enrolled = enrol(client, user, clock)
    token = first_step(client, user.email)["mfa_token"]
    assert (
        client.delete(MFA + "/totp", json={"code": current_code(enrolled["secret"])}, headers=bearer(enrolled["access_token"])).status_code
        == 204
    )
    assert code_of(second_step(client, token, enrolled["recovery_codes"][0])) == "AUTH_MFA_TOKEN_INVALID_035"


# ---------------------------------------------------------------- admin reset


@pytest.fixture
def fake_passkey(app):
    """A `passkey` factor in the registry in place of the real one, with a passkey per user id in `held`."""
    held = {}
    factor = factors.SecondFactor(
        name="passkey",
        field="credential",
        amr=("hwk",),
        enrolled=lambda user_id: held.get(user_id, 0),
        verify=lambda user, proof, challenge: proof == {"ok": True},
        remove=lambda user_id: held.pop(user_id, 0),
    )
    real = factors.get("passkey")  # app/passkeys/factor.py, registered by the app
    factors.register(factor)
    yield held
    factors.register(real)


def test_admin_reset_removes_passkeys_too_through_the_registry(app, client, make_user, clock, fake_passkey):
    user, admin = make_user(), make_user(is_admin=True)
    enrolled = enrol(client, user, clock)
    fake_passkey[user.id] = 2
    step = first_step(client, user.email)
    assert step["methods"] == ["totp", "recovery_code", "passkey"]
    with_passkey = client.post(
        API + "/login/mfa", json={"mfa_token": step["mfa_token"], "credential": {"ok": True}}, environ_base={"REMOTE_ADDR": fresh_ip()}
    )
    assert with_passkey.status_code == 200
    assert claims(with_passkey.get_json()["data"]["access_token"])["amr"] == ["pwd", "hwk"]
    assert client.get(MFA, headers=bearer(enrolled["access_token"])).get_json()["data"]["passkeys"] == 2

    admin_headers = bearer(signed_in(client, admin.email)["access_token"])
    assert client.delete(f"/api/v1/users/{user.id}/mfa", headers=admin_headers).status_code == 204
    assert fake_passkey.get(user.id) is None
    assert audit_events(app, audit.MFA_RESET)[0].details["removed"]["passkey"] == 2


def test_admin_reset_refuses_non_admins_unknown_users_and_accounts_without_mfa(app, client, make_user, clock):
    user, other, admin = make_user(), make_user(), make_user(is_admin=True)
    enrol(client, user, clock)
    as_other = client.delete(f"/api/v1/users/{user.id}/mfa", headers=bearer(signed_in(client, other.email)["access_token"]))
    assert as_other.status_code == 403 and code_of(as_other) == "AUTH_FORBIDDEN_026"
    admin_headers = bearer(signed_in(client, admin.email)["access_token"])
    for missing in ("00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        response = client.delete(f"/api/v1/users/{missing}/mfa", headers=admin_headers)
        assert response.status_code == 404 and code_of(response) == "USER_NOT_FOUND_002"
    none = client.delete(f"/api/v1/users/{other.id}/mfa", headers=admin_headers)
    assert none.status_code == 409 and code_of(none) == "AUTH_MFA_NOT_ENABLED_037"
    assert first_step(client, user.email)["mfa_required"] is True  # untouched


def test_mfa_required_for_admins_is_met_by_a_two_step_sign_in(app, client, make_user, clock, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_FOR_ADMINS", True)
    admin = make_user(is_admin=True)
    enrolled = enrol(client, admin, clock)
    assert code_of(client.get("/api/v1/users/", headers=bearer(enrolled["access_token"]))) == "AUTH_MFA_ENROLLMENT_REQUIRED_038"
    data = mfa_login(client, admin, enrolled["secret"])
    assert client.get("/api/v1/users/", headers=bearer(data["access_token"])).status_code == 200


# ------------------------------------------------------------ re-authentication


def reauthenticate(client, access_token, **body):
    return post(client, "/reauthenticate", {"password": DEFAULT_PASSWORD, **body}, ip=fresh_ip(), headers=bearer(access_token))


def test_reauthenticate_with_mfa_on_asks_for_a_code(app, client, make_user, clock):
    user = make_user()
    enrolled = enrol(client, user, clock)
    token = mfa_login(client, user, enrolled["secret"])["access_token"]
    clock.step()
    without = reauthenticate(client, token)
    assert without.status_code == 401 and code_of(without) == "AUTH_MFA_CODE_INVALID_034"
    assert without.get_json()["error"]["field"] == "code"
    assert get_user(app, user.id).failed_login_count == 0  # a missing code is not a guess
    wrong = reauthenticate(client, token, code="000000" if current_code(enrolled["secret"]) != "000000" else "111111")
    assert code_of(wrong) == "AUTH_MFA_CODE_INVALID_034"
    assert get_user(app, user.id).failed_login_count == 1
    right = reauthenticate(client, token, code=current_code(enrolled["secret"]))
    assert right.status_code == 200
    assert claims(right.get_json()["data"]["access_token"])["aal"] == 2
    with_recovery = reauthenticate(client, right.get_json()["data"]["access_token"], code=enrolled["recovery_codes"][0])
    assert with_recovery.status_code == 200
    assert len(emailed_messages(app, to=user.email, template="recovery_code_used")) == 1


def test_reauthenticate_without_mfa_needs_no_code(app, client, make_user):
    user = make_user()
    token = signed_in(client, user.email)["access_token"]
    assert reauthenticate(client, token).status_code == 200


# ------------------------------------------------------------ secrets at rest


def test_secret_and_recovery_codes_are_never_stored_or_logged_in_plain_text(app, client, make_user, clock, caplog, redis_conn):
    from sqlalchemy import text

    from app import encryption
    from app.extensions import db

    caplog.set_level(logging.DEBUG)
    user = make_user()
    enrolled = enrol(client, user, clock)
    mfa_login(client, user, enrolled["secret"])
    token = first_step(client, user.email)["mfa_token"]
    secrets_shown = [enrolled["secret"], token, *enrolled["recovery_codes"], *(c.replace("-", "") for c in enrolled["recovery_codes"])]
    with app.app_context():
        row = db.session.execute(text("SELECT secret_encrypted FROM mfa_totp")).scalar_one()
        assert encryption.decrypt(row) == enrolled["secret"]
        tables = db.session.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        dump = "\n".join(str(db.session.execute(text(f'SELECT * FROM "{t}"')).all()) for t in tables)
    redis_dump = "\n".join(f"{k!r} {redis_conn.dump(k)!r}" for k in redis_conn.scan_iter())
    logged = "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    for secret in secrets_shown:
        assert secret not in dump
        assert secret.lower() not in dump.lower()
        assert secret not in redis_dump
        assert secret not in logged


def test_admin_reset_removes_real_passkeys_and_status_counts_them(app, client, make_user, clock):
    """Passkeys (app.passkeys, registered as the `passkey` second factor) are
    counted by GET /auth/mfa, offered in `methods` and removed by the reset."""
    import os

    from app.extensions import db
    from app.models import Passkey

    user, admin = make_user(), make_user(is_admin=True)
    enrolled = enrol(client, user, clock)
    with app.app_context():
        db.session.add(Passkey(user_id=user.id, credential_id=os.urandom(16), public_key=b"cose", name="Laptop"))
        db.session.commit()
    assert client.get(MFA, headers=bearer(enrolled["access_token"])).get_json()["data"]["passkeys"] == 1
    assert first_step(client, user.email)["methods"] == ["totp", "recovery_code", "passkey"]
    admin_headers = bearer(signed_in(client, admin.email)["access_token"])
    assert client.delete(f"/api/v1/users/{user.id}/mfa", headers=admin_headers).status_code == 204
    with app.app_context():
        assert db.session.execute(db.select(Passkey).where(Passkey.user_id == user.id)).first() is None
    assert audit_events(app, audit.MFA_RESET)[0].details["removed"]["passkey"] == 1


def test_admin_reset_of_an_account_with_only_passkeys(app, client, make_user):
    import os

    from app.extensions import db
    from app.models import Passkey

    user, admin = make_user(), make_user(is_admin=True)
    with app.app_context():
        db.session.add(Passkey(user_id=user.id, credential_id=os.urandom(16), public_key=b"cose", name="Phone"))
        db.session.commit()
    admin_headers = bearer(signed_in(client, admin.email)["access_token"])
    assert client.delete(f"/api/v1/users/{user.id}/mfa", headers=admin_headers).status_code == 204
    assert client.delete(f"/api/v1/users/{user.id}/mfa", headers=admin_headers).status_code == 409


def test_mfa_emails_speak_the_users_language(app, client, make_user, clock):
    from app.email.rendering import render

    user = make_user(accept_language="de-DE,de;q=0.9")
    enrolled = enrol(client, user, clock)
    assert second_step(client, first_step(client, user.email)["mfa_token"], enrolled["recovery_codes"][0]).status_code == 200
    for template in ("mfa_enabled", "recovery_code_used"):
        [message] = emailed_messages(app, to=user.email, template=template)
        assert message["locale"] == "de"
    used = render("recovery_code_used", {"full_name": "Ada", "at": "2026-12-03 10:00 UTC", "remaining": 9}, locale="de")
    assert used.subject == "Ein Wiederherstellungscode wurde verwendet"
    assert "Verbleibende Wiederherstellungscodes: 9." in used.text and "Hallo Ada," in used.html
