"""Feature flag routes: the caller's flags, and the admin view and switches
(which maintenance mode lets through, so that it can be switched off)."""

from __future__ import annotations

from flask import g
from marshmallow import Schema, fields

from app import flags
from app.blueprint import Blueprint
from app.responses import envelope

blp = Blueprint("flags", __name__, description="Feature flags and maintenance mode.")


class CallerFlagsSchema(Schema):
    flags = fields.Dict(
        keys=fields.String(), values=fields.Boolean(), required=True,
        metadata={"description": "Every known flag, as it applies to the caller.",
                  "example": {"enable_new_ui": False, "maintenance_mode": False}},
    )


class OverrideSchema(Schema):
    user_id = fields.UUID(required=True)
    enabled = fields.Boolean(required=True)


class FlagSchema(Schema):
    name = fields.String(required=True)
    enabled = fields.Boolean(required=True, metadata={"description": "The value for everyone without an override."})
    default = fields.Boolean(required=True, metadata={"description": "The value from configuration."})
    source = fields.String(required=True, metadata={"enum": ["default", "set"],
                                                    "description": "`set` when an admin set the global value."})
    overrides = fields.List(fields.Nested(OverrideSchema), required=True)


class JSONBoolean(fields.Boolean):
    """`true` or `false` only (marshmallow's Boolean also takes "yes", 1, "on"...)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class FlagUpdateSchema(Schema):
    enabled = JSONBoolean(required=True)
    user_id = fields.UUID(metadata={"description": "Set the flag for this user only (not for maintenance_mode)."})

    class Meta:
        ordered = True


class FlagUnsetQuerySchema(Schema):
    user_id = fields.UUID(metadata={"description": "Remove this user's override instead of the global value."})


@blp.route("/flags", operation_id="getMyFlags")
@blp.auth_required
@blp.response(200, envelope(CallerFlagsSchema, name="CallerFlags"))
def my_flags():
    """The feature flags as they apply to the caller."""
    return {"data": {"flags": flags.flags_for(g.user_id)}}


@blp.route("/admin/flags")
@blp.admin_required
@blp.response(200, envelope(FlagSchema, many=True))
@blp.errors(503)
def list_flags():
    """Every known flag with its global value, default and per-user overrides (admin)."""
    return {"data": flags.all_flag_states()}


@blp.route("/admin/flags/<string:name>")
@blp.admin_required
@blp.response(200, envelope(FlagSchema))
@blp.errors(404, 503)
def get_flag(name):
    """One flag: global value, default, where the value comes from, per-user overrides (admin)."""
    return {"data": flags.flag_state(name)}


@blp.route("/admin/flags/<string:name>", methods=["PUT"], operation_id="setFlag")
@blp.admin_required
@blp.arguments(FlagUpdateSchema)
@blp.response(200, envelope(FlagSchema))
@blp.errors(404, 503)  # 404: no such flag, or no such user
def put_flag(body, name):
    """Turn a flag on or off for everyone, or for one user with `user_id` (admin).

    `maintenance_mode` on answers 503 with Retry-After on every route except
    /health, /ready, /metrics, the API docs and these admin flag routes, in
    every worker within a second.
    """
    return {"data": flags.set_flag(name, body["enabled"], body.get("user_id")), "message": "Flag updated."}


@blp.route("/admin/flags/<string:name>", methods=["DELETE"])
@blp.admin_required
@blp.arguments(FlagUnsetQuerySchema, location="query")
@blp.response(200, envelope(FlagSchema))
@blp.errors(404, 503)
def unset_flag(query, name):
    """Return a flag to its configured default, or remove one user's override (admin)."""
    return {"data": flags.unset_flag(name, query.get("user_id")), "message": "Flag reset."}
