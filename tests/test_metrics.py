"""/metrics in one process: series labelled by route template, database and
queue series, job outcomes, access control, and answering with Redis down.
(The multi-worker behaviour is in test_metrics_gunicorn.py.)"""

import ipaddress
import uuid

import pytest
import redis
from prometheus_client.parser import text_string_to_metric_families

from app.extensions import redis_options
from app.observability import record_job_outcome
from tests.helpers import free_port


def scrape(client, **kwargs) -> dict:
    """{(sample name, frozenset(labels)): value} of one scrape."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.content_type.startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


def test_requests_are_counted_by_route_template_never_raw_path(client):
    before = scrape(client)
    ids = [uuid.uuid4() for _ in range(3)]
    for flag in ids:
        client.get(f"/api/v1/admin/flags/{flag}")
    after = scrape(client)
    template = "/api/v1/admin/flags/<string:name>"
    key = {"method": "GET", "endpoint": template, "status": "401"}
    assert value(after, "api_requests_total", **key) - value(before, "api_requests_total", **key) == 3
    assert value(after, "api_request_duration_seconds_count", method="GET", endpoint=template) >= 3
    text = client.get("/metrics").get_data(as_text=True)
    assert not any(str(i) in text for i in ids)


def test_unknown_paths_share_one_unmatched_label(client):
    before = scrape(client)
    for path in ("/nope", "/api/v1/users/123/secret", "/wp-admin.php"):
        client.get(path)
    after = scrape(client)
    key = {"method": "GET", "endpoint": "<unmatched>", "status": "404"}
    assert value(after, "api_requests_total", **key) - value(before, "api_requests_total", **key) == 3
    text = client.get("/metrics").get_data(as_text=True)
    assert "wp-admin" not in text and "secret" not in text


def test_unusual_methods_are_folded_into_other(client):
    client.open("/health", method="BREW")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'method="OTHER"' in text and "BREW" not in text


def test_database_query_duration_is_recorded(client):
    before = scrape(client)
    assert client.get("/ready").status_code == 200  # runs SELECT 1
    after = scrape(client)
    counted = value(after, "db_query_duration_seconds_count", operation="SELECT")
    assert counted > value(before, "db_query_duration_seconds_count", operation="SELECT")


def test_queue_depth_per_queue(app, client):
    from rq import Queue

    with app.app_context():
        from app.extensions import redis_client

        queue = Queue(app.config["EMAIL_QUEUE"], connection=redis_client())
        for _ in range(3):
            queue.enqueue("app.email.jobs.deliver_email", "x")
    samples = scrape(client)
    assert value(samples, "rq_queue_depth", queue="email_queue") == 3
    assert ("rq_queue_depth", frozenset({("queue", "notification_queue")})) in samples
    assert value(samples, "redis_up") == 1


def test_dead_letter_queues_and_outbox_backlog_come_from_the_database(app, client):
    from app.extensions import db
    from app.models import OutboxMessage

    with app.app_context():
        for kind, status in [("email", "dead"), ("email", "dead"), ("email", "pending"), ("webhook", "dead"), ("email", "sent")]:
            db.session.add(OutboxMessage(kind=kind, payload={}, status=status))
        db.session.commit()
    samples = scrape(client)
    assert value(samples, "dead_letter_queue_depth", queue="email_dead_letter_queue") == 2
    assert value(samples, "dead_letter_queue_depth", queue="notification_dlq") == 1
    assert value(samples, "outbox_messages", kind="email", status="pending") == 1
    assert value(samples, "outbox_messages", kind="webhook", status="sending") == 0
    assert value(samples, "database_up") == 1


def test_job_outcomes_are_counted(app, client):
    with app.app_context():
        record_job_outcome("email", "sent")
        record_job_outcome("email", "sent")
        record_job_outcome("email", "dead_lettered")
        record_job_outcome("webhook", "retried")
    samples = scrape(client)
    assert value(samples, "jobs_total", kind="email", outcome="sent") == 2
    assert value(samples, "jobs_total", kind="email", outcome="dead_lettered") == 1
    assert value(samples, "jobs_total", kind="webhook", outcome="retried") == 1


@pytest.mark.parametrize("kind, outcome", [("sms", "sent"), ("email", "Sent"), ("email", ""), ("email", "a" * 40)])
def test_job_outcome_labels_are_bounded(app, kind, outcome):
    with app.app_context(), pytest.raises(ValueError):
        record_job_outcome(kind, outcome)


def test_metrics_answer_when_redis_is_down(app, client):
    store = app.extensions["gatehouse-redis"]
    real = store.client
    store.client = redis.Redis(host="127.0.0.1", port=free_port(), **redis_options(0.2))
    try:
        samples = scrape(client)
        with app.app_context():
            record_job_outcome("email", "sent")  # lost, but never raises
    finally:
        store.client = real
    assert value(samples, "redis_up") == 0
    assert not any(name == "rq_queue_depth" for name, _ in samples)
    assert value(samples, "database_up") == 1
    assert any(name == "api_requests_total" for name, _ in samples)


# ------------------------------------------------------------ access control


@pytest.fixture
def restricted(app):
    saved = {k: app.config[k] for k in ("METRICS_TOKEN", "METRICS_ALLOW")}
    yield app.config
    app.config.update(saved)


@pytest.mark.parametrize(
    "header, status",
    [
        (None, 401),
        ("Bearer wrong-token", 401),
        ("Basic bWV0cmljcy10b2tlbg==", 401),
        ("Bearer metrics-token-0123456789", 200),
    ],
)
def test_metrics_token(client, restricted, header, status):
    restricted["METRICS_TOKEN"] = "metrics-token-0123456789"
    response = client.get("/metrics", headers={"Authorization": header} if header else {})
    assert response.status_code == status
    if status == 401:
        assert response.get_json()["error"]["code"] == "METRICS_TOKEN_INVALID_070"


@pytest.mark.parametrize("allow, status", [("127.0.0.1/32", 200), ("10.0.0.0/8", 403), ("10.0.0.0/8,127.0.0.0/8", 200)])
def test_metrics_address_allow_list(client, restricted, allow, status):
    restricted["METRICS_ALLOW"] = [ipaddress.ip_network(n) for n in allow.split(",")]
    response = client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.status_code == status
    if status == 403:
        assert response.get_json()["error"]["code"] == "METRICS_FORBIDDEN_071"


def test_metrics_allow_list_checks_the_peer_not_x_forwarded_for(app):
    from app import create_app
    from tests.helpers import test_config as settings_for_tests

    proxied = create_app(settings_for_tests(TRUSTED_PROXY_COUNT=1, METRICS_ALLOW=[ipaddress.ip_network("127.0.0.1/32")]))
    client = proxied.test_client()
    spoofed = client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}, environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert spoofed.status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200


def test_metrics_allow_list_is_read_from_configuration():
    from config import ConfigError, load_config

    assert load_config({"METRICS_ALLOW": "127.0.0.1, 10.0.0.0/8"})["METRICS_ALLOW"] == [
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
    ]
    with pytest.raises(ConfigError, match="METRICS_ALLOW"):
        load_config({"METRICS_ALLOW": "localhost"})


def test_metrics_answer_when_the_database_is_down(app):
    from app import create_app
    from tests.helpers import test_config as settings_for_tests

    unreachable = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gatehouse"
    other = create_app(settings_for_tests(DATABASE_URL=unreachable))
    samples = scrape(other.test_client())
    assert value(samples, "database_up") == 0
    assert not any(name == "dead_letter_queue_depth" for name, _ in samples)
    assert value(samples, "redis_up") == 1
