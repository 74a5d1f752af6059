"""Signing keys across real processes: the README's verification example run
against a live gunicorn, and two instances following a rotation and a
retirement made by a third process (`flask keys`), without a restart."""

from __future__ import annotations

import time

import jwt
import pytest
import requests

from tests.conftest import ROOT, TEST_SECRET
from tests.live_server import LiveServer
from tests.test_signing_keys import keys_process, private_secrets

pytestmark = pytest.mark.slow

EDDSA = {"JWT_ALGORITHM": "EdDSA", "JWT_KEYS_CHECK_SECONDS": "1", "RATELIMIT_ENABLED": "false"}


def readme_example() -> str:
    """The README's example (tests/test_openapi_document.py keeps the README's block equal to this file)."""
    return (ROOT / "docs" / "examples" / "verify_token.py").read_text()


def login(server, email) -> str:
    response = requests.post(server.url + "/api/v1/auth/login", json={"email": email, "password": "SecurePass123"}, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()["data"]["access_token"]


def me(server, token) -> requests.Response:
    return requests.get(server.url + "/api/v1/users/me", headers={"Authorization": f"Bearer {token}"}, timeout=10)


def kid(token) -> str:
    return jwt.get_unverified_header(token)["kid"]


def wait_for(condition, seconds=10.0) -> float:
    """Seconds until `condition()` held (polled every 50 ms); fails after `seconds`."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, "not within the time allowed"
        time.sleep(0.05)
    return time.monotonic() - started


def test_readme_verification_example_runs_against_a_live_server(app, make_user, tmp_path):
    user = make_user()
    with LiveServer(tmp_path, workers=1, **EDDSA) as server:
        example = readme_example()
        assert 'GATEHOUSE = "https://auth.example.com"' in example
        namespace: dict = {}
        exec(compile(example.replace("https://auth.example.com", server.url), "README.md", "exec"), namespace)
        verify = namespace["verify"]

        token = login(server, user.email)
        claims = verify(token)
        assert claims["sub"] == str(user.id) and claims["type"] == "access"
        head, payload, signature = token.split(".")
        with pytest.raises(jwt.PyJWTError):
            verify(f"{head}.{payload}.{signature[::-1]}")
        with pytest.raises(jwt.PyJWTError):  # an HS256 token is not a Gatehouse token any more
            verify(
                jwt.encode(
                    jwt.decode(token, options={"verify_signature": False}), TEST_SECRET, algorithm="HS256", headers={"kid": kid(token)}
                )
            )

        jwks = requests.get(server.url + "/.well-known/jwks.json", timeout=10)
        assert jwks.headers["Cache-Control"] == "public, max-age=300"
        assert [k["kid"] for k in jwks.json()["keys"]] == [kid(token)]

        # After a rotation the client, holding the old key set, fetches the new key by itself.
        rotated = keys_process("rotate", **EDDSA)
        assert rotated.returncode == 0, rotated.stderr
        wait_for(lambda: kid(login(server, user.email)) != kid(token))
        new_token = login(server, user.email)

        def verifies(token) -> bool:
            try:
                return verify(token)["sub"] == str(user.id)
            except jwt.PyJWKClientError:  # within the client's cooldown after its last fetch
                return False

        assert wait_for(lambda: verifies(new_token), seconds=10) < 6
        assert verify(token)["sub"] == str(user.id)
        log = server.log_path.read_text()
    for secret in private_secrets(app):
        assert secret not in log


def test_two_instances_follow_a_rotation_and_a_retirement(app, make_user, tmp_path):
    user = make_user()
    with LiveServer(tmp_path / "a", workers=1, **EDDSA) as a, LiveServer(tmp_path / "b", workers=1, **EDDSA) as b:
        first = login(a, user.email)  # A makes the first key
        assert me(b, first).status_code == 200  # B verifies it (an unknown kid reloads at once)
        assert kid(login(b, user.email)) == kid(first)

        rotated = keys_process("rotate", **EDDSA)
        assert rotated.returncode == 0, rotated.stderr
        new_kid = rotated.stdout.split()[4]
        took = wait_for(lambda: kid(login(a, user.email)) == new_kid and kid(login(b, user.email)) == new_kid)
        assert took < 5, took
        second = login(b, user.email)
        for server in (a, b):
            assert me(server, first).status_code == 200  # the old key still verifies its tokens
            assert me(server, second).status_code == 200

        retired = keys_process("retire", kid(first), **EDDSA)
        assert retired.returncode == 0, retired.stderr

        def refused_everywhere():
            return all(me(server, first).status_code == 401 for server in (a, b))

        took = wait_for(refused_everywhere)
        assert took < 5, took
        for server in (a, b):
            assert me(server, first).json()["error"]["code"] == "AUTH_TOKEN_ALGORITHM_INVALID_031"
            assert me(server, second).status_code == 200
            assert [k["kid"] for k in requests.get(server.url + "/.well-known/jwks.json", timeout=10).json()["keys"]] == [new_kid]
