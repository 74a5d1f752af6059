"""Signing keys (docs/signing-keys.md): EdDSA and ES256 access tokens with a kid, rotation and
retirement with tokens of several keys alive, JWT_PRIVATE_KEY_FILE, and every
token that must be refused once an asymmetric algorithm is on."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from sqlalchemy import select

from app.keys import material
from config import ConfigError, load_config
from tests.auth_client import bearer, refresh, signed_in
from tests.conftest import ROOT, TEST_DATABASE_URL, TEST_ENCRYPTION_KEY, TEST_REDIS_URL, TEST_SECRET

ALGORITHMS = ["EdDSA", "ES256"]


@pytest.fixture
def use_algorithm(app, monkeypatch):
    """`use_algorithm("EdDSA")`: the app signs with that algorithm from now on (keys in
    the database, made on first use); every process-level key state is dropped."""

    def _use(algorithm, **settings):
        monkeypatch.setitem(app.config, "JWT_ALGORITHM", algorithm)
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)
        app.extensions.pop("gatehouse-signing-keys", None)

    yield _use
    app.extensions.pop("gatehouse-signing-keys", None)


def header(token: str) -> dict:
    return jwt.get_unverified_header(token)


def me(client, token):
    return client.get("/api/v1/users/me", headers=bearer(token))


def code(response) -> str:
    return response.get_json()["error"]["code"]


def published_keys(app) -> dict:
    from app.keys import ring

    with app.app_context():
        return {k["kid"]: k for k in ring.jwks()["keys"]}


def service_call(app, function, *args):
    from app.context import RequestContext
    from app.keys import service

    with app.app_context():
        return getattr(service, function)(*args, RequestContext()) if function != "list_keys" else service.list_keys()


def forged(claims_from: str, key, algorithm: str, **headers) -> str:
    """A token with the claims of `claims_from`, signed by `key` with `algorithm`."""
    claims = jwt.decode(claims_from, options={"verify_signature": False})
    return jwt.encode(claims, key, algorithm=algorithm, headers=headers or None)


# --- each algorithm end to end


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_login_refresh_and_me_work_end_to_end_with_a_kid(app, client, make_user, use_algorithm, algorithm):
    use_algorithm(algorithm)
    user = make_user()
    data = signed_in(client, user.email)
    token = data["access_token"]
    assert header(token)["alg"] == algorithm
    kid = header(token)["kid"]
    assert me(client, token).status_code == 200
    # Anyone holding only the published public key can verify it.
    jwk = published_keys(app)[kid]
    assert jwk["alg"] == algorithm and "d" not in jwk
    public_key = jwt.PyJWK(jwk).key
    assert jwt.decode(token, public_key, algorithms=[algorithm])["sub"] == str(user.id)
    renewed = refresh(client, data["refresh_token"])
    assert renewed.status_code == 200
    new_token = renewed.get_json()["data"]["access_token"]
    assert header(new_token) == {"alg": algorithm, "kid": kid, "typ": "JWT"}
    assert me(client, new_token).status_code == 200


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_first_key_is_made_on_first_use_and_stored_encrypted(app, make_user, sign_in, use_algorithm, algorithm):
    from app import encryption
    from app.extensions import db
    from app.models import SigningKey

    use_algorithm(algorithm)
    sign_in(make_user())
    sign_in(make_user())
    with app.app_context():
        [row] = db.session.scalars(select(SigningKey)).all()
        assert row.algorithm == algorithm and row.retired_at is None
        assert "PRIVATE KEY" not in row.private_key_encrypted
        pem = encryption.decrypt(row.private_key_encrypted)
        assert pem.startswith("-----BEGIN PRIVATE KEY-----")
        private_key = material.load_private_pem(pem.encode(), algorithm)
        assert material.thumbprint(private_key.public_key(), algorithm) == row.kid
        assert "d" not in row.public_jwk


def test_hs256_stays_the_default_without_kid_and_publishes_no_key(app, make_user, sign_in):
    headers = sign_in(make_user())
    token = headers["Authorization"].split()[1]
    assert header(token) == {"alg": "HS256", "typ": "JWT"}
    assert jwt.decode(token, TEST_SECRET, algorithms=["HS256"])["type"] == "access"
    assert published_keys(app) == {}


# --- only the configured algorithm, only keys in use


@pytest.fixture
def eddsa_token(app, client, make_user, use_algorithm):
    """A live EdDSA access token (the app on EdDSA), as (token, kid)."""
    use_algorithm("EdDSA")
    token = signed_in(client, make_user().email)["access_token"]
    return token, header(token)["kid"]


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_hs256_token_is_refused_once_eddsa_is_on(client, eddsa_token):
    token, kid = eddsa_token
    for extra in ({}, {"kid": kid}):
        hs = forged(token, TEST_SECRET, "HS256", **extra)
        assert code(me(client, hs)) == "AUTH_TOKEN_ALGORITHM_INVALID_031"


def test_hs256_token_signed_with_the_public_key_is_refused(client, app, eddsa_token):
    """The classic confusion attack: HMAC keyed with the published public key."""
    token, kid = eddsa_token
    jwk = published_keys(app)[kid]
    claims = token.split(".")[1]
    for secret in (json.dumps(jwk), jwk["x"]):
        signing_input = f"{_b64({'alg': 'HS256', 'kid': kid, 'typ': 'JWT'})}.{claims}"
        mac = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
        confused = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"
        assert code(me(client, confused)) == "AUTH_TOKEN_ALGORITHM_INVALID_031"


def test_unsigned_token_is_refused(client, eddsa_token):
    token, kid = eddsa_token
    claims = token.split(".")[1]
    for alg in ("none", "None", "NONE"):
        unsigned = f"{_b64({'alg': alg, 'kid': kid, 'typ': 'JWT'})}.{claims}."
        assert code(me(client, unsigned)) == "AUTH_TOKEN_ALGORITHM_INVALID_031"


def test_es256_token_is_refused_under_eddsa_and_the_reverse(app, client, make_user, eddsa_token, use_algorithm):
    token, kid = eddsa_token
    foreign = ec.generate_private_key(ec.SECP256R1())
    assert code(me(client, forged(token, foreign, "ES256", kid=kid))) == "AUTH_TOKEN_ALGORITHM_INVALID_031"
    # Switched to ES256, the EdDSA key and its tokens are out.
    use_algorithm("ES256")
    assert code(me(client, token)) == "AUTH_TOKEN_ALGORITHM_INVALID_031"
    assert kid not in published_keys(app)


@pytest.mark.parametrize("kid", [None, "", "unknown-kid", "../../etc/passwd", "x" * 5000])
def test_token_without_a_known_kid_is_refused(client, eddsa_token, kid):
    token, _ = eddsa_token
    attacker = ed25519.Ed25519PrivateKey.generate()
    headers = {} if kid is None else {"kid": kid}
    assert code(me(client, forged(token, attacker, "EdDSA", **headers))) == "AUTH_TOKEN_ALGORITHM_INVALID_031"


@pytest.mark.parametrize("kid", [42, ["x"], {"kid": "x"}, None])
def test_token_with_a_kid_that_is_not_a_string_is_refused(client, eddsa_token, kid):
    token, real_kid = eddsa_token
    head, payload, signature = token.split(".")
    odd = f"{_b64({'alg': 'EdDSA', 'typ': 'JWT', 'kid': kid or [real_kid]})}.{payload}.{signature}"
    response = me(client, odd)
    assert response.status_code == 401
    assert code(response) in ("AUTH_TOKEN_INVALID_016", "AUTH_TOKEN_ALGORITHM_INVALID_031")


def test_token_signed_by_another_key_under_our_kid_is_refused(client, eddsa_token):
    token, kid = eddsa_token
    attacker = ed25519.Ed25519PrivateKey.generate()
    assert code(me(client, forged(token, attacker, "EdDSA", kid=kid))) == "AUTH_TOKEN_SIGNATURE_INVALID_032"


def test_tampered_token_is_refused(client, make_user, eddsa_token):
    token, _ = eddsa_token
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = str(make_user().id)
    assert code(me(client, f"{head}.{_b64(claims)}.{signature}")) == "AUTH_TOKEN_SIGNATURE_INVALID_032"
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert code(me(client, f"{head}.{payload}.{flipped}")) == "AUTH_TOKEN_SIGNATURE_INVALID_032"
    assert me(client, token).status_code == 200


@pytest.mark.parametrize("garbage", ["x", "a.b.c", "e30.e30.", "....", "eyJhbGciOiJFZERTQSJ9"])
def test_garbage_token_is_refused(client, eddsa_token, garbage):
    assert me(client, garbage).status_code == 401


def test_expired_eddsa_token_is_refused(app, client, eddsa_token):
    from app.keys import ring

    token, _ = eddsa_token
    past = datetime.now(UTC) - timedelta(hours=2)
    claims = jwt.decode(token, options={"verify_signature": False})
    claims.update(iat=past, exp=past + timedelta(hours=1))
    with app.app_context():
        key = ring.signing_key()
        expired = jwt.encode(claims, key.private_key, algorithm="EdDSA", headers={"kid": key.kid})
    assert code(me(client, expired)) == "AUTH_TOKEN_EXPIRED_017"


# --- rotation and retirement


def test_rotation_signs_new_tokens_with_the_new_key_and_old_ones_still_verify(app, client, make_user, eddsa_token):
    old_token, old_kid = eddsa_token
    info = service_call(app, "rotate_key")
    assert info.kid != old_kid and info.status == "signing"
    new_token = signed_in(client, make_user().email)["access_token"]
    assert header(new_token)["kid"] == info.kid
    assert me(client, old_token).status_code == 200
    assert me(client, new_token).status_code == 200
    assert set(published_keys(app)) == {old_kid, info.kid}
    statuses = {k.kid: k.status for k in service_call(app, "list_keys")}
    assert statuses == {info.kid: "signing", old_kid: "verifying"}

    retired = service_call(app, "retire_key", old_kid)
    assert retired.status == "retired" and retired.retired_at is not None
    # Refused at once, although this process had verified and cached it.
    assert code(me(client, old_token)) == "AUTH_TOKEN_ALGORITHM_INVALID_031"
    assert me(client, new_token).status_code == 200
    assert set(published_keys(app)) == {info.kid}
    # Retiring twice changes nothing.
    assert service_call(app, "retire_key", old_kid).retired_at == retired.retired_at


def test_the_signing_key_cannot_be_retired(app, eddsa_token):
    from app.errors import AppError

    _, kid = eddsa_token
    with pytest.raises(AppError) as refused:
        service_call(app, "retire_key", kid)
    assert refused.value.error.code == "KEYS_KEY_IN_USE_051"
    with pytest.raises(AppError) as unknown:
        service_call(app, "retire_key", "no-such-kid")
    assert unknown.value.error.code == "KEYS_NOT_FOUND_050"


def test_rotation_and_retirement_are_audited(app, eddsa_token):
    from tests.auth_client import audit_events

    _, old_kid = eddsa_token
    new = service_call(app, "rotate_key")
    service_call(app, "retire_key", old_kid)
    rotated = audit_events(app, "keys.rotated")
    retired = audit_events(app, "keys.retired")
    assert [e.details["kid"] for e in rotated] == [new.kid]
    assert [e.details["kid"] for e in retired] == [old_kid]


def test_cli_under_hs256(app):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["keys", "rotate"])
    assert refused.exit_code != 0 and "KEYS_NOT_MANAGED_052" in refused.output
    ahead = runner.invoke(args=["keys", "rotate", "--algorithm", "ES256"])
    assert ahead.exit_code == 0 and "new ES256 signing key" in ahead.output and "(inactive)" in ahead.output
    listed = runner.invoke(args=["keys", "list"])
    assert listed.exit_code == 0 and "ES256  inactive" in listed.output


def test_rotate_under_hs256_needs_an_algorithm(app):
    from app.context import RequestContext
    from app.errors import AppError
    from app.keys import service

    with app.app_context(), pytest.raises(AppError) as refused:
        service.rotate_key(RequestContext())
    assert refused.value.error.code == "KEYS_NOT_MANAGED_052"
    with app.app_context():
        made = service.rotate_key(RequestContext(), "ES256")
    assert made.algorithm == "ES256" and made.status == "inactive"
    # Made ahead: it signs once JWT_ALGORITHM=ES256.
    assert published_keys(app) == {}


def test_a_key_made_elsewhere_is_followed_without_restart(app, client, make_user, use_algorithm):
    """Another process rotates (here a direct insert plus the Redis counter, as the
    CLI does): this process signs with the new key within JWT_KEYS_CHECK_SECONDS,
    and accepts a token of it at once (an unknown kid reloads the table)."""
    from app.extensions import db
    from app.keys import ring
    from app.models import SigningKey

    use_algorithm("EdDSA", JWT_KEYS_CHECK_SECONDS=0.3)
    first = signed_in(client, make_user().email)["access_token"]
    with app.app_context():
        row = ring.new_key_row("EdDSA")
        db.session.add(SigningKey(**row))
        db.session.commit()
        private_key = material.load_private_pem(
            __import__("app.encryption", fromlist=["decrypt"]).decrypt(row["private_key_encrypted"]).encode(), "EdDSA"
        )
    # Not announced yet: a token of the new key is still accepted (unknown kid -> reload).
    made_elsewhere = forged(first, private_key, "EdDSA", kid=row["kid"])
    time.sleep(1.1)  # past the unknown-kid reload limit of the first request
    assert me(client, made_elsewhere).status_code == 200
    from app import cache

    with app.app_context():
        cache.safe(lambda r: r.incr(ring.version_key()))
    time.sleep(0.4)
    assert header(signed_in(client, make_user().email)["access_token"])["kid"] == row["kid"]


def test_a_made_up_kid_does_not_reload_the_table_on_every_request(app, client, eddsa_token, monkeypatch):
    from app.keys import ring

    token, _ = eddsa_token
    loads = []
    real = ring._load_table
    monkeypatch.setattr(ring, "_load_table", lambda *a, **k: loads.append(1) or real(*a, **k))
    attacker = ed25519.Ed25519PrivateKey.generate()
    for _ in range(20):
        me(client, forged(token, attacker, "EdDSA", kid=uuid.uuid4().hex))
    assert len(loads) <= 2


# --- JWT_PRIVATE_KEY_FILE


def write_pem(path, key) -> str:
    path.write_text(material.private_pem(key))
    return str(path)


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_private_key_file_signs_with_its_thumbprint_as_kid(app, client, make_user, tmp_path, use_algorithm, algorithm):
    key = material.generate_private_key(algorithm)
    use_algorithm(algorithm, JWT_PRIVATE_KEY_FILE=write_pem(tmp_path / "key.pem", key))
    token = signed_in(client, make_user().email)["access_token"]
    kid = material.thumbprint(key.public_key(), algorithm)
    assert header(token)["kid"] == kid
    assert jwt.decode(token, key.public_key(), algorithms=[algorithm])["type"] == "access"
    assert me(client, token).status_code == 200
    assert list(published_keys(app)) == [kid]
    # Nothing was stored, and the table's keys are not managed in this mode.
    from app.errors import AppError

    assert service_call(app, "list_keys") == []
    with pytest.raises(AppError) as refused:
        service_call(app, "rotate_key")
    assert refused.value.error.code == "KEYS_NOT_MANAGED_052"


def test_thumbprint_matches_rfc_7638_example():
    # RFC 8037 appendix A.3: the thumbprint of its Ed25519 example key.
    public = ed25519.Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="))
    assert material.thumbprint(public, "EdDSA") == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"


@pytest.mark.parametrize("algorithm,other", [("EdDSA", "ES256"), ("ES256", "EdDSA")])
def test_private_key_file_of_another_algorithm_is_refused_naming_the_variable(tmp_path, algorithm, other):
    path = write_pem(tmp_path / "key.pem", material.generate_private_key(other))
    with pytest.raises(ConfigError, match="JWT_PRIVATE_KEY_FILE"):
        load_config({"JWT_ALGORITHM": algorithm, "JWT_PRIVATE_KEY_FILE": path}, APP_ENV="testing")


@pytest.mark.parametrize("content", [b"", b"not a key", b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"])
def test_unreadable_private_key_file_is_refused(tmp_path, content):
    path = tmp_path / "key.pem"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match="JWT_PRIVATE_KEY_FILE"):
        load_config({"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY_FILE": str(path)}, APP_ENV="testing")
    with pytest.raises(ConfigError, match="JWT_PRIVATE_KEY_FILE cannot be read"):
        load_config({"JWT_ALGORITHM": "EdDSA", "JWT_PRIVATE_KEY_FILE": str(tmp_path / "missing.pem")}, APP_ENV="testing")


def test_private_key_file_needs_an_asymmetric_algorithm(tmp_path):
    path = write_pem(tmp_path / "key.pem", material.generate_private_key("EdDSA"))
    with pytest.raises(ConfigError, match="JWT_PRIVATE_KEY_FILE needs JWT_ALGORITHM"):
        load_config({"JWT_PRIVATE_KEY_FILE": path}, APP_ENV="testing")


@pytest.mark.parametrize("raw,expected", [("HS256", "HS256"), ("eddsa", "EdDSA"), ("ES256", "ES256"), (" EdDSA ", "EdDSA")])
def test_jwt_algorithm_setting(raw, expected):
    assert load_config({"JWT_ALGORITHM": raw}, APP_ENV="testing")["JWT_ALGORITHM"] == expected


@pytest.mark.parametrize("raw", ["RS256", "HS512", "none", "Ed25519"])
def test_unknown_jwt_algorithm_is_refused(raw):
    with pytest.raises(ConfigError, match="JWT_ALGORITHM"):
        load_config({"JWT_ALGORITHM": raw}, APP_ENV="testing")


# --- the CLI, and private keys never shown


def keys_process(*args, **env):
    environment = {
        **os.environ,
        "APP_ENV": "testing",
        "DATABASE_URL": TEST_DATABASE_URL,
        "REDIS_URL": TEST_REDIS_URL,
        "JWT_SECRET_KEY": TEST_SECRET,
        "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
        "LOG_LEVEL": "INFO",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "keys", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def private_secrets(app) -> list[str]:
    """Every private key of the table, as PEM and as the JWK's private member `d`."""
    from app import encryption
    from app.extensions import db
    from app.models import SigningKey

    found = []
    with app.app_context():
        for row in db.session.scalars(select(SigningKey)):
            pem = encryption.decrypt(row.private_key_encrypted)
            key = material.load_private_pem(pem.encode(), row.algorithm)
            codec = jwt.algorithms.OKPAlgorithm if row.algorithm == "EdDSA" else jwt.algorithms.ECAlgorithm
            found += [pem.splitlines()[1], codec.to_jwk(key, as_dict=True)["d"]]
    return found


