"""Registration, email verification (and email-change confirmation), resending the link."""

import hashlib
import threading
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from app import audit
from tests.auth_client import (
    audit_events,
    emailed_messages,
    fresh_ip,
    login,
    post,
    register,
    verification_token,
)
from tests.helpers import TEST_DATABASE_URL, unique_email

REGISTERED_MESSAGE = "Registration successful. Please check your email to verify your account."


def _user_row(app, email):
    from app.extensions import db
    from app.models import User

    with app.app_context():
        user = db.session.execute(db.select(User).where(User.email == email, User.deleted_at.is_(None))).scalar_one_or_none()
        if user is not None:
            db.session.expunge(user)
        return user


# ------------------------------------------------------------ registration


def test_register_answers_exactly_the_seed_body(client):
    email = unique_email()
    response = register(client, email=email, full_name="John Doe")
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"status", "message", "data"}
    assert body["status"] == "success"
    assert body["message"] == REGISTERED_MESSAGE
    data = body["data"]
    assert set(data) == {"user_id", "email", "full_name", "is_verified", "created_at"}
    assert uuid.UUID(data["user_id"])
    assert data["email"] == email and data["full_name"] == "John Doe" and data["is_verified"] is False
    assert datetime.fromisoformat(data["created_at"]).utcoffset() == timedelta(0)
    assert data["created_at"].endswith("Z")


def test_register_stores_a_bcrypt_hash_and_queues_the_verification_email_in_one_go(app, client):
    email = unique_email()
    user_id = register(client, email=email, full_name="John Doe").get_json()["data"]["user_id"]
    user = _user_row(app, email)
    assert str(user.id) == user_id and user.password_hash.startswith("$2b$04$")
    assert "SecurePass123" not in user.password_hash
    [message] = emailed_messages(app, to=email)
    assert message["template"] == "verify_email"
    context = message["context"]
    assert set(context) == {"full_name", "link", "expires_in_hours"}
    assert context["full_name"] == "John Doe" and context["expires_in_hours"] == 48
    assert context["link"].startswith(f"{app.config['FRONTEND_URL']}/verify-email?token=")
    [event] = audit_events(app, audit.REGISTERED)
    assert str(event.user_id) == user_id


def test_verification_token_is_stored_only_as_its_hash(app, client):
    from app.extensions import db
    from app.models import UserToken

    email = unique_email()
    register(client, email=email)
    token = verification_token(app, email)
    with app.app_context():
        [row] = db.session.execute(db.select(UserToken)).scalars().all()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
        dump = db.session.execute(text("SELECT * FROM user_tokens")).all()
    assert token not in repr(dump)


def test_register_trims_and_lowercases_the_email(app, client):
    response = register(client, email="  Mixed.Case@Example.COM  ")
    assert response.status_code == 201
    assert response.get_json()["data"]["email"] == "mixed.case@example.com"
    assert _user_row(app, "mixed.case@example.com") is not None


@pytest.mark.parametrize("variant", ["taken@example.com", "TAKEN@example.com", "  Taken@Example.com "])
def test_register_with_a_taken_email_in_any_case_is_409(client, variant):
    assert register(client, email="taken@example.com").status_code == 201
    response = register(client, email=variant)
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "AUTH_EMAIL_EXISTS_003" and error["field"] == "email"


def test_email_of_a_deleted_account_can_register_again(app, client):
    from app.extensions import db
    from app.models import User, utcnow

    email = unique_email()
    register(client, email=email)
    with app.app_context():
        db.session.execute(db.update(User).where(User.email == email).values(deleted_at=utcnow()))
        db.session.commit()
    assert register(client, email=email).status_code == 201


