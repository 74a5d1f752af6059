"""Logout, logout-all, the session list, and revocation taking effect on the very next request."""

import uuid

import pytest

from app import audit
from tests.auth_client import audit_events, bearer, signed_in

API = "/api/v1/auth"


def _whoami(client, data):
    return client.get(f"{API}/sessions", headers=bearer(data["access_token"]))


def test_logout_ends_the_session_at_once(app, client, make_user):
    data = signed_in(client, make_user().email)
    assert _whoami(client, data).status_code == 200  # cached as live now
    response = client.post(f"{API}/logout", headers=bearer(data["access_token"]))
    assert response.status_code == 204 and response.data == b""
    refused = _whoami(client, data)
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"
    assert len(audit_events(app, audit.LOGOUT)) == 1


def test_logout_leaves_the_users_other_sessions_alive(client, make_user):
    user = make_user()
    here, elsewhere = signed_in(client, user.email), signed_in(client, user.email)
    client.post(f"{API}/logout", headers=bearer(here["access_token"]))
    assert _whoami(client, elsewhere).status_code == 200


def test_logout_all_ends_every_session_of_the_user_only(app, client, make_user):
    user, other = make_user(), make_user()
    mine = [signed_in(client, user.email) for _ in range(3)]
    theirs = signed_in(client, other.email)
    for data in mine + [theirs]:
        assert _whoami(client, data).status_code == 200
    assert client.post(f"{API}/logout-all", headers=bearer(mine[0]["access_token"])).status_code == 204
    for data in mine:
        assert _whoami(client, data).status_code == 401
    assert _whoami(client, theirs).status_code == 200
    assert len(audit_events(app, audit.LOGOUT_ALL)) == 1


@pytest.mark.parametrize("path", ["/logout", "/logout-all"])
def test_logout_needs_a_token(client, path):
    response = client.post(API + path)
    assert response.status_code == 401 and response.get_json()["error"]["code"] == "AUTH_TOKEN_MISSING_015"


def test_sessions_lists_live_sessions_with_the_current_one_flagged(client, make_user):
    user = make_user()
    first = signed_in(client, user.email)
    second = signed_in(client, user.email)
    ended = signed_in(client, user.email)
    client.post(f"{API}/logout", headers=bearer(ended["access_token"]))
    response = _whoami(client, second)
    assert response.status_code == 200
    sessions = response.get_json()["data"]
    assert len(sessions) == 2
    assert {"id", "created_at", "last_used_at", "ip", "user_agent", "current"} <= set(sessions[0])
    current = [s for s in sessions if s["current"]]
    assert len(current) == 1
    import jwt

    from tests.helpers import TEST_SECRET

    sid = jwt.decode(second["access_token"], TEST_SECRET, algorithms=["HS256"])["sid"]
    assert current[0]["id"] == sid
    assert all(s["ip"] for s in sessions)
    assert _whoami(client, first).status_code == 200


def test_deleting_one_of_ones_own_sessions_ends_it(app, client, make_user):
    user = make_user()
    keep, drop = signed_in(client, user.email), signed_in(client, user.email)
    drop_id = next(s["id"] for s in _whoami(client, drop).get_json()["data"] if s["current"])
    response = client.delete(f"{API}/sessions/{drop_id}", headers=bearer(keep["access_token"]))
    assert response.status_code == 204 and response.data == b""
    assert _whoami(client, drop).status_code == 401
    assert _whoami(client, keep).status_code == 200
    assert len(audit_events(app, audit.SESSION_REVOKED)) == 1
    again = client.delete(f"{API}/sessions/{drop_id}", headers=bearer(keep["access_token"]))
    assert again.status_code == 404


def test_another_users_session_cannot_be_deleted(client, make_user):
    victim, attacker = signed_in(client, make_user().email), signed_in(client, make_user().email)
    victim_sid = next(s["id"] for s in _whoami(client, victim).get_json()["data"])
    response = client.delete(f"{API}/sessions/{victim_sid}", headers=bearer(attacker["access_token"]))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "AUTH_SESSION_NOT_FOUND_029"
    assert _whoami(client, victim).status_code == 200


@pytest.mark.parametrize("session_id", ["not-a-uuid", "1", "5c9e2bd8-6e3f-4b8a-9a64-2f1d3c7b8e90", "%00", "' OR 1=1 --"])
def test_deleting_a_malformed_or_unknown_session_id_is_404(client, make_user, session_id):
    data = signed_in(client, make_user().email)
    response = client.delete(f"{API}/sessions/{session_id}", headers=bearer(data["access_token"]))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "AUTH_SESSION_NOT_FOUND_029"


def test_session_routes_need_a_token(client):
    assert client.get(f"{API}/sessions").status_code == 401
    assert client.delete(f"{API}/sessions/{uuid.uuid4()}").status_code == 401


# --- revocation from elsewhere (password change, account deletion, admin disabling) goes
# --- through app.auth.sessions.end_user_sessions in the same transaction as the change.


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"password_hash": "$2b$04$changed"}, "password_changed"),
        ({"deleted_at": "now"}, "account_deleted"),
        ({"is_active": False}, "disabled"),
    ],
)
def test_account_changes_that_end_sessions_refuse_live_tokens_on_the_next_request(app, client, make_user, change, reason):
    from app.auth.sessions import end_user_sessions
    from app.extensions import db
    from app.models import User, utcnow

    user = make_user()
    data = signed_in(client, user.email)
    assert _whoami(client, data).status_code == 200
    values = {k: (utcnow() if v == "now" else v) for k, v in change.items()}
    with app.app_context():
        db.session.execute(db.update(User).where(User.id == user.id).values(**values))
        end_user_sessions(user.id, reason=reason)
        db.session.commit()
    response = _whoami(client, data)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"


def test_disabled_account_token_is_refused_when_read_from_the_database(app, client, make_user, redis_conn):
    """Even without a revocation in the cache (e.g. it expired), the database read refuses it."""
    from app.extensions import db
    from app.models import User

    user = make_user()
    data = signed_in(client, user.email)
    with app.app_context():
        db.session.execute(db.update(User).where(User.id == user.id).values(is_active=False))
        db.session.commit()
    redis_conn.flushdb()
    assert _whoami(client, data).status_code == 401


def test_session_state_is_cached_under_the_seed_key_pattern(app, client, make_user, redis_conn):
    import jwt

    from tests.helpers import TEST_SECRET

    data = signed_in(client, make_user().email)
    _whoami(client, data)
    sid = jwt.decode(data["access_token"], TEST_SECRET, algorithms=["HS256"])["sid"]
    key = f"test:auth:session:{sid}:state"
    assert redis_conn.exists(key)
    # The 24 h TTL of docs/architecture.md §4 (the session itself lasts 24 h here, so the cap is not what bounds it).
    assert 24 * 3600 - 60 < redis_conn.ttl(key) <= 24 * 3600
    client.post(f"{API}/logout", headers=bearer(data["access_token"]))
    assert redis_conn.get(key) == b"revoked"
    assert 24 * 3600 - 60 < redis_conn.ttl(key) <= 24 * 3600
