"""Headless Chromium for the browser tests: Debian's chromium and
chromium-driver (.ci/run installs them) driven by selenium, offline."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def require_chromium(*, module: bool = False) -> None:
    """Skip without the browser (at module level with `module`); under CI its absence is an error."""
    if os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER):
        return
    if os.environ.get("CI"):
        raise RuntimeError("CI needs Debian's chromium and chromium-driver (see .ci/run)")
    pytest.skip("needs Debian's chromium and chromium-driver", allow_module_level=module)


def start_chromium(profile: Path, *, window: str = "1280,2000", loopback: str = "127.0.0.1", browser_log: bool = False):
    """A headless Chromium with its profile in `profile`, in which no host but
    `loopback` resolves (no internet: a CDN asset could not load); with
    `browser_log`, the console is kept for `driver.get_log("browser")`."""
    require_chromium()
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # selenium must never try to download a driver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
        f"--window-size={window}",
        f"--user-data-dir={profile}",
        f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {loopback}",
    ):
        options.add_argument(flag)
    if browser_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    return driver
