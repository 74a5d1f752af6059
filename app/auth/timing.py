"""Answers whose time must not tell anything (docs/security.md §8: login with an unknown
email and with a wrong password, resend-verification for a known and an
unknown address, forgot-password).

The work differs by a few milliseconds between the cases (a failure counted in
PostgreSQL or in Redis, a link written or not), so instead of making it equal
statement by statement the answer waits until a floor well above that
difference: what is left is the floor plus noise common to both cases.
Sleep after the commit, so that no database connection is held meanwhile.
"""

from __future__ import annotations

import time


def wait_until(started: float, seconds: float) -> None:
    """Return no sooner than `seconds` after `started` (a `time.monotonic()`)."""
    remaining = seconds - (time.monotonic() - started)
    if remaining > 0:
        time.sleep(remaining)
