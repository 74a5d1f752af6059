"""The RQ worker entry point: `python worker.py` runs EMAIL_WORKERS (5) workers
on `email_queue` and `notification_queue`."""

from __future__ import annotations

import logging
import sys

from rq.worker_pool import WorkerPool

from app import create_app
from app.extensions import redis_client
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
        queues = [app.config["EMAIL_QUEUE"], app.config["NOTIFICATION_QUEUE"]]
        pool = WorkerPool(queues, connection=redis_client(), num_workers=app.config["EMAIL_WORKERS"])
        log.info("starting %d workers on %s", app.config["EMAIL_WORKERS"], ", ".join(queues))
        pool.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
