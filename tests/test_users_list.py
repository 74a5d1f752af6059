"""The admin list GET /api/v1/users/ over HTTP: paging, filters, order, bad
parameters, and its query plans at 100,000 users on PostgreSQL."""

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text

from app.extensions import db

LIST = "/api/v1/users/"
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def admin_headers(make_user, sign_in):
    return sign_in(make_user(email="admin@example.com", full_name="The Admin", is_admin=True, created_at=BASE_TIME - timedelta(days=365)))


def listing(client, headers, **params):
    response = client.get(LIST, query_string=params, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response


def emails(response):
    return [u["email"] for u in response.get_json()["data"]]


def test_list_needs_an_admin(client, make_user, sign_in):
    assert client.get(LIST).status_code == 401
    response = client.get(LIST, headers=sign_in(make_user()))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "AUTH_FORBIDDEN_026"


def test_pagination_metadata_is_in_the_body_and_the_header(client, make_user, admin_headers):
    for i in range(5):
        make_user(email=f"p{i}@example.com", created_at=BASE_TIME + timedelta(minutes=i))
    response = listing(client, admin_headers, page=2, page_size=2)
    body = response.get_json()
    assert body["status"] == "success"
    assert body["pagination"] == {"page": 2, "page_size": 2, "total": 6, "total_pages": 3}
    assert json.loads(response.headers["X-Pagination"]) == body["pagination"]
    assert emails(response) == ["p2@example.com", "p1@example.com"]
    user = body["data"][0]
    assert set(user) == {"id", "email", "full_name", "is_verified", "is_active", "is_admin", "created_at", "updated_at"}

    beyond = listing(client, admin_headers, page=9, page_size=2).get_json()
    assert beyond["data"] == [] and beyond["pagination"]["total"] == 6


def test_default_order_is_newest_first_and_sort_reverses_it(client, make_user, admin_headers):
    for i in range(3):
        make_user(email=f"o{i}@example.com", created_at=BASE_TIME + timedelta(days=i))
    assert emails(listing(client, admin_headers)) == ["o2@example.com", "o1@example.com", "o0@example.com", "admin@example.com"]
    assert emails(listing(client, admin_headers, sort="created_at")) == [
        "admin@example.com",
        "o0@example.com",
        "o1@example.com",
        "o2@example.com",
    ]


def test_equal_creation_times_never_repeat_or_skip_across_pages(client, make_user, admin_headers):
    for i in range(7):
        make_user(email=f"same{i}@example.com", created_at=BASE_TIME)
    seen = []
    for page in range(1, 5):
        seen += emails(listing(client, admin_headers, page=page, page_size=2))
    assert len(seen) == len(set(seen)) == 8


def test_deleted_users_are_not_listed(client, make_user, sign_in, admin_headers):
    gone = make_user(email="gone@example.com")
    client.delete("/api/v1/users/me", headers=sign_in(gone))
    response = listing(client, admin_headers)
    assert "gone@example.com" not in emails(response)
    assert response.get_json()["pagination"]["total"] == 1


def test_filters_by_flags_and_creation_time(client, make_user, admin_headers):
    make_user(email="inactive@example.com", is_active=False, created_at=BASE_TIME + timedelta(days=1))
    make_user(email="unverified@example.com", is_verified=False, created_at=BASE_TIME + timedelta(days=2))
    make_user(email="plain@example.com", created_at=BASE_TIME + timedelta(days=3))

    assert emails(listing(client, admin_headers, is_active="false")) == ["inactive@example.com"]
    assert emails(listing(client, admin_headers, is_verified="false")) == ["unverified@example.com"]
    assert emails(listing(client, admin_headers, is_active="true", is_verified="true")) == ["plain@example.com", "admin@example.com"]
    window = {"created_after": (BASE_TIME + timedelta(days=2)).isoformat(), "created_before": (BASE_TIME + timedelta(days=3)).isoformat()}
    assert emails(listing(client, admin_headers, **window)) == ["unverified@example.com"]  # after inclusive, before exclusive
    naive = {"created_after": "2026-01-03T12:00:00"}  # read as UTC
    assert emails(listing(client, admin_headers, **naive)) == ["plain@example.com"]


def test_q_searches_email_and_name_case_insensitively(client, make_user, admin_headers):
    make_user(email="grace.hopper@navy.example", full_name="Grace Hopper")
    make_user(email="ada@example.com", full_name="Ada Lovelace")
    make_user(email="alan@example.com", full_name="Alan Turing")

    assert emails(listing(client, admin_headers, q="HOPPER")) == ["grace.hopper@navy.example"]
    assert emails(listing(client, admin_headers, q="lovel")) == ["ada@example.com"]
    assert sorted(emails(listing(client, admin_headers, q="  A  "))) == sorted(
        ["grace.hopper@navy.example", "ada@example.com", "alan@example.com", "admin@example.com"]
    )
    assert listing(client, admin_headers, q="").get_json()["pagination"]["total"] == 4  # empty q: no filter
    assert emails(listing(client, admin_headers, q="turing", is_active="false")) == []


@pytest.mark.parametrize("q", ["%", "_", "\\", "a%", "%_%", "' OR '1'='1", "'; DROP TABLE users; --", "[a-z]", "*"])
def test_q_is_a_literal_substring_never_a_pattern_or_sql(client, make_user, admin_headers, q):
    make_user(email="ordinary@example.com", full_name="Ordinary Person")
    literal = make_user(email="literal@example.com", full_name=f"Name {q} here")
    response = listing(client, admin_headers, q=q)
    assert emails(response) == [literal.email]
    assert listing(client, admin_headers).get_json()["pagination"]["total"] == 3  # the table is intact


@pytest.mark.parametrize(
    "params, field",
    [
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "two"}, "page"),
        ({"page": 10**12}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 101}, "page_size"),
        ({"page_size": 1000}, "page_size"),
        ({"page_size": "1e3"}, "page_size"),
        ({"sort": "email"}, "sort"),
        ({"sort": "created_at; DROP TABLE users"}, "sort"),
        ({"is_active": "maybe"}, "is_active"),
        ({"is_verified": "2"}, "is_verified"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_before": "2026-13-40"}, "created_before"),
        ({"created_after": "0001-01-01T00:00:00+14:00"}, "created_after"),
        ({"created_before": "9999-12-31T23:59:59-10:00"}, "created_before"),
        ({"created_after": "2026-02-01T00:00:00Z", "created_before": "2026-01-01T00:00:00Z"}, "created_before"),
        ({"q": "x" * 256}, "q"),
        ({"q": "nul\x00"}, "q"),
        ({"role": "admin"}, "role"),
        ({"include_deleted": "true"}, "include_deleted"),
    ],
)
def test_bad_list_parameters_are_400(client, admin_headers, params, field):
    response = client.get(LIST, query_string=params, headers=admin_headers)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "REQUEST_VALIDATION_FAILED_004"
    assert error["field"] == field


