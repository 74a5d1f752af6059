"""The benchmark: `make bench` (or `python -m bench.run`). Not part of the test suite.

What it does, in one run on this machine:
  1. seeds `gatehouse_bench` (100,000 users; bench/seed.py) and flushes Redis DB 9;
  2. measures bcrypt's time per hash at BCRYPT_ROUNDS: cores / t_hash is the login ceiling;
  3. serves bench/hello_app.py with gunicorn under deploy/gunicorn.conf.py and
     drives it with wrk: the hello ceiling of the stack;
  4. serves the service (bench/served.py = wsgi:app plus query timing) the same
     way, APP_ENV=production on PostgreSQL and Redis, RATELIMIT_ENABLED=false
     (every wrk request comes from 127.0.0.1), and measures with wrk:
     GET /api/v1/users/me throughput, login throughput and latency, and /me
     latency while 64 connections hammer login;
  5. serves it again with rate limiting on and TRUSTED_PROXY_COUNT=1 (as behind
     nginx) and runs the Locust mix of 1000 users (bench/locustfile.py),
     collecting the database's query times for that phase;
  6. registration-to-inbox time: the service with the real worker (worker.py)
     and an SMTP sink; time from the POST to the message arriving.
Each generator's own CPU time (user + system, from wait4) is reported beside
its figures. Results: bench/results/<stamp>.json and .md, and a summary printed.

Options: --quick (short phases, to check the harness), --only PHASE[,PHASE].
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from bench import settings

ROOT = settings.ROOT
LUA = ROOT / "bench" / "wrk"
PHASES = ("hello", "me", "login", "starve", "mix", "email")
TARGETS = {
    "me_vs_hello": (">=", 0.5),
    "login_vs_bcrypt": (">=", 0.9),
    "login_p50_vs_t_hash": ("<=", 1.2),
    "me_p99_during_login_ms": ("<", 250),
    "mix_p95_ms": ("<", 200),
    "mix_error_rate_pct": ("<", 0.1),
    "mix_db_p99_ms": ("<", 100),
    "email_p95_s": ("<", 2.0),
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def venv_bin(name: str) -> str:
    local = ROOT / ".venv" / "bin" / name
    if local.exists():
        return str(local)
    beside = Path(sys.executable).parent / name
    return str(beside) if beside.exists() else name


# ------------------------------------------------------------------ processes


def cpu_seconds(pids) -> float:
    """User + system CPU seconds used so far by `pids` (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (FileNotFoundError, ProcessLookupError, IndexError):
            pass
    return total / ticks


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with suppress(FileNotFoundError):
            found += [int(p) for p in (task / "children").read_text().split()]
    return found


class Gunicorn:
    """gunicorn -c deploy/gunicorn.conf.py <app> on a free loopback port, as production runs it."""

    def __init__(self, app: str, env: dict, probe: str, name: str, root: Path = ROOT):
        self.app, self.env, self.probe, self.name, self.root = app, env, probe, name, root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = settings.RESULTS / f"gunicorn-{name}.log"

    def __enter__(self):
        env = dict(self.env, GUNICORN_BIND=f"127.0.0.1:{self.port}")
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.proc = subprocess.Popen(
            [venv_bin("gunicorn"), "-c", "deploy/gunicorn.conf.py", self.app],
            cwd=self.root,
            env=env,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + self.probe, timeout=2) as response:
                    if response.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        else:
            raise RuntimeError(f"gunicorn ({self.name}) did not answer; see {self.log_path}")
        # Let every worker boot before measuring.
        workers = self.workers_expected()
        while len(self.workers()) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)
        self.description = {
            "workers": len(self.workers()),
            "worker_class": env.get("GUNICORN_WORKER_CLASS", "gthread"),
            "threads": env.get("GUNICORN_THREADS", "64"),
        }
        return self

    def workers_expected(self) -> int:
        # deploy/gunicorn.conf.py's default: usable cores + 1 (a larger guess only
        # made every phase wait out the 60 s start-up deadline).
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
        return int(self.env.get("WEB_CONCURRENCY", cores + 1))

    def workers(self) -> list[int]:
        return children(self.proc.pid)

    def cpu(self) -> float:
        return cpu_seconds([self.proc.pid, *self.workers()])

    def signal_workers(self, signum) -> None:
        for pid in self.workers():
            with suppress(ProcessLookupError):
                os.kill(pid, signum)

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()


