"""The generated clients (clients/) against a live service: gunicorn on the
tests' PostgreSQL and Redis, `python worker.py` sending mail to an aiosmtpd
sink. The Python client goes the whole way a new user does (sign up, the mailed
link, sign in, refresh, account and profile, sessions, sign out) and, with
two-factor sign-in set up through it, the two-step login; the TypeScript client, compiled with tsc, signs in and reads /users/me under Node.

Slow: starts gunicorn and the worker."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import requests

from tests.helpers import ROOT, TEST_DATABASE_URL, TEST_REDIS_URL, unique_email
from tests.live_server import LiveServer
from tests.mailbox import SMTPServer
from tests.private_services import service_env

pytestmark = pytest.mark.slow

TYPESCRIPT_CLIENT = ROOT / "clients" / "typescript"
PASSWORD = "Client-Pass-2468"

# The committed package, as an application using it would import it (`pip install ./clients/python`).
sys.path.insert(0, str(ROOT / "clients" / "python"))

from gatehouse_client import AuthenticatedClient, Client  # noqa: E402
from gatehouse_client.api.auth import list_sessions, login, logout, refresh, register, verify_email  # noqa: E402
from gatehouse_client.api.mfa import begin_totp_setup, confirm_totp, get_mfa_status, login_mfa  # noqa: E402
from gatehouse_client.api.users import get_me, get_my_profile, replace_my_profile, update_me  # noqa: E402
from gatehouse_client.models import (  # noqa: E402
    ErrorEnvelope,
    LoginAnswerEnvelope,
    LoginRequest,
    LoginResult,
    LoginResultEnvelope,
    MeUpdateRequest,
    MfaChallenge,
    MfaCodeRequest,
    MfaLoginRequest,
    ProfileUpdateRequest,
    ProfileUpdateRequestPreferences,
    RefreshRequest,
    RegisteredUserEnvelope,
    RegisterRequest,
    VerifyEmailRequest,
)


@contextlib.contextmanager
def mail_worker(directory, smtp_port: int):
    """`python worker.py` (one RQ worker) sending to the sink on `smtp_port`."""
    env = service_env(
        TEST_DATABASE_URL,
        TEST_REDIS_URL,
        LOG_LEVEL="INFO",
        EMAIL_WORKERS="1",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_port,
        MAIL_TIMEOUT="5",
    )
    log_path = directory / "worker.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while "Listening on" not in log_path.read_text():
            assert process.poll() is None and time.monotonic() < deadline, f"worker did not start: {log_path.read_text()[-2000:]}"
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def service(app, tmp_path_factory):
    """A running Gatehouse: `service.url`, `service.mailbox` (every test starts on
    an empty database and Redis DB, as the other tests do)."""
    directory = tmp_path_factory.mktemp("clients")
    smtp = SMTPServer().start()
    try:
        with (
            LiveServer(
                directory,
                workers=1,
                MAIL_BACKEND="smtp",
                MAIL_SERVER="127.0.0.1",
                MAIL_PORT=str(smtp.port),
                FRONTEND_URL="https://app.example.com",
            ) as server,
            mail_worker(directory, smtp.port),
        ):
            server.mailbox = smtp.mailbox
            yield server
    finally:
        smtp.stop()


def sign_up(service) -> tuple[str, str]:
    """The Python client signs up and verifies the address through the mailed link: (email, password)."""
    email = unique_email("client")
    anonymous = Client(base_url=service.url, raise_on_unexpected_status=True)

    created = register.sync_detailed(
        client=anonymous, body=RegisterRequest(email=email, password=PASSWORD, full_name="Ada Client", terms_accepted=True)
    )
    assert created.status_code == 201 and isinstance(created.parsed, RegisteredUserEnvelope)
    assert created.parsed.data.email == email and created.parsed.data.is_verified is False

    deadline = time.monotonic() + 30
    while not service.mailbox.to(email):
        assert time.monotonic() < deadline, "no verification email arrived"
        time.sleep(0.1)
    [mail] = service.mailbox.to(email)
    [link] = [word for word in mail.get_body(("plain",)).get_content().split() if "/verify-email?token=" in word]
    assert link.startswith("https://app.example.com/verify-email?token=")
    verified = verify_email.sync(client=anonymous, body=VerifyEmailRequest(token=parse_qs(urlsplit(link).query)["token"][0]))
    assert verified.data.email == email and verified.data.is_verified is True
    return email, PASSWORD


def test_served_document_is_the_committed_one(service):
    served = requests.get(service.url + "/api/openapi.json", timeout=10).json()
    assert served == json.loads((ROOT / "openapi.json").read_text(encoding="utf-8"))


def test_python_client_signs_up_verifies_signs_in_refreshes_edits_and_signs_out(service):
    email, password = sign_up(service)
    anonymous = Client(base_url=service.url, raise_on_unexpected_status=True)

    signed_in = login.sync(client=anonymous, body=LoginRequest(email=email, password=password))
    assert isinstance(signed_in, LoginAnswerEnvelope) and isinstance(signed_in.data, LoginResult)
    assert signed_in.data.user.email == email and signed_in.data.token_type == "Bearer"

    refreshed = refresh.sync(client=anonymous, body=RefreshRequest(refresh_token=signed_in.data.refresh_token))
    assert refreshed.data.refresh_token != signed_in.data.refresh_token
    # The spent refresh token is refused: 401 in the error envelope, parsed as such.
    reused = refresh.sync_detailed(client=anonymous, body=RefreshRequest(refresh_token=signed_in.data.refresh_token))
    assert reused.status_code == 401 and isinstance(reused.parsed, ErrorEnvelope)
    signed_in = login.sync(client=anonymous, body=LoginRequest(email=email, password=password))  # reuse ended that session
    client = AuthenticatedClient(base_url=service.url, token=signed_in.data.access_token, raise_on_unexpected_status=True)

    me = get_me.sync(client=client)
    assert me.data.email == email and me.data.full_name == "Ada Client"
    updated = update_me.sync(client=client, body=MeUpdateRequest(full_name="Ada Lovelace"))
    assert updated.data.full_name == "Ada Lovelace" and updated.data.pending_email is None
    assert get_me.sync(client=client).data.full_name == "Ada Lovelace"

    saved = replace_my_profile.sync(
        client=client, body=ProfileUpdateRequest(bio="Analyst", preferences=ProfileUpdateRequestPreferences.from_dict({"theme": "dark"}))
    )
    assert saved.data.bio == "Analyst"
    profile = get_my_profile.sync(client=client)
    assert profile.data.bio == "Analyst" and profile.data.preferences.to_dict() == {"theme": "dark"}

    sessions = list_sessions.sync(client=client)
    assert [s.current for s in sessions.data] == [True]

    assert logout.sync_detailed(client=client).status_code == 204
    after = get_me.sync_detailed(client=client)
    assert after.status_code == 401 and isinstance(after.parsed, ErrorEnvelope)
    assert after.parsed.error.code == "AUTH_SESSION_REVOKED_018"


def test_python_client_sets_up_two_factor_sign_in_and_signs_in_in_two_steps(service):
    email, password = sign_up(service)
    anonymous = Client(base_url=service.url, raise_on_unexpected_status=True)
    first = login.sync(client=anonymous, body=LoginRequest(email=email, password=password))
    client = AuthenticatedClient(base_url=service.url, token=first.data.access_token, raise_on_unexpected_status=True)

    setup = begin_totp_setup.sync(client=client)  # a fresh session: it has just signed in
    authenticator = pyotp.parse_uri(setup.data.otpauth_uri)  # what an authenticator app reads from the QR code
    assert setup.data.secret == authenticator.secret and setup.data.qr_svg.startswith("<svg")
    confirmed = confirm_totp.sync(client=client, body=MfaCodeRequest(code=authenticator.now()))
    recovery_codes = confirmed.data.recovery_codes
    assert len(recovery_codes) == 10

    step = login.sync(client=anonymous, body=LoginRequest(email=email, password=password))
    assert isinstance(step.data, MfaChallenge)
    assert step.data.methods == ["totp", "recovery_code"] and step.data.expires_in == 300
    wrong = login_mfa.sync_detailed(client=anonymous, body=MfaLoginRequest(mfa_token=step.data.mfa_token, code="000000"))
    assert wrong.status_code == 401 and wrong.parsed.error.code == "AUTH_MFA_CODE_INVALID_034"
    # The confirming TOTP code is spent (no replay) and the next one may be up to 30 s away: a recovery code.
    signed_in = login_mfa.sync(client=anonymous, body=MfaLoginRequest(mfa_token=step.data.mfa_token, code=recovery_codes[0]))
    assert isinstance(signed_in, LoginResultEnvelope) and signed_in.data.user.email == email
    second = AuthenticatedClient(base_url=service.url, token=signed_in.data.access_token, raise_on_unexpected_status=True)
    status = get_mfa_status.sync(client=second)
    assert status.data.totp_enabled is True and status.data.recovery_codes_left == 9
    current = [s for s in list_sessions.sync(client=second).data if s.current]
    assert [(s.aal, s.amr) for s in current] == [(2, ["pwd", "otp"])]
    used = login_mfa.sync_detailed(client=anonymous, body=MfaLoginRequest(mfa_token=step.data.mfa_token, code=recovery_codes[1]))
    assert used.status_code == 401 and used.parsed.error.code == "AUTH_MFA_TOKEN_INVALID_035"


def test_python_readme_example_signs_in_and_reads_me(service):
    email, password = sign_up(service)
    run = subprocess.run(
        [sys.executable, "examples/sign_in.py"],
        cwd=ROOT / "clients" / "python",
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT / "clients" / "python"),
            "GATEHOUSE_URL": service.url,
            "GATEHOUSE_EMAIL": email,
            "GATEHOUSE_PASSWORD": password,
        },
    )
    assert run.returncode == 0, run.stderr
    user_id, printed_email = run.stdout.split()
    assert printed_email == email and user_id


def test_typescript_client_signs_in_and_reads_me_under_node(service):
    if not (TYPESCRIPT_CLIENT / "node_modules" / ".bin" / "tsc").exists():
        if os.environ.get("CI"):
            raise AssertionError("CI runs `npm ci` in clients/typescript first (see .ci/run)")
        pytest.skip("needs `npm ci` in clients/typescript")
    email, password = sign_up(service)
    # tsc type-checks the client and the README's example and compiles them to dist/.
    subprocess.run([str(TYPESCRIPT_CLIENT / "node_modules" / ".bin" / "tsc")], cwd=TYPESCRIPT_CLIENT, check=True, timeout=300)
    run = subprocess.run(
        ["node", "dist/examples/sign-in.js"],
        cwd=TYPESCRIPT_CLIENT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "GATEHOUSE_URL": service.url, "GATEHOUSE_EMAIL": email, "GATEHOUSE_PASSWORD": password},
    )
    assert run.returncode == 0, run.stderr
    me = json.loads(run.stdout)
    assert me["email"] == email and me["id"]
