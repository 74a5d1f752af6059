"""`flask --app wsgi users create-admin EMAIL`: as a real process reading
--password-stdin against the tests' database, and the password prompt through
click's runner."""

import os
import subprocess
import sys

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.security.passwords import verify_password
from tests.helpers import DEFAULT_PASSWORD, ROOT, TEST_DATABASE_URL, TEST_ENCRYPTION_KEY, TEST_REDIS_URL, TEST_SECRET


def create_admin_process(*args, stdin="Admin-Pass-123\n"):
    env = {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": TEST_DATABASE_URL,
        "REDIS_URL": TEST_REDIS_URL,
        "JWT_SECRET_KEY": TEST_SECRET,
        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
        "BCRYPT_ROUNDS": "4",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "users", "create-admin", *args, "--password-stdin"],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def live_users(app, email):
    with app.app_context():
        rows = list(db.session.scalars(select(User).where(func.lower(User.email) == email, User.deleted_at.is_(None))))
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.mark.slow
def test_create_admin_creates_a_verified_admin_and_is_idempotent(app):
    result = create_admin_process(" Root@Example.COM ", "--full-name", "Root Admin")
    assert result.returncode == 0, result.stderr
    assert "created admin root@example.com" in result.stdout
    [admin] = live_users(app, "root@example.com")
    assert (admin.is_admin, admin.is_verified, admin.is_active, admin.full_name) == (True, True, True, "Root Admin")
    with app.app_context():
        assert verify_password("Admin-Pass-123", admin.password_hash)

    again = create_admin_process("root@example.com", stdin="Other-Pass-456\n")
    assert again.returncode == 0, again.stderr
    assert "promoted" in again.stdout
    [same] = live_users(app, "root@example.com")
    assert same.id == admin.id and same.password_hash == admin.password_hash


@pytest.mark.slow
def test_create_admin_promotes_an_existing_account_and_keeps_its_password(app, make_user):
    user = make_user(email="member@example.com")
    result = create_admin_process("MEMBER@example.com", stdin="")
    assert result.returncode == 0, result.stderr
    assert f"promoted admin member@example.com ({user.id})" in result.stdout
    [promoted] = live_users(app, "member@example.com")
    assert promoted.is_admin is True
    with app.app_context():
        assert verify_password(DEFAULT_PASSWORD, promoted.password_hash)


@pytest.mark.slow
@pytest.mark.parametrize(
    "email, password, complaint",
    [
        ("not-an-email", "Admin-Pass-123", "Not a valid email address."),
        ("weak@example.com", "short1A", "Password must be 8 to 128 characters long."),
    ],
)
def test_create_admin_process_refuses_bad_input_with_a_clear_message(app, email, password, complaint):
    result = create_admin_process(email, stdin=password + "\n")
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: {complaint}"
    assert live_users(app, email.lower()) == []


@pytest.mark.parametrize(
    "email, password, complaint",
    [
        ("", "Admin-Pass-123", "Not a valid email address."),
        ("a" * 250 + "@example.com", "Admin-Pass-123", "Longer than maximum length 255."),
        ("weak@example.com", "alllowercase1", "uppercase letter"),
        ("weak@example.com", "NoDigitsHere", "digit"),
        ("weak@example.com", "", "8 to 128 characters"),
        ("weak@example.com", "A1" + "x" * 127, "8 to 128 characters"),
        ("named@example.com --full-name X", "Admin-Pass-123", "Length must be between 2 and 255."),
    ],
)
def test_create_admin_refuses_bad_input(app, email, password, complaint):
    email, *options = email.split(" ", 1)
    args = ["users", "create-admin", email, "--password-stdin", *(options[0].split() if options else [])]
    result = app.test_cli_runner().invoke(args=args, input=password + "\n")
    assert result.exit_code == 1
    assert complaint in result.output
    assert live_users(app, email.lower()) == []


def test_create_admin_prompts_for_the_password_twice(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create-admin", "prompted@example.com"], input="Prompt-Pass-1\nPrompt-Pass-1\n")
    assert result.exit_code == 0, result.output
    assert "created admin prompted@example.com" in result.output
    assert "Prompt-Pass-1" not in result.output  # hidden input
    [admin] = live_users(app, "prompted@example.com")
    with app.app_context():
        assert verify_password("Prompt-Pass-1", admin.password_hash)


def test_create_admin_prompt_asks_again_when_the_confirmation_differs(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["users", "create-admin", "twice@example.com"], input="Prompt-Pass-1\nPrompt-Pass-2\nPrompt-Pass-3\nPrompt-Pass-3\n"
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output.lower() or "match" in result.output.lower()
    [admin] = live_users(app, "twice@example.com")
    with app.app_context():
        assert verify_password("Prompt-Pass-3", admin.password_hash)


def test_create_admin_prompt_with_a_weak_password_fails_without_creating(app):
    result = app.test_cli_runner().invoke(args=["users", "create-admin", "weakling@example.com"], input="weak\nweak\n")
    assert result.exit_code != 0
    assert "uppercase" in result.output
    assert live_users(app, "weakling@example.com") == []


@pytest.mark.slow
def test_create_admin_refuses_an_unverified_account_with_a_clear_message(app, make_user):
    """Someone registered the operator's address first (with a password of their
    own): the account is not promoted, the command says why and exits non-zero."""
    make_user(email="ops@example.com", is_verified=False)
    result = create_admin_process("ops@example.com", stdin="")
    assert result.returncode != 0
    assert "ops@example.com has not verified its email address, so it is not promoted" in result.stderr
    [account] = live_users(app, "ops@example.com")
    assert account.is_admin is False


def test_create_admin_refuses_unverified_or_disabled_accounts_and_audits_a_promotion(app, make_user):
    from app.audit import ADMIN_GRANTED
    from app.models import AuditEvent

    make_user(email="early@example.com", is_verified=False)
    make_user(email="off@example.com", is_active=False)
    member = make_user(email="member2@example.com")
    runner = app.test_cli_runner()

    def run(email):
        return runner.invoke(args=["users", "create-admin", email, "--password-stdin"], input="")

    refused = run("early@example.com")
    assert refused.exit_code == 1 and "has not verified its email address" in refused.output
    assert run("off@example.com").exit_code == 1
    assert [u.is_admin for u in live_users(app, "early@example.com") + live_users(app, "off@example.com")] == [False, False]

    promoted = run("member2@example.com")
    assert promoted.exit_code == 0, promoted.output
    assert run("member2@example.com").exit_code == 0  # already an admin: nothing new to audit
    with app.app_context():
        events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.event_type == ADMIN_GRANTED)))
    assert [(e.user_id, e.details) for e in events] == [(member.id, {"via": "cli", "created": False})]
