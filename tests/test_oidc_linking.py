"""Linking and unlinking identity providers (docs/oidc.md), and
accounts without a password: the takeover attempts each rule stops."""

from __future__ import annotations

import time
import uuid

import pytest

from app.security import access_tokens
from tests.auth_client import audit_events, bearer, emailed_messages, fresh_ip, signed_in
from tests.conftest import unique_email
from tests.oidc_steps import PROVIDER, REDIRECT_URI, Browser, back_at_client, sign_in_with_provider

LINK = f"/api/v1/auth/oidc/{PROVIDER}/link"
IDENTITIES = "/api/v1/users/me/identities"


def stale(monkeypatch):
    """Move the clock the token checks read 10 minutes ahead: every session is stale, no token expired."""
    monkeypatch.setattr(access_tokens, "_clock", lambda: time.time() + 600)


def start_link(client, headers, redirect_uri=REDIRECT_URI, provider=PROVIDER):
    return client.post(
        f"/api/v1/auth/oidc/{provider}/link", json={"redirect_uri": redirect_uri}, headers=headers, environ_base={"REMOTE_ADDR": fresh_ip()}
    )


def link(app, headers, **user) -> dict:
    """Start a link with `headers` and finish it in a new browser as `user` at the provider."""
    browser = Browser(app)
    response = start_link(browser.client, headers)
    assert response.status_code == 200, response.get_json()
    return back_at_client(browser.round_trip(link=_ticket(response), **user))


def _ticket(response) -> str:
    from urllib.parse import parse_qs, urlsplit

    url = response.get_json()["data"]["authorize_url"]
    assert urlsplit(url).path == f"/api/v1/auth/oidc/{PROVIDER}/authorize"
    return parse_qs(urlsplit(url).query)["link"][0]


def identities(client, headers) -> list[dict]:
    response = client.get(IDENTITIES, headers=headers)
    assert response.status_code == 200
    return response.get_json()["data"]


def me(client, headers) -> dict:
    return client.get("/api/v1/users/me", headers=headers).get_json()["data"]


# ------------------------------------------------------------------ link


