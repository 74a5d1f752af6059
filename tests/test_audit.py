"""The audit trail: events recorded with who, what, from where and how it
ended, and GET /api/v1/admin/audit for admins (filters, pagination)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from tests.auth_client import login, register

URL = "/api/v1/admin/audit"
EVENT_FIELDS = ["id", "user_id", "event_type", "outcome", "ip", "user_agent", "details", "created_at"]
T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def admin_headers(make_user, sign_in):
    return sign_in(make_user(is_admin=True))


@pytest.fixture
def record(app):
    """`record(event_type, user_id=..., at=datetime)` stores an audit event (as a service would)."""
    from app import audit
    from app.context import RequestContext
    from app.extensions import db

    def _record(event_type, user_id=None, at=None, outcome="success", details=None):
        with app.app_context():
            event = audit.record_event(event_type, ctx=RequestContext(), user_id=user_id, outcome=outcome, details=details)
            if at is not None:
                event.created_at = at
            db.session.commit()
            return event.id

    return _record


def test_admin_reads_events_newest_first_with_pagination_in_body_and_header(client, admin_headers, record):
    ids = [record("auth.login_failed", at=T0 + timedelta(minutes=i), outcome="failure") for i in range(25)]
    response = client.get(URL, query_string={"page": 2, "page_size": 10, "event_type": "auth.login_failed"}, headers=admin_headers)
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "success"
    assert body["pagination"] == {"page": 2, "page_size": 10, "total": 25, "total_pages": 3}
    assert json.loads(response.headers["X-Pagination"]) == body["pagination"]
    assert [e["id"] for e in body["data"]] == [str(i) for i in reversed(ids[5:15])]
    assert list(body["data"][0]) == EVENT_FIELDS
    assert body["data"][0]["outcome"] == "failure"


def test_last_page_may_be_short_and_past_it_is_empty(client, admin_headers, record):
    for _ in range(3):
        record("auth.logout")
    page = client.get(URL, query_string={"page_size": 2, "page": 2}, headers=admin_headers).json
    assert len(page["data"]) == 1 and page["pagination"]["total_pages"] == 2
    assert client.get(URL, query_string={"page_size": 2, "page": 3}, headers=admin_headers).json["data"] == []


def test_filters_by_user_type_and_time_range(client, admin_headers, record, make_user):
    alice, bob = make_user(), make_user()
    a1 = record("auth.login_succeeded", user_id=alice.id, at=T0)
    a2 = record("auth.logout", user_id=alice.id, at=T0 + timedelta(hours=1))
    b1 = record("auth.login_succeeded", user_id=bob.id, at=T0 + timedelta(hours=2))

    def ids(**query):
        response = client.get(URL, query_string=query, headers=admin_headers)
        assert response.status_code == 200, response.json
        return [e["id"] for e in response.json["data"]]

    assert ids(user_id=str(alice.id)) == [str(a2), str(a1)]
    assert ids(event_type="auth.login_succeeded") == [str(b1), str(a1)]
    assert ids(user_id=str(alice.id), event_type="auth.logout") == [str(a2)]
    # created_after inclusive, created_before exclusive; a time without a zone is UTC.
    assert ids(created_after=(T0 + timedelta(hours=1)).isoformat()) == [str(b1), str(a2)]
    assert ids(created_before="2026-01-01T13:00:00") == [str(a1)]
    assert ids(created_after=T0.isoformat(), created_before=(T0 + timedelta(hours=2)).isoformat()) == [str(a2), str(a1)]
    assert ids(event_type="user.deleted") == []


@pytest.mark.parametrize(
    "query, field",
    [
        ({"page_size": 101}, "page_size"),
        ({"page_size": 0}, "page_size"),
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"user_id": "not-a-uuid"}, "user_id"),
        ({"created_after": "yesterday"}, "created_after"),
        ({"created_after": "2026-01-02T00:00:00Z", "created_before": "2026-01-01T00:00:00Z"}, "created_before"),
        ({"event_type": ""}, "event_type"),
        ({"event_type": "auth.logout\x00"}, "event_type"),
        # Valid ISO 8601, but no UTC moment within years 1-9999: 400, not a 500 at the query.
        ({"created_after": "0001-01-01T00:00:00+14:00"}, "created_after"),
        ({"created_before": "9999-12-31T23:59:59-10:00"}, "created_before"),
        ({"sort": "created_at"}, "sort"),
    ],
)
def test_bad_query_is_400_naming_the_field(client, admin_headers, query, field):
    response = client.get(URL, query_string=query, headers=admin_headers)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "REQUEST_VALIDATION_FAILED_004"
    assert response.json["error"]["field"] == field


def test_audit_is_for_admins_only(client, make_user, sign_in):
    assert client.get(URL).status_code == 401
    response = client.get(URL, headers=sign_in(make_user()))
    assert response.status_code == 403
    assert response.json["error"]["code"] == "AUTH_FORBIDDEN_026"


def test_sign_up_and_failed_sign_in_are_recorded_with_ip_and_user_agent(client, admin_headers):
    registered = register(client, ip="203.0.113.7")
    assert registered.status_code == 201, registered.json
    user_id = registered.json["data"]["user_id"]
    assert login(client, registered.json["data"]["email"], password="WrongPass999", ip="203.0.113.8").status_code == 401

    events = client.get(URL, query_string={"user_id": user_id}, headers=admin_headers).json["data"]
    by_type = {e["event_type"]: e for e in events}
    assert by_type["user.registered"]["ip"] == "203.0.113.7"
    assert by_type["user.registered"]["outcome"] == "success"
    assert by_type["user.registered"]["user_agent"]  # the test client's
    assert by_type["auth.login_failed"]["ip"] == "203.0.113.8"
    assert by_type["auth.login_failed"]["outcome"] == "failure"


def test_an_overlong_forwarded_address_is_cut_to_fit_not_a_500(client, admin_headers):
    """With more TRUSTED_PROXY_COUNT hops configured than there are proxies,
    the client's own X-Forwarded-For text becomes the address (ProxyFix does
    not check it): it is stored cut to the 45 characters of the column."""
    forged = "9" * 60
    registered = register(client, ip=forged)
    assert registered.status_code == 201, registered.json
    assert login(client, registered.json["data"]["email"], ip=forged).status_code == 200
    events = client.get(URL, query_string={"user_id": registered.json["data"]["user_id"]}, headers=admin_headers).json
    assert {e["ip"] for e in events["data"]} == {forged[:45]}


def test_audit_route_is_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").json
    operation = spec["paths"][URL]["get"]
    assert {"200", "400", "401", "403"} <= set(operation["responses"])
    assert operation["security"] == [{"bearerAuth": []}]
    assert "X-Pagination" in operation["responses"]["200"]["headers"]
    assert {p["name"] for p in operation["parameters"]} >= {"page", "page_size", "user_id", "event_type", "created_after", "created_before"}
