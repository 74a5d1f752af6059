"""/api/v1/users/me and /api/v1/users/{user_id}, over HTTP: reading, updating,
soft delete, and who may touch whose account (IDOR attempts included)."""

import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent, Session, User, UserToken, utcnow

ME = "/api/v1/users/me"
USER_FIELDS = {"id", "email", "full_name", "is_verified", "is_active", "is_admin", "created_at", "updated_at"}


def user_url(user_id):
    return f"/api/v1/users/{user_id}"


def code(response):
    return response.get_json()["error"]["code"]


def load(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def audit_types(app, user_id):
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.event_type).where(AuditEvent.user_id == user_id).order_by(AuditEvent.created_at)))


# ---------------------------------------------------------------- GET /me


def test_me_returns_exactly_the_documented_fields(client, make_user, sign_in):
    user = make_user(full_name="Ada Lovelace")
    response = client.get(ME, headers=sign_in(user))
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "success"
    assert set(body["data"]) == USER_FIELDS | {"sign_in_methods"}
    assert body["data"]["id"] == str(user.id)
    assert body["data"]["full_name"] == "Ada Lovelace"
    assert body["data"]["sign_in_methods"] == ["password"]
    assert "password_hash" not in response.get_data(as_text=True)


def test_me_needs_a_token(client):
    response = client.get(ME)
    assert response.status_code == 401
    assert code(response) == "AUTH_TOKEN_MISSING_015"


# -------------------------------------------------------------- PATCH /me


def test_patch_me_changes_full_name_trimmed(app, client, make_user, sign_in):
    user = make_user(full_name="Old Name")
    response = client.patch(ME, json={"full_name": "  New Name  "}, headers=sign_in(user))
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert data["full_name"] == "New Name"
    assert data["pending_email"] is None
    assert data["updated_at"] > data["created_at"]
    assert load(app, user.id).full_name == "New Name"
    assert audit_types(app, user.id) == ["user.updated"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"full_name": "A"}, "full_name"),
        ({"full_name": " A "}, "full_name"),
        ({"full_name": "x" * 256}, "full_name"),
        ({"full_name": None}, "full_name"),
        ({"full_name": 42}, "full_name"),
        ({"full_name": "Nul\x00Byte"}, "full_name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a" * 250 + "@example.com"}, "email"),
        ({"is_admin": True}, "is_admin"),
        ({"is_verified": True}, "is_verified"),
        ({"password_hash": "x"}, "password_hash"),
        ({"deleted_at": None}, "deleted_at"),
    ],
)
def test_patch_me_rejects_bad_or_unknown_fields(app, client, make_user, sign_in, body, field):
    user = make_user(is_verified=False)
    response = client.patch(ME, json=body, headers=sign_in(user))
    assert response.status_code == 400
    assert code(response) == "REQUEST_VALIDATION_FAILED_004"
    assert response.get_json()["error"]["field"] == field
    after = load(app, user.id)
    assert (after.is_admin, after.is_verified, after.full_name) == (False, False, "Test User")


def test_patch_me_with_an_empty_object_changes_nothing(app, client, make_user, sign_in):
    user = make_user(full_name="Same Name")
    response = client.patch(ME, json={}, headers=sign_in(user))
    assert response.status_code == 200
    assert response.get_json()["data"]["full_name"] == "Same Name"
    assert audit_types(app, user.id) == []


@pytest.mark.parametrize("path", [ME, "{own}"])
def test_patch_without_a_body_is_400(client, make_user, sign_in, path):
    user = make_user()
    url = user_url(user.id) if path == "{own}" else path
    for extra in ({}, {"content_type": "application/json"}):
        response = client.patch(url, headers=sign_in(user), **extra)
        assert response.status_code == 400
        assert response.get_json()["error"]["message"] == "A JSON body is required."


def test_patch_me_with_a_non_object_body_is_400(client, make_user, sign_in):
    response = client.patch(ME, json=["full_name", "New Name"], headers=sign_in(make_user()))
    assert response.status_code == 400


# ------------------------------------------------------------- DELETE /me


