"""Fixtures and steps for the OpenID Connect tests: the provider process
(tests/oidc_provider.py) and a "browser" that walks the round trip.

The browser is a Flask test client (it keeps Gatehouse's cookies, like a real
one) that also follows redirects to the provider over real HTTP.
"""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from tests.conftest import ROOT

CLIENT_ID = "gatehouse-test"
CLIENT_SECRET = "provider-client-secret-0123456789"
FRONTEND = "https://app.example.com"
REDIRECT_URI = FRONTEND + "/auth/done"
PROVIDER = "acme"


class ProviderProcess:
    def __init__(self):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider", CLIENT_ID, CLIENT_SECRET],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        assert line.startswith("PORT "), f"the provider did not start: {line!r}"
        self.url = f"http://127.0.0.1:{int(line.split()[1])}"

    def control(self, what: str, body: dict | None = None):
        response = requests.post(f"{self.url}/_control/{what}", json=body or {}, timeout=5)
        response.raise_for_status()
        return response.json()

    def misbehave(self, **mode):
        return self.control("mode", mode)

    def token_requests(self) -> list[dict]:
        return requests.get(f"{self.url}/_control/requests", timeout=5).json()

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="session")
def provider_process():
    process = ProviderProcess()
    yield process
    process.stop()


@pytest.fixture
def oidc(app, provider_process, monkeypatch):
    """The app configured with the provider `acme` (the provider process), its caches empty."""
    from app.oidc import provider

    provider_process.control("reset")
    monkeypatch.setitem(
        app.config,
        "OIDC_PROVIDERS",
        {
            PROVIDER: {
                "issuer": provider_process.url,
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "scopes": ["openid", "email", "profile"],
            }
        },
    )
    monkeypatch.setitem(app.config, "OIDC_REDIRECT_ALLOWLIST", [FRONTEND + "/auth"])
    provider.forget_cached()
    yield provider_process
    provider.forget_cached()


class Browser:
    """One browser: Gatehouse's cookies in its test client, the provider over HTTP."""

    def __init__(self, app, ip: str = "203.0.113.7"):
        self.client = app.test_client()
        self.ip = ip

    def get(self, url: str):
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.client.get(path, environ_base={"REMOTE_ADDR": self.ip})

    def start(self, provider: str = PROVIDER, redirect_uri: str = REDIRECT_URI, link: str | None = None):
        """GET the authorize route; returns Gatehouse's response (302 to the provider, or an error)."""
        query = {"link": link} if link else {"redirect_uri": redirect_uri}
        return self.get(f"/api/v1/auth/oidc/{provider}/authorize?{urlencode(query)}")

    def at_provider(self, location: str, **user) -> str:
        """Log in at the provider as `user` (sub, email, email_verified, name): where it sends the browser."""
        user = {"sub": "alice-sub", **user}
        if "email_verified" in user:
            user["email_verified"] = "true" if user["email_verified"] else "false"
        response = requests.get(location + "&" + urlencode(user), allow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def round_trip(self, provider: str = PROVIDER, redirect_uri: str = REDIRECT_URI, link: str | None = None, **user):
        """Authorize, log in at the provider, come back: Gatehouse's callback response."""
        started = self.start(provider, redirect_uri, link)
        assert started.status_code == 302, started.get_json()
        callback = self.at_provider(started.headers["Location"], **user)
        return self.get(callback)


def back_at_client(response) -> dict:
    """The query parameters of the redirect back to the client (`gatehouse_code`, `error`, `linked`)."""
    assert response.status_code == 302, response.get_json()
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def exchange(client, code: str, ip: str = "203.0.113.7"):
    return client.post("/api/v1/auth/oidc/exchange", json={"code": code}, environ_base={"REMOTE_ADDR": ip})


def sign_in_with_provider(app, **user) -> dict:
    """The whole round trip in a new browser; returns the login answer's data."""
    browser = Browser(app)
    params = back_at_client(browser.round_trip(**user))
    assert "gatehouse_code" in params, params
    response = exchange(browser.client, params["gatehouse_code"])
    assert response.status_code == 200, response.get_json()
    return response.get_json()["data"]
