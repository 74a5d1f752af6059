"""Settings: one typed, validated object read from the environment.

`load_config()` reads the environment once, through environs (marshmallow
fields and validators), into a frozen `Settings`; `create_app` puts its
fields into `app.config` under the same names, beside the fixed wiring of the
libraries (`FRAMEWORK`). A bad or missing required value raises `ConfigError`
whose message is one line naming the variable, so that start-up stops with
that line and nothing else. Every limit the service enforces is a field of
`Settings`; the README's configuration table lists every variable read here
(tests/test_config.py checks it against `load_config`).

Adding a setting: a typed field on `Settings` (with its default when it is
fixed), and, when the environment may set it, a line in the reader of its
group below (`_int(environ, "NAME", default, minimum=..., maximum=...)`,
`_float`, `_bool`, `_env`, `_rate_limit`) and a row in the README's table.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import ipaddress
import os
import re
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import limits
from environs import Env, EnvError
from marshmallow import ValidationError

BASE_DIR = Path(__file__).resolve().parent
ENVIRONMENTS = ("development", "testing", "production")
# Below this a stolen hash falls to a GPU in hours; tests may go lower (docs/security.md §13).
MIN_PRODUCTION_BCRYPT_ROUNDS = 10
# Short environment names used as the first part of every Redis key (docs/architecture.md §4).
KEY_ENV = {"development": "dev", "testing": "test", "production": "prod"}
MAX_LIFETIME_HOURS = 10 * 365 * 24
# Set by deploy/gunicorn.conf.py when JWT_SECRET_KEY is not (never read in production).
SHARED_DEV_SECRET_VAR = "GATEHOUSE_MASTER_JWT_SECRET"
# Read here but set by the service's own tooling, not by operators: not in the README's table.
INTERNAL_VARIABLES = frozenset({SHARED_DEV_SECRET_VAR})


class ConfigError(Exception):
    """A configuration value is missing or invalid; the message names the variable."""


# ------------------------------------------------------------ reading the environment


class _Environment(Env):
    """environs' reader over a mapping (`os.environ` unless given): values are
    stripped, a blank value counts as unset, and the names read are recorded
    (`names`), so that the README's table can be checked against them."""

    def __init__(self, source):
        super().__init__(eager=True)
        self._source = source
        self.names: set[str] = set()

    def _get_value(self, env_key, default):
        self.names.add(env_key)
        raw = self._source.get(env_key)
        if raw is None or raw.strip() == "":
            return default
        return raw.strip()

    def get(self, name, default=None):
        """The raw value of `name` (not stripped), as `os.environ.get`."""
        self.names.add(name)
        return self._source.get(name, default)


def _parsed(environ: _Environment, method: str, name: str, default, **kwargs):
    """`environ.<method>(name, default, ...)`, its validation error as a ConfigError
    `"<NAME> <reason>, got <value>"`."""
    try:
        return getattr(environ, method)(name, default, **kwargs)
    except EnvError as exc:
        messages = getattr(exc, "error_messages", None) or [str(exc)]
        reason = messages[0] if isinstance(messages, list) else str(messages)
        raise ConfigError(f"{name} {reason}, got {environ._get_value(name, None)!r}") from None


def _bounds(minimum=None, maximum=None):
    def check(value):
        if minimum is not None and value < minimum:
            raise ValidationError(f"must be at least {minimum}")
        if maximum is not None and value > maximum:
            raise ValidationError(f"must be at most {maximum}")

    return check


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _cases(words):
    return {variant for word in words for variant in (word, word.upper(), word.title())}


def _env(environ: _Environment, name: str, default=None):
    """The variable as a string (stripped), or `default` when unset or blank."""
    return _parsed(environ, "str", name, default)


def _bool(environ: _Environment, name: str, default: bool) -> bool:
    return _parsed(
        environ, "bool", name, default, truthy=_cases(_TRUE), falsy=_cases(_FALSE), error_messages={"invalid": "must be true or false"}
    )


def _int(environ: _Environment, name: str, default: int | None, minimum=None, maximum=None) -> int | None:
    return _parsed(
        environ, "int", name, default, validate=_bounds(minimum, maximum), strict=False, error_messages={"invalid": "must be an integer"}
    )


def _float(environ: _Environment, name: str, default: float, minimum=0.0, maximum=None) -> float:
    # allow_nan=False: float() also reads "nan" and "inf", which no setting here can use.
    return _parsed(
        environ,
        "float",
        name,
        default,
        validate=_bounds(minimum, maximum),
        allow_nan=False,
        error_messages={"invalid": "must be a number", "special": "must be a finite number"},
    )


def _rate_limit(environ: _Environment, name: str, default: str) -> str:
    """A Flask-Limiter limit such as `5 per minute` (or `5/minute;100/day`)."""

    def check(value):
        try:
            limits.parse_many(value)
        except ValueError:
            raise ValidationError("must be a rate limit such as '5 per minute'") from None

    return _parsed(environ, "str", name, default, validate=check)


def normalize_database_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and select the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _database_url(environ, app_env):
    raw = _env(environ, "DATABASE_URL")
    if raw is None:
        if app_env == "production":
            raise ConfigError("DATABASE_URL is required in production (postgresql+psycopg://user:pass@host/db)")
        return None
    url = normalize_database_url(raw)
    scheme = url.split("://", 1)[0]
    if scheme not in ("postgresql+psycopg", "sqlite"):
        raise ConfigError(f"DATABASE_URL must be a postgresql:// or sqlite:// URL, got scheme {scheme!r}")
    if app_env == "production" and scheme != "postgresql+psycopg":
        raise ConfigError("DATABASE_URL must point at PostgreSQL in production")
    return url


