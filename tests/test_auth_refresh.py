"""Refresh-token rotation, reuse detection (token theft) and the opt-in concurrent-refresh grace window."""

import hashlib
import threading
from datetime import timedelta

import jwt
import pytest

from app import audit
from tests.auth_client import audit_events, bearer, post, refresh, signed_in
from tests.helpers import TEST_SECRET

SESSIONS = "/api/v1/auth/sessions"


def _spend_earlier(app, seconds):
    """Pretend every used refresh token was used `seconds` ago."""
    from app.extensions import db
    from app.models import RefreshToken, utcnow

    with app.app_context():
        db.session.execute(
            db.update(RefreshToken).where(RefreshToken.used_at.is_not(None)).values(used_at=utcnow() - timedelta(seconds=seconds))
        )
        db.session.commit()


def _session_revoked(app, session_id):
    from app.extensions import db
    from app.models import Session

    with app.app_context():
        return db.session.get(Session, session_id).revoked_at is not None


def test_refresh_returns_a_new_pair_for_the_same_session(client, make_user):
    first = signed_in(client, make_user().email)
    response = refresh(client, first["refresh_token"])
    assert response.status_code == 200
    data = response.get_json()["data"]
    assert set(data) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert data["refresh_token"] != first["refresh_token"] and data["access_token"] != first["access_token"]
    old, new = (jwt.decode(t, TEST_SECRET, algorithms=["HS256"]) for t in (first["access_token"], data["access_token"]))
    assert old["sid"] == new["sid"] and old["jti"] != new["jti"]
    assert client.get(SESSIONS, headers=bearer(data["access_token"])).status_code == 200
    # The new refresh token works in turn.
    assert refresh(client, data["refresh_token"]).status_code == 200


def test_refresh_tokens_are_stored_only_as_hashes(app, client, make_user):
    from sqlalchemy import text

    from app.extensions import db

    first = signed_in(client, make_user().email)
    second = refresh(client, first["refresh_token"]).get_json()["data"]
    with app.app_context():
        dump = repr(db.session.execute(text("SELECT * FROM refresh_tokens")).all())
        hashes = set(db.session.execute(text("SELECT token_hash FROM refresh_tokens")).scalars())
    for token in (first["refresh_token"], second["refresh_token"]):
        assert token not in dump
        assert hashlib.sha256(token.encode()).hexdigest() in hashes  # SHA-256 hex, nothing else


@pytest.mark.usefixtures("grace")
def test_refresh_token_reuse_revokes_the_session_after_the_grace_window(app, client, make_user):
    first = signed_in(client, make_user().email)
    second = refresh(client, first["refresh_token"]).get_json()["data"]
    _spend_earlier(app, app.config["REFRESH_GRACE_SECONDS"] + 1)
    reused = refresh(client, first["refresh_token"])
    assert reused.status_code == 401
    assert reused.get_json()["error"]["code"] == "AUTH_REFRESH_TOKEN_REUSED_020"
    # The whole session ends: the thief's and the owner's newest tokens alike.
    assert client.get(SESSIONS, headers=bearer(second["access_token"])).get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"
    assert refresh(client, second["refresh_token"]).status_code == 401
    sid = jwt.decode(first["access_token"], TEST_SECRET, algorithms=["HS256"])["sid"]
    assert _session_revoked(app, sid)
    assert len(audit_events(app, audit.REFRESH_REUSE_DETECTED)) == 1


def test_used_refresh_token_presented_again_at_once_revokes_the_session_by_default(app, client, make_user):
    # docs/architecture.md §3: the old refresh token stops working, and presenting it again
    # ends the whole session -- also right away, from the same client (the
    # grace window for concurrent duplicates is off unless configured).
    assert app.config["REFRESH_GRACE_SECONDS"] == 0
    first = signed_in(client, make_user().email)
    second = refresh(client, first["refresh_token"], ip="198.51.100.7").get_json()["data"]
    reused = refresh(client, first["refresh_token"], ip="198.51.100.7")
    assert reused.status_code == 401
    assert reused.get_json()["error"]["code"] == "AUTH_REFRESH_TOKEN_REUSED_020"
    assert refresh(client, second["refresh_token"], ip="198.51.100.7").status_code == 401
    assert client.get(SESSIONS, headers=bearer(second["access_token"])).status_code == 401


def test_reuse_in_one_session_leaves_the_users_other_sessions_alone(app, client, make_user):
    user = make_user()
    stolen, other = signed_in(client, user.email), signed_in(client, user.email)
    refresh(client, stolen["refresh_token"])
    _spend_earlier(app, 60)
    assert refresh(client, stolen["refresh_token"]).status_code == 401
    assert client.get(SESSIONS, headers=bearer(other["access_token"])).status_code == 200


@pytest.fixture
def grace(app, monkeypatch):
    """The grace window as an operator turns it on (REFRESH_GRACE_SECONDS=10)."""
    monkeypatch.setitem(app.config, "REFRESH_GRACE_SECONDS", 10)


def test_refresh_grace_seconds_is_read_from_the_environment():
    from config import ConfigError, load_config

    assert load_config({}, APP_ENV="testing")["REFRESH_GRACE_SECONDS"] == 0
    assert load_config({"REFRESH_GRACE_SECONDS": "5"}, APP_ENV="testing")["REFRESH_GRACE_SECONDS"] == 5
    with pytest.raises(ConfigError, match="REFRESH_GRACE_SECONDS"):
        load_config({"REFRESH_GRACE_SECONDS": "-1"}, APP_ENV="testing")