def test_delete_me_soft_deletes_and_ends_every_session(app, client, make_user, sign_in):
    user = make_user()
    first, second = sign_in(user), sign_in(user)
    assert client.get(ME, headers=second).status_code == 200  # cached as live

    response = client.delete(ME, headers=first)
    assert response.status_code == 200
    assert response.get_json() == {"status": "success", "message": "Your account was deleted."}

    for headers in (first, second):
        after = client.get(ME, headers=headers)
        assert after.status_code == 401
        assert code(after) == "AUTH_SESSION_REVOKED_018"
    with app.app_context():
        row = db.session.get(User, user.id)
        assert row.deleted_at is not None  # the row stays: soft delete
        live = db.session.scalar(select(func.count()).where(Session.user_id == user.id, Session.revoked_at.is_(None)))
        assert live == 0
    assert "user.deleted" in audit_types(app, user.id)


def test_deleted_email_may_register_again(app, client, make_user, sign_in):
    user = make_user(email="again@example.com")
    assert client.delete(ME, headers=sign_in(user)).status_code == 200
    newcomer = make_user(email="again@example.com")  # the live-email unique index allows it
    assert newcomer.id != user.id
    response = client.get(ME, headers=sign_in(newcomer))
    assert response.get_json()["data"]["id"] == str(newcomer.id)


