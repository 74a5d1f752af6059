"""Liveness (`/health`), readiness (`/ready`) and the metrics endpoint."""

from __future__ import annotations

import logging

from marshmallow import Schema, fields
from sqlalchemy import text

from app import cache, errors, metrics
from app.blueprint import Blueprint
from app.errors import AppError
from app.extensions import db, redis_client
from app.openapi import error_headers
from app.responses import ErrorBodySchema

log = logging.getLogger("gatehouse.health")
blp = Blueprint("health", __name__, description="Liveness, readiness and metrics probes.")


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["healthy"]})


class ChecksSchema(Schema):
    database = fields.String(required=True, metadata={"description": "`healthy` or `unhealthy: <reason>`"})
    redis = fields.String(required=True)


class ReadySchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["ready"]})
    checks = fields.Nested(ChecksSchema, required=True)


class NotReadySchema(Schema):
    status = fields.String(required=True, metadata={"enum": ["error"]})
    error = fields.Nested(ErrorBodySchema, required=True)
    checks = fields.Nested(ChecksSchema, required=True)


@blp.route("/health", operation_id="getHealth")
@blp.response(200, HealthSchema)
def health():
    """Liveness: the process answers. Touches no database or cache."""
    return {"status": "healthy"}


def _check(probe) -> str:
    try:
        probe()
        return "healthy"
    except Exception as exc:  # any failure means not ready; the reason names only the type
        log.warning("readiness check failed: %s", type(exc).__name__)
        return f"unhealthy: {type(exc).__name__}"


@blp.route("/ready", operation_id="getReadiness")
@blp.response(200, ReadySchema)
@blp.alt_response(503, schema=NotReadySchema, description="A dependency is down; `checks` says which.", headers=error_headers(503))
def ready():
    """Readiness: the database and Redis both answer."""
    checks = {
        "database": _check(lambda: db.session.execute(text("SELECT 1"))),
        "redis": _check(lambda: redis_client().ping()),
    }
    if checks["redis"] == "healthy":
        cache.reset_circuit()
    if all(value == "healthy" for value in checks.values()):
        return {"status": "ready", "checks": checks}
    db.session.rollback()
    raise AppError(errors.NOT_READY, headers={"Retry-After": "5"}, extra={"checks": checks})


@blp.route("/metrics", operation_id="getMetrics")
@blp.response(
    200,
    {"type": "string"},
    content_type="text/plain; version=0.0.4; charset=utf-8",
    description="Prometheus text format, merged across all gunicorn workers.",
)
@blp.errors(401, 403)  # 401: METRICS_TOKEN is set and the Bearer token is not it; 403: not in METRICS_ALLOW
def prometheus_metrics():
    """Prometheus metrics: requests by route template, database, RQ queue depth, job outcomes."""
    return metrics.scrape()
