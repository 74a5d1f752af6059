"""The account snapshot fetched with the session state: GET /users/me without
the database, and never stale after a write."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, update


@contextmanager
def counted_queries(app):
    from app.extensions import db

    statements = []

    def _count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def test_me_is_served_without_the_database_once_cached(app, client, make_user, sign_in):
    user = make_user(full_name="Cached Person")
    headers = sign_in(user)
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200  # fills the cache
    with counted_queries(app) as statements:
        response = client.get("/api/v1/users/me", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["data"]["full_name"] == "Cached Person"
    assert response.get_json()["data"]["id"] == str(user.id)
    assert statements == []


def test_an_orm_write_voids_the_snapshot(app, client, make_user, sign_in):
    from app.extensions import db
    from app.models import User

    user = make_user(full_name="Before Change")
    headers = sign_in(user)
    client.get("/api/v1/users/me", headers=headers)
    with app.app_context():
        db.session.get(User, user.id).full_name = "After Change"
        db.session.commit()
    assert client.get("/api/v1/users/me", headers=headers).get_json()["data"]["full_name"] == "After Change"


def test_a_patch_through_the_api_is_seen_at_once(client, make_user, sign_in):
    user = make_user(full_name="Old Name")
    headers = sign_in(user)
    client.get("/api/v1/users/me", headers=headers)
    assert client.patch("/api/v1/users/me", headers=headers, json={"full_name": "New Name"}).status_code == 200
    assert client.get("/api/v1/users/me", headers=headers).get_json()["data"]["full_name"] == "New Name"


def test_a_bulk_update_of_users_voids_every_snapshot(app, client, make_user, sign_in):
    from app.extensions import db
    from app.models import User

    user = make_user(full_name="Bulk Before")
    headers = sign_in(user)
    client.get("/api/v1/users/me", headers=headers)
    with app.app_context():
        db.session.execute(update(User).where(User.id == user.id).values(full_name="Bulk After"))
        db.session.commit()
    assert client.get("/api/v1/users/me", headers=headers).get_json()["data"]["full_name"] == "Bulk After"


def test_a_snapshot_written_by_a_reader_that_raced_a_write_is_ignored(app, client, make_user, sign_in, redis_conn):
    from app import account_cache
    from app.extensions import db
    from app.models import User

    user = make_user(full_name="Raced Before")
    headers = sign_in(user)
    client.get("/api/v1/users/me", headers=headers)
    with app.test_request_context():
        entry = account_cache.entry_key(user.id)
    stale = redis_conn.get(entry)
    with app.app_context():
        db.session.get(User, user.id).full_name = "Raced After"
        db.session.commit()
    # A slow reader that had loaded the old row now writes its snapshot back.
    redis_conn.set(entry, stale)
    assert client.get("/api/v1/users/me", headers=headers).get_json()["data"]["full_name"] == "Raced After"


def test_a_rolled_back_change_voids_nothing_and_changes_nothing(app, client, make_user, sign_in):
    from app.extensions import db
    from app.models import User

    user = make_user(full_name="Stays Put")
    headers = sign_in(user)
    client.get("/api/v1/users/me", headers=headers)
    with app.app_context():
        db.session.get(User, user.id).full_name = "Never Committed"
        db.session.flush()
        db.session.rollback()
    assert client.get("/api/v1/users/me", headers=headers).get_json()["data"]["full_name"] == "Stays Put"


def test_a_bulk_update_of_one_account_leaves_the_others_cached(app, client, make_user, sign_in):
    """Sign-in bookkeeping is a bulk UPDATE ... WHERE id = ...: it must void that
    account's snapshot only, not every account's (each login emptied the cache)."""
    from tests.auth_client import login

    reader, signing_in = make_user(full_name="Steady Reader"), make_user()
    headers = sign_in(reader)
    client.get("/api/v1/users/me", headers=headers)
    own_headers = sign_in(signing_in)
    before = client.get("/api/v1/users/me", headers=own_headers).get_json()["data"]["updated_at"]
    assert login(client, signing_in.email, ip="198.51.100.20").status_code == 200
    assert login(client, signing_in.email, password="WrongPass999", ip="198.51.100.20").status_code == 401
    with counted_queries(app) as statements:
        assert client.get("/api/v1/users/me", headers=headers).get_json()["data"]["full_name"] == "Steady Reader"
    assert statements == []
    # ... while the account that signed in is read afresh (the trigger moved its updated_at).
    assert client.get("/api/v1/users/me", headers=own_headers).get_json()["data"]["updated_at"] != before


def test_a_bulk_update_that_may_touch_several_accounts_voids_every_snapshot(app, client, make_user, sign_in):
    from app.extensions import db
    from app.models import User

    first, second = make_user(full_name="First Before"), make_user(full_name="Second Before")
    headers = sign_in(second)
    client.get("/api/v1/users/me", headers=headers)
    with app.app_context():
        db.session.execute(update(User).where((User.id == first.id) | (User.id == second.id)).values(full_name="Either After"))
        db.session.commit()
    assert client.get("/api/v1/users/me", headers=headers).get_json()["data"]["full_name"] == "Either After"


def test_a_bulk_update_naming_its_account_voids_that_snapshot_only(app, client, make_user, sign_in):
    """A service's bulk UPDATE says which account it touches (account_cache.touching);
    one that does not may have touched any, and voids every snapshot."""
    from app import account_cache
    from app.extensions import db
    from app.models import User

    changed, bystander = make_user(full_name="Named Before"), make_user(full_name="Bystander")
    changed_headers, bystander_headers = sign_in(changed), sign_in(bystander)
    client.get("/api/v1/users/me", headers=changed_headers)
    client.get("/api/v1/users/me", headers=bystander_headers)
    with app.app_context():
        db.session.execute(
            update(User)
            .where(User.id == changed.id)
            .values(full_name="Named After")
            .execution_options(**account_cache.touching(changed.id))
        )
        db.session.commit()
    assert client.get("/api/v1/users/me", headers=changed_headers).get_json()["data"]["full_name"] == "Named After"
    with counted_queries(app) as statements:
        assert client.get("/api/v1/users/me", headers=bystander_headers).status_code == 200
    assert statements == []
    with app.app_context():  # the same statement without the mark: every snapshot goes
        db.session.execute(update(User).where(User.id == changed.id).values(full_name="Unnamed After"))
        db.session.commit()
    with counted_queries(app) as statements:
        assert client.get("/api/v1/users/me", headers=bystander_headers).status_code == 200
    assert statements != []


def test_me_from_a_snapshot_is_byte_for_byte_the_answer_built_from_the_database(app, client, make_user, sign_in):
    # The first answer is read from the database and serialised by the route's
    # schema; the next ones are the snapshot's body, made once per snapshot.
    user = make_user(full_name="Zoë Ünicode <b>")
    headers = sign_in(user)
    from_database = client.get("/api/v1/users/me", headers=headers)
    with counted_queries(app) as statements:
        from_snapshot = [client.get("/api/v1/users/me", headers=headers) for _ in range(3)]
    assert statements == []
    for response in from_snapshot:
        assert response.status_code == 200
        assert response.get_data() == from_database.get_data()
        assert response.headers["Content-Type"] == from_database.headers["Content-Type"]
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Request-ID"]


def test_a_kept_body_is_never_served_for_a_changed_account(client, make_user, sign_in):
    # Name A, then B, then A again: three snapshots, each answered with its own body.
    user = make_user(full_name="Name A")
    headers = sign_in(user)
    for name in ("Name A", "Name B", "Name A", "Name B"):
        assert client.patch("/api/v1/users/me", headers=headers, json={"full_name": name}).status_code == 200
        for _ in range(2):  # the database's answer, then the snapshot's
            assert client.get("/api/v1/users/me", headers=headers).get_json()["data"]["full_name"] == name


def test_another_accounts_kept_body_is_never_served(client, make_user, sign_in):
    first, second = make_user(full_name="First Person"), make_user(full_name="Second Person")
    first_headers, second_headers = sign_in(first), sign_in(second)
    for _ in range(2):
        assert client.get("/api/v1/users/me", headers=first_headers).get_json()["data"]["id"] == str(first.id)
        assert client.get("/api/v1/users/me", headers=second_headers).get_json()["data"]["id"] == str(second.id)