@pytest.mark.slow
def test_cli_rotates_lists_and_retires_in_another_process(app, client, make_user, use_algorithm, caplog):
    caplog.set_level(logging.DEBUG)
    use_algorithm("EdDSA", JWT_KEYS_CHECK_SECONDS=0.2)
    old_token = signed_in(client, make_user().email)["access_token"]
    old_kid = header(old_token)["kid"]

    rotated = keys_process("rotate", JWT_ALGORITHM="EdDSA")
    assert rotated.returncode == 0, rotated.stderr
    new_kid = rotated.stdout.split()[4]
    assert rotated.stdout.startswith(f"new EdDSA signing key {new_kid}")
    time.sleep(0.3)
    # This process follows the other's rotation without a restart.
    new_token = signed_in(client, make_user().email)["access_token"]
    assert header(new_token)["kid"] == new_kid
    assert me(client, old_token).status_code == 200

    listed = keys_process("list", JWT_ALGORITHM="EdDSA")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].startswith(f"{new_kid}  EdDSA  signing")
    assert lines[1].startswith(f"{old_kid}  EdDSA  verifying") and "its tokens all expired by" in lines[1]

    refused = keys_process("retire", new_kid, JWT_ALGORITHM="EdDSA")
    assert refused.returncode != 0 and "KEYS_KEY_IN_USE_051" in refused.stderr
    retired = keys_process("retire", old_kid, JWT_ALGORITHM="EdDSA")
    assert retired.returncode == 0, retired.stderr
    time.sleep(0.3)
    assert code(me(client, old_token)) == "AUTH_TOKEN_ALGORITHM_INVALID_031"
    assert me(client, new_token).status_code == 200

    runner = app.test_cli_runner()
    unknown = runner.invoke(args=["keys", "retire", "nope"])
    assert unknown.exit_code != 0 and "KEYS_NOT_FOUND_050" in unknown.output

    secrets = private_secrets(app)
    assert len(secrets) == 4
    shown = "".join(p.stdout + p.stderr for p in (rotated, listed, refused, retired)) + unknown.output + caplog.text
    for secret in secrets:
        assert secret not in shown


