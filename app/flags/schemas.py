"""Schemas of the flag routes."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.fields import StrictBoolean


class CallerFlagsSchema(Schema):
    flags = fields.Dict(
        keys=fields.String(),
        values=fields.Boolean(),
        required=True,
        metadata={
            "description": "Every known flag, as it applies to the caller.",
            "example": {"enable_new_ui": False, "maintenance_mode": False},
        },
    )


class OverrideSchema(Schema):
    user_id = fields.UUID(required=True)
    enabled = fields.Boolean(required=True)


class FlagSchema(Schema):
    name = fields.String(required=True)
    enabled = fields.Boolean(required=True, metadata={"description": "The value for everyone without an override."})
    default = fields.Boolean(required=True, metadata={"description": "The value from configuration."})
    source = fields.String(required=True, metadata={"enum": ["default", "set"], "description": "`set` when an admin set the global value."})
    overrides = fields.List(fields.Nested(OverrideSchema), required=True)


class FlagUpdateSchema(Schema):
    enabled = StrictBoolean(required=True)
    user_id = fields.UUID(metadata={"description": "Set the flag for this user only (not for maintenance_mode)."})

    class Meta:
        ordered = True


class FlagUnsetQuerySchema(Schema):
    user_id = fields.UUID(metadata={"description": "Remove this user's override instead of the global value."})
