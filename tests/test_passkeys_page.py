"""The page to try passkeys (/passkeys, app/passkeys/pages.py): the pages'
rules (CSP without unsafe-inline, script as a static file), and the whole
thing in headless Chromium with its virtual authenticator (DevTools
WebAuthn.addVirtualAuthenticator through chromedriver): sign in with a
password, add a passkey, reload (signed out), sign in with the passkey.

The browser part starts gunicorn and Chromium: marked slow, skipped without
Debian's chromium and chromium-driver (as tests/test_swagger_ui.py)."""

from __future__ import annotations

import re

import pytest

from tests.helpers.browser import start_chromium
from tests.live_server import LiveServer

# ------------------------------------------------------------ the page itself


def test_the_page_follows_the_pages_rules(client):
    response = client.get("/passkeys")
    assert response.status_code == 200 and response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    html = response.get_data(as_text=True)
    # The script is a static file; no inline script, no inline style.
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script src="/passkeys/static/passkeys.js" defer>']
    assert "<style" not in html and "style=" not in html and " on" + "click=" not in html
    assert "<noscript>" in html and 'id="demo" hidden' in html


def test_the_page_speaks_the_browsers_language(client):
    html = client.get("/passkeys", headers={"Accept-Language": "de-DE,de;q=0.9"}).get_data(as_text=True)
    assert '<html lang="de">' in html
    assert "Mit einem Passkey anmelden" in html and "Sign in with a passkey" not in html
    # The script's texts come translated from the page.
    assert 'data-msg-added="Passkey hinzugefügt."' in html


def test_the_script_is_served_as_a_static_file(client):
    response = client.get("/passkeys/static/passkeys.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert "navigator.credentials.create" in response.get_data(as_text=True)


# ------------------------------------------------------------ in a browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("passkey-page"), workers=1)
    # WebAuthn wants a secure context: http is one only on localhost (not 127.0.0.1).
    live.url = f"http://localhost:{live.port}"
    live.env["FRONTEND_URL"] = live.url
    with live:
        yield live


@pytest.fixture
def browser(tmp_path):
    # WebAuthn's secure context is localhost, so that is the host left resolvable.
    driver = start_chromium(tmp_path / "profile", loopback="localhost", browser_log=True)
    yield driver
    driver.quit()


@pytest.mark.slow
def test_add_a_passkey_and_sign_in_with_it_in_chromium(app, server, browser, make_user, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.virtual_authenticator import Protocol, Transport, VirtualAuthenticatorOptions
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.auth_client import audit_events

    user = make_user(full_name="Page Tester")
    wait = WebDriverWait(browser, 20)

    def signed_in_line():
        line = browser.find_element(By.ID, "signed-in")
        return line.text if line.is_displayed() else ""

    browser.get(server.url + "/passkeys")
    # A platform authenticator with resident keys and user verification (Touch ID, Windows Hello, ...).
    browser.add_virtual_authenticator(
        VirtualAuthenticatorOptions(
            protocol=Protocol.CTAP2, transport=Transport.INTERNAL, has_resident_key=True, has_user_verification=True, is_user_verified=True
        )
    )

    # 1. Sign in with the password.
    wait.until(ready.visibility_of_element_located((By.ID, "email"))).send_keys(user.email)
    browser.find_element(By.ID, "password").send_keys("SecurePass123")
    browser.find_element(By.CSS_SELECTOR, "#password-form button[type=submit]").click()
    wait.until(lambda _: user.email in signed_in_line())
    assert "assurance level 1" in signed_in_line()

    # 2. Add a passkey.
    name = browser.find_element(By.ID, "passkey-name")
    name.clear()
    name.send_keys("Chromium virtual key")
    browser.find_element(By.CSS_SELECTOR, "#add-form button[type=submit]").click()
    wait.until(lambda _: "Chromium virtual key" in browser.find_element(By.ID, "passkey-list").text)
    assert "Passkey added." in browser.find_element(By.ID, "status").text
    [credential] = browser.get_credentials()
    assert credential.is_resident_credential and credential.rp_id == "localhost"

    # 3. A reload forgets the tokens; sign in with the passkey alone.
    browser.get(server.url + "/passkeys")
    wait.until(ready.element_to_be_clickable((By.ID, "passkey-sign-in"))).click()
    wait.until(lambda _: "a passkey" in signed_in_line())
    assert user.email in signed_in_line() and "assurance level 2" in signed_in_line()
    assert "never used" not in browser.find_element(By.ID, "passkey-list").text
    browser.save_screenshot(str(tmp_path / "passkeys.png"))

    from app import audit

    [event] = [e for e in audit_events(app, audit.LOGIN_SUCCEEDED) if e.details["method"] == "passkey"]
    assert event.user_id == user.id and event.details["aal"] == 2
    # Nothing was blocked by the Content-Security-Policy, and no script error.
    problems = [
        entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE" and "/favicon.ico" not in entry["message"]
    ]
    assert problems == []