def test_instances_starting_together_make_one_first_key(app, use_algorithm):
    from concurrent.futures import ThreadPoolExecutor

    from app.extensions import db
    from app.keys import ring
    from app.models import SigningKey

    use_algorithm("EdDSA")

    def make(_):
        with app.app_context():
            ring.create_first_key("EdDSA")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(make, range(4)))
    with app.app_context():
        assert len(db.session.scalars(select(SigningKey)).all()) == 1


def test_without_redis_each_check_reads_the_table(app, make_user, use_algorithm):
    """A rotation whose counter never reached Redis (it is down) is still followed:
    while Redis cannot be read, every check reloads the table."""
    import redis

    from app import cache
    from app.extensions import db, redis_options
    from app.keys import ring
    from app.models import SigningKey
    from tests.conftest import free_port

    use_algorithm("EdDSA", JWT_KEYS_CHECK_SECONDS=0.1)
    store = app.extensions["gatehouse-redis"]
    real = store.client
    with app.app_context():
        first = ring.signing_key().kid
        store.client = redis.Redis(port=free_port(), **redis_options(0.2))
        try:
            row = ring.new_key_row("EdDSA")
            db.session.add(SigningKey(**row))
            db.session.commit()
            time.sleep(0.2)
            assert ring.signing_key().kid == row["kid"] != first
        finally:
            store.client = real
            cache.reset_circuit()