def run_generator(command: list[str], env: dict | None = None, timeout: float = 900) -> tuple[str, dict]:
    """Run a load generator to the end; its output and its own resource use (wait4)."""
    started = time.monotonic()
    proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output_chunks = []
    # Read while it runs (so a chatty generator never blocks on a full pipe).
    for line in proc.stdout:
        output_chunks.append(line)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - started
    cpu = usage.ru_utime + usage.ru_stime
    if time.monotonic() - started > timeout:
        raise RuntimeError(f"{command[0]} ran past {timeout}s")
    return "".join(output_chunks), {
        "generator_cpu_s": round(cpu, 2),
        "generator_wall_s": round(wall, 2),
        "generator_cores_used": round(cpu / wall, 2) if wall else None,
        "exit_code": proc.returncode,
    }


def wrk(url: str, script: str, connections: int, seconds: int, env: dict, threads: int = 1) -> dict:
    """One wrk run; requests/s, latency percentiles (ms), errors, and wrk's own CPU."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(LUA / script), url]
    output, usage = run_generator(command, env=dict(os.environ, BENCH_LUA_DIR=str(LUA), **env))
    match = re.search(r"^WRK_JSON (.*)$", output, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    raw = json.loads(match.group(1))
    seconds_run = raw["duration_us"] / 1e6
    lat = {k: round(v / 1000, 2) for k, v in raw["latency_us"].items()}
    errors = sum(raw["errors"].values())
    return {
        "connections": connections,
        "seconds": round(seconds_run, 1),
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1),
        "latency_ms": lat,
        "errors": raw["errors"],
        "error_rate_pct": round(100 * errors / raw["requests"], 3) if raw["requests"] else None,
        **usage,
        "command": " ".join(command),
    }


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing wrk (Debian package)")
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, stdout=subprocess.DEVNULL)
        if not shutil.which("wrk"):
            subprocess.run(["apt-get", "update", "-qq"], check=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")


# ------------------------------------------------------------------- service


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(settings.REDIS_URL).flushdb()


def bench_app():
    """The service's app object on the bench database (for minting sessions in-process)."""
    sys.path.insert(0, str(ROOT))
    from app import create_app

    return create_app(
        {
            "APP_ENV": "production",
            "DATABASE_URL": settings.DATABASE_URL,
            "REDIS_URL": settings.REDIS_URL,
            "JWT_SECRET_KEY": settings.JWT_SECRET,
            "ENCRYPTION_KEYS": settings.ENCRYPTION_KEY,
            "BCRYPT_ROUNDS": settings.BCRYPT_ROUNDS,
            "LOG_LEVEL": "WARNING",
        }
    )


def mint_tokens(count: int, path: Path, with_email: bool = False) -> Path:
    """Sign in `count` seeded users directly (start_session + an access token, as
    login does after checking the password) and write their tokens to `path`."""
    from app.auth.sessions import start_session
    from app.context import RequestContext
    from app.extensions import db
    from app.models import User
    from app.security.access_tokens import issue_access_token

    app = bench_app()
    lines = []
    with app.app_context():
        emails = [settings.EMAIL_FORMAT.format(n) for n in range(2, count + 2)]
        users = db.session.execute(db.select(User).where(User.email.in_(emails))).scalars().all()
        for user in users:
            session, _ = start_session(user, RequestContext())
            db.session.flush()
            token, _ = issue_access_token(user.id, session.id)
            lines.append(f"{user.email} {token}" if with_email else token)
        db.session.commit()
        db.engine.dispose()
    path.write_text("\n".join(lines) + "\n")
    return path


