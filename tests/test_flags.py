"""Feature flags (docs/architecture.md §4): defaults from configuration, global values and
per-user overrides in Redis, the admin routes, the CLI, and maintenance mode."""

import time
import uuid

import pytest
import redis

from app import flags
from app.extensions import redis_options
from config import ConfigError, load_config
from tests.helpers import free_port


@pytest.fixture
def admin_headers(make_user, sign_in):
    return sign_in(make_user(is_admin=True))


@pytest.fixture
def user_and_headers(make_user, sign_in):
    user = make_user()
    return user, sign_in(user)


def put_flag(client, headers, name, body):
    return client.put(f"/api/v1/admin/flags/{name}", json=body, headers=headers)


def test_caller_sees_configured_defaults(client, user_and_headers):
    _, headers = user_and_headers
    response = client.get("/api/v1/flags", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"status": "success", "data": {"flags": {"enable_new_ui": False, "maintenance_mode": False}}}


def test_flags_route_needs_a_token(client):
    assert client.get("/api/v1/flags").status_code == 401


def test_global_value_applies_to_everyone(client, admin_headers, user_and_headers):
    _, headers = user_and_headers
    response = put_flag(client, admin_headers, "enable_new_ui", {"enabled": True})
    assert response.status_code == 200
    assert response.get_json()["data"] == {
        "name": "enable_new_ui",
        "enabled": True,
        "default": False,
        "source": "set",
        "overrides": [],
    }
    assert client.get("/api/v1/flags", headers=headers).get_json()["data"]["flags"]["enable_new_ui"] is True


def test_per_user_override_wins_over_global_value(client, admin_headers, make_user, sign_in):
    chosen, other = make_user(), make_user()
    put_flag(client, admin_headers, "enable_new_ui", {"enabled": False})
    response = put_flag(client, admin_headers, "enable_new_ui", {"enabled": True, "user_id": str(chosen.id)})
    assert response.status_code == 200
    assert response.get_json()["data"]["overrides"] == [{"user_id": str(chosen.id), "enabled": True}]
    assert client.get("/api/v1/flags", headers=sign_in(chosen)).get_json()["data"]["flags"]["enable_new_ui"] is True
    assert client.get("/api/v1/flags", headers=sign_in(other)).get_json()["data"]["flags"]["enable_new_ui"] is False


def test_override_off_for_one_user_while_on_for_everyone(app, client, admin_headers, make_user):
    chosen = make_user()
    put_flag(client, admin_headers, "enable_new_ui", {"enabled": True})
    put_flag(client, admin_headers, "enable_new_ui", {"enabled": False, "user_id": str(chosen.id)})
    with app.app_context():
        assert flags.is_enabled("enable_new_ui", chosen.id) is False
        assert flags.is_enabled("enable_new_ui", uuid.uuid4()) is True
        assert flags.is_enabled("enable_new_ui") is True


def test_unset_returns_to_default_and_removes_override(client, admin_headers, make_user):
    chosen = make_user()
    put_flag(client, admin_headers, "enable_new_ui", {"enabled": True})
    put_flag(client, admin_headers, "enable_new_ui", {"enabled": True, "user_id": str(chosen.id)})
    response = client.delete(f"/api/v1/admin/flags/enable_new_ui?user_id={chosen.id}", headers=admin_headers)
    assert response.status_code == 200 and response.get_json()["data"]["overrides"] == []
    response = client.delete("/api/v1/admin/flags/enable_new_ui", headers=admin_headers)
    assert response.get_json()["data"] == {
        "name": "enable_new_ui",
        "enabled": False,
        "default": False,
        "source": "default",
        "overrides": [],
    }


