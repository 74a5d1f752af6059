"""The pages of the emailed links (docs/pages.md): /verify-email,
/confirm-email-change and /reset-password. A GET never spends a link; the
form's POST (with its CSRF token) confirms through the API's services; every
state (valid, used, expired, invalid, wrong CSRF) has its page; the security
headers are on every page. The browser-level checks are in test_pages_browser.py."""

from __future__ import annotations

import re

import pytest

from app.models import UserToken
from tests.auth_client import emailed_messages, register, signed_in, token_from_link
from tests.conftest import DEFAULT_PASSWORD
from tests.page_steps import csrf_token, make_link, open_page, submit, text_of, token_row, user_row

VERIFY, CHANGE, RESET = UserToken.PURPOSE_VERIFY_EMAIL, UserToken.PURPOSE_CHANGE_EMAIL, UserToken.PURPOSE_RESET_PASSWORD
PATHS = {VERIFY: "/verify-email", CHANGE: "/confirm-email-change", RESET: "/reset-password"}
NEW_PASSWORD = "BrandNew2Pass"


def _fields(purpose, token):
    if purpose == RESET:
        return {"token": token, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    return {"token": token}


def _link(app, make_user, purpose, **state):
    user = make_user(is_verified=purpose != VERIFY)
    new_email = f"new-{user.email}" if purpose == CHANGE else None
    return user, make_link(app, user, purpose, new_email=new_email, **state)


# ------------------------------------------------------------ headers


@pytest.mark.parametrize("purpose", [VERIFY, CHANGE, RESET])
@pytest.mark.parametrize("valid", [True, False])
def test_link_pages_send_the_security_headers(app, client, make_user, purpose, valid):
    _, token = _link(app, make_user, purpose)
    response = open_page(client, f"{PATHS[purpose]}?token={token if valid else 'nope'}")
    assert response.status_code == (200 if valid else 400)
    assert response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    for directive in ("default-src 'self'", "frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"):
        assert directive in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    # Nothing the policy would block, nothing from elsewhere.
    assert "<script" not in html and "style=" not in html and "<style" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_stylesheet_is_one_small_static_file(client):
    page = open_page(client, "/verify-email?token=x").get_data(as_text=True)
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert sheets == ["/pages/static/pages.css"]
    css = client.get(sheets[0])
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert len(css.data) < 8 * 1024
    assert "Cache-Control" not in css.headers or "no-store" not in css.headers["Cache-Control"]


def test_pages_have_language_landmarks_and_labels(app, client, make_user):
    _, token = _link(app, make_user, RESET)
    html = open_page(client, f"/reset-password?token={token}").get_data(as_text=True)
    assert '<html lang="en">' in html
    for landmark in ("<header", "<main", "<footer", "<h1>"):
        assert landmark in html
    for field in ("password", "password_confirm"):
        assert f'<label for="{field}">' in html and f'id="{field}"' in html
    assert 'autocomplete="new-password"' in html


# ------------------------------------------------------- GET never spends


@pytest.mark.parametrize("purpose", [VERIFY, CHANGE, RESET])
def test_opening_a_link_never_spends_it(app, client, make_user, purpose):
    user, token = _link(app, make_user, purpose)
    for _ in range(3):  # a mail scanner, a preview, the person
        response = open_page(client, f"{PATHS[purpose]}?token={token}")
        assert response.status_code == 200
        assert '<form method="post"' in response.get_data(as_text=True)
    assert token_row(app, token).used_at is None
    after = user_row(app, user.id)
    assert (after.is_verified, after.email, after.password_hash) == (user.is_verified, user.email, user.password_hash)


# ------------------------------------------------------------ confirm


def test_verify_page_confirms_the_address_with_its_form(app, client, make_user):
    user, token = _link(app, make_user, VERIFY)
    page = open_page(client, f"/verify-email?token={token}")
    assert "Press the button to confirm" in text_of(page)
    response = submit(client, "/verify-email", {"token": token}, page=page)
    assert response.status_code == 200
    assert "your email address is confirmed" in text_of(response)
    assert user_row(app, user.id).is_verified is True
    assert token_row(app, token).used_at is not None
    # The same form again: the link is spent.
    again = submit(client, "/verify-email", {"token": token}, page=page)
    assert again.status_code == 400 and "already been used" in text_of(again)


def test_confirm_email_change_page_moves_the_account_to_the_new_address(app, client, make_user):
    user, token = _link(app, make_user, CHANGE)
    page = open_page(client, f"/confirm-email-change?token={token}")
    assert f"new-{user.email}" in text_of(page)
    response = submit(client, "/confirm-email-change", {"token": token}, page=page)
    assert response.status_code == 200
    assert f"Your account now uses the address new-{user.email}" in text_of(response)
    assert user_row(app, user.id).email == f"new-{user.email}"


def test_confirm_email_change_page_says_when_the_address_was_taken_meanwhile(app, client, make_user):
    user, token = _link(app, make_user, CHANGE)
    make_user(email=f"new-{user.email}")
    page = open_page(client, f"/confirm-email-change?token={token}")
    response = submit(client, "/confirm-email-change", {"token": token}, page=page)
    assert response.status_code == 400
    assert "keeps its current address" in text_of(response)
    assert user_row(app, user.id).email == user.email


def test_confirm_email_change_page_refuses_a_verification_link(app, client, make_user):
    user, token = _link(app, make_user, VERIFY)
    response = open_page(client, f"/confirm-email-change?token={token}")
    assert response.status_code == 400 and "not valid" in text_of(response)
    refused = submit(client, "/confirm-email-change", {"token": token}, page=open_page(client, "/verify-email?token=" + token))
    assert refused.status_code == 400
    assert user_row(app, user.id).is_verified is False and token_row(app, token).used_at is None


# ------------------------------------------------------------ failures

FAILURES = [
    ("used", {"used": True}, "already been used"),
    ("expired", {"expired": True}, "This link has expired"),
]


@pytest.mark.parametrize("purpose", [VERIFY, CHANGE, RESET])
@pytest.mark.parametrize(("state", "staging", "sentence"), FAILURES)
def test_spent_and_expired_links_say_so_with_the_next_step(app, client, make_user, purpose, state, staging, sentence):
    user, token = _link(app, make_user, purpose, **staging)
    response = open_page(client, f"{PATHS[purpose]}?token={token}")
    assert response.status_code == 400
    text = text_of(response)
    assert sentence in text and "What you can do" in text
    assert "<form" not in response.get_data(as_text=True)
    # Posting anyway changes nothing.
    posted = submit(client, PATHS[purpose], _fields(purpose, token))
    assert posted.status_code == 400
    after = user_row(app, user.id)
    assert (after.is_verified, after.email, after.password_hash) == (user.is_verified, user.email, user.password_hash)


@pytest.mark.parametrize("purpose", [VERIFY, CHANGE, RESET])
@pytest.mark.parametrize("query", ["?token=not-a-real-token", "", "?token=", "?token=" + "A" * 600])
def test_unknown_links_are_not_valid(client, purpose, query):
    response = open_page(client, PATHS[purpose] + query)
    assert response.status_code == 400
    assert "This link is not valid" in text_of(response)


@pytest.mark.parametrize("purpose", [VERIFY, RESET])
@pytest.mark.parametrize("account", ["disabled", "deleted"])
def test_a_disabled_or_deleted_accounts_link_is_not_valid(app, client, make_user, purpose, account):
    from app.models import utcnow

    attributes = {"is_active": False} if account == "disabled" else {"deleted_at": utcnow()}
    user = make_user(is_verified=False, **attributes)
    token = make_link(app, user, purpose)
    assert "This link is not valid" in text_of(open_page(client, f"{PATHS[purpose]}?token={token}"))


def test_a_reset_link_mailed_to_an_old_address_is_not_valid(app, client, make_user):
    user = make_user()
    token = make_link(app, user, RESET, new_email="old-" + user.email)
    assert "This link is not valid" in text_of(open_page(client, f"/reset-password?token={token}"))


# ---------------------------------------------------------------- CSRF


def _tampered(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


@pytest.mark.parametrize("purpose", [VERIFY, CHANGE, RESET])
@pytest.mark.parametrize("attack", ["no token", "tampered", "other form", "other browser", "no cookie", "cross origin", "cross site"])
def test_posts_without_a_good_csrf_token_change_nothing(app, client, make_user, purpose, attack):
    user, token = _link(app, make_user, purpose)
    page = open_page(client, f"{PATHS[purpose]}?token={token}")
    data, headers, poster = _fields(purpose, token), {}, client
    good = csrf_token(page)
    if attack == "no token":
        pass
    elif attack == "tampered":
        data["csrf_token"] = _tampered(good)
    elif attack == "other form":
        other = RESET if purpose != RESET else VERIFY
        _, other_token = _link(app, make_user, other)
        data["csrf_token"] = csrf_token(open_page(client, f"{PATHS[other]}?token={other_token}"))
    elif attack == "other browser":
        # The attacker's own page and token, posted from the victim's browser (its own cookie).
        attacker = app.test_client()
        data["csrf_token"] = csrf_token(open_page(attacker, f"{PATHS[purpose]}?token={token}"))
    elif attack == "no cookie":
        data["csrf_token"] = good
        poster = app.test_client()
    elif attack == "cross origin":
        data["csrf_token"], headers = good, {"Origin": "https://evil.example"}
    elif attack == "cross site":
        data["csrf_token"], headers = good, {"Sec-Fetch-Site": "cross-site"}
    response = submit(poster, PATHS[purpose], data, headers=headers)
    assert response.status_code == 400
    assert "This form had expired or was not sent from this page" in text_of(response)
    assert csrf_token(response)  # a fresh form to try again
    assert token_row(app, token).used_at is None
    after = user_row(app, user.id)
    assert (after.is_verified, after.email, after.password_hash) == (user.is_verified, user.email, user.password_hash)


def test_csrf_cookie_is_httponly_and_same_site_strict(app, client, make_user):
    _, token = _link(app, make_user, VERIFY)
    response = open_page(client, f"/verify-email?token={token}")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("gatehouse_csrf=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie


@pytest.mark.parametrize("origin", ["http://localhost", "null"])
def test_same_origin_post_passes(app, client, make_user, origin):
    """`Origin: null` is what Chromium sends with the page's own form under Referrer-Policy no-referrer."""
    user, token = _link(app, make_user, VERIFY)
    page = open_page(client, f"/verify-email?token={token}")
    response = submit(client, "/verify-email", {"token": token}, page=page, headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 200
    assert user_row(app, user.id).is_verified


# --------------------------------------------------------------- reset


@pytest.mark.parametrize(
    ("password", "confirmation", "messages"),
    [
        ("short1A", "short1A", ["Password must be 8 to 128 characters long."]),
        ("alllowercase1", "alllowercase1", ["Password must contain at least one uppercase letter."]),
        ("NoDigitsHere", "NoDigitsHere", ["Password must contain at least one digit."]),
        (NEW_PASSWORD, NEW_PASSWORD + "x", ["The two passwords are not the same."]),
        ("", "", ["Password must be 8 to 128 characters long."]),
    ],
)
def test_reset_page_shows_the_apis_rules_on_the_page(app, client, make_user, password, confirmation, messages):
    user, token = _link(app, make_user, RESET)
    page = open_page(client, f"/reset-password?token={token}")
    response = submit(client, "/reset-password", {"token": token, "password": password, "password_confirm": confirmation}, page=page)
    assert response.status_code == 400
    html, text = response.get_data(as_text=True), text_of(response)
    assert "Please correct the following" in text
    for message in messages:
        assert message in text
    assert 'aria-invalid="true"' in html
    assert password not in re.findall(r'value="([^"]*)"', html) or password == ""  # never echoed back
    assert token_row(app, token).used_at is None
    assert user_row(app, user.id).password_hash == user.password_hash


def test_reset_page_sets_the_password_and_ends_every_session(app, client, make_user, sign_in):
    user, token = _link(app, make_user, RESET)
    headers = sign_in(user)
    page = open_page(client, f"/reset-password?token={token}")
    response = submit(client, "/reset-password", {"token": token, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}, page=page)
    assert response.status_code == 200
    assert "Your password has been changed" in text_of(response)
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401
    signed_in(client, user.email, NEW_PASSWORD)
    assert token_row(app, token).used_at is not None
    assert [m["template"] for m in emailed_messages(app, to=user.email)] == ["password_changed"]


# --------------------------------------------------------- from the email


def test_newcomer_registers_opens_the_emailed_link_confirms_and_signs_in(app, client):
    email = "newcomer-pages@example.com"
    assert register(client, email=email).status_code == 201
    link = emailed_messages(app, to=email, template="verify_email")[-1]["context"]["link"]
    assert link.startswith(app.config["FRONTEND_URL"] + "/verify-email?token=")
    path = link.removeprefix(app.config["FRONTEND_URL"])
    page = open_page(client, path)
    assert page.status_code == 200
    response = submit(client, "/verify-email", {"token": token_from_link(link)}, page=page)
    assert response.status_code == 200
    assert signed_in(client, email, DEFAULT_PASSWORD)["user"]["is_verified"] is True


def test_email_change_link_opens_the_confirm_email_change_page(app, client, make_user, sign_in):
    user = make_user()
    headers = sign_in(user)
    new_email = "moved-" + user.email
    response = client.patch("/api/v1/users/me", json={"email": new_email}, headers=headers)
    assert response.status_code == 200, response.get_json()
    link = emailed_messages(app, to=new_email, template="change_email_confirm")[-1]["context"]["link"]
    assert link.startswith(app.config["FRONTEND_URL"] + "/confirm-email-change?token=")
    page = open_page(client, link.removeprefix(app.config["FRONTEND_URL"]))
    confirmed = submit(client, "/confirm-email-change", {"token": token_from_link(link)}, page=page)
    assert confirmed.status_code == 200
    assert user_row(app, user.id).email == new_email


# --------------------------------------------------------------- errors


def test_page_errors_are_html_pages_not_json(app, client):
    from app.context import RequestContext
    from app.flags import service as flags

    with app.app_context():
        flags.set_flag(flags.MAINTENANCE, True, None, RequestContext())
    app.extensions.pop("gatehouse-maintenance", None)
    response = open_page(client, "/verify-email?token=x")
    assert response.status_code == 503
    assert response.mimetype == "text/html" and "Retry-After" in response.headers
    assert "briefly unavailable" in text_of(response)
    assert response.headers["X-Frame-Options"] == "DENY"


def test_too_many_posts_from_one_address_get_a_429_page(app, client, make_user):
    _, token = _link(app, make_user, VERIFY)
    page = open_page(client, f"/verify-email?token={token}", ip="10.99.0.1")
    statuses = [submit(client, "/verify-email", {"token": "wrong"}, page=page, ip="10.99.0.1").status_code for _ in range(11)]
    assert statuses[-1] == 429
    last = submit(client, "/verify-email", {"token": "wrong"}, page=page, ip="10.99.0.1")
    assert last.mimetype == "text/html" and "Please wait a minute" in text_of(last)