def status_of(url: str, method: str = "GET", body: dict | None = None, token: str | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def db_times(server: Gunicorn, directory: Path) -> list[float]:
    """Ask every worker for the query times it collected since the last ask (see bench/served.py)."""
    before = set(directory.glob("db-*.json"))
    workers = server.workers()
    server.signal_workers(signal.SIGUSR2)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        fresh = set(directory.glob("db-*.json")) - before
        if len(fresh) >= len(workers):
            break
        time.sleep(0.1)
    times: list[float] = []
    for path in set(directory.glob("db-*.json")) - before:
        times += json.loads(path.read_text())
    return times


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


# -------------------------------------------------------------------- phases


def phase_hello(results: dict, quick: bool) -> None:
    env = settings.service_env()
    with Gunicorn("bench.hello_app:app", env, "/hello", "hello") as server:
        wrk(server.url + "/hello", "plain.lua", 16, 2, {})  # warm-up
        cpu0 = server.cpu()
        run = wrk(server.url + "/hello", "plain.lua", 64, 5 if quick else 20, {})
        run["server_cpu_s"] = round(server.cpu() - cpu0, 2)
        run["server"] = server.description
    results["hello"] = run
    log(f"hello ceiling: {run['rps']} req/s (p99 {run['latency_ms']['p99']} ms), wrk used {run['generator_cpu_s']} s CPU")


def service_env(**extra) -> dict:
    base = {"RATELIMIT_ENABLED": "false", "BENCH_DB_TIMES_DIR": str(settings.RESULTS / "db")}
    base.update(extra)
    return settings.service_env(**base)


def phase_throughput(results: dict, phases: set[str], quick: bool, tmp: Path) -> None:
    tokens = mint_tokens(200, tmp / "tokens.txt")
    token = tokens.read_text().split()[0]
    with Gunicorn("bench.served:app", service_env(), "/health", "service") as server:
        results["service_server"] = server.description
        me_url = server.url + "/api/v1/users/me"
        me_ok = status_of(me_url, token=token) == 200
        login_body = {"email": settings.EMAIL_FORMAT.format(3), "password": settings.PASSWORD}
        login_ok = status_of(server.url + "/api/v1/auth/login", "POST", login_body) == 200
        env = {"BENCH_TOKENS": str(tokens), "BENCH_PASSWORD": settings.PASSWORD, "BENCH_USERS": str(settings.USERS)}

        if "me" in phases:
            if me_ok:
                wrk(me_url, "me.lua", 16, 2, env)  # warm-up: every session cached
                cpu0 = server.cpu()
                run = wrk(me_url, "me.lua", 64, 5 if quick else 20, env)
                run["server_cpu_s"] = round(server.cpu() - cpu0, 2)
                results["me"] = run
                log(
                    f"GET /users/me: {run['rps']} req/s (p99 {run['latency_ms']['p99']} ms, "
                    f"errors {run['error_rate_pct']} %), wrk used {run['generator_cpu_s']} s CPU"
                )
            else:
                results["me"] = {"skipped": "GET /api/v1/users/me does not answer 200 yet"}
                log(results["me"]["skipped"])

        if login_ok and "login" in phases:
            # The ceiling again, in the minute of the logins: on a shared host the
            # cores' speed drifts, and t_hash from the start of the run would
            # compare logins with another minute's CPU (ratios use the mean of both).
            from bench import bcrypt_cost

            results["bcrypt_at_login"] = bcrypt_cost.measure()
            log(f"bcrypt before the logins: t_hash {results['bcrypt_at_login']['t_hash_ms']} ms")
            # p50 at 2 connections: each login has a core to itself.
            run2 = wrk(server.url, "login.lua", 2, 5 if quick else 20, env)
            results["login_c2"] = run2
            log(f"login at 2 connections: p50 {run2['latency_ms']['p50']} ms, {run2['rps']} req/s")
            cpu0 = server.cpu()
            run = wrk(server.url, "login.lua", 8, 10 if quick else 30, env)
            run["server_cpu_s"] = round(server.cpu() - cpu0, 2)
            results["login"] = run
            log(f"login at 8 connections: {run['rps']} req/s (errors {run['error_rate_pct']} %), wrk used {run['generator_cpu_s']} s CPU")
        elif "login" in phases:
            results["login"] = {"skipped": "POST /api/v1/auth/login does not answer 200 yet"}
            log(results["login"]["skipped"])

        if login_ok and me_ok and "starve" in phases:
            # 64 connections hammer login; meanwhile 4 connections read /me.
            hammer_s, reader_s = (12, 8) if quick else (40, 30)
            hammer = subprocess.Popen(
                ["wrk", "-t1", "-c64", f"-d{hammer_s}s", "--timeout", "60s", "-s", str(LUA / "login.lua"), server.url],
                cwd=ROOT,
                env=dict(os.environ, BENCH_LUA_DIR=str(LUA), **env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            time.sleep(5)
            run = wrk(me_url, "me.lua", 4, reader_s, env)
            hammer_out, _ = hammer.communicate()
            match = re.search(r"^WRK_JSON (.*)$", hammer_out, re.M)
            hammer_raw = json.loads(match.group(1)) if match else {}
            run["login_hammer"] = {
                "connections": 64,
                "requests": hammer_raw.get("requests"),
                "rps": round(hammer_raw["requests"] / (hammer_raw["duration_us"] / 1e6), 2) if hammer_raw else None,
                "errors": hammer_raw.get("errors"),
            }
            results["starve"] = run
            log(
                f"/me while 64 connections log in: p99 {run['latency_ms']['p99']} ms, {run['rps']} req/s; "
                f"logins {run['login_hammer']['rps']} req/s"
            )
        elif "starve" in phases:
            results["starve"] = {"skipped": "needs both /users/me and /auth/login"}


def phase_mix(results: dict, quick: bool, tmp: Path) -> None:
    users = 100 if quick else 1000
    tokens = mint_tokens(users, tmp / "mix-tokens.txt", with_email=True)
    env = service_env(RATELIMIT_ENABLED="true", TRUSTED_PROXY_COUNT="1")
    db_dir = settings.RESULTS / "db"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir(parents=True)
    with Gunicorn("bench.served:app", env, "/health", "mix") as server:
        token = tokens.read_text().split()[1]
        if status_of(server.url + "/api/v1/users/me", token=token) != 200:
            results["mix"] = {"skipped": "GET /api/v1/users/me does not answer 200 yet"}
            log(results["mix"]["skipped"])
            return
        spawn_rate = 50
        ramp = users / spawn_rate
        duration = 30 if quick else 120
        prefix = tmp / "locust"
        command = [
            venv_bin("locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(spawn_rate),
            "-t",
            f"{int(ramp + duration)}s",
            "--reset-stats",
            "--host",
            server.url,
            "--csv",
            str(prefix),
            "--only-summary",
            "--stop-timeout",
            "10",
        ]
        proc_env = dict(os.environ, BENCH_TOKENS=str(tokens), BENCH_PASSWORD=settings.PASSWORD)

        import threading

        times: dict[str, list[float]] = {}

        def collect_db_times():
            time.sleep(ramp + 3)
            db_times(server, db_dir)  # discard the ramp-up
            cpu0 = server.cpu()
            time.sleep(duration - 6)
            times["db"] = db_times(server, db_dir)
            times["server_cpu"] = [server.cpu() - cpu0]

        collector = threading.Thread(target=collect_db_times)
        collector.start()
        output, usage = run_generator(command, env=proc_env)
        collector.join()
    stats = _locust_stats(prefix)
    if not stats:
        raise RuntimeError(f"locust wrote no statistics:\n{output[-3000:]}")
    db = times.get("db") or []
    run = {
        "users": users,
        "spawn_rate": spawn_rate,
        "measured_s": duration,
        **usage,
        "command": " ".join(command),
        "requests": stats["Aggregated"]["requests"],
        "rps": stats["Aggregated"]["rps"],
        "p50_ms": stats["Aggregated"]["p50"],
        "p95_ms": stats["Aggregated"]["p95"],
        "p99_ms": stats["Aggregated"]["p99"],
        "failures": stats["Aggregated"]["failures"],
        "error_rate_pct": round(100 * stats["Aggregated"]["failures"] / max(1, stats["Aggregated"]["requests"]), 3),
        "by_endpoint": {k: v for k, v in stats.items() if k != "Aggregated"},
        "db_queries": len(db),
        "db_p50_ms": round(percentile(db, 50) * 1000, 2) if db else None,
        "db_p95_ms": round(percentile(db, 95) * 1000, 2) if db else None,
        "db_p99_ms": round(percentile(db, 99) * 1000, 2) if db else None,
        "db_max_ms": round(max(db) * 1000, 2) if db else None,
        "server_cpu_s": round(times["server_cpu"][0], 2) if "server_cpu" in times else None,
        "failures_detail": _locust_failures(prefix),
    }
    results["mix"] = run
    log(
        f"mix of {users} users: {run['rps']} req/s, p95 {run['p95_ms']} ms, errors {run['error_rate_pct']} %, "
        f"db p99 {run['db_p99_ms']} ms; locust used {run['generator_cpu_s']} s CPU"
    )


def _locust_stats(prefix: Path) -> dict:
    import csv

    path = Path(f"{prefix}_stats.csv")
    if not path.exists():
        return {}
    stats = {}
    with path.open() as handle:
        for row in csv.DictReader(handle):
            name = row["Name"] if row["Name"] != "Aggregated" else "Aggregated"
            stats[name if name == "Aggregated" else f"{row['Type']} {name}".replace(f"{row['Type']} {row['Type']} ", f"{row['Type']} ")] = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1),
                "p50": _num(row["50%"]),
                "p95": _num(row["95%"]),
                "p99": _num(row["99%"]),
                "max": _num(row["Max Response Time"]),
            }
    return stats


def _locust_failures(prefix: Path) -> list[dict]:
    import csv

    path = Path(f"{prefix}_failures.csv")
    if not path.exists():
        return []
    with path.open() as handle:
        return [{"name": r["Name"], "error": r["Error"][:200], "count": int(r["Occurrences"])} for r in csv.DictReader(handle)][:20]


def _num(value: str):
    try:
        return float(value) if value not in ("N/A", "") else None
    except ValueError:
        return None


def phase_email(results: dict, quick: bool, tmp: Path) -> None:
    from bench.email_latency import measure

    results["email"] = measure(count=20 if quick else 100, tmp=tmp)
    if "skipped" in results["email"]:
        log(results["email"]["skipped"])
    else:
        email = results["email"]
        log(
            f"registration to inbox: p50 {email['p50_s']} s, p95 {email['p95_s']} s "
            f"({email['delivered']} of {email['created']} created delivered; {email['sent']} sent"
            f"{', not created: ' + str(email['not_created']) if 'not_created' in email else ''})"
        )


# ------------------------------------------------------------------- report


def ratios(results: dict) -> dict:
    out: dict = {}
    hello, me, login, login2, bc = (results.get(k, {}) for k in ("hello", "me", "login", "login_c2", "bcrypt"))
    if bc and "bcrypt_at_login" in results:
        t_hash = (bc["t_hash_ms"] + results["bcrypt_at_login"]["t_hash_ms"]) / 2
        bc = {**bc, "t_hash_ms": round(t_hash, 1), "login_ceiling_rps": round(bc["cores"] / (t_hash / 1000), 2)}
    if "rps" in hello and "rps" in me:
        out["me_vs_hello"] = round(me["rps"] / hello["rps"], 3)
    if "rps" in login and bc:
        out["login_vs_bcrypt"] = round(login["rps"] / bc["login_ceiling_rps"], 3)
    if "latency_ms" in login2 and bc:
        out["login_p50_vs_t_hash"] = round(login2["latency_ms"]["p50"] / bc["t_hash_ms"], 3)
    if "latency_ms" in results.get("starve", {}):
        out["me_p99_during_login_ms"] = results["starve"]["latency_ms"]["p99"]
    mix = results.get("mix", {})
    if "p95_ms" in mix:
        out["mix_p95_ms"] = mix["p95_ms"]
        out["mix_error_rate_pct"] = mix["error_rate_pct"]
        out["mix_db_p99_ms"] = mix["db_p99_ms"]
    if "p95_s" in results.get("email", {}):
        out["email_p95_s"] = results["email"]["p95_s"]
    return out


def verdicts(measured: dict) -> dict:
    out = {}
    for name, value in measured.items():
        op, target = TARGETS[name]
        if value is None:
            out[name] = "not measured"
            continue
        met = {">=": value >= target, "<=": value <= target, "<": value < target}[op]
        out[name] = f"{'met' if met else 'NOT met'} ({value} {op} {target})" if met else f"NOT met ({value}, target {op} {target})"
    return out


def machine() -> dict:
    cpu = "unknown"
    with suppress(StopIteration, FileNotFoundError):
        cpu = next(
            line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")
        )
    memory = Path("/proc/meminfo").read_text().split("\n", 1)[0].split(":")[1].strip() if Path("/proc/meminfo").exists() else "?"
    pg = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"], capture_output=True, text=True
    ).stdout.strip()
    redis_version = subprocess.run(["redis-cli", "-h", "127.0.0.1", "INFO", "server"], capture_output=True, text=True).stdout
    redis_version = next((line.split(":")[1].strip() for line in redis_version.splitlines() if line.startswith("redis_version")), "?")
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0]
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": pg,
        "redis": redis_version,
        "wrk": wrk_version,
    }


