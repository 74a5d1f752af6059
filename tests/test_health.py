"""Liveness, readiness and the OpenAPI document."""

import redis
from openapi_spec_validator import validate

from app.extensions import redis_options
from tests.helpers import free_port


def test_health_is_200_without_io(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "healthy"}


def test_ready_when_database_and_redis_answer(client):
    response = client.get("/ready")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"database": "healthy", "redis": "healthy"}}


def test_ready_is_503_in_envelope_when_redis_is_unreachable(app, client):
    store = app.extensions["gatehouse-redis"]
    real = store.client
    # A real client pointed at a port nothing listens on.
    store.client = redis.Redis(host="127.0.0.1", port=free_port(), **redis_options(0.5))
    try:
        response = client.get("/ready")
    finally:
        store.client = real
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "error"
    assert body["error"]["code"] == "SERVER_NOT_READY_013"
    assert body["checks"]["database"] == "healthy"
    assert body["checks"]["redis"].startswith("unhealthy")
    assert response.headers["Retry-After"]


def test_openapi_document_validates_and_lists_error_codes(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    codes = {entry["code"] for entry in spec["info"]["x-error-codes"]}
    assert "AUTH_INVALID_CREDENTIALS_001" in codes
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def _resolve(spec, node):
    while "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        node = spec["components"][kind][name]
    return node


def test_openapi_error_responses_document_their_headers(client):
    """A client reads from the document that 429 and 503 say when to retry,
    and that every error's trace_id is also the X-Request-ID header."""
    spec = client.get("/api/openapi.json").get_json()
    seen = set()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if status == "default" or int(status) >= 400:
                    headers = _resolve(spec, response).get("headers", {})
                    assert "X-Request-ID" in headers, (method, path, status)
                    if status in ("429", "503"):
                        retry_after = _resolve(spec, headers.get("Retry-After", {}))
                        assert retry_after.get("required") is True, (method, path, status)
                        assert retry_after["schema"]["type"] == "integer"
                        seen.add(status)
    assert seen == {"429", "503"}


def test_swagger_ui_is_served_with_local_assets(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "cdn" not in html.lower()
    assert "/api/docs/assets/swagger-ui-bundle.js" in html
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
