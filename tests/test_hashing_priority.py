"""bcrypt runs at a lower CPU priority than the threads serving requests, so
that a burst of logins cannot starve everything else (bench/: /me p99 while
64 connections log in)."""

import os
import sys
import threading

import pytest

from app import security


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread niceness is Linux's")
def test_password_hashing_runs_in_threads_niced_below_the_request_threads(app):
    seen = {}

    def probe():
        with open(f"/proc/self/task/{threading.get_native_id()}/stat") as stat:
            seen["nice"] = int(stat.read().rsplit(")", 1)[1].split()[16])
        seen["pid"] = os.getpid()
        return True

    assert security._hashing(probe) is True
    assert seen["nice"] == security.HASH_NICENESS
    assert os.getpriority(os.PRIO_PROCESS, 0) == 0 or seen["nice"] > os.getpriority(os.PRIO_PROCESS, 0)


def test_hash_and_verify_still_agree_through_the_pool(app):
    with app.app_context():
        hashed = security.hash_password("SecurePass123")
    assert security.verify_password("SecurePass123", hashed)
    assert not security.verify_password("SecurePass124", hashed)
    assert not security.verify_password("SecurePass123", "not-a-hash")
