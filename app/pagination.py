"""Paged admin lists (GET /users, GET /admin/audit): the page query, the
`pagination` block and X-Pagination header, and one page of a query.

Both lists page the same way, so that a client pages through either with the
same code and the limits stay the same in both.
"""

from __future__ import annotations

import json
import math

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select

from app.extensions import db
from app.fields import UTCMoment

PAGE_SIZE_MAX = 100
PAGE_MAX = 10_000_000
PAGINATION_HEADER = {
    "X-Pagination": {
        "description": 'The body\'s `pagination` as JSON: `{"page", "page_size", "total", "total_pages"}`.',
        "schema": {"type": "string"},
    }
}


class PageQuerySchema(Schema):
    """`page` and `page_size`; a list's query schema adds its filters."""

    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=PAGE_MAX))
    page_size = fields.Integer(load_default=20, validate=validate.Range(min=1, max=PAGE_SIZE_MAX))


class CreatedRangeQuerySchema(PageQuerySchema):
    """Paging plus a creation-time window, `created_after` <= t < `created_before`."""

    created_after = UTCMoment(metadata={"description": "ISO 8601; inclusive. Without a zone, UTC."})
    created_before = UTCMoment(metadata={"description": "ISO 8601; exclusive. Without a zone, UTC."})

    @validates_schema
    def _range(self, data, **kwargs):
        after, before = data.get("created_after"), data.get("created_before")
        if after and before and after > before:  # both aware UTC (UTCMoment)
            raise ValidationError("Must not be earlier than created_after.", field_name="created_before")


def page_schema(name: str, item_schema: type[Schema], *, pagination_name: str, counted: str) -> type[Schema]:
    """The response schema of a paged list, `{status, data: [item_schema], pagination, message}`.

    `name` and `pagination_name` are the schema classes' names (their OpenAPI
    component names, kept as published); `counted` names what `total` counts.
    """
    pagination = type(
        pagination_name,
        (Schema,),
        {
            "Meta": type("Meta", (), {"ordered": True}),
            "page": fields.Integer(required=True),
            "page_size": fields.Integer(required=True),
            "total": fields.Integer(required=True, metadata={"description": f"{counted} matching the filters."}),
            "total_pages": fields.Integer(required=True),
        },
    )
    return type(
        name,
        (Schema,),
        {
            "__doc__": "One page of a list; the same `pagination` is in the X-Pagination header.",
            "Meta": type("Meta", (), {"ordered": True}),
            "status": fields.Constant("success", required=True, metadata={"enum": ["success"]}),
            "data": fields.List(fields.Nested(item_schema), required=True),
            "pagination": fields.Nested(pagination, required=True),
            "message": fields.String(),
        },
    )


def page_of(model, conditions: list, order_by: tuple, page: int, page_size: int) -> tuple[list, dict]:
    """The rows of `model` matching `conditions` on page `page`, and the
    pagination metadata {page, page_size, total, total_pages}.

    `order_by` should end with a unique column, so that rows with equal sort
    keys never repeat or vanish between pages.
    """
    total = db.session.scalar(select(func.count()).select_from(model).where(*conditions))
    rows = list(db.session.scalars(select(model).where(*conditions).order_by(*order_by).limit(page_size).offset((page - 1) * page_size)))
    return rows, {"page": page, "page_size": page_size, "total": total, "total_pages": math.ceil(total / page_size)}


def paged_response(rows: list, pagination: dict) -> tuple[dict, dict]:
    """A route's answer: the body `{data, pagination}` and the same pagination in X-Pagination."""
    return {"data": rows, "pagination": pagination}, {"X-Pagination": json.dumps(pagination)}
