"""bcrypt runs at a lower CPU priority than the threads serving requests, so
that a burst of logins cannot starve everything else (bench/: /me p99 while
64 connections log in)."""

import os
import sys
import threading

import pytest

from app.security import passwords


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness is Linux's")
def test_password_hashing_runs_in_threads_niced_below_the_request_threads(app):
    seen = {}

    def probe():
        with open(f"/proc/self/task/{threading.get_native_id()}/stat") as stat:
            seen["nice"] = int(stat.read().rsplit(")", 1)[1].split()[16])
        seen["pid"] = os.getpid()
        return True

    assert passwords._hashing(probe) is True
    assert seen["nice"] == passwords.HASH_NICENESS
    assert os.getpriority(os.PRIO_PROCESS, 0) == 0 or seen["nice"] > os.getpriority(os.PRIO_PROCESS, 0)


def test_hash_and_verify_still_agree_through_the_pool(app):
    with app.app_context():
        hashed = passwords.hash_password("SecurePass123")
    assert passwords.verify_password("SecurePass123", hashed)
    assert not passwords.verify_password("SecurePass124", hashed)
    assert not passwords.verify_password("SecurePass123", "not-a-hash")


@pytest.fixture
def connections_held_while_hashing(monkeypatch):
    """The number of pooled database connections checked out each time a
    request thread hands a password to the bcrypt threads."""
    from app.extensions import db

    seen = []
    real = passwords._hashing

    def watching(function, *args):
        seen.append(db.engine.pool.checkedout())
        return real(function, *args)

    monkeypatch.setattr(passwords, "_hashing", watching)
    return seen


def test_sign_in_and_sign_up_hold_no_database_connection_while_hashing(client, make_user, connections_held_while_hashing):
    """A burst of logins must not pin the pool (bench: 64 connections logging
    in took every pooled connection and /me timed out behind them)."""
    from tests.auth_client import login, register

    user = make_user()
    connections_held_while_hashing.clear()
    passwords._dummy_hashes.clear()  # made on first use, inside the request
    assert login(client, user.email, ip="198.51.100.7").status_code == 200
    assert login(client, user.email, password="WrongPass999", ip="198.51.100.7").status_code == 401
    assert login(client, "nobody-here@example.com", ip="198.51.100.7").status_code == 401
    assert register(client, ip="198.51.100.8").status_code == 201
    assert len(connections_held_while_hashing) == 5 and set(connections_held_while_hashing) == {0}


def test_changing_the_password_holds_no_database_connection_while_hashing(client, make_user, sign_in, connections_held_while_hashing):
    user = make_user()
    connections_held_while_hashing.clear()
    response = client.post(
        "/api/v1/auth/change-password",
        headers=sign_in(user),
        json={"current_password": "SecurePass123", "new_password": "NewSecurePass456"},
    )
    assert response.status_code == 200, response.get_json()
    assert len(connections_held_while_hashing) == 2 and set(connections_held_while_hashing) == {0}


def test_a_sign_in_beyond_the_hash_queue_limit_is_refused_at_once_with_503(app, client, make_user, monkeypatch):
    """A flood of logins may not take every request thread: past
    PASSWORD_HASH_QUEUE_LIMIT hashes waiting in this process, a request that
    needs one is 503 with Retry-After, and it works again once the queue drains."""
    from tests.auth_client import login

    user = make_user()
    monkeypatch.setitem(app.config, "PASSWORD_HASH_QUEUE_LIMIT", 1)
    started, release = threading.Event(), threading.Event()

    def slow_hash():
        started.set()
        return release.wait(10)

    holder = threading.Thread(target=passwords._hashing, args=(slow_hash,))
    holder.start()
    try:
        assert started.wait(5)
        refused = login(client, user.email, ip="198.51.100.9")
        assert refused.status_code == 503
        assert refused.get_json()["error"]["code"] == "SERVER_UNAVAILABLE_012"
        assert refused.headers["Retry-After"] == "1"
    finally:
        release.set()
        holder.join(10)
    assert login(client, user.email, ip="198.51.100.9").status_code == 200


def test_a_saturated_hash_queue_turns_sign_ins_away_before_they_touch_the_database(app, client, make_user, monkeypatch):
    from app.extensions import db
    from tests.auth_client import login, register

    user = make_user()
    monkeypatch.setitem(app.config, "PASSWORD_HASH_QUEUE_LIMIT", 1)
    started, release = threading.Event(), threading.Event()
    statements = []
    holder = threading.Thread(target=passwords._hashing, args=(lambda: started.set() or release.wait(10),))
    holder.start()
    try:
        assert started.wait(5)
        with app.app_context():
            from sqlalchemy import event

            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert login(client, user.email, ip="198.51.100.10").status_code == 503
                assert register(client, ip="198.51.100.11").status_code == 503
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
    finally:
        release.set()
        holder.join(10)
    assert statements == []
