"""Deployment files, validated as far as this machine allows (it has no
container engine): docker-compose.yml parses and wires the services, the
Dockerfile is what the README says (slim, non-root, HEALTHCHECK, gunicorn), gunicorn's
config loads, nginx -t accepts deploy/nginx.conf, and the image's commands
run here as plain processes (nginx in front of gunicorn included)."""

import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import requests
import yaml

from tests.helpers import ROOT, TEST_DATABASE_URL, free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def dockerfile() -> list[str]:
    # Instructions, with continuation lines joined.
    text = re.sub(r"\\\n\s*", " ", (ROOT / "Dockerfile").read_text())
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def instruction(name: str) -> list[str]:
    return [line[len(name) :].strip() for line in dockerfile() if line.split()[0].upper() == name]


# ------------------------------------------------------------------ compose


def test_compose_has_the_services_wired_in_order():
    services = compose()["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker", "nginx", "pgbouncer"}
    assert services["pgbouncer"]["profiles"] == ["pgbouncer"]  # optional: only with --profile pgbouncer
    assert "pool_mode = transaction" in (ROOT / "deploy" / "pgbouncer" / "pgbouncer.ini").read_text()
    assert services["migrate"]["command"] == ["flask", "--app", "wsgi", "db", "upgrade"]
    assert services["migrate"]["restart"] == "no"
    assert services["web"]["command"] == ["gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
    assert services["worker"]["command"] == ["python", "worker.py"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert services[name]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
        assert services[name]["build"] == "."
        assert "ports" not in services[name]  # only nginx is published
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["nginx"]["depends_on"]["web"]["condition"] == "service_healthy"
    assert "./deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in services["nginx"]["volumes"]
    assert "--appendonly" in services["redis"]["command"]  # flags survive a restart


def test_compose_refuses_to_start_without_secrets():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "${JWT_SECRET_KEY:?" in text and "${POSTGRES_PASSWORD:?" in text


def interpolate(value: str, given: dict) -> str:
    """Compose's `${VAR:-default}` / `${VAR:?message}` with only `given` set."""

    def substitute(match):
        name, operator, rest = match.groups()
        if name in given:
            return given[name]
        assert operator == ":-", f"{name} is required"
        return rest

    return re.sub(r"\$\{(\w+)(:[-?])([^}]*)\}", substitute, value)


@pytest.mark.parametrize("service", ["migrate", "web", "worker"])
def test_compose_settings_are_ones_the_production_config_accepts(service):
    from config import load_config

    given = {"POSTGRES_PASSWORD": "pw", "JWT_SECRET_KEY": "k" * 48, "ENCRYPTION_KEYS": "Y3J5cHRvZ3JhcGh5LWtleS1mb3ItdGVzdHMtMDEyMzQ="}
    env = {k: interpolate(str(v), given) for k, v in compose()["services"][service]["environment"].items()}
    settings = load_config(env)
    assert settings["APP_ENV"] == "production" and settings["TRUSTED_PROXY_COUNT"] == 1
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://gatehouse:pw@postgres:5432/gatehouse"
    assert settings["TRACING_ENABLED"] is False and settings["FEATURE_FLAGS"]["maintenance_mode"] is False
    with pytest.raises(AssertionError, match="JWT_SECRET_KEY"):
        interpolate(str(compose()["services"][service]["environment"]["JWT_SECRET_KEY"]), {})


# --------------------------------------------------------------- Dockerfile


def test_dockerfile_is_the_seeds_shape():
    assert instruction("FROM") == ["python:3.11-slim"]
    user = instruction("USER")
    assert user and user[-1] not in ("root", "0")
    assert instruction("HEALTHCHECK") and "/health" in instruction("HEALTHCHECK")[0]
    assert json.loads(instruction("CMD")[0]) == ["gunicorn", "-c", "deploy/gunicorn.conf.py", "wsgi:app"]
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".git", ".venv", "tests", ".env"} <= set(ignored)


def test_dockerfile_healthcheck_command_passes_against_a_running_server(app, tmp_path):
    from tests.live_server import LiveServer

    healthcheck = instruction("HEALTHCHECK")[0]
    command = json.loads(healthcheck[healthcheck.index("CMD") + 3 :].strip())
    with LiveServer(tmp_path, workers=1) as server:
        probe = [c.replace("127.0.0.1:8000", f"127.0.0.1:{server.port}") for c in command]
        probe[0] = sys.executable  # "python" of the image
        assert subprocess.run(probe, timeout=20).returncode == 0
    # And fails once the server is gone, as Docker needs it to.
    assert subprocess.run(probe, capture_output=True, timeout=20).returncode != 0


# ----------------------------------------------------------------- gunicorn


def load_gunicorn_settings(**env) -> dict:
    """The settings deploy/gunicorn.conf.py yields, read by gunicorn itself."""
    script = (
        "import json; from gunicorn.config import Config; from gunicorn.app.base import Application\n"
        "class A(Application):\n"
        "    def init(self, *a): pass\n"
        "    def load(self): pass\n"
        "a = A(); a.cfg = Config(); a.load_config_from_file('deploy/gunicorn.conf.py')\n"
        "print(json.dumps({k: str(getattr(a.cfg, k)) for k in ('workers', 'worker_class_str', 'threads',"
        " 'timeout', 'graceful_timeout', 'bind', 'accesslog', 'control_socket_disable', 'preload_app',"
        " 'forwarded_allow_ips')}))\n"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "WEB_CONCURRENCY", "PROMETHEUS_"))}
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env={**environ, **env}, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_gunicorn_config_loads_with_its_defaults():
    settings = load_gunicorn_settings()
    assert settings["worker_class_str"] == "gthread"
    assert int(settings["workers"]) >= 2 and int(settings["threads"]) >= 2
    assert settings["timeout"] == "30" and settings["preload_app"] == "False"
    assert settings["accesslog"] == "None" and settings["control_socket_disable"] == "True"
    assert settings["bind"] == "['0.0.0.0:8000']"