def markdown(results: dict) -> str:
    lines = [
        f"# Gatehouse benchmark, {results['started']}",
        "",
        f"Machine: {results['machine']['cpu']}, {results['machine']['cores']} cores, {results['machine']['memory']}; "
        f"PostgreSQL {results['machine']['postgresql']}, Redis {results['machine']['redis']}, {results['machine']['wrk']}. "
        f"Load average at start {results['loadavg_start'][0]:.1f}, at end {results['loadavg_end'][0]:.1f}.",
        "",
        "| ratio / figure | measured | target | verdict |",
        "|---|---|---|---|",
    ]
    for name, value in results["ratios"].items():
        op, target = TARGETS[name]
        lines.append(f"| {name} | {value} | {op} {target} | {results['verdicts'][name]} |")
    lines += ["", "| run | req/s | p50 ms | p95 ms | p99 ms | errors % | generator CPU s (cores) |", "|---|---|---|---|---|---|---|"]
    for key in ("hello", "me", "login_c2", "login", "starve"):
        run = results.get(key)
        if run and "rps" in run:
            lat = run["latency_ms"]
            lines.append(
                f"| {key} (c={run['connections']}) | {run['rps']} | {lat['p50']} | {lat['p95']} | {lat['p99']} | "
                f"{run['error_rate_pct']} | {run['generator_cpu_s']} ({run['generator_cores_used']}) |"
            )
    mix = results.get("mix", {})
    if "rps" in mix:
        lines.append(
            f"| mix ({mix['users']} users) | {mix['rps']} | {mix['p50_ms']} | {mix['p95_ms']} | {mix['p99_ms']} | "
            f"{mix['error_rate_pct']} | {mix['generator_cpu_s']} ({mix['generator_cores_used']}) |"
        )
    if "bcrypt" in results:
        b = results["bcrypt"]
        lines += [
            "",
            f"bcrypt cost {b['rounds']}: t_hash {b['t_hash_ms']} ms (median of {b['samples']}); "
            f"login ceiling = {b['cores']} / t_hash = {b['login_ceiling_rps']} req/s.",
        ]
        if "bcrypt_at_login" in results:
            lines.append(
                f"Again before the logins: t_hash {results['bcrypt_at_login']['t_hash_ms']} ms; the login ratios use the mean of both."
            )
    for key, value in results.items():
        if isinstance(value, dict) and "skipped" in value:
            lines.append(f"- {key}: skipped ({value['skipped']})")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="short phases (checks the harness, figures are rough)")
    parser.add_argument("--only", default=",".join(PHASES), help=f"comma-separated subset of {', '.join(PHASES)}")
    args = parser.parse_args()
    phases = set(args.only.split(","))
    unknown = phases - set(PHASES)
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")

    ensure_wrk()
    settings.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    # Other processes compete for the same cores: the load average says how much.
    results: dict = {
        "started": stamp,
        "quick": args.quick,
        "machine": machine(),
        "phases": sorted(phases),
        "loadavg_start": os.getloadavg(),
    }
    log(f"machine: {results['machine']}")
    from bench import bcrypt_cost, seed

    log("seeding gatehouse_bench")
    results["seed"] = seed.seed()
    flush_redis()
    log(f"seed: {results['seed']}")
    results["bcrypt"] = bcrypt_cost.measure()
    log(
        f"bcrypt: t_hash {results['bcrypt']['t_hash_ms']} ms at cost {results['bcrypt']['rounds']}; "
        f"login ceiling {results['bcrypt']['login_ceiling_rps']} req/s"
    )
    with tempfile.TemporaryDirectory(prefix="gatehouse-bench-") as tmp_name:
        tmp = Path(tmp_name)
        if "hello" in phases:
            phase_hello(results, args.quick)
        if phases & {"me", "login", "starve"}:
            phase_throughput(results, phases, args.quick, tmp)
        if "mix" in phases:
            seed.seed()  # undo what the throughput phases added
            flush_redis()
            phase_mix(results, args.quick, tmp)
        if "email" in phases:
            if phases & {"me", "login", "starve", "mix"}:
                # The mix registers visitors while no worker runs: their emails wait
                # in the outbox and on email_queue, and the worker would drain them
                # first. The phase times its own emails from an empty queue.
                seed.seed()
                flush_redis()
            phase_email(results, args.quick, tmp)
    results["loadavg_end"] = os.getloadavg()
    results["ratios"] = ratios(results)
    results["verdicts"] = verdicts(results["ratios"])
    (settings.RESULTS / f"{stamp}.json").write_text(json.dumps(results, indent=2))
    (settings.RESULTS / f"{stamp}.md").write_text(markdown(results))
    print()
    print(markdown(results))
    log(f"written: bench/results/{stamp}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
