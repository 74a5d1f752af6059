"""The RQ worker entry point: `python worker.py` runs EMAIL_WORKERS (5)
workers on `email_queue` and `notification_queue`, RQ's scheduler (delayed
retries) and the outbox sweeper, with JSON logs; SIGTERM stops it gracefully
(jobs in flight finish first). See app/email/pool.py."""

from __future__ import annotations

import logging
import sys

from app import create_app
from config import ConfigError

log = logging.getLogger("gatehouse.worker")


def main() -> int:
    try:
        app = create_app()
    except ConfigError as exc:
        sys.stderr.write(f"gatehouse: configuration error: {exc}\n")
        return 4
    with app.app_context():
        if app.config["JOBS_INLINE"]:
            log.error("REDIS_URL is not set: the embedded default runs jobs inline, there is nothing to work on")
            return 4
        from app.email import pool

        # Not the app's fail-fast client: workers block on BLPOP for minutes,
        # longer than REDIS_SOCKET_TIMEOUT.
        pool.run(app, pool.worker_connection(app.config))
    return 0


if __name__ == "__main__":
    sys.exit(main())
