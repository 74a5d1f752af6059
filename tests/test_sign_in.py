"""The one sign-in path (app.auth.signin): sessions carry their assurance
level (`aal`) and methods (`amr`), refresh keeps them, admin routes can ask
for a second factor, and a sign-in from a new device and network is mailed."""

from datetime import timedelta

import jwt
import pytest

from app import audit
from app.auth.devices import describe_device, network_of
from tests.auth_client import API, audit_events, bearer, emailed_messages, fresh_ip, login, refresh, signed_in
from tests.helpers import TEST_SECRET

CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"


def claims(access_token: str) -> dict:
    return jwt.decode(access_token, TEST_SECRET, algorithms=["HS256"])


def login_from(client, email, ip, user_agent):
    response = client.post(
        API + "/login",
        json={"email": email, "password": "SecurePass123"},
        environ_base={"REMOTE_ADDR": ip},
        headers={"User-Agent": user_agent},
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]


# ------------------------------------------------------- assurance level


def test_password_sign_in_is_aal1_with_amr_pwd_in_token_and_session_list(client, make_user):
    user = make_user()
    data = signed_in(client, user.email)
    assert claims(data["access_token"])["aal"] == 1
    assert claims(data["access_token"])["amr"] == ["pwd"]
    sessions = client.get(API + "/sessions", headers=bearer(data["access_token"])).get_json()["data"]
    assert [(s["aal"], s["amr"]) for s in sessions] == [(1, ["pwd"])]


def test_refresh_keeps_the_sessions_level(app, client, make_user):
    from app.extensions import db
    from app.models import Session

    user = make_user()
    data = signed_in(client, user.email)
    with app.app_context():
        db.session.execute(db.update(Session).values(aal=2, amr="pwd otp"))
        db.session.commit()
    renewed = refresh(client, data["refresh_token"]).get_json()["data"]
    assert claims(renewed["access_token"])["aal"] == 2
    assert claims(renewed["access_token"])["amr"] == ["pwd", "otp"]
    again = refresh(client, renewed["refresh_token"]).get_json()["data"]
    assert claims(again["access_token"])["aal"] == 2


@pytest.fixture
def session_at(app):
    """`session_at(user, aal)`: the Authorization header of a new session of `user` at that level."""
    from app.auth.sessions import start_session
    from app.context import RequestContext
    from app.extensions import db
    from app.models import User
    from app.security.access_tokens import issue_access_token

    def _start(user, aal):
        amr = ("pwd", "otp") if aal == 2 else ("pwd",)
        with app.app_context():
            session, _ = start_session(db.session.get(User, user.id), RequestContext(), aal=aal, amr=amr)
            db.session.commit()
            token, _ = issue_access_token(user.id, session.id, aal=aal, amr=amr)
        return bearer(token)

    return _start


ADMIN_ROUTES = ["/api/v1/users/", "/api/v1/admin/audit", "/api/v1/admin/flags"]


@pytest.mark.parametrize("path", ADMIN_ROUTES)
def test_mfa_required_for_admins_refuses_an_aal1_admin_session_with_038(app, client, make_user, session_at, monkeypatch, path):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_FOR_ADMINS", True)
    admin = make_user(is_admin=True)
    refused = client.get(path, headers=session_at(admin, 1))
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "AUTH_MFA_ENROLLMENT_REQUIRED_038"
    assert client.get(path, headers=session_at(admin, 2)).status_code == 200


