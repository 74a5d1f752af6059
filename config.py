"""Configuration read from the environment.

One class per `APP_ENV`. `load_config()` reads and validates the environment
once; a bad or missing required value raises `ConfigError` whose message is
one line naming the variable, so that start-up stops with that line and
nothing else.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import math
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
ENVIRONMENTS = ("development", "testing", "production")
# Short environment names used as the first part of every Redis key (docs/architecture.md §4).
KEY_ENV = {"development": "dev", "testing": "test", "production": "prod"}
MAX_LIFETIME_HOURS = 10 * 365 * 24
# Set by deploy/gunicorn.conf.py when JWT_SECRET_KEY is not (never read in production).
SHARED_DEV_SECRET_VAR = "GATEHOUSE_MASTER_JWT_SECRET"


class ConfigError(Exception):
    """A configuration value is missing or invalid; the message names the variable."""


def _env(environ, name, default=None):
    value = environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def _bool(environ, name, default):
    raw = _env(environ, name)
    if raw is None:
        return default
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def _int(environ, name, default, minimum=None, maximum=None):
    raw = _env(environ, name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, got {value}")
    return value


def _float(environ, name, default, minimum=0.0, maximum=None):
    raw = _env(environ, name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None
    # float() also reads "nan" and "inf", which no setting here can use.
    if not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, got {raw!r}")
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum}, got {value}")
    return value


def normalize_database_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and select the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
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


def _redis_url(environ, app_env):
    raw = _env(environ, "REDIS_URL")
    if raw is None:
        if app_env == "production":
            raise ConfigError("REDIS_URL is required in production (redis://host:6379/0)")
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
                raise ConfigError("ENCRYPTION_KEYS must be base64url-encoded 32-byte keys separated by commas (make one: "
                                  "python -c 'import base64,os; print(base64.urlsafe_b64encode(os.urandom(32)).decode())')")
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
        return {"WEBAUTHN_RP_ID": rp_id, "WEBAUTHN_RP_NAME": rp_name,
                "WEBAUTHN_ORIGINS": [f"{frontend.scheme}://{frontend.netloc}"]}
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


class Config:
    """Settings shared by every environment; values come from `load_config`."""

    APP_ENV = "development"
    SERVICE_NAME = "gatehouse"
    TESTING = False
    DEBUG = False

    # flask-smorest / OpenAPI
    API_TITLE = "Gatehouse"
    API_VERSION = "1.0.0"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "/docs"
    # Swagger UI assets are served by the service itself (no CDN), see app/docs.py.
    OPENAPI_SWAGGER_UI_URL = "/api/docs/assets/"

    JSON_SORT_KEYS = False
    # Bodies above this are refused with 413 before any parsing.
    MAX_CONTENT_LENGTH = 64 * 1024

    SQLALCHEMY_TRACK_MODIFICATIONS = False

    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_STRATEGY = "moving-window"
    # A broken Redis must not turn every request into a 500: the limiter
    # falls back to per-process memory until the storage comes back.
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True

    # Account lockout: this many failed logins within the window lock the
    # account for LOCKOUT_SECONDS (it then lifts on its own).
    LOCKOUT_THRESHOLD = 10
    LOCKOUT_WINDOW_SECONDS = 15 * 60
    LOCKOUT_SECONDS = 15 * 60
    # At most one verification email per address per this many seconds (resend-verification).
    RESEND_COOLDOWN_SECONDS = 60
    VERIFY_TOKEN_TTL_HOURS = 48
    RESET_TOKEN_TTL_HOURS = 1
    # forgot-password answers no sooner than this after it starts, link sent or not, so that
    # its timing does not tell which addresses have accounts (sending takes a few ms more).
    FORGOT_PASSWORD_MIN_SECONDS = 0.1

    # A job not started within its TTL expires (docs/architecture.md §5: email 1 h, notifications 30 min).
    EMAIL_JOB_TTL_SECONDS = 3600
    NOTIFICATION_JOB_TTL_SECONDS = 1800
    EMAIL_QUEUE = "email_queue"
    EMAIL_DLQ = "email_dead_letter_queue"
    NOTIFICATION_QUEUE = "notification_queue"
    NOTIFICATION_DLQ = "notification_dlq"
    # Transient failures are retried this many times, after EMAIL_RETRY_BASE_SECONDS * 2^n (docs/architecture.md §5).
    EMAIL_MAX_RETRIES = 3
    # An attempt (SMTP conversation or webhook POST) is killed after this long; its lease lasts a little longer.
    EMAIL_JOB_TIMEOUT_SECONDS = 60
    OUTBOX_SWEEP_BATCH = 500
    WEBHOOK_TIMEOUT_SECONDS = 5.0

    # Every process re-reads maintenance_mode from Redis at most this long
    # after its last read (plus one Redis round trip), so that all workers see
    # a change well within the 1 s of SPEC §15 (app/flags/service.py).
    MAINTENANCE_CHECK_SECONDS = 0.25


class DevelopmentConfig(Config):
    APP_ENV = "development"


class TestingConfig(Config):
    APP_ENV = "testing"
    TESTING = True


class ProductionConfig(Config):
    APP_ENV = "production"


CONFIG_CLASSES = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(environ=None, **overrides) -> dict:
    """Read the environment into a flat settings dict for `app.config`.

    `overrides` win over the environment (tests use them). Raises
    `ConfigError` naming the first bad variable.
    """
    environ = os.environ if environ is None else environ
    app_env = overrides.get("APP_ENV") or _env(environ, "APP_ENV", "development")
    if app_env not in ENVIRONMENTS:
        raise ConfigError(f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, got {app_env!r}")
    cls = CONFIG_CLASSES[app_env]
    settings = {k: getattr(cls, k) for k in dir(cls) if k.isupper()}
    warnings: list[str] = []

    database_url = overrides.get("DATABASE_URL") or _database_url(environ, app_env)
    redis_url = overrides["REDIS_URL"] if "REDIS_URL" in overrides else _redis_url(environ, app_env)
    embedded_db = database_url is None
    instance = Path(_env(environ, "INSTANCE_PATH", str(BASE_DIR / "instance")))
    if embedded_db:
        instance.mkdir(parents=True, exist_ok=True)
        database_url = f"sqlite:///{instance / 'gatehouse.db'}"

    secret = overrides.get("JWT_SECRET_KEY") or _jwt_secret(environ, app_env, warnings)
    encryption_keys = overrides.get("ENCRYPTION_KEYS") or _encryption_keys(
        environ, app_env, secret, bool(overrides.get("JWT_SECRET_KEY") or _env(environ, "JWT_SECRET_KEY")), instance, warnings)
    jwt_algorithm = overrides.get("JWT_ALGORITHM") or _jwt_algorithm(environ)
    mail_backend = _env(environ, "MAIL_BACKEND", "console")
    if mail_backend not in ("console", "smtp"):
        raise ConfigError(f"MAIL_BACKEND must be console or smtp, got {mail_backend!r}")
    log_level = _env(environ, "LOG_LEVEL", "INFO").upper()
    if log_level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
        raise ConfigError(f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {log_level!r}")
    frontend_url = _env(environ, "FRONTEND_URL", "http://localhost:5000").rstrip("/")
    if urlsplit(frontend_url).scheme not in ("http", "https"):
        raise ConfigError("FRONTEND_URL must be an http:// or https:// URL")
    webhook_url = _env(environ, "WEBHOOK_URL")
    webhook_secret = _env(environ, "WEBHOOK_SECRET")
    if webhook_url and not webhook_secret:
        raise ConfigError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")

    webauthn = _webauthn(environ, frontend_url)

    mfa_issuer = _env(environ, "MFA_ISSUER", "Gatehouse")
    if len(mfa_issuer) > 64 or ":" in mfa_issuer or not mfa_issuer.isprintable():
        raise ConfigError("MFA_ISSUER must be at most 64 printable characters without ':'")

    is_sqlite = database_url.startswith("sqlite")
    statement_timeout_ms = 0 if is_sqlite else _int(environ, "DATABASE_STATEMENT_TIMEOUT_MS", 10000, minimum=0)
    # On PostgreSQL with a statement timeout, app.db_watchdog pings each
    # checked-out connection itself, under its client-side bound.
    engine_options = {"pool_pre_ping": statement_timeout_ms == 0}
    if not is_sqlite:
        # Fail fast instead of hanging when PostgreSQL is unreachable.
        engine_options.update(
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

    settings.update(
        APP_ENV=app_env,
        INSTANCE_PATH=str(instance),
        KEY_ENV=KEY_ENV[app_env],
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options,
        DATABASE_STATEMENT_TIMEOUT_MS=statement_timeout_ms,
        EMBEDDED_DATABASE=embedded_db,
        REDIS_URL=redis_url,
        EMBEDDED_REDIS=redis_url is None,
        REDIS_SOCKET_TIMEOUT=_float(environ, "REDIS_SOCKET_TIMEOUT", 0.5),
        # Without a real Redis there is no worker: jobs run inline.
        JOBS_INLINE=redis_url is None,
        JWT_SECRET_KEY=secret,
        # Signing keys (docs/signing-keys.md): HS256 signs with JWT_SECRET_KEY; EdDSA and
        # ES256 with the keys of `flask keys rotate` or JWT_PRIVATE_KEY_FILE. Every process
        # looks for a rotation or retirement at most JWT_KEYS_CHECK_SECONDS after its last look.
        JWT_ALGORITHM=jwt_algorithm,
        JWT_PRIVATE_KEY_FILE=overrides.get("JWT_PRIVATE_KEY_FILE") or _jwt_private_key_file(environ, jwt_algorithm),
        JWT_KEYS_CHECK_SECONDS=_float(environ, "JWT_KEYS_CHECK_SECONDS", 2.0, minimum=0.0, maximum=60.0),
        INTROSPECTION_TOKEN=_introspection_token(environ, app_env, warnings),
        SECRET_KEY=secret,
        ENCRYPTION_KEYS=encryption_keys,
        # At most ten years: beyond that an expiry date cannot be computed.
        JWT_EXPIRATION_HOURS=_float(environ, "JWT_EXPIRATION_HOURS", 1.0, minimum=0.01, maximum=MAX_LIFETIME_HOURS),
        SESSION_TTL_HOURS=_float(environ, "SESSION_TTL_HOURS", 24.0, minimum=0.01, maximum=MAX_LIFETIME_HOURS),
        # Off by default (docs/architecture.md §3: a spent refresh token presented again ends its
        # session). When set, a duplicate refresh from the same client within this
        # many seconds gets the same new pair (clients that race their own refresh).
        # A session is fresh this long after its user last proved who they are (app.auth.fresh).
        REAUTH_MAX_AGE_SECONDS=_int(environ, "REAUTH_MAX_AGE_SECONDS", 300, minimum=1, maximum=86400),
        REFRESH_GRACE_SECONDS=_int(environ, "REFRESH_GRACE_SECONDS", 0, minimum=0, maximum=60),
        BCRYPT_ROUNDS=_int(environ, "BCRYPT_ROUNDS", 12, minimum=4, maximum=31),
        PASSWORD_HASH_QUEUE_LIMIT=_int(environ, "PASSWORD_HASH_QUEUE_LIMIT", 32, minimum=0),
        CORS_ORIGINS=[o.strip() for o in _env(environ, "CORS_ORIGINS", "").split(",") if o.strip()],
        TRUSTED_PROXY_COUNT=_int(environ, "TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=5),
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
        LOG_LEVEL=log_level,
        RATELIMIT_ENABLED=_bool(environ, "RATELIMIT_ENABLED", True),
        RATELIMIT_STORAGE_URI=redis_url or "memory://",
        PROFILE_CACHE_TTL_SECONDS=_int(environ, "PROFILE_CACHE_TTL_SECONDS", 600, minimum=300, maximum=3600),
        EMAIL_WORKERS=_int(environ, "EMAIL_WORKERS", 5, minimum=1, maximum=64),
        EMAIL_RETRY_BASE_SECONDS=_float(environ, "EMAIL_RETRY_BASE_SECONDS", 1.0),
        OUTBOX_SWEEP_INTERVAL_SECONDS=_float(environ, "OUTBOX_SWEEP_INTERVAL_SECONDS", 10.0, minimum=0.1),
        # The sweeper leaves a pending message alone this long after it was (re)queued or due.
        OUTBOX_SWEEP_GRACE_SECONDS=_float(environ, "OUTBOX_SWEEP_GRACE_SECONDS", 30.0),
        WEBHOOK_URL=webhook_url,
        WEBHOOK_SECRET=webhook_secret,
        METRICS_TOKEN=_env(environ, "METRICS_TOKEN"),
        METRICS_ALLOW=_networks(environ, "METRICS_ALLOW"),
        FEATURE_FLAGS=_feature_flags(environ),
        # Two-factor sign-in (docs/mfa.md): the name authenticator apps show, and
        # whether admin routes want a session signed in with a second factor.
        MFA_ISSUER=mfa_issuer,
        MFA_REQUIRED_FOR_ADMINS=_bool(environ, "MFA_REQUIRED_FOR_ADMINS", False),
        **webauthn,
        MAINTENANCE_RETRY_AFTER=_int(environ, "MAINTENANCE_RETRY_AFTER", 120, minimum=1, maximum=86400),
        **_tracing(environ),
        STARTUP_WARNINGS=warnings,
    )
    settings.update(overrides)
    return settings