def test_link_from_a_fresh_session_then_the_provider_signs_in_to_that_account(app, oidc, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    assert me(client, headers)["sign_in_methods"] == ["password"]  # (now in the account cache)
    assert link(app, headers, sub="s-link", email="someone-else@example.org") == {"linked": PROVIDER}
    [identity] = identities(client, headers)
    assert identity["provider"] == PROVIDER and identity["email"] == "someone-else@example.org"
    assert me(client, headers)["sign_in_methods"] == ["password", f"oidc:{PROVIDER}"]
    [mail] = emailed_messages(app, to=user.email, template="identity_linked")
    assert mail["context"]["provider"] == PROVIDER
    assert audit_events(app, "auth.oidc_linked")[-1].user_id == user.id
    assert sign_in_with_provider(app, sub="s-link")["user"]["id"] == str(user.id)


def test_the_email_link_required_path_ends_in_a_link(app, oidc, client, make_user):
    user = make_user()
    assert back_at_client(Browser(app).round_trip(sub="s-owner", email=user.email, email_verified=True)) == {
        "error": "AUTH_OIDC_LINK_REQUIRED_040"
    }
    headers = bearer(signed_in(client, user.email)["access_token"])
    assert link(app, headers, sub="s-owner", email=user.email, email_verified=True) == {"linked": PROVIDER}
    assert sign_in_with_provider(app, sub="s-owner")["user"]["id"] == str(user.id)


def test_link_needs_a_fresh_session(app, oidc, client, make_user, monkeypatch):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    stale(monkeypatch)
    response = start_link(client, headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "AUTH_REAUTH_REQUIRED_033"


def test_link_needs_a_token(app, oidc, client):
    assert start_link(client, {}).status_code == 401


def test_link_redirect_uri_must_be_allowed(app, oidc, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    response = start_link(client, headers, redirect_uri="https://evil.example/auth/done")
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "redirect_uri"


def test_link_to_an_unknown_provider_is_404(app, oidc, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    assert start_link(client, headers, provider="nope").status_code == 404


def test_a_link_ticket_is_single_use(app, oidc, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    ticket = _ticket(start_link(client, headers))
    assert Browser(app).start(link=ticket).status_code == 302
    # Whoever sees the URL afterwards (history, a proxy log) cannot start a link with it.
    replay = Browser(app).start(link=ticket)
    assert replay.status_code == 400
    assert replay.get_json()["error"]["code"] == "AUTH_OIDC_STATE_INVALID_058"


def test_a_link_ticket_is_for_its_provider_only(app, oidc, client, make_user, monkeypatch):
    providers = dict(app.config["OIDC_PROVIDERS"])
    providers["other"] = dict(providers[PROVIDER])
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", providers)
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    ticket = _ticket(start_link(client, headers))
    assert Browser(app).start(provider="other", link=ticket).status_code == 400


def test_a_link_callback_in_another_browser_is_refused(app, oidc, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    owner, attacker = Browser(app), Browser(app)
    started = owner.start(link=_ticket(start_link(client, headers)))
    callback = owner.at_provider(started.headers["Location"], sub="s-attacker")
    assert attacker.get(callback).status_code == 400
    assert identities(client, headers) == []


def test_an_identity_linked_to_another_account_is_not_moved(app, oidc, client, make_user):
    owner = sign_in_with_provider(app, sub="s-taken", email=unique_email(), email_verified=True)
    someone = make_user()
    headers = bearer(signed_in(client, someone.email)["access_token"])
    assert link(app, headers, sub="s-taken") == {"error": "AUTH_OIDC_IDENTITY_REFUSED_060"}
    assert identities(client, headers) == []
    assert sign_in_with_provider(app, sub="s-taken")["user"]["id"] == owner["user"]["id"]
    assert audit_events(app, "auth.oidc_refused")[-1].details["reason"] == "identity_linked_to_another_account"


def test_linking_an_identity_already_linked_to_you_changes_nothing(app, oidc, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    assert link(app, headers, sub="s-twice") == {"linked": PROVIDER}
    assert link(app, headers, sub="s-twice") == {"linked": PROVIDER}
    assert len(identities(client, headers)) == 1
    assert len(emailed_messages(app, to=user.email, template="identity_linked")) == 1


def test_a_link_whose_session_ended_meanwhile_links_nothing(app, oidc, client, make_user):
    user = make_user()
    data = signed_in(client, user.email)
    headers = bearer(data["access_token"])
    browser = Browser(app)
    started = browser.start(link=_ticket(start_link(client, headers)))
    callback = browser.at_provider(started.headers["Location"], sub="s-late")
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    assert back_at_client(browser.get(callback)) == {"error": "AUTH_SESSION_REVOKED_018"}
    headers = bearer(signed_in(client, user.email)["access_token"])
    assert identities(client, headers) == []


# ---------------------------------------------------------------- unlink


def test_unlink_with_a_password_left(app, oidc, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    link(app, headers, sub="s-unlink", email="me@provider.example")
    [identity] = identities(client, headers)
    assert me(client, headers)["sign_in_methods"] == ["password", f"oidc:{PROVIDER}"]  # (now in the account cache)
    response = client.delete(f"{IDENTITIES}/{identity['id']}", headers=headers)
    assert response.status_code == 204
    assert identities(client, headers) == []
    assert me(client, headers)["sign_in_methods"] == ["password"]
    [mail] = emailed_messages(app, to=user.email, template="identity_unlinked")
    assert mail["context"]["provider_email"] == "me@provider.example"
    assert audit_events(app, "auth.oidc_unlinked")[-1].outcome == "success"
    # The identity is free again: it signs in to nothing of this account.
    back = back_at_client(Browser(app).round_trip(sub="s-unlink", email=user.email, email_verified=True))
    assert back == {"error": "AUTH_OIDC_LINK_REQUIRED_040"}


def test_the_last_way_to_sign_in_cannot_be_unlinked(app, oidc, client):
    data = sign_in_with_provider(app, sub="s-only", email=unique_email(), email_verified=True)
    headers = bearer(data["access_token"])
    [identity] = identities(client, headers)
    response = client.delete(f"{IDENTITIES}/{identity['id']}", headers=headers)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "AUTH_LAST_SIGN_IN_METHOD_041"
    assert len(identities(client, headers)) == 1
    assert audit_events(app, "auth.oidc_unlinked")[-1].outcome == "failure"


def test_of_two_identities_one_may_go_not_both(app, oidc, client):
    data = sign_in_with_provider(app, sub="s-first", email=unique_email(), email_verified=True)
    headers = bearer(data["access_token"])
    assert link(app, headers, sub="s-second") == {"linked": PROVIDER}
    first, second = identities(client, headers)
    assert client.delete(f"{IDENTITIES}/{first['id']}", headers=headers).status_code == 204
    assert client.delete(f"{IDENTITIES}/{second['id']}", headers=headers).status_code == 409


def test_unlink_needs_a_fresh_session(app, oidc, client, make_user, monkeypatch):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    link(app, headers, sub="s-stale")
    [identity] = identities(client, headers)
    stale(monkeypatch)
    response = client.delete(f"{IDENTITIES}/{identity['id']}", headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "AUTH_REAUTH_REQUIRED_033"


@pytest.mark.parametrize("whose", ["someone_elses", "unknown", "malformed"])
def test_unlink_of_an_identity_not_yours_is_404(app, oidc, client, make_user, whose):
    other = sign_in_with_provider(app, sub="s-other", email=unique_email(), email_verified=True)
    [theirs] = identities(client, bearer(other["access_token"]))
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    identity_id = {"someone_elses": theirs["id"], "unknown": str(uuid.uuid4()), "malformed": "not-a-uuid"}[whose]
    assert client.delete(f"{IDENTITIES}/{identity_id}", headers=headers).status_code == 404
    assert len(identities(client, bearer(other["access_token"]))) == 1


def test_identities_are_listed_for_their_owner_only(app, oidc, client, make_user):
    sign_in_with_provider(app, sub="s-a", email=unique_email(), email_verified=True)
    user = make_user()
    assert identities(client, bearer(signed_in(client, user.email)["access_token"])) == []
    assert client.get(IDENTITIES).status_code == 401


# ------------------------------------------------- accounts without a password


def test_forgot_password_sets_a_first_password(app, oidc, client):
    from tests.auth_client import post, token_from_link

    email = unique_email()
    sign_in_with_provider(app, sub="s-firstpw", email=email, email_verified=True)
    assert post(client, "/forgot-password", {"email": email}, ip=fresh_ip()).status_code == 202
    [mail] = emailed_messages(app, to=email, template="reset_password")
    token = token_from_link(mail["context"]["link"])
    assert post(client, "/reset-password", {"token": token, "new_password": "FirstPass123"}, ip=fresh_ip()).status_code == 200
    data = signed_in(client, email, "FirstPass123")
    assert me(client, bearer(data["access_token"]))["sign_in_methods"] == ["password", f"oidc:{PROVIDER}"]


def test_change_password_without_current_password_sets_a_first_one_from_a_fresh_session(app, oidc, client):
    email = unique_email()
    data = sign_in_with_provider(app, sub="s-change", email=email, email_verified=True)
    headers = bearer(data["access_token"])
    response = client.post("/api/v1/auth/change-password", json={"new_password": "FirstPass123"}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert signed_in(client, email, "FirstPass123")["user"]["email"] == email
    assert audit_events(app, "auth.password_changed")[-1].details["first_password"] is True


def test_change_password_without_current_password_needs_a_fresh_session(app, oidc, client, monkeypatch):
    email = unique_email()
    data = sign_in_with_provider(app, sub="s-stale-change", email=email, email_verified=True)
    stale(monkeypatch)
    response = client.post("/api/v1/auth/change-password", json={"new_password": "FirstPass123"}, headers=bearer(data["access_token"]))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "AUTH_REAUTH_REQUIRED_033"
    monkeypatch.undo()
    assert client.post("/api/v1/auth/login", json={"email": email, "password": "FirstPass123"}).status_code == 401


def test_an_account_with_a_password_must_give_it_even_from_a_fresh_session(app, oidc, client, make_user):
    user = make_user()
    headers = bearer(signed_in(client, user.email)["access_token"])
    response = client.post("/api/v1/auth/change-password", json={"new_password": "Another123x"}, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "AUTH_PASSWORD_INCORRECT_025"
    assert signed_in(client, user.email)["user"]["id"] == str(user.id)


def test_a_guessed_current_password_does_not_set_a_first_one(app, oidc, client, monkeypatch):
    email = unique_email()
    data = sign_in_with_provider(app, sub="s-guess", email=email, email_verified=True)
    stale(monkeypatch)  # a stolen, stale token cannot skip the fresh-session rule by sending some password
    response = client.post(
        "/api/v1/auth/change-password",
        json={"current_password": "anything", "new_password": "FirstPass123"},
        headers=bearer(data["access_token"]),
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "AUTH_PASSWORD_INCORRECT_025"


def test_audit_events_of_the_round_trip_are_webhooks(app, oidc, monkeypatch):
    from app.extensions import db
    from app.models import OutboxMessage

    monkeypatch.setitem(app.config, "WEBHOOK_URL", "http://127.0.0.1:9/hook")
    monkeypatch.setitem(app.config, "WEBHOOK_SECRET", "webhook-secret")
    sign_in_with_provider(app, sub="s-hook", email=unique_email(), email_verified=True)
    with app.app_context():
        types = [
            m.payload["event"]["type"]
            for m in db.session.execute(db.select(OutboxMessage).where(OutboxMessage.kind == "webhook")).scalars()
        ]
    assert "auth.oidc_linked" in types and "user.registered" in types and "auth.login_succeeded" in types


def test_an_account_pre_registered_with_the_victims_address_is_not_linked_either(app, oidc, make_user):
    # Someone registered the victim's address with a password of their own (never verified):
    # the victim's provider sign-in must not hand the squatter a linked account.
    squatter = make_user(email=unique_email("victim"), is_verified=False)
    back = back_at_client(Browser(app).round_trip(sub="s-victim", email=squatter.email, email_verified=True))
    assert back == {"error": "AUTH_OIDC_LINK_REQUIRED_040"}


def test_a_passkey_is_a_way_to_sign_in_so_the_last_identity_may_go(app, oidc, client):
    from app.extensions import db
    from app.models import Passkey

    data = sign_in_with_provider(app, sub="s-passkey", email=unique_email(), email_verified=True)
    headers = bearer(data["access_token"])
    assert me(client, headers)["sign_in_methods"] == [f"oidc:{PROVIDER}"]  # (now in the account cache)
    with app.app_context():  # (a registered passkey; its ceremony is tests/test_passkeys.py's business)
        db.session.add(Passkey(user_id=uuid.UUID(data["user"]["id"]), credential_id=b"cred", public_key=b"key", name="Laptop"))
        db.session.commit()
    assert me(client, headers)["sign_in_methods"] == ["passkey", f"oidc:{PROVIDER}"]
    [identity] = identities(client, headers)
    assert client.delete(f"{IDENTITIES}/{identity['id']}", headers=headers).status_code == 204
    assert me(client, headers)["sign_in_methods"] == ["passkey"]


def test_mfa_still_applies_after_a_provider_sign_in(app, oidc, client, make_user, monkeypatch):
    from tests.test_mfa import Clock, current_code, enrol, second_step

    clock = Clock(monkeypatch)
    user = make_user()
    secret = enrol(client, user, clock)["secret"]
    # (a fresh session of the password + TOTP sign-in links the provider)
    answer = client.post(
        "/api/v1/auth/login/mfa",
        json={
            "mfa_token": client.post(
                "/api/v1/auth/login", json={"email": user.email, "password": "SecurePass123"}, environ_base={"REMOTE_ADDR": fresh_ip()}
            ).get_json()["data"]["mfa_token"],
            "code": current_code(secret),
        },
        environ_base={"REMOTE_ADDR": fresh_ip()},
    )
    assert answer.status_code == 200, answer.get_json()
    assert link(app, bearer(answer.get_json()["data"]["access_token"]), sub="s-mfa") == {"linked": PROVIDER}
    clock.step()

    browser = Browser(app)
    code = back_at_client(browser.round_trip(sub="s-mfa"))["gatehouse_code"]
    first = browser.client.post("/api/v1/auth/oidc/exchange", json={"code": code}, environ_base={"REMOTE_ADDR": fresh_ip()})
    assert first.status_code == 200, first.get_json()
    step = first.get_json()["data"]
    assert step["mfa_required"] is True and "access_token" not in step and "totp" in step["methods"]
    done = second_step(client, step["mfa_token"], current_code(secret))
    assert done.status_code == 200, done.get_json()
    sessions = client.get("/api/v1/auth/sessions", headers=bearer(done.get_json()["data"]["access_token"])).get_json()["data"]
    current = next(s for s in sessions if s["current"])
    assert current["aal"] == 2 and "fed" in current["amr"] and "otp" in current["amr"]
