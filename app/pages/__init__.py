"""Server-rendered pages (docs/pages.md): the pages the emailed links open, and the
infrastructure any feature uses to add a page of its own (docs/pages.md).

- `PageBlueprint`: a Flask blueprint whose every response carries the pages'
  security headers (`secure_page`) and whose errors are HTML pages, not the
  API's JSON envelope.
- app/pages/templates/pages/base.html: the layout (`<html lang>`, skip link,
  header / main / footer landmarks, the one stylesheet); pages extend it.
- app/pages/static/pages.css: the one stylesheet. No inline style or script
  anywhere: the Content-Security-Policy forbids them.
- app/pages/csrf.py: the forms' CSRF tokens (`{{ csrf_field("name") }}`).
"""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from app.extensions import limiter
from app.pages import csrf

# No inline script or style, nothing from another origin, never in a frame,
# forms post only here, no <base> to redirect relative URLs.
CONTENT_SECURITY_POLICY = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    # The token is in the URL: never send it on to another site.
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}


def secure_page(response):
    """Add the pages' security headers; pages (not their static files) are never cached,
    as most carry a token in their URL or form."""
    for name, value in PAGE_HEADERS.items():
        response.headers[name] = value
    if not (request.endpoint or "").endswith(".static"):
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.vary.add("Accept-Language")
    csrf.set_cookie(response)
    return response


def page_error(exc: Exception):
    """Any error on a page: the API's handler decides the status, headers and what
    is logged; the browser gets an HTML page saying it in the reader's language."""
    from app import errors

    if isinstance(exc, errors.AppError):
        response = errors.handle_app_error(exc)
    elif isinstance(exc, (OperationalError, PoolTimeoutError)):
        response = errors.handle_database_unavailable(exc)
    else:
        response = errors.handle_unexpected(exc)
    body = (response.get_json(silent=True) or {}).get("error") or {}
    html = render_template(
        "pages/error.html",
        status=response.status_code,
        code=body.get("code"),
        trace_id=body.get("trace_id"),
        retry_after=response.headers.get("Retry-After"),
    )
    response.set_data(html)
    response.mimetype = "text/html"
    return response


class PageBlueprint(Blueprint):
    """A blueprint of HTML pages: `secure_page` on every response, `page_error` for
    every error. Templates extend "pages/base.html" (docs/pages.md)."""

    def __init__(self, name: str, import_name: str, **kwargs):
        super().__init__(name, import_name, **kwargs)
        self.after_request(secure_page)
        self.register_error_handler(Exception, page_error)


bp = PageBlueprint("pages", __name__, template_folder="templates", static_folder="static", static_url_path="/pages/static")


@bp.app_context_processor
def _page_globals():
    from flask_babel import get_locale

    return {"csrf_token": csrf.generate_token, "csrf_field_name": csrf.FIELD_NAME, "page_lang": str(get_locale() or "en").replace("_", "-")}


def page_limit(limit: str, methods: list[str] | None = None):
    """Limit a page per client IP (`"10 per minute"`, only for `methods` if given;
    429 page beyond it), counted in Redis like the API's limits. Marks the view
    as limited, as Blueprint.rate_limited does (app.extensions.skip_unlimited_routes)."""

    def decorator(view):
        limited = limiter.limit(limit, methods=methods)(view)
        limited.rate_limited = True
        return limited

    return decorator


def render_page(template: str, status: int = 200, **context):
    """Render a page template (extending pages/base.html) with `status`."""
    return render_template(template, **context), status


from app.pages import links  # noqa: E402,F401  (the routes of the emailed links)
