"""bcrypt's time per hash at the configured cost, and the login ceiling it implies.

    python -m bench.bcrypt_cost

A login verifies one password, i.e. computes one bcrypt hash, so on a machine
with `cores` cores no server can log in faster than `cores / t_hash` per second.
Measured with the service's own scheme (bcrypt over the HMAC pre-hash of
`app.security.passwords`), one hash at a time on one core, median of `samples`.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

from bench import settings


def measure(rounds: int = settings.BCRYPT_ROUNDS, samples: int = 15) -> dict:
    """Seconds per `verify_password` at `rounds` (median, min, max) and the ceiling."""
    sys.path.insert(0, str(settings.ROOT))
    import bcrypt

    from app.security.passwords import _prehash

    # The service's own hashing (HMAC pre-hash, then bcrypt), called directly at
    # normal priority: app.security.passwords runs it in niced threads, which would add
    # whatever else the machine is doing to the baseline.
    salt = bcrypt.gensalt(rounds=rounds)
    hashed = bcrypt.hashpw(_prehash(settings.PASSWORD, salt), salt)
    bcrypt.checkpw(_prehash(settings.PASSWORD, salt), hashed)  # warm-up
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        assert bcrypt.checkpw(_prehash(settings.PASSWORD, hashed[:29]), hashed)
        times.append(time.perf_counter() - started)
    cores = os.cpu_count() or 1
    t_hash = statistics.median(times)
    return {
        "rounds": rounds,
        "samples": samples,
        "t_hash_ms": round(t_hash * 1000, 1),
        "t_hash_min_ms": round(min(times) * 1000, 1),
        "t_hash_max_ms": round(max(times) * 1000, 1),
        "cores": cores,
        "login_ceiling_rps": round(cores / t_hash, 2),
    }


if __name__ == "__main__":
    print(json.dumps(measure(), indent=2))
