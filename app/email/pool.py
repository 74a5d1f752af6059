"""The worker processes behind `python worker.py`.

An RQ `WorkerPool` of EMAIL_WORKERS worker processes on email_queue and
notification_queue; each runs its jobs one at a time in its own process and
each runs RQ's scheduler (which is what re-runs a job at its retry time). The
pool's own process also runs the outbox sweeper between its checks on the
workers.

Shutdown: SIGTERM (or SIGINT) to the pool process asks every worker to stop
after its current job; the pool exits when they have. A job cut short by a
harder kill leaves its message "sending" until the lease ends, after which
the sweeper gives it to another worker, so nothing is lost.
"""

from __future__ import annotations

import logging
import os
from multiprocessing import get_context

from flask import Flask
from rq.worker import SimpleWorker
from rq.worker_pool import WorkerPool

from app.email.sweeper import Sweeper
from app.extensions import connect_redis, db

log = logging.getLogger("gatehouse.worker")
# The app of this process tree: set before the pool forks its workers.
_app: Flask | None = None


class OutboxWorker(SimpleWorker):
    """An RQ worker that runs each job itself, in the app's context.

    RQ's default forks a work horse per job; here a fresh process would also
    mean a fresh PostgreSQL connection (and backend) per message, which cost
    more than the message itself. Jobs are short, bounded by
    EMAIL_JOB_TIMEOUT_SECONDS (SIGALRM) and by timeouts on every socket, and
    a worker that dies anyway is respawned by the pool while the sweeper
    recovers its message.
    """

    def bootstrap(self, *args, **kwargs):
        _app.app_context().push()
        # Connections inherited through fork belong to the pool's process:
        # forget them without closing them (closing would break the parent's).
        db.engine.dispose(close=False)
        super().bootstrap(*args, **kwargs)


class OutboxWorkerPool(WorkerPool):
    """A WorkerPool that also sweeps the outbox from its monitoring loop."""

    def __init__(self, *args, sweeper: Sweeper, **kwargs):
        super().__init__(*args, **kwargs)
        self.sweeper = sweeper

    def get_worker_process(self, name: str, burst: bool, _sleep: float = 0, logging_level: str = "INFO"):
        # RQ rebuilds the parent's connection in the child from its class and
        # pool arguments, which cannot express a Sentinel-managed client (its
        # connections ask the sentinels for the primary): each worker makes
        # its own client from the configuration instead.
        return get_context("fork").Process(
            target=_run_worker,
            args=(name, self._queue_names),
            kwargs={
                "burst": burst,
                "logging_level": logging_level,
                "worker_class": self.worker_class,
                "job_class": self.job_class,
                "queue_class": self.queue_class,
                "serializer": self.serializer,
                "exception_handlers": self.exception_handlers,
            },
            name=f"Worker {name} (WorkerPool {self.name})",
        )

    def check_workers(self, respawn: bool = True) -> None:
        super().check_workers(respawn=respawn)
        if self.status != self.Status.STOPPED:
            self.sweeper.tick()


def worker_connection(config):
    """The workers' Redis client (REDIS_URL or the sentinels' primary). Not the
    app's fail-fast client: workers block on BLPOP for minutes, longer than
    REDIS_SOCKET_TIMEOUT."""
    return connect_redis(config, socket_connect_timeout=5, socket_keepalive=True, health_check_interval=30)


def _run_worker(name, queue_names, *, burst, logging_level, worker_class, job_class, queue_class, serializer, exception_handlers):
    # rq.worker_pool.run_worker, with the connection made here (after the fork).
    connection = worker_connection(_app.config)
    queues = [queue_class(queue, connection=connection, serializer=serializer) for queue in queue_names]
    worker = worker_class(
        queues,
        name=name,
        connection=connection,
        serializer=serializer,
        job_class=job_class,
        queue_class=queue_class,
        exception_handlers=exception_handlers,
    )
    worker.log.info("Starting worker started with PID %s", os.getpid())
    worker.work(burst=burst, with_scheduler=True, logging_level=logging_level)


def run(app: Flask, connection) -> None:
    """Run the pool until SIGTERM/SIGINT; returns once every worker has stopped."""
    global _app
    _app = app
    config = app.config
    queues = [config["EMAIL_QUEUE"], config["NOTIFICATION_QUEUE"]]
    pool = OutboxWorkerPool(
        queues,
        connection=connection,
        num_workers=config["EMAIL_WORKERS"],
        worker_class=OutboxWorker,
        sweeper=Sweeper(config["OUTBOX_SWEEP_INTERVAL_SECONDS"]),
    )
    log.info("starting %d workers on %s", config["EMAIL_WORKERS"], ", ".join(queues))
    # Everything a job needs is imported and compiled once here, before the
    # fork, rather than again in every work horse.
    from app.email import rendering, sender, webhooks  # noqa: F401

    rendering.preload()
    # Workers are forked from here: do not hand them open database connections.
    db.engine.dispose()
    pool.start(logging_level=config["LOG_LEVEL"])
    log.info("all workers stopped")
