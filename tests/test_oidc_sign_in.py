"""Sign-in with an OpenID Connect provider (docs/oidc.md), against a
real provider process (tests/oidc_provider.py): the round trip, the account
rules, and the attacks on each step."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.auth_client import audit_events, bearer, emailed_messages, get_user, signed_in
from tests.conftest import unique_email
from tests.oidc_steps import CLIENT_ID, PROVIDER, REDIRECT_URI, Browser, back_at_client, exchange, sign_in_with_provider


def _identities(app, user_id=None):
    from app.extensions import db
    from app.models import OidcIdentity

    with app.app_context():
        query = db.select(OidcIdentity)
        if user_id is not None:
            query = query.where(OidcIdentity.user_id == user_id)
        rows = list(db.session.execute(query).scalars())
        for row in rows:
            db.session.expunge(row)
        return rows


# ------------------------------------------------------------ the good path


def test_new_identity_with_verified_free_email_creates_a_verified_account_without_password(app, oidc):
    email = unique_email("new")
    browser = Browser(app)
    started = browser.start()
    assert started.status_code == 302
    to_provider = urlsplit(started.headers["Location"])
    query = {k: v[0] for k, v in parse_qs(to_provider.query).items()}
    assert to_provider.geturl().startswith(oidc.url + "/authorize")
    assert query["code_challenge_method"] == "S256" and len(query["code_challenge"]) == 43
    assert query["state"] and query["nonce"] and query["client_id"] == CLIENT_ID
    assert "code_verifier" not in query
    cookie = started.headers["Set-Cookie"]
    assert "gatehouse_oidc=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie

    back = back_at_client(
        browser.get(browser.at_provider(started.headers["Location"], sub="s-new", email=email, email_verified=True, name="Grace Hopper"))
    )
    assert set(back) == {"gatehouse_code"}  # never a token in a URL
    response = exchange(browser.client, back["gatehouse_code"])
    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert data["token_type"] == "Bearer" and data["refresh_token"]
    assert data["user"]["email"] == email and data["user"]["is_verified"] is True
    assert data["user"]["full_name"] == "Grace Hopper"

    user = get_user(app, data["user"]["id"])
    assert user.password_hash is None
    [identity] = _identities(app, user.id)
    assert (identity.provider, identity.subject, identity.email) == (PROVIDER, "s-new", email)
    # The code was redeemed with the PKCE verifier and the client's credentials.
    [token_request] = oidc.token_requests()
    assert token_request["form"]["code_verifier"] and token_request["basic_auth"]
    me = browser.client.get("/api/v1/users/me", headers=bearer(data["access_token"])).get_json()["data"]
    assert me["sign_in_methods"] == [f"oidc:{PROVIDER}"]
    sessions = browser.client.get("/api/v1/auth/sessions", headers=bearer(data["access_token"])).get_json()["data"]
    assert sessions[0]["amr"] == ["fed"] and sessions[0]["aal"] == 1
    types = [e.event_type for e in audit_events(app)]
    assert "user.registered" in types and "auth.oidc_linked" in types and "auth.login_succeeded" in types


def test_linked_identity_signs_in_to_its_account(app, oidc, make_user):
    first = sign_in_with_provider(app, sub="s-linked", email=unique_email(), email_verified=True)
    # Later the provider no longer even sends the email: the identity alone decides.
    again = sign_in_with_provider(app, sub="s-linked")
    assert again["user"]["id"] == first["user"]["id"]
    assert len(_identities(app)) == 1


def test_gatehouse_password_login_of_a_passwordless_account_fails_like_a_wrong_password(app, oidc, client):
    email = unique_email()
    sign_in_with_provider(app, sub="s-nopw", email=email, email_verified=True)
    response = client.post("/api/v1/auth/login", json={"email": email, "password": "SecurePass123"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_INVALID_CREDENTIALS_001"


def test_providers_are_listed(app, oidc, client):
    assert client.get("/api/v1/auth/oidc/providers").get_json()["data"] == [{"name": PROVIDER}]


# ------------------------------------------------------------ account rules


def test_email_of_an_existing_account_is_never_linked_silently(app, oidc, make_user):
    victim = make_user(email=unique_email("victim"))
    # Someone controls a provider account claiming the victim's (even verified) address.
    back = back_at_client(Browser(app).round_trip(sub="s-attacker", email=victim.email, email_verified=True))
    assert back == {"error": "AUTH_OIDC_LINK_REQUIRED_040"}
    assert _identities(app) == []
    refused = audit_events(app, "auth.oidc_refused")
    assert refused[-1].user_id == victim.id and refused[-1].details["reason"] == "email_of_existing_account"


def test_email_comparison_for_linking_ignores_case(app, oidc, make_user):
    victim = make_user(email=unique_email("case"))
    back = back_at_client(Browser(app).round_trip(sub="s-case", email=victim.email.upper(), email_verified=True))
    assert back == {"error": "AUTH_OIDC_LINK_REQUIRED_040"}


@pytest.mark.parametrize(
    "user",
    [
        {"email": "unverified@example.com", "email_verified": False},
        {"email": "noclaim@example.com"},
        {},
        {"email": "not an address", "email_verified": True},
    ],
    ids=["email_verified_false", "no_email_verified_claim", "no_email", "malformed_email"],
)
def test_identity_without_a_provider_verified_email_creates_no_account(app, oidc, user):
    back = back_at_client(Browser(app).round_trip(sub="s-unverified", **user))
    assert back == {"error": "AUTH_OIDC_IDENTITY_REFUSED_060"}
    assert _identities(app) == []


def test_disabled_account_is_refused_at_the_exchange(app, oidc):
    from tests.auth_client import set_user

    first = sign_in_with_provider(app, sub="s-disabled", email=unique_email(), email_verified=True)
    set_user(app, first["user"]["id"], is_active=False)
    browser = Browser(app)
    back = back_at_client(browser.round_trip(sub="s-disabled"))
    response = exchange(browser.client, back["gatehouse_code"])
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "AUTH_ACCOUNT_DISABLED_021"


def test_identity_of_a_deleted_account_starts_afresh(app, oidc):
    from app.models import utcnow
    from tests.auth_client import set_user

    email = unique_email()
    first = sign_in_with_provider(app, sub="s-deleted", email=email, email_verified=True)
    set_user(app, first["user"]["id"], deleted_at=utcnow())
    again = sign_in_with_provider(app, sub="s-deleted", email=email, email_verified=True)
    assert again["user"]["id"] != first["user"]["id"]


# ------------------------------------------------------------ state attacks


def test_state_is_single_use(app, oidc):
    browser = Browser(app)
    started = browser.start()
    callback = browser.at_provider(started.headers["Location"], email=unique_email(), email_verified=True)
    assert "gatehouse_code" in back_at_client(browser.get(callback))
    replay = browser.get(callback)
    assert replay.status_code == 400
    assert replay.get_json()["error"]["code"] == "AUTH_OIDC_STATE_INVALID_058"


def test_state_from_another_browser_is_refused_and_spent(app, oidc):
    victim, attacker = Browser(app, "198.51.100.1"), Browser(app, "198.51.100.2")
    # Login CSRF: the attacker starts a flow, then makes the victim's browser finish it.
    started = attacker.start()
    callback = attacker.at_provider(started.headers["Location"], sub="s-csrf", email=unique_email(), email_verified=True)
    refused = victim.get(callback)
    assert refused.status_code == 400
    assert refused.get_json()["error"]["code"] == "AUTH_OIDC_STATE_INVALID_058"
    assert audit_events(app, "auth.oidc_refused")[-1].details["reason"] == "state_of_another_browser"
    # ... and the state is gone for its own browser too.
    assert attacker.get(callback).status_code == 400


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("", "REQUEST_VALIDATION_FAILED_004"),
        ("?code=x", "REQUEST_VALIDATION_FAILED_004"),
        ("?state=made-up&code=x", "AUTH_OIDC_STATE_INVALID_058"),
    ],
    ids=["nothing", "no_state", "unknown_state"],
)
def test_unknown_or_missing_state_is_400(app, oidc, query, code):
    response = Browser(app).get(f"/api/v1/auth/oidc/{PROVIDER}/callback{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code


def test_expired_state_is_refused(app, oidc):
    from app.extensions import db
    from app.models import OidcRequest, utcnow

    browser = Browser(app)
    started = browser.start()
    callback = browser.at_provider(started.headers["Location"], email=unique_email(), email_verified=True)
    with app.app_context():
        db.session.execute(
            db.update(OidcRequest).values(created_at=utcnow() - timedelta(minutes=11), expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    assert browser.get(callback).status_code == 400


def test_state_of_another_provider_is_refused(app, oidc, monkeypatch):
    providers = dict(app.config["OIDC_PROVIDERS"])
    providers["other"] = dict(providers[PROVIDER])
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", providers)
    browser = Browser(app)
    started = browser.start()
    callback = browser.at_provider(started.headers["Location"], email=unique_email(), email_verified=True)
    response = browser.get(callback.replace(f"/oidc/{PROVIDER}/", "/oidc/other/"))
    assert response.status_code == 400


def test_provider_refusal_goes_back_with_an_error(app, oidc):
    back = back_at_client(Browser(app).round_trip(deny="1"))
    assert back == {"error": "AUTH_OIDC_PROVIDER_FAILED_059"}


# ------------------------------------------------------- ID token attacks


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ({"nonce": "wrong"}, "claim 'nonce'"),
        ({"aud": "someone-else"}, "claim 'aud'"),
        ({"iss": "https://evil.example"}, "claim 'iss'"),
        ({"exp_offset": -3600}, "expired_token"),
        ({"iat_offset": 3600}, "issued in the future"),
        ({"iat_offset": -3600, "exp_offset": 3600}, "id_token_too_old"),
        ({"alg": "none"}, "id_token_algorithm_refused:none"),
        ({"alg": "HS256"}, "id_token_algorithm_refused:HS256"),
        ({"sign_with_unpublished_key": True}, "id_token_unknown_key"),
        ({"azp": "someone-else"}, "Invalid claim 'azp'"),
        ({"extra_aud": "someone-else"}, "Missing 'azp'"),
        ({"no_id_token": True}, "no_id_token"),
        ({"token_status": 500}, "token_endpoint_status_500"),
    ],
    ids=[
        "nonce_mismatch",
        "wrong_aud",
        "wrong_iss",
        "expired",
        "issued_in_future",
        "issued_long_ago",
        "alg_none",
        "alg_hs256_with_client_secret",
        "unknown_key",
        "wrong_azp",
        "multiple_aud_without_azp",
        "no_id_token",
        "token_endpoint_error",
    ],
)
def test_bad_id_token_or_token_answer_signs_nobody_in(app, oidc, mode, reason):
    oidc.misbehave(**mode)
    back = back_at_client(Browser(app).round_trip(sub="s-bad", email=unique_email(), email_verified=True))
    assert back == {"error": "AUTH_OIDC_PROVIDER_FAILED_059"}
    assert _identities(app) == []
    refused = audit_events(app, "auth.oidc_refused")[-1].details
    assert refused["error"] == "AUTH_OIDC_PROVIDER_FAILED_059"
    assert reason in refused["reason"], refused["reason"]


def test_azp_equal_to_our_client_id_with_several_audiences_is_accepted(app, oidc):
    oidc.misbehave(extra_aud="another-api", azp=CLIENT_ID)
    assert sign_in_with_provider(app, sub="s-azp", email=unique_email(), email_verified=True)["access_token"]


@pytest.mark.parametrize("kty", ["RSA", "EC"])
def test_rotated_signing_key_is_fetched_once_and_accepted(app, oidc, kty):
    email = unique_email()
    sign_in_with_provider(app, sub="s-rot", email=email, email_verified=True)  # keys now cached
    oidc.control("rotate", {"kty": kty})  # the old key is gone from the JWKS
    assert sign_in_with_provider(app, sub="s-rot")["user"]["email"] == email


def test_provider_down_is_a_clear_error_not_a_500(app, oidc, monkeypatch):
    from tests.conftest import free_port

    providers = {PROVIDER: {**app.config["OIDC_PROVIDERS"][PROVIDER], "issuer": f"http://127.0.0.1:{free_port()}"}}
    monkeypatch.setitem(app.config, "OIDC_PROVIDERS", providers)
    response = Browser(app).start()
    assert back_at_client(response) == {"error": "AUTH_OIDC_PROVIDER_FAILED_059"}
    assert audit_events(app, "auth.oidc_refused")[-1].details["reason"] == "discovery_unreachable"


def test_discovery_naming_another_issuer_is_refused(app, oidc):
    oidc.control("issuer", {"issuer": "https://evil.example"})
    assert back_at_client(Browser(app).start()) == {"error": "AUTH_OIDC_PROVIDER_FAILED_059"}
    assert audit_events(app, "auth.oidc_refused")[-1].details["reason"] == "discovery_issuer_mismatch"


def test_provider_stopping_between_authorize_and_callback_is_a_clear_error(app, oidc, monkeypatch):
    from app.oidc import provider

    browser = Browser(app)
    started = browser.start()
    callback = browser.at_provider(started.headers["Location"], email=unique_email(), email_verified=True)
    # The token endpoint is unreachable now.
    from tests.conftest import free_port

    cached = dict(provider._discovery)
    for issuer, (doc, expires) in cached.items():
        provider._discovery[issuer] = ({**doc, "token_endpoint": f"http://127.0.0.1:{free_port()}/token"}, expires)
    assert back_at_client(browser.get(callback)) == {"error": "AUTH_OIDC_PROVIDER_FAILED_059"}
    assert audit_events(app, "auth.oidc_refused")[-1].details["reason"] == "token_endpoint_unreachable"


# --------------------------------------------------------- open redirect


@pytest.mark.parametrize(
    "redirect_uri",
    [
        "https://evil.example/auth/done",
        "https://app.example.com.evil.example/auth/done",
        "https://app.example.com@evil.example/auth/done",
        "https://evil.example\\@app.example.com/auth/done",
        "http://app.example.com/auth/done",
        "https://app.example.com:8443/auth/done",
        "https://app.example.com/other",
        "https://app.example.com/authx",
        "https://app.example.com/auth/../admin",
        "https://app.example.com/auth/%2e%2e/admin",
        "//evil.example/auth/done",
        "/auth/done",
        "javascript:alert(1)",
        "https://app.example.com/auth/done#frag",
        "https://app.example.com/auth/done\n",
        "",
    ],
    ids=lambda v: v[:40] or "empty",
)
def test_redirect_uri_off_the_allow_list_is_400(app, oidc, redirect_uri):
    response = Browser(app).start(redirect_uri=redirect_uri)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "redirect_uri"
    assert "Location" not in response.headers


def test_redirect_uri_on_the_allow_list_keeps_its_query(app, oidc):
    response = Browser(app).round_trip(redirect_uri=REDIRECT_URI + "?next=%2Fhome", email=unique_email(), email_verified=True)
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?next=%2Fhome&gatehouse_code=")


def test_unknown_provider_is_404(app, oidc):
    response = Browser(app).start(provider="nope")
    assert response.status_code == 404


# --------------------------------------------------------- gatehouse_code


def test_gatehouse_code_is_single_use(app, oidc):
    browser = Browser(app)
    code = back_at_client(browser.round_trip(email=unique_email(), email_verified=True))["gatehouse_code"]
    assert exchange(browser.client, code).status_code == 200
    replay = exchange(browser.client, code)
    assert replay.status_code == 401
    assert replay.get_json()["error"]["code"] == "AUTH_OIDC_CODE_INVALID_061"


def test_gatehouse_code_expires_after_60_seconds(app, oidc):
    from app.extensions import db
    from app.models import OidcRequest

    browser = Browser(app)
    code = back_at_client(browser.round_trip(email=unique_email(), email_verified=True))["gatehouse_code"]
    with app.app_context():
        row = db.session.execute(db.select(OidcRequest).where(OidcRequest.kind == "code")).scalar_one()
        assert timedelta(seconds=55) < row.expires_at - row.created_at <= timedelta(seconds=60)
        row.expires_at = row.created_at - timedelta(seconds=1)
        db.session.commit()
    assert exchange(browser.client, code).status_code == 401


@pytest.mark.parametrize("code", ["made-up", "x" * 512])
def test_unknown_gatehouse_code_is_401(app, oidc, client, code):
    response = exchange(client, code)
    assert response.status_code == 401


def test_a_state_is_not_a_gatehouse_code(app, oidc):
    browser = Browser(app)
    started = browser.start()
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    assert exchange(browser.client, state).status_code == 401


def test_nothing_secret_is_stored_in_the_clear(app, oidc):
    from app.extensions import db
    from app.models import OidcRequest

    browser = Browser(app)
    started = browser.start()
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    with app.app_context():
        rows = list(db.session.execute(db.select(OidcRequest)).scalars())
        assert rows and all(state not in (r.token_hash + str(r.data)) for r in rows)
        binding = browser.client.get_cookie("gatehouse_oidc", path="/api/v1/auth/oidc").value
        assert all(binding not in str(r.data) for r in rows)


def test_password_user_still_signs_in_with_password(app, oidc, make_user):
    user = make_user()
    assert signed_in(app.test_client(), user.email)["user"]["id"] == str(user.id)
    assert emailed_messages(app, template="identity_linked") == []