def test_twenty_simultaneous_registrations_of_one_email_give_one_201_and_409s(app, client):
    email = unique_email("race")
    barrier = threading.Barrier(20)
    statuses, codes = [], []
    lock = threading.Lock()

    def attempt(i):
        worker = app.test_client()
        variant = email.upper() if i % 2 else f" {email} "
        barrier.wait()
        response = register(worker, email=variant, ip=f"192.0.2.{i + 1}")
        with lock:
            statuses.append(response.status_code)
            codes.append(response.get_json()["error"]["code"] if response.status_code != 201 else None)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(statuses) == [201] + [409] * 19
    assert codes.count("AUTH_EMAIL_EXISTS_003") == 19
    assert len(emailed_messages(app, to=email)) == 1


def test_unique_index_violation_after_the_precheck_is_409_not_500(app, client, monkeypatch):
    """The registration race (docs/architecture.md §1) made deterministic: another connection inserts the
    same address between the service's pre-check and its insert."""
    from app.auth import service
    from app.security.passwords import hash_password

    email = unique_email("late")
    other = create_engine(TEST_DATABASE_URL)

    def hash_then_race(password):
        hashed = hash_password(password)
        with other.begin() as conn:
            conn.execute(
                text("INSERT INTO users (id, email, password_hash, full_name) VALUES (:id, :e, 'x', 'Other')"),
                {"id": uuid.uuid4(), "e": email.upper()},
            )
        return hashed

    monkeypatch.setattr(service, "hash_password", hash_then_race)
    try:
        response = register(client, email=email)
    finally:
        other.dispose()
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "AUTH_EMAIL_EXISTS_003"
    assert emailed_messages(app, to=email) == []  # the rolled-back registration queued nothing


BAD_REGISTRATIONS = [
    ({"email": "not-an-email"}, "email"),
    ({"email": "a" * 250 + "@example.com"}, "email"),
    ({"email": None}, "email"),
    ({"password": "Short1A"}, "password"),
    ({"password": "alllowercase1"}, "password"),
    ({"password": "NoDigitsHere"}, "password"),
    ({"password": "A1" + "x" * 127}, "password"),
    ({"full_name": "J"}, "full_name"),
    ({"full_name": "x" * 256}, "full_name"),
    ({"terms_accepted": False}, "terms_accepted"),
    ({"terms_accepted": "true"}, "terms_accepted"),
    ({"terms_accepted": 1}, "terms_accepted"),
    ({"is_admin": True}, "is_admin"),
]


@pytest.mark.parametrize(("change", "field"), BAD_REGISTRATIONS)
def test_invalid_registration_is_400_naming_the_field(client, change, field):
    body = {"email": unique_email(), "password": "SecurePass123", "full_name": "John Doe", "terms_accepted": True}
    body.update(change)
    response = post(client, "/register", body, ip=fresh_ip())
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "REQUEST_VALIDATION_FAILED_004"
    assert error["field"] == field


@pytest.mark.parametrize("missing", ["email", "password", "full_name", "terms_accepted"])
def test_registration_missing_a_field_is_400(client, missing):
    body = {"email": unique_email(), "password": "SecurePass123", "full_name": "John Doe", "terms_accepted": True}
    del body[missing]
    response = post(client, "/register", body, ip=fresh_ip())
    assert response.status_code == 400 and response.get_json()["error"]["field"] == missing


@pytest.mark.parametrize(
    "password",
    ["A1" + "x" * 126, "Pässwörd1Ünïcødé", "密码密码密码Aa1", "A1🔐🔑🗝️" * 10],
    ids=["128-characters", "accents", "cjk", "emoji"],
)
def test_long_and_multibyte_passwords_register_and_sign_in(client, password):
    email = unique_email()
    assert register(client, email=email, password=password).status_code == 201
    assert login(client, email, password).status_code == 200
    assert login(client, email, password[:-1]).status_code == 401


def test_passwords_sharing_the_first_72_bytes_do_not_both_sign_in(client):
    email = unique_email()
    prefix = "Ab1" + "é" * 40  # 83 bytes in UTF-8, well past bcrypt's 72
    assert register(client, email=email, password=prefix + "first").status_code == 201
    assert login(client, email, prefix + "first").status_code == 200
    assert login(client, email, prefix + "other").status_code == 401


