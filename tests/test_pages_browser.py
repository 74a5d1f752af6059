"""The link pages in a real browser (headless Chromium, as tests/test_swagger_ui.py:
Debian's chromium + chromium-driver, every host but loopback unresolvable):
each page rendered and photographed, the reset flow completed by filling the
form with the keyboard, labels, landmarks, focus order, text contrast and a
narrow screen checked, the CSP header present and no CSP violation reported.

Screenshots are kept in tests/artifacts/pages/ (PAGES_ARTIFACTS overrides;
the path is printed). Starts gunicorn and Chromium: marked slow; skipped
without the browser (and fails under CI)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from app.models import UserToken
from tests.conftest import ROOT
from tests.helpers.browser import require_chromium, start_chromium
from tests.live_server import LiveServer
from tests.page_steps import make_link, user_row

pytestmark = pytest.mark.slow
require_chromium(module=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ready  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

NEW_PASSWORD = "Browser2Password"
# Collects the page's own CSP violation reports (console messages can be worded differently).
VIOLATION_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


@pytest.fixture(scope="module")
def artifacts():
    directory = Path(os.environ.get("PAGES_ARTIFACTS") or ROOT / "tests" / "artifacts" / "pages")
    directory.mkdir(parents=True, exist_ok=True)
    print(f"\npage screenshots: {directory}")
    return directory


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("pages"), workers=1) as live:
        yield live


@pytest.fixture
def browser(tmp_path):
    driver = start_chromium(tmp_path / "profile", window="1024,900", browser_log=True)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": VIOLATION_LISTENER})
    yield driver
    driver.quit()


def _open(browser, server, path, shot, artifacts, language="en"):
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd("Network.setExtraHTTPHeaders", {"headers": {"Accept-Language": language}})
    browser.get(server.url + path)
    _photograph(browser, shot, artifacts)


def _photograph(browser, shot, artifacts):
    browser.save_screenshot(str(artifacts / f"{shot}.png"))


def _check_page(browser, server, lang="en"):
    """What every page must be: its language, landmarks, one h1, labelled inputs,
    only same-origin resources, no CSP violation, readable text."""
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == lang
    for landmark in ("header", "main", "footer"):
        assert len(browser.find_elements(By.TAG_NAME, landmark)) == 1, landmark
    headings = browser.find_elements(By.TAG_NAME, "h1")
    assert len(headings) == 1 and headings[0].text.strip()
    assert browser.title.startswith(headings[0].text.strip())
    for field in browser.find_elements(By.CSS_SELECTOR, "input:not([type=hidden]), select, textarea"):
        labels = browser.find_elements(By.CSS_SELECTOR, f"label[for='{field.get_attribute('id')}']")
        assert len(labels) == 1 and labels[0].text.strip(), field.get_attribute("name")
    for button in browser.find_elements(By.TAG_NAME, "button"):
        assert button.text.strip()
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and {urlsplit(r).netloc for r in resources} == {urlsplit(server.url).netloc}
    # The stylesheet applied (an inline or blocked one would not have).
    assert browser.execute_script("return getComputedStyle(document.body).backgroundColor") == "rgb(244, 245, 247)"
    assert browser.execute_script("return window.__cspViolations") == []
    console = [entry["message"] for entry in browser.get_log("browser")]
    assert not [m for m in console if "Content Security Policy" in m or "Refused to" in m], console
    _check_contrast(browser)


def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


_CONTRAST_SCRIPT = """
const parse = s => s.match(/[\\d.]+/g).map(Number);
const background = el => {
  for (; el; el = el.parentElement) {
    const c = parse(getComputedStyle(el).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c.slice(0, 3);
  }
  return [255, 255, 255];
};
return [...document.querySelectorAll('h1, h2, p, label, button, a, li, .hint, .field-error')]
  .filter(el => el.offsetParent !== null && el.textContent.trim())
  .map(el => [el.tagName + '.' + el.className, parse(getComputedStyle(el).color).slice(0, 3), background(el)]);
"""


def _check_contrast(browser):
    """WCAG AA: text at least 4.5:1 against the background it sits on."""
    for name, color, background in browser.execute_script(_CONTRAST_SCRIPT):
        light, dark = sorted((_luminance(color), _luminance(background)), reverse=True)
        ratio = (light + 0.05) / (dark + 0.05)
        assert ratio >= 4.5, f"{name}: {color} on {background} is {ratio:.2f}:1"


def _wait_for_text(browser, text):
    try:
        WebDriverWait(browser, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda b: text in b.find_element(By.TAG_NAME, "main").text
        )
    except Exception:
        raise AssertionError(f"{text!r} not on {browser.current_url}: {browser.page_source[-1500:]}") from None


def _focused(browser):
    element = browser.switch_to.active_element
    return element.get_attribute("id") or element.get_attribute("class") or element.tag_name


def test_reset_flow_by_keyboard_in_chromium(app, server, browser, artifacts, make_user):
    user = make_user()
    token = make_link(app, user, UserToken.PURPOSE_RESET_PASSWORD)
    path = f"/reset-password?token={token}"

    headers = requests.get(server.url + path, timeout=10).headers
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert (headers["X-Frame-Options"], headers["Referrer-Policy"], headers["Cache-Control"]) == ("DENY", "no-referrer", "no-store")

    _open(browser, server, path, "reset-1-form", artifacts)
    _check_page(browser, server)
    # Focus order: skip link, the two fields, the button.
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    order = [_focused(browser)]
    for _ in range(3):
        browser.switch_to.active_element.send_keys(Keys.TAB)
        order.append(_focused(browser))
    assert order[:3] == ["skip-link", "password", "password_confirm"]
    assert browser.switch_to.active_element == browser.find_element(By.CSS_SELECTOR, "main form button")

    # Two different passwords: errors on the page, nothing changed.
    browser.find_element(By.ID, "password").send_keys(NEW_PASSWORD)
    browser.find_element(By.ID, "password_confirm").send_keys("Something9Else" + Keys.ENTER)
    summary = WebDriverWait(browser, 20).until(ready.presence_of_element_located((By.CSS_SELECTOR, ".error-summary")))
    _photograph(browser, "reset-2-errors", artifacts)
    assert "The two passwords are not the same." in summary.text
    assert browser.find_element(By.ID, "password_confirm").get_attribute("aria-invalid") == "true"
    assert browser.switch_to.active_element == summary  # the summary takes the focus
    _check_page(browser, server)
    assert user_row(app, user.id).password_hash == user.password_hash

    # The same new password twice, sent with Enter.
    browser.find_element(By.ID, "password").send_keys(NEW_PASSWORD)
    browser.find_element(By.ID, "password_confirm").send_keys(NEW_PASSWORD + Keys.ENTER)
    _wait_for_text(browser, "Your password has been changed.")
    _photograph(browser, "reset-3-done", artifacts)
    _check_page(browser, server)
    login = requests.post(server.url + "/api/v1/auth/login", json={"email": user.email, "password": NEW_PASSWORD}, timeout=10)
    assert login.status_code == 200, login.text

    # The link again: spent.
    _open(browser, server, path, "reset-4-used", artifacts)
    assert "already been used" in browser.find_element(By.TAG_NAME, "main").text
    _check_page(browser, server)


def test_every_link_page_state_renders_in_chromium(app, server, browser, artifacts, make_user):
    shots = []
    pending = make_user(is_verified=False)
    for purpose, route in (
        (UserToken.PURPOSE_VERIFY_EMAIL, "verify-email"),
        (UserToken.PURPOSE_CHANGE_EMAIL, "confirm-email-change"),
        (UserToken.PURPOSE_RESET_PASSWORD, "reset-password"),
    ):
        for state, staging in (("used", {"used": True}), ("expired", {"expired": True})):
            token = make_link(
                app, pending, purpose, new_email="moved-" + pending.email if purpose.startswith("change") else None, **staging
            )
            _open(browser, server, f"/{route}?token={token}", f"{route}-{state}", artifacts)
            _check_page(browser, server)
            shots.append(route + state)
        _open(browser, server, f"/{route}?token=not-a-token", f"{route}-invalid", artifacts)
        assert "This link is not valid" in browser.find_element(By.TAG_NAME, "main").text
        _check_page(browser, server)

    # Verify and confirm a change with the button, by keyboard.
    for purpose, route, done in (
        (UserToken.PURPOSE_VERIFY_EMAIL, "verify-email", "your email address is confirmed"),
        (UserToken.PURPOSE_CHANGE_EMAIL, "confirm-email-change", "Your account now uses"),
    ):
        owner = make_user(is_verified=purpose != UserToken.PURPOSE_VERIFY_EMAIL)
        token = make_link(app, owner, purpose, new_email="moved-" + owner.email if purpose.startswith("change") else None)
        _open(browser, server, f"/{route}?token={token}", f"{route}-valid", artifacts)
        _check_page(browser, server)
        button = browser.find_element(By.CSS_SELECTOR, "main form button")
        button.send_keys(Keys.ENTER)
        _wait_for_text(browser, done)
        _photograph(browser, f"{route}-confirmed", artifacts)
        _check_page(browser, server)
    assert user_row(app, owner.id).email == "moved-" + owner.email

    # German, and a narrow screen without sideways scrolling.
    german = make_user(is_verified=False, accept_language="de-DE")
    token = make_link(app, german, UserToken.PURPOSE_RESET_PASSWORD)
    browser.set_window_size(375, 800)
    _open(browser, server, f"/reset-password?token={token}", "reset-de-narrow", artifacts)
    _check_page(browser, server, lang="de")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Neues Passwort wählen"
    assert browser.execute_script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert len(list(artifacts.glob("*.png"))) >= 12
    assert all(re.fullmatch(r"[a-z-]+(used|expired)", s) for s in shots)
