"""POST /api/v1/auth/forgot-password: a single-use link valid one hour on
FRONTEND_URL, the same 202 (in body and time) for every address, limits per
IP and per address."""

import hashlib
import statistics
import threading
import time
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from app import audit
from tests.auth_client import audit_events, emailed_messages, token_from_link
from tests.helpers import unique_email
from tests.recovery_steps import age_reset_tokens, call, forgot, reset_links, reset_tokens
from tests.timing_steps import median_error

GENERIC_MESSAGE = "If an account uses this address, a password reset link is on its way."


def test_known_address_gets_a_single_use_link_on_frontend_url_valid_one_hour(app, client, make_user):
    user = make_user(full_name="Grace Hopper")
    response = forgot(client, user.email)
    assert response.status_code == 202
    assert response.get_json() == {"status": "success", "message": GENERIC_MESSAGE}

    [message] = emailed_messages(app)
    assert message["to"] == user.email and message["template"] == "reset_password"
    assert set(message["context"]) == {"full_name", "link", "expires_in_hours"}
    assert message["context"]["full_name"] == "Grace Hopper"
    assert message["context"]["expires_in_hours"] == 1
    link = message["context"]["link"]
    assert link.startswith(app.config["FRONTEND_URL"] + "/reset-password?token=")
    assert urlsplit(link).path == "/reset-password"

    [row] = reset_tokens(app, user.id)
    plain = token_from_link(link)
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest()  # only its SHA-256 is stored
    assert plain not in row.token_hash
    assert row.expires_at - row.created_at == timedelta(hours=1)
    assert row.used_at is None
    [event] = audit_events(app, audit.PASSWORD_RESET_REQUESTED)
    assert (event.user_id, event.outcome) == (user.id, "success")


def test_the_link_follows_frontend_url(app, client, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "FRONTEND_URL", "https://accounts.example.org/app")
    user = make_user()
    forgot(client, user.email)
    [link] = reset_links(app, user.email)
    assert link.startswith("https://accounts.example.org/app/reset-password?token=")


def test_the_address_is_trimmed_and_case_insensitive(app, client, make_user):
    user = make_user(email=unique_email("mixed"))
    assert forgot(client, f"  {user.email.upper()} ").status_code == 202
    assert len(reset_links(app, user.email)) == 1