def test_gunicorn_config_follows_the_environment():
    settings = load_gunicorn_settings(WEB_CONCURRENCY="7", GUNICORN_WORKER_CLASS="sync", GUNICORN_THREADS="1", GUNICORN_TIMEOUT="12")
    assert (settings["workers"], settings["worker_class_str"], settings["timeout"]) == ("7", "sync", "12")


def _worker_setup(**env) -> dict:
    # In a process of its own: freezing pytest's objects would outlive the test.
    script = (
        "import gc, json; from gunicorn.config import Config; from gunicorn.app.base import Application\n"
        "class A(Application):\n"
        "    def init(self, *a): pass\n"
        "    def load(self): pass\n"
        "a = A(); a.cfg = Config(); a.load_config_from_file('deploy/gunicorn.conf.py')\n"
        "log = a.cfg.logger_class(a.cfg)\n"
        "import wsgi  # what a worker loads before post_worker_init\n"
        "before = gc.get_freeze_count(); a.cfg.post_worker_init(None)\n"
        "print(json.dumps({'frozen': gc.get_freeze_count() - before, 'access_lines': log.access_log_enabled}))\n"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "WEB_CONCURRENCY", "PROMETHEUS_"))}
    out = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**environ, "APP_ENV": "development", **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_worker_freezes_the_loaded_app_out_of_the_collectors_reach():
    # Full collections walking the app's long-lived objects were the tail of /users/me (bench/README.md).
    assert _worker_setup()["frozen"] > 50_000


def test_gunicorn_builds_access_lines_only_when_asked():
    assert _worker_setup()["access_lines"] is False
    assert _worker_setup(GUNICORN_ACCESSLOG="-")["access_lines"] is True


def test_gunicorn_check_config_boots_the_app(app):
    env = {
        **os.environ,
        "APP_ENV": "production",
        "DATABASE_URL": TEST_DATABASE_URL,
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "JWT_SECRET_KEY": "p" * 40,
        "ENCRYPTION_KEYS": "Y3J5cHRvZ3JhcGh5LWtleS1mb3ItdGVzdHMtMDEyMzQ=",
    }
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]


# -------------------------------------------------------------------- nginx

needs_nginx = pytest.mark.skipif(
    not os.path.exists(NGINX) and not os.environ.get("CI"), reason="needs Debian's nginx (.ci/run installs it)"
)


