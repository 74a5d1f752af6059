"""Rules the database itself enforces (PostgreSQL)."""

import time
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.extensions import db

INSERT_USER = text("INSERT INTO users (id, email, password_hash, full_name) VALUES (:id, :email, 'x', 'Some One')")


def insert_user(email):
    user_id = uuid.uuid4()
    db.session.execute(INSERT_USER, {"id": user_id, "email": email})
    db.session.commit()
    return user_id


def test_unique_index_rejects_case_variant_of_live_email(in_app):
    with in_app():
        insert_user("a@x.test")
        with pytest.raises(IntegrityError) as excinfo:
            insert_user("A@x.test")
        db.session.rollback()
        assert "uq_users_email_live" in str(excinfo.value)


def test_email_of_soft_deleted_account_can_register_again(in_app):
    with in_app():
        first = insert_user("again@x.test")
        db.session.execute(text("UPDATE users SET deleted_at = NOW() WHERE id = :id"), {"id": first})
        db.session.commit()
        second = insert_user("Again@x.test")
        assert first != second


def test_trigger_moves_updated_at_on_raw_update(in_app):
    with in_app():
        user_id = insert_user("trigger@x.test")
        before = db.session.execute(text("SELECT updated_at FROM users WHERE id = :id"), {"id": user_id}).scalar()
        time.sleep(0.01)
        db.session.execute(text("UPDATE users SET full_name = 'Changed' WHERE id = :id"), {"id": user_id})
        db.session.commit()
        after = db.session.execute(text("SELECT updated_at FROM users WHERE id = :id"), {"id": user_id}).scalar()
        assert after > before


def test_ids_default_to_random_uuids_in_the_database(in_app):
    with in_app():
        db.session.execute(text("INSERT INTO users (email, password_hash, full_name) VALUES ('d@x.test', 'x', 'Dee')"))
        db.session.commit()
        value = db.session.execute(text("SELECT id FROM users WHERE email = 'd@x.test'")).scalar()
        assert isinstance(value, uuid.UUID) and value.version == 4


def test_seed_indexes_exist(in_app):
    with in_app():
        names = set(db.session.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'users'")).scalars())
    assert {
        "uq_users_email_live",
        "idx_users_email",
        "idx_users_created_at",
        "idx_users_email_active",
        "idx_users_created_active",
    } <= names


def test_timestamps_come_back_timezone_aware(in_app):
    from app.models import User

    with in_app():
        user_id = insert_user("tz@x.test")
        user = db.session.get(User, user_id)
        assert user.created_at.tzinfo is not None
        assert user.created_at.utcoffset().total_seconds() == 0


def test_connections_give_up_on_a_server_that_vanished_from_the_network(in_app):
    """libpq's TCP timeouts reach every pooled connection: a partitioned or
    powered-off server fails the request in seconds (503), not after the
    kernel's ~15 minutes of retransmissions."""
    with in_app():
        parameters = db.session.connection().connection.dbapi_connection.info.get_parameters()
        db.session.rollback()
    assert parameters["keepalives"] == "1"
    assert int(parameters["keepalives_idle"]) + 3 * int(parameters["keepalives_interval"]) <= 15
    assert int(parameters["tcp_user_timeout"]) <= 10000
    assert "statement_timeout=" in parameters["options"]
