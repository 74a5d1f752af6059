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
    result = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 4
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == ["gatehouse: configuration error: JWT_SECRET_KEY is required in production (at least 32 bytes)"]


# --- the README's configuration table and the settings object

# Listed in the README but read by other code than config.py.
_READ_ELSEWHERE = {
    "PROMETHEUS_MULTIPROC_DIR": "app/metrics.py",
    "WEB_CONCURRENCY": "deploy/gunicorn.conf.py",
    "FORWARDED_ALLOW_IPS": "deploy/gunicorn.conf.py",
}
# Defaults the table states in words or that depend on the machine.
_DEFAULTS_IN_WORDS = {
    "DATABASE_URL",
    "REDIS_URL",
    "JWT_SECRET_KEY",
    "ENCRYPTION_KEYS",
    "INSTANCE_PATH",
    "CORS_ORIGINS",
    "FEATURE_FLAGS",
    "WEBAUTHN_RP_ID",
    "WEBAUTHN_ORIGINS",
    "OIDC_REDIRECT_ALLOWLIST",
}


def _readme_table() -> list[tuple[list[str], list[str]]]:
    """(variables, backticked defaults) of each row of the README's configuration table."""
    import re

    text = (ROOT / "README.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([A-Z][A-Z0-9_]*\*?)`", cells[0])
        # One default per variable, in order: `value` (then words), or – for none.
        defaults = [re.match(r"`([^`]*)`", part) for part in cells[2].split(", ")]
        if len(names) == 1:
            defaults = [re.search(r"`([^`]*)`", cells[2])]
        rows.append((names, [m.group(1) if m else None for m in defaults]))
    return rows


def _variables_read() -> set[str]:
    """Every variable config.py consults, over the embedded default, production and tracing on."""
    from config import INTERNAL_VARIABLES, read_settings

    names = set()
    for environ in ({}, GOOD_PRODUCTION, {"OTEL_TRACES_EXPORTER": "console", "APP_ENV": "testing"}):
        names |= read_settings(environ)[1]
    return names - INTERNAL_VARIABLES


def test_the_readme_lists_every_variable_the_settings_read():
    listed = {name for names, _ in _readme_table() for name in names}
    prefixes = tuple(name[:-1] for name in listed if name.endswith("*"))
    missing = sorted(n for n in _variables_read() if n not in listed and not n.startswith(prefixes))
    assert not missing, f"add these to the README's configuration table: {missing}"


def test_every_variable_the_readme_lists_is_read():
    read = _variables_read()
    unknown = sorted(n for names, _ in _readme_table() for n in names if not n.endswith("*") and n not in read and n not in _READ_ELSEWHERE)
    assert not unknown, f"the README lists variables config.py never reads: {unknown}"


def test_the_readme_states_the_defaults_of_the_settings():
    from config import load_config

    # The development defaults (the table's), on PostgreSQL so that every variable is read.
    settings = load_config({"DATABASE_URL": "postgresql://x@db/y", "JWT_SECRET_KEY": "p" * 32})
    compared = 0
    for names, defaults in _readme_table():
        if len(names) != len(defaults):
            continue
        for name, stated in zip(names, defaults, strict=True):
            value = settings.get(name)
            if name in _DEFAULTS_IN_WORDS or name not in settings:
                continue
            if stated is None or not isinstance(value, bool | int | float | str):
                assert stated is None and value in (None, [], {}), name  # "none", "–"
            elif isinstance(value, bool):
                assert stated == str(value).lower(), name
            elif isinstance(value, int | float):
                assert float(stated) == value, name
            else:
                assert stated == value, name
            compared += 1
    assert compared >= 30  # the comparison cannot quietly stop comparing


def test_a_bad_limit_is_refused_naming_the_variable():
    with pytest.raises(ConfigError, match="LOGIN_RATE_LIMIT"):
        load_config(production(LOGIN_RATE_LIMIT="ten a minute"))
    with pytest.raises(ConfigError, match="LOCKOUT_THRESHOLD must be at least 1"):
        load_config(production(LOCKOUT_THRESHOLD="0"))
    assert load_config(production(LOGIN_RATE_LIMIT="20/minute;500/day"))["LOGIN_RATE_LIMIT"] == "20/minute;500/day"


def test_the_settings_object_is_typed_and_frozen():
    import dataclasses

    from config import read_settings

    settings, _ = read_settings(production(BCRYPT_ROUNDS="13", RATELIMIT_ENABLED="false"))
    assert settings.BCRYPT_ROUNDS == 13 and settings.RATELIMIT_ENABLED is False
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.BCRYPT_ROUNDS = 4
    assert "JSON_SORT_KEYS" not in load_config(GOOD_PRODUCTION)
