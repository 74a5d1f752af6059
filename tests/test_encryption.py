"""Secrets at rest: the ENCRYPTION_KEYS ring encrypts with its first key and
decrypts with any, refuses altered or foreign values, and production refuses
to start without it."""

import base64
import os
import stat

import pytest

from app.encryption import DecryptionError, decrypt, encrypt, rewrap
from config import ConfigError, load_config
from tests.test_config import GOOD_PRODUCTION, production


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


@pytest.fixture
def ring(app, monkeypatch):
    """Run with the given key ring: `ring([k1, k2])`."""

    def _use(keys):
        monkeypatch.setitem(app.config, "ENCRYPTION_KEYS", keys)
        app.extensions.pop("gatehouse-encryption", None)

    yield _use
    app.extensions.pop("gatehouse-encryption", None)


def test_a_secret_round_trips_and_is_not_stored_in_the_clear(app, ring):
    ring([new_key()])
    with app.app_context():
        stored = encrypt("JBSWY3DPEHPK3PXP")
        assert "JBSWY3DPEHPK3PXP" not in stored and stored.isascii()
        assert decrypt(stored) == "JBSWY3DPEHPK3PXP"
        assert encrypt("JBSWY3DPEHPK3PXP") != stored  # a fresh IV every time


def test_a_rotated_in_key_encrypts_while_the_old_one_still_decrypts(app, ring):
    old, new = new_key(), new_key()
    ring([old])
    with app.app_context():
        under_old = encrypt("secret")
    ring([new, old])
    with app.app_context():
        assert decrypt(under_old) == "secret"
        rewrapped = rewrap(under_old)
    ring([new])  # the old key retired once everything is rewrapped
    with app.app_context():
        assert decrypt(rewrapped) == "secret"
        with pytest.raises(DecryptionError):
            decrypt(under_old)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda c: c[:-4] + ("AAAA" if not c.endswith("AAAA") else "BBBB"),  # altered
        lambda c: "not base64 at all",
        lambda c: "",
    ],
)
def test_an_altered_or_foreign_value_is_refused_not_decrypted(app, ring, mangle):
    ring([new_key()])
    with app.app_context(), pytest.raises(DecryptionError):
        decrypt(mangle(encrypt("secret")))


def test_production_refuses_to_start_without_encryption_keys():
    with pytest.raises(ConfigError, match="^ENCRYPTION_KEYS is required in production"):
        load_config(production(ENCRYPTION_KEYS=None))


@pytest.mark.parametrize(
    "value", ["short", base64.urlsafe_b64encode(b"x" * 31).decode(), "%%%%", base64.urlsafe_b64encode(b"k" * 32).decode() + ",nope"]
)
def test_a_malformed_key_is_refused_naming_the_variable(value):
    with pytest.raises(ConfigError, match="^ENCRYPTION_KEYS must be base64url-encoded 32-byte keys"):
        load_config(production(ENCRYPTION_KEYS=value))


def test_production_reads_every_key_of_the_ring_in_order():
    first, second = new_key(), new_key()
    assert load_config(production(ENCRYPTION_KEYS=f" {first} , {second} "))["ENCRYPTION_KEYS"] == [first, second]
    assert GOOD_PRODUCTION["ENCRYPTION_KEYS"]


def test_development_derives_a_stable_key_from_the_jwt_secret_and_warns():
    environ = {"JWT_SECRET_KEY": "d" * 40}
    one, two = load_config(environ), load_config(environ)
    assert one["ENCRYPTION_KEYS"] == two["ENCRYPTION_KEYS"] and len(one["ENCRYPTION_KEYS"]) == 1
    assert one["ENCRYPTION_KEYS"][0] != base64.urlsafe_b64encode(b"d" * 32).decode()
    assert any("ENCRYPTION_KEYS is not set" in w for w in one["STARTUP_WARNINGS"])


def test_the_embedded_default_keeps_its_key_in_the_instance_folder(tmp_path):
    environ = {"INSTANCE_PATH": str(tmp_path)}
    first = load_config(environ)["ENCRYPTION_KEYS"]
    key_file = tmp_path / "encryption.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_config(environ)["ENCRYPTION_KEYS"] == first  # survives a restart
    assert len(base64.urlsafe_b64decode(first[0])) == 32
