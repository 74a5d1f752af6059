"""Before and after in one run: GET /users/me of this checkout beside another commit's.

    python -m bench.compare REF [REF ...] [--rounds 3] [--seconds 15]

Each REF (a commit, branch or tag) is checked out into a temporary git worktree
and served exactly as bench/run.py serves this checkout (gunicorn with that
tree's deploy/gunicorn.conf.py, APP_ENV=production, the bench database and
Redis DB 9, RATELIMIT_ENABLED=false). Rounds interleave: hello ceiling, then
/users/me of every tree, again and again, so that a slow minute of a shared
machine falls on all of them. Each /me run is divided by the hello run of its
own round; the report gives the median ratio and the median p99 per tree.

The tokens are minted by this checkout; a REF whose token format differs is
reported as not comparable (its /me does not answer 200).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench import seed, settings
from bench.run import ROOT, Gunicorn, flush_redis, log, machine, mint_tokens, service_env, status_of, wrk


def worktree(ref: str, base: Path) -> Path:
    target = base / ref.replace("/", "_")
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(target), ref], check=True, capture_output=True)
    return target


def measure_me(tree: Path, name: str, tokens: Path, seconds: int) -> dict:
    env = service_env(PYTHONPATH=str(tree))
    with Gunicorn("bench.served:app", env, "/health", name, root=tree) as server:
        url = server.url + "/api/v1/users/me"
        token = tokens.read_text().split()[0]
        if status_of(url, token=token) != 200:
            return {"skipped": f"{name}: GET /users/me does not answer 200 with this checkout's tokens"}
        lua_env = {"BENCH_TOKENS": str(tokens)}
        wrk(url, "me.lua", 16, 2, lua_env)  # warm-up: every session cached
        cpu0 = server.cpu()
        run = wrk(url, "me.lua", 64, seconds, lua_env)
        run["server_cpu_s"] = round(server.cpu() - cpu0, 2)
        return run


def measure_hello(seconds: int) -> dict:
    with Gunicorn("bench.hello_app:app", settings.service_env(), "/hello", "hello") as server:
        wrk(server.url + "/hello", "plain.lua", 16, 2, {})
        return wrk(server.url + "/hello", "plain.lua", 64, seconds, {})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("refs", nargs="+", help="commits to serve beside this checkout")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15)
    args = parser.parse_args()

    settings.RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results: dict = {"started": stamp, "machine": machine(), "loadavg_start": os.getloadavg(), "rounds": []}
    log("seeding gatehouse_bench")
    seed.seed()
    flush_redis()
    with tempfile.TemporaryDirectory(prefix="gatehouse-compare-") as tmp_name:
        tmp = Path(tmp_name)
        trees = {"this checkout": ROOT}
        try:
            for ref in args.refs:
                trees[ref] = worktree(ref, tmp)
            tokens = mint_tokens(200, tmp / "tokens.txt")
            for number in range(args.rounds):
                hello = measure_hello(args.seconds)
                row = {"hello": hello}
                log(f"round {number + 1}: hello {hello['rps']} req/s, p99 {hello['latency_ms']['p99']} ms")
                for name, tree in trees.items():
                    run = measure_me(tree, name.replace(" ", "-"), tokens, args.seconds)
                    row[name] = run
                    if "rps" in run:
                        log(
                            f"round {number + 1}: {name}: {run['rps']} req/s = {run['rps'] / hello['rps']:.3f} of hello, "
                            f"p99 {run['latency_ms']['p99']} ms"
                        )
                    else:
                        log(run["skipped"])
                results["rounds"].append(row)
        finally:
            for ref in args.refs:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tmp / ref.replace("/", "_"))], capture_output=True
                )
    summary = {}
    for name in ["this checkout", *args.refs]:
        ratios = [r[name]["rps"] / r["hello"]["rps"] for r in results["rounds"] if "rps" in r[name]]
        p99s = [r[name]["latency_ms"]["p99"] for r in results["rounds"] if "rps" in r[name]]
        if ratios:
            summary[name] = {
                "me_vs_hello_median": round(statistics.median(ratios), 3),
                "me_vs_hello": [round(x, 3) for x in ratios],
                "p99_ms_median": round(statistics.median(p99s), 1),
            }
    results["summary"] = summary
    results["loadavg_end"] = os.getloadavg()
    (settings.RESULTS / f"compare-{stamp}.json").write_text(json.dumps(results, indent=2))
    print(json.dumps({"summary": summary, "loadavg": [results["loadavg_start"][0], results["loadavg_end"][0]]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
