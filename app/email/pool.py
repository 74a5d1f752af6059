"""The worker processes behind `python worker.py`.

An RQ `WorkerPool` of EMAIL_WORKERS workers on email_queue and
notification_queue; each worker runs a job in a forked work horse and each
runs RQ's scheduler (which is what re-runs a job at its retry time). The
pool's own process also runs the outbox sweeper between its checks on the
workers.

Shutdown: SIGTERM (or SIGINT) to the pool process asks every worker to stop
after its current job; the pool exits when they have. A job cut short by a
harder kill leaves its message "sending" until the lease ends, after which
the sweeper gives it to another worker, so nothing is lost.
"""

from __future__ import annotations

import logging

from flask import Flask
from rq.worker import Worker
from rq.worker_pool import WorkerPool

from app.email.sweeper import Sweeper
from app.extensions import db

log = logging.getLogger("gatehouse.worker")
# The app of this process tree: set before the pool forks its workers.
_app: Flask | None = None


class OutboxWorker(Worker):
    """An RQ worker whose work horses run jobs in the app's context, on
    database connections of their own (never ones inherited through fork)."""

    def main_work_horse(self, job, queue):
        with _app.app_context():
            # Connections opened before the fork belong to the parent: forget
            # them without closing them (closing would break the parent's).
            db.engine.dispose(close=False)
            super().main_work_horse(job, queue)


class OutboxWorkerPool(WorkerPool):
    """A WorkerPool that also sweeps the outbox from its monitoring loop."""

    def __init__(self, *args, sweeper: Sweeper, **kwargs):
        super().__init__(*args, **kwargs)
        self.sweeper = sweeper

    def check_workers(self, respawn: bool = True) -> None:
        super().check_workers(respawn=respawn)
        if self.status != self.Status.STOPPED:
            self.sweeper.tick()


def run(app: Flask, connection) -> None:
    """Run the pool until SIGTERM/SIGINT; returns once every worker has stopped."""
    global _app
    _app = app
    config = app.config
    queues = [config["EMAIL_QUEUE"], config["NOTIFICATION_QUEUE"]]
    pool = OutboxWorkerPool(
        queues, connection=connection, num_workers=config["EMAIL_WORKERS"], worker_class=OutboxWorker,
        sweeper=Sweeper(config["OUTBOX_SWEEP_INTERVAL_SECONDS"]),
    )
    log.info("starting %d workers on %s", config["EMAIL_WORKERS"], ", ".join(queues))
    # Workers are forked from here: do not hand them open database connections.
    db.engine.dispose()
    pool.start(logging_level=config["LOG_LEVEL"])
    log.info("all workers stopped")
