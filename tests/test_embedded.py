"""The embedded default: no environment at all, the README's first command's path.

Starts the real entry points as processes: `flask db upgrade`, then gunicorn
with `deploy/gunicorn.conf.py`, on SQLite and the in-process Redis stand-in.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from openapi_spec_validator import validate

from tests.helpers import ROOT, free_port

ENV_VARS = ("DATABASE_URL", "REDIS_URL", "APP_ENV", "JWT_SECRET_KEY", "MAIL_BACKEND")


@pytest.fixture
def embedded_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    env["INSTANCE_PATH"] = str(tmp_path / "instance")
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "flask"), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120
    )
    port = free_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                str(bin_dir / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                requests.get(base + "/health", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield base, log_path, tmp_path
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_embedded_default_boots_and_serves(embedded_server):
    base, log_path, tmp_path = embedded_server
    assert requests.get(base + "/health", timeout=5).json() == {"status": "healthy"}
    ready = requests.get(base + "/ready", timeout=5)
    assert ready.status_code == 200, ready.text
    spec = requests.get(base + "/api/openapi.json", timeout=5).json()
    validate(spec)
    assert (tmp_path / "instance" / "gatehouse.db").exists()
    log_lines = log_path.read_text().splitlines()
    embedded_lines = [line for line in log_lines if "embedded mode" in line]
    assert len(embedded_lines) == 1
    assert "SQLite" in embedded_lines[0] and "in-process Redis stand-in" in embedded_lines[0]


def test_embedded_default_signs_up_verifies_and_signs_in_end_to_end(embedded_server):
    """The README's first command's promise: with nothing but Python, sign-up
    queues the verification email, the inline job prints it to the log, its
    link verifies the account, and the account signs in."""
    import re

    base, log_path, _ = embedded_server
    body = {"email": "Ada@Example.com", "password": "SecurePass123", "full_name": "Ada Lovelace", "terms_accepted": True}
    registered = requests.post(base + "/api/v1/auth/register", json=body, timeout=10)
    assert registered.status_code == 201, registered.text

    deadline = time.time() + 10
    tokens = []
    while not tokens and time.time() < deadline:
        tokens = re.findall(r"/verify-email\?token=([A-Za-z0-9_-]+)", log_path.read_text())
        time.sleep(0.1)
    assert len(tokens) == 1, "the console mail backend printed no verification link"
    verified = requests.post(base + "/api/v1/auth/verify-email", json={"token": tokens[0]}, timeout=10)
    assert verified.status_code == 200 and verified.json()["data"]["is_verified"] is True

    login = requests.post(base + "/api/v1/auth/login", json={"email": "ada@example.com", "password": "SecurePass123"}, timeout=10)
    assert login.status_code == 200, login.text
    headers = {"Authorization": f"Bearer {login.json()['data']['access_token']}"}
    me = requests.get(base + "/api/v1/users/me", headers=headers, timeout=10)
    assert me.status_code == 200 and me.json()["data"]["email"] == "ada@example.com"


def test_embedded_default_does_the_two_step_sign_in(embedded_server):
    """Two-factor sign-in on SQLite and the in-process Redis stand-in: set up
    TOTP (the development key ring encrypts the secret), confirm, then sign in
    with the password and a recovery code; the code does not work twice."""
    import re

    import pyotp

    base, log_path, _ = embedded_server
    api = base + "/api/v1/auth"
    body = {"email": "grace@example.com", "password": "SecurePass123", "full_name": "Grace Hopper", "terms_accepted": True}
    assert requests.post(api + "/register", json=body, timeout=60).status_code == 201
    deadline = time.time() + 10
    tokens = []
    while not tokens and time.time() < deadline:
        tokens = re.findall(r"/verify-email\?token=([A-Za-z0-9_-]+)", log_path.read_text())
        time.sleep(0.1)
    assert requests.post(api + "/verify-email", json={"token": tokens[-1]}, timeout=60).status_code == 200
    credentials = {"email": "grace@example.com", "password": "SecurePass123"}
    headers = {"Authorization": f"Bearer {requests.post(api + '/login', json=credentials, timeout=60).json()['data']['access_token']}"}

    setup = requests.post(api + "/mfa/totp/setup", headers=headers, timeout=60)
    assert setup.status_code == 200, setup.text
    code = pyotp.parse_uri(setup.json()["data"]["otpauth_uri"]).now()
    confirmed = requests.post(api + "/mfa/totp/confirm", json={"code": code}, headers=headers, timeout=60)
    assert confirmed.status_code == 200, confirmed.text
    recovery = confirmed.json()["data"]["recovery_codes"][0]

    step = requests.post(api + "/login", json=credentials, timeout=60).json()["data"]
    assert step["mfa_required"] is True and step["methods"] == ["totp", "recovery_code"]
    signed = requests.post(api + "/login/mfa", json={"mfa_token": step["mfa_token"], "code": recovery}, timeout=60)
    assert signed.status_code == 200, signed.text
    me = requests.get(base + "/api/v1/users/me", timeout=60, headers={"Authorization": f"Bearer {signed.json()['data']['access_token']}"})
    assert me.status_code == 200
    again = requests.post(api + "/login", json=credentials, timeout=60).json()["data"]
    reused = requests.post(api + "/login/mfa", json={"mfa_token": again["mfa_token"], "code": recovery}, timeout=60)
    assert reused.status_code == 401 and reused.json()["error"]["code"] == "AUTH_MFA_CODE_INVALID_034"
