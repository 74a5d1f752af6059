"""The application factory."""

from __future__ import annotations

import logging

from flask import Flask, g, request
from flask.sessions import NullSession, SessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from config import BASE_DIR, load_config

log = logging.getLogger("gatehouse")


def create_app(config: dict | None = None) -> Flask:
    """Build the app from the environment; `config` overrides any setting.

    Raises `config.ConfigError` (one line naming the variable) on bad settings.
    """
    settings = load_config(**(config or {}))
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"])
    app.config.update(settings)
    app.json.sort_keys = False
    app.session_interface = StatelessSessions()

    from app.observability import configure_logging

    configure_logging(app.config["LOG_LEVEL"])

    from app.tracing import configure_tracing

    # Before the extensions: engines created from now on are traced.
    configure_tracing(app)

    trusted = app.config["TRUSTED_PROXY_COUNT"]
    if trusted:
        # Only the last `trusted` hops of X-Forwarded-* are believed.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=trusted, x_proto=trusted, x_host=trusted, x_port=trusted)

    register_extensions(app)
    register_blueprints(app)
    register_request_hooks(app)
    register_cli(app)
    announce(app)
    return app


class StatelessSessions(SessionInterface):
    """The API is stateless (Bearer tokens): no cookie session is read or written.

    Flask's default interface looks for a signed cookie on every request; this
    one hands out a session that refuses writes, so a stray `flask.session[...]`
    fails loudly instead of setting a cookie.
    """

    def open_session(self, app, request):
        return NullSession()

    def save_session(self, app, session, response):
        return None


def register_extensions(app: Flask) -> None:
    from app import (
        account_cache,  # noqa: F401  (after-commit: void changed accounts' snapshots)
        models,  # noqa: F401  (registers the tables on the metadata)
    )
    from app.auth import sessions  # noqa: F401  (after-commit: publish revocations)
    from app.email import outbox  # noqa: F401  (after-commit: enqueue outbox messages)
    from app.extensions import api, cors, db, limiter, migrate, redis_store

    db.init_app(app)
    if app.config["DATABASE_STATEMENT_TIMEOUT_MS"]:
        from app import db_watchdog

        with app.app_context():
            db_watchdog.install(db.engine, app.config["DATABASE_STATEMENT_TIMEOUT_MS"])
    if app.config["DATABASE_POOLER"] == "pgbouncer":
        from app import pgbouncer

        with app.app_context():
            pgbouncer.install(db.engine, app.config["DATABASE_STATEMENT_TIMEOUT_MS"])
    migrate.init_app(
        app,
        db,
        directory=str(BASE_DIR / "migrations"),
        render_as_batch=app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"),
    )
    redis_store.init_app(app)
    from app import i18n

    i18n.init_app(app)
    if app.config["REDIS_URL"]:
        from app.extensions import redis_options

        # The counters follow the key pattern of docs/architecture.md §4: `{env}:api:rate_limit:` then
        # the limiter's own `LIMITER/<client ip>/<endpoint>/<limit>`.
        storage_options = {
            **redis_options(app.config["REDIS_SOCKET_TIMEOUT"]),
            "key_prefix": f"{app.config['KEY_ENV']}:api:rate_limit",
        }
        if app.config["REDIS_SENTINELS"]:
            from app.extensions import sentinel_options

            # limits' redis+sentinel:// storage; counters are read on the
            # primary too (a replica lags behind the increments).
            storage_options.update(
                use_replicas=False,
                db=app.config["REDIS_DB"],
                password=app.config["REDIS_PASSWORD"],
                sentinel_kwargs=sentinel_options(app.config["REDIS_SOCKET_TIMEOUT"]),
            )
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", storage_options)
    # Registered before the limiter so that it runs after it (Flask runs
    # after_request hooks in reverse order): Flask-Limiter puts Retry-After on
    # every limited response, but it only means something on a 429 or 503.
    app.after_request(_retry_after_only_when_refused)
    limiter.init_app(app)
    if app.config["CORS_ORIGINS"]:
        cors.init_app(
            app,
            resources={r"/api/*": {"origins": app.config["CORS_ORIGINS"]}},
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
            expose_headers=["X-Request-ID", "X-Pagination", "Retry-After"],
            methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
            max_age=3600,
        )
    app.config.setdefault("OPENAPI_SWAGGER_UI_CONFIG", {"persistAuthorization": True, "displayRequestDuration": True})
    api.init_app(app, spec_kwargs={"info": _api_info()})

    from app.errors import register_error_handlers

    register_error_handlers(app)


def _retry_after_only_when_refused(response):
    if response.status_code not in (429, 503):
        response.headers.pop("Retry-After", None)
    elif response.status_code == 503 and "retry_after" in g:
        # An outage or overload says when to come back, not the rate limit's window.
        response.headers["Retry-After"] = g.retry_after
    return response


