"""Fault: the email worker is killed with SIGKILL in the middle of a job; the
email still arrives, exactly once.

`python worker.py` runs against the tests' database and Redis and a local SMTP
server that is slow to accept the recipient, so that the kill lands while the
message is being handed over (before the server has it). No handler runs on
SIGKILL: the row stays "sending" with a lease; once the lease is over the next
worker's sweeper takes it back and sends it. The lease (EMAIL_JOB_TIMEOUT + 30 s)
is fast-forwarded by writing `locked_until`, the only thing staged here.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import pytest

from app.models import OutboxMessage, utcnow
from tests.helpers import unique_email
from tests.mailbox import Mailbox, SMTPServer
from tests.outbox_steps import outbox_row, queue_message, update_row
from tests.test_email_worker import start_worker, wait_until  # noqa: F401  (fixture)

pytestmark = pytest.mark.slow


class SlowToAccept(Mailbox):
    """Answers RCPT only after `rcpt_delay` seconds."""

    rcpt_delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's hook)
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def _descendants(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(p) for p in (task / "children").read_text().split()]
        except FileNotFoundError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def test_worker_killed_mid_job_delivers_the_email_exactly_once(app, start_worker):  # noqa: F811
    mailbox = SlowToAccept()
    mailbox.rcpt_delay = 3.0
    server = SMTPServer(mailbox).start()
    try:
        worker = start_worker(server.port)
        address = unique_email("killed")
        message_id = queue_message(app, address)
        try:
            wait_until(lambda: outbox_row(app, message_id).status == OutboxMessage.STATUS_SENDING, timeout=20)
        except AssertionError:
            raise AssertionError(f"{outbox_row(app, message_id).status}: {worker.log_path.read_text()[-3000:]}") from None
        time.sleep(0.5)  # inside the SMTP conversation now
        for pid in [*_descendants(worker.pid), worker.pid]:
            os.kill(pid, signal.SIGKILL)
        worker.wait(timeout=10)
        assert mailbox.messages == []
        assert outbox_row(app, message_id).status == OutboxMessage.STATUS_SENDING

        mailbox.rcpt_delay = 0.0
        update_row(app, message_id, locked_until=utcnow())  # the lease is over
        start_worker(server.port, OUTBOX_SWEEP_GRACE_SECONDS="1")
        assert len(mailbox.wait_for(1, timeout=40)) == 1
        wait_until(lambda: outbox_row(app, message_id).status == OutboxMessage.STATUS_SENT, timeout=20)
        time.sleep(2)  # nothing else turns up
        assert [m.envelope_to for m in mailbox.messages] == [[address]]
        assert outbox_row(app, message_id).attempts == 2
    finally:
        server.stop()