def _redis_sentinels(environ) -> list[tuple[str, int]]:
    """REDIS_SENTINELS=host:port,host:port,... as (host, port) pairs."""
    raw = _env(environ, "REDIS_SENTINELS", "")
    sentinels = []
    for item in (part.strip() for part in raw.split(",") if part.strip()):
        host, _, port = item.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"REDIS_SENTINELS must be host:port,host:port,... (got {item!r})")
        sentinels.append((host.strip("[]"), int(port)))
    return sentinels


def _redis_settings(environ, redis_url) -> dict:
    """REDIS_SENTINELS / REDIS_SENTINEL_MASTER (docs/scaling.md): the sentinels
    name the primary; REDIS_URL, when given, supplies only the password and
    the database number. REDIS_URL stays the one "Redis is configured"
    setting (a `redis+sentinel://` description when the sentinels are used)."""
    sentinels = _redis_sentinels(environ)
    master = _env(environ, "REDIS_SENTINEL_MASTER")
    if not sentinels:
        if master:
            raise ConfigError("REDIS_SENTINEL_MASTER needs REDIS_SENTINELS (host:port,...)")
        return {"REDIS_URL": redis_url, "REDIS_SENTINELS": [], "REDIS_SENTINEL_MASTER": None, "REDIS_DB": 0, "REDIS_PASSWORD": None}
    if not master:
        raise ConfigError("REDIS_SENTINEL_MASTER is required with REDIS_SENTINELS (the monitored primary's name)")
    parsed = urlsplit(redis_url or "redis://")
    db = (parsed.path or "/").strip("/") or "0"
    if not db.isdigit():
        raise ConfigError("REDIS_URL's path must be a database number")
    hosts = ",".join(f"{host}:{port}" for host, port in sentinels)
    return {
        "REDIS_URL": f"redis+sentinel://{hosts}/{master}/{db}",
        "REDIS_SENTINELS": sentinels,
        "REDIS_SENTINEL_MASTER": master,
        "REDIS_DB": int(db),
        "REDIS_PASSWORD": parsed.password,
    }


def _redis_url(environ, app_env):
    raw = _env(environ, "REDIS_URL")
    if raw is None:
        if app_env == "production" and not _env(environ, "REDIS_SENTINELS"):
            raise ConfigError("REDIS_URL (or REDIS_SENTINELS) is required in production (redis://host:6379/0)")
        return None
    if urlsplit(raw).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError("REDIS_URL must be a redis://, rediss:// or unix:// URL")
    return raw


# The built-in flags (README: Feature flags); FEATURE_FLAGS may change their defaults and add more.
DEFAULT_FEATURE_FLAGS = {"enable_new_ui": False, "maintenance_mode": False}
_FLAG_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _feature_flags(environ) -> dict[str, bool]:
    flags = dict(DEFAULT_FEATURE_FLAGS)
    for item in (_env(environ, "FEATURE_FLAGS", "") or "").split(","):
        if not item.strip():
            continue
        name, sep, value = (part.strip() for part in item.partition("="))
        if not sep or not _FLAG_NAME.match(name) or value.lower() not in ("true", "false"):
            raise ConfigError(f"FEATURE_FLAGS must be name=true|false pairs separated by commas, got {item.strip()!r}")
        flags[name] = value.lower() == "true"
    return flags


def _networks(environ, name) -> list:
    networks = []
    for item in (_env(environ, name, "") or "").split(","):
        if item.strip():
            try:
                networks.append(ipaddress.ip_network(item.strip(), strict=False))
            except ValueError:
                raise ConfigError(f"{name} must be IP addresses or networks separated by commas, got {item.strip()!r}") from None
    return networks