def nginx_copy(tmp_path, upstream: str, listen: str):
    """deploy/nginx.conf with only what must differ here: `web` -> a loopback
    upstream (nginx -t resolves upstream names, and `web` exists only on the
    compose network), a loopback listen port, and pid/temp paths of our own."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    text = text.replace("server web:8000", f"server {upstream}")
    text = text.replace("listen 80;", f"listen {listen};").replace("listen [::]:80;", "")
    text = text.replace(
        "http {",
        "http {\n" + "\n".join(f"    {kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")),
        1,
    )
    path = tmp_path / "nginx.conf"
    path.write_text(f"pid {tmp_path}/nginx.pid;\n" + text)
    return path


@needs_nginx
def test_nginx_accepts_the_config(tmp_path):
    config = nginx_copy(tmp_path, "127.0.0.1:8000", "127.0.0.1:8080")
    result = subprocess.run(
        [NGINX, "-t", "-q", "-c", str(config), "-p", str(tmp_path), "-e", str(tmp_path / "error.log")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


@needs_nginx
@pytest.mark.slow
def test_nginx_in_front_of_gunicorn(app, tmp_path):
    from tests.live_server import LiveServer

    with LiveServer(tmp_path / "web", workers=1, TRUSTED_PROXY_COUNT="1") as server:
        port = free_port()
        config = nginx_copy(tmp_path, f"127.0.0.1:{server.port}", f"127.0.0.1:{port}")
        nginx = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(tmp_path), "-e", str(tmp_path / "error.log"), "-g", "daemon off;"],
            stdout=open(tmp_path / "access.log", "wb"),  # noqa: SIM115
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    requests.get(base + "/health", timeout=1)
                    break
                except requests.RequestException:
                    pass
            health = requests.get(base + "/health", headers={"X-Request-ID": "via-nginx-1"}, timeout=5)
            assert health.status_code == 200 and health.headers["X-Request-ID"] == "via-nginx-1"
            # A client-supplied X-Forwarded-For is not believed: nginx appends the real
            # peer and the app (TRUSTED_PROXY_COUNT=1) takes only that last hop.
            requests.get(base + "/nope", headers={"X-Forwarded-For": "6.6.6.6", "X-Request-ID": "spoof-1"}, timeout=5)
            too_big = requests.post(
                base + "/api/v1/auth/login", data=b"x" * (100 * 1024), headers={"Content-Type": "application/json"}, timeout=5
            )
            assert too_big.status_code == 413
            assert too_big.json()["error"]["code"] == "REQUEST_TOO_LARGE_008"
            assert too_big.json()["error"]["trace_id"] == too_big.headers["X-Request-ID"]
            metrics = requests.get(base + "/metrics", timeout=5)
            assert metrics.status_code == 404 and metrics.json()["error"]["code"] == "REQUEST_NOT_FOUND_006"
            assert requests.get(f"http://127.0.0.1:{server.port}/metrics", timeout=5).status_code == 200
        finally:
            nginx.terminate()
            nginx.wait(timeout=10)
        app_lines = [json.loads(line) for line in server.log_path.read_text().splitlines() if line.startswith("{")]
        spoofed = next(r for r in app_lines if r.get("trace_id") == "spoof-1" and r["logger"] == "gatehouse.request")
        assert spoofed["ip"] == "127.0.0.1"
        access = [json.loads(line) for line in (tmp_path / "access.log").read_text().splitlines() if line.strip()]
        assert {"timestamp", "level", "logger", "message", "trace_id"} <= set(access[0])
        assert any(r["trace_id"] == "via-nginx-1" for r in access)
        refused = next(r for r in access if r["status"] == 413)
        assert refused["trace_id"] == too_big.headers["X-Request-ID"]


# -------------------------------------------------- the image's entry commands


def test_migrate_command_runs_as_a_plain_process(tmp_path):
    """compose's one-off `migrate` step, on a scratch database of its own."""
    from sqlalchemy.engine import make_url

    from tests.helpers import ensure_database

    url = make_url(TEST_DATABASE_URL)
    scratch = url.set(database=f"{url.database}_deploy")
    scratch_url = scratch.render_as_string(hide_password=False)
    ensure_database(scratch_url)
    import psycopg

    conninfo = dict(
        host=url.host or "127.0.0.1", port=url.port or 5432, user=url.username or "postgres", dbname=scratch.database, autocommit=True
    )
    with psycopg.connect(**conninfo) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    command = compose()["services"]["migrate"]["command"]
    env = {
        **os.environ,
        "APP_ENV": "production",
        "DATABASE_URL": scratch_url,
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "JWT_SECRET_KEY": "p" * 40,
        "ENCRYPTION_KEYS": "Y3J5cHRvZ3JhcGh5LWtleS1mb3ItdGVzdHMtMDEyMzQ=",
    }
    result = subprocess.run(
        [shutil.which(command[0], path=os.path.dirname(sys.executable)) or command[0], *command[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    with psycopg.connect(**conninfo) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()
    for line in result.stderr.splitlines():
        if line.startswith("{"):
            json.loads(line)
    assert shlex.join(command) == "flask --app wsgi db upgrade"
