"""Asking to change one's email through PATCH /api/v1/users/me: a single-use
link to the new address, a notice to the old one, both in the outbox of the
same transaction; the account keeps its email until the link is used."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent, OutboxMessage, User, UserToken, utcnow
from app.security.tokens import hash_token

ME = "/api/v1/users/me"


def tokens(app, user_id, purpose=UserToken.PURPOSE_CHANGE_EMAIL):
    """The account's email-change links (the notice's reset link is another purpose)."""
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(UserToken).where(UserToken.user_id == user_id, UserToken.purpose == purpose).order_by(UserToken.created_at)
            )
        )
        for row in rows:
            db.session.expunge(row)
        return rows


def outbox(app):
    with app.app_context():
        return [m.payload for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.created_at))]


def test_new_email_gets_a_link_old_email_a_notice_and_the_account_keeps_its_email(app, client, make_user, sign_in):
    user = make_user(email="old@example.com", full_name="Ada Lovelace")
    headers = sign_in(user)
    response = client.patch(ME, json={"email": "  New@Example.COM "}, headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["data"]["email"] == "old@example.com"
    assert body["data"]["pending_email"] == "new@example.com"
    assert "new@example.com" in body["message"] and "confirm" in body["message"]
    assert client.get(ME, headers=headers).get_json()["data"]["email"] == "old@example.com"

    [token] = tokens(app, user.id)
    assert token.purpose == UserToken.PURPOSE_CHANGE_EMAIL
    assert token.new_email == "new@example.com"
    assert token.used_at is None
    lifetime = token.expires_at - token.created_at
    assert lifetime == timedelta(hours=app.config["VERIFY_TOKEN_TTL_HOURS"])

    confirm, notice = outbox(app)
    assert confirm["to"] == "new@example.com" and confirm["template"] == "change_email_confirm"
    assert set(confirm["context"]) == {"full_name", "link", "new_email", "expires_in_hours"}
    link = urlsplit(confirm["context"]["link"])
    assert f"{link.scheme}://{link.netloc}" == app.config["FRONTEND_URL"] and link.path == "/confirm-email-change"  # (docs/pages.md)
    plain = parse_qs(link.query)["token"][0]
    assert hash_token(plain) == token.token_hash  # only the hash is stored
    assert plain not in token.token_hash
    # The notice says how to secure the account: a reset link for the current address.
    reset_link = notice["context"].pop("link")
    assert notice == {
        "to": "old@example.com",
        "template": "change_email_notice",
        "context": {"full_name": "Ada Lovelace", "new_email": "new@example.com", "expires_in_hours": app.config["RESET_TOKEN_TTL_HOURS"]},
    }
    [reset] = tokens(app, user.id, UserToken.PURPOSE_RESET_PASSWORD)
    assert reset_link.startswith(app.config["FRONTEND_URL"] + "/reset-password?token=")
    assert hash_token(parse_qs(urlsplit(reset_link).query)["token"][0]) == reset.token_hash
    assert reset.new_email == "old@example.com" and reset.used_at is None

    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "user.email_change_requested"))
        assert event.user_id == user.id and event.details == {"new_email": "new@example.com"}


@pytest.mark.parametrize("same", ["me@example.com", "ME@Example.com", " me@example.com "])
def test_the_current_email_is_not_a_change(app, client, make_user, sign_in, same):
    user = make_user(email="me@example.com")
    response = client.patch(ME, json={"email": same}, headers=sign_in(user))
    assert response.status_code == 200
    assert response.get_json()["data"]["pending_email"] is None
    assert tokens(app, user.id) == [] and outbox(app) == []


@pytest.mark.parametrize("taken", ["taken@example.com", "TAKEN@example.com"])
def test_an_email_of_another_live_account_is_409_and_nothing_changes(app, client, make_user, sign_in, taken):
    make_user(email="taken@example.com")
    user = make_user(full_name="Before")
    response = client.patch(ME, json={"email": taken, "full_name": "After"}, headers=sign_in(user))
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert (error["code"], error["field"]) == ("AUTH_EMAIL_EXISTS_003", "email")
    assert tokens(app, user.id) == [] and outbox(app) == []
    with app.app_context():
        assert db.session.get(User, user.id).full_name == "Before"  # the whole request was one transaction


def test_an_email_of_a_deleted_account_may_be_taken(app, client, make_user, sign_in):
    ghost = make_user(email="ghost@example.com")
    client.delete(ME, headers=sign_in(ghost))
    user = make_user()
    response = client.patch(ME, json={"email": "ghost@example.com"}, headers=sign_in(user))
    assert response.get_json()["data"]["pending_email"] == "ghost@example.com"


def test_name_and_email_together(app, client, make_user, sign_in):
    user = make_user()
    response = client.patch(ME, json={"full_name": "Both Changed", "email": "both@example.com"}, headers=sign_in(user))
    data = response.get_json()["data"]
    assert (data["full_name"], data["pending_email"]) == ("Both Changed", "both@example.com")
    with app.app_context():
        types = set(db.session.scalars(select(AuditEvent.event_type).where(AuditEvent.user_id == user.id)))
    assert types == {"user.updated", "user.email_change_requested"}


def test_only_the_latest_link_stays_usable(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    client.patch(ME, json={"email": "first@example.com"}, headers=headers)
    client.patch(ME, json={"email": "second@example.com"}, headers=headers)
    first, second = tokens(app, user.id)
    assert first.new_email == "first@example.com" and first.used_at is not None
    assert second.new_email == "second@example.com" and second.used_at is None


def test_email_change_requests_are_limited_per_hour(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    for i in range(5):
        assert client.patch(ME, json={"email": f"try{i}@example.com"}, headers=headers).status_code == 200
    messages_before = len(outbox(app))
    response = client.patch(ME, json={"email": "spam@example.com"}, headers=headers)
    assert response.status_code == 429
    assert response.get_json()["error"]["code"] == "REQUEST_RATE_LIMITED_010"
    assert 3500 <= int(response.headers["Retry-After"]) <= 3600
    assert len(outbox(app)) == messages_before
    # Requests older than an hour no longer count.
    with app.app_context():
        for token in db.session.scalars(select(UserToken).where(UserToken.user_id == user.id)):
            token.created_at = utcnow() - timedelta(hours=2)
        db.session.commit()
    assert client.patch(ME, json={"email": "later@example.com"}, headers=headers).status_code == 200
    # A name change is never limited.
    assert client.patch(ME, json={"full_name": "Still Fine"}, headers=headers).status_code == 200


# ------------------------------------------ confirmation (POST /auth/verify-email)


def link_token(app, to):
    [payload] = [p for p in outbox(app) if p["to"] == to and p["template"] == "change_email_confirm"][-1:]
    return parse_qs(urlsplit(payload["context"]["link"]).query)["token"][0]


def verify(client, token):
    return client.post("/api/v1/auth/verify-email", json={"token": token})


def test_the_link_moves_the_account_to_the_new_email_once(app, client, make_user, sign_in):
    user = make_user(email="before@example.com", is_verified=False)
    headers = sign_in(user)
    client.patch(ME, json={"email": "after@example.com"}, headers=headers)
    token = link_token(app, "after@example.com")
    assert verify(client, token).status_code == 200
    data = client.get(ME, headers=headers).get_json()["data"]
    assert (data["email"], data["is_verified"]) == ("after@example.com", True)
    assert verify(client, token).status_code == 400  # single use


def test_a_superseded_link_no_longer_works(app, client, make_user, sign_in):
    user = make_user(email="keep@example.com")
    headers = sign_in(user)
    client.patch(ME, json={"email": "first@example.com"}, headers=headers)
    first = link_token(app, "first@example.com")
    client.patch(ME, json={"email": "second@example.com"}, headers=headers)
    response = verify(client, first)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "AUTH_VERIFICATION_TOKEN_INVALID_023"
    assert client.get(ME, headers=headers).get_json()["data"]["email"] == "keep@example.com"


def test_an_address_registered_meanwhile_wins_over_the_pending_change(app, client, make_user, sign_in):
    user = make_user(email="mine@example.com")
    headers = sign_in(user)
    client.patch(ME, json={"email": "contested@example.com"}, headers=headers)
    registered = client.post(
        "/api/v1/auth/register",
        json={"email": "contested@example.com", "password": "SecurePass123", "full_name": "Quick Person", "terms_accepted": True},
    )
    assert registered.status_code == 201
    response = verify(client, link_token(app, "contested@example.com"))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "AUTH_EMAIL_EXISTS_003"
    assert client.get(ME, headers=headers).get_json()["data"]["email"] == "mine@example.com"


def test_a_deleted_accounts_link_is_void(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    client.patch(ME, json={"email": "orphan@example.com"}, headers=headers)
    token = link_token(app, "orphan@example.com")
    client.delete(ME, headers=headers)
    assert verify(client, token).status_code == 400
