"""A test-only blueprint exercising the error machinery independently of features
(registered on the tests' app by tests/conftest.py)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.blueprint import Blueprint

probe = Blueprint("probe", __name__, url_prefix="/api/v1/_probe")


class ProbeSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2))
    age = fields.Integer(required=True)
    nested = fields.Nested(type("ProbeNested", (Schema,), {"inner": fields.Integer(required=True)}), required=False)


@probe.route("/echo", methods=["POST"])
@probe.arguments(ProbeSchema)
@probe.response(200)
def probe_echo(body):
    return {"status": "success", "data": body}


@probe.route("/whoami")
@probe.auth_required
@probe.response(200)
def probe_whoami():
    from flask import g

    return {"status": "success", "data": {"user_id": str(g.user_id), "session_id": str(g.session_id)}}


@probe.route("/boom")
def probe_boom():
    raise RuntimeError("secret-db-password=hunter2 SELECT * FROM users")