def test_delete_me_voids_pending_emailed_links(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    assert client.patch(ME, json={"email": "future@example.com"}, headers=headers).status_code == 200
    assert client.delete(ME, headers=headers).status_code == 200
    with app.app_context():
        unused = db.session.scalar(select(func.count()).where(UserToken.user_id == user.id, UserToken.used_at.is_(None)))
        assert unused == 0


def test_deleted_user_is_404_to_an_admin(client, make_user, sign_in):
    user, admin = make_user(), make_user(is_admin=True)
    assert client.delete(ME, headers=sign_in(user)).status_code == 200
    admin_headers = sign_in(admin)
    for response in (
        client.get(user_url(user.id), headers=admin_headers),
        client.patch(user_url(user.id), json={"is_active": True}, headers=admin_headers),
        client.delete(user_url(user.id), headers=admin_headers),
    ):
        assert response.status_code == 404
        assert code(response) == "USER_NOT_FOUND_002"


# ------------------------------------------------- /{user_id}: the owner


def test_owner_reads_and_renames_their_account_by_id(client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    response = client.get(user_url(user.id), headers=headers)
    assert response.status_code == 200
    assert set(response.get_json()["data"]) == USER_FIELDS
    response = client.patch(user_url(user.id), json={"full_name": "Renamed"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["data"]["full_name"] == "Renamed"


@pytest.mark.parametrize("flag, value", [("is_admin", True), ("is_verified", True), ("is_active", False)])
def test_owner_cannot_set_admin_flags_on_their_own_account(app, client, make_user, sign_in, flag, value):
    user = make_user(is_verified=False)
    before = load(app, user.id)
    response = client.patch(user_url(user.id), json={flag: value}, headers=sign_in(user))
    assert response.status_code == 403
    assert code(response) == "AUTH_FORBIDDEN_026"
    after = load(app, user.id)
    assert getattr(after, flag) == getattr(before, flag)


def test_owner_may_delete_their_own_account_by_id(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    response = client.delete(user_url(user.id), headers=headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "success"
    assert load(app, user.id).deleted_at is not None
    assert client.get(ME, headers=headers).status_code == 401


# ---------------------------------------- /{user_id}: IDOR attempts


def _attempts(client, target_id, headers):
    return [
        client.get(user_url(target_id), headers=headers),
        client.patch(user_url(target_id), json={"full_name": "Hijacked"}, headers=headers),
        client.patch(user_url(target_id), json={"is_admin": True}, headers=headers),
        client.delete(user_url(target_id), headers=headers),
    ]


def test_another_users_id_with_a_valid_token_is_403_and_changes_nothing(app, client, make_user, sign_in):
    victim, attacker = make_user(full_name="Victim"), make_user()
    for response in _attempts(client, victim.id, sign_in(attacker)):
        assert response.status_code == 403
        assert code(response) == "AUTH_FORBIDDEN_026"
        assert "Victim" not in response.get_data(as_text=True)
    after = load(app, victim.id)
    assert (after.full_name, after.is_admin, after.deleted_at) == ("Victim", False, None)
    assert load(app, attacker.id).is_admin is False


def test_deleted_and_unknown_ids_are_404_to_everyone_and_live_others_403(client, make_user, sign_in):
    live, deleted, attacker = make_user(), make_user(), make_user()
    assert client.delete(ME, headers=sign_in(deleted)).status_code == 200
    headers = sign_in(attacker)
    for target, expected in (
        (live.id, (403, "AUTH_FORBIDDEN_026")),
        (deleted.id, (404, "USER_NOT_FOUND_002")),
        (uuid.uuid4(), (404, "USER_NOT_FOUND_002")),
    ):
        for response in _attempts(client, target, headers):
            assert (response.status_code, code(response)) == expected


def test_admin_only_route_refuses_a_non_admin(client, make_user, sign_in):
    response = client.get("/api/v1/users/", headers=sign_in(make_user()))
    assert response.status_code == 403
    assert code(response) == "AUTH_FORBIDDEN_026"


@pytest.mark.parametrize(
    "bad_id",
    [
        "nope",
        "1",
        "0",
        "me2",
        "' OR '1'='1",
        "00000000-0000-0000-0000-00000000000g",
        "7f1c2c4e-9b1e-4c3a-8d2f-1a2b3c4d5e6",
        "%00",
        "%E2%98%83",
        "x" * 300,
    ],
)
@pytest.mark.parametrize("as_admin", [True, False])
def test_malformed_user_id_is_404_user_not_found_never_500(client, make_user, sign_in, bad_id, as_admin):
    headers = sign_in(make_user(is_admin=as_admin))
    for response in (
        client.get(user_url(bad_id), headers=headers),
        client.patch(user_url(bad_id), json={"full_name": "Some Name"}, headers=headers),
        client.delete(user_url(bad_id), headers=headers),
    ):
        assert response.status_code == 404
        assert code(response) == "USER_NOT_FOUND_002"


def test_user_routes_need_a_token(client, make_user):
    target = make_user()
    for response in (
        client.get(user_url(target.id)),
        client.patch(user_url(target.id), json={"full_name": "Some Name"}),
        client.delete(user_url(target.id)),
        client.patch(ME, json={"full_name": "Some Name"}),
        client.delete(ME),
    ):
        assert response.status_code == 401


# ------------------------------------------------- /{user_id}: an admin


def test_admin_reads_any_account_and_unknown_is_404(client, make_user, sign_in):
    user, admin = make_user(), make_user(is_admin=True)
    headers = sign_in(admin)
    response = client.get(user_url(user.id), headers=headers)
    assert response.status_code == 200
    assert response.get_json()["data"]["email"] == user.email
    response = client.get(user_url(uuid.uuid4()), headers=headers)
    assert response.status_code == 404
    assert code(response) == "USER_NOT_FOUND_002"


def test_admin_sets_flags_and_name(app, client, make_user, sign_in):
    user, admin = make_user(is_verified=False), make_user(is_admin=True)
    response = client.patch(
        user_url(user.id), json={"is_verified": True, "is_admin": True, "full_name": "Promoted"}, headers=sign_in(admin)
    )
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert (data["is_verified"], data["is_admin"], data["full_name"]) == (True, True, "Promoted")
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "user.updated"))
        assert event.user_id == user.id
        assert set(event.details["fields"]) == {"is_verified", "is_admin", "full_name"}
        assert event.details["by"] == str(admin.id)


@pytest.mark.parametrize(
    "body",
    [
        {"is_active": "maybe"},
        {"is_active": "false"},
        {"is_admin": 1},
        {"is_verified": 0},
        {"is_admin": None},
        {"is_admin": []},
        {"email": "x@example.com"},
        {"deleted_at": None},
    ],
)
def test_admin_patch_rejects_bad_bodies(client, make_user, sign_in, body):
    user, admin = make_user(), make_user(is_admin=True)
    response = client.patch(user_url(user.id), json=body, headers=sign_in(admin))
    assert response.status_code == 400
    assert code(response) == "REQUEST_VALIDATION_FAILED_004"


def test_disabling_a_user_ends_their_sessions_at_once(app, client, make_user, sign_in):
    user, admin = make_user(), make_user(is_admin=True)
    user_headers = sign_in(user)
    assert client.get(ME, headers=user_headers).status_code == 200  # cached as live
    response = client.patch(user_url(user.id), json={"is_active": False}, headers=sign_in(admin))
    assert response.status_code == 200
    assert response.get_json()["data"]["is_active"] is False

    after = client.get(ME, headers=user_headers)
    assert after.status_code == 401
    assert code(after) == "AUTH_SESSION_REVOKED_018"
    assert {"user.disabled", "user.updated"} <= set(audit_types(app, user.id))


def test_disabled_user_stays_visible_to_admin_and_can_be_re_enabled(app, client, make_user, sign_in):
    user, admin = make_user(is_active=False), make_user(is_admin=True)
    headers = sign_in(admin)
    assert client.get(user_url(user.id), headers=headers).get_json()["data"]["is_active"] is False
    response = client.patch(user_url(user.id), json={"is_active": True}, headers=headers)
    assert response.get_json()["data"]["is_active"] is True
    assert load(app, user.id).is_active is True


def test_demoted_admin_loses_admin_routes_on_the_next_request(client, make_user, sign_in):
    first, second = make_user(is_admin=True), make_user(is_admin=True)
    second_headers = sign_in(second)
    assert client.get("/api/v1/users/", headers=second_headers).status_code == 200
    response = client.patch(user_url(second.id), json={"is_admin": False}, headers=sign_in(first))
    assert response.status_code == 200
    assert client.get("/api/v1/users/", headers=second_headers).status_code == 403


def test_admin_cannot_remove_their_own_admin_right(app, client, make_user, sign_in):
    admin = make_user(is_admin=True)
    response = client.patch(user_url(admin.id), json={"is_admin": False}, headers=sign_in(admin))
    assert response.status_code == 409
    assert code(response) == "USER_SELF_DEMOTION_027"
    assert response.get_json()["error"]["field"] == "is_admin"
    assert load(app, admin.id).is_admin is True


def test_admin_cannot_disable_themselves(app, client, make_user, sign_in):
    admin = make_user(is_admin=True)
    headers = sign_in(admin)
    response = client.patch(user_url(admin.id), json={"is_active": False, "full_name": "Changed"}, headers=headers)
    assert response.status_code == 409
    assert code(response) == "USER_SELF_DELETION_028"
    after = load(app, admin.id)
    assert (after.is_active, after.full_name) == (True, "Test User")
    assert client.get(ME, headers=headers).status_code == 200


def test_admin_cannot_delete_themselves_by_id_but_may_via_me(app, client, make_user, sign_in):
    admin = make_user(is_admin=True)
    headers = sign_in(admin)
    response = client.delete(user_url(admin.id), headers=headers)
    assert response.status_code == 409
    assert code(response) == "USER_SELF_DELETION_028"
    assert load(app, admin.id).deleted_at is None
    assert client.delete(ME, headers=headers).status_code == 200
    assert load(app, admin.id).deleted_at is not None


def test_admin_may_keep_their_own_flags_unchanged(client, make_user, sign_in):
    admin = make_user(is_admin=True)
    response = client.patch(user_url(admin.id), json={"is_admin": True, "is_active": True, "full_name": "Boss"}, headers=sign_in(admin))
    assert response.status_code == 200
    assert response.get_json()["data"]["full_name"] == "Boss"


def test_admin_deletes_another_account_and_its_sessions_end(app, client, make_user, sign_in):
    user, admin = make_user(), make_user(is_admin=True)
    user_headers = sign_in(user)
    response = client.delete(user_url(user.id), headers=sign_in(admin))
    assert response.status_code == 200
    assert response.get_json() == {"status": "success", "message": "The account was deleted."}
    assert client.get(ME, headers=user_headers).status_code == 401
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.event_type == "user.deleted"))
        assert event.user_id == user.id and event.details["by"] == str(admin.id)


def test_delete_is_not_repeatable(client, make_user, sign_in):
    user, admin = make_user(), make_user(is_admin=True)
    headers = sign_in(admin)
    assert client.delete(user_url(user.id), headers=headers).status_code == 200
    assert client.delete(user_url(user.id), headers=headers).status_code == 404


def test_account_deleted_between_requests_is_404_for_admin_patch(app, client, make_user, sign_in):
    user, admin = make_user(), make_user(is_admin=True)
    with app.app_context():
        db.session.get(User, user.id).deleted_at = utcnow()
        db.session.commit()
    response = client.patch(user_url(user.id), json={"full_name": "Ghost"}, headers=sign_in(admin))
    assert response.status_code == 404


def test_deleted_email_may_register_again_over_http(client, make_user, sign_in):
    user = make_user(email="returning@example.com")
    assert client.delete(ME, headers=sign_in(user)).status_code == 200
    response = client.post(
        "/api/v1/auth/register",
        json={"email": "Returning@example.com", "password": "SecurePass123", "full_name": "Back Again", "terms_accepted": True},
    )
    assert response.status_code == 201
    assert response.get_json()["data"]["user_id"] != str(user.id)