def test_mfa_required_for_admins_covers_admin_rights_on_another_account_only(app, client, make_user, session_at, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_FOR_ADMINS", True)
    admin, other = make_user(is_admin=True), make_user()
    headers = session_at(admin, 1)
    assert client.get(f"/api/v1/users/{admin.id}", headers=headers).status_code == 200  # one's own account
    refused = client.get(f"/api/v1/users/{other.id}", headers=headers)
    assert refused.get_json()["error"]["code"] == "AUTH_MFA_ENROLLMENT_REQUIRED_038"
    refused = client.patch(f"/api/v1/users/{other.id}", json={"is_active": False}, headers=headers)
    assert refused.get_json()["error"]["code"] == "AUTH_MFA_ENROLLMENT_REQUIRED_038"
    assert client.get(f"/api/v1/users/{other.id}", headers=session_at(admin, 2)).status_code == 200


def test_without_mfa_required_for_admins_an_aal1_admin_is_served(client, make_user, session_at):
    admin = make_user(is_admin=True)
    assert client.get("/api/v1/users/", headers=session_at(admin, 1)).status_code == 200


def test_a_non_admin_is_403_forbidden_not_038(app, client, make_user, session_at, monkeypatch):
    monkeypatch.setitem(app.config, "MFA_REQUIRED_FOR_ADMINS", True)
    response = client.get("/api/v1/users/", headers=session_at(make_user(), 2))
    assert response.get_json()["error"]["code"] == "AUTH_FORBIDDEN_026"


# ------------------------------------------------------ new sign-in email


def new_sign_in_emails(app, email):
    return emailed_messages(app, to=email, template="new_sign_in")


def test_first_sign_in_ever_is_not_mailed_as_new(app, client, make_user):
    user = make_user()
    login_from(client, user.email, "198.51.100.7", CHROME_MAC)
    assert new_sign_in_emails(app, user.email) == []
    assert audit_events(app, audit.NEW_SIGN_IN) == []


def test_same_device_on_the_same_24_is_not_new(app, client, make_user):
    user = make_user()
    login_from(client, user.email, "198.51.100.7", CHROME_MAC)
    login_from(client, user.email, "198.51.100.200", CHROME_MAC.replace("120.0.0.0", "121.0.0.0"))  # an update
    assert new_sign_in_emails(app, user.email) == []


def test_new_device_and_network_is_mailed_with_device_and_address_and_audited(app, client, make_user):
    user = make_user()
    login_from(client, user.email, "198.51.100.7", CHROME_MAC)
    data = login_from(client, user.email, "203.0.113.9", FIREFOX_WINDOWS)
    [message] = new_sign_in_emails(app, user.email)
    assert message["context"]["device"] == "Firefox on Windows"
    assert message["context"]["ip"] == "203.0.113.9"
    [event] = audit_events(app, audit.NEW_SIGN_IN)
    assert event.user_id == user.id
    assert event.details["network"] == "203.0.113.0/24"
    assert event.details["session_id"] == claims(data["access_token"])["sid"]


@pytest.mark.parametrize(
    "second_ip, second_agent",
    [
        ("203.0.113.9", CHROME_MAC),  # known device, new network
        ("198.51.100.8", FIREFOX_WINDOWS),  # new device, known network
    ],
)
def test_a_pair_not_seen_together_is_new(app, client, make_user, second_ip, second_agent):
    user = make_user()
    login_from(client, user.email, "198.51.100.7", CHROME_MAC)
    login_from(client, user.email, second_ip, second_agent)
    assert len(new_sign_in_emails(app, user.email)) == 1


def test_ipv6_addresses_of_one_64_are_one_network(app, client, make_user):
    user = make_user()
    login_from(client, user.email, "2001:db8:1:2::10", CHROME_MAC)
    login_from(client, user.email, "2001:db8:1:2:ffff::1", CHROME_MAC)
    assert new_sign_in_emails(app, user.email) == []
    login_from(client, user.email, "2001:db8:1:3::10", CHROME_MAC)
    assert len(new_sign_in_emails(app, user.email)) == 1


def test_a_pair_last_seen_more_than_90_days_ago_is_new_again(app, client, make_user):
    from app.extensions import db
    from app.models import SignInContext, utcnow

    user = make_user()
    login_from(client, user.email, "198.51.100.7", CHROME_MAC)
    login_from(client, user.email, "203.0.113.9", FIREFOX_WINDOWS)
    assert len(new_sign_in_emails(app, user.email)) == 1
    with app.app_context():
        db.session.execute(
            db.update(SignInContext).where(SignInContext.device == "Chrome on Mac OS X").values(last_seen_at=utcnow() - timedelta(days=91))
        )
        db.session.commit()
    login_from(client, user.email, "198.51.100.7", CHROME_MAC)
    assert len(new_sign_in_emails(app, user.email)) == 2
    with app.app_context():  # seen again now, so it is not new the next time
        db.session.execute(
            db.update(SignInContext).where(SignInContext.device == "Firefox on Windows").values(last_seen_at=utcnow() - timedelta(days=89))
        )
        db.session.commit()
    login_from(client, user.email, "198.51.100.7", CHROME_MAC)
    login_from(client, user.email, "203.0.113.9", FIREFOX_WINDOWS)
    assert len(new_sign_in_emails(app, user.email)) == 2


def test_a_failed_sign_in_records_no_device(app, client, make_user):
    from app.extensions import db
    from app.models import SignInContext

    user = make_user()
    assert login(client, user.email, "WrongPass123", ip=fresh_ip()).status_code == 401
    with app.app_context():
        assert db.session.execute(db.select(SignInContext)).first() is None


def test_new_sign_in_email_renders_text_and_html():
    from app.email.rendering import render

    rendered = render(
        "new_sign_in", {"full_name": "Ada <b>", "device": "Firefox on Windows", "ip": "203.0.113.9", "at": "2026-12-02 10:00 UTC"}
    )
    assert rendered.subject == "New sign-in to your account"
    for part in (rendered.text, rendered.html):
        assert "Firefox on Windows" in part and "203.0.113.9" in part and "2026-12-02 10:00 UTC" in part
    assert "Ada &lt;b&gt;" in rendered.html


@pytest.mark.parametrize(
    "ip, network",
    [
        ("198.51.100.7", "198.51.100.0/24"),
        ("::ffff:198.51.100.7", "198.51.100.0/24"),
        ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
        ("unknown", "unknown"),
    ],
)
def test_network_of_an_address(ip, network):
    assert network_of(ip) == network


@pytest.mark.parametrize(
    "agent, device",
    [
        (CHROME_MAC, "Chrome on Mac OS X"),
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        ("curl/8.5.0", "curl on Other"),
        ("python-requests/2.32.0", "Python Requests on Other"),
        ("", "unknown"),
    ],
)
def test_device_from_the_user_agent(agent, device):
    assert describe_device(agent) == device
