"""Under a real multi-worker gunicorn: one scrape of any worker counts the
requests of all workers, a dead worker's live gauge is dropped while its
counts stay, and maintenance mode reaches every worker within a second.

Starts gunicorn (two sync workers): marked slow, kept to one server."""

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.live_server import LiveServer

pytestmark = pytest.mark.slow
TEMPLATE = "/api/v1/admin/flags/<string:name>"
MAINTENANCE_KEY = "test:flags:flag:maintenance_mode:enabled"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with LiveServer(tmp_path_factory.mktemp("gunicorn"), workers=2) as live:
        yield live


def scrape(server) -> dict:
    response = requests.get(server.url + "/metrics", timeout=5)
    assert response.status_code == 200
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def flag_requests_counted(samples) -> float:
    key = ("api_requests_total", frozenset({"method": "GET", "endpoint": TEMPLATE, "status": "401"}.items()))
    return samples.get(key, 0.0)


def workers_that_counted(server) -> list[str]:
    """The workers' own files (one per pid) holding some of the flag requests."""
    found = []
    for path in server.metrics_dir.glob("counter_*.db"):
        samples = {}
        for metric in MultiProcessCollector.merge([str(path)]):
            for sample in metric.samples:
                samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
        if flag_requests_counted(samples):
            found.append(path.name)
    return found


def fire(server, path, count, concurrency=8) -> list[int]:
    # A fresh connection per request and several at once, so that both sync
    # workers take a share.
    def one(_):
        return requests.get(server.url + path, timeout=5, headers={"Connection": "close"}).status_code

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, range(count)))


def test_every_scrape_counts_the_requests_of_all_workers(app, server):
    before = flag_requests_counted(scrape(server))
    sent = 0
    # Until both workers have served some (on a busy machine one may win a few batches).
    while sent == 0 or (sent < 600 and len(workers_that_counted(server)) < 2):
        assert set(fire(server, "/api/v1/admin/flags/some-flag-123", 30)) == {401}
        sent += 30
    assert len(workers_that_counted(server)) >= 2, "one worker served everything"
    # Whichever worker answers the scrape, the total is the same.
    for _ in range(6):
        samples = scrape(server)
        assert flag_requests_counted(samples) - before == sent
    assert not any("some-flag-123" in str(labels) for _, labels in samples)


def test_dead_worker_keeps_its_counts_and_loses_its_live_gauge(app, server):
    fire(server, "/api/v1/admin/flags/x", 20)
    before = flag_requests_counted(scrape(server))
    victim = server.worker_pids()[0]
    assert (server.metrics_dir / f"gauge_livesum_{victim}.db").exists()
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while (victim in server.worker_pids() or len(server.worker_pids()) < 2) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert victim not in server.worker_pids()
    assert not (server.metrics_dir / f"gauge_livesum_{victim}.db").exists()
    assert (server.metrics_dir / f"counter_{victim}.db").exists()
    for _ in range(4):
        samples = scrape(server)
        assert flag_requests_counted(samples) == before
        in_progress = samples[("api_requests_in_progress", frozenset())]
        assert in_progress == 1  # the scrape itself, nothing left over from the dead worker


def test_maintenance_mode_reaches_every_worker_within_a_second(app, server, redis_conn):
    assert set(fire(server, "/api/v1/flags", 16)) == {401}
    redis_conn.set(MAINTENANCE_KEY, "true")  # as `flask flags set maintenance_mode on` does
    set_at = time.monotonic()
    # A batch begun a second after the switch must be refused entirely.
    while True:
        batch_started = time.monotonic()
        if set(fire(server, "/api/v1/flags", 16)) == {503}:
            break
        assert batch_started - set_at < 1.0, "a worker still serves after 1 s of maintenance mode"
    # From then on, every worker refuses; the probes, metrics and admin flag routes still answer.
    for _ in range(3):
        response = requests.get(server.url + "/api/v1/flags", timeout=5)
        assert response.status_code == 503 and response.headers["Retry-After"]
        assert response.json()["error"]["code"] == "SERVER_MAINTENANCE_014"
    assert set(fire(server, "/health", 8)) == {200}
    assert set(fire(server, "/metrics", 8)) == {200}
    assert set(fire(server, "/api/v1/admin/flags/maintenance_mode", 8)) == {401}
    redis_conn.delete(MAINTENANCE_KEY)
    cleared_at = time.monotonic()
    while True:
        batch_started = time.monotonic()
        if set(fire(server, "/api/v1/flags", 16)) == {401}:
            break
        assert batch_started - cleared_at < 1.0


def test_a_restart_starts_from_an_empty_metrics_directory(app, tmp_path):
    """The counts of a previous gunicorn left in PROMETHEUS_MULTIPROC_DIR (a
    crash, a restart on a fixed directory) are not added to the new run's."""
    directory = tmp_path / "restart"
    with LiveServer(directory, workers=1) as first:
        assert set(fire(first, "/api/v1/admin/flags/x", 5, concurrency=1)) == {401}
        assert flag_requests_counted(scrape(first)) == 5
    stale = sorted(p.name for p in (directory / "prometheus").glob("counter_*.db"))
    assert stale, "the first run left no counter files to clean"
    with LiveServer(directory, workers=1) as second:
        assert not any((second.metrics_dir / name).exists() for name in stale)
        assert flag_requests_counted(scrape(second)) == 0
