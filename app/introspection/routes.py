"""POST /api/v1/auth/introspect (RFC 7662), for resource servers holding INTROSPECTION_TOKEN."""

from __future__ import annotations

import functools
import hmac
from typing import ClassVar

from flask import current_app, request
from webargs.core import missing

from app import errors
from app.blueprint import Blueprint, RequestParser
from app.errors import AppError
from app.introspection import service
from app.introspection.schemas import IntrospectionRequestSchema, IntrospectionSchema
from app.openapi import BEARER_SECURITY

FORM = "application/x-www-form-urlencoded"


class FormOrJsonParser(RequestParser):
    """The project's parser, reading a form body as a form and anything else as JSON."""

    def load_json_or_form(self, req, schema):
        if req.mimetype == FORM:
            data = self.load_form(req, schema)
            return data if data is not missing else {}
        return self.load_json(req, schema)


class IntrospectionBlueprint(Blueprint):
    ARGUMENTS_PARSER: ClassVar[RequestParser] = FormOrJsonParser()
    # Documented as the RFC's form body; JSON is accepted as well.
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING, "json_or_form": FORM}


blp = IntrospectionBlueprint("introspection", __name__, description="Token introspection (RFC 7662) for resource servers.")


def introspection_client_required(view):
    """404 while INTROSPECTION_TOKEN is unset (the route is off); 401
    AUTH_INTROSPECTION_TOKEN_INVALID_053 unless the request carries it as its
    Bearer token (compared in constant time)."""
    documented = blp.doc(security=BEARER_SECURITY)(blp.errors(401, 404)(view))

    @functools.wraps(documented)
    def guarded(*args, **kwargs):
        expected = current_app.config.get("INTROSPECTION_TOKEN")
        if not expected:
            raise AppError(errors.ROUTE_NOT_FOUND)
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected.encode()):
            raise AppError(errors.INTROSPECTION_TOKEN_INVALID, headers={"WWW-Authenticate": 'Bearer realm="introspection"'})
        return documented(*args, **kwargs)

    return guarded


def accepts_form_body(view):
    # app.register_request_hooks lets a form body through to this view (every other API route wants JSON).
    view.accepts_form_body = True
    return view


@blp.route("/introspect", methods=["POST"], operation_id="introspectToken")
@accepts_form_body
@introspection_client_required
@blp.arguments(IntrospectionRequestSchema, location="json_or_form")
@blp.response(200, IntrospectionSchema, headers={"Cache-Control": {"description": "`no-store`", "schema": {"type": "string"}}})
def introspect_token(body):
    """Whether a token is a live access token (RFC 7662), for a service that must see revocations at once.

    Authenticated with `Authorization: Bearer <INTROSPECTION_TOKEN>`; off (404) while that is unset.
    The answer is RFC 7662's, not the envelope: `{"active": false}` for anything but an access
    token of a live session of an active user.
    """
    return service.introspect(body["token"]), {"Cache-Control": "no-store", "Pragma": "no-cache"}