def _api_info() -> dict:
    from app.errors import CATALOGUE

    return {
        "description": (
            "User management and authentication. Every success is "
            '`{"status": "success", "data": ..., "message": ...}`; every error is '
            '`{"status": "error", "error": {code, message, field, details, timestamp, trace_id}}`. '
            "Error codes are listed in `x-error-codes`."
        ),
        "x-error-codes": [{"code": e.code, "status": e.status, "message": e.message} for e in CATALOGUE.values()],
    }


def register_blueprints(app: Flask) -> None:
    from app.audit.routes import blp as audit_blp
    from app.auth.routes import blp as auth_blp
    from app.docs import bp as docs_bp
    from app.extensions import api
    from app.flags.routes import blp as flags_blp
    from app.health import blp as health_blp
    from app.introspection.routes import blp as introspection_blp
    from app.keys.routes import blp as jwks_blp
    from app.mfa.routes import blp as mfa_blp
    from app.oidc.routes import blp as oidc_blp
    from app.pages import bp as pages_bp
    from app.passkeys.pages import bp as passkey_pages_bp
    from app.passkeys.routes import blp as passkeys_blp
    from app.users.routes import blp as users_blp

    api.register_blueprint(auth_blp, url_prefix="/api/v1/auth")
    api.register_blueprint(introspection_blp, url_prefix="/api/v1/auth")
    api.register_blueprint(passkeys_blp, url_prefix="/api/v1/auth/passkeys")
    api.register_blueprint(users_blp, url_prefix="/api/v1/users")
    api.register_blueprint(audit_blp, url_prefix="/api/v1/admin")
    api.register_blueprint(flags_blp, url_prefix="/api/v1")
    api.register_blueprint(mfa_blp, url_prefix="/api/v1")
    api.register_blueprint(oidc_blp, url_prefix="/api/v1")
    api.register_blueprint(health_blp)
    api.register_blueprint(jwks_blp)
    app.register_blueprint(docs_bp)
    app.register_blueprint(pages_bp)  # the pages of the emailed links (docs/pages.md)
    app.register_blueprint(passkey_pages_bp)  # the page to try passkeys (docs/passkeys.md)


def register_request_hooks(app: Flask) -> None:
    from app import flags
    from app.errors import MAINTENANCE, PAYLOAD_TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, AppError
    from app.metrics import init_metrics
    from app.observability import init_request_tracking

    init_request_tracking(app)
    init_metrics(app)

    @app.after_request
    def _never_cache_api_responses(response):
        # Tokens, accounts and sessions must not stay in a browser's or a proxy's
        # cache (docs/security.md §12): every answer under /api/, errors included.
        if request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        return response

    @app.before_request
    def _refuse_during_maintenance():
        # 503 SERVER_MAINTENANCE_014 with Retry-After while maintenance mode is on.
        if flags.is_exempt(request.path, request.method) or not flags.maintenance_active():
            return
        raise AppError(MAINTENANCE, headers={"Retry-After": str(app.config["MAINTENANCE_RETRY_AFTER"])})

    @app.before_request
    def _require_json_body():
        # A body in another format would otherwise be read as "no fields" and
        # answered with a confusing validation error.
        if (
            request.method in ("POST", "PUT", "PATCH")
            and request.path.startswith("/api/")
            and (request.content_length or request.headers.get("Transfer-Encoding"))
            and not request.is_json
            and not (
                request.mimetype == "application/x-www-form-urlencoded"
                and getattr(app.view_functions.get(request.endpoint), "accepts_form_body", False)
            )
        ):
            raise AppError(UNSUPPORTED_MEDIA_TYPE)

    @app.before_request
    def _refuse_oversized_chunked_body():
        # Without Content-Length (chunked) Werkzeug stops reading at
        # MAX_CONTENT_LENGTH without a word, so the app would parse a cut body.
        # One that does not end there is refused whole, as a declared one is.
        limit = app.config["MAX_CONTENT_LENGTH"]
        if (
            limit is not None
            and request.content_length is None
            and request.headers.get("Transfer-Encoding")
            and len(request.get_data(cache=True)) >= limit
            and request.environ["wsgi.input"].read(1)
        ):
            raise AppError(PAYLOAD_TOO_LARGE)


def register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)


def announce(app: Flask) -> None:
    for warning in app.config["STARTUP_WARNINGS"]:
        log.warning(warning)
    if app.config["EMBEDDED_DATABASE"] or app.config["EMBEDDED_REDIS"]:
        log.info(
            "embedded mode: %s, %s, %s, mail %s",
            "SQLite at instance/gatehouse.db" if app.config["EMBEDDED_DATABASE"] else "PostgreSQL",
            "in-process Redis stand-in" if app.config["EMBEDDED_REDIS"] else "Redis",
            "jobs run inline" if app.config["JOBS_INLINE"] else "jobs on RQ",
            app.config["MAIL_BACKEND"],
        )