@pytest.mark.parametrize("kind", ["unknown", "deleted", "disabled"])
def test_an_address_without_a_usable_account_gets_the_same_202_and_no_email(app, client, make_user, sign_in, kind):
    known = make_user()
    email = unique_email("nobody")
    if kind == "deleted":
        ghost = make_user(email=email)
        assert client.delete("/api/v1/users/me", headers=sign_in(ghost)).status_code == 200
    elif kind == "disabled":
        make_user(email=email, is_active=False)
    answered, expected = forgot(client, email), forgot(client, known.email)
    assert answered.status_code == expected.status_code == 202
    assert answered.get_json() == expected.get_json()
    assert answered.headers.get("Content-Length") == expected.headers.get("Content-Length")
    assert [m["to"] for m in emailed_messages(app)] == [known.email]
    failures = [e for e in audit_events(app, audit.PASSWORD_RESET_REQUESTED) if e.outcome == "failure"]
    assert failures and failures[0].details["email"] == email


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"email": "not-an-email"},
        {"email": ""},
        {"email": 42},
        {"email": "a" * 250 + "@example.com"},
        {"email": "someone@example.com", "extra": True},
    ],
    ids=["missing", "malformed", "empty", "number", "too-long", "unknown-field"],
)
def test_a_malformed_request_is_400(app, client, body):
    response = call(client, "/forgot-password", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "REQUEST_VALIDATION_FAILED_004"
    assert emailed_messages(app) == []


# ----------------------------------------------------------- per address


def test_a_second_request_within_a_minute_sends_nothing_but_still_answers_202(app, client, make_user):
    user = make_user()
    first, second = forgot(client, user.email), forgot(client, user.email)
    assert first.status_code == second.status_code == 202
    assert first.get_json() == second.get_json()
    assert len(reset_links(app, user.email)) == 1
    assert [e.details.get("reason") for e in audit_events(app, audit.PASSWORD_RESET_REQUESTED)] == [None, "rate_limited"]


def test_a_new_link_voids_the_older_unused_one(app, client, make_user):
    user = make_user()
    forgot(client, user.email)
    age_reset_tokens(app, user.id, timedelta(minutes=2))
    forgot(client, user.email)
    first, second = reset_tokens(app, user.id)
    assert first.used_at is not None and second.used_at is None
    assert len(reset_links(app, user.email)) == 2


def test_at_most_five_links_per_address_an_hour(app, client, make_user):
    user = make_user()
    for _ in range(5):
        assert forgot(client, user.email).status_code == 202
        age_reset_tokens(app, user.id, timedelta(minutes=2))  # past the one-a-minute rule, within the hour
    assert forgot(client, user.email).status_code == 202
    assert len(reset_links(app, user.email)) == 5
    age_reset_tokens(app, user.id, timedelta(hours=1))  # the hour has passed
    assert forgot(client, user.email).status_code == 202
    assert len(reset_links(app, user.email)) == 6


def test_concurrent_requests_for_one_address_send_one_link(app, make_user):
    user = make_user()
    barrier = threading.Barrier(5)
    statuses = []

    def ask(i):
        worker = app.test_client()
        barrier.wait()
        statuses.append(forgot(worker, user.email, ip=f"203.0.113.{40 + i}").status_code)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert statuses == [202] * 5
    assert len(reset_links(app, user.email)) == 1


# ----------------------------------------------------------------- per IP


def test_forgot_password_is_limited_per_ip(app, client, make_user):
    user = make_user()
    for _ in range(3):
        assert forgot(client, unique_email(), ip="192.0.2.50").status_code == 202
    response = forgot(client, user.email, ip="192.0.2.50")
    assert response.status_code == 429
    body = response.get_json()
    assert body["status"] == "error" and body["error"]["code"] == "REQUEST_RATE_LIMITED_010"
    assert 0 < int(response.headers["Retry-After"]) <= 60
    assert reset_links(app) == []
    assert forgot(client, user.email, ip="192.0.2.51").status_code == 202  # another client is not affected


def test_invalid_requests_count_toward_the_ip_limit(client):
    for _ in range(3):
        assert call(client, "/forgot-password", {"email": "nope"}, ip="192.0.2.52").status_code == 400
    assert forgot(client, unique_email(), ip="192.0.2.52").status_code == 429


# ----------------------------------------------------------------- timing


def _medians(app, client, user, rounds=15) -> tuple[float, float, list, list]:
    """Interleaved forgot-password requests for `user` (each one really sends a
    link: its earlier tokens are moved two hours back first) and for unknown
    addresses; their median times and all times."""
    forgot(client, unique_email("warm-up"))
    known, unknown = [], []

    def timed(email):
        started = time.perf_counter()
        assert forgot(client, email).status_code == 202
        return time.perf_counter() - started

    for _ in range(rounds):
        age_reset_tokens(app, user.id, timedelta(hours=2))
        known.append(timed(user.email))
        unknown.append(timed(unique_email("nobody")))
    assert len(reset_links(app, user.email)) == rounds
    return statistics.median(known), statistics.median(unknown), known, unknown


def test_an_unknown_address_takes_as_long_as_a_known_one(app, client, make_user):
    """A known address writes a token and an outbox row and enqueues a job;
    with the response floor an unknown one is not measurably faster."""
    floor = app.config["FORGOT_PASSWORD_MIN_SECONDS"]
    known_median, unknown_median, known, unknown = _medians(app, client, make_user())
    print(f"forgot-password medians: known {known_median * 1000:.1f} ms, unknown {unknown_median * 1000:.1f} ms")
    assert min(known + unknown) >= floor
    # On a machine too busy to resolve the ratio, the medians must at least agree
    # within four standard errors of their difference (tests/test_timing.py).
    noise = 4 * (median_error(known) ** 2 + median_error(unknown) ** 2) ** 0.5
    assert 0.85 < unknown_median / known_median < 1.18 or abs(unknown_median - known_median) < noise, (known, unknown)


def test_without_the_floor_the_unknown_path_still_does_comparable_work(app, client, make_user, monkeypatch):
    """The floor hides what is left; the work itself differs by a token and an
    outbox row only (a path that skipped the database would be near 0.2)."""
    monkeypatch.setitem(app.config, "FORGOT_PASSWORD_MIN_SECONDS", 0)
    known_median, unknown_median, known, unknown = _medians(app, client, make_user())
    print(f"forgot-password without the floor: known {known_median * 1000:.1f} ms, unknown {unknown_median * 1000:.1f} ms")
    assert 0.45 < unknown_median / known_median < 1.5, (known, unknown)


def test_a_link_whose_commit_fails_is_never_queued(app, client, make_user):
    from tests.recovery_steps import commit_fails_for

    user = make_user()
    with commit_fails_for(app, user.id, table="user_tokens", column="user_id"):
        assert forgot(client, user.email).status_code == 500
    assert emailed_messages(app) == [] and reset_tokens(app, user.id) == []
    assert forgot(client, user.email).status_code == 202  # nothing was counted against the address
    assert len(reset_links(app, user.email)) == 1
