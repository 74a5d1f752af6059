"""A real SMTP server for the tests: aiosmtpd on a free local port, keeping
every message it accepts, or refusing recipients / answering 4xx on demand."""

from __future__ import annotations

import email
import email.policy
import threading
import time

from aiosmtpd.controller import Controller

from tests.helpers import free_port


class Mailbox:
    """An aiosmtpd handler recording what it accepts.

    `refuse` maps a recipient address to the reply given to its RCPT
    (e.g. "550 5.1.1 No such user"); `data_delay` slows DATA down.
    """

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: dict[str, str] = {}
        self.refuse_all_with: str | None = None
        self.data_delay = 0.0
        self._arrived = threading.Condition()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        reply = self.refuse.get(address.lower()) or self.refuse_all_with
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_delay:
            import asyncio

            await asyncio.sleep(self.data_delay)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message.envelope_to = list(envelope.rcpt_tos)
        message.received_at = time.monotonic()
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int, timeout: float = 10.0) -> list:
        """Block until `count` messages arrived (AssertionError after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(self.messages)} of {count} messages arrived in {timeout} s")
                self._arrived.wait(left)
        return list(self.messages)

    def to(self, address: str) -> list:
        return [m for m in self.messages if address.lower() in [a.lower() for a in m.envelope_to]]


class SMTPServer:
    """`start()` / `stop()` a Controller serving `mailbox` on `port`."""

    def __init__(self, mailbox: Mailbox | None = None, port: int | None = None, **smtp_options):
        """`smtp_options` go to aiosmtpd (tls_context, require_starttls, authenticator, ssl_context, ...)."""
        self.mailbox = mailbox or Mailbox()
        self.port = port or free_port()
        self.options = smtp_options
        self.controller: Controller | None = None

    def start(self) -> SMTPServer:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mail_config(self) -> dict:
        """app.config values that send mail here."""
        return {
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": self.port,
            "MAIL_TIMEOUT": 5.0,
            "MAIL_USE_TLS": False,
            "MAIL_USE_SSL": False,
            "MAIL_USERNAME": None,
            "MAIL_PASSWORD": None,
        }