@pytest.mark.usefixtures("grace")
def test_duplicate_refresh_within_the_grace_window_gets_the_same_new_pair(app, client, make_user):
    first = signed_in(client, make_user().email)
    one = refresh(client, first["refresh_token"], ip="198.51.100.7")
    two = refresh(client, first["refresh_token"], ip="198.51.100.7")
    assert one.status_code == two.status_code == 200
    assert one.get_json()["data"]["refresh_token"] == two.get_json()["data"]["refresh_token"]
    assert client.get(SESSIONS, headers=bearer(two.get_json()["data"]["access_token"])).status_code == 200
    assert audit_events(app, audit.REFRESH_REUSE_DETECTED) == []


@pytest.mark.usefixtures("grace")
def test_grace_window_does_not_cover_another_client(app, client, make_user):
    first = signed_in(client, make_user().email)
    owner = refresh(client, first["refresh_token"], ip="198.51.100.7").get_json()["data"]
    thief = post(client, "/refresh", {"refresh_token": first["refresh_token"]}, ip="198.51.100.7", headers={"User-Agent": "curl/8.0"})
    assert thief.get_json()["error"]["code"] == "AUTH_REFRESH_TOKEN_REUSED_020"
    assert refresh(client, owner["refresh_token"], ip="198.51.100.8").status_code == 401  # the session ended
    assert refresh(client, first["refresh_token"], ip="198.51.100.9").status_code == 401


@pytest.mark.usefixtures("grace")
def test_grace_window_needs_redis_to_know_the_client(app, client, make_user, redis_conn):
    first = signed_in(client, make_user().email)
    refresh(client, first["refresh_token"], ip="198.51.100.7")
    redis_conn.flushdb()  # as if Redis had lost it: reuse is assumed, never a free pass
    again = refresh(client, first["refresh_token"], ip="198.51.100.7")
    assert again.get_json()["error"]["code"] == "AUTH_REFRESH_TOKEN_REUSED_020"


@pytest.mark.usefixtures("grace")
def test_grace_window_does_not_cover_a_token_whose_successor_was_used(app, client, make_user):
    first = signed_in(client, make_user().email)
    second = refresh(client, first["refresh_token"], ip="198.51.100.7").get_json()["data"]
    assert refresh(client, second["refresh_token"], ip="198.51.100.7").status_code == 200
    reused = refresh(client, first["refresh_token"], ip="198.51.100.7")  # within seconds, but the chain moved on
    assert reused.get_json()["error"]["code"] == "AUTH_REFRESH_TOKEN_REUSED_020"


@pytest.mark.usefixtures("grace")
def test_concurrent_refreshes_from_one_client_all_get_the_same_pair(app, make_user):
    first = signed_in(app.test_client(), make_user().email)
    barrier = threading.Barrier(8)
    results = []

    def attempt(i):
        worker = app.test_client()
        barrier.wait()
        response = refresh(worker, first["refresh_token"], ip="198.51.100.1")
        results.append((response.status_code, (response.get_json().get("data") or {}).get("refresh_token")))

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert [status for status, _ in results] == [200] * 8
    assert len({token for _, token in results}) == 1


def test_without_grace_two_concurrent_uses_cannot_both_succeed(app, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "REFRESH_GRACE_SECONDS", 0)
    first = signed_in(app.test_client(), make_user().email)
    barrier = threading.Barrier(8)
    statuses = []

    def attempt(i):
        worker = app.test_client()
        barrier.wait()
        statuses.append(refresh(worker, first["refresh_token"], ip=f"198.51.100.{i + 1}").status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(statuses) == [200] + [401] * 7


def test_unknown_refresh_token_is_401_invalid(client):
    response = refresh(client, "A" * 43)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_REFRESH_TOKEN_INVALID_019"


def test_access_token_is_not_a_refresh_token(client, make_user):
    first = signed_in(client, make_user().email)
    assert refresh(client, first["access_token"]).get_json()["error"]["code"] == "AUTH_REFRESH_TOKEN_INVALID_019"


def test_expired_refresh_token_is_401_invalid(app, client, make_user):
    from app.extensions import db
    from app.models import RefreshToken, utcnow

    first = signed_in(client, make_user().email)
    with app.app_context():
        db.session.execute(db.update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert refresh(client, first["refresh_token"]).get_json()["error"]["code"] == "AUTH_REFRESH_TOKEN_INVALID_019"


def test_refresh_after_logout_is_refused(client, make_user):
    first = signed_in(client, make_user().email)
    assert client.post("/api/v1/auth/logout", headers=bearer(first["access_token"])).status_code == 204
    response = refresh(client, first["refresh_token"])
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_SESSION_REVOKED_018"


def test_refresh_for_a_disabled_or_deleted_account_is_refused(app, client, make_user):
    from app.extensions import db
    from app.models import User, utcnow

    disabled, deleted = make_user(), make_user()
    tokens = {u.id: signed_in(client, u.email)["refresh_token"] for u in (disabled, deleted)}
    with app.app_context():
        db.session.execute(db.update(User).where(User.id == disabled.id).values(is_active=False))
        db.session.execute(db.update(User).where(User.id == deleted.id).values(deleted_at=utcnow()))
        db.session.commit()
    for token in tokens.values():
        assert refresh(client, token).status_code == 401