def test_registration_hashes_at_cost_12_by_default(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "BCRYPT_ROUNDS", 12)
    email = unique_email()
    assert register(client, email=email).status_code == 201
    assert _user_row(app, email).password_hash.startswith("$2b$12$")


# ------------------------------------------------------------ verification


def test_verify_email_marks_the_account_verified_once(app, client):
    email = unique_email()
    register(client, email=email)
    token = verification_token(app, email)
    response = post(client, "/verify-email", {"token": token}, ip=fresh_ip())
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["email"] == email and data["is_verified"] is True
    assert _user_row(app, email).is_verified
    assert len(audit_events(app, audit.VERIFIED)) == 1
    again = post(client, "/verify-email", {"token": token}, ip=fresh_ip())
    assert again.status_code == 400
    assert again.get_json()["error"]["code"] == "AUTH_VERIFICATION_TOKEN_INVALID_023"


def test_concurrent_uses_of_one_verification_token_succeed_once(app, client):
    email = unique_email()
    register(client, email=email)
    token = verification_token(app, email)
    barrier = threading.Barrier(8)
    statuses = []

    def attempt(i):
        worker = app.test_client()
        barrier.wait()
        statuses.append(post(worker, "/verify-email", {"token": token}, ip=f"198.51.100.{i + 1}").status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [200] + [400] * 7


def _expire_tokens(app):
    from app.extensions import db
    from app.models import UserToken, utcnow

    with app.app_context():
        db.session.execute(db.update(UserToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 513, None, 42])
def test_malformed_verification_token_is_400(client, token):
    response = post(client, "/verify-email", {"token": token}, ip=fresh_ip())
    assert response.status_code == 400


def test_unknown_verification_token_is_400_with_its_code(client):
    response = post(client, "/verify-email", {"token": "A" * 43}, ip=fresh_ip())
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "AUTH_VERIFICATION_TOKEN_INVALID_023"


def test_expired_verification_token_is_400(app, client):
    email = unique_email()
    register(client, email=email)
    token = verification_token(app, email)
    _expire_tokens(app)
    response = post(client, "/verify-email", {"token": token}, ip=fresh_ip())
    assert response.get_json()["error"]["code"] == "AUTH_VERIFICATION_TOKEN_INVALID_023"
    assert not _user_row(app, email).is_verified


def test_reset_password_token_cannot_verify_an_email(app, client, make_user):
    from app.extensions import db
    from app.models import UserToken, utcnow
    from app.security.tokens import new_token

    user = make_user(is_verified=False)
    plain, hashed = new_token()
    with app.app_context():
        db.session.add(UserToken(user_id=user.id, purpose="reset_password", token_hash=hashed, expires_at=utcnow() + timedelta(hours=1)))
        db.session.commit()
    assert post(client, "/verify-email", {"token": plain}, ip=fresh_ip()).status_code == 400
    assert not _user_row(app, user.email).is_verified


def test_verification_token_of_a_deleted_account_is_400(app, client):
    from app.extensions import db
    from app.models import User, utcnow

    email = unique_email()
    register(client, email=email)
    token = verification_token(app, email)
    with app.app_context():
        db.session.execute(db.update(User).values(deleted_at=utcnow()))
        db.session.commit()
    assert post(client, "/verify-email", {"token": token}, ip=fresh_ip()).status_code == 400


def _change_email_token(app, user, new_email):
    from app.extensions import db
    from app.models import UserToken, utcnow
    from app.security.tokens import new_token

    plain, hashed = new_token()
    with app.app_context():
        db.session.add(
            UserToken(
                user_id=user.id, purpose="change_email", token_hash=hashed, new_email=new_email, expires_at=utcnow() + timedelta(hours=48)
            )
        )
        db.session.commit()
    return plain


def test_change_email_token_moves_the_account_to_the_new_address(app, client, make_user):
    user = make_user(is_verified=False)
    new_email = unique_email("moved")
    token = _change_email_token(app, user, new_email)
    response = post(client, "/verify-email", {"token": token}, ip=fresh_ip())
    assert response.status_code == 200
    assert response.get_json()["data"]["email"] == new_email
    moved = _user_row(app, new_email)
    assert moved.id == user.id and moved.is_verified
    assert _user_row(app, user.email) is None
    [event] = audit_events(app, audit.EMAIL_CHANGED)
    assert event.user_id == user.id and event.details == {"from": user.email, "to": new_email}
    assert login(client, new_email).status_code == 200
    assert login(client, user.email).status_code == 401


def test_change_email_to_an_address_taken_meanwhile_is_409(app, client, make_user):
    user = make_user()
    taken = unique_email("taken")
    token = _change_email_token(app, user, taken)
    make_user(email=taken)
    response = post(client, "/verify-email", {"token": token}, ip=fresh_ip())
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "AUTH_EMAIL_EXISTS_003"
    assert _user_row(app, user.email).id == user.id
    assert audit_events(app, audit.EMAIL_CHANGED) == []


# ------------------------------------------------------- resend verification


def test_resend_verification_is_202_for_unknown_and_known_emails_alike(app, client, make_user):
    verified = make_user()
    unverified = make_user(is_verified=False)
    bodies = []
    for email in (unique_email("nobody"), verified.email, unverified.email):
        response = post(client, "/resend-verification", {"email": email}, ip=fresh_ip())
        assert response.status_code == 202
        body = response.get_json()
        bodies.append({k: v for k, v in body.items() if k != "data"})
    assert bodies[0] == bodies[1] == bodies[2]
    assert [m["to"] for m in emailed_messages(app)] == [unverified.email]


def test_resent_link_verifies_and_resending_is_rate_limited_per_address(app, client):
    email = unique_email()
    register(client, email=email)
    # Within the cool-down another request sends nothing more.
    post(client, "/resend-verification", {"email": email.upper()}, ip=fresh_ip())
    assert len(emailed_messages(app, to=email)) == 1
    from app.extensions import db
    from app.models import UserToken, utcnow

    with app.app_context():
        db.session.execute(db.update(UserToken).values(created_at=utcnow() - timedelta(minutes=5)))
        db.session.commit()
    assert post(client, "/resend-verification", {"email": email}, ip=fresh_ip()).status_code == 202
    assert len(emailed_messages(app, to=email)) == 2
    token = verification_token(app, email)
    assert post(client, "/verify-email", {"token": token}, ip=fresh_ip()).status_code == 200


def test_resend_verification_with_an_invalid_email_is_400(client):
    assert post(client, "/resend-verification", {"email": "nope"}, ip=fresh_ip()).status_code == 400


def test_verification_email_renders_with_the_link(app, client):
    from app.email.rendering import render

    email = unique_email()
    register(client, email=email, full_name="John Doe")
    [message] = emailed_messages(app, to=email)
    with app.app_context():
        rendered = render(message["template"], message["context"])
    assert message["context"]["link"] in rendered.text and "John Doe" in rendered.text
    assert message["context"]["link"].replace("&", "&amp;") in rendered.html


def test_email_change_requested_on_users_me_is_confirmed_here(app, client, make_user, sign_in):
    from tests.auth_client import token_from_link

    user = make_user()
    new_email = unique_email("new")
    requested = client.patch("/api/v1/users/me", json={"email": new_email}, headers=sign_in(user))
    assert requested.status_code == 200, requested.get_json()
    [message] = emailed_messages(app, to=new_email, template="change_email_confirm")
    token = token_from_link(message["context"]["link"])
    response = post(client, "/verify-email", {"token": token}, ip=fresh_ip())
    assert response.status_code == 200
    assert response.get_json()["data"]["email"] == new_email
    assert login(client, new_email).status_code == 200
