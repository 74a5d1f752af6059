"""The OpenAPI document's error responses: every 4xx/5xx in our envelope, with its headers.

flask-smorest registers one response component per HTTP status (`UNAUTHORIZED`,
`CONFLICT`, ...) for routes to refer to (`alt_response(409, response="CONFLICT")`).
`Api` registers them again, through apispec's public `components.response`, in
our error envelope and with the headers every error carries: X-Request-ID on
all of them, Retry-After on 429 and 503. Like flask-smorest's own, they are
lazy: only the ones a route refers to appear in the document.
"""

from __future__ import annotations

import http

import flask_smorest

from app.responses import ErrorEnvelopeSchema

REQUEST_ID_HEADER = {
    "description": "The request's trace id (the error body's `trace_id`); an incoming X-Request-ID or traceparent trace id when given.",
    "schema": {"type": "string"},
}
RETRY_AFTER_HEADER = {"description": "Seconds to wait before retrying.", "required": True, "schema": {"type": "integer", "minimum": 0}}
# Header components, referred to by name from a response's `headers`
# (e.g. `alt_response(503, schema=..., headers=ERROR_HEADERS[503])`).
REQUEST_ID, RETRY_AFTER = "X_REQUEST_ID", "RETRY_AFTER"
# The security requirement of an operation that needs an access token (see Blueprint.auth_required).
BEARER_SECURITY = [{"bearerAuth": []}]


def error_headers(status: int) -> dict[str, str]:
    """The headers an error response of `status` carries: {header name: component name}."""
    headers = {"X-Request-ID": REQUEST_ID}
    if status in (429, 503):
        headers["Retry-After"] = RETRY_AFTER
    return headers


def one_of2properties(self, field, **kwargs) -> dict:
    """apispec attribute function: an `app.fields.OneOf` field is `oneOf` its schemas (each a component)."""
    from app.fields import OneOf

    if isinstance(field, OneOf):
        return {"oneOf": [self.resolve_nested_schema(schema) for schema in field.schemas]}
    return {}


class Api(flask_smorest.Api):
    """flask-smorest's Api whose error responses are our envelope and document their headers."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
        self.ma_plugin.converter.add_attribute_function(one_of2properties)
        self._document_error_responses()

    def _document_error_responses(self) -> None:
        components = self.spec.components
        components.header(REQUEST_ID, REQUEST_ID_HEADER)
        components.header(RETRY_AFTER, RETRY_AFTER_HEADER)
        # Registering a lazy component again replaces flask-smorest's entry of that name.
        for status in http.HTTPStatus:
            if status >= 400:
                components.response(status.name, self._error_response(status.phrase, error_headers(status)), lazy=True)
        components.response(self.DEFAULT_ERROR_RESPONSE_NAME, self._error_response("Default error response", error_headers(0)), lazy=True)

    def _error_response(self, description: str, headers: dict) -> dict:
        return {
            "description": description,
            "headers": headers,
            "content": {self.DEFAULT_RESPONSE_CONTENT_TYPE: {"schema": self.ERROR_SCHEMA}},
        }
