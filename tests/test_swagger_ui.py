"""Swagger UI at /api/docs works with no internet: headless Chromium (Debian's
chromium + chromium-driver, driven by selenium, with every host but loopback
unresolvable) opens the page, authorizes with a Bearer token in the
Authorize dialog, runs "Try it out" on GET /api/v1/users/me and sees 200.

Starts gunicorn and Chromium: marked slow. .ci/run installs the browser; on
a machine without it the test is skipped (and fails under CI)."""

from urllib.parse import urlsplit

import pytest

from tests.helpers.browser import require_chromium, start_chromium
from tests.live_server import LiveServer

pytestmark = pytest.mark.slow
require_chromium(module=True)

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as ready  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("swagger"), workers=1) as live:
        yield live


@pytest.fixture
def browser(tmp_path):
    driver = start_chromium(tmp_path / "profile")
    yield driver
    driver.quit()


def test_swagger_ui_authorize_and_try_it_out_offline(app, server, browser, make_user, sign_in, tmp_path):
    user = make_user(full_name="Swagger Tester")
    token = sign_in(user)["Authorization"].removeprefix("Bearer ")
    wait = WebDriverWait(browser, 20)

    browser.get(server.url + "/api/docs")
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, ".swagger-ui .info .title")))
    assert "Gatehouse" in browser.find_element(By.CSS_SELECTOR, ".swagger-ui .info .title").text
    # Everything the page loaded came from the service itself.
    resources = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert resources and {urlsplit(r).netloc for r in resources} == {urlsplit(server.url).netloc}

    # Authorize: paste the access token into the bearerAuth dialog.
    browser.find_element(By.CSS_SELECTOR, "button.authorize").click()
    field = wait.until(
        ready.visibility_of_element_located((By.CSS_SELECTOR, ".auth-container input[type=text], .auth-container input[type=password]"))
    )
    field.send_keys(token)
    browser.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper button.authorize").click()
    browser.find_element(By.CSS_SELECTOR, ".auth-btn-wrapper button.btn-done").click()

    # Try it out on GET /api/v1/users/me.
    operation = wait.until(
        ready.presence_of_element_located((By.XPATH, "//div[contains(@class,'opblock-get')][.//*[@data-path='/api/v1/users/me']]"))
    )
    operation.find_element(By.CSS_SELECTOR, ".opblock-summary-control, .opblock-summary").click()
    wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, "button.try-out__btn"))[0].click()
    operation.find_element(By.CSS_SELECTOR, "button.execute").click()
    status = wait.until(lambda _: operation.find_elements(By.CSS_SELECTOR, ".live-responses-table .response .response-col_status"))[0]
    body = operation.find_element(By.CSS_SELECTOR, ".live-responses-table .response").text
    browser.save_screenshot(str(tmp_path / "swagger.png"))
    assert status.text.strip().startswith("200"), body
    assert user.email in body and "Swagger Tester" in body