def test_admin_lists_every_known_flag(client, admin_headers):
    response = client.get("/api/v1/admin/flags", headers=admin_headers)
    assert response.status_code == 200
    assert [f["name"] for f in response.get_json()["data"]] == ["enable_new_ui", "maintenance_mode"]


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_unknown_flag_is_404(client, admin_headers, method):
    response = getattr(client, method)(
        "/api/v1/admin/flags/no_such_flag", headers=admin_headers, **({"json": {"enabled": True}} if method == "put" else {})
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "FLAG_NOT_FOUND_030"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "enabled"),
        ({"enabled": "yes"}, "enabled"),
        ({"enabled": 1}, "enabled"),
        ({"enabled": None}, "enabled"),
        ({"enabled": True, "user_id": "not-a-uuid"}, "user_id"),
        ({"enabled": True, "colour": "red"}, "colour"),
    ],
)
def test_bad_flag_bodies_are_400(client, admin_headers, body, field):
    response = put_flag(client, admin_headers, "enable_new_ui", body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_override_for_unknown_user_is_404(client, admin_headers):
    response = put_flag(client, admin_headers, "enable_new_ui", {"enabled": True, "user_id": str(uuid.uuid4())})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "USER_NOT_FOUND_002"


def test_maintenance_mode_has_no_per_user_override(client, admin_headers, make_user):
    response = put_flag(client, admin_headers, "maintenance_mode", {"enabled": True, "user_id": str(make_user().id)})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "user_id"


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_admin_flag_routes_refuse_non_admins(client, user_and_headers, method):
    _, headers = user_and_headers
    response = getattr(client, method)(
        "/api/v1/admin/flags/enable_new_ui", headers=headers, **({"json": {"enabled": True}} if method == "put" else {})
    )
    assert response.status_code == 403


def test_flag_change_is_audited(app, client, admin_headers):
    from app.extensions import db
    from app.models import AuditEvent

    put_flag(client, admin_headers, "enable_new_ui", {"enabled": True})
    with app.app_context():
        event = db.session.execute(db.select(AuditEvent).where(AuditEvent.event_type == "flag.changed")).scalar_one()
        assert event.details["flag"] == "enable_new_ui" and event.details["enabled"] is True
        assert event.user_id is not None
    # ...and admins find it in the audit trail by its type.
    found = client.get("/api/v1/admin/audit", query_string={"event_type": "flag.changed"}, headers=admin_headers)
    assert found.status_code == 200, found.get_json()
    assert [e["details"]["flag"] for e in found.get_json()["data"]] == ["enable_new_ui"]


def test_configuration_adds_flags_and_changes_defaults():
    settings = load_config({"FEATURE_FLAGS": "enable_new_ui=true, beta_search=false"})
    assert settings["FEATURE_FLAGS"] == {"enable_new_ui": True, "maintenance_mode": False, "beta_search": False}


@pytest.mark.parametrize("raw", ["enable_new_ui", "enable_new_ui=maybe", "Bad-Name=true", "=true"])
def test_bad_flag_configuration_names_the_variable(raw):
    with pytest.raises(ConfigError, match="FEATURE_FLAGS"):
        load_config({"FEATURE_FLAGS": raw})


# ------------------------------------------------------------ Redis down


@pytest.fixture
def redis_down(app):
    from app import cache

    store = app.extensions["gatehouse-redis"]
    real = store.client
    store.client = redis.Redis(host="127.0.0.1", port=free_port(), **redis_options(0.2))
    cache.reset_circuit()
    yield
    store.client = real
    cache.reset_circuit()


def test_flags_read_as_defaults_when_redis_is_down(app, client, admin_headers, user_and_headers, redis_conn):
    _, headers = user_and_headers
    put_flag(client, admin_headers, "enable_new_ui", {"enabled": True})
    store = app.extensions["gatehouse-redis"]
    real = store.client
    store.client = redis.Redis(host="127.0.0.1", port=free_port(), **redis_options(0.2))
    try:
        response = client.get("/api/v1/flags", headers=headers)
    finally:
        store.client = real
    assert response.status_code == 200
    assert response.get_json()["data"]["flags"]["enable_new_ui"] is False


def test_setting_a_flag_with_redis_down_is_503(client, admin_headers, redis_down):
    response = put_flag(client, admin_headers, "enable_new_ui", {"enabled": True})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "SERVER_UNAVAILABLE_012"


# ------------------------------------------------------ maintenance mode

MAINTENANCE_KEY = "test:flags:flag:maintenance_mode:enabled"


def test_maintenance_mode_answers_503_with_retry_after(client, admin_headers, user_and_headers):
    _, headers = user_and_headers
    assert put_flag(client, admin_headers, "maintenance_mode", {"enabled": True}).status_code == 200
    for path in ("/api/v1/flags", "/api/v1/users/me", "/api/v1/auth/login", "/no/such/route"):
        response = client.get(path, headers=headers)
        assert response.status_code == 503, path
        assert response.get_json()["error"]["code"] == "SERVER_MAINTENANCE_014"
        assert int(response.headers["Retry-After"]) > 0
    response = client.post("/api/v1/auth/login", json={"email": "a@example.com", "password": "x"})
    assert response.status_code == 503


@pytest.mark.parametrize(
    "path",
    ["/health", "/ready", "/metrics", "/api/openapi.json", "/api/docs", "/api/v1/admin/flags", "/api/v1/admin/flags/maintenance_mode"],
)
def test_maintenance_mode_lets_probes_metrics_docs_and_admin_flags_through(client, admin_headers, path):
    put_flag(client, admin_headers, "maintenance_mode", {"enabled": True})
    assert client.get(path, headers=admin_headers).status_code == 200


def test_maintenance_mode_can_be_switched_off_through_the_api(client, admin_headers, user_and_headers):
    _, headers = user_and_headers
    put_flag(client, admin_headers, "maintenance_mode", {"enabled": True})
    assert client.get("/api/v1/flags", headers=headers).status_code == 503
    assert put_flag(client, admin_headers, "maintenance_mode", {"enabled": False}).status_code == 200
    assert client.get("/api/v1/flags", headers=headers).status_code == 200


def test_maintenance_set_elsewhere_is_seen_within_a_second(client, user_and_headers, redis_conn):
    _, headers = user_and_headers

    def status_when_stable(expected, since):
        # A request begun a second after the change must see it.
        while True:
            started = time.monotonic()
            if client.get("/api/v1/flags", headers=headers).status_code == expected:
                return
            assert started - since < 1.0
            time.sleep(0.05)

    assert client.get("/api/v1/flags", headers=headers).status_code == 200
    redis_conn.set(MAINTENANCE_KEY, "true")  # as another worker or the CLI would
    status_when_stable(503, time.monotonic())
    redis_conn.delete(MAINTENANCE_KEY)
    status_when_stable(200, time.monotonic())


def test_maintenance_keeps_last_known_value_while_redis_is_down(app, client, admin_headers, user_and_headers):
    _, headers = user_and_headers
    put_flag(client, admin_headers, "maintenance_mode", {"enabled": True})
    store = app.extensions["gatehouse-redis"]
    real = store.client
    store.client = redis.Redis(host="127.0.0.1", port=free_port(), **redis_options(0.2))
    try:
        time.sleep(app.config["MAINTENANCE_CHECK_SECONDS"] + 0.05)
        response = client.get("/api/v1/flags", headers=headers)
    finally:
        store.client = real
    assert response.status_code == 503


def test_maintenance_default_from_configuration(app):
    from app import create_app
    from tests.helpers import test_config

    other = create_app(test_config(FEATURE_FLAGS={"enable_new_ui": False, "maintenance_mode": True}))
    response = other.test_client().get("/api/v1/flags")
    assert response.status_code == 503
    assert other.test_client().get("/health").status_code == 200


# ------------------------------------------------------------------- CLI


def test_cli_set_list_unset(app, make_user, redis_conn):
    user = make_user(email="flagged@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["flags", "set", "enable_new_ui", "on"])
    assert result.exit_code == 0, result.output
    assert redis_conn.get("test:flags:flag:enable_new_ui:enabled") == b"true"
    result = runner.invoke(args=["flags", "set", "enable_new_ui", "off", "--user", "Flagged@example.com"])
    assert result.exit_code == 0, result.output
    assert redis_conn.hget("test:flags:flag:enable_new_ui:users", str(user.id)) == b"false"
    listing = runner.invoke(args=["flags", "list"]).output
    assert "enable_new_ui" in listing and "maintenance_mode" in listing and f"{user.id}=off" in listing
    assert runner.invoke(args=["flags", "unset", "enable_new_ui", "--user", str(user.id)]).exit_code == 0
    assert runner.invoke(args=["flags", "unset", "enable_new_ui"]).exit_code == 0
    assert redis_conn.keys("test:flags:*") == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["flags", "set", "nope", "on"], "FLAG_NOT_FOUND_030"),
        (["flags", "set", "enable_new_ui", "on", "--user", "ghost@example.com"], "no user"),
        (["flags", "set", "enable_new_ui", "maybe"], "maybe"),
    ],
)
def test_cli_refuses_bad_input(app, args, message):
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_cli_switches_maintenance_on_while_the_database_is_down(app, redis_conn):
    from app import create_app
    from tests.helpers import test_config as settings_for_tests

    unreachable = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gatehouse"
    offline = create_app(settings_for_tests(DATABASE_URL=unreachable))
    result = offline.test_cli_runner().invoke(args=["flags", "set", "maintenance_mode", "on"])
    assert result.exit_code == 0, result.output
    assert redis_conn.get(MAINTENANCE_KEY) == b"true"
