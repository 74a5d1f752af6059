"""A Sentinel-managed Redis for the failover tests: a primary, a replica and
three sentinels (Debian's redis-server and redis-sentinel) as plain processes
on free loopback ports, in a temporary directory (sentinels rewrite their
configuration files)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import redis

from tests.conftest import free_port
from tests.private_services import redis_server_command, wait_for_port

MASTER_NAME = "gatehouse"


class SentinelRedis:
    """`SentinelRedis().start()`; `.sentinels` ("host:port,..."), `.kill_primary()`,
    `.wait_for_failover()`, `.stop()`."""

    def __init__(self, down_after_ms: int = 1000):
        self.dir = Path(tempfile.mkdtemp(prefix="gatehouse-sentinel-"))
        self.down_after_ms = down_after_ms
        self.primary_port, self.replica_port = free_port(), free_port()
        self.sentinel_ports = [free_port() for _ in range(3)]
        self.sentinels = ",".join(f"127.0.0.1:{port}" for port in self.sentinel_ports)
        self.procs: dict[int, subprocess.Popen] = {}

    def _redis(self, port: int, *extra: str) -> None:
        self.procs[port] = subprocess.Popen(
            redis_server_command(port, "--dir", str(self.dir), *extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def start(self) -> SentinelRedis:
        self._redis(self.primary_port)
        self._redis(self.replica_port, "--replicaof", "127.0.0.1", str(self.primary_port))
        for port in self.sentinel_ports:
            config = self.dir / f"sentinel-{port}.conf"
            config.write_text(
                f"port {port}\nbind 127.0.0.1\ndaemonize no\nloglevel warning\ndir {self.dir}\n"
                f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.primary_port} 2\n"
                f"sentinel down-after-milliseconds {MASTER_NAME} {self.down_after_ms}\n"
                f"sentinel failover-timeout {MASTER_NAME} 10000\n"
                f"sentinel parallel-syncs {MASTER_NAME} 1\n"
            )
            self.procs[port] = subprocess.Popen(
                [shutil.which("redis-sentinel") or "redis-sentinel", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        for port in [self.primary_port, self.replica_port, *self.sentinel_ports]:
            wait_for_port(port)
        # The replica has synced and every sentinel knows the replica and the other sentinels.
        deadline = time.monotonic() + 30
        while True:
            try:
                if (
                    all(
                        self._sentinel(port).get("num-slaves") == 1 and self._sentinel(port).get("num-other-sentinels") == 2
                        for port in self.sentinel_ports
                    )
                    and self._linked()
                ):
                    return self
            except redis.RedisError:
                pass
            assert time.monotonic() < deadline, "sentinels did not settle"
            time.sleep(0.1)

    def _sentinel(self, port: int) -> dict:
        return redis.Redis(port=port, socket_timeout=1).sentinel_master(MASTER_NAME)

    def _linked(self) -> bool:
        info = redis.Redis(port=self.replica_port, socket_timeout=1).info("replication")
        return info.get("master_link_status") == "up"

    def primary(self) -> int:
        """The port the sentinels currently give as the primary."""
        host, port = redis.Redis(port=self.sentinel_ports[0], socket_timeout=1).sentinel_get_master_addr_by_name(MASTER_NAME)
        return int(port)

    def kill_primary(self) -> int:
        """SIGKILL the current primary; returns its port."""
        port = self.primary()
        self.procs[port].kill()
        self.procs[port].wait()
        return port

    def wait_for_failover(self, old_port: int, since: float | None = None, timeout: float = 30.0) -> float:
        """Seconds from `since` (monotonic; default now) until the sentinels name
        another primary that accepts writes."""
        started = time.monotonic() if since is None else since
        while time.monotonic() - started < timeout:
            try:
                port = self.primary()
                if port != old_port and redis.Redis(port=port, socket_timeout=1).set("gatehouse:failover:probe", "1"):
                    return time.monotonic() - started
            except redis.RedisError:
                pass
            time.sleep(0.05)
        raise AssertionError(f"no failover within {timeout} s")

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