def _tracing(environ) -> dict:
    """OpenTelemetry is off unless an OTEL_* variable asks for an exporter."""
    exporter = (_env(environ, "OTEL_TRACES_EXPORTER") or "").lower()
    endpoint = _env(environ, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or _env(environ, "OTEL_EXPORTER_OTLP_ENDPOINT")
    if exporter not in ("", "otlp", "console", "none"):
        raise ConfigError(f"OTEL_TRACES_EXPORTER must be otlp, console or none, got {exporter!r}")
    protocol = _env(environ, "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or _env(environ, "OTEL_EXPORTER_OTLP_PROTOCOL")
    if protocol and protocol != "http/protobuf":
        raise ConfigError(f"OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf (the exporter installed), got {protocol!r}")
    if not exporter:
        exporter = "otlp" if endpoint else "none"
    enabled = exporter != "none" and not _bool(environ, "OTEL_SDK_DISABLED", False)
    return {
        "TRACING_ENABLED": enabled,
        "TRACING_EXPORTER": exporter if enabled else "none",
        "OTEL_SERVICE_NAME": _env(environ, "OTEL_SERVICE_NAME", "gatehouse"),
    }


def _jwt_secret(environ, app_env, warnings):
    raw = environ.get("JWT_SECRET_KEY")
    if raw:
        if len(raw.encode()) < 32:
            if app_env == "production":
                raise ConfigError("JWT_SECRET_KEY must be at least 32 bytes in production")
            warnings.append("JWT_SECRET_KEY is shorter than 32 bytes; production would refuse it")
        return raw
    if app_env == "production":
        raise ConfigError("JWT_SECRET_KEY is required in production (at least 32 bytes)")
    warnings.append("JWT_SECRET_KEY is not set: using a random key for this process; tokens end at restart")
    # Under gunicorn "this process" is the master: deploy/gunicorn.conf.py makes
    # one key there for all its workers, so that they accept each other's tokens.
    return environ.get(SHARED_DEV_SECRET_VAR) or secrets.token_urlsafe(48)


def _encryption_keys(environ, app_env, secret, secret_given, instance, warnings) -> list[str]:
    """The ENCRYPTION_KEYS ring: base64url 32-byte keys, the first one encrypts (app.encryption)."""
    raw = _env(environ, "ENCRYPTION_KEYS")
    if raw:
        keys = [k.strip() for k in raw.split(",") if k.strip()]
        for k in keys:
            try:
                valid = len(base64.urlsafe_b64decode(k.encode("ascii"))) == 32
            except (binascii.Error, ValueError, UnicodeError):
                valid = False
            if not valid:
                raise ConfigError(
                    "ENCRYPTION_KEYS must be base64url-encoded 32-byte keys separated by commas (make one: "
                    "python -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')"
                )
        return keys
    if app_env == "production":
        raise ConfigError("ENCRYPTION_KEYS is required in production (comma-separated base64url 32-byte keys)")
    if secret_given:
        warnings.append("ENCRYPTION_KEYS is not set: deriving a key from JWT_SECRET_KEY; production would refuse to start")
        digest = hashlib.sha256(b"gatehouse-encryption-key:" + secret.encode("utf-8")).digest()
        return [base64.urlsafe_b64encode(digest).decode("ascii")]
    # No key and no fixed secret (the embedded default): keep one in the instance
    # folder, so that what it protects (TOTP secrets) survives a restart.
    path = instance / "encryption.key"
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"))
    warnings.append(f"ENCRYPTION_KEYS is not set: using the development key in {path}; production would refuse to start")
    return [path.read_text().strip()]


JWT_ALGORITHMS = ("HS256", "EdDSA", "ES256")


def _jwt_algorithm(environ) -> str:
    """JWT_ALGORITHM: HS256 (JWT_SECRET_KEY), or EdDSA / ES256 with keys of their own (docs/signing-keys.md)."""
    raw = _env(environ, "JWT_ALGORITHM", "HS256")
    for name in JWT_ALGORITHMS:
        if raw.lower() == name.lower():
            return name
    raise ConfigError(f"JWT_ALGORITHM must be one of {', '.join(JWT_ALGORITHMS)}, got {raw!r}")


def _jwt_private_key_file(environ, algorithm) -> str | None:
    """JWT_PRIVATE_KEY_FILE: a PEM private key of the configured algorithm (checked now, read by app.keys)."""
    path = _env(environ, "JWT_PRIVATE_KEY_FILE")
    if path is None:
        return None
    if algorithm == "HS256":
        raise ConfigError("JWT_PRIVATE_KEY_FILE needs JWT_ALGORITHM=EdDSA or ES256 (HS256 signs with JWT_SECRET_KEY)")
    from app.keys.material import KeyMaterialError, load_private_pem

    try:
        with open(path, "rb") as f:
            load_private_pem(f.read(), algorithm)
    except OSError as exc:
        raise ConfigError(f"JWT_PRIVATE_KEY_FILE cannot be read: {exc.strerror or exc}") from None
    except KeyMaterialError as exc:
        raise ConfigError(f"JWT_PRIVATE_KEY_FILE {exc}") from None
    return path


def _introspection_token(environ, app_env, warnings) -> str | None:
    """INTROSPECTION_TOKEN: the Bearer token of POST /api/v1/auth/introspect (the route is off without it)."""
    token = _env(environ, "INTROSPECTION_TOKEN")
    if token is not None and len(token.encode()) < 32:
        if app_env == "production":
            raise ConfigError("INTROSPECTION_TOKEN must be at least 32 bytes in production")
        warnings.append("INTROSPECTION_TOKEN is shorter than 32 bytes; production would refuse it")
    return token


def _webauthn(environ, frontend_url: str) -> dict:
    """The passkey relying party (docs/passkeys.md): its id (a host name, by
    default FRONTEND_URL's), its name, and the origins a ceremony may come
    from (by default FRONTEND_URL's origin). Values given are checked as
    browsers would: every origin https (http only on localhost) and on the RP
    id's host or one of its subdomains."""
    frontend = urlsplit(frontend_url)
    given_rp_id = _env(environ, "WEBAUTHN_RP_ID")
    rp_id = (given_rp_id or frontend.hostname or "localhost").lower()
    if given_rp_id and not _HOST_NAME.fullmatch(rp_id):
        raise ConfigError(f"WEBAUTHN_RP_ID must be a host name without scheme or port (e.g. example.com), got {rp_id!r}")
    rp_name = _env(environ, "WEBAUTHN_RP_NAME", "Gatehouse")
    if len(rp_name) > 64 or not rp_name.isprintable():
        raise ConfigError("WEBAUTHN_RP_NAME must be at most 64 printable characters")
    raw = _env(environ, "WEBAUTHN_ORIGINS")
    if not raw:
        return {"WEBAUTHN_RP_ID": rp_id, "WEBAUTHN_RP_NAME": rp_name, "WEBAUTHN_ORIGINS": [f"{frontend.scheme}://{frontend.netloc}"]}
    origins = [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]
    for origin in origins:
        parts = urlsplit(origin)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host or parts.path or parts.query or parts.fragment:
            raise ConfigError(f"WEBAUTHN_ORIGINS must be origins like https://example.com separated by commas, got {origin!r}")
        if parts.scheme == "http" and host != "localhost" and not host.endswith(".localhost"):
            raise ConfigError(f"WEBAUTHN_ORIGINS must use https (browsers allow http only on localhost), got {origin!r}")
        if host != rp_id and not host.endswith("." + rp_id):
            raise ConfigError(f"WEBAUTHN_ORIGINS must be on WEBAUTHN_RP_ID {rp_id!r} or its subdomains, got {origin!r}")
    return {"WEBAUTHN_RP_ID": rp_id, "WEBAUTHN_RP_NAME": rp_name, "WEBAUTHN_ORIGINS": origins}


_HOST_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*")


_PROVIDER_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


def _http_url(name: str, value: str, app_env: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password:
        raise ConfigError(f"{name} must be an http:// or https:// URL without user-info, got {value!r}")
    if app_env == "production" and parts.scheme != "https" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        raise ConfigError(f"{name} must be an https:// URL in production")
    return value.rstrip("/")


def _oidc_providers(environ, app_env) -> dict[str, dict]:
    """OIDC_PROVIDERS=name,... and OIDC_<NAME>_ISSUER / _CLIENT_ID / _CLIENT_SECRET
    (/ _SCOPES, default "openid email profile") for each (docs/oidc.md)."""
    providers = {}
    for item in (_env(environ, "OIDC_PROVIDERS", "") or "").split(","):
        name = item.strip().lower()
        if not name:
            continue
        if not _PROVIDER_NAME.match(name):
            raise ConfigError(f"OIDC_PROVIDERS must be names of lower-case letters, digits and _, got {item.strip()!r}")
        prefix = f"OIDC_{name.upper()}_"
        values = {}
        for part in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET"):
            value = _env(environ, prefix + part)
            if value is None:
                raise ConfigError(f"{prefix}{part} is required for the provider {name!r} listed in OIDC_PROVIDERS")
            values[part.lower()] = value
        scopes = (_env(environ, prefix + "SCOPES", "openid email profile") or "").split()
        if "openid" not in scopes:
            raise ConfigError(f"{prefix}SCOPES must include openid")
        providers[name] = {
            "issuer": _http_url(prefix + "ISSUER", values["issuer"], app_env),
            "client_id": values["client_id"],
            "client_secret": values["client_secret"],
            "scopes": scopes,
        }
    return providers


def _redirect_allowlist(environ, frontend_url: str) -> list[str]:
    entries = []
    for item in (_env(environ, "OIDC_REDIRECT_ALLOWLIST", "") or "").split(","):
        item = item.strip()
        if not item:
            continue
        parts = urlsplit(item)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.username or parts.password or parts.query or parts.fragment:
            raise ConfigError(
                "OIDC_REDIRECT_ALLOWLIST must be http:// or https:// URLs (origin and optional path, "
                f"no query or fragment) separated by commas, got {item!r}"
            )
        entries.append(item)
    return entries or [frontend_url]


def _oidc(environ, app_env: str, frontend_url: str) -> dict:
    """Sign-in with OpenID Connect providers (docs/oidc.md)."""
    return dict(
        OIDC_PROVIDERS=_oidc_providers(environ, app_env),
        OIDC_REDIRECT_ALLOWLIST=_redirect_allowlist(environ, frontend_url),
        OIDC_HTTP_TIMEOUT_SECONDS=_float(environ, "OIDC_HTTP_TIMEOUT_SECONDS", 5.0, minimum=0.1, maximum=60),
        OIDC_DISCOVERY_TTL_SECONDS=_int(environ, "OIDC_DISCOVERY_TTL_SECONDS", 3600, minimum=0, maximum=86400),
    )


# ------------------------------------------------------------------ the settings

# How the libraries are wired (flask-smorest, SQLAlchemy, Flask-Limiter): the
# same in every environment, not settings an operator changes.
FRAMEWORK: dict[str, Any] = {
    "SERVICE_NAME": "gatehouse",
    "API_TITLE": "Gatehouse",
    "API_VERSION": "1.0.0",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "/docs",
    # Swagger UI assets are served by the service itself (no CDN), see app/docs.py.
    "OPENAPI_SWAGGER_UI_URL": "/api/docs/assets/",
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_STRATEGY": "moving-window",
    # A broken Redis must not turn every request into a 500: the limiter
    # falls back to per-process memory until the storage comes back.
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
}


@dataclasses.dataclass(frozen=True, kw_only=True)
class Settings:
    """Every setting of the service, typed and validated. Fields without a
    default are read from the environment (or derived from it); fields with a
    default are fixed unless a reader below also reads them."""

    # --- where things are
    APP_ENV: str
    TESTING: bool
    DEBUG: bool = False
    INSTANCE_PATH: str
    KEY_ENV: str
    SQLALCHEMY_DATABASE_URI: str
    SQLALCHEMY_ENGINE_OPTIONS: dict
    DATABASE_STATEMENT_TIMEOUT_MS: int
    # `pgbouncer` behind PgBouncer in transaction pooling mode (app/pgbouncer.py), else `none`.
    DATABASE_POOLER: str
    EMBEDDED_DATABASE: bool
    REDIS_URL: str | None
    # Redis behind Sentinel (docs/scaling.md): the sentinels, the primary's name, and
    # the database number and password (from REDIS_URL) of the connections to it.
    REDIS_SENTINELS: list
    REDIS_SENTINEL_MASTER: str | None
    REDIS_DB: int
    REDIS_PASSWORD: str | None
    EMBEDDED_REDIS: bool
    REDIS_SOCKET_TIMEOUT: float
    JOBS_INLINE: bool
    RATELIMIT_STORAGE_URI: str

    # --- secrets and tokens
    JWT_SECRET_KEY: str
    SECRET_KEY: str
    # Signing keys (docs/signing-keys.md): HS256 signs with JWT_SECRET_KEY; EdDSA and
    # ES256 with the keys of `flask keys rotate` or JWT_PRIVATE_KEY_FILE. Every process
    # looks for a rotation or retirement at most JWT_KEYS_CHECK_SECONDS after its last look.
    JWT_ALGORITHM: str
    JWT_PRIVATE_KEY_FILE: str | None
    JWT_KEYS_CHECK_SECONDS: float
    INTROSPECTION_TOKEN: str | None
    ENCRYPTION_KEYS: list
    JWT_EXPIRATION_HOURS: float
    SESSION_TTL_HOURS: float
    SESSION_IDLE_TIMEOUT_HOURS: float
    REAUTH_MAX_AGE_SECONDS: int
    REFRESH_GRACE_SECONDS: int
    BCRYPT_ROUNDS: int
    PASSWORD_HASH_QUEUE_LIMIT: int
    VERIFY_TOKEN_TTL_HOURS: float = 48
    RESET_TOKEN_TTL_HOURS: float = 1
    # Part of the API contract (the OpenAPI document states them): not configurable.
    PASSWORD_MIN_LENGTH: int = 8
    PASSWORD_MAX_LENGTH: int = 128

    # --- limits (docs/architecture.md §6)
    RATELIMIT_ENABLED: bool
    REGISTER_RATE_LIMIT: str
    LOGIN_RATE_LIMIT: str
    REFRESH_RATE_LIMIT: str
    VERIFY_EMAIL_RATE_LIMIT: str
    RESEND_VERIFICATION_RATE_LIMIT: str
    FORGOT_PASSWORD_RATE_LIMIT: str
    RESET_PASSWORD_RATE_LIMIT: str
    REAUTHENTICATE_RATE_LIMIT: str
    MFA_LOGIN_RATE_LIMIT: str
    PASSKEY_LOGIN_OPTIONS_RATE_LIMIT: str
    PASSKEY_LOGIN_RATE_LIMIT: str
    OIDC_RATE_LIMIT: str
    PAGE_RATE_LIMIT: str
    # Account lockout: this many failed logins within the window lock the
    # account for LOCKOUT_SECONDS (it then lifts on its own).
    LOCKOUT_THRESHOLD: int
    LOCKOUT_WINDOW_SECONDS: int
    LOCKOUT_SECONDS: int
    KNOWN_CLIENT_DAYS: int
    NEW_SIGN_IN_DAYS: int
    RESET_EMAILS_PER_HOUR: int
    EMAIL_CHANGES_PER_HOUR: int
    EMAIL_CHANGE_ATTEMPTS_PER_HOUR: int
    # At most one verification email per address per this many seconds (resend-verification).
    RESEND_COOLDOWN_SECONDS: int = 60
    # forgot-password answers no sooner than this after it starts, link sent or not, so that
    # its timing does not tell which addresses have accounts (sending takes a few ms more).
    FORGOT_PASSWORD_MIN_SECONDS: float = 0.1
    # The same for resend-verification (a known unverified address sends a link), and
    # for every refused login, counted from the end of the hash check (app.auth.timing).
    RESEND_VERIFICATION_MIN_SECONDS: float = 0.1
    LOGIN_FAILURE_MIN_SECONDS: float = 0.05
    # Bodies above this are refused with 413 before any parsing.
    MAX_CONTENT_LENGTH: int = 64 * 1024
    CORS_ORIGINS: list
    TRUSTED_PROXY_COUNT: int

    # --- email, webhooks and the worker (docs/architecture.md §5)
    MAIL_BACKEND: str
    MAIL_SERVER: str
    MAIL_PORT: int
    MAIL_USERNAME: str | None
    MAIL_PASSWORD: str | None
    MAIL_USE_TLS: bool
    MAIL_USE_SSL: bool
    MAIL_TIMEOUT: float
    MAIL_DEFAULT_SENDER: str
    FRONTEND_URL: str
    WEBHOOK_URL: str | None
    WEBHOOK_SECRET: str | None
    EMAIL_WORKERS: int
    EMAIL_RETRY_BASE_SECONDS: float
    OUTBOX_SWEEP_INTERVAL_SECONDS: float
    # The sweeper leaves a pending message alone this long after it was (re)queued or due.
    OUTBOX_SWEEP_GRACE_SECONDS: float
    # A job not started within its TTL expires (docs/architecture.md §5: email 1 h, notifications 30 min).
    EMAIL_JOB_TTL_SECONDS: int = 3600
    NOTIFICATION_JOB_TTL_SECONDS: int = 1800
    EMAIL_QUEUE: str = "email_queue"
    EMAIL_DLQ: str = "email_dead_letter_queue"
    NOTIFICATION_QUEUE: str = "notification_queue"
    NOTIFICATION_DLQ: str = "notification_dlq"
    # Transient failures are retried this many times, after EMAIL_RETRY_BASE_SECONDS * 2^n (docs/architecture.md §5).
    EMAIL_MAX_RETRIES: int = 3
    # An attempt (SMTP conversation or webhook POST) is killed after this long; its lease lasts a little longer.
    EMAIL_JOB_TIMEOUT_SECONDS: int = 60
    OUTBOX_SWEEP_BATCH: int = 500
    WEBHOOK_TIMEOUT_SECONDS: float = 5.0

    # --- operations
    LOG_LEVEL: str
    PROFILE_CACHE_TTL_SECONDS: int
    METRICS_TOKEN: str | None
    METRICS_ALLOW: list
    FEATURE_FLAGS: dict
    MAINTENANCE_RETRY_AFTER: int
    # Every process re-reads maintenance_mode from Redis at most this long
    # after its last read (plus one Redis round trip), so that all workers see
    # a change well within a second (docs/architecture.md §4, app/flags/service.py).
    MAINTENANCE_CHECK_SECONDS: float = 0.25
    TRACING_ENABLED: bool
    TRACING_EXPORTER: str
    OTEL_SERVICE_NAME: str
    # Two-factor sign-in (docs/mfa.md): the name authenticator apps show, and
    # whether admin routes want a session signed in with a second factor.
    MFA_ISSUER: str
    MFA_REQUIRED_FOR_ADMINS: bool
    # Passkeys (docs/passkeys.md): the relying party and the origins a ceremony may come from.
    WEBAUTHN_RP_ID: str
    WEBAUTHN_RP_NAME: str
    WEBAUTHN_ORIGINS: list
    # Sign-in with OpenID Connect providers (docs/oidc.md): per provider its issuer and
    # client credentials; where browsers may be sent back; bounds on talking to providers.
    OIDC_PROVIDERS: dict
    OIDC_REDIRECT_ALLOWLIST: list
    OIDC_HTTP_TIMEOUT_SECONDS: float
    OIDC_DISCOVERY_TTL_SECONDS: int

    STARTUP_WARNINGS: list = dataclasses.field(default_factory=list)

    def as_config(self) -> dict[str, Any]:
        """The settings as `app.config` holds them (with the libraries' wiring)."""
        return {**FRAMEWORK, **{f.name: getattr(self, f.name) for f in dataclasses.fields(self)}}


# ------------------------------------------------------------- readers, by group


def _storage(environ: _Environment, app_env: str, overrides: dict) -> dict:
    """Database, Redis and the instance folder."""
    database_url = overrides.get("DATABASE_URL") or _database_url(environ, app_env)
    redis_url = overrides["REDIS_URL"] if "REDIS_URL" in overrides else _redis_url(environ, app_env)
    redis_settings = _redis_settings(environ, redis_url)
    redis_url = redis_settings["REDIS_URL"]
    embedded_db = database_url is None
    instance = Path(_env(environ, "INSTANCE_PATH", str(BASE_DIR / "instance")))
    if embedded_db:
        instance.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{instance / 'gatehouse.db'}"
    is_sqlite = database_url.startswith("sqlite")
    statement_timeout_ms = 0 if is_sqlite else _int(environ, "DATABASE_STATEMENT_TIMEOUT_MS", 10000, minimum=0)
    pooler = "none" if is_sqlite else _env(environ, "DATABASE_POOLER", "none").lower()
    if pooler not in ("none", "pgbouncer"):
        raise ConfigError(f"DATABASE_POOLER must be none or pgbouncer, got {pooler!r}")
    return dict(
        INSTANCE_PATH=str(instance),
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS=_engine_options(environ, is_sqlite, statement_timeout_ms, pooler),
        DATABASE_STATEMENT_TIMEOUT_MS=statement_timeout_ms,
        DATABASE_POOLER=pooler,
        EMBEDDED_DATABASE=embedded_db,
        **redis_settings,
        EMBEDDED_REDIS=redis_url is None,
        REDIS_SOCKET_TIMEOUT=_float(environ, "REDIS_SOCKET_TIMEOUT", 0.5),
        # Without a real Redis there is no worker: jobs run inline.
        JOBS_INLINE=redis_url is None,
        # limits' Sentinel storage: redis+sentinel://host:port,.../<primary's name>.
        RATELIMIT_STORAGE_URI=(redis_url.rsplit("/", 1)[0] if redis_settings["REDIS_SENTINELS"] else redis_url or "memory://"),
    )


def _engine_options(environ: _Environment, is_sqlite: bool, statement_timeout_ms: int, pooler: str = "none") -> dict:
    # On PostgreSQL with a statement timeout, app.db_watchdog pings each
    # checked-out connection itself, under its client-side bound.
    # hide_parameters: a driver error is logged without its bound values (emails,
    # password hashes, tokens' hashes), whatever logger or tracer catches it.
    options: dict[str, Any] = {"pool_pre_ping": statement_timeout_ms == 0, "hide_parameters": True}
    if is_sqlite:
        return options
    # Fail fast instead of hanging when PostgreSQL is unreachable.
    options.update(
        pool_size=_int(environ, "DATABASE_POOL_SIZE", 5, minimum=1),
        max_overflow=_int(environ, "DATABASE_MAX_OVERFLOW", 10, minimum=0),
        pool_timeout=_float(environ, "DATABASE_POOL_TIMEOUT", 5.0),
        pool_recycle=1800,
        connect_args={
            "connect_timeout": _int(environ, "DATABASE_CONNECT_TIMEOUT", 3, minimum=1),
            # Bound every statement so a stuck query cannot hold a worker.
            "options": f"-c statement_timeout={statement_timeout_ms}",
            # A server that vanishes from the network (host down, partition)
            # sends no error and no RST: without these a pooled connection waits
            # for the kernel's retransmissions, about 15 minutes. Unacknowledged
            # data fails after 10 s, a silent connection after 5 + 3 x 2 s.
            "keepalives": 1,
            "keepalives_idle": 5,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": 10000,
        },
    )
    if pooler == "pgbouncer":
        # Transaction pooling (docs/scaling.md): each transaction may run on
        # another server connection, so nothing may outlive one. No
        # server-side prepared statements (psycopg prepares a query from its
        # 5th use on a connection), no startup `options` (PgBouncer refuses
        # them): app/pgbouncer.py sets the statement timeout in each transaction.
        options["connect_args"].pop("options")
        options["connect_args"]["prepare_threshold"] = None
    return options


def _secrets_and_tokens(environ: _Environment, app_env: str, instance: Path, overrides: dict, warnings: list) -> dict:
    secret = overrides.get("JWT_SECRET_KEY") or _jwt_secret(environ, app_env, warnings)
    secret_given = bool(overrides.get("JWT_SECRET_KEY") or _env(environ, "JWT_SECRET_KEY"))
    jwt_algorithm = overrides.get("JWT_ALGORITHM") or _jwt_algorithm(environ)
    jwt_hours = _float(environ, "JWT_EXPIRATION_HOURS", 1.0, minimum=0.01, maximum=MAX_LIFETIME_HOURS)
    # Off (0) by default; measured between refreshes, so it must outlast an access token.
    idle_hours = _float(environ, "SESSION_IDLE_TIMEOUT_HOURS", 0.0, minimum=0.0, maximum=MAX_LIFETIME_HOURS)
    if 0 < idle_hours <= jwt_hours:
        raise ConfigError("SESSION_IDLE_TIMEOUT_HOURS must be 0 (off) or longer than JWT_EXPIRATION_HOURS")
    bcrypt_rounds = _int(environ, "BCRYPT_ROUNDS", 12, minimum=4, maximum=31)
    if app_env == "production" and bcrypt_rounds < MIN_PRODUCTION_BCRYPT_ROUNDS:
        raise ConfigError(f"BCRYPT_ROUNDS must be at least {MIN_PRODUCTION_BCRYPT_ROUNDS} in production, got {bcrypt_rounds}")
    return dict(
        JWT_SECRET_KEY=secret,
        SECRET_KEY=secret,
        JWT_ALGORITHM=jwt_algorithm,
        JWT_PRIVATE_KEY_FILE=overrides.get("JWT_PRIVATE_KEY_FILE") or _jwt_private_key_file(environ, jwt_algorithm),
        JWT_KEYS_CHECK_SECONDS=_float(environ, "JWT_KEYS_CHECK_SECONDS", 2.0, minimum=0.0, maximum=60.0),
        INTROSPECTION_TOKEN=_introspection_token(environ, app_env, warnings),
        ENCRYPTION_KEYS=overrides.get("ENCRYPTION_KEYS") or _encryption_keys(environ, app_env, secret, secret_given, instance, warnings),
        # At most ten years: beyond that an expiry date cannot be computed.
        JWT_EXPIRATION_HOURS=jwt_hours,
        SESSION_IDLE_TIMEOUT_HOURS=idle_hours,
        SESSION_TTL_HOURS=_float(environ, "SESSION_TTL_HOURS", 24.0, minimum=0.01, maximum=MAX_LIFETIME_HOURS),
        # A session is fresh this long after its user last proved who they are (app.auth.fresh).
        REAUTH_MAX_AGE_SECONDS=_int(environ, "REAUTH_MAX_AGE_SECONDS", 300, minimum=1, maximum=86400),
        # Off by default (docs/architecture.md §3: a spent refresh token presented again ends its
        # session). When set, a duplicate refresh from the same client within this
        # many seconds gets the same new pair (clients that race their own refresh).
        REFRESH_GRACE_SECONDS=_int(environ, "REFRESH_GRACE_SECONDS", 0, minimum=0, maximum=60),
        BCRYPT_ROUNDS=bcrypt_rounds,
        PASSWORD_HASH_QUEUE_LIMIT=_int(environ, "PASSWORD_HASH_QUEUE_LIMIT", 32, minimum=0),
    )


def _limits(environ: _Environment) -> dict:
    """Rate limits per client IP, the account lockout and per-account email limits (docs/architecture.md §6)."""
    return dict(
        RATELIMIT_ENABLED=_bool(environ, "RATELIMIT_ENABLED", True),
        REGISTER_RATE_LIMIT=_rate_limit(environ, "REGISTER_RATE_LIMIT", "5 per minute"),
        LOGIN_RATE_LIMIT=_rate_limit(environ, "LOGIN_RATE_LIMIT", "10 per minute"),
        REFRESH_RATE_LIMIT=_rate_limit(environ, "REFRESH_RATE_LIMIT", "30 per minute"),
        VERIFY_EMAIL_RATE_LIMIT=_rate_limit(environ, "VERIFY_EMAIL_RATE_LIMIT", "10 per minute"),
        RESEND_VERIFICATION_RATE_LIMIT=_rate_limit(environ, "RESEND_VERIFICATION_RATE_LIMIT", "3 per minute"),
        FORGOT_PASSWORD_RATE_LIMIT=_rate_limit(environ, "FORGOT_PASSWORD_RATE_LIMIT", "3 per minute"),
        RESET_PASSWORD_RATE_LIMIT=_rate_limit(environ, "RESET_PASSWORD_RATE_LIMIT", "10 per minute"),
        REAUTHENTICATE_RATE_LIMIT=_rate_limit(environ, "REAUTHENTICATE_RATE_LIMIT", "10 per minute"),
        MFA_LOGIN_RATE_LIMIT=_rate_limit(environ, "MFA_LOGIN_RATE_LIMIT", "10 per minute"),
        PASSKEY_LOGIN_OPTIONS_RATE_LIMIT=_rate_limit(environ, "PASSKEY_LOGIN_OPTIONS_RATE_LIMIT", "20 per minute"),
        PASSKEY_LOGIN_RATE_LIMIT=_rate_limit(environ, "PASSKEY_LOGIN_RATE_LIMIT", "10 per minute"),
        OIDC_RATE_LIMIT=_rate_limit(environ, "OIDC_RATE_LIMIT", "30 per minute"),
        PAGE_RATE_LIMIT=_rate_limit(environ, "PAGE_RATE_LIMIT", "60 per minute"),
        LOCKOUT_THRESHOLD=_int(environ, "LOCKOUT_THRESHOLD", 10, minimum=1, maximum=1000),
        LOCKOUT_WINDOW_SECONDS=_int(environ, "LOCKOUT_WINDOW_SECONDS", 15 * 60, minimum=1, maximum=86400),
        LOCKOUT_SECONDS=_int(environ, "LOCKOUT_SECONDS", 15 * 60, minimum=1, maximum=86400),
        KNOWN_CLIENT_DAYS=_int(environ, "KNOWN_CLIENT_DAYS", 90, minimum=0, maximum=3650),
        NEW_SIGN_IN_DAYS=_int(environ, "NEW_SIGN_IN_DAYS", 90, minimum=1, maximum=3650),
        RESET_EMAILS_PER_HOUR=_int(environ, "RESET_EMAILS_PER_HOUR", 5, minimum=1, maximum=100),
        EMAIL_CHANGES_PER_HOUR=_int(environ, "EMAIL_CHANGES_PER_HOUR", 5, minimum=1, maximum=100),
        EMAIL_CHANGE_ATTEMPTS_PER_HOUR=_int(environ, "EMAIL_CHANGE_ATTEMPTS_PER_HOUR", 10, minimum=1, maximum=1000),
        CORS_ORIGINS=[o.strip() for o in _env(environ, "CORS_ORIGINS", "").split(",") if o.strip()],
        TRUSTED_PROXY_COUNT=_int(environ, "TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5),
    )


def _email(environ: _Environment) -> dict:
    """SMTP, links in emails, webhooks and the worker (docs/architecture.md §5)."""
    mail_backend = _env(environ, "MAIL_BACKEND", "console")
    if mail_backend not in ("console", "smtp"):
        raise ConfigError(f"MAIL_BACKEND must be console or smtp, got {mail_backend!r}")
    frontend_url = _env(environ, "FRONTEND_URL", "http://localhost:5000").rstrip("/")
    if urlsplit(frontend_url).scheme not in ("http", "https"):
        raise ConfigError("FRONTEND_URL must be an http:// or https:// URL")
    webhook_url = _env(environ, "WEBHOOK_URL")
    webhook_secret = _env(environ, "WEBHOOK_SECRET")
    if webhook_url and not webhook_secret:
        raise ConfigError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
    return dict(
        MAIL_BACKEND=mail_backend,
        MAIL_SERVER=_env(environ, "MAIL_SERVER", "localhost"),
        MAIL_PORT=_int(environ, "MAIL_PORT", 25, minimum=1, maximum=65535),
        MAIL_USERNAME=_env(environ, "MAIL_USERNAME"),
        MAIL_PASSWORD=_env(environ, "MAIL_PASSWORD"),
        MAIL_USE_TLS=_bool(environ, "MAIL_USE_TLS", False),
        MAIL_USE_SSL=_bool(environ, "MAIL_USE_SSL", False),
        MAIL_TIMEOUT=_float(environ, "MAIL_TIMEOUT", 10.0),
        MAIL_DEFAULT_SENDER=_env(environ, "MAIL_DEFAULT_SENDER", "Gatehouse <no-reply@localhost>"),
        FRONTEND_URL=frontend_url,
        WEBHOOK_URL=webhook_url,
        WEBHOOK_SECRET=webhook_secret,
        EMAIL_WORKERS=_int(environ, "EMAIL_WORKERS", 5, minimum=1, maximum=64),
        EMAIL_RETRY_BASE_SECONDS=_float(environ, "EMAIL_RETRY_BASE_SECONDS", 1.0),
        OUTBOX_SWEEP_INTERVAL_SECONDS=_float(environ, "OUTBOX_SWEEP_INTERVAL_SECONDS", 10.0, minimum=0.1),
        OUTBOX_SWEEP_GRACE_SECONDS=_float(environ, "OUTBOX_SWEEP_GRACE_SECONDS", 30.0),
    )


def _operations(environ: _Environment) -> dict:
    """Logging, caches, metrics, flags, tracing, two-factor sign-in."""
    log_level = _env(environ, "LOG_LEVEL", "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {log_level!r}")
    mfa_issuer = _env(environ, "MFA_ISSUER", "Gatehouse")
    if len(mfa_issuer) > 64 or ":" in mfa_issuer or not mfa_issuer.isprintable():
        raise ConfigError("MFA_ISSUER must be at most 64 printable characters without ':'")
    return dict(
        LOG_LEVEL=log_level,
        PROFILE_CACHE_TTL_SECONDS=_int(environ, "PROFILE_CACHE_TTL_SECONDS", 600, minimum=300, maximum=3600),
        METRICS_TOKEN=_env(environ, "METRICS_TOKEN"),
        METRICS_ALLOW=_networks(environ, "METRICS_ALLOW"),
        FEATURE_FLAGS=_feature_flags(environ),
        MAINTENANCE_RETRY_AFTER=_int(environ, "MAINTENANCE_RETRY_AFTER", 120, minimum=1, maximum=86400),
        MFA_ISSUER=mfa_issuer,
        MFA_REQUIRED_FOR_ADMINS=_bool(environ, "MFA_REQUIRED_FOR_ADMINS", False),
        **_tracing(environ),
    )


def read_settings(environ=None, **overrides) -> tuple[Settings, set[str]]:
    """The settings from `environ` (default `os.environ`), and the names of the
    variables consulted. `overrides` replace DATABASE_URL, REDIS_URL,
    JWT_SECRET_KEY, ENCRYPTION_KEYS and APP_ENV before anything is derived
    from them. Raises `ConfigError` naming the first bad variable."""
    environ = _Environment(os.environ if environ is None else environ)
    app_env = overrides.get("APP_ENV") or _env(environ, "APP_ENV", "development")
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, got {app_env!r}")
    warnings: list[str] = []
    storage = _storage(environ, app_env, overrides)
    email = _email(environ)
    settings = Settings(
        APP_ENV=app_env,
        TESTING=app_env == "testing",
        KEY_ENV=KEY_ENV[app_env],
        **storage,
        **_secrets_and_tokens(environ, app_env, Path(storage["INSTANCE_PATH"]), overrides, warnings),
        **_limits(environ),
        **email,
        **_webauthn(environ, email["FRONTEND_URL"]),
        **_oidc(environ, app_env, email["FRONTEND_URL"]),
        **_operations(environ),
        STARTUP_WARNINGS=warnings,
    )
    return settings, environ.names


def load_config(environ=None, **overrides) -> dict:
    """Read the environment into the flat settings dict of `app.config`.

    `overrides` win over the environment (tests use them). Raises
    `ConfigError` naming the first bad variable.
    """
    settings, _ = read_settings(environ, **overrides)
    config = settings.as_config()
    config.update(overrides)
    return config