def test_list_answers_without_the_trailing_slash_too(client, admin_headers):
    response = client.get("/api/v1/users?page_size=5", headers=admin_headers)
    assert response.status_code == 200
    assert response.get_json()["pagination"]["page_size"] == 5


def test_page_size_100_is_allowed(client, make_user, admin_headers):
    response = listing(client, admin_headers, page_size=100)
    assert response.get_json()["pagination"]["page_size"] == 100


# --------------------------------------------------- 100,000 users: plans

SEED_100K = """
INSERT INTO users (id, email, password_hash, full_name, is_verified, is_active, created_at, updated_at)
SELECT gen_random_uuid(),
       'u' || i || '.' || substr(md5(i::text), 1, 8) || '@example.com',
       'x',
       (ARRAY['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Ken', 'Margaret'])[1 + i % 8]
           || ' ' || initcap(substr(md5((i * 7)::text), 1, 9)),
       i % 3 <> 0,
       i % 50 <> 0,
       now() - make_interval(mins => i),
       now()
FROM generate_series(1, 100000) AS i
"""


def _plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _plan_nodes(child)


@pytest.fixture
def truncate_users_after(app):
    """Remove the 100,000 seeded users with TRUNCATE when the test ends: the
    next test's clean-up DELETE would check every table that refers to users
    once per row, which under load outlasts the statement timeout."""
    yield
    with app.app_context():
        db.session.execute(text("TRUNCATE users CASCADE"))
        db.session.commit()


def test_admin_list_query_plans_at_100k_users(app, client, admin_headers, capsys, truncate_users_after):
    """Seeds 100,000 users in one INSERT ... SELECT, then EXPLAIN ANALYZEs the
    exact statements the list runs (captured from the engine) for a search,
    filters and plain paging. Prints the figures (pytest -s) for the README."""
    with app.app_context():
        db.session.execute(text("SET LOCAL statement_timeout = '300s'"))  # the seed, not the list, may be slow
        db.session.execute(text(SEED_100K))
        db.session.commit()
        # What autovacuum would have done by now: statistics and the visibility map.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE users"))
        engine = db.engine

    captured = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM users" in statement and ("count(*)" in statement or "ORDER BY users.created_at" in statement):
            captured.append((statement, parameters))

    cases = {
        "q rare (17 matches)": {"q": "a3f9"},
        "q common name (12,500 matches)": {"q": "grace"},
        "filter is_active=false": {"is_active": "false"},
        "filter is_verified + created_after": {
            "is_verified": "true",
            "created_after": (datetime.now(UTC) - timedelta(days=30)).isoformat(),
        },
        "plain page 1": {},
        "plain page 100": {"page": 100},
    }
    figures = {}
    for name, params in cases.items():
        captured.clear()
        event.listen(engine, "before_cursor_execute", capture)
        try:
            started = time.perf_counter()
            response = listing(client, admin_headers, page_size=20, **params)
            elapsed_ms = (time.perf_counter() - started) * 1000
        finally:
            event.remove(engine, "before_cursor_execute", capture)
        assert response.get_json()["data"], name
        assert len(captured) == 2, (name, captured)  # one count, one page
        plans = []
        with app.app_context():
            for statement, parameters in captured:
                raw = db.session.connection().exec_driver_sql("EXPLAIN (ANALYZE, FORMAT JSON) " + statement, parameters).scalar()
                plans.append(raw[0] if isinstance(raw, list) else json.loads(raw)[0])
            db.session.rollback()
        count_plan, page_plan = plans
        figures[name] = (elapsed_ms, count_plan["Execution Time"], page_plan["Execution Time"])
        count_indexes = {n.get("Index Name") for n in _plan_nodes(count_plan["Plan"])}
        page_indexes = {n.get("Index Name") for n in _plan_nodes(page_plan["Plan"])}
        if name.startswith("q "):
            # The trigram indexes serve the search.
            assert {"idx_users_email_trgm", "idx_users_full_name_trgm"} <= count_indexes | page_indexes, name
        if name.startswith("plain"):
            assert "idx_users_created_at" in page_indexes, name
        # Generous bounds for slow CI machines; the figures printed below are what matters.
        assert count_plan["Execution Time"] < 500 and page_plan["Execution Time"] < 500, (name, figures[name])

    with capsys.disabled():
        print("\nadmin list at 100,000 users (ms): request / count EXPLAIN ANALYZE / page EXPLAIN ANALYZE")
        for name, (request_ms, count_ms, page_ms) in figures.items():
            print(f"  {name:38s} {request_ms:7.1f} {count_ms:7.1f} {page_ms:7.1f}")
