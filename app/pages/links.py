"""The pages the emailed links open (docs/pages.md): /verify-email, /confirm-email-change
and /reset-password, each `?token=…`.

A GET only looks at the link (app.pages.service.link_state) and shows a form;
the form's POST (with its CSRF token, app.pages.csrf) confirms through the
API's own services. Each page answers in the language of the account the link
belongs to (app.i18n), or the browser's when the link is unknown.
"""

from __future__ import annotations

from flask import request
from flask_babel import gettext

from app.auth.routes import RESET_LIMIT, VERIFY_LIMIT
from app.blueprint import setting
from app.context import request_context
from app.errors import AppError
from app.i18n import use_locale
from app.pages import bp, csrf, page_limit, render_page, service

# A GET reads the database; more than this from one address is someone probing.
VIEW_LIMIT = setting("PAGE_RATE_LIMIT")
CONFIRM_FORM = "confirm-email"
RESET_FORM = "reset-password"


def _gettext_each(messages):
    # The API's messages are English; those in the catalogue are shown translated.
    return [gettext(m) for m in messages]


def _is_change(kind: str, purpose: str | None) -> bool:
    return kind == "change" or purpose == service.CHANGE_PURPOSES[0]


def _token() -> str:
    return (request.form.get("token") if request.method == "POST" else request.args.get("token")) or ""


def _confirmation_page(kind: str, purposes: tuple[str, ...]):
    token = _token()
    state = service.link_state(token, purposes)
    if state.locale:  # the account's language; else the browser's (app.i18n.select_locale)
        use_locale(state.locale)
    context = {"token": token, "change": _is_change(kind, state.purpose), "new_email": state.new_email}
    if request.method == "GET" or state.state != service.VALID:
        return render_page("pages/confirm_email.html", 200 if state.state == service.VALID else 400, state=state.state, **context)
    if not csrf.is_valid(CONFIRM_FORM):
        return render_page("pages/confirm_email.html", 400, state=service.VALID, csrf_failed=True, **context)
    outcome, purpose = service.confirm_email(token, purposes, request_context())
    context["change"] = _is_change(kind, purpose)
    return render_page("pages/confirm_email.html", 200 if outcome == "confirmed" else 400, state=outcome, **context)


@bp.route("/verify-email", methods=["GET", "POST"])
@page_limit(VIEW_LIMIT, methods=["GET"])
@page_limit(VERIFY_LIMIT, methods=["POST"])
def verify_email_page():
    """The link of the verification email (and of email-change emails sent before
    /confirm-email-change existed): a button that confirms the address."""
    return _confirmation_page("verify", service.EMAIL_PURPOSES)


@bp.route("/confirm-email-change", methods=["GET", "POST"])
@page_limit(VIEW_LIMIT, methods=["GET"])
@page_limit(VERIFY_LIMIT, methods=["POST"])
def confirm_email_change_page():
    """The link sent to a new address: a button that moves the account to it."""
    return _confirmation_page("change", service.CHANGE_PURPOSES)


@bp.route("/reset-password", methods=["GET", "POST"])
@page_limit(VIEW_LIMIT, methods=["GET"])
@page_limit(RESET_LIMIT, methods=["POST"])
def reset_password_page():
    """The link of the password-reset email: the new password, twice."""
    token = _token()
    state = service.link_state(token, service.RESET_PURPOSES)
    if state.locale:  # the account's language; else the browser's (app.i18n.select_locale)
        use_locale(state.locale)
    if request.method == "GET" or state.state != service.VALID:
        return render_page(
            "pages/reset_password.html", 200 if state.state == service.VALID else 400, state=state.state, token=token, problems={}
        )
    if not csrf.is_valid(RESET_FORM):
        return render_page("pages/reset_password.html", 400, state=service.VALID, token=token, problems={}, csrf_failed=True)
    password = request.form.get("password", "")
    problems = service.new_password_problems(password, request.form.get("password_confirm", ""))
    if not problems:
        try:
            outcome = service.reset_password(token, password, request_context())
        except AppError as exc:
            if exc.error.status != 400:
                raise
            # A rule the service itself checks (the password refused as it stands).
            problems = {"password": [m["message"] for m in (exc.details or [])] or [exc.message]}
        else:
            return render_page("pages/reset_password.html", 200 if outcome == "reset" else 400, state=outcome, token=token, problems={})
    problems = {field: _gettext_each(messages) for field, messages in problems.items()}
    return render_page("pages/reset_password.html", 400, state=service.VALID, token=token, problems=problems)
