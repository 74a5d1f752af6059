"""What JWT_ALGORITHM costs per request: HS256 against EdDSA and ES256, in-process.

    python -m bench.jwt_algorithms            # prints a Markdown table

For each algorithm, the medians (over `rounds` interleaved rounds, so that a
busy machine slows every algorithm alike) of:

- issue: `issue_access_token` (login, refresh);
- first verify: `decode_access_token` of a token this process has not seen
  (signature checked: once per token and worker);
- cached verify: `decode_access_token` of a token verified before, what every
  later request of that token pays (for EdDSA / ES256 this includes reading
  the header and finding the kid in the key set).

The keys come from JWT_PRIVATE_KEY_FILE (a temporary file), so no database or
Redis is involved: these are the token costs alone, to set beside the /users/me
figures of `make bench` (run that with JWT_ALGORITHM=EdDSA for the whole request).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import settings

ALGORITHMS = ("HS256", "EdDSA", "ES256")


def _apps(directory: Path) -> dict:
    sys.path.insert(0, str(settings.ROOT))
    from app import create_app
    from app.keys import material

    apps = {}
    for algorithm in ALGORITHMS:
        overrides = {
            "APP_ENV": "testing",
            "DATABASE_URL": f"sqlite:///{directory / 'unused.db'}",
            "REDIS_URL": None,
            "JWT_SECRET_KEY": "bench-" + "k" * 40,
            "ENCRYPTION_KEYS": ["YmVuY2gta2V5LWZvci1qd3QtYWxnb3JpdGhtcy0wMDA="],
            "JWT_ALGORITHM": algorithm,
            "LOG_LEVEL": "WARNING",
        }
        if algorithm != "HS256":
            path = directory / f"{algorithm}.pem"
            path.write_text(material.private_pem(material.generate_private_key(algorithm)))
            overrides["JWT_PRIVATE_KEY_FILE"] = str(path)
        apps[algorithm] = create_app(overrides)
    return apps


def _time(function, repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        function()
    return (time.perf_counter() - started) / repeat * 1e6  # µs


def _one_round(per_round: int) -> dict:
    from app.security.access_tokens import decode_access_token, issue_access_token

    user, session = uuid.uuid4(), uuid.uuid4()
    issue = _time(lambda: issue_access_token(user, session), per_round)
    fresh = iter([issue_access_token(user, session)[0] for _ in range(per_round)])
    first = _time(lambda: decode_access_token(next(fresh)), per_round)
    token = issue_access_token(user, session)[0]
    decode_access_token(token)
    cached = _time(lambda: decode_access_token(token), per_round * 10)
    return {"issue": issue, "first verify": first, "cached verify": cached}


def measure(rounds: int = 30, per_round: int = 200) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        apps = _apps(Path(tmp))
        samples = {a: {"issue": [], "first verify": [], "cached verify": []} for a in ALGORITHMS}
        for _ in range(rounds):
            for algorithm, app in apps.items():
                with app.app_context():
                    for kind, figure in _one_round(per_round).items():
                        samples[algorithm][kind].append(figure)
    return {a: {k: statistics.median(v) for k, v in kinds.items()} for a, kinds in samples.items()}


def main() -> int:
    results = measure()
    print("| algorithm | issue (µs) | first verify (µs) | cached verify (µs) |")
    print("|---|---|---|---|")
    for algorithm, figures in results.items():
        print(f"| {algorithm} | {figures['issue']:.1f} | {figures['first verify']:.1f} | {figures['cached verify']:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
