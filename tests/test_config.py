"""Configuration: production refuses to start on missing or weak settings,
with one line naming the variable."""

import os
import subprocess
import sys

import pytest

from config import ConfigError, load_config
from tests.helpers import ROOT

GOOD_PRODUCTION = {
    "APP_ENV": "production",
    "JWT_SECRET_KEY": "p" * 32,
    "DATABASE_URL": "postgresql://app:pw@db:5432/gatehouse",
    "REDIS_URL": "redis://cache:6379/0",
    "ENCRYPTION_KEYS": "Y3J5cHRvZ3JhcGh5LWtleS1mb3ItdGVzdHMtMDEyMzQ=",
}


def production(**changes):
    environ = dict(GOOD_PRODUCTION)
    for key, value in changes.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    return environ


def test_good_production_settings_load():
    settings = load_config(GOOD_PRODUCTION)
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert settings["KEY_ENV"] == "prod"
    assert settings["BCRYPT_ROUNDS"] == 12
    assert settings["JWT_EXPIRATION_HOURS"] == 1
    assert settings["SESSION_TTL_HOURS"] == 24
    assert settings["EMAIL_WORKERS"] == 5  # `python worker.py` runs five workers unless told otherwise


@pytest.mark.parametrize(
    "changes, variable",
    [
        ({"JWT_SECRET_KEY": None}, "JWT_SECRET_KEY"),
        ({"JWT_SECRET_KEY": "short"}, "JWT_SECRET_KEY"),
        ({"JWT_SECRET_KEY": "x" * 31}, "JWT_SECRET_KEY"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:///prod.db"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://x/y"}, "DATABASE_URL"),
        ({"REDIS_URL": None}, "REDIS_URL"),
        ({"REDIS_URL": "http://cache"}, "REDIS_URL"),
        ({"BCRYPT_ROUNDS": "many"}, "BCRYPT_ROUNDS"),
        ({"BCRYPT_ROUNDS": "3"}, "BCRYPT_ROUNDS"),
        ({"TRUSTED_PROXY_COUNT": "-1"}, "TRUSTED_PROXY_COUNT"),
        ({"RATELIMIT_ENABLED": "perhaps"}, "RATELIMIT_ENABLED"),
        ({"MAIL_BACKEND": "pigeon"}, "MAIL_BACKEND"),
        ({"APP_ENV": "staging"}, "APP_ENV"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"WEBHOOK_URL": "https://hooks.example.com/x"}, "WEBHOOK_SECRET"),
        # Accepted by float(), but every sign-in would then fail computing an expiry.
        ({"JWT_EXPIRATION_HOURS": "nan"}, "JWT_EXPIRATION_HOURS"),
        ({"JWT_EXPIRATION_HOURS": "inf"}, "JWT_EXPIRATION_HOURS"),
        ({"JWT_EXPIRATION_HOURS": "1e12"}, "JWT_EXPIRATION_HOURS"),
        ({"SESSION_TTL_HOURS": "Infinity"}, "SESSION_TTL_HOURS"),
        ({"SESSION_TTL_HOURS": "1e309"}, "SESSION_TTL_HOURS"),
        ({"MAIL_TIMEOUT": "nan"}, "MAIL_TIMEOUT"),
    ],
)
def test_bad_setting_is_refused_naming_the_variable(changes, variable):
    with pytest.raises(ConfigError) as excinfo:
        load_config(production(**changes))
    message = str(excinfo.value)
    assert variable in message
    assert "\n" not in message
    # A secret's value never appears in the message.
    if variable == "JWT_SECRET_KEY" and changes[variable]:
        assert changes[variable] not in message


def test_development_without_secret_uses_random_key_and_warns():
    first = load_config({"APP_ENV": "development"})
    second = load_config({"APP_ENV": "development"})
    assert len(first["JWT_SECRET_KEY"]) >= 32
    assert first["JWT_SECRET_KEY"] != second["JWT_SECRET_KEY"]
    assert any("JWT_SECRET_KEY" in w for w in first["STARTUP_WARNINGS"])


def test_production_start_up_fails_with_one_clear_line():
    env = {k: v for k, v in os.environ.items() if k not in GOOD_PRODUCTION}
    env.update(production(JWT_SECRET_KEY=None))
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 4
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["gatehouse: configuration error: JWT_SECRET_KEY is required in production (at least 32 bytes)"]
