"""Requests per second with one instance and with two, on this machine.

    .venv/bin/python -m bench.instances [--seconds 15] [--connections 32]

Two gunicorn masters (deploy/gunicorn.conf.py, two workers each) on one
PostgreSQL and one Redis (tests/cluster.py starts them, on a database of
their own and a private redis-server), and wrk driving `GET /api/v1/users/me`
(8 signed-in users, tokens in rotation) through nginx: first with one master
as the only upstream, then with both. Prints one JSON line: the two rates and
their ratio. Needs wrk and nginx (Debian packages) and the tests' settings
(TEST_DATABASE_URL names the PostgreSQL server).

On one machine a second instance adds processes, not cores: the ratio says
what the extra processes cost or gain there; adding machines is what adds
capacity (README "Scaling out").
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

from tests.cluster import NGINX, Cluster, nginx_config
from tests.conftest import free_port
from tests.private_services import PrivateRedis

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "wrk"


def wrk(url: str, tokens: Path, connections: int, seconds: int) -> dict:
    env = dict(os.environ, BENCH_LUA_DIR=str(LUA), BENCH_TOKENS=str(tokens))
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(LUA / "me.lua"), url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    raw = json.loads(re.search(r"^WRK_JSON (.*)$", output, re.M).group(1))
    return {
        "rps": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
        "requests": raw["requests"],
        "errors": sum(raw["errors"].values()),
        "p99_ms": round(raw["latency_us"]["p99"] / 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    directory = Path(tempfile.mkdtemp(prefix="gatehouse-instances-"))
    redis_server = PrivateRedis().start()
    cluster = Cluster(
        directory, masters=2, workers=1, redis_url=redis_server.url, RATELIMIT_ENABLED="false", GUNICORN_THREADS="64", APP_ENV="testing"
    )
    single = None
    try:
        cluster.start()
        first = cluster.masters[0].url
        tokens = directory / "tokens.txt"
        tokens.write_text("\n".join(cluster.login(first, cluster.new_user(first))["access_token"] for _ in range(8)))
        port = free_port()
        single_dir = directory / "single"
        single_dir.mkdir()
        config = nginx_config(single_dir, [f"127.0.0.1:{cluster.masters[0].port}"], f"127.0.0.1:{port}")
        single = subprocess.Popen(
            [NGINX, "-c", str(config), "-p", str(single_dir), "-e", str(single_dir / "error.log"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(1)
        wrk(f"http://127.0.0.1:{port}", tokens, args.connections, 3)  # warm-up
        one = wrk(f"http://127.0.0.1:{port}", tokens, args.connections, args.seconds)
        two = wrk(cluster.url, tokens, args.connections, args.seconds)
        print(
            json.dumps(
                {
                    "route": "GET /api/v1/users/me",
                    "connections": args.connections,
                    "seconds": args.seconds,
                    "one_instance": one,
                    "two_instances": two,
                    "ratio": round(two["rps"] / one["rps"], 2),
                    "cores": os.cpu_count(),
                    "load_average": [round(x, 1) for x in os.getloadavg()],
                }
            )
        )
    finally:
        if single:
            single.terminate()
            single.wait()
        cluster.stop()
        redis_server.kill()


if __name__ == "__main__":
    main()
