"""Per-IP rate limits on the unauthenticated auth routes (in-process).

The proxy-header and Redis-outage cases run against gunicorn in
test_auth_processes.py.
"""

import pytest

from tests.auth_client import post
from tests.helpers import unique_email


def _body(path):
    return {
        "/register": {"email": unique_email(), "password": "SecurePass123", "full_name": "Ada Lovelace", "terms_accepted": True},
        "/login": {"email": unique_email(), "password": "WrongPass123"},
        "/refresh": {"refresh_token": "A" * 43},
        "/verify-email": {"token": "A" * 43},
        "/resend-verification": {"email": unique_email()},
    }[path]


@pytest.mark.parametrize(
    ("path", "allowed"),
    [("/register", 5), ("/login", 10), ("/refresh", 30), ("/verify-email", 10), ("/resend-verification", 3)],
)
def test_each_unauthenticated_route_is_limited_per_ip(client, path, allowed):
    for _ in range(allowed):
        assert post(client, path, _body(path), ip="192.0.2.10").status_code != 429
    response = post(client, path, _body(path), ip="192.0.2.10")
    assert response.status_code == 429
    error = response.get_json()["error"]
    assert response.get_json()["status"] == "error"
    assert error["code"] == "REQUEST_RATE_LIMITED_010" and error["trace_id"] == response.headers["X-Request-ID"]
    assert 0 < int(response.headers["Retry-After"]) <= 60
    # Another client is not affected.
    assert post(client, path, _body(path), ip="192.0.2.11").status_code != 429


def test_register_limit_is_five_a_minute_and_counts_invalid_requests_too(client):
    for _ in range(5):
        assert post(client, "/register", {"email": "bad"}, ip="192.0.2.20").status_code == 400
    assert post(client, "/register", _body("/register"), ip="192.0.2.20").status_code == 429


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client):
    for i in range(5):
        headers = {"X-Forwarded-For": f"198.51.100.{i}"}
        assert post(client, "/register", _body("/register"), ip="192.0.2.30", headers=headers).status_code == 201
    spoofed = post(client, "/register", _body("/register"), ip="192.0.2.30", headers={"X-Forwarded-For": "198.51.100.99"})
    assert spoofed.status_code == 429


def test_limits_are_shared_through_redis_with_a_60_second_ttl(client, redis_conn):
    post(client, "/register", _body("/register"), ip="192.0.2.40")
    [key] = redis_conn.keys("*192.0.2.40*")
    assert key.decode().startswith("test:api:rate_limit:")  # the {env}:{service}:{resource}: pattern of docs/architecture.md §4
    assert 0 < redis_conn.ttl(key) <= 60


def test_retry_after_only_on_refusals_while_limit_headers_show_the_budget(client):
    response = post(client, "/login", _body("/login"), ip="192.0.2.20")
    assert response.status_code == 401
    assert response.headers["X-RateLimit-Limit"] == "10"
    assert response.headers["X-RateLimit-Remaining"] == "9"
    assert "Retry-After" not in response.headers


# Refusals of a caller without credentials: no access token, or (POST /auth/introspect,
# a route for resource servers) not the INTROSPECTION_TOKEN.
UNAUTHENTICATED = ("AUTH_TOKEN_MISSING_015", "AUTH_INTROSPECTION_TOKEN_INVALID_053")


def _routes_answering_without_a_token(app, client):
    """Every (method, path) of the versioned API that a caller without a Bearer
    token gets past authentication on; found from the URL map, so that a route
    added later is checked too."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule.startswith("/api/v1/_probe"):
            continue
        path = rule.rule.replace("<", "").replace(">", "")  # any value for a path parameter
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, json={}, environ_base={"REMOTE_ADDR": "192.0.2.250"})
            if response.status_code == 401 and response.get_json()["error"]["code"] in UNAUTHENTICATED:
                continue
            found.append((method, path))
    return found


def test_every_route_answering_without_a_token_is_limited_per_ip(app, client, monkeypatch):
    """docs/architecture.md §6: per-IP limits on every unauthenticated endpoint, whatever its body."""
    # Introspection on (it is off, 404, without its token): it then wants that token, as in production.
    monkeypatch.setitem(app.config, "INTROSPECTION_TOKEN", "introspection-token-of-the-limits-test-0123")
    routes = _routes_answering_without_a_token(app, client)
    assert ("POST", "/api/v1/auth/register") in routes and ("POST", "/api/v1/auth/login") in routes
    unlimited = []
    for number, (method, path) in enumerate(routes):
        ip = f"198.18.0.{number + 1}"
        statuses = [client.open(path, method=method, json={}, environ_base={"REMOTE_ADDR": ip}).status_code for _ in range(31)]
        if 429 not in statuses:
            unlimited.append((method, path))
    assert unlimited == []


@pytest.mark.parametrize(
    ("setting", "method", "path", "body"),
    [
        ("MFA_LOGIN_RATE_LIMIT", "post", "/api/v1/auth/login/mfa", {"mfa_token": "A" * 43, "code": "123456"}),
        ("PASSKEY_LOGIN_OPTIONS_RATE_LIMIT", "post", "/api/v1/auth/passkeys/login/options", {}),
        ("PASSKEY_LOGIN_RATE_LIMIT", "post", "/api/v1/auth/passkeys/login", {"challenge_id": "x", "credential": {}}),
        ("OIDC_RATE_LIMIT", "get", "/api/v1/auth/oidc/providers", None),
        ("OIDC_RATE_LIMIT", "post", "/api/v1/auth/oidc/exchange", {"code": "A" * 43}),
        ("PAGE_RATE_LIMIT", "get", "/reset-password?token=" + "A" * 43, None),
    ],
)
def test_the_limits_of_the_later_sign_in_routes_and_pages_are_settings(app, client, monkeypatch, setting, method, path, body):
    # Read per request (app.blueprint.setting): an operator's value applies to each of its routes.
    monkeypatch.setitem(app.config, setting, "2 per minute")
    ip = {"REMOTE_ADDR": "192.0.2.77"}
    for _ in range(2):
        assert getattr(client, method)(path, json=body, environ_base=ip).status_code != 429
    assert getattr(client, method)(path, json=body, environ_base=ip).status_code == 429
    assert getattr(client, method)(path, json=body, environ_base={"REMOTE_ADDR": "192.0.2.78"}).status_code != 429
